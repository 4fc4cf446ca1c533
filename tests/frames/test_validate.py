"""Tests of textkit.frames.validate: sampling, agreement metrics, shipped coding, alignment."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.frames.validate import (
    CodingSheetError,
    agreement,
    align_codes,
    draw_validation_sample,
    load_coded_paragraphs,
    read_codes,
    write_coding_sheet,
)


def test_sample_is_stratified_and_deterministic(toy_docs, toy_scores):
    scores = toy_scores.copy()
    a = draw_validation_sample(toy_docs, n=16, scores=scores, random_state=3)
    b = draw_validation_sample(toy_docs, n=16, scores=scores, random_state=3)
    c = draw_validation_sample(toy_docs, n=16, scores=scores, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["doc_id", "para_id"]].equals(c[["doc_id", "para_id"]])
    assert len(a) == 16
    # 4 labels x 2 pages = 8 strata, 2 each
    strata = a.groupby([a["frame_label"], a["doc_id"].str[:2]]).size()
    assert len(strata) == 8 and set(strata) == {2}
    assert (a["code"] == "").all()
    assert list(a["sample_id"]) == [f"S{i:03d}" for i in range(1, 17)]
    # texts are the actual paragraphs
    for rec in a.itertuples():
        doc = toy_docs.set_index("doc_id").loc[rec.doc_id, "text"].split("\n")
        assert doc[rec.para_id] == rec.text


def test_sample_small_stratum_gives_all_and_rest_spread(toy_docs, toy_scores):
    scores = toy_scores.copy()
    scores.loc[scores["frame_label"] == "mixed", "frame_label"] = "neither"
    scores.loc[0, "frame_label"] = "mixed"  # a stratum of one paragraph
    s = draw_validation_sample(toy_docs, n=13, scores=scores)
    assert len(s) == 13
    assert (s["frame_label"] == "mixed").sum() == 1


def test_sample_of_one_document_per_page_keeps_labels_even_and_pages_random():
    # a researcher's table: every row its own page, so strata (label x page) outnumber n
    sentences = {
        "stability": "加强矛盾纠纷排查化解，严厉打击违法犯罪，维护社会稳定。",
        "service_law": "坚持依法行政，提升公共服务水平，保障群众合法权益。",
        "neither": "今年全镇粮食产量稳步增长，农民收入持续提高，集体经济不断壮大。",
    }
    sentences["mixed"] = sentences["stability"] + sentences["service_law"]
    labels = sorted(sentences)
    docs = pd.DataFrame(
        {
            "doc_id": [f"row{i:03d}" for i in range(120)],
            "text": [f"第{i}号文件。" + sentences[labels[i % 4]] for i in range(120)],
        }
    )
    samples = [draw_validation_sample(docs, n=20, random_state=seed) for seed in range(3)]
    for s in samples:
        assert s["frame_label"].value_counts().to_dict() == dict.fromkeys(labels, 5)
        assert s["doc_id"].is_unique  # one paragraph per page while pages outnumber draws
    # the label's pages are drawn at random, not the first in sort order
    first = {d for lab in labels for d in docs["doc_id"][docs.index % 4 == labels.index(lab)][:5]}
    assert not set(samples[0]["doc_id"]) <= first
    assert len({tuple(s["doc_id"]) for s in samples}) == 3


def test_sample_bad_setting(toy_docs, toy_scores):
    with pytest.raises(ValueError, match="n:"):
        draw_validation_sample(toy_docs, n=0, scores=toy_scores)
    with pytest.raises(ValueError, match="missing column 'label'"):
        draw_validation_sample(toy_docs, by="label", scores=toy_scores)


def test_agreement_hand_computed():
    # truth (codes) vs measure, 10 items
    codes = ["stability"] * 4 + ["service_law"] * 4 + ["mixed", "neither"]
    meas = ["stability"] * 3 + ["mixed"] + ["service_law"] * 3 + ["stability", "mixed", "neither"]
    r = agreement(meas, codes)
    # observed agreement 8/10. Marginals (code, measure): stab (4, 4), serv (4, 3),
    # mixed (1, 2), neither (1, 1) -> p_e = (16 + 12 + 2 + 1) / 100 = 0.31
    assert r.accuracy == pytest.approx(0.8)
    assert r.kappa == pytest.approx((0.8 - 0.31) / (1 - 0.31))
    pc = r.per_class.set_index("label")
    # stability: tp 3, fp 1, fn 1 -> P = R = F1 = 0.75
    assert pc.loc["stability", ["precision", "recall", "f1"]].tolist() == pytest.approx([0.75] * 3)
    # service_law: tp 3, fp 0, fn 1 -> P 1, R .75, F1 6/7
    assert pc.loc["service_law", "f1"] == pytest.approx(6 / 7)
    # mixed: tp 1, fp 1, fn 0 -> F1 2/3; neither: 1
    assert pc.loc["mixed", "f1"] == pytest.approx(2 / 3)
    assert r.macro_f1 == pytest.approx((0.75 + 6 / 7 + 2 / 3 + 1) / 4)
    assert r.confusion.loc["service_law", "stability"] == 1
    assert r.confusion.to_numpy().sum() == 10
    assert r.n_ordered == 9
    worst = r.worst_disagreements(1)
    assert worst.iloc[0]["code"] == "service_law" and worst.iloc[0]["measure"] == "stability"
    assert worst.iloc[0]["distance"] == 2
    assert len(r.worst_disagreements(10)) == 2


def test_agreement_spearman_excludes_neither():
    codes = ["stability", "mixed", "service_law", "neither", "stability"]
    meas = ["stability", "service_law", "service_law", "stability", "mixed"]
    r = agreement(meas, codes)
    assert r.n_ordered == 4
    from scipy.stats import spearmanr

    exp = spearmanr([0, 2, 2, 1], [0, 1, 2, 0]).statistic
    assert r.spearman == pytest.approx(exp)


def test_agreement_errors():
    with pytest.raises(ValueError, match="differ"):
        agreement(["stability"], ["stability", "mixed"])
    with pytest.raises(ValueError, match="unknown label"):
        agreement(["stabilty"], ["stability"])


@pytest.fixture(scope="module")
def built_docs(request):
    try:
        return request.getfixturevalue("seed_docs")
    except ImportError:  # corpus builder not complete yet: build from the stages directly
        import dataclasses

        from textkit.corpus.build import CorpusConfig
        from textkit.corpus.clean import clean_documents
        from textkit.corpus.ingest import read_pages
        from textkit.corpus.split import split_pages

        cfg = CorpusConfig()
        pages = read_pages(request.getfixturevalue("seed_raw_dir"), cfg.ingest)
        raw = split_pages(pages, dataclasses.replace(cfg.split, clean=cfg.clean))
        return clean_documents(raw, cfg.clean)


def test_shipped_coding_loads_and_matches_corpus(built_docs):
    codes = load_coded_paragraphs()
    assert len(codes) >= 60
    assert set(codes["code"]) == {"stability", "service_law", "mixed", "neither"}
    assert codes["doc_id"].str.split("#").str[0].nunique() == 5
    assert (codes["note"].str.len() > 0).all()
    aligned = align_codes(codes, built_docs)
    assert aligned["matched"].all()
    # every row keeps the paragraph its coder saw, including S276, whose text its article
    # also has at para_id 40 (before, it was moved there: the first occurrence)
    pd.testing.assert_frame_equal(
        aligned[["sample_id", "doc_id", "para_id"]], codes[["sample_id", "doc_id", "para_id"]]
    )
    assert aligned.attrs["alignment"]["by_id"] == len(codes) == 754


def test_plot_confusion_returns_figure():
    from matplotlib.figure import Figure

    from textkit.plots.validation import plot_confusion

    r = agreement(["stability", "mixed", "neither"], ["stability", "service_law", "neither"])
    fig = plot_confusion(r.confusion)
    assert isinstance(fig, Figure)
    assert fig.textkit_data["count"].sum() == 3


def test_validate_measure_on_shipped_coding(built_docs):
    """The paragraph measure agrees with the authors' coding well above chance."""
    from textkit.frames.validate import validate_measure

    codes = load_coded_paragraphs()
    before = codes.copy()
    report = validate_measure(codes, built_docs)
    pd.testing.assert_frame_equal(codes, before)
    assert len(report.table) == len(codes)
    assert {"balance", "n_stability", "n_service_law"} <= set(report.table.columns)
    # a paragraph the measure calls stability has more stability than service evidence
    st = report.table[report.table["measure"] == "stability"]
    assert (st["n_stability"] > st["n_service_law"]).all()
    # agreement well above chance (kappa 0 = chance; the data card records the values)
    assert report.kappa > 0.55 and report.macro_f1 > 0.65 and report.spearman > 0.8
    # measure and codes never sit at opposite ends of the scale more than rarely
    assert (report.table["distance"] == 2).mean() < 0.05
    again = validate_measure(codes, built_docs)
    assert again.summary() == report.summary()
    # a coded paragraph that is not in the corpus is an error, not a silent drop
    bad = codes.copy()
    bad.loc[0, "text"] = "这一段文字并不在语料中。"
    with pytest.raises(CodingSheetError, match="S001"):
        validate_measure(bad, built_docs)


def test_codes_and_documents_swapped_is_a_clear_error(built_docs):
    """Every consumer of codes says which argument is wrong, not a KeyError."""
    from textkit.frames.crossval import cross_validate_frames
    from textkit.frames.supervised import FrameClassifier
    from textkit.frames.tune import tune_label_rule
    from textkit.frames.validate import validate_measure

    codes = load_coded_paragraphs()
    for call in (validate_measure, tune_label_rule, cross_validate_frames,
                 FrameClassifier().fit):  # fmt: skip
        with pytest.raises(CodingSheetError, match=r"codes: missing column.*pass the codes first"):
            call(built_docs, codes)
    with pytest.raises(CodingSheetError, match=r"codes: missing column\(s\) \['text'\]$"):
        validate_measure(codes.drop(columns="text"), built_docs)


def test_sample_config_from_toml(tmp_path, toy_docs, toy_scores):
    from textkit.core.config import ConfigError, load_config
    from textkit.frames.validate import SampleConfig, sample_config

    p = tmp_path / "textkit.toml"
    p.write_text("[validation]\nn = 8\nrandom_state = 5\n", encoding="utf-8")
    cfg = sample_config(load_config(p))
    assert cfg == SampleConfig(n=8, random_state=5)
    scores = toy_scores.copy()
    a = draw_validation_sample(toy_docs, scores=scores, config=cfg)
    b = draw_validation_sample(toy_docs, n=8, random_state=5, scores=scores)
    pd.testing.assert_frame_equal(a, b)
    p.write_text("[validation]\nsize = 8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[validation\].*size"):
        sample_config(load_config(p))


def test_allocation_is_as_even_as_the_strata_allow():
    import numpy as np

    from textkit.frames.validate import _allocate

    for seed in range(20):
        got = _allocate({0: 4, 1: 5, 2: 1, 3: 4, 4: 1}, 14, np.random.default_rng(seed))
        assert got == {0: 4, 1: 4, 2: 1, 3: 4, 4: 1}  # never 3 where another takes 5
    got = _allocate(dict.fromkeys("abcd", 10), 6, np.random.default_rng(0))
    assert sorted(got.values()) == [1, 1, 2, 2] and sum(got.values()) == 6


# ------------------------------------------------ templated texts (one paragraph in many documents)

#: The paragraph every county's notice repeats word for word.
TEMPLATE = "各乡镇要坚持依法行政，完善公共服务体系，同时加强矛盾纠纷排查化解，维护社会稳定。"
COUNTIES = ["安平", "北川", "昌乐", "德兴", "恩施", "阜南"]


def _templated_docs() -> pd.DataFrame:
    """Six county notices: a heading, the shared template paragraph, two paragraphs of their own."""
    texts = []
    for i, county in enumerate(COUNTIES):
        texts.append(
            "\n".join(
                [
                    f"{county}县关于基层治理工作的通知",  # a heading: too short to sample
                    TEMPLATE,
                    f"{county}县今年共调处矛盾纠纷{120 + i}件，依法打击违法犯罪团伙{3 + i}个。",
                    f"{county}县推进村务公开，{10 + i}个村建立村民议事会，保障群众知情权。",
                ]
            )
        )
    return pd.DataFrame({"doc_id": [f"gov{i}#01" for i in range(len(COUNTIES))], "text": texts})


def _templated_scores(docs: pd.DataFrame) -> pd.DataFrame:
    labels = ["neither", "mixed", "stability", "service_law"]
    rows = [(d, k, labels[k]) for d in docs["doc_id"] for k in range(4)]
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "frame_label"])


def _code_rows(rows) -> pd.DataFrame:
    """Coded rows (doc_id, para_id, text, code) with sample ids S001 …"""
    df = pd.DataFrame(rows, columns=["doc_id", "para_id", "text", "code"])
    df.insert(0, "sample_id", [f"S{i + 1:03d}" for i in range(len(df))])
    return df.assign(note="")


def test_sample_draws_a_text_repeated_in_several_documents_once():
    docs = _templated_docs()
    scores = _templated_scores(docs)
    with pytest.warns(UserWarning, match=r"n=100, but the corpus has 13 eligible paragraph"):
        everything = draw_validation_sample(docs, n=100, scores=scores)
    # 6 x 3 paragraphs long enough, the template among them six times: 13 distinct texts
    assert len(everything) == 13 and everything["text"].is_unique
    # the copy drawn is the first in (doc_id, para_id) order
    row = everything[everything["text"] == TEMPLATE].iloc[0]
    assert (row["doc_id"], row["para_id"]) == ("gov0#01", 1)
    for seed in range(5):
        s = draw_validation_sample(docs, n=8, scores=scores, random_state=seed)
        assert len(s) == 8 and s["text"].is_unique


def test_seed_sample_never_draws_one_text_twice(built_docs):
    from textkit.frames.validate import _paragraphs

    paras = _paragraphs(built_docs).assign(frame_label="neither")
    with pytest.warns(UserWarning, match="all of them are drawn"):
        s = draw_validation_sample(built_docs, n=10_000, scores=paras)
    key = s["text"].str.replace(r"\s+", "", regex=True)
    assert key.is_unique
    eligible = paras[paras["text"].str.len() >= 20]
    assert len(s) == eligible["text"].str.replace(r"\s+", "", regex=True).nunique()


def test_align_keeps_the_sheet_ids_of_a_text_in_several_documents():
    docs = _templated_docs()
    codes = _code_rows(
        [
            ("gov3#01", 1, TEMPLATE, "mixed"),
            ("gov5#01", 1, TEMPLATE, "mixed"),
            ("gov4#01", 1, TEMPLATE, "service_law"),  # the same text, read otherwise here
            ("gov2#01", 2, docs["text"][2].split("\n")[2], "stability"),
        ]
    )
    aligned = align_codes(codes, docs)
    pd.testing.assert_frame_equal(
        aligned[["sample_id", "doc_id", "para_id"]], codes[["sample_id", "doc_id", "para_id"]]
    )
    assert aligned["matched"].all()
    info = aligned.attrs["alignment"]
    assert info["n_rows"] == 4 and info["by_id"] == 4 and info["by_text"] == 0
    assert info["unmatched"] == 0 and info["collapsed"] == 0


def test_align_remaps_a_drifted_id_by_text_preferring_the_same_document():
    docs = _templated_docs()
    own = docs["text"][2].split("\n")[2]
    codes = _code_rows(
        [
            ("gov4#01", 7, TEMPLATE, "mixed"),  # para 7 no longer exists: gov4's copy
            ("gov9#01", 1, TEMPLATE, "mixed"),  # a document gone: the first copy
            ("gov2#01", 1, own, "stability"),  # para 1 now holds another text: found at 2
        ]
    )
    # the row taken into another document is said by a warning naming it (an id edited by
    # hand, or a corpus built otherwise); the others moved within their document
    with pytest.warns(UserWarning, match=r"1 coded row\(s\) whose doc_id / para_id .*\['S002'\]"):
        aligned = align_codes(codes, docs)
    got = list(zip(aligned["doc_id"], aligned["para_id"], strict=True))
    assert got == [("gov4#01", 1), ("gov0#01", 1), ("gov2#01", 2)]
    info = aligned.attrs["alignment"]
    assert (info["by_id"], info["by_text"], info["ambiguous"]) == (0, 3, 2)
    assert info["ambiguous_ids"] == ["S001", "S002"]
    assert info["moved"] == 1 and info["moved_ids"] == ["S002"]


def test_align_warns_about_rows_it_drops_or_cannot_place():
    docs = _templated_docs()
    codes = _code_rows(
        [
            ("gov0#01", 1, TEMPLATE, "mixed"),
            ("gov9#01", 1, TEMPLATE, "mixed"),  # lands on gov0#01 para 1, coded already
            ("gov1#01", 3, "这一段文字并不在语料中，也不在任何文件里。", "neither"),
        ]
    )
    with pytest.warns(UserWarning) as record:
        aligned = align_codes(codes, docs)
    messages = " | ".join(str(w.message) for w in record)
    assert "1 coded paragraph(s) not found" in messages and "S003" in messages
    assert "1 coded row(s)" in messages and "S002" in messages
    assert list(aligned["sample_id"]) == ["S001", "S003"]
    assert aligned["matched"].tolist() == [True, False]
    info = aligned.attrs["alignment"]
    assert info["collapsed"] == 1 and info["collapsed_ids"] == ["S002"]
    assert info["unmatched"] == 1 and info["unmatched_ids"] == ["S003"]


def test_templated_sheet_validates_every_coded_row(tmp_path):
    """The reported workflow: sample, sheet, code all, read, validate: n is the rows coded."""
    from textkit.frames.validate import validate_measure

    docs = _templated_docs()
    scores = _templated_scores(docs)
    sample = draw_validation_sample(docs, n=12, scores=scores, random_state=1)
    path = write_coding_sheet(sample, tmp_path / "sheet.csv")[0]
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sheet["code"] = sample["frame_label"].to_numpy()  # a coder who agrees with the measure
    sheet.to_csv(path, index=False)
    codes = read_codes(path)
    report = validate_measure(codes, docs, scores=scores)
    assert report.summary()["n"] == len(sheet) == 12
    assert report.accuracy == 1.0
    assert list(report.table["doc_id"]) == list(sheet["doc_id"])
    assert report.alignment["by_id"] == 12
