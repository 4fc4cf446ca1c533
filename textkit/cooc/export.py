"""Network export: GEXF and GraphML for Gephi, node and edge CSV, and the parameters.

:func:`export_network` writes every file byte-identical across runs and ``PYTHONHASHSEED``
values (sorted nodes, edges and attribute keys; no date in the GEXF header).
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from textkit.cooc.tables import edge_table, node_table
from textkit.core.io import dumps_json, sha256_bytes, write_bytes, write_csv, write_json
from textkit.core.precision import round_floats

__all__ = ["export_network"]

logger = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def _plain(value: Any) -> Any:
    """A value GEXF / GraphML can hold (bool, int, float, str), or None to drop it."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _canonical(G: nx.Graph) -> nx.Graph:
    """A copy with sorted nodes, edges and attribute keys and plain attribute values.

    Float attributes are rounded to the stated precision (:mod:`textkit.core.precision`).

    Attribute types are made uniform per attribute (int promoted to float when mixed), as
    the GEXF and GraphML writers declare one type per attribute.
    """

    def kinds(dicts: Iterable[Mapping[str, Any]]) -> dict[str, type]:
        seen: dict[str, set] = {}
        for d in dicts:
            for k, v in d.items():
                pv = _plain(v)
                if pv is not None:
                    seen.setdefault(k, set()).add(type(pv))
        out = {}
        for k, ts in seen.items():
            if len(ts) == 1:
                out[k] = next(iter(ts))
            elif ts <= {int, float}:
                out[k] = float
            else:
                out[k] = str
        return out

    def conv(d: Mapping[str, Any], types: dict[str, type], skip: tuple = ()) -> dict:
        res = {}
        for k in sorted(d):
            if k in skip:
                continue
            v = _plain(d[k])
            if v is None:
                continue
            v = types[k](v) if types[k] is not str or not isinstance(v, str) else v
            res[k] = round_floats(v)  # the stated precision (textkit.core.precision)
        return res

    node_types = kinds(G.nodes[n] for n in G.nodes)
    edge_types = kinds(d for _, _, d in G.edges(data=True))
    H = nx.Graph()
    for k in sorted(G.graph):
        v = _plain(G.graph[k])
        if v is not None:
            H.graph[k] = round_floats(v)
    for n in sorted(G.nodes, key=str):
        H.add_node(str(n), **conv(G.nodes[n], node_types))
    for u, v in sorted((min(str(a), str(b)), max(str(a), str(b))) for a, b in G.edges):
        H.add_edge(u, v, **conv(G.edges[u, v], edge_types, skip=("id",)))
    return H


def _with_viz(G: nx.Graph, layout: pd.DataFrame) -> nx.Graph:
    """A copy whose nodes carry GEXF ``viz`` position, colour and size from a figure's
    data table, so that Gephi opens the network as the figure drew it."""
    import matplotlib.colors as mcolors

    if G.number_of_nodes() == 0 and isinstance(layout, pd.DataFrame):
        return G.copy()  # an empty network (no difference to draw): nothing to place
    if not isinstance(layout, pd.DataFrame) or not {"term", "x", "y"} <= set(layout.columns):
        raise ValueError("layout: expected a table with term, x and y (a figure's textkit_data)")
    rows = layout[layout["kind"] == "node"] if "kind" in layout.columns else layout
    rows = rows.dropna(subset=["term", "x", "y"]).drop_duplicates("term")
    H = G.copy()
    freq = [float(H.nodes[n].get("freq", 1) or 1) for n in H.nodes]
    top = max(freq) if freq else 1.0
    for r in rows.itertuples(index=False):
        n = str(r.term)
        if n not in H:
            continue
        viz: dict[str, Any] = {
            "position": {
                "x": round(float(r.x) * 1000, 3),
                "y": round(float(r.y) * 1000, 3),
                "z": 0.0,
            },
            "size": round(5 + 25 * math.sqrt(float(H.nodes[n].get("freq", 1) or 1) / top), 3),
        }
        colour = getattr(r, "colour", None)
        if isinstance(colour, str) and colour:
            red, green, blue = (int(round(255 * c)) for c in mcolors.to_rgb(colour))
            viz["color"] = {"r": red, "g": green, "b": blue, "a": 1.0}
        H.nodes[n]["viz"] = viz
    return H


def _gexf_bytes(G: nx.Graph) -> bytes:
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date and its version here
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "textkit"
    writer.add_graph(G)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _graphml_bytes(G: nx.Graph) -> bytes:
    writer = nx.readwrite.graphml.GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(G)
    buf = io.BytesIO()
    writer.dump(buf)
    return buf.getvalue()


def export_network(
    G: nx.Graph,
    out_dir: str | os.PathLike,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    layout: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write a network for Gephi and for tables, deterministically.

    Files (all through :mod:`textkit.core.io` atomic writes):

    * ``<name>.gexf`` (GEXF 1.2, no date in the header, creator ``textkit``),
    * ``<name>.graphml``,
    * ``<name>_nodes.csv`` (:func:`~textkit.cooc.tables.node_table`: attributes and centralities),
    * ``<name>_edges.csv`` (:func:`~textkit.cooc.tables.edge_table`),
    * ``<name>_params.json``: the parameters (``params``, default the recipe stored by
      :func:`~textkit.cooc.network.build_network` in ``G.graph["config"]``), graph size and the SHA-256 of the
      other four files.

    Nodes, edges and attribute keys are written in sorted order, so the files are
    byte-identical across runs and ``PYTHONHASHSEED`` values.

    Parameters
    ----------
    G : networkx.Graph
    out_dir : path-like
        Directory (created if needed).
    name : str
        File stem; letters, digits, ``_`` and ``-``.
    params : mapping, optional
        Parameters to record (a ``CoocConfig`` is accepted too).
    layout : DataFrame, optional
        The table behind a figure of :mod:`textkit.plots.network` (``fig.textkit_data``:
        ``term``, ``x``, ``y``, ``colour``). The GEXF nodes then carry Gephi's ``viz``
        position (x 1000), colour and size, so the network opens in Gephi as the figure
        drew it.

    Returns
    -------
    dict of str to pathlib.Path
        Keys ``gexf``, ``graphml``, ``nodes``, ``edges``, ``params``.
    """
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        raise ValueError(f"name: use letters, digits, '_' or '-', got {name!r}")
    if not isinstance(G, nx.Graph) or G.is_directed() or G.is_multigraph():
        raise ValueError("G: expected an undirected networkx.Graph")
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        params = dataclasses.asdict(params)
    if params is None:
        params = json.loads(G.graph["config"]) if "config" in G.graph else {}
    if not isinstance(params, Mapping):
        raise ValueError(f"params: expected a mapping, got {type(params).__name__}")
    out = Path(out_dir)
    H = _canonical(G)
    blobs = {
        "gexf": (f"{name}.gexf", _gexf_bytes(_with_viz(H, layout) if layout is not None else H)),
        "graphml": (f"{name}.graphml", _graphml_bytes(H)),
    }
    paths: dict[str, Path] = {}
    for key, (fname, data) in blobs.items():
        paths[key] = write_bytes(out / fname, data, keep_equivalent=True)
    paths["nodes"] = write_csv(out / f"{name}_nodes.csv", node_table(H))
    paths["edges"] = write_csv(out / f"{name}_edges.csv", edge_table(H))
    record = {
        "name": name,
        "params": json.loads(dumps_json(dict(params))),
        "graph": {k: v for k, v in H.graph.items() if k != "config"},
        "n_nodes": H.number_of_nodes(),
        "n_edges": H.number_of_edges(),
        "gexf_viz": layout is not None,
        "files": {
            k: {"file": p.name, "sha256": sha256_bytes(p.read_bytes())}
            for k, p in sorted(paths.items())
        },
    }
    paths["params"] = write_json(out / f"{name}_params.json", record)
    logger.info("export_network: wrote %s (%d files) to %s", name, len(paths), out)
    return paths
