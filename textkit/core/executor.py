"""The one executor: every ``n_jobs`` rule and every process pool or Dask map of textkit.

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

Work that comes in many small rounds (the passes of a topic model) keeps one set of
processes for all of them with :func:`worker_pool`, instead of starting a pool per round: a
fork of a process that holds a corpus costs tens of milliseconds, a ``spawn`` start far more.

Pointing it at a cluster
------------------------
Start a scheduler and workers with Dask's own tools (``dask scheduler`` on one machine,
``dask worker tcp://<scheduler>:8786 --nworkers 4 --nthreads 1`` on each worker machine, or
dask-jobqueue / dask-kubernetes), install the same textkit version on every worker, then::

    from textkit.core.executor import dask_client
    from textkit.segment.stream import segment_texts_parallel

    with dask_client("tcp://scheduler.example.org:8786") as client:
        units = segment_texts_parallel(docs, unit="sentence", client=client)

``dask_client()`` without an address starts a local cluster of worker processes (one thread
each: jieba is pure Python, so threads do not add throughput). The streamed and distributed
variants of each stage live beside it: :mod:`textkit.corpus.parallel` (cleaning, MinHash),
:mod:`textkit.segment.stream` (segmentation, units on disk), :mod:`textkit.dtm.stream`
(vocabulary, a gensim corpus read from disk), :mod:`textkit.topics.streaming` (online LDA).
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from textkit.core.checks import check_int, check_str
from textkit.core.errors import InvalidParameterError
from textkit.core.progress import progress

logger = logging.getLogger(__name__)


__all__ = [
    "CHUNKS_PER_WORKER",
    "resolve_n_jobs",
    "usable_cores",
    "map_documents",
    "map_shared",
    "WorkerPool",
    "worker_pool",
    "pool_for",
    "dask_client",
]

T = TypeVar("T")
R = TypeVar("R")

#: Default number of chunks per worker when ``chunksize`` is not given (load balancing).
CHUNKS_PER_WORKER = 4


# --------------------------------------------------------------------------------------
# the generic map


def resolve_n_jobs(n_jobs: Any, name: str = "n_jobs") -> int:
    """The number of worker processes ``n_jobs`` asks for: the one ``n_jobs`` rule of textkit.

    Parameters
    ----------
    n_jobs : int or None
        ``None`` or ``1``: serial, in this process; an integer ``>= 2``: that many worker
        processes, but never more than the cores this process may use
        (:func:`usable_cores`; a larger value is lowered to it with a warning naming both);
        ``-1``: one per usable core.
    name : str, default "n_jobs"
        The argument name used in the error message (e.g. ``"jobs"``).

    Returns
    -------
    int
        ``>= 1``.

    Raises
    ------
    InvalidParameterError
        For ``0``, an integer below ``-1`` or anything that is not an integer or ``None``
        (``n_jobs: expected an integer >= 1 or -1 or None, got 0``).
    """
    n = check_int(name, n_jobs, minimum=1, also=(-1,), allow_none=True)
    if n is None:
        return 1
    usable = usable_cores()
    if n == -1:
        return usable
    if n > usable:
        logger.warning(
            "%s=%d asks for more worker processes than this process may use; using %d "
            "(the usable cores)",
            name,
            n,
            usable,
        )
        return usable
    return n


def usable_cores() -> int:
    """The cores this process may run on: :func:`os.process_cpu_count` (Python 3.13+), else
    the CPU affinity mask (:func:`os.sched_getaffinity`, where the system has one), else
    :func:`os.cpu_count`; at least 1."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        try:
            return len(os.sched_getaffinity(0)) or 1
        except OSError:  # pragma: no cover - affinity unreadable
            pass
    return os.cpu_count() or 1


def _check_chunksize(chunksize: Any) -> int | None:
    return check_int("chunksize", chunksize, minimum=1, allow_none=True)


def _chunk_size(n_items: int, n_workers: int, chunksize: int | None) -> int:
    """``chunksize``, or about :data:`CHUNKS_PER_WORKER` chunks per worker."""
    return chunksize or max(1, math.ceil(n_items / (n_workers * CHUNKS_PER_WORKER)))


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
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
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
    initializer : callable, optional
        Called as ``initializer(*initargs)`` once in each local worker process before its
        first chunk (e.g. to hand every worker a dictionary loaded once). Not called on the
        serial path (``n_jobs=1`` or a single item), where ``func`` runs in this process, and
        refused together with ``client``.
    initargs : tuple, default ()
        Arguments of ``initializer`` (pickled once per worker under ``spawn``, inherited
        under ``fork``).

    Returns
    -------
    list
        ``[func(x) for x in items]``, whichever way it was computed.

    Raises
    ------
    InvalidParameterError
        For an invalid ``n_jobs``, ``chunksize``, ``client`` or ``initializer``, before any
        work starts (a ``ValueError``).

    Examples
    --------
    >>> map_documents(len, ["维稳", "依法行政"], n_jobs=1)
    [2, 4]
    """
    n_jobs = resolve_n_jobs(n_jobs)
    chunksize = _check_chunksize(chunksize)
    if client is not None and not _is_dask_client(client):
        raise InvalidParameterError(
            f"client: expected a dask.distributed.Client, got {type(client).__name__}"
        )
    if not callable(func):
        raise InvalidParameterError(f"func: expected a callable, got {type(func).__name__}")
    if initializer is not None:
        if not callable(initializer):
            raise InvalidParameterError(
                f"initializer: expected a callable or None, got {type(initializer).__name__}"
            )
        if client is not None:
            raise InvalidParameterError(
                "initializer: not available with a Dask client (use client.run instead)"
            )
    items = list(items)
    if not items:
        return []
    if client is not None:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        chunks = _chunks(items, _chunk_size(len(items), n_workers, chunksize))
        logger.info(
            "map_documents: %d items in %d chunks on a Dask cluster of %d workers",
            len(items),
            len(chunks),
            n_workers,
        )
        futures = client.map(_apply_chunk, [func] * len(chunks), chunks, pure=False)
        try:
            # results in submission order; the bar advances as the chunks arrive in order
            parts = [f.result() for f in progress(futures, total=len(futures), desc="chunks")]
        finally:
            client.cancel(futures)
        return [r for part in parts for r in part]
    if n_jobs == 1 or len(items) == 1:
        return [func(x) for x in items]
    n_workers = min(n_jobs, len(items))
    size = _chunk_size(len(items), n_workers, chunksize)
    logger.info(
        "map_documents: %d items in %d chunks on %d processes",
        len(items), math.ceil(len(items) / size), n_workers,
    )  # fmt: skip
    with worker_pool(n_workers, initializer, initargs) as pool:
        return pool.map(func, items, size)


def map_shared(
    func: Callable[[Any, T], R],
    shared: Any,
    items: Iterable[T],
    n_jobs: int = 1,
    chunksize: int | None = None,
) -> list[R]:
    """``[func(shared, x) for x in items]``, ``shared`` handed to each worker process once.

    For work whose items are small (row ranges, document numbers) and whose data is large
    (a units table, a chunk of an LDA corpus): under the ``fork`` start method the worker
    processes inherit ``shared`` without it being pickled at all; under ``spawn`` it is
    pickled once per worker (:func:`map_documents`' ``initializer``), never once per item.

    Parameters
    ----------
    func : callable
        ``func(shared, item)``; a module-level function (picklable).
    shared : object
        What every call reads.
    items : iterable
    n_jobs : int, default 1
        As for :func:`map_documents`; one item or ``n_jobs=1`` runs here.
    chunksize : int, optional
        As for :func:`map_documents`.

    Returns
    -------
    list
        In input order, identical to a serial run.
    """
    items = list(items)
    n_jobs = resolve_n_jobs(n_jobs)
    if n_jobs > 1 and len(items) > 1:
        logger.info("map_shared: %d items on %d processes", len(items), min(n_jobs, len(items)))
    with worker_pool(min(n_jobs, max(len(items), 1))) as pool:
        return pool.map_shared(func, shared, items, chunksize)


class WorkerPool:
    """Worker processes kept for several maps (see :func:`worker_pool`).

    For work done in many small rounds, such as the passes of a topic model: the processes
    start at the first :meth:`map` that needs them and serve every later one, instead of a
    pool started and stopped for each round (a fork of a process holding a corpus costs tens
    of milliseconds; a ``spawn`` start, which imports textkit again, far more).

    Nothing this process sets after the workers started reaches them: each call's ``func``
    and items are pickled and sent, so the items should carry the data they need, or the
    pool's first :meth:`map_shared` hands the workers one shared object when they start.

    Parameters
    ----------
    n_jobs : int, default 1
        Worker processes (as for :func:`map_documents`); ``1`` runs every map here.
    initializer : callable, optional
        Called as ``initializer(*initargs)`` once in each worker process when it starts (as
        for :func:`map_documents`; not on the serial path).
    initargs : tuple, default ()
    """

    def __init__(
        self,
        n_jobs: int = 1,
        initializer: Callable[..., None] | None = None,
        initargs: tuple = (),
    ) -> None:
        self.n_jobs = resolve_n_jobs(n_jobs)
        self.initializer, self.initargs = initializer, initargs
        self._shared: Any = None  # what map_shared handed the running processes
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        #: How many times worker processes were started (0 or 1 within one block).
        self.starts = 0

    def map(
        self, func: Callable[[T], R], items: Iterable[T], chunksize: int | None = None
    ) -> list[R]:
        """``[func(x) for x in items]``, in input order; ``n_jobs=1`` or a single item runs
        here, otherwise the items go to the pool's processes in chunks of ``chunksize``
        (default: as :func:`map_documents` cuts them)."""
        chunksize = _check_chunksize(chunksize)
        items = list(items)
        if self.n_jobs == 1 or len(items) < 2:
            return [func(x) for x in items]
        self._start(self.initializer, self.initargs)
        return self._run(func, items, chunksize)

    def map_shared(
        self,
        func: Callable[[Any, T], R],
        shared: Any,
        items: Iterable[T],
        chunksize: int | None = None,
    ) -> list[R]:
        """``[func(shared, x) for x in items]`` (as :func:`map_shared`): ``shared`` is handed
        to the processes when they start (inherited under ``fork``, pickled once per worker
        under ``spawn``), so only the items travel. Processes started with this same object
        are kept; processes started otherwise (for another object, or by a plain :meth:`map`)
        are stopped and started again with this one.
        """
        chunksize = _check_chunksize(chunksize)
        items = list(items)
        if self.n_jobs == 1 or len(items) < 2:
            return [func(shared, x) for x in items]
        if self._executor is not None and self._shared is not shared:
            self.close()
        if self._executor is None:
            self._start(_set_shared, (shared,))
            self._shared = shared
        return self._run(functools.partial(_call_with_shared, func), items, chunksize)

    def _start(self, initializer: Callable[..., None] | None, initargs: tuple) -> None:
        """Start the processes unless they are running."""
        if self._executor is None:
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.n_jobs,
                mp_context=_mp_context(),
                initializer=initializer,
                initargs=initargs,
            )
            self.starts += 1

    def _run(self, func: Callable[[T], R], items: list[T], chunksize: int | None) -> list[R]:
        """``func`` over ``items`` in the running processes, in chunks, in input order."""
        chunks = _chunks(items, _chunk_size(len(items), self.n_jobs, chunksize))
        done = self._executor.map(_apply_chunk, [func] * len(chunks), chunks)
        parts = list(progress(done, total=len(chunks), desc="chunks"))
        return [r for part in parts for r in part]

    def close(self) -> None:
        """Stop the processes (pending work is cancelled); the pool can start them again."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._shared = None


@contextmanager
def worker_pool(
    n_jobs: int = 1, initializer: Callable[..., None] | None = None, initargs: tuple = ()
) -> Iterator[WorkerPool]:
    """A :class:`WorkerPool` whose processes stop when the ``with`` block ends (errors and
    Ctrl-C included).

    Parameters
    ----------
    n_jobs : int, default 1
    initializer, initargs
        As for :class:`WorkerPool`.

    Examples
    --------
    >>> with worker_pool(1) as pool:
    ...     pool.map(len, ["维稳", "依法行政"])
    [2, 4]
    """
    pool = WorkerPool(n_jobs, initializer, initargs)
    try:
        yield pool
    finally:
        pool.close()


@contextmanager
def pool_for(pool: WorkerPool | None, n_jobs: int = 1) -> Iterator[WorkerPool]:
    """``pool`` itself, left running for its owner, or a new :func:`worker_pool` of
    ``n_jobs`` processes for the ``with`` block (for code that may run inside a caller's
    pool or on its own)."""
    if pool is not None:
        yield pool
        return
    with worker_pool(n_jobs) as own:
        yield own


#: What :func:`map_shared` handed this worker process (set by its initializer).
_SHARED: dict[str, Any] = {}


def _set_shared(shared: Any) -> None:
    _SHARED["shared"] = shared


def _call_with_shared(func: Callable[[Any, T], R], item: T) -> R:
    return func(_SHARED["shared"], item)


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
        check_str("address", address)
        return Client(address, **kwargs)
    check_int("n_workers", n_workers, minimum=1)
    check_int("threads_per_worker", threads_per_worker, minimum=1)
    kwargs.setdefault("dashboard_address", ":0")
    kwargs.setdefault("processes", True)
    return Client(n_workers=n_workers, threads_per_worker=threads_per_worker, **kwargs)


def _chunked_call(
    chunk_func: Callable[[list], Any],
    items: list,
    n_jobs: int,
    chunksize: int | None,
    client: Any,
) -> list:
    """Run ``chunk_func`` on chunks of ``items`` through :func:`map_documents`."""
    n = resolve_n_jobs(n_jobs)
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
