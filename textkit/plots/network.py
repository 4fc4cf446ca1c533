"""Figures for the co-occurrence stage: the network, ego networks and the difference network.

The functions take graphs from :mod:`textkit.cooc`, draw inside
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

Positions come from :mod:`textkit.plots.layout` (deterministic for a given
``random_state``); the drawing shared by the three figures lives in
:mod:`textkit.plots._network_common`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from textkit.core.checks import check_int, renamed_parameter
from textkit.core.errors import InvalidParameterError
from textkit.plots import FRAME_LABELS, empty_figure, empty_panel, use_style
from textkit.plots._network_common import (
    EDGE_GREY,
    EDGE_WIDTH,
    EGO_LIMITS,
    GREY,
    NODE_AREA,
    WEIGHT_NAMES,
    Scale,
    check_graph,
    community_colours,
    dot,
    draw_legend,
    draw_network,
    frame_panel,
    group_colours,
    group_name,
    group_palette,
    header,
    label_set,
    light,
    network_figure,
    plot_data,
    recipe,
    size_handles,
    width_handles,
)
from textkit.plots.labels import display_label
from textkit.plots.layout import comparison_layout_graph, layout_aspect, network_layout, node_freq

__all__ = ["plot_network", "plot_ego_networks", "plot_difference"]


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
        From :func:`textkit.cooc.build_network` (or :func:`textkit.cooc.ego_network`).
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
    check_graph(G)
    max_colours = check_int("max_colours", max_colours, 1)
    nodes = sorted(G.nodes)
    pos = (
        dict(pos)
        if pos is not None
        else network_layout(G, layout=layout, random_state=random_state)
    )
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise InvalidParameterError(f"pos: no position for node(s) {missing[:5]}")
    labelled = label_set(G, max_labels)
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    ew = {e: float(G.edges[e].get("weight", 1.0)) for e in edges}
    mst = {e: bool(G.edges[e].get("mst", False)) for e in edges}
    show_mst = highlight_mst and any(mst.values()) and not all(mst.values())
    handles: list = []
    headers: set[str] = set()
    if node_groups is not None:
        gmap = {n: node_groups.get(n) for n in nodes}
        gcols = group_palette([g for g in gmap.values() if g is not None])
        colour = {n: gcols.get(gmap[n], GREY) if gmap[n] else GREY for n in nodes}
        names = dict(FRAME_LABELS)
        names.update(group_labels or {})
        headers.add("Terms")
        handles.append(header("Terms"))
        for g in sorted(gcols):
            handles.append(dot(gcols[g], names.get(g, g)))
        handles.append(dot(GREY, "other"))
        edge_colour = {
            e: colour[e[0]] if gmap[e[0]] and gmap[e[0]] == gmap[e[1]] else EDGE_GREY for e in edges
        }
    else:
        colour, comms = community_colours(G, max_colours)
        comm = {n: G.nodes[n].get("community") for n in nodes}
        headers.add("Communities")
        if comms:
            handles.append(header("Communities"))
        for rank, (_, col, members) in enumerate(comms):
            handles.append(dot(col, f"{rank + 1}  " + " · ".join(members[:3])))
        if any(c == GREY for c in colour.values()) and comms:
            handles.append(dot(GREY, "small communities"))
        edge_colour = {
            e: colour[e[0]]
            if comm[e[0]] is not None and comm[e[0]] == comm[e[1]] and colour[e[0]] != GREY
            else EDGE_GREY
            for e in edges
        }
    edge_alpha = {e: (0.85 if (mst[e] or not show_mst) else 0.45) for e in edges}
    freq = node_freq(G, nodes)
    area = Scale(freq, *NODE_AREA, zero=True)
    wvals = np.array([abs(v) for v in ew.values()])
    wscale = Scale(wvals, *EDGE_WIDTH)
    wname = str(G.graph.get("weight", "weight"))
    labels: dict = {}
    with use_style():
        fig, (ax,), lax = network_figure(width, height, aspect=max(layout_aspect(pos), 0.7))
        if not nodes:
            empty_panel(ax, "empty network")
            lax.set_axis_off()
        else:
            pos, labels = draw_network(
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
            handles += size_handles(area, freq, "Frequency")
            headers.add("Frequency")
            wlabel = WEIGHT_NAMES.get(wname, wname)
            if edges:
                handles += width_handles(wscale, wvals, wlabel, "#777777")
                headers.add(wlabel)
            if show_mst:
                handles.append(Line2D([], [], color="#555555", lw=1.2, label="spanning tree"))
                handles.append(
                    Line2D([], [], color="#555555", lw=1.2, alpha=0.45, label="other edges")
                )
            lines = [f"{len(nodes)} terms, {len(edges)} edges", *recipe(G)] if note else None
            draw_legend(lax, handles, headers, lines)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
    fig.textkit_data = plot_data(G, nodes, edges, pos, labelled, colour, labels)
    return fig


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
        :func:`textkit.cooc.ego_network` (its ``ego`` node attribute marks the centre).
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
    if not isinstance(egos, Mapping):
        raise InvalidParameterError("egos: expected a mapping of title -> ego network")
    if not egos:  # none of the terms is in the network (a small corpus): a figure says so
        return empty_figure(
            "No ego network: none of the ego terms is a node of the network",
            data=pd.DataFrame(columns=["panel", "kind", "term", "x", "y"]),
            width=width,
        )
    for g in egos.values():
        check_graph(g)
    ncols = check_int("ncols", ncols, 1)
    max_ties = check_int("max_ties", max_ties, 0, allow_none=True)
    titles = list(egos)
    ncols = min(ncols, len(titles))
    nrows = math.ceil(len(titles) / ncols)
    all_freq = np.array(
        [float(g.nodes[n].get("freq", 1) or 1) for g in egos.values() for n in g.nodes]
    )
    all_w = np.array(
        [abs(float(d.get("weight", 1.0))) for g in egos.values() for _, _, d in g.edges(data=True)]
    )
    area = Scale(all_freq, 20.0, 380.0, zero=True)
    wscale = Scale(all_w, 0.35, 2.8)
    names = dict(FRAME_LABELS)
    names.update(group_labels or {})
    gcols = group_palette([g for g in (node_groups or {}).values()]) if node_groups else {}
    frames = []
    with use_style():
        fig, axes, lax = network_figure(width, height, legend_ratio=0.22, nrows=nrows, ncols=ncols)
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
                colour = {n: gcols.get(node_groups.get(n), GREY) for n in nodes}
            else:
                colour, _ = community_colours(G, 9)
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
            frame_panel(ax, np.array([pos[n] for n in nodes], dtype=float), 0.12, EGO_LIMITS)
        lax.set_axis_off()
        for ax, t, G, nodes, pos, colour, edges, spoke, centres in prepared:
            if not nodes:
                empty_panel(ax, "not in the network")
                continue
            ew = {e: float(G.edges[e].get("weight", 1.0)) for e in edges}
            pos, labels = draw_network(
                ax,
                G,
                pos,
                node_colour=colour,
                edge_colour={e: "#6f6f6f" if spoke[e] else EDGE_GREY for e in edges},
                edge_alpha={e: 0.85 if spoke[e] else 0.35 for e in edges},
                area=area,
                width=wscale,
                edge_value=ew,
                labelled=set(nodes),
                outline=centres,
                margin=0.12,
                limits=EGO_LIMITS,
            )
            frames.append(plot_data(G, nodes, edges, pos, set(nodes), colour, labels, panel=t))
        handles: list = []
        headers: set[str] = set()
        if node_groups is not None:
            headers.add("Terms")
            handles.append(header("Terms"))
            for g in sorted(gcols):
                handles.append(dot(gcols[g], names.get(g, g)))
            handles.append(dot(GREY, "other"))
        handles += size_handles(area, all_freq, "Frequency")
        headers.add("Frequency")
        wname = next(
            (str(g.graph.get("weight")) for g in egos.values() if g.graph.get("weight")), "weight"
        )
        wlabel = WEIGHT_NAMES.get(wname, wname)
        if len(all_w):
            handles += width_handles(wscale, all_w, wlabel, "#6f6f6f")
            headers.add(wlabel)
        handles.append(Line2D([], [], color="#6f6f6f", lw=1.2, label="tie to the centre"))
        handles.append(
            Line2D([], [], color=EDGE_GREY, lw=1.2, alpha=0.45, label="tie between neighbours")
        )
        first = next(iter(egos.values()))
        draw_legend(lax, handles, headers, recipe(first)[:2] or None)
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
    """Draw the difference graph of :func:`textkit.cooc.compare_networks`.

    Edges are coloured by the group in which the association is stronger (frame colours
    when the labels are frame keys such as ``stability`` / ``service_law``, else the
    first two palette colours); their width is proportional to ``|weight_a - weight_b|``.
    Node area is proportional to the frequency in both groups together; nodes are grey, or
    coloured by ``node_groups``.

    Parameters
    ----------
    comparison : textkit.cooc.NetworkComparison
    layout, random_state, max_labels, title, width, height, node_groups, group_labels, note
        As in :func:`plot_network`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    G = getattr(comparison, "graph", None)
    if not isinstance(G, nx.Graph):
        raise InvalidParameterError(
            "comparison: expected the result of textkit.cooc.compare_networks"
        )
    la, lb = comparison.labels
    ca, cb = group_colours(la, lb)
    names = dict(FRAME_LABELS)
    names.update(group_labels or {})
    nodes = sorted(G.nodes)
    pos = network_layout(
        comparison_layout_graph(comparison),
        layout=layout,
        random_state=random_state,
        community_pull=1.0,
    )
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    labelled = label_set(G, max_labels)
    diffs = {e: float(G.edges[e].get("diff", 0.0)) for e in edges}
    if node_groups is not None:
        gcols = group_palette([g for g in node_groups.values()])
        colour = {n: light(gcols.get(node_groups.get(n), "#d4d4d4")) for n in nodes}
    else:
        gcols = {}
        colour = dict.fromkeys(nodes, "#d4d4d4")
    freq = node_freq(G, nodes)
    area = Scale(freq, *NODE_AREA, zero=True)
    dv = np.array([abs(v) for v in diffs.values()])
    wscale = Scale(dv, 0.8, 4.0)
    labels: dict = {}
    with use_style():
        fig, (ax,), lax = network_figure(width, height, aspect=max(layout_aspect(pos), 0.7))
        if not nodes:
            empty_panel(ax, "no difference")
            lax.set_axis_off()
        else:
            pos, labels = draw_network(
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
            wname = WEIGHT_NAMES.get(comparison.weight, comparison.weight)
            handles = [
                header("Association stronger in"),
                Line2D([], [], color=ca, lw=2, label=group_name(la)),
                Line2D([], [], color=cb, lw=2, label=group_name(lb)),
            ]
            headers = {"Association stronger in", "Frequency", f"|Δ {wname}|"}
            if gcols:
                handles.append(header("Terms"))
                headers.add("Terms")
                for g in sorted(gcols):
                    handles.append(dot(light(gcols[g]), names.get(g, g)))
            handles += size_handles(area, freq, "Frequency")
            handles += width_handles(wscale, dv, f"|Δ {wname}|", "#777777")
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
            draw_legend(lax, handles, headers, lines)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
    fig.textkit_data = plot_data(G, nodes, edges, pos, labelled, colour, labels)
    return fig
