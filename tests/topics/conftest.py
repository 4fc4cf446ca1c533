"""Fixtures of the topic tests: the seed corpus at paragraph level and models fit on it.

``topic_data`` is ``(docs, TopicData)`` of the seed corpus's analysed articles (duplicates
and quarantined articles left out) at paragraph units; ``corpus`` unpacks it as ``(docs,
units, dtm, texts)``; ``lda`` and ``seeded`` are models fit on ``dtm`` with the quick
settings ``fast``. All are session-scoped and read-only. :func:`_pipeline` builds the same
matrix without fixtures (for tests that run it in a fresh interpreter).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from textkit.segment import segment_corpus
from textkit.topics.lda import LdaTopicModel
from textkit.topics.matrix import topic_matrix
from textkit.topics.seeded import SeededLdaTopicModel

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"

# a few frame words from docs/DESIGN.md, used where the test must not depend on the lexicon
SEEDS = {
    "stability": [
        "维稳",
        "维护稳定",
        "社会治安",
        "综合治理",
        "排查",
        "调处",
        "整治",
        "群防群治",
        "平安建设",
        "上访",
        "信访",
    ],
    "service_law": ["公共服务", "依法行政", "法治", "村民自治", "参与", "监督", "问责", "权益"],
}
FAST = {"passes": 3, "iterations": 40}


def _analysed(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents a topic model sees: duplicates and quarantined articles left out."""
    keep = (docs["status"] != "quarantined") & ~docs["is_duplicate"].astype(bool)
    return docs[keep].reset_index(drop=True)


def _topic_data(docs: pd.DataFrame, min_df: int = 2, max_df: float = 0.5):
    data = topic_matrix(segment_corpus(docs, unit="paragraph"), min_df=min_df, max_df=max_df)
    return docs, data


def _pipeline(min_df: int = 2, max_df: float = 0.5):
    """``(docs, units, dtm, texts)`` of the seed corpus, built from ``corpus/raw``."""
    from textkit.corpus.build import build_corpus

    docs, data = _topic_data(_analysed(build_corpus(RAW).documents), min_df, max_df)
    texts = [list(data.texts[u]) for u in data.dtm.doc_ids]
    return docs, data.units, data.dtm, texts


@pytest.fixture(scope="session")
def fast() -> dict:
    """Quick LDA settings (few passes and iterations)."""
    return dict(FAST)


@pytest.fixture(scope="session")
def seed_words() -> dict:
    """Seed words of two frame topics, independent of the shipped lexicon."""
    return {k: list(v) for k, v in SEEDS.items()}


@pytest.fixture(scope="session")
def topic_data(seed_docs):
    return _topic_data(_analysed(seed_docs))


@pytest.fixture(scope="session")
def corpus(topic_data):
    docs, data = topic_data
    return docs, data.units, data.dtm, [list(data.texts[u]) for u in data.dtm.doc_ids]


@pytest.fixture(scope="session")
def dtm(corpus):
    return corpus[2]


@pytest.fixture(scope="session")
def lda(dtm):
    return LdaTopicModel(5, random_state=3, **FAST).fit(dtm)


@pytest.fixture(scope="session")
def seeded(dtm):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return SeededLdaTopicModel(4, seed_words=SEEDS, random_state=0, **FAST).fit(dtm)
