"""Non-negative matrix factorisation of tf-idf weights (scikit-learn): :class:`NmfTopicModel`."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_bool, check_choice, check_int, check_number
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._base import _TopicModelBase
from textkit.topics._common import (
    _align,
    _check_dtm,
    _check_k_vs_docs,
    _normalize_rows,
    _row_lengths,
    _topic_labels,
    _warn_empty,
)

__all__ = ["NmfConfig", "NmfTopicModel"]

logger = logging.getLogger(__name__)

_NMF_INITS = (None, "random", "nndsvd", "nndsvda", "nndsvdar")


@dataclass(frozen=True)
class NmfConfig:
    """Settings of :class:`NmfTopicModel` (see there for their meaning); validated on creation."""

    n_topics: int
    random_state: int = 0
    init: str | None = "nndsvda"
    max_iter: int = 400
    tol: float = 1e-4
    beta_loss: str = "frobenius"
    alpha_W: float = 0.0
    alpha_H: float | str = "same"
    l1_ratio: float = 0.0
    sublinear_tf: bool = True

    def __post_init__(self) -> None:
        check_int("n_topics", self.n_topics, 1)
        check_int("random_state", self.random_state, 0)
        check_int("max_iter", self.max_iter, 1)
        check_choice("init", self.init, _NMF_INITS)
        check_choice("beta_loss", self.beta_loss, ("frobenius", "kullback-leibler"))
        check_number("tol", self.tol, 0, low_open=True)
        check_number("alpha_W", self.alpha_W, 0)
        if not (isinstance(self.alpha_H, str) and self.alpha_H == "same"):
            check_number("alpha_H", self.alpha_H, 0)
        check_number("l1_ratio", self.l1_ratio, 0, 1)
        check_bool("sublinear_tf", self.sublinear_tf)

    def as_json(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


class NmfTopicModel(_TopicModelBase):
    """Non-negative matrix factorisation of tf-idf weights (scikit-learn).

    The count matrix is weighted with :class:`sklearn.feature_extraction.text.TfidfTransformer`
    (l2-normalised rows, smooth idf, ``sublinear_tf`` by default) and factorised with
    :class:`sklearn.decomposition.NMF`. Topic-term and document-topic weights are normalised to
    sum to 1 per row so they read like LDA's; the raw factors are kept in ``nmf_``.

    Parameters
    ----------
    n_topics : int
        Number of topics.
    random_state : int, default 0
        Seed of NMF. With the default deterministic ``init="nndsvda"`` the seed has almost no
        effect; use ``init="random"`` to study sensitivity to the start (``topic_stability``).
    init : {"nndsvda", "nndsvd", "nndsvdar", "random", None}, default "nndsvda"
    max_iter : int, default 400
    tol : float, default 1e-4
    beta_loss : {"frobenius", "kullback-leibler"}, default "frobenius"
    alpha_W, alpha_H, l1_ratio : float
        Regularisation (scikit-learn's meaning); defaults 0, "same", 0.
    sublinear_tf : bool, default True
        Use ``1 + log(tf)`` in the tf-idf weighting.

    Attributes
    ----------
    nmf_ : sklearn.decomposition.NMF
    tfidf_ : sklearn.feature_extraction.text.TfidfTransformer
    doc_topic_, topic_term_, term_frequency_, doc_lengths_, empty_docs_
        As :class:`LdaTopicModel`; empty documents get equal shares ``1 / K``.
    """

    method = "nmf"

    def __init__(
        self,
        n_topics: int,
        random_state: int = 0,
        init: str | None = "nndsvda",
        max_iter: int = 400,
        tol: float = 1e-4,
        beta_loss: str = "frobenius",
        alpha_W: float = 0.0,
        alpha_H: float | str = "same",
        l1_ratio: float = 0.0,
        sublinear_tf: bool = True,
    ) -> None:
        self.n_topics = n_topics
        self.random_state = random_state
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.beta_loss = beta_loss
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.sublinear_tf = sublinear_tf

    def _settings(self) -> NmfConfig:
        return NmfConfig(**self.get_params(deep=False))

    def fit(self, dtm: DocumentTermMatrix) -> NmfTopicModel:
        """Fit NMF to the tf-idf weights of ``dtm`` (not modified); returns self.

        Raises
        ------
        InvalidParameterError
            An invalid parameter or more topics than non-empty documents, before any work
            (a ``ValueError``).
        ValueError
            An empty vocabulary.
        """
        from sklearn.feature_extraction.text import TfidfTransformer

        cfg = self._settings()
        _check_dtm(dtm)
        _check_k_vs_docs(cfg.n_topics, dtm)
        matrix = dtm.matrix.tocsr().astype(np.float64)
        lengths = _row_lengths(matrix)
        empty = _warn_empty(dtm.doc_ids, lengths)
        tfidf = TfidfTransformer(sublinear_tf=cfg.sublinear_tf)
        x = tfidf.fit_transform(matrix)
        nmf = _make_nmf(cfg)
        w = nmf.fit_transform(x)
        if nmf.n_iter_ >= cfg.max_iter:
            logger.warning("NMF stopped at max_iter=%d without converging", cfg.max_iter)
        self._fit_config = cfg
        self.nmf_ = nmf
        self.tfidf_ = tfidf
        labels = _topic_labels(cfg.n_topics)
        k = cfg.n_topics
        doc_topic = _normalize_rows(w, fill=np.full(k, 1.0 / k))
        topic_term = _normalize_rows(
            nmf.components_, fill=np.full(dtm.shape[1], 1.0 / dtm.shape[1])
        )
        self._set_fitted(dtm, labels, topic_term, doc_topic, empty)
        logger.info("fitted NMF: %d topics, %d documents, %d terms", k, *dtm.shape)
        return self

    def transform(self, dtm: DocumentTermMatrix) -> pd.DataFrame:
        """Topic shares of (new) documents; rows sum to 1 (empty documents: ``1 / K``)."""
        self._check_fitted()
        _check_dtm(dtm)
        matrix = _align(dtm, self.vocabulary_).astype(np.float64)
        w = self.nmf_.transform(self.tfidf_.transform(matrix))
        k = len(self.topic_labels_)
        return pd.DataFrame(
            _normalize_rows(w, fill=np.full(k, 1.0 / k)),
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            columns=pd.Index(self.topic_labels_, name="topic"),
        )


def _make_nmf(cfg: NmfConfig) -> Any:
    from sklearn.decomposition import NMF

    return NMF(
        n_components=cfg.n_topics,
        init=cfg.init,
        random_state=cfg.random_state,
        max_iter=cfg.max_iter,
        tol=cfg.tol,
        beta_loss=cfg.beta_loss,
        solver="mu" if cfg.beta_loss != "frobenius" else "cd",
        alpha_W=cfg.alpha_W,
        alpha_H=cfg.alpha_H,
        l1_ratio=cfg.l1_ratio,
    )
