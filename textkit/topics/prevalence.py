"""Group effects: mean topic shares per group with bootstrap intervals, and contrasts.

:func:`topic_prevalence` estimates mean topic shares per group with bootstrap confidence
intervals over documents (a simple, transparent stand-in for stm's ``estimateEffect``); for
paragraph models the bootstrap resamples whole articles (``clusters``).
:func:`prevalence_contrast` gives the difference between two groups with its interval.
A group of fewer than :data:`~textkit.core.stats.MIN_INTERVAL_DOCS` (5) resampled units gets
no interval, as in the frame groups of :mod:`textkit.frames.groups`.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.groups import group_key, group_labels
from textkit.core.stats import MIN_INTERVAL_DOCS, cluster_bootstrap_totals, interval_note
from textkit.topics._common import _require_fitted

__all__ = ["topic_prevalence", "prevalence_contrast"]

logger = logging.getLogger(__name__)


def _group_clusters(
    model: Any,
    groups: pd.Series,
    clusters: pd.Series | None,
    include_empty: bool,
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str]]:
    """Per group (in :func:`~textkit.core.groups.group_labels` order): per-cluster sums of
    topic shares and unit counts.

    Without ``clusters`` every model document is its own cluster.
    """
    _require_fitted(model, attribute="doc_topic_")
    if not isinstance(groups, pd.Series):
        raise InvalidParameterError("groups: expected a pandas Series indexed by doc_id")
    if groups.index.has_duplicates:
        raise ValueError("groups: the index (doc_id) has duplicates")
    theta = model.doc_topic_
    if not include_empty and model.empty_docs_:
        theta = theta.drop(index=list(model.empty_docs_))
    g = groups.copy()
    g.index = g.index.astype(str)
    g, group_order = group_labels(g)
    if clusters is None:
        cluster_of = pd.Series(list(theta.index), index=theta.index, dtype=object)
    else:
        if not isinstance(clusters, pd.Series):
            raise InvalidParameterError(
                "clusters: expected a pandas Series (model doc id -> cluster id)"
            )
        if clusters.index.has_duplicates:
            raise ValueError("clusters: the index (model doc id) has duplicates")
        c = clusters.copy()
        c.index = c.index.astype(str)
        missing = [d for d in theta.index if d not in c.index]
        if missing:
            raise ValueError(
                f"clusters: no cluster for {len(missing)} of the model's documents, "
                f"e.g. {missing[0]!r}"
            )
        cluster_of = c.loc[list(theta.index)].astype(str)
    keep = cluster_of.isin(g.index).to_numpy()
    if not keep.any():
        what = "cluster id of clusters" if clusters is not None else "doc_id"
        raise ValueError(f"groups: no {what} in common with the model's documents")
    if (~keep).any():
        logger.info("topic_prevalence: %d documents without a group are left out", (~keep).sum())
    x = theta.to_numpy(dtype=np.float64)[keep]
    cl = cluster_of.to_numpy()[keep]
    order = sorted(set(cl))
    pos = {k: i for i, k in enumerate(order)}
    idx = np.array([pos[k] for k in cl], dtype=np.int64)
    sums = np.zeros((len(order), x.shape[1]), dtype=np.float64)
    np.add.at(sums, idx, x)
    counts = np.bincount(idx, minlength=len(order)).astype(np.float64)
    labels = g.loc[order].to_numpy()
    out = {}
    present = set(labels)
    for group in (k for k in group_order if k in present):
        sel = labels == group
        out[group] = (sums[sel], counts[sel])
    return out, [str(t) for t in theta.columns]


def _boot_means(
    sums: np.ndarray, counts: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates (n_boot x K) of the mean share, resampling clusters
    (:func:`textkit.core.stats.cluster_bootstrap_totals`)."""
    totals = cluster_bootstrap_totals(np.column_stack([sums, counts]), n_boot, rng)
    return totals[:, :-1] / totals[:, -1:]


def topic_prevalence(
    model: Any,
    groups: pd.Series,
    n_boot: int = 1000,
    random_state: int = 0,
    ci: float = 0.95,
    include_empty: bool = False,
    clusters: pd.Series | None = None,
    min_docs: int = MIN_INTERVAL_DOCS,
) -> pd.DataFrame:
    """Mean topic share per group with percentile bootstrap confidence intervals.

    The estimate is the mean topic share of the model's documents in a group. Documents
    are resampled with replacement within each group (``n_boot`` times,
    ``numpy.random.default_rng(random_state)``, groups in table order), so the interval
    reflects which documents happen to be in the corpus. When the model was fit on
    paragraphs, pass ``clusters`` (paragraph -> article): whole articles are then resampled
    (a cluster bootstrap), because paragraphs of one article are not independent
    observations, and ``groups`` labels articles. This describes differences; it does not
    adjust for other covariates (stm's ``estimateEffect`` regression does).

    A group of fewer than ``min_docs`` resampled units (articles with ``clusters``) gets its
    mean and a NaN interval, with a ``note`` saying why: the bootstrap of a single article
    is that article every time (a zero-width "interval"), and a few articles give a handful
    of distinct replicates. The rule and its default are those of the frame groups
    (:func:`textkit.frames.groups.frame_groups`,
    :data:`~textkit.core.stats.MIN_INTERVAL_DOCS`). Such a group's replicates are still
    drawn, so the other groups' intervals do not depend on ``min_docs``.

    Parameters
    ----------
    model : fitted topic model
    groups : Series
        Group label per document, indexed by ``doc_id`` (e.g. ``docs.set_index("doc_id")
        ["era"]``), or per cluster when ``clusters`` is given. Documents without a label
        (missing or NaN) are left out (logged).
    n_boot : int, default 1000
    random_state : int, default 0
    ci : float in (0, 1), default 0.95
    include_empty : bool, default False
        Keep documents without tokens (whose shares are only the prior).
    clusters : Series, optional
        Model document id -> cluster id (e.g. :attr:`TopicData.unit_doc`, paragraph ->
        article). Every model document needs a cluster.
    min_docs : int, default :data:`~textkit.core.stats.MIN_INTERVAL_DOCS` (5)
        Fewest resampled units of a group with an interval (>= 1).

    Returns
    -------
    DataFrame
        ``group, topic, mean, lo, hi, n_docs, n_units, note`` by group then topic order;
        ``n_docs`` counts the resampled units (articles when ``clusters`` is given),
        ``n_units`` the model documents averaged; ``lo`` and ``hi`` are NaN and ``note``
        says so (:func:`~textkit.core.stats.interval_note`) when ``n_docs < min_docs``,
        ``note`` is empty otherwise. ``group`` holds the labels as strings
        (:func:`textkit.core.groups.group_key`: a year 2015 stored as ``Int64``, float or
        text is ``"2015"``); groups are in numeric order when ``groups`` holds numbers
        (years 999, 2015), else sorted as strings.
    """
    check_int("n_boot", n_boot, 1)
    check_int("random_state", random_state, 0)
    check_number("ci", ci, 0, 1, low_open=True, high_open=True)
    check_int("min_docs", min_docs, 1)
    parts, topics = _group_clusters(model, groups, clusters, include_empty)
    rng = np.random.default_rng(random_state)
    a = (1.0 - float(ci)) / 2.0
    rows = []
    for group, (sums, counts) in parts.items():
        boots = _boot_means(sums, counts, n_boot, rng)  # drawn for every group (see above)
        note = interval_note(len(counts), min_docs)
        lo = hi = np.full(len(topics), np.nan)
        if not note:
            lo = np.quantile(boots, a, axis=0)
            hi = np.quantile(boots, 1 - a, axis=0)
        mean = sums.sum(axis=0) / counts.sum()
        for k, topic in enumerate(topics):
            rows.append(
                (group, topic, float(mean[k]), float(lo[k]), float(hi[k]), len(counts),
                 int(counts.sum()), note)
            )  # fmt: skip
    columns = ["group", "topic", "mean", "lo", "hi", "n_docs", "n_units", "note"]
    return pd.DataFrame(rows, columns=columns)


def prevalence_contrast(
    model: Any,
    groups: pd.Series,
    a: str,
    b: str,
    n_boot: int = 1000,
    random_state: int = 0,
    ci: float = 0.95,
    clusters: pd.Series | None = None,
    min_docs: int = MIN_INTERVAL_DOCS,
) -> pd.DataFrame:
    """Difference in mean topic share between two groups, with a bootstrap interval.

    Documents (or, with ``clusters``, whole clusters such as articles) are resampled with
    replacement within each group independently (``numpy.random.default_rng(random_state)``);
    the interval is the percentile interval of the resampled differences
    ``mean_a - mean_b``. Empty documents are left out.

    Parameters
    ----------
    model : fitted topic model
    groups : Series
        Group label per document (or per cluster), indexed by ``doc_id``.
    a, b : str or number
        The two groups compared (``a - b``), matched as strings like the labels of
        :func:`topic_prevalence` (``2015`` and ``"2015"`` are the same group).
    n_boot, random_state, ci, clusters, min_docs
        As :func:`topic_prevalence`; a side with fewer than ``min_docs`` resampled units
        gives a NaN interval and a ``note`` (as
        :func:`textkit.frames.groups.frame_contrast`).

    Returns
    -------
    DataFrame
        ``topic, mean_a, mean_b, diff, lo, hi, n_a, n_b, note`` in topic order (``n_a``,
        ``n_b`` count resampled units); ``lo > 0`` or ``hi < 0`` marks a difference that the
        resampling does not explain away.
    """
    check_int("n_boot", n_boot, 1)
    check_int("random_state", random_state, 0)
    check_number("ci", ci, 0, 1, low_open=True, high_open=True)
    check_int("min_docs", min_docs, 1)
    if group_key(a) == group_key(b):
        raise InvalidParameterError("a, b: give two different groups")
    parts, topics = _group_clusters(model, groups, clusters, include_empty=False)
    for name, grp in (("a", a), ("b", b)):
        if group_key(grp) not in parts:
            raise ValueError(f"{name}: group {grp!r} not found; groups are {list(parts)}")
    rng = np.random.default_rng(random_state)
    boots, means, ns = [], [], []
    for grp in (group_key(a), group_key(b)):
        sums, counts = parts[grp]
        boots.append(_boot_means(sums, counts, n_boot, rng))
        means.append(sums.sum(axis=0) / counts.sum())
        ns.append(len(counts))
    diff = boots[0] - boots[1]
    q = (1.0 - float(ci)) / 2.0
    note = interval_note(min(ns), min_docs, side=True)
    lo = hi = np.full(len(topics), np.nan)
    if not note:
        lo, hi = np.quantile(diff, q, axis=0), np.quantile(diff, 1 - q, axis=0)
    return pd.DataFrame(
        {
            "topic": topics,
            "mean_a": means[0],
            "mean_b": means[1],
            "diff": means[0] - means[1],
            "lo": lo,
            "hi": hi,
            "n_a": ns[0],
            "n_b": ns[1],
            "note": note,
        }
    )
