"""The labelling rule of the frame measure."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.frames.labels import LabelRule, assign_labels
from textkit.frames.score import FrameConfig, score_frames


def _table(rows):
    cols = ["n_stability", "n_service_law", "n_tokens", "balance_lo", "balance_hi"]
    t = pd.DataFrame(rows, columns=cols)
    tot = t["n_stability"] + t["n_service_law"]
    t["balance"] = (t["n_service_law"] - t["n_stability"]) / tot.where(tot > 0)
    return t


def test_assign_labels_follows_each_threshold():
    t = _table(
        [
            (0.0, 0.0, 30, np.nan, np.nan),  # no frame term
            (1.0, 0.0, 30, -1.0, -1.0),  # one stability hit
            (0.0, 0.5, 30, 1.0, 1.0),  # half a service hit
            (2.0, 1.0, 30, -1.0, 1.0),  # balance -1/3, interval spans 0
            (3.0, 0.0, 2000, -1.0, -1.0),  # three hits in a long text: 1.5 per 1,000
            (0.5, 0.5, 40, -1.0, 1.0),  # two half hits: total exactly 1
        ]
    )
    loose = LabelRule(min_hits=1.0, min_per_1k=0.0, threshold=0.3, ci=False)
    assert list(assign_labels(t, loose)) == [
        "neither", "stability", "neither", "stability", "stability", "mixed",
    ]  # fmt: skip
    with_ci = LabelRule(min_hits=1.0, min_per_1k=2.0, threshold=0.3, ci=True)
    assert list(assign_labels(t, with_ci)) == [
        "neither", "stability", "neither", "mixed", "neither", "mixed",
    ]  # fmt: skip
    strict = LabelRule(min_hits=0.5, min_per_1k=0.0, threshold=0.5, ci=False)
    assert list(assign_labels(t, strict))[2:4] == ["service_law", "mixed"]
    assert len(assign_labels(t.iloc[:0], loose)) == 0


def test_label_rule_is_validated():
    with pytest.raises(ValueError, match="LabelRule.threshold"):
        LabelRule(1.0, 0.0, 1.5, False)
    with pytest.raises(ValueError, match="FrameConfig.paragraph_label_ci"):
        FrameConfig(paragraph_label_ci="yes")
    with pytest.raises(ValueError, match="FrameConfig.paragraph_min_hits"):
        FrameConfig(paragraph_min_hits=-1)


def test_paragraphs_and_documents_have_their_own_rule(seg):
    cfg = FrameConfig(n_boot=200, short_text_tokens=0)
    assert cfg.label_rule("sentence") == cfg.label_rule("paragraph") != cfg.label_rule()
    text = "今年经济平稳增长，农民收入稳步提高。\n村里组织治安巡逻。"
    doc = score_frames([text], segmenter=seg, config=cfg)
    para = score_frames([text], level="paragraph", segmenter=seg, config=cfg)
    # one hit (治安 + 巡逻 = 2) frames the short paragraph; the document needs min_hits = 3
    assert doc.loc[0, "frame_label"] == "neither"
    assert list(para["frame_label"]) == ["neither", "stability"]
    strict = FrameConfig(
        n_boot=200, paragraph_min_hits=3.0, paragraph_short_tokens=0, short_text_tokens=0
    )
    para = score_frames([text], level="paragraph", segmenter=seg, config=strict)
    assert list(para["frame_label"]) == ["neither", "neither"]
    # ... unless a paragraph that short (a heading, a one-line item) needs one hit only
    short = dataclasses.replace(strict, paragraph_short_tokens=30)
    para = score_frames([text], level="paragraph", segmenter=seg, config=short)
    assert list(para["frame_label"]) == ["neither", "stability"]


def test_short_tokens_lowers_the_floor_to_one_hit_for_short_texts_only():
    table = pd.DataFrame(
        {
            "n_stability": [1.0, 1.0, 0.5, 2.0],
            "n_service_law": [0.0, 0.0, 0.0, 0.0],
            "n_tokens": [12, 31, 12, 80],
            "balance": [-1.0, -1.0, -1.0, -1.0],
            "balance_lo": [-1.0] * 4,
            "balance_hi": [-1.0] * 4,
        }
    )
    rule = LabelRule(3.0, 0.0, 0.0, False, 0.0, short_tokens=30)
    assert list(assign_labels(table, rule)) == ["stability", "neither", "neither", "neither"]
    off = dataclasses.replace(rule, short_tokens=0)
    assert list(assign_labels(table, off)) == ["neither"] * 4
    low = LabelRule(0.5, 0.0, 0.0, False, 0.0, short_tokens=30)  # never raises the floor
    assert list(assign_labels(table, low)) == ["stability"] * 4
    with pytest.raises(InvalidParameterError, match="short_tokens"):
        LabelRule(3.0, 0.0, 0.0, False, 0.0, short_tokens=-1)


def test_short_documents_take_the_paragraph_rule(seg):
    """A microblog-length post with one clear frame hit is framed, not `neither`."""
    posts = ["今晚社区组织治安巡逻，大家注意安全。", "区里新开了便民服务中心，实行一站式服务。"]
    got = score_frames(posts, segmenter=seg, config=FrameConfig(n_boot=200))
    assert list(got["frame_label"]) == ["stability", "service_law"]
    off = score_frames(posts, segmenter=seg, config=FrameConfig(n_boot=200, short_text_tokens=0))
    assert list(off["frame_label"]) == ["neither", "neither"]


def test_traditional_text_is_scored_like_its_simplified_form(seg):
    trad = "維護社會穩定，嚴厲打擊違法犯罪。堅持依法行政，建設法治政府。"
    simp = "维护社会稳定，严厉打击违法犯罪。坚持依法行政，建设法治政府。"
    cols = ["n_stability", "n_service_law", "balance", "frame_label"]
    got = score_frames([trad, simp], segmenter=seg, config=FrameConfig(n_boot=0))
    assert got.loc[0, cols].tolist() == got.loc[1, cols].tolist()
    assert got.loc[0, "n_stability"] >= 3
    raw = score_frames([trad], segmenter=seg, config=FrameConfig(n_boot=0, simplify=False))
    assert raw.loc[0, "n_stability"] < got.loc[0, "n_stability"]


def test_label_positions_are_those_of_the_codes():
    """The grid search labels by position in CODES; the positions it writes are the codes'."""
    from textkit.frames import labels
    from textkit.frames.agree import CODES

    assert [labels._STABILITY, labels._MIXED, labels._SERVICE_LAW, labels._NEITHER] == [
        CODES.index(c) for c in ("stability", "mixed", "service_law", "neither")
    ]
