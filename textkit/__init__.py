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
worker process pays only for the stages it runs. The package tree is the pipeline:
``core`` (config, io, paths, cache, precision) < ``corpus`` < ``segment`` < ``dtm`` <
``topics`` | ``cooc`` | ``frames`` < ``plots`` < ``run`` (cli, pipeline, notebooks, verify).
"""

from __future__ import annotations

import importlib
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # configuration and the whole run
    "ConfigError": "core.errors",
    "ProjectConfig": "core.config",
    "load_config": "core.config",
    "corpus_hash": "core.config",
    "provenance": "run.pipeline",
    "reproduce": "run.pipeline",
    # corpus: ingest -> split -> clean -> dedup -> annotate
    "read_pages": "corpus.ingest",
    "iter_pages": "corpus.ingest",
    "decode_bytes": "corpus.decode",
    "read_texts": "corpus.read",
    "parse_dates": "core.dates",
    "analysed_documents": "corpus.select",
    "extract_text": "corpus.extract",
    "iter_texts": "corpus.read_stream",
    "TextBatches": "corpus.read_stream",
    "split_pages": "corpus.split",
    "clean_text": "corpus.clean",
    "clean_documents": "corpus.clean",
    "find_duplicates": "corpus.dedup",
    "DuplicateFinder": "corpus.dedup",
    "repeated_paragraphs": "corpus.boilerplate",
    "drop_repeated_paragraphs": "corpus.boilerplate",
    "annotate": "corpus.annotate",
    "CorpusConfig": "corpus.build",
    "CorpusBuild": "corpus.build",
    "CorpusError": "core.errors",
    "build_corpus": "corpus.build",
    "build_corpus_to": "corpus.stream",
    "write_corpus": "corpus.build",
    "load_corpus": "corpus.build",
    # segmentation and vocabulary
    "Segmenter": "segment.segmenter",
    "SegmenterConfig": "segment.config",
    "UserDictError": "core.errors",
    "tokenize": "segment.segmenter",
    "segment_corpus": "segment.corpus",
    "segmenter_config": "segment.config",
    "segmenter_from_config": "segment.segmenter",
    "compare_segmentation": "segment.compare",
    "dictionary_coverage": "segment.compare",
    "split_sentences": "segment.units",
    "split_paragraphs": "segment.units",
    "mine_terms": "segment.terms",
    "DocumentTermMatrix": "dtm.vectorizer",
    "vectorize": "dtm.vectorizer",
    "vocabulary_table": "dtm.vectorizer",
    # topics
    "TopicConfig": "topics.config",
    "TopicData": "topics.matrix",
    "topic_matrix": "topics.matrix",
    "drop_empty_documents": "topics.matrix",
    "k_summary": "topics.select",
    "topic_summary": "topics.describe",
    "save_topic_tables": "topics.persist",
    "save_model": "topics.persist",
    "load_model": "topics.persist",
    "LdaTopicModel": "topics.lda",
    "NmfTopicModel": "topics.nmf",
    "SeededLdaTopicModel": "topics.seeded",
    "fit_topics": "topics.fit",
    "top_terms": "topics.describe",
    "representative_docs": "topics.describe",
    "select_k": "topics.select",
    "topic_stability": "topics.stability",
    "compare_models": "topics.stability",
    "topic_prevalence": "topics.prevalence",
    "prevalence_contrast": "topics.prevalence",
    # co-occurrence networks
    "CoocConfig": "cooc.config",
    "cooccurrence": "cooc.count",
    "build_network": "cooc.network",
    "network_config": "cooc.config",
    "node_table": "cooc.tables",
    "edge_table": "cooc.tables",
    "ego_table": "cooc.ego",
    "ego_network": "cooc.ego",
    "compare_networks": "cooc.compare",
    "compare_networks_by": "cooc.compare",
    "export_network": "cooc.export",
    # frames
    "Lexicon": "core.lexicon",
    "LexiconError": "core.errors",
    "load_lexicon": "core.lexicon",
    "FrameConfig": "frames.score",
    "frame_config": "frames.score",
    "frame_hits": "frames.score",
    "frame_keyness": "frames.keyness",
    "score_frames": "frames.score",
    "term_contributions": "frames.diagnostics",
    "kwic": "frames.kwic",
    "keyness": "frames.keyness",
    "keyness_by": "frames.keyness",
    "frame_groups": "frames.groups",
    "frame_means": "frames.groups",
    "frame_contrast": "frames.groups",
    "frame_diagnostics": "frames.diagnostics",
    "LatentSemanticScaling": "frames.lss",
    "LSSConfig": "frames.lss",
    "correlate_with_dictionary": "frames.lss",
    "sample_config": "frames.validate",
    "validate_measure": "frames.validate",
    "draw_validation_sample": "frames.validate",
    "write_coding_sheet": "frames.sheets",
    "read_codes": "frames.sheets",
    "load_coded_paragraphs": "frames.validate",
    "agreement": "frames.agree",
    "compare_agreement": "frames.agree",
    "CoderReport": "frames.coders",
    "coder_agreement": "frames.coders",
    "write_adjudication_sheet": "frames.coders",
    "merge_codes": "frames.coders",
    "split_coders": "frames.coders",
    "FrameClassifier": "frames.supervised",
    "cross_validate_frames": "frames.crossval",
    "suggest_to_code": "frames.active",
    "LabelRule": "frames.labels",
    "tune_label_rule": "frames.tune",
    "suggest_terms": "frames.suggest",
    # files
    "write_table": "core.io",
    # figures
    "save_figure": "plots",
    "use_style": "plots",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'textkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
