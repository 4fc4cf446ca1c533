"""Tests of textkit.frames.groups (frame_groups, frame_contrast) and keyness_by: written
tables whose truth follows from the definitions, a generated corpus whose framing is known,
and the seed corpus grouped by genre and by year."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from textkit.core.errors import InvalidParameterError
from textkit.frames.groups import MEASURES, frame_contrast, frame_groups
from textkit.frames.keyness import keyness, keyness_by
from textkit.frames.score import FrameConfig, score_frames

_STABILITY = ["维护社会稳定", "一票否决", "上访", "稳控"]
_SERVICE = ["依法行政", "公共法律服务", "法律顾问", "依法办事"]


def _totals_table(n: int = 24, seed: int = 1) -> pd.DataFrame:
    """A score-like table: per-document counts of two groups, A more stability-framed."""
    rng = np.random.default_rng(seed)
    group = np.where(np.arange(n) % 2 == 0, "A", "B")
    tokens = rng.integers(200, 1500, n)
    rate_st = np.where(group == "A", 30, 8)
    rate_sv = np.where(group == "A", 8, 30)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(n)],
            "group": group,
            "n_tokens": tokens,
            "n_stability": rng.poisson(tokens * rate_st / 1000).astype(float),
            "n_service_law": rng.poisson(tokens * rate_sv / 1000).astype(float),
        }
    )


def _row(table: pd.DataFrame, group, measure: str) -> pd.Series:
    sel = table[(table["group"] == group) & (table["measure"] == measure)]
    assert len(sel) == 1
    return sel.iloc[0]


def _generated_docs(n_per_group: int = 8, seed: int = 0) -> pd.DataFrame:
    """Documents of sentences with one known frame term each (plus neutral sentences):
    group 甲 mostly stability terms, group 乙 mostly service terms."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, (main, other) in {"甲": (_STABILITY, _SERVICE), "乙": (_SERVICE, _STABILITY)}.items():
        for i in range(n_per_group):
            sents = [f"我们要{rng.choice(main)}。" for _ in range(rng.integers(4, 8))]
            sents += [f"同时{rng.choice(other)}。" for _ in range(rng.integers(0, 3))]
            sents += ["今年春天村里种了很多树。"] * int(rng.integers(2, 6))
            order = rng.permutation(len(sents))
            text = "".join(sents[k] for k in order)
            rows.append((f"{g}{i:02d}", text, g, int(2010 + i % 4)))
    return pd.DataFrame(rows, columns=["doc_id", "text", "province", "year"])


@pytest.fixture(scope="module")
def generated(seg):
    docs = _generated_docs()
    cfg = FrameConfig(n_boot=0)
    return (
        docs,
        score_frames(docs, segmenter=seg, config=cfg),
        score_frames(docs, segmenter=seg, config=cfg, level="sentence"),
    )


@pytest.fixture(scope="module")
def seed_scores(seed_docs, seg):
    """Document scores of the analysed seed articles (kept, not duplicates)."""
    dup = seed_docs["is_duplicate"].fillna(False).astype(bool)
    docs = seed_docs[~dup & (seed_docs["status"] != "quarantined")].reset_index(drop=True)
    return score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=0))


# ------------------------------------------------------------------ definitions


def test_pooled_estimates_follow_the_ratio_definition():
    t = _totals_table()
    out = frame_groups(t, "group", n_boot=200)
    assert list(out.columns) == [
        "variable", "group", "measure", "estimate", "lo", "hi", "n_docs", "n_tokens", "top_doc",
        "top_doc_share", "note", "missing_left_out",
    ]  # fmt: skip
    assert out["measure"].tolist() == list(MEASURES) * 2
    assert (out["variable"] == "group").all()
    for g, sub in t.groupby("group"):
        st, sv, tok = sub["n_stability"].sum(), sub["n_service_law"].sum(), sub["n_tokens"].sum()
        assert _row(out, g, "stability")["estimate"] == pytest.approx(1000 * st / tok)
        assert _row(out, g, "service_law")["estimate"] == pytest.approx(1000 * sv / tok)
        assert _row(out, g, "balance")["estimate"] == pytest.approx((sv - st) / (sv + st))
        doc_bal = (sub["n_service_law"] - sub["n_stability"]) / (
            sub["n_service_law"] + sub["n_stability"]
        )
        assert _row(out, g, "mean_balance")["estimate"] == pytest.approx(doc_bal.mean())
        assert (out.loc[out["group"] == g, "n_docs"] == len(sub)).all()
        assert (out.loc[out["group"] == g, "n_tokens"] == tok).all()


def test_balance_sign_follows_score_frames(generated):
    _, scores, _ = generated
    out = frame_groups(scores, "doc_id", n_boot=0, min_docs=1)
    mine = out[out["measure"] == "balance"].set_index("group")["estimate"]
    theirs = scores.set_index("doc_id")["balance"]
    pd.testing.assert_series_equal(
        mine.sort_index(), theirs.sort_index(), check_names=False, check_index_type=False
    )


def test_known_framing_contrast_has_the_right_sign_and_excludes_zero(generated):
    _, scores, _ = generated
    table = frame_groups(scores, "province", n_boot=500)
    assert _row(table, "甲", "stability")["estimate"] > _row(table, "乙", "stability")["estimate"]
    assert _row(table, "甲", "balance")["estimate"] < 0 < _row(table, "乙", "balance")["estimate"]
    c = frame_contrast(scores, "province", "甲", "乙", n_boot=500).set_index("measure")
    assert c.loc["stability", "diff"] > 0 and c.loc["stability", "lo"] > 0
    assert c.loc["service_law", "diff"] < 0 and c.loc["service_law", "hi"] < 0
    assert c.loc["balance", "hi"] < 0 and c.loc["mean_balance", "hi"] < 0
    for m in MEASURES:
        assert c.loc[m, "diff"] == pytest.approx(c.loc[m, "estimate_a"] - c.loc[m, "estimate_b"])
    assert (c["n_docs_a"] == 8).all() and (c["n_docs_b"] == 8).all()
    assert (c["note"] == "").all()


def test_contrast_with_the_rest_is_the_contrast_with_every_other_document():
    t = _totals_table(30)
    t["region"] = np.array(["东", "西", "南"])[np.arange(30) % 3]
    rest = frame_contrast(t, "region", "东", n_boot=300, random_state=4)
    other = t.assign(region=np.where(t["region"] == "东", "东", "其他"))
    two = frame_contrast(other, "region", "东", "其他", n_boot=300, random_state=4)
    assert (rest["b"] == "rest").all()
    cols = ["estimate_a", "estimate_b", "diff", "lo", "hi", "n_docs_a", "n_docs_b"]
    pd.testing.assert_frame_equal(rest[cols], two[cols])


# ------------------------------------------------------------------ intervals


def test_small_groups_get_estimates_but_no_interval():
    t = _totals_table(13)
    t.loc[12, "group"] = "C"  # one document
    out = frame_groups(t, "group", n_boot=200, min_docs=2)
    one = out[out["group"] == "C"]
    assert one["estimate"].notna().all() and one["lo"].isna().all() and one["hi"].isna().all()
    assert one["note"].str.contains("fewer than 2 documents").all()
    assert (one["n_docs"] == 1).all()
    big = out[out["group"] != "C"]
    assert big["lo"].notna().all() and (big["note"] == "").all()
    # the other groups' intervals do not depend on min_docs
    again = frame_groups(t, "group", n_boot=200, min_docs=1)
    pd.testing.assert_frame_equal(big[["lo", "hi"]], again[again["group"] != "C"][["lo", "hi"]])


def test_intervals_cover_the_estimate_and_narrow_with_more_documents():
    small = _totals_table(20, seed=3)
    # the same documents four times over (new ids): the same estimates, more evidence
    big = pd.concat(
        [small.assign(doc_id=small["doc_id"] + f"_{k}") for k in range(4)], ignore_index=True
    )
    a = frame_groups(small, "group", n_boot=1000)
    b = frame_groups(big, "group", n_boot=1000)
    for table in (a, b):
        assert ((table["lo"] <= table["estimate"]) & (table["estimate"] <= table["hi"])).all()
    np.testing.assert_allclose(a["estimate"], b["estimate"])
    width_a, width_b = a["hi"] - a["lo"], b["hi"] - b["lo"]
    assert (width_b < 0.75 * width_a).all()


def test_config_supplies_the_bootstrap_settings():
    t = _totals_table()
    cfg = FrameConfig(n_boot=300, ci=0.9, random_state=7)
    from_config = frame_groups(t, "group", config=cfg)
    explicit = frame_groups(t, "group", n_boot=300, ci=0.9, random_state=7)
    pd.testing.assert_frame_equal(from_config, explicit)
    narrow = frame_groups(t, "group", config=cfg, ci=0.5)
    assert ((narrow["hi"] - narrow["lo"]) < (explicit["hi"] - explicit["lo"])).all()
    none = frame_groups(t, "group", config=FrameConfig(n_boot=0))
    assert none["lo"].isna().all() and none["estimate"].notna().all()
    other_seed = frame_groups(t, "group", config=cfg, random_state=8)
    assert not np.allclose(other_seed["lo"], explicit["lo"])


def test_deterministic_and_free_of_row_order_and_thread_count():
    t = _totals_table(40)
    first = frame_groups(t, "group", n_boot=400, random_state=3)
    pd.testing.assert_frame_equal(first, frame_groups(t, "group", n_boot=400, random_state=3))
    shuffled = t.sample(frac=1.0, random_state=11).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        first, frame_groups(shuffled, "group", n_boot=400, random_state=3)
    )
    with threadpool_limits(1):
        pd.testing.assert_frame_equal(first, frame_groups(t, "group", n_boot=400, random_state=3))
    c1 = frame_contrast(t, "group", "A", n_boot=400, random_state=3)
    c2 = frame_contrast(shuffled, "group", "A", n_boot=400, random_state=3)
    pd.testing.assert_frame_equal(c1, c2)


def test_sentence_scores_resample_whole_documents(generated):
    _, doc_scores, sent_scores = generated
    assert len(sent_scores) > 3 * len(doc_scores)
    a = frame_groups(doc_scores, "province", n_boot=300)
    b = frame_groups(sent_scores, "province", n_boot=300)
    # per-document totals are the same, so estimates and intervals are the same
    pd.testing.assert_frame_equal(a, b)
    assert (b["n_docs"] == 8).all()


# ------------------------------------------------------------------ one dominant document


def _annals_table() -> pd.DataFrame:
    """Two provinces of ten documents; in 河南 nine short stability-leaning notices and one
    county annal as long as all of 四川 together, evenly framed (the audit's 兰考县志)."""
    rows = []
    for i in range(10):
        rows.append((f"川{i:02d}", "四川", 800, 12.0, 12.0))
        rows.append((f"豫{i:02d}", "河南", 500, 15.0, 3.0))
    rows[-1] = ("豫annals", "河南", 200_000, 1_000.0, 1_000.0)
    return pd.DataFrame(
        rows, columns=["doc_id", "province", "n_tokens", "n_stability", "n_service_law"]
    )


def test_a_group_one_document_dominates_names_it_and_says_so(caplog):
    t = _annals_table()
    with caplog.at_level(logging.WARNING, logger="textkit.frames.groups"):
        out = frame_groups(t, "province", n_boot=200)
    assert list(out.columns[-4:]) == ["top_doc", "top_doc_share", "note", "missing_left_out"]
    henan = t[t["province"] == "河南"]
    tokens, hits = henan["n_tokens"].sum(), (henan["n_stability"] + henan["n_service_law"]).sum()
    for measure, share in [
        ("stability", 200_000 / tokens),
        ("service_law", 200_000 / tokens),
        ("balance", 2_000 / hits),
    ]:
        row = _row(out, "河南", measure)
        assert row["top_doc"] == "豫annals"
        assert row["top_doc_share"] == pytest.approx(share)
        assert "one document (豫annals) holds" in row["note"]
        assert "more than all the others together" in row["note"]
    # the estimate is unchanged: the pooled balance is near the annal's (0), far from the
    # notices' (-2/3 each)
    assert _row(out, "河南", "balance")["estimate"] == pytest.approx(9 * (3 - 15) / hits)
    # every document with frame terms counts alike in mean_balance: no note
    assert _row(out, "河南", "mean_balance")["top_doc_share"] == pytest.approx(0.1)
    assert _row(out, "河南", "mean_balance")["note"] == ""
    sichuan = out[out["group"] == "四川"]
    assert (sichuan["note"] == "").all()
    np.testing.assert_allclose(sichuan["top_doc_share"], 0.1)
    assert (sichuan["top_doc"] == "川00").all()  # ties: the first doc_id
    assert "河南 (豫annals: 93% of the frame hits)" in caplog.text
    assert "四川" not in caplog.text


def test_a_lone_document_with_frame_terms_makes_the_mean_balance_its_own():
    t = _annals_table()
    t.loc[t["doc_id"] != "豫annals", ["n_stability", "n_service_law"]] = 0.0
    out = frame_groups(t, "province", n_boot=0)
    assert _row(out, "河南", "mean_balance")["note"] == (
        "only one document (豫annals) has frame terms: the mean is its own"
    )
    assert _row(out, "四川", "balance")["note"] == "no frame terms"
    assert _row(out, "四川", "balance")["top_doc"] == ""
    assert np.isnan(_row(out, "四川", "balance")["top_doc_share"])
    # a group of one document is its document by definition: no note to say so
    one = frame_groups(t[t["doc_id"] == "豫annals"], "province", n_boot=0, min_docs=1)
    assert (one["note"] == "").all() and (one["top_doc_share"] == 1.0).all()


# ------------------------------------------------------------------ variables


def test_missing_values_are_left_out_and_logged(caplog):
    t = _totals_table(20)
    t.loc[[0, 1, 2], "group"] = None
    with caplog.at_level(logging.INFO, logger="textkit.frames.groups"):
        out = frame_groups(t, "group", n_boot=50)
    assert "3 documents without a value of 'group'" in caplog.text
    assert out.drop_duplicates("group")["n_docs"].sum() == 17


def test_numeric_groups_sort_as_numbers_and_dates_group_by_freq():
    t = _totals_table(30)
    t["year"] = np.array([9, 10, 100])[np.arange(30) % 3]
    out = frame_groups(t, "year", n_boot=50)
    assert out["group"].drop_duplicates().tolist() == [9, 10, 100]  # not "10" < "100" < "9"
    t["date"] = pd.to_datetime([f"{2010 + i % 4}-0{1 + i % 9}-15" for i in range(30)])
    t["y"] = t["date"].dt.year
    by_date = frame_groups(t, "date", freq="Y", n_boot=50)
    by_int = frame_groups(t, "y", n_boot=50)
    assert by_date["group"].drop_duplicates().tolist() == [2010, 2011, 2012, 2013]
    cols = ["group", "measure", "estimate", "lo", "hi", "n_docs", "n_tokens"]
    pd.testing.assert_frame_equal(by_date[cols], by_int[cols], check_dtype=False)
    gaps = t.assign(y=t["y"].astype(float).where(t.index % 5 > 0))  # a year column with gaps
    assert frame_groups(gaps, "y", n_boot=0)["group"].drop_duplicates().tolist() == [
        2010, 2011, 2012, 2013,
    ]  # fmt: skip
    assert pd.api.types.is_integer_dtype(frame_groups(gaps, "y", n_boot=0)["group"])
    months = frame_groups(t, "date", freq="M", n_boot=0)["group"].drop_duplicates()
    assert months.is_monotonic_increasing and (months.dt.day == 1).all()
    with pytest.raises(InvalidParameterError, match="holds dates"):
        frame_groups(t, "date")
    with pytest.raises(InvalidParameterError, match="not a date column"):
        frame_groups(t, "year", freq="Y")


def test_clear_errors_name_the_variable_and_its_groups():
    t = _totals_table()
    with pytest.raises(InvalidParameterError, match=r"no column 'province'"):
        frame_groups(t, "province")
    with pytest.raises(InvalidParameterError, match=r"'C' is not a group of 'group'.*\['A', 'B'\]"):
        frame_contrast(t, "group", "C")
    with pytest.raises(InvalidParameterError, match="two different groups"):
        frame_contrast(t, "group", "A", "A")
    with pytest.raises(InvalidParameterError, match="missing column"):
        frame_groups(t.drop(columns="n_tokens"), "group")
    varying = pd.concat([t, t.assign(group="B")], ignore_index=True)  # same doc_id, two groups
    with pytest.raises(InvalidParameterError, match="several values within a document"):
        frame_groups(varying, "group")
    with pytest.raises(ValueError, match="min_docs"):
        frame_groups(t, "group", min_docs=0)


def test_contrast_on_small_sides_has_no_interval():
    t = _totals_table(12)
    c = frame_contrast(t, "group", "A", "B", n_boot=100, min_docs=7)
    assert c["lo"].isna().all() and c["diff"].notna().all()
    assert c["note"].str.contains("fewer than 7").all()


# ------------------------------------------------------------------ seed corpus


def test_seed_corpus_by_genre(seed_scores):
    out = frame_groups(seed_scores, "genre", n_boot=300, min_docs=3)
    genres = sorted(seed_scores["genre"].dropna().unique(), key=str)
    assert out["group"].drop_duplicates().tolist() == genres
    per_group = out.drop_duplicates("group").set_index("group")
    counts = seed_scores["genre"].value_counts()
    for g in genres:
        assert per_group.loc[g, "n_docs"] == counts[g]
        rows = out[out["group"] == g]
        if counts[g] < 3:
            assert rows["lo"].isna().all()
        else:
            finite = rows.dropna(subset=["lo"])
            assert len(finite) >= 3
            assert (
                (finite["lo"] <= finite["estimate"]) & (finite["estimate"] <= finite["hi"])
            ).all()
    # every document with a genre is counted once, and its tokens
    with_genre = seed_scores[seed_scores["genre"].notna()]
    assert per_group["n_tokens"].sum() == with_genre["n_tokens"].sum()


def test_seed_corpus_by_year_is_a_trend(seed_scores):
    out = frame_groups(seed_scores, "year", n_boot=100)
    years = out["group"].drop_duplicates().tolist()
    assert years == sorted(int(y) for y in seed_scores["year"].dropna().unique())
    assert pd.api.types.is_integer_dtype(out["group"])
    # one or two articles per year in the seed corpus: estimates, no intervals
    assert (out["n_docs"] < 5).all() and out["lo"].isna().all()
    c = frame_contrast(seed_scores, "year", str(years[-1]), n_boot=100, min_docs=1)
    assert (c["a"] == years[-1]).all()


# ------------------------------------------------------------------ keyness by variable


def test_keyness_by_compares_a_group_with_the_rest_or_another_group(generated, seg):
    docs, scores, _ = generated
    units = pd.DataFrame(
        {"doc_id": docs["doc_id"], "tokens": [seg.tokenize(t) for t in docs["text"]]}
    )
    key = keyness_by(units, docs, "province", "甲", min_count=1)
    mask = (docs["province"] == "甲").to_numpy()
    pd.testing.assert_frame_equal(key, keyness(units, group=mask, min_count=1))
    top = key[key["key_for"] == "target"]["term"].head(4).tolist()
    assert set(top) <= set(_STABILITY)
    # the score table carries the variable too; b names the reference group
    by_scores = keyness_by(units, scores, "province", "甲", "乙", min_count=1)
    pd.testing.assert_frame_equal(key, by_scores)
    # numeric variables match a group given as text
    y = keyness_by(units, docs, "year", "2010", 2011, min_count=1)
    sel = docs["year"].isin([2010, 2011]).to_numpy()
    ref = keyness(units[sel], group=(docs["year"][sel] == 2010).to_numpy(), min_count=1)
    pd.testing.assert_frame_equal(y, ref)


def test_keyness_by_errors(generated, seg):
    docs, _, _ = generated
    units = pd.DataFrame({"doc_id": docs["doc_id"], "tokens": [["甲"]] * len(docs)})
    with pytest.raises(InvalidParameterError, match=r"'丙' is not a group of 'province'.*乙.*甲"):
        keyness_by(units, docs, "province", "丙")
    with pytest.raises(InvalidParameterError, match="no column 'outlet'"):
        keyness_by(units, docs, "outlet", "x")
    with pytest.raises(InvalidParameterError, match="two different groups"):
        keyness_by(units, docs, "province", "甲", "甲")
    with pytest.raises(InvalidParameterError, match="no unit"):
        keyness_by(units[docs["province"] == "甲"], docs, "province", "甲")
    with pytest.raises(InvalidParameterError, match="missing column"):
        keyness_by(units.drop(columns="tokens"), docs, "province", "甲")


def test_frame_means_leave_out_very_short_texts_and_say_so():
    from textkit.frames.groups import frame_means
    from textkit.plots.frames import plot_frame_intensity

    long_st = "加强矛盾纠纷排查化解，严厉打击违法犯罪，维护社会稳定，确保全县社会大局持续稳定。" * 3
    long_sv = "坚持依法行政，推进法治政府建设，提升公共服务水平，保障人民群众合法权益。" * 3
    docs = pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "a3", "b1", "b2"],
            "text": [long_st, long_sv, "维稳", long_sv, long_st + long_sv],
            "province": ["甲", "甲", "甲", "乙", "乙"],
        }
    )
    scores = score_frames(docs, config=FrameConfig(n_boot=0))
    assert scores.set_index("doc_id").loc["a3", "stability"] == 1000.0  # the outlier
    means = frame_means(scores, "province").set_index("group")
    kept = scores[scores["doc_id"].isin(["a1", "a2"])]
    assert means.loc["甲", "docs"] == 2 and means.loc["甲", "short_left_out"] == 1
    assert np.isclose(means.loc["甲", "stability"], kept["stability"].mean())
    assert np.isclose(means.loc["甲", "balance"], kept["balance"].mean())
    assert means.loc["乙", "short_left_out"] == 0 and means.loc["乙", "docs"] == 2
    every = frame_means(scores, "province", min_tokens=0).set_index("group")
    assert every.loc["甲", "docs"] == 3 and every.loc["甲", "stability"] > 300
    # the figure draws the same means and says what it left out
    fig = plot_frame_intensity(scores, by="province")
    data = fig.textkit_data.set_index(["province", "frame"])
    assert np.isclose(data.loc[("甲", "stability"), "mean"], means.loc["甲", "stability"])
    assert "1 text(s) under 20 tokens left out" in fig.axes[0].get_xlabel()
    from matplotlib.collections import PathCollection

    dots = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    drawn = np.concatenate([c.get_offsets()[:, 1] for c in dots])
    assert len(drawn) == 8 and drawn.max() < 1000  # 4 texts x 2 frames; the outlier is not drawn
    with pytest.raises(InvalidParameterError, match="missing column"):
        frame_means(scores.drop(columns="balance"), "province")


def test_frame_means_leave_out_texts_without_tokens_even_at_min_tokens_zero():
    from textkit.frames.groups import frame_means

    scores = pd.DataFrame(
        {
            "province": ["甲", "甲", "甲"],
            "n_tokens": [40, 0, 60],
            "stability": [50.0, np.nan, 10.0],
            "service_law": [0.0, np.nan, 20.0],
            "balance": [-1.0, np.nan, 1 / 3],
        }
    )
    row = frame_means(scores, "province", min_tokens=0).iloc[0]
    assert row["docs"] == 2 and row["short_left_out"] == 1
    assert row["stability"] == pytest.approx(30.0) and row["service_law"] == pytest.approx(10.0)


def test_a_date_column_written_as_chinese_sites_write_it_is_a_yearly_trend(seg):
    from textkit.core.dates import parse_dates

    docs = _generated_docs()  # 16 documents, years 2010-2013
    forms = ("{y}年3月5日", "{y}/06/07", "{y}-3-5 10:22", "{y}年11月")
    written = [forms[i % 4].format(y=y) for i, y in enumerate(docs["year"])]
    written[3], written[10] = "", "不详"  # no date: left out, and counted
    docs["发布时间"] = parse_dates(written)
    scores = score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=0))
    out = frame_groups(scores, "发布时间", freq="Y", n_boot=50)
    by_year = out.drop_duplicates("group").set_index("group")
    assert by_year.index.tolist() == [2010, 2011, 2012, 2013]
    expected = docs["year"].drop(index=[3, 10]).value_counts().sort_index()
    assert by_year["n_docs"].tolist() == expected.tolist()
    assert (out["missing_left_out"] == 2).all()
    # the same documents grouped by the integer year leave none out
    assert (frame_groups(scores, "year", n_boot=0)["missing_left_out"] == 0).all()
