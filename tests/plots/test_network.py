"""Tests of textkit.plots.network on co-occurrence networks of the seed corpus and a tiny fixture."""

from __future__ import annotations

import warnings

import networkx as nx
import pandas as pd
import pytest
from matplotlib.figure import Figure

import textkit.cooc as C
from textkit.plots import FRAME_COLORS
from textkit.plots import network as PN


@pytest.fixture(scope="module")
def seed_graph(seed_units):
    res = C.cooccurrence(seed_units, C.CoocConfig(unit="sentence", n_nodes=120))
    return res, C.build_network(res, top_n=80, overlay_mst=True)


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
    assert row["colour"] == FRAME_COLORS["stability"]
    assert [a.get_title() for a in fig.axes[:2]] == ["维稳", "社区"]
    with pytest.raises(ValueError, match="egos"):
        PN.plot_ego_networks([])  # not a mapping
    assert PN.plot_ego_networks({}).textkit_data.empty  # none of the terms: an empty figure


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
        one = pd.DataFrame(
            {"doc_id": ["d1"], "para_id": [0], "sent_id": [0], "unit_id": [0],
             "tokens": [["A", "B", "C"]]}
        )  # fmt: skip
        empty = C.build_network(C.cooccurrence(one, C.CoocConfig(min_freq=1, min_count=1)))
    assert isinstance(PN.plot_network(empty), Figure)


def test_plot_difference_shows_the_comparison_labels(seed_units, seed_docs):
    cmp = C.compare_networks_by(
        seed_units, seed_docs, "genre", "工作方案", config=C.CoocConfig(n_nodes=50)
    )
    fig = PN.plot_difference(cmp)
    legend = [t.get_text() for t in fig.axes[1].texts]
    assert "工作方案" in legend and "not 工作方案" in legend
    assert not any("Stability" in t or "Service" in t for t in legend)
    assert any("\nnot 工作方案: " in t and "sentence units" in t for t in legend)  # the note
    assert set(fig.textkit_data["group"].dropna()) <= {"工作方案", "not 工作方案", "equal"}
