"""Tests for textkit.segment.backend: rjieba gives exactly the tokens of pure jieba."""

from __future__ import annotations

import logging
import random
import sys

import pandas as pd
import pytest

from textkit.core.config import ConfigError, load_config
from textkit.segment import segment_corpus
from textkit.segment.backend import RjiebaCutter, resolve_backend
from textkit.segment.config import SegmenterConfig, segmenter_config
from textkit.segment.segmenter import _MAX_CHUNK, Segmenter

pytest.importorskip("rjieba")

#: Rare CJK blocks: Extension A, Extension B, a compatibility ideograph, and U+9FD6-U+9FFF
#: (Han for jieba-rs, not for jieba's re_han_default).
RARE = ["㐀", "㐁", "𠀀", "𠀁", "﨎", "鿖", "鿿"]

GENERATED = [
    "2024年1月5日，某镇召开会议；2024-01-05 09:30 签到。",
    "访问 http://www.gov.cn/zhengce/2024-01/05/content_123.htm?id=7&x=a_b 了解详情",
    "请发邮件至 foo.bar@example.com 或 zhang_san-01@mail.gov.cn 咨询",
    "同比增长12.5%，环比下降0.3个百分点，完成率达到100%，CPI上涨2.1%",
    "人均收入3.14万元，v2.0版本，COVID-19疫情，5G网络覆盖率达99.9%",
    "全角数字２０２４年１２月，增长１２．５％，ＡＢＣ公司，ｅｍａｉｌ",
    "Python和jieba分词，iPhone15与华为Mate60，A股B股，T恤和B超",
    "C++ 与 C# 程序员，R&D 投入，a+b=c，x_y.z，--flag，1,000,000元",
    "枫桥经验\r\n社会治安综合治理\r\n\r\n  矛盾纠纷\t化解\u3000调解",
    "网格员小李说：“我们村的矛盾纠纷，能在村里解决的就在村里解决。”",
    "《中华人民共和国人民调解法》第十条（一）款；第3条第(2)项",
    "罗雪梅和欧阳娜娜在杭州市余杭区良渚街道工作",
    "abc123def 456.78.9 0.5% %% .5 5. a-b-c ---",
    "\x1c\x1d\x85\xa0\u2028\u200b中国\x0b\x0c人民",
    "一票否决权和一票否决制，综治中心的网格化管理",
    "中国\x00www.gov.cn\x00人民 a-b\x00",
]


def _rng_texts(n: int, seed: int, rare: bool, symbols: bool = True) -> list[str]:
    """Seeded random mixtures of CJK, ASCII, punctuation, whitespace and full-width text
    (without jieba's Han-block symbols ``+#&._%-`` when ``symbols`` is False: the chunks that
    rjieba cuts without any repair)."""
    alphabet = (
        list("中国人民政府社会治理综合矛盾纠纷枫桥经验的了是在和网格化管理一票否决权")
        + list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789")
        + (list("+#&._%-") if symbols else [])
        + list(" \t\r\n\x0b\x0c\x1c\x85\xa0\u3000\u2028，。！？：；、（）“”《》@/?=:~")
        + list("０１２３４５６７８９ＡＢ％．")
        + ["\r\n", "http://", "１２．５％", "5G网络", "A股", "一网通办", "iPhone", "T恤"]
        + (["www.", "gov.cn", "2024-01-05", "3.14", "12.5%", "foo@bar.com"] if symbols else [])
        + (["COVID-19", "v2.0"] if symbols else [])
        + (RARE if rare else [])
    )
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(n)]


@pytest.fixture(scope="module")
def userdicts(tmp_path_factory):
    """Two user dictionaries: words with digits, hyphens, Latin letters and spaces, a
    frequency-0 entry, a redefined jieba word and a word defined in both files."""
    d = tmp_path_factory.mktemp("userdicts")
    a = d / "a.txt"
    a.write_text(
        "COVID-19 50 nz\n5G网络 n\n一网 通办 10 n\nA股 20 n\nv2.0\n一票否决权 0\n"
        "中国 5 ns\n综治中心 3 n\n网格化管理\n",
        encoding="utf-8",
    )
    b = d / "b.txt"
    b.write_text("综治中心 800 n\nabc123 10 eng\n杭州市余杭区 n\n", encoding="utf-8")
    return (str(a), str(b))


@pytest.fixture(scope="module")
def pairs(cache_dir_env, userdicts):
    """``{(hmm, userdict?): (jieba segmenter, rjieba segmenter)}``."""
    out = {}
    with cache_dir_env():
        for hmm in (True, False):
            for ud in (False, True):
                opts = dict(hmm=hmm, userdict=userdicts if ud else None)
                out[hmm, ud] = (
                    Segmenter(backend="jieba", **opts),
                    Segmenter(backend="rjieba", **opts),
                )
    return out


def _assert_same(ref: Segmenter, fast: Segmenter, texts: list[str]) -> None:
    for text in texts:
        assert fast.cut(text) == ref.cut(text), text


def test_backends_resolved(pairs):
    ref, fast = pairs[True, False]
    assert ref.backend == "jieba" and ref._rjieba is None
    assert fast.backend == "rjieba" and isinstance(fast._rjieba, RjiebaCutter)
    assert "backend='rjieba'" in repr(fast)


@pytest.mark.parametrize("hmm", [True, False])
def test_seed_corpus_lines_identical(pairs, seed_pages, seed_docs, hmm):
    ref, fast = pairs[hmm, False]
    lines = [
        line
        for text in list(seed_pages["text"]) + list(seed_docs["text"])
        for line in text.splitlines()
    ]
    assert len(lines) > 1000
    _assert_same(ref, fast, lines)
    # whole pages, longer than one chunk, through the chunking of Segmenter.cut
    assert max(len(t) for t in seed_pages["text"]) > _MAX_CHUNK
    _assert_same(ref, fast, list(seed_pages["text"]))
    assert fast._rjieba.fallbacks == 0  # the seed corpus never needs jieba


@pytest.mark.parametrize("hmm", [True, False])
@pytest.mark.parametrize("ud", [False, True])
def test_generated_text_identical(pairs, hmm, ud):
    ref, fast = pairs[hmm, ud]
    _assert_same(ref, fast, GENERATED)
    before = fast._rjieba.fallbacks
    _assert_same(ref, fast, _rng_texts(1500, seed=11, rare=False))
    _assert_same(ref, fast, _rng_texts(1500, seed=13, rare=False, symbols=False))
    assert fast._rjieba.fallbacks == before  # repaired, not handed to jieba


@pytest.mark.parametrize("hmm", [True, False])
def test_rare_cjk_blocks_fall_back_to_jieba(pairs, hmm):
    ref, fast = pairs[hmm, True]
    texts = [f"中国{c}{c}人民" for c in RARE] + ["㐀𠀀﨎鿖社会治理abc"]
    texts += _rng_texts(500, seed=12, rare=True)
    before = fast._rjieba.fallbacks
    _assert_same(ref, fast, texts)
    assert fast._rjieba.fallbacks > before
    if hmm:  # jieba-rs alone would join them as one HMM word; jieba keeps them apart
        assert fast.cut("㐀㐁") == ["㐀", "㐁"]


def test_user_dictionary_words(pairs, userdicts):
    for hmm in (True, False):
        ref, fast = pairs[hmm, True]
        for word in ("COVID-19", "5G网络", "一网通办", "A股", "v2.0", "abc123", "综治中心"):
            text = f"关于{word}的通知"
            assert word in ref.cut(text)
            assert fast.cut(text) == ref.cut(text)
        assert "一票否决权" not in fast.cut("实行一票否决权")
        pd.testing.assert_frame_equal(fast.dictionary_report(), ref.dictionary_report())
    # the total of jieba's add_word (a redefined word adds its new frequency again) is
    # reproduced: identical cuts need the same total
    ref, fast = pairs[True, True]
    freq_sum = sum(f for f in ref._tk.FREQ.values() if f)
    assert ref._tk.total > freq_sum


def test_fingerprint_records_backend_used(pairs, cache_dir_env, monkeypatch):
    ref, fast = pairs[True, False]
    assert ref.fingerprint != fast.fingerprint
    with cache_dir_env():
        auto = Segmenter()
        assert auto.config.backend == "auto" and auto.backend == "rjieba"
        assert auto.fingerprint == fast.fingerprint
        monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now fails
        fallback = Segmenter(backend="auto")
    assert fallback.backend == "jieba"
    assert fallback.fingerprint == ref.fingerprint


def test_auto_falls_back_when_rjieba_is_missing(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "rjieba", None)
    with caplog.at_level(logging.WARNING, logger="textkit.segment.backend"):
        assert resolve_backend("auto") == "jieba"
    assert "rjieba cannot be imported" in caplog.text
    assert resolve_backend("jieba") == "jieba"
    with pytest.raises(ConfigError, match=r"backend: 'rjieba' was requested"):
        resolve_backend("rjieba")
    with pytest.raises(ConfigError, match=r"backend"):
        Segmenter(backend="rjieba")
    seg = Segmenter(backend="auto", lexicon=False)
    assert seg.backend == "jieba"
    assert seg.cut("加强社会治安综合治理") == ["加强", "社会治安综合治理"]


def test_backend_setting_validated(tmp_path):
    assert SegmenterConfig().backend == "auto"
    with pytest.raises(ValueError, match=r"backend: expected one of 'auto', 'jieba', 'rjieba'"):
        SegmenterConfig(backend="fast")
    (tmp_path / "textkit.toml").write_text('[segment]\nbackend = "jieba"\n', encoding="utf-8")
    assert segmenter_config(load_config(tmp_path / "textkit.toml")).backend == "jieba"
    (tmp_path / "textkit.toml").write_text('[segment]\nbackend = "rust"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[segment\].*backend"):
        segmenter_config(load_config(tmp_path / "textkit.toml"))


def test_segment_corpus_same_units(pairs, seed_docs):
    ref, fast = pairs[True, False]
    docs = seed_docs[["doc_id", "text"]]
    for unit in ("sentence", "paragraph"):
        a = segment_corpus(docs, unit=unit, segmenter=ref, cache=False)
        b = segment_corpus(docs, unit=unit, segmenter=fast, cache=False)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)


def test_dictionary_words_jieba_does_not_cut_whole(pairs):
    """Words of the dictionary that jieba's word graph cuts apart (一个家, γ射线 …): with the
    HMM a run of single characters that is itself a dictionary word is not re-joined by the
    HMM. Every such word, alone and in context, cuts alike."""
    for hmm in (True, False):
        ref, fast = pairs[hmm, True]
        freq = ref._tk.FREQ
        words = sorted(w for w, f in freq.items() if f and len(w) > 1)
        split = [w for w in words if ref._tk.lcut(w, HMM=False) != [w]]
        assert len(split) > 1000
        texts = [t for w in split for t in (w, f"。{w}，", f"他{w}了")]
        _assert_same(ref, fast, texts)
