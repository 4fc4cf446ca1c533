"""Coding sheets: the sample written for coders, and their codes read back and checked.

:func:`write_coding_sheet` writes a sample of paragraphs
(:func:`textkit.frames.validate.draw_validation_sample`) for coders, without the measure's
labels, plus a codebook (``<stem>_codebook.md``); the path's suffix chooses the format:

* ``.csv``: UTF-8 with a byte-order mark (Excel on Chinese Windows shows the Chinese), text
  cells that a spreadsheet would run as a formula escaped with a leading ``'``;
* ``.xlsx``: a workbook whose sheet ``coding`` has a bold, frozen header, the text wrapped in
  a wide column and a drop-down list of the four codes on the ``code`` column (anything else
  typed there is refused, with a message naming the codes), and whose sheet ``codebook``
  holds the codebook. Every text is stored as text, never as a formula. The bytes are the
  same on every write of the same sample: fixed document dates and author, fixed times on
  the archive's entries, entries stored uncompressed (deflated bytes can differ between
  zlib builds).

:func:`read_codes` reads a coded sheet back: a CSV in any encoding Excel saves, or a workbook
(``.xlsx``: the sheet ``coding``, else the first sheet, as Excel names the one sheet of a CSV
saved as a workbook). Both formats become the same table of strings with the line (CSV) or
row (workbook) of each record, and one function checks it, so every check and message is the
same for both; a message names the file, the sheet of a workbook, and the line or row.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import logging
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core import io as _io
from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.frames.agree import CODES

__all__ = [
    "CODEBOOK",
    "CODEBOOK_SHEET",
    "CODING_SHEET",
    "CodingSheetError",
    "REQUIRED_COLUMNS",
    "read_codes",
    "write_coding_sheet",
]

logger = logging.getLogger(__name__)

#: Columns a coded sheet must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("sample_id", "doc_id", "para_id", "text", "code")

CODEBOOK = """# Codebook: frame of the local state in a paragraph

Read each paragraph in full and write one code in the `code` column and a one-line reason
in `note`. Do not consult the dictionary scores while coding. The question is how the paragraph presents what the local state (government, party
committee, police, village or community committee) does or should do in grassroots governance.

- `stability`   the local state appears mainly as keeping order: stability maintenance
                (维稳), public-security prevention and control (治安防控, 群防群治, patrols),
                screening of risks and disputes (排查), striking at crime (打击, 严打), control
                and surveillance of people or places (管控, 重点人员), handling petitions as a
                threat to be contained (信访 as something to stop, 截访, 劝返), emergency
                handling of incidents (处突). Law used as an instrument of control counts here:
                依法打击 / 依法严惩 / 依法处理 offenders is rule *by* law, i.e. `stability`.
                Mediation of disputes counts here when its purpose is stated as preventing
                conflicts from escalating or keeping order.
- `service_law` the local state appears mainly as providing services or acting under law:
                public services (公共服务, 便民服务, one-stop service), the government bound by
                law (依法行政, 法治政府, 依法履职), rights and their protection (权利, 权益保障),
                participation and self-government (村民自治, 民主选举, 议事协商),
                transparency and supervision (村务公开, 民主监督), accountability,
                legal aid and legal services for residents. Rule *of* law (law binding the
                government, protecting rights) is `service_law`.
- `mixed`       both frames are substantial in the paragraph: each has at least a clause
                of its own, and neither is merely a passing mention.
- `neither`     no frame of the local state: background, statistics, economic development,
                party-building or work-style rhetoric without either frame, meeting lists,
                titles, other topics.

Rules:
- Code what the paragraph says, not what its source or neighbouring paragraphs are about.
- Words out of their governance sense do not count: 民主 in 民主党派 (party names),
  稳定 in "stable income", 服务 in "serve the economy" as a slogan.
- A passing mention (a single word in a list of slogans) does not make a frame substantial.
- When unsure between a one-sided code and `mixed`, ask: would a reader summarising this
  paragraph name both? If yes, `mixed`.
"""


#: Name of the workbook sheet holding the paragraphs to code.
CODING_SHEET = "coding"
#: Name of the workbook sheet holding the codebook.
CODEBOOK_SHEET = "codebook"

#: Columns of a coding sheet as written, in order.
_SHEET_COLUMNS = ("sample_id", "doc_id", "para_id", "text", "code", "note")
#: Column widths of the workbook (in characters).
_WIDTHS = {"sample_id": 11, "doc_id": 28, "para_id": 9, "text": 80, "code": 14, "note": 40}
#: Width of any other column (a coder's code or note in an adjudication sheet).
_OTHER_WIDTH = 16
#: The date written into a workbook's properties and onto its archive's entries, so that
#: the bytes do not depend on the day of writing.
_FIXED_TIME = datetime.datetime(2000, 1, 1)
#: Most characters a spreadsheet cell holds (openpyxl would cut a longer text silently).
_MAX_CELL_CHARS = 32767
#: First characters that make a spreadsheet read a typed cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")
#: Suffixes read as workbooks.
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: The suffixes a sheet is written under: a workbook, or a CSV.
_WRITTEN_SUFFIXES = (".xlsx", ".csv", ".txt")


def write_coding_sheet(sample: pd.DataFrame, path: str | os.PathLike) -> list[Path]:
    """Write a coding sheet (CSV or Excel workbook) and its codebook next to it.

    The measure's label column (anything other than the coded-sheet columns) is dropped so
    that coders work blind.

    Parameters
    ----------
    sample : DataFrame
        Output of :func:`textkit.frames.validate.draw_validation_sample` (``sample_id``,
        ``doc_id``, ``para_id``, ``text``; ``code`` and ``note`` when present). Not modified.
    path : path-like
        The sheet's path; its suffix chooses the format: ``.xlsx`` a workbook, ``.csv``
        (or ``.txt``) a CSV; any other suffix is refused. The codebook is written to
        ``<stem>_codebook.md`` beside it.

    Returns
    -------
    list of Path
        The sheet and the codebook paths.

    Raises
    ------
    ValueError
        A path with another suffix (:class:`~textkit.core.errors.InvalidParameterError`,
        naming it); ``sample`` lacks a column; for a workbook, a ``para_id`` that is not an integer, or a
        text a spreadsheet cell cannot hold (over 32,767 characters, or a control character);
        the message names the sample and the column.

    Notes
    -----
    The CSV is UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens it with
    the Chinese intact; :func:`read_codes` also reads it back after Excel saved it as
    GB18030 / GBK, UTF-8 or "Unicode text" (UTF-16, tab-separated).

    The workbook's first sheet, ``coding``, has the columns ``sample_id, doc_id, para_id,
    text, code, note`` (a bold header that stays in view when scrolling, the text wrapped in
    a wide column, ``para_id`` as a number) and a drop-down list of the four codes
    (:data:`textkit.frames.agree.CODES`) on the ``code`` column: Excel and WPS refuse any
    other entry there, with a message naming the codes. The second sheet, ``codebook``,
    holds the codebook one line a row. Every text is stored as text: a paragraph starting
    with ``=``, ``+``, ``-`` or ``@`` is marked so that editing the cell does not turn it
    into a formula. Two writes of the same sample give the same bytes (fixed dates and
    author in the document's properties, fixed times on the archive's entries).
    """
    missing = [c for c in ("sample_id", "doc_id", "para_id", "text") if c not in sample.columns]
    if missing:
        raise ValueError(f"sample: missing column(s) {missing}")
    sheet = sample.loc[:, ["sample_id", "doc_id", "para_id", "text"]].copy()
    sheet["code"] = sample["code"] if "code" in sample.columns else ""
    sheet["note"] = sample["note"] if "note" in sample.columns else ""
    path = Path(path)
    sheet_path = write_sheet(sheet, path)
    book = _io.write_text(path.with_name(path.stem + "_codebook.md"), CODEBOOK)
    return [sheet_path, book]


def write_sheet(sheet: pd.DataFrame, path: Path) -> Path:
    """Write ``sheet`` (the coding columns, and any others, such as each coder's code in an
    adjudication sheet) as a CSV or, for a ``.xlsx`` path, a coding workbook (see
    :func:`write_coding_sheet`); :func:`read_codes` reads either back. Another
    spreadsheet's suffix (``.xls``, ``.ods`` ...) is refused: a CSV under that name would be
    refused when read back."""
    suffix = path.suffix.lower()
    if suffix not in _WRITTEN_SUFFIXES:
        raise InvalidParameterError(
            f"{path}: a coding sheet is written as an Excel workbook (.xlsx) or as CSV (.csv, "
            f"or .txt); {suffix or 'a name without a suffix'} is neither"
        )
    if suffix == ".xlsx":
        return _io.write_bytes(path, _workbook_bytes(sheet))
    # Excel shows the Chinese (bom), and a text starting with = + - @ is not run as a formula
    return _io.write_csv(path, sheet, bom=True, spreadsheet_safe=True)


def _put_text(ws: Any, row: int, col: int, value: Any, where: str) -> Any:
    """Store ``value`` as text in cell (``row``, ``col``) of ``ws`` (never as a formula or
    an error value); ``where`` names it in errors."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if not text:
        return ws.cell(row=row, column=col)
    if len(text) > _MAX_CELL_CHARS:
        raise ValueError(
            f"{where}: {len(text):,} characters, more than the {_MAX_CELL_CHARS:,} a "
            "spreadsheet cell holds; write the coding sheet as CSV"
        )
    cell = ws.cell(row=row, column=col)
    try:
        cell.value = text
    except IllegalCharacterError:
        bad = next(ch for ch in text if ord(ch) < 32 and ch not in "\t\n\r")
        raise ValueError(
            f"{where}: the control character {bad!r} cannot be stored in a workbook; "
            "remove it from the text or write the coding sheet as CSV"
        ) from None
    cell.data_type = "s"  # openpyxl reads "=..." as a formula and "#N/A" as an error
    if text.startswith(_FORMULA_STARTS):
        cell.quotePrefix = True  # the spreadsheet keeps it as text when the cell is edited
    return cell


def _workbook_bytes(sheet: pd.DataFrame) -> bytes:
    """The coding workbook of ``sheet`` (the columns :data:`_SHEET_COLUMNS`, and any others
    as text, in the order of ``sheet``), as bytes that depend on ``sheet`` only."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = CODING_SHEET
    bold, top = Font(bold=True), Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    columns = [str(c) for c in sheet.columns]  # the coding columns, maybe others between
    for j, name in enumerate(columns, start=1):
        _put_text(ws, 1, j, name, "header").font = bold
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, _OTHER_WIDTH)
    for i, rec in enumerate(_as_written(sheet).to_dict("records"), start=2):
        sid = rec["sample_id"]
        for j, name in enumerate(columns, start=1):
            where = f"sample: sample_id {sid!r}, column {name}"
            if name == "para_id":
                cell = ws.cell(row=i, column=j, value=_para_id(rec[name], where))
            else:
                cell = _put_text(ws, i, j, rec[name], where)
            cell.alignment = wrap if name == "text" or name.startswith("note") else top
    ws.freeze_panes = "A2"
    code = get_column_letter(columns.index("code") + 1)
    allowed = ", ".join(CODES)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(CODES) + '"',
        allow_blank=True,
        showDropDown=False,  # (sic) False shows the drop-down arrow
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle="code",
        prompt=f"Choose one code: {allowed} (see the codebook sheet).",
        errorTitle="Unknown code",
        error=f"The code must be one of: {allowed}.",
    )
    dv.add(f"{code}2:{code}1048576")
    ws.add_data_validation(dv)
    book = wb.create_sheet(CODEBOOK_SHEET)
    book.column_dimensions["A"].width = 100
    for i, line in enumerate(CODEBOOK.splitlines(), start=1):
        _put_text(book, i, 1, line, f"codebook line {i}")
    wb.properties.creator = "textkit"
    wb.properties.lastModifiedBy = None
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    # ExcelWriter, not Workbook.save: save stamps the properties with the time of saving
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_archive(raw.getvalue())


def _as_written(sheet: pd.DataFrame) -> pd.DataFrame:
    """``sheet`` with each text that starts with ``'`` and then a formula character given
    one more ``'``, as the CSV sheet writes it: reading back undoes that CSV escape (for a
    CSV sheet saved as a workbook), so the text comes back exactly. Other texts are kept."""
    safe = _io.escape_formulas(sheet)
    if safe is sheet:
        return sheet
    out = sheet.copy()
    for c in sheet.columns:
        quoted = sheet[c].map(lambda v: isinstance(v, str) and v.startswith("'")).to_numpy()
        out.loc[quoted, c] = safe.loc[quoted, c]
    return out


def _para_id(value: Any, where: str) -> int:
    """``value`` as the integer a paragraph id is (``3``, ``3.0`` and `` 3 `` are 3)."""
    try:
        number = float(value)
        if number.is_integer():
            return int(number)
    except (TypeError, ValueError, OverflowError):
        pass
    raise ValueError(f"{where}: {value!r} is not an integer")


def _fixed_archive(data: bytes) -> bytes:
    """The zip archive ``data`` with the same entries in the same order, each stamped with
    :data:`_FIXED_TIME` and fixed attributes, stored uncompressed (deflated bytes depend on
    the zlib build, e.g. zlib-ng gives others)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_STORED
            fixed.create_system = 3  # the default differs on Windows
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# reading


@dataclasses.dataclass(frozen=True)
class _Where:
    """How messages name a coding sheet and its records: ``coding.csv: line 5`` or
    ``coding.xlsx, sheet 'coding', row 5``."""

    name: str
    unit: str
    sep: str

    def at(self, n: int) -> str:
        return f"{self.name}{self.sep}{self.unit} {n}"


def read_codes(path: str | os.PathLike) -> pd.DataFrame:
    """Read and check a coded sheet (CSV or Excel workbook).

    Parameters
    ----------
    path : path-like
        A sheet with columns ``sample_id, doc_id, para_id, text, code`` (``note`` optional;
        in any order, other columns kept but not checked). Codes are stripped and
        lower-cased before checking.

        A path ending in ``.xlsx`` (or ``.xlsm``) is read as a workbook: its sheet
        ``coding`` (as :func:`write_coding_sheet` writes it), else its first sheet (as
        Excel names the one sheet of a CSV saved as a workbook); the header on row 1;
        empty rows skipped; numbers as they are written; the value a formula had when the
        workbook was last saved.

        Any other path is read as a CSV, which may be UTF-8 (with or without a byte-order
        mark, as :func:`write_coding_sheet` writes it), GB18030 / GBK (Excel on Chinese
        Windows saving "CSV") or UTF-16 with a byte-order mark (tab-separated, Excel's
        "Unicode text").

    Returns
    -------
    DataFrame
        The sheet with ``para_id`` as int (in either format ``3.0`` is 3, as a spreadsheet
        may write it) and ``note`` filled with ``""`` when absent.

    Raises
    ------
    CodingSheetError
        A CSV whose bytes decode in none of the encodings (the message names the file, the
        byte offset and the encodings tried); an Excel 97-2003 workbook (``.xls``), a
        password-protected or damaged workbook (naming the file); a missing column, no code
        at all, an unknown code, an empty ``doc_id`` or ``text``, a non-integer
        ``para_id``, a duplicate ``sample_id``, or one paragraph (same ``doc_id`` and
        ``para_id``) coded twice with *different* codes: the message names the file (and
        the sheet of a workbook), the line of a CSV (1-based, header = line 1; both lines
        for a conflict) or the row of a workbook's sheet, and the value.

    Notes
    -----
    A row whose code is empty is not coded yet: it is left out with a warning
    (``UserWarning``) naming its lines, so that a sheet can be read while coding goes on; a
    sheet with no code at all is an error. A paragraph coded twice with the *same* code is
    not an error: the repeat carries no conflict, so it is dropped (the first row is kept)
    with a warning (``UserWarning``) naming both lines; keeping both would count the
    paragraph twice in the agreement and in training.

    A text starting with ``'`` and then ``=``, ``+``, ``-`` or ``@`` loses its ``'``: that
    is how the CSV sheet escapes a formula, which stays in a CSV sheet opened in Excel and
    saved as a workbook.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise CodingSheetError(
            f"{path}: an Excel 97-2003 workbook (.xls) is not read as a coding sheet; save it "
            "as an Excel workbook (.xlsx) or as CSV"
        )
    if suffix in _WORKBOOK_SUFFIXES:
        table, rows, where = _workbook_table(path)
    else:
        table, rows, where = _csv_table(path)
    return _checked_sheet(table, rows, where)


def _decode_sheet(path: Path) -> str:
    """The text of a coding sheet, in whatever encoding a spreadsheet program saved it.

    Uses the strict decoding of raw pages (:func:`textkit.corpus.ingest.decode_bytes`): a
    byte-order mark decides (UTF-8, UTF-16 as Excel's "Unicode text"), otherwise UTF-8,
    GB18030 (a superset of GBK / GB2312, what Excel writes on Chinese Windows) and Big5 are
    tried strictly. Never guesses silently: undecodable bytes raise an error.
    """
    from textkit.corpus.ingest import decode_bytes

    res = decode_bytes(path.read_bytes(), str(path))
    if not res.ok:
        hint = ""
        if res.kind == "binary":  # e.g. an .xlsx workbook (a ZIP file) under another name
            hint = (
                "; save the sheet as CSV (UTF-8 or GB18030) or as Unicode text, or give a "
                "workbook a name ending in .xlsx"
            )
        raise CodingSheetError(f"cannot read the coding sheet: {res.reason}{hint}")
    if res.encoding != "utf-8":
        logger.info("%s: coding sheet read as %s", path, res.encoding)
    return res.text


def _sheet_delimiter(text: str) -> str:
    """``","``, or a tab for a sheet saved as tab-separated text (Excel's "Unicode text")."""
    header = text.split("\n", 1)[0]
    if "\t" in header and "sample_id" in header.split("\t"):
        return "\t"
    return ","


def _csv_table(path: Path) -> tuple[pd.DataFrame, list[int], _Where]:
    """A CSV coding sheet's records (every cell a string) and the physical line of each."""
    text = _decode_sheet(path)
    sep = _sheet_delimiter(text)
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    # map data rows to physical lines (texts may hold quoted newlines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    next(reader, None)
    lines = []
    for row in reader:
        if row:  # pandas skips empty lines; the reader yields them as []
            lines.append(reader.line_num)
    lines = lines[: len(df)]
    lines += [i + 2 for i in range(len(lines), len(df))]
    return df, lines, _Where(str(path), "line", ": ")


def _cell_text(value: Any) -> str:
    """A workbook cell as the string a CSV of the sheet would hold: empty for no value, an
    integral number without its ``.0``, line breaks as ``"\\n"``."""
    from textkit.corpus.workbook import excel_cell

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return excel_cell(value)
    return str(value)


def _open_workbook(path: Path) -> Any:
    """``path`` opened with openpyxl (read-only, the values formulas had when saved); a file
    that is no workbook, or a damaged, encrypted or too large one, is a
    :class:`CodingSheetError` naming it."""
    import openpyxl

    from textkit.corpus.extract import zip_too_large

    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file, not a zip archive
        raise CodingSheetError(
            f"{path}: not an .xlsx workbook: a password-protected (encrypted) workbook, or an "
            "Excel 97-2003 workbook under an .xlsx name; remove the password, or save it as "
            "an Excel workbook (.xlsx) or as CSV"
        )
    too_large = zip_too_large(path)
    if too_large:
        raise CodingSheetError(f"{path}: workbook too large: {too_large}")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise CodingSheetError(
            f"{path}: cannot read the workbook ({type(exc).__name__}: {exc}); save the coding "
            "sheet again as an Excel workbook (.xlsx) or as CSV"
        ) from exc


def _workbook_table(path: Path) -> tuple[pd.DataFrame, list[int], _Where]:
    """A workbook coding sheet's records (every cell a string) and the row of each."""
    wb = _open_workbook(path)
    try:
        if not wb.worksheets:
            raise CodingSheetError(f"{path}: the workbook has no worksheet")
        names = [ws.title for ws in wb.worksheets]
        title = CODING_SHEET if CODING_SHEET in names else names[0]
        if title != CODING_SHEET:
            logger.info("%s: no sheet %r, read the first sheet %r", path, CODING_SHEET, title)
        where = _Where(f"{path}, sheet {title!r}", "row", ", ")
        ws = wb[title]
        ws.reset_dimensions()  # the recorded dimension may be wrong: read every row there is
        try:
            cells = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many types for a damaged sheet
            raise CodingSheetError(
                f"{where.name}: cannot read the sheet ({type(exc).__name__}: {exc})"
            ) from exc
    finally:
        wb.close()
    header = cells[0] if cells else []
    columns: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in REQUIRED_COLUMNS and name in columns:
            raise CodingSheetError(
                f"{where.at(1)}: two columns are named {name!r} (columns {columns[name] + 1} "
                f"and {j + 1}); keep one"
            )
        if name and name not in columns:  # a repeated other name: its first column
            columns[name] = j
    records, rows = [], []
    for r, row in enumerate(cells[1:], start=2):
        values = [row[j] if j < len(row) else "" for j in columns.values()]
        if any(values):  # empty rows are skipped, as empty lines of a CSV
            records.append(values)
            rows.append(r)
    return pd.DataFrame(records, columns=list(columns), dtype=str), rows, where


def _checked_sheet(table: pd.DataFrame, rows: list[int], where: _Where) -> pd.DataFrame:
    """The checks of :func:`read_codes`, the same for every format: ``table`` holds the
    sheet's records as strings, ``rows`` the line or row of each, ``where`` names them."""
    # the CSV sheet is written spreadsheet-safe (escaped), and so is a workbook saved from it
    df = _io.unescape_formulas(table)
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise CodingSheetError(f"{where.at(1)}: missing column(s) {missing}")
    unit = where.unit
    out = df.copy()
    out["code"] = out["code"].str.strip().str.lower()
    seen: dict[str, int] = {}
    coded: dict[tuple[str, str], tuple[int, str]] = {}
    drop: list[int] = []
    repeats: list[str] = []
    blank: list[int] = []
    para_ids = [0] * len(out)
    for i, rec in enumerate(out.to_dict("records")):
        line = rows[i]
        if not rec["code"]:
            blank.append(line)
            drop.append(i)
            continue
        for col in ("doc_id", "text"):
            if not str(rec[col]).strip():
                raise CodingSheetError(
                    f"{where.at(line)}: empty {col} (sample {rec['sample_id']!r}); "
                    "every coded row needs the paragraph's doc_id and text"
                )
        if rec["code"] not in CODES:
            raise CodingSheetError(
                f"{where.at(line)}: code {rec['code']!r} (sample {rec['sample_id']!r}) "
                f"is not one of {list(CODES)}"
            )
        try:
            para_id = _para_id(rec["para_id"], "para_id")
        except ValueError:
            raise CodingSheetError(
                f"{where.at(line)}: para_id {rec['para_id']!r} is not an integer"
            ) from None
        para_ids[i] = para_id
        if rec["sample_id"] in seen:
            raise CodingSheetError(
                f"{where.at(line)}: duplicate sample_id {rec['sample_id']!r} "
                f"(first on {unit} {seen[rec['sample_id']]})"
            )
        seen[rec["sample_id"]] = line
        key = (str(rec["doc_id"]).strip(), str(para_id))
        if key in coded:
            first_line, first_code = coded[key]
            if first_code != rec["code"]:
                raise CodingSheetError(
                    f"{where.at(line)}: paragraph {key[0]!r} para_id {key[1]} is coded "
                    f"{rec['code']!r} here and {first_code!r} on {unit} {first_line}; "
                    "keep one code per paragraph"
                )
            repeats.append(f"{line} (as {first_line})")
            drop.append(i)
            continue
        coded[key] = (line, rec["code"])
    if len(blank) == len(out):
        raise CodingSheetError(
            f"{where.name}: no row is coded yet (every code is empty, or no row)"
        )
    if blank:
        warnings.warn(
            f"{where.name}: {len(blank)} row(s) not coded yet (empty code) are left out: "
            f"{unit}(s) " + ", ".join(map(str, blank[:10])) + (" …" if len(blank) > 10 else ""),
            stacklevel=3,
        )
    if repeats:
        warnings.warn(
            f"{where.name}: {len(repeats)} row(s) code a paragraph again with the same code and "
            f"are dropped: {unit}(s) {', '.join(repeats[:5])}" + (" …" if len(repeats) > 5 else ""),
            stacklevel=3,
        )
    out["para_id"] = para_ids
    if drop:
        out = out.drop(index=out.index[drop]).reset_index(drop=True)
    if "note" not in out.columns:
        out["note"] = ""
    return out
