"""Tests of textkit.topics.topics on the real seed corpus (paragraph units), plus small fixtures."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from matplotlib.figure import Figure

from textkit.dtm.vectorizer import DocumentTermMatrix, vectorize
from textkit.plots import topics as P
from textkit.segment.corpus import segment_corpus
from textkit.topics import topics as T

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus" / "raw"

# a few frame words from docs/DESIGN.md, used where the test must not depend on the lexicon
SEEDS = {
    "stability": [
        "维稳",
        "维护稳定",
        "社会治安",
        "综合治理",
        "排查",
        "调处",
        "整治",
        "群防群治",
        "平安建设",
        "上访",
        "信访",
    ],
    "service_law": ["公共服务", "依法行政", "法治", "村民自治", "参与", "监督", "问责", "权益"],
}
FAST = {"passes": 3, "iterations": 40}


def _documents() -> pd.DataFrame:
    """Documents table of the seed corpus from the corpus stage (duplicates left out)."""
    from textkit.corpus.build import build_corpus

    docs = build_corpus(RAW).documents
    keep = (docs["status"] != "quarantined") & ~docs["is_duplicate"].astype(bool)
    return docs[keep].reset_index(drop=True)


# Script run in fresh interpreters to check cross-process determinism (PYTHONHASHSEED).
_BUILD = """
import hashlib, json, sys
sys.path.insert(0, {tests!r})
from test_topics import _pipeline
from textkit.topics import topics as T
docs, units, dtm, texts = _pipeline()
m = T.LdaTopicModel(5, random_state=3, passes=3, iterations=40).fit(dtm)
h = hashlib.sha256(m.topic_term_.to_numpy().tobytes())
h.update(",".join(m.topic_term_.columns).encode())
h.update(T.top_terms(m, n=10, by="frex").to_csv(index=False).encode())
files = T.save_model(m, {out!r})
print(json.dumps({{f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}}))
print(h.hexdigest())
"""


def _topic_data(min_df: int = 2, max_df: float = 0.5):
    docs = _documents()
    data = T.topic_matrix(segment_corpus(docs, unit="paragraph"), min_df=min_df, max_df=max_df)
    return docs, data


def _pipeline(min_df: int = 2, max_df: float = 0.5):
    docs, data = _topic_data(min_df, max_df)
    texts = [list(data.texts[u]) for u in data.dtm.doc_ids]
    return docs, data.units, data.dtm, texts


def _digest(model) -> str:
    h = hashlib.sha256(model.topic_term_.to_numpy().tobytes())
    h.update(",".join(model.topic_term_.columns).encode())
    h.update(T.top_terms(model, n=10, by="frex").to_csv(index=False).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def topic_data():
    return _topic_data()


@pytest.fixture(scope="module")
def corpus(topic_data):
    docs, data = topic_data
    return docs, data.units, data.dtm, [list(data.texts[u]) for u in data.dtm.doc_ids]


@pytest.fixture(scope="module")
def dtm(corpus):
    return corpus[2]


@pytest.fixture(scope="module")
def lda(dtm):
    return T.LdaTopicModel(5, random_state=3, **FAST).fit(dtm)


@pytest.fixture(scope="module")
def seeded(dtm):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return T.SeededLdaTopicModel(4, seed_words=SEEDS, random_state=0, **FAST).fit(dtm)


# --------------------------------------------------------------------------- models


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


def test_lda_tables_are_distributions(lda, dtm):
    assert list(lda.doc_topic_.index) == list(dtm.doc_ids)
    assert list(lda.doc_topic_.columns) == ["T01", "T02", "T03", "T04", "T05"]
    np.testing.assert_allclose(lda.doc_topic_.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(lda.topic_term_.sum(axis=1), 1.0, atol=1e-12)
    assert (lda.doc_topic_.to_numpy() >= 0).all()
    assert list(lda.topic_term_.columns) == list(dtm.vocabulary)
    assert int(lda.term_frequency_.sum()) == int(dtm.matrix.sum())


def test_same_config_gives_identical_tables(lda, dtm):
    again = T.LdaTopicModel(5, random_state=3, **FAST).fit(dtm)
    pd.testing.assert_frame_equal(again.topic_term_, lda.topic_term_, check_exact=True)
    pd.testing.assert_frame_equal(again.doc_topic_, lda.doc_topic_, check_exact=True)
    other = T.LdaTopicModel(5, random_state=4, **FAST).fit(dtm)
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


def test_heldout_perplexity_document_completion(lda, dtm):
    p = T.heldout_perplexity(lda, dtm, random_state=0)
    assert 1 < p < dtm.shape[1]
    assert T.heldout_perplexity(lda, dtm, random_state=0) == p
    # a model that knows the topics beats a one-topic model on the same documents
    one = T.LdaTopicModel(1, **FAST).fit(dtm)
    assert p < T.heldout_perplexity(one, dtm, random_state=0)
    with pytest.raises(ValueError, match="model"):
        T.heldout_perplexity(T.NmfTopicModel(2).fit(dtm), dtm)


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
    with pytest.warns(UserWarning, match="empty#01"):
        model = T.LdaTopicModel(3, passes=1, iterations=20).fit(with_empty)
    assert model.empty_docs_ == ("empty#01",)
    np.testing.assert_allclose(model.doc_topic_.loc["empty#01"].sum(), 1.0)
    with pytest.warns(UserWarning, match="empty#01"):
        nmf = T.NmfTopicModel(3).fit(with_empty)
    np.testing.assert_allclose(nmf.doc_topic_.loc["empty#01"], 1 / 3)


def _gensim_lda(dtm, n_topics=4, **kw):
    """A gensim LdaModel set up as textkit sets it up, not yet trained."""
    from gensim.models import LdaModel

    return LdaModel(
        corpus=None,
        id2word=T._dictionary(dtm.vocabulary, dtm.matrix.tocsr()),
        num_topics=n_topics,
        random_state=7,
        eval_every=None,
        dtype=np.float64,
        **kw,
    )


def _with_empty_and_long_rows(matrix):
    """The matrix with an empty document first, one in the middle, and a long one (the sum
    of 200 paragraphs: enough cells to take gensim's own per-document loop)."""
    empty = sp.csr_matrix((1, matrix.shape[1]), dtype=matrix.dtype)
    long = sp.csr_matrix(matrix[:200].sum(axis=0))
    half = matrix.shape[0] // 2
    out = sp.vstack([empty, matrix[:half], empty, long, matrix[half:]]).tocsr()
    out.sort_indices()
    return out


@pytest.mark.parametrize("iterations", [3, 100])
def test_vectorised_estep_equals_gensim_inference(dtm, iterations, monkeypatch):
    """Same gamma, same sufficient statistics, same use of the random stream as gensim."""
    from gensim import utils

    from textkit.topics import estep as _estep
    from textkit.topics.estep import batched_inference

    # iterations=3: most documents run out of rounds; 100: they converge
    model = T.LdaTopicModel(4, random_state=2, passes=2, iterations=iterations).fit(dtm).model_
    matrix = _with_empty_and_long_rows(T._sorted_csr(dtm.matrix))
    n_cells = np.diff(matrix.indptr)
    assert n_cells.max() * 4 >= _estep.LONG_DOCUMENT > np.sort(n_cells)[-2] * 4
    bow = T._bow(matrix)
    model.random_state = utils.get_random_state(11)
    gamma, sstats = type(model).inference(model, bow, collect_sstats=True)
    after = model.random_state.random_sample()
    model.random_state = utils.get_random_state(11)
    gamma_v, sstats_v = batched_inference(model, bow, collect_sstats=True)
    assert model.random_state.random_sample() == after
    np.testing.assert_allclose(gamma_v, gamma, rtol=1e-9, atol=0)
    np.testing.assert_allclose(sstats_v, sstats, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(gamma_v[0], model.alpha)  # an empty document keeps the prior
    model.random_state = utils.get_random_state(11)
    gamma_m, _ = batched_inference(model, None, matrix=matrix)  # the matrix path: the same
    np.testing.assert_array_equal(gamma_m, gamma_v)
    long = int(np.argmax(n_cells))  # gensim's own loop: bit for bit
    np.testing.assert_array_equal(gamma_v[long], gamma[long])
    monkeypatch.setattr(_estep, "BLOCK_SIZE", 4 * 300)  # blocks of 300 cells: to rounding
    model.random_state = utils.get_random_state(11)
    gamma_b, sstats_b = batched_inference(model, bow, collect_sstats=True)
    np.testing.assert_allclose(gamma_b, gamma_v, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sstats_b, sstats_v, rtol=1e-12, atol=1e-300)


def test_training_with_the_vectorised_estep_equals_gensim_training(dtm, tmp_path):
    """Several mini-batches a pass and alpha re-estimated between them: gensim's loop."""
    from textkit.topics.estep import vectorised_estep

    settings = {"passes": 4, "chunksize": 200, "alpha": "auto"}
    plain, fast = _gensim_lda(dtm, **settings), _gensim_lda(dtm, **settings)
    corpus = T._bow(dtm.matrix)
    plain.update(corpus)
    with vectorised_estep(fast):
        fast.update(corpus)
    np.testing.assert_allclose(fast.get_topics(), plain.get_topics(), rtol=1e-8, atol=0)
    np.testing.assert_allclose(fast.alpha, plain.alpha, rtol=1e-8, atol=0)
    assert "inference" not in vars(fast)  # a plain gensim model again, and saved as one
    fast.save(str(tmp_path / "model"))
    assert b"textkit" not in (tmp_path / "model").read_bytes()


def test_vectorised_estep_restores_the_model_and_takes_any_chunk(dtm):
    from gensim import utils

    from textkit.topics.estep import batched_inference, vectorised_estep

    model = _gensim_lda(dtm)
    with vectorised_estep(model):
        outer = model.inference
        with vectorised_estep(model):
            assert model.inference is not outer
        assert model.inference is outer  # nested blocks: the outer one is back
    assert "inference" not in vars(model)
    with pytest.raises(RuntimeError), vectorised_estep(model):
        raise RuntimeError("stop")
    assert "inference" not in vars(model)
    bow = T._bow(dtm.matrix)[:60]
    model.random_state = utils.get_random_state(5)
    from_list, _ = batched_inference(model, bow)
    model.random_state = utils.get_random_state(5)
    from_generator, _ = batched_inference(model, (doc for doc in bow))
    np.testing.assert_array_equal(from_generator, from_list)


def test_bad_settings_raise_before_work(dtm):
    with pytest.raises(ValueError, match="n_topics"):
        T.LdaTopicModel(0)
    with pytest.raises(ValueError, match="passes"):
        T.LdaTopicModel(3, passes=0)
    with pytest.raises(ValueError, match="alpha"):
        T.LdaTopicModel(3, alpha="flat")
    with pytest.raises(ValueError, match="workers"):
        T.LdaTopicModel(3, workers=2)
    with pytest.raises(ValueError, match="beta_loss"):
        T.NmfTopicModel(3, beta_loss="l2")
    with pytest.raises(ValueError, match="method"):
        T.fit_topics(dtm, 3, method="plsa")
    small = DocumentTermMatrix(
        matrix=dtm.matrix[:4],
        doc_ids=dtm.doc_ids[:4],
        vocabulary=dtm.vocabulary,
        pruned=dtm.pruned,
    )
    with pytest.raises(ValueError, match=r"n_topics=10 is larger than the number of non-empty"):
        T.LdaTopicModel(10).fit(small)
    with pytest.raises(ValueError, match="n_topics=10"):
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


# --------------------------------------------------------------------------- description


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


# --------------------------------------------------------------------------- choosing K


def test_select_k_reports_all_measures(dtm, corpus):
    texts = corpus[3]
    table = T.select_k(dtm, ks=[3, 6], seeds=(0, 1), texts=texts, passes=2, iterations=30)
    assert list(table[["k", "seed"]].itertuples(index=False, name=None)) == [
        (3, 0),
        (3, 1),
        (6, 0),
        (6, 1),
    ]
    assert table["c_v"].between(0, 1).all()
    assert table["c_npmi"].between(-1, 1).all()
    assert (table["u_mass"] < 0).all()
    assert (table["perplexity"] > 1).all()
    assert (table["perplexity"] < dtm.shape[1]).all()  # better than knowing nothing
    assert (table["exclusivity"] >= 1 / table["k"] - 1e-12).all()
    assert (table["exclusivity"] <= 1).all()
    assert (table["n_train"] + table["n_test"] == dtm.shape[0]).all()
    fig = P.plot_k_selection(table)
    assert isinstance(fig, Figure)
    assert len([a for a in fig.axes if a.get_visible()]) == 5
    nmf = T.select_k(dtm, ks=[3], method="nmf", measures=("u_mass",))
    assert nmf["perplexity"].isna().all() and nmf["c_v"].isna().all()
    # texts given as a Series are looked up by doc id, whatever their order
    shuffled = pd.Series(texts, index=list(dtm.doc_ids)).iloc[::-1]
    again = T.select_k(dtm, ks=[3], seeds=(0,), texts=shuffled, passes=2, iterations=30)
    pd.testing.assert_frame_equal(again, table.iloc[:1].reset_index(drop=True))


def test_select_k_and_stability_in_worker_processes_equal_serial(dtm, corpus):
    texts = corpus[3]
    serial = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, **FAST)
    pooled = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, n_jobs=2, **FAST)
    pd.testing.assert_frame_equal(pooled, serial)  # exact: same fits, same diagnostics
    one = T.topic_stability(dtm, 4, seeds=range(3), **FAST)
    two = T.topic_stability(dtm, 4, seeds=range(3), n_jobs=2, **FAST)
    pd.testing.assert_frame_equal(two.matches, one.matches)
    pd.testing.assert_frame_equal(two.per_topic, one.per_topic)
    assert two.summary == one.summary
    # the first seed's run given as the reference is not refitted and changes nothing
    ref = T.LdaTopicModel(4, random_state=0, **FAST).fit(dtm)
    given = T.topic_stability(dtm, 4, seeds=range(3), reference=ref, **FAST)
    pd.testing.assert_frame_equal(given.matches, one.matches)
    assert given.summary == one.summary
    other_seed = T.LdaTopicModel(4, random_state=1, **FAST).fit(dtm)
    with pytest.raises(ValueError, match="reference: settings"):
        T.topic_stability(dtm, 4, seeds=range(3), reference=other_seed, **FAST)
    with pytest.raises(ValueError, match="reference: not fitted"):
        T.topic_stability(dtm, 4, seeds=range(3), reference=T.LdaTopicModel(4, **FAST), **FAST)
    with pytest.raises(ValueError, match="n_jobs"):
        T.select_k(dtm, ks=[3], n_jobs=0, **FAST)
    with pytest.raises(ValueError, match="n_jobs"):
        T.TopicConfig(n_jobs=0)


def test_fit_cache_gives_the_fresh_tables_and_fits_only_what_is_missing(
    dtm, corpus, tmp_path, caplog
):
    import json
    import logging

    texts = corpus[3]
    store = tmp_path / "stages"
    fresh = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, **FAST)
    first = T.select_k(dtm, ks=[3], seeds=(0, 1), texts=texts, cache=store, **FAST)
    entries = sorted((store / "select_k").glob("*.json"))
    assert len(entries) == 2  # one per (k, seed)
    # K=5 added to the grid: only its two fits run, the K=3 rows come from the cache
    with caplog.at_level(logging.INFO, logger="textkit.topics.topics"):
        grown = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, cache=store, **FAST)
    assert "select_k: 2 of 4 fits from the cache" in caplog.text
    fitted = [r.getMessage() for r in caplog.records if r.getMessage().endswith(" done")]
    assert fitted == ["select_k: k=5 seed=0 done", "select_k: k=5 seed=1 done"]
    assert len(list((store / "select_k").glob("*.json"))) == 4
    pd.testing.assert_frame_equal(grown, fresh)  # exact, dtypes included
    pd.testing.assert_frame_equal(first, fresh[fresh["k"] == 3].reset_index(drop=True))
    # another setting is another key; a damaged entry is recomputed, never trusted
    T.select_k(dtm, ks=[3], seeds=(0,), texts=texts, cache=store, top_n=5, **FAST)
    assert len(list((store / "select_k").glob("*.json"))) == 5
    meta = json.loads(entries[0].read_text("utf-8"))
    entries[0].with_suffix(".parquet").write_bytes(b"not parquet")
    again = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, cache=store, **FAST)
    pd.testing.assert_frame_equal(again, fresh)
    assert json.loads(entries[0].read_text("utf-8"))["sha256"] == meta["sha256"]  # rewritten

    one = T.topic_stability(dtm, 4, seeds=range(3), **FAST)
    ref = T.LdaTopicModel(4, random_state=0, **FAST).fit(dtm)
    table = T._run_table(ref)
    from textkit.core.cache import StageCache

    StageCache(tmp_path / "roundtrip").put("topic_run", {"t": 1}, table)
    back = StageCache(tmp_path / "roundtrip").get("topic_run", {"t": 1})
    pd.testing.assert_frame_equal(T._stored_run(back).topic_term_, ref.topic_term_)  # exact
    for hits in (0, 2):  # cold, then every non-reference run from the cache
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="textkit.topics.topics"):
            cached = T.topic_stability(
                dtm, 4, seeds=range(3), reference=ref, cache=store, **FAST
            )
        assert (f"topic_stability: {hits} runs from the cache" in caplog.text) == bool(hits)
        pd.testing.assert_frame_equal(cached.matches, one.matches)
        pd.testing.assert_frame_equal(cached.per_topic, one.per_topic)
        assert cached.summary == one.summary
    assert len(list((store / "topic_run").glob("*.json"))) == 2
    more = T.topic_stability(dtm, 4, seeds=range(4), cache=store, **FAST)  # seed 3 is new
    assert len(list((store / "topic_run").glob("*.json"))) == 3
    assert more.summary["n_runs"] == 4
    with pytest.raises(ValueError, match="cache"):
        T.select_k(dtm, ks=[3], cache=3, **FAST)


def test_k_summary_ranks_each_measure_in_its_direction():
    table = pd.DataFrame(
        {
            "k": [2, 2, 4, 4, 6, 6],
            "seed": [0, 1, 0, 1, 0, 1],
            "c_v": [0.3, 0.5, 0.6, 0.6, 0.2, 0.2],
            "perplexity": [900.0, 900.0, 800.0, 800.0, 700.0, 700.0],
            "exclusivity": [0.9, 0.9, 0.5, 0.5, 0.5, 0.5],
            "u_mass": [np.nan] * 6,
        }
    )
    out = T.k_summary(table)
    assert list(out["k"]) == [2, 4, 6] and list(out["n_seeds"]) == [2, 2, 2]
    np.testing.assert_allclose(out["c_v"], [0.4, 0.6, 0.2])
    assert list(out["rank_c_v"]) == [2.0, 1.0, 3.0]  # higher is better
    assert list(out["rank_perplexity"]) == [3.0, 2.0, 1.0]  # lower is better
    assert list(out["rank_exclusivity"]) == [1.0, 2.5, 2.5]  # ties share the rank
    assert "rank_u_mass" not in out.columns  # a measure without values is left out
    np.testing.assert_allclose(out["mean_rank"], [2.0, 11 / 6, 13 / 6])


# --------------------------------------------------------------------------- stability


def test_stability_of_a_model_with_itself_is_one(lda, dtm):
    match = T.match_topics(lda, lda)
    assert (match["topic"] == match["matched_topic"]).all()
    assert (match["similarity"] == 1.0).all()
    res = T.topic_stability(dtm, 5, seeds=(3, 3), **FAST)
    assert (res.per_topic["stability"] == 1.0).all()
    assert res.summary["mean_stability"] == 1.0
    assert res.summary["share_stable"] == 1.0
    jac = T.match_topics(lda, lda, by="jaccard")
    assert (jac["similarity"] == 1.0).all()


def test_stability_across_seeds(dtm):
    res = T.topic_stability(dtm, 4, seeds=range(3), **FAST)
    assert len(res.matches) == 2 * 4
    assert res.matches["similarity"].between(0, 1).all()
    # one-to-one: each run's matched topics are a permutation
    for _, g in res.matches.groupby("seed"):
        assert sorted(g["matched_topic"]) == ["T01", "T02", "T03", "T04"]
    assert 0 < res.summary["mean_stability"] < 1
    assert isinstance(P.plot_stability(res), Figure)


# --------------------------------------------------------------------------- seeded topics


def test_seeded_topics_contain_their_seeds(seeded, dtm):
    assert seeded.topic_labels_[:2] == ("stability", "service_law")
    assert seeded.eta_.shape == (6, dtm.shape[1])
    tt = T.top_terms(seeded, n=15)
    for key in ("stability", "service_law"):
        top = set(tt.loc[tt["topic"] == key, "term"])
        used = set(seeded.seeds_used_[key])
        assert len(top & used) >= 3, (key, top)
    # the other frame's seeds do not lead the topic
    stab_top = list(tt.loc[tt["topic"] == "stability", "term"])[:5]
    assert not set(stab_top) & set(SEEDS["service_law"])


def test_seed_words_validation(dtm):
    with pytest.warns(UserWarning, match="不存在的词语") as record:
        T.SeededLdaTopicModel(
            2, seed_words={**SEEDS, "stability": SEEDS["stability"] + ["不存在的词语"]}, passes=1
        ).fit(dtm)
    assert record[0].filename == __file__  # the warning points at the caller's line
    with pytest.raises(ValueError, match=r"seed_words\['stability'\]"):
        T.SeededLdaTopicModel(2, seed_words={"stability": ["不存在的词语"]}).fit(dtm)
    with pytest.raises(ValueError, match="seeded in both"):
        T.SeededLdaTopicModel(2, seed_words={"a": ["法治"], "b": ["法治"]})
    with pytest.raises(ValueError, match="seed_weight"):
        T.SeededLdaTopicModel(2, seed_words=SEEDS, seed_weight=0)


def test_default_seeds_come_from_the_lexicon(dtm):
    lexicon = pytest.importorskip("textkit.frames.lexicon")
    lex = lexicon.load_lexicon()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = T.SeededLdaTopicModel(3, **FAST).fit(dtm)
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


def test_compare_models(seeded, dtm):
    unseeded = T.LdaTopicModel(6, random_state=0, **FAST).fit(dtm)
    table = T.compare_models(seeded, unseeded)
    assert list(table["topic"]) == list(seeded.topic_labels_)
    assert sorted(table["matched_topic"]) == list(unseeded.topic_labels_)
    frames = table[table["seeded"]]
    # the prior concentrates the seed words: more seed mass than in the unseeded match
    assert (frames["seed_mass"] > frames["matched_seed_mass"]).all()
    assert table.loc[~table["seeded"], "seed_mass"].isna().all()


# --------------------------------------------------------------------------- group effects


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


# --------------------------------------------------------------------------- exports


def test_save_tables_and_model_roundtrip(lda, seeded, dtm, tmp_path):
    files = T.save_topic_tables(lda, tmp_path / "tables", n=5)
    names = {f.name for f in files}
    assert {"topics_top_terms.csv", "topics_doc_topic.parquet", "topics_summary.csv"} <= names
    top = pd.read_csv(tmp_path / "tables" / "topics_top_terms.csv")
    assert set(top["by"]) == {"prob", "frex", "relevance"}
    assert len(pd.read_parquet(tmp_path / "tables" / "topics_doc_topic.parquet")) == dtm.shape[0]

    for name, model in (("lda", lda), ("seeded", seeded), ("nmf", T.NmfTopicModel(3).fit(dtm))):
        T.save_model(model, tmp_path / name)
        loaded = T.load_model(tmp_path / name)
        assert type(loaded) is type(model)
        pd.testing.assert_frame_equal(loaded.topic_term_, model.topic_term_)
        pd.testing.assert_frame_equal(loaded.doc_topic_, model.doc_topic_)
        pd.testing.assert_frame_equal(loaded.transform(dtm), model.transform(dtm))
    # a changed file is refused before anything is unpickled
    target = tmp_path / "lda" / "model.gensim"
    target.write_bytes(target.read_bytes() + b"x")
    with pytest.raises(ValueError, match="sha256"):
        T.load_model(tmp_path / "lda")
    with pytest.raises(ValueError, match="not a textkit topic model"):
        T.load_model(tmp_path / "tables")


def test_saved_model_is_repeatable_and_stamped(lda, seeded, tmp_path):
    import json

    prov = {"corpus_hash": "abc", "config_hash": "def"}
    for name, model in (("lda", lda), ("seeded", seeded)):
        a = T.save_model(model, tmp_path / f"{name}_a", provenance=prov)
        b = T.save_model(model, tmp_path / f"{name}_b", provenance=prov)
        # gensim's lifecycle log (wall-clock times, temporary paths) is not saved
        assert [f.name for f in a] == [f.name for f in b]
        for fa, fb in zip(a, b, strict=True):
            assert fa.read_bytes() == fb.read_bytes(), fa.name
    stamp_path = tmp_path / "lda_a" / "textkit_topic_model.json"
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    assert stamp["provenance"] == prov
    assert stamp["config"]["n_topics"] == 5 and stamp["config"]["random_state"] == 3
    assert {"gensim", "numpy", "scikit-learn"} <= set(stamp["library_versions"])
    assert set(stamp["files"]) >= {"model.gensim", "doc_topic.parquet"}
    # another gensim version: loaded, with a warning naming the versions
    stamp["library_versions"]["gensim"] = "0.0.1"
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    with pytest.warns(UserWarning, match="gensim 0.0.1"):
        T.load_model(tmp_path / "lda_a")


def test_ldavis_export_is_optional(lda, dtm, tmp_path):
    try:
        import pyLDAvis  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pyLDAvis"):
            T.save_ldavis_html(lda, tmp_path / "vis.html", dtm)
        assert not (tmp_path / "vis.html").exists()
    else:
        path = T.save_ldavis_html(lda, tmp_path / "vis.html", dtm)
        assert "LDAvis" in path.read_text(encoding="utf-8")


def test_plot_top_terms(lda):
    fig = P.plot_top_terms(T.top_terms(lda, n=6, by="frex"))
    assert isinstance(fig, Figure)
    assert fig.textkit_data["topic"].nunique() == 5


def test_topic_summary_and_seeded_comparison_plot(lda, seeded, dtm):
    summary = T.topic_summary(lda, n=5)
    assert list(summary["topic"]) == list(lda.topic_labels_)
    np.testing.assert_allclose(summary["prevalence"].sum(), 1.0)
    frex = T.top_terms(lda, n=5, by="frex")
    assert summary["top_frex"].iloc[0].split() == list(frex.loc[frex["topic"] == "T01", "term"])
    unseeded = T.LdaTopicModel(6, random_state=0, **FAST).fit(dtm)
    fig = P.plot_seeded_comparison(T.compare_models(seeded, unseeded))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("Stability maintenance:")
    assert labels[1].startswith("Service / rule of law:")
    with pytest.raises(ValueError, match="no seeded topic"):
        P.plot_seeded_comparison(T.compare_models(unseeded, lda))


def test_prevalence_plot_legend_counts_articles(lda, topic_data):
    docs, data = topic_data
    eras = docs.set_index("doc_id")["era"]
    table = T.topic_prevalence(lda, eras, n_boot=50, clusters=data.unit_doc)
    fig = P.plot_prevalence(table, title="By era")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    n = table.drop_duplicates("group").set_index("group")["n_docs"]
    assert texts == [f"{g} (n={n[g]})" for g in sorted(n.index)]
    assert fig.axes[0].get_title() == "By era"


def test_multicore_option_runs(dtm):
    m = T.LdaTopicModel(3, multicore=True, workers=1, passes=1, iterations=20).fit(dtm)
    np.testing.assert_allclose(m.doc_topic_.sum(axis=1), 1.0, atol=1e-12)
    with pytest.raises(ValueError, match="alpha"):
        T.LdaTopicModel(3, multicore=True, alpha="auto")


def test_topic_config_from_textkit_toml(tmp_path):
    from textkit.core.config import ConfigError, load_config, stage_config

    path = tmp_path / "textkit.toml"
    path.write_text("[topics]\nn_topics = 6\nk_grid = [3, 5, 7]\npasses = 4\n", encoding="utf-8")
    cfg = stage_config(T.TopicConfig, load_config(path), "topics")
    assert cfg.k_grid == (3, 5, 7) and cfg.n_topics == 6
    model = cfg.make_model()
    assert isinstance(model, T.LdaTopicModel) and model.passes == 4
    path.write_text("[topics]\nstability_seeds = [0]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stability_seeds"):
        stage_config(T.TopicConfig, load_config(path), "topics")
    path.write_text("[topics]\nmin_df = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min_df"):
        stage_config(T.TopicConfig, load_config(path), "topics")


def test_project_topics_table_is_valid():
    from textkit.core.config import load_config, stage_config

    cfg = stage_config(T.TopicConfig, load_config(ROOT / "textkit.toml"), "topics")
    # the stability reference run is the reported model
    assert cfg.stability_seeds[0] == cfg.random_state
    assert cfg.n_topics in cfg.k_grid
