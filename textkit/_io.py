"""Atomic, deterministic file writing and hashing shared by every stage.

Every file textkit writes goes through these helpers: content is written to a
temporary file in the target directory and moved into place with
:func:`os.replace`, so an interrupted run never leaves a partial file that later
looks valid. Tables are written with sorted, stable settings so that the same
input gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "atomic_write",
    "write_bytes",
    "write_text",
    "write_json",
    "write_csv",
    "write_table",
    "write_parquet",
    "sha256_bytes",
    "sha256_text",
    "sha256_file",
]


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


#: Permissions of written files: what ``open()`` would give under the process umask.
_FILE_MODE = _file_mode()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8."""
    return sha256_bytes(text.encode("utf-8"))


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: str | os.PathLike, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result to ``path`` atomically.

    Parameters
    ----------
    path : path-like
        Final destination. Its parent directory is created if needed.
    writer : callable
        Receives a temporary path in the same directory and must write the
        complete file there. If it raises, the temporary file is removed and
        ``path`` is left untouched.

    Returns
    -------
    pathlib.Path
        The destination path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        writer(tmp_path)
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, _FILE_MODE)  # mkstemp makes 0600; outputs are for everyone to read
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    _log_write(path)
    return path


#: When set, every file written is appended (absolute path, one per line) to this file:
#: ``textkit.pipeline`` uses it to learn which outputs a notebook's kernel wrote.
WRITE_LOG_ENV = "TEXTKIT_WRITE_LOG"


def _log_write(path: Path) -> None:
    log = os.environ.get(WRITE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{path.resolve()}\n")


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``."""
    return atomic_write(path, lambda p: p.write_bytes(data))


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Atomically write ``text`` as UTF-8 with ``\\n`` line endings."""
    return write_bytes(path, text.encode("utf-8"))


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, Path):
        return obj.as_posix()
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def dumps_json(obj: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 characters kept."""
    return (
        json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, default=_json_default) + "\n"
    )


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Atomically write ``obj`` as deterministic JSON (see :func:`dumps_json`)."""
    return write_text(path, dumps_json(obj))


def write_csv(path: str | os.PathLike, df: pd.DataFrame, *, bom: bool = False) -> Path:
    """Atomically write ``df`` as UTF-8 CSV without the index, ``\\n`` line endings.

    ``bom=True`` starts the file with a UTF-8 byte-order mark (``utf-8-sig``): Excel on
    Chinese Windows then reads it as UTF-8 instead of the ANSI code page (GBK), so tables
    meant for people open with their Chinese intact. Machine tables (corpus tables, caches,
    figure data, the manifest) stay plain UTF-8; readers use ``utf-8-sig``, which accepts both.
    """
    encoding = "utf-8-sig" if bom else "utf-8"
    return atomic_write(
        path, lambda p: df.to_csv(p, index=False, encoding=encoding, lineterminator="\n")
    )


def write_table(path: str | os.PathLike, df: pd.DataFrame, *, bom: bool = True) -> Path:
    """Export a result table atomically and deterministically, as CSV or Parquet by suffix.

    Parameters
    ----------
    path : path-like
        Destination ending in ``.csv`` (UTF-8, no index, ``\\n`` line endings) or ``.parquet``.
    df : pandas.DataFrame
        The table (not modified).
    bom : bool, default True
        Start a CSV with a UTF-8 byte-order mark, so that Excel shows its Chinese (result
        tables are opened by people; see :func:`write_csv`). Ignored for Parquet.

    Returns
    -------
    pathlib.Path
        The destination.

    Raises
    ------
    ValueError
        For any other suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_csv(path, df, bom=bom)
    if suffix == ".parquet":
        return write_parquet(path, df)
    raise ValueError(f"{path}: write_table writes .csv or .parquet, not {suffix or 'no suffix'!r}")


def write_parquet(path: str | os.PathLike, df: pd.DataFrame) -> Path:
    """Atomically write ``df`` as Parquet (pyarrow, no index, zstd-free defaults)."""
    return atomic_write(path, lambda p: df.to_parquet(p, index=False, engine="pyarrow"))
