"""textkit: text mining of Chinese governance discourse.

The public API is re-exported here, one verb per stage (see ``docs/architecture.md``
for the stages and the tables that flow between them)::

    import textkit as tk

    build = tk.build_corpus("corpus/raw")          # pages -> clean, deduplicated articles
    docs = build.documents
    units = tk.segment_corpus(docs, unit="sentence")  # governance-aware jieba segmentation
    dtm = tk.vectorize(units, min_df=2)             # document-term matrix, pruning reported
    lda = tk.LdaTopicModel(n_topics=8, random_state=1).fit(dtm)
    net = tk.cooccurrence(units)                    # keyword co-occurrence network
    scores = tk.score_frames(docs)                  # stability vs service / rule of law

Names are imported lazily on first use, so ``import textkit`` stays fast and a
worker process pays only for the stages it runs. The two verbs named like their
modules (:func:`annotate`, :func:`vectorize`) are bound at import: otherwise the
first ``import textkit.vectorize`` would rebind ``textkit.vectorize`` to the module.
"""

from __future__ import annotations

import importlib
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # configuration and the whole run
    "ConfigError": "config",
    "ProjectConfig": "config",
    "load_config": "config",
    "corpus_hash": "config",
    "provenance": "pipeline",
    "reproduce": "pipeline",
    # corpus: ingest -> split -> clean -> dedup -> annotate
    "read_pages": "ingest",
    "iter_pages": "ingest",
    "decode_bytes": "ingest",
    "split_pages": "split",
    "clean_text": "clean",
    "clean_documents": "clean",
    "find_duplicates": "dedup",
    "DuplicateFinder": "dedup",
    "repeated_paragraphs": "dedup",
    "annotate": "annotate",
    "CorpusConfig": "corpus",
    "CorpusBuild": "corpus",
    "CorpusError": "corpus",
    "build_corpus": "corpus",
    "build_corpus_to": "corpus",
    "write_corpus": "corpus",
    "load_corpus": "corpus",
    # segmentation and vocabulary
    "Segmenter": "segment",
    "SegmenterConfig": "segment",
    "UserDictError": "segment",
    "tokenize": "segment",
    "segment_corpus": "segment",
    "segmenter_config": "segment",
    "segmenter_from_config": "segment",
    "compare_segmentation": "segment",
    "dictionary_coverage": "segment",
    "split_sentences": "segment",
    "split_paragraphs": "segment",
    "mine_terms": "terms",
    "DocumentTermMatrix": "vectorize",
    "vectorize": "vectorize",
    "vocabulary_table": "vectorize",
    # topics
    "TopicConfig": "topics",
    "TopicData": "topics",
    "topic_matrix": "topics",
    "drop_empty_documents": "topics",
    "k_summary": "topics",
    "topic_summary": "topics",
    "save_topic_tables": "topics",
    "save_model": "topics",
    "load_model": "topics",
    "LdaTopicModel": "topics",
    "NmfTopicModel": "topics",
    "SeededLdaTopicModel": "topics",
    "fit_topics": "topics",
    "top_terms": "topics",
    "representative_docs": "topics",
    "select_k": "topics",
    "topic_stability": "topics",
    "compare_models": "topics",
    "topic_prevalence": "topics",
    "prevalence_contrast": "topics",
    # co-occurrence networks
    "CoocConfig": "cooc",
    "cooccurrence": "cooc",
    "build_network": "cooc",
    "network_config": "cooc",
    "node_table": "cooc",
    "edge_table": "cooc",
    "ego_table": "cooc",
    "ego_network": "cooc",
    "compare_networks": "cooc",
    "export_network": "cooc",
    # frames
    "Lexicon": "lexicon",
    "LexiconError": "lexicon",
    "load_lexicon": "lexicon",
    "FrameConfig": "frames",
    "frame_config": "frames",
    "frame_hits": "frames",
    "frame_keyness": "frames",
    "score_frames": "frames",
    "term_contributions": "frames",
    "kwic": "frames",
    "keyness": "frames",
    "LatentSemanticScaling": "lss",
    "LSSConfig": "lss",
    "correlate_with_dictionary": "lss",
    "sample_config": "validate",
    "validate_measure": "validate",
    "draw_validation_sample": "validate",
    "write_coding_sheet": "validate",
    "read_codes": "validate",
    "load_coded_paragraphs": "validate",
    "agreement": "validate",
    # files
    "write_table": "_io",
    # figures
    "save_figure": "plots",
    "use_style": "plots",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

from .annotate import annotate  # noqa: E402, F401  (see the module docstring)
from .vectorize import vectorize  # noqa: E402, F401


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'textkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
