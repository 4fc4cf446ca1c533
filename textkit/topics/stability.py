"""Do topics recur? Matching topics across seeds and between a seeded and an unseeded model.

:func:`topic_stability` refits a model with several seeds and matches topics to a reference
run with the Hungarian algorithm (like stm's ``selectModel``); :func:`match_topics` matches
two fitted models; :func:`compare_models` sets the topics of a seeded model against their
best matches in an unseeded one.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from textkit.core.checks import check_choice, check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._cache import _dtm_key, _fit_store, _map_cached
from textkit.topics._common import (
    _check_dtm,
    _check_k_vs_docs,
    _library_versions,
    _require_fitted,
    _row_lengths,
    _vocab_hash,
    _warn_empty,
)
from textkit.topics.describe import _top_term_lists
from textkit.topics.fit import checked_model

__all__ = ["StabilityResult", "match_topics", "topic_stability", "compare_models"]

logger = logging.getLogger(__name__)

_ROUND = 12  # similarities are rounded so that identical topics score exactly 1.0
_SIMILARITIES = ("cosine", "jaccard")


def _similarity(a: Any, b: Any, by: str, top_n: int) -> np.ndarray:
    """Topic x topic similarity of two fitted models (same vocabulary order not required;
    ``by`` checked by the caller)."""
    if by == "cosine":
        vocab = sorted(set(a.topic_term_.columns) | set(b.topic_term_.columns))
        x = a.topic_term_.reindex(columns=vocab, fill_value=0.0).to_numpy(dtype=np.float64)
        y = b.topic_term_.reindex(columns=vocab, fill_value=0.0).to_numpy(dtype=np.float64)
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        y = y / np.linalg.norm(y, axis=1, keepdims=True)
        sim = x @ y.T
    else:  # jaccard
        ta = [set(v) for v in _top_term_lists(a, top_n).values()]
        tb = [set(v) for v in _top_term_lists(b, top_n).values()]
        sim = np.array([[len(p & q) / len(p | q) for q in tb] for p in ta], dtype=np.float64)
    return np.clip(np.round(sim, _ROUND), 0.0, 1.0)


def match_topics(reference: Any, other: Any, by: str = "cosine", top_n: int = 10) -> pd.DataFrame:
    """Match the topics of two fitted models one-to-one (Hungarian algorithm).

    Parameters
    ----------
    reference, other : fitted topic models
    by : {"cosine", "jaccard"}, default "cosine"
        Cosine similarity of topic-term vectors (terms aligned by name) or Jaccard
        similarity of the top ``top_n`` term sets. Rounded to 12 decimals, so a model
        matched with itself scores exactly 1.
    top_n : int, default 10

    Returns
    -------
    DataFrame
        ``topic, matched_topic, similarity``, one row per reference topic, in reference
        topic order. When ``other`` has fewer topics, the reference topics left unmatched
        get an empty ``matched_topic`` and a NaN similarity (not 0: no topic was compared).
    """
    check_choice("by", by, _SIMILARITIES)
    check_int("top_n", top_n, 1)
    _require_fitted(reference, "reference")
    _require_fitted(other, "other")
    sim = _similarity(reference, other, by, top_n)
    return _match_table(reference, other, sim, _assign(sim))


def _assign(sim: np.ndarray, first: Iterable[int] = ()) -> dict[int, int]:
    """Row -> column of the one-to-one matching with the largest total similarity
    (Hungarian algorithm); rows left without a column when there are fewer columns are
    absent. With fewer columns than rows, the rows ``first`` are matched before any other
    (the best total among the matchings that match as many of them as possible); with
    columns enough for every row they change nothing."""
    n_rows, n_cols = sim.shape
    first = sorted(set(first))
    cost = sim
    if n_rows > n_cols and first:
        cost = sim.copy()  # a bonus larger than any total similarity: those rows go first
        cost[first] += min(n_rows, n_cols) + 1.0
    r, c = linear_sum_assignment(-cost)
    return dict(zip(r.tolist(), c.tolist(), strict=True))


def _match_table(reference: Any, other: Any, sim: np.ndarray, match: dict) -> pd.DataFrame:
    """``topic, matched_topic, similarity`` of a matching (:func:`_assign`); an unmatched
    row has ``matched_topic`` ``""`` and a NaN similarity, never a similarity of 0."""
    oth_labels = list(other.topic_term_.index)
    rows = []
    for i, label in enumerate(reference.topic_term_.index):
        j = match.get(i)
        rows.append((label, "", np.nan) if j is None else (label, oth_labels[j], float(sim[i, j])))
    return pd.DataFrame(rows, columns=["topic", "matched_topic", "similarity"])


@dataclass(frozen=True)
class StabilityResult:
    """Outcome of :func:`topic_stability`.

    Attributes
    ----------
    matches : DataFrame
        ``seed, topic, matched_topic, similarity``: each reference topic's match in every
        other run.
    per_topic : DataFrame
        ``topic, stability, min_similarity, top_terms``: mean and minimum matched
        similarity of each reference topic across the other runs, with its top terms.
    summary : dict
        ``n_topics, n_runs, reference_seed, by, mean_stability, min_stability,
        share_stable`` (share of topics with stability >= ``threshold``), ``threshold``.
    config : dict
        The settings of the runs.
    """

    matches: pd.DataFrame
    per_topic: pd.DataFrame
    summary: dict
    config: dict = field(default_factory=dict)


def _check_reference(reference: Any, expected: Any, dtm: DocumentTermMatrix) -> None:
    """Raise unless ``reference`` is ``expected`` (an unfitted model) fitted on ``dtm``."""
    problem = ""
    if type(reference) is not type(expected):
        problem = f"a {type(reference).__name__}, not a {type(expected).__name__}"
    elif getattr(reference, "config", None) != expected.config:
        problem = f"settings {reference.config} differ from {expected.config}"
    elif not hasattr(reference, "topic_term_"):
        problem = "not fitted"
    elif tuple(reference.doc_ids_) != tuple(dtm.doc_ids) or reference.vocabulary_hash_ != (
        _vocab_hash(dtm.vocabulary)
    ):
        problem = "fitted on other documents or another vocabulary"
    if problem:
        raise ValueError(f"reference: {problem}; it must be the first seed's run on dtm")


def _fit_quietly(model: Any, dtm: DocumentTermMatrix) -> Any:
    """``model.fit(dtm)`` without the per-fit empty-document warning (reported once)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return model.fit(dtm)


def topic_stability(
    dtm: DocumentTermMatrix,
    n_topics: int,
    seeds: Iterable[int] = range(5),
    method: str = "lda",
    by: str = "cosine",
    top_n: int = 10,
    threshold: float = 0.8,
    n_jobs: int = 1,
    reference: Any = None,
    cache: bool | str | os.PathLike = False,
    **model_kwargs: Any,
) -> StabilityResult:
    """Refit with several seeds and measure how well topics recur (cf. stm ``selectModel``).

    The run with the first seed is the reference; every other run's topics are matched to
    it one-to-one with the Hungarian algorithm (:func:`scipy.optimize.linear_sum_assignment`)
    on cosine similarity of topic-term vectors (or Jaccard similarity of top terms). A
    topic's stability is its mean matched similarity across runs: 1 means the same topic in
    every run.

    Parameters
    ----------
    dtm : DocumentTermMatrix
    n_topics : int
    seeds : iterable of int, default range(5)
        At least two entries; the first is the reference. Repeating a seed is allowed
        (a deterministic model then matches itself with similarity 1).
    method : {"lda", "nmf"}, default "lda"
        For NMF use ``init="random"``, otherwise the seed hardly matters.
    by : {"cosine", "jaccard"}, default "cosine"
    top_n : int, default 10
        Top terms for Jaccard similarity and for the ``top_terms`` column.
    threshold : float in [0, 1], default 0.8
        Stability counted as "stable" in the summary.
    n_jobs : int, default 1
        Fit the runs in this many worker processes (``-1``: every core); the result is
        identical to ``n_jobs=1``.
    reference : fitted model, optional
        The reference run, already fitted (e.g. the model being reported): it is used
        instead of refitting the first seed. It must be the same model class with the
        first seed and the same settings, fitted on ``dtm`` (same documents and
        vocabulary); fits are deterministic, so the result equals the one without it.
    cache : bool or path-like, default False
        Keep the topic-term matrix of each run in the stage cache (``True``: the project's
        ``.cache/textkit/stages``; a path: that directory), keyed by the matrix, the model
        class and settings, the seed, the library versions and textkit's code; a rerun
        fits only the runs not cached yet. The reference run is always a fitted model
        (``reference``, or fitted here), as it is returned through its top terms.
    **model_kwargs
        Further model parameters (e.g. ``passes=5``).

    Returns
    -------
    StabilityResult
    """
    _check_dtm(dtm)
    seed_list = [check_int("seeds", s, 0) for s in seeds]
    if len(seed_list) < 2:
        raise InvalidParameterError("seeds: give at least two seeds (the first is the reference)")
    check_choice("by", by, _SIMILARITIES)
    check_int("top_n", top_n, 1)
    check_number("threshold", threshold, 0, 1)
    models = [checked_model(method, n_topics, s, model_kwargs) for s in seed_list]
    _check_k_vs_docs(n_topics, dtm)
    _warn_empty(dtm.doc_ids, _row_lengths(dtm.matrix.tocsr()))  # once, not once per run
    fit = functools.partial(_fit_quietly, dtm=dtm)
    if reference is not None:
        _check_reference(reference, models[0], dtm)
    store = _fit_store(cache)
    keys: list[dict[str, Any] | None] = [None] * len(models)  # the reference is never cached
    if store is not None:
        matrix_key, libraries = _dtm_key(dtm), _library_versions()
        for i, m in enumerate(models[1:], start=1):
            keys[i] = {
                "dtm": matrix_key,
                "class": type(m).__name__,
                "config": m._stamp_params(),
                "libraries": libraries,
            }
    first = 0 if reference is None else 1
    runs, n_hits = _map_cached(
        fit, models[first:], keys[first:], store, "topic_run", n_jobs, _run_table, _stored_run
    )
    if n_hits:
        logger.info("topic_stability: %d runs from the cache", n_hits)
    fitted = runs if reference is None else [reference, *runs]
    ref = fitted[0]
    parts = []
    for s, m in zip(seed_list[1:], fitted[1:], strict=True):
        t = match_topics(ref, m, by=by, top_n=top_n)
        t.insert(0, "seed", s)
        parts.append(t)
    matches = pd.concat(parts, ignore_index=True)
    terms = _top_term_lists(ref, top_n)
    labels = list(ref.topic_labels_)
    g = matches.groupby("topic", sort=False)["similarity"]
    per_topic = pd.DataFrame(
        {
            "topic": labels,
            "stability": [float(g.get_group(t).mean()) for t in labels],
            "min_similarity": [float(g.get_group(t).min()) for t in labels],
            "top_terms": [" ".join(terms[t]) for t in labels],
        }
    )
    per_topic["stability"] = per_topic["stability"].round(_ROUND)
    summary = {
        "n_topics": int(n_topics),
        "n_runs": len(seed_list),
        "reference_seed": seed_list[0],
        "by": by,
        "mean_stability": float(round(per_topic["stability"].mean(), _ROUND)),
        "min_stability": float(per_topic["stability"].min()),
        "share_stable": float((per_topic["stability"] >= threshold).mean()),
        "threshold": float(threshold),
    }
    config = {"method": method, "seeds": seed_list, "top_n": top_n, **model_kwargs}
    return StabilityResult(matches=matches, per_topic=per_topic, summary=summary, config=config)


# --------------------------------------------------------------------------- seeded vs unseeded


def compare_models(seeded: Any, unseeded: Any, n: int = 10) -> pd.DataFrame:
    """Compare a seeded model's topics with their best match in an unseeded model.

    Each topic of ``seeded`` is matched to a topic of ``unseeded`` by cosine similarity of
    topic-term vectors (one-to-one, Hungarian algorithm: the matching with the largest total
    similarity). For seeded topics the table shows how much probability mass the seed words
    carry in the seeded topic and in its unseeded match: if the unseeded model already finds
    a frame topic, the two are similar; if the seeds carry much more mass in the seeded
    topic, the frame was imposed by the prior.

    The comparison is meant for two models with as many topics
    (:meth:`TopicConfig.seeded_model <textkit.topics.config.TopicConfig.seeded_model>` makes
    the seeded model of a project so). When ``unseeded`` has fewer topics than ``seeded``,
    not every topic can have a match of its own: the seeded frame topics are matched first
    (each to an unseeded topic, as long as there are topics for them), the free topics share
    what is left, and a topic left over gets no match: an empty ``matched_topic``, NaN
    ``similarity`` and ``matched_*`` values, and a ``note`` saying why (a warning is
    logged). A missing match is never shown as a similarity of 0.

    Parameters
    ----------
    seeded : fitted SeededLdaTopicModel (or any fitted model)
    unseeded : fitted topic model on the same documents
    n : int, default 10
        Top terms shown.

    Returns
    -------
    DataFrame
        ``topic, seeded, top_terms, prevalence, matched_topic, similarity,
        matched_top_terms, matched_prevalence, seed_mass, matched_seed_mass, note``
        (``seed_mass`` columns are NaN for free topics; ``note`` is empty, or says why a
        topic has no match).
    """
    for name, m in (("seeded", seeded), ("unseeded", unseeded)):
        _require_fitted(m, name)
    check_int("n", n, 1)
    seeds = getattr(seeded, "seeds_used_", {})
    labels_s = list(seeded.topic_term_.index)
    sim = _similarity(seeded, unseeded, "cosine", n)
    frames = [i for i, t in enumerate(labels_s) if seeds.get(t)]
    match = _match_table(seeded, unseeded, sim, _assign(sim, first=frames))
    t_s = _top_term_lists(seeded, n)
    t_u = _top_term_lists(unseeded, n)
    prev_s = seeded.doc_topic_.mean(axis=0)
    prev_u = unseeded.doc_topic_.mean(axis=0)
    k_s, k_u = sim.shape
    rows = []
    for topic, other, similarity in match.itertuples(index=False):
        words = seeds.get(topic, [])
        if words:
            mass = float(seeded.topic_term_.loc[topic].reindex(words, fill_value=0).sum())
            mmass = (
                float(unseeded.topic_term_.loc[other].reindex(words, fill_value=0).sum())
                if other
                else np.nan
            )
        else:
            mass = mmass = np.nan
        note = ""
        if not other:
            which = "seeded frame topics" if words else "seeded topics"
            needed = len(frames) if words else k_s
            has = f"{k_u} topic{'s' if k_u != 1 else ''}"
            first = "" if words else ", and the frame topics are matched first"
            note = f"no match: the unseeded model has {has} for {needed} {which}{first}"
        rows.append(
            {
                "topic": topic,
                "seeded": bool(words),
                "top_terms": " ".join(t_s[topic]),
                "prevalence": float(prev_s[topic]),
                "matched_topic": other,
                "similarity": similarity,
                "matched_top_terms": " ".join(t_u[other]) if other else "",
                "matched_prevalence": float(prev_u[other]) if other else np.nan,
                "seed_mass": mass,
                "matched_seed_mass": mmass,
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    unmatched = out.loc[out["matched_topic"] == "", "topic"].tolist()
    if unmatched:
        logger.warning(
            "compare_models: the seeded model has %d topics and the unseeded %d; %d get no "
            "match (NaN similarity, see note): %s. Fit both with as many topics",
            k_s, k_u, len(unmatched), ", ".join(map(str, unmatched)),
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class _StoredRun:
    """A run of :func:`topic_stability` read back from the cache: its topic-term matrix."""

    topic_term_: pd.DataFrame


def _run_table(model: Any) -> pd.DataFrame | None:
    """A fitted run's topic-term matrix as a cacheable table (terms as rows)."""
    tt = model.topic_term_
    if "term" in map(str, tt.index):
        return None  # a topic named like the key column: not cached
    out = tt.T.reset_index(names="term")
    out.columns = ["term", *map(str, tt.index)]
    return out


def _stored_run(table: pd.DataFrame) -> _StoredRun:
    tt = table.set_index("term").T
    tt.index.name, tt.columns.name = "topic", "term"  # as a fitted model's topic_term_
    return _StoredRun(topic_term_=tt)
