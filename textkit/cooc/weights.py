"""Association weights of term pairs from their unit counts.

Association weights of a pair (a, b) with ``n_ab`` units containing both, ``n_a`` and
``n_b`` units containing each, and ``N`` units in all:

* ``count`` = n_ab (raw co-occurrence count);
* ``jaccard`` = n_ab / (n_a + n_b - n_ab) (KH Coder's default);
* ``dice`` = 2 n_ab / (n_a + n_b);
* ``ochiai`` = n_ab / sqrt(n_a n_b) (cosine of the binary unit vectors);
* ``pmi`` = log2(n_ab N / (n_a n_b)) (pointwise mutual information, in bits);
* ``npmi`` = pmi / -log2(n_ab / N) in [-1, 1] (Bouma 2009; 1 when n_ab = N, -1 when n_ab = 0);
* ``g2`` = 2 sum O ln(O / E) over the four cells of the 2 x 2 table (Dunning 1993
  log-likelihood ratio, :func:`textkit.core.stats.log_likelihood_g2`), with ``p_value`` =
  ``scipy.stats.chi2.sf(g2, 1)``; ``expected`` (= n_a n_b / N) tells the direction: G² is
  large for strong attraction *and* repulsion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textkit.core.stats import expected_2x2, g2_p_value, log_likelihood_g2

__all__ = ["WEIGHTS", "association"]

#: Edge weights computed for every edge (see the module docstring).
WEIGHTS = ("count", "jaccard", "dice", "ochiai", "pmi", "npmi", "g2")
#: Weights that are comparable between corpora of different size (used by compare_networks).
NORMALISED = ("jaccard", "dice", "ochiai", "npmi")


def association(n_ab: Any, n_a: Any, n_b: Any, n: int | float) -> dict[str, np.ndarray]:
    """Association weights of term pairs from their unit counts (vectorised).

    Parameters
    ----------
    n_ab : array-like of int
        Units containing both terms.
    n_a, n_b : array-like of int
        Units containing each term.
    n : int
        Number of units.

    Returns
    -------
    dict of str to ndarray
        ``count``, ``expected``, ``jaccard``, ``dice``, ``ochiai``, ``pmi``, ``npmi``,
        ``g2`` and ``p_value``, as defined in the module docstring.

    Examples
    --------
    >>> w = association([3], [4], [4], 5)
    >>> float(w["jaccard"][0])
    0.6
    """
    a = np.asarray(n_ab, dtype=np.float64)
    na = np.asarray(n_a, dtype=np.float64)
    nb = np.asarray(n_b, dtype=np.float64)
    n = float(n)
    if np.any(a > np.minimum(na, nb)) or np.any(na > n) or np.any(nb > n) or np.any(a < 0):
        raise ValueError("association: need 0 <= n_ab <= min(n_a, n_b) and n_a, n_b <= n")
    with np.errstate(divide="ignore", invalid="ignore"):
        union = na + nb - a
        jaccard = np.where(union > 0, a / union, 0.0)
        dice = np.where(na + nb > 0, 2 * a / (na + nb), 0.0)
        ochiai = np.where(na * nb > 0, a / np.sqrt(na * nb), 0.0)
        pmi = np.where(a > 0, np.log2(a * n / (na * nb)), -np.inf)
        h = -np.log2(a / n)
        npmi = np.where(a == 0, -1.0, np.where(h > 0, pmi / h, 1.0))
    # 2 x 2 unit table: both, a only, b only, neither
    table = (a, na - a, nb - a, n - na - nb + a)
    expected = expected_2x2(*table)[0]
    g2 = log_likelihood_g2(*table)
    return {
        "count": a.astype(np.int64),
        "expected": expected,
        "jaccard": jaccard,
        "dice": dice,
        "ochiai": ochiai,
        "pmi": pmi,
        "npmi": npmi,
        "g2": g2,
        "p_value": g2_p_value(g2),
    }
