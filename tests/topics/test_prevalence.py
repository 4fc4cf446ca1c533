"""Tests of textkit.topics.prevalence: group means with (cluster) bootstrap intervals."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit import topics as T
from textkit.plots import topics as P


def test_topic_prevalence_by_page(lda):
    groups = pd.Series(
        [d.split("#")[0] for d in lda.doc_ids_], index=list(lda.doc_ids_), name="page"
    )
    table = T.topic_prevalence(lda, groups, n_boot=300, random_state=1)
    assert list(table.columns) == ["group", "topic", "mean", "lo", "hi", "n_docs", "n_units"]
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
    table = T.topic_prevalence(lda, pages, n_boot=300, random_state=2, clusters=data.unit_doc)
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
