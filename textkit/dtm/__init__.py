"""Vectorize stage: document-term matrices with one reported vocabulary-pruning rule.

The units table of :mod:`textkit.segment` becomes a document-term matrix (in memory) or a
gensim bag-of-words corpus read from a units file on disk; both keep the vocabulary chosen
by the same pruning rule.

Modules
-------
prune
    :class:`VectorizeConfig` and :func:`prune_vocabulary`: the ``min_df`` / ``max_df`` /
    ``max_terms`` / ``keep`` rule.
vectorizer
    :func:`vectorize` (:class:`DocumentTermMatrix`) and :func:`vocabulary_table`.
stream
    :func:`stream_vocabulary` and :class:`UnitsBowCorpus`: the same from a parquet file, in
    bounded memory.
"""

from __future__ import annotations

from textkit.dtm.prune import VectorizeConfig, prune_vocabulary
from textkit.dtm.stream import (
    UnitsBowCorpus,
    stream_vocabulary,
)
from textkit.dtm.vectorizer import (
    MISSING_GROUP,
    DocumentTermMatrix,
    vectorize,
    vocabulary_table,
)

__all__ = [
    "DocumentTermMatrix",
    "MISSING_GROUP",
    "UnitsBowCorpus",
    "VectorizeConfig",
    "prune_vocabulary",
    "stream_vocabulary",
    "vectorize",
    "vocabulary_table",
]
