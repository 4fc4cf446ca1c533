"""Read a table of texts (CSV, TSV, workbook, JSON Lines, parquet): one row, one document.

The table readers of :func:`textkit.corpus.read.read_texts` (and, batch by batch, of
:func:`textkit.corpus.read_stream.iter_texts`): each format's cells are loaded, the text,
id and title columns and the document variables are chosen and checked, and every row
becomes a document or a report row rejected with its reason. A file that cannot be
decoded or parsed, a header naming a column twice, a JSON line naming a key twice, a
workbook too large to open and duplicate or empty ids are errors naming the file and the
column, line or rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_str
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.core.io import sha256_bytes
from textkit.corpus.chars import has_letter
from textkit.corpus.read_result import (
    READ_COLUMNS,
    REPORT_COLUMNS,
    ReadResult,
    _cell_str,
    _check_reserved,
    _decode,
    _typed,
)
from textkit.corpus.workbook import _check_xls_size, sheet_layout, sheet_rows

# messages keep the logger name of the module this code was split from
logger = logging.getLogger("textkit.corpus.read")

__all__ = []  # reached through read_texts and iter_texts

_TABLE_EXTRACTORS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
}

#: The extractors of workbooks (read by :mod:`textkit.corpus.workbook`).
_WORKBOOKS = ("xlsx", "xls")


class _RowNames:
    """How messages name a table's data rows (numbered from 1 under the header, as the
    report's ``row``): as the file shows them. A workbook's row in its sheet (the header
    row and title rows above it counted: ``row 24 of sheet 'Sheet1'``), the physical line
    of a CSV, TSV or JSON Lines file (``line 24``), a parquet file's data row.

    A CSV or TSV record has two numbers: the line of the file where it starts and the row
    a spreadsheet program (Excel, WPS) shows it as, which counts the header, every blank
    line (pandas skips them: no data row) and every record above it as one row each, a
    quoted cell holding line breaks as one row. When they differ the record is named by
    both: ``row 24 in a spreadsheet, line 131 of the file``.

    Parameters
    ----------
    extractor : str
        The table's extractor (``"csv"``, ``"xlsx"`` …).
    lines : callable, optional
        CSV, TSV and JSON Lines: opens the decoded text (an iterable of lines), read once
        when rows are named.
    layout : SheetLayout, optional
        Workbooks: where the table is in its sheet.
    """

    def __init__(self, extractor: str, lines: Any = None, layout: Any = None) -> None:
        self.extractor = extractor
        self._lines = lines
        self._layout = layout

    def places(self, rows: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Data row -> the row a spreadsheet program shows it as and the line of the file
        where it starts (one pass over a text file; a workbook's sheet row twice, a JSON
        line's line twice, a parquet file's data row twice)."""
        wanted = set(rows)
        if self._layout is not None:
            return {r: (self._layout.header_row + r,) * 2 for r in wanted}
        if not wanted or self._lines is None:
            return {r: (r, r) for r in wanted}
        stream = self._lines()
        try:
            if self.extractor == "jsonl":
                found = {r: (n, n) for r, n in _jsonl_lines(stream, wanted).items()}
            else:
                found = _csv_places(stream, "\t" if self.extractor == "tsv" else ",", wanted)
        finally:
            if hasattr(stream, "close"):
                stream.close()
        # a row the scan did not find (a file changed since): counted under a header line
        return {r: found.get(r, (r + 1, r + 1)) for r in wanted}

    @property
    def layout(self) -> Any:
        """A workbook's :class:`~textkit.corpus.workbook.SheetLayout` (None for others)."""
        return self._layout

    @property
    def unit(self) -> str:
        """What :meth:`shown` numbers: ``"line"`` for JSON Lines, else ``"row"``."""
        return "line" if self.extractor == "jsonl" else "row"

    def shown(self, rows: Iterable[int]) -> dict[int, int]:
        """Data row -> the number a spreadsheet program shows it under: its row in a
        workbook's sheet, a CSV's row counting the header as row 1 and every blank line as
        a row (a JSON line's line, a parquet file's data row)."""
        return {r: shown for r, (shown, _) in self.places(rows).items()}

    def _unit(self, plural: bool) -> tuple[str, str]:
        if self._layout is not None:
            return ("rows" if plural else "row"), f" of sheet {self._layout.sheet!r}"
        if self._lines is not None:
            return ("lines" if plural else "line"), ""
        return ("data rows" if plural else "data row"), ""

    def names(self, rows: Iterable[int]) -> dict[int, str]:
        """Data row -> ``"row 24 of sheet 'Sheet1'"``, ``"line 24"`` or ``"data row 23"``;
        a CSV record whose row in a spreadsheet is not its line (quoted line breaks or
        blank lines above it): ``"row 24 in a spreadsheet, line 131 of the file"``."""
        unit, where = self._unit(False)
        out = {}
        for r, (shown, n) in self.places(rows).items():
            if shown != n:
                out[r] = f"row {shown} in a spreadsheet, line {n} of the file"
            else:
                out[r] = f"{unit} {n}{where}"
        return out

    def many(self, rows: list[int]) -> str:
        """Several data rows named at once: ``"rows [2, 26] of sheet 'Sheet1'"``,
        ``"lines [2, 26]"`` (a CSV whose quoted line breaks or blank lines move them:
        ``"rows [2, 26] in a spreadsheet, lines [2, 133] of the file"``)."""
        unit, where = self._unit(True)
        places = self.places(rows)
        shown, at = [places[r][0] for r in rows], [places[r][1] for r in rows]
        if shown != at:
            return f"rows {shown} in a spreadsheet, lines {at} of the file"
        return f"{unit} {at}{where}"


def _csv_records(stream: Iterable[str], sep: str) -> Iterator[tuple[list[str], int, bool]]:
    """The records of a CSV or TSV text as a spreadsheet program shows them, one a row
    (a blank line is an empty row; a quoted cell holding line breaks spans several lines):
    each with the physical line where it starts and whether pandas skips it as blank (a
    line of nothing but spaces and tabs that are not the separator: ``read_csv``'s
    ``skip_blank_lines``). A record Python's parser refuses ends the records (pandas said
    what is wrong when it parsed the file)."""
    import csv

    last = [""]

    def lines() -> Iterator[str]:
        for line in stream:
            last[0] = line
            yield line

    blank = set(" \t") - {sep}
    reader = csv.reader(lines(), delimiter=sep)
    start = 1
    try:
        for record in reader:
            one_line = reader.line_num == start
            yield record, start, one_line and set(last[0].rstrip("\r\n")) <= blank
            start = reader.line_num + 1
    except csv.Error:
        return


def _csv_places(stream: Iterable[str], sep: str, rows: set[int]) -> dict[int, tuple[int, int]]:
    """The row a spreadsheet program shows each of the data ``rows`` of a CSV or TSV text
    as, and the physical line where it starts (:func:`_csv_records`: the header is the
    first record pandas does not skip as blank)."""
    out: dict[int, tuple[int, int]] = {}
    row = -1  # the header's
    for shown, (_, line, blank) in enumerate(_csv_records(stream, sep), start=1):
        if blank:
            continue
        row += 1
        if row in rows:
            out[row] = (shown, line)
            if len(out) == len(rows):
                break
    return out


def _jsonl_lines(lines: Iterable[str], rows: set[int]) -> dict[int, int]:
    """The physical line of each of the data ``rows`` of JSON Lines (blank lines are no
    rows)."""
    out: dict[int, int] = {}
    row = 0
    for n, line in enumerate(lines, start=1):
        if line.strip():
            row += 1
            if row in rows:
                out[row] = n
                if len(out) == len(rows):
                    break
    return out


#: Largest table file :func:`textkit.corpus.read.read_texts` reads whole, in bytes; a larger
#: one is an error pointing to the batch reader (:func:`textkit.corpus.read_stream.iter_texts`)
#: and the streamed build, which keep memory bounded whatever the file size.
MAX_TABLE_BYTES = 2 * 1024**3


def _check_regular_file(p: Path) -> None:
    """Refuse a table path that is not a regular file (a FIFO would block the read)."""
    import stat

    mode = p.stat().st_mode
    if not stat.S_ISREG(mode):
        raise InvalidParameterError(
            f"path: {p} is not a regular file (a FIFO, socket or device); not opened: "
            "give a table file or a folder"
        )


def _table_extractor(p: Path, encoding: str | None, sheet: str | None = None) -> str:
    """The extractor of a table file (``"csv"``, ...); refuses other files, an encoding
    for a format that records its own and a sheet for a table that is not a workbook."""
    extractor = _TABLE_EXTRACTORS.get(p.suffix.lower())
    if extractor is None:
        raise InvalidParameterError(
            f"path: expected a folder or a table file ({', '.join(sorted(_TABLE_EXTRACTORS))}), "
            f"got {p.name!r}"
        )
    if encoding is not None and extractor in (*_WORKBOOKS, "parquet"):
        raise InvalidParameterError(
            f"encoding: applies to CSV, TSV, JSON lines and text files, not to {p.name!r} "
            "(the format records its own encoding)"
        )
    if sheet is not None:
        check_str("sheet", sheet)
        if extractor not in _WORKBOOKS:
            raise InvalidParameterError(
                f"sheet: applies to workbooks (.xlsx, .xls), not to {p.name!r}"
            )
    return extractor


def _load_table(
    p: Path,
    data: bytes,
    extractor: str,
    encoding: str | None,
    text: str | None = None,
    sheet: str | None = None,
    option: str = "text",
) -> tuple[pd.DataFrame, str, str, _RowNames]:
    """The raw cells of a table (strings where the format has no types), its encoding, the
    repairs of its decoding or, for a workbook, of finding its table
    (:func:`textkit.corpus.workbook.sheet_layout`: ``sheet``, and ``text`` to find the
    header; ``option`` is the option that named it, for the error when it is missing) and
    how its rows are named (:class:`_RowNames`)."""
    import io

    if extractor in ("csv", "tsv"):
        res = _decode(data, p.name, encoding)
        if not res.ok:
            raise CorpusError(f"{p.name}: cannot decode the table: {res.reason}")
        sep = "\t" if extractor == "tsv" else ","
        _check_header(p, _csv_header(io.StringIO(res.text), sep))
        try:
            frame = pd.read_csv(io.StringIO(res.text), sep=sep, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise CorpusError(f"{p.name}: cannot parse the {extractor.upper()}: {exc}") from exc
        names = _RowNames(extractor, lines=lambda: io.StringIO(res.text))
        return frame, res.encoding, "; ".join(res.repairs), names
    if extractor in _WORKBOOKS:
        layout = sheet_layout(p, io.BytesIO(data), sheet, text, option=option)
        _check_header(p, list(layout.header))
        seen: dict[str, int] = {}
        rows = list(sheet_rows(p, io.BytesIO(data), layout, seen))
        frame = pd.DataFrame(rows, columns=list(layout.columns), dtype=object)
        return frame, "", layout.repairs(seen), _RowNames(extractor, layout=layout)
    if extractor == "jsonl":
        res = _decode(data, p.name, encoding)
        if not res.ok:
            raise CorpusError(f"{p.name}: cannot decode the JSON lines: {res.reason}")
        records = list(_json_records(res.text.split("\n"), p.name))
        columns: list[str] = []
        for rec in records:
            columns.extend(k for k in rec if k not in columns)
        frame = pd.DataFrame.from_records(records, columns=columns)
        names = _RowNames(extractor, lines=lambda: res.text.split("\n"))
        return frame, res.encoding, "; ".join(res.repairs), names
    try:
        return pd.read_parquet(io.BytesIO(data)), "", "", _RowNames(extractor)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise CorpusError(f"{p.name}: cannot read the parquet file: {exc}") from exc


def _csv_header(stream: Any, sep: str) -> list[str]:
    """The names of the header of a CSV or TSV text stream, as written: its first record
    pandas does not skip as blank (``[]`` when it has none or cannot be parsed: the parser
    then says what is wrong)."""
    return next((rec for rec, _, blank in _csv_records(stream, sep) if not blank), [])


def _check_header(p: Path, names: list[Any]) -> None:
    """Refuse a header that names a column twice (pandas would rename the second copy)."""
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        if name is None or str(name) == "":
            continue
        seen.setdefault(str(name), []).append(i)
    twice = {n: at for n, at in seen.items() if len(at) > 1}
    if twice:
        detail = "; ".join(f"{n!r} in columns {at}" for n, at in twice.items())
        raise CorpusError(
            f"{p.name}: the header names a column more than once ({detail}); rename the "
            "columns so that each name is used once"
        )


def _json_records(lines: Iterable[str], name: str) -> Iterator[dict]:
    """The JSON objects of the non-blank lines of a JSON Lines file (line numbers count
    every line); a line that is not a JSON object is an error naming it."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{name}: line {n} is not JSON: {exc}") from exc
        except _DuplicateKey as exc:
            raise CorpusError(
                f"{name}: line {n} names the key {exc.args[0]!r} more than once; keep one"
            ) from None
        if not isinstance(rec, dict):
            raise CorpusError(f"{name}: line {n} is not a JSON object")
        yield rec


class _DuplicateKey(ValueError):
    """A JSON object names a key twice (json.loads would keep the last value)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _column(frame: pd.DataFrame, name: str, what: str, file: str) -> str:
    if name not in frame.columns:
        raise InvalidParameterError(
            f"{what}: no column {name!r} in {file}; its columns are "
            f"{', '.join(map(repr, map(str, frame.columns)))}"
        )
    return name


def _read_table(
    p: Path,
    extractor: str,
    text: str | None,
    meta: list[str] | tuple[str, ...] | None,
    id_col: str | None,
    encoding: str | None,
    given: str,
    title_col: str | None = None,
    sheet: str | None = None,
) -> ReadResult:
    size = p.stat().st_size
    if extractor == "xls":
        _check_xls_size(p, size)  # before its bytes are read
    if size > MAX_TABLE_BYTES:
        raise CorpusError(
            f"{p}: {size / 2**30:.1f} GiB is over the {MAX_TABLE_BYTES / 2**30:.0f} GiB that "
            "read_texts reads into memory (textkit.corpus.read_table.MAX_TABLE_BYTES); read it "
            "in batches with textkit.iter_texts, or build the corpus with textkit.build_corpus_to "
            "(textkit corpus build --input PATH --stream)"
        )
    data = p.read_bytes()
    frame, enc, repairs, row_names = _load_table(p, data, extractor, encoding, text, sheet)
    frame.columns = [str(c) for c in frame.columns]
    given_title = title_col
    text, id_col, title_col, meta = _table_columns(
        p, list(frame.columns), text, meta, id_col, title_col
    )
    note = _title_note(given_title, title_col)
    if note:
        logger.info("%s: %s", p.name, note)
        repairs = _with_note(repairs, note)
    if extractor == "parquet":
        import io

        import pyarrow.parquet as pq

        _check_text_type(p, text, pq.read_schema(io.BytesIO(data)))
    n = len(frame)
    rows = list(range(1, n + 1))
    texts = [_cell_str(v) for v in frame[text].tolist()]
    if id_col is None:
        ids = _default_ids(p, rows, n)
    else:
        ids = [_id_str(v) for v in frame[id_col].tolist()]
    ok = [_has_text(t) for t in texts]
    if id_col is not None:
        _check_ids(p, id_col, rows, ids, ok, row_names)
    where = _rejected_names(p, data, row_names, frame.columns.get_loc(text), rows, ok, texts)
    for r, k, t in zip(rows, ok, texts, strict=True):
        if not k:
            logger.warning("%s: rejected %s", p.name, _empty_reason(where[r], t))
    if not any(ok):
        raise CorpusError(f"{p.name}: no document read: {_no_text(n)}")
    docs, report = _table_parts(
        p,
        extractor,
        rows,
        ids,
        texts,
        frame[title_col].tolist() if title_col else None,
        {m: frame[m].tolist() for m in meta},
        None,
        (sha256_bytes(data), len(data), enc, repairs),
        where,
    )
    return ReadResult(docs, report, "table", tuple(meta), given)


def _table_columns(
    p: Path,
    columns: list[str],
    text: str | None,
    meta: list[str] | tuple[str, ...] | None,
    id_col: str | None,
    title_col: str | None,
) -> tuple[str, str | None, str | None, list[str]]:
    """The text, id and title columns and the document variables of a table with these
    columns (defaults applied, names checked)."""
    frame = pd.DataFrame(columns=columns)
    if text is None:
        if "text" not in columns:
            raise InvalidParameterError(
                f"text: {p.name} has no column named 'text'; name the text column with "
                f"text=... (its columns are {', '.join(map(repr, columns))})"
            )
        text = "text"
    text = _column(frame, check_str("text", text), "text", p.name)
    if id_col is not None:
        id_col = _column(frame, check_str("id", id_col), "id", p.name)
    if title_col is None:
        title_col = _guessed_title(columns, text, id_col, meta)
    else:
        title_col = _column(frame, check_str("title", title_col), "title", p.name)
    kept_anyway = tuple(c for c in (text, id_col, title_col) if c is not None)
    if meta is None:
        meta = [c for c in columns if c not in kept_anyway]
    else:
        meta = [_column(frame, check_str("meta", m), "meta", p.name) for m in meta]
        if set(kept_anyway) & set(meta):
            raise InvalidParameterError(
                f"meta: lists the text, id or title column ({', '.join(map(repr, kept_anyway))}); "
                "they are kept anyway"
            )
    _check_reserved(list(meta), f"meta ({p.name})")
    return text, id_col, title_col, list(meta)


#: Column names taken as a table's title column when ``title`` is not given, in this order
#: (English names in any case): the names Chinese tables and scraped datasets use.
TITLE_NAMES = ("title", "标题", "题目", "题名", "篇名", "文章标题", "headline", "標題", "題目")


def _guessed_title(
    columns: list[str],
    text: str,
    id_col: str | None,
    meta: list[str] | tuple[str, ...] | None,
) -> str | None:
    """The title column of a table whose title column is not named: the first column
    named in :data:`TITLE_NAMES` (English names in any case, spaces around a name ignored)
    that is not the text or id column nor listed in ``meta``; None when there is none."""
    taken = {text, id_col, *(meta or ())}
    by_name: dict[str, str] = {}
    for c in columns:
        key = c.strip()
        key = key.lower() if key.isascii() else key
        if c not in taken:
            by_name.setdefault(key, c)
    return next((by_name[n] for n in TITLE_NAMES if n in by_name), None)


def _title_note(given: str | None, title_col: str | None) -> str:
    """What the report's ``repairs`` say of a title column taken without being named
    (``""`` when ``title`` was given or no column was taken)."""
    if given is not None or title_col is None:
        return ""
    return (
        f"column {title_col!r} taken as the titles (no title column named; name another "
        "with title=... or [corpus] title)"
    )


def _with_note(repairs: str, note: str) -> str:
    """``repairs`` with ``note`` added (``"; "`` between them)."""
    return "; ".join(r for r in (repairs, note) if r)


def _check_text_type(p: Path, text: str, schema: Any) -> None:
    """Refuse a text column a parquet file records as something other than strings
    (numbers, dates, bytes …): the wrong column was named, or the text needs decoding."""
    import pyarrow as pa

    i = schema.get_field_index(text)
    if i < 0:
        return
    kind = schema.field(i).type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_null(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return
    if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(kind):
        return
    raise InvalidParameterError(
        f"text: column {text!r} of {p.name} holds {kind} values, not text; name the text "
        "column with text=..."
    )


def _default_ids(p: Path, rows: list[int] | range, n: int) -> list[str]:
    """``"<file stem>#<row>"``, the row zero-padded to the width of ``n`` (at least 2)."""
    width = max(2, len(str(n)))
    return [f"{p.stem}#{r:0{width}d}" for r in rows]


def _id_str(value: Any) -> str:
    return (_cell_str(value) or "").strip()


def _has_text(value: str | None) -> bool:
    """Whether a text cell holds a word: a letter of any script (a cell of only digits,
    punctuation or symbols, such as ``12345`` or ``——``, is no document)."""
    return value is not None and has_letter(value)


def _no_text(n: int) -> str:
    """Why a table of ``n`` rows gives no document."""
    if n == 0:
        return "it has no rows (a header only, or nothing)"
    return f"every one of its {n} rows has empty text or no word"


#: Marks the name of a row whose text cell is a formula without a saved value.
_FORMULA = "\0formula"


def _empty_reason(where: str, text: str | None = None) -> str:
    """Why the text of the row named ``where`` (:class:`_RowNames`) gives no document
    (``text``: the cell, when it has one)."""
    if where.endswith(_FORMULA):
        return (
            f"no text: the text cell holds a formula without a saved value "
            f"({where[: -len(_FORMULA)]}); open and save the workbook in Excel or WPS so "
            "that it stores the formulas' values"
        )
    if text is not None and text.strip():
        return f"no word, only digits, punctuation or symbols ({where})"
    return f"empty text ({where})"


def _rejected_names(
    p: Path,
    source: Any,
    row_names: _RowNames,
    column: int,
    rows: list[int],
    ok: list[bool],
    texts: list[str | None],
) -> dict[int, str]:
    """The names (:class:`_RowNames`) of the data ``rows`` not read (``ok`` False), a
    workbook's row whose text cell is a formula without a saved value marked
    (:data:`_FORMULA`; ``column``: the text column, 0-based; ``source``: the workbook)."""
    rejected = [r for r, k in zip(rows, ok, strict=True) if not k]
    names = row_names.names(rejected)
    layout = row_names.layout
    if layout is not None and rejected:
        import io

        from textkit.corpus.workbook import formula_rows

        empty = [layout.header_row + r for r, k, t in zip(rows, ok, texts, strict=True)
                 if not k and t is None]  # fmt: skip
        src = io.BytesIO(source) if isinstance(source, bytes) else source
        for n in formula_rows(p, src, layout, column, empty):
            names[n - layout.header_row] += _FORMULA
    return names


def _check_ids(
    p: Path,
    id_col: str,
    rows: list[int],
    ids: list[str],
    ok: list[bool],
    row_names: _RowNames,
) -> None:
    """Refuse an empty or repeated id on a row with text (``ok``); a row without text is
    rejected whatever its id (a note under the table, a blank row)."""
    blank = [r for r, i, k in zip(rows, ids, ok, strict=True) if k and not i]
    if blank:
        raise CorpusError(f"{p.name}: empty id in column {id_col!r} at {row_names.many(blank)}")
    seen: dict[str, list[int]] = {}
    for r, i, k in zip(rows, ids, ok, strict=True):
        if k:
            seen.setdefault(i, []).append(r)
    dups = {i: rs for i, rs in seen.items() if len(rs) > 1}
    _raise_duplicate_ids(p, id_col, dups, row_names)


def _raise_duplicate_ids(
    p: Path, id_col: str, dups: dict[str, list[int]], row_names: _RowNames
) -> None:
    if dups:
        detail = "; ".join(f"{i!r} at {row_names.many(rs)}" for i, rs in sorted(dups.items()))
        raise CorpusError(f"{p.name}: duplicate ids in column {id_col!r}: {detail}")


def _table_parts(
    p: Path,
    extractor: str,
    rows: list[int],
    ids: list[str],
    texts: list[str | None],
    titles: list[Any] | None,
    metas: dict[str, list[Any]],
    int_columns: set[str] | None,
    file: tuple[str, int, str, str],
    where: dict[int, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents and the report of (a run of) table rows: ``file`` is the sha256, size,
    encoding and repairs of the table; ``int_columns`` the document variables typed as
    integers (None: decided on these rows); ``where`` names the rows not read as the file
    shows them (:class:`_RowNames`)."""
    sha, n_bytes, enc, repairs = file
    ok = [_has_text(t) for t in texts]
    report = pd.DataFrame(
        {
            "source": p.name,
            "row": pd.Series(rows, dtype="Int64"),
            "doc_id": ids,
            "status": ["read" if k else "rejected" for k in ok],
            "reason": [
                "" if k else _empty_reason(where.get(r, f"data row {r}"), t)
                for k, r, t in zip(ok, rows, texts, strict=True)
            ],
            "reject_kind": ["" if k else "empty_text" for k in ok],
            "extractor": extractor,
            "sha256": sha,
            "n_bytes": n_bytes,
            "repairs": repairs,
        },
        columns=list(REPORT_COLUMNS),
    )
    keep = [i for i, k in enumerate(ok) if k]
    docs = pd.DataFrame(
        {
            "doc_id": [ids[i] for i in keep],
            "text": [texts[i] for i in keep],
            "title": [(_cell_str(titles[i]) or "").strip() for i in keep]
            if titles is not None
            else "",
            "source": p.name,
            "row": pd.Series([rows[i] for i in keep], dtype="Int64"),
            "extractor": extractor,
            "encoding": enc,
        },
        columns=list(READ_COLUMNS),
    )
    for m, values in metas.items():
        cells = [_cell_str(values[i]) for i in keep]
        docs[m] = _typed(cells, None if int_columns is None else m in int_columns).array
    return docs, report
