"""A metadata table beside a folder of documents: one row per file, joined onto its documents.

A researcher who saved documents as ``corpus/raw/<province>/<year>/<file>`` often keeps what
the path cannot hold — the publication date, the site, the genre — in a table beside the
folder (``metadata.csv``)::

    file,发布日期,来源,文种
    浙江/2019/桐乡市2019年基层社会治理工作总结.docx,2019-11-02,桐乡市人民政府网,工作总结

:func:`textkit.corpus.read.read_texts` (``metadata=``, ``[corpus] metadata``) reads it with
the table reader (CSV and TSV decoded by the ingest stage's detection, workbooks by
:mod:`textkit.corpus.workbook`) and joins each row onto the documents read from the file it
names: the key column (:data:`METADATA_KEY`, or ``metadata_key``) holds the path relative to
the folder, written with ``/`` (``\\`` is read as ``/``); every other column becomes a
document variable. Files read without a row, and rows naming no file read, are accounted
for (:attr:`textkit.corpus.read_result.ReadResult.metadata`, the read report, a warning
for rows that match nothing); a table without the key column, a row without a file named
and a file named twice are errors naming the table and the rows.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_str
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.read_result import ReadResult, _cell_str, _check_reserved, _typed
from textkit.corpus.read_table import _TABLE_EXTRACTORS, _load_table

# messages keep the logger name of read_texts, like the table and folder readers'
logger = logging.getLogger("textkit.corpus.read")

__all__ = ["METADATA_KEY"]

#: The column of a metadata table naming each file (``metadata_key`` names another).
METADATA_KEY = "file"

#: How many rows or files a message names before it says "…".
_SHOWN = 5

#: Why a row joins no document when the folder has no entry of the path it names.
_NO_SUCH_FILE = "no such file in the folder"


@dataclass(frozen=True)
class _Sidecar:
    """A metadata table as read: its variables and, by file, the row and its cells
    (``unit``: what the rows are numbered as, ``"row"``, or ``"line"`` for JSON Lines)."""

    path: Path
    key: str
    columns: tuple[str, ...]
    rows: dict[str, tuple[int, dict[str, str | None]]]
    unit: str = "row"


def _file_key(value: str | None) -> str:
    """A file named in the key column as the folder reader writes paths: spaces around it
    dropped, ``\\`` read as ``/``, a leading ``./`` dropped."""
    key = (value or "").strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _load_metadata(path: str | os.PathLike, key: str | None) -> _Sidecar:
    """Read and check a metadata table (see the module docstring).

    Raises
    ------
    FileNotFoundError
        If the table does not exist.
    InvalidParameterError
        For a path that is not a table file, a table without the key column (the message
        lists its columns) or a variable named like a textkit column.
    CorpusError
        For a table that cannot be read, decoded or parsed, a row with values but no file
        named, or a file named on more than one row (each naming the table and the rows).
    """
    key = METADATA_KEY if key is None else check_str("metadata_key", key)
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"metadata: no such file: {p}")
    extractor = _TABLE_EXTRACTORS.get(p.suffix.lower())
    if extractor is None or not p.is_file():
        raise InvalidParameterError(
            f"metadata: expected a table file ({', '.join(sorted(_TABLE_EXTRACTORS))}) with "
            f"one row per file, got {p}"
        )
    try:
        data = p.read_bytes()
    except OSError as err:
        raise CorpusError(f"metadata: {p} cannot be read ({err.strerror or err})") from err
    try:
        frame, _, _, names = _load_table(p, data, extractor, None, key, None, option="metadata_key")
    except CorpusError as err:
        raise CorpusError(f"metadata: {err}") from err
    frame.columns = [str(c) for c in frame.columns]
    if key not in frame.columns:
        raise InvalidParameterError(
            f"metadata_key: no column {key!r} in {p.name} (the metadata table); its columns "
            f"are {', '.join(map(repr, frame.columns))}: name the column holding each file's "
            "path relative to the folder with metadata_key=..."
        )
    columns = tuple(c for c in frame.columns if c != key)
    _check_reserved(list(columns), f"metadata ({p.name})")
    shown = names.shown(range(1, len(frame) + 1))
    rows = _rows_by_file(p, key, frame, shown, names.unit)
    return _Sidecar(p, key, columns, rows, names.unit)


def _rows_by_file(
    p: Path, key: str, frame: pd.DataFrame, shown: dict[int, int] | None = None, unit: str = "row"
) -> dict[str, tuple[int, dict[str, str | None]]]:
    """The rows of a metadata table by the file each names, numbered as a spreadsheet
    program shows them (``shown``: data row -> that number; the header is row 1 of a CSV,
    every blank line a row, a workbook's rows are its sheet's, title rows above the header
    counted; a JSON Lines table's rows are its lines: ``unit`` ``"line"``). A row with no
    value at all is left out; an empty cell is a missing value."""
    found: dict[str, list[tuple[int, dict[str, str | None]]]] = {}
    for n, record in enumerate(frame.to_dict("records"), start=1):
        row = shown[n] if shown is not None else n + 1
        cells = {c: _cell_str(v) for c, v in record.items()}
        cells = {c: None if _blank(v) else v for c, v in cells.items()}
        name = _file_key(cells.pop(key))
        if not name:
            if all(v is None for v in cells.values()):
                continue  # a blank row
            raise CorpusError(
                f"metadata: {p.name} {unit} {row} names no file in column {key!r} but holds "
                f"values ({', '.join(f'{c}={v!r}' for c, v in cells.items() if v)}); write "
                "the file's path relative to the folder, or delete the row"
            )
        found.setdefault(name, []).append((row, cells))
    twice = {name: [r for r, _ in rows] for name, rows in found.items() if len(rows) > 1}
    if twice:
        detail = "; ".join(f"{n!r} at {unit}s {rs}" for n, rs in sorted(twice.items())[:_SHOWN])
        raise CorpusError(
            f"metadata: {p.name} names a file on more than one row in column {key!r} "
            f"({len(twice)} file(s): {detail}{'; …' if len(twice) > _SHOWN else ''}); keep one "
            "row per file"
        )
    return {name: rows[0] for name, rows in found.items()}


def _check_clash(sidecar: _Sidecar, fields: list[str], docvars_from: str | None) -> None:
    """Refuse a metadata column named like a field of ``docvars_from``: two sources for one
    variable (say which to keep by renaming the other)."""
    clash = [c for c in sidecar.columns if c in fields]
    if clash:
        raise InvalidParameterError(
            f"metadata: column(s) {', '.join(map(repr, clash))} of {sidecar.path.name} are "
            f"also fields of docvars_from ({docvars_from!r}); a variable comes from one of "
            "them: rename the column or the field"
        )


def _join_metadata(result: ReadResult, sidecar: _Sidecar) -> ReadResult:
    """``result`` (a folder read) with the metadata columns joined onto its documents by
    ``source``, the files without a row noted in the report's ``reason``, and the
    accounting in :attr:`ReadResult.metadata`; warns about rows that name no file read."""
    sources = result.documents["source"].tolist()
    rep = result.report
    entries = {
        s: (st, r) for s, st, r in zip(rep["source"], rep["status"], rep["reason"], strict=True)
    }
    without = sorted({s for s in sources if s not in sidecar.rows})
    summary = _metadata_summary(sidecar, set(sources), entries, without, result.path)
    return _with_metadata(result, sidecar, summary=summary)


def _with_metadata(
    result: ReadResult,
    sidecar: _Sidecar,
    as_int: dict[str, bool] | None = None,
    summary: dict | None = None,
) -> ReadResult:
    """``result`` with the metadata columns joined onto its documents (typed as ``as_int``
    says, else on these documents) and the files without a row noted in the report."""
    docs = result.documents.copy()
    sources = docs["source"].tolist()
    for c in sidecar.columns:
        values = [sidecar.rows[s][1][c] if s in sidecar.rows else None for s in sources]
        docs[c] = _typed(values, None if as_int is None else as_int[c]).array
    without = sorted({s for s in sources if s not in sidecar.rows})
    return replace(
        result,
        documents=docs,
        report=_noted_without_row(result.report, without, sidecar.path.name),
        docvars=(*result.docvars, *sidecar.columns),
        metadata=summary or {},
    )


def _metadata_summary(
    sidecar: _Sidecar,
    read: set[str],
    entries: dict[str, tuple[str, str]],
    without: list[str],
    folder: Any,
    stacklevel: int = 6,
) -> dict:
    """What joining ``sidecar`` did (:attr:`ReadResult.metadata`), logged, and a warning
    about its rows naming no entry of the folder.

    ``read``: the files read; ``entries``: the status and reason of every entry of the
    folder the table names (at least); ``without``: the files read without a row, sorted.
    """
    unmatched = _unmatched_rows(sidecar, read, entries)
    if without:
        logger.warning(
            "%s: %d file(s) read have no row in %s (their metadata left missing): %s%s",
            folder, len(without), sidecar.path.name, ", ".join(without[:_SHOWN]),
            ", …" if len(without) > _SHOWN else "",
        )  # fmt: skip
    # a row naming a file that was rejected or skipped is said there; a row naming no
    # entry of the folder at all is a path written wrong, whose values would be lost unseen
    absent = [u for u in unmatched if u["why"] == _NO_SUCH_FILE]
    if absent:
        _warn_unmatched(sidecar, absent, folder, stacklevel)
    if len(absent) < len(unmatched):
        logger.info(
            "%s: %d row(s) name a file rejected or skipped in %s (their values joined to "
            "no document)", sidecar.path.name, len(unmatched) - len(absent), folder,
        )  # fmt: skip
    n_rows = len(sidecar.rows)
    return {
        "file": str(sidecar.path),
        "key": sidecar.key,
        "columns": list(sidecar.columns),
        "rows": n_rows,
        "rows_joined": n_rows - len(unmatched),
        "rows_without_file": unmatched,
        "row_unit": sidecar.unit,
        "files_read": len(read),
        "files_without_row": without,
        "identity": (
            f"{n_rows} rows = {n_rows - len(unmatched)} joined + {len(unmatched)} naming no "
            f"file read; {len(read)} files read = {len(read) - len(without)} "
            f"with a row + {len(without)} without"
        ),
    }


def _noted_without_row(report: pd.DataFrame, without: list[str], name: str) -> pd.DataFrame:
    """The read report with the files read that have no metadata row noted in ``reason``."""
    report = report.copy()
    at = (report["status"] == "read") & report["source"].isin(without)
    note = f"metadata: no row for this file in {name} (its variables left missing)"
    report.loc[at, "reason"] = [
        f"{r}; {note}" if r else note for r in report.loc[at, "reason"].astype(str)
    ]
    return report


def _unmatched_rows(
    sidecar: _Sidecar, read: set[str], entries: dict[str, tuple[str, str]]
) -> list[dict]:
    """The rows naming no file read, in row order: each with the file named and why (no
    such file in the folder, or the file's status and reason in the read report:
    ``entries``, by source)."""
    out = []
    for name, (row, _) in sorted(sidecar.rows.items(), key=lambda kv: kv[1][0]):
        if name in read:
            continue
        if name in entries:
            status, reason = entries[name]
            why = f"{status}: {reason}"
        else:
            why = _NO_SUCH_FILE
        out.append({"row": int(row), "file": name, "why": why})
    return out


def _warn_unmatched(
    sidecar: _Sidecar, absent: list[dict], folder: Any, stacklevel: int = 6
) -> None:
    """Warn about rows naming no entry of the folder (their values reach no document: a
    path written wrong would be lost unseen).

    The folder is named by its name, like the table and the files (``metadata.csv``,
    ``河南/2021/a.txt``): a warning shown in an executed notebook then reads the same on every
    machine.
    """
    shown = "; ".join(f"{sidecar.unit} {u['row']} {u['file']!r}" for u in absent[:_SHOWN])
    name = Path(folder).name or str(folder)  # "." as given has no name
    warnings.warn(
        f"{sidecar.path.name}: {len(absent)} row(s) name a file that is not in the folder "
        f"{name}, "
        f"their values joined to no document: {shown}{'; …' if len(absent) > _SHOWN else ''}"
        " (paths are relative to the folder, with '/'; ReadResult.metadata lists every row "
        "joined to no document)",
        UserWarning,
        stacklevel=stacklevel,  # the caller of read_texts (or of build_corpus_to)
    )
