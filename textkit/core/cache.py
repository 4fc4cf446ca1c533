"""A verified on-disk cache of stage outputs (tables), keyed by input, stage, config and version.

A stage output is stored once per key::

    key = sha256(canonical JSON of {"stage": ..., "parts": key_parts, "textkit": __version__})

where ``key_parts`` holds what the output depends on, typically the input hash and the stage
config (``{"input": corpus_hash, "config": config}``). Canonical JSON has sorted keys, no
whitespace, sets sorted, dataclasses (frozen stage configs) expanded to their fields, so the
same settings always give the same key and any changed setting gives another.

Each entry is two files in ``<directory>/<stage>/``:

* ``<key>.parquet``: the table (pyarrow; never pickle);
* ``<key>.json``: a sidecar with the key material, the textkit version, the row count and the
  sha256 of the parquet bytes.

Both are written atomically through :mod:`textkit.core.io`, parquet first, so a crash leaves at
worst a parquet file without sidecar, which is a miss. On read the sidecar must parse, its
key material must equal the requested one, and the parquet bytes must match the recorded
sha256; otherwise the entry is logged, deleted and recomputed, never trusted.

Stages with several outputs (the corpus build: documents, pages, boilerplate tables and a
JSON report) use :meth:`StageCache.get_or_compute_tables`: one ``<key>.<name>.parquet`` per
table, JSON parts inside the sidecar, every part checksummed, and the whole entry discarded
if any part fails verification.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from textkit import __version__
from textkit.core.checks import check_bool
from textkit.core.errors import CacheEntryError
from textkit.core.io import sha256_bytes, sha256_file, write_bytes, write_json
from textkit.core.paths import cache_dir

logger = logging.getLogger(__name__)

__all__ = ["StageCache", "canonical_json", "code_fingerprint", "table_hash", "CacheEntryError"]

_STAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _canonical(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        as_json = getattr(obj, "as_json", None) or getattr(obj, "as_dict", None)
        fields = as_json() if callable(as_json) else dataclasses.asdict(obj)
        return {"__type__": type(obj).__qualname__, **{k: _canonical(v) for k, v in fields.items()}}
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise ValueError(f"key_parts: mapping keys must be strings, got {k!r}")
            out[k] = _canonical(v)
        return out
    if isinstance(obj, (set, frozenset)):
        return sorted((_canonical(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if isinstance(obj, os.PathLike):
        return Path(obj).as_posix()
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"key_parts: non-finite float {obj!r} cannot be part of a key")
        return obj
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return _canonical(obj.tolist())
    raise ValueError(
        f"key_parts: cannot use a {type(obj).__name__} in a cache key; pass plain JSON values, "
        "dataclass configs, paths or hashes"
    )


def canonical_json(obj: Any) -> str:
    """Canonical JSON of ``obj``: sorted keys, compact separators, UTF-8 kept.

    Dataclasses (stage configs) are expanded to their fields (through their ``as_json`` /
    ``as_dict`` method when they have one) and tagged with their class name; sets are
    sorted; paths become POSIX strings; numpy values become Python values.

    Raises
    ------
    ValueError
        For values with no stable JSON form (arbitrary objects, NaN, non-string keys).
    """
    return json.dumps(_canonical(obj), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def table_hash(df: pd.DataFrame, columns: Any = None) -> str:
    """Hex sha256 of a table's content, for use as the ``input`` part of a cache key.

    The hash covers the column names and every value, row by row in order (each row as
    canonical JSON), so it does not depend on pandas / pyarrow versions or dtypes' memory
    layout. List columns (``tokens``) are included element by element; NaN and None hash
    alike.

    Parameters
    ----------
    df : DataFrame
    columns : sequence of str, optional
        Columns to include (default all, in table order). Missing columns raise
        ``ValueError`` naming them.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a DataFrame, got {type(df).__name__}")
    cols = list(df.columns) if columns is None else list(columns)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"columns: not in the table: {missing}")
    import hashlib

    h = hashlib.sha256()
    h.update(json.dumps([str(c) for c in cols], ensure_ascii=False).encode("utf-8"))
    for row in df[cols].itertuples(index=False, name=None):
        line = json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str)
        h.update(b"\n" + line.encode("utf-8"))
    return h.hexdigest()


def _read_parquet_bytes(data: bytes) -> pd.DataFrame:
    """Parquet bytes -> DataFrame with list columns back as Python lists (as produced)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    df = table.to_pandas()
    for name in table.column_names:
        typ = table.schema.field(name).type
        if name in df.columns and (pa.types.is_list(typ) or pa.types.is_large_list(typ)):
            df[name] = pd.Series(table.column(name).to_pylist(), index=df.index, dtype=object)
    return df


@functools.cache
def code_fingerprint() -> str:
    """``textkit.__version__`` plus a hash of the package's own code and data files.

    Folded into every cache key (stage cache, notebook stamps) so that an edited module or
    resource never reads outputs made by the code before the edit, even without a version bump.
    """
    package = Path(__file__).resolve().parents[1]  # textkit/
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".txt", ".yaml", ".csv", ".md"}:
            h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            h.update(sha256_file(path).encode("ascii") + b"\n")
    return f"{__version__}+{h.hexdigest()[:16]}"


class StageCache:
    """Cache of stage output tables on disk, verified by sha256 on every read.

    Parameters
    ----------
    directory : path-like, optional
        Where entries live; default ``textkit.core.paths.cache_dir("stages")`` (``$TEXTKIT_CACHE_DIR``
        or ``<project>/.cache/textkit/stages``).
    version : str, optional
        Version string folded into every key; default :func:`code_fingerprint` (the textkit
        version plus a hash of its code and data) so neither an upgrade nor an edited module
        ever reads outputs of other code.
    enabled : bool, default True
        ``False`` turns :meth:`get_or_compute` into a plain call of ``compute``.

    Examples
    --------
    >>> cache = StageCache()  # doctest: +SKIP
    >>> units = cache.get_or_compute(  # doctest: +SKIP
    ...     "segment",
    ...     {"input": corpus_hash, "config": seg.config, "unit": "sentence"},
    ...     lambda: segment_corpus(docs, unit="sentence"),
    ... )
    """

    def __init__(
        self,
        directory: str | os.PathLike | None = None,
        *,
        version: str | None = None,
        enabled: bool = True,
    ) -> None:
        enabled = check_bool("enabled", enabled)
        self.directory = Path(directory) if directory is not None else cache_dir("stages")
        self.version = code_fingerprint() if version is None else str(version)
        self.enabled = enabled
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"StageCache(directory={str(self.directory)!r}, version={self.version!r})"

    # -- keys ----------------------------------------------------------------------------

    def key_material(self, stage: str, key_parts: Any) -> str:
        """The canonical JSON hashed into the key of ``(stage, key_parts)``."""
        self._check_stage(stage)
        return canonical_json({"stage": stage, "parts": key_parts, "textkit": self.version})

    def key(self, stage: str, key_parts: Any) -> str:
        """Hex sha256 key of ``(stage, key_parts)`` for this textkit version."""
        return sha256_bytes(self.key_material(stage, key_parts).encode("utf-8"))

    def paths(self, stage: str, key_parts: Any) -> tuple[Path, Path]:
        """``(parquet path, sidecar path)`` of an entry."""
        k = self.key(stage, key_parts)
        base = self.directory / stage
        return base / f"{k}.parquet", base / f"{k}.json"

    @staticmethod
    def _check_stage(stage: Any) -> None:
        if not isinstance(stage, str) or not _STAGE_RE.match(stage):
            raise ValueError(
                f"stage: expected a name of letters, digits, '_', '-' or '.', got {stage!r}"
            )

    # -- read / write --------------------------------------------------------------------

    def _load(self, material: str, pq_path: Path, meta_path: Path) -> pd.DataFrame:
        """Read and verify one entry; raise CacheEntryError when it cannot be trusted."""
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CacheEntryError(f"unreadable sidecar {meta_path.name}: {exc}") from exc
        if not isinstance(meta, dict):
            raise CacheEntryError(f"sidecar {meta_path.name} is not a JSON object")
        if meta.get("key_material") != material or meta.get("textkit") != self.version:
            raise CacheEntryError(f"stale entry {meta_path.name}: key material does not match")
        try:
            data = pq_path.read_bytes()
        except OSError as exc:
            raise CacheEntryError(f"missing or unreadable {pq_path.name}: {exc}") from exc
        if len(data) != meta.get("bytes") or sha256_bytes(data) != meta.get("sha256"):
            raise CacheEntryError(
                f"checksum mismatch for {pq_path.name} ({len(data)} bytes, expected "
                f"{meta.get('bytes')}): corrupt or truncated"
            )
        try:
            df = _read_parquet_bytes(data)
        except Exception as exc:  # checksum matched but pyarrow refuses: do not trust it
            raise CacheEntryError(f"{pq_path.name} does not parse as parquet: {exc}") from exc
        if len(df) != meta.get("rows"):
            raise CacheEntryError(
                f"{pq_path.name}: {len(df)} rows, sidecar says {meta.get('rows')}"
            )
        return df

    def _discard(self, pq_path: Path, meta_path: Path) -> None:
        for p in (meta_path, pq_path):
            try:
                p.unlink(missing_ok=True)
            except OSError as exc:  # pragma: no cover - permissions
                logger.warning("could not delete cache file %s: %s", p, exc)

    def get(self, stage: str, key_parts: Any) -> pd.DataFrame | None:
        """The cached table for ``(stage, key_parts)``, or None on a miss.

        An entry that fails verification (unreadable or stale sidecar, checksum mismatch,
        truncated or unparsable parquet) is logged as a warning, deleted and reported as a
        miss.
        """
        material = self.key_material(stage, key_parts)
        pq_path, meta_path = self.paths(stage, key_parts)
        if not meta_path.exists() and not pq_path.exists():
            return None
        if not meta_path.exists():
            logger.warning("cache %s: %s has no sidecar; discarding", stage, pq_path.name)
            self._discard(pq_path, meta_path)
            return None
        try:
            return self._load(material, pq_path, meta_path)
        except CacheEntryError as exc:
            logger.warning("cache %s: %s; discarding and recomputing", stage, exc)
            self._discard(pq_path, meta_path)
            return None

    def put(self, stage: str, key_parts: Any, df: pd.DataFrame) -> Path:
        """Store ``df`` for ``(stage, key_parts)``; returns the parquet path.

        Raises
        ------
        TypeError
            When ``df`` is not a DataFrame.
        ValueError
            When the table cannot be written as parquet (e.g. a column of mixed Python
            objects); the message names the stage.
        """
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"stage {stage!r}: expected a DataFrame to cache, got {type(df)}")
        material = self.key_material(stage, key_parts)
        pq_path, meta_path = self.paths(stage, key_parts)
        buf = io.BytesIO()
        try:
            df.to_parquet(buf, engine="pyarrow", index=None)
        except Exception as exc:
            raise ValueError(f"stage {stage!r}: output cannot be stored as parquet: {exc}") from exc
        data = buf.getvalue()
        write_bytes(pq_path, data)
        write_json(
            meta_path,
            {
                "stage": stage,
                "key": pq_path.stem,
                "key_material": material,
                "textkit": self.version,
                "sha256": sha256_bytes(data),
                "bytes": len(data),
                "rows": len(df),
                "columns": [str(c) for c in df.columns],
            },
            digits=None,
            keep_equivalent=False,
        )
        return pq_path

    def get_or_compute(
        self, stage: str, key_parts: Any, compute: Callable[[], pd.DataFrame]
    ) -> pd.DataFrame:
        """The cached table for ``(stage, key_parts)``, computing and storing it on a miss.

        Parameters
        ----------
        stage : str
            Stage name (``"clean"``, ``"segment"``, ...): also the sub-directory.
        key_parts : JSON-like
            Everything the output depends on besides the stage name and textkit version:
            usually ``{"input": <input sha256>, "config": <stage config>}``. Dataclass
            configs, paths, sets and numpy values are accepted (see :func:`canonical_json`).
        compute : callable
            Returns the DataFrame when the entry is missing or untrustworthy.

        Returns
        -------
        DataFrame
            Equal to ``compute()`` (list columns come back as lists). A table that cannot be
            stored as parquet is returned uncached with a warning.
        """
        self.key_material(stage, key_parts)  # validate before any work
        if self.enabled:
            df = self.get(stage, key_parts)
            if df is not None:
                self.hits += 1
                logger.info("cache hit: %s %s", stage, self.key(stage, key_parts)[:12])
                return df
        self.misses += 1
        df = compute()
        if not isinstance(df, pd.DataFrame):
            raise TypeError(
                f"stage {stage!r}: compute() returned {type(df).__name__}, not a DataFrame"
            )
        if self.enabled:
            try:
                self.put(stage, key_parts, df)
            except ValueError as exc:
                logger.warning("%s; returning it uncached", exc)
        return df

    # -- entries of several tables (and JSON parts) ------------------------------------

    def _bundle_material(self, stage: str, key_parts: Any) -> str:
        self._check_stage(stage)
        return canonical_json(
            {"stage": stage, "parts": key_parts, "textkit": self.version, "bundle": True}
        )

    def _bundle_paths(self, stage: str, material: str) -> tuple[Path, str]:
        key = sha256_bytes(material.encode("utf-8"))
        return self.directory / stage / f"{key}.json", key

    def _discard_bundle(self, meta_path: Path, key: str) -> None:
        for p in sorted(meta_path.parent.glob(f"{key}.*")):
            if p.suffix in (".parquet", ".json"):
                self._discard(p, meta_path)

    def _load_bundle(self, material: str, meta_path: Path, key: str) -> dict[str, Any]:
        from textkit.core.io import dumps_json

        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CacheEntryError(f"unreadable sidecar {meta_path.name}: {exc}") from exc
        if not isinstance(meta, dict) or not isinstance(meta.get("parts"), dict):
            raise CacheEntryError(f"sidecar {meta_path.name} has no parts")
        if meta.get("key_material") != material or meta.get("textkit") != self.version:
            raise CacheEntryError(f"stale entry {meta_path.name}: key material does not match")
        out: dict[str, Any] = {}
        for name in meta.get("order", []):
            part = meta["parts"].get(name)
            if not isinstance(part, dict):
                raise CacheEntryError(f"{meta_path.name}: part {name!r} missing")
            if part.get("kind") == "json":
                value = part.get("value")
                if sha256_bytes(dumps_json(value).encode("utf-8")) != part.get("sha256"):
                    raise CacheEntryError(f"{meta_path.name}: JSON part {name!r} was altered")
                out[name] = value
                continue
            pq_path = meta_path.parent / f"{key}.{name}.parquet"
            try:
                data = pq_path.read_bytes()
            except OSError as exc:
                raise CacheEntryError(f"missing or unreadable {pq_path.name}: {exc}") from exc
            if len(data) != part.get("bytes") or sha256_bytes(data) != part.get("sha256"):
                raise CacheEntryError(f"checksum mismatch for {pq_path.name}: corrupt or truncated")
            try:
                df = _read_parquet_bytes(data)
            except Exception as exc:
                raise CacheEntryError(f"{pq_path.name} does not parse as parquet: {exc}") from exc
            if len(df) != part.get("rows"):
                raise CacheEntryError(
                    f"{pq_path.name}: {len(df)} rows, sidecar says {part['rows']}"
                )
            out[name] = df
        if sorted(out) != sorted(meta["parts"]):
            raise CacheEntryError(f"{meta_path.name}: parts and order disagree")
        return out

    def get_or_compute_tables(
        self, stage: str, key_parts: Any, compute: Callable[[], Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Like :meth:`get_or_compute` for a stage with several outputs.

        Parameters
        ----------
        stage : str
            Stage name (also the sub-directory).
        key_parts : JSON-like
            What the outputs depend on (see :meth:`get_or_compute`).
        compute : callable
            Returns a mapping ``name -> DataFrame`` or ``name -> JSON-ready value`` (dicts,
            lists, strings, numbers); names are letters, digits, ``_``, ``-``, ``.``.

        Returns
        -------
        dict
            The parts in the order ``compute`` returned them: DataFrames (list columns as
            lists) and JSON values as they round-trip through JSON. On a hit every part
            has been verified against its sha256; if any part fails, the whole entry is
            discarded and recomputed.

        Examples
        --------
        Caching the corpus build (``textkit.corpus.build.build_corpus``)::

            parts = cache.get_or_compute_tables(
                "corpus",
                {"input": corpus_hash(raw_dir), "config": corpus_config(cfg)},
                lambda: dataclasses.asdict(build_corpus(raw_dir, corpus_config(cfg))),
            )
            build = CorpusBuild(**parts)
        """
        from textkit.core.io import dumps_json

        material = self._bundle_material(stage, key_parts)
        meta_path, key = self._bundle_paths(stage, material)
        if self.enabled and meta_path.exists():
            try:
                out = self._load_bundle(material, meta_path, key)
                self.hits += 1
                logger.info("cache hit: %s %s (%d parts)", stage, key[:12], len(out))
                return out
            except CacheEntryError as exc:
                logger.warning("cache %s: %s; discarding and recomputing", stage, exc)
                self._discard_bundle(meta_path, key)
        self.misses += 1
        result = compute()
        if not isinstance(result, Mapping) or not result:
            raise TypeError(f"stage {stage!r}: compute() must return a non-empty mapping of parts")
        for name in result:
            if not isinstance(name, str) or not _STAGE_RE.match(name):
                raise ValueError(f"stage {stage!r}: invalid part name {name!r}")
        if not self.enabled:
            return dict(result)
        parts: dict[str, Any] = {}
        try:
            for name, value in result.items():
                if isinstance(value, pd.DataFrame):
                    buf = io.BytesIO()
                    value.to_parquet(buf, engine="pyarrow", index=None)
                    data = buf.getvalue()
                    write_bytes(meta_path.parent / f"{key}.{name}.parquet", data)
                    parts[name] = {
                        "kind": "table",
                        "sha256": sha256_bytes(data),
                        "bytes": len(data),
                        "rows": len(value),
                    }
                else:
                    text = dumps_json(value)
                    parts[name] = {
                        "kind": "json",
                        "value": json.loads(text),
                        "sha256": sha256_bytes(text.encode("utf-8")),
                    }
        except Exception as exc:  # unstorable output: keep nothing, return it uncached
            logger.warning(
                "stage %r: output cannot be cached (%s); returning it uncached", stage, exc
            )
            self._discard_bundle(meta_path, key)
            return dict(result)
        write_json(
            meta_path,
            {
                "stage": stage,
                "key": key,
                "key_material": material,
                "textkit": self.version,
                "order": list(result),
                "parts": parts,
            },
            digits=None,  # cached values come back exactly as computed
            keep_equivalent=False,
        )
        # JSON parts come back as a hit would return them (tuples as lists, ...)
        return {
            name: (value if parts[name]["kind"] == "table" else parts[name]["value"])
            for name, value in result.items()
        }

    def clear(self, stage: str | None = None) -> int:
        """Delete the entries of one stage (or all); returns the number of files removed."""
        if stage is not None:
            self._check_stage(stage)
        dirs = (
            [self.directory / stage]
            if stage
            else sorted(p for p in self.directory.glob("*") if p.is_dir())
        )
        n = 0
        for d in dirs:
            for p in sorted(d.glob("*")):
                if p.suffix in (".parquet", ".json", ".tmp") and p.is_file():
                    p.unlink()
                    n += 1
        return n
