"""Tests for textkit.segment.dictionary: user dictionary faults and the shipped word lists."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from textkit.segment.dictionary import UserDictError, load_wordlist, read_userdict
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
