"""Latent Dirichlet allocation with gensim: :class:`LdaTopicModel` and its settings.

gensim trains the model; only the E-step runs vectorised over the short documents of a
mini-batch (:mod:`textkit.topics.estep`). :func:`new_gensim_lda` is the one place that
turns the settings (:class:`LdaConfig`) into gensim's keyword arguments: the estimator and
the streamed fit (:mod:`textkit.topics.streaming`) both build their gensim model through it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from textkit.core.checks import check_bool, check_choice, check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import worker_pool
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._base import _TopicModelBase
from textkit.topics._common import (
    _align,
    _bow,
    _check_dtm,
    _check_k_vs_docs,
    _dictionary,
    _no_lifecycle_log,
    _normalize_rows,
    _row_lengths,
    _sorted_csr,
    _topic_labels,
    _warn_empty,
)
from textkit.topics.estep import MatrixRows, batched_inference, vectorised_estep

__all__ = ["LdaConfig", "LdaTopicModel", "new_gensim_lda"]

logger = logging.getLogger(__name__)

ALPHA_STRINGS = ("symmetric", "asymmetric", "auto")
ETA_STRINGS = ("symmetric", "auto")


def check_prior(name: str, value: Any, strings: tuple[str, ...], allow_none: bool) -> Any:
    """Validate a Dirichlet prior setting: one of ``strings``, a positive number or an array.

    Numbers are returned as ``float``, arrays as ``float64`` arrays.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        return check_choice(name, value, strings)
    if isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(
            f"{name}: expected one of {strings}, a positive number or an array, got {value!r}"
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        return check_number(name, value, 0, low_open=True)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise InvalidParameterError(f"{name}: an array must be 1-D or 2-D and non-empty")
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise InvalidParameterError(f"{name}: array values must be positive and finite")
    return arr


@dataclass(frozen=True)
class LdaConfig:
    """Settings of :class:`LdaTopicModel` (see there for their meaning); validated on creation."""

    n_topics: int
    random_state: int = 0
    passes: int = 10
    iterations: int = 100
    alpha: Any = "symmetric"
    eta: Any = None
    chunksize: int = 2000
    decay: float = 0.5
    offset: float = 1.0
    gamma_threshold: float = 0.001
    multicore: bool = False
    workers: int | None = None

    def __post_init__(self) -> None:
        check_int("n_topics", self.n_topics, 1)
        check_int("random_state", self.random_state, 0)
        check_int("passes", self.passes, 1)
        check_int("iterations", self.iterations, 1)
        check_int("chunksize", self.chunksize, 1)
        alpha = check_prior("alpha", self.alpha, ALPHA_STRINGS, allow_none=False)
        if isinstance(alpha, np.ndarray) and alpha.shape != (self.n_topics,):
            raise InvalidParameterError(f"alpha: an array must have shape ({self.n_topics},)")
        eta = check_prior("eta", self.eta, ETA_STRINGS, allow_none=True)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "eta", eta)
        check_number("decay", self.decay, 0.5, 1.0)
        check_number("offset", self.offset, 1.0)
        check_number("gamma_threshold", self.gamma_threshold, 0, low_open=True)
        check_bool("multicore", self.multicore)
        if self.workers is not None:
            check_int("workers", self.workers, 1)
            if not self.multicore:
                raise InvalidParameterError("workers: only used with multicore=True")
        if self.multicore and alpha == "auto":
            raise InvalidParameterError(
                "alpha: 'auto' is not supported with multicore=True (gensim)"
            )

    def as_json(self) -> dict:
        """JSON-ready dict (arrays as lists)."""
        out = asdict(self)
        for k in ("alpha", "eta"):
            if isinstance(out[k], np.ndarray):
                out[k] = out[k].tolist()
        return out


def new_gensim_lda(config: LdaConfig, id2word: Any, eta: Any, corpus: Any = None) -> Any:
    """A gensim LDA model with textkit's settings: the one place they map to gensim's.

    ``float64``, ``eval_every=None``, ``minimum_probability=0``, seeded with
    ``config.random_state``; ``num_topics``, priors and the online-training settings from
    ``config``.

    Parameters
    ----------
    config : LdaConfig
        Validated settings.
    id2word : gensim.corpora.Dictionary
        Term ids of the corpus.
    eta : object
        Topic-term prior given to gensim (``config.eta``, or the seeded prior matrix).
    corpus : iterable of bag-of-words, optional
        Only for ``config.multicore``: :class:`gensim.models.LdaMulticore` trains on it when
        it is created.

    Returns
    -------
    gensim.models.LdaModel or gensim.models.LdaMulticore
        Without ``multicore``: an untrained :class:`~gensim.models.LdaModel` (``update_every=1``)
        with gensim's random initial topics, trained by the caller with ``model.update``
        (inside :func:`textkit.topics.estep.vectorised_estep`). With ``multicore``: the
        trained :class:`~gensim.models.LdaMulticore` (``config.workers`` processes; results
        are not reproducible).
    """
    kwargs = {
        "id2word": id2word,
        "num_topics": config.n_topics,
        "chunksize": config.chunksize,
        "passes": config.passes,
        "iterations": config.iterations,
        "alpha": config.alpha,
        "eta": eta,
        "decay": config.decay,
        "offset": config.offset,
        "gamma_threshold": config.gamma_threshold,
        "eval_every": None,
        "minimum_probability": 0.0,
        "random_state": config.random_state,
        "dtype": np.float64,
    }
    if config.multicore:
        from gensim.models import LdaMulticore

        logger.warning("LdaMulticore: results are not reproducible across runs")
        return LdaMulticore(corpus=corpus, workers=config.workers, **kwargs)
    from gensim.models import LdaModel

    return LdaModel(corpus=None, update_every=1, **kwargs)


class LdaTopicModel(_TopicModelBase):
    """Latent Dirichlet allocation with gensim, reproducible given ``random_state``.

    Parameters
    ----------
    n_topics : int
        Number of topics K (>= 1; at most the number of non-empty documents).
    random_state : int, default 0
        Seed of gensim's random state (initial topics and the document inference start).
    passes : int, default 10
        Passes over the corpus during training.
    iterations : int, default 100
        Maximum E-step iterations per document.
    alpha : {"symmetric", "asymmetric", "auto"}, float or array of shape (K,), default "symmetric"
        Document-topic prior (gensim's ``alpha``).
    eta : {None, "symmetric", "auto"}, float or array of shape (V,) or (K, V), default None
        Topic-term prior (gensim's ``eta``; ``None`` is gensim's symmetric ``1 / K``).
    chunksize, decay, offset, gamma_threshold
        gensim's online-training settings (defaults: 2000, 0.5, 1.0, 0.001). With
        ``chunksize`` at least the number of documents each pass is one batch update.
    multicore : bool, default False
        Use :class:`gensim.models.LdaMulticore` (``workers`` processes). Faster on large
        corpora, but **not reproducible**: results depend on how work is scheduled across
        workers, even with a fixed seed. Use the default for published results.
    workers : int, optional
        Worker processes for ``multicore=True``.
    n_jobs : int, default 1
        Worker processes for the E-step of long documents (articles; see
        :func:`textkit.topics.estep.batched_inference`), ``-1`` for every core. Unlike
        ``multicore`` it changes nothing in the result: every document is computed by the same
        code from the same start, so the model is bit for bit the one of ``n_jobs=1``. It is
        not part of the settings (``config``), a saved model's stamp or cache keys.

    Attributes
    ----------
    model_ : gensim.models.LdaModel
        The fitted gensim model (``float64``).
    doc_topic_ : DataFrame
        Documents x topics (index ``doc_id``, columns topic labels ``T01``...), rows sum to 1
        (gensim ``minimum_probability=0``). Empty documents get the prior mean.
    topic_term_ : DataFrame
        Topics x terms, rows sum to 1.
    term_frequency_ : Series
        Corpus frequency of each term in the training matrix.
    doc_lengths_ : Series
        Tokens per training document.
    empty_docs_ : tuple of str
        Ids of training documents without tokens (reported with a ``UserWarning``).
    topic_labels_, vocabulary_, doc_ids_, vocabulary_hash_
        Labels and ids of the fitted model.

    Examples
    --------
    >>> model = LdaTopicModel(n_topics=8, random_state=1).fit(dtm)  # doctest: +SKIP
    >>> top_terms(model, n=10, by="frex")  # doctest: +SKIP
    """

    method = "lda"
    #: The setting named when there are more topics than non-empty documents.
    _k_setting = "n_topics"

    def __init__(
        self,
        n_topics: int,
        random_state: int = 0,
        passes: int = 10,
        iterations: int = 100,
        alpha: Any = "symmetric",
        eta: Any = None,
        chunksize: int = 2000,
        decay: float = 0.5,
        offset: float = 1.0,
        gamma_threshold: float = 0.001,
        multicore: bool = False,
        workers: int | None = None,
        n_jobs: int | None = 1,
    ) -> None:
        self.n_topics = n_topics
        self.random_state = random_state
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.decay = decay
        self.offset = offset
        self.gamma_threshold = gamma_threshold
        self.multicore = multicore
        self.workers = workers
        self.n_jobs = n_jobs

    def _settings(self) -> LdaConfig:
        return LdaConfig(**self._result_params())

    # -- hooks for the seeded subclass
    def _labels(self, config: LdaConfig) -> tuple[str, ...]:
        return _topic_labels(config.n_topics)

    def _prepare(self, dtm: DocumentTermMatrix) -> None:
        """Data-dependent checks of the subclass, after the matrix checks (none here)."""

    def _eta_for(self, dtm: DocumentTermMatrix, config: LdaConfig) -> Any:
        eta = config.eta
        if isinstance(eta, np.ndarray):
            k, v = config.n_topics, dtm.shape[1]
            if eta.shape not in ((v,), (k, v)):
                raise InvalidParameterError(f"eta: an array must have shape ({v},) or ({k}, {v})")
        return eta

    def fit(self, dtm: DocumentTermMatrix) -> LdaTopicModel:
        """Fit the model to a document-term matrix.

        Parameters
        ----------
        dtm : DocumentTermMatrix
            Training documents (not modified).

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            An invalid parameter, more topics than non-empty documents, or a prior of the
            wrong shape, before any work starts (a ``ValueError``).
        ValueError
            An empty vocabulary.
        """
        return self._fit(dtm, infer_documents=True)

    def _fit(self, dtm: DocumentTermMatrix, infer_documents: bool) -> LdaTopicModel:
        """:meth:`fit`; without ``infer_documents`` the final inference of the training
        documents' topic shares is left out and ``doc_topic_`` is not set: for callers that
        read only the topics (:func:`textkit.topics.select.select_k`)."""
        cfg = self._settings()
        _check_dtm(dtm)
        _check_k_vs_docs(cfg.n_topics, dtm, setting=self._k_setting)
        self._prepare(dtm)
        eta = self._eta_for(dtm, cfg)
        labels = self._labels(cfg)
        matrix = _sorted_csr(dtm.matrix)
        lengths = _row_lengths(matrix)
        empty = _warn_empty(dtm.doc_ids, lengths, stacklevel=4)  # fit -> _fit -> here
        dictionary = _dictionary(dtm.vocabulary, matrix)
        if cfg.multicore:
            model = new_gensim_lda(cfg, dictionary, eta, corpus=_bow(matrix))
        else:
            model = new_gensim_lda(cfg, dictionary, eta)
            self._init_state(model, dtm)
            rows = MatrixRows(matrix)
        # one set of worker processes for every pass and the final inference
        with worker_pool(self._n_jobs()) as pool:
            if not cfg.multicore:
                with vectorised_estep(model, n_jobs=pool.n_jobs, rows=rows, pool=pool):
                    model.update(rows)
            _no_lifecycle_log(model)
            self._fit_config = cfg
            self.model_ = model
            topic_term = np.asarray(model.get_topics(), dtype=np.float64)
            doc_topic = self._infer(matrix, pool=pool) if infer_documents else None
        self._set_fitted(dtm, labels, _normalize_rows(topic_term), doc_topic, empty)
        logger.info("fitted LDA: %d topics, %d documents, %d terms", len(labels), *dtm.shape)
        return self

    def _init_state(self, model: Any, dtm: DocumentTermMatrix) -> None:
        """Hook run after gensim's random initialisation, before training (no-op here)."""

    def _prior_mean(self) -> np.ndarray:
        alpha = np.asarray(self.model_.alpha, dtype=np.float64)
        return alpha / alpha.sum()

    def _infer(self, matrix: sp.csr_matrix, pool: Any = None) -> np.ndarray:
        """Normalised variational gamma, with the random start reset to ``random_state``.

        gensim draws the start of each document's gamma from the model's random state, so
        inference is made repeatable by resetting that state before every call.
        """
        from gensim import utils

        model = self.model_
        model.random_state = utils.get_random_state(self._fit_config.random_state)
        gamma, _ = batched_inference(
            model, None, matrix=_sorted_csr(matrix), n_jobs=self._n_jobs(), pool=pool
        )
        out = _normalize_rows(gamma)
        lengths = _row_lengths(matrix)
        out[lengths <= 0] = self._prior_mean()
        return out

    def transform(self, dtm: DocumentTermMatrix) -> pd.DataFrame:
        """Topic shares of (new) documents.

        Parameters
        ----------
        dtm : DocumentTermMatrix
            Documents to score; terms are matched by name (terms unknown to the model are
            ignored).

        Returns
        -------
        DataFrame
            Documents x topics, rows sum to 1 (empty documents get the prior mean).
        """
        self._check_fitted()
        _check_dtm(dtm)
        matrix = _align(dtm, self.vocabulary_)
        theta = self._infer(matrix)
        return pd.DataFrame(
            theta,
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            columns=pd.Index(self.topic_labels_, name="topic"),
        )

    def log_perplexity(self, dtm: DocumentTermMatrix) -> float:
        """Per-word variational bound on held-out documents (gensim ``log_perplexity``).

        Perplexity is ``2 ** -bound``. The random start of inference is reset to
        ``random_state`` so the number is repeatable. The bound includes a prior term that
        grows with K, so it is not a fair way to compare K: use :func:`textkit.topics.select.heldout_perplexity`.
        """
        from gensim import utils

        self._check_fitted()
        matrix = _align(dtm, self.vocabulary_)
        if matrix.sum() <= 0:
            raise ValueError("dtm: held-out documents contain no known tokens")
        self.model_.random_state = utils.get_random_state(self._fit_config.random_state)
        return float(self.model_.log_perplexity(_bow(matrix)))
