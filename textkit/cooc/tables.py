"""Network tables: node attributes with centralities, and edge attributes, one row each."""

from __future__ import annotations

import logging

import networkx as nx
import pandas as pd

from textkit.cooc.count import warn_degenerate

__all__ = ["node_table", "edge_table"]

logger = logging.getLogger(__name__)


def _eigenvector(G: nx.Graph) -> dict[str, float]:
    if G.number_of_edges() == 0:
        return dict.fromkeys(G.nodes, float("nan"))
    try:
        return nx.eigenvector_centrality(G, max_iter=2000, tol=1e-9, weight="weight")
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException) as exc:
        warn_degenerate(f"node_table: eigenvector centrality did not converge ({exc}); set to NaN")
        return dict.fromkeys(G.nodes, float("nan"))


def node_table(G: nx.Graph) -> pd.DataFrame:
    """Node attributes and centralities of a network, one row per term.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`~textkit.cooc.network.build_network` (or :func:`~textkit.cooc.ego.ego_network`).

    Returns
    -------
    DataFrame
        ``term``, ``freq``, ``unit_freq``, ``doc_freq``, ``community`` (when present),
        ``degree`` (number of neighbours), ``degree_centrality`` (degree / (n - 1)),
        ``weighted_degree`` (sum of edge ``weight``), ``betweenness`` (normalised,
        unweighted shortest paths) and ``eigenvector`` (power iteration on ``weight``,
        NaN with a warning when it does not converge or some weight is negative; computed
        on the whole graph, so nodes outside the dominant component get values near 0),
        then any other node attribute (e.g. ``ego``, ``hops``, ``freq_a``), sorted by
        community, decreasing frequency and term.
    """
    cols = [
        "term",
        "freq",
        "unit_freq",
        "doc_freq",
        "community",
        "degree",
        "degree_centrality",
        "weighted_degree",
        "betweenness",
        "eigenvector",
    ]
    if G.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    deg_c = nx.degree_centrality(G) if G.number_of_nodes() > 1 else dict.fromkeys(G.nodes, 0.0)
    btw = nx.betweenness_centrality(G, normalized=True)
    weights = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    if weights and min(weights) < 0:
        eig = dict.fromkeys(G.nodes, float("nan"))
        logger.info("node_table: negative weights; eigenvector centrality left NaN")
    else:
        eig = _eigenvector(G)
    rows = []
    for n in sorted(G.nodes):
        d = G.nodes[n]
        rows.append(
            {
                "term": n,
                "freq": d.get("freq", 0),
                "unit_freq": d.get("unit_freq", 0),
                "doc_freq": d.get("doc_freq", 0),
                "community": d.get("community", -1),
                "degree": G.degree(n),
                "degree_centrality": float(deg_c[n]),
                "weighted_degree": float(
                    sum(G.edges[n, m].get("weight", 1.0) for m in sorted(G.adj[n]))
                ),
                "betweenness": float(btw[n]),
                "eigenvector": float(eig[n]),
            }
        )
    extra = sorted({k for n in G.nodes for k in G.nodes[n]} - set(cols) - {"label"})
    for row in rows:
        d = G.nodes[row["term"]]
        row.update({k: d.get(k) for k in extra})
    df = pd.DataFrame(rows, columns=cols + extra)
    df = df.sort_values(
        ["community", "freq", "term"], ascending=[True, False, True], kind="mergesort"
    )
    return df.reset_index(drop=True)


def edge_table(G: nx.Graph) -> pd.DataFrame:
    """Edges of a network with their attributes, sorted by (``source``, ``target``)."""
    rows = []
    for u, v, d in G.edges(data=True):
        s, t = (u, v) if u <= v else (v, u)
        rows.append({"source": s, "target": t, **d})
    if not rows:
        return pd.DataFrame(columns=["source", "target", "weight"])
    df = pd.DataFrame(rows)
    return df.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)
