"""Fixtures of the co-occurrence tests: a tiny hand-checkable units table, a star-shaped
co-occurrence result, and the seed corpus network."""

from __future__ import annotations

import pandas as pd
import pytest

import textkit.cooc as C

# A, B, C, D in five sentences of two documents (paragraphs: d1 = [s0 s1][s2], d2 = [s0][s1])
TINY = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d1", "d2", "d2"],
        "para_id": [0, 0, 1, 0, 1],
        "sent_id": [0, 1, 0, 0, 0],
        "unit_id": [0, 1, 2, 0, 1],
        "tokens": [["A", "B", "C"], ["A", "B"], ["A", "C"], ["B", "D"], ["A", "B", "D", "A"]],
    }
)


@pytest.fixture
def tiny() -> pd.DataFrame:
    """A, B, C, D in five sentences of two documents (read-only)."""
    return TINY


@pytest.fixture
def all_pairs() -> C.CoocConfig:
    """Every term a node, every co-occurring pair an edge."""
    return C.CoocConfig(min_freq=1, min_count=1)


@pytest.fixture
def star_result() -> C.CoocResult:
    """Hub H with one strong and three weak neighbours, plus a weak triangle edge."""
    edges = pd.DataFrame(
        {
            "source": ["H", "H", "H", "H", "a"],
            "target": ["a", "b", "c", "d", "b"],
            "count": [50, 2, 2, 2, 2],
        }
    )
    deg = {"H": 56, "a": 52, "b": 4, "c": 2, "d": 2}
    w = C.association(edges["count"], edges["source"].map(deg), edges["target"].map(deg), 200)
    for k, v in w.items():
        edges[k] = v
    nodes = pd.DataFrame(
        {
            "term": sorted(deg),
            "freq": [deg[t] for t in sorted(deg)],
            "unit_freq": [deg[t] for t in sorted(deg)],
            "doc_freq": 1,
        }
    )
    return C.CoocResult(nodes=nodes, edges=edges, n_units=200, n_docs=1, config=C.CoocConfig())


@pytest.fixture(scope="module")
def seed_graph(seed_units):
    """Counts of the 120 most frequent terms of the seed corpus and their pruned network."""
    res = C.cooccurrence(seed_units, C.CoocConfig(unit="sentence", n_nodes=120))
    return res, C.build_network(res, top_n=80, overlay_mst=True)
