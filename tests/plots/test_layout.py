"""Tests of textkit.plots.layout: positions are pure, deterministic functions of the graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from textkit.plots.layout import layout_aspect, network_layout, separate_discs


def _graph() -> nx.Graph:
    G = nx.Graph()
    for i, n in enumerate(["维稳", "法治", "服务", "社区", "网格", "调解"]):
        G.add_node(n, freq=10 + i, community=i % 2)
    for u, v, w in [("维稳", "法治", 3.0), ("维稳", "网格", 2.0), ("法治", "服务", 1.0),
                    ("服务", "社区", 4.0), ("社区", "调解", 1.5), ("网格", "调解", 0.5)]:  # fmt: skip
        G.add_edge(u, v, weight=w)
    return G


@pytest.mark.parametrize("layout", ["spring", "kamada_kawai", "forceatlas2"])
def test_layout_is_deterministic_and_leaves_the_graph_alone(layout):
    G = _graph()
    before = nx.node_link_data(G, edges="edges")
    a = network_layout(G, layout=layout, random_state=3)
    b = network_layout(G.copy(), layout=layout, random_state=3)
    assert a == b
    assert nx.node_link_data(G, edges="edges") == before
    xy = np.array(list(a.values()))
    assert np.abs(xy).max() == pytest.approx(1.0)


def test_layout_does_not_depend_on_insertion_order():
    G = _graph()
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True), reverse=True))
    H.add_edges_from(sorted(G.edges(data=True), reverse=True))
    assert network_layout(G, random_state=5) == network_layout(H, random_state=5)


def test_ego_centre_is_pinned():
    G = nx.star_graph(["维稳", "法治", "服务", "社区"])
    pos = network_layout(G, random_state=1, centre="维稳")
    assert pos["维稳"] == pytest.approx((0.0, 0.0), abs=1e-12)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="layout: expected one of"):
        network_layout(_graph(), layout="circle")
    with pytest.raises(ValueError, match="community_pull: expected a number > 0"):
        network_layout(_graph(), community_pull=0)


def test_separate_discs_removes_overlaps_without_touching_the_input():
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    radii = np.array([2.0, 2.0, 2.0])
    out = separate_discs(xy, radii)
    assert (xy == [[0, 0], [0, 0], [1, 0]]).all()
    d = np.hypot(*(out[:, None, :] - out[None, :, :]).transpose(2, 0, 1))
    assert d[np.triu_indices(3, 1)].min() > 3.0


def test_layout_aspect_is_clipped():
    assert layout_aspect({"a": (0.0, 0.0)}) == 1.0
    assert layout_aspect({"a": (-1.0, 0.0), "b": (1.0, 0.0)}) == pytest.approx(0.62)
