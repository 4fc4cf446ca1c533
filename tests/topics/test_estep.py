"""Tests of textkit.topics.estep: the vectorised E-step equals gensim's."""

from __future__ import annotations

import numpy as np
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
