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
* ``flagged`` — a duplicate that is not its group's canonical member, a text in another
  language than Chinese (``language``, :mod:`textkit.corpus.language`; its text is kept),
  or an article annotated as not relevant (off-topic); ``flag_reason`` says which;
* ``kept`` — everything else.

Articles of raw pages, and of the files of a researcher's folder, are dated by the page or
file: ``published`` (the date it states it was published, from its meta tags or a byline;
``NaT`` when none or when every date it states is outside the annotate stage's plausible
years) and ``published_from`` (:mod:`textkit.corpus.published`), counted in
``report["published"]``; ``year`` is the latest year the text states, not a publication
date. A researcher's own ``published`` variable wins: a build of a table adds no
``published``, nor does a build of a folder whose variables include one.

The identities *files = read + rejected* (rejected counted by reason in
``report["rejected_by_reason"]``), *articles found = kept + flagged + quarantined* and
*articles found = sum of the articles per file* are checked in code; a violation raises
:class:`CorpusError`. Articles a page marks but that hold no text after cleaning are
counted per file (``n_dropped``) and in ``report["articles"]["dropped_boilerplate"]``. :func:`write_corpus` writes
the tables and the report through :mod:`textkit.core.io`; the output is byte-identical across
runs (no timestamps, no absolute paths, sorted keys and rows).

:func:`build_corpus` also takes what :func:`textkit.corpus.read.read_texts` read from a
researcher's table (one row, one document: not split) or folder of text files (split like
the raw pages), and carries the document variables into the documents table.

:func:`textkit.corpus.stream.build_corpus_to` builds and writes in one go, in bounded
memory, the same bytes as ``write_corpus(build_corpus(...))``. The report is made by
:mod:`textkit.corpus.report`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core import io as _io
from textkit.core.checks import check_bool
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.core.order import natural_order
from textkit.corpus import _documents
from textkit.corpus import report as accounting
from textkit.corpus._documents import (
    DOCUMENT_COLUMNS,
    DOCUMENTS_ROW_GROUP,
    check_articles_found,
    coerce_documents,
    csv_ready,
    finish_documents,
    process_pages,
    write_documents_parquet,
    write_rest,
)
from textkit.corpus.annotate import ANNOTATED_COLUMNS, AnnotateConfig
from textkit.corpus.clean import CleanConfig
from textkit.corpus.dedup import DedupConfig
from textkit.corpus.ingest import PAGE_COLUMNS, IngestConfig, read_pages
from textkit.corpus.read import ReadResult
from textkit.corpus.read_result import READ_COLUMNS, _check_reserved, _put_heading_marks
from textkit.corpus.split import SplitConfig

logger = logging.getLogger(__name__)

__all__ = [
    "CorpusConfig",
    "CorpusBuild",
    "CorpusError",
    "build_corpus",
    "write_corpus",
    "load_corpus",
    "corpus_config",
    "DOCUMENT_COLUMNS",
    "DOCUMENTS_ROW_GROUP",
]


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
    flag_off_topic : bool or None
        Flag articles annotated ``is_relevant == False`` as off-topic. The relevance check
        is tuned to governance pages like the seed corpus, so the default (``None``) flags
        for raw pages and not for a researcher's own table or folder (:func:`read_texts`
        input), where it is only reported in ``is_relevant``. ``[corpus] flag_off_topic``
        in ``textkit.toml`` sets it for both.
    """

    ingest: IngestConfig = field(default_factory=IngestConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    annotate: AnnotateConfig = field(default_factory=AnnotateConfig)
    flag_off_topic: bool | None = None

    def off_topic_flagged(self, own_corpus: bool) -> bool:
        """Whether off-topic articles are flagged: the setting, else True for raw pages and
        False for a researcher's own table or folder (``own_corpus``)."""
        return (not own_corpus) if self.flag_off_topic is None else self.flag_off_topic

    def __post_init__(self) -> None:
        for name, cls in (("ingest", IngestConfig), ("split", SplitConfig), ("clean", CleanConfig)):
            if not isinstance(getattr(self, name), cls):
                raise InvalidParameterError(
                    f"CorpusConfig.{name}: expected a {cls.__name__}, "
                    f"got {type(getattr(self, name)).__name__}"
                )
        if self.flag_off_topic is not None:
            check_bool("CorpusConfig.flag_off_topic", self.flag_off_topic)

    @classmethod
    def from_project(cls, project: Any = None) -> CorpusConfig:
        """The corpus stages' configs, each from its table of ``textkit.toml``.

        Parameters
        ----------
        project : textkit.core.config.ProjectConfig or None
            ``None`` gives the defaults. Tables ``[ingest]``, ``[split]``, ``[clean]``,
            ``[dedup]`` and ``[annotate]`` are read (each through its config's
            ``from_project``), and ``flag_off_topic`` from ``[corpus]``.

        Returns
        -------
        CorpusConfig
        """
        clean = CleanConfig.from_project(project)
        flag = (
            project.setting("corpus", "flag_off_topic", None, _check_toml_bool)
            if project is not None
            else None
        )
        return cls(
            ingest=IngestConfig.from_project(project),
            split=SplitConfig.from_project(project, clean=clean),
            clean=clean,
            dedup=DedupConfig.from_project(project),
            annotate=AnnotateConfig.from_project(project),
            flag_off_topic=flag,
        )


def _check_toml_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{name}: expected true or false, got {value!r}")
    return value


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
        Paragraphs repeated across documents (``textkit.corpus.boilerplate.repeated_paragraphs``).
    report : dict
        The accounting (see :func:`build_corpus`); JSON-serialisable.
    source : str
        The absolute path of the input (raw pages folder, table or folder read), or ``""``:
        :func:`write_corpus` refuses to write into it. Not part of the cached build.
    """

    documents: pd.DataFrame
    pages: pd.DataFrame
    boilerplate: pd.DataFrame
    report: dict
    source: str = field(default="", compare=False, repr=False)


def corpus_config(project=None) -> CorpusConfig:
    """The corpus stages' configs from a parsed ``textkit.toml``: :meth:`CorpusConfig.from_project`."""
    return CorpusConfig.from_project(project)


def build_corpus(
    raw_dir: str | os.PathLike | ReadResult = "corpus/raw",
    config: CorpusConfig | None = None,
    *,
    cache: bool | str | os.PathLike = False,
    n_jobs: int = 1,
) -> CorpusBuild:
    """Read, split, clean, de-duplicate and annotate the raw pages.

    Parameters
    ----------
    raw_dir : path-like or ReadResult
        Directory of raw pages (default ``corpus/raw``), or what
        :func:`textkit.corpus.read.read_texts` read from a table or a folder. Table rows are
        documents as they are (not split into articles; ``doc_id`` is the row's id);
        files of a folder are split into articles like raw pages, but kept however short
        (only an article with no Chinese character is dropped; ``min_article_chars`` is
        for raw pages) (``doc_id`` is
        ``"<relative path without suffix>#<ordinal:02d>"``, the full relative path when
        two files share the stem, as ``a.txt`` and ``a.html``; the title an HTML, Word or PDF
        file records is the title of a page without article markers). Both are then cleaned,
        de-duplicated and annotated as usual. The documents table ends with ``source``,
        ``row`` and ``extractor`` and the document variables under their own names,
        unchanged. Where the researcher supplied a column the annotation stage writes
        (``genre``, ``year``, ``years``, ``era_cues``, ``era``, ``keywords``,
        ``relevance``, ``is_relevant``), the researcher's value is kept and the detected
        one is written as ``<name>_detected`` (flags for off-topic articles still use the
        detected relevance). Rows and files that ``read_texts`` rejected are counted in
        the report, whose ``texts`` entry checks *inputs = kept + flagged + quarantined +
        rejected* for tables and *files = read + rejected* for folders (*entries = read +
        rejected + skipped* when a folder holds entries that are not read: hidden files,
        links, FIFOs …, listed in ``skipped_entries``).
    config : CorpusConfig, optional
    cache : bool or path-like, default False
        Reuse an earlier build of the same raw files (by content), settings and textkit code
        from the stage cache (``True``: the project's ``.cache/textkit/stages``; a path: that
        directory). Entries are verified by sha256 on read and rebuilt when damaged. For
        ``read_texts`` output the key is the sha256 of each file read (from its report),
        the read options, the input path, the config, and the content of the documents
        and report tables (so an edited result is built anew).
    n_jobs : int, default 1
        Split, clean and annotate the raw pages in this many worker processes (``-1``: every
        core; :func:`textkit.core.executor.resolve_n_jobs`), consecutive pages to a worker;
        the build is identical to ``n_jobs=1``. Duplicate detection and the report run once
        on the whole corpus. Not part of the cache key. Used for raw pages; a
        :func:`read_texts` result is built in this process.

    Returns
    -------
    CorpusBuild

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` does not exist.
    InvalidParameterError
        If ``raw_dir`` is a file (a table is read by :func:`textkit.corpus.read.read_texts`,
        whose result build_corpus takes) or neither a path nor a ``read_texts`` result (a
        DataFrame: save it as a table and read it with ``read_texts``).
    CorpusError
        If the accounting identities do not hold.
    """
    from textkit.core.executor import resolve_n_jobs

    _check_raw_dir(raw_dir)
    config = config or CorpusConfig()
    n_jobs = resolve_n_jobs(n_jobs)
    texts = raw_dir if isinstance(raw_dir, ReadResult) else None
    source = os.path.abspath(raw_dir if texts is None else texts.path)
    if cache is False:
        built = (
            _build(Path(raw_dir), config, n_jobs) if texts is None else _build_texts(texts, config)
        )
        return dataclasses.replace(built, source=source)
    from textkit.core.cache import StageCache
    from textkit.core.config import corpus_hash

    store = StageCache(None if cache is True else cache)
    if texts is None:
        key = {
            "input": corpus_hash(raw_dir),
            "raw_dir": str(raw_dir),
            "config": config,
            "config_files": _config_files(config),
        }
        skipped = _skipped_entries(Path(raw_dir), config)
        if skipped:  # hidden files, links, FIFOs …: not in the corpus hash, but reported
            key["skipped"] = skipped
    else:
        key = _texts_key(texts, config)

    def compute() -> dict[str, Any]:
        # once: every field comes from this one build
        built = (
            _build(Path(raw_dir), config, n_jobs) if texts is None else _build_texts(texts, config)
        )
        return {f.name: getattr(built, f.name) for f in dataclasses.fields(CorpusBuild)[:4]}

    parts = store.get_or_compute_tables("corpus", key, compute)
    return CorpusBuild(**parts, source=source)


def _check_raw_dir(raw_dir: Any) -> None:
    """Refuse, naming what build_corpus takes and what reads a table, an argument that is
    neither a raw pages folder nor a read_texts result: a DataFrame or a table file."""
    if isinstance(raw_dir, ReadResult):
        return
    how = (
        "read your table or folder with textkit.read_texts (one document per row or file) "
        "and pass what it returns: build_corpus(read_texts({path}, text=<text column>))"
    )
    if isinstance(raw_dir, (str, os.PathLike)):
        p = Path(raw_dir)
        if p.is_file():
            raise InvalidParameterError(
                f"raw_dir: {p} is a file; build_corpus takes a folder of raw pages or what "
                "textkit.read_texts returned. To build a corpus from a table (.csv, .tsv, "
                ".xlsx, .xls, .jsonl, .parquet), " + how.format(path=repr(str(p)))
            )
        return
    what = "a pandas DataFrame" if isinstance(raw_dir, pd.DataFrame) else type(raw_dir).__name__
    raise InvalidParameterError(
        f"raw_dir: build_corpus takes a folder of raw pages (a path) or what "
        f"textkit.read_texts returned, got {what}. For a table of texts in memory, save it "
        "(df.to_csv('texts.csv', index=False)), then "
        + how.format(path="'texts.csv'")
        + ". To add columns to the documents read_texts read, pass "
        "dataclasses.replace(texts, documents=merged) (one row per doc_id; every column "
        "is carried), or for a folder give read_texts(..., metadata='metadata.csv')"
    )


def _skipped_entries(raw_dir: Path, config: CorpusConfig) -> list[list[str]]:
    """The entries of a raw pages folder that a build skips, with kind and reason (part of
    the cache key: the report lists them)."""
    from textkit.core.paths import folder_entries

    if not raw_dir.is_dir():
        return []
    entries = folder_entries(raw_dir, outside_links=config.ingest.follow_outside_links)
    return [[e.rel, e.kind, e.reason] for e in entries if e.kind != "file"]


def _texts_key(texts: ReadResult, config: CorpusConfig) -> dict[str, Any]:
    """The cache key of a build of read_texts output: the sha256 of each input file, the
    read options, the input path (the report records it) and the config, and the content of
    the documents and report tables themselves, so that a result edited after reading is
    never given an earlier build."""
    from textkit.core.cache import table_hash

    files = sorted(set(zip(texts.report["source"], texts.report["sha256"], strict=True)))
    return {
        "input": [list(f) for f in files],
        "kind": texts.kind,
        "path": str(texts.path),
        "read": dict(texts.options),
        "docvars": list(texts.docvars),
        "documents": table_hash(texts.documents),
        "report": table_hash(texts.report),
        "meta_dates": dict(sorted(texts.meta_dates.items())),
        "headings": {k: list(v) for k, v in sorted(texts.headings.items())},
        "config": config,
        "config_files": _config_files(config),
        # what joining a metadata table did (the build reports it); no key without one
        **({"metadata": texts.metadata} if texts.metadata else {}),
    }


def _config_files(config: CorpusConfig) -> dict[str, str]:
    """sha256 of each rules file the config names (cleaning rules, genres, eras): the config
    holds their paths only, and an edited file must not be given an earlier build."""
    from textkit.core.io import sha256_file

    paths = {
        "clean.rules_path": config.clean.rules_path,
        "annotate.genres_path": config.annotate.genres_path,
        "annotate.eras_path": config.annotate.eras_path,
    }
    return {name: sha256_file(path) for name, path in sorted(paths.items()) if path is not None}


def _build(raw_dir: Path, config: CorpusConfig, n_jobs: int = 1) -> CorpusBuild:
    from textkit.core.executor import worker_pool
    from textkit.corpus.boilerplate import repeated_paragraphs
    from textkit.corpus.dedup import find_duplicates

    with worker_pool(n_jobs) as pool:  # one set of processes: cleaning, then hashing
        docs, pages = _processed_pages(read_pages(raw_dir, config.ingest), config, pool)
        docs = find_duplicates(docs, config.dedup, pool=pool)
    docs = finish_documents(docs, config.off_topic_flagged(own_corpus=False))
    docs = docs.iloc[natural_order(docs["doc_id"])].reset_index(drop=True)
    boilerplate = repeated_paragraphs(docs, config.dedup).reset_index(drop=True)
    report = accounting.corpus_report(pages, docs, boilerplate, raw_dir)
    accounting._note_kept_later(report, docs, config.dedup.keep_earliest_by)
    logger.info("corpus built: %s", report["articles"]["identity"])
    return CorpusBuild(documents=docs, pages=pages, boilerplate=boilerplate, report=report)


def _processed_pages(
    pages: pd.DataFrame, config: CorpusConfig, pool: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`process_pages` of the pages, in the processes of ``pool``
    (:class:`textkit.core.executor.WorkerPool`) over consecutive slices.

    The per-page stages are per page (the streamed build runs them batch by batch and writes
    the same bytes), and the split visits pages in file order, so slices of pages already in
    that order give the documents and the page accounting of one call, joined in order.
    Pages in any other order are processed in one call.
    """
    from textkit.core.executor import CHUNKS_PER_WORKER

    names = pages["source_file"].tolist()
    if pool.n_jobs == 1 or len(pages) < 2 or names != sorted(names):
        return process_pages(pages, config)
    size = math.ceil(len(pages) / (pool.n_jobs * CHUNKS_PER_WORKER))
    chunks = [pages.iloc[i : i + size] for i in range(0, len(pages), size)]
    logger.info("build_corpus: %d pages in %d slices on %d processes", len(pages), len(chunks),
                pool.n_jobs)  # fmt: skip
    parts = pool.map(functools.partial(process_pages, config=config), chunks, chunksize=1)
    docs = pd.concat([d for d, _ in parts if len(d)] or [parts[0][0]], ignore_index=True)
    return coerce_documents(docs), pd.concat([p for _, p in parts])


def _texts_pages(texts: ReadResult) -> pd.DataFrame:
    """The pages table of what read_texts read: one row per file or table row."""
    read = texts.documents.set_index("doc_id")
    rows = []
    for rec in texts.report.to_dict("records"):
        ok = rec["status"] == "read"
        source = rec["source"] if texts.kind == "folder" else f"{rec['source']}:{rec['row']}"
        skipped = rec["status"] == "skipped"
        rows.append(
            {
                **dict.fromkeys(PAGE_COLUMNS, ""),
                "page_id": rec["doc_id"],
                "source_file": source,
                "sha256": rec["sha256"],
                "n_bytes": rec["n_bytes"],
                "repairs": rec["repairs"],
                "encoding": str(read.at[rec["doc_id"], "encoding"]) if ok else "",
                "status": "ok" if ok else ("skipped" if skipped else "rejected"),
                # a row read keeps its note (a value of a ``dates`` variable left missing)
                "reason": rec["reason"] if ok or skipped else f"{source}: {rec['reason']}",
                "reject_kind": "" if ok else rec["reject_kind"],
                # a Word document's headings marked again, for the split
                "text": (
                    _put_heading_marks(
                        str(read.at[rec["doc_id"], "text"]), texts.headings.get(rec["doc_id"], ())
                    )
                    if ok
                    else ""
                ),
                # the title an HTML, Word or PDF file records titles a page without
                # article markers, like a raw page's title (tables: used as it is)
                "page_title": (
                    str(read.at[rec["doc_id"], "title"]) if ok and texts.kind == "folder" else ""
                ),
                # the date an HTML file's meta tags state, like a raw page's
                "meta_date": texts.meta_dates.get(rec["doc_id"], "") if ok else "",
            }
        )
    pages = pd.DataFrame(rows, columns=list(PAGE_COLUMNS))
    pages["n_bytes"] = pages["n_bytes"].astype("int64")
    return pages


def _table_documents(
    texts: ReadResult, pages: pd.DataFrame, config: CorpusConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table rows as documents: not split (a row is one document), cleaned and annotated."""
    from textkit.corpus._documents import coerce_documents
    from textkit.corpus.annotate import annotate
    from textkit.corpus.clean import clean_documents

    src = texts.documents
    raw = pd.DataFrame(
        {
            "doc_id": src["doc_id"],
            "page_id": src["doc_id"],
            "source_file": src["source"],
            "ordinal": 1,
            "title": src["title"],
            "text_raw": src["text"],
        }
    )
    docs = _documents.mark_language(clean_documents(raw, config.clean), config.clean)
    docs["encoding"] = src["encoding"].to_numpy()
    docs = coerce_documents(annotate(docs, config.annotate))
    pages = pages.copy()
    ok = pages["status"] == "ok"
    pages["n_articles"] = ok.astype("int64")
    pages["split_note"] = [
        "one table row, one document" if k else "rejected: " + str(r)
        for k, r in zip(ok, pages["reason"], strict=True)
    ]
    for col in ("n_dropped", "header_chars", "footer_chars"):
        pages[col] = 0
    return docs, pages


def _carried_variables(texts: ReadResult) -> tuple[str, ...]:
    """The document variables a build carries: :attr:`ReadResult.docvars` and every column
    added to the documents table after reading (in table order), so that none is lost.
    A column named like a textkit column, a variable or textkit column missing from the
    table, and a ``doc_id`` on two rows (a merge that repeated rows) are errors."""
    columns = [str(c) for c in texts.documents.columns]
    missing = [c for c in (*READ_COLUMNS, *texts.docvars) if c not in columns]
    if missing:
        raise InvalidParameterError(
            f"texts.documents: no column(s) {', '.join(map(repr, missing))}, which read_texts "
            "wrote (columns of READ_COLUMNS or ReadResult.docvars); keep them when editing "
            "the table"
        )
    added = [c for c in columns if c not in READ_COLUMNS and c not in texts.docvars]
    _check_reserved(added, "texts.documents (columns added after read_texts)")
    twice = texts.documents["doc_id"][texts.documents["doc_id"].duplicated()].unique()
    if len(twice):
        raise InvalidParameterError(
            f"texts.documents: {len(twice)} doc_id(s) on more than one row "
            f"({', '.join(map(repr, twice[:5].tolist()))}): a merge with a table naming a "
            "file or row twice repeats documents; keep one row per doc_id (or join a "
            "metadata table with read_texts(..., metadata=...), which refuses such a table)"
        )
    return (*texts.docvars, *added)


def _build_texts(texts: ReadResult, config: CorpusConfig) -> CorpusBuild:
    from textkit.corpus.boilerplate import repeated_paragraphs
    from textkit.corpus.dedup import DUPLICATE_COLUMNS, find_duplicates

    variables = _carried_variables(texts)
    pages = _texts_pages(texts)
    if texts.kind == "table":
        docs, pages = _table_documents(texts, pages, config)
    else:
        own = dataclasses.replace(config, split=_own_split(config))
        docs, pages = process_pages(pages, own, published=_dates_files(texts))
    by = config.dedup.keep_earliest_by
    # the researcher's variable (or the row, source or extractor each document carries, as in
    # the streamed build), not the annotator's column of that name
    carried = ("source", "row", "extractor", *variables)
    dated = ("published",) if "published_from" in docs.columns else ()
    if by and by not in carried and by not in ANNOTATED_COLUMNS and by not in dated:
        raise InvalidParameterError(
            f"[dedup] keep_earliest_by: no document variable {by!r}; the documents have "
            f"{sorted(set(carried) | {'year', *dated})}"
        )
    if by and by in carried:
        own_values = texts.documents.set_index("doc_id")[by]
        ordered = docs.drop(columns=[by], errors="ignore")
        ordered[by] = docs["page_id"].map(own_values).to_numpy()
        found = find_duplicates(ordered, config.dedup)
        docs = docs.assign(**{c: found[c].to_numpy() for c in DUPLICATE_COLUMNS})
    else:
        docs = find_duplicates(docs, config.dedup)
    docs = finish_documents(docs, config.off_topic_flagged(own_corpus=True))
    docs = docs.iloc[natural_order(docs["doc_id"])].reset_index(drop=True)
    boilerplate = repeated_paragraphs(docs, config.dedup).reset_index(drop=True)
    report = accounting.corpus_report(pages, docs, boilerplate, Path(texts.path))
    report["texts"] = _texts_identity(texts, docs)
    if texts.metadata:
        report["metadata"] = texts.metadata
    accounting._note_own_dates(report, texts.options.get("dates"))
    # the researcher's variables, unchanged, under their own names; annotations they
    # supplied themselves keep the researcher's value and the detected one is renamed
    clash = [c for c in ANNOTATED_COLUMNS if c in variables and c in docs.columns]
    docs = docs.rename(columns={c: f"{c}_detected" for c in clash})
    extra = texts.documents.loc[:, ["doc_id", "source", "row", "extractor", *variables]]
    docs = docs.merge(
        extra.rename(columns={"doc_id": "page_id"}), on="page_id", how="left", validate="m:1"
    )
    # after the merge: the researcher's year or published, where they have one
    accounting._note_kept_later(report, docs, config.dedup.keep_earliest_by)
    logger.info("corpus built from %s: %s", texts.path, report["texts"]["identity"])
    return CorpusBuild(documents=docs, pages=pages, boilerplate=boilerplate, report=report)


def _own_split(config: CorpusConfig) -> SplitConfig:
    """The split of a researcher's files: a file is a document however short (a microblog
    post, a one-line notice): only an article with no Chinese character at all, such as
    the empty stub after a marker, is dropped; min_article_chars is for the site chrome of
    raw pages."""
    return dataclasses.replace(
        config.split, min_article_chars=min(config.split.min_article_chars, 1)
    )


def _dates_files(texts: ReadResult) -> bool:
    """Whether a build of read_texts output dates its documents by what their files state
    (``published``, ``published_from``: :mod:`textkit.corpus.published`): a folder's files,
    as raw pages, unless the researcher's own variables include ``published`` (a
    ``docvars_from`` field, or any per-file variable of that name), which wins. A table's
    rows are dated by the researcher's own date columns (``[corpus] dates``)."""
    if texts.kind != "folder":
        return False
    if "published" in _carried_variables(texts):
        logger.info(
            "%s: the document variable 'published' is the researcher's: the dates the files "
            "state are not added (no published_from)",
            texts.path,
        )
        return False
    return True


def _texts_identity(texts: ReadResult, docs: pd.DataFrame) -> dict:
    """Inputs = kept + flagged + quarantined + rejected (table rows), files = read +
    rejected (folders); raises CorpusError when it fails."""
    rep = texts.report
    read = int((rep["status"] == "read").sum())
    rejected = int((rep["status"] == "rejected").sum())
    skipped = int((rep["status"] == "skipped").sum())
    return _identity_from_counts(texts.kind, len(rep), read, rejected, docs, skipped)


def _identity_from_counts(
    kind: str, n_in: int, read: int, rejected: int, docs: pd.DataFrame, skipped: int = 0
) -> dict:
    """The ``texts`` entry of the report of a build of read_texts output, from the counts
    of its inputs (rows, or a folder's files and the entries it skipped) and the
    documents' statuses."""
    counts = {s: int((docs["status"] == s).sum()) for s in ("kept", "flagged", "quarantined")}
    out: dict[str, Any] = {"input": kind, "inputs": n_in, "read": read, "rejected": rejected}
    if kind == "table":
        total = sum(counts.values()) + rejected
        identity = (
            f"{n_in} rows = {counts['kept']} kept + {counts['flagged']} flagged + "
            f"{counts['quarantined']} quarantined + {rejected} rejected"
        )
    elif skipped:
        out["skipped"] = skipped
        total = read + rejected + skipped
        identity = f"{n_in} entries = {read} read + {rejected} rejected + {skipped} skipped"
    else:
        total = read + rejected
        identity = f"{n_in} files = {read} read + {rejected} rejected"
    if total != n_in:
        raise CorpusError(f"inputs do not add up: {identity} (sum {total})")
    out.update(counts, identity=identity)
    return out


def write_corpus(build: CorpusBuild, out_dir: str | os.PathLike = "corpus/processed") -> list[Path]:
    """Write the build's tables and report.

    Parameters
    ----------
    build : CorpusBuild
    out_dir : path-like
        Output directory (created if needed). It may not be the input (``build.source``),
        lie inside an input folder or hold the input: a later build would read the outputs
        as pages.

    Returns
    -------
    list of pathlib.Path
        ``documents.parquet``, ``documents.csv``, ``pages.csv``, ``boilerplate.csv``,
        ``corpus_report.json``, ``corpus_report.md`` (in that order). Every file is written
        atomically; the JSON report, written after the tables, is ``build.report`` plus
        ``outputs``: the sha256 of each table file.

    Raises
    ------
    InvalidParameterError
        If ``out_dir`` is, is inside or holds the input (nothing is written).
    CorpusError
        If the build found no article in an input with entries (files rejected, subfolders
        skipped, pages without an article), or found none in an empty folder while
        ``out_dir`` holds an article table: nothing is written, so that a table is never
        replaced by an empty one. The message names the input, what was read, rejected and
        skipped, and what to do (Word and PDF files and subfolders in a raw pages folder:
        ``[corpus] input``).
    """
    if build.source:
        from textkit.core.paths import check_output_outside_input

        check_output_outside_input(build.source, out_dir)
    check_articles_found(build.report, lambda: build.pages, Path(out_dir))
    docs = build.documents
    size = _documents.DOCUMENTS_ROW_GROUP
    chunks = (
        docs.iloc[i : i + size].reset_index(drop=True) for i in range(0, max(len(docs), 1), size)
    )
    out = Path(out_dir)
    tables = [
        write_documents_parquet(out / "documents.parquet", chunks),
        _io.write_csv(
            out / "documents.csv",
            csv_ready(docs),
            digits=None,
            keep_equivalent=False,
            spreadsheet_safe=True,  # opened in spreadsheets; the Parquet keeps the text
        ),
    ]
    pages = build.pages.drop(columns=["text"], errors="ignore")
    return write_rest(out, tables, pages, build.boilerplate, build.report)


def load_corpus(processed_dir: str | os.PathLike = "corpus/processed") -> pd.DataFrame:
    """Load the documents table written by :func:`write_corpus`.

    Parameters
    ----------
    processed_dir : path-like
        Directory holding ``documents.parquet`` (preferred: it keeps the column types) or
        ``documents.csv`` (its formula-escaped text cells restored:
        :func:`textkit.core.io.unescape_formulas`; every column as written, so dates such as
        ``published`` are text and missing values empty strings: parse them with
        :func:`textkit.core.dates.parse_dates` before using one as a trend).

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
        return _io.unescape_formulas(pd.read_csv(path, keep_default_na=False, encoding="utf-8-sig"))
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
