"""The stage cache of model fits shared by :func:`~textkit.topics.select.select_k` and
:func:`~textkit.topics.stability.topic_stability` (not public).

Fits are stored as tables of their results (never as pickled models), keyed by the matrix,
the settings, the seed, the library versions and textkit's code fingerprint.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from textkit.core.errors import InvalidParameterError
from textkit.dtm.vectorizer import DocumentTermMatrix

logger = logging.getLogger(__name__)


def _dtm_key(dtm: DocumentTermMatrix | None) -> str | None:
    """sha256 of a document-term matrix: its counts, document ids and vocabulary."""
    if dtm is None:
        return None
    from textkit.core.cache import canonical_json

    m = dtm.matrix.tocsr()
    if not m.has_sorted_indices:
        m = m.sorted_indices()  # a sorted copy: the caller's matrix is left as it is
    h = hashlib.sha256(f"{m.shape} {m.data.dtype.str}".encode("ascii"))
    for arr in (m.indptr, m.indices):
        h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(m.data).tobytes())  # as stored: float counts stay apart
    h.update(canonical_json([list(dtm.doc_ids), list(dtm.vocabulary)]).encode("utf-8"))
    return h.hexdigest()


def _fit_store(cache: Any) -> Any:
    """The stage cache of model fits (``cache_dir("stages")`` for True, a directory, or None).

    Fits are stored as tables of their results (never as pickled models), keyed by the
    matrix, the settings, the seed, the library versions and textkit's code fingerprint.
    """
    if cache is False or cache is None:
        return None
    if cache is not True and not isinstance(cache, (str, os.PathLike)):
        raise InvalidParameterError(f"cache: expected True, False or a directory, got {cache!r}")
    from textkit.core.cache import StageCache

    return StageCache(None if cache is True else cache)


def _tokens_key(token_lists: list[list[str]] | None) -> str | None:
    """sha256 of token lists, hashed one list at a time (no corpus-sized string)."""
    if token_lists is None:
        return None
    import json

    h = hashlib.sha256()
    for tokens in token_lists:
        h.update(json.dumps(tokens, ensure_ascii=False).encode("utf-8") + b"\n")
    return h.hexdigest()


def _map_cached(
    func: Any,
    items: Sequence[Any],
    keys: Sequence[Mapping[str, Any] | None],
    store: Any,
    stage: str,
    n_jobs: int,
    encode: Any,
    decode: Any,
) -> tuple[list[Any], int]:
    """``[func(x) for x in items]`` in ``n_jobs`` processes, each result read from / written
    to ``store`` under ``(stage, keys[i])`` as the table ``encode(result)`` (``decode`` turns
    it back). A None key, a None store or a None table means no caching for that item; a
    cache that cannot be written costs the reuse, not the run. Returns the results and the
    number read from the cache."""
    from textkit.core.executor import map_documents

    out: dict[int, Any] = {}
    if store is not None:
        for i, key in enumerate(keys):
            hit = None if key is None else store.get(stage, dict(key))
            if hit is not None:
                out[i] = decode(hit)
    n_hits = len(out)
    todo = [i for i in range(len(items)) if i not in out]
    fresh = map_documents(func, [items[i] for i in todo], n_jobs=n_jobs, chunksize=1)
    for i, result in zip(todo, fresh, strict=True):
        out[i] = result
        table = encode(result) if store is not None and keys[i] is not None else None
        if table is not None:
            try:
                store.put(stage, dict(keys[i]), table)
            except (OSError, ValueError) as exc:
                logger.warning("%s: result not cached (%s)", stage, exc)
    return [out[i] for i in range(len(items))], n_hits
