"""What the three topic models share: the scikit-learn estimator contract and fitted tables.

Not public. :class:`_TopicModelBase` is a :class:`sklearn.base.BaseEstimator`: ``__init__``
only stores its parameters, ``get_params`` / ``set_params`` / :func:`sklearn.base.clone`
work from them, parameters are validated in ``fit`` (each model's ``_settings``), and a
method that needs a fitted model raises :class:`textkit.core.errors.NotFittedError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from textkit.core.errors import NotFittedError
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._common import _row_lengths, _vocab_hash

#: Parameters that change how a model is computed, never what it is: not in its settings,
#: a saved model's stamp or cache keys.
RESULT_FREE_PARAMS = frozenset({"n_jobs"})


class _TopicModelBase(BaseEstimator):
    """Shared estimator contract, fitted state and helpers; not public."""

    method = "base"

    def _settings(self) -> Any:
        """The validated settings of the current parameters (a frozen config dataclass)."""
        raise NotImplementedError

    @property
    def config(self) -> Any:
        """The model's settings, validated (``LdaConfig`` or ``NmfConfig``).

        Built from the current parameters on every access; an invalid parameter raises
        :class:`textkit.core.errors.InvalidParameterError` naming it.
        """
        return self._settings()

    def _set_fitted(
        self,
        dtm: DocumentTermMatrix,
        labels: Sequence[str],
        topic_term: np.ndarray,
        doc_topic: np.ndarray | None,
        empty: tuple[str, ...],
    ) -> None:
        """The fitted attributes (``doc_topic_`` only when ``doc_topic`` is given)."""
        vocab = list(dtm.vocabulary)
        self.topic_labels_ = tuple(labels)
        self.vocabulary_ = tuple(vocab)
        self.doc_ids_ = tuple(dtm.doc_ids)
        self.topic_term_ = pd.DataFrame(
            topic_term, index=pd.Index(labels, name="topic"), columns=pd.Index(vocab, name="term")
        )
        if doc_topic is None:
            self.__dict__.pop("doc_topic_", None)  # none of an earlier fit left behind
        else:
            self.doc_topic_ = pd.DataFrame(
                doc_topic,
                index=pd.Index(list(dtm.doc_ids), name="doc_id"),
                columns=pd.Index(labels, name="topic"),
            )
        csc = dtm.matrix.tocsc()
        self.term_frequency_ = pd.Series(
            np.asarray(csc.sum(axis=0)).ravel().astype(np.int64),
            index=pd.Index(vocab, name="term"),
            name="tf",
        )
        self.doc_lengths_ = pd.Series(
            _row_lengths(dtm.matrix).astype(np.int64),
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            name="n_tokens",
        )
        self.empty_docs_ = empty
        self.vocabulary_hash_ = _vocab_hash(vocab)

    def _check_fitted(self) -> None:
        if not hasattr(self, "topic_term_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(dtm) first")

    def __sklearn_is_fitted__(self) -> bool:
        """scikit-learn's fitted test (:func:`sklearn.utils.validation.check_is_fitted`)."""
        return hasattr(self, "topic_term_")

    @property
    def n_topics_total(self) -> int:
        """Number of topics of the fitted model (seeded + free for seeded models)."""
        self._check_fitted()
        return len(self.topic_labels_)

    def _result_params(self) -> dict:
        """The parameters that can change the result: all but :data:`RESULT_FREE_PARAMS`."""
        params = self.get_params(deep=False)
        return {k: v for k, v in params.items() if k not in RESULT_FREE_PARAMS}

    def _stamp_params(self) -> dict:
        """The parameters as recorded in a saved model's stamp and in cache keys (JSON-ready):
        :meth:`_result_params`, arrays as lists."""
        return {
            k: v.tolist() if isinstance(v, np.ndarray) else v
            for k, v in self._result_params().items()
        }

    def _n_jobs(self) -> int:
        """The worker processes ``n_jobs`` asks for (1 for models without the parameter)."""
        from textkit.core.executor import resolve_n_jobs

        return resolve_n_jobs(getattr(self, "n_jobs", 1))

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:  # noqa: N803 (scikit-learn's signature)
        names = inspect.signature(type(self).__init__).parameters
        params = self.get_params(deep=False)
        args = ", ".join(f"{k}={params[k]!r}" for k in names if k in params)
        return f"{type(self).__name__}({args})"
