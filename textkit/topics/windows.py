"""Sliding-window word counts for gensim's coherence measures, computed with numpy.

gensim's ``c_v``, ``c_npmi`` and ``c_uci`` coherence read how many sliding windows of the texts
contain each top word and each pair of top words
(:class:`gensim.topic_coherence.text_analysis.WordOccurrenceAccumulator`). gensim visits the
windows one at a time in Python, which is most of the time of a coherence score on a corpus of
any size. :func:`window_accumulator` computes the same counts for all windows of a text at once
and hands them to gensim in gensim's own accumulator, so gensim still computes the measure.

For ``c_v`` the measure itself is computed here too (:func:`c_v_per_topic`): gensim builds
every topic word's context vector as a sparse matrix one pair at a time, which on 20 topics
took longer than the counts. The formula is gensim's (normalised log-ratio of the counts,
``EPSILON`` 1e-12, context vectors over the topic's words, cosine to the whole topic's
vector, means over words then topics); only the order of some additions differs, so the
score equals gensim's to rounding (tested to 1e-12).

The counts are gensim's exactly, including how its window slides: at each step the word that
leaves the window is marked absent and the word that enters is marked present, so a word that
leaves while another copy of it stays in the window counts as absent until a copy enters again.
A word is therefore present in window ``i`` when its latest entry (a copy in the first window,
or the word entering at step ``i``) is no older than its latest exit. A text shorter than the
window is one window; an empty text is a window with no word.
``tests/topics/test_windows.py`` checks the counts and the scores against gensim's own on the
seed corpus and on generated texts.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "PARALLEL_MIN_TOKENS",
    "c_v_per_topic",
    "coherence_score",
    "window_accumulator",
    "window_counts",
]

#: Windows handled in one block per text (bounds the memory of a very long text).
_BLOCK = 4096
#: :func:`window_counts` uses worker processes (``n_jobs > 1``) from this many tokens on.
PARALLEL_MIN_TOKENS = 200_000


def window_counts(
    texts: Sequence[Sequence[str]],
    ids: Mapping[str, int],
    n_words: int,
    window: int,
    n_jobs: int = 1,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Windows containing each word and each pair of words, as gensim's accumulator counts them.

    Parameters
    ----------
    texts : sequence of sequence of str
        Tokenised texts.
    ids : mapping of str to int
        The words counted and their positions ``0 .. n_words - 1``; other tokens are ignored
        (they still take their place in the windows).
    n_words : int
    window : int
        Window size in tokens.
    n_jobs : int, default 1
        Worker processes, each counting a run of texts, from :data:`PARALLEL_MIN_TOKENS`
        tokens on; the counts are integers, so their sum is the same for any value.

    Returns
    -------
    occurrences : ndarray of int64, shape (n_words,)
    co_occurrences : ndarray of int64, shape (n_words, n_words)
        Symmetric; the diagonal holds the occurrences.
    n_windows : int
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    coded = _Coded(_codes(texts, ids), bounds, n_words, window)
    if n_jobs <= 1 or bounds[-1] < PARALLEL_MIN_TOKENS or len(texts) < 2:
        return coded.count(0, len(texts))
    from textkit.core.executor import map_shared

    inner = np.searchsorted(bounds, bounds[-1] * np.arange(1, n_jobs) / n_jobs)
    cuts = np.unique(np.r_[0, inner, len(texts)])
    runs = list(itertools.pairwise(cuts.tolist()))
    parts = map_shared(_count_run, coded, runs, n_jobs, 1)
    occurrences = np.sum([p[0] for p in parts], axis=0)
    co = np.sum([p[1] for p in parts], axis=0)
    return occurrences, co, sum(p[2] for p in parts)


class _Coded:
    """The token ids of a list of texts laid end to end, and how to count their windows."""

    def __init__(self, codes: np.ndarray, bounds: np.ndarray, n_words: int, window: int):
        self.codes, self.bounds, self.n_words, self.window = codes, bounds, n_words, window

    def count(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, int]:
        """The counts of texts ``lo .. hi - 1``."""
        window = self.window
        occurrences = np.zeros(self.n_words, dtype=np.int64)
        co = np.zeros((self.n_words, self.n_words), dtype=np.int64)
        n_windows = 0
        for i in range(lo, hi):
            codes = self.codes[self.bounds[i] : self.bounds[i + 1]]
            n = len(codes)
            m = n - window + 1 if n >= window else 1
            n_windows += m
            where = np.flatnonzero(codes >= 0)
            if not len(where):
                continue
            words, local = np.unique(codes[where], return_inverse=True)
            if m == 1:  # one window: the whole text (or its first `window` tokens)
                present = np.zeros((1, len(words)), dtype=bool)
                present[0, local] = True
            else:
                present = _presence(where, local, len(words), m, window)
            counts = present.astype(np.float64)  # float products of 0/1 counts are exact
            occurrences[words] += present.sum(axis=0)
            co[np.ix_(words, words)] += np.rint(counts.T @ counts).astype(np.int64)
        return occurrences, co, n_windows


def _count_run(coded: _Coded, run: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """The counts of one run of texts in a worker process, with one BLAS thread: two
    workers that each start BLAS threads on the same cores wait on each other (measured
    four times slower); the counts are exact integers whatever the threads."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    with threadpool_limits(limits=1, user_api="blas"):
        return coded.count(*run)


def _codes(texts: Sequence[Sequence[str]], ids: Mapping[str, int]) -> np.ndarray:
    """The id of every token of the texts, laid end to end (-1 for tokens not counted),
    looked up in one vectorised pass."""
    import pandas as pd

    tokens = list(itertools.chain.from_iterable(texts))
    if not tokens or not ids:
        return np.full(len(tokens), -1, dtype=np.int64)
    words = list(ids)
    values = np.append(np.fromiter((ids[w] for w in words), dtype=np.int64, count=len(words)), -1)
    # get_indexer: position in ``words``, -1 when absent (which picks the appended -1)
    return values[pd.Index(words, dtype=object).get_indexer(pd.Index(tokens, dtype=object))]


def _presence(
    positions: np.ndarray, words: np.ndarray, n_words: int, m: int, window: int
) -> np.ndarray:
    """``present[i, k]``: word ``k`` is marked present at window ``i`` (``m`` windows)."""
    # entries: every copy in the first window at step 0, the token at p >= window at p - window + 1
    first = positions < window
    enter_step = np.where(first, 0, positions - window + 1)
    # exits: the token at p leaves at step p + 1 (steps 1 .. m - 1)
    leaves = positions + 1 <= m - 1
    present = np.zeros((m, n_words), dtype=bool)
    last_in = np.full(n_words, -1, dtype=np.int32)
    last_out = np.full(n_words, -1, dtype=np.int32)
    for start in range(0, m, _BLOCK):
        stop = min(start + _BLOCK, m)
        span = stop - start
        ins = np.full((span, n_words), -1, dtype=np.int32)
        outs = np.full((span, n_words), -1, dtype=np.int32)
        sel = (enter_step >= start) & (enter_step < stop)
        ins[enter_step[sel] - start, words[sel]] = enter_step[sel]
        out_step = positions + 1
        sel = leaves & (out_step >= start) & (out_step < stop)
        outs[out_step[sel] - start, words[sel]] = out_step[sel]
        ins[0] = np.maximum(ins[0], last_in)
        outs[0] = np.maximum(outs[0], last_out)
        np.maximum.accumulate(ins, axis=0, out=ins)
        np.maximum.accumulate(outs, axis=0, out=outs)
        # an entry and an exit at the same step: the exit is applied first
        present[start:stop] = (ins >= 0) & (ins >= outs)
        last_in, last_out = ins[-1], outs[-1]
    return present


def window_accumulator(model: Any, n_jobs: int = 1) -> Any:
    """gensim's accumulator for a sliding-window ``CoherenceModel``, filled by
    :func:`window_counts` (the model's texts, dictionary, topics and window size; ``n_jobs``
    worker processes)."""
    import scipy.sparse as sp
    from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    segmented = model.measure.seg(model.topics)
    acc = WordOccurrenceAccumulator(unique_ids_from_segments(segmented), model.dictionary)
    ids = {w: acc.id2contiguous[acc.token2id[w]] for w in acc.relevant_words}
    occurrences, co, n_windows = window_counts(
        model.texts, ids, len(acc.id2contiguous), model.window_size, n_jobs=n_jobs
    )
    acc._occurrences = occurrences.astype(np.uint32)
    acc._co_occurrences = sp.csr_matrix(co.astype(np.uint32))
    acc._num_docs = n_windows
    return acc


def c_v_per_topic(model: Any, accumulator: Any) -> list[float]:
    """gensim's ``c_v`` of each topic of a ``CoherenceModel`` from a filled word-occurrence
    accumulator (what ``model.get_coherence_per_topic()`` returns, to rounding).

    For the topic's words ``w_1 … w_n``: ``npmi(a, b) = log((p(a, b) + eps) / (p(a) p(b))) /
    -log(p(a, b) + eps)`` over the windows (``p(a, a) = p(a)``); the context vector of ``w_i``
    is ``npmi(w_i, ·)`` and that of the whole topic the sum of all of them; the topic's score
    is the mean cosine between each word's vector and the topic's.
    """
    from gensim.topic_coherence.direct_confirmation_measure import EPSILON

    n = float(accumulator.num_docs)
    occurrences = np.asarray(accumulator._occurrences, dtype=np.float64)
    co = accumulator._co_occurrences
    out = []
    for topic in model.topics:
        at = np.array([accumulator.id2contiguous[int(w)] for w in topic], dtype=np.int64)
        pair = np.asarray(co[at][:, at].todense(), dtype=np.float64) / n
        single = occurrences[at] / n
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log((pair + EPSILON) / np.outer(single, single)) / -np.log(pair + EPSILON)
            whole = npmi.sum(axis=0)
            cosines = (npmi @ whole) / (np.sqrt((npmi**2).sum(axis=1)) * np.sqrt((whole**2).sum()))
        out.append(float(np.mean(cosines)))
    return out


def coherence_score(model: Any, n_jobs: int = 1) -> float:
    """``model.get_coherence()`` of a gensim ``CoherenceModel``, its sliding-window counts
    (``c_v``, ``c_npmi``, ``c_uci``) computed by :func:`window_accumulator` (``n_jobs``
    worker processes) and ``c_v`` itself by :func:`c_v_per_topic`; other measures are left
    to gensim."""
    if model.coherence in ("c_v", "c_npmi", "c_uci") and model.texts is not None:
        model._accumulator = window_accumulator(model, n_jobs=n_jobs)
        if model.coherence == "c_v":
            return float(np.mean(c_v_per_topic(model, model._accumulator)))
    return float(model.get_coherence())
