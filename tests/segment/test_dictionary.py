"""Tests for textkit.segment.dictionary: user dictionary faults, the shipped word lists and the
verified cache of jieba's prefix dictionary."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import jieba
import pytest

from textkit.segment.dictionary import (
    UserDictError,
    _new_tokenizer,
    _prefix_cache_key,
    _prefix_cache_path,
    load_wordlist,
    read_userdict,
)
from textkit.segment.segmenter import Segmenter

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------- user dictionary faults


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_userdict_bom_crlf_missing_freq(tmp_path):
    p = _write(
        tmp_path / "ud.txt", "\ufeff测试治理词甲 5 n\r\n测试治理词乙\r\n\r\n# 注释\r\n".encode()
    )
    entries = read_userdict(p)
    assert [(e.word, e.freq, e.tag) for e in entries] == [
        ("测试治理词甲", 5, "n"),
        ("测试治理词乙", None, None),
    ]
    seg = Segmenter(userdict=p)
    assert "测试治理词乙" in seg.cut("我们测试治理词乙吧")
    rep = seg.dictionary_report().set_index("word")
    assert rep.loc["测试治理词乙", "freq_used"] >= 1 and rep.loc["测试治理词乙", "one_token"]


def test_userdict_spaces_repaired_or_rejected(tmp_path, caplog):
    p = _write(tmp_path / "ud.txt", "村民 议事协商会 3 n\n".encode())
    with caplog.at_level(logging.WARNING, logger="textkit.segment.corpus"):
        entries = read_userdict(p)
    assert entries[0].word == "村民议事协商会"
    assert "line 1" in caplog.text
    bad = _write(tmp_path / "bad.txt", "社区治理 5 n\nNew York 3 ns\n".encode())
    with pytest.raises(UserDictError, match=r"bad\.txt, line 2"):
        read_userdict(bad)


def test_userdict_gbk(tmp_path):
    p = _write(tmp_path / "gbk.txt", "网格员队伍 10 n\n".encode("gbk"))
    assert read_userdict(p)[0].word == "网格员队伍"
    mixed = _write(
        tmp_path / "mixed.txt", "网格员队伍 10 n\n".encode() + "议事会成员 5 n\n".encode("gbk")
    )
    with pytest.raises(UserDictError, match=r"mixed\.txt, line 2"):
        read_userdict(mixed)


def test_userdict_bad_word_and_freq(tmp_path):
    with pytest.raises(UserDictError, match="line 1"):
        read_userdict(_write(tmp_path / "p.txt", "枫桥·经验 5 n\n".encode()))
    with pytest.raises(UserDictError, match="negative"):
        read_userdict(_write(tmp_path / "n.txt", "枫桥经验 -5 n\n".encode()))
    with pytest.raises(UserDictError, match="not found"):
        read_userdict(tmp_path / "missing.txt")


def test_userdict_overrides_shipped(tmp_path):
    p = _write(tmp_path / "ud.txt", "枫桥经验 5 vn\n".encode())
    seg = Segmenter(userdict=p)
    assert seg.tag("枫桥经验") == "vn"
    rep = seg.dictionary_report().set_index("word")
    assert rep.loc["枫桥经验", "source"] == str(p)


# --------------------------------------------------------------------------------- data cards


@pytest.mark.parametrize("name", ["userdict", "stopwords", "officialese"])
def test_data_cards_match_files(name):
    import re

    from textkit.core.io import sha256_file

    res = ROOT / "textkit" / "resources"
    card = (res / f"{name}_card.md").read_text("utf-8")
    sha = re.search(r"\| sha256 \| `([0-9a-f]{64})` \|", card).group(1)
    count = int(re.search(r"\| entries \| (\d+)", card).group(1))
    assert sha == sha256_file(res / f"{name}.txt")
    if name == "userdict":
        n = sum(1 for line in (res / "userdict.txt").open(encoding="utf-8") if line.strip())
    else:
        n = len(load_wordlist("shipped", f"{name}.txt"))
    assert count == n
    for heading in ("licence", "source" if name != "userdict" else "Sources"):
        assert heading in card


# ------------------------------------------------------- jieba's prefix dictionary cache

CACHE_TEXT = "加强社会治安综合治理，化解矛盾纠纷，推进基层治理现代化。村民议事会依法协商。"


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
    assert "加强社会治安" in tk.lcut(CACHE_TEXT)  # what the planted file would make of the text
    return tmp_path / "tiny.cache"


def _expected_tokens(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path / "clean"))
    return _new_tokenizer().lcut(CACHE_TEXT)


def test_cache_written_with_sidecar_and_reused(fresh_cache, caplog):
    first = _new_tokenizer()
    path = _prefix_cache_path()
    sidecar = path.with_name(path.name + ".sha256")
    assert path.parent == fresh_cache / "jieba" and path.is_file() and sidecar.is_file()
    assert sidecar.read_text().strip() == hashlib.sha256(path.read_bytes()).hexdigest()
    stamp = path.stat().st_mtime_ns
    with caplog.at_level(logging.WARNING, logger="textkit"):
        second = _new_tokenizer()
    assert not caplog.records
    assert path.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert second.lcut(CACHE_TEXT) == first.lcut(CACHE_TEXT)
    assert second.FREQ == first.FREQ and second.total == first.total


@pytest.mark.parametrize("sidecar", ["missing", "of another file", "of the planted file"])
def test_planted_cache_is_not_used(fresh_cache, planted, tmp_path, monkeypatch, caplog, sidecar):
    expected = _expected_tokens(tmp_path, monkeypatch)
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(fresh_cache))
    path = _prefix_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, path)
    digest = {"of another file": "0" * 64, "of the planted file": None}.get(sidecar, "")
    if sidecar == "of the planted file":  # planted with a matching sidecar: still not JSON
        digest = hashlib.sha256(planted.read_bytes()).hexdigest()
    if digest:
        path.with_name(path.name + ".sha256").write_text(digest + "\n")
    with caplog.at_level(logging.WARNING, logger="textkit"):
        tk = _new_tokenizer()
    assert tk.lcut(CACHE_TEXT) == expected
    assert "加强社会治安" not in tk.lcut(CACHE_TEXT)  # one token with the planted dictionary
    assert any("jieba prefix cache" in r.getMessage() for r in caplog.records)
    assert path.read_bytes() != planted.read_bytes()  # rebuilt and rewritten


def test_tampered_cache_is_rebuilt(fresh_cache, tmp_path, monkeypatch, caplog):
    _new_tokenizer()
    path = _prefix_cache_path()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte, the sidecar left as it was
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="textkit"):
        tk = _new_tokenizer()
    assert any("does not match" in r.getMessage() for r in caplog.records)
    assert tk.lcut(CACHE_TEXT) == _expected_tokens(tmp_path, monkeypatch)


def test_segmenter_does_not_use_a_planted_cache(fresh_cache, planted, seg, caplog):
    path = _prefix_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, path)
    with caplog.at_level(logging.WARNING, logger="textkit"):
        built = Segmenter()
    assert any("jieba prefix cache" in r.getMessage() for r in caplog.records)
    assert built.cut(CACHE_TEXT) == seg.cut(CACHE_TEXT)
    assert built.fingerprint == seg.fingerprint


def test_legacy_unverified_cache_is_removed(fresh_cache, planted):
    legacy = fresh_cache / "jieba" / "jieba.default.cache"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, legacy)
    _new_tokenizer()
    assert not legacy.exists()


def test_cache_key_holds_its_inputs(fresh_cache, tmp_path, monkeypatch):
    """The key changes with jieba's dictionary; user dictionaries are not in the cache."""
    a, b = "a" * 64, "b" * 64
    assert _prefix_cache_key(a) != _prefix_cache_key(b)
    assert _prefix_cache_path(a) != _prefix_cache_path(b)
    data = jieba.get_module_res("dict.txt").read()
    assert _prefix_cache_path() == _prefix_cache_path(hashlib.sha256(data).hexdigest())
    key = _prefix_cache_key(a)
    with monkeypatch.context() as mp:
        mp.setattr(jieba, "__version__", "0.0")  # another jieba release
        assert _prefix_cache_key(a) != key
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
    assert list((fresh_cache / "jieba").glob("*.cache")) == [_prefix_cache_path()]
