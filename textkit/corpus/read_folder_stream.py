"""Read a researcher's folder of files in batches, for a corpus build in bounded memory.

The folder reader of :func:`textkit.corpus.read.read_texts`, cut in two passes for
:func:`textkit.corpus.stream.build_corpus_to`: :meth:`FileBatches.extract` reads and extracts
every file once, in the order of the read report (by relative path), and gives the entries
as frames of at most ``batch_size`` entries, which the build stores (in memory up to its
budget, else in a temporary parquet file); :meth:`FileBatches.batches` turns the stored
frames into :class:`~textkit.corpus.read.ReadResult` batches whose documents and reports,
put together, are what ``read_texts`` returns for the folder.

The first pass decides, over every file read, what the whole folder read decides: the
types of the document variables (``docvars_from`` fields and ``metadata`` columns:
integers when every value present looks like one), the accounting of the ``metadata``
table (rows naming no file read, files read without a row, and its warning), and whether
any file was read at all. Memory holds one batch of files, the relative paths and ids of
the folder's files, and, with a metadata table, the table and the status of the files it
names.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_int, check_str
from textkit.core.errors import InvalidParameterError
from textkit.corpus.read_folder import (
    _docvars_regex,
    _folder_documents,
    _folder_report,
    _list_folder,
    _no_readable_file,
    _read_file,
)
from textkit.corpus.read_metadata import (
    _check_clash,
    _load_metadata,
    _metadata_summary,
    _with_metadata,
)
from textkit.corpus.read_result import (
    REPORT_COLUMNS,
    ReadResult,
    _check_dates,
    _column_names,
    _given_options,
    _int_like,
    _with_dates,
)
from textkit.corpus.source import READ_OPTIONS

# messages keep the logger name of read_texts, like the folder reader's
logger = logging.getLogger("textkit.corpus.read")

__all__ = ["FOLDER_OPTIONS", "FileBatches"]

#: The options of :func:`textkit.corpus.read.read_texts` that apply to a table only.
_TABLE_OPTIONS = ("text", "meta", "id", "title", "sheet")
#: The options of :func:`textkit.corpus.read.read_texts` that apply to a folder: the
#: ``[corpus]`` read options (:data:`textkit.corpus.source.READ_OPTIONS`) but a table's.
FOLDER_OPTIONS = tuple(o for o in READ_OPTIONS if o not in _TABLE_OPTIONS)

#: Prefix of the columns of a stored entry that hold a ``docvars_from`` field.
_FIELD = "\x00field:"


class FileBatches:
    """A folder of files read in batches: :meth:`extract` then :meth:`batches`.

    Made by :meth:`open`, which checks the options and the metadata table and lists the
    folder before any file is read.

    Attributes
    ----------
    path : str
        The folder as given.
    docvars : tuple of str
        The document variables, in order (``docvars_from`` fields, then ``metadata``
        columns).
    batch_size : int
        Entries of the folder per batch (files read, rejected or skipped).
    n_entries, n_read, n_rejected, n_skipped : int
        Entries of the folder, files read, files rejected, entries skipped (known once
        :meth:`extract` has run).
    metadata : dict
        As :attr:`ReadResult.metadata <textkit.corpus.read.ReadResult>` (once
        :meth:`extract` has run; empty without a metadata table).
    options : dict
        The options given (``None`` values left out).
    kind : str
        ``"folder"``.
    """

    kind = "folder"

    def __init__(self, root: Path, given: str, read: dict[str, Any], batch_size: int) -> None:
        self._root = root
        self.path = given
        self.batch_size = batch_size
        self._dates = _column_names("dates", read.get("dates")) or None
        metadata = read.get("metadata")
        self.options = _given_options(
            **{**read, "dates": self._dates, "metadata": metadata and os.fspath(metadata)}
        )
        # as read_texts: the table is read and checked before the folder
        self._sidecar = None
        if metadata is not None:
            self._sidecar = _load_metadata(metadata, read.get("metadata_key"))
        elif read.get("metadata_key") is not None:
            raise InvalidParameterError("metadata_key: names a column of metadata, not given")
        docvars_from = read.get("docvars_from")
        if self._sidecar is not None:
            fields = list(_docvars_regex(docvars_from).groupindex) if docvars_from else []
            _check_clash(self._sidecar, fields, docvars_from)
        encoding = read.get("encoding")
        self._listing = _list_folder(
            root, docvars_from, read.get("include"), read.get("exclude"), encoding
        )
        self._fields = list(self._listing.fields)
        columns = self._sidecar.columns if self._sidecar is not None else ()
        self.docvars = (*self._fields, *columns)
        _check_dates(self._dates, self.docvars, given)  # before any file is read
        self._int: dict[str, bool] = {}
        self.metadata: dict = {}
        self.n_entries = self.n_read = self.n_rejected = self.n_skipped = 0

    @classmethod
    def open(
        cls, path: str | os.PathLike, read: dict[str, Any], batch_size: int = 50
    ) -> FileBatches:
        """Check the options of reading the folder ``path`` (as ``read_texts`` does) and
        list its entries.

        Parameters
        ----------
        path : path-like
            A folder of files (what :func:`textkit.corpus.read.read_texts` reads).
        read : dict
            Options of ``read_texts`` for a folder (:data:`FOLDER_OPTIONS`).
        batch_size : int, default 50
            Entries per batch.

        Returns
        -------
        FileBatches

        Raises
        ------
        InvalidParameterError
            For an option of a table (``text``, ``meta``, ``id``, ``title``, ``sheet``),
            an unknown option, an invalid ``batch_size``, and as ``read_texts`` (patterns,
            ``dates`` naming no document variable, the metadata table's columns).
        CorpusError
            As ``read_texts`` for a metadata table that cannot be read or names a file
            twice.
        """
        check_int("batch_size", batch_size, 1)
        p = Path(path)
        for name, value in read.items():
            if name in _TABLE_OPTIONS and value is not None:
                raise InvalidParameterError(f"{name}: applies to tables, not to a folder ({p})")
            if name not in FOLDER_OPTIONS and name not in _TABLE_OPTIONS:
                raise InvalidParameterError(
                    f"read: no option {name!r} of read_texts for a folder; the options are "
                    f"{', '.join(FOLDER_OPTIONS)}"
                )
        if read.get("encoding") is not None:
            check_str("encoding", read["encoding"])
        if not p.is_dir():
            raise InvalidParameterError(f"path: expected a folder of files, got {p}")
        return cls(p, str(path), dict(read), batch_size)

    # -- the first pass: every file read once ---------------------------------------

    def extract(self) -> Iterator[pd.DataFrame]:
        """Read every entry, in report order: frames of at most :attr:`batch_size`
        entries (report columns, the document read and the ``docvars_from`` fields).

        Once the frames are all given, the types of the document variables, the counts
        and :attr:`metadata` are decided; raises :class:`CorpusError` (as ``read_texts``)
        when no file was read. Run it once.
        """
        tally = _Tally(self.docvars, self._fields, self._sidecar)
        batch: list[dict] = []
        for rel, skipped in self._listing.entries():
            row = self._entry(rel, skipped)
            tally.add(rel, row)
            batch.append(row)
            if len(batch) >= self.batch_size:
                yield pd.DataFrame(batch)
                batch = []
        if batch:
            yield pd.DataFrame(batch)
        counts = tally.counts
        self.n_entries = sum(counts.values())
        self.n_read, self.n_rejected = counts["read"], counts["rejected"]
        self.n_skipped = counts["skipped"]
        if not self.n_read:
            raise _no_readable_file(self._root, tally.first, self.n_entries, self.n_skipped)
        self._int = {name: bool(v) for name, v in tally.ints.items()}
        if self._sidecar is not None:
            self.metadata = _metadata_summary(
                self._sidecar, tally.read, tally.named, sorted(tally.without), self.path
            )

    def _entry(self, rel: str, skipped: dict | None) -> dict:
        """The stored row of one entry: its report row (``skipped``: that of an entry
        not read), its document (``text`` None when not read) and its ``docvars_from``
        fields."""
        got = _read_file(self._listing, rel) if skipped is None else None
        report = skipped if got is None else got.report
        row = {c: report[c] for c in REPORT_COLUMNS if c != "row"}
        doc = got.document if got is not None else None
        row["text"] = doc["text"] if doc else None
        row["title"] = doc["title"] if doc else None
        row["encoding"] = doc["encoding"] if doc else None
        row["meta_date"] = got.meta_date if doc else ""
        row["headings"] = ",".join(map(str, got.headings)) if doc else ""
        for f in self._fields:
            row[_FIELD + f] = doc[f] if doc else None
        return row

    # -- the second pass: the batches, as read_texts reads them ----------------------

    def batches(self, frames: Iterable[pd.DataFrame]) -> Iterator[ReadResult]:
        """The stored frames of :meth:`extract` as :class:`ReadResult` batches (document
        variables typed as over the whole folder, metadata joined, ``dates`` read)."""
        for frame in frames:
            rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
            yield self._batch(rows)

    def _batch(self, rows: list[dict]) -> ReadResult:
        report, docs = [], []
        meta_dates: dict[str, str] = {}
        headings: dict[str, tuple[int, ...]] = {}
        for row in rows:
            report.append({c: (None if c == "row" else row[c]) for c in REPORT_COLUMNS})
            if row["text"] is None:
                continue
            doc_id = row["doc_id"]
            docs.append(
                {
                    "source": row["source"],
                    "row": None,
                    "doc_id": doc_id,
                    "extractor": row["extractor"],
                    "text": row["text"],
                    "title": row["title"],
                    "encoding": row["encoding"],
                    **{f: row[_FIELD + f] for f in self._fields},
                }
            )
            if row["meta_date"]:
                meta_dates[doc_id] = row["meta_date"]
            if row["headings"]:
                headings[doc_id] = tuple(int(i) for i in row["headings"].split(","))
        documents = (
            _folder_documents(docs, self._fields, self._int)
            if docs
            else _empty_documents(self._fields)
        )
        batch = ReadResult(
            documents,
            _folder_report(report),
            "folder",
            tuple(self._fields),
            self.path,
            meta_dates=meta_dates,
            headings=headings,
        )
        if self._sidecar is not None:
            batch = _with_metadata(batch, self._sidecar, self._int, self.metadata)
        return replace(_with_dates(batch, self._dates), options=dict(self.options))

    def __repr__(self) -> str:
        return f"FileBatches(path={self.path!r}, batch_size={self.batch_size})"


class _Tally:
    """What the first pass of :class:`FileBatches` learns of the whole folder, entry by
    entry: the counts by status, the first report rows (for the error of no file read),
    whether each document variable holds integers only, and, with a metadata table, the
    files read, those without a row and the status and reason of the files it names."""

    def __init__(self, docvars: tuple[str, ...], fields: list[str], sidecar: Any) -> None:
        self._fields = fields
        self._sidecar = sidecar
        self.counts = {"read": 0, "rejected": 0, "skipped": 0}
        self.first: list[dict] = []
        self.ints: dict[str, bool | None] = dict.fromkeys(docvars)
        self.read: set[str] = set()
        self.without: list[str] = []
        self.named: dict[str, tuple[str, str]] = {}

    def add(self, rel: str, row: dict) -> None:
        """Count the stored row of the entry ``rel``."""
        self.counts[row["status"]] += 1
        if len(self.first) < 5:
            self.first.append({"source": rel, "reason": row["reason"]})
        sidecar = self._sidecar
        if sidecar is not None and rel in sidecar.rows:
            self.named[rel] = (row["status"], row["reason"])
        if row["text"] is None:
            return
        values = {f: row[_FIELD + f] for f in self._fields}
        if sidecar is not None:
            self.read.add(rel)
            cells = sidecar.rows[rel][1] if rel in sidecar.rows else None
            if cells is None:
                self.without.append(rel)
            values.update({c: cells[c] if cells else None for c in sidecar.columns})
        for name, value in values.items():  # as read_texts types them: _int_like
            if self.ints[name] is not False:
                here = _int_like([value])
                if here is not None:
                    self.ints[name] = here


def _plain(value: Any) -> Any:
    """A stored cell as the folder reader wrote it: a missing value as None (pandas reads
    a missing string as NaN), a number as ``int``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if isinstance(value, numbers.Integral) else value


def _empty_documents(fields: list[str]) -> pd.DataFrame:
    """The documents table of a batch in which no file was read."""
    empty = _folder_documents(
        [dict.fromkeys(("source", "doc_id", "extractor", "text", "title", "encoding", *fields))],
        fields,
        dict.fromkeys(fields, False),
    )
    return empty.iloc[:0]
