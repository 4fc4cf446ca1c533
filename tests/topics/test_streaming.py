"""Tests of textkit.topics.streaming: one gensim set-up for the streamed and in-memory fit."""

from __future__ import annotations

import numpy as np
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.dtm.stream import UnitsBowCorpus
from textkit.segment.stream import segment_to_parquet
from textkit.topics import LdaTopicModel, fit_lda_streaming, lda


def test_streamed_and_in_memory_fits_build_gensim_through_one_function(
    seed_docs, tmp_path, monkeypatch
):
    from textkit.dtm.vectorizer import vectorize
    from textkit.segment import segment_corpus

    articles = [(d, t) for d, t in zip(seed_docs["doc_id"], seed_docs["text"], strict=True)][:6]
    path = tmp_path / "units.parquet"
    segment_to_parquet(articles, path)
    dtm = vectorize(segment_corpus(articles, unit="sentence", cache=False), min_df=2)
    corpus = UnitsBowCorpus(path, dtm.vocabulary)
    built = []
    original = lda.new_gensim_lda

    def spy(config, id2word, eta, corpus=None):
        model = original(config, id2word, eta, corpus=corpus)
        built.append((config, model.num_topics, model.alpha.tolist(), model.decay))
        return model

    monkeypatch.setattr(lda, "new_gensim_lda", spy)
    settings = {"n_topics": 3, "passes": 2, "iterations": 20, "chunksize": 50, "random_state": 1}
    streamed = fit_lda_streaming(corpus, settings)
    in_memory = LdaTopicModel(**settings).fit(dtm)
    assert len(built) == 2 and built[0] == built[1]  # the same settings, the same gensim model
    np.testing.assert_array_equal(streamed.get_topics(), in_memory.model_.get_topics())
    with pytest.raises(InvalidParameterError, match="multicore"):
        fit_lda_streaming(corpus, {**settings, "multicore": True})
    with pytest.raises(InvalidParameterError, match=r"n_topics: expected an integer in \[1, "):
        fit_lda_streaming(corpus, {**settings, "n_topics": len(corpus) + 1})
