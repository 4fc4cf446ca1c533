"""Build the article corpus from the raw pages and account for every input.

:func:`build_corpus` runs the corpus stages in order::

    read_pages -> split_pages -> clean_documents -> find_duplicates -> annotate

and returns a :class:`CorpusBuild`: the **documents** table (one row per article found,
flagged and quarantined articles included; columns in ``docs/architecture.md``), the
**pages** table (one row per input file, rejected files included, with the number of
articles found), the **boilerplate** table (paragraphs repeated across documents) and a
**report** that accounts for every file and every article.

Article status:

* ``quarantined`` — the cleaning stage found too much mojibake (damage ratio above
  ``CleanConfig.quarantine_ratio``);
* ``flagged`` — a duplicate that is not its group's canonical member, or an article
  annotated as not relevant (off-topic); ``flag_reason`` says which;
* ``kept`` — everything else.

The identities *files = read + rejected* (rejected counted by reason in
``report["rejected_by_reason"]``), *articles found = kept + flagged + quarantined* and
*articles found = sum of the articles per file* are checked in code; a violation raises
:class:`CorpusError`. Articles a page marks but that hold no text after cleaning are
counted per file (``n_dropped``) and in ``report["articles"]["dropped_boilerplate"]``. :func:`write_corpus` writes
the tables and the report through :mod:`textkit.core.io`; the output is byte-identical across
runs (no timestamps, no absolute paths, sorted keys and rows).

:func:`build_corpus_to` builds and writes in one go, streaming the raw files in batches so
that memory holds one batch and a small state per article instead of the corpus; it writes
the same bytes as ``write_corpus(build_corpus(...))`` (documents.parquet has row groups of
:data:`DOCUMENTS_ROW_GROUP` rows in both). Both builds run the same per-page code
(split, clean, annotate) and the same duplicate detection (:class:`textkit.corpus.dedup.DuplicateFinder`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textkit.core import io as _io
from textkit.core.errors import CorpusError
from textkit.core.progress import progress
from textkit.corpus.annotation import AnnotateConfig
from textkit.corpus.clean import CleanConfig, clean_documents
from textkit.corpus.dedup import DedupConfig
from textkit.corpus.ingest import IngestConfig, iter_pages, pages_frame, read_pages
from textkit.corpus.split import SplitConfig, split_pages

logger = logging.getLogger(__name__)

__all__ = [
    "CorpusConfig",
    "CorpusBuild",
    "CorpusError",
    "build_corpus",
    "build_corpus_to",
    "write_corpus",
    "load_corpus",
    "corpus_config",
    "DOCUMENT_COLUMNS",
]

#: Column order of the documents table (docs/architecture.md), then extra columns.
DOCUMENT_COLUMNS = (
    "doc_id",
    "page_id",
    "source_file",
    "ordinal",
    "title",
    "text_raw",
    "text",
    "n_chars",
    "encoding",
    "clean_log",
    "damage_ratio",
    "status",
    "flag_reason",
    "is_duplicate",
    "dup_group",
    "dup_of",
    "similarity",
    "genre",
    "year",
    "era",
    "keywords",
    "relevance",
    "is_relevant",
)

_STATUSES = ("kept", "flagged", "quarantined")

#: Rows per row group of documents.parquet. Fixed (not the build's batch size), so that a
#: streamed build (:func:`build_corpus_to`) and :func:`write_corpus` write the same bytes.
DOCUMENTS_ROW_GROUP = 256

_STR, _INT, _FLOAT, _BOOL = "str", "int64", "float64", "bool"
#: dtypes of the documents table's columns, enforced on every chunk written: a chunk's
#: dtypes must not depend on which documents it happens to hold (an all-missing column).
_DOC_DTYPES = {
    **dict.fromkeys(
        (
            "doc_id",
            "page_id",
            "source_file",
            "title",
            "text_raw",
            "text",
            "encoding",
            "clean_log",
            "status",
            "flag_reason",
            "dup_group",
            "dup_of",
            "genre",
            "era",
            "keywords",
            "era_cues",
            "years",
        ),
        _STR,
    ),
    **dict.fromkeys(("ordinal", "n_chars"), _INT),
    **dict.fromkeys(("damage_ratio", "similarity", "relevance"), _FLOAT),
    **dict.fromkeys(("is_duplicate", "is_relevant"), _BOOL),
    "year": "Int64",
}




@dataclass(frozen=True)
class CorpusConfig:
    """Configs of the corpus stages, grouped.

    Parameters
    ----------
    ingest : IngestConfig
    split : SplitConfig
        Its ``clean`` member is replaced by :attr:`clean` at build time, so one cleaning
        configuration is used throughout.
    clean : CleanConfig
    dedup : DedupConfig
    annotate : AnnotateConfig
    flag_off_topic : bool
        Flag articles annotated ``is_relevant == False`` (default True).
    """

    ingest: IngestConfig = field(default_factory=IngestConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    annotate: AnnotateConfig = field(default_factory=AnnotateConfig)
    flag_off_topic: bool = True

    def __post_init__(self) -> None:
        for name, cls in (("ingest", IngestConfig), ("split", SplitConfig), ("clean", CleanConfig)):
            if not isinstance(getattr(self, name), cls):
                raise ValueError(
                    f"{name} must be a {cls.__name__}, got {type(getattr(self, name)).__name__}"
                )
        if not isinstance(self.flag_off_topic, bool):
            raise ValueError(f"flag_off_topic must be a bool, got {self.flag_off_topic!r}")

    @classmethod
    def from_project(cls, project: Any = None) -> CorpusConfig:
        """The corpus stages' configs, each from its table of ``textkit.toml``.

        Parameters
        ----------
        project : textkit.core.config.ProjectConfig or None
            ``None`` gives the defaults. Tables ``[ingest]``, ``[split]``, ``[clean]``,
            ``[dedup]`` and ``[annotate]`` are read (each through its config's
            ``from_project``); ``[corpus]`` holds paths only.

        Returns
        -------
        CorpusConfig
        """
        clean = CleanConfig.from_project(project)
        return cls(
            ingest=IngestConfig.from_project(project),
            split=SplitConfig.from_project(project, clean=clean),
            clean=clean,
            dedup=DedupConfig.from_project(project),
            annotate=AnnotateConfig.from_project(project),
        )


@dataclass(frozen=True)
class CorpusBuild:
    """Result of :func:`build_corpus`.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per article found (columns :data:`DOCUMENT_COLUMNS`), sorted by ``doc_id``.
    pages : pandas.DataFrame
        One row per input file (the ingest table plus ``n_articles``, ``n_dropped``,
        ``header_chars``, ``footer_chars`` and ``split_note``).
    boilerplate : pandas.DataFrame
        Paragraphs repeated across documents (``textkit.corpus.dedup.repeated_paragraphs``).
    report : dict
        The accounting (see :func:`build_corpus`); JSON-serialisable.
    """

    documents: pd.DataFrame
    pages: pd.DataFrame
    boilerplate: pd.DataFrame
    report: dict


def corpus_config(project=None) -> CorpusConfig:
    """The corpus stages' configs from a parsed ``textkit.toml``: :meth:`CorpusConfig.from_project`."""
    return CorpusConfig.from_project(project)


def _status(docs: pd.DataFrame, flag_off_topic: bool) -> tuple[list[str], list[str]]:
    statuses, reasons = [], []
    for rec in docs.to_dict("records"):
        if rec["status"] == "quarantined":
            statuses.append("quarantined")
            reasons.append(f"damage ratio {rec['damage_ratio']:.3f}")
            continue
        why = []
        if bool(rec.get("is_duplicate", False)):
            why.append(f"duplicate of {rec.get('dup_of')}")
        rel = rec.get("is_relevant", True)
        if flag_off_topic and rel is not None and not pd.isna(rel) and not bool(rel):
            why.append("off-topic")
        statuses.append("flagged" if why else "kept")
        reasons.append("; ".join(why))
    return statuses, reasons


def _group_table(docs: pd.DataFrame) -> list[dict]:
    if "dup_group" not in docs.columns:
        return []
    groups = []
    sub = docs[docs["dup_group"].notna()]
    for gid, g in sorted(sub.groupby(sub["dup_group"].astype(str)), key=lambda kv: kv[0]):
        if len(g) < 2:
            continue
        canon = g.loc[~g["is_duplicate"].astype(bool), "doc_id"].tolist()
        groups.append(
            {
                "dup_group": gid,
                "members": sorted(g["doc_id"].tolist()),
                "canonical": sorted(canon)[0] if canon else "",
            }
        )
    return groups


def _relative(path: Path) -> str:
    try:
        from textkit.core.paths import project_root

        return path.resolve().relative_to(project_root().resolve()).as_posix()
    except (ValueError, OSError, ImportError):
        return path.name


def _report(
    pages: pd.DataFrame, docs: pd.DataFrame, boilerplate: pd.DataFrame, raw_dir: Path
) -> dict:
    n_files = len(pages)
    read = int((pages["status"] == "ok").sum())
    rejected = int((pages["status"] == "rejected").sum())
    if read + rejected != n_files:
        raise CorpusError(f"files: {n_files} != {read} read + {rejected} rejected")
    by_kind: dict[str, int] = {}
    for rec in pages[pages["status"] == "rejected"].to_dict("records"):
        kind = str(rec.get("reject_kind") or "other")
        by_kind[kind] = by_kind.get(kind, 0) + 1
    if sum(by_kind.values()) != rejected:
        raise CorpusError(f"files: {rejected} rejected != sum of rejections by reason {by_kind}")
    counts = {s: int((docs["status"] == s).sum()) for s in _STATUSES}
    n_art = len(docs)
    if sum(counts.values()) != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {counts['kept']} kept + {counts['flagged']} flagged + "
            f"{counts['quarantined']} quarantined"
        )
    if int(pages["n_articles"].sum()) != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {int(pages['n_articles'].sum())} counted per file"
        )
    n_dropped = int(pages["n_dropped"].sum())
    reasons = docs.loc[docs["status"] == "flagged", "flag_reason"].astype(str)
    totals: dict[str, int] = {}
    per_doc: dict[str, dict[str, int]] = {}
    for doc_id, log in zip(docs["doc_id"], docs["clean_log"], strict=True):
        d = json.loads(log)
        per_doc[str(doc_id)] = d
        for k, v in d.items():
            totals[k] = totals.get(k, 0) + int(v)
    pages_rows = []
    for rec in pages.sort_values("source_file").to_dict("records"):
        pages_rows.append(
            {
                "file": rec["source_file"],
                "status": rec["status"],
                "reason": rec["reason"],
                "encoding": rec["encoding"],
                "repairs": rec["repairs"],
                "n_articles": int(rec["n_articles"]),
                "n_dropped": int(rec["n_dropped"]),
                "header_chars": int(rec["header_chars"]),
                "footer_chars": int(rec["footer_chars"]),
                "note": rec["split_note"],
            }
        )
    groups = _group_table(docs)
    return {
        "raw_dir": _relative(raw_dir),
        "files": {"total": n_files, "read": read, "rejected": rejected},
        "rejected_by_reason": dict(sorted(by_kind.items())),
        "rejected_files": [
            {"file": r["file"], "reason": r["reason"]}
            for r in pages_rows
            if r["status"] == "rejected"
        ],
        "pages": pages_rows,
        "articles": {
            "found": n_art,
            **counts,
            "flagged_duplicate": int(reasons.str.contains("duplicate of").sum()),
            "flagged_off_topic": int(reasons.str.contains("off-topic").sum()),
            "dropped_boilerplate": n_dropped,
            "identity": (
                f"{n_art} found = {counts['kept']} kept + {counts['flagged']} flagged + "
                f"{counts['quarantined']} quarantined"
            ),
        },
        "articles_per_file": {r["file"]: r["n_articles"] for r in pages_rows},
        "quarantined": [
            {"doc_id": r["doc_id"], "reason": r["flag_reason"]}
            for r in docs[docs["status"] == "quarantined"].to_dict("records")
        ],
        "flagged": [
            {"doc_id": r["doc_id"], "reason": r["flag_reason"]}
            for r in docs[docs["status"] == "flagged"].to_dict("records")
        ],
        "split": {
            "header_chars": sum(r["header_chars"] for r in pages_rows),
            "footer_chars": sum(r["footer_chars"] for r in pages_rows),
        },
        "cleaning": {"chars_by_rule": dict(sorted(totals.items())), "per_document": per_doc},
        "duplicates": {"n_groups": len(groups), "groups": groups},
        "boilerplate": {
            "n_paragraphs": int(len(boilerplate)),
            "paragraphs": _boilerplate_rows(boilerplate),
        },
    }


def _boilerplate_rows(bp: pd.DataFrame) -> list[dict]:
    rows = []
    for rec in bp.to_dict("records"):
        rows.append({k: _jsonable(v) for k, v in sorted(rec.items())})
    return rows


def _jsonable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "item"):
        return v.item()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return v


def build_corpus(
    raw_dir: str | os.PathLike = "corpus/raw",
    config: CorpusConfig | None = None,
    *,
    cache: bool | str | os.PathLike = False,
) -> CorpusBuild:
    """Read, split, clean, de-duplicate and annotate the raw pages.

    Parameters
    ----------
    raw_dir : path-like
        Directory of raw pages (default ``corpus/raw``).
    config : CorpusConfig, optional
    cache : bool or path-like, default False
        Reuse an earlier build of the same raw files (by content), settings and textkit code
        from the stage cache (``True``: the project's ``.cache/textkit/stages``; a path: that
        directory). Entries are verified by sha256 on read and rebuilt when damaged.

    Returns
    -------
    CorpusBuild

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` is not a directory.
    CorpusError
        If the accounting identities do not hold.
    """
    config = config or CorpusConfig()
    if cache is False:
        return _build(Path(raw_dir), config)
    from textkit.core.cache import StageCache
    from textkit.core.config import corpus_hash

    store = StageCache(None if cache is True else cache)
    key = {"input": corpus_hash(raw_dir), "raw_dir": str(raw_dir), "config": config}

    def compute() -> dict[str, Any]:
        built = _build(Path(raw_dir), config)  # once: every field comes from this one build
        return {f.name: getattr(built, f.name) for f in dataclasses.fields(CorpusBuild)}

    parts = store.get_or_compute_tables("corpus", key, compute)
    return CorpusBuild(**parts)


def _coerce(docs: pd.DataFrame) -> pd.DataFrame:
    """Give the known columns of a documents table their fixed dtypes (in place)."""
    for col, dtype in _DOC_DTYPES.items():
        if col in docs.columns and str(docs[col].dtype) != dtype:
            docs[col] = docs[col].astype(dtype)
    return docs


def _process_pages(pages: pd.DataFrame, config: CorpusConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-page stages, on any slice of the pages table: split, clean, annotate.

    Returns the documents found (without the duplicate and status columns, which need the
    whole corpus) and the pages with their split accounting. Both builds call this: the
    in-memory one on all pages at once, the streamed one batch by batch.
    """
    from textkit.corpus.annotation import annotate
    from textkit.corpus.clean import cleaning_memo

    split_cfg = dataclasses.replace(config.split, clean=config.clean)
    with cleaning_memo():  # the split's cleaning of each article is reused, not redone
        raw_docs, split_log = split_pages(pages, split_cfg, return_log=True)
        docs = clean_documents(raw_docs, config.clean)
    enc = dict(zip(pages["source_file"], pages["encoding"], strict=True))
    docs["encoding"] = docs["source_file"].map(enc).fillna("")
    docs = annotate(docs, config.annotate)
    return _coerce(docs), _account_pages(pages, split_log)


def _account_pages(pages: pd.DataFrame, split_log: pd.DataFrame) -> pd.DataFrame:
    """The pages with the split log's counts: the log has one row per page read, in file
    name order (matched by position, so that two files with the same stem stay apart)."""
    pages = pages.copy()
    ok = (pages["status"] == "ok").to_numpy()
    order = np.argsort(pages["source_file"].to_numpy(dtype=object), kind="stable")
    read = [i for i in order if ok[i]]
    if [str(pages["page_id"].iloc[i]) for i in read] != [str(p) for p in split_log["page_id"]]:
        raise CorpusError("the split log does not list the pages read, in file order")
    at = dict(zip(read, range(len(read)), strict=True))

    def counts(col: str) -> list[int]:
        values = split_log[col].tolist()
        return [int(values[at[i]]) if i in at else 0 for i in range(len(pages))]

    pages["n_articles"] = counts("n_articles")
    notes = split_log["note"].tolist()
    pages["split_note"] = [
        str(notes[at[i]]) if i in at else "rejected: " + str(pages["reason"].iloc[i])
        for i in range(len(pages))
    ]
    for col in ("n_dropped", "header_chars", "footer_chars"):
        pages[col] = counts(col)
    return pages


def _finish_documents(docs: pd.DataFrame, flag_off_topic: bool) -> pd.DataFrame:
    """Status and flag reason, column order and dtypes of documents carrying the duplicate
    columns (all of them, or a chunk: every step is per document)."""
    statuses, reasons = _status(docs, flag_off_topic)
    docs["status"] = statuses
    docs["flag_reason"] = reasons
    extra = [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    cols = [c for c in DOCUMENT_COLUMNS if c in docs.columns] + sorted(extra)
    return _coerce(docs.loc[:, cols])


def _build(raw_dir: Path, config: CorpusConfig) -> CorpusBuild:
    from textkit.corpus.dedup import find_duplicates, repeated_paragraphs

    docs, pages = _process_pages(read_pages(raw_dir, config.ingest), config)
    docs = find_duplicates(docs, config.dedup)
    docs = _finish_documents(docs, config.flag_off_topic)
    docs = docs.sort_values("doc_id", kind="mergesort").reset_index(drop=True)
    boilerplate = repeated_paragraphs(docs, config.dedup).reset_index(drop=True)
    report = _report(pages, docs, boilerplate, raw_dir)
    logger.info("corpus built: %s", report["articles"]["identity"])
    return CorpusBuild(documents=docs, pages=pages, boilerplate=boilerplate, report=report)


def _batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _TempDocuments:
    """The documents of a streamed build on disk: one parquet row group per batch, read
    back by (row group, row) so that only one row group is held at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: Any = None
        self._pf: Any = None
        self._cached: tuple[int, Any] | None = None
        self.n_groups = 0

    def append(self, docs: pd.DataFrame) -> int:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None:
            table = pa.Table.from_pandas(docs, preserve_index=False)
            self._writer = pq.ParquetWriter(str(self.path), table.schema)
        else:
            table = pa.Table.from_pandas(docs, schema=self._writer.schema, preserve_index=False)
        self._writer.write_table(table)
        self.n_groups += 1
        return self.n_groups - 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _file(self) -> Any:
        import pyarrow.parquet as pq

        if self._pf is None:
            self._pf = pq.ParquetFile(str(self.path))
        return self._pf

    def iter_groups(self, columns: list[str]) -> Iterator[pd.DataFrame]:
        for g in range(self.n_groups):
            yield self._file().read_row_group(g, columns=columns).to_pandas()

    def take(self, groups: np.ndarray, rows: np.ndarray, columns: list[str] | None = None):
        """Rows ``(groups[i], rows[i])`` in that order, as a pyarrow Table."""
        import pyarrow as pa

        pieces, positions = [], []
        for g in np.unique(groups):
            sel = np.nonzero(groups == g)[0]
            if columns is None:  # whole rows: keep the last row group for the next call
                if self._cached is None or self._cached[0] != g:
                    self._cached = (int(g), self._file().read_row_group(int(g)))
                table = self._cached[1]
            else:
                table = self._file().read_row_group(int(g), columns=columns)
            pieces.append(table.take(pa.array(rows[sel])))
            positions.append(sel)
        table = pa.concat_tables(pieces)
        return table.take(pa.array(np.argsort(np.concatenate(positions), kind="stable")))


def build_corpus_to(
    raw_dir: str | os.PathLike = "corpus/raw",
    out_dir: str | os.PathLike = "corpus/processed",
    config: CorpusConfig | None = None,
    *,
    batch_pages: int = 50,
    max_fetch: int = 500,
) -> list[Path]:
    """Build the corpus and write it, streaming the pages in batches (bounded memory).

    Writes the same files, byte for byte, as
    ``write_corpus(build_corpus(raw_dir, config), out_dir)``, but holds only one batch of
    pages and their articles in memory at a time, plus a small state per document (its
    duplicate hash and MinHash LSH entry, status and cleaning log, which the report lists).
    Each batch is split, cleaned and annotated (the code :func:`build_corpus` runs on all
    pages at once) and written to a temporary parquet file beside the outputs; duplicate
    detection (:class:`textkit.corpus.dedup.DuplicateFinder`) and the boilerplate table
    (:class:`textkit.corpus.dedup.ParagraphCounter`) read the texts they need back from it, and a
    last pass writes the documents in ``doc_id`` order.

    Parameters
    ----------
    raw_dir : path-like
        Directory of raw pages (default ``corpus/raw``).
    out_dir : path-like
        Output directory (created if needed; default ``corpus/processed``).
    config : CorpusConfig, optional
    batch_pages : int, default 50
        Raw files per batch. Does not change the output.
    max_fetch : int, default 500
        At most this many article texts are read back at once to confirm near duplicates.

    Returns
    -------
    list of pathlib.Path
        As :func:`write_corpus`.

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` is not a directory.
    ValueError
        For an invalid ``batch_pages`` or ``max_fetch``, or repeated doc_ids.
    CorpusError
        If the accounting identities do not hold.

    Notes
    -----
    Each output is written to a temporary file and moved into place once complete, and the
    outputs are written only after the whole corpus was processed: a build that fails
    before leaves ``out_dir`` as it was (its temporary ``.build-*`` directory is removed).
    As with :func:`write_corpus`, the report is written last, so that
    :func:`load_corpus` refuses tables left by a build interrupted while writing them.
    """
    from textkit.corpus.dedup import (
        DuplicateFinder,
        ParagraphCounter,
        paragraph_holders,
        paragraph_table,
        with_duplicate_columns,
    )

    for name, value in (("batch_pages", batch_pages), ("max_fetch", max_fetch)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    config = config or CorpusConfig()
    raw_dir, out = Path(raw_dir), Path(out_dir)
    rows = iter_pages(raw_dir, config.ingest)  # raises before anything is written
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        temp = _TempDocuments(work / "documents.parquet")
        finder = DuplicateFinder(config.dedup)
        page_parts: list[pd.DataFrame] = []
        light_parts: list[pd.DataFrame] = []
        template: pd.DataFrame | None = None
        light_cols = ["doc_id", "status", "damage_ratio", "is_relevant", "clean_log"]
        try:
            batches = _batched(progress(rows, desc="corpus build (streamed)"), batch_pages)
            for batch in batches:
                docs, pages = _process_pages(pages_frame(batch), config)
                page_parts.append(pages.drop(columns=["text"]))
                if template is None:
                    template = docs.iloc[:0]
                if not len(docs):
                    continue
                for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
                    finder.add_text(doc_id, text)
                group = temp.append(docs.reset_index(drop=True))
                light = docs.loc[:, light_cols].reset_index(drop=True)
                light["_group"] = group
                light["_row"] = np.arange(len(light), dtype=np.int64)
                light_parts.append(light)
        finally:
            temp.close()
        if template is None:  # no raw files at all
            template, pages = _process_pages(pages_frame([]), config)
            page_parts.append(pages.drop(columns=["text"]))
        pages = pd.concat(page_parts, ignore_index=True)
        if light_parts:
            light = pd.concat(light_parts, ignore_index=True)
        else:
            light = template.loc[:, light_cols].assign(_group=0, _row=0)
        where = {
            d: (g, r)
            for d, g, r in zip(light["doc_id"], light["_group"], light["_row"], strict=True)
        }

        def fetch(ids: list[str]) -> dict[str, str]:
            loc = np.array([where[i] for i in ids], dtype=np.int64).reshape(-1, 2)
            table = temp.take(loc[:, 0], loc[:, 1], columns=["text"])
            return dict(zip(ids, table.column("text").to_pylist(), strict=True))

        found = finder.resolve(fetch, max_fetch=max_fetch)

        light = with_duplicate_columns(light, found)
        statuses, reasons = _status(light, config.flag_off_topic)
        light["status"], light["flag_reason"] = statuses, reasons
        light = light.sort_values("doc_id", kind="mergesort").reset_index(drop=True)

        def records(part: pd.DataFrame) -> Iterator[tuple[str, str, str | None]]:
            for d, t in zip(part["doc_id"], part["text"], strict=True):
                yield d, t, found.get(d, (None,))[0]

        # boilerplate in two passes: paragraph hashes per holder, then the texts of the
        # paragraphs held twice or more (the in-memory build's paragraph_holders)
        counter = ParagraphCounter(config.dedup)
        for part in temp.iter_groups(["doc_id", "text"]):
            counter.add(records(part))
        keep = counter.repeated()
        del counter
        holders = paragraph_holders(
            (r for part in temp.iter_groups(["doc_id", "text"]) for r in records(part)),
            config.dedup,
            keep=keep,
        )
        boilerplate = paragraph_table(holders).reset_index(drop=True)

        def chunks() -> Iterator[pd.DataFrame]:
            if not len(light):
                yield _finish_documents(
                    with_duplicate_columns(template, found), config.flag_off_topic
                )
                return
            for i in range(0, len(light), DOCUMENTS_ROW_GROUP):
                sub = light.iloc[i : i + DOCUMENTS_ROW_GROUP]
                part = temp.take(sub["_group"].to_numpy(), sub["_row"].to_numpy()).to_pandas()
                part = with_duplicate_columns(part, found)
                yield _finish_documents(part, config.flag_off_topic)

        report = _report(pages, light, boilerplate, raw_dir)
        logger.info("corpus built (streamed): %s", report["articles"]["identity"])
        parquet = _write_documents_parquet(out / "documents.parquet", chunks())
        tables = [parquet, _write_documents_csv_from(parquet, out / "documents.csv")]
        return _write_rest(out, tables, pages, boilerplate, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, (list, tuple, dict))).any():
            out = df.copy() if out is df else out
            out[c] = out[c].map(
                lambda v: (
                    json.dumps(
                        list(v) if isinstance(v, tuple) else v, ensure_ascii=False, sort_keys=True
                    )
                    if isinstance(v, (list, tuple, dict))
                    else v
                )
            )
    return out


def _parquet_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, tuple)).any():
            out = df.copy() if out is df else out
            out[c] = out[c].map(lambda v: list(v) if isinstance(v, tuple) else v)
    return out


def render_report_md(report: dict) -> str:
    """Render the corpus report as Markdown.

    Parameters
    ----------
    report : dict
        ``CorpusBuild.report``.

    Returns
    -------
    str
    """
    a = report["articles"]
    f = report["files"]
    lines = [
        "# Corpus build report",
        "",
        f"Raw directory: `{report['raw_dir']}`",
        "",
        "## Files",
        "",
        f"{f['total']} files: {f['read']} read, {f['rejected']} rejected"
        + (
            " ("
            + ", ".join(f"{k}: {v}" for k, v in report.get("rejected_by_reason", {}).items())
            + ")."
            if f["rejected"]
            else "."
        ),
        "",
        "| file | status | encoding | articles | header chars | footer chars | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in report["pages"]:
        note = (p["note"] or p["repairs"] or "").replace("|", "/")
        lines.append(
            f"| {p['file']} | {p['status']} | {p['encoding']} | {p['n_articles']} | "
            f"{p['header_chars']} | {p['footer_chars']} | {note} |"
        )
    lines += [
        "",
        "## Articles",
        "",
        f"{a['identity']} ({a['flagged_duplicate']} flagged as duplicates, "
        f"{a['flagged_off_topic']} as off-topic); "
        f"{a.get('dropped_boilerplate', 0)} marked article(s) without text dropped as boilerplate.",
        "",
    ]
    for key, title in (("flagged", "Flagged"), ("quarantined", "Quarantined")):
        if report[key]:
            lines += [f"### {title}", "", "| doc_id | reason |", "|---|---|"]
            lines += [f"| {r['doc_id']} | {r['reason']} |" for r in report[key]]
            lines.append("")
    lines += [
        "## Cleaning (characters removed or rewritten, by rule)",
        "",
        "| rule | characters |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in report["cleaning"]["chars_by_rule"].items()]
    lines += ["", "## Duplicate groups", ""]
    if report["duplicates"]["groups"]:
        lines += ["| group | canonical | members |", "|---|---|---|"]
        for g in report["duplicates"]["groups"]:
            lines.append(f"| {g['dup_group']} | {g['canonical']} | {', '.join(g['members'])} |")
    else:
        lines.append("None.")
    lines += [
        "",
        "## Boilerplate",
        "",
        f"{report['boilerplate']['n_paragraphs']} repeated paragraphs (see boilerplate.csv).",
        "",
    ]
    return "\n".join(lines)


def write_corpus(build: CorpusBuild, out_dir: str | os.PathLike = "corpus/processed") -> list[Path]:
    """Write the build's tables and report.

    Parameters
    ----------
    build : CorpusBuild
    out_dir : path-like
        Output directory (created if needed).

    Returns
    -------
    list of pathlib.Path
        ``documents.parquet``, ``documents.csv``, ``pages.csv``, ``boilerplate.csv``,
        ``corpus_report.json``, ``corpus_report.md`` (in that order). Every file is written
        atomically; the JSON report, written after the tables, is ``build.report`` plus
        ``outputs``: the sha256 of each table file.
    """
    docs = build.documents
    chunks = (
        docs.iloc[i : i + DOCUMENTS_ROW_GROUP].reset_index(drop=True)
        for i in range(0, max(len(docs), 1), DOCUMENTS_ROW_GROUP)
    )
    out = Path(out_dir)
    tables = [
        _write_documents_parquet(out / "documents.parquet", chunks),
        _io.write_csv(out / "documents.csv", _csv_ready(docs), digits=None, keep_equivalent=False),
    ]
    pages = build.pages.drop(columns=["text"], errors="ignore")
    return _write_rest(out, tables, pages, build.boilerplate, build.report)


def _write_documents_parquet(path: Path, chunks: Iterable[pd.DataFrame]) -> Path:
    """documents.parquet, one row group per chunk of :data:`DOCUMENTS_ROW_GROUP` rows (at
    least one chunk, possibly empty), written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        writer = None
        try:
            for chunk in chunks:
                frame = _parquet_ready(chunk)
                if writer is None:
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    writer = pq.ParquetWriter(str(tmp), table.schema)
                else:
                    table = pa.Table.from_pandas(frame, schema=writer.schema, preserve_index=False)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    return _io.atomic_write(path, write)


def _write_documents_csv_from(parquet: Path, path: Path) -> Path:
    """documents.csv of a documents.parquet, read back one row group at a time (the bytes
    :func:`textkit.core.io.write_csv` gives for the whole table)."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        pf = pq.ParquetFile(str(parquet))
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            for g in range(max(pf.metadata.num_row_groups, 1)):
                if pf.metadata.num_row_groups:
                    chunk = pf.read_row_group(g).to_pandas()
                else:
                    chunk = pf.schema_arrow.empty_table().to_pandas()
                _csv_ready(chunk).to_csv(fh, index=False, header=g == 0, lineterminator="\n")

    return _io.atomic_write(path, write)


def _write_rest(
    out: Path, tables: list[Path], pages: pd.DataFrame, boilerplate: pd.DataFrame, report: dict
) -> list[Path]:
    tables = tables + [
        _io.write_csv(out / "pages.csv", _csv_ready(pages), digits=None, keep_equivalent=False),
        _io.write_csv(out / "boilerplate.csv", _csv_ready(boilerplate), digits=None, keep_equivalent=False),
    ]
    # the report is written after the tables and records their hashes: a build interrupted
    # before it finished leaves tables that do not match the report, which load_corpus refuses
    report = {**report, "outputs": {p.name: _io.sha256_file(p) for p in tables}}
    return tables + [
        _io.write_json(out / "corpus_report.json", report, digits=None, keep_equivalent=False),
        _io.write_text(out / "corpus_report.md", render_report_md(report), keep_equivalent=False),
    ]


def load_corpus(processed_dir: str | os.PathLike = "corpus/processed") -> pd.DataFrame:
    """Load the documents table written by :func:`write_corpus`.

    Parameters
    ----------
    processed_dir : path-like
        Directory holding ``documents.parquet`` (preferred) or ``documents.csv``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    FileNotFoundError
        If neither file exists (run ``textkit corpus build`` first).
    CorpusError
        If ``corpus_report.json`` is missing or unreadable, or the table's sha256 differs
        from the one the report records (a build interrupted after writing some tables,
        or a file changed since the build).
    """
    d = Path(processed_dir)
    for name in ("documents.parquet", "documents.csv"):
        path = d / name
        if not path.is_file():
            continue
        _verify_output(path, d / "corpus_report.json")
        if name.endswith(".parquet"):
            return pd.read_parquet(path)
        return pd.read_csv(path, keep_default_na=False, encoding="utf-8-sig")
    raise FileNotFoundError(
        f"no documents.parquet or documents.csv in {d}; run `textkit corpus build` first"
    )


def _verify_output(path: Path, report_path: Path) -> None:
    rerun = "run `textkit corpus build` again"
    if not report_path.is_file():
        raise CorpusError(
            f"{path}: no {report_path.name} beside it (the build did not finish); {rerun}"
        )
    try:
        expected = json.loads(report_path.read_text(encoding="utf-8")).get("outputs")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError) as exc:
        raise CorpusError(f"{report_path}: unreadable report ({exc}); {rerun}") from exc
    if expected is None:
        logger.warning("%s records no output hashes (older textkit); not verified", report_path)
        return
    if expected.get(path.name) != _io.sha256_file(path):
        raise CorpusError(
            f"{path} does not match {report_path.name} (sha256 differs): the last build was "
            f"interrupted or the file was changed; {rerun}"
        )
