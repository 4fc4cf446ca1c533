"""Tests of textkit.topics.stability: topics matched across seeds and models."""

from __future__ import annotations

import logging

import numpy as np
from matplotlib.figure import Figure

from textkit import topics as T
from textkit.plots import topics as P


def test_stability_of_a_model_with_itself_is_one(lda, dtm, fast):
    match = T.match_topics(lda, lda)
    assert (match["topic"] == match["matched_topic"]).all()
    assert (match["similarity"] == 1.0).all()
    res = T.topic_stability(dtm, 5, seeds=(3, 3), **fast)
    assert (res.per_topic["stability"] == 1.0).all()
    assert res.summary["mean_stability"] == 1.0
    assert res.summary["share_stable"] == 1.0
    jac = T.match_topics(lda, lda, by="jaccard")
    assert (jac["similarity"] == 1.0).all()


def test_stability_across_seeds(dtm, fast):
    res = T.topic_stability(dtm, 4, seeds=range(3), **fast)
    assert len(res.matches) == 2 * 4
    assert res.matches["similarity"].between(0, 1).all()
    # one-to-one: each run's matched topics are a permutation
    for _, g in res.matches.groupby("seed"):
        assert sorted(g["matched_topic"]) == ["T01", "T02", "T03", "T04"]
    assert 0 < res.summary["mean_stability"] < 1
    assert isinstance(P.plot_stability(res), Figure)


def test_compare_models(seeded, dtm, fast):
    unseeded = T.LdaTopicModel(6, random_state=0, **fast).fit(dtm)
    table = T.compare_models(seeded, unseeded)
    assert list(table["topic"]) == list(seeded.topic_labels_)
    assert sorted(table["matched_topic"]) == list(unseeded.topic_labels_)
    frames = table[table["seeded"]]
    # the prior concentrates the seed words: more seed mass than in the unseeded match
    assert (frames["seed_mass"] > frames["matched_seed_mass"]).all()
    assert table.loc[~table["seeded"], "seed_mass"].isna().all()


def test_compare_models_with_as_many_topics_is_the_plain_matching(seeded, dtm, fast):
    """Two models of one size: every topic is matched, as match_topics matches them (the
    frame topics' priority changes nothing), and no note."""
    unseeded = T.LdaTopicModel(6, random_state=1, **fast).fit(dtm)
    table = T.compare_models(seeded, unseeded)
    plain = T.match_topics(seeded, unseeded)
    assert list(table["matched_topic"]) == list(plain["matched_topic"])
    np.testing.assert_array_equal(table["similarity"], plain["similarity"])
    assert table["similarity"].notna().all() and (table["note"] == "").all()


def test_compare_models_with_fewer_unseeded_topics_matches_the_frames_first(
    seeded, dtm, fast, caplog
):
    """The audit's defect: 8 seeded topics against 4 unseeded left both frame topics
    unmatched, shown as "no match, cos 0.00". The frame topics are matched first; a topic
    left over has NaN similarity and a note, never 0."""
    unseeded = T.LdaTopicModel(3, random_state=0, **fast).fit(dtm)
    plain = T.match_topics(seeded, unseeded)
    assert plain["similarity"].isna().sum() == 3  # 6 topics for 3: three without a match
    assert (plain.loc[plain["similarity"].isna(), "matched_topic"] == "").all()
    with caplog.at_level(logging.WARNING, logger="textkit.topics.stability"):
        table = T.compare_models(seeded, unseeded)
    frames = table[table["seeded"]]
    assert list(frames["topic"]) == ["stability", "service_law"]
    assert (frames["matched_topic"] != "").all() and frames["similarity"].gt(0).all()
    assert frames["matched_seed_mass"].notna().all() and (frames["note"] == "").all()
    free = table[~table["seeded"]]
    unmatched = free[free["matched_topic"] == ""]
    assert len(unmatched) == 3 and len(free) - len(unmatched) == 1
    assert unmatched["similarity"].isna().all() and unmatched["matched_prevalence"].isna().all()
    assert (unmatched["matched_top_terms"] == "").all()
    assert (
        unmatched["note"]
        == "no match: the unseeded model has 3 topics for 6 seeded topics, and the frame "
        "topics are matched first"
    ).all()
    assert sorted(table.loc[table["matched_topic"] != "", "matched_topic"]) == ["T01", "T02", "T03"]
    assert "3 get no match" in caplog.text
    # the figure says "no match", never "cos 0.00"
    fig = P.plot_seeded_comparison(table)
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert texts.count("no match") == 3 and "cos 0.00" not in texts
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert not any("no match" in label for label in labels)  # both frames have a match


def test_compare_models_with_fewer_unseeded_topics_than_frames(seeded, dtm, fast):
    unseeded = T.LdaTopicModel(1, random_state=0, **fast).fit(dtm)
    table = T.compare_models(seeded, unseeded)
    frames = table[table["seeded"]]
    assert (frames["matched_topic"] == "T01").sum() == 1  # one frame topic has the only topic
    left = frames[frames["matched_topic"] == ""]
    assert len(left) == 1 and left["similarity"].isna().all()
    assert left["matched_seed_mass"].isna().all() and left["seed_mass"].notna().all()
    assert (
        left["note"].iloc[0] == "no match: the unseeded model has 1 topic for 2 seeded frame topics"
    )
    labels = [t.get_text() for t in P.plot_seeded_comparison(table).axes[0].get_yticklabels()]
    assert sum("vs no match (the unseeded model has fewer topics)" in s for s in labels) == 1
