"""Segmentation in worker processes, on Dask, or streamed to disk with bounded memory.

Worker processes keep one :class:`~textkit.segment.segmenter.Segmenter` per configuration for
their whole life (:func:`worker_segmenter`), so the dictionary load (about a second) is paid
once per worker, not once per chunk. :func:`segment_texts_parallel` gives the units table of
:func:`textkit.segment.corpus.segment_corpus`; :func:`segment_to_parquet` reads documents
from any iterable ``batch_docs`` at a time and appends each batch's units to a parquet file as
one row group, and :func:`iter_units` reads such a file back in record batches.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_choice, check_int
from textkit.core.executor import (
    _check_chunksize,
    _chunked_call,
    _is_dask_client,
    resolve_n_jobs,
)
from textkit.core.progress import progress
from textkit.segment.units import _UNITS

logger = logging.getLogger(__name__)

__all__ = [
    "worker_segmenter",
    "warm_segmenters",
    "segment_empty",
    "segment_texts_parallel",
    "segment_to_parquet",
    "iter_units",
]


# --------------------------------------------------------------------------------------
# per-document stages


def worker_segmenter(config: Any) -> Any:
    """The :class:`~textkit.segment.segmenter.Segmenter` for ``config`` in this process, built once.

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
    from textkit.segment.segmenter import segmenter_for

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
    from textkit.segment.config import SegmenterConfig
    from textkit.segment.segmenter import Segmenter

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


def _segment_chunk(
    pairs: list[tuple[str, str]], config: Any, unit: str, with_pos: bool, with_raw: bool = False
) -> pd.DataFrame:
    from textkit.segment.corpus import segment_corpus

    seg = worker_segmenter(config)
    return segment_corpus(
        pairs,
        unit=unit,
        segmenter=seg,
        n_jobs=1,
        cache=False,
        with_pos=with_pos,
        with_raw=with_raw,
    )


def _segment(
    docs: Any,
    config: Any,
    unit: str,
    with_pos: bool,
    n_jobs: int,
    chunksize: int | None,
    client: Any,
    with_raw: bool = False,
) -> pd.DataFrame:
    from textkit.segment.config import SegmenterConfig
    from textkit.segment.corpus import document_pairs
    from textkit.segment.segmenter import Segmenter, get_segmenter, segmenter_for

    check_choice("unit", unit, _UNITS)
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
    func = functools.partial(
        _segment_chunk, config=seg.config, unit=unit, with_pos=with_pos, with_raw=with_raw
    )
    parts = _chunked_call(func, pairs, n_jobs, chunksize, client)
    if not parts:
        return segment_empty(unit, with_pos, with_raw)
    out = pd.concat(parts, ignore_index=True)
    for c in ("para_id", "sent_id", "unit_id"):
        out[c] = out[c].astype("int64")
    return out


def segment_empty(unit: str, with_pos: bool, with_raw: bool = False) -> pd.DataFrame:
    """The empty units table ``segment_corpus`` returns for no documents."""
    from textkit.segment.corpus import segment_corpus

    return segment_corpus([], unit=unit, cache=False, with_pos=with_pos, with_raw=with_raw)


def segment_texts_parallel(
    docs: Any,
    unit: str = "sentence",
    config: Any = None,
    *,
    with_pos: bool = False,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
    with_raw: bool = False,
) -> pd.DataFrame:
    """:func:`textkit.segment.corpus.segment_corpus` run chunk by chunk, locally or on Dask.

    Parameters
    ----------
    docs : DataFrame with ``doc_id`` and ``text``, mapping or (doc_id, text) pairs
    unit : {"sentence", "paragraph", "document"}, default "sentence"
    config : SegmenterConfig or Segmenter, optional
        Default: the default segmenter. Workers rebuild it from its config once each.
    with_pos : bool, default False
    n_jobs, chunksize, client
        As in :func:`map_documents`.
    with_raw : bool, default False
        Add the ``raw`` column (each unit's raw tokens), as :func:`segment_corpus` does.

    Returns
    -------
    DataFrame
        The units table, equal to ``segment_corpus(docs, unit=unit, cache=False,
        with_pos=with_pos, with_raw=with_raw)``.
    """
    return _segment(docs, config, unit, with_pos, n_jobs, chunksize, client, with_raw)


# --------------------------------------------------------------------------------------
# streaming: the units table on disk, read back in batches


def _units_schema(with_pos: bool, with_raw: bool = False) -> Any:
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
    if with_raw:
        fields.append(("raw", pa.list_(pa.string())))
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
    with_raw: bool = False,
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
    with_raw : bool, default False
        Add the ``raw`` column (each unit's raw tokens), so that the file read back serves
        frame scoring too: ``score_frames(docs, units=pd.read_parquet(path))``.
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
    ``segment_corpus(docs, unit=unit, cache=False, with_pos=with_pos, with_raw=with_raw)``
    would have returned.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from textkit.core.io import atomic_write

    check_int("batch_docs", batch_docs, minimum=1)
    check_choice("unit", unit, _UNITS)
    resolve_n_jobs(n_jobs)
    _check_chunksize(chunksize)
    schema = _units_schema(with_pos, with_raw)
    stats = {"documents": 0, "units": 0, "tokens": 0, "batches": 0}

    def write(tmp: Any) -> None:
        seen: set[str] = set()
        with pq.ParquetWriter(str(tmp), schema) as writer:

            def flush(batch: list[tuple[str, Any]]) -> None:
                units = _segment(batch, config, unit, with_pos, n_jobs, chunksize, client, with_raw)
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

    check_int("batch_rows", batch_rows, minimum=1)
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
