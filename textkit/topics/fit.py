"""Fit a topic model in one call (:func:`fit_topics`) and the method -> model class map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textkit.core.checks import check_choice
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics.lda import LdaTopicModel
from textkit.topics.nmf import NmfTopicModel

__all__ = ["fit_topics"]

METHODS = {"lda": LdaTopicModel, "nmf": NmfTopicModel}


def make_model(method: str, n_topics: int, seed: int, kwargs: Mapping[str, Any]) -> Any:
    """The unfitted model of ``method`` (``"lda"`` or ``"nmf"``) with ``n_topics`` and seed.

    Parameters are checked when the model is fit, or earlier by ``model.config``.
    """
    check_choice("method", method, sorted(METHODS))
    return METHODS[method](n_topics=n_topics, random_state=seed, **kwargs)


def checked_model(method: str, n_topics: int, seed: int, kwargs: Mapping[str, Any]) -> Any:
    """:func:`make_model` with its parameters validated at once (before any fitting).

    Raises
    ------
    InvalidParameterError
        Naming the first invalid parameter.
    """
    model = make_model(method, n_topics, seed, kwargs)
    model._settings()
    return model


def fit_topics(
    dtm: DocumentTermMatrix, n_topics: int, method: str = "lda", **kwargs: Any
) -> LdaTopicModel | NmfTopicModel:
    """Fit a topic model in one call.

    Parameters
    ----------
    dtm : DocumentTermMatrix
    n_topics : int
    method : {"lda", "nmf"}, default "lda"
    **kwargs
        Further parameters of :class:`~textkit.topics.lda.LdaTopicModel` or
        :class:`~textkit.topics.nmf.NmfTopicModel`.

    Returns
    -------
    LdaTopicModel or NmfTopicModel
        The fitted model.
    """
    check_choice("method", method, sorted(METHODS))
    return METHODS[method](n_topics=n_topics, **kwargs).fit(dtm)
