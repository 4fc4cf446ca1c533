"""Dictionaries and word lists of the segmenter: reading, repairing and checking them.

:func:`read_userdict` reads a jieba-format user dictionary with documented repairs (byte-order
mark, GBK files, missing frequencies, words written with spaces) and names the file and line
of anything it cannot repair; :func:`load_wordlist` loads a stopword or officialese list
(the shipped one, a file or the words themselves). The POS table of jieba's own ``dict.txt``
and the frame-lexicon terms are read here too, and :func:`_new_tokenizer` gives a jieba
tokenizer whose prefix dictionary comes from a cache keyed by its inputs and verified by
sha256 before it is loaded (jieba's own cache is never read).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import io
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba

from textkit.core.errors import UserDictError
from textkit.core.io import sha256_bytes, write_bytes
from textkit.core.paths import cache_dir
from textkit.segment.rules import _CJK_RE, _USERDICT_WORD_OK

__all__ = [
    "SHIPPED",
    "UserDictError",
    "load_wordlist",
    "read_userdict",
]

logger = logging.getLogger(__name__)

#: Marker meaning "the list shipped in ``textkit/resources``".
SHIPPED = "shipped"


# --------------------------------------------------------------------------------------
# resources


def _resource_text(name: str) -> str:
    return (importlib.resources.files("textkit") / "resources" / name).read_text(encoding="utf-8")


def _resource_path(name: str) -> str:
    return str(importlib.resources.files("textkit") / "resources" / name)


def load_wordlist(source: str | os.PathLike | Iterable[str] | None, shipped_name: str) -> tuple:
    """Load a word list (stopwords, officialese) as a sorted tuple.

    Parameters
    ----------
    source : {"shipped"}, path-like, iterable of str or None
        ``"shipped"`` loads ``textkit/resources/<shipped_name>``; a path loads that file
        (UTF-8, one word per line, ``#`` starts a comment; several words on a line separated
        by whitespace are also accepted); an iterable is taken as the words themselves;
        ``None`` gives an empty list.
    shipped_name : str
        File name of the shipped list.

    Returns
    -------
    tuple of str
        Sorted, de-duplicated words.
    """
    if source is None:
        return ()
    if isinstance(source, str) and source == SHIPPED:
        text = _resource_text(shipped_name)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"word list file not found: {path}")
        text = _decode_dict_bytes(path.read_bytes(), path)
    else:
        words = {str(w).strip() for w in source}
        return tuple(sorted(w for w in words if w))
    words = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words.update(line.split())
    return tuple(sorted(words))


# --------------------------------------------------------------------------------------
# user dictionary reading


@dataclass(frozen=True)
class _DictEntry:
    word: str
    freq: int | None
    tag: str | None
    source: str
    line: int


def _decode_dict_bytes(data: bytes, path: Path) -> str:
    """Decode a dictionary file: UTF-8 (BOM stripped), or GB18030 if the whole file is.

    A file that mixes UTF-8 and GBK lines cannot be repaired safely and raises
    :class:`UserDictError` naming the first line that is not UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    first_bad = None
    utf8_nonascii = 0
    for i, raw in enumerate(lines, start=1):
        try:
            raw.decode("utf-8")
            if any(b > 0x7F for b in raw):
                utf8_nonascii += 1
        except UnicodeDecodeError:
            if first_bad is None:
                first_bad = i
    if utf8_nonascii == 0:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            logger.warning("%s: not UTF-8; decoded as GB18030 (GBK) instead", path)
            return text
    raise UserDictError(
        f"{path}, line {first_bad}: not valid UTF-8 (the file mixes encodings; save it as UTF-8)"
    )


#: Expected shape of a user dictionary line, quoted in every error about one.
_EXPECTED = (
    "expected 'word [freq] [tag]': a word without spaces, then optionally a frequency "
    "(a whole number >= 0), then optionally one of jieba's POS tags (n, nz, v, ns, ...)"
)

_NUMBER_RE = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_TAG_RE = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=1)
def _pos_tags() -> frozenset[str]:
    """The POS tags a user dictionary line may carry: those of jieba's ``dict.txt`` (``a`` …
    ``zg``) and the two jieba gives words it does not know (``eng``, ``un``)."""
    return frozenset(_jieba_dict_info()[0].values()) | {"eng", "un"}


def _parse_freq(field: str, path: Path, lineno: int, line: str) -> int:
    """A frequency field: a whole number >= 0 (``5.0`` read as 5, logged)."""
    value = float(field)
    if value < 0:
        raise UserDictError(
            f"{path}, line {lineno}: negative frequency {field!r} in {line!r}; {_EXPECTED}"
        )
    if not value.is_integer():
        raise UserDictError(
            f"{path}, line {lineno}: frequency {field!r} is not a whole number in {line!r}; "
            f"{_EXPECTED}"
        )
    if not re.fullmatch(r"\+?\d+", field):
        logger.warning("%s, line %d: frequency %r read as %d", path, lineno, field, int(value))
    return int(value)


def _parse_line(line: str, path: Path, lineno: int) -> tuple[str, int | None, str | None]:
    """``(word, freq, tag)`` of one non-blank, non-comment line (see :func:`read_userdict`)."""
    fields = line.split()
    tag = freq = None
    if len(fields) >= 2 and _TAG_RE.fullmatch(fields[-1]):
        if fields[-1] not in _pos_tags():
            raise UserDictError(
                f"{path}, line {lineno}: {fields[-1]!r} in {line!r} is not a POS tag jieba "
                f"uses (a word cannot contain a space); {_EXPECTED}"
            )
        tag = fields.pop()
    if len(fields) >= 2 and _NUMBER_RE.fullmatch(fields[-1]):
        freq = _parse_freq(fields.pop(), path, lineno, line)
    if len(fields) == 1:
        return fields[0], freq, tag
    if all(_CJK_RE.match(f) for f in fields):
        word = "".join(fields)
        logger.warning(
            "%s, line %d: word %r contains spaces; joined to %r", path, lineno, line, word
        )
        return word, freq, tag
    misplaced = [f for f in fields[1:] if _NUMBER_RE.fullmatch(f) or f in _pos_tags()]
    reason = (
        f"field {misplaced[0]!r} is out of place"
        if misplaced
        else "word contains spaces and cannot be one jieba token"
    )
    raise UserDictError(f"{path}, line {lineno}: {reason}: {line!r}; {_EXPECTED}")


def read_userdict(path: str | os.PathLike) -> list[_DictEntry]:
    """Read a jieba-format user dictionary (``word [freq] [tag]`` per line).

    Documented repairs (each logged at WARNING level):

    * a UTF-8 byte-order mark is removed; CRLF / CR line endings are accepted;
    * a file that is entirely GBK / GB18030 is decoded as such;
    * a missing frequency is allowed (the frequency is then chosen with jieba's
      ``suggest_freq`` so the word is cut as one token);
    * frequency 0 keeps jieba's meaning "never cut this as one token" (used to split
      jieba compounds that swallow a key term, e.g. 一票否决权 -> 一票否决 + 权);
    * a word written with spaces between CJK parts (``村民 议事会 5 n``) is joined
      (``村民议事会``), because jieba never produces a token containing a space;
    * a frequency written as a whole-number decimal (``5.0``, as spreadsheets export it) is
      read as that integer (``5``).

    Everything else is read strictly: a line is ``word``, then optionally a frequency (a
    whole number >= 0), then optionally a POS tag, which must be one of the tags jieba uses
    (the tags of its ``dict.txt``, such as ``n``, ``nz``, ``v``, ``ns``, plus ``eng`` and
    ``un``). Any other field is an error naming the file, the line and
    what was expected: ``hello world`` is refused (``world`` is not a POS tag, and a Latin
    word cannot contain a space), not read as the word ``hello`` tagged ``world``; a
    frequency such as ``5.5`` or ``-3`` is refused.

    Blank lines and lines starting with ``#`` are skipped.

    Parameters
    ----------
    path : path-like
        The dictionary file.

    Returns
    -------
    list
        Entries in file order.

    Raises
    ------
    UserDictError
        If the file is missing, mixes encodings, or a line cannot be read or repaired (a
        Latin word containing spaces, an unknown POS tag, a frequency that is negative or
        not a whole number, fields out of order); the message names the file, the line and
        what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise UserDictError(f"user dictionary not found: {path}")
    text = _decode_dict_bytes(path.read_bytes(), path)
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\ufeff", "").strip()
        if not line or line.startswith("#"):
            continue
        word, freq, tag = _parse_line(line, path, lineno)
        if not _USERDICT_WORD_OK.match(word):
            raise UserDictError(
                f"{path}, line {lineno}: {word!r} contains characters jieba always splits on "
                "(punctuation or symbols); it can never be one token"
            )
        entries.append(_DictEntry(word, freq, tag, str(path), lineno))
    return entries


# --------------------------------------------------------------------------------------
# jieba dictionary POS table (shared per process, read-only)


@functools.lru_cache(maxsize=1)
def _jieba_dict_info() -> tuple[dict[str, str], str]:
    """POS tag per word of jieba's ``dict.txt`` and the file's sha256."""
    data = (importlib.resources.files("jieba") / "dict.txt").read_bytes()
    tags: dict[str, str] = {}
    for line in data.decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 3:
            tags[parts[0]] = parts[2]
    return tags, hashlib.sha256(data).hexdigest()


def _load_lexicon_terms(path: str | None = None) -> list[str]:
    """All terms of the frame lexicon (:func:`textkit.core.lexicon.load_lexicon`; the shipped
    one when ``path`` is None), sorted; a malformed file raises its ``LexiconError``."""
    from textkit.core.lexicon import load_lexicon

    terms = load_lexicon(path).terms() if path is not None else load_lexicon().terms()
    return sorted({str(t).strip() for t in terms if str(t).strip()})


# --------------------------------------------------------------------------------------
# jieba's prefix dictionary: a cache keyed by its inputs and verified before it is loaded
#
# jieba turns its ``dict.txt`` into a prefix dictionary (about a second) and keeps it in a
# ``marshal`` file that it loads later without any check, so a stale or foreign file would
# change the tokenization while the segmenter's fingerprint stays the same. textkit builds
# and loads its own cache instead, as JSON (never ``marshal`` or pickle):
#
# * keyed by what it is built from: ``cache_dir("jieba")/jieba.<key>.cache``, ``key`` the
#   sha256 of the cache format, jieba's version and the sha256 of
#   jieba's ``dict.txt`` (its only input: the governance dictionary, the lexicon terms and
#   user dictionaries are added afterwards in memory with ``add_word`` and are part of the
#   segmenter's fingerprint, not of this file);
# * verified on load: a sidecar ``jieba.<key>.cache.sha256`` holds the sha256 of the bytes
#   textkit wrote; the cache bytes are read once, hashed and only then parsed. A
#   missing or different sidecar, or content that is not a prefix dictionary, is logged at
#   WARNING level, deleted and rebuilt from ``dict.txt``. Both files are written atomically
#   (cache first, then sidecar), so a crash leaves at worst a cache without sidecar.

#: Raised when the layout of the cache or of its key changes.
_CACHE_FORMAT = 2
#: jieba's cache of the default dictionary before it was keyed and verified (removed on sight).
_LEGACY_CACHE = "jieba.default.cache"


def _jieba_dict_bytes() -> bytes:
    return (importlib.resources.files("jieba") / "dict.txt").read_bytes()


def _prefix_cache_key(dict_sha256: str) -> str:
    """sha256 of everything the prefix dictionary of jieba's ``dict.txt`` is built from.

    Parameters
    ----------
    dict_sha256 : str
        Hex sha256 of the bytes of jieba's ``dict.txt``.

    Returns
    -------
    str
        Hex sha256 of the cache format, jieba's version and
        ``dict_sha256``.
    """
    material = {
        "format": _CACHE_FORMAT,
        "jieba": getattr(jieba, "__version__", "?"),
        "dict_sha256": dict_sha256,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def _prefix_cache_path(dict_sha256: str | None = None) -> Path:
    """Where the verified prefix-dictionary cache of jieba's ``dict.txt`` lives.

    Parameters
    ----------
    dict_sha256 : str, optional
        Hex sha256 of jieba's ``dict.txt`` (default: hashed from the installed file).

    Returns
    -------
    pathlib.Path
        ``cache_dir("jieba")/jieba.<key>.cache`` (:func:`_prefix_cache_key`); its sidecar is
        the same path with ``.sha256`` appended.
    """
    if dict_sha256 is None:
        dict_sha256 = sha256_bytes(_jieba_dict_bytes())
    return cache_dir("jieba") / f"jieba.{_prefix_cache_key(dict_sha256)}.cache"


def _cache_sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _discard_cache(path: Path, reason: str) -> None:
    logger.warning("jieba prefix cache %s %s; deleting and rebuilding it", path, reason)
    for p in (path, _cache_sidecar(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:  # pragma: no cover - read-only cache directory
            logger.warning("could not delete %s: %s", p, exc)


def _read_cache(path: Path) -> tuple[dict, int] | None:
    """The (FREQ, total) stored at ``path`` if its bytes match the sidecar, else None."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        recorded = _cache_sidecar(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        _discard_cache(path, "has no readable sha256 sidecar")
        return None
    if recorded != sha256_bytes(data):
        _discard_cache(path, "does not match the sha256 recorded in its sidecar")
        return None
    try:
        parsed = json.loads(data.decode("utf-8"))
        freq, total = parsed["freq"], parsed["total"]
    except (ValueError, TypeError, KeyError):
        freq = total = None
    if not isinstance(freq, dict) or not isinstance(total, int):
        _discard_cache(path, "is not a jieba prefix dictionary")
        return None
    return freq, total


def _write_cache(path: Path, freq: dict, total: int) -> None:
    data = json.dumps(
        {"total": total, "freq": freq}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    try:
        write_bytes(path, data)
        write_bytes(_cache_sidecar(path), (sha256_bytes(data) + "\n").encode("ascii"))
    except OSError as exc:  # a read-only cache directory costs a rebuild next time, no more
        logger.warning("could not write the jieba prefix cache %s: %s", path, exc)


def _new_tokenizer() -> jieba.Tokenizer:
    """A fresh, initialised :class:`jieba.Tokenizer` of jieba's own dictionary.

    The prefix dictionary comes from the verified cache (:func:`_prefix_cache_path`) when it
    passes verification, otherwise it is built from the bytes of ``dict.txt`` that were hashed
    for the key and written to the cache with its sidecar. jieba's own cache is never read.

    Returns
    -------
    jieba.Tokenizer
    """
    data = _jieba_dict_bytes()
    path = _prefix_cache_path(sha256_bytes(data))
    legacy = path.parent / _LEGACY_CACHE
    if legacy.is_file():
        logger.info("removing the unverified jieba cache %s", legacy)
        legacy.unlink(missing_ok=True)
    loaded = _read_cache(path)
    tk = jieba.Tokenizer()
    if loaded is None:
        freq, total = tk.gen_pfdict(io.BytesIO(data))
        _write_cache(path, freq, total)
    else:
        freq, total = loaded
    tk.FREQ, tk.total = freq, total
    # jieba's initialize() returns at once for an initialised tokenizer; the cache path is
    # set as well so that nothing falls back to jieba's unverified default file.
    tk.tmp_dir, tk.cache_file = str(path.parent), str(path)
    tk.initialized = True
    return tk
