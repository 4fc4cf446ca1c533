"""Raw pages -> a clean, deduplicated, annotated article table, every input accounted for.

The corpus stage reads the raw pages (``ingest``: bad files rejected by reason, every
folder entry accounted for; ``decode``: encodings detected and repaired, strictly) or a
researcher's own table or folder of texts (``read``: :func:`read_texts`, one document per
row or file, with document variables, through ``read_table`` and ``read_folder``, into the
tables of ``read_result``; ``extract``: :func:`extract_text`, the text of HTML, Word and
PDF files; ``read_stream``: :func:`iter_texts`, a table in batches of rows;
``read_folder_stream``: a folder of files in batches), cuts them
into articles (``split``), cleans
the text with documented
rules (``clean``), groups exact and near duplicates (``dedup``; its MinHash signatures are
computed with numpy in ``minhash``) and finds the paragraphs repeated across documents
(``boilerplate``), adds genre, years, era,
keywords and relevance (``annotate``), tells a text in another language from Chinese
(``language``: kept and flagged, never dropped), and runs them all in order (``build``:
:func:`build_corpus`, :func:`write_corpus`, :func:`load_corpus`; ``stream``:
:func:`build_corpus_to`, the same files in bounded memory, from raw pages, a table or a
folder of files), with an accounting report
(``report``: files = read + rejected, articles found = kept + flagged + quarantined).
``parallel`` runs cleaning and MinHash over chunks in processes or on Dask; ``_documents``
holds the documents table and writers both builds share. The ``annotate`` function is not
re-exported here, so that ``textkit.corpus.annotate`` stays the module (use
``textkit.annotate`` or ``textkit.corpus.annotate.annotate``).
"""

from __future__ import annotations

from textkit.corpus.build import (
    DOCUMENT_COLUMNS,
    CorpusBuild,
    CorpusConfig,
    CorpusError,
    build_corpus,
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
from textkit.corpus.extract import (
    EXTRACT_REJECT_KINDS,
    Extracted,
    extract_text,
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
from textkit.corpus.language import cjk_share, is_other_language, text_language
from textkit.corpus.parallel import (
    clean_texts_parallel,
    minhash_parallel,
)
from textkit.corpus.read import (
    READ_COLUMNS,
    RESERVED_NAMES,
    ReadResult,
    document_variables,
    read_texts,
)
from textkit.corpus.read_stream import TextBatches, iter_texts
from textkit.corpus.report import corpus_report, render_report_md
from textkit.corpus.split import (
    DOC_COLUMNS,
    SPLIT_LOG_COLUMNS,
    Article,
    SplitConfig,
    find_articles,
    split_pages,
)
from textkit.corpus.stream import build_corpus_to

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
    "EXTRACT_REJECT_KINDS",
    "Extracted",
    "IngestConfig",
    "PAGE_COLUMNS",
    "READ_COLUMNS",
    "REJECT_KINDS",
    "RESERVED_NAMES",
    "ReadResult",
    "SPLIT_LOG_COLUMNS",
    "SplitConfig",
    "build_corpus",
    "build_corpus_to",
    "clean_documents",
    "clean_text",
    "cjk_share",
    "clean_texts_parallel",
    "cleaning_memo",
    "corpus_config",
    "corpus_report",
    "damage_ratio",
    "decode_bytes",
    "extract_text",
    "find_articles",
    "is_other_language",
    "iter_pages",
    "load_corpus",
    "load_rules",
    "minhash_parallel",
    "pages_frame",
    "read_pages",
    "document_variables",
    "read_texts",
    "iter_texts",
    "TextBatches",
    "render_report_md",
    "split_pages",
    "text_language",
    "to_simplified",
    "write_corpus",
    "write_sources_csv",
]
