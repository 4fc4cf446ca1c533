"""Keyword co-occurrence counts, association weights, networks, comparison and export."""

from __future__ import annotations

from textkit.cooc.cooc import (
    BACKBONES,
    NODE_SELECTIONS,
    UNITS,
    WEIGHTS,
    CoocConfig,
    CoocResult,
    CoocWarning,
    NetworkComparison,
    NetworkConfig,
    association,
    build_network,
    compare_networks,
    cooccurrence,
    detect_communities,
    edge_table,
    ego_network,
    ego_table,
    export_network,
    network_config,
    node_table,
)

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
    "cooccurrence",
    "detect_communities",
    "edge_table",
    "ego_network",
    "ego_table",
    "export_network",
    "network_config",
    "node_table",
]
