"""Tests of textkit.frames.supervised (the classifier), crossval (grouped cross-validation)
and active (suggestions to code)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from textkit.core.errors import CodingSheetError, InvalidParameterError, NotFittedError
from textkit.frames.active import suggest_to_code
from textkit.frames.crossval import cross_validate_frames
from textkit.frames.supervised import (
    DICTIONARY_FEATURES,
    PROBA_COLUMNS,
    FrameClassifier,
    dictionary_features,
    document_labels,
)
from textkit.frames.validate import (
    CODES,
    align_codes,
    load_coded_paragraphs,
    read_codes,
    validate_measure,
)

STABILITY = [
    "加强社会治安综合治理，严厉打击违法犯罪。",
    "开展矛盾纠纷排查调处，做好维稳工作。",
    "强化治安防控体系建设，组织巡逻防控。",
    "严厉打击黑恶势力，维护社会稳定。",
    "加强重点人员管控，防范群体性事件。",
]
SERVICE = [
    "推进依法行政，提供基本公共服务。",
    "完善村民议事会制度，保障群众参与协商。",
    "加强法律服务，维护群众合法权益。",
    "建设服务型政府，推进政务公开。",
    "接受人大监督，规范行政执法程序。",
]
NEUTRAL = ["今年全镇粮食产量稳定增长。", "全镇共有十二个行政村。"]


@pytest.fixture(scope="module")
def seg_config(seg):
    """The frame tests' segmenter as a config (cheap to clone), registered in this process."""
    from textkit.segment.segmenter import segmenter_for

    segmenter_for(seg.config, instance=seg)
    return seg.config


@pytest.fixture(scope="module")
def coded():
    return load_coded_paragraphs()


@pytest.fixture(scope="module")
def fitted(coded, seed_docs, seg_config):
    return FrameClassifier(segmenter=seg_config).fit(coded, seed_docs)


@pytest.fixture(scope="module")
def first_draw(coded):
    """The first draw of the shipped codes (S001-S229): the shipped set codes every paragraph
    of the seed corpus, this one leaves paragraphs to suggest."""
    return coded[coded["sample_id"] <= "S229"].reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted_first_draw(first_draw, seed_docs, seg_config):
    return FrameClassifier(segmenter=seg_config).fit(first_draw, seed_docs)


@pytest.fixture(scope="module")
def cv(coded, seed_docs, seg_config):
    return cross_validate_frames(coded, seed_docs, model=FrameClassifier(segmenter=seg_config))


def _toy(n_articles: int = 12, n_paras: int = 4, seed: int = 0):
    """Articles of paragraphs built from stability-only or service-only sentences."""
    rng = np.random.default_rng(seed)
    docs, codes = [], []
    for a in range(n_articles):
        paras = []
        for p in range(n_paras):
            code = "stability" if (a + p) % 2 == 0 else "service_law"
            pool = STABILITY if code == "stability" else SERVICE
            sents = list(rng.choice(pool, size=2, replace=False))
            sents.append(NEUTRAL[(a * n_paras + p) % 2])
            sents.append(f"第{a}篇第{p}段。")  # keeps every paragraph's text unique
            text = "".join(sents)
            paras.append(text)
            codes.append((f"S{len(codes) + 1:03d}", f"toy#{a:02d}", p, text, code, ""))
        docs.append((f"toy#{a:02d}", "\n".join(paras)))
    docs = pd.DataFrame(docs, columns=["doc_id", "text"])
    codes = pd.DataFrame(codes, columns=["sample_id", "doc_id", "para_id", "text", "code", "note"])
    return docs, codes


def _write(path, rows):
    pd.DataFrame(rows, columns=["sample_id", "doc_id", "para_id", "text", "code"]).to_csv(
        path, index=False
    )
    return path


# ----------------------------------------------------------------------------- estimator


def test_fit_predict_shapes(fitted, coded, seed_docs, seg):
    assert list(fitted.classes_) == list(CODES)
    assert fitted.class_counts_ == coded["code"].value_counts().to_dict()
    assert fitted.calibrated_ and fitted.calibration_note_.startswith("Platt-scaled")
    assert len(fitted.coded_) == len(coded)
    sub = seed_docs.iloc[:4]
    proba = fitted.predict_proba(sub)
    table = fitted.transform(sub)
    assert proba.shape == (len(table), 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(table.columns[:7]) == [
        "doc_id", "para_id", "n_tokens", "n_stability", "n_service_law", "balance",
        "frame_label",
    ]  # fmt: skip
    assert set(PROBA_COLUMNS) <= set(table.columns)
    assert {"status", "is_duplicate"} <= set(table.columns)  # metadata carried
    assert list(fitted.predict(sub)) == list(table["frame_label"])
    assert set(table["frame_label"]) <= set(CODES)
    # rows: the paragraphs of score_frames, in its order
    from textkit.frames.score import FrameConfig, score_frames

    ref = score_frames(sub, level="paragraph", segmenter=seg, config=FrameConfig(n_boot=0))
    assert list(zip(table["doc_id"], table["para_id"], strict=True)) == list(
        zip(ref["doc_id"], ref["para_id"], strict=True)
    )
    np.testing.assert_allclose(table["n_stability"], ref["n_stability"])
    doc = fitted.transform(sub, level="document")
    assert list(doc["doc_id"]) == list(sub["doc_id"])
    means = table.groupby("doc_id", sort=False)["p_mixed"].mean()
    np.testing.assert_allclose(doc.set_index("doc_id")["p_mixed"], means.loc[sub["doc_id"]])
    # plain strings are paragraphs of one-line documents
    assert fitted.predict_proba(["加强社会治安综合治理，严厉打击违法犯罪。"]).shape == (1, 4)


def test_document_labels_read_the_framed_paragraphs():
    expected = pd.DataFrame(
        [
            # stability, mixed, service_law, neither: expected paragraphs of each code
            (2.0, 0.0, 2.0, 16.0),  # a long report, two of each side: mixed, not neither
            (3.0, 0.5, 0.4, 16.1),  # leans to stability
            (0.3, 0.2, 0.3, 9.2),  # under one framed paragraph expected: neither
            (0.1, 0.1, 0.5, 0.3),  # one paragraph, more than half framed: service_law
            (0.2, 0.0, 0.2, 0.6),  # one paragraph, less than half framed: neither
            (np.nan, np.nan, np.nan, np.nan),  # no paragraph
        ],
        columns=list(CODES),
    )
    got = document_labels(expected, threshold=0.2)
    assert list(got) == ["mixed", "stability", "neither", "service_law", "neither", "neither"]
    assert document_labels(expected.iloc[[0]], threshold=0.0)[0] == "mixed"  # exact tie


def test_document_level_label_follows_the_paragraphs(fitted, coded, seed_docs):
    used = seed_docs[seed_docs["doc_id"].isin(set(coded["doc_id"]))]
    para = fitted.transform(used)
    doc = fitted.transform(used, level="document").set_index("doc_id")
    # a document with framed paragraphs on both sides is not called neither
    framed = para[para["frame_label"] != "neither"].groupby("doc_id")["frame_label"]
    both = framed.agg(lambda s: {"stability", "service_law"} <= set(s))
    assert both.sum() >= 3
    assert (doc.loc[both[both].index, "frame_label"] != "neither").all()


def test_in_sample_fit_recovers_most_codes(fitted, coded, seed_docs):
    aligned = align_codes(coded, seed_docs)
    table = fitted.transform(seed_docs[seed_docs["doc_id"].isin(set(aligned["doc_id"]))])
    got = table.set_index(["doc_id", "para_id"])["frame_label"]
    pred = [got[(d, p)] for d, p in zip(aligned["doc_id"], aligned["para_id"], strict=True)]
    assert np.mean(np.array(pred) == aligned["code"].to_numpy()) > 0.8


def test_two_fits_give_identical_probabilities(fitted, coded, seed_docs, seg_config):
    again = FrameClassifier(segmenter=seg_config).fit(coded, seed_docs)
    sub = seed_docs.iloc[5:9]
    np.testing.assert_array_equal(fitted.predict_proba(sub), again.predict_proba(sub))


def test_estimator_contract(fitted, coded, seed_docs, seg_config):
    params = fitted.get_params()
    assert params["C"] == 1.0 and params["calibration"] == "auto"
    fresh = clone(fitted)
    assert fresh.get_params() == params
    assert not hasattr(fresh, "classes_")
    with pytest.raises(NotFittedError, match="fit"):
        fresh.predict_proba(seed_docs.iloc[:1])
    with pytest.raises(NotFittedError):
        fresh.transform(seed_docs.iloc[:1])
    with pytest.raises(NotFittedError):
        suggest_to_code(fresh, seed_docs.iloc[:1])
    assert fresh.set_params(C=0.5).C == 0.5
    # parameters are stored as given and checked in fit
    bad = FrameClassifier(C=0, segmenter=seg_config)
    with pytest.raises(InvalidParameterError, match="C: expected"):
        bad.fit(coded, seed_docs)
    with pytest.raises(InvalidParameterError, match="calibration: expected one of"):
        FrameClassifier(calibration="isotonic").fit(coded, seed_docs)
    with pytest.raises(InvalidParameterError, match="ngram_range"):
        FrameClassifier(ngram_range=(2, 1)).fit(coded, seed_docs)
    few = pd.concat(
        [coded[coded["code"] != "neither"], coded[coded["code"] == "neither"].head(8)],
        ignore_index=True,
    )
    with pytest.raises(CodingSheetError, match=r"cannot calibrate.*neither 8"):
        FrameClassifier(calibration="sigmoid", segmenter=seg_config).fit(few, seed_docs)
    assert fitted.calibration_note_.startswith("Platt-scaled")


def test_dictionary_features_read_the_sentences(seg_config):
    """The nine dictionary features: a paragraph whose two sentences lean to different frames
    has one sentence of each and a minority of one; a one-sided paragraph has none."""
    model = FrameClassifier(segmenter=seg_config)
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": [
                "严厉打击违法犯罪，加强治安巡逻。推进依法行政，提供公共服务。",
                "严厉打击违法犯罪。加强社会治安综合治理。",
                "今年粮食产量稳定增长。",
            ],
        }
    )
    table = model._paragraph_table(docs)
    assert list(table["sents_stability"]) == [1, 2, 0]
    assert list(table["sents_service_law"]) == [1, 0, 0]
    feats = dictionary_features(table)
    assert feats.shape == (3, len(DICTIONARY_FEATURES))
    col = {name: feats[:, j] for j, name in enumerate(DICTIONARY_FEATURES)}
    assert list(col["sentences_minority"]) == [1, 0, 0]
    np.testing.assert_allclose(col["log_stability"], np.log1p(table["n_stability"]))
    np.testing.assert_allclose(col["log_minority"][1:], [0.0, 0.0])
    assert col["balance"][2] == 0.0 and col["log_per_1k"][2] == 0.0  # no frame term
    # the paragraph counts are those of score_frames(level="paragraph")
    from textkit.frames.score import FrameConfig, score_frames

    ref = score_frames(docs, level="paragraph", config=FrameConfig(n_boot=0))
    np.testing.assert_array_equal(table["n_stability"], ref["n_stability"])
    np.testing.assert_array_equal(table["n_tokens"], ref["n_tokens"])


def test_dictionary_features_only_and_the_decision(fitted, coded, seed_docs, seg_config):
    """text_features=False learns from the nine features alone; the labels follow the
    class-balanced model (decision="balanced") or the calibrated probabilities."""
    only = FrameClassifier(text_features=False, segmenter=seg_config).fit(coded, seed_docs)
    assert only.vectorizer_ is None and only.n_features_in_ == len(DICTIONARY_FEATURES)
    assert fitted.n_features_in_ == len(fitted.vectorizer_.vocabulary_) + len(DICTIONARY_FEATURES)
    assert fitted.dictionary_mean_.shape == (len(DICTIONARY_FEATURES),)
    with pytest.raises(InvalidParameterError, match="at least one must be True"):
        FrameClassifier(text_features=False, dictionary_features=False).fit(coded, seed_docs)
    with pytest.raises(InvalidParameterError, match="decision: expected one of"):
        FrameClassifier(decision="max").fit(coded, seed_docs)
    used = seed_docs[seed_docs["doc_id"].isin(set(coded["doc_id"]))]
    balanced = fitted.transform(used)
    calibrated = clone(fitted).set_params(decision="calibrated").fit(coded, seed_docs)
    by_proba = calibrated.transform(used)
    pd.testing.assert_frame_equal(
        balanced[list(PROBA_COLUMNS)], by_proba[list(PROBA_COLUMNS)]
    )  # the same probabilities; only the labels' rule differs
    top = np.array(CODES, dtype=object)[
        np.argmax(by_proba[[f"p_{c}" for c in CODES]].to_numpy(), axis=1)
    ]
    assert list(by_proba["frame_label"]) == list(top)
    # the balanced decision finds more of the rare codes than the calibrated one
    rare = ("mixed", "neither")
    assert balanced["frame_label"].isin(rare).sum() > by_proba["frame_label"].isin(rare).sum()
    docs_level = fitted.transform(used, level="document")
    assert not any(c.startswith("_d_") for c in docs_level.columns)
    assert set(docs_level["frame_label"]) <= set(CODES)


def test_repeated_grouped_splits_shuffle_the_articles(coded, seed_docs, seg_config):
    """random_state shuffles which articles share a fold (articles still kept together);
    the same seed gives the same split. StratifiedGroupKFold shuffles only articles whose mix
    of codes ties: the first draw of the shipped codes has such articles."""
    coded = coded[coded["sample_id"] <= "S229"]
    model = FrameClassifier(text_features=False, segmenter=seg_config)
    a = cross_validate_frames(coded, seed_docs, model=model, random_state=1)
    b = cross_validate_frames(coded, seed_docs, model=model, random_state=1)
    plain = cross_validate_frames(coded, seed_docs, model=model)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    assert (a.predictions.groupby("group")["fold"].nunique() == 1).all()
    assert not a.predictions["fold"].equals(plain.predictions["fold"])
    with pytest.raises(InvalidParameterError, match="random_state"):
        cross_validate_frames(coded, seed_docs, model=model, random_state=-1)


# ----------------------------------------------------------------------------- cross-validation


def test_grouped_cv_keeps_articles_together(cv, coded):
    pred = cv.predictions
    assert len(pred) == len(coded)
    assert set(pred["fold"]) == set(range(5))
    # every article sits in exactly one fold's test part, so never in train and test at once
    assert (pred.groupby("group")["fold"].nunique() == 1).all()
    assert (pred["group"] == pred["doc_id"]).all()
    for k, f in cv.folds[cv.folds["measure"] == "classifier"].iterrows():
        test_groups = set(pred.loc[pred["fold"] == f["fold"], "group"])
        train_groups = set(pred.loc[pred["fold"] != f["fold"], "group"])
        assert not test_groups & train_groups, k
        assert f["n_test"] == (pred["fold"] == f["fold"]).sum()
        assert f["n_train"] + f["n_test"] == len(pred)
    assert len(cv.folds) == 10 and set(cv.folds["measure"]) == {"classifier", "dictionary"}
    assert list(cv.overall["measure"]) == ["classifier", "dictionary"]
    for col in ("macro_f1", "kappa", "spearman", *(f"recall_{c}" for c in CODES)):
        assert cv.overall[col].notna().all(), col
    np.testing.assert_allclose(cv.predictions[list(PROBA_COLUMNS)].sum(axis=1), 1.0)
    assert len(cv.calibration) == 5


def test_cv_dictionary_is_the_in_sample_measure(cv, coded, seed_docs):
    """The dictionary has no training: its pooled folds are its in-sample agreement."""
    ref = validate_measure(coded, seed_docs)
    got = cv.reports["dictionary"]
    assert got.summary() == pytest.approx(ref.summary(), nan_ok=True)


def test_cv_is_deterministic_and_above_chance(cv, coded, seed_docs, seg_config):
    clf = cv.overall.set_index("measure").loc["classifier"]
    assert clf["kappa"] > 0.3 and clf["macro_f1"] > 0.4  # chance: kappa 0, macro-F1 ~0.25
    again = cross_validate_frames(coded, seed_docs, model=FrameClassifier(segmenter=seg_config))
    pd.testing.assert_frame_equal(again.predictions, cv.predictions)
    pd.testing.assert_frame_equal(again.folds, cv.folds)


def test_toy_set_is_learnt_well_above_chance(seg_config):
    docs, codes = _toy()
    model = FrameClassifier(dictionary_features=False, segmenter=seg_config)
    res = cross_validate_frames(codes, docs, n_splits=4, model=model)
    clf = res.overall.set_index("measure").loc["classifier"]
    assert clf["macro_f1"] > 0.9 and clf["kappa"] > 0.8  # chance: 0.5 and 0
    assert all(note.startswith("Platt-scaled") for note in res.calibration)
    fitted = clone(model).fit(codes, docs)
    assert fitted.calibrated_ and list(fitted.classes_) == ["stability", "service_law"]
    table = fitted.transform(["严厉打击违法犯罪，维护社会稳定。", "推进依法行政，提供公共服务。"])
    assert list(table["frame_label"]) == ["stability", "service_law"]
    assert (table["p_mixed"] == 0).all() and (table["p_neither"] == 0).all()


# ----------------------------------------------------------------------------- bad input


def test_read_codes_unknown_label_names_the_line(tmp_path):
    p = _write(
        tmp_path / "c.csv",
        [("S1", "a#01", 0, "一段文字。", "stability"), ("S2", "a#01", 1, "另一段。", "stabilty")],
    )
    with pytest.raises(CodingSheetError, match=r"c\.csv: line 3: code 'stabilty' \(sample 'S2'\)"):
        read_codes(p)


def test_read_codes_conflicting_duplicate_names_both_lines(tmp_path):
    p = _write(
        tmp_path / "c.csv",
        [
            ("S1", "a#01", 0, "一段文字。", "stability"),
            ("S2", "a#01", 1, "另一段。", "mixed"),
            ("S3", "a#01", 0, "一段文字。", "service_law"),
        ],
    )
    with pytest.raises(CodingSheetError, match=r"line 4: .*'a#01' para_id 0.*'service_law'.*"
                       r"'stability' on line 2"):  # fmt: skip
        read_codes(p)


def test_read_codes_identical_duplicate_is_dropped_with_a_warning(tmp_path):
    p = _write(
        tmp_path / "c.csv",
        [
            ("S1", "a#01", 0, "一段文字。", "stability"),
            ("S2", "a#01", 0, "一段文字。", "Stability "),
            ("S3", "a#01", 1, "另一段。", "mixed"),
        ],
    )
    with pytest.warns(
        UserWarning, match=r"c\.csv: 1 row\(s\) code a paragraph again.*line\(s\) 3 \(as 2\)"
    ):
        codes = read_codes(p)
    assert list(codes["sample_id"]) == ["S1", "S3"]


def test_read_codes_empty_text_names_the_line(tmp_path):
    p = _write(tmp_path / "c.csv", [("S1", "a#01", 0, "一段文字。", "neither"),
                                    ("S2", "a#01", 1, " ", "mixed")])  # fmt: skip
    with pytest.raises(CodingSheetError, match=r"line 3: empty text \(sample 'S2'\)"):
        read_codes(p)


def test_align_codes_conflict_under_other_ids_names_both_samples(coded, seed_docs):
    bad = coded.copy()
    extra = bad.iloc[[0]].assign(sample_id="S999", doc_id="elsewhere#01", para_id=7)
    extra["code"] = "neither" if bad.iloc[0]["code"] != "neither" else "mixed"
    bad = pd.concat([bad, extra], ignore_index=True)
    with pytest.raises(CodingSheetError, match=r"'S001'.*'S999'.*different codes"):
        align_codes(bad, seed_docs)
    same = pd.concat([coded, extra.assign(code=coded.iloc[0]["code"])], ignore_index=True)
    with pytest.warns(UserWarning, match=r"1 coded row\(s\) dropped .*\['S999'\]"):
        assert len(align_codes(same, seed_docs)) == len(coded)


def test_fit_missing_paragraph_and_unknown_code_name_the_sample(coded, seed_docs, seg_config):
    model = FrameClassifier(segmenter=seg_config)
    lost = coded.copy()
    lost.loc[3, "text"] = "这一段文字并不在语料中。"
    with pytest.raises(CodingSheetError, match=r"not found in docs: sample\(s\) \['S004'\]"):
        model.fit(lost, seed_docs)
    odd = coded.copy()
    odd.loc[1, "code"] = "law"
    with pytest.raises(CodingSheetError, match=r"unknown code in sample\(s\) 'S002' \('law'\)"):
        model.fit(odd, seed_docs)


def test_cv_too_few_per_class_names_classes_and_counts(coded, seed_docs):
    few = pd.concat(
        [coded[coded["code"] != "neither"], coded[coded["code"] == "neither"].head(3)],
        ignore_index=True,
    )
    with pytest.raises(CodingSheetError, match=r"5-fold cross-validation: neither 3"):
        cross_validate_frames(few, seed_docs)
    eight = pd.concat(
        [coded[coded["code"] != "neither"], coded[coded["code"] == "neither"].head(8)],
        ignore_index=True,
    )
    with pytest.raises(CodingSheetError, match=r"neither 8.*n_splits=9"):
        cross_validate_frames(eight, seed_docs, n_splits=9)


# ----------------------------------------------------------------------------- active learning


def test_suggest_to_code_skips_coded_and_is_deterministic(fitted_first_draw, first_draw, seed_docs):
    fitted, coded = fitted_first_draw, first_draw
    used = seed_docs[seed_docs["doc_id"].isin(set(coded["doc_id"]))]
    top = suggest_to_code(fitted, used, n=15)
    assert len(top) == 15
    assert list(top["sample_id"]) == [f"A{i:03d}" for i in range(1, 16)]
    key = {"".join(t.split()) for t in coded["text"]}
    assert not any("".join(t.split()) in key for t in top["text"])
    assert (np.diff(top["entropy"].to_numpy()) <= 1e-12).all()
    assert (top["text"].str.len() >= 20).all()
    pd.testing.assert_frame_equal(top, suggest_to_code(fitted, used, n=15))
    # the suggestions are the most uncertain among all uncoded paragraphs
    table = fitted.transform(used)
    table = table.assign(text=[t for t in fitted._paragraph_table(used)["text"]])
    ent = -(table[list(PROBA_COLUMNS)] * np.log(table[list(PROBA_COLUMNS)])).sum(axis=1)
    rest = ent[~table["text"].map(lambda t: "".join(t.split()) in key)]
    rest = rest[table["text"].str.len() >= 20]
    assert top["entropy"].iloc[0] == pytest.approx(rest.max())
    # paragraphs coded since the fit are left out too
    more = suggest_to_code(fitted, used, n=15, codes=top.head(3))
    assert not set(more["text"]) & set(top.head(3)["text"])
    # (by text: a copy of one of them in a duplicate article goes too)
    gone = {"".join(t.split()) for t in top.head(3)["text"]}
    rest_top = [t for t in top["text"] if "".join(t.split()) not in gone]
    assert len(rest_top) >= 10
    assert list(more["text"].head(len(rest_top))) == rest_top


#: Paragraphs of their own, one per monthly county report.
OWN = [
    "县委政法委组织开展矛盾纠纷排查，对重点人员落实稳控措施。",
    "县司法局推进公共法律服务体系建设，律师进村提供法律咨询。",
    "今年全县粮食产量稳步增长，农民收入持续提高。",
    "村民议事会讨论修路方案，村务监督委员会全程参与。",
    "派出所民警加强夜间巡逻，严厉打击盗窃等违法犯罪。",
    "乡镇政府依法行政，公开办事流程，接受群众监督。",
    "县里召开安全生产工作会议，部署汛期防范工作。",
    "社区网格员走访群众，收集意见并及时反馈处理。",
]
MONTHS = "一二三四五六七八"


def _monthly_reports() -> pd.DataFrame:
    """Eight monthly reports: two templated sentences (only the figures change, in Chinese
    and Arabic numerals) and a paragraph of their own."""
    rows = []
    for i, own in enumerate(OWN):
        paras = [
            f"{MONTHS[i]}月份，本县开展平安建设和法治宣传活动{3 + i}场，化解信访积案{5 + i}件。",
            f"本县共排查化解矛盾纠纷{120 + 7 * i}件，提供法律援助{30 + i}次，群众满意率{90 + i}.5%。",
            own,
        ]
        rows.append((f"rep{i}#01", "\n".join(paras)))
    return pd.DataFrame(rows, columns=["doc_id", "text"])


def _template_of(text: str) -> str:
    """Which templated sentence a suggestion is, or the text itself."""
    for mark in ("月份，本县开展平安建设", "本县共排查化解矛盾纠纷"):
        if mark in text:
            return mark
    return text


def test_suggest_to_code_proposes_one_copy_of_a_templated_sentence(fitted):
    reports = _monthly_reports()
    top = suggest_to_code(fitted, reports, n=10)
    # before: 8 of the top 10 were the first sentence with other figures
    assert top["text"].map(_template_of).value_counts().max() == 1
    assert len(top) == 10 and set(OWN) <= set(top["text"])  # 2 templates + 8 own paragraphs
    # the copy proposed is the best ranked one
    every = fitted.transform(reports).assign(text=fitted._paragraph_table(reports)["text"])
    ent = -(every[list(PROBA_COLUMNS)] * np.log(every[list(PROBA_COLUMNS)])).sum(axis=1)
    for mark in ("月份，本县开展平安建设", "本县共排查化解矛盾纠纷"):
        row = top[top["text"].map(_template_of) == mark].iloc[0]
        assert row["entropy"] == pytest.approx(ent[every["text"].str.contains(mark)].max())


def test_suggest_to_code_leaves_out_copies_of_a_coded_templated_sentence(fitted):
    reports = _monthly_reports()
    coded = pd.DataFrame(
        {"text": ["九月份，本县开展平安建设和法治宣传活动12场，化解信访积案14件。"]}
    )
    top = suggest_to_code(fitted, reports, n=10, codes=coded)
    assert not top["text"].str.contains("月份，本县开展平安建设").any()
    assert top["text"].str.contains("本县共排查化解矛盾纠纷").sum() == 1


def test_template_key_takes_out_numbers_spaces_and_punctuation_only():
    from textkit.frames.active import _template_key

    a = _template_key("第一季度，全县共调处纠纷1,234件 （增长5.6%）。")
    assert a == _template_key("第四季度 全县共调处纠纷８７件（增长１２%）")  # full-width figures
    assert a == _template_key("第十二季度：全县共调处纠纷0件，增长0%")
    assert a != _template_key("第一季度，全市共调处纠纷1,234件（增长5.6%）。")  # 县 / 市


def test_traditional_characters_are_read_as_the_simplified_text(fitted, seed_docs):
    """The word features are built from the simplified text, as the dictionary's are: a
    traditional copy of a paragraph is predicted as the paragraph itself."""
    import opencc

    from textkit.corpus.clean_rules import to_simplified

    sub = seed_docs.iloc[:6].reset_index(drop=True)
    trad = sub.assign(text=[opencc.OpenCC("s2t").convert(t) for t in sub["text"]])
    assert (trad["text"] != sub["text"]).all()
    a = fitted._paragraph_table(sub, fitted=True)
    b = fitted._paragraph_table(trad, fitted=True)
    # the paragraphs whose round trip (to traditional and back) is exact: same tokens, same
    # probabilities; they are most of them
    exact = np.array([to_simplified(t) == s for t, s in zip(b["text"], a["text"], strict=True)])
    assert exact.mean() > 0.9
    assert [t for t, e in zip(a["tokens"], exact, strict=True) if e] == [
        t for t, e in zip(b["tokens"], exact, strict=True) if e
    ]
    np.testing.assert_allclose(
        fitted.predict_proba(sub)[exact], fitted.predict_proba(trad)[exact], atol=1e-12
    )


def test_suggestions_from_a_traditional_copy_leave_out_the_coded_paragraphs(
    fitted_first_draw, first_draw, seed_docs
):
    import opencc

    used = seed_docs[seed_docs["doc_id"].isin(set(first_draw["doc_id"]))]
    trad = used.assign(text=[opencc.OpenCC("s2t").convert(t) for t in used["text"]])
    top = suggest_to_code(fitted_first_draw, trad, n=20)
    from textkit.frames.active import _template_key

    coded = {_template_key(t) for t in first_draw["text"]}
    assert len(top) == 20 and not any(_template_key(t) in coded for t in top["text"])
    simple = suggest_to_code(fitted_first_draw, used, n=20)
    assert [_template_key(t) for t in top["text"]] == [_template_key(t) for t in simple["text"]]


def test_transform_has_the_types_of_score_frames(fitted, seed_docs, seg):
    from textkit.frames.score import FrameConfig, score_frames

    cfg = FrameConfig(n_boot=0)
    sub = seed_docs.iloc[:2]
    for docs in (sub, sub.iloc[:0], []):
        ref = score_frames(docs, level="paragraph", segmenter=seg, config=cfg)
        got = fitted.transform(docs)
        for col in ("doc_id", "para_id", "n_tokens", "frame_label"):
            assert got[col].dtype == ref[col].dtype, (col, len(got))
    doc = fitted.transform(sub, level="document")
    ref = score_frames(sub, level="document", segmenter=seg, config=cfg)
    assert doc["frame_label"].dtype == ref["frame_label"].dtype


def test_fit_on_paragraphs_without_words_is_a_clear_error(seg_config):
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["12345。\n（一）", "2020。\n67%"]})
    codes = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4"],
            "doc_id": ["a", "a", "b", "b"],
            "para_id": [0, 1, 0, 1],
            "text": ["12345。", "（一）", "2020。", "67%"],
            "code": ["stability", "neither", "service_law", "neither"],
        }
    )
    with pytest.raises(CodingSheetError, match=r"4 coded paragraph\(s\) give no text feature"):
        FrameClassifier(segmenter=seg_config).fit(codes, docs)


def test_prediction_uses_what_the_model_was_fitted_with(fitted, coded, seed_docs):
    """Parameters set after fit change nothing until the next fit (scikit-learn's rule)."""
    from textkit.segment.segmenter import SegmenterConfig

    sub = seed_docs.iloc[:3]
    before = fitted.predict_proba(sub)
    changed = copy.copy(fitted).set_params(
        segmenter=SegmenterConfig(pos_filter=False, drop_officialese=False),
        lexicon="no_such_lexicon.yaml",  # not read again
        decision="calibrated",
    )
    np.testing.assert_array_equal(changed.predict_proba(sub), before)
    np.testing.assert_array_equal(changed.predict(sub), fitted.predict(sub))
    refit = clone(changed).set_params(segmenter=fitted.segmenter, lexicon=None)
    assert (refit.fit(coded, seed_docs).predict(sub) != fitted.predict(sub)).any()  # it matters
    assert changed.segmenter_ is fitted.segmenter_ and changed.lexicon_ is fitted.lexicon_


def test_suggestions_capped_per_article(fitted_first_draw, first_draw, seed_docs):
    used = seed_docs[seed_docs["doc_id"].isin(set(first_draw["doc_id"]))]
    free = suggest_to_code(fitted_first_draw, used, n=20)
    assert free["doc_id"].value_counts().max() > 2  # long articles lead without a cap
    capped = suggest_to_code(fitted_first_draw, used, n=20, max_per_article=2)
    assert len(capped) == 20 and capped["doc_id"].value_counts().max() == 2
    # each article's most uncertain paragraphs, in rank order
    ranked = suggest_to_code(fitted_first_draw, used, n=10_000)
    for doc_id, rows in capped.groupby("doc_id"):
        own = ranked.loc[ranked["doc_id"] == doc_id, "text"]
        assert list(rows["text"]) == list(own)[: len(rows)]
    with pytest.raises(InvalidParameterError, match="max_per_article"):
        suggest_to_code(fitted_first_draw, used, n=5, max_per_article=0)
