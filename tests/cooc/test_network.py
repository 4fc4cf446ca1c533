"""Tests of textkit.cooc.network: pruning, backbones, communities and the seed corpus network."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import pandas as pd
import pytest
from matplotlib.figure import Figure

import textkit.cooc as C
from textkit.plots import network as PN


def test_no_pair_above_threshold_and_empty_group_warn(tmp_path, tiny, all_pairs):
    res = C.cooccurrence(tiny, all_pairs)
    with pytest.warns(C.CoocWarning, match="no edge left"):
        G = C.build_network(res, threshold=0.99, top_n=None)
    assert G.number_of_nodes() == 0 and math.isnan(G.graph["modularity"])
    assert C.export_network(G, tmp_path, "none")["gexf"].is_file()
    with pytest.warns(C.CoocWarning, match="no unit"):
        cmp = C.compare_networks(tiny.head(0), tiny, config=all_pairs, labels=("x", "y"))
    assert (cmp.changes["group"] == "y").all() and (cmp.changes["count_a"] == 0).all()
    with pytest.warns(C.CoocWarning, match="no pair"):
        none = C.compare_networks(tiny, tiny, config=all_pairs, min_docs=5)
    assert none.changes.empty and none.graph.number_of_nodes() == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CoocWarning)
        assert isinstance(PN.plot_difference(none), Figure)


def test_disparity_filter_by_hand(star_result):
    res = star_result
    G = C.build_network(res, weight="count", backbone="disparity", top_n=None, alpha=0.05)
    # H: k=4, s=56; edge H-a: p=50/56 -> alpha = (6/56)^3 ~ 0.0012 < 0.05: kept
    assert G.has_edge("H", "a")
    assert G.edges["H", "a"]["disparity_alpha"] == pytest.approx((1 - 50 / 56) ** 3)
    # H-c: from H (54/56)^3 ~ 0.9, from c (k=1) 1 -> dropped
    assert not G.has_edge("H", "c")
    # a-b: from b (k=2, s=4) (1 - 2/4)^1 = 0.5; from a (k=2, s=52) (50/52) -> dropped
    assert not G.has_edge("a", "b")


def test_mst_alone_overlay_and_top_n(tiny, all_pairs):
    res = C.cooccurrence(tiny, all_pairs)
    tree = C.build_network(res, backbone="mst", top_n=None)
    assert nx.is_tree(tree) and tree.number_of_nodes() == 4
    assert all(d["mst"] for _, _, d in tree.edges(data=True))
    top2 = C.build_network(res, top_n=2)
    assert top2.number_of_edges() == 2
    # strongest Jaccard: A-B 0.6 then A-C / B-D 0.5 (tie by count, then names: A-C)
    assert set(top2.edges) == {("A", "B"), ("A", "C")}
    over = C.build_network(res, top_n=1, overlay_mst=True)
    assert set(tree.edges) <= set(over.edges)
    assert any(not d["mst"] for _, _, d in C.build_network(res, top_n=None).edges(data=True))
    thr = C.build_network(res, threshold=0.5, top_n=None)
    assert min(d["jaccard"] for _, _, d in thr.edges(data=True)) >= 0.5


def test_communities_two_cliques_and_renumbering(all_pairs):
    # two 4-cliques joined by one weak bridge; the bigger clique (5 terms) gets id 0
    left = ["稳定", "维稳", "治安", "排查", "管控"]
    right = ["法治", "服务", "权益", "自治"]
    rows = [left[:], left[:], right[:], right[:], ["管控", "法治"], ["管控", "法治"]]
    units = pd.DataFrame({"doc_id": "d", "tokens": rows})
    G = C.build_network(C.cooccurrence(units, all_pairs), top_n=None)
    comm = nx.get_node_attributes(G, "community")
    assert {comm[t] for t in left} == {0} and {comm[t] for t in right} == {1}
    q = nx.community.modularity(G, [set(left), set(right)], weight="weight")
    assert G.graph["modularity"] == pytest.approx(q)
    tab = C.node_table(G)
    assert list(tab.columns[:5]) == ["term", "freq", "unit_freq", "doc_freq", "community"]
    bridge = tab.set_index("term")
    assert bridge.loc["管控", "betweenness"] > bridge.loc["稳定", "betweenness"]
    assert tab["eigenvector"].notna().all()


def test_seed_network_has_governance_terms(seed_graph, seed_units):
    res, G = seed_graph
    nodes = set(G.nodes)
    for term in ("社会治安综合治理", "维稳", "社区", "基层", "服务", "治理"):
        assert term in res.nodes["term"].tolist(), term
    assert {"社会治安综合治理", "维稳", "基层"} <= nodes
    # 社会治安 and 维护 co-occur far above chance in the seed corpus
    e = res.edges[(res.edges["source"] == "社会治安") & (res.edges["target"] == "维护")].iloc[0]
    assert e["count"] > 2 * e["expected"] and e["p_value"] < 1e-6
    assert G.graph["modularity"] > 0.3 and G.graph["n_communities"] >= 3
    ego = C.ego_network(G, "维稳")
    assert ego.number_of_nodes() >= 2
    # the same counts as a plain pair count over sentences
    top = set(res.nodes["term"])
    from collections import Counter
    from itertools import combinations

    cnt = Counter()
    for toks in seed_units["tokens"]:
        cnt.update(combinations(sorted(set(toks) & top), 2))
    sample = res.edges.head(50)
    for s, t, c in zip(sample["source"], sample["target"], sample["count"], strict=True):
        assert cnt[(s, t)] == c
