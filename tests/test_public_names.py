"""The public names of ``textkit`` are a contract: moving code between modules must not change them.

A name added on purpose is added here in the same commit; a name removed needs a deprecation
first.
"""

from __future__ import annotations

import textkit as tk

PUBLIC_NAMES = (
    "ConfigError",
    "CoocConfig",
    "CorpusBuild",
    "CorpusConfig",
    "CorpusError",
    "DocumentTermMatrix",
    "DuplicateFinder",
    "FrameClassifier",
    "FrameConfig",
    "LSSConfig",
    "LabelRule",
    "LatentSemanticScaling",
    "LdaTopicModel",
    "Lexicon",
    "LexiconError",
    "NmfTopicModel",
    "ProjectConfig",
    "SeededLdaTopicModel",
    "Segmenter",
    "SegmenterConfig",
    "TextBatches",
    "TopicConfig",
    "TopicData",
    "UserDictError",
    "__version__",
    "agreement",
    "annotate",
    "build_corpus",
    "build_corpus_to",
    "build_network",
    "clean_documents",
    "clean_text",
    "compare_agreement",
    "compare_models",
    "compare_networks",
    "compare_networks_by",
    "compare_segmentation",
    "cooccurrence",
    "corpus_hash",
    "correlate_with_dictionary",
    "cross_validate_frames",
    "decode_bytes",
    "dictionary_coverage",
    "draw_validation_sample",
    "drop_empty_documents",
    "drop_repeated_paragraphs",
    "edge_table",
    "ego_network",
    "ego_table",
    "export_network",
    "extract_text",
    "find_duplicates",
    "fit_topics",
    "frame_config",
    "frame_contrast",
    "frame_diagnostics",
    "frame_groups",
    "frame_means",
    "frame_hits",
    "frame_keyness",
    "iter_pages",
    "iter_texts",
    "k_summary",
    "keyness",
    "keyness_by",
    "kwic",
    "load_coded_paragraphs",
    "load_config",
    "load_corpus",
    "load_lexicon",
    "load_model",
    "mine_terms",
    "network_config",
    "node_table",
    "parse_dates",
    "prevalence_contrast",
    "provenance",
    "read_codes",
    "read_pages",
    "read_texts",
    "analysed_documents",
    "repeated_paragraphs",
    "representative_docs",
    "reproduce",
    "sample_config",
    "save_figure",
    "save_model",
    "save_topic_tables",
    "score_frames",
    "segment_corpus",
    "segmenter_config",
    "segmenter_from_config",
    "select_k",
    "split_pages",
    "split_paragraphs",
    "split_sentences",
    "suggest_terms",
    "suggest_to_code",
    "tune_label_rule",
    "term_contributions",
    "tokenize",
    "top_terms",
    "topic_matrix",
    "topic_prevalence",
    "topic_stability",
    "topic_summary",
    "use_style",
    "validate_measure",
    "vectorize",
    "vocabulary_table",
    "write_coding_sheet",
    "write_corpus",
    "write_table",
)


def test_public_names_are_pinned():
    assert sorted(tk.__all__) == sorted(PUBLIC_NAMES)


def test_every_public_name_is_importable_from_its_package():
    """Each name resolves, and lives in the stage package its lazy map names."""
    for name in PUBLIC_NAMES:
        if name == "__version__":
            continue
        obj = getattr(tk, name)
        module = getattr(obj, "__module__", "") or ""
        assert module.startswith("textkit."), (name, module)
        package = tk._EXPORTS[name].split(".")[0]
        assert module.split(".")[1] == package, (name, module, package)
