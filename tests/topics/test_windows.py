"""The sliding-window counts behind c_v, c_npmi and c_uci equal gensim's own, and so do the
scores (c_v, computed here, to 1e-12; the others by gensim itself, exactly): on the seed
corpus's documents and on generated texts that put repeated words at the window's edges, texts
shorter than the window, empty texts and texts of more windows than one block."""

from __future__ import annotations

import random

import numpy as np
import pytest
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel

from textkit.topics import windows
from textkit.topics.windows import coherence_score


def _both(texts, topics, measure, **kw):
    dictionary = Dictionary(texts)
    ref = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence=measure,
                         topn=len(topics[0]), processes=1, **kw)  # fmt: skip
    fast = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence=measure,
                          topn=len(topics[0]), processes=1, **kw)  # fmt: skip
    return ref.get_coherence(), ref._accumulator, coherence_score(fast), fast._accumulator


def _same_score(fast, ref, measure="c_v"):
    """c_v is computed by textkit (sums in another order: equal to rounding); c_npmi and
    c_uci by gensim from the counts (equal exactly)."""
    if measure == "c_v":
        return fast == pytest.approx(ref, rel=1e-12, abs=1e-15)
    return fast == ref


def _assert_same_counts(ref, fast):
    assert ref.num_docs == fast.num_docs
    assert np.array_equal(ref._occurrences, fast._occurrences)
    assert (ref._co_occurrences.toarray() == fast._co_occurrences.toarray()).all()


@pytest.mark.parametrize(
    ("measure", "window"), [("c_v", None), ("c_npmi", None), ("c_uci", None), ("c_v", 3)]
)
def test_generated_texts(measure, window):
    rng = random.Random(20261206)
    vocab = [f"w{i}" for i in range(40)]
    lengths = [0, 1, 2, 3, 4, 9, 10, 11, 40, 120, 300]
    texts = [
        [rng.choice(vocab[: rng.randint(2, 40)]) for _ in range(rng.choice(lengths))]
        for _ in range(250)
    ]
    topics = [rng.sample(vocab, 8) for _ in range(5)]
    kw = {} if window is None else {"window_size": window}
    score, ref, fast_score, fast = _both(texts, topics, measure, **kw)
    _assert_same_counts(ref, fast)
    assert _same_score(fast_score, score, measure)
    if measure == "c_v":
        model = CoherenceModel(topics=topics, texts=texts, dictionary=Dictionary(texts),
                               coherence="c_v", topn=8, processes=1, **kw)  # fmt: skip
        per_topic = model.get_coherence_per_topic()
        assert windows.c_v_per_topic(model, fast) == pytest.approx(per_topic, rel=1e-12)


def test_more_windows_than_one_block(monkeypatch):
    monkeypatch.setattr(windows, "_BLOCK", 7)  # many blocks, carried state between them
    rng = random.Random(5)
    vocab = ["a", "b", "c", "d", "e", "f"]
    texts = [[rng.choice(vocab) for _ in range(n)] for n in (60, 200, 13)]
    score, ref, fast_score, fast = _both(texts, [vocab[:3], vocab[3:]], "c_v", window_size=4)
    _assert_same_counts(ref, fast)
    assert _same_score(fast_score, score)


def test_seed_corpus_documents(seed_units):
    texts = [sum(g, []) for _, g in seed_units.groupby("doc_id", sort=True)["tokens"]]
    counts = Dictionary(texts)
    frequent = [counts[i] for i, _ in sorted(counts.cfs.items(), key=lambda kv: (-kv[1], kv[0]))]
    topics = [frequent[i : i + 10] for i in range(0, 60, 10)]
    score, ref, fast_score, fast = _both(texts, topics, "c_v")
    _assert_same_counts(ref, fast)
    assert _same_score(fast_score, score)
    assert fast.num_docs > 5000  # windows of 110 tokens over the articles


def test_counts_in_worker_processes_equal_the_serial_counts(seed_units, monkeypatch):
    """n_jobs counts runs of texts in worker processes: the same counts and the same score as
    gensim's."""
    monkeypatch.setattr(windows, "PARALLEL_MIN_TOKENS", 1)
    texts = [sum(g, []) for _, g in seed_units.groupby("doc_id", sort=True)["tokens"]]
    counts = Dictionary(texts)
    frequent = [counts[i] for i, _ in sorted(counts.cfs.items(), key=lambda kv: (-kv[1], kv[0]))]
    topics = [frequent[i : i + 10] for i in range(0, 40, 10)]
    ids = {w: i for i, w in enumerate(sorted({w for t in topics for w in t}))}
    # the articles, then one text holding most tokens followed by empty ones (one window each)
    for group in (texts, [sum(texts, []), [], [], texts[0]], [texts[0], [], []]):
        serial = windows.window_counts(group, ids, len(ids), 20)
        pooled = windows.window_counts(group, ids, len(ids), 20, n_jobs=2)
        assert pooled[2] == serial[2] > 0
        assert np.array_equal(pooled[0], serial[0]) and np.array_equal(pooled[1], serial[1])
    dictionary = Dictionary(texts)
    ref = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence="c_v",
                         topn=10, processes=1)  # fmt: skip
    fast = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence="c_v",
                          topn=10, processes=1)  # fmt: skip
    assert _same_score(coherence_score(fast, n_jobs=2), ref.get_coherence())
    _assert_same_counts(ref._accumulator, fast._accumulator)
