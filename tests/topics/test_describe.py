"""Tests of textkit.topics.describe: top terms, representative documents, summaries."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit import topics as T
from textkit.plots import topics as P


def test_frex_and_relevance_on_hand_computed_example():
    phi = np.array([[0.5, 0.3, 0.1, 0.1], [0.1, 0.1, 0.4, 0.4]])
    terms = ["甲", "乙", "丙", "丁"]
    model = types.SimpleNamespace(
        topic_term_=pd.DataFrame(phi, index=["T1", "T2"], columns=terms),
        term_frequency_=pd.Series([60, 40, 50, 50], index=terms),
    )
    frex = T.top_terms(model, n=4, by="frex")
    t1 = frex[frex["topic"] == "T1"]
    # exclusivity ranks = frequency ranks = (4, 3, 1.5, 1.5) / 4 -> harmonic mean is the same
    assert list(t1["term"]) == ["甲", "乙", "丁", "丙"]  # tie broken by term
    np.testing.assert_allclose(t1["weight"], [1.0, 0.75, 0.375, 0.375])
    # relevance with lambda 1 is log probability; with lambda 0 it is the lift
    rel1 = T.top_terms(model, n=4, by="relevance", lambda_=1.0)
    np.testing.assert_allclose(rel1["weight"].iloc[0], np.log(0.5))
    rel0 = T.top_terms(model, n=1, by="relevance", lambda_=0.0)
    assert rel0["term"].tolist() == ["甲", "丁"]  # lift 0.5/0.3 > 0.3/0.2; 0.4/0.25 tie -> 丁
    np.testing.assert_allclose(rel0["weight"].iloc[0], np.log(0.5 / 0.3))
    with pytest.raises(ValueError, match="by"):
        T.top_terms(model, by="lift")
    with pytest.raises(ValueError, match="lambda_"):
        T.top_terms(model, by="relevance", lambda_=2)


def test_top_terms_by_probability_match_the_matrix(lda):
    tt = T.top_terms(lda, n=5)
    assert list(tt.columns) == ["topic", "rank", "term", "weight", "prob"]
    assert len(tt) == 25
    for topic, g in tt.groupby("topic"):
        row = lda.topic_term_.loc[topic]
        assert g["term"].iloc[0] == row.idxmax()
        assert (np.diff(g["weight"].to_numpy()) <= 0).all()
    frex = T.top_terms(lda, n=5, by="frex")
    assert frex["weight"].between(0, 1).all()


def test_representative_docs_give_titles_and_paragraphs(lda, corpus):
    docs, units, dtm, _ = corpus
    rep = T.representative_docs(lda, docs, n=2, units=units)
    assert len(rep) == 10
    titles = dict(zip(docs["doc_id"], docs["title"], strict=True))
    for r in rep.itertuples():
        assert r.unit.startswith(r.doc_id + "/")
        assert r.title == titles[r.doc_id]
        assert r.share == pytest.approx(lda.doc_topic_.loc[r.unit, r.topic])
        para = units.loc[units["unit_key"] == r.unit, "text"].iloc[0]
        assert para.startswith(r.excerpt[:20])
    top = rep.groupby("topic")["share"].max()
    np.testing.assert_allclose(top.to_numpy(), lda.doc_topic_.max(axis=0)[top.index].to_numpy())


def test_plot_top_terms(lda):
    fig = P.plot_top_terms(T.top_terms(lda, n=6, by="frex"))
    assert isinstance(fig, Figure)
    assert fig.textkit_data["topic"].nunique() == 5


def test_topic_summary_and_seeded_comparison_plot(lda, seeded, dtm, fast):
    summary = T.topic_summary(lda, n=5)
    assert list(summary["topic"]) == list(lda.topic_labels_)
    np.testing.assert_allclose(summary["prevalence"].sum(), 1.0)
    frex = T.top_terms(lda, n=5, by="frex")
    assert summary["top_frex"].iloc[0].split() == list(frex.loc[frex["topic"] == "T01", "term"])
    unseeded = T.LdaTopicModel(6, random_state=0, **fast).fit(dtm)
    fig = P.plot_seeded_comparison(T.compare_models(seeded, unseeded))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("Stability maintenance:")
    assert labels[1].startswith("Service / rule of law:")
    with pytest.raises(ValueError, match="no seeded topic"):
        P.plot_seeded_comparison(T.compare_models(unseeded, lda))
