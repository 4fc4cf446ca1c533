"""Tests of textkit.cooc.compare: two groups of documents on one node set."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import textkit.cooc as C


def test_compare_min_docs_drops_one_document_phrasing():
    # group b: 职责-负责 repeated in one document only; 法治-服务 in three documents
    b = pd.DataFrame(
        {
            "doc_id": ["b1"] * 5 + ["b2", "b3", "b4"],
            "tokens": [["职责", "负责"]] * 4 + [["法治"]] + [["法治", "服务"]] * 3,
        }
    )
    a = pd.DataFrame(
        {"doc_id": ["a1", "a2", "a3"], "tokens": [["职责"], ["负责", "法治"], ["服务"]]}
    )
    cfg = C.CoocConfig(min_freq=1)
    loose = C.compare_networks(a, b, config=cfg, labels=("a", "b"))
    ch = loose.changes.set_index(["source", "target"])
    assert ch.loc[("职责", "负责"), ["docs_a", "docs_b", "count_b"]].tolist() == [0, 1, 4]
    assert ch.loc[("服务", "法治"), "docs_b"] == 3  # pairs sorted by code point: 服 < 法
    strict = C.compare_networks(a, b, config=cfg, labels=("a", "b"), min_docs=2)
    pairs = set(zip(strict.changes["source"], strict.changes["target"], strict=True))
    assert pairs == {("服务", "法治")}
    assert strict.graph.edges["服务", "法治"]["docs_b"] == 3
    assert json.loads(strict.graph.graph["config"])["min_docs"] == 2


def test_compare_networks_direction():
    a = pd.DataFrame(
        {"doc_id": "a", "tokens": [["维稳", "排查"]] * 4 + [["法治", "服务"], ["法治"]]}
    )
    b = pd.DataFrame(
        {"doc_id": "b", "tokens": [["法治", "服务"]] * 4 + [["维稳", "排查"], ["维稳"]]}
    )
    cmp = C.compare_networks(a, b, config=C.CoocConfig(min_freq=1), labels=("stability", "law"))
    ch = cmp.changes.set_index(["source", "target"])
    assert ch.loc[("排查", "维稳"), "group"] == "stability"
    assert ch.loc[("排查", "维稳"), "weight_a"] == pytest.approx(1.0)
    assert ch.loc[("排查", "维稳"), "weight_b"] == pytest.approx(1 / 2)
    assert ch.loc[("服务", "法治"), "group"] == "law"
    assert ch.loc[("服务", "法治"), "diff"] == pytest.approx(1 / 2 - 1.0)
    assert set(cmp.result_a.nodes["term"]) == set(cmp.result_b.nodes["term"])
    assert cmp.graph.number_of_edges() == len(cmp.changes)
    assert (cmp.changes["abs_diff"].diff().dropna() <= 0).all()
