"""Tests of textkit.topics.matrix on the real seed corpus (paragraph units)."""

from __future__ import annotations

import numpy as np
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
