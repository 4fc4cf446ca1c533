"""Network building: prune co-occurrence edges into a graph and find its communities.

:func:`build_network` prunes the edges of a :class:`~textkit.cooc.count.CoocResult` (top-N
by a weight, weight threshold, maximum spanning tree alone or overlaid, disparity-filter
backbone of Serrano et al. 2009) and returns a :class:`networkx.Graph` with Louvain
communities (:func:`detect_communities`: fixed seed, renumbered by size) as node attributes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from textkit.cooc.config import check_build_settings
from textkit.cooc.count import CoocResult, warn_degenerate
from textkit.cooc.weights import WEIGHTS
from textkit.core.checks import check_int, check_number, renamed_parameter

__all__ = ["build_network", "detect_communities"]

logger = logging.getLogger(__name__)


def _disparity_alpha(src: np.ndarray, tgt: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Disparity-filter significance of each edge (Serrano, Boguñá & Vespignani 2009).

    For node i with strength s_i and degree k_i > 1, the edge (i, j) has
    alpha_ij = (1 - w_ij / s_i) ** (k_i - 1); for k_i = 1 it is 1 (the edge is never
    significant from that side). The edge's value is the smaller of its two endpoints'.
    """
    if len(w) == 0:
        return np.zeros(0)
    strength = np.bincount(src, weights=w, minlength=n) + np.bincount(tgt, weights=w, minlength=n)
    degree = np.bincount(src, minlength=n) + np.bincount(tgt, minlength=n)

    def side(i: np.ndarray) -> np.ndarray:
        k = degree[i]
        p = w / strength[i]
        return np.where(k > 1, np.power(np.clip(1.0 - p, 0.0, 1.0), k - 1), 1.0)

    return np.minimum(side(src), side(tgt))


@renamed_parameter("seed", "random_state")
def build_network(
    result: CoocResult,
    weight: str = "jaccard",
    *,
    top_n: int | None = 60,
    threshold: float | None = None,
    backbone: str | None = None,
    alpha: float = 0.05,
    overlay_mst: bool = False,
    keep_isolates: bool = False,
    communities: bool = True,
    random_state: int = 42,
    resolution: float = 1.0,
) -> nx.Graph:
    """Prune the co-occurrence edges into a network graph.

    Selection, in this order:

    1. candidate edges: every edge of ``result`` (``count >= min_count``);
    2. ``backbone="disparity"``: only the edges significant at ``alpha`` for at least one
       endpoint under the disparity filter (Serrano et al. 2009) on ``weight``
       (non-positive weights are dropped first);
    3. ``threshold``: edges with ``weight >= threshold``;
    4. ``top_n``: the ``top_n`` strongest remaining edges (ties by count, then source and
       target terms); ``None`` keeps all (KH Coder's default is 60 edges by Jaccard);
    5. ``overlay_mst=True``: add the edges of the maximum spanning forest of the
       candidate graph.

    ``backbone="mst"`` returns the maximum spanning forest alone (steps 3-5 do not apply).
    Every edge carries ``mst`` (member of that forest) and ``disparity_alpha``.

    Parameters
    ----------
    result : CoocResult
        Output of :func:`~textkit.cooc.count.cooccurrence`.
    weight : str, default "jaccard"
        One of :data:`~textkit.cooc.weights.WEIGHTS`; stored as the edge attribute ``weight``.
    top_n, threshold, backbone, alpha, overlay_mst
        See above.
    keep_isolates : bool, default False
        Keep node terms without a selected edge.
    communities : bool, default True
        Add Louvain communities (:func:`detect_communities`) and ``G.graph["modularity"]``.
    random_state : int, default 42
        Seed of the Louvain algorithm.
    resolution : float, default 1.0
        Louvain resolution (higher gives more, smaller communities).

    Returns
    -------
    networkx.Graph
        Nodes added in sorted term order with ``label``, ``freq``, ``unit_freq``,
        ``doc_freq`` (and ``community``); edges in sorted (source, target) order with
        ``weight``, ``count``, ``docs``, ``expected``, every weight of :data:`~textkit.cooc.weights.WEIGHTS`, ``p_value``,
        ``mst`` and ``disparity_alpha``. ``G.graph`` holds scalar settings and ``config``
        (the full recipe as JSON text).

    Warns
    -----
    CoocWarning
        When no edge is left (the graph is then empty).
    """
    if not isinstance(result, CoocResult):
        raise ValueError(f"result: expected a CoocResult, got {type(result).__name__}")
    check_build_settings(weight, top_n, threshold, backbone, alpha)
    terms = result.nodes["term"].tolist()
    index = {t: i for i, t in enumerate(terms)}
    cand = result.edges.copy()
    cand = cand[np.isfinite(cand[weight].to_numpy(dtype=float))].reset_index(drop=True)
    src = cand["source"].map(index).to_numpy(dtype=np.int64)
    tgt = cand["target"].map(index).to_numpy(dtype=np.int64)
    wv = cand[weight].to_numpy(dtype=float)
    positive = wv > 0
    alpha_all = np.full(len(cand), np.nan)
    alpha_all[positive] = _disparity_alpha(src[positive], tgt[positive], wv[positive], len(terms))
    cand["disparity_alpha"] = alpha_all
    cand["mst"] = _mst_flags(cand, weight)

    if backbone == "mst":
        chosen = cand[cand["mst"]]
    else:
        chosen = cand
        if backbone == "disparity":
            dropped = int((~positive).sum())
            if dropped:
                logger.info("disparity filter: %d edge(s) with %s <= 0 dropped", dropped, weight)
            chosen = chosen[positive & (alpha_all < alpha)]
        if threshold is not None:
            chosen = chosen[chosen[weight] >= threshold]
        if top_n is not None:
            chosen = chosen.sort_values(
                [weight, "count", "source", "target"],
                ascending=[False, False, True, True],
                kind="mergesort",
            ).head(top_n)
        if overlay_mst:
            chosen = pd.concat([chosen, cand[cand["mst"]]]).drop_duplicates(["source", "target"])
    chosen = chosen.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)

    params = {
        "cooc": result.config.as_dict(),
        "network": {
            "weight": weight,
            "top_n": top_n,
            "threshold": threshold,
            "backbone": backbone,
            "alpha": alpha,
            "overlay_mst": overlay_mst,
            "keep_isolates": keep_isolates,
            "communities": communities,
            "random_state": random_state,
            "resolution": resolution,
        },
        "n_units": result.n_units,
        "n_docs": result.n_docs,
    }
    G = nx.Graph()
    G.graph.update(
        {
            "weight": weight,
            "backbone": backbone or "none",
            "unit": result.config.unit,
            "n_units": int(result.n_units),
            "config": json.dumps(params, ensure_ascii=False, sort_keys=True),
        }
    )
    keep = set(chosen["source"]) | set(chosen["target"])
    node_rows = result.nodes if keep_isolates else result.nodes[result.nodes["term"].isin(keep)]
    for r in node_rows.sort_values("term").itertuples(index=False):
        G.add_node(
            r.term,
            label=r.term,
            freq=int(r.freq),
            unit_freq=int(r.unit_freq),
            doc_freq=int(r.doc_freq),
        )
    attr_cols = ["count", "docs", "expected", *WEIGHTS[1:], "p_value", "mst", "disparity_alpha"]
    attr_cols = [c for c in attr_cols if c in chosen.columns]
    for rec in chosen[["source", "target", weight, *attr_cols]].itertuples(index=False):
        s, t, wt, *vals = rec
        attrs: dict[str, Any] = {"weight": float(wt)}
        for name, v in zip(attr_cols, vals, strict=True):
            if name == "mst":
                attrs[name] = bool(v)
            elif name in ("count", "docs"):
                attrs[name] = int(v)
            else:
                attrs[name] = float(v)
        G.add_edge(s, t, **attrs)
    if G.number_of_edges() == 0:
        warn_degenerate(
            f"build_network: no edge left (weight={weight}, top_n={top_n}, "
            f"threshold={threshold}, backbone={backbone}); the graph is empty"
        )
    if communities:
        G = detect_communities(G, random_state=random_state, resolution=resolution)
    logger.info("build_network: %d nodes, %d edges", G.number_of_nodes(), G.number_of_edges())
    return G


def _mst_flags(cand: pd.DataFrame, weight: str) -> np.ndarray:
    """Membership of each candidate edge in the maximum spanning forest (Kruskal, ties by
    count then sorted terms)."""
    if cand.empty:
        return np.zeros(0, dtype=bool)
    H = nx.Graph()
    H.add_nodes_from(sorted(set(cand["source"]) | set(cand["target"])))
    ordered = cand.sort_values(
        [weight, "count", "source", "target"],
        ascending=[False, False, True, True],
        kind="mergesort",
    )
    # rank as the Kruskal key: equal weights keep the order above (stable sort)
    for rank, (s, t) in enumerate(zip(ordered["source"], ordered["target"], strict=True)):
        H.add_edge(s, t, rank=-rank)
    tree = {
        tuple(sorted((u, v)))
        for u, v in nx.maximum_spanning_edges(H, algorithm="kruskal", weight="rank", data=False)
    }
    return np.array(
        [(s, t) in tree for s, t in zip(cand["source"], cand["target"], strict=True)], dtype=bool
    )


def _community_weight(G: nx.Graph, weight: str | None) -> str | None:
    if weight is not None:
        return weight
    values = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    if values and min(values) <= 0:
        logger.info("communities: weights are not all positive; using 'count' for Louvain")
        return "count"
    return "weight"


@renamed_parameter("seed", "random_state")
def detect_communities(
    G: nx.Graph, *, weight: str | None = None, random_state: int = 42, resolution: float = 1.0
) -> nx.Graph:
    """Louvain communities as a node attribute, numbered deterministically.

    Uses :func:`networkx.community.louvain_communities` with a fixed ``random_state`` on a copy of
    ``G``. Communities are numbered 0, 1, ... by decreasing size, ties by their smallest
    term; isolated nodes get their own communities. ``G.graph["modularity"]`` is
    :func:`networkx.community.modularity` of the partition (rounded to 12 decimals so the
    value does not depend on set iteration order), NaN for a graph without edges.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`build_network`. Not modified.
    weight : str, optional
        Edge attribute used by Louvain; default ``"weight"``, or ``"count"`` when some
        weights are not positive (PMI, NPMI).
    random_state : int, default 42
    resolution : float, default 1.0

    Returns
    -------
    networkx.Graph
        A copy with node attribute ``community`` (int).
    """
    check_int("random_state", random_state)
    check_number("resolution", resolution, 0.0, low_open=True)
    H = G.copy()
    if H.number_of_nodes() == 0:
        H.graph["modularity"] = float("nan")
        return H
    wname = _community_weight(H, weight)
    if H.number_of_edges() == 0:
        parts = [{n} for n in H.nodes]
        q = float("nan")
    else:
        parts = nx.community.louvain_communities(
            H, weight=wname, resolution=resolution, seed=random_state
        )
        q = round(float(nx.community.modularity(H, parts, weight=wname, resolution=resolution)), 12)
    ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    for cid, members in enumerate(ordered):
        for n in members:
            H.nodes[n]["community"] = cid
    H.graph["modularity"] = q
    H.graph["n_communities"] = len(ordered)
    H.graph["community_seed"] = int(random_state)
    return H
