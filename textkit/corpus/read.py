"""Read a corpus the researcher brings: a table of texts or a folder of documents.

:func:`read_texts` turns either input into one table of documents with their document
variables, and a report with one row per input (a table row or a file), read or rejected
with the reason:

* a **table** (``.csv``, ``.tsv``, ``.xlsx``, ``.jsonl``, ``.parquet``): one row is one
  document. CSV and TSV bytes are decoded by the strict decoder of the ingest stage
  (:func:`textkit.corpus.ingest.decode_bytes`) before pandas parses them; a workbook's
  first sheet is read, its cells losing the ``_x000D_`` escapes Excel writes and their
  line breaks becoming ``"\\n"`` (the other sheets are named in the report's ``repairs``;
  a formula cell gives the value the workbook stored when it was last saved, missing in a
  workbook written by a program that does not compute formulas). A header that names a
  column twice, a JSON line that names a key twice, and a parquet text column of
  numbers or dates are errors naming the file, column or line;
* a **folder**: every file matching ``include`` (and no ``exclude`` pattern), searched
  recursively in sorted order, is one page. Its text is extracted by its format
  (:func:`textkit.corpus.extract.extract_text`): text files (``.txt``) are decoded like the
  raw pages, HTML pages (``.html``, ``.htm``, ``.xhtml``) decoded and reduced to their body
  text, Word documents (``.docx``) read paragraph by paragraph, PDF files (``.pdf``) by
  their text layer; the title an HTML, Word or PDF file records becomes the page title.
  Old Word (``.doc``), RTF and OpenDocument files are rejected with advice to save them as
  ``.docx``, a file of another type matching ``include`` as unsupported. Document
  variables can be read from the relative path (``docvars_from="{province}/{year}/{name}.txt"``).

:func:`textkit.corpus.build.build_corpus` accepts the result: table rows are documents as
they are, files from a folder are split into articles like the raw pages.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_str
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.core.io import sha256_bytes
from textkit.core.paths import folder_entries
from textkit.corpus._documents import DOCUMENT_COLUMNS
from textkit.corpus.annotate import ANNOTATED_COLUMNS
from textkit.corpus.extract import (
    EXTRACTORS,
    UNSUPPORTED_FORMATS,
    extract_text,
    zip_too_large,
)
from textkit.corpus.ingest import IngestConfig, decode_bytes, page_ids

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_INCLUDE",
    "READ_COLUMNS",
    "REPORT_COLUMNS",
    "RESERVED_NAMES",
    "ReadResult",
    "document_variables",
    "read_texts",
]

#: Columns every documents table of :func:`read_texts` starts with, in order; the
#: document variables follow under their own names.
READ_COLUMNS = ("doc_id", "text", "title", "source", "row", "extractor", "encoding")

#: Columns of the report of :func:`read_texts`, one row per table row or file.
REPORT_COLUMNS = (
    "source",
    "row",
    "doc_id",
    "status",
    "reason",
    "reject_kind",
    "extractor",
    "sha256",
    "n_bytes",
    "repairs",
)

#: Names a document variable may not take: the columns :func:`read_texts` writes, the
#: columns of the documents table a corpus build writes (``docs/architecture.md``) other
#: than the ones annotation writes (:data:`~textkit.corpus.annotate.ANNOTATED_COLUMNS`: a
#: corpus build keeps the researcher's value and writes the detected one as
#: ``<name>_detected``), and those ``<name>_detected`` columns.
RESERVED_NAMES = frozenset(
    {
        *READ_COLUMNS,
        *(c for c in DOCUMENT_COLUMNS if c not in ANNOTATED_COLUMNS),
        *(f"{c}_detected" for c in ANNOTATED_COLUMNS),
    }
)


def document_variables(docs: pd.DataFrame) -> list[str]:
    """The researcher's document variables of a documents table: the columns textkit did not
    write (not :data:`RESERVED_NAMES`, not an annotation column), in table order.

    For an article table built from :func:`read_texts` output these are the table's meta
    columns or the fields of ``docvars_from`` (``province``, ``outlet``, ``stance`` …); a
    user's own ``year`` or ``genre`` column shares its name with an annotation and is not
    listed here (the analyses name it themselves).

    Parameters
    ----------
    docs : pandas.DataFrame
        A documents table (``CorpusBuild.documents`` or any table with ``doc_id``).

    Returns
    -------
    list of str
    """
    written = RESERVED_NAMES | set(ANNOTATED_COLUMNS)
    return [str(c) for c in docs.columns if c not in written]


_TABLE_EXTRACTORS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
}

#: Files of a folder read by default (``include``).
DEFAULT_INCLUDE = (
    "**/*.txt",
    "**/*.html",
    "**/*.htm",
    "**/*.xhtml",
    "**/*.docx",
    "**/*.pdf",
)

_INT_RE = re.compile(r"[+-]?(?:0|[1-9][0-9]*)")
_FIELD_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_texts` read.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per document read: :data:`READ_COLUMNS` (``doc_id``, ``text``, ``title``
        — a table's title column; for a file the title its format records (HTML
        ``<title>`` or first ``h1``, Word or PDF document properties), ``""`` for a text
        file: the splitter titles its articles —, ``source``
        — the table's file name, or the file's path relative to the folder, POSIX style —,
        ``row`` — the 1-based data row of the table (the header row not counted; the
        JSON line among the non-blank ones), missing for a file —, ``extractor`` —
        ``"csv"``, ``"tsv"``, ``"xlsx"``, ``"jsonl"``, ``"parquet"``, or for a file
        ``"text"``, ``"html"``, ``"docx"`` or ``"pdf"`` —, ``encoding`` — the decoding
        used (text and HTML files, CSV, TSV, JSON lines), ``""`` where none applies)
        followed by the document variables (:attr:`docvars`).
    report : pandas.DataFrame
        One row per input table row or folder entry (:data:`REPORT_COLUMNS`): ``status``
        is ``"read"``, ``"rejected"`` or, for a folder entry that is not a file to read,
        ``"skipped"`` (kind in ``reject_kind``: :data:`textkit.core.paths.SKIP_KINDS`;
        ``doc_id`` empty), ``reason`` says why (``"empty text (row 4)"``, ...),
        ``reject_kind`` its category (``"empty_text"`` for a table row; for a file
        ``"no_match"`` (``docvars_from``) or one of
        :data:`textkit.corpus.ingest.REJECT_KINDS` and
        :data:`textkit.corpus.extract.EXTRACT_REJECT_KINDS`), ``extractor`` the extractor
        that read or rejected it (``""`` for an unsupported file type); ``sha256`` and
        ``n_bytes`` describe the file the row or file came from, ``repairs`` what decoding
        or extraction repaired (a byte-order mark removed, ...).
    kind : str
        ``"table"`` (one row, one document) or ``"folder"`` (one file, one page).
    docvars : tuple of str
        The document variables, in order.
    path : str
        The input path as given.
    options : dict
        The options :func:`read_texts` was called with (``None`` values left out): part of
        the cache key of a corpus build of this result.
    """

    documents: pd.DataFrame
    report: pd.DataFrame
    kind: str
    docvars: tuple[str, ...]
    path: str
    options: dict = field(default_factory=dict, compare=False)


def read_texts(
    path: str | os.PathLike,
    *,
    text: str | None = None,
    meta: list[str] | tuple[str, ...] | None = None,
    id: str | None = None,  # noqa: A002 - the column naming the documents' ids
    docvars_from: str | None = None,
    include: list[str] | tuple[str, ...] | None = None,
    exclude: list[str] | tuple[str, ...] | None = None,
    encoding: str | None = None,
    title: str | None = None,
) -> ReadResult:
    """Read a table of texts or a folder of documents, one document per row or file.

    Parameters
    ----------
    path : path-like
        A table file (``.csv``, ``.tsv``, ``.xlsx``, ``.jsonl``, ``.parquet``) or a folder
        of text (``.txt``), HTML (``.html``, ``.htm``, ``.xhtml``), Word (``.docx``) and
        PDF (``.pdf``) files.
    text : str, optional
        Tables: the column holding the text (default: a column named ``text``).
    meta : list of str, optional
        Tables: the columns kept as document variables (default: every column but the text
        and id columns).
    id : str, optional
        Tables: the column holding the document ids (default: ids
        ``"<file stem>#<row>"``, the 1-based row number zero-padded to the width of the
        largest one, at least two digits).
    docvars_from : str, optional
        Folders: a pattern the relative path must match, whose fields become document
        variables: ``"{province}/{year}/{name}.txt"`` (a field matches one path part, or
        part of one), or a regular expression with named groups (``(?P<year>\\d{4})/.*``).
        A file whose path does not match is rejected.
    include, exclude : list of str, optional
        Folders: glob patterns on the relative path (``**`` matches any number of folders,
        ``*`` anything within one). Default include :data:`DEFAULT_INCLUDE`
        (``["**/*.txt", "**/*.html", "**/*.htm", "**/*.xhtml", "**/*.docx",
        "**/*.pdf"]``); no exclude. A file matching an ``exclude`` pattern or no
        ``include`` pattern is not read, and neither are hidden files and folders, the
        lock files Office keeps beside an open document (``~$name.docx``), links to
        folders, link loops, dangling links, links leaving the folder and special files
        (FIFOs, sockets, devices; never opened): each is a report row with
        ``status="skipped"``, its kind (``"excluded"``, ``"not_included"``,
        ``"office_lock"``, ``"hidden"`` …) and reason. Each file is read by the extractor of its suffix (:func:`textkit.corpus.extract.extract_text`);
        a file matching ``include`` whose type is not read is rejected as
        ``unsupported_type``, and so are old Word (``.doc``), RTF and OpenDocument files
        even when ``include`` does not match them (save them as ``.docx``).
    encoding : str, optional
        CSV, TSV, and text and HTML files of a folder: the encoding of the bytes (decoded
        strictly). Default: detected by :func:`textkit.corpus.ingest.decode_bytes` (for
        HTML, a ``<meta charset>`` breaks a tie between candidate encodings).
    title : str, optional
        Tables: the column holding each document's title (default: a column named
        ``title`` if there is one, else no titles). The annotation stage reads titles
        (a genre is often named there), so give one when the table has it.

    Returns
    -------
    ReadResult

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InvalidParameterError
        For a file type that is not read, an option that does not apply to the input
        (``text``, ``meta`` and ``id`` are for tables; ``docvars_from``, ``include`` and
        ``exclude`` for folders), a column that does not exist (the message lists the
        columns), or a document variable named like a textkit column
        (:data:`RESERVED_NAMES`; rename it, or leave it out of ``meta``).
    CorpusError
        If a table cannot be parsed or holds duplicate ids (naming the file and the rows),
        or if nothing could be read (every row empty, or no readable file in a folder).

    Notes
    -----
    Document variables are typed: a variable whose values all look like integers (no
    leading zeros; missing values allowed) becomes a nullable integer column, every other
    variable a string column (missing values stay missing).

    Reserved names (:data:`RESERVED_NAMES`): a document variable may not be called
    ``doc_id``, ``text``, ``source``, ``row``, ``extractor``, ``encoding``, ``page_id``,
    ``source_file``, ``ordinal``, ``title``, ``text_raw``, ``n_chars``, ``clean_log``,
    ``damage_ratio``, ``status``, ``flag_reason``, ``is_duplicate``, ``dup_group``,
    ``dup_of``, ``similarity``, nor ``<name>_detected`` for a name the annotation stage
    writes. A table's ``title`` column is the documents' title (see ``title``), not a
    variable. Those names (:data:`ANNOTATED_COLUMNS`: ``genre``, ``year``, ``years``,
    ``era_cues``, ``era``, ``keywords``, ``relevance``, ``is_relevant``) are free: a corpus
    build never overwrites the researcher's column and writes its own as
    ``<name>_detected``. The text and id columns may have any name (``text="doc_id"`` is
    fine): they are not document variables.

    Examples
    --------
    >>> texts = read_texts("letters.csv", text="content", id="letter_id")  # doctest: +SKIP
    >>> texts = read_texts("raw", docvars_from="{province}/{year}/{name}.txt")  # doctest: +SKIP
    >>> texts = read_texts("reports", include=["**/*.pdf", "**/*.docx"])  # doctest: +SKIP
    >>> build = textkit.build_corpus(texts)  # doctest: +SKIP
    """
    options = _given_options(
        text=text,
        meta=meta,
        id=id,
        docvars_from=docvars_from,
        include=include,
        exclude=exclude,
        encoding=encoding,
        title=title,
    )
    return replace(
        _read_texts(path, text, meta, id, docvars_from, include, exclude, encoding, title),
        options=options,
    )


def _read_texts(path, text, meta, id, docvars_from, include, exclude, encoding, title):  # noqa: A002
    p = Path(path)
    if encoding is not None:
        check_str("encoding", encoding)
    if p.is_dir():
        for name, value in (("text", text), ("meta", meta), ("id", id), ("title", title)):
            if value is not None:
                raise InvalidParameterError(f"{name}: applies to tables, not to a folder ({p})")
        return _read_folder(p, docvars_from, include, exclude, encoding, str(path))
    if not p.exists():
        raise FileNotFoundError(f"no such file or folder: {p}")
    for name, value in (
        ("docvars_from", docvars_from),
        ("include", include),
        ("exclude", exclude),
    ):
        if value is not None:
            raise InvalidParameterError(f"{name}: applies to folders, not to a table ({p})")
    extractor = _table_extractor(p, encoding)
    return _read_table(p, extractor, text, meta, id, encoding, str(path), title)


# ---------------------------------------------------------------------------------------
# tables


def _table_extractor(p: Path, encoding: str | None) -> str:
    """The extractor of a table file (``"csv"``, ...); refuses other files and an encoding
    for a format that records its own."""
    extractor = _TABLE_EXTRACTORS.get(p.suffix.lower())
    if extractor is None:
        raise InvalidParameterError(
            f"path: expected a folder or a table file ({', '.join(sorted(_TABLE_EXTRACTORS))}), "
            f"got {p.name!r}"
        )
    if encoding is not None and extractor in ("xlsx", "parquet"):
        raise InvalidParameterError(
            f"encoding: applies to CSV, TSV, JSON lines and text files, not to {p.name!r} "
            "(the format records its own encoding)"
        )
    return extractor


def _given_options(**options: Any) -> dict[str, Any]:
    """The read options a caller gave (``None`` left out, sequences as lists): what
    :attr:`ReadResult.options` records and the build cache keys on."""
    return {
        k: (list(v) if isinstance(v, (list, tuple)) else v)
        for k, v in options.items()
        if v is not None
    }


def _ingest_config(encoding: str | None) -> IngestConfig:
    return IngestConfig() if encoding is None else IngestConfig(encodings=(encoding,))


def _decode(data: bytes, name: str, encoding: str | None):
    return decode_bytes(data, name, _ingest_config(encoding))


def _load_table(
    p: Path, data: bytes, extractor: str, encoding: str | None
) -> tuple[pd.DataFrame, str, str]:
    """The raw cells of a table (strings where the format has no types), its encoding and
    the repairs of its decoding."""
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
        return frame, res.encoding, "; ".join(res.repairs)
    if extractor == "xlsx":
        too_large = zip_too_large(data)
        if too_large:
            raise CorpusError(f"{p.name}: workbook too large: {too_large}")
        header, note = _workbook_head(p, io.BytesIO(data))
        _check_header(p, header)
        try:
            frame = pd.read_excel(io.BytesIO(data), engine="openpyxl", dtype=object)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise CorpusError(f"{p.name}: cannot read the workbook: {exc}") from exc
        frame = frame.map(_excel_cell)
        return frame, "", note
    if extractor == "jsonl":
        res = _decode(data, p.name, encoding)
        if not res.ok:
            raise CorpusError(f"{p.name}: cannot decode the JSON lines: {res.reason}")
        records = list(_json_records(res.text.split("\n"), p.name))
        columns: list[str] = []
        for rec in records:
            columns.extend(k for k in rec if k not in columns)
        frame = pd.DataFrame.from_records(records, columns=columns)
        return frame, res.encoding, "; ".join(res.repairs)
    try:
        return pd.read_parquet(io.BytesIO(data)), "", ""
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise CorpusError(f"{p.name}: cannot read the parquet file: {exc}") from exc


def _csv_header(stream: Any, sep: str) -> list[str]:
    """The names of the first record of a CSV or TSV text stream, as written (``[]`` when
    it has none or cannot be parsed: the parser then says what is wrong)."""
    import csv

    try:
        return next(csv.reader(stream, delimiter=sep), [])
    except csv.Error:
        return []


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


def _workbook_head(p: Path, source: Any) -> tuple[list[Any], str]:
    """The header cells of a workbook's first sheet (the sheet read) and a note naming the
    sheets that are not read (``""`` when there is one sheet)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise CorpusError(f"{p.name}: cannot read the workbook: {exc}") from exc
    try:
        names = wb.sheetnames
        header = list(next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ()))
    finally:
        wb.close()
    if len(names) < 2:
        return header, ""
    rest = ", ".join(map(repr, names[1:]))
    note = f"read the first sheet {names[0]!r}; not read: {len(names) - 1} other sheet(s) {rest}"
    logger.warning("%s: %s", p.name, note)
    return header, note


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


def _excel_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return value


def _cell_str(value: Any) -> str | None:
    """A cell as a string (``None`` when missing); integral floats lose their ``.0``."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _typed(values: list[str | None], as_int: bool | None = None) -> pd.Series:
    """Integers when every present value looks like one (or when ``as_int`` says so), else
    strings."""
    if as_int is None:
        as_int = _int_like(values)
    if as_int:
        return pd.Series(
            [int(v) if v is not None and v != "" else None for v in values], dtype="Int64"
        )
    return pd.Series(values, dtype=object)


def _int_like(values: list[str | None]) -> bool | None:
    """True when every present value looks like an integer, False when one does not, None
    when no value is present."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return None
    return all(_INT_RE.fullmatch(v.strip()) for v in present)


def _check_reserved(names: list[str], where: str) -> None:
    clash = [n for n in names if n in RESERVED_NAMES]
    if clash:
        raise InvalidParameterError(
            f"{where}: document variable(s) {clash} would take the name of a textkit column; "
            f"rename them (e.g. {clash[0]!r} -> 'user_{clash[0]}') or leave them out "
            f"(reserved: {', '.join(sorted(RESERVED_NAMES))})"
        )


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
) -> ReadResult:
    data = p.read_bytes()
    frame, enc, repairs = _load_table(p, data, extractor, encoding)
    frame.columns = [str(c) for c in frame.columns]
    text, id_col, title_col, meta = _table_columns(
        p, list(frame.columns), text, meta, id_col, title_col
    )
    if extractor == "parquet":
        _check_text_type(p, text, frame[text].dtype)
    n = len(frame)
    rows = list(range(1, n + 1))
    texts = [_cell_str(v) for v in frame[text].tolist()]
    if id_col is None:
        ids = _default_ids(p, rows, n)
    else:
        ids = [_id_str(v) for v in frame[id_col].tolist()]
        _check_ids(p, id_col, rows, ids)
    ok = [_has_text(t) for t in texts]
    for r, k in zip(rows, ok, strict=True):
        if not k:
            logger.warning("%s: rejected %s", p.name, _empty_reason(r))
    if not any(ok):
        raise CorpusError(f"{p.name}: no document read: every one of its {n} rows has empty text")
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
    if title_col is None and "title" in columns and text != "title":
        title_col = "title"
    elif title_col is not None:
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


def _check_text_type(p: Path, text: str, dtype: Any) -> None:
    """Refuse a text column a typed format (parquet) records as numbers, booleans or
    dates: the wrong column was named."""
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        raise InvalidParameterError(
            f"text: column {text!r} of {p.name} holds {dtype} values, not text; name the "
            "text column with text=..."
        )


def _default_ids(p: Path, rows: list[int] | range, n: int) -> list[str]:
    """``"<file stem>#<row>"``, the row zero-padded to the width of ``n`` (at least 2)."""
    width = max(2, len(str(n)))
    return [f"{p.stem}#{r:0{width}d}" for r in rows]


def _id_str(value: Any) -> str:
    return (_cell_str(value) or "").strip()


def _has_text(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _empty_reason(row: int) -> str:
    return f"empty text (row {row})"


def _check_ids(p: Path, id_col: str, rows: list[int], ids: list[str]) -> None:
    blank = [r for r, i in zip(rows, ids, strict=True) if not i]
    if blank:
        raise CorpusError(f"{p.name}: empty id in column {id_col!r} at row(s) {blank}")
    seen: dict[str, list[int]] = {}
    for r, i in zip(rows, ids, strict=True):
        seen.setdefault(i, []).append(r)
    _raise_duplicate_ids(p, id_col, {i: rs for i, rs in seen.items() if len(rs) > 1})


def _raise_duplicate_ids(p: Path, id_col: str, dups: dict[str, list[int]]) -> None:
    if dups:
        detail = "; ".join(f"{i!r} at rows {rs}" for i, rs in sorted(dups.items()))
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
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents and the report of (a run of) table rows: ``file`` is the sha256, size,
    encoding and repairs of the table; ``int_columns`` the document variables typed as
    integers (None: decided on these rows)."""
    sha, n_bytes, enc, repairs = file
    ok = [_has_text(t) for t in texts]
    report = pd.DataFrame(
        {
            "source": p.name,
            "row": pd.Series(rows, dtype="Int64"),
            "doc_id": ids,
            "status": ["read" if k else "rejected" for k in ok],
            "reason": ["" if k else _empty_reason(r) for k, r in zip(ok, rows, strict=True)],
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


# ---------------------------------------------------------------------------------------
# folders


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob on POSIX relative paths: ``**/`` any folders (or none), ``*`` and ``?``
    within one path part, ``[...]`` a character class."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            j = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1 : j].replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _patterns(
    name: str, values: Any, default: tuple[str, ...]
) -> list[tuple[str, re.Pattern[str]]]:
    """The glob patterns of ``include`` or ``exclude``, each with its regular expression."""
    if values is None:
        values = default
    if isinstance(values, str):
        values = [values]
    return [(v, _glob_regex(check_str(name, v))) for v in values]


def _docvars_regex(pattern: str) -> re.Pattern[str]:
    check_str("docvars_from", pattern)
    if "(?P<" in pattern:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise InvalidParameterError(f"docvars_from: not a regular expression: {exc}") from exc
        if not rx.groupindex:
            raise InvalidParameterError("docvars_from: the regular expression has no named group")
        return rx
    parts, last, fields = [], 0, []
    for m in _FIELD_RE.finditer(pattern):
        parts.append(re.escape(pattern[last : m.start()]))
        if m.group(1) in fields:
            raise InvalidParameterError(
                f"docvars_from: field {{{m.group(1)}}} appears twice in {pattern!r}"
            )
        fields.append(m.group(1))
        parts.append(f"(?P<{m.group(1)}>[^/]+?)")
        last = m.end()
    parts.append(re.escape(pattern[last:]))
    if not fields:
        raise InvalidParameterError(
            f"docvars_from: expected fields such as {{year}} in the pattern, got {pattern!r}"
        )
    return re.compile("".join(parts))


def _skipped(rel: str, kind: str, reason: str) -> dict:
    """The report row of a folder entry that is not read."""
    return {
        "source": rel,
        "row": None,
        "doc_id": "",
        "extractor": "",
        "status": "skipped",
        "reason": reason,
        "reject_kind": kind,
        "sha256": "",
        "n_bytes": 0,
        "repairs": "",
    }


def _read_folder(
    root: Path,
    docvars_from: str | None,
    include: Any,
    exclude: Any,
    encoding: str | None,
    given: str,
) -> ReadResult:
    inc = _patterns("include", include, DEFAULT_INCLUDE)
    exc = _patterns("exclude", exclude, ())
    rx = _docvars_regex(docvars_from) if docvars_from is not None else None
    fields = list(rx.groupindex) if rx is not None else []
    _check_reserved(fields, "docvars_from")
    config = _ingest_config(encoding)
    docs, report = [], []
    files = []
    # every entry under root (sorted by relative POSIX path) is read or listed with its
    # reason: hidden files and folders, Office lock files, links to folders, link loops,
    # dangling links, links leaving root, FIFOs and other special files
    # (textkit.core.paths.folder_entries), and files left out by the patterns
    for e in folder_entries(root, nested=True):
        rel = e.rel
        if e.kind != "file":
            logger.warning("skipped %s", e.reason)
            report.append(_skipped(rel, e.kind, e.reason))
            continue
        hit = next((pat for pat, x in exc if x.fullmatch(rel)), None)
        if hit is not None:
            logger.info("skipped %s: matches the exclude pattern %r", rel, hit)
            report.append(
                _skipped(rel, "excluded", f"{rel}: matches the exclude pattern {hit!r}; not read")
            )
            continue
        suffix = Path(rel).suffix.lower()
        # a document format that is not read is reported even when include leaves it out:
        # the researcher likely meant it to be read
        if not any(x.fullmatch(rel) for _, x in inc) and suffix not in UNSUPPORTED_FORMATS:
            shown = ", ".join(repr(pat) for pat, _ in inc)
            logger.info("skipped %s: not matched by the include patterns", rel)
            report.append(
                _skipped(
                    rel,
                    "not_included",
                    f"{rel}: not matched by the include patterns ({shown}); not read",
                )
            )
            continue
        files.append(rel)
    # a file's id is its path without the suffix, or its full path when another file
    # shares that stem (a.txt and a.html)
    ids = dict(zip(files, page_ids(files), strict=True))
    for rel in files:
        suffix = Path(rel).suffix.lower()
        doc_id = ids[rel]
        try:
            data = (root / rel).read_bytes()
        except OSError as err:
            reason = f"cannot be read ({err.strerror or err})"
            logger.warning("rejected %s: %s", rel, reason)
            report.append(
                {
                    "source": rel,
                    "row": None,
                    "doc_id": doc_id,
                    "extractor": "",
                    "status": "rejected",
                    "reason": reason,
                    "reject_kind": "unreadable",
                    "sha256": "",
                    "n_bytes": 0,
                    "repairs": "",
                }
            )
            continue
        match = rx.fullmatch(rel) if rx is not None else None
        got = None
        if rx is not None and match is None and suffix in EXTRACTORS:
            extractor = EXTRACTORS[suffix]
            reason = f"path does not match the docvars_from pattern {docvars_from!r}"
            kind, repairs = "no_match", ""
        else:
            got = extract_text(data, rel, suffix, config=config)
            extractor = got.extractor
            reason, kind, repairs = got.reason, got.reject_kind, "; ".join(got.repairs)
        entry = {"source": rel, "row": None, "doc_id": doc_id, "extractor": extractor}
        if got is not None and got.ok:
            values = {f: match.group(f) if match else None for f in fields}
            docs.append(
                {
                    **entry,
                    "text": got.text,
                    "title": got.title,
                    "encoding": got.encoding,
                    **values,
                }
            )
        report.append(
            {
                **entry,
                "status": "rejected" if reason else "read",
                "reason": reason,
                "reject_kind": kind,
                "sha256": sha256_bytes(data),
                "n_bytes": len(data),
                "repairs": repairs,
            }
        )
        if reason:
            logger.warning("rejected %s: %s", rel, reason)
    report.sort(key=lambda r: r["source"])
    if not docs:
        n_skipped = sum(r["status"] == "skipped" for r in report)
        detail = "; ".join(f"{r['source']}: {r['reason']}" for r in report[:5])
        raise CorpusError(
            f"{root}: no readable file ({len(report) - n_skipped} rejected, {n_skipped} "
            f"skipped){': ' + detail if detail else ''}"
        )
    frame = pd.DataFrame(docs)
    out = pd.DataFrame(
        {
            "doc_id": frame["doc_id"],
            "text": frame["text"],
            "title": frame["title"],
            "source": frame["source"],
            "row": pd.Series([None] * len(frame), dtype="Int64"),
            "extractor": frame["extractor"],
            "encoding": frame["encoding"],
        },
        columns=list(READ_COLUMNS),
    )
    for f in fields:
        out[f] = _typed(frame[f].tolist()).array
    rep = pd.DataFrame(report, columns=list(REPORT_COLUMNS))
    rep["row"] = rep["row"].astype("Int64")
    rep["n_bytes"] = rep["n_bytes"].astype("int64")
    return ReadResult(out, rep, "folder", tuple(fields), given)
