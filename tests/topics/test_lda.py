"""Tests of textkit.topics.lda on the real seed corpus (paragraph units)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from textkit import topics as T
from textkit.dtm.vectorizer import DocumentTermMatrix

ROOT = Path(__file__).resolve().parents[2]

# Script run in fresh interpreters to check cross-process determinism (PYTHONHASHSEED).
_BUILD = """
import hashlib, json, sys
sys.path.insert(0, {tests!r})
from conftest import _pipeline
from textkit import topics as T
docs, units, dtm, texts = _pipeline()
m = T.LdaTopicModel(5, random_state=3, passes=3, iterations=40).fit(dtm)
h = hashlib.sha256(m.topic_term_.to_numpy().tobytes())
h.update(",".join(m.topic_term_.columns).encode())
h.update(T.top_terms(m, n=10, by="frex").to_csv(index=False).encode())
files = T.save_model(m, {out!r})
print(json.dumps({{f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}}))
print(h.hexdigest())
"""


def _digest(model) -> str:
    h = hashlib.sha256(model.topic_term_.to_numpy().tobytes())
    h.update(",".join(model.topic_term_.columns).encode())
    h.update(T.top_terms(model, n=10, by="frex").to_csv(index=False).encode())
    return h.hexdigest()


def test_lda_tables_are_distributions(lda, dtm):
    assert list(lda.doc_topic_.index) == list(dtm.doc_ids)
    assert list(lda.doc_topic_.columns) == ["T01", "T02", "T03", "T04", "T05"]
    np.testing.assert_allclose(lda.doc_topic_.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(lda.topic_term_.sum(axis=1), 1.0, atol=1e-12)
    assert (lda.doc_topic_.to_numpy() >= 0).all()
    assert list(lda.topic_term_.columns) == list(dtm.vocabulary)
    assert int(lda.term_frequency_.sum()) == int(dtm.matrix.sum())


def test_same_config_gives_identical_tables(lda, dtm, fast):
    again = T.LdaTopicModel(5, random_state=3, **fast).fit(dtm)
    pd.testing.assert_frame_equal(again.topic_term_, lda.topic_term_, check_exact=True)
    pd.testing.assert_frame_equal(again.doc_topic_, lda.doc_topic_, check_exact=True)
    other = T.LdaTopicModel(5, random_state=4, **fast).fit(dtm)
    assert not np.array_equal(other.topic_term_.to_numpy(), lda.topic_term_.to_numpy())
    n1 = T.NmfTopicModel(5).fit(dtm)
    n2 = T.fit_topics(dtm, 5, method="nmf")
    pd.testing.assert_frame_equal(n1.topic_term_, n2.topic_term_, check_exact=True)
    np.testing.assert_allclose(n1.doc_topic_.sum(axis=1), 1.0, atol=1e-12)


def test_identical_across_processes_and_hash_seeds(lda, tmp_path):
    import json

    # the pytest process has its own (random unless set) hash seed; the child gets another
    parent = os.environ.get("PYTHONHASHSEED", "random")
    child = "4242" if parent != "4242" else "17"
    script = _BUILD.format(tests=str(Path(__file__).parent), out=str(tmp_path / "child"))
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": child},
        cwd=ROOT,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == _digest(lda)
    # the saved model (gensim pickle, arrays, tables, stamp) is byte-identical too
    mine = T.save_model(lda, tmp_path / "parent")
    assert json.loads(lines[-2]) == {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in mine
    }


def test_transform_reproduces_training_shares(lda, dtm):
    pd.testing.assert_frame_equal(lda.transform(dtm), lda.doc_topic_, check_exact=True)
    # a matrix with a different vocabulary order is aligned by term name
    order = np.argsort(np.array(dtm.vocabulary))[::-1]
    shuffled = DocumentTermMatrix(
        matrix=dtm.matrix.tocsc()[:, order].tocsr(),
        doc_ids=dtm.doc_ids,
        vocabulary=tuple(dtm.vocabulary[j] for j in order),
        pruned=dtm.pruned,
    )
    pd.testing.assert_frame_equal(lda.transform(shuffled), lda.doc_topic_, check_exact=True)


def test_empty_documents_are_reported(dtm):
    m = sp.vstack([dtm.matrix, sp.csr_matrix((1, dtm.shape[1]), dtype=np.int64)]).tocsr()
    with_empty = DocumentTermMatrix(
        matrix=m,
        doc_ids=(*dtm.doc_ids, "empty#01"),
        vocabulary=dtm.vocabulary,
        pruned=dtm.pruned,
    )
    with pytest.warns(UserWarning, match="empty#01") as record:
        model = T.LdaTopicModel(3, passes=1, iterations=20).fit(with_empty)
    assert record[0].filename == __file__  # the warning points at the caller's line
    assert model.empty_docs_ == ("empty#01",)
    np.testing.assert_allclose(model.doc_topic_.loc["empty#01"].sum(), 1.0)
    with pytest.warns(UserWarning, match="empty#01") as record:
        nmf = T.NmfTopicModel(3).fit(with_empty)
    assert record[0].filename == __file__
    np.testing.assert_allclose(nmf.doc_topic_.loc["empty#01"], 1 / 3)


def test_bad_settings_raise_before_work(dtm):
    # parameters are checked by fit (scikit-learn's contract), before any work starts
    with pytest.raises(ValueError, match="n_topics: expected an integer >= 1, got 0"):
        T.LdaTopicModel(0).fit(dtm)
    with pytest.raises(ValueError, match="passes"):
        T.LdaTopicModel(3, passes=0).fit(dtm)
    with pytest.raises(ValueError, match="alpha"):
        T.LdaTopicModel(3, alpha="flat").fit(dtm)
    with pytest.raises(ValueError, match="workers"):
        T.LdaTopicModel(3, workers=2).fit(dtm)
    with pytest.raises(ValueError, match="beta_loss"):
        T.NmfTopicModel(3, beta_loss="l2").fit(dtm)
    with pytest.raises(ValueError, match="method"):
        T.fit_topics(dtm, 3, method="plsa")
    small = DocumentTermMatrix(
        matrix=dtm.matrix[:4],
        doc_ids=dtm.doc_ids[:4],
        vocabulary=dtm.vocabulary,
        pruned=dtm.pruned,
    )
    too_many = r"n_topics: expected an integer in \[1, 4\], got 10 \(the number of non-empty"
    with pytest.raises(ValueError, match=too_many):
        T.LdaTopicModel(10).fit(small)
    with pytest.raises(ValueError, match=too_many):
        T.NmfTopicModel(10).fit(small)
    empty_vocab = DocumentTermMatrix(
        matrix=sp.csr_matrix((3, 0), dtype=np.int64),
        doc_ids=("a", "b", "c"),
        vocabulary=(),
        pruned=dtm.pruned,
    )
    with pytest.raises(ValueError, match="vocabulary is empty"):
        T.LdaTopicModel(2).fit(empty_vocab)
    with pytest.raises(ValueError, match="ks"):
        T.select_k(small, [2, 8])
    with pytest.raises(ValueError, match="seeds"):
        T.topic_stability(dtm, 3, seeds=[0])
    with pytest.raises(ValueError, match="eta"):
        T.LdaTopicModel(3, eta=np.ones(5)).fit(dtm)


def test_multicore_option_runs(dtm):
    m = T.LdaTopicModel(3, multicore=True, workers=1, passes=1, iterations=20).fit(dtm)
    np.testing.assert_allclose(m.doc_topic_.sum(axis=1), 1.0, atol=1e-12)
    with pytest.raises(ValueError, match="alpha"):
        T.LdaTopicModel(3, multicore=True, alpha="auto").fit(dtm)
