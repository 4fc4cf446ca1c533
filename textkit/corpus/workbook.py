"""Workbooks (``.xlsx``, and Excel 97-2003 ``.xls``) read as tables: which sheet, which row
is the header, merged cells.

Workbooks made by hand rarely start with a header on row 1 of their only sheet. This module
finds the table in one, the same way for :func:`textkit.corpus.read.read_texts` (the whole
table) and :func:`textkit.corpus.read_stream.iter_texts` (batches of rows), and says what
it did in the report's ``repairs``:

* **the sheet**: the one named by ``sheet=``, else the first; the sheets not read are named;
* **the header**: the first of rows 1 to :data:`MAX_TITLE_ROWS` + 1 holding a cell named like
  the text column (``text=``, default ``text``): title rows above a table
  (``附件1：2021年政策文件汇总``) are skipped and named. When no row names it, the error
  lists row 1's cells and the other sheets. A header of two or three rows (编号 and 正文
  merged down across them, 省份 and 年份 under a 基本信息 merged across) is read as one:
  each column is named by its lowest header cell, joined to the one above where that name
  repeats (``2020年/数量``, ``2021年/数量``); a row under the one naming the text column is
  part of the header only when its text cell is empty;
* **merged cells**: a cell merged down over several data rows (a region or a year written
  once beside the rows it applies to) gives its value to each of those rows, in its first
  column; other cells of a merged range stay empty (a range merged across columns is
  layout, not a value of the neighbouring columns);
* **cells as** ``pandas.read_excel`` **gives them**: integral numbers as integers, pandas'
  missing-value strings (``""``, ``"NA"``, ``"null"`` …) as missing, Excel's ``_x000D_``
  escapes dropped and line breaks ``"\\n"``, dates as ``datetime``, booleans as ``bool``;
  in an ``.xls`` workbook, a time of day alone as ``time`` and error cells (``#DIV/0!`` …)
  as missing, as pandas reads them with xlrd; empty rows inside the table kept (their rows
  are rejected as empty), those at its end dropped; a formula cell gives the value the
  workbook stored when it was last saved.

The two formats differ only in how the sheets, their rows and their merged ranges are read
(:class:`_XlsxBook`, :class:`_XlsBook`); everything above is done once for both.

* ``.xlsx`` (a zip archive of XML parts): openpyxl's read-only mode, which keeps memory
  bounded; an archive too large to open (:func:`textkit.corpus.extract.zip_too_large`) is
  refused. Merged ranges are read from the sheet's XML (the read-only mode does not load
  them): only the ``<mergeCell ref="…">`` elements are looked for, in one pass over the
  part's bytes.
* ``.xls`` (Excel 97-2003, an OLE2 compound file): xlrd, which reads the whole file and the
  sheet read into memory, so a file over :data:`MAX_XLS_BYTES` is refused before it is
  opened; merged ranges are the sheet's ``merged_cells``.
"""

from __future__ import annotations

import datetime
import logging
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.extract import zip_too_large

__all__ = [
    "MAX_HEADER_ROWS",
    "MAX_TITLE_ROWS",
    "MAX_XLS_BYTES",
    "SheetLayout",
    "formula_rows",
    "sheet_layout",
    "sheet_rows",
]

logger = logging.getLogger(__name__)

#: Most rows above a workbook's header that are looked through (and skipped) to find it.
MAX_TITLE_ROWS = 10

#: Most rows a header may span (its cells merged down across them).
MAX_HEADER_ROWS = 3

#: Largest Excel 97-2003 workbook (``.xls``) opened, in bytes: xlrd reads the whole file,
#: and the sheet read, into memory, several times the file's size (a 40 MiB file of 60,000
#: rows of text: about 0.4 GB); the bound of one document file,
#: :data:`textkit.corpus.decode.MAX_FILE_BYTES`.
MAX_XLS_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class SheetLayout:
    """Where the table of a workbook is.

    Attributes
    ----------
    sheet : str
        The sheet read.
    header_row : int
        The header's row in the sheet (1-based); the data rows follow it.
    columns : tuple of str
        The column names as ``pandas.read_excel`` makes them (``"Unnamed: 2"`` for an empty
        header cell, ``"name.1"`` for a repeated name; empty cells at the right end dropped).
    header : tuple
        The header cells as written (for the check of repeated names).
    fills : tuple of (int, int, int)
        ``(first row, column, last row)`` of each range merged down over data rows (sheet
        rows 1-based, columns 0-based): rows after the first get its value.
    notes : tuple of str
        What the report's ``repairs`` say: sheets not read, title rows skipped, merged cells
        filled.
    """

    sheet: str
    header_row: int
    columns: tuple[str, ...]
    header: tuple[Any, ...]
    fills: tuple[tuple[int, int, int], ...]
    notes: tuple[str, ...]

    def repairs(self, seen: Mapping[str, int] | None = None) -> str:
        """What the report's ``repairs`` say: :attr:`notes`, and the rows
        :func:`sheet_rows` found (``seen``) holding values right of the header's last named
        column, which are not read."""
        n = (seen or {}).get("beyond", 0)
        beyond = (
            f"{n} row(s) hold values right of the header's last named column: not read (give "
            "those columns a name in the header row to read them)"
        )
        return "; ".join([*self.notes, beyond] if n else self.notes)


# ---------------------------------------------------------------------------------------
# the two formats: sheet names, a sheet's rows, its merged ranges

#: A merged range: ``(first row, last row, first column, last column)``, 1-based, inclusive.
_Range = tuple[int, int, int, int]


class _XlsxBook:
    """An ``.xlsx`` workbook open in openpyxl's read-only mode."""

    def __init__(self, p: Path, source: Any) -> None:
        import openpyxl

        too_large = zip_too_large(source)
        if too_large:
            raise CorpusError(f"{p.name}: workbook too large: {too_large}")
        _rewind(source)
        try:
            self._wb = openpyxl.load_workbook(
                source, read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            _rewind(source)
            head = _head(source)
            hint = _what_it_is(head) if head[:4] != b"PK\x03\x04" else ""
            raise CorpusError(
                f"{p.name}: cannot read the workbook: {hint + ' (' if hint else ''}"
                f"{type(exc).__name__}: {exc}{')' if hint else ''}"
            ) from exc
        self._p, self._source = p, source
        #: every sheet, in order (chart sheets too)
        self.names: list[str] = list(self._wb.sheetnames)
        #: the sheets holding cells (not chart sheets)
        self.tables: list[str] = [ws.title for ws in self._wb.worksheets]
        #: the first worksheet (``None``: there is none)
        self.first: str | None = self.tables[0] if self.tables else None

    def rows(self, title: str) -> Iterator[tuple]:
        """The rows of sheet ``title`` from row 1, cells as openpyxl gives them (an error
        while parsing the sheet is a :class:`CorpusError` naming the workbook)."""
        ws = self._wb[title]
        # the dimension a workbook records may be wrong (some writers never update it):
        # read every row there is, as pandas does
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # openpyxl raises many types for a damaged sheet
                raise _damaged(self._p, title, exc) from exc
            yield row

    def merged(self, title: str) -> list[_Range]:
        """The merged ranges of sheet ``title`` (read from the archive: may be called after
        :meth:`close`)."""
        from openpyxl.utils.cell import range_boundaries

        out = []
        for ref in _merge_refs(self._p, self._source, title):
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            out.append((min_row, max_row, min_col, max_col))
        return out

    def close(self) -> None:
        self._wb.close()


class _XlsBook:
    """An Excel 97-2003 (``.xls``) workbook open with xlrd, sheets loaded when read."""

    def __init__(self, p: Path, source: Any) -> None:
        import xlrd

        _check_xls_size(p, _size(source))
        _rewind(source)
        contents: bytes | None = None
        try:
            if hasattr(source, "read"):
                contents = source.read()
                kwargs: dict[str, Any] = {"file_contents": contents}
            else:
                kwargs = {"filename": os.fspath(source)}
            self._book = xlrd.open_workbook(
                **kwargs, formatting_info=True, on_demand=True, logfile=_XlrdLog()
            )
        except Exception as exc:  # xlrd raises many types for a damaged file
            raise _xls_error(p, source, contents, exc) from exc
        self._p = p
        self._sheets: dict[str, Any] = {}
        self.names: list[str] = list(self._book.sheet_names())  # worksheets only
        self.tables: list[str] = self.names
        self.first: str | None = self.names[0] if self.names else None

    def _sheet(self, title: str) -> Any:
        if title not in self._sheets:
            try:
                self._sheets[title] = self._book.sheet_by_name(title)
            except Exception as exc:  # a damaged sheet
                raise _damaged(self._p, title, exc) from exc
        return self._sheets[title]

    def rows(self, title: str) -> Iterator[tuple]:
        """The rows of sheet ``title`` from row 1, cells as ``pandas.read_excel`` converts
        them (:func:`_xls_cell`)."""
        sh = self._sheet(title)
        datemode = self._book.datemode
        for r in range(sh.nrows):
            yield tuple(
                _xls_cell(v, t, datemode)
                for v, t in zip(sh.row_values(r), sh.row_types(r), strict=True)
            )

    def merged(self, title: str) -> list[_Range]:
        """The merged ranges of sheet ``title`` (xlrd's half-open, 0-based
        ``(rlo, rhi, clo, chi)`` made 1-based and inclusive)."""
        return [
            (rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in self._sheet(title).merged_cells
        ]

    def close(self) -> None:
        self._book.release_resources()


class _XlrdLog:
    """Where xlrd writes its warnings (to standard output by default): the debug log."""

    def write(self, text: str) -> None:
        if text.strip():
            logger.debug("xlrd: %s", text.strip())

    def flush(self) -> None:
        pass


def _size(source: Any) -> int:
    if hasattr(source, "getbuffer"):
        return source.getbuffer().nbytes
    if hasattr(source, "seek"):
        at = source.seek(0, os.SEEK_END)
        source.seek(0)
        return at
    return os.path.getsize(source)


def _check_xls_size(p: Path, size: int) -> None:
    """Refuse an ``.xls`` workbook over :data:`MAX_XLS_BYTES` bytes (``size``), naming it."""
    if size > MAX_XLS_BYTES:
        raise CorpusError(
            f"{p.name}: workbook too large: {size / 2**20:,.0f} MiB, over the "
            f"{MAX_XLS_BYTES / 2**20:,.0f} MiB an Excel 97-2003 workbook (.xls) may have "
            "(textkit.corpus.workbook.MAX_XLS_BYTES: it is read whole into memory); not "
            "opened: save it as CSV, or split it"
        )


def _xls_error(p: Path, source: Any, contents: bytes | None, exc: Exception) -> CorpusError:
    """The error for an ``.xls`` file xlrd cannot open, with advice for the files saved
    under that name that are not one: an ``.xlsx`` workbook, a web page."""
    if contents is None:
        contents = _head(source)
    if contents[:4] == b"PK\x03\x04":
        what = "a zip archive, as an .xlsx workbook is: rename it to .xlsx"
    else:
        what = _what_it_is(contents) or "not an Excel 97-2003 workbook, or damaged"
    return CorpusError(f"{p.name}: cannot read the workbook: {what} ({type(exc).__name__}: {exc})")


def _damaged(p: Path, title: str, exc: Exception) -> CorpusError:
    return CorpusError(
        f"{p.name}: cannot read the workbook: sheet {title!r} is damaged "
        f"({type(exc).__name__}: {exc})"
    )


def _head(source: Any, n: int = 4096) -> bytes:
    """The first ``n`` bytes of ``source`` (a path or a binary file, read from the start)."""
    try:
        if hasattr(source, "read"):
            _rewind(source)
            return source.read(n)
        with open(source, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


def _what_it_is(contents: bytes) -> str:
    """Advice for a file named as a workbook that is something else (``""``: no idea)."""
    if not contents:
        return "the file is empty"
    if contents[:4] == b"\xd0\xcf\x11\xe0":
        return "an Excel 97-2003 workbook (OLE2 file): rename it to .xls"
    start = contents[:512].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower()
    if start.startswith(b"<"):
        return (
            "a web page (HTML or XML), as some websites export tables: open it in Excel or "
            "LibreOffice and save it as .xlsx"
        )
    first = contents.split(b"\n", 1)[0]
    if b"\x00" not in contents[:512] and (b"\t" in first or b"," in first):
        sep = (
            "tab-separated: rename it to .tsv"
            if b"\t" in first
            else "comma-separated: rename it to .csv"
        )
        return f"a text table, {sep}"
    return ""


def _xls_cell(value: Any, kind: int, datemode: int) -> Any:
    """An xlrd cell as ``pandas.read_excel`` converts it: a date as ``datetime`` (a time
    of day alone, on the epoch's day, as ``time``), a boolean as ``bool``, an error or
    empty cell as missing; numbers stay floats and text strings (:func:`excel_value`
    makes integral floats integers)."""
    import xlrd

    if kind == xlrd.XL_CELL_TEXT or kind == xlrd.XL_CELL_NUMBER:
        return value
    if kind == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate.xldate_as_datetime(value, datemode)
        except OverflowError:
            return value
        if when.timetuple()[:3] == ((1904, 1, 1) if datemode else (1899, 12, 31)):
            return datetime.time(when.hour, when.minute, when.second, when.microsecond)
        return when
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    return None  # empty, blank, error


def _open(p: Path, source: Any) -> _XlsxBook | _XlsBook:
    """The workbook ``p`` (its suffix says the format), read from ``source``."""
    return _XlsBook(p, source) if p.suffix.lower() == ".xls" else _XlsxBook(p, source)


def _rewind(source: Any) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


def _sheet_title(p: Path, book: _XlsxBook | _XlsBook, sheet: str | None) -> str:
    """The sheet read: ``sheet``, else the first worksheet."""
    if sheet is None or not book.tables:
        if book.first is None:
            raise CorpusError(
                f"{p.name}: cannot read the workbook: it has no worksheet that can be read "
                "(only chart sheets, or a Strict Open XML workbook: save it as an ordinary "
                "Excel workbook)"
            )
        return book.first
    if sheet not in book.names:
        raise InvalidParameterError(
            f"sheet: {p.name} has no sheet named {sheet!r}; its sheets are "
            f"{', '.join(map(repr, book.names))}"
        )
    if sheet not in book.tables:
        raise InvalidParameterError(
            f"sheet: {sheet!r} of {p.name} is a chart sheet, not a table; its worksheets "
            f"are {', '.join(map(repr, book.tables)) or 'none'}"
        )
    return sheet


def sheet_layout(
    p: Path, source: Any, sheet: str | None, text: str | None, *, option: str = "text"
) -> SheetLayout:
    """Find the table of a workbook (see the module docstring).

    Parameters
    ----------
    p : pathlib.Path
        The workbook (named in messages).
    source : path or binary file
        Its bytes (a path, or a file object that is read from the start).
    sheet : str or None
        The sheet to read (``None``: the first).
    text : str or None
        The text column's name (``None``: ``"text"``), which marks the header row.
    option : str, default "text"
        The option that named that column, as the error for a missing one names it
        (``"metadata_key"`` for the key column of a metadata table).

    Returns
    -------
    SheetLayout

    Raises
    ------
    CorpusError
        For a workbook too large to open or damaged, or a sheet without a row.
    InvalidParameterError
        For a ``sheet`` the workbook does not have (the message lists its sheets), or no
        header row naming the text column (the message lists row 1's cells and the other
        sheets).
    """
    book = _open(p, source)
    try:
        names = book.names
        title = _sheet_title(p, book, sheet)
        head = [tuple(row) for row in islice(book.rows(title), MAX_TITLE_ROWS + MAX_HEADER_ROWS)]
    finally:
        book.close()
    others = [n for n in names if n != title]
    if not head:
        hint = (
            f"; other sheets: {', '.join(map(repr, others))} (choose one with sheet=...)"
            if others
            else ""
        )
        raise CorpusError(
            f"{p.name}: cannot read the workbook: sheet {title!r} is empty (no header row){hint}"
        )
    notes: list[str] = []
    if others:
        first = "the first sheet" if title == names[0] else "the first worksheet"
        which = f"{first} {title!r}" if sheet is None else f"the sheet {title!r}"
        notes.append(
            f"read {which}; not read: {len(others)} other sheet(s) {', '.join(map(repr, others))}"
        )
    name = "text" if text is None else text
    # of the rows naming the text column, the one with the most cells: a title or group row
    # above the header may hold the name too (ties: the first)
    naming = [
        i for i, row in enumerate(head[: MAX_TITLE_ROWS + 1]) if any(_name(v) == name for v in row)
    ]
    if not naming:
        raise _no_text_column(p, text, title, others, head[: MAX_TITLE_ROWS + 1], name, option)
    at = max(naming, key=lambda i: (sum(_name(v) != "" for v in head[i]), -i))
    merged = book.merged(title)
    top, bottom = _header_rows(head, at, merged, name)
    header = _stacked_header(head, top, bottom, merged) if bottom > top else head[at]
    if top or bottom > top:
        rows = f"rows {top + 1}-{bottom + 1}" if bottom > top else f"row {top + 1}"
        stacked = (
            "; cells merged down across its rows: each column is named by its lowest header "
            "cell, joined to the one above where that name repeats (基本信息/省份)"
            if bottom > top
            else ""
        )
        shown = " / ".join(
            filter(None, (" ".join(_name(v) for v in row if _name(v)) for row in head[:top]))
        )
        above = (
            f"; row(s) 1-{top} above it not read" + (f": {_clip(shown)}" if shown else " (empty)")
            if top
            else ""
        )
        notes.append(
            f"header on {rows} of sheet {title!r} (it names the text column {name!r}"
            f"{stacked}){above}; the report's row 1 is row {bottom + 2} of the sheet"
        )
    columns = _column_names(header)
    fills = _fills(merged, bottom + 1)
    if fills:
        cols = sorted({c for _, c, _ in fills})
        shown_cols = ", ".join(repr(columns[c]) if c < len(columns) else f"#{c + 1}" for c in cols)
        n_cells = sum(last - first for first, _, last in fills)
        notes.append(
            f"merged cells: {len(fills)} range(s) merged down over data rows give their value "
            f"to the {n_cells} cell(s) below their first (column(s) {shown_cols})"
        )
    return SheetLayout(title, bottom + 1, tuple(columns), tuple(header), fills, tuple(notes))


def sheet_rows(
    p: Path, source: Any, layout: SheetLayout, seen: dict[str, int] | None = None
) -> Iterator[list[Any]]:
    """The data rows of a workbook's table (:func:`sheet_layout`), each as wide as its
    columns, cells as ``pandas.read_excel`` gives them, merged cells filled down; empty rows
    inside the table kept (every cell ``None``), those at its end dropped. A row is empty
    when its own cells are: a range merged down past the last row makes no rows. ``seen``,
    when given, gets ``"beyond"``: the rows holding a value right of the header's last
    named column, which is not read (:meth:`SheetLayout.repairs`)."""
    width = len(layout.columns)
    starts: dict[int, list[tuple[int, int]]] = {}
    for first, col, last in layout.fills:
        if col < width:
            starts.setdefault(first, []).append((col, last))
    active: dict[int, tuple[Any, int]] = {}  # column -> (value, last row)
    blank = 0  # empty rows seen since the last row with a value
    book = _open(p, source)
    try:
        for r, raw in enumerate(book.rows(layout.sheet), start=1):
            if r <= layout.header_row:
                continue
            raw = list(raw)
            cells = [excel_value(v) for v in raw[:width]]
            cells += [None] * (width - len(cells))
            if seen is not None and any(excel_value(v) is not None for v in raw[width:]):
                seen["beyond"] = seen.get("beyond", 0) + 1
            empty = all(v is None for v in cells)
            if active:
                for col, (value, last) in list(active.items()):
                    if r > last:
                        del active[col]
                    elif cells[col] is None:
                        cells[col] = value
            for col, last in starts.get(r, ()):
                active[col] = (cells[col], last)
            if empty:
                blank += 1
                continue
            yield from ([None] * width for _ in range(blank))
            blank = 0
            yield cells
    finally:
        book.close()


def formula_rows(
    p: Path, source: Any, layout: SheetLayout, column: int, rows: list[int]
) -> set[int]:
    """The sheet rows among ``rows`` (1-based) whose cell in ``column`` (0-based) of the
    table's sheet holds a formula: read where :func:`sheet_rows` found no value, they are
    formulas without a saved value (a workbook written by a program that does not compute
    formulas; opening and saving it in Excel or WPS stores the values). Always empty for an
    ``.xls`` workbook, which stores every formula's value."""
    if not rows or p.suffix.lower() == ".xls":
        return set()
    import openpyxl

    _rewind(source)
    wb = openpyxl.load_workbook(source, read_only=True, data_only=False, keep_links=False)
    try:
        ws = wb[layout.sheet]
        ws.reset_dimensions()
        wanted, found = set(rows), set()
        cells = ws.iter_rows(
            min_row=min(wanted), max_row=max(wanted), min_col=column + 1, max_col=column + 1,
            values_only=True,
        )  # fmt: skip
        for r, (value, *_) in enumerate(cells, start=min(wanted)):
            if r in wanted and isinstance(value, str) and value.startswith("="):
                found.add(r)
        return found
    finally:
        wb.close()


def _no_text_column(
    p: Path,
    text: str | None,
    title: str,
    others: list[str],
    head: list[tuple],
    name: str,
    option: str = "text",
) -> InvalidParameterError:
    """The error for a sheet none of whose first rows names the text column: row 1's cells,
    a cell naming it but for spaces, and the other sheets."""
    cols = ", ".join(map(repr, _column_names(head[0]))) or "none"
    where = f"no cell of rows 1-{len(head)} of sheet {title!r} names it"
    near = next(
        ((r, _name(v)) for r, row in enumerate(head, start=1) for v in row
         if _name(v) != name and _name(v).strip() == name),
        None,
    )  # fmt: skip
    if near is not None:
        where += (
            f"; row {near[0]} has {near[1]!r}: remove the spaces in the workbook or pass "
            f"{option}={near[1]!r}"
        )
    if others:
        where += f"; other sheets: {', '.join(map(repr, others))} (choose one with sheet=...)"
    if text is None:
        return InvalidParameterError(
            f"text: {p.name} has no column named 'text'; name the text column with text=... "
            f"(its columns are {cols}; {where})"
        )
    return InvalidParameterError(
        f"{option}: no column {text!r} in {p.name}; its columns are {cols} ({where})"
    )


def _name(value: Any) -> str:
    value = excel_value(value)
    return "" if value is None else str(value)


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _column_names(header: tuple) -> list[str]:
    """Column names as ``pandas.read_excel`` makes them from a header row."""
    names: list[str] = []
    for i, v in enumerate(header):
        name = f"Unnamed: {i}" if v is None or v == "" else str(excel_value(v))
        base, k = name, 0
        while name in names:  # repeated names as pandas mangles them
            k += 1
            name = f"{base}.{k}"
        names.append(name)
    while names and header[len(names) - 1] in (None, ""):
        names.pop()  # empty header cells at the right end
    return names


# ---------------------------------------------------------------------------------------
# merged ranges of an .xlsx workbook, from the sheet's XML

_MERGE_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']\s*"
    rb"(\$?[A-Za-z]{1,3}\$?[0-9]+(?::\$?[A-Za-z]{1,3}\$?[0-9]+)?)\s*[\"']"
)
_CHUNK = 1 << 20
_TAIL = 1024  # longer than any mergeCell element up to its ref


def _header_rows(head: list[tuple], at: int, merged: list[_Range], name: str) -> tuple[int, int]:
    """The first and last row (0-based) of the header found on row ``at`` of ``head`` (it
    names the text column ``name``): the rows of the ranges merged down across it (a header
    of two or three rows: 正文 merged over both rows, 省份 and 年份 under a 基本信息 merged
    across), at most :data:`MAX_HEADER_ROWS` rows."""
    row = at + 1
    top = bottom = row
    for min_row, max_row, _, _ in merged:
        if min_row <= row <= max_row and min_row < max_row < min_row + MAX_HEADER_ROWS:
            top, bottom = min(top, min_row), max(bottom, max_row)
    if bottom - top >= MAX_HEADER_ROWS or bottom > len(head):
        return at, at
    # a row under the one naming the text column is part of the header only when its text
    # cell is empty (merged from above): one holding a text is data
    col = next(c for c, v in enumerate(head[at]) if _name(v) == name)
    if any(col < len(head[r]) and _name(head[r][col]) for r in range(row, bottom)):
        return at, at
    return top - 1, bottom - 1


def _stacked_header(
    head: list[tuple], top: int, bottom: int, merged: list[_Range]
) -> tuple[Any, ...]:
    """The column names of a header on rows ``top``-``bottom`` (0-based): each column's
    lowest cell of its own (written in it, or merged down from above it), and the name above
    it joined by "/" where that lowest name is used by another column too. A cell merged
    across columns names only its first column; over the others it is a group name (基本信息
    above 省份 and 年份), never a column's own name: a range merged across is layout."""
    width = max(len(head[r]) for r in range(top, bottom + 1))

    def cell(r: int, c: int) -> tuple[str, bool]:
        """The cell's value, and whether it is the column's own (not a group's span)."""
        for min_row, max_row, min_col, max_col in merged:
            if min_row <= r + 1 <= max_row and min_col <= c + 1 <= max_col:
                first = head[min_row - 1]
                value = _name(first[min_col - 1]) if min_col - 1 < len(first) else ""
                return value, c + 1 == min_col
        return (_name(head[r][c]) if c < len(head[r]) else ""), True

    lowest: list[str] = []
    above: list[str] = []
    for c in range(width):
        names: list[tuple[str, bool]] = []
        for r in range(top, bottom + 1):
            value, own = cell(r, c)
            if value and (not names or names[-1][0] != value):
                names.append((value, own))
        mine = [i for i, (_, own) in enumerate(names) if own]
        at = mine[-1] if mine else None
        lowest.append(names[at][0] if at is not None else "")
        above.append(names[at - 1][0] if at else "")
    out: list[Any] = []
    for low, up in zip(lowest, above, strict=True):
        if not low:
            out.append(None)
        elif lowest.count(low) > 1 and up:
            out.append(f"{up}/{low}")
        else:
            out.append(low)
    return tuple(out)


def _fills(merged: list[_Range], header_row: int) -> tuple[tuple[int, int, int], ...]:
    """``(first row, column, last row)`` of each ``merged`` range merged down over data
    rows (below ``header_row``), sorted."""
    out = set()
    for min_row, max_row, min_col, _ in merged:
        if min_row > header_row and max_row > min_row:
            out.add((min_row, min_col - 1, max_row))
    return tuple(sorted(out))


def _merge_refs(p: Path, source: Any, title: str) -> list[str]:
    _rewind(source)
    try:
        with zipfile.ZipFile(source) as z:
            part = _sheet_part(z, title)
            if part is None:
                return []
            refs: list[str] = []
            tail = b""
            with z.open(part) as f:
                while True:
                    chunk = f.read(_CHUNK)
                    buf = tail + chunk
                    end = 0
                    for m in _MERGE_RE.finditer(buf):
                        refs.append(m.group(1).decode("ascii").replace("$", "").upper())
                        end = m.end()
                    if not chunk:
                        break
                    tail = buf[max(end, len(buf) - _TAIL) :]
            return refs
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise CorpusError(f"{p.name}: cannot read the workbook: {exc}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: Any, name: str) -> str | None:
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels(z: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """``(id, type, target part)`` of each internal relationship of ``part`` (``""``: the
    package itself)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in z.namelist():
        return []
    root = ElementTree.fromstring(z.read(rels))
    return [
        (
            el.get("Id", ""),
            el.get("Type", "").rsplit("/", 1)[-1],
            _target(part, el.get("Target", "")),
        )
        for el in root
        if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External"
    ]


def _sheet_part(z: zipfile.ZipFile, title: str) -> str | None:
    """The zip member holding the XML of sheet ``title``, found through the package's
    relationships as the format defines them (``None`` when they do not lead to one)."""
    members = set(z.namelist())
    book = next((t for _, kind, t in _rels(z, "") if kind == "officeDocument"), None)
    if book not in members:
        return None
    targets = {rid: t for rid, _, t in _rels(z, book)}
    for el in ElementTree.fromstring(z.read(book)).iter():
        if _local(el.tag) == "sheet" and el.get("name") == title:
            part = targets.get(_attr(el, "id") or "")
            return part if part in members else None
    return None


# ---------------------------------------------------------------------------------------
# cells


def _na_strings() -> frozenset[str]:
    try:
        from pandas._libs.parsers import STR_NA_VALUES
    except ImportError:  # pragma: no cover - pandas moved it
        return frozenset({"", "NA", "N/A", "NULL", "NaN", "None", "n/a", "nan", "null"})
    return frozenset(STR_NA_VALUES)


#: Cell strings ``pandas.read_excel`` reads as missing (its default ``na_values``), and the
#: error values of a formula (which openpyxl's read-only mode gives as strings, and pandas
#: reads as missing).
_NA_STRINGS = _na_strings() | {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
}  # fmt: skip


def excel_cell(value: Any) -> Any:
    """A workbook string without Excel's ``_x000D_`` escapes, line breaks ``"\\n"``."""
    if isinstance(value, str):
        return value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return value


def excel_value(value: Any) -> Any:
    """A workbook cell as ``pandas.read_excel`` gives it: integral floats as integers,
    pandas' missing-value strings (``""``, ``"NA"``, ``"null"`` ...) as missing, strings
    without Excel's carriage-return escapes."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value in _NA_STRINGS:
        return None
    return excel_cell(value)
