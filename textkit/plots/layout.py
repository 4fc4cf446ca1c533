"""Node positions of the network figures: pure functions of the graph, deterministic.

:func:`network_layout` rebuilds the graph with nodes and edges in sorted order and lays it
out by :func:`networkx.spring_layout` with a fixed ``random_state``, refined by ForceAtlas2
(Gephi's layout) or Kamada-Kawai, rotated to its principal axes (ego networks: the centre
pinned, the neighbours evenly around it). :func:`separate_discs` pushes overlapping node
discs apart in display space; :func:`layout_aspect` gives the panel shape a layout needs;
:func:`comparison_layout_graph` is the graph that places the nodes of a difference network.
Nothing here draws.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import networkx as nx
import numpy as np

from textkit.core.checks import check_choice, check_number, renamed_parameter

__all__ = [
    "network_layout",
    "node_freq",
    "separate_discs",
    "layout_aspect",
    "comparison_layout_graph",
]

logger = logging.getLogger(__name__)

_LAYOUTS = ("spring", "kamada_kawai", "forceatlas2")


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
    check_choice("layout", layout, _LAYOUTS)
    community_pull = check_number("community_pull", community_pull, 0, low_open=True)
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
            freq = node_freq(G, nodes)
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


def node_freq(G: nx.Graph, nodes: list) -> np.ndarray:
    """Node frequencies (``freq`` attribute; 1 when missing or zero) in the order of ``nodes``.

    Parameters
    ----------
    G : networkx.Graph
    nodes : list
        Nodes of ``G``.

    Returns
    -------
    numpy.ndarray
        Float frequencies, one per node.
    """
    return np.array([float(G.nodes[n].get("freq", 1) or 1) for n in nodes])


def separate_discs(xy: np.ndarray, radii: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Push overlapping node discs apart, a little at a time (deterministic).

    Parameters
    ----------
    xy : (n, 2) array
        Disc centres in display units.
    radii : (n,) array
        Disc radii in the same units.
    iterations : int, default 60
        At most this many passes; stops early when no two discs overlap.

    Returns
    -------
    numpy.ndarray
        The moved centres (a new array; ``xy`` is not modified).
    """
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


def layout_aspect(pos: Mapping[str, tuple[float, float]]) -> float:
    """Height / width of a drawing, clipped to a sensible panel shape.

    Parameters
    ----------
    pos : mapping of node to (float, float)
        Positions, e.g. from :func:`network_layout`.

    Returns
    -------
    float
        In [0.62, 1]; 1 for fewer than two nodes.
    """
    if len(pos) < 2:
        return 1.0
    xy = np.array(list(pos.values()), dtype=float)
    span = xy.max(axis=0) - xy.min(axis=0) + 0.3
    return float(np.clip(span[1] / span[0], 0.62, 1.0))


def comparison_layout_graph(comparison) -> nx.Graph:
    """The graph that places the nodes of a difference graph.

    Every compared pair among its nodes, weighted by the stronger of the two groups'
    weights, so that terms that co-occur in either group sit together (the difference edges
    alone are often disconnected).

    Parameters
    ----------
    comparison : textkit.cooc.NetworkComparison
        Its ``graph`` and ``changes`` table are read, not modified.

    Returns
    -------
    networkx.Graph
        Nodes with ``freq``, edges with a positive ``weight``.
    """
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
