"""``top_rounded`` gives the positions of the full ranking on rounded values."""

from __future__ import annotations

import numpy as np
import pytest

from textkit.core.precision import round_sig, top_rounded


def _full(values, n):
    return np.argsort(-round_sig(values), kind="stable")[:n]


@pytest.mark.parametrize("seed", range(6))
def test_top_rounded_equals_ranking_every_rounded_value(seed):
    """On values with near-ties in the 6th to 8th digit, repeats, zeros, negative values,
    logs of probabilities and non-finite values."""
    rng = np.random.default_rng(seed)
    base = rng.dirichlet(np.full(3000, 0.05))
    near = np.repeat(rng.random(50), 20) * (
        1 + rng.integers(-3, 4, 1000) * 10.0 ** -rng.integers(6, 9, 1000)
    )
    cases = [base, np.log(base + 1e-300), -base, near, np.r_[near, np.zeros(30)],
             np.round(base, 4), np.r_[base, np.nan], np.r_[-np.inf, base]]  # fmt: skip
    for values in cases:
        for n in (1, 10, 37, len(values), len(values) + 5):
            assert top_rounded(values, n).tolist() == _full(values, n).tolist()
    assert top_rounded(base, 0).tolist() == []
