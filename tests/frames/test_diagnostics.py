"""Tests of textkit.frames.diagnostics on the seed corpus and on small written texts that
trigger each flag."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import textkit as tk
from textkit.frames.diagnostics import DIAGNOSTIC_COLUMNS, frame_diagnostics
from textkit.frames.score import FrameConfig, score_frames


@pytest.fixture(scope="module")
def seed_diag(seed_docs, seg):
    return frame_diagnostics(seed_docs[["doc_id", "text"]], segmenter=seg, top_n=500)


def test_seed_corpus_drivers(seed_docs, seg, seed_diag):
    d = seed_diag
    assert tuple(d.columns) == DIAGNOSTIC_COLUMNS
    assert list(dict.fromkeys(d["frame"])) == ["stability", "service_law"]
    # sorted by share (descending), then name, within each frame
    for _, g in d.groupby("frame", sort=False):
        key = list(zip(-g["share"], g["name"], strict=True))
        assert key == sorted(key)
    # the term rows add up to the corpus's weighted scores, their shares to 1
    scores = score_frames(
        seed_docs[["doc_id", "text"]], segmenter=seg, config=FrameConfig(n_boot=0)
    )
    terms = d[d["kind"] == "term"]
    for frame in ("stability", "service_law"):
        t = terms[terms["frame"] == frame]
        assert math.isclose(t["value"].sum(), scores[f"n_{frame}"].sum())
        assert math.isclose(t["share"].sum(), 1.0)
    assert (d["n_docs"] >= 1).all() and (d["n_docs"] <= d["hits"]).all()
    # 依法 before a sanction: the rule moves 3.0 from service_law to stability (a seventh,
    # 依法查处制售假冒伪劣商品, is set aside by the rule for market and safety regulation)
    rule = d[(d["kind"] == "rule") & (d["name"] == "by_law_crackdown")].set_index("frame")
    assert rule.loc["stability", "value"] == 3.0 and rule.loc["service_law", "value"] == -3.0
    assert rule.loc["stability", "hits"] == 6 and rule.loc["stability", "category"] == "governs"
    ex = rule.loc["stability", "examples"]
    assert 1 <= len(ex) <= 3 and all("[依法]" in line for line in ex)
    # the moved hits are a stability row of 依法, every one changed by a rule (6 by that one)
    moved = d[(d["name"] == "依法") & (d["frame"] == "stability")].iloc[0]
    assert moved["hits"] == 7 and moved["changed"] == 7 and moved["category"] == "打击整治"
    assert moved["flags"].startswith("rule by_law_crackdown (86%)")
    # the deliberative-council report carries almost every 议事会
    row = terms[terms["name"] == "议事会"].iloc[0]
    assert row["top_doc"] == "001_aabf14e4f143a46b#01" and row["top_doc_share"] > 0.9
    assert f"document {row['top_doc']}" in row["flags"]
    # KWIC examples from different documents first
    zz = terms[terms["name"] == "治安"].iloc[0]
    assert len(zz["examples"]) == 3
    assert len({line.split(":")[0] for line in zz["examples"]}) == 3
    assert all("[治安]" in line for line in zz["examples"])


def test_top_n_and_determinism(seed_docs, seg, seed_diag):
    small = frame_diagnostics(seed_docs[["doc_id", "text"]], segmenter=seg, top_n=5)
    again = frame_diagnostics(seed_docs[["doc_id", "text"]], segmenter=seg, top_n=5)
    pd.testing.assert_frame_equal(small, again)
    assert (small[small["kind"] == "term"].groupby("frame").size() == 5).all()
    # every rule that changes a hit is kept
    rules = seed_diag[seed_diag["kind"] == "rule"][["frame", "name"]]
    kept = small[small["kind"] == "rule"][["frame", "name"]]
    assert sorted(map(tuple, kept.values)) == sorted(map(tuple, rules.values))
    top = seed_diag[seed_diag["kind"] == "term"].groupby("frame", sort=False).head(5)
    assert sorted(small.loc[small["kind"] == "term", "name"]) == sorted(top["name"])


def _row(diag: pd.DataFrame, name: str, frame: str | None = None) -> pd.Series:
    rows = diag[(diag["name"] == name) & (diag["kind"] == "term")]
    if frame is not None:
        rows = rows[rows["frame"] == frame]
    assert len(rows) == 1, diag[["frame", "name"]]
    return rows.iloc[0]


def test_flag_inside_an_unlisted_word(seg):
    docs = ["综治办负责协调。", "综治办召开会议。", "县综治办发布通知。", "加强综治工作。"]
    row = _row(frame_diagnostics(docs, segmenter=seg), "综治")
    assert (row["top_word"], row["top_word_share"]) == ("综治办", 0.75)
    assert row["flags"] == "inside 综治办 (75%)"


def test_flag_changed_by_one_rule(seg):
    docs = ["不能以维稳代替维权。", "不能以维稳代替维权。", "决不能以维稳代替维权。"]
    diag = frame_diagnostics(docs, segmenter=seg)
    row = _row(diag, "维稳")
    assert row["value"] == 0 and row["changed"] == 3 and row["n_docs"] == 3
    assert row["flags"] == "rule replace_by_negated (100%)"
    rule = diag[(diag["kind"] == "rule") & (diag["name"] == "replace_by_negated")].iloc[0]
    assert (rule["frame"], rule["value"], rule["hits"]) == ("stability", -3.0, 3)
    assert rule["flags"] == "" and len(rule["examples"]) == 3


def test_flag_democratic_parties(seg):
    docs = ["各民主党派参加会议。", "民主党派人士发言。", "邀请民主人士座谈。", "发扬民主。"]
    row = _row(frame_diagnostics(docs, segmenter=seg), "民主")
    assert row["changed"] == 3 and row["value"] == 0.5
    assert "rule democratic_parties (75%)" in row["flags"]


def test_flag_concentrated_in_one_document(seg):
    docs = pd.DataFrame(
        {"doc_id": ["a", "b"], "text": ["排查矛盾。排查隐患。排查风险。", "加强排查。"]}
    )
    row = _row(frame_diagnostics(docs, segmenter=seg), "排查")
    assert (row["top_doc"], row["top_doc_share"]) == ("a", 0.75)
    assert row["flags"] == "document a (75%)"
    assert [line.split(":")[0] for line in row["examples"]] == ["a", "b", "a"]
    # no flag below three hits, nor for one document
    assert _row(frame_diagnostics(["排查矛盾。排查隐患。"], segmenter=seg), "排查")["flags"] == ""
    one = frame_diagnostics(["排查矛盾。排查隐患。排查风险。"], segmenter=seg)
    assert _row(one, "排查")["flags"] == ""


def test_options_and_edge_cases(seg):
    empty = frame_diagnostics(["今天天气很好。"], segmenter=seg)
    assert empty.empty and tuple(empty.columns) == DIAGNOSTIC_COLUMNS
    docs = ["不能以维稳代替维权。"] * 3
    off = frame_diagnostics(docs, segmenter=seg, config=FrameConfig(context_rules=False))
    assert (off["kind"] == "term").all() and (off["flags"] == "").all()
    none = frame_diagnostics(docs, segmenter=seg, n_examples=0)
    assert none["examples"].map(len).eq(0).all()
    with pytest.raises(ValueError, match="n_examples"):
        frame_diagnostics(docs, segmenter=seg, n_examples=-1)
    with pytest.raises(ValueError, match="top_n"):
        frame_diagnostics(docs, segmenter=seg, top_n=0)
    assert tk.frame_diagnostics is frame_diagnostics
