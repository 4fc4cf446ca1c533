"""Tests of textkit.core.stats: G² of 2 x 2 tables against scipy's power divergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2, power_divergence
from scipy.stats.contingency import expected_freq

from textkit.core.stats import expected_2x2, g2_p_value, log_likelihood_g2

TABLES = [
    [[3, 1], [1, 0]],  # a zero cell
    [[0, 5], [3, 7]],  # a zero cell, the other way round
    [[10, 0], [0, 10]],  # two zero cells: perfect association
    [[12, 40], [300, 5000]],
    [[1, 1], [1, 1]],  # independence: G² = 0
    [[7, 2], [2_000_000, 3_500_000]],  # large margins
]


@pytest.mark.parametrize("table", TABLES)
def test_g2_matches_scipy_power_divergence(table):
    obs = np.asarray(table, dtype=float)
    exp = expected_freq(obs)
    ref = power_divergence(obs.ravel(), exp.ravel(), ddof=2, lambda_="log-likelihood")
    (o11, o12), (o21, o22) = table
    g2 = log_likelihood_g2([o11], [o12], [o21], [o22])
    assert g2[0] == pytest.approx(ref.statistic, rel=1e-12, abs=1e-12)
    assert g2_p_value(g2)[0] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
    e = np.array([x[0] for x in expected_2x2([o11], [o12], [o21], [o22])]).reshape(2, 2)
    np.testing.assert_allclose(e, exp, rtol=1e-15)


def test_vectorised_over_tables():
    cells = np.array([np.ravel(t) for t in TABLES], dtype=float).T
    together = log_likelihood_g2(*cells)
    one_by_one = [log_likelihood_g2(*[[c] for c in col])[0] for col in cells.T]
    assert together.tolist() == one_by_one


def test_empty_row_column_or_table_gives_zero():
    # an empty margin has zero expected counts: G² is 0 (no evidence), never NaN
    g2 = log_likelihood_g2([0, 0, 0], [0, 4, 0], [3, 0, 0], [5, 6, 0])
    assert g2.tolist() == [0.0, 0.0, 0.0]
    assert g2_p_value(g2).tolist() == [1.0, 1.0, 1.0]
    empty_table = [float(e[2]) for e in expected_2x2([0, 0, 0], [0, 4, 0], [3, 0, 0], [5, 6, 0])]
    assert empty_table == [0.0, 0.0, 0.0, 0.0]


def test_p_value_is_chi_square_one_df():
    g2 = np.array([0.0, 3.841458820694124, 10.0])
    assert g2_p_value(g2).tolist() == chi2.sf(g2, 1).tolist()


def test_cluster_bootstrap_totals_resamples_whole_rows():
    import textkit.core.stats as S

    x = np.random.default_rng(1).random((37, 3)) * 10
    reps = S.cluster_bootstrap_totals(x, 500, np.random.default_rng(5))
    idx = np.random.default_rng(5).integers(0, 37, size=(500, 37))
    # one draw of (n_boot, n_clusters) indices; each replicate sums the drawn rows
    np.testing.assert_array_equal(reps, x[idx].sum(axis=1))
    assert reps.shape == (500, 3)
    assert np.allclose(reps.mean(axis=0), x.sum(axis=0), rtol=0.05)


def test_cluster_bootstrap_totals_block_size_never_changes_the_result(monkeypatch):
    import textkit.core.stats as S

    x = np.random.default_rng(2).random((11, 2))
    whole = S.cluster_bootstrap_totals(x, 300, np.random.default_rng(9))
    monkeypatch.setattr(S, "_BLOCK_CELLS", 1)  # one replicate at a time
    np.testing.assert_array_equal(
        whole, S.cluster_bootstrap_totals(x, 300, np.random.default_rng(9))
    )
    with pytest.raises(ValueError, match="non-empty 2-d"):
        S.cluster_bootstrap_totals(np.zeros((0, 2)), 10, np.random.default_rng(0))


def test_percentile_interval_ignores_nan_replicates():
    from textkit.core.stats import percentile_interval

    reps = np.column_stack([np.arange(101.0), np.full(101, np.nan)])
    reps[0, 0] = np.nan
    lo, hi = percentile_interval(reps, 0.9)
    ref = np.quantile(np.arange(1.0, 101.0), [0.05, 0.95])
    assert (lo[0], hi[0]) == pytest.approx((ref[0], ref[1]))
    assert np.isnan(lo[1]) and np.isnan(hi[1])
