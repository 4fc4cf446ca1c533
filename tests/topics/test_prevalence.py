"""Tests of textkit.topics.prevalence: group means with (cluster) bootstrap intervals."""

from __future__ import annotations

import inspect
import re
import types

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit import topics as T
from textkit.core.stats import MIN_INTERVAL_DOCS, interval_note
from textkit.plots import topics as P


def test_topic_prevalence_by_page(lda):
    groups = pd.Series(
        [d.split("#")[0] for d in lda.doc_ids_], index=list(lda.doc_ids_), name="page"
    )
    table = T.topic_prevalence(lda, groups, n_boot=300, random_state=1)
    assert list(table.columns) == [
        "group", "topic", "mean", "lo", "hi", "n_docs", "n_units", "note"
    ]  # fmt: skip
    assert (table["note"] == "").all()  # every page has hundreds of paragraphs
    assert (table["n_docs"] == table["n_units"]).all()  # no clusters: one unit per document
    assert len(table) == groups.nunique() * 5
    assert (table["lo"] <= table["mean"] + 1e-12).all()
    assert (table["mean"] <= table["hi"] + 1e-12).all()
    assert lda.empty_docs_ == ()
    direct = lda.doc_topic_.groupby(groups).mean()
    for r in table.itertuples():
        assert r.mean == pytest.approx(direct.loc[r.group, r.topic])
    again = T.topic_prevalence(lda, groups, n_boot=300, random_state=1)
    pd.testing.assert_frame_equal(table, again)
    assert isinstance(P.plot_prevalence(table), Figure)
    with pytest.raises(ValueError, match="no doc_id in common"):
        T.topic_prevalence(lda, pd.Series(["a"], index=["nope"]))
    pages = sorted(groups.unique())
    con = T.prevalence_contrast(lda, groups, pages[0], pages[1], n_boot=300)
    assert list(con["topic"]) == list(lda.topic_labels_)
    np.testing.assert_allclose(con["diff"], con["mean_a"] - con["mean_b"])
    np.testing.assert_allclose(con["mean_a"], direct.loc[pages[0]].to_numpy())
    assert (con["lo"] <= con["diff"] + 1e-12).all() and (con["diff"] <= con["hi"] + 1e-12).all()
    with pytest.raises(ValueError, match="group 'zzz' not found"):
        T.prevalence_contrast(lda, groups, pages[0], "zzz")


def test_cluster_bootstrap_resamples_articles(lda, topic_data):
    docs, data = topic_data
    pages = docs.set_index("doc_id")["page_id"]
    # min_docs=1: two pages have four articles, and the widths compared are the bootstrap's
    table = T.topic_prevalence(
        lda, pages, n_boot=300, random_state=2, clusters=data.unit_doc, min_docs=1
    )
    n_articles = data.unit_doc.groupby(data.unit_doc.map(pages)).nunique()
    n_paras = data.unit_doc.map(pages).value_counts()
    for r in table.itertuples():
        assert r.n_docs == n_articles[r.group] and r.n_units == n_paras[r.group]
    # the estimate is still the mean over the group's paragraphs
    direct = lda.doc_topic_.groupby(data.unit_doc.map(pages)).mean()
    for r in table.itertuples():
        assert r.mean == pytest.approx(direct.loc[r.group, r.topic])
    # resampling articles gives wider intervals than (wrongly) resampling paragraphs
    naive = T.topic_prevalence(lda, data.unit_doc.map(pages), n_boot=300, random_state=2)
    assert (table["hi"] - table["lo"]).mean() > 1.5 * (naive["hi"] - naive["lo"]).mean()
    with pytest.raises(ValueError, match="clusters: no cluster"):
        T.topic_prevalence(lda, pages, clusters=data.unit_doc.iloc[1:])
    con = T.prevalence_contrast(
        lda, pages, pages.iloc[0], pages.iloc[-1], n_boot=200, clusters=data.unit_doc
    )
    assert con["n_a"].iloc[0] == n_articles[pages.iloc[0]]
    np.testing.assert_allclose(con["mean_a"], direct.loc[pages.iloc[0]].to_numpy())


def test_cluster_bootstrap_of_copies_equals_bootstrap_of_documents():
    # each document repeated as 3 identical "paragraphs": resampling whole documents must
    # give exactly the intervals of resampling the documents themselves
    rng = np.random.default_rng(0)
    theta = rng.dirichlet(np.ones(3), size=12)
    ids = [f"d{i:02d}" for i in range(12)]
    labels = pd.Index(["T01", "T02", "T03"], name="topic")
    docs_model = types.SimpleNamespace(
        doc_topic_=pd.DataFrame(theta, index=pd.Index(ids, name="doc_id"), columns=labels),
        empty_docs_=(),
    )
    para_ids = [f"{d}/{j}" for d in ids for j in range(3)]
    para_model = types.SimpleNamespace(
        doc_topic_=pd.DataFrame(np.repeat(theta, 3, axis=0), index=para_ids, columns=labels),
        empty_docs_=(),
    )
    groups = pd.Series(["a"] * 5 + ["b"] * 7, index=ids)
    clusters = pd.Series([p.split("/")[0] for p in para_ids], index=para_ids)
    plain = T.topic_prevalence(docs_model, groups, n_boot=200, random_state=5)
    clustered = T.topic_prevalence(
        para_model, groups, n_boot=200, random_state=5, clusters=clusters
    )
    cols = ["group", "topic", "mean", "lo", "hi", "n_docs"]
    pd.testing.assert_frame_equal(plain[cols], clustered[cols], rtol=1e-12)
    assert list(clustered["n_units"]) == [15] * 3 + [21] * 3


def test_prevalence_plot_legend_counts_articles(lda, topic_data):
    docs, data = topic_data
    eras = docs.set_index("doc_id")["era"]
    table = T.topic_prevalence(lda, eras, n_boot=50, clusters=data.unit_doc)
    fig = P.plot_prevalence(table, title="By era")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    n = table.drop_duplicates("group").set_index("group")["n_docs"]
    assert texts == [f"{g} (n={n[g]})" for g in sorted(n.index)]
    assert fig.axes[0].get_title() == "By era"


def _toy_model(n_docs: int = 12, seed: int = 0) -> types.SimpleNamespace:
    theta = np.random.default_rng(seed).dirichlet(np.ones(3), size=n_docs)
    ids = [f"d{i:02d}" for i in range(n_docs)]
    cols = pd.Index(["T01", "T02", "T03"], name="topic")
    return types.SimpleNamespace(
        doc_topic_=pd.DataFrame(theta, index=pd.Index(ids, name="doc_id"), columns=cols),
        empty_docs_=(),
    )


def test_numeric_groups_keep_numeric_order():
    model = _toy_model()
    ids = list(model.doc_topic_.index)
    years = pd.Series([999, 2015, 10000] * 4, index=ids)
    table = T.topic_prevalence(model, years, n_boot=50, random_state=0)
    # numeric order, not string order ("10000" < "2015" < "999"); labels stay strings
    assert list(dict.fromkeys(table["group"])) == ["999", "2015", "10000"]
    assert all(isinstance(g, str) for g in table["group"])
    # Int64 with a missing year, float (2015.0) and text give the same groups and numbers
    as_int = years.astype("Int64")
    as_int.iloc[0] = pd.NA
    as_float = as_int.astype("float64")
    a = T.topic_prevalence(model, as_int, n_boot=50, random_state=0)
    b = T.topic_prevalence(model, as_float, n_boot=50, random_state=0)
    pd.testing.assert_frame_equal(a, b)
    assert list(dict.fromkeys(a["group"])) == ["999", "2015", "10000"]
    assert a.loc[a["group"] == "999", "n_docs"].iloc[0] == 3
    # text groups are sorted as strings, as before
    text = T.topic_prevalence(model, years.astype(str), n_boot=50, random_state=0)
    assert list(dict.fromkeys(text["group"])) == ["10000", "2015", "999"]
    # the bootstrap draws groups in table order: each group's numbers are its own
    for g in ("999", "2015", "10000"):
        sel = years.astype(str) == g
        np.testing.assert_allclose(
            table.loc[table["group"] == g, "mean"], model.doc_topic_[sel.to_numpy()].mean()
        )
    con = T.prevalence_contrast(model, as_float, 2015, "999", n_boot=50)
    np.testing.assert_allclose(con["mean_a"], a.loc[a["group"] == "2015", "mean"].to_numpy())


def test_string_group_order_and_numbers_unchanged():
    # the labels and the bootstrap stream of text groups are what they were: sorted strings,
    # one generator drawn group after group
    model = _toy_model(seed=4)
    groups = pd.Series(list("bacbacbacbac"), index=list(model.doc_topic_.index))
    table = T.topic_prevalence(model, groups, n_boot=40, random_state=7, min_docs=4)
    rng = np.random.default_rng(7)
    theta = model.doc_topic_.to_numpy()
    for g in ("a", "b", "c"):
        x = theta[(groups == g).to_numpy()]
        idx = rng.integers(0, len(x), size=(40, len(x)))
        boots = x[idx].mean(axis=1)
        np.testing.assert_allclose(
            table.loc[table["group"] == g, "lo"], np.quantile(boots, 0.025, axis=0)
        )


def test_prevalence_trend_by_year(lda, topic_data):
    docs, data = topic_data
    years = docs.set_index("doc_id")["year"]
    # one or two articles a year: min_docs=1 draws every year's band (see the test below)
    table = T.topic_prevalence(lda, years, n_boot=50, clusters=data.unit_doc, min_docs=1)
    groups = list(dict.fromkeys(table["group"]))
    assert groups == sorted(groups, key=int) and len(groups) >= 5
    labels = {t: f"T{i + 1} 词·语·组" for i, t in enumerate(lda.topic_labels_)}
    fig = P.plot_prevalence_trend(table, topic_labels=labels, xlabel="Year", title="By year")
    assert isinstance(fig, Figure)
    n_topics = len(lda.topic_labels_)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == n_topics + 1  # one panel per topic, then documents per year
    titles = [ax.get_title() for ax in visible]
    assert titles == [labels[t] for t in lda.topic_labels_] + ["Documents per group"]
    first = visible[0]
    for ax in visible[1:n_topics]:
        assert ax.get_shared_y_axes().joined(first, ax)
        assert ax.get_shared_x_axes().joined(first, ax)
    # each topic: a band (the interval) and a line through the means in year order
    for ax, topic in zip(visible, lda.topic_labels_, strict=False):
        d = table[table["topic"] == topic]
        assert len(ax.collections) == 1
        (line,) = ax.lines
        np.testing.assert_allclose(line.get_xdata(), [int(g) for g in d["group"]])
        np.testing.assert_allclose(line.get_ydata(), d["mean"], rtol=1e-5)
    bars = visible[-1].patches
    n_docs = table.drop_duplicates("group")["n_docs"].tolist()
    assert [round(b.get_height()) for b in bars] == n_docs
    notes = [t.get_text() for t in visible[-1].texts]
    assert notes == [str(n) for n in n_docs]
    ticks = [t.get_text() for t in first.get_xticklabels()]
    assert all(re.fullmatch(r"\d{4}", t) for t in ticks if t), ticks
    assert fig._suptitle.get_text() == "By year"
    data = fig.textkit_data
    assert list(data.columns) == [*table.columns, "x"] and len(data) == len(table)
    # a subset of topics, in the order asked; the colour stays the topic's
    two = P.plot_prevalence_trend(table, topics=["T03", "T01"], topic_labels=labels)
    shown = [ax for ax in two.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown[:2]] == [labels["T03"], labels["T01"]]
    assert shown[0].lines[0].get_color() == fig.axes[2].lines[0].get_color()


def test_prevalence_trend_refuses_categories(lda, topic_data):
    docs, data = topic_data
    eras = docs.set_index("doc_id")["era"]
    table = T.topic_prevalence(lda, eras, n_boot=20, clusters=data.unit_doc)
    with pytest.raises(ValueError, match=r"numeric groups .*'2002-2007'.*Use plot_prevalence"):
        P.plot_prevalence_trend(table)
    with pytest.raises(ValueError, match="missing column 'lo'"):
        P.plot_prevalence_trend(table.drop(columns="lo"))
    years = docs.set_index("doc_id")["year"]
    by_year = T.topic_prevalence(lda, years, n_boot=20, clusters=data.unit_doc)
    with pytest.raises(ValueError, match=r"topics: \['T99'\] not in the table"):
        P.plot_prevalence_trend(by_year, topics=["T99"])
    # without n_docs: topic panels only
    fig = P.plot_prevalence_trend(by_year.drop(columns=["n_docs"]))
    assert sum(ax.get_visible() for ax in fig.axes) == len(lda.topic_labels_)


# --------------------------------------------------------------- too few articles: no interval


def test_groups_of_fewer_than_five_articles_get_no_interval(lda, topic_data):
    """A one-article group's bootstrap is that article every time: lo = mean = hi was shown
    as a 95 % interval. The rule of the frame groups applies: below MIN_INTERVAL_DOCS
    articles, the mean with NaN lo/hi and a note, and the other groups keep their numbers."""
    docs, data = topic_data
    genre = docs.set_index("doc_id")["genre"].dropna()  # 条例 and 调研报告: one article each
    table = T.topic_prevalence(lda, genre, n_boot=200, random_state=3, clusters=data.unit_doc)
    n = table.drop_duplicates("group").set_index("group")["n_docs"]
    assert n["条例"] == 1 and n["经验材料"] == 3 and n["学术论文"] == 5 and n["工作方案"] == 16
    small = table["n_docs"] < MIN_INTERVAL_DOCS
    assert MIN_INTERVAL_DOCS == 5 and small.any() and (~small).any()
    assert table.loc[small, ["lo", "hi"]].isna().all().all()
    assert (table.loc[small, "note"] == "fewer than 5 documents: no interval").all()
    assert table.loc[~small, ["lo", "hi"]].notna().all().all()
    assert (table.loc[~small, "note"] == "").all()
    # the mean is still the mean of the group's paragraphs
    direct = lda.doc_topic_.groupby(data.unit_doc.map(genre)).mean()
    for r in table.itertuples():
        assert r.mean == pytest.approx(direct.loc[r.group, r.topic])
    # min_docs=1 gives the old zero-width "interval" of one article, and the same numbers
    # for the other groups: every group's replicates are drawn whatever min_docs
    every = T.topic_prevalence(
        lda, genre, n_boot=200, random_state=3, clusters=data.unit_doc, min_docs=1
    )
    one = every[every["group"] == "条例"]
    assert (one["lo"] == one["mean"]).all() and (one["hi"] == one["mean"]).all()
    cols = ["group", "topic", "mean", "lo", "hi"]
    pd.testing.assert_frame_equal(table.loc[~small, cols], every.loc[~small, cols])
    with pytest.raises(ValueError, match="min_docs"):
        T.topic_prevalence(lda, genre, clusters=data.unit_doc, min_docs=0)


def test_topic_and_frame_groups_share_the_minimum():
    """One rule, one constant: the frame groups' default min_docs and note are the topic
    stage's (textkit.core.stats), not a copy."""
    from textkit.frames.groups import frame_contrast, frame_groups

    for f in (frame_groups, frame_contrast, T.topic_prevalence, T.prevalence_contrast):
        assert inspect.signature(f).parameters["min_docs"].default is MIN_INTERVAL_DOCS
    assert interval_note(4) == "fewer than 5 documents: no interval"
    assert interval_note(5) == "" and interval_note(0, 1) == "fewer than 1 documents: no interval"


def test_frame_groups_and_topic_prevalence_agree_on_small_groups(lda, topic_data):
    """The same genre groups: the frame stage and the topic stage refuse an interval to the
    same groups, with the same note."""
    from textkit.frames.groups import frame_groups
    from textkit.frames.score import score_frames

    docs, data = topic_data
    scores = score_frames(docs[["doc_id", "text", "genre"]])
    frames = frame_groups(scores, "genre", n_boot=50)
    topic = T.topic_prevalence(
        lda, docs.set_index("doc_id")["genre"], n_boot=50, clusters=data.unit_doc
    )
    no_frame = set(frames.loc[frames["lo"].isna() & (frames["n_docs"] < 5), "group"])
    no_topic = set(topic.loc[topic["lo"].isna(), "group"])
    assert no_frame == no_topic == {"条例", "经验材料", "调研报告"}
    f_note = set(frames.loc[frames["group"] == "条例", "note"])
    t_note = set(topic.loc[topic["group"] == "条例", "note"])
    assert t_note <= {n.split("; ")[0] for n in f_note}


def test_contrast_with_a_small_side_has_no_interval(lda, topic_data):
    docs, data = topic_data
    genre = docs.set_index("doc_id")["genre"]
    con = T.prevalence_contrast(
        lda, genre, "工作方案", "经验材料", n_boot=100, clusters=data.unit_doc
    )
    assert (con["n_b"] == 3).all() and con[["lo", "hi"]].isna().all().all()
    assert (con["note"] == "fewer than 5 documents on a side: no interval").all()
    np.testing.assert_allclose(con["diff"], con["mean_a"] - con["mean_b"])
    big = T.prevalence_contrast(
        lda, genre, "工作方案", "学术论文", n_boot=100, clusters=data.unit_doc
    )
    assert big[["lo", "hi"]].notna().all().all() and (big["note"] == "").all()


def test_prevalence_plot_draws_no_bar_without_an_interval(lda, topic_data):
    docs, data = topic_data
    genre = docs.set_index("doc_id")["genre"].dropna()
    table = T.topic_prevalence(lda, genre, n_boot=50, clusters=data.unit_doc)
    fig = P.plot_prevalence(table)
    ax = fig.axes[0]
    # one error-bar collection per group with intervals (学术论文, 工作方案), each with one
    # segment per topic; the three small groups have none
    bars = [c for c in ax.collections if len(c.get_segments())]
    assert sorted(len(c.get_segments()) for c in bars) == [5, 5]
    hollow = [ln for ln in ax.lines if ln.get_markerfacecolor() == "white"]
    assert len(hollow) == 3 and all(len(ln.get_xdata()) == 5 for ln in hollow)
    assert "hollow: too few articles for an interval" in ax.get_xlabel()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == sorted(texts) and len(texts) == 5  # every group once in the legend
    # a table where every group has an interval says nothing about hollow markers
    full = T.topic_prevalence(lda, genre, n_boot=50, clusters=data.unit_doc, min_docs=1)
    assert "hollow" not in P.plot_prevalence(full).axes[0].get_xlabel()


def test_prevalence_trend_draws_no_band_without_an_interval(lda, topic_data):
    """The auditor's trend: years of one or two articles had a band of zero width; now they
    have no band, a hollow point, and the axis label says why."""
    docs, data = topic_data
    years = docs.set_index("doc_id")["year"]
    table = T.topic_prevalence(lda, years, n_boot=50, clusters=data.unit_doc, min_docs=2)
    thin = {int(g) for g in table.loc[table["n_docs"] < 2, "group"]}
    assert thin and table.loc[table["n_docs"] >= 2, "lo"].notna().all()
    fig = P.plot_prevalence_trend(table)
    for ax in [a for a in fig.axes if a.get_visible()][: len(lda.topic_labels_)]:
        mean_line, hollow = ax.lines
        assert {int(x) for x in hollow.get_xdata()} == thin
        assert hollow.get_markerfacecolor() == "white"
        band_x = set()
        for path in ax.collections[0].get_paths():
            band_x |= {int(round(x)) for x in path.vertices[:, 0]}
        assert not band_x & thin  # no band reaches a year without an interval
    assert "hollow: too few articles for an interval" in fig._supxlabel.get_text()


def test_prevalence_trend_draws_a_lone_interval_as_a_bar(lda, topic_data):
    """A year with an interval between years without one cannot have a band: a bar shows
    its interval (as in the frame trend figure)."""
    from matplotlib.collections import LineCollection

    docs, data = topic_data
    years = docs.set_index("doc_id")["year"]
    table = T.topic_prevalence(lda, years, n_boot=50, clusters=data.unit_doc, min_docs=1)
    groups = sorted(table["group"].unique())
    inner = table[table["group"].isin(groups[1:-1])]
    lone = inner.sort_values(["n_docs", "group"]).iloc[-1]["group"]  # the most documents
    table.loc[table["group"] != lone, ["lo", "hi"]] = np.nan
    fig = P.plot_prevalence_trend(table)
    panels = [a for a in fig.axes if a.get_visible()][: len(lda.topic_labels_)]
    for ax, topic in zip(panels, lda.topic_labels_, strict=True):
        (bars,) = [c for c in ax.collections if isinstance(c, LineCollection)]
        (segment,) = bars.get_segments()
        row = table[(table["topic"] == topic) & (table["group"] == lone)].iloc[0]
        assert segment[:, 0].tolist() == [float(lone)] * 2
        assert row["hi"] > row["lo"]
        assert sorted(segment[:, 1].tolist()) == pytest.approx([row["lo"], row["hi"]], abs=1e-6)
