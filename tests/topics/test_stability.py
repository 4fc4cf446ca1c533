"""Tests of textkit.topics.stability: topics matched across seeds and models."""

from __future__ import annotations

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
