"""Duplicate detection stage.

Exact duplicates are found by hashing a normalised text (NFKC, lower case, all whitespace and
punctuation removed). Near duplicates are found with MinHash signatures of the character n-gram
shingles of that normalised text, computed with numpy (:mod:`textkit.corpus.minhash`: the
values of a datasketch ``MinHash`` with a vectorised MurmurHash3 shingle hash), banded as
datasketch's ``MinHashLSH`` bands them; candidate pairs are confirmed by the exact Jaccard
similarity of the shingle sets, so the groups depend on the hashing only through which true
pairs are found. Groups are the connected components of exact and confirmed pairs. A pair
whose documents are connected already is not confirmed (it cannot change the components),
so a cluster of thousands of near-identical texts (a template with a number changed) costs
one confirmation per member, not one per pair: the groups are those of confirming every
pair (tested), in time and memory that grow with the documents, not with their pairs. The canonical member of a group is the longest text, ties broken by the
smallest ``doc_id``. Documents shorter than the shingle size are matched by exact hash only.

:class:`DuplicateFinder` does this one document at a time and asks a callback for the texts
of the pairs it must confirm (:func:`find_duplicates` uses it with the texts in memory, the
streamed corpus build with texts read back from disk). Paragraphs repeated across documents
(boilerplate) are found by :mod:`textkit.corpus.boilerplate`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from textkit.core.checks import check_int, check_number
from textkit.core.config import StageConfig
from textkit.core.dates import parse_date
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import resolve_n_jobs
from textkit.corpus.minhash import signature as _minhash_values
from textkit.corpus.minhash import to_minhash

__all__ = [
    "DUPLICATE_COLUMNS",
    "DedupConfig",
    "DuplicateFinder",
    "duplicate_key",
    "earliest_ranks",
    "find_duplicates",
    "jaccard",
    "later_kept_groups",
    "minhash_signatures",
    "normalise",
    "normalise_lines",
    "shingles",
    "with_duplicate_columns",
]

logger = logging.getLogger(__name__)

#: The columns :func:`find_duplicates` adds.
DUPLICATE_COLUMNS = ("dup_group", "dup_of", "is_duplicate", "similarity")

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)
#: :func:`find_duplicates` uses worker processes (``n_jobs > 1``) from this many documents on.
PARALLEL_MIN_DOCS = 200
_NEWLINE = ord("\n")


@dataclass(frozen=True)
class DedupConfig(StageConfig):
    """Options of the duplicate detection stage.

    Parameters
    ----------
    shingle_size : int
        Character n-gram size of shingles (default 5).
    num_perm : int
        Number of MinHash permutations (default 128).
    threshold : float
        Jaccard threshold for LSH candidates and for confirming a pair (default 0.8).
    random_state : int
        MinHash seed (default 1).
    min_chars : int
        Normalised texts shorter than this are exact-hash only (default 0: the shingle size is
        always the floor).
    paragraph_min_chars : int
        Minimum normalised length of a paragraph considered by ``repeated_paragraphs`` (default 8).
    keep_earliest_by : str
        A document variable ordering the copies in time (a year, a date): the copy kept as
        the canonical one of a group is the one with the smallest value, so a text reprinted
        later counts at the year it first appeared. Copies without a value come after those
        with one; ties go to the longest text, then the smallest doc_id. Numbers, dates and
        text that reads as either (``"2020"``, ``"2020-03-01"``, and the forms Chinese sites
        write: ``"2019年3月5日"``, ``"2019/03/05"``, ``"2019-3-5 10:22"``, ``"2019年3月"``;
        :func:`textkit.core.dates.parse_date`) are ordered; other text counts as no value.
        Default ``""``: the longest text is kept.
    """

    table = "dedup"

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.8
    random_state: int = 1
    min_chars: int = 0
    paragraph_min_chars: int = 8
    keep_earliest_by: str = ""

    def __post_init__(self) -> None:
        check_int("DedupConfig.shingle_size", self.shingle_size, 1)
        check_int("DedupConfig.num_perm", self.num_perm, 16)
        check_number("DedupConfig.threshold", self.threshold, 0, 1, low_open=True)
        check_int("DedupConfig.random_state", self.random_state, 0)
        check_int("DedupConfig.min_chars", self.min_chars, 0)
        check_int("DedupConfig.paragraph_min_chars", self.paragraph_min_chars, 1)
        if not isinstance(self.keep_earliest_by, str):
            raise InvalidParameterError(
                "DedupConfig.keep_earliest_by: expected the name of a document variable, got "
                f"{self.keep_earliest_by!r}"
            )


def normalise(text: str) -> str:
    """Return ``text`` in NFKC, lower case, without whitespace or punctuation.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The normalised text used for hashing and shingling.

    Notes
    -----
    Texts of 64 characters or more take a faster path with the same result. Each character
    is replaced by its own NFKC form (one table look-up per character with numpy): that
    string has the same NFKD form as the text (a character and its NFKC form are
    compatibility equivalent, and canonical reordering of the whole does not depend on
    reordering its parts first), hence the same NFKC form, which is the string itself when
    ``unicodedata.is_normalized`` says so and is computed otherwise. Whitespace and
    punctuation are then removed character by character, as the regular expression does.
    """
    text = str(text or "")
    if len(text) >= 64:
        try:
            return _normalise_by_table(np.frombuffer(text.encode("utf-32-le"), np.uint32))
        except UnicodeEncodeError:  # lone surrogates
            pass
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def normalise_lines(text: str) -> list[str]:
    """:func:`normalise` of every line of ``text``, in one pass over the whole text.

    Parameters
    ----------
    text : str
        Any text; lines are separated by ``"\n"``.

    Returns
    -------
    list of str
        ``[normalise(line) for line in text.split("\n")]``.

    Notes
    -----
    The text is normalised as a whole (the table path of :func:`normalise`) with its newlines
    kept, then split at them. That equals normalising each line: a newline never composes or
    decomposes in NFKC, no character's NFKC form contains one, and it stops the look-around of
    ``str.lower`` (final sigma), so no step reads across it.
    """
    text = str(text or "")
    if len(text) >= 64:
        try:
            codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        except UnicodeEncodeError:  # lone surrogates
            pass
        else:
            return _normalise_by_table(codes, keep_newlines=True).split("\n")
    return [normalise(line) for line in text.split("\n")]


#: Per code point, filled as characters are met (zeroed pages: memory only once written).
_TABLES: dict[str, np.ndarray] = {
    name: np.zeros(0x110000, dtype=dtype)
    for name, dtype in (("known", bool), ("strip", bool), ("long", bool), ("nfkc", np.uint32))
}
_FORMS: dict[int, str] = {}  # NFKC forms of more (or fewer) than one character


def _learn(codes: np.ndarray) -> dict[str, np.ndarray]:
    """The character tables, with an entry for each of ``codes``: ``nfkc`` (its NFKC form
    when that is one character, else itself), ``long`` (the form, in ``_FORMS``, is not one
    character) and ``strip`` (whether ``_STRIP`` removes it)."""
    known = _TABLES["known"]
    if not known[codes].all():
        for code in np.unique(codes[~known[codes]]).tolist():
            char = chr(code)
            form = unicodedata.normalize("NFKC", char)
            _TABLES["nfkc"][code] = ord(form) if len(form) == 1 else code
            if len(form) != 1:
                _FORMS[code] = form
                _TABLES["long"][code] = True
            _TABLES["strip"][code] = _STRIP.fullmatch(char) is not None
            known[code] = True
    return _TABLES


def _normalise_by_table(codes: np.ndarray, keep_newlines: bool = False) -> str:
    """:func:`normalise` of the text of these code points (see its Notes); with
    ``keep_newlines`` the newlines stay (:func:`normalise_lines`)."""
    tables = _learn(codes)
    folded = tables["nfkc"][codes].tobytes().decode("utf-32-le")
    long = np.nonzero(tables["long"][codes])[0].tolist()
    if long:  # "…" -> "...", "⑴" -> "(1)"
        parts, start = [], 0
        for i in long:
            parts += [folded[start:i], _FORMS[int(codes[i])]]
            start = i + 1
        folded = "".join([*parts, folded[start:]])
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    lower = np.frombuffer(folded.lower().encode("utf-32-le"), np.uint32)
    strip = _learn(lower)["strip"][lower]
    if keep_newlines:
        strip &= lower != _NEWLINE
    return lower[~strip].tobytes().decode("utf-32-le")


def shingles(text: str, size: int) -> frozenset[str]:
    """Character n-gram shingles of the normalised ``text`` (empty if shorter than ``size``).

    Parameters
    ----------
    text : str
        Any text.
    size : int
        Shingle length in characters.

    Returns
    -------
    frozenset of str
    """
    return _shingles_of(normalise(text), size)


def _shingles_of(norm: str, size: int) -> frozenset[str]:
    return frozenset(norm[i : i + size] for i in range(len(norm) - size + 1))


def _signature(norm: str, config: DedupConfig) -> np.ndarray:
    """MinHash values of a normalised text's shingles (:func:`textkit.corpus.minhash.signature`)."""
    return _minhash_values(norm, config.shingle_size, config.num_perm, config.random_state)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _shingle_array(norm: str, size: int) -> np.ndarray:
    """The shingle set of a normalised text as a sorted array of fixed-width byte strings
    (4 bytes a character): the same set as :func:`shingles`, in a tenth of the memory."""
    if len(norm) < size:
        return np.empty(0, dtype=np.dtype((np.void, 4 * size)))
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    windows = np.ascontiguousarray(np.lib.stride_tricks.sliding_window_view(codes, size))
    return np.unique(windows.view(np.dtype((np.void, 4 * size))).ravel())


def _shingle_sets(norms: Mapping[str, str], size: int) -> dict[str, np.ndarray]:
    """The shingle set of each normalised text as a sorted array, the same sets as
    :func:`_shingle_array`: when the texts use ``m`` different characters and ``m ** size``
    is below ``2 ** 64``, each shingle is written exactly as a ``size``-digit number in base
    ``m`` (the rank of each character) in a ``uint64``, which sorts far faster than byte
    strings; otherwise as :func:`_shingle_array`'s byte strings."""
    codes = {i: np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32) for i, t in norms.items()}
    alphabet = np.unique(np.concatenate([np.empty(0, np.uint32), *codes.values()]))
    base = max(len(alphabet), 2)
    if base**size >= 2**64:
        return {i: _shingle_array(t, size) for i, t in norms.items()}
    out: dict[str, np.ndarray] = {}
    for i, c in codes.items():
        n = len(c) - size + 1
        if n <= 0:
            out[i] = np.empty(0, dtype=np.uint64)
            continue
        ranks = np.searchsorted(alphabet, c).astype(np.uint64)
        value = np.zeros(n, dtype=np.uint64)
        for j in range(size):
            value *= np.uint64(base)
            value += ranks[j : j + n]
        out[i] = np.unique(value)
    return out


def _jaccard_arrays(a: np.ndarray, b: np.ndarray) -> float:
    """:func:`jaccard` of two :func:`_shingle_array` sets (the same value)."""
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


class _UnionFind:
    """Disjoint sets of doc_ids (the root of a set is its smallest id)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        parent = self._parent
        root = parent.setdefault(a, a)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        parent[a] = root
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def components(self) -> list[list[str]]:
        """The sets of two or more ids, each sorted, in order of their smallest id."""
        out: dict[str, list[str]] = {}
        for a in sorted(self._parent):
            out.setdefault(self.find(a), []).append(a)
        return [m for m in out.values() if len(m) > 1]


class _TextCache:
    """Normalised texts fetched on demand, at most ``limit`` held (the least recently used
    are dropped first; ``None``: all)."""

    def __init__(
        self,
        fetch: Callable[[list[str]], Mapping[str, str]],
        prepare: Callable[[object], str],
        limit: int | None,
    ) -> None:
        self._fetch, self._prepare, self._limit = fetch, prepare, limit
        self._held: OrderedDict[str, str] = OrderedDict()

    def prefetch(self, ids: list[str]) -> None:
        missing = [i for i in ids if i not in self._held]
        if missing:
            got = self._fetch(missing)
            for i in missing:
                self._put(i, self._prepare(got[i]))

    def get(self, i: str) -> str:
        text = self._held.get(i)
        if text is None:
            self.prefetch([i])
            text = self._held[i]
        self._held.move_to_end(i)
        return text

    def _put(self, i: str, text: str) -> None:
        self._held[i] = text
        if self._limit is not None:
            while len(self._held) > self._limit:
                self._held.popitem(last=False)


def minhash_signatures(texts: Iterable[str], config: DedupConfig | None = None) -> list[MinHash]:
    """MinHash signature of each text's character shingles.

    Parameters
    ----------
    texts : iterable of str
        Texts (normalised internally).
    config : DedupConfig, optional
        Shingle size, ``num_perm`` and ``random_state``.

    Returns
    -------
    list of datasketch.MinHash
        One signature per text, in input order (``affine32`` scheme, hash function
        :func:`textkit.corpus.minhash.murmur3_32` of the UTF-32-LE bytes of each shingle).
    """
    config = config or DedupConfig()
    return [to_minhash(_signature(normalise(text), config), config.random_state) for text in texts]


def _check(docs: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "text") if c not in docs.columns]
    if missing:
        raise InvalidParameterError(f"docs: documents table lacks column(s) {missing}")
    if docs["doc_id"].duplicated().any():
        dup = sorted(docs.loc[docs["doc_id"].duplicated(), "doc_id"].astype(str))[:5]
        raise ValueError(f"documents table has repeated doc_id values: {dup}")


def _as_text(t: object) -> str:
    return str(t if isinstance(t, str) else "")


def duplicate_key(
    text: str, config: DedupConfig | None = None
) -> tuple[bytes, int, MinHash | None]:
    """What :class:`DuplicateFinder` needs of one document, computed from its text alone.

    Parameters
    ----------
    text : str
        The document's text (normalised internally).
    config : DedupConfig, optional

    Returns
    -------
    digest : bytes
        SHA-256 of the normalised text (exact duplicates share it).
    length : int
        Length of the normalised text (the canonical member of a group is the longest).
    signature : datasketch.MinHash or None
        MinHash of the shingles; None when the normalised text is shorter than the shingle
        size or ``min_chars`` (such documents are matched by exact hash only).
    """
    config = config or DedupConfig()
    digest, length, values = _key(normalise(_as_text(text)), config)
    return digest, length, (None if values is None else to_minhash(values, config.random_state))


def _text_key(item: tuple[DedupConfig, object]) -> tuple[bytes, int, np.ndarray | None]:
    """:func:`_key` of a ``(config, text)`` (normalised here; a worker's item in
    :func:`find_duplicates`)."""
    config, text = item
    return _key(normalise(_as_text(text)), config)


def _key(norm: str, config: DedupConfig) -> tuple[bytes, int, np.ndarray | None]:
    """:func:`duplicate_key` of a normalised text, with the signature as an array."""
    digest = hashlib.sha256(norm.encode("utf-8")).digest()
    floor = max(config.shingle_size, config.min_chars)
    return digest, len(norm), (_signature(norm, config) if len(norm) >= floor else None)


class DuplicateFinder:
    """Exact and near duplicate detection fed one document at a time.

    The finder keeps, per document, the hash and length of its normalised text and the
    hash values of its MinHash that the LSH bands use (a row of a numpy array: about
    ``4 * num_perm`` bytes), never the text nor a MinHash object. Two documents are an LSH
    candidate pair when all the hash values of one band are equal (the rule of
    datasketch's ``MinHashLSH`` with the same threshold and ``num_perm``, whose band layout
    is used); the pairs are formed in :meth:`resolve` and confirmed by the exact shingle
    Jaccard of the two texts, which a callback supplies (from memory, or read back from
    disk by a streamed build). Exact copies (same hash) are joined without a text. The
    result does not depend on the order in which documents are added, and is the one
    :func:`find_duplicates` returns (which uses this class).

    Parameters
    ----------
    config : DedupConfig, optional
    spill : path-like, optional
        A directory where the band values are written (one file per band, 4096
        documents at a time) instead of being held: memory then holds, per document, its
        doc_id, hash and length (about 200 bytes), and :meth:`resolve` reads one band at a
        time.
    """

    _ROWS = 4096  # signature rows allocated at a time

    def __init__(
        self, config: DedupConfig | None = None, *, spill: str | os.PathLike | None = None
    ) -> None:
        config = config or DedupConfig()
        if not isinstance(config, DedupConfig):
            raise InvalidParameterError(
                f"config: expected a DedupConfig, got {type(config).__name__}"
            )
        self.config = config
        self._floor = max(config.shingle_size, config.min_chars)
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
        self._bands: list[tuple[int, int]] = [(int(a), int(b)) for a, b in lsh.hashranges]
        self._width = self._bands[-1][1]
        self._index: dict[str, int] = {}  # doc_id -> order added
        self._digests = bytearray()  # fixed-width digests, in the order added
        self._digest_size = 0
        self._lengths = array("q")
        self._ranks = array("d")  # keep_earliest_by's value as a number (inf: none)
        self._signed = array("q")  # order added of the documents with a signature
        self._blocks: list[np.ndarray] = []  # their signatures' band values, _ROWS a block
        self._filled = 0  # rows used in the last block
        self._spill = None if spill is None else Path(spill)
        self._spilled = 0  # rows written to the band files

    def __len__(self) -> int:
        return len(self._index)

    def index_of(self, doc_id: str) -> int:
        """The position of ``doc_id`` in the order the documents were added (0 first).

        Raises
        ------
        KeyError
            If ``doc_id`` was not added.
        """
        return self._index[str(doc_id)]

    def add(
        self,
        doc_id: str,
        digest: bytes,
        length: int,
        signature: MinHash | np.ndarray | None = None,
        rank: float = math.inf,
    ) -> None:
        """Add one document (see :func:`duplicate_key` for the other arguments).

        ``signature`` may also be the MinHash's hash values as an array. ``rank``: the
        document's place in time (:func:`earliest_ranks`); the copy with the smallest is
        the canonical one of its group, before the longest.

        Raises
        ------
        ValueError
            If ``doc_id`` was added before, if ``digest`` is not as long as the first one,
            or if ``signature`` does not have ``num_perm`` hash values.
        """
        doc_id = str(doc_id)
        if doc_id in self._index:
            raise ValueError(f"documents table has repeated doc_id values: [{doc_id!r}]")
        digest = bytes(digest)
        if not self._index:
            self._digest_size = len(digest)
        elif len(digest) != self._digest_size:
            raise InvalidParameterError(
                f"digest: expected {self._digest_size} bytes, got {len(digest)}"
            )
        use = signature is not None and length >= self._floor
        values = np.asarray(getattr(signature, "hashvalues", signature)) if use else None
        if use and (values.ndim != 1 or len(values) != self.config.num_perm):
            raise InvalidParameterError(
                f"signature: expected {self.config.num_perm} hash values, got {values.size}"
            )
        position = len(self._index)
        self._index[doc_id] = position
        self._digests += digest
        self._lengths.append(int(length))
        self._ranks.append(float(rank))
        if use:
            self._store(values[: self._width])
            self._signed.append(position)

    def _store(self, values: np.ndarray) -> None:
        if self._blocks and values.dtype != self._blocks[-1].dtype:
            raise InvalidParameterError(
                f"signature: hash values of dtype {values.dtype}, the first ones were "
                f"{self._blocks[-1].dtype} (MinHash signatures of one kind are expected)"
            )
        if not self._blocks or self._filled == self._ROWS:
            if self._spill is not None and self._blocks:
                self._flush(self._blocks.pop())
            self._blocks.append(np.zeros((self._ROWS, self._width), dtype=values.dtype))
            self._filled = 0
        self._blocks[-1][self._filled] = values
        self._filled += 1

    def _band_file(self, band: int) -> Path:
        return self._spill / f"band-{band:03d}.bin"

    def _flush(self, block: np.ndarray) -> None:
        """Append a full block's band values to the band files."""
        for band, (start, end) in enumerate(self._bands):
            with open(self._band_file(band), "ab") as fh:
                np.ascontiguousarray(block[:, start:end]).tofile(fh)
        self._spilled += len(block)

    def _band_values(self, band: int) -> np.ndarray:
        """The values of one band of every document with a signature, in the order added."""
        start, end = self._bands[band]
        parts = [b[:, start:end] for b in self._blocks]
        if self._spilled:
            dtype = self._blocks[-1].dtype
            parts.insert(
                0, np.fromfile(self._band_file(band), dtype=dtype).reshape(-1, end - start)
            )
        return np.ascontiguousarray(np.concatenate(parts)[: len(self._signed)])

    def add_text(self, doc_id: str, text: str, rank: float = math.inf) -> None:
        """Add one document by its text: ``add(doc_id, *duplicate_key(text, config), rank)``."""
        self.add(doc_id, *_key(normalise(_as_text(text)), self.config), rank=rank)

    def _digest_array(self) -> np.ndarray:
        width = max(self._digest_size, 1)  # no document, or empty digests
        if not self._digest_size:
            return np.zeros(len(self._index), dtype=np.dtype((np.void, width)))
        return np.frombuffer(bytes(self._digests), dtype=np.dtype((np.void, width)))

    def _join_exact(self, ids: list[str], groups: _UnionFind) -> None:
        """Join each document with a non-empty text to the first added with its hash."""
        lengths = np.frombuffer(self._lengths, dtype=np.int64)
        rows = np.nonzero(lengths > 0)[0]
        if not len(rows) or not self._digest_size:
            return
        _, inverse = np.unique(self._digest_array()[rows], return_inverse=True)
        order = np.argsort(inverse, kind="stable")  # by hash, then order added
        for same in np.split(rows[order], np.nonzero(np.diff(inverse[order]))[0] + 1):
            for other in same[1:]:
                groups.union(ids[same[0]], ids[other])

    def _buckets(self) -> Iterator[np.ndarray]:
        """Each LSH bucket of two or more documents, band by band: the positions (in the
        order added) of documents with equal values in a band."""
        if not self._blocks:
            return
        signed = np.frombuffer(self._signed, dtype=np.int64)
        for band in range(len(self._bands)):
            values = self._band_values(band)
            keys = values.view(np.dtype((np.void, values.dtype.itemsize * values.shape[1])))
            keys = keys.ravel()
            _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
            shared = np.nonzero(counts[inverse] >= 2)[0]
            if not len(shared):
                continue
            order = shared[np.argsort(inverse[shared], kind="stable")]
            cuts = np.nonzero(np.diff(inverse[order]))[0] + 1
            yield from np.split(signed[order], cuts)

    def _shingle_batches(
        self,
        pairs: list[tuple[str, str]],
        fetch: Callable[[list[str]], Mapping[str, str]],
        max_fetch: int | None,
        prepare: Callable[[object], str],
    ) -> Iterator[tuple[list[tuple[str, str]], dict[str, np.ndarray]]]:
        """Pairs in consecutive chunks touching at most ``max_fetch`` documents, each with
        the shingle sets of its documents (texts fetched once per chunk, normalised by
        ``prepare``)."""
        k = self.config.shingle_size

        def load(chunk: list[tuple[str, str]], ids: set[str]):
            texts = fetch(sorted(ids))
            return chunk, _shingle_sets({i: prepare(texts[i]) for i in sorted(ids)}, k)

        chunk: list[tuple[str, str]] = []
        ids: set[str] = set()
        for a, b in pairs:
            grow = (a not in ids) + (b not in ids)
            if max_fetch and chunk and len(ids) + grow > max_fetch:
                yield load(chunk, ids)
                chunk, ids = [], set()
            chunk.append((a, b))
            ids.update((a, b))
        if chunk:
            yield load(chunk, ids)

    def resolve(
        self,
        fetch: Callable[[list[str]], Mapping[str, str]],
        *,
        max_fetch: int | None = None,
    ) -> dict[str, tuple[str, str | None, float]]:
        """Confirm the candidate pairs and form the duplicate groups.

        Parameters
        ----------
        fetch : callable
            ``fetch(doc_ids)`` returns a mapping of each of these doc_ids to its text.
            Called only for documents of LSH candidate pairs and of groups with near (not
            exact) copies.
        max_fetch : int, optional
            At most this many texts are asked for (and held) at once (default: all).

        Returns
        -------
        dict
            ``doc_id -> (dup_group, dup_of, similarity)`` for every document in a group of
            two or more: ``dup_group`` is the canonical doc_id (the longest normalised text,
            ties broken by the smallest doc_id), ``dup_of`` the canonical doc_id for the
            other members and None for the canonical one, ``similarity`` the exact shingle
            Jaccard with the canonical member (1.0 for exact copies and the canonical one).
            Documents not in the mapping are singletons.
        """
        return self._resolve(fetch, max_fetch, lambda text: normalise(_as_text(text)))

    def _resolve(
        self,
        fetch: Callable[[list[str]], Mapping[str, str]],
        max_fetch: int | None,
        prepare: Callable[[object], str],
    ) -> dict[str, tuple[str, str | None, float]]:
        """:meth:`resolve` with texts made normalised texts by ``prepare`` (the identity
        when ``fetch`` gives normalised texts already)."""
        ids = list(self._index)
        groups = _UnionFind()
        self._join_exact(ids, groups)
        texts = _TextCache(fetch, prepare, max_fetch)
        size, threshold = self.config.shingle_size, self.config.threshold

        def similar(a: str, b: str) -> bool:
            pair = _shingle_sets({a: texts.get(a), b: texts.get(b)}, size)
            return _jaccard_arrays(pair[a], pair[b]) >= threshold

        # The groups are the connected components of the candidate pairs (documents sharing
        # a band) whose shingle Jaccard reaches the threshold. A pair already connected
        # cannot change them, so it is not confirmed: in a bucket, each document is tried
        # against the members of each other component met so far, until one is similar.
        # Every pair is still tried when nothing joins, and a bucket of near-identical
        # texts costs one Jaccard per member instead of one per pair.
        step = max(1, (max_fetch or 1 << 30) // 2)
        for bucket in self._buckets():
            members = sorted({ids[a] for a in bucket})
            met: dict[str, list[str]] = {}  # component root -> its members in this bucket
            for first in range(0, len(members), step):
                chunk = members[first : first + step]
                # the texts this chunk will compare, fetched together (an exact copy of a
                # member met is connected already and compares nothing)
                roots = {groups.find(r) for r in met}
                texts.prefetch([x for x in chunk if not roots or roots - {groups.find(x)}])
                for x in chunk:
                    for root in list(met):
                        if groups.find(root) == groups.find(x):
                            continue
                        if any(similar(x, y) for y in met[root]):
                            groups.union(x, root)
                    rx = groups.find(x)
                    joined = [x]
                    for root in list(met):
                        if groups.find(root) == rx:
                            joined = met.pop(root) + joined
                    met[rx] = joined
        lengths = np.frombuffer(self._lengths, dtype=np.int64)
        digests = self._digest_array()
        index = self._index
        out: dict[str, tuple[str, str | None, float]] = {}
        near: list[tuple[str, str]] = []  # (canonical, member) needing a Jaccard
        ranks = np.frombuffer(self._ranks, dtype=np.float64)
        for members in groups.components():
            canon = min(members, key=lambda m: (ranks[index[m]], -int(lengths[index[m]]), m))
            for m in members:
                if m == canon:
                    out[m] = (canon, None, 1.0)
                elif digests[index[m]] == digests[index[canon]]:
                    out[m] = (canon, canon, 1.0)
                else:
                    near.append((canon, m))
        for chunk, sh in self._shingle_batches(sorted(near), fetch, max_fetch, prepare):
            for canon, m in chunk:
                out[m] = (canon, canon, _jaccard_arrays(sh[m], sh[canon]))
        return out


def find_duplicates(
    docs: pd.DataFrame,
    config: DedupConfig | None = None,
    n_jobs: int = 1,
    *,
    pool: Any = None,
) -> pd.DataFrame:
    """Flag exact and near duplicate documents.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with at least ``doc_id`` and ``text``. Not modified.
    config : DedupConfig, optional
        Stage options (defaults when ``None``).
    n_jobs : int, default 1
        Worker processes for the texts' hashes and MinHash signatures
        (:func:`textkit.core.executor.map_documents`); the result is the same for any value.
    pool : textkit.core.executor.WorkerPool, optional
        A caller's running processes to use instead (its ``n_jobs`` replaces ``n_jobs``;
        left running): ``build_corpus`` cleans and hashes in the same processes.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_duplicate`` (True for non-canonical members), ``dup_group`` (the
        canonical doc_id of the group, None for singletons), ``dup_of`` (canonical doc_id for
        non-canonical members, else None) and ``similarity`` (exact shingle Jaccard with the
        canonical member; 1.0 for exact copies; NaN for singletons).

    See Also
    --------
    DuplicateFinder : the same detection, one document at a time.
    """
    config = config or DedupConfig()
    if not isinstance(config, DedupConfig):
        raise InvalidParameterError(f"config: expected a DedupConfig, got {type(config).__name__}")
    _check(docs)
    ids = [str(x) for x in docs["doc_id"]]
    texts = dict(zip(ids, docs["text"], strict=False))
    order = sorted(ids)
    n_jobs = pool.n_jobs if pool is not None else resolve_n_jobs(n_jobs)
    if n_jobs > 1 and len(order) >= PARALLEL_MIN_DOCS:
        from textkit.core.executor import pool_for

        with pool_for(pool, n_jobs) as workers:  # the config travels with each chunk
            keys = workers.map(_text_key, [(config, texts[i]) for i in order])
        norms: dict[str, str] = {}

        def fetch(wanted: Iterable[str]) -> dict[str, str]:  # only candidates are read again
            for i in wanted:
                if i not in norms:
                    norms[i] = normalise(_as_text(texts[i]))
            return norms
    else:
        norms = {i: normalise(_as_text(texts[i])) for i in ids}
        keys = [_key(norms[i], config) for i in order]

        def fetch(wanted: Iterable[str]) -> dict[str, str]:
            return norms

    finder = DuplicateFinder(config)
    ranks = dict(zip(ids, earliest_ranks(docs, config), strict=True))
    for i, key in zip(order, keys, strict=True):  # what add_text does, each text normalised once
        finder.add(i, *key, rank=ranks[i])
    found = finder._resolve(fetch, None, str)
    out = with_duplicate_columns(docs, found)
    logger.info("find_duplicates: %d docs, %d duplicates", len(ids), int(out["is_duplicate"].sum()))
    return out


def _in_years(when: Any) -> float:
    """A date as its year plus the fraction of the year passed (so a date and a year compare
    alike)."""
    return when.year + (when.timetuple().tm_yday - 1) / 366.0


def _year_of(value: Any) -> float:
    """One value's place in time in years (a date: its year plus the fraction of the year
    passed; ``inf`` without a value). Each value is read alone, so a document's rank does
    not depend on the other documents read with it (a batch of a streamed build). Text is
    a date in a form Chinese sites write (:func:`textkit.core.dates.parse_date`: ``2020``,
    ``2019年3月5日``, ``2019/03/05``, ``2019-3-5 10:22`` …) or a number (``2020.0``, as a
    spreadsheet may give a year)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return math.inf
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return math.inf if math.isnan(float(value)) else float(value)
    text = str(value).strip()
    if not text:
        return math.inf
    when = parse_date(value)  # a year alone is its 1 January: the year itself
    if not pd.isna(when):
        return _in_years(when)
    try:
        number = float(text)
    except ValueError:
        return math.inf
    return math.inf if math.isnan(number) else number


def earliest_ranks(
    docs: pd.DataFrame, config: DedupConfig, column: str | None = None
) -> np.ndarray:
    """Each document's place in time for :attr:`DedupConfig.keep_earliest_by`, in years (a
    year as it is, a date as its year plus the fraction of the year passed, a number as it
    is; ``inf`` without a value, and for every document when the setting is off). Each
    value is read alone (:func:`_year_of`): the same documents get the same ranks whether
    they are read at once or in batches.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with the variable named by ``config.keep_earliest_by``. Not modified.
    config : DedupConfig
    column : str, optional
        The column of ``docs`` holding that variable, when it is stored under another name.

    Returns
    -------
    numpy.ndarray of float
        One value per row of ``docs``.

    Raises
    ------
    InvalidParameterError
        When the documents have no such variable (the message lists their variables).
    """
    name = config.keep_earliest_by
    if not name:
        return np.full(len(docs), np.inf)
    column = column or name
    if column not in docs.columns:
        known = sorted(
            str(c).rsplit(":", 1)[-1] if "\x00" in str(c) else str(c)
            for c in docs.columns
            if not str(c).startswith("_") and str(c) not in _TEXT_COLUMNS
        )
        raise InvalidParameterError(
            f"[dedup] keep_earliest_by: no document variable {name!r}; the documents have {known}"
        )
    return np.array([_year_of(v) for v in docs[column].astype(object)], dtype=float)


def later_kept_groups(docs: pd.DataFrame, columns: tuple[str, ...] = ("year", "published")) -> list:
    """The duplicate groups whose kept copy is later than a copy flagged as its duplicate,
    by any of ``columns`` (a year or a date, read as :attr:`DedupConfig.keep_earliest_by`
    reads them): the longest copy kept, a reprint of a later year may stand for a text
    that first appeared earlier.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with ``dup_group``, ``is_duplicate`` and any of ``columns``. Not modified.
    columns : tuple of str
        The variables that place a copy in time; those ``docs`` lacks are passed over.

    Returns
    -------
    list of str
        The ``dup_group`` of each such group, sorted.
    """
    present = [c for c in columns if c in docs.columns]
    if not present or "dup_group" not in docs.columns:
        return []
    grouped = docs[docs["dup_group"].notna()]
    group = grouped["dup_group"].astype(str).to_numpy()
    flagged = grouped["is_duplicate"].astype(bool).to_numpy()
    later: set[str] = set()
    for c in present:
        ranks = earliest_ranks(grouped, DedupConfig(keep_earliest_by=c))
        ranks = pd.Series(np.where(np.isfinite(ranks), ranks, np.nan))  # inf: no value
        kept = ranks[~flagged].groupby(group[~flagged]).min()
        copies = ranks[flagged].groupby(group[flagged]).min()
        later |= set(kept.index[kept > copies.reindex(kept.index)])
    return sorted(later)


#: Columns of the documents table that hold the text or its bookkeeping, not variables.
_TEXT_COLUMNS = frozenset(
    {"doc_id", "text", "text_raw", "clean_log", "damage_ratio", "n_chars", "status"}
)


def with_duplicate_columns(
    docs: pd.DataFrame, found: Mapping[str, tuple[str, str | None, float]]
) -> pd.DataFrame:
    """A copy of ``docs`` with the four duplicate columns of :func:`find_duplicates`.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with ``doc_id`` (all of them, or any chunk). Not modified.
    found : mapping
        :meth:`DuplicateFinder.resolve`'s result for the whole corpus.

    Returns
    -------
    pandas.DataFrame
    """
    out = docs.copy()
    ids = [str(x) for x in out["doc_id"]]
    none = (None, None, np.nan)
    rows = [found.get(i, none) for i in ids]
    out["dup_group"] = [r[0] for r in rows]
    out["dup_of"] = [r[1] for r in rows]
    out["is_duplicate"] = [r[1] is not None for r in rows]
    out["similarity"] = [float(r[2]) for r in rows]
    return out
