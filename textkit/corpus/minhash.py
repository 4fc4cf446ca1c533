"""MinHash signatures of character shingles, computed with numpy.

A shingle is ``size`` consecutive characters of a normalised text. Each is hashed to 32 bits
with MurmurHash3 (x86, 32-bit, seed 0) of its UTF-32-LE bytes: those bytes are the shingle's
code points, so the hash of every shingle of a text is computed at once in numpy ``uint32``
arithmetic over the text's code points (:func:`shingle_hashes`), with no Python call per
shingle. The signature then applies the ``affine32`` permutations of datasketch (2.0): the
MurmurHash3 finaliser as a fixed pre-mix, then ``h -> a_k * h + b_k mod 2**32`` with odd
``a_k``, the parameters drawn from ``numpy.random.RandomState(seed)`` in datasketch's order;
the minimum over the shingles is value ``k`` of the signature. Hence a signature equals
``datasketch.MinHash(num_perm, seed, hashfunc=murmur3_32, scheme="affine32")`` updated with
the UTF-32-LE bytes of the shingles (a test checks this), and it depends on nothing but
integer arithmetic with fixed widths: the same on every machine and numpy version (no floats,
``RandomState`` keeps its stream).

Why numpy and not a compiled MinHash package: datasketch itself spends almost all its time
calling SHA-1 once per shingle from Python; hashing the shingles in numpy removes that, and
the signatures of the synthetic 10 MB corpus take about ten times less time than datasketch's
(``benchmarks/bench_dedup.py``). The Rust package ``rensa`` (0.5.0) was measured too: fed the
same shingle hashes, its signatures took about a third of the time of these (0.15 s against
0.52 s), with the same recall of planted near duplicates (candidate pairs found, of 148 with
a Jaccard of at least 0.8 in eight generated corpora: rensa 110, these 114, datasketch 104).
But the near duplicate search spends two thirds of its time outside the signatures
(normalisation, hashing of the texts, exact verification), so the saving would be about a
fifth, against a compiled dependency whose hashing and permutations are its own, versioned
by the package (``ALGORITHM_VERSION`` 2 in 0.5.0: an upgrade may change every signature),
and which no reference implementation checks. These signatures are reproducible from this
file and datasketch's published scheme alone.
"""

from __future__ import annotations

import functools
import struct
import threading

import numpy as np

__all__ = ["murmur3_32", "permutations", "shingle_hashes", "signature", "to_minhash"]

_U32 = np.uint32
_MAX = 0xFFFFFFFF
_C1, _C2 = 0xCC9E2D51, 0x1B873593
_M1, _M2 = 0x85EBCA6B, 0xC2B2AE35
_BLOCK = 4096  # shingles permuted at a time: a (num_perm, _BLOCK) uint32 array
_BUFFERS = threading.local()  # that array, one per thread, reused from text to text


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MAX


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32-bit) of ``data``, as an unsigned integer.

    The per-item form of :func:`shingle_hashes` (``murmur3_32(shingle.encode("utf-32-le"))``
    is the hash of one shingle); usable as a datasketch ``hashfunc``.

    Parameters
    ----------
    data : bytes
        Any bytes.
    seed : int, optional
        Hash seed (default 0), taken modulo ``2**32``.

    Returns
    -------
    int
        The hash, in ``[0, 2**32)``.
    """
    data = bytes(data)
    h = seed & _MAX
    n_blocks = len(data) // 4
    for (k,) in struct.iter_unpack("<I", data[: 4 * n_blocks]):
        k = (_rotl((k * _C1) & _MAX, 15) * _C2) & _MAX
        h = (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & _MAX
    tail = data[4 * n_blocks :]
    if tail:
        k = int.from_bytes(tail, "little")
        h ^= (_rotl((k * _C1) & _MAX, 15) * _C2) & _MAX
    h ^= len(data)
    h ^= h >> 16
    h = (h * _M1) & _MAX
    h ^= h >> 13
    h = (h * _M2) & _MAX
    return h ^ (h >> 16)


def _vrotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << _U32(r)) | (x >> _U32(32 - r))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser, element-wise on a ``uint32`` array (a new array)."""
    h = h ^ (h >> _U32(16))
    h *= _U32(_M1)
    h ^= h >> _U32(13)
    h *= _U32(_M2)
    h ^= h >> _U32(16)
    return h


def shingle_hashes(norm: str, size: int) -> np.ndarray:
    """:func:`murmur3_32` of the UTF-32-LE bytes of every shingle of ``norm``, vectorised.

    Parameters
    ----------
    norm : str
        A (normalised) text.
    size : int
        Shingle length in characters.

    Returns
    -------
    numpy.ndarray of uint32
        One hash per shingle position (``len(norm) - size + 1`` values, repeated shingles
        repeated; empty if ``norm`` is shorter than ``size``).
    """
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    n = len(codes) - size + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    k = codes * _U32(_C1)  # each code point's block, mixed once for all its windows
    k = _vrotl(k, 15)
    k *= _U32(_C2)
    h = np.zeros(n, dtype=np.uint32)
    spare = np.empty(n, dtype=np.uint32)
    for j in range(size):  # block j of every shingle is code point j of its window
        h ^= k[j : j + n]
        np.left_shift(h, _U32(13), out=spare)  # h = rotl(h, 13) * 5 + 0xE6546B64
        h >>= _U32(19)
        h |= spare
        h *= _U32(5)
        h += _U32(0xE6546B64)
    h ^= _U32((4 * size) & _MAX)
    return _fmix32(h)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``affine32`` permutation parameters of datasketch's MinHash for ``(num_perm, seed)``.

    Parameters
    ----------
    num_perm : int
        Number of permutations.
    seed : int
        Seed of ``numpy.random.RandomState``.

    Returns
    -------
    a, b : numpy.ndarray of uint32
        Multipliers (odd) and offsets, read-only.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def signature(norm: str, size: int, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signature of the shingles of ``norm``.

    Parameters
    ----------
    norm : str
        A (normalised) text.
    size : int
        Shingle length in characters.
    num_perm : int, optional
        Number of permutations (default 128).
    seed : int, optional
        Permutation seed (default 1).

    Returns
    -------
    numpy.ndarray of uint32
        ``num_perm`` values; all ``2**32 - 1`` (datasketch's empty MinHash) when ``norm`` has
        no shingle.
    """
    a, b = permutations(num_perm, seed)
    a, b = a[:, None], b[:, None]
    hashes = _fmix32(shingle_hashes(norm, size))  # datasketch's affine32 pre-mix
    out = np.full(num_perm, _MAX, dtype=np.uint32)
    buffer = getattr(_BUFFERS, "array", None)
    if buffer is None or buffer.shape != (num_perm, _BLOCK):
        buffer = _BUFFERS.array = np.empty((num_perm, _BLOCK), dtype=np.uint32)
    for start in range(0, len(hashes), _BLOCK):
        block = hashes[start : start + _BLOCK]
        values = buffer[:, : len(block)]
        np.multiply(a, block, out=values)
        values += b
        np.minimum(out, values.min(axis=1), out=out)
    return out


def to_minhash(values: np.ndarray, seed: int = 1):
    """A ``datasketch.MinHash`` holding the signature ``values`` (see :func:`signature`).

    Its hash function is :func:`murmur3_32` and its scheme ``affine32``, so updating it with
    the UTF-32-LE bytes of more shingles keeps it the signature of the larger set.

    Parameters
    ----------
    values : numpy.ndarray of uint32
        A signature.
    seed : int, optional
        The seed it was computed with (default 1).

    Returns
    -------
    datasketch.MinHash
    """
    from datasketch import MinHash

    a, b = permutations(len(values), seed)
    return MinHash(
        seed=seed,
        hashfunc=murmur3_32,
        hashvalues=np.asarray(values, dtype=np.uint32),
        permutations=(a, b),
        scheme="affine32",
    )
