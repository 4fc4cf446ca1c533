"""Parallel and streaming execution of per-document work: local processes, Dask, or from disk.

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

Streaming (bounded memory)
--------------------------
For corpora that should not sit in memory as one table, the units table can live on disk:

* :func:`segment_to_parquet` reads documents from any iterable (a generator over files, a
  database cursor, ...) ``batch_docs`` at a time, segments each batch (serially, in
  ``n_jobs`` processes or on Dask) and appends it to a parquet file as one row group, so
  memory holds one batch, not the corpus;
* :func:`iter_units` reads such a file back in record batches;
* :func:`stream_vocabulary` applies :func:`textkit.vectorize.vectorize`'s pruning rules
  (``min_df``, ``max_df``, ``max_terms``, ``keep``) in one pass over the file;
* :class:`UnitsBowCorpus` is a re-iterable gensim bag-of-words corpus read from the file,
  and :func:`fit_lda_streaming` trains gensim's online LDA on it: each pass re-reads the file
  and only ``chunksize`` documents are in memory at once. With the same settings the
  topics equal :class:`textkit.topics.LdaTopicModel` fitted on the in-memory matrix.

Long loops show a progress bar when ``TEXTKIT_PROGRESS=1`` (see :mod:`textkit._progress`).
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
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from textkit._progress import progress

logger = logging.getLogger(__name__)

__all__ = [
    "map_documents",
    "resolve_n_jobs",
    "dask_client",
    "warm_segmenters",
    "worker_segmenter",
    "map_stage",
    "clean_texts_parallel",
    "segment_texts_parallel",
    "minhash_parallel",
    "segment_to_parquet",
    "iter_units",
    "stream_vocabulary",
    "UnitsBowCorpus",
    "fit_lda_streaming",
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


def resolve_n_jobs(n_jobs: Any) -> int:
    """The number of worker processes ``n_jobs`` asks for (``-1``: every core).

    Raises
    ------
    ValueError
        Unless ``n_jobs`` is an integer >= 1 or -1.
    """
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
    n_jobs = resolve_n_jobs(n_jobs)
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
            # results in submission order; the bar advances as the chunks arrive in order
            parts = [f.result() for f in progress(futures, total=len(futures), desc="chunks")]
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
        parts = list(
            progress(
                ex.map(_apply_chunk, [func] * len(chunks), chunks),
                total=len(chunks),
                desc="chunks",
            )
        )
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
    from textkit.segment import segmenter_for

    return segmenter_for(config)


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
    from textkit.segment import (
        Segmenter,
        SegmenterConfig,
        document_pairs,
        get_segmenter,
        segmenter_for,
    )

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
    segmenter_for(seg.config, instance=seg)
    pairs = document_pairs(docs)
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


# --------------------------------------------------------------------------------------
# streaming: the units table on disk, read back in batches


def _units_schema(with_pos: bool) -> Any:
    import pyarrow as pa

    fields = [
        ("doc_id", pa.string()),
        ("para_id", pa.int64()),
        ("sent_id", pa.int64()),
        ("unit_id", pa.int64()),
        ("text", pa.string()),
        ("tokens", pa.list_(pa.string())),
    ]
    if with_pos:
        fields.append(("pos", pa.list_(pa.string())))
    return pa.schema(fields)


def _iter_pairs(docs: Any) -> Iterable[tuple[str, Any]]:
    """(doc_id, text) pairs from a table, a mapping or an iterable, lazily for iterables."""
    if isinstance(docs, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in docs.columns]
        if missing:
            raise ValueError(f"docs: missing column(s) {missing}; need doc_id and text")
        return zip(docs["doc_id"].astype(str), docs["text"], strict=True)
    if isinstance(docs, dict):
        return ((str(k), v) for k, v in docs.items())
    if isinstance(docs, (str, bytes)):
        raise ValueError("docs: expected documents, got a single string")
    return ((str(k), v) for k, v in docs)


def segment_to_parquet(
    docs: Any,
    path: str | os.PathLike,
    unit: str = "sentence",
    config: Any = None,
    *,
    with_pos: bool = False,
    batch_docs: int = 1000,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
) -> dict[str, int]:
    """Segment a stream of documents into a units parquet file, one batch at a time.

    Memory holds one batch of ``batch_docs`` documents and its units, never the corpus,
    so the corpus size is limited by the disk only. The file is written atomically (a
    temporary file moved into place at the end): an interrupted run leaves no file.

    Parameters
    ----------
    docs : iterable of (doc_id, text), mapping or DataFrame with ``doc_id`` and ``text``
        Consumed lazily when it is an iterator (e.g. a generator reading files).
    path : path-like
        The parquet file to write (one row group per batch).
    unit : {"sentence", "paragraph", "document"}, default "sentence"
    config : SegmenterConfig or Segmenter, optional
        Default: the default segmenter.
    with_pos : bool, default False
        Add the ``pos`` column.
    batch_docs : int, default 1000
        Documents per batch (and per row group).
    n_jobs, chunksize, client
        How each batch is segmented, as in :func:`map_documents`.

    Returns
    -------
    dict
        ``{"documents": ..., "units": ..., "tokens": ..., "batches": ...}``.

    Raises
    ------
    ValueError
        For invalid settings, or a doc_id seen twice anywhere in the stream (the file is
        then not written).

    Notes
    -----
    Reading the file back (``pandas.read_parquet`` or :func:`iter_units`) gives the table
    ``segment_corpus(docs, unit=unit, cache=False)`` would have returned.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from textkit._io import atomic_write

    if isinstance(batch_docs, bool) or not isinstance(batch_docs, int) or batch_docs < 1:
        raise ValueError(f"batch_docs: expected an integer >= 1, got {batch_docs!r}")
    if unit not in ("sentence", "paragraph", "document"):
        raise ValueError(f"unit: expected sentence, paragraph or document, got {unit!r}")
    resolve_n_jobs(n_jobs)
    _check_chunksize(chunksize)
    schema = _units_schema(with_pos)
    stats = {"documents": 0, "units": 0, "tokens": 0, "batches": 0}

    def write(tmp: Any) -> None:
        seen: set[str] = set()
        with pq.ParquetWriter(str(tmp), schema) as writer:

            def flush(batch: list[tuple[str, Any]]) -> None:
                units = _segment(batch, config, unit, with_pos, n_jobs, chunksize, client)
                writer.write_table(pa.Table.from_pandas(units, schema=schema, preserve_index=False))
                stats["documents"] += len(batch)
                stats["units"] += len(units)
                stats["tokens"] += int(units["tokens"].map(len).sum())
                stats["batches"] += 1

            batch: list[tuple[str, Any]] = []
            for doc_id, text in progress(_iter_pairs(docs), desc="segment (streamed)"):
                if doc_id in seen:
                    raise ValueError(f"docs: duplicate doc_id {doc_id!r}")
                seen.add(doc_id)
                batch.append((doc_id, text))
                if len(batch) >= batch_docs:
                    flush(batch)
                    batch = []
            if batch or stats["batches"] == 0:
                flush(batch)

    atomic_write(path, write)
    logger.info(
        "segment_to_parquet: %d documents, %d units in %d batches -> %s",
        stats["documents"],
        stats["units"],
        stats["batches"],
        path,
    )
    return stats


def iter_units(
    path: str | os.PathLike, columns: Sequence[str] | None = None, batch_rows: int = 65536
) -> Iterable[pd.DataFrame]:
    """Read a units parquet file back in record batches (list columns as Python lists).

    Parameters
    ----------
    path : path-like
        A file written by :func:`segment_to_parquet` (or any parquet units table).
    columns : sequence of str, optional
        Columns to read (default all).
    batch_rows : int, default 65536
        Rows per yielded table (a batch boundary may fall inside a document).

    Yields
    ------
    DataFrame
        Consecutive slices of the table, in file order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise ValueError(f"batch_rows: expected an integer >= 1, got {batch_rows!r}")
    pf = pq.ParquetFile(str(path))
    if columns is not None:
        missing = [c for c in columns if c not in pf.schema_arrow.names]
        if missing:
            raise ValueError(f"columns: not in {Path(path).name}: {missing}")
    for rb in pf.iter_batches(batch_size=batch_rows, columns=list(columns) if columns else None):
        df = rb.to_pandas()
        for i, name in enumerate(rb.schema.names):
            typ = rb.schema.field(i).type
            if pa.types.is_list(typ) or pa.types.is_large_list(typ):
                df[name] = pd.Series(rb.column(i).to_pylist(), index=df.index, dtype=object)
        yield df


def _iter_documents(
    path: str | os.PathLike, group_by: str, batch_rows: int
) -> Iterable[tuple[str, list[list[str]]]]:
    """(document key, token lists of its units) for each document of a units file, in order.

    Units of a document must be consecutive (as :func:`segment_to_parquet` writes them).
    """
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(str(path))
    missing = [c for c in (group_by, "tokens") if c not in pf.schema_arrow.names]
    if missing:
        raise ValueError(f"{Path(path).name}: missing column(s) {missing}")
    seen: set[str] = set()
    current: str | None = None
    token_lists: list[list[str]] = []
    # straight from arrow to Python lists: no pandas round trip on every pass
    for rb in pf.iter_batches(batch_size=batch_rows, columns=[group_by, "tokens"]):
        keys = [str(k) for k in rb.column(0).to_pylist()]
        for key, toks in zip(keys, rb.column(1).to_pylist(), strict=True):
            if key != current:
                if current is not None:
                    yield current, token_lists
                if key in seen:
                    raise ValueError(
                        f"{Path(path).name}: the units of {group_by}={key!r} are not "
                        "consecutive; streaming needs each document's units together"
                    )
                seen.add(key)
                current, token_lists = key, []
            token_lists.append(toks if toks is not None else [])
    if current is not None:
        yield current, token_lists


def stream_vocabulary(
    path: str | os.PathLike,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_terms: int | None = None,
    keep: Iterable[str] = (),
    group_by: str = "doc_id",
) -> tuple[str, ...]:
    """The vocabulary :func:`textkit.vectorize.vectorize` would keep, in one pass over a file.

    Memory holds the document and corpus frequency of every distinct term, not the corpus.

    Parameters
    ----------
    path : path-like
        Units parquet file (:func:`segment_to_parquet`).
    min_df, max_df, max_terms, keep, group_by
        As in :func:`textkit.vectorize.vectorize`.

    Returns
    -------
    tuple of str
        Sorted terms, equal to ``vectorize(units, ...).vocabulary`` for the same settings.

    Raises
    ------
    ValueError
        As ``vectorize`` does: invalid settings, no documents, or an empty vocabulary.
    """
    from collections import Counter

    from textkit.vectorize import VectorizeConfig

    cfg = VectorizeConfig(min_df=min_df, max_df=max_df, max_terms=max_terms, keep=tuple(keep))
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    n_docs = 0
    for _, token_lists in _iter_documents(path, group_by, 65536):
        n_docs += 1
        c: Counter[str] = Counter()
        for toks in token_lists:
            c.update(toks)
        df.update(c.keys())
        tf.update(c)
    lo, hi = cfg.checked_bounds(n_docs)
    keep_set = set(cfg.keep)
    kept = [t for t in sorted(df) if t in keep_set or lo <= df[t] <= hi]
    if not kept:
        raise ValueError(
            f"pruning with min_df={cfg.min_df}, max_df={cfg.max_df} leaves an empty vocabulary"
        )
    if cfg.max_terms is not None and len(kept) > cfg.max_terms:
        forced = [t for t in kept if t in keep_set]
        rest = sorted((t for t in kept if t not in keep_set), key=lambda t: (-tf[t], t))
        kept = sorted(set(forced) | set(rest[: max(cfg.max_terms - len(forced), 0)]))
    return tuple(kept)


class UnitsBowCorpus:
    """A gensim bag-of-words corpus streamed from a units parquet file.

    Iterating yields one ``[(term_id, count), ...]`` list per document (units grouped by
    ``group_by``, documents in file order, term ids = positions in ``vocabulary``, terms
    outside it ignored), exactly the rows of ``vectorize(units, ...)`` restricted to that
    vocabulary. Every iteration re-reads the file, so gensim can make several passes while
    memory holds one record batch.

    Parameters
    ----------
    path : path-like
        Units parquet file (:func:`segment_to_parquet`).
    vocabulary : sequence of str
        The terms (e.g. :func:`stream_vocabulary` or a DTM's ``vocabulary``).
    group_by : str, default "doc_id"
    batch_rows : int, default 65536
        Rows read at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        vocabulary: Sequence[str],
        group_by: str = "doc_id",
        batch_rows: int = 65536,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"units file not found: {self.path}")
        self.vocabulary = tuple(vocabulary)
        if not self.vocabulary:
            raise ValueError("vocabulary: empty")
        if len(set(self.vocabulary)) != len(self.vocabulary):
            raise ValueError("vocabulary: terms must be unique")
        self.group_by = group_by
        self.batch_rows = batch_rows
        self._index = {t: j for j, t in enumerate(self.vocabulary)}
        self._doc_ids: tuple[str, ...] | None = None

    def __iter__(self) -> Iterable[list[tuple[int, int]]]:
        from collections import Counter

        index = self._index
        for _, token_lists in _iter_documents(self.path, self.group_by, self.batch_rows):
            c: Counter[int] = Counter()
            for toks in token_lists:
                c.update(index[t] for t in toks if t in index)
            yield sorted(c.items())

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """Document keys in corpus order (read once from the file, then remembered)."""
        if self._doc_ids is None:
            self._doc_ids = tuple(
                k for k, _ in _iter_documents(self.path, self.group_by, self.batch_rows)
            )
        return self._doc_ids

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __repr__(self) -> str:
        return f"UnitsBowCorpus({str(self.path)!r}, {len(self.vocabulary)} terms)"


def fit_lda_streaming(corpus: UnitsBowCorpus, config: Any) -> Any:
    """Train gensim's online LDA on a corpus streamed from disk.

    The model is set up as :class:`textkit.topics.LdaTopicModel` sets it up (same priors,
    ``float64``, ``update_every=1``, ``eval_every=None``, seeded), and trained by
    ``passes`` sweeps over the file in mini-batches of ``chunksize`` documents, so with the
    same settings and vocabulary the topics equal those of
    ``LdaTopicModel(**settings).fit(vectorize(units, ...))``.

    Parameters
    ----------
    corpus : UnitsBowCorpus
        The streamed corpus.
    config : textkit.topics.LdaConfig or mapping
        ``LdaConfig`` or its fields (``n_topics``, ``random_state``, ``passes``,
        ``iterations``, ``alpha``, ``eta``, ``chunksize``, ``decay``, ``offset``,
        ``gamma_threshold``). ``multicore`` is not supported (not reproducible).

    Returns
    -------
    gensim.models.LdaModel
        The fitted model; ``model.get_topics()`` is topics x ``corpus.vocabulary``.
    """
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    from textkit._estep import vectorised_estep
    from textkit.topics import LdaConfig

    if not isinstance(corpus, UnitsBowCorpus):
        raise ValueError(f"corpus: expected a UnitsBowCorpus, got {type(corpus).__name__}")
    if isinstance(config, dict):
        config = LdaConfig(**config)
    if not isinstance(config, LdaConfig):
        raise ValueError(f"config: expected an LdaConfig or a dict, got {type(config).__name__}")
    if config.multicore:
        raise ValueError("multicore: not supported for streamed training (not reproducible)")
    n_docs = len(corpus)
    if config.n_topics > n_docs:
        raise ValueError(f"n_topics={config.n_topics} exceeds the number of documents ({n_docs})")
    id2word = Dictionary()
    id2word.token2id = {t: j for j, t in enumerate(corpus.vocabulary)}
    model = LdaModel(
        corpus=None,
        id2word=id2word,
        num_topics=config.n_topics,
        chunksize=config.chunksize,
        passes=config.passes,
        iterations=config.iterations,
        alpha=config.alpha,
        eta=config.eta,
        decay=config.decay,
        offset=config.offset,
        gamma_threshold=config.gamma_threshold,
        eval_every=None,
        minimum_probability=0.0,
        random_state=config.random_state,
        dtype=np.float64,
        update_every=1,
    )
    with vectorised_estep(model):  # gensim's E-step, vectorised (see textkit._estep)
        model.update(corpus)
    logger.info(
        "streamed LDA: %d topics, %d documents, %d terms",
        config.n_topics,
        n_docs,
        len(corpus.vocabulary),
    )
    return model
