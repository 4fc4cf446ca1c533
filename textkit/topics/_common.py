"""Helpers shared by the topic modules: input checks, row arithmetic, gensim input.

Not public: the verbs of :mod:`textkit.topics` call these so that a matrix is checked,
aligned and turned into gensim's bag-of-words the same way everywhere.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError, NotFittedError
from textkit.core.io import sha256_text
from textkit.dtm.vectorizer import DocumentTermMatrix

logger = logging.getLogger(__name__)


def _check_dtm(dtm: Any) -> DocumentTermMatrix:
    if not isinstance(dtm, DocumentTermMatrix):
        raise InvalidParameterError(
            f"dtm: expected a textkit.dtm.vectorizer.DocumentTermMatrix, got {type(dtm).__name__}"
        )
    n_docs, n_terms = dtm.shape
    if n_terms == 0:
        raise ValueError("dtm: the vocabulary is empty (check vectorize's min_df / max_df)")
    if n_docs == 0:
        raise ValueError("dtm: no documents")
    return dtm


def _check_n_topics(setting: str, n_topics: int, n_docs: int, what: str) -> int:
    """``n_topics`` checked against the number of documents it is estimated from."""
    try:
        return check_int(setting, n_topics, 1, n_docs)
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"{exc} (the number of {what}); choose fewer topics") from None


def _check_k_vs_docs(n_topics: int, dtm: DocumentTermMatrix, setting: str = "n_topics") -> None:
    lengths = np.asarray(dtm.matrix.sum(axis=1)).ravel()
    n_nonempty = int((lengths > 0).sum())
    if n_nonempty == 0:
        raise ValueError("dtm: every document is empty (no tokens left after vectorizing)")
    _check_n_topics(setting, n_topics, n_nonempty, "non-empty documents")


def _require_fitted(model: Any, name: str = "model", attribute: str = "topic_term_") -> None:
    """Raise :class:`NotFittedError` unless ``model`` has the fitted ``attribute``."""
    if not hasattr(model, attribute):
        raise NotFittedError(f"{name}: not fitted (call fit first)")


def _topic_labels(k: int) -> tuple[str, ...]:
    width = max(2, len(str(k)))
    return tuple(f"T{i + 1:0{width}d}" for i in range(k))


def _normalize_rows(a: np.ndarray, fill: np.ndarray | None = None) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    s = a.sum(axis=1, keepdims=True)
    out = np.divide(a, s, out=np.zeros_like(a), where=s > 0)
    if fill is not None:
        out[(s <= 0).ravel()] = fill
    return out


def _row_lengths(matrix: sp.spmatrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel()


def _warn_empty(
    doc_ids: Sequence[str], lengths: np.ndarray, stacklevel: int = 3
) -> tuple[str, ...]:
    """The ids of the documents without tokens, warned about (``stacklevel``: the frames
    between the caller's line and this function, plus one)."""
    empty = tuple(d for d, n in zip(doc_ids, lengths, strict=True) if n <= 0)
    if empty:
        shown = ", ".join(empty[:10]) + (" ..." if len(empty) > 10 else "")
        msg = (
            f"{len(empty)} document(s) have no tokens; their topic shares are the prior "
            f"mean (listed in empty_docs_): {shown}"
        )
        warnings.warn(msg, UserWarning, stacklevel=stacklevel)
        logger.warning(msg)
    return empty


def _vocab_hash(vocabulary: Sequence[str]) -> str:
    return sha256_text("\n".join(vocabulary))


def _subset(dtm: DocumentTermMatrix, rows: np.ndarray) -> DocumentTermMatrix:
    return DocumentTermMatrix(
        matrix=dtm.matrix.tocsr()[rows],
        doc_ids=tuple(dtm.doc_ids[i] for i in rows),
        vocabulary=dtm.vocabulary,
        pruned=dtm.pruned,
    )


def _align(dtm: DocumentTermMatrix, vocabulary: Sequence[str]) -> sp.csr_matrix:
    """Columns of ``dtm`` reordered to ``vocabulary`` (unknown terms dropped, missing = 0)."""
    if tuple(dtm.vocabulary) == tuple(vocabulary):
        return dtm.matrix.tocsr()
    index = {t: j for j, t in enumerate(vocabulary)}
    cols = np.array([index.get(t, -1) for t in dtm.vocabulary], dtype=np.int64)
    known = cols >= 0
    n_unknown = int((~known).sum())
    if n_unknown:
        logger.info("transform: %d terms not in the model vocabulary are ignored", n_unknown)
    if not known.any():
        raise ValueError("dtm: none of its terms is in the model vocabulary")
    csc = dtm.matrix.tocsc()[:, np.flatnonzero(known)]
    coo = csc.tocoo()
    mapped = cols[known][coo.col]
    out = sp.csr_matrix(
        (coo.data, (coo.row, mapped)), shape=(dtm.shape[0], len(vocabulary)), dtype=np.int64
    )
    out.sum_duplicates()
    out.sort_indices()
    return out


def _sorted_csr(matrix: sp.spmatrix) -> sp.csr_matrix:
    """``matrix`` as CSR with sorted column indices, never sorting the caller's matrix."""
    csr = matrix.tocsr()
    if not csr.has_sorted_indices:
        csr = csr.sorted_indices()
    return csr


def _bow(matrix: sp.csr_matrix) -> list[list[tuple[int, int]]]:
    """gensim bag-of-words rows of ``matrix``: ``(term id, int(count))`` pairs, ids sorted."""
    csr = _sorted_csr(matrix)
    pairs = list(zip(csr.indices.tolist(), csr.data.astype(np.int64).tolist(), strict=True))
    bounds = csr.indptr.tolist()
    return [pairs[s:e] for s, e in itertools.pairwise(bounds)]


def _no_lifecycle_log(model: Any) -> None:
    """Drop gensim's lifecycle log (wall-clock times, paths) so saved models are repeatable.

    gensim appends ``{"datetime": ..., "platform": ...}`` records to ``lifecycle_events`` on
    creation and on every save; setting the attribute to ``None`` is gensim's documented way to
    switch this off.
    """
    for obj in (model, getattr(model, "state", None), getattr(model, "id2word", None)):
        if obj is not None:
            obj.lifecycle_events = None


def _dictionary(vocabulary: Sequence[str], matrix: sp.csr_matrix) -> Any:
    from gensim.corpora import Dictionary

    d = Dictionary()
    d.token2id = {t: j for j, t in enumerate(vocabulary)}
    csc = matrix.tocsc()
    dfs = np.diff(csc.indptr)
    cfs = np.asarray(csc.sum(axis=0)).ravel()
    d.dfs = {j: int(dfs[j]) for j in range(len(vocabulary))}
    d.cfs = {j: int(cfs[j]) for j in range(len(vocabulary))}
    d.num_docs = int(matrix.shape[0])
    d.num_pos = int(matrix.sum())
    d.num_nnz = int(matrix.nnz)
    return d


def _library_versions() -> dict[str, str]:
    import gensim
    import scipy
    import sklearn

    return {
        "gensim": gensim.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }
