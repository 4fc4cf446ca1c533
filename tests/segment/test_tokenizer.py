"""The verified prefix-dictionary cache of the segmenter's jieba tokenizer."""

from __future__ import annotations

import hashlib
import logging
import shutil

import jieba
import pytest

from textkit.segment.segmenter import Segmenter
from textkit.segment.tokenizer import new_tokenizer, prefix_cache_key, prefix_cache_path

TEXT = "加强社会治安综合治理，化解矛盾纠纷，推进基层治理现代化。村民议事会依法协商。"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory of its own."""
    path = tmp_path / "tkcache"
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(path))
    return path


@pytest.fixture
def planted(tmp_path):
    """A genuine jieba cache file, built by jieba from a three-word dictionary."""
    tiny = tmp_path / "tiny_dict.txt"
    tiny.write_text("社会 5 n\n治安 5 n\n加强社会治安 100000 v\n", encoding="utf-8")
    tk = jieba.Tokenizer(dictionary=str(tiny))
    tk.cache_file = str(tmp_path / "tiny.cache")
    tk.initialize()
    assert "加强社会治安" in tk.lcut(TEXT)  # what the planted file would make of the text
    return tmp_path / "tiny.cache"


def _expected_tokens(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path / "clean"))
    return new_tokenizer().lcut(TEXT)


def test_cache_written_with_sidecar_and_reused(fresh_cache, caplog):
    first = new_tokenizer()
    path = prefix_cache_path()
    sidecar = path.with_name(path.name + ".sha256")
    assert path.parent == fresh_cache / "jieba" and path.is_file() and sidecar.is_file()
    assert sidecar.read_text().strip() == hashlib.sha256(path.read_bytes()).hexdigest()
    stamp = path.stat().st_mtime_ns
    with caplog.at_level(logging.WARNING, logger="textkit"):
        second = new_tokenizer()
    assert not caplog.records
    assert path.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert second.lcut(TEXT) == first.lcut(TEXT)
    assert second.FREQ == first.FREQ and second.total == first.total


@pytest.mark.parametrize("sidecar", ["missing", "of the planted file"])
def test_planted_cache_is_not_used(fresh_cache, planted, tmp_path, monkeypatch, caplog, sidecar):
    expected = _expected_tokens(tmp_path, monkeypatch)
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(fresh_cache))
    path = prefix_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, path)
    if sidecar != "missing":  # a sidecar of another file than the one now in place
        path.with_name(path.name + ".sha256").write_text("0" * 64 + "\n")
    with caplog.at_level(logging.WARNING, logger="textkit"):
        tk = new_tokenizer()
    assert tk.lcut(TEXT) == expected
    assert "加强社会治安" not in tk.lcut(TEXT)  # the planted dictionary would make it one token
    assert any("jieba prefix cache" in r.getMessage() for r in caplog.records)
    assert path.read_bytes() != planted.read_bytes()  # rebuilt and rewritten


def test_tampered_cache_is_rebuilt(fresh_cache, tmp_path, monkeypatch, caplog):
    new_tokenizer()
    path = prefix_cache_path()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte, the sidecar left as it was
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="textkit"):
        tk = new_tokenizer()
    assert any("does not match" in r.getMessage() for r in caplog.records)
    assert tk.lcut(TEXT) == _expected_tokens(tmp_path, monkeypatch)


def test_segmenter_does_not_use_a_planted_cache(fresh_cache, planted, seg, caplog):
    path = prefix_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, path)
    with caplog.at_level(logging.WARNING, logger="textkit"):
        built = Segmenter()
    assert any("jieba prefix cache" in r.getMessage() for r in caplog.records)
    assert built.cut(TEXT) == seg.cut(TEXT)
    assert built.fingerprint == seg.fingerprint


def test_legacy_unverified_cache_is_removed(fresh_cache, planted):
    legacy = fresh_cache / "jieba" / "jieba.default.cache"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, legacy)
    new_tokenizer()
    assert not legacy.exists()


def test_cache_key_holds_its_inputs(fresh_cache, tmp_path, monkeypatch):
    """The key changes with jieba's dictionary; user dictionaries are not in the cache."""
    a, b = "a" * 64, "b" * 64
    assert prefix_cache_key(a) != prefix_cache_key(b)
    assert prefix_cache_path(a) != prefix_cache_path(b)
    data = jieba.get_module_res("dict.txt").read()
    assert prefix_cache_path() == prefix_cache_path(hashlib.sha256(data).hexdigest())
    key = prefix_cache_key(a)
    with monkeypatch.context() as mp:
        mp.setattr(jieba, "__version__", "0.0")  # another jieba release
        assert prefix_cache_key(a) != key
    # a user dictionary is added in memory after the cache is read: it changes the tokens
    # and the segmenter's fingerprint, never the cached prefix dictionary
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("议事协商会 10 n\n", encoding="utf-8")
    two.write_text("协商会议 10 n\n", encoding="utf-8")
    s1 = Segmenter(userdict=one, lexicon=False, governance_dict=False)
    s2 = Segmenter(userdict=two, lexicon=False, governance_dict=False)
    assert s1.fingerprint != s2.fingerprint
    assert "议事协商会" in s1.cut("召开议事协商会议") and "议事协商会" not in s2.cut(
        "召开议事协商会议"
    )
    assert list((fresh_cache / "jieba").glob("*.cache")) == [prefix_cache_path()]
