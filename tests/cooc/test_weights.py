"""Tests of textkit.cooc.weights: association weights computed by hand on a tiny fixture."""

from __future__ import annotations

import math

import pytest

import textkit.cooc as C


def _edge(res, s, t):
    row = res.edges[(res.edges["source"] == s) & (res.edges["target"] == t)]
    assert len(row) == 1, (s, t)
    return row.iloc[0]


def _g2_by_hand(k11, k12, k21, k22):
    n = k11 + k12 + k21 + k22
    cells = [
        (k11, k11 + k12, k11 + k21),
        (k12, k11 + k12, k12 + k22),
        (k21, k21 + k22, k11 + k21),
        (k22, k21 + k22, k12 + k22),
    ]
    total = 0.0
    for o, r, c in cells:
        e = r * c / n
        if o > 0:
            total += o * math.log(o / e)
    return 2 * total


def test_weights_match_hand_computation(tiny, all_pairs):
    res = C.cooccurrence(tiny, all_pairs)
    assert res.n_units == 5 and res.n_docs == 2
    nodes = res.nodes.set_index("term")
    # A occurs 5 times (twice in the last sentence) but in 4 sentences
    assert nodes.loc["A", "freq"] == 5 and nodes.loc["A", "unit_freq"] == 4
    assert nodes.loc["D", "doc_freq"] == 1
    ab = _edge(res, "A", "B")  # both in s0, s1, s4 -> 3; A in 4, B in 4, N = 5
    assert ab["count"] == 3
    assert ab["jaccard"] == pytest.approx(3 / (4 + 4 - 3))
    assert ab["dice"] == pytest.approx(6 / 8)
    assert ab["ochiai"] == pytest.approx(3 / 4)
    assert ab["pmi"] == pytest.approx(math.log2(3 * 5 / (4 * 4)))
    assert ab["npmi"] == pytest.approx(math.log2(15 / 16) / -math.log2(3 / 5))
    assert ab["expected"] == pytest.approx(16 / 5)
    # 2x2: both 3, A only 1, B only 1, neither 0
    g2 = _g2_by_hand(3, 1, 1, 0)
    assert ab["g2"] == pytest.approx(g2)
    from scipy.stats import chi2

    assert ab["p_value"] == pytest.approx(chi2.sf(g2, 1))
    ac = _edge(res, "A", "C")  # s0, s2: 2; A 4, C 2
    assert ac["jaccard"] == pytest.approx(2 / 4)
    assert ac["pmi"] == pytest.approx(math.log2(2 * 5 / 8))
    assert ac["g2"] == pytest.approx(_g2_by_hand(2, 2, 0, 1))
    # C and D never co-occur: no edge; every edge has source < target
    assert not ((res.edges["source"] == "C") & (res.edges["target"] == "D")).any()
    assert (res.edges["source"] < res.edges["target"]).all()
