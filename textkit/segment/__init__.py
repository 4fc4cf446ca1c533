"""Segmentation stage: governance-aware jieba segmentation, analysis units and term mining.

A private jieba tokenizer loaded with the shipped governance dictionary, the frame-lexicon
terms and any user dictionaries cuts texts into raw tokens and filters them into analysis
tokens (with jieba itself or, when installed, the compiled rjieba giving the same tokens);
:func:`segment_corpus` turns a documents table into the units table (one row per
sentence, paragraph or document) that every later stage reads.

Modules
-------
rules
    The token rules: content parts of speech, kept single characters, placeholders.
dictionary
    Reading user dictionaries and word lists (:func:`read_userdict`, :func:`load_wordlist`);
    jieba's prefix dictionary from a cache keyed by its inputs and verified by sha256.
backend
    The segmentation backends: pure jieba (the reference) and rjieba loaded with the same
    dictionary and repaired to give identical tokens (:func:`resolve_backend`).
config
    :class:`SegmenterConfig` and the ``[segment]`` table (:func:`segmenter_config`).
segmenter
    :class:`Segmenter`, the per-process segmenter caches and :func:`tokenize`.
units
    :func:`split_paragraphs` and :func:`split_sentences`.
corpus
    :func:`segment_corpus` (cached, parallel through :mod:`textkit.core.executor`) and
    :func:`document_pairs`.
compare
    Evidence against plain jieba: :func:`compare_segmentation`, :func:`dictionary_coverage`.
stream
    Segmentation on Dask or streamed to a parquet file with bounded memory.
terms
    Mining candidate governance terms (:func:`mine_terms`).
"""

from __future__ import annotations

from textkit.segment.backend import BACKENDS, resolve_backend
from textkit.segment.compare import compare_segmentation, dictionary_coverage
from textkit.segment.config import SegmenterConfig, segmenter_config
from textkit.segment.corpus import document_pairs, segment_corpus
from textkit.segment.dictionary import SHIPPED, UserDictError, load_wordlist, read_userdict
from textkit.segment.rules import (
    CONTENT_POS,
    DEFAULT_KEEP_SINGLE,
    PLACEHOLDER_RE,
    PLACEHOLDER_UNITS,
    UNKNOWN_EDGE_CHARS,
)
from textkit.segment.segmenter import (
    Segmenter,
    get_segmenter,
    segmenter_for,
    segmenter_from_config,
    tokenize,
)
from textkit.segment.stream import (
    iter_units,
    segment_empty,
    segment_texts_parallel,
    segment_to_parquet,
    warm_segmenters,
    worker_segmenter,
)
from textkit.segment.terms import (
    EDGE_CHARS,
    TermMiningConfig,
    mine_terms,
)
from textkit.segment.units import split_paragraphs, split_sentences

__all__ = [
    "BACKENDS",
    "CONTENT_POS",
    "DEFAULT_KEEP_SINGLE",
    "EDGE_CHARS",
    "PLACEHOLDER_RE",
    "PLACEHOLDER_UNITS",
    "SHIPPED",
    "Segmenter",
    "SegmenterConfig",
    "TermMiningConfig",
    "UNKNOWN_EDGE_CHARS",
    "UserDictError",
    "compare_segmentation",
    "dictionary_coverage",
    "document_pairs",
    "get_segmenter",
    "iter_units",
    "load_wordlist",
    "mine_terms",
    "read_userdict",
    "resolve_backend",
    "segment_corpus",
    "segment_empty",
    "segment_texts_parallel",
    "segment_to_parquet",
    "segmenter_config",
    "segmenter_for",
    "segmenter_from_config",
    "split_paragraphs",
    "split_sentences",
    "tokenize",
    "warm_segmenters",
    "worker_segmenter",
]
