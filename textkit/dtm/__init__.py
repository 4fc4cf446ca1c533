"""Document-term matrices with one reported pruning rule."""

from __future__ import annotations

from textkit.dtm.stream import (
    UnitsBowCorpus,
    stream_vocabulary,
)
from textkit.dtm.vectorizer import (
    MISSING_GROUP,
    DocumentTermMatrix,
    VectorizeConfig,
    vectorize,
    vocabulary_table,
)

__all__ = [
    "DocumentTermMatrix",
    "MISSING_GROUP",
    "UnitsBowCorpus",
    "VectorizeConfig",
    "stream_vocabulary",
    "vectorize",
    "vocabulary_table",
]
