"""Tests of textkit.cooc.ego: ego networks and ego tables."""

from __future__ import annotations

import pytest

import textkit.cooc as C


def test_ego_network_and_missing_term(tiny, all_pairs):
    res = C.cooccurrence(tiny, all_pairs)
    G = C.build_network(res, top_n=None)
    ego = C.ego_network(G, "C")
    assert set(ego.nodes) == {"A", "B", "C"}
    assert ego.nodes["C"]["ego"] and ego.nodes["A"]["hops"] == 1
    assert set(C.ego_network(G, ["C", "D"], radius=0).nodes) == {"C", "D"}
    with pytest.raises(KeyError, match="维稳"):
        C.ego_network(G, "维稳")


def test_ego_max_neighbours_and_table(star_result):
    G = C.build_network(star_result, weight="count", top_n=None)
    ego = C.ego_network(G, "H", max_neighbours=2)
    # H's strongest neighbours by count: a (50), then b (2, ties b c d broken by term)
    assert set(ego.nodes) == {"H", "a", "b"} and ego.has_edge("a", "b")
    assert set(C.ego_network(G, "H").nodes) == {"H", "a", "b", "c", "d"}
    two = C.ego_network(G, "c", radius=2, max_neighbours=1)
    assert two.nodes["H"]["hops"] == 1 and two.nodes["a"]["hops"] == 2
    assert set(two.nodes) == {"c", "H", "a"}
    tab = C.ego_table(G, ["H", "absent"], max_neighbours=3)
    assert tab["neighbour"].tolist() == ["a", "b", "c"] and tab["rank"].tolist() == [1, 2, 3]
    assert tab.loc[0, "count"] == 50 and set(tab["term"]) == {"H"}
    with pytest.raises(ValueError, match="max_neighbours"):
        C.ego_network(G, "H", max_neighbours=0)
