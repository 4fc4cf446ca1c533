"""Tests of textkit.cooc.compare: two groups of documents on one node set."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import textkit.cooc as C


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


def _grouped_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seven documents: 安徽's always pair 维稳+排查, 浙江's 服务+法治, 江苏's hold both
    pairs; d6 has no province."""
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(7)],
            "province": ["安徽", "安徽", "浙江", "浙江", "江苏", "江苏", None],
            "year": pd.array([2015, 2015, 2016, 2016, 2015, 9, pd.NA], dtype="Int64"),
        }
    )
    tokens = {
        "安徽": [["维稳", "排查", "社区"], ["维稳", "排查"], ["服务"], ["法治"]],
        "浙江": [["服务", "法治", "社区"], ["服务", "法治"], ["维稳"], ["排查"]],
        "江苏": [["维稳", "排查"], ["服务", "法治"]],
        "": [["维稳", "服务"]],
    }
    rows = [
        {"doc_id": d, "unit_id": i, "tokens": t}
        for d, p in zip(docs["doc_id"], docs["province"], strict=True)
        for i, t in enumerate(tokens[p if isinstance(p, str) else ""])
    ]
    return pd.DataFrame(rows), docs


def test_compare_networks_by_variable():
    units, docs = _grouped_corpus()
    cfg = C.CoocConfig(min_freq=1)
    cmp = C.compare_networks_by(units, docs, "province", "安徽", "浙江", config=cfg)
    assert cmp.labels == ("安徽", "浙江")
    assert cmp.result_a.n_units == 8 and cmp.result_b.n_units == 8
    ch = cmp.changes.set_index(["source", "target"])
    assert ch.loc[("排查", "维稳"), "group"] == "安徽"
    assert ch.loc[("排查", "维稳"), "weight_a"] > ch.loc[("排查", "维稳"), "weight_b"]
    assert ch.loc[("服务", "法治"), "group"] == "浙江"
    assert ch.loc[("服务", "法治"), "docs_b"] == 2 and ch.loc[("服务", "法治"), "docs_a"] == 0
    # the same as building the two groups by hand
    hand = C.compare_networks(
        units[units["doc_id"].isin(["d0", "d1"])],
        units[units["doc_id"].isin(["d2", "d3"])],
        config=cfg,
        labels=("安徽", "浙江"),
    )
    pd.testing.assert_frame_equal(cmp.changes, hand.changes)


def test_compare_networks_by_rest_and_labels():
    units, docs = _grouped_corpus()
    cfg = C.CoocConfig(min_freq=1)
    rest = C.compare_networks_by(units, docs, "province", "安徽", config=cfg, min_docs=2)
    assert rest.labels == ("安徽", "not 安徽")
    # group b: 浙江 and 江苏 (d2-d5, 12 units); the document without a province is in neither
    assert rest.result_b.n_units == 12 and rest.result_b.n_docs == 4
    assert rest.graph.graph["label_b"] == "not 安徽"
    ch = rest.changes.set_index(["source", "target"])
    assert ch.loc[("排查", "维稳"), "group"] == "安徽"
    assert ch.loc[("服务", "法治"), "group"] == "not 安徽"
    named = C.compare_networks_by(
        units, docs, "province", "安徽", "浙江", config=cfg, labels=("Anhui", "Zhejiang")
    )
    assert set(named.changes["group"]) <= {"Anhui", "Zhejiang", "equal"}


def test_compare_networks_by_numeric_values_as_strings():
    units, docs = _grouped_corpus()
    cfg = C.CoocConfig(min_freq=1)
    as_int = C.compare_networks_by(units, docs, "year", 2015, config=cfg)
    as_str = C.compare_networks_by(units, docs, "year", "2015", config=cfg)
    assert as_int.labels == as_str.labels == ("2015", "not 2015")
    pd.testing.assert_frame_equal(as_int.changes, as_str.changes)
    assert as_int.result_a.n_docs == 3  # d0, d1, d4
    floats = docs.assign(year=docs["year"].astype("float64"))  # 2015.0 reads as "2015"
    as_float = C.compare_networks_by(units, floats, "year", 2015, "2016", config=cfg)
    assert as_float.labels == ("2015", "2016") and as_float.result_b.n_docs == 2


def test_compare_networks_by_errors():
    units, docs = _grouped_corpus()
    with pytest.raises(ValueError, match=r"by: no column 'outlet' in docs; .*'province'"):
        C.compare_networks_by(units, docs, "outlet", "x")
    with pytest.raises(
        ValueError,
        match=r"a: no document has province == '广东'; values of 'province' "
        r"\(documents with units\): '安徽' \(2\), '江苏' \(2\), '浙江' \(2\)",
    ):
        C.compare_networks_by(units, docs, "province", "广东")
    with pytest.raises(ValueError, match=r"b: no document has province == '广东'"):
        C.compare_networks_by(units, docs, "province", "安徽", "广东")
    no_units = units[~units["doc_id"].isin(["d2", "d3"])]
    with pytest.raises(
        ValueError,
        match=r"b: no unit belongs to a document with province == '浙江'; .*'浙江' \(0\)",
    ):
        C.compare_networks_by(no_units, docs, "province", "安徽", "浙江")
    only = docs.assign(province=["安徽"] * 6 + [None])
    with pytest.raises(ValueError, match=r"b: no unit belongs to a document with province != "):
        C.compare_networks_by(units, only, "province", "安徽")
    with pytest.raises(ValueError, match="b: must differ from a"):
        C.compare_networks_by(units, docs, "year", 2015, "2015")
    twice = pd.concat([docs, docs.head(1).assign(province="浙江")], ignore_index=True)
    with pytest.raises(ValueError, match=r"docs: documents with two values of 'province': 'd0'"):
        C.compare_networks_by(units, twice, "province", "安徽")
    with pytest.raises(ValueError, match="docs: expected a table with a 'doc_id' column"):
        C.compare_networks_by(units, docs.drop(columns="doc_id"), "province", "安徽")


def test_compare_networks_by_seed_genre(seed_units, seed_docs):
    cmp = C.compare_networks_by(
        seed_units, seed_docs, "genre", "工作方案", config=C.CoocConfig(n_nodes=60), min_docs=2
    )
    assert cmp.labels == ("工作方案", "not 工作方案")
    kept = set(seed_units["doc_id"])
    genre = seed_docs.set_index("doc_id")["genre"]
    a_docs = {d for d in kept if genre.get(d) == "工作方案"}
    b_docs = {d for d in kept if isinstance(genre.get(d), str) and genre.get(d) != "工作方案"}
    assert cmp.result_a.n_docs == len(a_docs) and cmp.result_b.n_docs == len(b_docs)
    assert cmp.result_a.n_units == int(seed_units["doc_id"].isin(a_docs).sum())
    assert not cmp.changes.empty
    assert set(cmp.changes["group"]) <= {"工作方案", "not 工作方案", "equal"}
    stronger = cmp.changes[cmp.changes["group"] == "工作方案"]
    assert (stronger["docs_a"] >= 2).all()


def test_a_comparison_without_difference_is_drawn_and_exported(tmp_path):
    """No pair co-occurs in min_docs documents (a small corpus): the difference figure says
    so and the empty network is exported with its (empty) layout, as notebook 04 does."""
    from textkit.plots.network import plot_difference

    a = pd.DataFrame({"doc_id": ["a1", "a2"], "tokens": [["职责", "负责"], ["法治", "服务"]]})
    b = pd.DataFrame({"doc_id": ["b1", "b2"], "tokens": [["职责", "法治"], ["负责", "服务"]]})
    with pytest.warns(UserWarning, match="no pair reaches"):
        cmp = C.compare_networks(
            a, b, config=C.CoocConfig(min_freq=1), labels=("a", "b"), min_docs=3
        )
    assert cmp.graph.number_of_nodes() == 0
    fig = plot_difference(cmp)
    assert "no difference" in [t.get_text() for ax in fig.axes for t in ax.texts]
    paths = C.export_network(cmp.graph, tmp_path, "difference", layout=fig.textkit_data)
    assert paths["gexf"].is_file() and paths["nodes"].is_file()


def test_no_ego_term_in_the_network_gives_an_empty_table_and_figure():
    """A small corpus whose network holds none of the ego terms: ego_table keeps its columns
    and plot_ego_networks says so (notebook 04 runs to the end)."""
    import networkx as nx

    from textkit.plots.network import plot_ego_networks

    G = nx.Graph()
    G.add_edge("职责", "负责", weight=0.5, count=3, docs=2)
    table = C.ego_table(G, ["维稳", "法治"])
    assert table.empty and list(table.columns) == [
        "term", "rank", "neighbour", "weight", "count", "docs"
    ]  # fmt: skip
    assert list(C.ego_table(nx.Graph(), []).columns)[4:] == [
        "count", "docs", "expected", "pmi", "p_value"
    ]  # fmt: skip
    fig = plot_ego_networks({})
    assert [" ".join(t.get_text().split()) for t in fig.axes[0].texts] == [
        "No ego network: none of the ego terms is a node of the network"
    ]
