"""The documents table shared by the in-memory and the streamed corpus builds (private).

Its columns and dtypes, the per-page stages both builds run on any slice of the pages
(split, clean, annotate: :func:`process_pages`), the status of each article
(:func:`finish_documents`), and the writers of the output files, which make a streamed
build's files byte-identical to :func:`textkit.corpus.build.write_corpus`'s.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from textkit.core import io as _io
from textkit.core.errors import CorpusError
from textkit.corpus.chars import has_letter
from textkit.corpus.clean import clean_documents
from textkit.corpus.report import render_report_md
from textkit.corpus.split import split_pages

if TYPE_CHECKING:
    from textkit.corpus.build import CorpusConfig
    from textkit.corpus.clean import CleanConfig


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
    "published",
    "published_from",
    "era",
    "keywords",
    "relevance",
    "is_relevant",
)


#: Rows per row group of documents.parquet. Fixed (not the build's batch size), so that a
#: streamed build (:func:`textkit.corpus.stream.build_corpus_to`) and
#: :func:`textkit.corpus.build.write_corpus` write the same bytes.
DOCUMENTS_ROW_GROUP = 256


_STR, _INT, _FLOAT, _BOOL = "str", "int64", "float64", "bool"


#: dtypes of the documents table's columns, enforced on every chunk written: a chunk's
#: dtypes must not depend on which documents it happens to hold (an all-missing column).
DOC_DTYPES = {
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
            "published_from",
        ),
        _STR,
    ),
    **dict.fromkeys(("ordinal", "n_chars"), _INT),
    **dict.fromkeys(("damage_ratio", "similarity", "relevance"), _FLOAT),
    **dict.fromkeys(("is_duplicate", "is_relevant"), _BOOL),
    "year": "Int64",
    "published": "datetime64[us]",
}


def coerce_documents(docs: pd.DataFrame) -> pd.DataFrame:
    """Give the known columns of a documents table their fixed dtypes (in place)."""
    for col, dtype in DOC_DTYPES.items():
        if col in docs.columns and str(docs[col].dtype) != dtype:
            docs[col] = docs[col].astype(dtype)
    return docs


#: Private column of the documents between cleaning and :func:`finish_documents`: True for
#: a text in another language (:func:`textkit.corpus.language.is_other_language`). It is
#: computed once from the text, so that the status of a streamed build's documents, whose
#: texts are not held, is decided by the same rule; it is not written.
OTHER_LANGUAGE = "_other_language"


#: Private column like :data:`OTHER_LANGUAGE`: True for a document with no letter left after
#: cleaning (quarantined by :func:`textkit.corpus.clean.clean_documents`; the reason
#: :func:`document_status` gives).
NO_TEXT = "_no_text"


def mark_language(docs: pd.DataFrame, config: CleanConfig) -> pd.DataFrame:
    """Add :data:`OTHER_LANGUAGE` and :data:`NO_TEXT` to cleaned documents (in place;
    returned)."""
    from textkit.corpus.language import is_other_language

    texts = docs["text"].tolist()
    docs[OTHER_LANGUAGE] = np.array([is_other_language(t, config) for t in texts], dtype=bool)
    docs[NO_TEXT] = np.array([not has_letter(t) for t in texts], dtype=bool)
    return docs


def document_status(docs: pd.DataFrame, flag_off_topic: bool) -> tuple[list[str], list[str]]:
    """Status and flag reason of every document (one rule for both builds).

    ``quarantined`` (damage ratio above the cleaning's quarantine ratio, or no text left after
    cleaning: :data:`NO_TEXT`) stays; the others
    are ``flagged`` for any of the reasons, "; "-joined in this order: ``duplicate of
    <doc_id>``, ``language`` (a text in another language, :data:`OTHER_LANGUAGE`) or else
    ``off-topic`` (when ``flag_off_topic``; the relevance check counts Chinese governance
    terms, so it says nothing of a text in another language); else ``kept``.
    """
    statuses, reasons = [], []
    for rec in docs.to_dict("records"):
        if rec["status"] == "quarantined":
            statuses.append("quarantined")
            reasons.append(
                "no text after cleaning"
                if bool(rec.get(NO_TEXT, False))
                else f"damage ratio {rec['damage_ratio']:.3f}"
            )
            continue
        why = []
        if bool(rec.get("is_duplicate", False)):
            why.append(f"duplicate of {rec.get('dup_of')}")
        rel = rec.get("is_relevant", True)
        if bool(rec.get(OTHER_LANGUAGE, False)):
            why.append("language")
        elif flag_off_topic and rel is not None and not pd.isna(rel) and not bool(rel):
            why.append("off-topic")
        statuses.append("flagged" if why else "kept")
        reasons.append("; ".join(why))
    return statuses, reasons


def process_pages(
    pages: pd.DataFrame, config: CorpusConfig, *, published: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-page stages, on any slice of the pages table: split, clean, annotate.

    Returns the documents found (without the duplicate and status columns, which need the
    whole corpus) and the pages with their split accounting. Both builds call this: the
    in-memory one on all pages at once, the streamed one batch by batch. ``published``: the
    documents get ``published`` and ``published_from`` (raw pages; a researcher's folder
    keeps its own date variables).
    """
    from textkit.corpus.annotate import annotate
    from textkit.corpus.clean import cleaning_memo

    split_cfg = dataclasses.replace(config.split, clean=config.clean)
    with cleaning_memo():  # the split's cleaning of each article is reused, not redone
        raw_docs, split_log = split_pages(
            pages,
            split_cfg,
            return_log=True,
            published=published,
            published_years=(config.annotate.min_year, config.annotate.max_year),
        )
        docs = mark_language(clean_documents(raw_docs, config.clean), config.clean)
    enc = dict(zip(pages["source_file"], pages["encoding"], strict=True))
    docs["encoding"] = docs["source_file"].map(enc).fillna("")
    docs = annotate(docs, config.annotate)
    return coerce_documents(docs), account_pages(pages, split_log)


def account_pages(pages: pd.DataFrame, split_log: pd.DataFrame) -> pd.DataFrame:
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
    status = pages["status"].tolist()
    pages["split_note"] = [
        str(notes[at[i]]) if i in at else f"{status[i]}: " + str(pages["reason"].iloc[i])
        for i in range(len(pages))
    ]
    for col in ("n_dropped", "header_chars", "footer_chars"):
        pages[col] = counts(col)
    return pages


def finish_documents(docs: pd.DataFrame, flag_off_topic: bool) -> pd.DataFrame:
    """Status and flag reason, column order and dtypes of documents carrying the duplicate
    columns (all of them, or a chunk: every step is per document)."""
    statuses, reasons = document_status(docs, flag_off_topic)
    docs["status"] = statuses
    docs["flag_reason"] = reasons
    docs = docs.drop(columns=[OTHER_LANGUAGE, NO_TEXT], errors="ignore")
    extra = [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    cols = [c for c in DOCUMENT_COLUMNS if c in docs.columns] + sorted(extra)
    return coerce_documents(docs.loc[:, cols])


def _date_text(value: Any) -> str:
    """A datetime as the CSV files of a build write it, the same whatever the other values of
    its column: ``2019-03-05``, ``2019-03-05 10:22:00`` when it has a time (ISO 8601 with a
    space, its fraction of a second or time zone when it has one), ``""`` when missing."""
    if pd.isna(value):
        return ""
    if value.tzinfo is None and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    return value.isoformat(sep=" ")


def csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as a CSV writes it: lists, tuples and dicts as JSON, and every column of
    datetimes (the ``published`` dates of raw pages and folders, a researcher's ``[corpus]
    dates`` variables) as text, value by value (:func:`_date_text`): pandas writes a column of
    datetimes with or without their times depending on the other values, which would differ
    between the chunks of a streamed build and the whole table of an in-memory one."""
    out = df
    dated = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    if dated:
        out = df.copy()
        for c in dated:
            out[c] = pd.Series([_date_text(v) for v in df[c]], index=df.index, dtype=object)
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


def parquet_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, tuple)).any():
            out = df.copy() if out is df else out
            out[c] = out[c].map(lambda v: list(v) if isinstance(v, tuple) else v)
    return out


def write_documents_parquet(path: Path, chunks: Iterable[pd.DataFrame]) -> Path:
    """documents.parquet, one row group per chunk of :data:`DOCUMENTS_ROW_GROUP` rows (at
    least one chunk, possibly empty), written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        writer = None
        try:
            for chunk in chunks:
                frame = parquet_ready(chunk)
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


def write_documents_csv_from(parquet: Path, path: Path) -> Path:
    """documents.csv of a documents.parquet, read back one row group at a time (the bytes
    :func:`textkit.core.io.write_csv` gives for the whole table with ``spreadsheet_safe``:
    text cells a spreadsheet would run as formulas start with ``'``)."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        pf = pq.ParquetFile(str(parquet))
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            for g in range(max(pf.metadata.num_row_groups, 1)):
                if pf.metadata.num_row_groups:
                    chunk = pf.read_row_group(g).to_pandas()
                else:
                    chunk = pf.schema_arrow.empty_table().to_pandas()
                _io.escape_formulas(csv_ready(chunk)).to_csv(
                    fh, index=False, header=g == 0, lineterminator="\n"
                )

    return _io.atomic_write(path, write)


#: Rows of a pages table held as pyarrow converted to pandas at a time.
PAGES_CHUNK = 8192


def write_pages_csv(path: Path, pages: Any) -> Path:
    """pages.csv of the pages table: a pandas DataFrame, or a pyarrow Table (a streamed
    build's), written :data:`PAGES_CHUNK` rows at a time (the same bytes)."""
    if isinstance(pages, pd.DataFrame):
        return _io.write_csv(path, csv_ready(pages), digits=None, keep_equivalent=False)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            for start in range(0, max(pages.num_rows, 1), PAGES_CHUNK):
                chunk = pages.slice(start, PAGES_CHUNK).to_pandas()
                csv_ready(chunk).to_csv(fh, index=False, header=start == 0, lineterminator="\n")

    return _io.atomic_write(path, write)


def write_rest(
    out: Path, tables: list[Path], pages: Any, boilerplate: pd.DataFrame, report: dict
) -> list[Path]:
    """pages.csv, boilerplate.csv and the report (JSON and Markdown) of either build: the
    report may hold :class:`textkit.core.io.StreamedEntries` (a streamed build's)."""
    tables = tables + [
        write_pages_csv(out / "pages.csv", pages),
        _io.write_csv(
            out / "boilerplate.csv", csv_ready(boilerplate), digits=None, keep_equivalent=False
        ),
    ]
    # the report is written after the tables and records their hashes: a build interrupted
    # before it finished leaves tables that do not match the report, which load_corpus refuses
    report = {**report, "outputs": {p.name: _io.sha256_file(p) for p in tables}}
    return tables + [
        _io.write_json_streamed(out / "corpus_report.json", report),
        _io.write_text(out / "corpus_report.md", render_report_md(report), keep_equivalent=False),
    ]


#: Notes of files shown when a build finds no article.
_NOTES_SHOWN = 3


def check_articles_found(report: dict, pages: Any, out: Path) -> None:
    """Refuse to write a build that found no article, before anything is written.

    A build that finds 0 articles in an input with entries (files rejected, subfolders
    skipped, pages without an article) is a :class:`CorpusError` naming the input, its
    counts and what to do, so that a good article table in ``out`` is never replaced by
    an empty one. An input without any entry (an empty folder) writes an empty table,
    unless ``out`` already holds articles.

    Parameters
    ----------
    report : dict
        The build's report (``articles``, ``files``, ``entries``, ``raw_dir`` …).
    pages : callable
        Returns the pages table (``source_file``, ``status``, ``split_note``); called only
        when no article was found.
    out : pathlib.Path
        The output folder.

    Raises
    ------
    CorpusError
        When no article was found (see above).
    """
    if report["articles"]["found"]:
        return
    where = report["raw_dir"]
    n_entries = report.get("entries", report["files"])["total"]
    if not n_entries:
        held = _articles_held(out)
        if held:
            raise CorpusError(
                f"{where}: no files, so no article; {out} holds a table of {held} articles, "
                f"left as it is (remove {out} to write an empty table)"
            )
        return
    raise CorpusError(_no_articles_message(report, pages(), out))


def _articles_held(out: Path) -> int:
    """Rows of the article table in ``out`` (0 without one or when it cannot be read)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(str(out / "documents.parquet")).metadata.num_rows)
    except (OSError, ValueError):
        return 0


def _no_articles_message(report: dict, pages: pd.DataFrame, out: Path) -> str:
    """One line: the input, what was read, rejected and skipped, and what to do."""
    from textkit.corpus.ingest import _DOCUMENT_KINDS, _READ_WITH_INPUT, _raw_page_advice

    files = report["files"]
    counts = [f"{files['read']} read"]
    for status, by_kind in (
        ("rejected", report["rejected_by_reason"]),
        ("skipped", report.get("skipped_by_kind", {})),
    ):
        if by_kind:
            kinds = ", ".join(f"{k}: {n}" for k, n in by_kind.items())
            counts.append(f"{sum(by_kind.values())} {status} ({kinds})")
    n_entries = report.get("entries", files)["total"]
    head = (
        f"{report['raw_dir']}: 0 articles found in {n_entries} "
        f"{'entries' if 'entries' in report else 'files'} ({', '.join(counts)}); nothing "
        f"written, {out} left as it was"
    )
    rejected = pages.loc[pages["status"] == "rejected", "source_file"].astype(str)
    documents = [name for name in rejected if _raw_page_advice(name)]
    nested = "subdirectory" in report.get("skipped_by_kind", {})
    if "texts" not in report and (documents or nested):  # raw pages
        what = []
        if documents:
            suffixes = sorted({Path(n).suffix.lower() for n in documents})
            what.append(f"{len(documents)} document file(s) ({', '.join(suffixes)})")
        if nested:
            what.append("subfolders")
        # subfolders or a Word or PDF file: [corpus] input; else (a workbook, an old Word
        # file …) what the file's own reason says
        advice = _raw_page_advice(documents[0]) if documents else _READ_WITH_INPUT
        if nested or any(Path(n).suffix.lower() in _DOCUMENT_KINDS for n in documents):
            advice = _READ_WITH_INPUT
        return (
            f"{head}. Raw pages ([corpus] raw_dir, --raw) are the text and HTML files of one "
            f"folder, and this one holds {' and '.join(what)}: {advice}"
        )
    notes = [
        n if f in n else f"{f}: {n}"
        for f, n in zip(
            pages["source_file"].astype(str), pages["split_note"].astype(str), strict=True
        )
        if n
    ][:_NOTES_SHOWN]
    more = " …" if len(pages) > _NOTES_SHOWN else ""
    return f"{head}. " + "; ".join(notes) + more
