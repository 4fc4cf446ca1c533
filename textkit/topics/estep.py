"""gensim's LDA E-step, vectorised over the documents of a chunk.

gensim's :meth:`gensim.models.LdaModel.inference` updates one document at a time in a Python
loop: for each document, up to ``iterations`` rounds of a handful of NumPy calls on arrays of
K numbers. On short documents (paragraphs of ~20 tokens) the interpreter's overhead per call
is the whole cost: the E-step took 45 of the 77 s of the topic notebook (profiled, one
process).

:func:`batched_inference` runs the same updates (Hoffman, Blei and Bach's online variational
Bayes, as gensim implements it) for all short documents of the chunk at once, on a sparse
document-term matrix (in blocks of at most :data:`BLOCK_SIZE` cells x topics, so memory
stays bounded); documents of at least :data:`LONG_DOCUMENT` cells x topics run through gensim's
loop itself, whose dense products are faster there. Either way:

* the same random start: ``gamma`` drawn from the model's ``random_state`` with gensim's
  call, so the random stream is consumed exactly as gensim consumes it;
* the same update per document, ``gamma_d = alpha + expElogtheta_d * (n_d / phinorm_d) @
  expElogbeta_d.T``, with gensim's own ``dirichlet_expectation`` (its Cython digamma);
* the same stopping rule per document: a document leaves the active set in the round its
  mean absolute change of ``gamma`` drops below ``gamma_threshold``, or after ``iterations``
  rounds;
* the same sufficient statistics, ``sstats[k, w] = sum_d n_dw expElogtheta_dk / phinorm_dw``
  times ``expElogbeta``.

For short documents only the order of floating-point additions differs (batched sums
instead of dense dots), so with ``float64`` models (textkit's) results equal gensim's to
rounding (tested to 1e-9 relative), not bit for bit; long documents are bit for bit. With
``float32`` the rounding can flip a document's stopping test, and results differ from
gensim's by up to about 1e-3. Documents are expected to list each term once, as gensim's
``Dictionary.doc2bow`` and textkit's matrices do: for a repeated term id gensim's
sufficient statistics keep only the last repeat, the batched ones add them all. Measured against plain gensim on the same
matrix: 3.3-4.5x per inference pass on the seed paragraphs, 1.6x on 10 MB of paragraphs
at K = 20, and the same speed on whole articles (``benchmarks/run.py``).

With ``n_jobs > 1`` the long documents' loops run in worker processes, handed the chunk once
and sending back only their documents' state: each document is computed by the same code from
the same start, so the result is bit for bit that of one process (1.5-1.6x faster on 1,367
articles at K = 20 with two processes). :class:`MatrixRows` lets gensim train on the rows of a
document-term matrix without building bag-of-words lists.

:func:`vectorised_estep` installs it on one model for the duration of a ``with`` block, so
gensim's own training loop (``update``: chunks, M-step, alpha optimisation) runs unchanged
around it; the instance attribute is removed afterwards, so a saved model is a plain gensim
``LdaModel``.
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

#: A document with at least this many (term cells x topics) is run through gensim's own
#: per-document loop: its dense BLAS products beat the batched arrays on long documents.
#: Measured crossover on synthetic chunks: about 2,000 at K = 8, 1,200 at K = 20.
__all__ = [
    "BLOCK_SIZE",
    "LONG_DOCUMENT",
    "MatrixRows",
    "PARALLEL_MIN_WORK",
    "PARTS_PER_WORKER",
    "batched_inference",
    "chunk_matrix",
    "vectorised_estep",
]

LONG_DOCUMENT = 1_500
#: Short documents are iterated together in blocks of at most this many cells x topics,
#: which bounds each working array (topics x cells, float64) at 16 MB whatever K is.
BLOCK_SIZE = 2_000_000
#: Long documents go to worker processes (``n_jobs > 1``) only when they hold at least this
#: many cells x topics in a chunk: below it, starting the processes costs more than it saves.
PARALLEL_MIN_WORK = 1_000_000
#: Parts of the long documents per worker: two balance documents that converge late.
PARTS_PER_WORKER = 2


def chunk_matrix(
    chunk: Sequence[Sequence[tuple[int, float]]], num_terms: int, dtype
) -> sp.csr_matrix:
    """A chunk of gensim bag-of-words documents as a CSR matrix (rows in chunk order)."""
    lengths = np.fromiter((len(doc) for doc in chunk), dtype=np.int64, count=len(chunk))
    indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    nnz = int(indptr[-1])
    pairs = itertools.chain.from_iterable(chunk)
    flat = np.fromiter(itertools.chain.from_iterable(pairs), dtype=np.float64, count=2 * nnz)
    ids = flat[0::2].astype(np.int64)
    counts = flat[1::2].astype(dtype, copy=False)
    return sp.csr_matrix((counts, ids, indptr), shape=(len(chunk), num_terms))


def batched_inference(
    model: Any,
    chunk: Any,
    collect_sstats: bool = False,
    *,
    matrix: sp.csr_matrix | None = None,
    n_jobs: int = 1,
    pool: Any = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """gensim ``LdaModel.inference`` for all documents of a chunk at once.

    Parameters
    ----------
    model : gensim.models.LdaModel
        Supplies ``expElogbeta``, ``alpha``, ``iterations``, ``gamma_threshold``, ``dtype``
        and the ``random_state`` the start of ``gamma`` is drawn from (advanced as gensim
        advances it).
    chunk : list of list of (int, float)
        Bag-of-words documents; ignored when ``matrix`` is given.
    collect_sstats : bool
        Also return the sufficient statistics of the M-step.
    matrix : scipy.sparse.csr_matrix, optional
        The chunk as a documents x terms matrix of counts (avoids converting ``chunk``).
    n_jobs : int, default 1
        Worker processes for the long documents (:func:`textkit.core.executor.map_documents`)
        when they hold at least :data:`PARALLEL_MIN_WORK` cells x topics. Every document is
        computed by the same code from the same start, so the result is bit for bit the same
        for any ``n_jobs``.
    pool : textkit.core.executor.WorkerPool, optional
        Processes kept across calls (the passes of one fit): the long documents go to them,
        each part with its own cells, instead of to processes started for this call. Its
        ``n_jobs`` replaces ``n_jobs``. The result is the same.

    Returns
    -------
    gamma : ndarray, shape (documents, topics)
    sstats : ndarray, shape (topics, terms), or None
    """
    from gensim.matutils import dirichlet_expectation

    dtype = model.dtype
    if matrix is None:
        chunk = chunk if isinstance(chunk, Sequence) else list(chunk)
        matrix = chunk_matrix(chunk, model.num_terms, dtype)
    n_docs = matrix.shape[0]
    n_topics = model.num_topics
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (n_docs, n_topics)).astype(
        dtype, copy=False
    )
    exp_theta = np.exp(dirichlet_expectation(gamma))
    exp_beta = model.expElogbeta
    indptr = matrix.indptr.astype(np.int64)
    cols = matrix.indices.astype(np.int64)
    counts = matrix.data.astype(dtype, copy=False)
    lengths = np.diff(indptr)
    epsilon = np.finfo(dtype).eps
    phinorm = np.empty(len(cols), dtype=dtype)  # every cell's normaliser, set below
    alpha = np.asarray(model.alpha, dtype=dtype)

    empty = lengths == 0
    long = lengths * n_topics >= LONG_DOCUMENT
    _long_documents(
        _LongState(alpha, exp_beta, int(model.iterations), float(model.gamma_threshold), epsilon),
        np.flatnonzero(long),
        (indptr, cols, counts),
        (gamma, exp_theta, phinorm),
        pool.n_jobs if pool is not None else n_jobs,
        pool,
    )
    if empty.any() and model.iterations >= 1:
        # gensim: round 1 sets gamma to alpha, round 2 changes nothing and stops.
        gamma[empty] = alpha
        exp_theta[empty] = np.exp(dirichlet_expectation(gamma[empty]))
    short = ~long & ~empty
    for lo, hi in _blocks(indptr, max(1, BLOCK_SIZE // n_topics)):
        docs = lo + np.flatnonzero(short[lo:hi])
        if len(docs):
            _iterate(model, alpha, docs, indptr, cols, counts, gamma, exp_theta, phinorm, epsilon)

    sstats = None
    if collect_sstats:
        ratio = sp.csr_matrix((counts / phinorm, cols, indptr), shape=(n_docs, model.num_terms))
        sstats = np.asarray((ratio.T @ exp_theta).T, dtype=dtype) * exp_beta
    return gamma, sstats


def _blocks(indptr: np.ndarray, max_cells: int) -> Iterator[tuple[int, int]]:
    """Consecutive document ranges ``[lo, hi)`` of at most ``max_cells`` cells (or one document)."""
    n_docs, lo = len(indptr) - 1, 0
    while lo < n_docs:
        hi = int(np.searchsorted(indptr, indptr[lo] + max_cells, side="right")) - 1
        hi = min(max(hi, lo + 1), n_docs)
        yield lo, hi
        lo = hi


def _iterate(model, alpha, docs, indptr, cols, counts, gamma, exp_theta, phinorm, epsilon):
    """Run gensim's rounds for the (short) documents ``docs`` at once, writing their state back.

    The working set holds the documents still iterating, with their own copies of the state
    (cells laid out topics x cells, so every operation runs along long rows). A document that
    stops has its state written back and is masked out; the working set is compacted only
    when it has shrunk by a quarter, not in every round.
    """
    from gensim.matutils import dirichlet_expectation

    work = _WorkingSet(docs, indptr, cols, gamma, exp_theta, counts, model.expElogbeta, epsilon)
    alive = np.ones(len(work.docs), dtype=bool)
    for _ in range(int(model.iterations)):
        if not alive.any():
            break
        weighted = work.beta * (work.counts / work.phinorm)
        new_gamma = alpha + work.exp_theta * np.add.reduceat(weighted, work.starts, axis=1).T
        new_exp = np.exp(dirichlet_expectation(new_gamma))
        work.phinorm = _phinorm(new_exp, work.lengths, work.beta, epsilon)
        change = np.abs(new_gamma - work.gamma).mean(axis=1)
        work.gamma, work.exp_theta = new_gamma, new_exp
        done = alive & (change < model.gamma_threshold)
        if done.any():
            work.store(done, gamma, exp_theta, phinorm)
            alive &= ~done
            if alive.sum() <= 0.75 * len(alive):
                work = work.compact(alive)
                alive = np.ones(len(work.docs), dtype=bool)
    work.store(alive, gamma, exp_theta, phinorm)  # out of rounds


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Where each document's run of cells starts, for runs of ``lengths`` laid end to end."""
    out = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=out[1:])
    return out


def _phinorm(exp_theta: np.ndarray, lengths: np.ndarray, beta: np.ndarray, epsilon: float):
    """``sum_k expElogtheta[d, k] * expElogbeta[k, w] + eps`` for every cell (d, w).

    ``exp_theta`` is documents x topics, ``beta`` topics x cells with each document's
    ``lengths`` cells in a run.
    """
    per_cell = np.repeat(np.ascontiguousarray(exp_theta.T), lengths, axis=1)
    return np.einsum("kn,kn->n", per_cell, beta) + epsilon


@dataclass(frozen=True)
class _LongState:
    """What every long document's loop reads besides its own cells (sent to the workers)."""

    alpha: np.ndarray
    exp_beta: np.ndarray
    iterations: int
    gamma_threshold: float
    epsilon: float


def _one_document(state: _LongState, gamma_d, exp_theta_d, exp_beta_d, counts_d):
    """gensim's loop for one document (its own code, used for long documents)."""
    from gensim.matutils import dirichlet_expectation, mean_absolute_difference

    alpha, epsilon = state.alpha, state.epsilon
    phinorm_d = np.dot(exp_theta_d, exp_beta_d) + epsilon
    for _ in range(state.iterations):
        last = gamma_d
        gamma_d = alpha + exp_theta_d * np.dot(counts_d / phinorm_d, exp_beta_d.T)
        exp_theta_d = np.exp(dirichlet_expectation(gamma_d))
        phinorm_d = np.dot(exp_theta_d, exp_beta_d) + epsilon
        if mean_absolute_difference(gamma_d, last) < state.gamma_threshold:
            break
    return gamma_d, exp_theta_d, phinorm_d


def _long_documents(state: _LongState, docs, cells, out, n_jobs: int, pool: Any = None) -> None:
    """Run gensim's loop for the long documents ``docs``, writing into ``out`` in place.

    ``cells`` is the chunk's ``(indptr, cols, counts)``, ``out`` its ``(gamma, exp_theta,
    phinorm)``. With ``n_jobs > 1`` and enough work the documents are cut into consecutive
    parts of about equal cells that run in worker processes; the workers are handed the
    chunk once (:func:`textkit.core.executor.map_shared`) and send back only their
    documents' state. With a ``pool`` (:class:`textkit.core.executor.WorkerPool`, kept
    across calls) each part is sent with its own cells and start instead.
    """
    indptr, cols, counts = cells
    gamma, exp_theta, phinorm = out
    if not len(docs):
        return
    work = int((indptr[docs + 1] - indptr[docs]).sum()) * state.exp_beta.shape[0]
    if n_jobs <= 1 or work < PARALLEL_MIN_WORK:
        for d in docs:
            s, e = indptr[d], indptr[d + 1]
            gamma[d], exp_theta[d], phinorm[s:e] = _one_document(
                state, gamma[d], exp_theta[d], state.exp_beta[:, cols[s:e]], counts[s:e]
            )
        return
    parts = _parts(docs, indptr, n_jobs * PARTS_PER_WORKER)  # one part runs here
    if pool is not None:
        own = [_own_part(state, part, cells, gamma, exp_theta) for part in parts]
        results = pool.map(_run_own_part, own)
    else:
        from textkit.core.executor import map_shared

        results = map_shared(_run_part, (state, cells, (gamma, exp_theta)), parts, n_jobs, 1)
    for part, (g, t, p) in zip(parts, results, strict=True):
        gamma[part], exp_theta[part] = g, t
        phinorm[_cells_of(part, indptr)] = p


def _parts(docs: np.ndarray, indptr: np.ndarray, n_parts: int) -> list[np.ndarray]:
    """``docs`` cut into at most ``n_parts`` consecutive runs of about equal cells."""
    sizes = np.cumsum(indptr[docs + 1] - indptr[docs])
    bounds = np.searchsorted(sizes, sizes[-1] * np.arange(1, n_parts) / n_parts, side="right")
    return [p for p in np.split(docs, np.unique(bounds)) if len(p)]


def _cells_of(docs: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Positions of the cells of ``docs``, each document's run in order."""
    starts, lengths = indptr[docs], indptr[docs + 1] - indptr[docs]
    return np.arange(int(lengths.sum())) + np.repeat(starts - _starts(lengths), lengths)


def _run_part(chunk: tuple, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """gensim's loop for the long documents ``docs`` of the ``chunk`` ``(state, cells,
    (gamma, exp_theta))`` every worker was handed once (:func:`map_shared`)."""
    state, cells, (gamma, exp_theta) = chunk
    return _run_own_part(_own_part(state, docs, cells, gamma, exp_theta))


def _own_part(state: _LongState, docs: np.ndarray, cells: tuple, gamma, exp_theta) -> tuple:
    """What a kept worker needs for the long documents ``docs``: the state, their own cells
    (offsets counted from 0) and their start."""
    indptr, cols, counts = cells
    at = _cells_of(docs, indptr)
    own_indptr = np.zeros(len(docs) + 1, dtype=indptr.dtype)
    np.cumsum(indptr[docs + 1] - indptr[docs], out=own_indptr[1:])
    return state, (own_indptr, cols[at], counts[at]), gamma[docs], exp_theta[docs]


def _run_own_part(part: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """gensim's loop for the documents of a part made by :func:`_own_part` (all of them)."""
    state, cells, gamma, exp_theta = part
    gamma, exp_theta = gamma.copy(), exp_theta.copy()
    phinorm = np.empty(len(cells[2]), dtype=cells[2].dtype)
    docs = np.arange(len(gamma))
    _long_documents(state, docs, cells, (gamma, exp_theta, phinorm), 1)
    return gamma, exp_theta, phinorm


class _WorkingSet:
    """The documents of :func:`batched_inference` that are still iterating, and their state."""

    def __init__(self, docs, indptr, cols, gamma, exp_theta, counts, exp_beta, epsilon):
        lengths = indptr[docs + 1] - indptr[docs]
        # the cells of ``docs``: each document's run of positions, concatenated
        shift = np.repeat(indptr[docs] - _starts(lengths), lengths)
        cells = np.arange(int(lengths.sum())) + shift
        beta = exp_beta[:, cols[cells]]  # topics x cells: expElogbeta of each cell's term
        phinorm = _phinorm(exp_theta[docs], lengths, beta, epsilon)
        self._set(docs, lengths, cells, gamma[docs], exp_theta[docs], phinorm, counts[cells], beta)

    def _set(self, docs, lengths, cells, gamma, exp_theta, phinorm, counts, beta) -> None:
        self.docs, self.lengths, self.cells = docs, lengths, cells
        self.gamma, self.exp_theta, self.phinorm = gamma, exp_theta, phinorm
        self.counts, self.beta = counts, beta
        self.starts = _starts(lengths)

    def store(self, which, gamma, exp_theta, phinorm) -> None:
        """Write the state of the working documents ``which`` back to the chunk's arrays."""
        gamma[self.docs[which]] = self.gamma[which]
        exp_theta[self.docs[which]] = self.exp_theta[which]
        cell_mask = np.repeat(which, self.lengths)
        phinorm[self.cells[cell_mask]] = self.phinorm[cell_mask]

    def compact(self, keep) -> _WorkingSet:
        """A working set of the documents ``keep`` only."""
        out = object.__new__(_WorkingSet)
        cell_mask = np.repeat(keep, self.lengths)
        out._set(
            self.docs[keep],
            self.lengths[keep],
            self.cells[cell_mask],
            self.gamma[keep],
            self.exp_theta[keep],
            self.phinorm[cell_mask],
            self.counts[cell_mask],
            self.beta[:, cell_mask],
        )
        return out


class MatrixRows(Sequence):
    """A document-term matrix as gensim's training corpus, without bag-of-words lists.

    gensim's ``update`` only counts a corpus and groups its documents into chunks for the
    E-step; the documents of this corpus are row numbers, and inside
    ``vectorised_estep(model, rows=corpus)`` the E-step reads the chunk's rows from the
    matrix, as
    :func:`chunk_matrix` would build them from the bag-of-words lists (counts truncated to
    integers, like ``int(count)`` of those lists). Only for training inside
    :func:`vectorised_estep`; gensim's own inference cannot read it.

    Parameters
    ----------
    matrix : scipy.sparse matrix
        Documents x terms counts (not modified).
    """

    def __init__(self, matrix: sp.spmatrix) -> None:
        csr = sp.csr_matrix(matrix, copy=True)
        csr.sort_indices()
        csr.data = csr.data.astype(np.int64)
        self.matrix = csr

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __getitem__(self, i: Any) -> Any:
        return range(len(self))[i]

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self)))

    def matrix_of(self, chunk: Sequence[int]) -> sp.csr_matrix:
        """The rows of ``chunk``, in its order."""
        rows = np.fromiter(chunk, dtype=np.int64, count=len(chunk))
        if len(rows) and np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
            return self.matrix[int(rows[0]) : int(rows[0]) + len(rows)]
        return self.matrix[rows]


@contextmanager
def vectorised_estep(
    model: Any, n_jobs: int = 1, rows: MatrixRows | None = None, pool: Any = None
) -> Iterator[Any]:
    """Run ``model``'s E-step with :func:`batched_inference` inside the block.

    ``n_jobs`` and ``pool`` are handed to :func:`batched_inference` (worker processes for
    long documents, kept across the mini-batches and passes with a ``pool``; the same result
    for any value). With ``rows``, a chunk of row numbers (the documents of that
    :class:`MatrixRows` corpus) is read from its matrix.

    Installs an ``inference`` method on this one model (gensim's ``update`` calls it for
    every mini-batch) and restores what was there before on the way out, exceptions
    included. Only for training: gensim's ``bound`` / ``log_perplexity`` infer one document
    per call, where gensim's own loop is faster, so leave them outside the block.
    """
    before = vars(model).get("inference", _MISSING)

    def inference(self: Any, chunk: Any, collect_sstats: bool = False):
        matrix = None
        if rows is not None and isinstance(chunk, Sequence) and chunk and _is_row(chunk[0]):
            matrix = rows.matrix_of(chunk)
        return batched_inference(
            self, chunk, collect_sstats, matrix=matrix, n_jobs=n_jobs, pool=pool
        )

    model.inference = types.MethodType(inference, model)
    try:
        yield model
    finally:
        if before is _MISSING:
            vars(model).pop("inference", None)
        else:
            model.inference = before


_MISSING = object()


def _is_row(doc: Any) -> bool:
    """A row number (a :class:`MatrixRows` document), not a bag-of-words list."""
    return isinstance(doc, (int, np.integer))
