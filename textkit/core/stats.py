"""Association statistics of 2 x 2 contingency tables and the cluster bootstrap, shared by
every stage.

One implementation of Dunning's (1993) log-likelihood ratio G² serves both the
co-occurrence weights of :mod:`textkit.cooc` (two terms in the units of one corpus) and the
keyness tables of :mod:`textkit.frames` (one term in two groups of texts), so the two report
the same number for the same table.

All functions are vectorised: each argument is an array-like of counts, one entry per table,
the four cells read row by row::

    [[o11, o12],
     [o21, o22]]

For a table with total ``n = o11 + o12 + o21 + o22`` and margins ``r_i`` (rows) and ``c_j``
(columns), the expected count of cell ``ij`` under independence is ``E_ij = r_i c_j / n``
and ``G² = 2 Σ O ln(O / E)`` over the four cells, a cell with ``O = 0`` contributing 0
(as ``scipy.stats.power_divergence(..., lambda_="log-likelihood")``). Its p-value is the
upper tail of the chi-square distribution with one degree of freedom.

:func:`cluster_bootstrap_totals` resamples clusters (documents, articles) with replacement
and sums their per-cluster totals, the one resampling step behind every group estimate with
a bootstrap interval (frame intensities per group in :mod:`textkit.frames.groups`, topic
prevalence in :mod:`textkit.topics.prevalence`);
:func:`percentile_interval` reads the interval off the replicates. Both stages give a group
an interval only when it has at least :data:`MIN_INTERVAL_DOCS` resampled units
(:func:`interval_note` says why one is missing): a bootstrap of one document is that
document every time, and one of two to four documents has only a handful of distinct
replicates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import chi2

__all__ = [
    "expected_2x2",
    "log_likelihood_g2",
    "g2_p_value",
    "cluster_bootstrap_totals",
    "percentile_interval",
    "MIN_INTERVAL_DOCS",
    "interval_note",
]

#: Fewest resampled units (documents, or articles in a cluster bootstrap) of a group with a
#: bootstrap interval: a group with fewer gets its estimate and a NaN interval, in every stage
#: (frame groups and contrasts of :mod:`textkit.frames.groups`, topic prevalence and contrasts
#: of :mod:`textkit.topics.prevalence`).
MIN_INTERVAL_DOCS = 5

#: Cells (replicates x clusters x columns) summed at a time by
#: :func:`cluster_bootstrap_totals`; bounds its memory, never changes its result.
_BLOCK_CELLS = 4_000_000


def _cells(o11: Any, o12: Any, o21: Any, o22: Any) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(o, dtype=np.float64) for o in (o11, o12, o21, o22))


def expected_2x2(
    o11: Any, o12: Any, o21: Any, o22: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected counts of 2 x 2 tables under independence.

    Parameters
    ----------
    o11, o12, o21, o22 : array-like of float
        Observed counts, one entry per table (broadcast together).

    Returns
    -------
    tuple of four ndarray
        ``(E11, E12, E21, E22)``, ``E_ij = r_i c_j / n``; 0 for a table whose total is 0.

    Examples
    --------
    >>> [float(e[0]) for e in expected_2x2([3], [1], [1], [0])]
    [3.2, 0.8, 0.8, 0.2]
    """
    a, b, c, d = _cells(o11, o12, o21, o22)
    row1, row2 = a + b, c + d
    col1, col2 = a + c, b + d
    n = row1 + row2
    ok = n > 0
    safe = np.where(ok, n, 1.0)
    return tuple(  # type: ignore[return-value]
        np.where(ok, r * k / safe, 0.0)
        for r, k in ((row1, col1), (row1, col2), (row2, col1), (row2, col2))
    )


def log_likelihood_g2(o11: Any, o12: Any, o21: Any, o22: Any) -> np.ndarray:
    """Dunning's log-likelihood ratio G² of 2 x 2 tables (vectorised).

    Parameters
    ----------
    o11, o12, o21, o22 : array-like of float
        Observed counts (non-negative), one entry per table.

    Returns
    -------
    ndarray of float
        ``G² = 2 Σ O ln(O / E)`` over the four cells (cells with ``O = 0`` contribute 0),
        never negative; 0 for a table with an empty row or column. Unsigned: large for
        attraction and repulsion alike (compare ``o11`` with ``E11`` for the direction).

    Examples
    --------
    >>> round(float(log_likelihood_g2([10], [0], [0], [10])[0]), 6)
    27.725887
    """
    obs = _cells(o11, o12, o21, o22)
    exp = expected_2x2(*obs)
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = [
            np.where(o > 0, o * np.log(o / np.where(e > 0, e, 1.0)), 0.0)
            for o, e in zip(obs, exp, strict=True)
        ]
    total = ((cells[0] + cells[1]) + cells[2]) + cells[3]
    return np.maximum(2.0 * total, 0.0)


def g2_p_value(g2: Any) -> np.ndarray:
    """p-value of G² (chi-square distribution, one degree of freedom, upper tail).

    Parameters
    ----------
    g2 : array-like of float
        Unsigned G² values (:func:`log_likelihood_g2`).

    Returns
    -------
    ndarray of float
    """
    return chi2.sf(np.asarray(g2, dtype=np.float64), 1)


def cluster_bootstrap_totals(totals: Any, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of column totals, resampling clusters with replacement.

    Each replicate draws as many clusters as there are (rows of ``totals``) with
    replacement and sums their rows. The draws are one call
    ``rng.integers(0, n_clusters, size=(n_boot, n_clusters))``, so a generator seeded
    the same way gives the same replicates; the sums are taken in blocks of replicates
    (bounded memory), each replicate's sum in cluster order whatever the block size.

    Parameters
    ----------
    totals : array-like of float, shape (n_clusters, k)
        Per-cluster totals (e.g. a document's weighted frame hits and tokens), one row a
        cluster. Put the clusters in a fixed order (sorted ids) for results that do not
        depend on the input order.
    n_boot : int
        Number of replicates (>= 1).
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float, shape (n_boot, k)
        Column totals of each replicate.

    Examples
    --------
    >>> import numpy as np
    >>> reps = cluster_bootstrap_totals([[1.0, 2.0]], 3, np.random.default_rng(0))
    >>> reps.tolist()
    [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]
    """
    x = np.asarray(totals, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"totals: expected a non-empty 2-d array, got shape {x.shape}")
    n = x.shape[0]
    idx = rng.integers(0, n, size=(n_boot, n))
    out = np.empty((n_boot, x.shape[1]), dtype=np.float64)
    step = max(1, _BLOCK_CELLS // max(1, n * x.shape[1]))
    for start in range(0, n_boot, step):
        out[start : start + step] = x[idx[start : start + step]].sum(axis=1)
    return out


def percentile_interval(replicates: Any, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of each column of the replicates (NaN replicates left
    out; NaN where a column has none).

    Parameters
    ----------
    replicates : array-like of float, shape (n_boot, k)
    ci : float in (0, 1)
        Confidence level; the bounds are the ``(1 - ci) / 2`` and ``(1 + ci) / 2``
        quantiles (numpy's default linear interpolation).

    Returns
    -------
    (ndarray, ndarray)
        Lower and upper bounds, ``k`` values each.
    """
    reps = np.asarray(replicates, dtype=np.float64)
    alpha = (1.0 - float(ci)) / 2.0
    lo = np.full(reps.shape[1], np.nan)
    hi = np.full(reps.shape[1], np.nan)
    for j in range(reps.shape[1]):
        col = reps[:, j]
        col = col[np.isfinite(col)]
        if col.size:
            lo[j], hi[j] = np.quantile(col, [alpha, 1.0 - alpha])
    return lo, hi


def interval_note(n_docs: int, min_docs: int = MIN_INTERVAL_DOCS, *, side: bool = False) -> str:
    """Why a group estimate has no bootstrap interval, or ``""`` when it has one.

    Parameters
    ----------
    n_docs : int
        Resampled units (documents, or articles in a cluster bootstrap) of the group; for a
        contrast, those of its smaller side.
    min_docs : int, default :data:`MIN_INTERVAL_DOCS`
        Fewest units of a group with an interval.
    side : bool, default False
        Word the note for a contrast of two groups (``"... on a side: no interval"``).

    Returns
    -------
    str
        ``""`` when ``n_docs >= min_docs``, else ``"fewer than <min_docs> documents: no
        interval"`` (with ``" on a side"`` for a contrast).

    Examples
    --------
    >>> interval_note(1)
    'fewer than 5 documents: no interval'
    >>> interval_note(5)
    ''
    >>> interval_note(3, side=True)
    'fewer than 5 documents on a side: no interval'
    """
    if int(n_docs) >= int(min_docs):
        return ""
    return f"fewer than {int(min_docs)} documents{' on a side' if side else ''}: no interval"
