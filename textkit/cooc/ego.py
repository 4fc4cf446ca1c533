"""Ego networks: the neighbourhood of chosen terms, as a graph or as a table."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from textkit.core.checks import check_int

__all__ = ["ego_network", "ego_table"]

logger = logging.getLogger(__name__)


def ego_network(
    G: nx.Graph,
    term: str | Sequence[str],
    radius: int = 1,
    *,
    max_neighbours: int | None = None,
    weight: str = "weight",
) -> nx.Graph:
    """The neighbourhood of one or more terms.

    Parameters
    ----------
    G : networkx.Graph
    term : str or sequence of str
        Centre term(s), e.g. ``"维稳"`` or ``["稳定", "法治"]``; with several, the union of
        their ego networks.
    radius : int, default 1
        Number of hops.
    max_neighbours : int, optional
        At each hop, a node brings in at most this many new neighbours, its strongest by
        ``weight`` (ties by count, then term). Use it on a lightly pruned network (e.g.
        ``build_network(res, top_n=None)``) to get a readable ego network of a frequent
        term. Default: every neighbour.
    weight : str, default "weight"
        Edge attribute ranking the neighbours.

    Returns
    -------
    networkx.Graph
        Induced subgraph (a copy, nodes and edges in sorted order; the ties among the
        neighbours included) with node attribute ``ego`` (True for the centre terms) and
        ``hops`` (distance to the nearest centre).

    Raises
    ------
    KeyError
        When a centre term is not a node; the message lists the closest node terms.
    """
    centres = [term] if isinstance(term, str) else list(term)
    if not centres:
        raise ValueError("term: give at least one term")
    check_int("radius", radius, 0)
    check_int("max_neighbours", max_neighbours, 1, allow_none=True)
    for c in centres:
        if c not in G:
            near = sorted(n for n in G.nodes if c in n or n in c)[:8]
            hint = f"; terms containing it or contained in it: {near}" if near else ""
            raise KeyError(
                f"term {c!r} is not a node of the network ({G.number_of_nodes()} nodes){hint}"
            )

    def strength(u: str, v: str) -> tuple:
        d = G.edges[u, v]
        w = d.get(weight, 1.0)
        w = float(w) if w is not None and np.isfinite(float(w)) else -np.inf
        return (-w, -float(d.get("count", 0)), v)

    hops: dict[str, int] = {c: 0 for c in sorted(set(centres))}
    frontier = sorted(hops)
    for hop in range(1, radius + 1):
        new: list[str] = []
        for u in frontier:
            cand = sorted((v for v in G.adj[u] if v not in hops), key=lambda v: strength(u, v))
            if max_neighbours is not None:
                cand = cand[:max_neighbours]
            for v in cand:
                if v not in hops:
                    hops[v] = hop
                    new.append(v)
        frontier = sorted(new)
    H = _sorted_copy(G.subgraph(hops))
    for n in H.nodes:
        H.nodes[n]["ego"] = n in centres
        H.nodes[n]["hops"] = int(hops[n])
    return H


def ego_table(
    G: nx.Graph, terms: str | Sequence[str], max_neighbours: int | None = 12
) -> pd.DataFrame:
    """The strongest neighbours of each centre term, as a table.

    Parameters
    ----------
    G : networkx.Graph
        A network from :func:`~textkit.cooc.network.build_network` (lightly pruned, e.g. ``top_n=None``).
    terms : str or sequence of str
        Centre terms; terms that are not nodes are skipped with a log message.
    max_neighbours : int or None, default 12

    Returns
    -------
    DataFrame
        ``term``, ``rank`` (1 = strongest), ``neighbour``, ``weight`` and the edge's
        ``count``, ``docs``, ``expected``, ``pmi`` and ``p_value`` when present; ordered
        by the given terms, then rank (ties by count, then neighbour).
    """
    centres = [terms] if isinstance(terms, str) else list(terms)
    check_int("max_neighbours", max_neighbours, 1, allow_none=True)
    extra = ("count", "docs", "expected", "pmi", "p_value")
    rows = []
    for c in centres:
        if c not in G:
            logger.info("ego_table: %r is not a node of the network; skipped", c)
            continue
        nbrs = sorted(
            G.adj[c],
            key=lambda v, c=c: (
                -float(G.edges[c, v].get("weight", 1.0)),
                -float(G.edges[c, v].get("count", 0)),
                v,
            ),
        )
        if max_neighbours is not None:
            nbrs = nbrs[:max_neighbours]
        for rank, v in enumerate(nbrs, start=1):
            d = G.edges[c, v]
            row = {"term": c, "rank": rank, "neighbour": v, "weight": d.get("weight")}
            row.update({k: d[k] for k in extra if k in d})
            rows.append(row)
    cols = ["term", "rank", "neighbour", "weight"]
    # the edge attributes of the network, also when no centre is a node (an empty table
    # with the columns a full one would have)
    sample = rows[0] if rows else next((d for _, _, d in G.edges(data=True)), dict.fromkeys(extra))
    cols += [k for k in extra if k in sample]
    return pd.DataFrame(rows, columns=cols)


def _sorted_copy(G: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    H.graph.update(G.graph)
    for n in sorted(G.nodes):
        H.add_node(n, **{k: G.nodes[n][k] for k in G.nodes[n]})
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    for u, v in edges:
        H.add_edge(u, v, **G.edges[u, v])
    return H
