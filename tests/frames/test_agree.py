"""Tests of textkit.frames.agree: bootstrap intervals of the agreement figures by article."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from textkit.frames.agree import agreement
from textkit.frames.validate import load_coded_paragraphs, validate_measure


@pytest.fixture(scope="module")
def seed_report(seed_docs):
    """The dictionary measure against a random 130 of the shipped coded paragraphs."""
    codes = load_coded_paragraphs().sample(130, random_state=3).sort_values("sample_id")
    return validate_measure(codes, seed_docs)


def test_intervals_hold_the_estimate_and_are_reproducible(seed_report):
    iv = seed_report.intervals(n_boot=200, random_state=5)
    assert iv.loc["macro_f1", "estimate"] == seed_report.macro_f1
    assert iv.loc["kappa", "estimate"] == seed_report.kappa
    for fig in ("accuracy", "macro_f1", "kappa", "spearman"):
        lo, est, hi = iv.loc[fig, ["lo", "estimate", "hi"]]
        assert lo < est < hi <= 1.0, fig
    assert set(iv.index) >= {f"recall_{c}" for c in seed_report.per_class["label"]}
    assert (
        iv.attrs["unit"] == "doc_id"
        and iv.attrs["n_units"] == seed_report.table["doc_id"].nunique()
    )
    pd.testing.assert_frame_equal(iv, seed_report.intervals(n_boot=200, random_state=5))
    assert not iv.equals(seed_report.intervals(n_boot=200, random_state=6))


def test_resampling_articles_is_wider_than_resampling_paragraphs(seed_docs):
    """Paragraphs of one article agree or disagree together: the article bootstrap says so
    (all 754 coded paragraphs, about 22 per article)."""
    report = validate_measure(load_coded_paragraphs(), seed_docs)
    by_doc = report.intervals(n_boot=300, random_state=1)
    by_row = report.intervals(n_boot=300, random_state=1, by=None)
    figures = ["accuracy", "macro_f1", "kappa", "spearman"]
    width = (by_doc["hi"] - by_doc["lo"]).loc[figures]
    assert (width > (by_row["hi"] - by_row["lo"]).loc[figures]).all()
    assert by_row.attrs["unit"] == "row" and by_row.attrs["n_units"] == len(report.table)


def test_a_rare_code_missing_from_replicates_is_counted_not_averaged_as_zero():
    y_true = ["mixed"] + ["stability"] * 9 + ["service_law"] * 10
    y_pred = ["mixed"] + ["stability"] * 9 + ["service_law"] * 10
    codes = pd.DataFrame({"code": y_true, "doc_id": [f"d{i}" for i in range(20)]})
    iv = agreement(y_pred, codes).intervals(n_boot=300, random_state=0)
    # replicates without the one mixed paragraph leave its recall undefined
    assert 0 < iv.loc["recall_mixed", "n_valid"] < 300
    assert iv.loc["recall_mixed", ["lo", "hi"]].tolist() == [1.0, 1.0]
    assert iv.loc["accuracy", "n_valid"] == 300


def test_intervals_errors_name_the_setting():
    rep = agreement(["stability", "neither", "service_law"], ["stability", "neither", "mixed"])
    with pytest.raises(ValueError, match="by='doc_id'.*by=None"):
        rep.intervals()
    with pytest.raises(ValueError, match="n_boot"):
        rep.intervals(n_boot=0, by=None)
    with pytest.raises(ValueError, match="ci"):
        rep.intervals(ci=1.5, by=None)
    with pytest.warns(UserWarning, match="from 3 unit"):
        assert np.isfinite(rep.intervals(n_boot=50, by=None).loc["accuracy", "lo"])


def test_compare_agreement_pairs_the_replicates(seed_docs):
    """The classifier against the dictionary on the same out-of-fold paragraphs: the paired
    interval of their difference is narrower than either measure's own interval."""
    import textkit as tk
    from textkit.frames.agree import compare_agreement

    codes = load_coded_paragraphs()
    cv = tk.cross_validate_frames(codes, seed_docs)
    dictionary, classifier = cv.reports["dictionary"], cv.reports["classifier"]
    diff = compare_agreement(dictionary, classifier, n_boot=300, random_state=2)
    own = dictionary.intervals(n_boot=300, random_state=2)
    assert diff.loc["macro_f1", "first"] == dictionary.macro_f1
    assert diff.loc["macro_f1", "second"] == classifier.macro_f1
    assert diff.loc["macro_f1", "difference"] == classifier.macro_f1 - dictionary.macro_f1
    for fig in ("accuracy", "macro_f1", "kappa"):
        lo, d, hi = diff.loc[fig, ["lo", "difference", "hi"]]
        assert lo < d < hi
        assert hi - lo < own.loc[fig, "hi"] - own.loc[fig, "lo"]
        share = diff.loc[fig, "share_second_better"]
        assert 0 < share < 1 and (share > 0.5) == (d > 0)
    # a measure against itself: no difference in any replicate
    same = compare_agreement(dictionary, dictionary, n_boot=50)
    assert (same["difference"] == 0).all() and (same[["lo", "hi"]] == 0).all().all()
    assert (same["share_second_better"] == 0.5).all()


def test_compare_agreement_refuses_reports_of_different_paragraphs():
    from textkit.frames.agree import compare_agreement

    codes = pd.DataFrame({"code": ["stability", "neither", "mixed"], "doc_id": ["a", "b", "c"]})
    one = agreement(["stability", "neither", "neither"], codes)
    other = agreement(["stability", "neither", "neither"], codes.iloc[[0, 2, 1]])
    with pytest.raises(
        ValueError, match="not of the same paragraphs.*'code' differs first at row 1"
    ):
        compare_agreement(one, other)
    with pytest.raises(
        ValueError, match="compare_agreement: .*the second report's table has no column 'doc_id'"
    ):
        compare_agreement(one, agreement(["stability"] * 3, ["stability", "neither", "mixed"]))


def test_one_article_gives_no_interval_and_few_articles_a_warning():
    codes = pd.DataFrame({"code": ["stability", "neither"] * 10, "doc_id": "only"})
    report = agreement(["stability"] * 20, codes)
    with pytest.warns(UserWarning, match="from 1 unit"):
        iv = report.intervals(n_boot=50)
    assert iv[["lo", "hi"]].isna().all().all() and iv.loc["accuracy", "estimate"] == 0.5
    with pytest.warns(UserWarning, match="from 4 unit"):
        agreement(["stability"] * 4, codes.iloc[:4].assign(doc_id=list("abcd"))).intervals(
            n_boot=50
        )
    missing = codes.assign(doc_id=[None] + ["a"] * 19)
    with pytest.raises(ValueError, match=r"1 row\(s\) without a 'doc_id' \(first: row 0\)"):
        agreement(["stability"] * 20, missing).intervals(n_boot=10)


def test_compare_agreement_checks_every_id_of_the_rows():
    from textkit.frames.agree import compare_agreement

    rows = pd.DataFrame(
        {"sample_id": [f"S{i}" for i in range(12)], "doc_id": [f"d{i}" for i in range(12)],
         "code": ["stability", "neither", "service_law"] * 4}
    )  # fmt: skip
    one = agreement(["stability"] * 12, rows)
    other = agreement(["stability"] * 12, rows.assign(sample_id=[f"T{i}" for i in range(12)]))
    with pytest.raises(ValueError, match="'sample_id' differs first at row 0"):
        compare_agreement(one, other, by=None)
    assert compare_agreement(one, one, n_boot=20).loc["accuracy", "difference"] == 0


def test_bootstrap_figures_from_confusion_counts_equal_sklearns_on_the_labels():
    """The replicates are computed from confusion counts (each a sum of the units' counts);
    on any labels, absent codes and constant scales included, they equal the figures
    sklearn and scipy give on the labels themselves (NaN where those are undefined)."""
    import warnings

    from textkit.frames.agree import (
        CODES,
        ValidationReport,
        _confusion_figures,
        _estimates,
        _figures,
    )

    names = ["accuracy", "macro_f1", "kappa", "spearman", *(f"recall_{c}" for c in CODES)]
    index = {c: i for i, c in enumerate(CODES)}
    rng = np.random.default_rng(20261207)
    cases = [(["stability"] * 3, ["stability"] * 3), (["neither", "mixed"], ["mixed", "mixed"])]
    for _ in range(500):
        pool = list(rng.choice(CODES, size=rng.integers(1, 5), replace=False))
        n = int(rng.integers(1, 25))
        cases.append((list(rng.choice(pool, n)), list(rng.choice(CODES, n))))
    for y_true, y_pred in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fig = _figures(np.array(y_true, dtype=object), np.array(y_pred, dtype=object))
        report = ValidationReport(table=pd.DataFrame(), confusion=pd.DataFrame(), **fig)
        expected = np.array(_estimates(report, names), dtype=float)
        cm = np.zeros((1, len(CODES), len(CODES)))
        np.add.at(cm[0], ([index[c] for c in y_true], [index[c] for c in y_pred]), 1)
        got = _confusion_figures(cm, names)[0]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12, err_msg=f"{y_true} {y_pred}")
