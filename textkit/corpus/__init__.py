"""Raw pages -> a clean, deduplicated, annotated article table: ingest, split, clean, dedup, annotate, build."""

from __future__ import annotations

from textkit.corpus.build import (
    DOCUMENT_COLUMNS,
    CorpusBuild,
    CorpusConfig,
    CorpusError,
    build_corpus,
    build_corpus_to,
    corpus_config,
    load_corpus,
    write_corpus,
)
from textkit.corpus.clean import (
    CleanConfig,
    CleaningRules,
    clean_documents,
    clean_text,
    cleaning_memo,
    damage_ratio,
    load_rules,
    to_simplified,
)
from textkit.corpus.ingest import (
    PAGE_COLUMNS,
    REJECT_KINDS,
    DecodeResult,
    IngestConfig,
    decode_bytes,
    iter_pages,
    pages_frame,
    read_pages,
    write_sources_csv,
)
from textkit.corpus.parallel import (
    clean_texts_parallel,
    minhash_parallel,
)
from textkit.corpus.split import (
    DOC_COLUMNS,
    SPLIT_LOG_COLUMNS,
    Article,
    SplitConfig,
    find_articles,
    split_pages,
)

__all__ = [
    "Article",
    "CleanConfig",
    "CleaningRules",
    "CorpusBuild",
    "CorpusConfig",
    "CorpusError",
    "DOCUMENT_COLUMNS",
    "DOC_COLUMNS",
    "DecodeResult",
    "IngestConfig",
    "PAGE_COLUMNS",
    "REJECT_KINDS",
    "SPLIT_LOG_COLUMNS",
    "SplitConfig",
    "build_corpus",
    "build_corpus_to",
    "clean_documents",
    "clean_text",
    "clean_texts_parallel",
    "cleaning_memo",
    "corpus_config",
    "damage_ratio",
    "decode_bytes",
    "find_articles",
    "iter_pages",
    "load_corpus",
    "load_rules",
    "minhash_parallel",
    "pages_frame",
    "read_pages",
    "split_pages",
    "to_simplified",
    "write_corpus",
    "write_sources_csv",
]
