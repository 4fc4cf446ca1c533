"""Figures for the co-occurrence stage: the network, ego networks and the difference network.

The functions take graphs from :mod:`textkit.cooc.cooc`, draw inside
:func:`textkit.plots.use_style` (CJK font) and return a :class:`matplotlib.figure.Figure`
without saving it (use :func:`textkit.plots.save_figure`). The tidy table behind each figure
(one row per node with its position and label position, one per edge) is attached as
``fig.textkit_data``.

What the reader sees, in every figure:

* node **area** proportional to the term's frequency (with a size key in the legend);
* node **colour** by Louvain community (the largest ``max_colours`` communities get a
  colour each, the small rest is grey), or by a term -> group mapping such as the frame
  lexicon (``node_groups``); edges inside a community take its colour, edges between
  communities are grey;
* edge **width** proportional to the weight (with a width key);
* **labels** next to their node, with a white halo so edges do not cut through them.
  Labels are placed greedily, most frequent term first, at the first of a ring of
  candidate positions around the node that overlaps no placed label, no node and stays
  inside the panel; when every close position is taken, a farther one is used with a thin
  leader line to the node. This is deterministic arithmetic on estimated label boxes (a
  CJK character is one em wide);
* a legend column and a small note with the recipe (units, edge rule, modularity), so a
  figure pasted into a paper still says how it was made.

Layout is deterministic: the graph is rebuilt with nodes and edges in sorted order and laid
out by :func:`networkx.spring_layout` with a fixed seed, refined by ForceAtlas2 (Gephi's
layout) or Kamada-Kawai, rotated to its principal axes; overlapping node discs are then
pushed apart in display space.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence

import matplotlib.colors as mcolors
import matplotlib.patheffects as pe
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from textkit.core.checks import renamed_parameter
from textkit.plots import (
    FRAME_COLORS,
    FRAME_LABELS,
    SIZES,
    frame_palette,
    new_figure,
    palette,
    use_style,
)
from textkit.plots._placement import (  # shared with the scatter
    freeze_layout,
    place_labels,
    text_width_em,
)
from textkit.plots.labels import display_label

__all__ = ["network_layout", "plot_network", "plot_ego_networks", "plot_difference"]

logger = logging.getLogger(__name__)

_LAYOUTS = ("spring", "kamada_kawai", "forceatlas2")
_GREY = "#b8b8b8"
_EDGE_GREY = "#9a9a9a"
#: Node area range in points² (scatter ``s``) and label font sizes in points.
_NODE_AREA = (14.0, 300.0)
_FONT = (6.5, 9.5)
_EDGE_WIDTH = (0.6, 3.6)
_EGO_LIMITS = 1.3
_HALO = [pe.withStroke(linewidth=2.2, foreground="white")]


# --------------------------------------------------------------------------- layout


@renamed_parameter("seed", "random_state")
def network_layout(
    G: nx.Graph,
    layout: str = "spring",
    random_state: int = 42,
    weight: str | None = "weight",
    *,
    community_pull: float = 1.5,
    centre: str | None = None,
    fa_scaling: float = 2.0,
    fa_gravity: float = 1.0,
) -> dict[str, tuple[float, float]]:
    """Deterministic 2-D positions of the nodes of ``G``.

    Parameters
    ----------
    G : networkx.Graph
    layout : {"spring", "kamada_kawai", "forceatlas2"}, default "spring"
        Fruchterman-Reingold with ``random_state`` (300 iterations), or Kamada-Kawai or
        ForceAtlas2 (Gephi's layout; networkx >= 3.4, else spring) started from it.
    random_state : int, default 42
    weight : str or None, default "weight"
        Edge attribute pulling nodes together (spring); must be positive, otherwise the
        layout is unweighted. Weights are rescaled to [0.2, 1].
    community_pull : float, default 1.5
        Edges inside a community (node attribute ``community``) pull this many times
        harder, so that communities sit together as in the legend (1: no effect).
    centre : str, optional
        A node pinned at the origin (ego networks). When every other node is its
        neighbour, the neighbours are spaced evenly around it, in the angular order of the
        spring layout, at a distance that shrinks with the weight of their tie.

    Returns
    -------
    dict of str to (float, float)
        Positions centred and scaled to [-1, 1], rotated to their principal axes (the
        longer extent horizontal) unless ``centre`` is given.
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout: expected one of {_LAYOUTS}, got {layout!r}")
    if not isinstance(community_pull, (int, float)) or community_pull <= 0:
        raise ValueError(f"community_pull: expected a positive number, got {community_pull!r}")
    nodes = sorted(G.nodes)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    raw = np.array([float(G.edges[e].get(weight, 1.0)) if weight else 1.0 for e in edges])
    if len(raw) and (not np.all(np.isfinite(raw)) or raw.min() <= 0):
        raw = np.ones(len(raw))
    w = _scale(raw, 0.2, 1.0) if len(raw) else raw
    H = nx.Graph()
    H.add_nodes_from(nodes)
    for (u, v), x in zip(edges, w, strict=True):
        cu, cv = G.nodes[u].get("community"), G.nodes[v].get("community")
        same = cu is not None and cu == cv and cu >= 0
        H.add_edge(u, v, w=float(x) * (community_pull if same else 1.0))
    k = 3.0 / math.sqrt(len(nodes))
    fixed = None
    init = None
    if centre is not None and centre in H:
        init = {n: (0.0, 0.0) for n in [centre]}
        fixed = [centre]
    if init is not None:
        rng = np.random.default_rng(random_state)
        init.update({n: tuple(rng.uniform(-1, 1, 2)) for n in nodes if n != centre})
    pos = nx.spring_layout(
        H, k=k, weight="w", seed=random_state, iterations=300, pos=init, fixed=fixed
    )
    if layout == "kamada_kawai" and H.number_of_edges():
        pos = nx.kamada_kawai_layout(H, pos=pos, weight=None)
    elif layout == "forceatlas2" and H.number_of_edges():
        if hasattr(nx, "forceatlas2_layout"):
            freq = _node_freq(G, nodes)
            size = dict(zip(nodes, 0.02 + 0.06 * np.sqrt(freq / freq.max()), strict=True))
            pos = nx.forceatlas2_layout(
                H,
                pos={n: np.array(pos[n], dtype=float) for n in nodes},
                max_iter=300,
                scaling_ratio=fa_scaling,
                gravity=fa_gravity,
                node_size=size,
                weight="w",
                seed=random_state,
                linlog=False,
            )
        else:  # networkx < 3.4
            logger.info("network_layout: forceatlas2 needs networkx >= 3.4; using spring")
    arr = np.array([pos[n] for n in nodes], dtype=float)
    if centre is not None and centre in H:
        arr -= arr[nodes.index(centre)]
        others = [n for n in nodes if n != centre]
        if others and all(H.has_edge(centre, n) for n in others):
            arr = _radial(G, nodes, centre, arr, weight)
    else:
        # principal axes: the longer extent of the drawing is horizontal (figures are wide)
        arr -= arr.mean(axis=0)
        _, _, vt = np.linalg.svd(arr, full_matrices=False)
        arr = arr @ vt.T
        for j in range(2):  # deterministic orientation: the heavier tail to the right / top
            if np.sum(arr[:, j] ** 3) < 0:
                arr[:, j] = -arr[:, j]
        arr -= (arr.max(axis=0) + arr.min(axis=0)) / 2
    scale = np.abs(arr).max() or 1.0
    arr /= scale
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, arr, strict=True)}


def _radial(G: nx.Graph, nodes: list[str], centre: str, arr: np.ndarray, weight) -> np.ndarray:
    """Ego layout: neighbours evenly spaced around the centre, in the angular order of the
    spring layout (so that tied neighbours stay side by side), stronger ties closer."""
    c = nodes.index(centre)
    idx = [i for i in range(len(nodes)) if i != c]
    ang = np.arctan2(arr[idx, 1], arr[idx, 0])
    order = sorted(range(len(idx)), key=lambda j: (ang[j], nodes[idx[j]]))
    w = np.array(
        [float(G.edges[centre, nodes[i]].get(weight, 1.0)) if weight else 1.0 for i in idx]
    )
    if not np.all(np.isfinite(w)) or w.min() <= 0:
        w = np.ones(len(w))
    near = _scale(w, 0.0, 1.0) if len(w) > 1 else np.ones(len(w))
    radius = 1.0 - 0.45 * near
    start = float(ang[order[0]])
    out = np.zeros_like(arr)
    for rank, j in enumerate(order):
        theta = start + 2 * np.pi * rank / len(idx)
        out[idx[j]] = radius[j] * np.cos(theta), radius[j] * np.sin(theta)
    return out


def _scale(values: np.ndarray, lo: float, hi: float, sqrt: bool = False) -> np.ndarray:
    v = np.sqrt(np.maximum(values, 0)) if sqrt else np.asarray(values, dtype=float)
    if len(v) == 0:
        return v
    span = v.max() - v.min()
    if not np.isfinite(span) or span == 0:
        return np.full(len(v), (lo + hi) / 2)
    return lo + (v - v.min()) / span * (hi - lo)


class _Scale:
    """A linear map from data values to a visual range, fixed by the values of one figure."""

    def __init__(self, values: np.ndarray, lo: float, hi: float, zero: bool = False) -> None:
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        self.vmin = 0.0 if zero or len(v) == 0 else float(v.min())
        self.vmax = float(v.max()) if len(v) else 1.0
        self.lo, self.hi = lo, hi

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        span = self.vmax - self.vmin
        if span <= 0:
            return np.full(x.shape, (self.lo + self.hi) / 2)
        return self.lo + np.clip((x - self.vmin) / span, 0, 1) * (self.hi - self.lo)


def _nice(values: Sequence[float], k: int = 3) -> list[float]:
    """About ``k`` round values spanning ``values`` (for size and width keys)."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if len(v) == 0:
        return []
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        return [_round_sig(hi)]
    picks = [lo + (hi - lo) * q for q in np.linspace(0.0, 1.0, k)]
    out: list[float] = []
    for x in picks:
        r = _round_sig(x)
        if r > 0 and r not in out:
            out.append(r)
    return out


def _round_sig(x: float) -> float:
    """``x`` rounded to two significant digits."""
    if x == 0 or not np.isfinite(x):
        return 0.0
    return float(f"{x:.2g}")


def _fmt(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.0f}"
    return f"{x:.2g}" if abs(x) < 1 else f"{x:.1f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- drawing


def _group_palette(groups: Sequence[str]) -> dict[str, str]:
    keys = sorted(set(groups))
    if all(k in FRAME_COLORS for k in keys):
        return dict(zip(keys, frame_palette(keys), strict=True))
    return dict(zip(keys, palette(len(keys)), strict=True))


def _weighted_degree(G: nx.Graph, n: str) -> float:
    return float(sum(abs(G.edges[n, m].get("weight", 1.0)) for m in sorted(G.adj[n])))


def _recipe(G: nx.Graph) -> list[str]:
    """Short lines describing how a graph from textkit.cooc.cooc was made."""
    lines = []
    gr = G.graph
    try:
        cfg = json.loads(gr.get("config", "{}"))
    except (TypeError, ValueError):
        cfg = {}
    unit = gr.get("unit")
    if "n_units" in gr and unit:
        lines.append(f"{int(gr['n_units']):,} {unit} units")
    net = cfg.get("network", {})
    wname = gr.get("weight", net.get("weight"))
    rule = []
    if net.get("backbone") == "mst":
        rule.append("maximum spanning tree")
    else:
        if net.get("backbone") == "disparity":
            rule.append(f"disparity backbone (α = {net.get('alpha')})")
        if net.get("threshold") is not None:
            rule.append(f"{wname} ≥ {net['threshold']}")
        if net.get("top_n") is not None:
            rule.append(f"top {net['top_n']} by {wname}")
        if net.get("overlay_mst"):
            rule.append("+ spanning tree")
    if rule:
        lines.append("edges: " + " ".join(rule))
    cooc = cfg.get("cooc", {})
    if cooc.get("min_count") is not None and net:
        lines.append(f"pairs in ≥ {cooc['min_count']} units")
    q = gr.get("modularity")
    if q is not None and np.isfinite(q):
        lines.append(f"Louvain Q = {q:.2f} (seed {gr.get('community_seed', '?')})")
    return lines


def _legend(ax, handles: list, headers: set[str], note: list[str] | None) -> None:
    """Draw a legend column by hand, so that size keys with large circles get the room
    they need (a matplotlib legend gives every row the same height)."""
    ax.set_axis_off()
    fig = ax.figure
    bb = ax.get_window_extent()
    px = fig.dpi / 72.0
    fx, fy = 1.0 / max(bb.width / px, 1.0), 1.0 / max(bb.height / px, 1.0)  # axes per pt
    marks = [h.get_markersize() for h in handles if h.get_marker() not in ("", "None", None)]
    col = max([14.0, *marks])  # handle column width in points
    y = 1.0
    for i, h in enumerate(handles):
        label = h.get_label()
        if label in headers:
            y -= (6.0 if i else 0.0) * fy
            y -= 9.0 * fy
            ax.text(0.0, y, label, transform=ax.transAxes, fontsize=7.2, color="#222222",
                    va="center", ha="left")  # fmt: skip
            y -= 3.0 * fy
            continue
        marker = h.get_marker()
        has_marker = marker not in ("", "None", None)
        row = max(9.0, h.get_markersize() + 2.5 if has_marker else 9.0)
        yc = y - row / 2 * fy
        if has_marker:
            ax.plot(
                [col / 2 * fx],
                [yc],
                ls="",
                marker=marker,
                markersize=h.get_markersize(),
                markerfacecolor=h.get_markerfacecolor(),
                markeredgecolor=h.get_markeredgecolor(),
                markeredgewidth=h.get_markeredgewidth(),
                transform=ax.transAxes,
                clip_on=False,
            )
        else:
            ax.plot(
                [0.0, col * fx],
                [yc, yc],
                color=h.get_color(),
                lw=h.get_linewidth(),
                alpha=h.get_alpha(),
                solid_capstyle="butt",
                transform=ax.transAxes,
                clip_on=False,
            )
        ax.text((col + 5.0) * fx, yc, label, transform=ax.transAxes, fontsize=6.5,
                color="#222222", va="center", ha="left")  # fmt: skip
        y -= row * fy
    if note:
        y -= 10.0 * fy
        ax.text(0.0, y, "\n".join(note), transform=ax.transAxes, fontsize=5.8,
                color="#555555", va="top", ha="left", linespacing=1.4)  # fmt: skip


def _header(label: str) -> Line2D:
    return Line2D([], [], ls="", marker="", label=label)


def _size_handles(area: _Scale, freq: np.ndarray, what: str) -> list:
    out = [_header(what)]
    for f in _nice(freq, 3):
        s = float(area(f))
        out.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markersize=math.sqrt(s),
                markerfacecolor="#cfcfcf",
                markeredgecolor="#8a8a8a",
                markeredgewidth=0.5,
                label=_fmt(f),
            )
        )
    return out


def _width_handles(width: _Scale, values: np.ndarray, what: str, colour: str) -> list:
    out = [_header(what)]
    for v in _nice(np.abs(values), 3):
        out.append(Line2D([], [], color=colour, lw=float(width(v)), label=_fmt(v)))
    return out


def _separate(xy: np.ndarray, radii: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Push overlapping node discs (display units) apart, a little at a time."""
    p = xy.astype(float).copy()
    n = len(p)
    if n < 2:
        return p
    need = radii[:, None] + radii[None, :] + 1.5
    idx = np.arange(n)
    for _ in range(iterations):
        d = p[:, None, :] - p[None, :, :]
        dist = np.hypot(d[..., 0], d[..., 1])
        over = (dist < need) & (idx[:, None] != idx[None, :])
        if not over.any():
            break
        # coincident points move along a fixed direction that depends on their index
        unit = np.where(
            dist[..., None] > 1e-9,
            d / np.maximum(dist, 1e-9)[..., None],
            np.stack(
                [np.cos(idx[:, None] - idx[None, :]), np.sin(idx[:, None] - idx[None, :])],
                axis=-1,
            ),
        )
        push = np.where(over, (need - dist) * 0.5, 0.0)[..., None] * unit
        p += push.sum(axis=1) * 0.5
    return p


def _draw_network(
    ax,
    G: nx.Graph,
    pos: Mapping[str, tuple[float, float]],
    *,
    node_colour: Mapping[str, str],
    edge_colour: Mapping[tuple[str, str], str],
    edge_alpha: Mapping[tuple[str, str], float],
    area: _Scale,
    width: _Scale,
    edge_value: Mapping[tuple[str, str], float],
    labelled: set[str],
    outline: set[str] = frozenset(),
    margin: float = 0.08,
    limits: float | None = None,
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float, int]]]:
    """Edges, nodes and labels of one panel.

    Returns the node positions actually drawn (overlapping discs pushed apart) and the
    label positions (data units, with the ring index: > 0 means a leader line).
    """
    nodes = sorted(G.nodes)
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    xy = np.array([pos[n] for n in nodes], dtype=float)
    _frame_panel(ax, xy, margin, limits)
    fig = ax.figure
    freeze_layout(fig)
    trans = ax.transData
    inv = trans.inverted()
    px = fig.dpi / 72.0
    freq = _node_freq(G, nodes)
    s = area(freq)
    radii = np.sqrt(s) / 2 * px
    disp = _separate(trans.transform(xy), radii)
    xy = inv.transform(disp)
    drawn = {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy, strict=True)}
    if edges:
        order = sorted(range(len(edges)), key=lambda i: (abs(edge_value[edges[i]]), edges[i]))
        segs = [[drawn[edges[i][0]], drawn[edges[i][1]]] for i in order]
        cols = [mcolors.to_rgba(edge_colour[edges[i]], edge_alpha[edges[i]]) for i in order]
        lws = [float(width(abs(edge_value[edges[i]]))) for i in order]
        ax.add_collection(
            LineCollection(segs, linewidths=lws, colors=cols, zorder=1, capstyle="round")
        )
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=s,
        c=[node_colour[n] for n in nodes],
        edgecolors=["#222222" if n in outline else "white" for n in nodes],
        linewidths=[1.3 if n in outline else 0.6 for n in nodes],
        zorder=3,
    )
    terms = [n for n in nodes if n in labelled]
    idx = [nodes.index(t) for t in terms]
    font = _Scale(np.sqrt(freq), *_FONT)
    fonts = [float(font(math.sqrt(freq[i]))) + (1.0 if nodes[i] in outline else 0.0) for i in idx]
    sizes = np.array(
        [
            (text_width_em(t) * f * px + 2.0, f * px * 1.15)
            for t, f in zip(terms, fonts, strict=True)
        ]
    ).reshape(-1, 2)
    bb = ax.get_window_extent()
    order = sorted(range(len(terms)), key=lambda j: (-freq[idx[j]], terms[j]))
    lab, ring = place_labels(
        disp[idx] if idx else np.zeros((0, 2)),
        radii[idx] if idx else np.zeros(0),
        sizes,
        order,
        (bb.x0, bb.y0, bb.x1, bb.y1),
        disp,
        radii,
    )
    out: dict[str, tuple[float, float, int]] = {}
    for j, t in enumerate(terms):
        lx, ly = inv.transform(lab[j])
        if ring[j] > 0:
            ax.plot(
                [drawn[t][0], lx],
                [drawn[t][1], ly],
                color="#8a8a8a",
                lw=0.35,
                zorder=2.5,
                solid_capstyle="butt",
            )
        ax.text(
            lx,
            ly,
            t,
            fontsize=fonts[j],
            ha="center",
            va="center",
            color="#111111",
            zorder=4,
            path_effects=_HALO,
        )
        out[t] = (float(lx), float(ly), int(ring[j]))
    return drawn, out


def _frame_panel(ax, xy: np.ndarray, margin: float, limits: float | None = None) -> None:
    """Equal aspect, no axis, limits around the nodes with room for labels at the sides
    (or the square [-limits, limits])."""
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    if limits is not None:
        ax.set_xlim(-limits, limits)
        ax.set_ylim(-limits, limits)
        return
    if len(xy) == 0:
        return
    lo, hi = xy.min(axis=0) - margin, xy.max(axis=0) + margin
    span = np.maximum(hi - lo, 0.5)
    mid = (hi + lo) / 2
    ax.set_xlim(mid[0] - span[0] / 2 - 0.12, mid[0] + span[0] / 2 + 0.12)
    ax.set_ylim(mid[1] - span[1] / 2 - 0.06, mid[1] + span[1] / 2 + 0.06)


def _community_colours(
    G: nx.Graph, max_colours: int
) -> tuple[dict[str, str], list[tuple[int, str, list[str]]]]:
    """Colour of each node by community, and the coloured communities for the legend."""
    nodes = sorted(G.nodes)
    comm = {n: int(G.nodes[n].get("community", -1)) for n in nodes}
    members: dict[int, list[str]] = {}
    for n in nodes:
        members.setdefault(comm[n], []).append(n)
    ranked = sorted(
        (c for c in members if c >= 0 and len(members[c]) >= 2),
        key=lambda c: (-len(members[c]), c),
    )[:max_colours]
    cols = dict(zip(ranked, palette(len(ranked)), strict=True))
    colour = {n: cols.get(comm[n], _GREY) for n in nodes}
    legend = [
        (
            c,
            cols[c],
            sorted(members[c], key=lambda n: (-float(G.nodes[n].get("freq", 0) or 0), n)),
        )
        for c in ranked
    ]
    return colour, legend


def _check_graph(G) -> None:
    if not isinstance(G, nx.Graph):
        raise ValueError(f"G: expected a networkx.Graph, got {type(G).__name__}")


def _label_set(G: nx.Graph, max_labels: int | None) -> set[str]:
    if max_labels is not None and (not isinstance(max_labels, int) or max_labels < 0):
        raise ValueError(f"max_labels: expected an integer >= 0, got {max_labels!r}")
    nodes = sorted(G.nodes)
    limit = min(len(nodes), 100) if max_labels is None else max_labels
    ranked = sorted(
        nodes, key=lambda n: (-float(G.nodes[n].get("freq", 0) or 0), -_weighted_degree(G, n), n)
    )
    return set(ranked[:limit])


def _aspect(pos: Mapping[str, tuple[float, float]]) -> float:
    """Height / width of the drawing (clipped to a sensible panel shape)."""
    if len(pos) < 2:
        return 1.0
    xy = np.array(list(pos.values()), dtype=float)
    span = xy.max(axis=0) - xy.min(axis=0) + 0.3
    return float(np.clip(span[1] / span[0], 0.62, 1.0))


def _figure(
    width,
    height,
    legend_ratio: float = 0.27,
    nrows: int = 1,
    ncols: int = 1,
    aspect: float = 0.98,
):
    w = SIZES[width] if isinstance(width, str) and width in SIZES else width
    if isinstance(w, str):
        raise ValueError(f"width must be one of {sorted(SIZES)} or inches, got {width!r}")
    w = float(w)
    main_w = w * (1 - legend_ratio)
    h = float(height) if height is not None else round(main_w * nrows / ncols * aspect, 2)
    fig, _ = new_figure(w, height=h, nrows=1, ncols=1)
    fig.clear()
    gs = fig.add_gridspec(
        nrows, ncols + 1, width_ratios=[*([(1 - legend_ratio) / ncols] * ncols), legend_ratio]
    )
    axes = [fig.add_subplot(gs[r, c]) for r in range(nrows) for c in range(ncols)]
    leg = fig.add_subplot(gs[:, ncols])
    return fig, axes, leg


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_axis_off()


# --------------------------------------------------------------------------- public


@renamed_parameter("seed", "random_state")
def plot_network(
    G: nx.Graph,
    *,
    layout: str = "forceatlas2",
    random_state: int = 42,
    pos: Mapping[str, tuple[float, float]] | None = None,
    max_labels: int | None = None,
    title: str | None = None,
    width: str | float = "double",
    height: float | None = None,
    highlight_mst: bool = True,
    node_groups: Mapping[str, str] | None = None,
    group_labels: Mapping[str, str] | None = None,
    max_colours: int = 9,
    note: bool = True,
) -> Figure:
    """Draw a co-occurrence network.

    Node area is proportional to frequency (``freq``), colour shows the Louvain community
    (``community``; the ``max_colours`` largest communities of two or more terms are
    coloured, the rest grey) or, with ``node_groups``, a group of terms; edge width is
    proportional to ``weight``. When the graph mixes spanning-tree edges (``mst``) and other
    edges, the other edges are drawn lighter. The legend column lists each community with
    its most frequent terms, the size and width keys, and a note with the recipe.

    Parameters
    ----------
    G : networkx.Graph
        From :func:`textkit.cooc.cooc.build_network` (or :func:`textkit.cooc.cooc.ego_network`).
    layout : {"forceatlas2", "spring", "kamada_kawai"}, default "forceatlas2"
        See :func:`network_layout`; ForceAtlas2 is Gephi's default layout.
    random_state : int, default 42
        Layout seed.
    pos : mapping, optional
        Precomputed positions (e.g. from :func:`network_layout`, to align two figures).
    max_labels : int, optional
        Label only this many nodes, the most frequent (default: all, at most 100).
    title : str, optional
    width : {"single", "double"} or float, default "double"
    height : float, optional
    highlight_mst : bool, default True
    node_groups : mapping of str to str, optional
        Term -> group key (e.g. term -> ``"stability"`` / ``"service_law"`` from the frame
        lexicon); nodes take the group's colour (frame colours when the keys are frame
        keys) and other nodes are grey.
    group_labels : mapping of str to str, optional
        Display names of the groups (default :data:`textkit.plots.FRAME_LABELS` or the key).
    max_colours : int, default 9
    note : bool, default True
        Print the recipe (units, edge rule, modularity) under the legend.

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.textkit_data`` (nodes: kind, term, x, y, freq, community, colour,
        labelled, label_x, label_y; edges: kind, source, target, weight, mst).
    """
    _check_graph(G)
    if not isinstance(max_colours, int) or max_colours < 1:
        raise ValueError(f"max_colours: expected an integer >= 1, got {max_colours!r}")
    nodes = sorted(G.nodes)
    pos = (
        dict(pos)
        if pos is not None
        else network_layout(G, layout=layout, random_state=random_state)
    )
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise ValueError(f"pos: no position for node(s) {missing[:5]}")
    labelled = _label_set(G, max_labels)
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    ew = {e: float(G.edges[e].get("weight", 1.0)) for e in edges}
    mst = {e: bool(G.edges[e].get("mst", False)) for e in edges}
    show_mst = highlight_mst and any(mst.values()) and not all(mst.values())
    handles: list = []
    headers: set[str] = set()
    if node_groups is not None:
        gmap = {n: node_groups.get(n) for n in nodes}
        gcols = _group_palette([g for g in gmap.values() if g is not None])
        colour = {n: gcols.get(gmap[n], _GREY) if gmap[n] else _GREY for n in nodes}
        names = dict(FRAME_LABELS)
        names.update(group_labels or {})
        headers.add("Terms")
        handles.append(_header("Terms"))
        for g in sorted(gcols):
            handles.append(_dot(gcols[g], names.get(g, g)))
        handles.append(_dot(_GREY, "other"))
        edge_colour = {
            e: colour[e[0]] if gmap[e[0]] and gmap[e[0]] == gmap[e[1]] else _EDGE_GREY
            for e in edges
        }
    else:
        colour, comms = _community_colours(G, max_colours)
        comm = {n: G.nodes[n].get("community") for n in nodes}
        headers.add("Communities")
        if comms:
            handles.append(_header("Communities"))
        for rank, (_, col, members) in enumerate(comms):
            handles.append(_dot(col, f"{rank + 1}  " + " · ".join(members[:3])))
        if any(c == _GREY for c in colour.values()) and comms:
            handles.append(_dot(_GREY, "small communities"))
        edge_colour = {
            e: colour[e[0]]
            if comm[e[0]] is not None and comm[e[0]] == comm[e[1]] and colour[e[0]] != _GREY
            else _EDGE_GREY
            for e in edges
        }
    edge_alpha = {e: (0.85 if (mst[e] or not show_mst) else 0.45) for e in edges}
    freq = _node_freq(G, nodes)
    area = _Scale(freq, *_NODE_AREA, zero=True)
    wvals = np.array([abs(v) for v in ew.values()])
    wscale = _Scale(wvals, *_EDGE_WIDTH)
    wname = str(G.graph.get("weight", "weight"))
    labels: dict = {}
    with use_style():
        fig, (ax,), lax = _figure(width, height, aspect=max(_aspect(pos), 0.7))
        if not nodes:
            _empty(ax, "empty network")
            lax.set_axis_off()
        else:
            pos, labels = _draw_network(
                ax,
                G,
                pos,
                node_colour=colour,
                edge_colour=edge_colour,
                edge_alpha=edge_alpha,
                area=area,
                width=wscale,
                edge_value=ew,
                labelled=labelled,
            )
            handles += _size_handles(area, freq, "Frequency")
            headers.add("Frequency")
            wlabel = _WEIGHT_NAMES.get(wname, wname)
            if edges:
                handles += _width_handles(wscale, wvals, wlabel, "#777777")
                headers.add(wlabel)
            if show_mst:
                handles.append(Line2D([], [], color="#555555", lw=1.2, label="spanning tree"))
                handles.append(
                    Line2D([], [], color="#555555", lw=1.2, alpha=0.45, label="other edges")
                )
            lines = [f"{len(nodes)} terms, {len(edges)} edges", *_recipe(G)] if note else None
            _legend(lax, handles, headers, lines)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
    fig.textkit_data = _plot_data(G, nodes, edges, pos, labelled, colour, labels)
    return fig


_WEIGHT_NAMES = {
    "count": "Co-occurrences",
    "jaccard": "Jaccard",
    "dice": "Dice",
    "ochiai": "Ochiai",
    "pmi": "PMI",
    "npmi": "NPMI",
    "g2": "G²",
}


def _node_freq(G: nx.Graph, nodes: list) -> np.ndarray:
    """Node frequencies (``freq`` attribute; 1 when missing or zero) in the order of ``nodes``."""
    return np.array([float(G.nodes[n].get("freq", 1) or 1) for n in nodes])


def _dot(colour: str, label: str) -> Line2D:
    return Line2D(
        [],
        [],
        ls="",
        marker="o",
        markersize=6,
        markerfacecolor=colour,
        markeredgecolor="white",
        markeredgewidth=0.4,
        label=label,
    )


def _plot_data(G, nodes, edges, pos, labelled, colour, labels, panel: str | None = None):
    rows = []
    for n in nodes:
        d = G.nodes[n]
        lx, ly, _ = labels.get(n, (np.nan, np.nan, 0))
        rows.append(
            {
                "panel": panel,
                "kind": "node",
                "term": n,
                "x": pos[n][0],
                "y": pos[n][1],
                "freq": d.get("freq"),
                "community": d.get("community"),
                "colour": colour.get(n),
                "labelled": n in labelled,
                "label_x": lx,
                "label_y": ly,
            }
        )
    for u, v in edges:
        d = G.edges[u, v]
        rows.append(
            {
                "panel": panel,
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
        "panel",
        "kind",
        "term",
        "x",
        "y",
        "freq",
        "community",
        "colour",
        "labelled",
        "label_x",
        "label_y",
        "source",
        "target",
        "weight",
        "mst",
        "diff",
        "group",
    ]
    df = pd.DataFrame(rows, columns=cols)
    return df.dropna(axis=1, how="all")


@renamed_parameter("seed", "random_state")
def plot_ego_networks(
    egos: Mapping[str, nx.Graph],
    *,
    node_groups: Mapping[str, str] | None = None,
    group_labels: Mapping[str, str] | None = None,
    ncols: int = 2,
    max_ties: int | None = 12,
    random_state: int = 42,
    width: str | float = "double",
    height: float | None = None,
    title: str | None = None,
) -> Figure:
    """Ego networks of a few terms side by side, on shared size and width scales.

    Each panel shows one centre term (outlined, pinned in the middle) with its neighbours;
    edges from the centre are drawn darker than the ties among neighbours. Node area
    (frequency) and edge width (weight) use the same scale in every panel, so panels can
    be compared. Colours: ``node_groups`` (e.g. the frame of each lexicon term) or the
    Louvain community.

    Parameters
    ----------
    egos : mapping of str to networkx.Graph
        Panel title (usually the centre term) -> graph from
        :func:`textkit.cooc.cooc.ego_network` (its ``ego`` node attribute marks the centre).
        Panels follow the mapping's order.
    node_groups, group_labels
        As in :func:`plot_network`.
    ncols : int, default 2
    max_ties : int or None, default 12
        Ties among the neighbours drawn per panel, the strongest (every tie to the centre
        is drawn); None draws all of them.
    random_state : int, default 42
    width, height, title
        Figure size and an overall title.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data`` has a ``panel`` column.
    """
    if not isinstance(egos, Mapping) or not egos:
        raise ValueError("egos: expected a non-empty mapping of title -> ego network")
    for g in egos.values():
        _check_graph(g)
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols: expected an integer >= 1, got {ncols!r}")
    if max_ties is not None and (not isinstance(max_ties, int) or max_ties < 0):
        raise ValueError(f"max_ties: expected an integer >= 0 or None, got {max_ties!r}")
    titles = list(egos)
    ncols = min(ncols, len(titles))
    nrows = math.ceil(len(titles) / ncols)
    all_freq = np.array(
        [float(g.nodes[n].get("freq", 1) or 1) for g in egos.values() for n in g.nodes]
    )
    all_w = np.array(
        [abs(float(d.get("weight", 1.0))) for g in egos.values() for _, _, d in g.edges(data=True)]
    )
    area = _Scale(all_freq, 20.0, 380.0, zero=True)
    wscale = _Scale(all_w, 0.35, 2.8)
    names = dict(FRAME_LABELS)
    names.update(group_labels or {})
    gcols = _group_palette([g for g in (node_groups or {}).values()]) if node_groups else {}
    frames = []
    with use_style():
        fig, axes, lax = _figure(width, height, legend_ratio=0.22, nrows=nrows, ncols=ncols)
        if height is None:
            fig.set_size_inches(fig.get_size_inches()[0], round(3.0 * nrows + 0.3, 2))
        for ax in axes[len(titles) :]:
            ax.set_axis_off()
        # every panel is laid out before labels are placed: the first label pass freezes
        # the layout, so all axes must exist with their final content first
        prepared = []
        for ax, t in zip(axes, titles, strict=False):
            G = egos[t]
            nodes = sorted(G.nodes)
            centres = [n for n in nodes if G.nodes[n].get("ego")]
            pos = network_layout(
                G, random_state=random_state, centre=centres[0] if len(centres) == 1 else None
            )
            if node_groups is not None:
                colour = {n: gcols.get(node_groups.get(n), _GREY) for n in nodes}
            else:
                colour, _ = _community_colours(G, 9)
            edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
            spoke = {e: bool(G.nodes[e[0]].get("ego") or G.nodes[e[1]].get("ego")) for e in edges}
            if max_ties is not None:
                ties = sorted(
                    (e for e in edges if not spoke[e]),
                    key=lambda e: (-abs(float(G.edges[e].get("weight", 1.0))), e),
                )[:max_ties]
                keep = set(ties)
                edges = [e for e in edges if spoke[e] or e in keep]
                H = nx.Graph()
                H.graph.update(G.graph)
                H.add_nodes_from((n, G.nodes[n]) for n in nodes)
                H.add_edges_from((u, v, G.edges[u, v]) for u, v in edges)
                G = H
            prepared.append((ax, t, G, nodes, pos, colour, edges, spoke, set(centres)))
        for ax, t, _, nodes, pos, *_rest in prepared:
            ax.set_title(t, fontsize=9)
            _frame_panel(ax, np.array([pos[n] for n in nodes], dtype=float), 0.12, _EGO_LIMITS)
        lax.set_axis_off()
        for ax, t, G, nodes, pos, colour, edges, spoke, centres in prepared:
            if not nodes:
                _empty(ax, "not in the network")
                continue
            ew = {e: float(G.edges[e].get("weight", 1.0)) for e in edges}
            pos, labels = _draw_network(
                ax,
                G,
                pos,
                node_colour=colour,
                edge_colour={e: "#6f6f6f" if spoke[e] else _EDGE_GREY for e in edges},
                edge_alpha={e: 0.85 if spoke[e] else 0.35 for e in edges},
                area=area,
                width=wscale,
                edge_value=ew,
                labelled=set(nodes),
                outline=centres,
                margin=0.12,
                limits=_EGO_LIMITS,
            )
            frames.append(_plot_data(G, nodes, edges, pos, set(nodes), colour, labels, panel=t))
        handles: list = []
        headers: set[str] = set()
        if node_groups is not None:
            headers.add("Terms")
            handles.append(_header("Terms"))
            for g in sorted(gcols):
                handles.append(_dot(gcols[g], names.get(g, g)))
            handles.append(_dot(_GREY, "other"))
        handles += _size_handles(area, all_freq, "Frequency")
        headers.add("Frequency")
        wname = next(
            (str(g.graph.get("weight")) for g in egos.values() if g.graph.get("weight")), "weight"
        )
        wlabel = _WEIGHT_NAMES.get(wname, wname)
        if len(all_w):
            handles += _width_handles(wscale, all_w, wlabel, "#6f6f6f")
            headers.add(wlabel)
        handles.append(Line2D([], [], color="#6f6f6f", lw=1.2, label="tie to the centre"))
        handles.append(
            Line2D([], [], color=_EDGE_GREY, lw=1.2, alpha=0.45, label="tie between neighbours")
        )
        first = next(iter(egos.values()))
        _legend(lax, handles, headers, _recipe(first)[:2] or None)
        if title:
            fig.suptitle(title, fontsize=9, x=0.02, ha="left")
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    fig.textkit_data = data
    return fig


@renamed_parameter("seed", "random_state")
def plot_difference(
    comparison,
    *,
    layout: str = "forceatlas2",
    random_state: int = 42,
    max_labels: int | None = None,
    title: str | None = None,
    width: str | float = "double",
    height: float | None = None,
    node_groups: Mapping[str, str] | None = None,
    group_labels: Mapping[str, str] | None = None,
    note: bool = True,
) -> Figure:
    """Draw the difference graph of :func:`textkit.cooc.cooc.compare_networks`.

    Edges are coloured by the group in which the association is stronger (frame colours
    when the labels are frame keys such as ``stability`` / ``service_law``, else the
    first two palette colours); their width is proportional to ``|weight_a - weight_b|``.
    Node area is proportional to the frequency in both groups together; nodes are grey, or
    coloured by ``node_groups``.

    Parameters
    ----------
    comparison : textkit.cooc.cooc.NetworkComparison
    layout, random_state, max_labels, title, width, height, node_groups, group_labels, note
        As in :func:`plot_network`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    G = getattr(comparison, "graph", None)
    if not isinstance(G, nx.Graph):
        raise ValueError("comparison: expected the result of textkit.cooc.cooc.compare_networks")
    la, lb = comparison.labels
    ca, cb = _group_colours(la, lb)
    names = dict(FRAME_LABELS)
    names.update(group_labels or {})
    nodes = sorted(G.nodes)
    pos = network_layout(
        _layout_graph(comparison), layout=layout, random_state=random_state, community_pull=1.0
    )
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    labelled = _label_set(G, max_labels)
    diffs = {e: float(G.edges[e].get("diff", 0.0)) for e in edges}
    if node_groups is not None:
        gcols = _group_palette([g for g in node_groups.values()])
        colour = {n: _light(gcols.get(node_groups.get(n), "#d4d4d4")) for n in nodes}
    else:
        gcols = {}
        colour = dict.fromkeys(nodes, "#d4d4d4")
    freq = _node_freq(G, nodes)
    area = _Scale(freq, *_NODE_AREA, zero=True)
    dv = np.array([abs(v) for v in diffs.values()])
    wscale = _Scale(dv, 0.8, 4.0)
    labels: dict = {}
    with use_style():
        fig, (ax,), lax = _figure(width, height, aspect=max(_aspect(pos), 0.7))
        if not nodes:
            _empty(ax, "no difference")
            lax.set_axis_off()
        else:
            pos, labels = _draw_network(
                ax,
                G,
                pos,
                node_colour=colour,
                edge_colour={
                    e: ca if diffs[e] > 0 else cb if diffs[e] < 0 else "#999999" for e in edges
                },
                edge_alpha=dict.fromkeys(edges, 0.9),
                area=area,
                width=wscale,
                edge_value=diffs,
                labelled=labelled,
            )
            wname = _WEIGHT_NAMES.get(comparison.weight, comparison.weight)
            handles = [
                _header("Association stronger in"),
                Line2D([], [], color=ca, lw=2, label=_group_name(la)),
                Line2D([], [], color=cb, lw=2, label=_group_name(lb)),
            ]
            headers = {"Association stronger in", "Frequency", f"|Δ {wname}|"}
            if gcols:
                handles.append(_header("Terms"))
                headers.add("Terms")
                for g in sorted(gcols):
                    handles.append(_dot(_light(gcols[g]), names.get(g, g)))
            handles += _size_handles(area, freq, "Frequency")
            handles += _width_handles(wscale, dv, f"|Δ {wname}|", "#777777")
            lines = None
            if note:
                gr = G.graph
                try:
                    cfg = json.loads(gr.get("config", "{}"))
                except (TypeError, ValueError):
                    cfg = {}
                lines = [
                    f"{display_label(la)}: {int(gr.get('n_units_a', 0)):,} {gr.get('unit', '')} units",
                    f"{display_label(lb)}: {int(gr.get('n_units_b', 0)):,} {gr.get('unit', '')} units",
                    f"{len(edges)} most-changed pairs",
                ]
                if cfg.get("min_count") is not None:
                    lines.append(
                        f"pairs in ≥ {cfg['min_count']} units, ≥ {cfg.get('min_docs', 1)} docs"
                    )
            _legend(lax, handles, headers, lines)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
    fig.textkit_data = _plot_data(G, nodes, edges, pos, labelled, colour, labels)
    return fig


def _layout_graph(comparison) -> nx.Graph:
    """The graph that places the nodes of a difference graph: every compared pair among its
    nodes, weighted by the stronger of the two groups' weights, so that terms that co-occur
    in either group sit together (the difference edges alone are often disconnected)."""
    G = comparison.graph
    L = nx.Graph()
    for n in sorted(G.nodes):
        L.add_node(n, freq=G.nodes[n].get("freq", 1))
    ch = getattr(comparison, "changes", None)
    if ch is not None and len(ch):
        keep = ch["source"].isin(L.nodes) & ch["target"].isin(L.nodes)
        sub = ch[keep]
        w = np.maximum(sub["weight_a"].to_numpy(float), sub["weight_b"].to_numpy(float))
        for s_, t_, x in zip(sub["source"], sub["target"], w, strict=True):
            if np.isfinite(x) and x > 0:
                L.add_edge(s_, t_, weight=float(x))
    for u, v in G.edges:
        if not L.has_edge(u, v):
            L.add_edge(u, v, weight=float(abs(G.edges[u, v].get("weight", 1.0))) or 1.0)
    return L


def _group_name(label: str) -> str:
    """Display name of a comparison group: frame keys become e.g. "Stability maintenance
    articles", other labels are shown as given."""
    return f"{FRAME_LABELS[label]} articles" if label in FRAME_LABELS else label


def _light(colour: str, amount: float = 0.55) -> str:
    r, g, b = mcolors.to_rgb(colour)
    return mcolors.to_hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


def _group_colours(a: str, b: str) -> tuple[str, str]:
    if a in FRAME_COLORS and b in FRAME_COLORS:
        ca, cb = frame_palette((a, b))
        return ca, cb
    p = palette(2)
    return p[0], p[1]
