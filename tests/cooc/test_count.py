"""Tests of textkit.cooc.count: units, node selection, document counts, bad and empty inputs."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

import textkit.cooc as C


def _edge(res, s, t):
    row = res.edges[(res.edges["source"] == s) & (res.edges["target"] == t)]
    assert len(row) == 1, (s, t)
    return row.iloc[0]


def test_min_count_default_two_drops_single_cooccurrences(tiny):
    res = C.cooccurrence(tiny, C.CoocConfig(min_freq=1))
    pairs = set(zip(res.edges["source"], res.edges["target"], strict=True))
    assert pairs == {("A", "B"), ("A", "C"), ("B", "D")}  # A-D and B-C co-occur once
    assert res.edges["count"].min() >= 2


def test_docs_counts_documents_behind_each_pair(tiny, all_pairs):
    res = C.cooccurrence(tiny, all_pairs)
    # A-B: sentences s0, s1 of d1 and s4 of d2 -> 3 sentences, 2 documents
    assert _edge(res, "A", "B")[["count", "docs"]].tolist() == [3, 2]
    assert _edge(res, "A", "C")[["count", "docs"]].tolist() == [2, 1]  # both in d1
    assert _edge(res, "B", "D")[["count", "docs"]].tolist() == [2, 1]  # both in d2
    assert (res.edges["docs"] <= res.edges["count"]).all()
    win = C.cooccurrence(tiny, C.CoocConfig(unit="window", window=2, min_freq=1, min_count=1))
    assert _edge(win, "A", "B")[["count", "docs"]].tolist() == [4, 2]
    assert _edge(win, "A", "D")[["count", "docs"]].tolist() == [2, 1]
    par = C.cooccurrence(tiny, C.CoocConfig(unit="paragraph", min_freq=1, min_count=1))
    assert _edge(par, "A", "B")["docs"] == 2
    doc = C.cooccurrence(tiny, C.CoocConfig(unit="document", min_freq=1, min_count=1))
    assert (doc.edges["docs"] == doc.edges["count"]).all()
    fast = C.cooccurrence(tiny, C.CoocConfig(min_freq=1, min_count=1, doc_counts=False))
    assert "docs" not in fast.edges.columns
    pd.testing.assert_frame_equal(fast.edges, res.edges.drop(columns="docs"))
    G = C.build_network(fast, top_n=None)
    assert "docs" not in G.edges["A", "B"] and G.edges["A", "B"]["count"] == 3
    assert C.build_network(res, top_n=None).edges["A", "B"]["docs"] == 2


def test_paragraph_document_and_window_units(tiny):
    par = C.cooccurrence(tiny, C.CoocConfig(unit="paragraph", min_freq=1, min_count=1))
    assert par.n_units == 4  # d1/p0, d1/p1, d2/p0, d2/p1
    assert _edge(par, "A", "B")["count"] == 2  # d1/p0 and d2/p1
    doc = C.cooccurrence(tiny, C.CoocConfig(unit="document", min_freq=1, min_count=1))
    assert doc.n_units == 2
    assert _edge(doc, "A", "D")["count"] == 1
    # windows of 2 over d1 = A B C A B A C and d2 = B D A B D A
    win = C.cooccurrence(tiny, C.CoocConfig(unit="window", window=2, min_freq=1, min_count=1))
    assert win.n_units == 6 + 5
    # A-B windows: d1 positions (0,1) (3,4) (4,5); d2 = B D A B D A: (2,3)
    assert _edge(win, "A", "B")["count"] == 4
    assert _edge(win, "A", "D")["count"] == 2  # d2: D A at 1-2 and 4-5


def test_window_short_document_is_one_window():
    units = pd.DataFrame({"doc_id": ["x"], "tokens": [["甲", "乙", "丙"]]})
    res = C.cooccurrence(units, C.CoocConfig(unit="window", window=10, min_freq=1, min_count=1))
    assert res.n_units == 1 and len(res.edges) == 3


def test_input_not_mutated_and_unit_order_irrelevant(tiny):
    before = tiny.copy(deep=True)
    a = C.cooccurrence(tiny, C.CoocConfig(unit="window", window=3, min_freq=1, min_count=1))
    pd.testing.assert_frame_equal(tiny, before)
    shuffled = tiny.sample(frac=1.0, random_state=3)
    b = C.cooccurrence(shuffled, C.CoocConfig(unit="window", window=3, min_freq=1, min_count=1))
    pd.testing.assert_frame_equal(a.edges, b.edges)


def test_node_selection_modes(tiny, all_pairs):
    by_freq = C.cooccurrence(tiny, C.CoocConfig(n_nodes=2, min_freq=1, min_count=1))
    assert by_freq.nodes["term"].tolist() == ["A", "B"]
    with pytest.warns(C.CoocWarning, match="no pair"):  # C and D never co-occur
        listed = C.cooccurrence(tiny, all_pairs, nodes=["D", "C", "Z"])
    assert listed.nodes["term"].tolist() == ["C", "D", "Z"]
    assert listed.config.node_selection == "list" and listed.config.nodes == ("C", "D", "Z")
    assert listed.nodes.set_index("term").loc["Z", "freq"] == 0
    key = pd.DataFrame({"term": ["D", "C", "A"], "g2": [9.0, 5.0, -2.0]})
    with pytest.warns(C.CoocWarning):  # C and D never co-occur
        kn = C.cooccurrence(
            tiny, C.CoocConfig(node_selection="keyness", n_nodes=2, min_freq=1), keyness=key
        )
    assert kn.nodes["term"].tolist() == ["C", "D"]
    excl = C.cooccurrence(tiny, C.CoocConfig(min_freq=1, exclude=("A",)))
    assert "A" not in set(excl.nodes["term"])
    df = C.cooccurrence(tiny, C.CoocConfig(node_selection="doc_freq", n_nodes=2, min_freq=1))
    assert df.nodes["term"].tolist() == ["A", "B"]


def test_keyness_table_from_frames_selects_nodes(tiny):
    from textkit.frames.keyness import keyness

    key = keyness(tiny, group=[True, True, True, False, False], min_count=1)
    res = C.cooccurrence(
        tiny, C.CoocConfig(node_selection="keyness", n_nodes=2, min_freq=1, min_count=1),
        keyness=key,
    )  # fmt: skip
    top = key.sort_values(["g2", "term"], ascending=[False, True])["term"].head(2)
    assert res.nodes["term"].tolist() == sorted(top)


def test_bad_inputs_clear_errors(tiny, all_pairs):
    with pytest.raises(ValueError, match="tokens"):
        C.cooccurrence(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="row 1"):
        C.cooccurrence(pd.DataFrame({"tokens": [["a"], "a b"]}))
    with pytest.raises(ValueError, match="sentence"):
        C.cooccurrence(tiny.assign(sent_id=-1), C.CoocConfig(unit="sentence"))
    with pytest.raises(ValueError, match="keyness"):
        C.cooccurrence(tiny, C.CoocConfig(node_selection="keyness"))
    res = C.cooccurrence(tiny, all_pairs)
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
