"""What :func:`textkit.corpus.read.read_texts` returns, and the cell rules its readers share.

:class:`ReadResult` holds the documents table (:data:`READ_COLUMNS` and the document
variables) and the report (:data:`REPORT_COLUMNS`); :data:`RESERVED_NAMES` are the names a
document variable may not take. Cells become strings or missing values and document
variables are typed by the same rules for every input (:mod:`textkit.corpus.read_table`,
:mod:`textkit.corpus.read_folder`, :mod:`textkit.corpus.read_stream`).
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from textkit.core.dates import CN_DIGITS, parse_dates
from textkit.core.errors import InvalidParameterError
from textkit.corpus._documents import DOCUMENT_COLUMNS
from textkit.corpus.annotate import ANNOTATED_COLUMNS
from textkit.corpus.decode import IngestConfig, decode_bytes
from textkit.corpus.extract import HEADING_MARK
from textkit.corpus.published import PUBLISHED_COLUMNS

# messages keep the logger name of read_texts, like the table and folder readers'
logger = logging.getLogger("textkit.corpus.read")

__all__ = [
    "READ_COLUMNS",
    "REPORT_COLUMNS",
    "RESERVED_NAMES",
    "ReadResult",
    "document_variables",
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
#: ``<name>_detected``) and ``published``, the publication date raw pages and a folder's
#: files state (a researcher's own ``published`` variable wins: a build of a table does not
#: write the column, and a build of a folder whose variables include ``published`` leaves
#: out its own ``published`` and ``published_from``), and those ``<name>_detected`` columns.
RESERVED_NAMES = frozenset(
    {
        *READ_COLUMNS,
        *(c for c in DOCUMENT_COLUMNS if c not in (*ANNOTATED_COLUMNS, "published")),
        *(f"{c}_detected" for c in ANNOTATED_COLUMNS),
    }
)


def document_variables(docs: pd.DataFrame) -> list[str]:
    """The researcher's document variables of a documents table: the columns textkit did not
    write (not :data:`RESERVED_NAMES`, not an annotation column), in table order.

    For an article table built from :func:`read_texts` output these are the table's meta
    columns or the fields of ``docvars_from`` (``province``, ``outlet``, ``stance`` …); a
    user's own ``year`` or ``genre`` column shares its name with an annotation and is not
    listed here (the analyses name it themselves), nor is the ``published`` date of raw
    pages and folders (written with ``published_from``; a researcher's own ``published``
    column is listed).

    Parameters
    ----------
    docs : pandas.DataFrame
        A documents table (``CorpusBuild.documents`` or any table with ``doc_id``).

    Returns
    -------
    list of str
    """
    written = RESERVED_NAMES | set(ANNOTATED_COLUMNS)
    if "published_from" in docs.columns:  # raw pages' publication date, not a variable
        written |= set(PUBLISHED_COLUMNS)
    return [str(c) for c in docs.columns if c not in written]


_INT_RE = re.compile(r"[+-]?(?:0|[1-9][0-9]*)")
#: A year written with 年 (2021年) or in Chinese digits (二〇二一, 二〇二一年, 二零二一年).
_YEAR_RE = re.compile(r"([12][0-9]{3})年|([一二][〇零○一二三四五六七八九]{3})年?")


def _as_int(value: str) -> int | None:
    """The integer a cell of a document variable holds: an integer (no leading zeros), or a
    year written 2021年 or in Chinese digits (二〇二一年); None for anything else."""
    v = value.strip()
    if _INT_RE.fullmatch(v):
        return int(v)
    m = _YEAR_RE.fullmatch(v)
    if m is None:
        return None
    return int(m.group(1) or m.group(2).translate(CN_DIGITS))


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
        ``"csv"``, ``"tsv"``, ``"xlsx"``, ``"xls"``, ``"jsonl"``, ``"parquet"``, or for a file
        ``"text"``, ``"html"``, ``"docx"`` or ``"pdf"`` —, ``encoding`` — the decoding
        used (text and HTML files, CSV, TSV, JSON lines), ``""`` where none applies)
        followed by the document variables (:attr:`docvars`).
    report : pandas.DataFrame
        One row per input table row or folder entry (:data:`REPORT_COLUMNS`): ``status``
        is ``"read"``, ``"rejected"`` or, for a folder entry that is not a file to read,
        ``"skipped"`` (kind in ``reject_kind``: :data:`textkit.core.paths.SKIP_KINDS`;
        ``doc_id`` empty), ``reason`` says why, naming the row as the file shows it
        (``"empty text (row 5 of sheet 'Sheet1')"`` — the header row and title rows above
        it counted —, ``"empty text (line 5)"`` in a CSV, TSV or JSON Lines file, a CSV row
        whose quoted line breaks above it move it ``"row 5 in a spreadsheet, line 9 of the
        file"``, ``"data row 4"`` in a parquet file; a workbook's text cell holding a
        formula without a saved value says so), while ``row`` is the data row (the
        first row under the header is 1), as in :attr:`documents`; for a
        row read, a value of a ``dates`` variable that is not a date and was left
        missing: ``"发布时间: '去年三月' is not a date (left missing)"``),
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
    metadata : dict
        What joining a metadata table (``read_texts(metadata=...)``) did, empty without one:
        ``file`` (the table), ``key`` (its column naming the files), ``columns`` (the
        document variables it gave), ``rows``, ``rows_joined``, ``rows_without_file``
        (``{"row", "file", "why"}`` for each row naming no file read: no such file, or the
        file's status and reason; ``row`` and the rows the errors and warnings name are
        numbered as a spreadsheet program shows the table, its header row 1 and every
        blank line of a CSV a row; a JSON Lines table's rows are named by their line),
        ``row_unit`` (``"line"`` for JSON Lines, else ``"row"``), ``files_read``,
        ``files_without_row`` (their variables are missing) and ``identity`` (both counts
        added up). A corpus build reports it
        under ``metadata``.
    meta_dates : dict
        For a folder: ``doc_id`` -> the publication date an HTML file's ``<meta>`` tags
        state, as written (:func:`textkit.corpus.published.meta_date`; files that state
        none are left out). A corpus build dates the file's article by it when the file
        holds one article (``published``, :mod:`textkit.corpus.published`).
    headings : dict
        For a folder: ``doc_id`` -> the numbers (from 0, lines split on ``"\\n"``) of the
        lines of a Word document's ``text`` that are top-level headings (files without
        any are left out). The text itself holds plain text; a corpus build splits a
        compilation at these headings (:mod:`textkit.corpus.split`).

    Notes
    -----
    A :func:`textkit.corpus.build.build_corpus` of a result carries every column of
    :attr:`documents` beyond :data:`READ_COLUMNS` to the documents it builds: the document
    variables, and columns added in memory after reading (``texts.documents["source_site"]
    = ...``, or ``dataclasses.replace(texts, documents=merged)``, one row per ``doc_id``
    still). For a folder, the supported way to add a table of variables by file is
    ``read_texts(folder, metadata="metadata.csv")``, which also reports the files and rows
    that do not match.
    """

    documents: pd.DataFrame
    report: pd.DataFrame
    kind: str
    docvars: tuple[str, ...]
    path: str
    options: dict = field(default_factory=dict, compare=False)
    metadata: dict = field(default_factory=dict, compare=False)
    meta_dates: dict = field(default_factory=dict)
    headings: dict = field(default_factory=dict)


def _take_heading_marks(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` without :data:`~textkit.corpus.extract.HEADING_MARK` and the numbers of
    its lines that started with the mark (what :attr:`ReadResult.headings` records)."""
    if HEADING_MARK not in text:
        return text, ()
    lines = text.split("\n")
    marked = tuple(i for i, line in enumerate(lines) if line.startswith(HEADING_MARK))
    return text.replace(HEADING_MARK, ""), marked


def _put_heading_marks(text: str, lines: tuple[int, ...] | list[int]) -> str:
    """``text`` with :data:`~textkit.corpus.extract.HEADING_MARK` back at the start of the
    lines numbered ``lines`` (numbers beyond the text are ignored), for the split stage."""
    if not len(lines):
        return text
    split = text.split("\n")
    for i in lines:
        if 0 <= i < len(split) and not split[i].startswith(HEADING_MARK):
            split[i] = HEADING_MARK + split[i]
    return "\n".join(split)


def _given_options(**options: Any) -> dict[str, Any]:
    """The read options a caller gave (``None`` left out, sequences as lists): what
    :attr:`ReadResult.options` records and the build cache keys on."""
    return {
        k: (list(v) if isinstance(v, (list, tuple)) else v)
        for k, v in options.items()
        if v is not None
    }


def _column_names(name: str, value: Any) -> list[str] | None:
    """Column names given as one name or a list of names (``meta="province"`` is
    ``meta=["province"]``, never the characters of the string)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, pd.Index)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidParameterError(
        f"{name}: expected a column name or a list of column names, got {value!r} "
        f"({type(value).__name__})"
    )


def _ingest_config(encoding: str | None) -> IngestConfig:
    return IngestConfig() if encoding is None else IngestConfig(encodings=(encoding,))


def _decode(data: bytes, name: str, encoding: str | None):
    return decode_bytes(data, name, _ingest_config(encoding))


def _cell_str(value: Any) -> str | None:
    """A cell as a string (``None`` when missing); integral floats lose their ``.0``, a
    date and time at midnight (a workbook's date cell) is written as the date alone."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
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
            [_as_int(v) if v is not None and v != "" else None for v in values], dtype="Int64"
        )
    # the string dtype pandas gives a column of strings (``str`` from pandas 3, ``object``
    # before), also when every value is missing: a batch of iter_texts whose variable is all
    # missing then has the dtype of the others
    return pd.Series(values, dtype=object).astype(_STR_DTYPE)


#: The dtype pandas infers for a column of Python strings.
_STR_DTYPE = pd.Series(["x"], dtype=object).infer_objects().dtype


def _int_like(values: list[str | None]) -> bool | None:
    """True when every present value looks like an integer or a year (:func:`_as_int`),
    False when one does not, None when no value is present."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return None
    return all(_as_int(v) is not None for v in present)


def _check_reserved(names: list[str], where: str) -> None:
    clash = [n for n in names if n in RESERVED_NAMES]
    if clash:
        raise InvalidParameterError(
            f"{where}: document variable(s) {clash} would take the name of a textkit column; "
            f"rename them (e.g. {clash[0]!r} -> 'user_{clash[0]}') or leave them out "
            f"(reserved: {', '.join(sorted(RESERVED_NAMES))})"
        )


def _meta_with_dates(meta: list[str], dates: list[str] | None) -> list[str]:
    """A table's ``meta`` columns with the ``dates`` columns it does not list added (a date
    column is a document variable whether or not ``meta`` names it; an empty ``meta``,
    every column, is left as it is)."""
    return meta + [d for d in dates or () if d not in meta] if meta else meta


def _check_dates(dates: list[str] | None, docvars: tuple[str, ...] | list[str], where: str) -> None:
    """Refuse a ``dates`` column that is not one of the document variables."""
    missing = [d for d in dates or () if d not in docvars]
    if missing:
        raise InvalidParameterError(
            f"dates: {', '.join(map(repr, missing))} not among the document variables of "
            f"{where} ({', '.join(map(repr, docvars)) or 'none'}): a date column must be one "
            "(a table's meta columns, a folder's docvars_from fields or metadata columns)"
        )


def _not_a_date(value: Any) -> bool:
    """A value that is there (not missing, not blank) — one :func:`parse_dates` could not
    read when it gave ``NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(str(value).strip())


def _with_dates(result: ReadResult, dates: list[str] | None) -> ReadResult:
    """``result`` with the document variables ``dates`` read as dates
    (:func:`textkit.core.dates.parse_dates`, ``datetime64[us]``); a value that is not a
    date is left missing and said in the ``reason`` of its row of the report (and logged).
    Each value is read alone: batches of a table give what the whole table gives."""
    if not dates:
        return result
    _check_dates(dates, result.docvars, result.path)
    docs = result.documents.copy()
    notes: dict[str, list[str]] = {}
    for name in dates:
        values = docs[name].astype(object)
        parsed = parse_dates(values)
        for doc_id, value, when in zip(docs["doc_id"], values, parsed, strict=True):
            if pd.isna(when) and _not_a_date(value):
                notes.setdefault(doc_id, []).append(
                    f"{name}: {str(value)!r} is not a date (left missing)"
                )
        docs[name] = parsed.to_numpy()
    if not notes:
        return replace(result, documents=docs)
    return replace(result, documents=docs, report=_noted(result, notes, dates))


def _noted(result: ReadResult, notes: dict[str, list[str]], dates: list[str]) -> pd.DataFrame:
    """The report of ``result`` with ``notes`` (doc_id -> values that are not dates) in the
    ``reason`` of the rows read; logged once, naming the first rows."""
    report = result.report.copy()
    read = report["status"] == "read"
    # a note already there (a file without a metadata row) is kept
    report.loc[read, "reason"] = [
        "; ".join(n for n in (r if isinstance(r, str) else "", *notes.get(i, ())) if n)
        for i, r in zip(report.loc[read, "doc_id"], report.loc[read, "reason"], strict=True)
    ]
    # only the documents counted: a note already there (no metadata row) is logged apart
    noted = report[read & report["doc_id"].isin(list(notes))]
    where = [
        f"row {r}" if pd.notna(r) else str(f)
        for r, f in zip(noted["row"], noted["source"], strict=True)
    ]
    logger.warning(
        "%s: %d document(s) with a value of %s that is not a date, left missing (%s%s); "
        "the report's reason column names each",
        result.path, len(notes), ", ".join(map(repr, dates)), ", ".join(where[:5]),
        ", …" if len(where) > 5 else "",
    )  # fmt: skip
    return report
