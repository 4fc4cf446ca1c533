"""Tests of textkit.cooc.cooc and textkit.plots.network: hand-computed weights on a tiny fixture,
pruning, communities, determinism across PYTHONHASHSEED, exports, and the seed corpus."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys
import warnings

import networkx as nx
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit.cooc import cooc as C
from textkit.plots import network as PN
from textkit.segment.corpus import segment_corpus

# A, B, C, D in five sentences of two documents (paragraphs: d1 = [s0 s1][s2], d2 = [s0][s1])
TINY = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d1", "d2", "d2"],
        "para_id": [0, 0, 1, 0, 1],
        "sent_id": [0, 1, 0, 0, 0],
        "unit_id": [0, 1, 2, 0, 1],
        "tokens": [["A", "B", "C"], ["A", "B"], ["A", "C"], ["B", "D"], ["A", "B", "D", "A"]],
    }
)
ALL = C.CoocConfig(min_freq=1, min_count=1)


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


# --------------------------------------------------------------------------- counting & weights


def test_weights_match_hand_computation():
    res = C.cooccurrence(TINY, ALL)
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


def test_min_count_default_two_drops_single_cooccurrences():
    res = C.cooccurrence(TINY, C.CoocConfig(min_freq=1))
    pairs = set(zip(res.edges["source"], res.edges["target"], strict=True))
    assert pairs == {("A", "B"), ("A", "C"), ("B", "D")}  # A-D and B-C co-occur once
    assert res.edges["count"].min() >= 2


def test_docs_counts_documents_behind_each_pair():
    res = C.cooccurrence(TINY, ALL)
    # A-B: sentences s0, s1 of d1 and s4 of d2 -> 3 sentences, 2 documents
    assert _edge(res, "A", "B")[["count", "docs"]].tolist() == [3, 2]
    assert _edge(res, "A", "C")[["count", "docs"]].tolist() == [2, 1]  # both in d1
    assert _edge(res, "B", "D")[["count", "docs"]].tolist() == [2, 1]  # both in d2
    assert (res.edges["docs"] <= res.edges["count"]).all()
    win = C.cooccurrence(TINY, C.CoocConfig(unit="window", window=2, min_freq=1, min_count=1))
    assert _edge(win, "A", "B")[["count", "docs"]].tolist() == [4, 2]
    assert _edge(win, "A", "D")[["count", "docs"]].tolist() == [2, 1]
    par = C.cooccurrence(TINY, C.CoocConfig(unit="paragraph", min_freq=1, min_count=1))
    assert _edge(par, "A", "B")["docs"] == 2
    doc = C.cooccurrence(TINY, C.CoocConfig(unit="document", min_freq=1, min_count=1))
    assert (doc.edges["docs"] == doc.edges["count"]).all()
    fast = C.cooccurrence(TINY, C.CoocConfig(min_freq=1, min_count=1, doc_counts=False))
    assert "docs" not in fast.edges.columns
    pd.testing.assert_frame_equal(fast.edges, res.edges.drop(columns="docs"))
    G = C.build_network(fast, top_n=None)
    assert "docs" not in G.edges["A", "B"] and G.edges["A", "B"]["count"] == 3
    assert C.build_network(res, top_n=None).edges["A", "B"]["docs"] == 2


def test_paragraph_document_and_window_units():
    par = C.cooccurrence(TINY, C.CoocConfig(unit="paragraph", min_freq=1, min_count=1))
    assert par.n_units == 4  # d1/p0, d1/p1, d2/p0, d2/p1
    assert _edge(par, "A", "B")["count"] == 2  # d1/p0 and d2/p1
    doc = C.cooccurrence(TINY, C.CoocConfig(unit="document", min_freq=1, min_count=1))
    assert doc.n_units == 2
    assert _edge(doc, "A", "D")["count"] == 1
    # windows of 2 over d1 = A B C A B A C and d2 = B D A B D A
    win = C.cooccurrence(TINY, C.CoocConfig(unit="window", window=2, min_freq=1, min_count=1))
    assert win.n_units == 6 + 5
    # A-B windows: d1 positions (0,1) (3,4) (4,5); d2 = B D A B D A: (2,3)
    assert _edge(win, "A", "B")["count"] == 4
    assert _edge(win, "A", "D")["count"] == 2  # d2: D A at 1-2 and 4-5


def test_window_short_document_is_one_window():
    units = pd.DataFrame({"doc_id": ["x"], "tokens": [["甲", "乙", "丙"]]})
    res = C.cooccurrence(units, C.CoocConfig(unit="window", window=10, min_freq=1, min_count=1))
    assert res.n_units == 1 and len(res.edges) == 3


def test_input_not_mutated_and_unit_order_irrelevant():
    before = TINY.copy(deep=True)
    a = C.cooccurrence(TINY, C.CoocConfig(unit="window", window=3, min_freq=1, min_count=1))
    pd.testing.assert_frame_equal(TINY, before)
    shuffled = TINY.sample(frac=1.0, random_state=3)
    b = C.cooccurrence(shuffled, C.CoocConfig(unit="window", window=3, min_freq=1, min_count=1))
    pd.testing.assert_frame_equal(a.edges, b.edges)


def test_node_selection_modes():
    by_freq = C.cooccurrence(TINY, C.CoocConfig(n_nodes=2, min_freq=1, min_count=1))
    assert by_freq.nodes["term"].tolist() == ["A", "B"]
    with pytest.warns(C.CoocWarning, match="no pair"):  # C and D never co-occur
        listed = C.cooccurrence(TINY, ALL, nodes=["D", "C", "Z"])
    assert listed.nodes["term"].tolist() == ["C", "D", "Z"]
    assert listed.config.node_selection == "list" and listed.config.nodes == ("C", "D", "Z")
    assert listed.nodes.set_index("term").loc["Z", "freq"] == 0
    key = pd.DataFrame({"term": ["D", "C", "A"], "g2": [9.0, 5.0, -2.0]})
    with pytest.warns(C.CoocWarning):  # C and D never co-occur
        kn = C.cooccurrence(
            TINY, C.CoocConfig(node_selection="keyness", n_nodes=2, min_freq=1), keyness=key
        )
    assert kn.nodes["term"].tolist() == ["C", "D"]
    excl = C.cooccurrence(TINY, C.CoocConfig(min_freq=1, exclude=("A",)))
    assert "A" not in set(excl.nodes["term"])
    df = C.cooccurrence(TINY, C.CoocConfig(node_selection="doc_freq", n_nodes=2, min_freq=1))
    assert df.nodes["term"].tolist() == ["A", "B"]


def test_keyness_table_from_frames_selects_nodes():
    from textkit.frames.score import keyness

    key = keyness(TINY, group=[True, True, True, False, False], min_count=1)
    res = C.cooccurrence(
        TINY, C.CoocConfig(node_selection="keyness", n_nodes=2, min_freq=1, min_count=1),
        keyness=key,
    )  # fmt: skip
    top = key.sort_values(["g2", "term"], ascending=[False, True])["term"].head(2)
    assert res.nodes["term"].tolist() == sorted(top)


@pytest.mark.parametrize(
    "kwargs, setting",
    [
        ({"unit": "clause"}, "unit"),
        ({"window": 1}, "window"),
        ({"n_nodes": 0}, "n_nodes"),
        ({"min_count": 0}, "min_count"),
        ({"node_selection": "list"}, "nodes"),
        ({"node_selection": "tfidf"}, "node_selection"),
        ({"unit": "window", "node_selection": "unit_freq"}, "node_selection"),
    ],
)
def test_config_validation_names_setting(kwargs, setting):
    with pytest.raises(ValueError, match=setting):
        C.CoocConfig(**kwargs)


def test_bad_inputs_clear_errors():
    with pytest.raises(ValueError, match="tokens"):
        C.cooccurrence(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="row 1"):
        C.cooccurrence(pd.DataFrame({"tokens": [["a"], "a b"]}))
    with pytest.raises(ValueError, match="sentence"):
        C.cooccurrence(TINY.assign(sent_id=-1), C.CoocConfig(unit="sentence"))
    with pytest.raises(ValueError, match="keyness"):
        C.cooccurrence(TINY, C.CoocConfig(node_selection="keyness"))
    res = C.cooccurrence(TINY, ALL)
    with pytest.raises(ValueError, match="weight"):
        C.build_network(res, weight="cosine")
    with pytest.raises(ValueError, match="backbone"):
        C.build_network(res, backbone="tree")


def test_network_config_reads_cooc_table(tmp_path):
    from textkit.core.config import ConfigError, load_config

    path = tmp_path / "textkit.toml"
    path.write_text(
        '[cooc]\nunit = "window"\nwindow = 5\nexclude = ["工作"]\nweight = "dice"\n'
        'top_n = 0\nbackbone = "none"\nego_terms = ["维稳"]\ncompare_min_docs = 2\n',
        encoding="utf-8",
    )
    cooc, net = C.network_config(load_config(path))
    assert (cooc.unit, cooc.window, cooc.exclude) == ("window", 5, ("工作",))
    assert (net.weight, net.top_n, net.backbone, net.ego_terms) == ("dice", None, None, ("维稳",))
    assert net.build_kwargs()["weight"] == "dice" and net.compare_min_docs == 2
    assert C.network_config(None) == (C.CoocConfig(), C.NetworkConfig())
    path.write_text("[cooc]\nwieght = 'dice'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="wieght"):
        C.network_config(load_config(path))
    path.write_text("[cooc]\nweight = 'cosine'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[cooc\].*weight"):
        C.network_config(load_config(path))


def test_empty_and_tiny_inputs_warn_not_crash(tmp_path):
    one = pd.DataFrame({"doc_id": ["d"], "tokens": [["维稳", "法治"]]})
    with pytest.warns(C.CoocWarning, match="node selection"):
        C.cooccurrence(one)  # min_freq 2: no node at all
    with pytest.warns(C.CoocWarning, match="min_count"):
        res = C.cooccurrence(one, C.CoocConfig(min_freq=1))
    with pytest.warns(C.CoocWarning, match="empty"):
        G = C.build_network(res)
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0
    assert C.node_table(G).empty
    with pytest.warns(C.CoocWarning, match="no unit"):
        empty = C.cooccurrence(pd.DataFrame({"tokens": pd.Series([], dtype=object)}))
    assert empty.n_units == 0 and empty.edges.empty
    with pytest.warns(C.CoocWarning):
        G2 = C.build_network(empty)
    paths = C.export_network(G2, tmp_path, "empty")
    assert nx.read_graphml(paths["graphml"]).number_of_nodes() == 0


def test_no_pair_above_threshold_and_empty_group_warn(tmp_path):
    res = C.cooccurrence(TINY, ALL)
    with pytest.warns(C.CoocWarning, match="no edge left"):
        G = C.build_network(res, threshold=0.99, top_n=None)
    assert G.number_of_nodes() == 0 and math.isnan(G.graph["modularity"])
    assert C.export_network(G, tmp_path, "none")["gexf"].is_file()
    with pytest.warns(C.CoocWarning, match="no unit"):
        cmp = C.compare_networks(TINY.head(0), TINY, config=ALL, labels=("x", "y"))
    assert (cmp.changes["group"] == "y").all() and (cmp.changes["count_a"] == 0).all()
    with pytest.warns(C.CoocWarning, match="no pair"):
        none = C.compare_networks(TINY, TINY, config=ALL, min_docs=5)
    assert none.changes.empty and none.graph.number_of_nodes() == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CoocWarning)
        assert isinstance(PN.plot_difference(none), Figure)


# --------------------------------------------------------------------------- networks


def _star_result():
    """Hub H with one strong and three weak neighbours, plus a weak triangle edge."""
    edges = pd.DataFrame(
        {
            "source": ["H", "H", "H", "H", "a"],
            "target": ["a", "b", "c", "d", "b"],
            "count": [50, 2, 2, 2, 2],
        }
    )
    deg = {"H": 56, "a": 52, "b": 4, "c": 2, "d": 2}
    w = C.association(edges["count"], edges["source"].map(deg), edges["target"].map(deg), 200)
    for k, v in w.items():
        edges[k] = v
    nodes = pd.DataFrame(
        {
            "term": sorted(deg),
            "freq": [deg[t] for t in sorted(deg)],
            "unit_freq": [deg[t] for t in sorted(deg)],
            "doc_freq": 1,
        }
    )
    return C.CoocResult(nodes=nodes, edges=edges, n_units=200, n_docs=1, config=C.CoocConfig())


def test_disparity_filter_by_hand():
    res = _star_result()
    G = C.build_network(res, weight="count", backbone="disparity", top_n=None, alpha=0.05)
    # H: k=4, s=56; edge H-a: p=50/56 -> alpha = (6/56)^3 ~ 0.0012 < 0.05: kept
    assert G.has_edge("H", "a")
    assert G.edges["H", "a"]["disparity_alpha"] == pytest.approx((1 - 50 / 56) ** 3)
    # H-c: from H (54/56)^3 ~ 0.9, from c (k=1) 1 -> dropped
    assert not G.has_edge("H", "c")
    # a-b: from b (k=2, s=4) (1 - 2/4)^1 = 0.5; from a (k=2, s=52) (50/52) -> dropped
    assert not G.has_edge("a", "b")


def test_mst_alone_overlay_and_top_n():
    res = C.cooccurrence(TINY, ALL)
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


def test_communities_two_cliques_and_renumbering():
    # two 4-cliques joined by one weak bridge; the bigger clique (5 terms) gets id 0
    left = ["稳定", "维稳", "治安", "排查", "管控"]
    right = ["法治", "服务", "权益", "自治"]
    rows = [left[:], left[:], right[:], right[:], ["管控", "法治"], ["管控", "法治"]]
    units = pd.DataFrame({"doc_id": "d", "tokens": rows})
    G = C.build_network(C.cooccurrence(units, ALL), top_n=None)
    comm = nx.get_node_attributes(G, "community")
    assert {comm[t] for t in left} == {0} and {comm[t] for t in right} == {1}
    q = nx.community.modularity(G, [set(left), set(right)], weight="weight")
    assert G.graph["modularity"] == pytest.approx(q)
    tab = C.node_table(G)
    assert list(tab.columns[:5]) == ["term", "freq", "unit_freq", "doc_freq", "community"]
    bridge = tab.set_index("term")
    assert bridge.loc["管控", "betweenness"] > bridge.loc["稳定", "betweenness"]
    assert tab["eigenvector"].notna().all()


def test_ego_network_and_missing_term():
    res = C.cooccurrence(TINY, ALL)
    G = C.build_network(res, top_n=None)
    ego = C.ego_network(G, "C")
    assert set(ego.nodes) == {"A", "B", "C"}
    assert ego.nodes["C"]["ego"] and ego.nodes["A"]["hops"] == 1
    assert set(C.ego_network(G, ["C", "D"], radius=0).nodes) == {"C", "D"}
    with pytest.raises(KeyError, match="维稳"):
        C.ego_network(G, "维稳")


def test_ego_max_neighbours_and_table():
    G = C.build_network(_star_result(), weight="count", top_n=None)
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


def test_compare_min_docs_drops_one_document_phrasing():
    # group b: 职责-负责 repeated in one document only; 法治-服务 in three documents
    b = pd.DataFrame(
        {
            "doc_id": ["b1"] * 5 + ["b2", "b3", "b4"],
            "tokens": [["职责", "负责"]] * 4 + [["法治"]] + [["法治", "服务"]] * 3,
        }
    )
    a = pd.DataFrame(
        {"doc_id": ["a1", "a2", "a3"], "tokens": [["职责"], ["负责", "法治"], ["服务"]]}
    )
    cfg = C.CoocConfig(min_freq=1)
    loose = C.compare_networks(a, b, config=cfg, labels=("a", "b"))
    ch = loose.changes.set_index(["source", "target"])
    assert ch.loc[("职责", "负责"), ["docs_a", "docs_b", "count_b"]].tolist() == [0, 1, 4]
    assert ch.loc[("服务", "法治"), "docs_b"] == 3  # pairs sorted by code point: 服 < 法
    strict = C.compare_networks(a, b, config=cfg, labels=("a", "b"), min_docs=2)
    pairs = set(zip(strict.changes["source"], strict.changes["target"], strict=True))
    assert pairs == {("服务", "法治")}
    assert strict.graph.edges["服务", "法治"]["docs_b"] == 3
    assert json.loads(strict.graph.graph["config"])["min_docs"] == 2


def test_compare_networks_direction():
    a = pd.DataFrame(
        {"doc_id": "a", "tokens": [["维稳", "排查"]] * 4 + [["法治", "服务"], ["法治"]]}
    )
    b = pd.DataFrame(
        {"doc_id": "b", "tokens": [["法治", "服务"]] * 4 + [["维稳", "排查"], ["维稳"]]}
    )
    cmp = C.compare_networks(a, b, config=C.CoocConfig(min_freq=1), labels=("stability", "law"))
    ch = cmp.changes.set_index(["source", "target"])
    assert ch.loc[("排查", "维稳"), "group"] == "stability"
    assert ch.loc[("排查", "维稳"), "weight_a"] == pytest.approx(1.0)
    assert ch.loc[("排查", "维稳"), "weight_b"] == pytest.approx(1 / 2)
    assert ch.loc[("服务", "法治"), "group"] == "law"
    assert ch.loc[("服务", "法治"), "diff"] == pytest.approx(1 / 2 - 1.0)
    assert set(cmp.result_a.nodes["term"]) == set(cmp.result_b.nodes["term"])
    assert cmp.graph.number_of_edges() == len(cmp.changes)
    assert (cmp.changes["abs_diff"].diff().dropna() <= 0).all()


# --------------------------------------------------------------------------- exports, determinism


def test_export_files_no_date_and_readable(tmp_path):
    G = C.build_network(C.cooccurrence(TINY, ALL), top_n=None)
    paths = C.export_network(G, tmp_path, "tiny")
    assert sorted(paths) == ["edges", "gexf", "graphml", "nodes", "params"]
    gexf = paths["gexf"].read_text("utf-8")
    assert "lastmodifieddate" not in gexf and "NetworkX" not in gexf
    assert re.search(r"\d{4}-\d{2}-\d{2}", gexf) is None  # no date anywhere
    back = nx.read_gexf(paths["gexf"])
    assert set(back.nodes) == set(G.nodes) and back.number_of_edges() == G.number_of_edges()
    gm = nx.read_graphml(paths["graphml"])
    assert gm.edges["A", "B"]["jaccard"] == pytest.approx(0.6)
    params = json.loads(paths["params"].read_text("utf-8"))
    assert params["params"]["network"]["weight"] == "jaccard"
    assert (
        params["files"]["gexf"]["sha256"] == hashlib.sha256(paths["gexf"].read_bytes()).hexdigest()
    )
    again = C.export_network(
        C.build_network(C.cooccurrence(TINY, ALL), top_n=None), tmp_path / "again", "tiny"
    )
    for k in paths:
        assert paths[k].read_bytes() == again[k].read_bytes(), k
    with pytest.raises(ValueError, match="name"):
        C.export_network(G, tmp_path, "bad name")


_SCRIPT = r"""
import hashlib, json, sys, warnings
import pandas as pd
from textkit.cooc import cooc as C
units = pd.read_json(sys.argv[1], orient="records")
res = C.cooccurrence(units, C.CoocConfig(unit="sentence", n_nodes=60))
G = C.build_network(res, top_n=50, overlay_mst=True)
paths = C.export_network(G, sys.argv[2], "net")
out = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in sorted(paths.items())}
out["communities"] = sorted((n, d["community"]) for n, d in G.nodes(data=True))
out["window"] = C.cooccurrence(units, C.CoocConfig(unit="window", window=8, n_nodes=40)).edges.to_csv()
from textkit.plots.network import network_layout
pos = network_layout(G, layout="forceatlas2", random_state=7)
out["layout"] = sorted((n, round(x, 9), round(y, 9)) for n, (x, y) in pos.items())
out["modularity"] = G.graph["modularity"]
print(json.dumps(out, ensure_ascii=False))
"""


def test_byte_identical_across_pythonhashseed(seed_units, tmp_path):
    data = tmp_path / "units.json"
    seed_units[["doc_id", "para_id", "sent_id", "unit_id", "tokens"]].to_json(
        data, orient="records", force_ascii=False
    )
    script = tmp_path / "run.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    outs = []
    for hs in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": hs}
        p = subprocess.run(
            [sys.executable, str(script), str(data), str(tmp_path / f"out{hs}")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        )
        outs.append(json.loads(p.stdout))
    assert outs[0] == outs[1]
    gexf = (tmp_path / "out0" / "net.gexf").read_text("utf-8")
    assert "<creator>textkit</creator>" in gexf and "lastmodifieddate" not in gexf


# --------------------------------------------------------------------------- seed corpus


@pytest.fixture(scope="module")
def seed_units(seed_docs, tmp_path_factory, cache_dir_env):
    dup = seed_docs["is_duplicate"].fillna(False).astype(bool)
    docs = seed_docs[(seed_docs["status"] != "quarantined") & ~dup].reset_index(drop=True)
    with cache_dir_env(tmp_path_factory.mktemp("tkcache")):
        return segment_corpus(docs[["doc_id", "text"]], unit="sentence", cache=False)


@pytest.fixture(scope="module")
def seed_graph(seed_units):
    res = C.cooccurrence(seed_units, C.CoocConfig(unit="sentence", n_nodes=120))
    return res, C.build_network(res, top_n=80, overlay_mst=True)


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


def _drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def test_plot_network_readable_and_deterministic(seed_graph, tmp_path):
    import itertools

    import numpy as np

    from textkit.plots import save_figure

    _, G = seed_graph
    fig = PN.plot_network(G, title="共现网络")
    assert isinstance(fig, Figure)
    data = fig.textkit_data
    nodes = data[data["kind"] == "node"]
    assert set(nodes["term"]) == set(G.nodes)
    ax, legend = fig.axes[0], fig.axes[1]
    texts = {t.get_text(): t for t in ax.texts}
    assert "维稳" in texts and nodes["labelled"].sum() == len(ax.texts)
    fam = texts["维稳"].get_fontfamily()
    assert any("CJK" in f or "Noto" in f for f in fam)
    # label size grows with frequency
    f = nodes.set_index("term")["freq"]
    hi, lo = f.idxmax(), f[f.index.isin(texts)].idxmin()
    assert texts[hi].get_fontsize() > texts[lo].get_fontsize()
    # no two labels overlap, no two node discs overlap
    r = _drawn(fig)
    boxes = [t.get_window_extent(r) for t in ax.texts]
    clash = [
        (a.get_text(), b.get_text())
        for (a, p), (b, q) in itertools.combinations(zip(ax.texts, boxes, strict=True), 2)
        if min(p.x1, q.x1) - max(p.x0, q.x0) > 1 and min(p.y1, q.y1) - max(p.y0, q.y0) > 1
    ]
    assert clash == []
    sc = next(c for c in ax.collections if len(c.get_offsets()) == G.number_of_nodes())
    xy = ax.transData.transform(sc.get_offsets())
    rad = np.sqrt(sc.get_sizes()) / 2 * fig.dpi / 72
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    assert not ((dist + 0.5) < rad[:, None] + rad[None, :]).any()
    # node area grows with frequency, colours follow communities
    sizes = dict(zip(sorted(G.nodes), sc.get_sizes(), strict=True))
    assert sizes[hi] == max(sizes.values())
    comm = nodes.set_index("term")
    big = comm["community"].value_counts().idxmax()
    assert comm.loc[comm["community"] == big, "colour"].nunique() == 1
    legend_text = [t.get_text() for t in legend.texts]
    assert "Communities" in legend_text and "Frequency" in legend_text and "Jaccard" in legend_text
    assert any("Louvain Q" in t for t in legend_text)
    # deterministic: same positions and byte-identical files from a second drawing
    again = PN.plot_network(G, title="共现网络")
    pd.testing.assert_frame_equal(data, again.textkit_data)
    a = save_figure(fig, "network_a", outdir=tmp_path / "a", formats=("png",))
    b = save_figure(again, "network_a", outdir=tmp_path / "b", formats=("png",))
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    few = PN.plot_network(G, max_labels=5)
    assert len(few.axes[0].texts) == 5
    # the figure's layout and colours travel to Gephi through GEXF viz
    paths = C.export_network(G, tmp_path / "gexf", "seed", layout=data)
    back = nx.read_gexf(paths["gexf"])
    row = nodes.set_index("term").loc["维稳"]
    viz = back.nodes["维稳"]["viz"]
    assert viz["position"]["x"] == pytest.approx(row["x"] * 1000, abs=1e-3)
    rgb = tuple(viz["color"][k] for k in "rgb")
    assert rgb == tuple(int(row["colour"][i : i + 2], 16) for i in (1, 3, 5))
    plain = C.export_network(G, tmp_path / "plain", "seed")
    assert "viz:" not in plain["gexf"].read_text("utf-8")
    assert paths["graphml"].read_bytes() == plain["graphml"].read_bytes()


def test_plot_ego_networks_panels(seed_graph):
    res, _ = seed_graph
    G = C.build_network(res, top_n=None)
    egos = {t: C.ego_network(G, t, max_neighbours=6) for t in ("维稳", "社区")}
    groups = {"维稳": "stability", "服务": "service_law"}
    fig = PN.plot_ego_networks(egos, node_groups=groups, max_ties=3)
    data = fig.textkit_data
    assert set(data["panel"]) == {"维稳", "社区"}
    for t, ego in egos.items():
        part = data[(data["panel"] == t) & (data["kind"] == "node")]
        assert set(part["term"]) == set(ego.nodes) and len(part) == 7
        edges = data[(data["panel"] == t) & (data["kind"] == "edge")]
        spokes = edges[(edges["source"] == t) | (edges["target"] == t)]
        assert len(spokes) == 6 and len(edges) <= 6 + 3
    row = data[(data["panel"] == "维稳") & (data["term"] == "维稳")].iloc[0]
    assert (row["x"], row["y"]) == pytest.approx((0.0, 0.0), abs=1e-9)  # centre pinned
    assert row["colour"] == PN.FRAME_COLORS["stability"]
    assert [a.get_title() for a in fig.axes[:2]] == ["维稳", "社区"]
    with pytest.raises(ValueError, match="egos"):
        PN.plot_ego_networks({})


def test_plot_difference_and_empty(seed_units):
    docs = sorted(seed_units["doc_id"].unique())
    a = seed_units[seed_units["doc_id"].isin(docs[:2])]
    b = seed_units[~seed_units["doc_id"].isin(docs[:2])]
    cmp = C.compare_networks(
        a, b, config=C.CoocConfig(n_nodes=50), labels=("stability", "service_law")
    )
    fig = PN.plot_difference(cmp)
    assert isinstance(fig, Figure)
    data = fig.textkit_data
    assert set(data["group"].dropna()) <= {"stability", "service_law", "equal"}
    edges = data[data["kind"] == "edge"]
    assert len(edges) == cmp.graph.number_of_edges()
    legend = [t.get_text() for t in fig.axes[1].texts]
    assert "Stability maintenance articles" in legend and "|Δ Jaccard|" in legend
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CoocWarning)
        empty = C.build_network(C.cooccurrence(TINY.head(1), ALL))
    assert isinstance(PN.plot_network(empty), Figure)
