"""Tests of textkit.topics.matrix on the real seed corpus (paragraph units)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from textkit import topics as T
from textkit.dtm.vectorizer import vectorize
from textkit.segment import segment_corpus


def test_corpus_is_paragraph_level(corpus):
    docs, units, dtm, texts = corpus
    assert dtm.shape[0] > 5 * len(docs)  # many paragraphs per article
    assert all("/" in d for d in dtm.doc_ids)
    assert len(texts) == dtm.shape[0]


def test_topic_matrix_groups_units_and_reports_empty_ones(topic_data):
    docs, data = topic_data
    units = data.units
    # the reference: vectorize the paragraph units, then drop rows pruning left empty
    paragraphs = T.add_unit_key(segment_corpus(docs, unit="paragraph"))
    full = vectorize(paragraphs, min_df=2, max_df=0.5, group_by="unit_key")
    lengths = dict(zip(full.doc_ids, np.asarray(full.matrix.sum(axis=1)).ravel(), strict=True))
    assert data.dtm.doc_ids == tuple(d for d in full.doc_ids if lengths[d] > 0)
    assert data.empty == tuple(d for d in full.doc_ids if lengths[d] == 0)
    assert data.empty  # headings and dates lose all their tokens on the seed corpus
    assert (np.asarray(data.dtm.matrix.sum(axis=1)).ravel() > 0).all()
    assert data.dtm.vocabulary == full.vocabulary
    # paragraphs built from sentence units give the same matrix
    from_sentences = T.topic_matrix(segment_corpus(docs, unit="sentence"), unit="paragraph")
    assert from_sentences.dtm.doc_ids == data.dtm.doc_ids
    assert (from_sentences.dtm.matrix != data.dtm.matrix).nnz == 0
    # row -> article map and the unpruned tokens of every row
    for key in data.dtm.doc_ids[:50]:
        assert key.startswith(data.unit_doc[key] + "/")
        para = units.loc[units["unit_key"] == key, "tokens"].iloc[0]
        assert data.texts[key] == tuple(para)
    assert set(data.unit_doc) <= set(docs["doc_id"])
    whole = T.topic_matrix(units, unit="document")
    assert set(whole.dtm.doc_ids) <= set(docs["doc_id"])
    assert (whole.unit_doc.index == whole.unit_doc.to_numpy()).all()
    with pytest.raises(ValueError, match="unit='paragraph' needs"):
        T.topic_matrix(segment_corpus(docs.head(2), unit="document"), unit="paragraph")
    with pytest.raises(ValueError, match="unit"):
        T.topic_matrix(units, unit="chapter")
    with pytest.raises(ValueError, match="min_df"):  # pruning that empties the vocabulary
        T.topic_matrix(units, min_df=len(units) + 1)
    kept, dropped = T.drop_empty_documents(full)
    assert kept.doc_ids == data.dtm.doc_ids and dropped == data.empty


# ------------------------------------------------------------------ one dominant article


@pytest.fixture(scope="module")
def annal_data(topic_data):
    """The seed articles with twenty of them joined into one "annal" (their paragraphs in
    one text), which then supplies most of the paragraphs."""
    docs, _ = topic_data
    docs = docs.sort_values("doc_id").reset_index(drop=True)
    joined = docs.iloc[:20]
    annal = joined.iloc[:1].assign(doc_id="annal", text="\n".join(joined["text"]))
    mixed = pd.concat([annal, docs.iloc[20:]], ignore_index=True)
    return mixed, T.topic_matrix(segment_corpus(mixed, unit="paragraph"))


def test_an_article_supplying_most_paragraphs_is_said(annal_data, topic_data, caplog):
    mixed, _ = annal_data
    with caplog.at_level(logging.WARNING, logger="textkit.topics.matrix"):
        data = T.topic_matrix(segment_corpus(mixed, unit="paragraph"))
    owners = data.unit_doc.value_counts()
    doc, n, share = data.largest_article
    assert (doc, n) == ("annal", owners["annal"]) and share == n / len(data.unit_doc) > 0.5
    assert data.note.startswith(f"one article (annal) supplies {n} of the {len(data.unit_doc)} ")
    assert "paragraphs modelled" in data.note and "split it or model it apart" in data.note
    assert f"topic_matrix: {data.note}" in caplog.text
    # the seed articles as they are: no article supplies most paragraphs, no note
    _, seed = topic_data
    assert seed.largest_article[2] < 0.5 and seed.note == ""
    # a document model has one unit per article: nothing to say
    whole = T.topic_matrix(segment_corpus(mixed, unit="paragraph"), unit="document")
    assert whole.note == ""


def test_representative_paragraphs_note_an_article_supplying_most_units(annal_data, topic_data):
    mixed, data = annal_data
    lda = T.LdaTopicModel(4, random_state=3, passes=3, iterations=40).fit(data.dtm)
    rep = T.representative_docs(lda, mixed, n=2, units=data.units)
    assert rep.columns[-1] == "note"
    n = int((data.unit_doc == "annal").sum())
    said = f"its article supplies {n} of the model's {data.dtm.shape[0]} units"
    assert (rep.loc[rep["doc_id"] == "annal", "note"].str.startswith(said)).all()
    assert (rep.loc[rep["doc_id"] != "annal", "note"] == "").all()
    assert (rep["doc_id"] == "annal").any()
    # the seed corpus: no note
    docs, seed = topic_data
    seed_lda = T.LdaTopicModel(4, random_state=3, passes=3, iterations=40).fit(seed.dtm)
    assert (T.representative_docs(seed_lda, docs, n=2, units=seed.units)["note"] == "").all()
