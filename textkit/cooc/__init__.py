"""Co-occurrence stage: keyword co-occurrence networks, reproducible and exportable to Gephi.

The co-occurrence "semantic network" of a corpus is built in explicit steps, each a function
returning a new object, so that the figure and the data behind it come from one recorded
call instead of a chain of GUI tools: count the pairs of node terms within units
(:func:`cooccurrence`, with association weights from :func:`association`), prune them into a
graph with Louvain communities (:func:`build_network`, :func:`detect_communities`), analyse it
(:func:`node_table`, :func:`edge_table`, :func:`ego_network`, :func:`ego_table`,
:func:`compare_networks`, :func:`compare_networks_by`) and write it for Gephi (:func:`export_network`). The ``[cooc]``
table of ``textkit.toml`` holds the settings (:func:`network_config`). Modules:
:mod:`~textkit.cooc.config` (CoocConfig, NetworkConfig, network_config),
:mod:`~textkit.cooc.weights` (association weights), :mod:`~textkit.cooc.count` (counting),
:mod:`~textkit.cooc.network` (pruning and communities), :mod:`~textkit.cooc.tables` (node
and edge tables), :mod:`~textkit.cooc.ego` (ego networks), :mod:`~textkit.cooc.compare`
(two groups compared) and :mod:`~textkit.cooc.export` (GEXF, GraphML, CSV, JSON).

Usage::

    from textkit.segment.segmenter import segment_corpus
    from textkit.cooc import CoocConfig, cooccurrence, build_network, export_network

    units = segment_corpus(documents, unit="sentence")
    res = cooccurrence(units, CoocConfig(unit="sentence", n_nodes=80))
    G = build_network(res, weight="jaccard", top_n=60, overlay_mst=True)
    export_network(G, "results/networks", "governance_sentence")
"""

from __future__ import annotations

from textkit.cooc.compare import NetworkComparison, compare_networks, compare_networks_by
from textkit.cooc.config import (
    BACKBONES,
    NODE_SELECTIONS,
    UNITS,
    CoocConfig,
    NetworkConfig,
    network_config,
)
from textkit.cooc.count import CoocResult, CoocWarning, cooccurrence
from textkit.cooc.ego import ego_network, ego_table
from textkit.cooc.export import export_network
from textkit.cooc.network import build_network, detect_communities
from textkit.cooc.tables import edge_table, node_table
from textkit.cooc.weights import WEIGHTS, association

__all__ = [
    "BACKBONES",
    "CoocConfig",
    "CoocResult",
    "CoocWarning",
    "NODE_SELECTIONS",
    "NetworkComparison",
    "NetworkConfig",
    "UNITS",
    "WEIGHTS",
    "association",
    "build_network",
    "compare_networks",
    "compare_networks_by",
    "cooccurrence",
    "detect_communities",
    "edge_table",
    "ego_network",
    "ego_table",
    "export_network",
    "network_config",
    "node_table",
]
