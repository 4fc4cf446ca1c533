"""Association statistics of 2 x 2 contingency tables, shared by every stage.

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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import chi2

__all__ = [
    "expected_2x2",
    "log_likelihood_g2",
    "g2_p_value",
]


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
