"""Topics stage: topic models a reviewer can check (K, seeds, meaning, group effects).

Input is a :class:`textkit.dtm.vectorizer.DocumentTermMatrix` (built at the modelling unit by
:mod:`~textkit.topics.matrix`); output is plain tables. The models follow scikit-learn's
estimator contract (parameters stored by ``__init__`` and validated by ``fit``,
``get_params`` / ``set_params`` / ``clone``, fitted attributes ending in ``_``) and are
reproducible given ``random_state``. Modules: :mod:`~textkit.topics.matrix` (``TopicData``,
``topic_matrix``, ``drop_empty_documents``, ``add_unit_key``), :mod:`~textkit.topics.config`
(``TopicConfig``, the ``[topics]`` table), :mod:`~textkit.topics.lda` (``LdaTopicModel``,
``LdaConfig`` and the one gensim set-up), :mod:`~textkit.topics.seeded`
(``SeededLdaTopicModel``), :mod:`~textkit.topics.nmf` (``NmfTopicModel``, ``NmfConfig``),
:mod:`~textkit.topics.fit` (``fit_topics``), :mod:`~textkit.topics.describe` (``top_terms``,
``representative_docs``, ``topic_summary``), :mod:`~textkit.topics.select` (``select_k``,
``k_summary``, ``best_k``, ``heldout_perplexity``), :mod:`~textkit.topics.stability`
(``topic_stability``, ``match_topics``, ``compare_models``), :mod:`~textkit.topics.prevalence`
(``topic_prevalence``, ``prevalence_contrast``), :mod:`~textkit.topics.persist`
(``save_model``, ``load_model``, ``save_topic_tables``, ``save_ldavis_html``),
:mod:`~textkit.topics.streaming` (``fit_lda_streaming``), :mod:`~textkit.topics.estep`
(gensim's E-step, vectorised) and :mod:`~textkit.topics.windows` (the sliding-window counts of
gensim's coherence measures, vectorised). Every random step takes an explicit seed; output tables are
sorted and independent of ``PYTHONHASHSEED``. Figures for these tables are in
:mod:`textkit.plots.topics`.
"""

from __future__ import annotations

from textkit.topics.config import TopicConfig
from textkit.topics.describe import representative_docs, top_terms, topic_summary
from textkit.topics.fit import fit_topics
from textkit.topics.lda import LdaConfig, LdaTopicModel
from textkit.topics.matrix import TopicData, add_unit_key, drop_empty_documents, topic_matrix
from textkit.topics.nmf import NmfConfig, NmfTopicModel
from textkit.topics.persist import load_model, save_ldavis_html, save_model, save_topic_tables
from textkit.topics.prevalence import prevalence_contrast, topic_prevalence
from textkit.topics.seeded import SeededLdaTopicModel
from textkit.topics.select import best_k, feasible_ks, heldout_perplexity, k_summary, select_k
from textkit.topics.stability import (
    StabilityResult,
    compare_models,
    match_topics,
    topic_stability,
)
from textkit.topics.streaming import fit_lda_streaming

__all__ = [
    "LdaConfig",
    "LdaTopicModel",
    "NmfConfig",
    "NmfTopicModel",
    "SeededLdaTopicModel",
    "StabilityResult",
    "TopicConfig",
    "TopicData",
    "add_unit_key",
    "best_k",
    "compare_models",
    "drop_empty_documents",
    "fit_lda_streaming",
    "fit_topics",
    "heldout_perplexity",
    "k_summary",
    "load_model",
    "match_topics",
    "prevalence_contrast",
    "representative_docs",
    "save_ldavis_html",
    "save_model",
    "save_topic_tables",
    "select_k",
    "feasible_ks",
    "top_terms",
    "topic_matrix",
    "topic_prevalence",
    "topic_stability",
    "topic_summary",
]
