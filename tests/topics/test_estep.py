"""Tests of textkit.topics.estep: the vectorised E-step equals gensim's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from textkit import topics as T
from textkit.topics._common import _bow, _dictionary, _sorted_csr


def _gensim_lda(dtm, n_topics=4, **kw):
    """A gensim LdaModel set up as textkit sets it up, not yet trained."""
    from gensim.models import LdaModel

    return LdaModel(
        corpus=None,
        id2word=_dictionary(dtm.vocabulary, dtm.matrix.tocsr()),
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
    matrix = _with_empty_and_long_rows(_sorted_csr(dtm.matrix))
    n_cells = np.diff(matrix.indptr)
    assert n_cells.max() * 4 >= _estep.LONG_DOCUMENT > np.sort(n_cells)[-2] * 4
    bow = _bow(matrix)
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
    corpus = _bow(dtm.matrix)
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
    bow = _bow(dtm.matrix)[:60]
    model.random_state = utils.get_random_state(5)
    from_list, _ = batched_inference(model, bow)
    model.random_state = utils.get_random_state(5)
    from_generator, _ = batched_inference(model, (doc for doc in bow))
    np.testing.assert_array_equal(from_generator, from_list)


def test_long_documents_in_worker_processes_give_the_serial_model_bit_for_bit(
    dtm, corpus, fast, monkeypatch, pool_starts
):
    """LDA's n_jobs sends the long documents' loops to worker processes (here every document
    counts as long and any amount of work is sent): the fitted model, the document-topic
    table and select_k's row equal the serial ones exactly, and n_jobs is in no setting,
    stamp or cache key."""
    import textkit.core.executor as executor
    from textkit.topics import estep

    monkeypatch.setattr(estep, "LONG_DOCUMENT", 1)
    monkeypatch.setattr(estep, "PARALLEL_MIN_WORK", 0)
    pooled_calls = []
    real_map = executor.map_shared

    def spy(func, shared, items, n_jobs=1, chunksize=None):
        if func is estep._run_part:
            pooled_calls.append((n_jobs, len(items)))
        return real_map(func, shared, items, n_jobs, chunksize)

    monkeypatch.setattr(executor, "map_shared", spy)
    # a fit keeps its processes for every pass and the final inference (WorkerPool)
    kept_calls, starts = [], pool_starts
    real_pool_map = executor.WorkerPool.map

    def pool_spy(self, func, items, chunksize=None):
        items = list(items)
        if func is estep._run_own_part:
            kept_calls.append((self.n_jobs, len(items)))
        return real_pool_map(self, func, items, chunksize)

    monkeypatch.setattr(executor.WorkerPool, "map", pool_spy)
    serial = T.LdaTopicModel(4, random_state=1, **fast).fit(dtm)
    assert not pooled_calls and not kept_calls and starts == [0]
    pooled = T.LdaTopicModel(4, random_state=1, n_jobs=2, **fast).fit(dtm)
    assert not pooled_calls
    assert len(kept_calls) >= fast["passes"] + 1  # every pass, then the inference
    assert all(j == 2 and n >= 2 for j, n in kept_calls)
    assert starts == [0, 1]  # one start of the processes for the whole fit
    np.testing.assert_array_equal(pooled.model_.get_topics(), serial.model_.get_topics())
    np.testing.assert_array_equal(pooled.doc_topic_.to_numpy(), serial.doc_topic_.to_numpy())
    np.testing.assert_array_equal(
        pooled.transform(dtm).to_numpy(), serial.transform(dtm).to_numpy()
    )
    assert pooled_calls and all(j == 2 and n >= 2 for j, n in pooled_calls)  # transform
    assert pooled._stamp_params() == serial._stamp_params()
    assert "n_jobs" not in pooled._stamp_params() and pooled.config == serial.config

    texts = corpus[3]
    one = T.select_k(dtm, ks=[4], texts=texts, **fast)
    calls = len(kept_calls)
    two = T.select_k(dtm, ks=[4], texts=texts, n_jobs=2, **fast)
    assert len(kept_calls) > calls  # a grid of one fit: the processes go to that fit
    pd.testing.assert_frame_equal(two, one)


def test_long_document_parts_cover_each_document_once(dtm):
    """The parts sent to the workers: consecutive, every long document in exactly one, about
    equal in cells."""
    from textkit.topics.estep import _cells_of, _parts

    matrix = _with_empty_and_long_rows(dtm.matrix)
    indptr = matrix.indptr.astype(np.int64)
    docs = np.flatnonzero(np.diff(indptr) > 3)
    for n in (1, 2, 4, 7, len(docs) + 5):
        parts = _parts(docs, indptr, n)
        assert 1 <= len(parts) <= n
        np.testing.assert_array_equal(np.concatenate(parts), docs)
        cells = np.concatenate([_cells_of(p, indptr) for p in parts])
        expected = np.concatenate([np.arange(indptr[d], indptr[d + 1]) for d in docs])
        np.testing.assert_array_equal(cells, expected)


def test_training_on_matrix_rows_equals_training_on_bag_of_words_lists(dtm):
    """gensim's training loop over MatrixRows (row numbers read from the matrix) gives the
    model trained on the bag-of-words lists, bit for bit, over several chunks a pass."""
    from textkit.topics.estep import MatrixRows, vectorised_estep

    settings = {"passes": 3, "chunksize": 150, "alpha": "auto"}
    lists, rows = _gensim_lda(dtm, **settings), _gensim_lda(dtm, **settings)
    with vectorised_estep(lists):
        lists.update(_bow(dtm.matrix))
    corpus = MatrixRows(dtm.matrix)
    with vectorised_estep(rows, rows=corpus):
        rows.update(corpus)
    np.testing.assert_array_equal(rows.get_topics(), lists.get_topics())
    np.testing.assert_array_equal(rows.alpha, lists.alpha)
    assert len(corpus) == dtm.shape[0] and corpus[-1] == dtm.shape[0] - 1
    picked = [corpus[i] for i in (5, 2, 9)]
    expected = _sorted_csr(dtm.matrix)[[5, 2, 9]].toarray()
    np.testing.assert_array_equal(corpus.matrix_of(picked).toarray(), expected)
    with pytest.raises(IndexError):
        corpus[len(corpus)]


def test_long_documents_in_spawned_workers_equal_the_serial_ones(dtm, monkeypatch):
    """With the spawn start method (outside Linux) the workers get the chunk pickled once:
    the same gamma and sufficient statistics, bit for bit."""
    import multiprocessing

    from gensim import utils

    import textkit.core.executor as executor
    from textkit.topics import estep

    monkeypatch.setattr(estep, "LONG_DOCUMENT", 1)
    monkeypatch.setattr(estep, "PARALLEL_MIN_WORK", 0)
    model = _gensim_lda(dtm)
    matrix = _sorted_csr(dtm.matrix)[:120]
    model.random_state = utils.get_random_state(3)
    serial = estep.batched_inference(model, None, collect_sstats=True, matrix=matrix)
    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    model.random_state = utils.get_random_state(3)
    spawned = estep.batched_inference(model, None, collect_sstats=True, matrix=matrix, n_jobs=2)
    np.testing.assert_array_equal(spawned[0], serial[0])
    np.testing.assert_array_equal(spawned[1], serial[1])
    # processes kept across calls (a fit's passes): each part sent with its own cells
    with executor.worker_pool(2) as pool:
        for _ in range(2):
            model.random_state = utils.get_random_state(3)
            kept = estep.batched_inference(model, None, collect_sstats=True, matrix=matrix,
                                           pool=pool)  # fmt: skip
            np.testing.assert_array_equal(kept[0], serial[0])
            np.testing.assert_array_equal(kept[1], serial[1])
        assert pool.starts == 1


def test_one_part_of_long_documents_runs_here(dtm, monkeypatch):
    """When one document holds nearly all cells the long documents make one part: it runs
    in this process, with the serial result."""
    from gensim import utils

    from textkit.topics import estep

    monkeypatch.setattr(estep, "PARALLEL_MIN_WORK", 0)
    matrix = _sorted_csr(dtm.matrix)
    huge = sp.csr_matrix(matrix.sum(axis=0) * 50)
    tiny = matrix[:1]
    chunk = sp.vstack([huge, tiny]).tocsr()
    chunk.sort_indices()
    indptr = chunk.indptr.astype(np.int64)
    assert len(estep._parts(np.arange(2), indptr, 4)) == 1
    model = _gensim_lda(dtm)
    model.random_state = utils.get_random_state(1)
    serial = estep.batched_inference(model, None, matrix=chunk)
    model.random_state = utils.get_random_state(1)
    pooled = estep.batched_inference(model, None, matrix=chunk, n_jobs=2)
    np.testing.assert_array_equal(pooled[0], serial[0])
