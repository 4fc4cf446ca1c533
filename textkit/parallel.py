"""Order-preserving parallel map over per-document work: local processes or a Dask cluster.

Most of textkit's cost is per document (cleaning, jieba segmentation, MinHash signatures), so
those stages parallelise by splitting the documents into chunks and mapping a function over the
chunks. :func:`map_documents` does that in one of three ways, always returning the results in
input order and identical to a serial run:

* ``n_jobs=1`` (default): a plain loop in this process;
* ``n_jobs > 1``: a :class:`concurrent.futures.ProcessPoolExecutor` (``fork`` on Linux,
  ``spawn`` elsewhere) working on chunks of ``chunksize`` items;
* ``client=<dask.distributed.Client>``: ``client.map`` over the chunks and ``client.gather``
  of the futures in submission order, so the same code runs on a laptop's ``LocalCluster`` or
  on a cluster of machines.

Pointing it at a cluster
------------------------
Start a scheduler and workers with Dask's own tools (``dask scheduler`` on one machine,
``dask worker tcp://<scheduler>:8786 --nworkers 4 --nthreads 1`` on each worker machine, or
dask-jobqueue / dask-kubernetes), install the same textkit version on every worker, then::

    from textkit.parallel import dask_client, segment_texts_parallel
    with dask_client("tcp://scheduler.example.org:8786") as client:
        units = segment_texts_parallel(docs, unit="sentence", client=client)

``dask_client()`` without an address starts a local cluster of worker processes (one thread
each: jieba is pure Python, so threads do not add throughput). Worker processes keep one
:class:`~textkit.segment.Segmenter` per configuration for their whole life, so the dictionary
load (about a second) is paid once per worker, not once per chunk.

The stage helpers (:func:`clean_texts_parallel`, :func:`segment_texts_parallel`,
:func:`minhash_parallel`, or the generic :func:`map_stage`) call only the stages' public
functions on each chunk, so their results are those of the local path.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pandas as pd

logger = logging.getLogger(__name__)

__all__ = [
    "map_documents",
    "dask_client",
    "warm_segmenters",
    "worker_segmenter",
    "map_stage",
    "clean_texts_parallel",
    "segment_texts_parallel",
    "minhash_parallel",
    "STAGES",
]

T = TypeVar("T")
R = TypeVar("R")

#: Stages :func:`map_stage` knows how to run per chunk.
STAGES = ("clean", "segment", "minhash")

#: Default number of chunks per worker when ``chunksize`` is not given (load balancing).
CHUNKS_PER_WORKER = 4


# --------------------------------------------------------------------------------------
# the generic map


def _check_n_jobs(n_jobs: Any) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise ValueError(f"n_jobs: expected an integer >= 1 or -1 (all cores), got {n_jobs!r}")
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def _check_chunksize(chunksize: Any) -> int | None:
    if chunksize is None:
        return None
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize: expected an integer >= 1 or None, got {chunksize!r}")
    return chunksize


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _apply_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(x) for x in chunk]


def _mp_context() -> multiprocessing.context.BaseContext:
    """``fork`` on Linux (no re-import of ``__main__``, inherits loaded dictionaries)."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _is_dask_client(client: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - only without the optional dependency
        return False
    return isinstance(client, Client)


def map_documents(
    func: Callable[[T], R],
    items: Iterable[T],
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> list[R]:
    """Apply ``func`` to every item, in parallel if asked, and return results in input order.

    Parameters
    ----------
    func : callable
        Function of one item. For ``n_jobs > 1`` (with the ``spawn`` start method) and for
        Dask it must be picklable: a module-level function or a :func:`functools.partial`
        of one. It should not depend on global state changed after the call starts.
    items : iterable
        The items (documents, texts, ...). Materialised into a list.
    n_jobs : int, default 1
        Local worker processes; ``1`` runs serially in this process, ``-1`` uses every
        core. Ignored when ``client`` is given.
    chunksize : int, optional
        Items per task. Default: ``ceil(len(items) / (workers * 4))`` so each worker gets
        about four chunks (load balancing without per-item overhead).
    client : dask.distributed.Client, optional
        Run on this Dask cluster (see :func:`dask_client`): ``client.map`` over the chunks,
        ``client.gather`` in order. The number of workers is the cluster's.

    Returns
    -------
    list
        ``[func(x) for x in items]``, whichever way it was computed.

    Raises
    ------
    ValueError
        For an invalid ``n_jobs``, ``chunksize`` or ``client``, before any work starts.

    Examples
    --------
    >>> map_documents(len, ["维稳", "依法行政"], n_jobs=1)
    [2, 4]
    """
    n_jobs = _check_n_jobs(n_jobs)
    chunksize = _check_chunksize(chunksize)
    if client is not None and not _is_dask_client(client):
        raise ValueError(f"client: expected a dask.distributed.Client, got {type(client).__name__}")
    if not callable(func):
        raise ValueError(f"func: expected a callable, got {type(func).__name__}")
    items = list(items)
    if not items:
        return []
    if client is not None:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = chunksize or max(1, math.ceil(len(items) / (n_workers * CHUNKS_PER_WORKER)))
        chunks = _chunks(items, size)
        logger.info(
            "map_documents: %d items in %d chunks on a Dask cluster of %d workers",
            len(items),
            len(chunks),
            n_workers,
        )
        futures = client.map(_apply_chunk, [func] * len(chunks), chunks, pure=False)
        try:
            parts = client.gather(futures)
        finally:
            client.cancel(futures)
        return [r for part in parts for r in part]
    if n_jobs == 1 or len(items) == 1:
        return [func(x) for x in items]
    n_workers = min(n_jobs, len(items))
    size = chunksize or max(1, math.ceil(len(items) / (n_workers * CHUNKS_PER_WORKER)))
    chunks = _chunks(items, size)
    logger.info(
        "map_documents: %d items in %d chunks on %d processes", len(items), len(chunks), n_workers
    )
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=n_workers, mp_context=_mp_context()
    ) as ex:
        parts = list(ex.map(_apply_chunk, [func] * len(chunks), chunks))
    return [r for part in parts for r in part]


def dask_client(
    address: str | None = None,
    n_workers: int = 2,
    threads_per_worker: int = 1,
    **kwargs: Any,
) -> Any:
    """A :class:`dask.distributed.Client` for :func:`map_documents` and the stage helpers.

    Parameters
    ----------
    address : str, optional
        Scheduler address of an existing cluster (``"tcp://host:8786"``). When omitted a
        local cluster of ``n_workers`` worker **processes** is started (closed again with the
        client: use ``with dask_client() as client: ...`` or call ``client.close()``).
    n_workers : int, default 2
        Worker processes of the local cluster (ignored with ``address``).
    threads_per_worker : int, default 1
        Threads per local worker. jieba is pure Python and holds the GIL, so keep 1 and
        scale with processes.
    **kwargs
        Passed to :class:`distributed.Client` (e.g. ``timeout``; for a local cluster also
        ``memory_limit``, ``dashboard_address``).

    Returns
    -------
    distributed.Client

    Raises
    ------
    ImportError
        When ``distributed`` is not installed (``pip install 'textkit[dask]'``).
    """
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - only without the optional dependency
        raise ImportError(
            "dask_client needs dask.distributed: pip install 'textkit[dask]'"
        ) from exc
    if address is not None:
        if not isinstance(address, str) or not address:
            raise ValueError(f"address: expected a scheduler address string, got {address!r}")
        return Client(address, **kwargs)
    for name, value in (("n_workers", n_workers), ("threads_per_worker", threads_per_worker)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    kwargs.setdefault("dashboard_address", ":0")
    kwargs.setdefault("processes", True)
    return Client(n_workers=n_workers, threads_per_worker=threads_per_worker, **kwargs)


# --------------------------------------------------------------------------------------
# per-document stages


# One segmenter per configuration per process: built once in each worker (Dask workers live
# across tasks; forked pool workers inherit the parent's entries).
_SEGMENTERS: dict[str, Any] = {}


def _segmenter_key(config: Any) -> str:
    import json

    return json.dumps(config.as_json(), sort_keys=True, ensure_ascii=False, default=str)


def worker_segmenter(config: Any) -> Any:
    """The :class:`~textkit.segment.Segmenter` for ``config`` in this process, built once.

    Meant for code running in worker processes (Dask workers, pool workers): pass the
    picklable ``SegmenterConfig`` to the task and call this inside it, instead of shipping
    a ``Segmenter`` (which rebuilds its dictionaries, about a second, each time it is
    unpickled).

    Parameters
    ----------
    config : SegmenterConfig

    Returns
    -------
    Segmenter
    """
    from textkit.segment import Segmenter

    key = _segmenter_key(config)
    seg = _SEGMENTERS.get(key)
    if seg is None:
        seg = Segmenter(config=config)
        _SEGMENTERS[key] = seg
    return seg


def _build_segmenter(config: Any) -> str:
    return worker_segmenter(config).fingerprint


def warm_segmenters(client: Any, config: Any = None) -> dict[str, str]:
    """Build the segmenter on every Dask worker now, so the first map does not pay for it.

    Parameters
    ----------
    client : dask.distributed.Client
    config : SegmenterConfig or Segmenter, optional
        Default: the default segmenter's config.

    Returns
    -------
    dict
        Worker address -> segmenter fingerprint (all equal when the workers share the same
        textkit version and dictionaries).
    """
    from textkit.segment import Segmenter, SegmenterConfig

    if not _is_dask_client(client):
        raise ValueError(f"client: expected a dask.distributed.Client, got {type(client).__name__}")
    if isinstance(config, Segmenter):
        config = config.config
    elif config is None:
        config = SegmenterConfig()
    elif not isinstance(config, SegmenterConfig):
        raise ValueError(
            f"config: expected a SegmenterConfig or Segmenter, got {type(config).__name__}"
        )
    return dict(sorted(client.run(_build_segmenter, config).items()))


def _clean_chunk(texts: list[str], config: Any) -> list[tuple[str, Any]]:
    from textkit.clean import clean_text

    if config is None:
        return [clean_text(t) for t in texts]
    return [clean_text(t, config) for t in texts]


def _segment_chunk(
    pairs: list[tuple[str, str]], config: Any, unit: str, with_pos: bool
) -> pd.DataFrame:
    from textkit.segment import segment_corpus

    seg = worker_segmenter(config)
    return segment_corpus(pairs, unit=unit, segmenter=seg, n_jobs=1, cache=False, with_pos=with_pos)


def _minhash_chunk(texts: list[str], config: Any) -> list[Any]:
    from textkit.dedup import minhash_signatures

    sigs = minhash_signatures(texts, config) if config is not None else minhash_signatures(texts)
    return list(sigs)


def _chunked_call(
    chunk_func: Callable[[list], Any],
    items: list,
    n_jobs: int,
    chunksize: int | None,
    client: Any,
) -> list:
    """Run ``chunk_func`` on chunks of ``items`` through :func:`map_documents`."""
    n = _check_n_jobs(n_jobs)
    chunksize = _check_chunksize(chunksize)
    if not items:
        return []
    if chunksize is None:
        if client is not None and _is_dask_client(client):
            workers = max(1, len(client.scheduler_info().get("workers", {})))
        else:
            workers = n
        chunksize = max(1, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER)))
    chunks = _chunks(items, chunksize)
    # one task per chunk: map_documents gets the chunks as its items
    return map_documents(chunk_func, chunks, n_jobs=n, chunksize=1, client=client)


def map_stage(
    stage: str,
    items: Any,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
    unit: str = "sentence",
    with_pos: bool = False,
) -> Any:
    """Run one per-document stage over chunks of documents, locally or on Dask.

    Parameters
    ----------
    stage : {"clean", "segment", "minhash"}
        ``clean``: :func:`textkit.clean.clean_text` on each text; ``segment``:
        :func:`textkit.segment.segment_corpus` on each chunk of documents (cache off);
        ``minhash``: :func:`textkit.dedup.minhash_signatures` on each chunk of texts.
    items : sequence of str, or documents for ``segment``
        Texts (``clean``, ``minhash``), or for ``segment`` a documents table with ``doc_id``
        and ``text``, a mapping doc_id -> text, or (doc_id, text) pairs.
    config : stage config, optional
        ``CleanConfig`` / ``SegmenterConfig`` (or a ``Segmenter``) / ``DedupConfig``; the
        stage default when omitted.
    n_jobs, chunksize, client
        As in :func:`map_documents`.
    unit, with_pos
        Passed to ``segment_corpus`` (``segment`` only).

    Returns
    -------
    list or DataFrame
        ``clean``: list of ``(text, log)``; ``segment``: the units table, identical to
        ``segment_corpus(items, unit=unit, cache=False)``; ``minhash``: list of signatures,
        identical to ``minhash_signatures(texts, config)`` as a list.
    """
    if stage not in STAGES:
        raise ValueError(f"stage: expected one of {STAGES}, got {stage!r}")
    if stage == "clean":
        texts = _texts(items, "clean")
        func = functools.partial(_clean_chunk, config=config)
        parts = _chunked_call(func, texts, n_jobs, chunksize, client)
        return [r for part in parts for r in part]
    if stage == "minhash":
        texts = _texts(items, "minhash")
        func = functools.partial(_minhash_chunk, config=config)
        parts = _chunked_call(func, texts, n_jobs, chunksize, client)
        return [r for part in parts for r in part]
    return _segment(items, config, unit, with_pos, n_jobs, chunksize, client)


def _texts(items: Any, stage: str) -> list[str]:
    if isinstance(items, pd.DataFrame):
        if "text" not in items.columns:
            raise ValueError(f"items: a table passed to the {stage} stage needs a 'text' column")
        items = items["text"].tolist()
    if isinstance(items, str):
        raise ValueError("items: expected a sequence of texts, got a single string")
    texts = list(items)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(f"items: item {i} is {type(t).__name__}, not str")
    return texts


def _segment(
    docs: Any,
    config: Any,
    unit: str,
    with_pos: bool,
    n_jobs: int,
    chunksize: int | None,
    client: Any,
) -> pd.DataFrame:
    from textkit.segment import Segmenter, SegmenterConfig, get_segmenter

    if unit not in ("sentence", "paragraph", "document"):
        raise ValueError(f"unit: expected sentence, paragraph or document, got {unit!r}")
    if isinstance(config, Segmenter):
        seg = config
    elif isinstance(config, SegmenterConfig):
        seg = worker_segmenter(config)
    elif config is None:
        seg = get_segmenter()
    else:
        raise ValueError(
            f"config: expected a SegmenterConfig or Segmenter, got {type(config).__name__}"
        )
    # Register the segmenter so forked workers inherit it instead of rebuilding it.
    _SEGMENTERS.setdefault(_segmenter_key(seg.config), seg)
    if isinstance(docs, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in docs.columns]
        if missing:
            raise ValueError(f"docs: missing column(s) {missing}; need doc_id and text")
        pairs = list(zip(docs["doc_id"].astype(str), docs["text"], strict=True))
    elif isinstance(docs, dict):
        pairs = [(str(k), v) for k, v in docs.items()]
    else:
        pairs = [(str(k), v) for k, v in docs]
    ids = [p[0] for p in pairs]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise ValueError(f"docs: duplicate doc_id {dup}")
    func = functools.partial(_segment_chunk, config=seg.config, unit=unit, with_pos=with_pos)
    parts = _chunked_call(func, pairs, n_jobs, chunksize, client)
    if not parts:
        return segment_empty(unit, with_pos)
    out = pd.concat(parts, ignore_index=True)
    for c in ("para_id", "sent_id", "unit_id"):
        out[c] = out[c].astype("int64")
    return out


def segment_empty(unit: str, with_pos: bool) -> pd.DataFrame:
    """The empty units table ``segment_corpus`` returns for no documents."""
    from textkit.segment import segment_corpus

    return segment_corpus([], unit=unit, cache=False, with_pos=with_pos)


def clean_texts_parallel(
    texts: Sequence[str] | pd.DataFrame,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> list[tuple[str, Any]]:
    """:func:`textkit.clean.clean_text` over many texts, locally or on Dask.

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
    return map_stage("clean", texts, config, n_jobs=n_jobs, chunksize=chunksize, client=client)


def segment_texts_parallel(
    docs: Any,
    unit: str = "sentence",
    config: Any = None,
    *,
    with_pos: bool = False,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> pd.DataFrame:
    """:func:`textkit.segment.segment_corpus` run chunk by chunk, locally or on Dask.

    Parameters
    ----------
    docs : DataFrame with ``doc_id`` and ``text``, mapping or (doc_id, text) pairs
    unit : {"sentence", "paragraph", "document"}, default "sentence"
    config : SegmenterConfig or Segmenter, optional
        Default: the default segmenter. Workers rebuild it from its config once each.
    with_pos : bool, default False
    n_jobs, chunksize, client
        As in :func:`map_documents`.

    Returns
    -------
    DataFrame
        The units table, equal to ``segment_corpus(docs, unit=unit, cache=False)``.
    """
    return map_stage(
        "segment",
        docs,
        config,
        n_jobs=n_jobs,
        chunksize=chunksize,
        client=client,
        unit=unit,
        with_pos=with_pos,
    )


def minhash_parallel(
    texts: Sequence[str] | pd.DataFrame,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> list[Any]:
    """:func:`textkit.dedup.minhash_signatures` computed chunk by chunk, locally or on Dask.

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
    return map_stage("minhash", texts, config, n_jobs=n_jobs, chunksize=chunksize, client=client)
