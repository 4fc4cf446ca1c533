"""The choice of the labelling rule by nested grouped cross-validation on coded paragraphs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.frames.labels import LabelRule
from textkit.frames.tune import DEFAULT_GRID, DEFAULT_TOLERANCE, checks_on, tune_label_rule
from textkit.frames.validate import load_coded_paragraphs


@pytest.fixture(scope="module")
def tuning(seed_docs, seg):
    return tune_label_rule(load_coded_paragraphs(), seed_docs, segmenter=seg)


def test_tuning_searches_the_grid_and_picks_the_simplest_near_best(tuning):
    n_rules = int(np.prod([len(v) for v in DEFAULT_GRID.values()]))
    assert len(tuning.grid) == n_rules
    grid = tuning.grid
    assert grid["macro_f1"].is_monotonic_decreasing
    assert (grid["checks"] == [checks_on(LabelRule(*r)) for r in grid[
        ["min_hits", "min_per_1k", "threshold", "ci", "mixed_min_hits", "short_tokens"]
    ].itertuples(index=False)
    ]).all()  # fmt: skip
    # the chosen rule: within the tolerance of the best, no rule there has fewer checks,
    # and none with as few checks scores higher
    top = grid["macro_f1"].iloc[0]
    near = grid[grid["macro_f1"] >= top - DEFAULT_TOLERANCE - 1e-12]
    row = grid[
        (grid["min_hits"] == tuning.rule.min_hits) & (grid["min_per_1k"] == tuning.rule.min_per_1k)
        & (grid["threshold"] == tuning.rule.threshold) & (grid["ci"] == tuning.rule.ci)
        & (grid["mixed_min_hits"] == tuning.rule.mixed_min_hits)
        & (grid["short_tokens"] == tuning.rule.short_tokens)
    ].iloc[0]  # fmt: skip
    assert row["macro_f1"] >= top - DEFAULT_TOLERANCE - 1e-12
    assert row["checks"] == near["checks"].min()
    assert row["macro_f1"] == near.loc[near["checks"] == row["checks"], "macro_f1"].max()
    overall = tuning.overall.set_index("measure")
    assert list(overall.index) == ["chosen (in-sample)", "chosen (cross-validated)", "current"]
    assert overall.loc["chosen (in-sample)", "macro_f1"] == pytest.approx(row["macro_f1"])
    assert "paragraph_label_threshold = " in tuning.toml()


def test_tolerance_zero_takes_the_best_rule(seed_docs, seg):
    """With no tolerance the best in-sample rule wins (fewer checks only break ties); a
    tolerance of 1 takes a rule with the fewest checks of the grid."""
    codes = load_coded_paragraphs()
    best = tune_label_rule(codes, seed_docs, segmenter=seg, tolerance=0.0)
    assert best.overall.set_index("measure").loc["chosen (in-sample)", "macro_f1"] == (
        pytest.approx(best.grid["macro_f1"].iloc[0])
    )
    loose = tune_label_rule(codes, seed_docs, segmenter=seg, tolerance=1.0)
    assert checks_on(loose.rule) == 0
    with pytest.raises(InvalidParameterError, match="tolerance"):
        tune_label_rule(codes, seed_docs, segmenter=seg, tolerance=-0.1)


def test_nested_folds_keep_articles_apart(tuning):
    pred = tuning.predictions
    assert (pred["fold"] >= 0).all() and len(tuning.folds) == 5
    assert pred.groupby("doc_id")["fold"].nunique().max() == 1
    assert tuning.folds["n_test"].sum() == len(pred)
    # each fold's rule is the best on its training part, so never worse there than the final
    assert (tuning.folds["train_macro_f1"] > 0.5).all()
    assert set(pred["cross_validated"]) <= {"stability", "service_law", "mixed", "neither"}


def test_tuning_is_deterministic(tuning, seed_docs, seg):
    again = tune_label_rule(load_coded_paragraphs(), seed_docs, segmenter=seg)
    assert again.rule == tuning.rule
    pd.testing.assert_frame_equal(again.overall, tuning.overall)


def test_tuning_on_shuffled_folds(seed_docs, seg):
    """random_state shuffles the articles into the outer folds (those whose mix of codes
    ties with another's: the first draw of the shipped codes has such articles): the rule
    chosen on all paragraphs is the same, the folds differ, articles stay together, the
    seed repeats."""
    codes = load_coded_paragraphs()
    first = codes[codes["sample_id"] <= "S229"]
    base = tune_label_rule(first, seed_docs, segmenter=seg)
    a = tune_label_rule(first, seed_docs, segmenter=seg, random_state=2)
    b = tune_label_rule(first, seed_docs, segmenter=seg, random_state=2)
    assert a.rule == base.rule
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    assert a.predictions.groupby("doc_id")["fold"].nunique().max() == 1
    assert not a.predictions["fold"].equals(base.predictions["fold"])


def test_tuning_refuses_too_few_codes(seed_docs, seg):
    codes = load_coded_paragraphs()
    few = pd.concat([codes[codes["code"] != "neither"], codes[codes["code"] == "neither"][:2]])
    with pytest.raises(CodingSheetError, match="neither 2"):
        tune_label_rule(few, seed_docs, segmenter=seg)
    with pytest.raises(InvalidParameterError, match="unknown key"):
        tune_label_rule(codes, seed_docs, segmenter=seg, grid={"min_hit": (1,)})


def test_tuning_refuses_a_paragraph_not_in_the_corpus(seed_docs, seg):
    """A coded paragraph missing from the documents is an error naming it: scored as an
    empty paragraph it would count as a `neither` label and bias the choice."""
    codes = load_coded_paragraphs()
    lost = codes.copy()
    lost.loc[5, "text"] = "这一段文字并不在语料中。"
    with pytest.raises(CodingSheetError, match=r"not found in docs: sample\(s\) \['S006'\]"):
        tune_label_rule(lost, seed_docs, segmenter=seg)


def test_grid_macro_f1_equals_sklearn(tuning):
    """The grid search's own macro-F1 is sklearn's, on every measure of the tuning."""
    from sklearn.metrics import f1_score

    from textkit.frames.tune import _macro_f1

    pred = tuning.predictions
    codes = pred["code"].to_numpy(dtype=object)
    for col in ("current", "in_sample", "cross_validated"):
        labels = pred[col].to_numpy(dtype=object)
        present = sorted(set(codes) | set(labels))
        ref = f1_score(codes, labels, labels=present, average="macro", zero_division=0)
        assert _macro_f1(labels, codes) == pytest.approx(ref, abs=1e-12)


def test_tuning_counts_a_templated_paragraph_coded_in_each_article(seg):
    """A paragraph every article repeats, coded in three of them, is three coded paragraphs
    in three articles (before, all three landed on the first copy: "mixed 1")."""
    template = "各乡镇要坚持依法行政，完善公共服务体系，同时加强矛盾纠纷排查化解，维护社会稳定。"
    rows, docs = [], []
    for i, county in enumerate(["安平", "北川", "昌乐"]):
        paras = [
            f"{county}县关于基层治理工作的通知",
            template,
            f"{county}县今年依法打击违法犯罪团伙{3 + i}个，加强治安巡逻防控。",
            f"{county}县推进村务公开，建立村民议事会，保障群众知情权。",
        ]
        docs.append((f"gov{i}#01", "\n".join(paras)))
        codes_of = ["neither", "mixed", "stability", "service_law"]
        rows += [
            (f"gov{i}#01", k, p, c) for k, (p, c) in enumerate(zip(paras, codes_of, strict=True))
        ]
    docs = pd.DataFrame(docs, columns=["doc_id", "text"])
    codes = pd.DataFrame(rows, columns=["doc_id", "para_id", "text", "code"])
    tuning = tune_label_rule(codes, docs, n_splits=3, segmenter=seg, grid={"min_hits": (1,)})
    pred = tuning.predictions
    assert len(pred) == 12 and (pred["fold"] >= 0).all()
    assert pred.groupby("code")["doc_id"].nunique().to_dict() == dict.fromkeys(
        ["mixed", "neither", "service_law", "stability"], 3
    )
