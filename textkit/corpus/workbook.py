"""Workbooks (``.xlsx``) read as tables: which sheet, which row is the header, merged cells.

Workbooks made by hand rarely start with a header on row 1 of their only sheet. This module
finds the table in one, the same way for :func:`textkit.corpus.read.read_texts` (the whole
table) and :func:`textkit.corpus.read_stream.iter_texts` (batches of rows), and says what
it did in the report's ``repairs``:

* **the sheet**: the one named by ``sheet=``, else the first; the sheets not read are named;
* **the header**: the first of rows 1 to :data:`MAX_TITLE_ROWS` + 1 holding a cell named like
  the text column (``text=``, default ``text``): title rows above a table
  (``附件1：2021年政策文件汇总``) are skipped and named. When no row names it, the error
  lists row 1's cells and the other sheets;
* **merged cells**: a cell merged down over several data rows (a region or a year written
  once beside the rows it applies to) gives its value to each of those rows, in its first
  column; other cells of a merged range stay empty (a range merged across columns is
  layout, not a value of the neighbouring columns);
* **cells as** ``pandas.read_excel`` **gives them**: integral numbers as integers, pandas'
  missing-value strings (``""``, ``"NA"``, ``"null"`` …) as missing, Excel's ``_x000D_``
  escapes dropped and line breaks ``"\\n"``; empty rows inside the table kept (their rows
  are rejected as empty), those at its end dropped; a formula cell gives the value the
  workbook stored when it was last saved.

Merged ranges are read from the sheet's XML (openpyxl's read-only mode, which keeps memory
bounded, does not load them): only the ``<mergeCell ref="…">`` elements are looked for, in
one pass over the part's bytes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.extract import zip_too_large

__all__ = ["MAX_TITLE_ROWS", "SheetLayout", "sheet_layout", "sheet_rows"]

#: Most rows above a workbook's header that are looked through (and skipped) to find it.
MAX_TITLE_ROWS = 10


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


def _open(p: Path, source: Any) -> Any:
    import openpyxl

    too_large = zip_too_large(source)
    if too_large:
        raise CorpusError(f"{p.name}: workbook too large: {too_large}")
    _rewind(source)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise CorpusError(f"{p.name}: cannot read the workbook: {exc}") from exc


def _rewind(source: Any) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


def _worksheet(p: Path, wb: Any, sheet: str | None) -> Any:
    names = list(wb.sheetnames)
    if sheet is None:
        return wb.worksheets[0]
    if sheet not in names:
        raise InvalidParameterError(
            f"sheet: {p.name} has no sheet named {sheet!r}; its sheets are "
            f"{', '.join(map(repr, names))}"
        )
    return wb[sheet]


def _rows(ws: Any) -> Iterator[tuple]:
    # the dimension a workbook records may be wrong (some writers never update it): read
    # every row there is, as pandas does
    ws.reset_dimensions()
    return ws.iter_rows(values_only=True)


def sheet_layout(p: Path, source: Any, sheet: str | None, text: str | None) -> SheetLayout:
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
    wb = _open(p, source)
    try:
        names = list(wb.sheetnames)
        ws = _worksheet(p, wb, sheet)
        title = ws.title
        head: list[tuple] = []
        for row in _rows(ws):
            head.append(tuple(row))
            if len(head) > MAX_TITLE_ROWS:
                break
    finally:
        wb.close()
    if not head:
        raise CorpusError(f"{p.name}: cannot read the workbook: no header row in sheet {title!r}")
    notes: list[str] = []
    others = [n for n in names if n != title]
    if others:
        which = f"the first sheet {title!r}" if sheet is None else f"the sheet {title!r}"
        notes.append(
            f"read {which}; not read: {len(others)} other sheet(s) {', '.join(map(repr, others))}"
        )
    name = "text" if text is None else text
    at = next((i for i, row in enumerate(head) if any(_name(v) == name for v in row)), None)
    if at is None:
        raise _no_text_column(p, text, title, others, _column_names(head[0]), len(head))
    if at:
        shown = " / ".join(
            filter(None, (" ".join(_name(v) for v in row if _name(v)) for row in head[:at]))
        )
        notes.append(
            f"header on row {at + 1} of sheet {title!r} (it names the text column {name!r}); "
            f"row(s) 1-{at} above it not read" + (f": {_clip(shown)}" if shown else " (empty)")
        )
    header = head[at]
    columns = _column_names(header)
    fills = _fills(p, source, title, at + 1)
    if fills:
        cols = sorted({c for _, c, _ in fills})
        shown_cols = ", ".join(repr(columns[c]) if c < len(columns) else f"#{c + 1}" for c in cols)
        n_cells = sum(last - first for first, _, last in fills)
        notes.append(
            f"merged cells: {len(fills)} range(s) merged down over data rows give their value "
            f"to the {n_cells} cell(s) below their first (column(s) {shown_cols})"
        )
    return SheetLayout(title, at + 1, tuple(columns), tuple(header), fills, tuple(notes))


def sheet_rows(p: Path, source: Any, layout: SheetLayout) -> Iterator[list[Any]]:
    """The data rows of a workbook's table (:func:`sheet_layout`), each as wide as its
    columns, cells as ``pandas.read_excel`` gives them, merged cells filled down; empty rows
    inside the table kept (every cell ``None``), those at its end dropped."""
    width = len(layout.columns)
    starts: dict[int, list[tuple[int, int]]] = {}
    for first, col, last in layout.fills:
        if col < width:
            starts.setdefault(first, []).append((col, last))
    active: dict[int, tuple[Any, int]] = {}  # column -> (value, last row)
    blank = 0  # empty rows seen since the last row with a value
    wb = _open(p, source)
    try:
        ws = _worksheet(p, wb, layout.sheet)
        for r, raw in enumerate(_rows(ws), start=1):
            if r <= layout.header_row:
                continue
            cells = [excel_value(v) for v in list(raw)[:width]]
            cells += [None] * (width - len(cells))
            if active:
                for col, (value, last) in list(active.items()):
                    if r > last:
                        del active[col]
                    elif cells[col] is None:
                        cells[col] = value
            for col, last in starts.get(r, ()):
                active[col] = (cells[col], last)
            if all(v is None for v in cells):
                blank += 1
                continue
            yield from ([None] * width for _ in range(blank))
            blank = 0
            yield cells
    finally:
        wb.close()


def _no_text_column(
    p: Path, text: str | None, title: str, others: list[str], columns: list[str], n_rows: int
) -> InvalidParameterError:
    cols = ", ".join(map(repr, columns)) or "none"
    where = f"no cell of rows 1-{n_rows} of sheet {title!r} names it"
    if others:
        where += f"; other sheets: {', '.join(map(repr, others))} (choose one with sheet=...)"
    if text is None:
        return InvalidParameterError(
            f"text: {p.name} has no column named 'text'; name the text column with text=... "
            f"(its columns are {cols}; {where})"
        )
    return InvalidParameterError(
        f"text: no column {text!r} in {p.name}; its columns are {cols} ({where})"
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
# merged ranges, from the sheet's XML

_MERGE_RE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"'
)
_CHUNK = 1 << 20
_TAIL = 1024  # longer than any mergeCell element up to its ref


def _fills(p: Path, source: Any, title: str, header_row: int) -> tuple[tuple[int, int, int], ...]:
    """``(first row, column, last row)`` of each range of sheet ``title`` merged down over
    data rows (below ``header_row``), sorted."""
    from openpyxl.utils.cell import range_boundaries

    out = set()
    for ref in _merge_refs(p, source, title):
        min_col, min_row, _, max_row = range_boundaries(ref)
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
                        refs.append(m.group(1).decode("ascii"))
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


#: Cell strings ``pandas.read_excel`` reads as missing (its default ``na_values``).
_NA_STRINGS = _na_strings()


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
