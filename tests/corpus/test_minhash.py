"""Tests of textkit.corpus.minhash: the numpy MinHash signatures used by duplicate detection."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from datasketch import MinHash

from textkit.corpus import minhash
from textkit.corpus.minhash import (
    murmur3_32,
    permutations,
    shingle_hashes,
    signature,
    to_minhash,
)

TEXT = "基层社会治理要坚持党的领导完善网格化管理及时调解矛盾纠纷维护村民合法权益" * 3


@pytest.mark.parametrize(
    ("data", "seed", "expected"),
    [  # MurmurHash3_x86_32 reference values (SMHasher)
        (b"", 0, 0x00000000),
        (b"", 1, 0x514E28B7),
        (b"", 0xFFFFFFFF, 0x81F16F39),
        (b"\0\0\0\0", 0, 0x2362F9DE),
        (b"aaaa", 0x9747B28C, 0x5A97808A),
        (b"Hello, world!", 0x9747B28C, 0x24884CBA),
        (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
    ],
)
def test_murmur3_32_reference_values(data, seed, expected):
    assert murmur3_32(data, seed) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_shingle_hashes_are_murmur3_of_each_shingle(size):
    text = "网格化管理ab😀𠀀治理" + TEXT[:40]  # characters beyond the BMP too
    expected = [
        murmur3_32(text[i : i + size].encode("utf-32-le")) for i in range(len(text) - size + 1)
    ]
    got = shingle_hashes(text, size)
    assert got.dtype == np.uint32
    assert got.tolist() == expected
    assert len(shingle_hashes(text[: size - 1], size)) == 0


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (16, 7), (256, 0)])
def test_signature_is_datasketch_minhash_with_the_shingle_hash(num_perm, seed):
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=murmur3_32, scheme="affine32")
    reference.update_batch([TEXT[i : i + 5].encode("utf-32-le") for i in range(len(TEXT) - 4)])
    got = signature(TEXT, 5, num_perm, seed)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, reference.hashvalues)
    a, b = permutations(num_perm, seed)
    np.testing.assert_array_equal(np.vstack([a, b]), reference.permutations)


def test_signature_values_are_pinned():
    """Fixed-width integer arithmetic only: these values are the same on every machine."""
    assert signature("基层社会治理要坚持党的领导，完善网格化管理", 5, 16, 1).tolist() == [
        549126431, 153866968, 315522944, 155221748, 400581084, 151121789, 572077815, 190740719,
        118908091, 419311789, 191086112, 132051638, 127174781, 726099675, 950391196, 72794944,
    ]  # fmt: skip
    assert signature("短", 5, 16, 1).tolist() == [2**32 - 1] * 16  # no shingle: empty MinHash


def test_signature_in_blocks_equals_one_block(monkeypatch):
    rng = random.Random(5)
    text = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(5000))
    whole = signature(text, 5)
    monkeypatch.setattr(minhash, "_BLOCK", 97)
    np.testing.assert_array_equal(signature(text, 5), whole)


def test_permutations_are_odd_read_only_and_seeded():
    a, b = permutations(64, 3)
    assert (a % 2 == 1).all()
    assert not a.flags.writeable and not b.flags.writeable
    assert not np.array_equal(permutations(64, 4)[0], a)


def test_to_minhash_keeps_the_scheme():
    other = TEXT[::-1]
    m = to_minhash(signature(TEXT, 5))
    assert m.jaccard(to_minhash(signature(TEXT, 5))) == 1.0
    m.update_batch([other[i : i + 5].encode("utf-32-le") for i in range(len(other) - 4)])
    union = np.minimum(signature(TEXT, 5), signature(other, 5))
    np.testing.assert_array_equal(m.hashvalues, union)
    copy = pickle.loads(pickle.dumps(m))  # process pools pickle signatures
    np.testing.assert_array_equal(copy.hashvalues, m.hashvalues)
