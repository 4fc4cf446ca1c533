"""Tests of textkit.cooc and textkit.plots.network: hand-computed weights on a tiny fixture,
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
from pathlib import Path

import networkx as nx
import opencc
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit import cooc as C
from textkit.plots import network as PN
from textkit.segment import segment_corpus

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus" / "raw"

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
from textkit import cooc as C
units = pd.read_json(sys.argv[1], orient="records")
res = C.cooccurrence(units, C.CoocConfig(unit="sentence", n_nodes=60))
G = C.build_network(res, top_n=50, overlay_mst=True)
paths = C.export_network(G, sys.argv[2], "net")
out = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in sorted(paths.items())}
out["communities"] = sorted((n, d["community"]) for n, d in G.nodes(data=True))
out["window"] = C.cooccurrence(units, C.CoocConfig(unit="window", window=8, n_nodes=40)).edges.to_csv()
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
def seed_units(tmp_path_factory):
    old = os.environ.get("TEXTKIT_CACHE_DIR")
    os.environ["TEXTKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("tkcache"))
    try:
        try:
            from textkit.corpus import build_corpus

            docs = build_corpus(RAW).documents
            keep = pd.Series(True, index=docs.index)
            if "status" in docs.columns:
                keep &= docs["status"] != "quarantined"
            if "is_duplicate" in docs.columns:
                keep &= ~docs["is_duplicate"].fillna(False).astype(bool)
            docs = docs[keep].reset_index(drop=True)
        except ImportError:  # until textkit.corpus lands: one document per raw page
            cc = opencc.OpenCC("t2s")
            files = sorted(RAW.glob("*.txt"))
            docs = pd.DataFrame(
                {
                    "doc_id": [f.stem for f in files],
                    "text": [cc.convert(f.read_text("utf-8")) for f in files],
                }
            )
        return segment_corpus(docs[["doc_id", "text"]], unit="sentence", cache=False)
    finally:
        if old is None:
            os.environ.pop("TEXTKIT_CACHE_DIR", None)
        else:
            os.environ["TEXTKIT_CACHE_DIR"] = old


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


def test_plot_network_returns_figure_with_data(seed_graph):
    _, G = seed_graph
    fig = PN.plot_network(G, title="共现网络")
    assert isinstance(fig, Figure)
    data = fig.textkit_data
    assert set(data.loc[data["kind"] == "node", "term"]) == set(G.nodes)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "维稳" in texts
    fam = next(t for t in fig.axes[0].texts if t.get_text() == "维稳").get_fontfamily()
    assert any("CJK" in f or "Noto" in f for f in fam)
    again = PN.plot_network(G).textkit_data
    pd.testing.assert_frame_equal(
        data.reset_index(drop=True)[["kind", "term", "x", "y"]],
        again.reset_index(drop=True)[["kind", "term", "x", "y"]],
    )
    few = PN.plot_network(G, max_labels=5)
    assert len(few.axes[0].texts) == 5


def test_plot_difference_and_empty(seed_units):
    docs = sorted(seed_units["doc_id"].unique())
    a = seed_units[seed_units["doc_id"].isin(docs[:2])]
    b = seed_units[~seed_units["doc_id"].isin(docs[:2])]
    cmp = C.compare_networks(
        a, b, config=C.CoocConfig(n_nodes=50), labels=("stability", "service_law")
    )
    fig = PN.plot_difference(cmp)
    assert isinstance(fig, Figure)
    assert set(fig.textkit_data["group"].dropna()) <= {"stability", "service_law", "equal"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CoocWarning)
        empty = C.build_network(C.cooccurrence(TINY.head(1), ALL))
    assert isinstance(PN.plot_network(empty), Figure)
