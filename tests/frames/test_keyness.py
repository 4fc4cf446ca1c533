"""Tests of textkit.frames.keyness: G² and chi² by hand and against scipy, masks, label groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from textkit.frames.keyness import frame_keyness, keyness
from textkit.frames.score import (
    FrameConfig,
    score_frames,
)


def test_keyness_hand_computed():
    # 2x2: term in target 20 of 1,000 tokens, in reference 5 of 1,000.
    out = keyness({"维稳": 20, "other": 980}, {"维稳": 5, "other": 995}, min_count=0)
    row = out.set_index("term").loc["维稳"]
    # by hand: E = 12.5 in both target cells, 987.5 in both rest cells
    g2 = 2 * (20 * math.log(20 / 12.5) + 5 * math.log(5 / 12.5)
              + 980 * math.log(980 / 987.5) + 995 * math.log(995 / 987.5))  # fmt: skip
    assert math.isclose(row["g2"], g2, rel_tol=1e-12)
    # 20 ln 1.6 = 9.40007; 5 ln 0.4 = -4.58145; 980 ln(980/987.5) = -7.47142;
    # 995 ln(995/987.5) = 7.52837; sum 4.87557; G2 = 9.7511
    assert math.isclose(g2, 9.7511, abs_tol=1e-3)
    table = np.array([[20, 5], [980, 995]])
    ref_g2 = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    ref_chi = stats.chi2_contingency(table, correction=False)[0]
    assert math.isclose(row["g2"], ref_g2) and math.isclose(row["chi2"], ref_chi)
    assert math.isclose(row["p_value"], stats.chi2.sf(g2, 1))
    assert math.isclose(row["log_ratio"], math.log2(20.5 / 5.5))
    assert row["key_for"] == "target"
    assert out.set_index("term").loc["other", "g2"] < 0


def test_keyness_units_and_mask():
    units = pd.DataFrame({"tokens": [["维稳", "排查"], ["维稳", "管控"], ["服务", "法治"]]})
    out = keyness(units, group=[True, True, False], min_count=1)
    assert out.iloc[0]["term"] == "维稳" and out.iloc[0]["count_a"] == 2
    assert out.set_index("term").loc["法治", "key_for"] == "reference"
    with pytest.raises(ValueError, match="group"):
        keyness(units, group=[True, True])
    with pytest.raises(ValueError, match="non-empty"):
        keyness(units, group=[True, True, True])


def test_frame_keyness_between_label_groups(seed_build, seg):
    docs = seed_build.documents
    docs = docs[~docs["is_duplicate"]].loc[:, ["doc_id", "text"]].reset_index(drop=True)
    scores = score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=200))
    units = pd.DataFrame(
        {"doc_id": docs["doc_id"], "tokens": [seg.tokenize(t) for t in docs["text"]]}
    )
    kt = frame_keyness(units, scores, "stability", "service_law", min_count=5)
    again = frame_keyness(units, scores, "stability", "service_law", min_count=5)
    pd.testing.assert_frame_equal(kt, again)
    top_a = set(kt.head(15)["term"])
    top_b = set(kt.tail(15)["term"])
    assert "社会治安综合治理" in top_a or "治安" in top_a
    assert {"议事会", "村民议事会"} & top_b
    n_target = scores["frame_label"].eq("stability").sum()
    assert kt["count_a"].sum() <= sum(len(t) for t, lab in zip(
        units["tokens"], scores["frame_label"], strict=True) if lab == "stability")  # fmt: skip
    rest = frame_keyness(units, scores, "stability", "rest", min_count=5)
    assert rest["count_b"].sum() > kt["count_b"].sum() and n_target > 0
    with pytest.raises(ValueError, match="no unit in the reference group"):
        frame_keyness(units, scores, "stability", "nonsense")
    with pytest.raises(ValueError, match="differ"):
        frame_keyness(units, scores, "stability", "stability")
