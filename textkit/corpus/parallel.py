"""Cleaning and MinHash signatures over chunks of documents, in processes or on Dask.

Each chunk runs only the stages' public functions (:func:`textkit.corpus.clean.clean_text`,
:func:`textkit.corpus.dedup.minhash_signatures`), so the results are those of the local path.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd

from textkit.core.errors import InvalidParameterError
from textkit.core.executor import _chunked_call

logger = logging.getLogger(__name__)


__all__ = ["clean_texts_parallel", "minhash_parallel"]


def _clean_chunk(texts: list[str], config: Any) -> list[tuple[str, Any]]:
    from textkit.corpus.clean import clean_text

    if config is None:
        return [clean_text(t) for t in texts]
    return [clean_text(t, config) for t in texts]


def _minhash_chunk(texts: list[str], config: Any) -> list[Any]:
    from textkit.corpus.dedup import minhash_signatures

    sigs = minhash_signatures(texts, config) if config is not None else minhash_signatures(texts)
    return list(sigs)


def _texts(items: Any, stage: str) -> list[str]:
    if isinstance(items, pd.DataFrame):
        if "text" not in items.columns:
            raise InvalidParameterError(
                f"items: a table passed to the {stage} stage needs a 'text' column"
            )
        items = items["text"].tolist()
    if isinstance(items, str):
        raise InvalidParameterError("items: expected a sequence of texts, got a single string")
    texts = list(items)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InvalidParameterError(f"items: item {i} is {type(t).__name__}, not str")
    return texts


def clean_texts_parallel(
    texts: Sequence[str] | pd.DataFrame,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> list[tuple[str, Any]]:
    """:func:`textkit.corpus.clean.clean_text` over many texts, locally or on Dask.

    Parameters
    ----------
    texts : sequence of str or DataFrame with ``text``
    config : CleanConfig, optional
    n_jobs, chunksize, client
        As in :func:`map_documents`.

    Returns
    -------
    list of (str, log)
        ``[clean_text(t, config) for t in texts]``.
    """
    func = functools.partial(_clean_chunk, config=config)
    parts = _chunked_call(func, _texts(texts, "clean"), n_jobs, chunksize, client)
    return [r for part in parts for r in part]


def minhash_parallel(
    texts: Sequence[str] | pd.DataFrame,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> list[Any]:
    """:func:`textkit.corpus.dedup.minhash_signatures` computed chunk by chunk, locally or on Dask.

    Parameters
    ----------
    texts : sequence of str or DataFrame with ``text``
    config : DedupConfig, optional
    n_jobs, chunksize, client
        As in :func:`map_documents`.

    Returns
    -------
    list
        The signatures in input order (one per text).
    """
    func = functools.partial(_minhash_chunk, config=config)
    parts = _chunked_call(func, _texts(texts, "minhash"), n_jobs, chunksize, client)
    return [r for part in parts for r in part]
