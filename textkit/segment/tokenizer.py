"""jieba tokenizers built from a verified prefix-dictionary cache.

jieba turns its ``dict.txt`` into a prefix dictionary (about a second) and keeps it in a
``marshal`` file that it loads later without any check, so a stale or foreign file would change
the tokenization while :attr:`textkit.segment.segmenter.Segmenter.fingerprint` stays the same.
textkit therefore builds and loads that file itself:

* **Keyed by what it is built from.** The file is
  ``cache_dir("jieba")/jieba.<key>.cache`` where ``key`` is the sha256 of the cache format,
  jieba's version, the marshal format and the sha256 of jieba's ``dict.txt`` (the only input of
  the prefix dictionary: the governance dictionary, the lexicon terms and user dictionaries
  are added afterwards in memory, with ``add_word``, and are part of the segmenter's
  fingerprint, not of this file).
* **Verified on load.** A sidecar ``jieba.<key>.cache.sha256`` holds the sha256 of the bytes
  textkit wrote. The cache bytes are read once, hashed and only then unmarshalled; a missing
  or different sidecar, or content that is not a prefix dictionary, is logged at WARNING
  level, deleted and rebuilt from ``dict.txt``.

Both files are written atomically (cache first, then sidecar), so a crash leaves at worst a
cache without sidecar, which is rebuilt.

Usage::

    from textkit.segment.tokenizer import new_tokenizer

    tk = new_tokenizer()          # an initialised jieba.Tokenizer of jieba's dictionary
    tk.lcut("社会治安综合治理")
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import logging
import marshal
from pathlib import Path

import jieba

from textkit.core.io import sha256_bytes, write_bytes
from textkit.core.paths import cache_dir

__all__ = ["new_tokenizer", "prefix_cache_key", "prefix_cache_path"]

logger = logging.getLogger(__name__)

#: Raised when the layout of the cache or of its key changes.
_CACHE_FORMAT = 1
#: jieba's cache of the default dictionary before it was keyed and verified (removed on sight).
_LEGACY_NAME = "jieba.default.cache"


def _jieba_dict_bytes() -> bytes:
    return (importlib.resources.files("jieba") / "dict.txt").read_bytes()


def prefix_cache_key(dict_sha256: str) -> str:
    """sha256 of everything the prefix dictionary of jieba's ``dict.txt`` is built from.

    Parameters
    ----------
    dict_sha256 : str
        Hex sha256 of the bytes of jieba's ``dict.txt``.

    Returns
    -------
    str
        Hex sha256 of the cache format, jieba's version, the marshal version and
        ``dict_sha256``.
    """
    material = {
        "format": _CACHE_FORMAT,
        "jieba": getattr(jieba, "__version__", "?"),
        "marshal": marshal.version,
        "dict_sha256": dict_sha256,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def prefix_cache_path(dict_sha256: str | None = None) -> Path:
    """Where the verified prefix-dictionary cache of jieba's ``dict.txt`` lives.

    Parameters
    ----------
    dict_sha256 : str, optional
        Hex sha256 of jieba's ``dict.txt`` (default: hashed from the installed file).

    Returns
    -------
    pathlib.Path
        ``cache_dir("jieba")/jieba.<key>.cache`` (:func:`prefix_cache_key`); its sidecar is
        the same path with ``.sha256`` appended.
    """
    if dict_sha256 is None:
        dict_sha256 = sha256_bytes(_jieba_dict_bytes())
    return cache_dir("jieba") / f"jieba.{prefix_cache_key(dict_sha256)}.cache"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _discard(path: Path, reason: str) -> None:
    logger.warning("jieba prefix cache %s %s; deleting and rebuilding it", path, reason)
    for p in (path, _sidecar(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:  # pragma: no cover - read-only cache directory
            logger.warning("could not delete %s: %s", p, exc)


def _read_verified(path: Path) -> tuple[dict, int] | None:
    """The (FREQ, total) stored at ``path`` if its bytes match the sidecar, else None."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        recorded = _sidecar(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        _discard(path, "has no readable sha256 sidecar")
        return None
    if recorded != sha256_bytes(data):
        _discard(path, "does not match the sha256 recorded in its sidecar")
        return None
    try:
        freq, total = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        freq = total = None
    if not isinstance(freq, dict) or not isinstance(total, int):
        _discard(path, "is not a jieba prefix dictionary")
        return None
    return freq, total


def _write_verified(path: Path, freq: dict, total: int) -> None:
    data = marshal.dumps((freq, total))
    try:
        write_bytes(path, data)
        write_bytes(_sidecar(path), (sha256_bytes(data) + "\n").encode("ascii"))
    except OSError as exc:  # a read-only cache directory costs a rebuild next time, no more
        logger.warning("could not write the jieba prefix cache %s: %s", path, exc)


def new_tokenizer() -> jieba.Tokenizer:
    """A fresh, initialised :class:`jieba.Tokenizer` of jieba's own dictionary.

    The prefix dictionary comes from the verified cache (:func:`prefix_cache_path`) when it
    passes verification, otherwise it is built from the bytes of ``dict.txt`` that were hashed
    for the key and written to the cache with its sidecar. jieba's own cache is never read.

    Returns
    -------
    jieba.Tokenizer
    """
    data = _jieba_dict_bytes()
    path = prefix_cache_path(sha256_bytes(data))
    legacy = path.parent / _LEGACY_NAME
    if legacy.is_file():
        logger.info("removing the unverified jieba cache %s", legacy)
        legacy.unlink(missing_ok=True)
    loaded = _read_verified(path)
    tk = jieba.Tokenizer()
    if loaded is None:
        freq, total = tk.gen_pfdict(io.BytesIO(data))
        _write_verified(path, freq, total)
    else:
        freq, total = loaded
    tk.FREQ, tk.total = freq, total
    # jieba's initialize() returns at once for an initialised tokenizer; the cache path is
    # set as well so that nothing falls back to jieba's unverified default file.
    tk.tmp_dir, tk.cache_file = str(path.parent), str(path)
    tk.initialized = True
    return tk
