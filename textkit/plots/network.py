"""Figures for the co-occurrence stage: the network and the difference network of two groups.

Both functions take graphs from :mod:`textkit.cooc`, draw inside
:func:`textkit.plots.use_style` (CJK font) and return a :class:`matplotlib.figure.Figure`
without saving it (use :func:`textkit.plots.save_figure`). The tidy table behind each figure
(one row per node with its position, one per edge) is attached as ``fig.textkit_data``.

Layout is deterministic: the graph is rebuilt with nodes and edges in sorted order and laid
out by :func:`networkx.spring_layout` (or Kamada-Kawai) with a fixed seed.

Label overlap is reduced in two ways: only the ``max_labels`` nodes with the highest
weighted degree are labelled (default: all when there are at most 80 nodes), and labels
are pushed apart by a simple repulsion in display space (label boxes estimated from the
font size: a CJK character is about one em wide), each label being pulled back towards its
node; a label moved far from its node gets a thin leader line.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import matplotlib.patches as mpatches
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import FRAME_COLORS, new_figure, palette, use_style

__all__ = ["network_layout", "plot_network", "plot_difference"]

logger = logging.getLogger(__name__)

_LAYOUTS = ("spring", "kamada_kawai")


def network_layout(
    G: nx.Graph, layout: str = "spring", seed: int = 42, weight: str | None = "weight"
) -> dict[str, tuple[float, float]]:
    """Deterministic 2-D positions of the nodes of ``G``.

    Parameters
    ----------
    G : networkx.Graph
    layout : {"spring", "kamada_kawai"}, default "spring"
        Fruchterman-Reingold with ``seed`` (200 iterations) or Kamada-Kawai (connected
        components laid out by spring first, then refined).
    seed : int, default 42
    weight : str or None, default "weight"
        Edge attribute pulling nodes together (spring); must be positive, otherwise the
        layout is unweighted.

    Returns
    -------
    dict of str to (float, float)
        Positions scaled to [-1, 1].
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout: expected one of {_LAYOUTS}, got {layout!r}")
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    w = weight
    vals = [d.get(weight, 1.0) for _, _, d in G.edges(data=True)] if weight else []
    if weight is None or (vals and min(vals) <= 0):
        w = None
    for u, v in sorted((min(a, b), max(a, b)) for a, b in G.edges):
        H.add_edge(u, v, w=float(G.edges[u, v].get(weight, 1.0)) if w else 1.0)
    if H.number_of_nodes() == 0:
        return {}
    if H.number_of_nodes() == 1:
        return {next(iter(H.nodes)): (0.0, 0.0)}
    k = 3.0 / math.sqrt(H.number_of_nodes())
    pos = nx.spring_layout(H, k=k, weight="w", seed=seed, iterations=200)
    if layout == "kamada_kawai":
        pos = nx.kamada_kawai_layout(H, pos=pos, weight=None)
    arr = np.array([pos[n] for n in H.nodes], dtype=float)
    arr -= arr.mean(axis=0)
    scale = np.abs(arr).max() or 1.0
    arr /= scale
    return {n: (float(x), float(y)) for n, (x, y) in zip(H.nodes, arr, strict=True)}


def _scale(values: np.ndarray, lo: float, hi: float, sqrt: bool = False) -> np.ndarray:
    v = np.sqrt(np.maximum(values, 0)) if sqrt else values.astype(float)
    if len(v) == 0:
        return v
    span = v.max() - v.min()
    if not np.isfinite(span) or span == 0:
        return np.full(len(v), (lo + hi) / 2)
    return lo + (v - v.min()) / span * (hi - lo)


def _repel_labels(anchors: np.ndarray, sizes: np.ndarray, iterations: int = 300) -> np.ndarray:
    """Move label centres (display units) apart so their boxes overlap less.

    ``anchors`` are the node positions, ``sizes`` the (width, height) of each label box.
    Each step pushes every overlapping pair apart along the axis of least overlap and pulls
    each label a little back to its node. Deterministic (pure arithmetic, fixed order).
    """
    pos = anchors.astype(float).copy()
    n = len(pos)
    if n < 2:
        return pos
    half = sizes / 2.0
    for _ in range(iterations):
        dx = pos[:, None, 0] - pos[None, :, 0]
        dy = pos[:, None, 1] - pos[None, :, 1]
        ox = half[:, None, 0] + half[None, :, 0] - np.abs(dx)
        oy = half[:, None, 1] + half[None, :, 1] - np.abs(dy)
        overlap = (ox > 0) & (oy > 0)
        np.fill_diagonal(overlap, False)
        if not overlap.any():
            break
        # push along the axis with the smaller overlap; ties broken by index order
        sx = np.where(dx == 0, np.sign(np.arange(n)[:, None] - np.arange(n)[None, :]), np.sign(dx))
        sy = np.where(dy == 0, np.sign(np.arange(n)[:, None] - np.arange(n)[None, :]), np.sign(dy))
        use_x = ox < oy
        px = np.where(overlap & use_x, sx * ox * 0.5, 0.0).sum(axis=1)
        py = np.where(overlap & ~use_x, sy * oy * 0.5, 0.0).sum(axis=1)
        pos[:, 0] += px
        pos[:, 1] += py
        pos += (anchors - pos) * 0.01
    return pos


def _draw_labels(ax, pos: Mapping[str, tuple[float, float]], terms: list[str], fontsizes) -> None:
    fig = ax.figure
    trans = ax.transData
    anchors = np.array([trans.transform(pos[t]) for t in terms]) if terms else np.zeros((0, 2))
    px_per_pt = fig.dpi / 72.0
    sizes = np.array(
        [
            (
                max(1.0, sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in t)) * fs * px_per_pt + 2,
                fs * px_per_pt * 1.25,
            )
            for t, fs in zip(terms, fontsizes, strict=True)
        ]
    ).reshape(-1, 2)
    moved = _repel_labels(anchors, sizes)
    inv = trans.inverted()
    for t, fs, a, m in zip(terms, fontsizes, anchors, moved, strict=True):
        xy = inv.transform(m)
        if np.hypot(*(m - a)) > fs * px_per_pt * 1.2:
            ax.plot([pos[t][0], xy[0]], [pos[t][1], xy[1]], color="#777777", lw=0.3, zorder=2.5)
        ax.text(
            xy[0],
            xy[1],
            t,
            fontsize=fs,
            ha="center",
            va="center",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )


def _label_nodes(ax, G: nx.Graph, pos, terms: list[str]) -> None:
    """Label ``terms`` after a layout pass, so display coordinates are final."""
    ax.figure.draw_without_rendering()
    freq = np.array([G.nodes[t].get("freq", 1) for t in terms], dtype=float)
    fs = [float(x) for x in _scale(freq, 6.0, 9.0, sqrt=True)]
    _draw_labels(ax, pos, terms, fs)


def _weighted_degree(G: nx.Graph, n: str) -> float:
    return float(sum(abs(G.edges[n, m].get("weight", 1.0)) for m in sorted(G.adj[n])))


def _frame_axes(ax, pos: Mapping[str, tuple[float, float]]) -> None:
    ax.set_xlim(-1.18, 1.18)
    ax.set_ylim(-1.18, 1.18)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def plot_network(
    G: nx.Graph,
    *,
    layout: str = "spring",
    seed: int = 42,
    pos: Mapping[str, tuple[float, float]] | None = None,
    max_labels: int | None = None,
    title: str | None = None,
    width: str | float = "double",
    height: float | None = None,
    highlight_mst: bool = True,
) -> Figure:
    """Draw a co-occurrence network (KH Coder style).

    Node area grows with the term's frequency (``freq``), colour shows the community
    (``community``, :func:`textkit.plots.palette`), edge width grows with ``weight``;
    edges of the maximum spanning tree (``mst``) are drawn darker when the graph also has
    other edges. The legend lists each community with its most frequent terms, and the
    size scale.

    Parameters
    ----------
    G : networkx.Graph
        From :func:`textkit.cooc.build_network` (or :func:`textkit.cooc.ego_network`).
    layout : {"spring", "kamada_kawai"}, default "spring"
    seed : int, default 42
        Layout seed.
    pos : mapping, optional
        Precomputed positions (e.g. from :func:`network_layout`, to align two figures).
    max_labels : int, optional
        Label only this many nodes, those with the highest weighted degree (default: all
        when there are at most 80 nodes, else 80).
    title : str, optional
    width : {"single", "double"} or float, default "double"
    height : float, optional
    highlight_mst : bool, default True

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.textkit_data`` (nodes: kind, term, x, y, freq, community, labelled;
        edges: kind, source, target, weight, mst).
    """
    if not isinstance(G, nx.Graph):
        raise ValueError(f"G: expected a networkx.Graph, got {type(G).__name__}")
    if max_labels is not None and (not isinstance(max_labels, int) or max_labels < 0):
        raise ValueError(f"max_labels: expected an integer >= 0, got {max_labels!r}")
    nodes = sorted(G.nodes)
    pos = dict(pos) if pos is not None else network_layout(G, layout=layout, seed=seed)
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise ValueError(f"pos: no position for node(s) {missing[:5]}")
    freq = np.array([float(G.nodes[n].get("freq", 1)) for n in nodes])
    comm = [int(G.nodes[n].get("community", 0)) for n in nodes]
    n_comm = max(comm) + 1 if comm else 0
    colours = palette(max(n_comm, 1))
    node_colour = [colours[c] if c >= 0 else "#bbbbbb" for c in comm]
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    ew = np.array([float(G.edges[e].get("weight", 1.0)) for e in edges])
    mst = np.array([bool(G.edges[e].get("mst", False)) for e in edges], dtype=bool)
    show_mst = highlight_mst and mst.any() and not mst.all()
    limit = (len(nodes) if len(nodes) <= 80 else 80) if max_labels is None else max_labels
    ranked = sorted(nodes, key=lambda n: (-_weighted_degree(G, n), n))
    labelled = set(ranked[:limit])

    with use_style():
        fig, ax = new_figure(width, height=height if height is not None else None)
        if not nodes:
            ax.text(0.5, 0.5, "empty network", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            _frame_axes(ax, pos)
            if edges:
                segs = [[pos[u], pos[v]] for u, v in edges]
                widths = _scale(np.abs(ew), 0.3, 2.6)
                cols = [
                    "#444444" if (show_mst and m) else ("#9a9a9a" if show_mst else "#707070")
                    for m in mst
                ]
                ax.add_collection(
                    LineCollection(segs, linewidths=widths, colors=cols, alpha=0.8, zorder=1)
                )
            sizes = _scale(freq, 20, 260, sqrt=True)
            xy = np.array([pos[n] for n in nodes])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=sizes,
                c=node_colour,
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
            )
            handles = []
            for c in range(min(n_comm, 12)):
                members = sorted(
                    (n for n, k in zip(nodes, comm, strict=True) if k == c),
                    key=lambda n: (-G.nodes[n].get("freq", 0), n),
                )
                handles.append(
                    mpatches.Patch(color=colours[c], label=f"{c + 1}: " + "、".join(members[:3]))
                )
            if n_comm > 12:
                logger.info("plot_network: %d communities; legend lists the first 12", n_comm)
            fq = sorted({int(freq.min()), int(np.median(freq)), int(freq.max())})
            for f in fq:
                s = float(_scale(np.array([f, *freq]), 20, 260, sqrt=True)[0])
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="",
                        marker="o",
                        markersize=math.sqrt(s),
                        color="#999999",
                        label=f"freq {f}",
                    )
                )
            if show_mst:
                handles.append(Line2D([], [], color="#444444", lw=1.5, label="spanning tree"))
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                frameon=False,
                fontsize=6,
                title="Community",
                title_fontsize=6,
                borderaxespad=0.0,
            )
            _label_nodes(ax, G, pos, [n for n in nodes if n in labelled])
        if title:
            ax.set_title(title)
    fig.textkit_data = _plot_data(G, nodes, edges, pos, labelled)
    return fig


def _plot_data(G, nodes, edges, pos, labelled) -> pd.DataFrame:
    rows = []
    for n in nodes:
        d = G.nodes[n]
        rows.append(
            {
                "kind": "node",
                "term": n,
                "x": pos[n][0],
                "y": pos[n][1],
                "freq": d.get("freq"),
                "community": d.get("community"),
                "labelled": n in labelled,
            }
        )
    for u, v in edges:
        d = G.edges[u, v]
        rows.append(
            {
                "kind": "edge",
                "source": u,
                "target": v,
                "weight": d.get("weight"),
                "mst": d.get("mst"),
                "diff": d.get("diff"),
                "group": d.get("group"),
            }
        )
    cols = [
        "kind",
        "term",
        "x",
        "y",
        "freq",
        "community",
        "labelled",
        "source",
        "target",
        "weight",
        "mst",
        "diff",
        "group",
    ]
    df = pd.DataFrame(rows, columns=cols)
    return df.dropna(axis=1, how="all")


def _group_colours(a: str, b: str) -> tuple[str, str]:
    if a in FRAME_COLORS and b in FRAME_COLORS:
        return FRAME_COLORS[a], FRAME_COLORS[b]
    p = palette(2)
    return p[0], p[1]


def plot_difference(
    comparison,
    *,
    layout: str = "spring",
    seed: int = 42,
    max_labels: int | None = None,
    title: str | None = None,
    width: str | float = "double",
    height: float | None = None,
) -> Figure:
    """Draw the difference graph of :func:`textkit.cooc.compare_networks`.

    Edges are coloured by the group in which the association is stronger (frame colours
    when the labels are frame keys such as ``stability`` / ``service_law``, else the
    first two palette colours), their width grows with ``|weight_a - weight_b|``; node area
    grows with the frequency in both groups together.

    Parameters
    ----------
    comparison : textkit.cooc.NetworkComparison
    layout, seed, max_labels, title, width, height
        As in :func:`plot_network`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    G = getattr(comparison, "graph", None)
    if not isinstance(G, nx.Graph):
        raise ValueError("comparison: expected the result of textkit.cooc.compare_networks")
    la, lb = comparison.labels
    ca, cb = _group_colours(la, lb)
    nodes = sorted(G.nodes)
    pos = network_layout(G, layout=layout, seed=seed)
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    limit = (len(nodes) if len(nodes) <= 80 else 80) if max_labels is None else max_labels
    labelled = set(sorted(nodes, key=lambda n: (-_weighted_degree(G, n), n))[:limit])
    with use_style():
        fig, ax = new_figure(width, height=height)
        if not nodes:
            ax.text(0.5, 0.5, "no difference", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            _frame_axes(ax, pos)
            diffs = np.array([float(G.edges[e].get("diff", 0.0)) for e in edges])
            widths = _scale(np.abs(diffs), 0.4, 3.0)
            cols = [ca if d > 0 else cb if d < 0 else "#999999" for d in diffs]
            ax.add_collection(
                LineCollection(
                    [[pos[u], pos[v]] for u, v in edges],
                    linewidths=widths,
                    colors=cols,
                    alpha=0.85,
                    zorder=1,
                )
            )
            freq = np.array([float(G.nodes[n].get("freq", 1)) for n in nodes])
            xy = np.array([pos[n] for n in nodes])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=_scale(freq, 30, 400, sqrt=True),
                c="#d9d9d9",
                edgecolors="#555555",
                linewidths=0.5,
                zorder=3,
            )
            handles = [
                Line2D([], [], color=ca, lw=2, label=f"stronger in {la}"),
                Line2D([], [], color=cb, lw=2, label=f"stronger in {lb}"),
            ]
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                frameon=False,
                fontsize=6,
                title=f"{comparison.weight} difference",
                title_fontsize=6,
                borderaxespad=0.0,
            )
            _label_nodes(ax, G, pos, [n for n in nodes if n in labelled])
        if title:
            ax.set_title(title)
    fig.textkit_data = _plot_data(G, nodes, edges, pos, labelled)
    return fig
