"""Drawing shared by the network figures: scales, legend column, panels, nodes, edges, labels.

Private to :mod:`textkit.plots.network`; positions come from :mod:`textkit.plots.layout` and
labels are placed by :func:`textkit.plots._placement.label_points` (the one label routine of
every figure).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import matplotlib.colors as mcolors
import matplotlib.patheffects as pe
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError
from textkit.plots import (
    FRAME_COLORS,
    FRAME_LABELS,
    figure_width,
    frame_palette,
    new_figure,
    palette,
)
from textkit.plots._placement import freeze_layout, label_points
from textkit.plots.layout import node_freq, separate_discs

#: Colour of nodes outside the coloured communities or groups, and of edges between them.
GREY = "#b8b8b8"
EDGE_GREY = "#9a9a9a"
#: Node area range in points² (scatter ``s``) and label font sizes in points.
NODE_AREA = (14.0, 300.0)
FONT = (6.5, 9.5)
EDGE_WIDTH = (0.6, 3.6)
#: Axis limits of an ego panel (its layout lies in [-1, 1]).
EGO_LIMITS = 1.3
#: White stroke behind the labels, so that edges do not cut through them.
HALO = [pe.withStroke(linewidth=2.2, foreground="white")]
#: Display names of the co-occurrence weights.
WEIGHT_NAMES = {
    "count": "Co-occurrences",
    "jaccard": "Jaccard",
    "dice": "Dice",
    "ochiai": "Ochiai",
    "pmi": "PMI",
    "npmi": "NPMI",
    "g2": "G²",
}


class Scale:
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


def nice_values(values: Sequence[float], k: int = 3) -> list[float]:
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


def group_palette(groups: Sequence[str]) -> dict[str, str]:
    keys = sorted(set(groups))
    if all(k in FRAME_COLORS for k in keys):
        return dict(zip(keys, frame_palette(keys), strict=True))
    return dict(zip(keys, palette(len(keys)), strict=True))


def _weighted_degree(G: nx.Graph, n: str) -> float:
    return float(sum(abs(G.edges[n, m].get("weight", 1.0)) for m in sorted(G.adj[n])))


def recipe(G: nx.Graph) -> list[str]:
    """Short lines describing how a graph from textkit.cooc was made."""
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


def draw_legend(ax, handles: list, headers: set[str], note: list[str] | None) -> None:
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


def header(label: str) -> Line2D:
    return Line2D([], [], ls="", marker="", label=label)


def size_handles(area: Scale, freq: np.ndarray, what: str) -> list:
    out = [header(what)]
    for f in nice_values(freq, 3):
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


def width_handles(width: Scale, values: np.ndarray, what: str, colour: str) -> list:
    out = [header(what)]
    for v in nice_values(np.abs(values), 3):
        out.append(Line2D([], [], color=colour, lw=float(width(v)), label=_fmt(v)))
    return out


def draw_network(
    ax,
    G: nx.Graph,
    pos: Mapping[str, tuple[float, float]],
    *,
    node_colour: Mapping[str, str],
    edge_colour: Mapping[tuple[str, str], str],
    edge_alpha: Mapping[tuple[str, str], float],
    area: Scale,
    width: Scale,
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
    frame_panel(ax, xy, margin, limits)
    fig = ax.figure
    freeze_layout(fig)
    trans = ax.transData
    inv = trans.inverted()
    px = fig.dpi / 72.0
    freq = node_freq(G, nodes)
    s = area(freq)
    radii = np.sqrt(s) / 2 * px
    disp = separate_discs(trans.transform(xy), radii)
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
    font = Scale(np.sqrt(freq), *FONT)
    fonts = [float(font(math.sqrt(freq[i]))) + (1.0 if nodes[i] in outline else 0.0) for i in idx]
    order = sorted(range(len(terms)), key=lambda j: (-freq[idx[j]], terms[j]))
    placed = label_points(
        ax,
        terms,
        xy[idx].reshape(-1, 2),
        disp[idx] if idx else np.zeros((0, 2)),
        radii[idx] if idx else np.zeros(0),
        fonts,
        order,
        disp,
        radii,
        halo=HALO,
    )
    out = dict(zip(terms, placed, strict=True))
    return drawn, out


def frame_panel(ax, xy: np.ndarray, margin: float, limits: float | None = None) -> None:
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


def community_colours(
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
    colour = {n: cols.get(comm[n], GREY) for n in nodes}
    legend = [
        (
            c,
            cols[c],
            sorted(members[c], key=lambda n: (-float(G.nodes[n].get("freq", 0) or 0), n)),
        )
        for c in ranked
    ]
    return colour, legend


def check_graph(G) -> None:
    if not isinstance(G, nx.Graph):
        raise InvalidParameterError(f"G: expected a networkx.Graph, got {type(G).__name__}")


def label_set(G: nx.Graph, max_labels: int | None) -> set[str]:
    max_labels = check_int("max_labels", max_labels, 0, allow_none=True)
    nodes = sorted(G.nodes)
    limit = min(len(nodes), 100) if max_labels is None else max_labels
    ranked = sorted(
        nodes, key=lambda n: (-float(G.nodes[n].get("freq", 0) or 0), -_weighted_degree(G, n), n)
    )
    return set(ranked[:limit])


def network_figure(
    width,
    height,
    legend_ratio: float = 0.27,
    nrows: int = 1,
    ncols: int = 1,
    aspect: float = 0.98,
):
    w = figure_width(width)
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


def dot(colour: str, label: str) -> Line2D:
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


def plot_data(G, nodes, edges, pos, labelled, colour, labels, panel: str | None = None):
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


def group_name(label: str) -> str:
    """Display name of a comparison group: frame keys become e.g. "Stability maintenance
    articles", other labels are shown as given."""
    return f"{FRAME_LABELS[label]} articles" if label in FRAME_LABELS else label


def light(colour: str, amount: float = 0.55) -> str:
    r, g, b = mcolors.to_rgb(colour)
    return mcolors.to_hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


def group_colours(a: str, b: str) -> tuple[str, str]:
    if a in FRAME_COLORS and b in FRAME_COLORS:
        ca, cb = frame_palette((a, b))
        return ca, cb
    p = palette(2)
    return p[0], p[1]
