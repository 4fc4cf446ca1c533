"""Tests of textkit.topics.seeded: seeded frame topics on the seed corpus."""

from __future__ import annotations

import warnings

import pytest

from textkit import topics as T


def test_seeded_topics_contain_their_seeds(seeded, dtm, seed_words):
    assert seeded.topic_labels_[:2] == ("stability", "service_law")
    assert seeded.eta_.shape == (6, dtm.shape[1])
    tt = T.top_terms(seeded, n=15)
    for key in ("stability", "service_law"):
        top = set(tt.loc[tt["topic"] == key, "term"])
        used = set(seeded.seeds_used_[key])
        assert len(top & used) >= 3, (key, top)
    # the other frame's seeds do not lead the topic
    stab_top = list(tt.loc[tt["topic"] == "stability", "term"])[:5]
    assert not set(stab_top) & set(seed_words["service_law"])


def test_seed_words_validation(dtm, seed_words):
    with pytest.warns(UserWarning, match="不存在的词语") as record:
        T.SeededLdaTopicModel(
            2,
            seed_words={**seed_words, "stability": seed_words["stability"] + ["不存在的词语"]},
            passes=1,
        ).fit(dtm)
    assert record[0].filename == __file__  # the warning points at the caller's line
    with pytest.raises(ValueError, match=r"seed_words\['stability'\]"):
        T.SeededLdaTopicModel(2, seed_words={"stability": ["不存在的词语"]}).fit(dtm)
    with pytest.raises(ValueError, match="seeded in both"):
        T.SeededLdaTopicModel(2, seed_words={"a": ["法治"], "b": ["法治"]}).fit(dtm)
    with pytest.raises(ValueError, match="seed_weight"):
        T.SeededLdaTopicModel(2, seed_words=seed_words, seed_weight=0).fit(dtm)


def test_default_seeds_come_from_the_lexicon(dtm, fast):
    lexicon = pytest.importorskip("textkit.core.lexicon")
    lex = lexicon.load_lexicon()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = T.SeededLdaTopicModel(3, **fast).fit(dtm)
    vocab = set(dtm.vocabulary)
    table = lex.table()
    tt = T.top_terms(model, n=15)
    for key in ("stability", "service_law"):
        rows = table[table["frame"] == key]
        weighted = set(rows.loc[rows["weight"] > 0, "term"])
        assert model.seeds_used_[key] == sorted(t for t in weighted if t in vocab)
        assert model.seeds_missing_[key] == sorted(t for t in weighted if t not in vocab)
        # weight-0 entries (generic words, blockers such as 自治区) never seed a frame
        zero = set(rows.loc[rows["weight"] == 0, "term"])
        assert zero and not zero & set(model.seeds_used_[key])
        # acceptance: the seeded topics put their (lexicon) seed words in their top terms
        top = list(tt.loc[tt["topic"] == key, "term"])
        assert len(set(top) & set(model.seeds_used_[key])) >= 8, (key, top)


def test_unseeded_topics_name_the_topics_fit_would_refuse(dtm):
    """unseeded_topics lists the seeded topics without a seed word in the vocabulary,
    exactly when fit raises (notebook 03 then shows an empty seeded section)."""
    seeds = {"stability": ["不存在的词语"], "service_law": [dtm.vocabulary[0]]}
    model = T.SeededLdaTopicModel(2, seed_words=seeds)
    assert model.unseeded_topics(dtm) == ["stability"]
    with pytest.raises(ValueError, match="none of its"):
        model.fit(dtm)
    assert (
        T.SeededLdaTopicModel(2, seed_words={"x": [dtm.vocabulary[0]]}).unseeded_topics(dtm) == []
    )
