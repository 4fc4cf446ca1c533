"""Tests of textkit.cooc.export: Gephi files without dates, byte-identical across PYTHONHASHSEED."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import networkx as nx
import pytest

import textkit.cooc as C


def test_export_files_no_date_and_readable(tmp_path, tiny, all_pairs):
    G = C.build_network(C.cooccurrence(tiny, all_pairs), top_n=None)
    paths = C.export_network(G, tmp_path, "tiny")
    assert sorted(paths) == ["edges", "gexf", "graphml", "nodes", "params"]
    gexf = paths["gexf"].read_text("utf-8")
    assert "lastmodifieddate" not in gexf and "NetworkX" not in gexf
    assert re.search(r"\d{4}-\d{2}-\d{2}", gexf) is None  # no date anywhere
    back = nx.read_gexf(paths["gexf"])
    assert set(back.nodes) == set(G.nodes) and back.number_of_edges() == G.number_of_edges()
    gm = nx.read_graphml(paths["graphml"])
    assert gm.edges["A", "B"]["jaccard"] == pytest.approx(0.6)
    params = json.loads(paths["params"].read_text("utf-8"))
    assert params["params"]["network"]["weight"] == "jaccard"
    assert (
        params["files"]["gexf"]["sha256"] == hashlib.sha256(paths["gexf"].read_bytes()).hexdigest()
    )
    again = C.export_network(
        C.build_network(C.cooccurrence(tiny, all_pairs), top_n=None), tmp_path / "again", "tiny"
    )
    for k in paths:
        assert paths[k].read_bytes() == again[k].read_bytes(), k
    with pytest.raises(ValueError, match="name"):
        C.export_network(G, tmp_path, "bad name")


_SCRIPT = r"""
import hashlib, json, sys, warnings
import pandas as pd
import textkit.cooc as C
units = pd.read_json(sys.argv[1], orient="records")
res = C.cooccurrence(units, C.CoocConfig(unit="sentence", n_nodes=60))
G = C.build_network(res, top_n=50, overlay_mst=True)
paths = C.export_network(G, sys.argv[2], "net")
out = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in sorted(paths.items())}
out["communities"] = sorted((n, d["community"]) for n, d in G.nodes(data=True))
out["window"] = C.cooccurrence(units, C.CoocConfig(unit="window", window=8, n_nodes=40)).edges.to_csv()
from textkit.plots.layout import network_layout
pos = network_layout(G, layout="forceatlas2", random_state=7)
out["layout"] = sorted((n, round(x, 9), round(y, 9)) for n, (x, y) in pos.items())
out["modularity"] = G.graph["modularity"]
print(json.dumps(out, ensure_ascii=False))
"""


def test_byte_identical_across_pythonhashseed(seed_units, tmp_path):
    data = tmp_path / "units.json"
    seed_units[["doc_id", "para_id", "sent_id", "unit_id", "tokens"]].to_json(
        data, orient="records", force_ascii=False
    )
    script = tmp_path / "run.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    outs = []
    for hs in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": hs}
        p = subprocess.run(
            [sys.executable, str(script), str(data), str(tmp_path / f"out{hs}")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        )
        outs.append(json.loads(p.stdout))
    assert outs[0] == outs[1]
    gexf = (tmp_path / "out0" / "net.gexf").read_text("utf-8")
    assert "<creator>textkit</creator>" in gexf and "lastmodifieddate" not in gexf
