"""The streamed corpus build: :func:`build_corpus_to` builds and writes in bounded memory.

It streams the raw files, the rows of a researcher's table
(:func:`textkit.corpus.read_stream.iter_texts`) or the files of a researcher's folder
(:class:`textkit.corpus.read_folder_stream.FileBatches`: Word, PDF, HTML and text files,
each extracted once) in batches, and writes the same bytes as
``write_corpus(build_corpus(...))`` (documents.parquet has row groups of
:data:`textkit.corpus.build.DOCUMENTS_ROW_GROUP` rows in both). Both builds run the same
per-page or per-row code (split, clean, annotate) and the same duplicate detection
(:class:`textkit.corpus.dedup.DuplicateFinder`).

The processed batches (the documents with their texts, the pages table without) are held in
memory as pyarrow tables while their total size (``Table.nbytes``) stays within
``memory_budget_mb`` (default 512 MiB); beyond it they go to temporary parquet files
beside the outputs, read back a row group at a time. Memory is therefore bounded by the
budget, plus one batch being processed and a small state per article (a few hundred
bytes, see :func:`build_corpus_to`), not by the size of the corpus. A corpus whose batches
fit the budget is built without writing and reading back a temporary copy of its
documents; with ``memory_budget_mb=0`` every batch goes to disk, and memory holds one batch
and the per-article state.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.order import natural_order
from textkit.core.paths import check_output_outside_input
from textkit.core.progress import progress
from textkit.corpus import _documents
from textkit.corpus import report as accounting
from textkit.corpus._documents import (
    check_articles_found,
    document_status,
    finish_documents,
    process_pages,
    write_documents_csv_from,
    write_documents_parquet,
    write_rest,
)
from textkit.corpus.annotate import ANNOTATED_COLUMNS
from textkit.corpus.build import (
    CorpusConfig,
    _identity_from_counts,
    _own_split,
    _table_documents,
    _texts_pages,
)
from textkit.corpus.ingest import iter_pages, pages_frame
from textkit.corpus.read import ReadResult
from textkit.corpus.read_folder_stream import FileBatches
from textkit.corpus.read_stream import TextBatches, iter_texts

logger = logging.getLogger(__name__)

__all__ = ["build_corpus_to"]

#: Bytes in a megabyte of ``memory_budget_mb`` (MiB).
_MB = 1 << 20


def _batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Budget:
    """Bytes of pyarrow tables the :class:`_BatchTables` of one build may hold in memory
    together (``Table.nbytes``); ``0``: none, every batch is written to disk."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.peak = 0  # the most bytes held at once

    def take(self, nbytes: int) -> bool:
        """Count ``nbytes`` as held, if they fit; whether they did."""
        if self.limit <= 0 or self.used + nbytes > self.limit:
            return False
        self.used += nbytes
        self.peak = max(self.peak, self.used)
        return True

    def release(self, nbytes: int) -> None:
        self.used -= nbytes


class _BatchTables:
    """The tables of a streamed build, one per batch (a "group"), read back by (group, row).

    Batches are held in memory as pyarrow tables while the tables of all the stores of the
    build fit within their :class:`_Budget`. The first batch that does not fit moves this
    store to a temporary parquet file (``path``): the tables held so far are written to it
    (one row group per batch) and released, and every later batch is written to it too, so
    that only one row group is read back at a time. Either way the tables read back are the
    same (same schema, rows and order).
    """

    def __init__(self, path: Path, budget: _Budget) -> None:
        self.path = path
        self._budget = budget
        self._schema: Any = None
        self._held: list[Any] | None = []  # the tables in memory; None once on disk
        self._held_bytes = 0
        self._writer: Any = None
        self._pf: Any = None
        self._cached: tuple[int, Any] | None = None
        self.n_groups = 0

    @property
    def spilled(self) -> bool:
        """Whether the tables are on disk."""
        return self._held is None

    def _table(self, frame: pd.DataFrame) -> Any:
        import pyarrow as pa

        if self._schema is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            schema = table.schema
            for i, f in enumerate(schema):  # a column with no value in the first batch
                if pa.types.is_null(f.type):
                    schema = schema.set(i, f.with_type(pa.string()))
            self._schema = schema
            return table.cast(schema)
        return pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)

    def append(self, frame: pd.DataFrame) -> int:
        """Store one batch; its group number."""
        table = self._table(frame)
        if self._held is not None and self._budget.take(table.nbytes):
            self._held.append(table)
            self._held_bytes += table.nbytes
        else:
            self._spill()
            self._writer.write_table(table)
        self.n_groups += 1
        return self.n_groups - 1

    def _spill(self) -> None:
        """Move to the temporary file: the tables held so far are written and released."""
        import pyarrow.parquet as pq

        if self._held is None:
            return
        self._writer = pq.ParquetWriter(str(self.path), self._schema)
        for table in self._held:
            self._writer.write_table(table)
        self._held = None
        self._budget.release(self._held_bytes)
        self._held_bytes = 0
        logger.debug("streamed build: batches written to %s", self.path)

    def close(self) -> None:
        """No more batches: the temporary file, if any, is completed."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def release(self) -> None:
        """Drop the tables held in memory (the store is not read again)."""
        if self._held:
            self._budget.release(self._held_bytes)
            self._held, self._held_bytes = [], 0

    def _file(self) -> Any:
        import pyarrow.parquet as pq

        if self._pf is None:
            self._pf = pq.ParquetFile(str(self.path))
        return self._pf

    def _group(self, g: int, columns: list[str] | None = None) -> Any:
        if self._held is not None:
            table = self._held[g]
            return table if columns is None else table.select(columns)
        return self._file().read_row_group(g, columns=columns)

    @property
    def names(self) -> list[str]:
        """The column names."""
        return list(self._schema.names)

    def read(self, columns: list[str], dictionary: Iterable[str] = ()) -> Any:
        """All groups' ``columns`` as one pyarrow Table (``dictionary``: the columns to
        hold dictionary-encoded, for few distinct values)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        wanted = [c for c in dictionary if c in self._schema.names]
        if self._held is None:
            return pq.read_table(str(self.path), columns=columns, read_dictionary=wanted or None)
        table = pa.concat_tables(self._held).select(columns)
        encoded = pa.dictionary(pa.int32(), pa.string())  # as parquet reads string columns
        for name in wanted:
            i = table.schema.get_field_index(name)
            kind = table.schema.field(i).type if i >= 0 else None
            if kind is not None and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                column = pc.dictionary_encode(table.column(i)).cast(encoded)
                table = table.set_column(i, name, column)
        return table

    def iter_groups(self, columns: list[str]) -> Iterator[pd.DataFrame]:
        for g in range(self.n_groups):
            yield self._group(g, columns).to_pandas()

    def take(self, groups: np.ndarray, rows: np.ndarray, columns: list[str] | None = None):
        """Rows ``(groups[i], rows[i])`` in that order, as a pyarrow Table."""
        import pyarrow as pa

        pieces, positions = [], []
        for g in np.unique(groups):
            sel = np.nonzero(groups == g)[0]
            if columns is None and self._held is None:  # keep the last row group read
                if self._cached is None or self._cached[0] != g:
                    self._cached = (int(g), self._group(int(g)))
                table = self._cached[1]
            else:
                table = self._group(int(g), columns)
            pieces.append(table.take(pa.array(rows[sel])))
            positions.append(sel)
        table = pa.concat_tables(pieces)
        return table.take(pa.array(np.argsort(np.concatenate(positions), kind="stable")))


#: Prefix of the columns a streamed build of a table carries beside each document in its
#: temporary file (``source``, ``row``, ``extractor`` and the document variables).
_CARRIED = "\x00carried:"


def _with_duplicate_columns(docs: pd.DataFrame, found: Mapping) -> pd.DataFrame:
    """:func:`textkit.corpus.dedup.with_duplicate_columns` (imported when first used)."""
    from textkit.corpus.dedup import with_duplicate_columns as columns

    return columns(docs, found)


def build_corpus_to(
    raw_dir: str | os.PathLike | TextBatches = "corpus/raw",
    out_dir: str | os.PathLike = "corpus/processed",
    config: CorpusConfig | None = None,
    *,
    batch_pages: int = 50,
    max_fetch: int = 500,
    read: Mapping[str, Any] | None = None,
    batch_rows: int = 1000,
    memory_budget_mb: float = 512,
) -> list[Path]:
    """Build the corpus and write it, streaming the pages, table rows or files in batches (bounded memory).

    Writes the same files, byte for byte, as
    ``write_corpus(build_corpus(raw_dir, config), out_dir)`` (for a table or a folder of
    files: ``write_corpus(build_corpus(read_texts(path, **read), config), out_dir)``),
    whatever the batch sizes and ``memory_budget_mb``, but processes one batch of pages,
    rows or files at a time. Each batch is split (raw pages and files; a table row is one
    document), cleaned and
    annotated (the code :func:`build_corpus` runs on all of them at once) and stored: held
    in memory as a pyarrow table while the stored batches fit within ``memory_budget_mb``,
    else written to a temporary parquet file beside the outputs (the first batch of
    documents, or of pages, that does not fit moves the batches held so far of that table
    to the file and releases them; the later ones follow). Duplicate detection
    (:class:`textkit.corpus.dedup.DuplicateFinder`) and the boilerplate table
    (:class:`textkit.corpus.boilerplate.ParagraphCounter`) read the texts they need back
    from the store, and a last pass writes the documents in ``doc_id`` order. Memory is
    bounded by the budget, one batch and a small state per document (see Notes), not by
    the size of the corpus.

    Parameters
    ----------
    raw_dir : path-like or TextBatches
        Directory of raw pages (default ``corpus/raw``); or a table file (``.csv``,
        ``.tsv``, ``.xlsx``, ``.xls``, ``.jsonl``, ``.parquet``: one row, one document),
        read with :func:`textkit.corpus.read_stream.iter_texts` and the options ``read``; or
        what ``iter_texts`` returned; or, with ``read`` given (``{}`` for the defaults), a
        researcher's folder of files (Word, PDF, HTML, text; searched recursively), read
        as :func:`textkit.corpus.read.read_texts` reads a folder
        (:class:`textkit.corpus.read_folder_stream.FileBatches`): every file is read and
        extracted once, in the order of the read report, and its entries stored (in
        memory within ``memory_budget_mb``, else in a temporary parquet file) before the
        first batch is built, so that the types of the document variables and the
        ``metadata`` accounting are decided over the whole folder, as ``read_texts``
        decides them.
    out_dir : path-like
        Output directory (created if needed; default ``corpus/processed``).
    config : CorpusConfig, optional
    batch_pages : int, default 50
        Raw files per batch; for a folder of files, its entries per batch. Does not change
        the output.
    max_fetch : int, default 500
        At most this many article texts are read back at once to confirm near duplicates.
    read : mapping, optional
        For a table file: the options of ``iter_texts`` (``text``, ``meta``, ``id``,
        ``title``, ``encoding``, ``sheet``, ``dates``). For a folder: the options of
        ``read_texts`` for a folder (``docvars_from``, ``include``, ``exclude``,
        ``encoding``, ``dates``, ``metadata``, ``metadata_key``); a folder given without
        ``read`` is a folder of raw pages.
    batch_rows : int, default 1000
        For a table file: rows per batch. Does not change the output.
    memory_budget_mb : float, default 512
        MiB of processed batches (documents with their texts, pages table without) held
        in memory as pyarrow tables (``pyarrow.Table.nbytes``); beyond it they are written
        to a temporary parquet file and read back from it, which takes a little longer (a
        few per cent of the build time; a 10 MB corpus holds about 20 MiB, a table of
        100,000 short texts about 125 MiB). ``0`` writes every batch to the file (the
        least memory). Does not change the output.

    Returns
    -------
    list of pathlib.Path
        As :func:`write_corpus`.

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` does not exist.
    ValueError
        For an invalid ``batch_pages``, ``max_fetch``, ``batch_rows`` or
        ``memory_budget_mb``, ``read`` options of a table for a folder, as ``read_texts``
        for the options of a folder (before any file is read),
        an ``out_dir`` that is, is inside or holds the input, repeated
        doc_ids, or the output of
        :func:`textkit.corpus.read.read_texts` (already in memory: use
        ``write_corpus(build_corpus(texts), out_dir)``, or pass the table's path).
    CorpusError
        If the accounting identities do not hold, or as ``iter_texts`` for a table; as
        ``read_texts`` for a folder (a metadata table that cannot be read, no file read);
        if no article was found, as :func:`write_corpus` (nothing is written).

    Notes
    -----
    Memory holds one batch, the stored batches up to ``memory_budget_mb`` and what grows
    with the number of documents ``n`` and of input pages or table rows. The rest is
    spilled to temporary files beside the outputs, written batch by batch: the MinHash
    band values of each document (``4 * 117`` bytes a document at the default
    ``num_perm``) always, and the documents and the pages table without its text once
    their batches outgrow the budget (with ``memory_budget_mb=0``, from the first batch).
    While the batches are processed, about 160 bytes a document are held
    (:class:`textkit.corpus.dedup.DuplicateFinder`: its doc_id, text hash and length). Once
    they are, the duplicate groups are formed one LSH band at a time (about 60 bytes a
    document while a band is compared, the finder then released) and the per-row state is
    read back as pyarrow tables: the pages table (about 125 bytes a row of a table, the
    columns with few values dictionary-encoded), the status columns of the documents
    (doc_id, status, damage ratio, relevance, language, cleaning log; about 45 bytes, and
    40 for the same in doc_id order), plus the documents of duplicate groups and a hash per
    paragraph and a holder per document of the boilerplate pass (about 150 bytes). The
    report's lists with an entry per row or document (pages, cleaning log, flagged) are
    written one entry at a time (:func:`textkit.core.io.write_json_streamed`). Measured
    with ``benchmarks/bench_table_build.py`` (texts of about 130 characters, batches of
    1000 rows) and every batch on disk (``memory_budget_mb=0``), the peak RSS grows by
    about 2 KB a row between 20,000 rows (310 MB) and 100,000 rows (468 MB, against 758 MB
    for the in-memory build): the state above plus what the allocators keep of the
    transient per-chunk work. Within the budget the stored batches add their own size (at
    100,000 rows, 125 MiB of tables held and a peak RSS about 90 MB higher than with
    ``memory_budget_mb=0``). With the budget spent, texts are never all held at once;
    the first pass of :func:`textkit.corpus.read_stream.iter_texts` over a table with an id
    column holds the ids seen while it checks them. A folder of files adds a third store,
    its extracted entries (texts, report rows), held within the same budget and released
    once built, and holds the relative path and id of every entry of the folder and its
    ``metadata`` table (with the status of the files the table names).

    Each output is written to a temporary file and moved into place once complete, and the
    outputs are written only after the whole corpus was processed: a build that fails
    before leaves ``out_dir`` as it was (its temporary ``.build-*`` directory is removed).
    As with :func:`write_corpus`, the report is written last, so that
    :func:`load_corpus` refuses tables left by a build interrupted while writing them.
    """
    if isinstance(raw_dir, ReadResult):
        raise InvalidParameterError(
            "raw_dir: the output of read_texts is already in memory; build it with "
            "write_corpus(build_corpus(texts), out_dir), or stream the table by passing its "
            "path or textkit.iter_texts(path, ...)"
        )
    if not isinstance(raw_dir, (str, os.PathLike, TextBatches)):
        what = "a pandas DataFrame" if isinstance(raw_dir, pd.DataFrame) else type(raw_dir).__name__
        raise InvalidParameterError(
            "raw_dir: build_corpus_to takes a folder of raw pages, a table file (.csv, .tsv, "
            f".xlsx, .xls, .jsonl, .parquet) or what textkit.iter_texts returned, got {what}. "
            "For a table of texts in memory, save it (df.to_csv('texts.csv', index=False)) and "
            "pass its path, with read={'text': <text column>}"
        )
    check_int("batch_pages", batch_pages, 1)
    check_int("max_fetch", max_fetch, 1)
    check_int("batch_rows", batch_rows, 1)
    budget = int(check_number("memory_budget_mb", memory_budget_mb, 0) * _MB)
    config = config or CorpusConfig()
    if not isinstance(raw_dir, TextBatches) and Path(raw_dir).is_file():
        raw_dir = iter_texts(raw_dir, **dict(read or {}), batch_size=batch_rows)
    elif read is not None and not isinstance(raw_dir, TextBatches) and Path(raw_dir).is_dir():
        raw_dir = FileBatches.open(raw_dir, dict(read), batch_size=batch_pages)
    elif read is not None and not isinstance(raw_dir, TextBatches):
        raise FileNotFoundError(f"no such file or folder: {raw_dir}")
    source = Path(raw_dir.path if isinstance(raw_dir, (TextBatches, FileBatches)) else raw_dir)
    if source.exists():  # before anything is written
        check_output_outside_input(source, out_dir)
    if isinstance(raw_dir, (TextBatches, FileBatches)):
        return _own_corpus_to(raw_dir, Path(out_dir), config, max_fetch, budget)
    raw_dir, out = Path(raw_dir), Path(out_dir)
    rows = iter_pages(raw_dir, config.ingest)  # raises before anything is written
    flag = config.off_topic_flagged(own_corpus=False)

    def batches(work: Path, budget: _Budget) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        for batch in _batched(progress(rows, desc="corpus build (streamed)"), batch_pages):
            yield process_pages(pages_frame(batch), config)

    def finish(part: pd.DataFrame, found: Mapping) -> pd.DataFrame:
        return finish_documents(_with_duplicate_columns(part, found), flag)

    def empty() -> tuple[pd.DataFrame, pd.DataFrame]:
        return process_pages(pages_frame([]), config)

    def report(pages: Any, docs: Any, grouped: pd.DataFrame, boilerplate: pd.DataFrame) -> dict:
        rep = accounting.streamed_report(pages, docs, grouped, boilerplate, raw_dir)
        logger.info("corpus built (streamed): %s", rep["articles"]["identity"])
        return rep

    return _stream(out, config, batches, flag, finish, empty, report, max_fetch, budget)


def _own_corpus_to(
    texts: TextBatches | FileBatches, out: Path, config: CorpusConfig, max_fetch: int, budget: int
) -> list[Path]:
    """The streamed build of a researcher's table or folder of files: each batch as
    ``build_corpus`` builds a ``read_texts`` result, the document variables carried beside
    each document."""
    flag = config.off_topic_flagged(own_corpus=True)
    carried = ["source", "row", "extractor", *texts.docvars]
    clash = {c: f"{c}_detected" for c in ANNOTATED_COLUMNS if c in texts.docvars}
    batches = _table_batches if isinstance(texts, TextBatches) else _folder_batches

    def with_carried(work: Path, budget: _Budget) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        for batch, (docs, pages) in batches(texts, config, work, budget):
            extra = batch.documents.loc[:, ["doc_id", *carried]]
            extra.columns = ["page_id", *(_CARRIED + c for c in carried)]
            yield docs.merge(extra, on="page_id", how="left", validate="m:1"), pages

    def finish(part: pd.DataFrame, found: Mapping) -> pd.DataFrame:
        names = [_CARRIED + c for c in carried]
        extra = part.loc[:, names].set_axis(carried, axis=1)
        docs = finish_documents(_with_duplicate_columns(part.drop(columns=names), found), flag)
        docs = docs.rename(columns={c: n for c, n in clash.items() if c in docs.columns})
        return pd.concat([docs, extra], axis=1)

    def report(pages: Any, docs: Any, grouped: pd.DataFrame, boilerplate: pd.DataFrame) -> dict:
        rep = accounting.streamed_report(pages, docs, grouped, boilerplate, Path(texts.path))
        statuses = pd.DataFrame({"status": pd.Categorical(docs.column("status").to_numpy())})
        if isinstance(texts, TextBatches):
            counts = (texts.n_rows, texts.n_read, texts.n_rejected)
            rep["texts"] = _identity_from_counts("table", *counts, statuses)
        else:
            counts = (texts.n_entries, texts.n_read, texts.n_rejected)
            rep["texts"] = _identity_from_counts("folder", *counts, statuses, texts.n_skipped)
            if texts.metadata:
                rep["metadata"] = texts.metadata
        accounting._note_own_dates(rep, texts.options.get("dates"))
        logger.info("corpus built from %s (streamed): %s", texts.path, rep["texts"]["identity"])
        return rep

    def empty() -> tuple[pd.DataFrame, pd.DataFrame]:  # pragma: no cover - never empty
        raise InvalidParameterError(f"{texts.path}: nothing read")

    return _stream(out, config, with_carried, flag, finish, empty, report, max_fetch, budget)


def _table_batches(
    texts: TextBatches, config: CorpusConfig, work: Path, budget: _Budget
) -> Iterator[tuple[ReadResult, tuple[pd.DataFrame, pd.DataFrame]]]:
    """Each batch of rows of a table, and its documents and pages (one row, one document)."""
    n_batches = -(-texts.n_rows // texts.batch_size)
    for batch in progress(texts, total=n_batches, desc="corpus build (streamed table)"):
        yield batch, _table_documents(batch, _texts_pages(batch), config)


def _folder_batches(
    files: FileBatches, config: CorpusConfig, work: Path, budget: _Budget
) -> Iterator[tuple[ReadResult, tuple[pd.DataFrame, pd.DataFrame]]]:
    """Each batch of files of a folder, and its documents and pages (split into articles
    as ``build_corpus`` splits a folder's files).

    Every file is read once (:meth:`FileBatches.extract`) and the entries stored in a
    :class:`_BatchTables` (``files.parquet`` once beyond ``budget``) before the first batch
    is built: the types of the document variables and the metadata accounting are decided
    over the whole folder, as ``read_texts`` decides them.
    """
    store = _BatchTables(work / "files.parquet", budget)
    try:
        for frame in progress(files.extract(), desc="corpus build (streamed folder): reading"):
            store.append(frame)
    finally:
        store.close()
    own = dataclasses.replace(config, split=_own_split(config))
    published = "published" not in files.docvars  # the researcher's own date wins
    stored = files.batches(store.iter_groups(store.names))
    for batch in progress(stored, total=store.n_groups, desc="corpus build (streamed folder)"):
        yield batch, process_pages(_texts_pages(batch), own, published=published)
    store.release()


#: Columns kept per document until the end of a streamed build (no text): what its
#: status and the report need.
_LIGHT = [
    "doc_id",
    "n_chars",
    "status",
    "damage_ratio",
    "is_relevant",
    "clean_log",
    _documents.OTHER_LANGUAGE,
    _documents.NO_TEXT,
]

#: Columns of the pages table with few distinct values (held dictionary-encoded).
_FEW_VALUES = [
    "sha256",
    "encoding",
    "status",
    "reject_kind",
    "repairs",
    "split_note",
    "site",
    "page_title",
    "url",
    "page_date",
]

#: Documents turned into pandas rows at a time when their statuses are decided.
_STATUS_CHUNK = 8192


def _arrow(frame: pd.DataFrame) -> Any:
    """A batch's table as pyarrow (compact: no Python object per cell)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


class _Statuses:
    """Status and flag reason of the documents of a streamed build (pyarrow), in
    the order they were added, decided a chunk at a time (:func:`document_status`)."""

    def __init__(self, light: Any, found: Mapping, flag: bool) -> None:
        import pyarrow as pa

        statuses: list[Any] = []
        reasons: list[Any] = []
        for start in range(0, light.num_rows, _STATUS_CHUNK):
            part = _with_duplicate_columns(light.slice(start, _STATUS_CHUNK).to_pandas(), found)
            status, reason = document_status(part, flag)
            statuses.append(pa.array(status, pa.string()))
            reasons.append(pa.array(reason, pa.string()))
        self.status = pa.chunked_array(statuses, pa.string())
        self.flag_reason = pa.chunked_array(reasons, pa.string())


def _resolve(
    finder: Any,
    documents: _BatchTables,
    located: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    max_fetch: int,
) -> dict:
    """The duplicate groups, the texts of candidate pairs read back from ``documents``."""

    def fetch(ids: list[str]) -> dict[str, str]:
        groups, rows = located(np.array([finder.index_of(i) for i in ids], dtype=np.int64))
        table = documents.take(groups, rows, columns=["text"])
        return dict(zip(ids, table.column("text").to_pylist(), strict=True))

    return finder.resolve(fetch, max_fetch=max_fetch)


def _remove_made(out: Path, made: Path) -> None:
    """Remove the empty folder ``out`` and its parents up to ``made``, the first of them
    the build created."""
    folder = out
    while True:
        folder.rmdir()
        if folder == made or folder.parent == folder:
            return
        folder = folder.parent


def _note_kept_later(report: dict, parquet: Path, config: CorpusConfig) -> None:
    """The report's note on duplicate groups kept at a later date, read from the columns
    of the documents written (as the build in memory reads them from its documents)."""
    import pyarrow.parquet as pq

    if config.dedup.keep_earliest_by:
        return
    names = set(pq.read_schema(parquet).names)
    wanted = ["doc_id", "dup_group", "is_duplicate", "year", "published"]
    frame = pd.read_parquet(parquet, columns=[c for c in wanted if c in names])
    accounting._note_kept_later(report, frame, config.dedup.keep_earliest_by)


def _stream(
    out: Path,
    config: CorpusConfig,
    batches: Callable[[Path, _Budget], Iterator[tuple[pd.DataFrame, pd.DataFrame]]],
    flag: bool,
    finish: Callable[[pd.DataFrame, Mapping], pd.DataFrame],
    empty: Callable[[], tuple[pd.DataFrame, pd.DataFrame]],
    make_report: Callable[[Any, Any, pd.DataFrame, pd.DataFrame], dict],
    max_fetch: int,
    memory_budget: int,
) -> list[Path]:
    """The streamed build of batches of ``(documents, pages)`` (``batches(work, budget)``:
    the temporary folder and the memory budget of the build, for stores of its own):
    duplicates, statuses, boilerplate, report and outputs; ``finish`` turns a chunk of the stored documents
    (in doc_id order) into the documents written.

    The batches are stored in :class:`_BatchTables` sharing ``memory_budget`` bytes. Per
    document it keeps the :class:`DuplicateFinder` entry and a row of a pyarrow table
    (:data:`_LIGHT`); per input page or row, a row of the pages table as pyarrow (no text).
    """
    import pyarrow as pa

    from textkit.corpus.boilerplate import ParagraphCounter, paragraph_holders, paragraph_table
    from textkit.corpus.dedup import DuplicateFinder, earliest_ranks

    # the work folder sits in ``out`` (same disk as the outputs); a folder made here is
    # removed again when the build writes nothing (a refused build leaves no trace)
    made = next((p for p in (*reversed(out.parents), out) if not p.exists()), None)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        budget = _Budget(memory_budget)
        doc_store = _BatchTables(work / "documents.parquet", budget)
        page_store = _BatchTables(work / "pages.parquet", budget)
        (work / "bands").mkdir()
        finder = DuplicateFinder(config.dedup, spill=work / "bands")
        # keep_earliest_by may name a researcher's variable, carried beside the text
        carried = _CARRIED + config.dedup.keep_earliest_by
        starts: list[int] = []  # the first document of each group of doc_store
        template: pd.DataFrame | None = None
        try:
            for docs, pages in batches(work, budget):
                page_store.append(pages.drop(columns=["text"]).reset_index(drop=True))
                if template is None:
                    template = docs.iloc[:0]
                if not len(docs):
                    continue
                ranks = earliest_ranks(docs, config.dedup, carried if carried in docs else None)
                for doc_id, text, rank in zip(docs["doc_id"], docs["text"], ranks, strict=True):
                    finder.add_text(doc_id, text, rank)
                starts.append(len(finder) - len(docs))
                doc_store.append(docs.reset_index(drop=True))
                del docs, pages
            if template is None:  # no raw files at all
                template, pages = empty()
                page_store.append(pages.drop(columns=["text"]))
        finally:
            doc_store.close()
            page_store.close()
        first = np.array(starts, dtype=np.int64)

        def located(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Group and row in doc_store of documents by order added."""
            groups = np.searchsorted(first, positions, side="right") - 1
            return groups, positions - first[groups]

        found = _resolve(finder, doc_store, located, max_fetch)
        del finder
        # raw pages' documents also carry where their publication date was found (the report)
        kept = [c for c in (*_LIGHT, "published_from") if c in template.columns]
        light = doc_store.read(kept) if starts else _arrow(template.loc[:, kept])
        decided = _Statuses(light, found, flag)
        ids = light.column("doc_id").to_pandas()
        order = natural_order(ids)
        del ids
        docs_table = pa.table(
            {
                "doc_id": light.column("doc_id"),
                "status": decided.status,
                "flag_reason": decided.flag_reason,
                "clean_log": light.column("clean_log"),
                "n_chars": light.column("n_chars"),
                **{c: light.column(c) for c in kept[len(_LIGHT) :]},
            }
        ).take(order)
        del light, decided
        grouped = pd.DataFrame(
            {
                "doc_id": list(found),
                "dup_group": [v[0] for v in found.values()],
                "is_duplicate": [v[1] is not None for v in found.values()],
            },
            columns=["doc_id", "dup_group", "is_duplicate"],
        )

        def records(part: pd.DataFrame) -> Iterator[tuple[str, str, str | None]]:
            for d, t in zip(part["doc_id"], part["text"], strict=True):
                yield d, t, found.get(d, (None,))[0]

        # boilerplate in two passes: paragraph hashes per holder, then the texts of the
        # paragraphs held twice or more (the in-memory build's paragraph_holders)
        counter = ParagraphCounter(config.dedup)
        for part in doc_store.iter_groups(["doc_id", "text"]):
            counter.add(records(part))
        keep = counter.repeated()
        del counter
        holders = paragraph_holders(
            (r for part in doc_store.iter_groups(["doc_id", "text"]) for r in records(part)),
            config.dedup,
            keep=keep,
        )
        boilerplate = paragraph_table(holders).reset_index(drop=True)

        def chunks() -> Iterator[pd.DataFrame]:
            if not len(order):
                yield finish(template, found)
                return
            size = _documents.DOCUMENTS_ROW_GROUP
            for i in range(0, len(order), size):
                groups, rows = located(order[i : i + size])
                yield finish(doc_store.take(groups, rows).to_pandas(), found)

        pages = page_store.read(page_store.names, _FEW_VALUES)
        page_store.release()  # the plain columns the dictionary-encoded ones replace
        report = make_report(pages, docs_table, grouped, boilerplate)
        check_articles_found(  # before anything is written
            report, lambda: pages.select(["source_file", "status", "split_note"]).to_pandas(), out
        )
        parquet = write_documents_parquet(out / "documents.parquet", chunks())
        _note_kept_later(report, parquet, config)
        tables = [parquet, write_documents_csv_from(parquet, out / "documents.csv")]
        return write_rest(out, tables, pages, boilerplate, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if made is not None and not any(out.iterdir()):
            _remove_made(out, made)
