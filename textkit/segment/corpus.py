"""The units table: :func:`segment_corpus` turns documents into one row per sentence,
paragraph or document, with their analysis tokens.

Work is cached per text (sqlite3, content-addressed, checksummed rows) and can run in several
processes through :func:`textkit.core.executor.map_documents` under its ``n_jobs`` rule; the
result is identical whatever ``n_jobs``. :func:`document_pairs` normalises the documents
argument every segmentation entry point accepts.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import logging
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_bool, check_choice
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import map_documents, resolve_n_jobs
from textkit.core.paths import cache_dir
from textkit.segment.segmenter import Segmenter, get_segmenter
from textkit.segment.units import _UNITS, split_paragraphs

__all__ = [
    "document_pairs",
    "segment_corpus",
]

logger = logging.getLogger(__name__)

#: Batches of texts per worker process (load balancing without per-text overhead).
_BATCHES_PER_WORKER = 16


def _unit_tokens(
    seg: Segmenter, text: str, unit: str
) -> Iterable[tuple[int, int, str, list, list]]:
    """(para_id, sent_id, unit text, analysis tokens, raw tokens) of every unit of ``text``."""
    if unit == "document":
        t = text.strip()
        if t:
            raw = seg.cut(t)
            yield -1, -1, t, seg.filter(raw), raw
        return
    for p, para in enumerate(split_paragraphs(text)):
        if unit == "paragraph":
            raw = seg.cut(para)
            yield p, -1, para, seg.filter(raw), raw
            continue
        for s, (sentence, raw) in enumerate(seg.cut_sentences(para)):
            yield p, s, sentence, seg.filter(raw), raw


def _segment_text(
    seg: Segmenter, text: str, unit: str, with_pos: bool, with_raw: bool = False
) -> list[list]:
    """The rows of one text: ``[para_id, sent_id, text, tokens]``, then ``pos`` and
    ``raw`` when asked for."""
    rows = []
    for p, s, t, tokens, raw in _unit_tokens(seg, text, unit):
        row = [p, s, t, tokens]
        if with_pos:
            row.append([seg.tag(w) for w in tokens])
        if with_raw:
            row.append(raw)
        rows.append(row)
    return rows


_WORKER_SEG: Segmenter | None = None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic lists.

    Millions of token lists would otherwise trigger repeated full collections that scan
    the whole heap; these lists hold only strings, so reference counting frees them. The
    pause is process-wide (``gc.disable``) and ends with the block, also on an exception;
    the collector is switched back on only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _init_worker(seg: Segmenter, cache_env: str | None) -> None:
    # With the fork start method ``seg`` is the parent's segmenter, inherited as is; with
    # spawn it arrives pickled and is rebuilt from its config (see Segmenter.__setstate__).
    global _WORKER_SEG
    gc.enable()  # a worker forked while its parent paused the collector would inherit that
    if cache_env is not None:
        os.environ["TEXTKIT_CACHE_DIR"] = cache_env
    _WORKER_SEG = seg


def _worker_batch(
    batch: list[str], unit: str, with_pos: bool, with_raw: bool = False, encode: bool = False
) -> tuple[list[list[list]], list[bytes] | None]:
    """The rows of each text of ``batch`` and, with ``encode``, their cache payloads
    (:func:`_payload`, made here so that the parent process only stores them)."""
    assert _WORKER_SEG is not None
    with paused_gc():
        out = [_segment_text(_WORKER_SEG, t, unit, with_pos, with_raw) for t in batch]
        # one object per distinct token, so pickle sends each word once per batch
        memo: dict[str, str] = {}
        same = memo.setdefault
        for rows in out:
            for r in rows:
                r[3] = list(map(same, r[3], r[3]))
                if with_raw:
                    r[-1] = list(map(same, r[-1], r[-1]))
        return out, [_payload(rows) for rows in out] if encode else None


def _payload(rows: list) -> bytes:
    """The cache's encoding of one text's rows (UTF-8 JSON)."""
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


class _UnitCache:
    """sqlite3 cache of segmented texts keyed by (text sha256, fingerprint, unit, pos)."""

    _SCHEMA = (
        "CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, payload BLOB NOT NULL,"
        " checksum TEXT NOT NULL)"
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = sqlite3.connect(str(path), timeout=60)
        try:
            self.con.execute(self._SCHEMA)
            self.con.commit()
        except sqlite3.DatabaseError as exc:
            # not a database (truncated / overwritten): it is only a cache, start afresh
            logger.warning("segmentation cache %s is unreadable (%s); recreating it", path, exc)
            self.con.close()
            path.unlink(missing_ok=True)
            self.con = sqlite3.connect(str(path), timeout=60)
            self.con.execute(self._SCHEMA)
            self.con.commit()

    @staticmethod
    def key(text: str, fingerprint: str, unit: str, with_pos: bool, with_raw: bool = False) -> str:
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"{h}:{fingerprint}:{unit}:{int(with_pos)}" + (":raw" if with_raw else "")

    def get_many(self, keys: Sequence[str]) -> dict[str, list]:
        found: dict[str, list] = {}
        uniq = sorted(set(keys))
        for i in range(0, len(uniq), 500):
            part = uniq[i : i + 500]
            marks = ",".join("?" * len(part))
            q = f"SELECT key, payload, checksum FROM units WHERE key IN ({marks})"
            for key, payload, checksum in self.con.execute(q, part):
                payload = bytes(payload)
                if hashlib.sha256(payload).hexdigest() != checksum:
                    logger.warning("corrupt segmentation cache entry %s; recomputing", key[:16])
                    continue
                try:
                    found[key] = json.loads(payload.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    logger.warning("unreadable segmentation cache entry %s; recomputing", key[:16])
        return found

    def put_many(
        self, items: Mapping[str, list], payloads: Mapping[str, bytes] | None = None
    ) -> None:
        """Store the rows of each key; ``payloads`` holds their encodings already made
        (:func:`_payload`), the others are encoded here."""
        rows = []
        payloads = payloads or {}
        for key in sorted(items):
            payload = payloads[key] if key in payloads else _payload(items[key])
            rows.append((key, payload, hashlib.sha256(payload).hexdigest()))
        with self.con:
            self.con.executemany(
                "INSERT OR REPLACE INTO units (key, payload, checksum) VALUES (?, ?, ?)", rows
            )

    def close(self) -> None:
        self.con.close()


def document_pairs(docs: Any) -> list[tuple[str, str]]:
    """``(doc_id, text)`` pairs from a documents table, a mapping or an iterable of pairs.

    Parameters
    ----------
    docs : pandas.DataFrame, mapping or iterable
        A table with ``doc_id`` and ``text`` columns, a mapping ``doc_id -> text``, or
        ``(doc_id, text)`` pairs. Missing texts (None / NaN) become ``""``.

    Returns
    -------
    list of (str, str)

    Raises
    ------
    ValueError
        On a missing column, a duplicate ``doc_id`` or a text that is not a string.
    """
    if isinstance(docs, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in docs.columns]
        if missing:
            raise ValueError(f"docs: missing column(s) {missing}; need doc_id and text")
        pairs = list(zip(docs["doc_id"].astype(str), docs["text"], strict=True))
    elif isinstance(docs, Mapping):
        pairs = [(str(k), v) for k, v in docs.items()]
    else:
        pairs = [(str(k), v) for k, v in docs]
    out = []
    seen = set()
    for doc_id, text in pairs:
        if doc_id in seen:
            raise ValueError(f"docs: duplicate doc_id {doc_id!r}")
        seen.add(doc_id)
        if text is None or (isinstance(text, float) and math.isnan(text)):
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"docs: text of {doc_id!r} is {type(text).__name__}, not str")
        out.append((doc_id, text))
    return out


def segment_corpus(
    docs: pd.DataFrame | Mapping[str, str] | Iterable[tuple[str, str]],
    unit: str = "sentence",
    segmenter: Segmenter | None = None,
    n_jobs: int = 1,
    cache: bool | str | os.PathLike = True,
    with_pos: bool = False,
    with_raw: bool = False,
) -> pd.DataFrame:
    """Segment documents into the **units** table.

    Parameters
    ----------
    docs : DataFrame with ``doc_id`` and ``text``, mapping doc_id -> text, or pairs
        The documents (paragraphs separated by ``"\\n"``). Not modified.
    unit : {"sentence", "paragraph", "document"}, default "sentence"
        Unit of analysis. Sentences are split by :func:`split_sentences` within the
        paragraphs of :func:`split_paragraphs`.
    segmenter : Segmenter, optional
        Defaults to the cached default segmenter (``get_segmenter()``).
    n_jobs : int or None, default 1
        Worker processes, by :func:`textkit.core.executor.resolve_n_jobs` (``None`` or ``1``
        serial, ``-1`` one per core); the texts are sent in chunks through
        :func:`textkit.core.executor.map_documents`. Results are identical to ``n_jobs=1``.
    cache : bool or path-like, default True
        Reuse / store results in ``cache_dir("segment")/units.sqlite`` (or the given
        sqlite file), keyed by (text sha256, segmenter fingerprint, unit, with_pos,
        with_raw). Each row carries a sha256 checksum; a corrupt row is logged and
        recomputed.
    with_pos : bool, default False
        Add a ``pos`` column (list of tags, parallel to ``tokens``).
    with_raw : bool, default False
        Add a ``raw`` column: the unit's raw tokens (:meth:`Segmenter.cut`, nothing
        removed), so ``"".join(raw) == text`` and each token's character offsets in the unit
        follow from the lengths. Frame scoring matches the lexicon on them
        (``score_frames(docs, units=units)``), so a corpus segmented once with
        ``with_raw=True`` serves the document-term matrix, co-occurrence and frame scoring
        alike.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, para_id, sent_id, unit_id, text, tokens`` (+ ``pos``, ``raw``), in
        document order. ``para_id`` is the 0-based index of the non-empty paragraph
        (``-1`` for document units), ``sent_id`` the 0-based sentence index within the
        paragraph (``-1`` for paragraph and document units), ``unit_id`` the running index
        within the document. Units whose text is non-empty are kept even if no token
        survives filtering (``tokens`` is then empty).
    """
    check_choice("unit", unit, _UNITS)
    n_jobs = resolve_n_jobs(n_jobs)
    check_bool("with_pos", with_pos)
    check_bool("with_raw", with_raw)
    pairs = document_pairs(docs)
    seg = segmenter if segmenter is not None else get_segmenter()
    if not isinstance(seg, Segmenter):
        raise InvalidParameterError(
            f"segmenter: expected a textkit.segment.segmenter.Segmenter, got {type(seg).__name__}"
        )

    store = None
    if cache is not False and cache is not None:
        path = cache_dir("segment") / "units.sqlite" if cache is True else Path(cache)
        path.parent.mkdir(parents=True, exist_ok=True)
        store = _UnitCache(path)
    results: dict[str, list] = {}
    keys = [_UnitCache.key(t, seg.fingerprint, unit, with_pos, with_raw) for _, t in pairs]
    try:
        if store is not None:
            results.update(store.get_many(keys))
        todo_keys: list[str] = []
        todo_texts: list[str] = []
        seen: set[str] = set()
        for key, (_, text) in zip(keys, pairs, strict=True):
            if key not in results and key not in seen:
                seen.add(key)
                todo_keys.append(key)
                todo_texts.append(text)
        if todo_texts:
            logger.info("segmenting %d of %d documents", len(todo_texts), len(pairs))
            computed, payloads = _run_segmentation(
                seg, todo_texts, unit, with_pos, n_jobs, with_raw, encode=store is not None
            )
            fresh = dict(zip(todo_keys, computed, strict=True))
            results.update(fresh)
            if store is not None:
                store.put_many(fresh, dict(zip(todo_keys, payloads or (), strict=False)))
    finally:
        if store is not None:
            store.close()

    with paused_gc():
        return _units_frame(pairs, keys, results, with_pos, with_raw)


def _same(values: list) -> list:
    return values


def _units_frame(
    pairs: list[tuple[str, str]],
    keys: list[str],
    results: Mapping[str, list],
    with_pos: bool,
    with_raw: bool = False,
) -> pd.DataFrame:
    """The units table, built column by column (a dict per unit would cost as much as a
    tenth of the segmentation)."""
    columns: dict[str, Any] = {c: [] for c in ("doc_id", "para_id", "sent_id", "unit_id")}
    columns.update(text=[], tokens=[], **({"pos": []} if with_pos else {}))
    if with_raw:
        columns["raw"] = []
    used: set[str] = set()
    for key, (doc_id, _) in zip(keys, pairs, strict=True):
        res = results[key]
        columns["doc_id"].extend([doc_id] * len(res))
        columns["unit_id"].extend(range(len(res)))
        # equal texts share a result: every use after the first gets its own lists
        own = list if key in used else _same
        used.add(key)
        for r in res:
            columns["para_id"].append(r[0])
            columns["sent_id"].append(r[1])
            columns["text"].append(r[2])
            columns["tokens"].append(own(r[3]))
            if with_pos:
                columns["pos"].append(own(r[4]))
            if with_raw:
                columns["raw"].append(own(r[-1]))
    for c, values in columns.items():
        if c in ("para_id", "sent_id", "unit_id"):
            columns[c] = np.asarray(values, dtype=np.int64)
        elif not values:
            # an empty table gets the dtypes of a filled one: strings as pandas infers them
            # (``str`` in pandas 3, object before), token lists as object
            dtype = pd.Series([""]).dtype if c in ("doc_id", "text") else object
            columns[c] = pd.Series([], dtype=dtype)
    return pd.DataFrame(columns)


def _run_segmentation(
    seg: Segmenter,
    texts: list[str],
    unit: str,
    with_pos: bool,
    n_jobs: int,
    with_raw: bool,
    encode: bool = False,
) -> tuple[list[list], list[bytes] | None]:
    """The rows of each text and, when worker processes segment and ``encode`` is asked,
    the cache payloads they made (else None: the caller encodes)."""
    if n_jobs == 1 or len(texts) < 2:
        with paused_gc():
            return [_segment_text(seg, t, unit, with_pos, with_raw) for t in texts], None
    n_workers = min(n_jobs, len(texts))
    size = max(1, math.ceil(len(texts) / (n_workers * _BATCHES_PER_WORKER)))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    work = functools.partial(
        _worker_batch, unit=unit, with_pos=with_pos, with_raw=with_raw, encode=encode
    )
    # the collector is paused while the results arrive; each worker switches it on again
    # in _init_worker, so forked workers do not inherit the pause
    with paused_gc():
        parts = map_documents(
            work,
            batches,
            n_jobs=n_workers,
            chunksize=1,
            initializer=_init_worker,
            initargs=(seg, str(cache_dir())),
        )
        out: list[list] = []
        payloads: list[bytes] = []
        for rows, encoded in parts:
            out.extend(rows)
            payloads.extend(encoded or ())
    return out, payloads if encode else None
