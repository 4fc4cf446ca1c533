"""Required-text prefilters: a text a prefilter turns away has no match, for every shipped
cleaning rule and for hand-written patterns, on generated texts built to come close to
matching; cleaning with the prefilters equals cleaning without them."""

from __future__ import annotations

import random
import re

import pytest

from textkit.core.patterns import prefilter, required_sets
from textkit.corpus import clean as clean_module
from textkit.corpus.clean import load_rules


def _shipped_patterns() -> list[re.Pattern]:
    rules = load_rules(None)
    out = [p for _, pats in rules.line_rules for p in pats]
    out += [p for _, pats in rules.inline_rules for p in pats]
    out += list(rules.mojibake) + [p for p, _ in rules.placeholders]
    return out


HAND_WRITTEN = [
    r"(?:19|20)\d?[xX×*_]{1,3}年",
    r"(?<![A-Za-z])(?:xxx|XXX|×××)(?![A-Za-z])",
    r"(锟斤拷)+|\?{4,}",
    r"a(?:bc|bd)*e",
    r"(?:ab)?c",
    r"[^a]b",
    r"(?i)abc",
    r"(?i:ab)c",
    r"^\S{2,12}\s+首页$",
    r"(?>ab|cd)x",
    r"[0-9]{2,}号",
    r"x{0}y",
]


#: Snippets that match shipped rules (cut up and mixed by :func:`_texts_near`).
MATCHING = ["xx年", "20××年", "19**年", "XXX局", "××村", "***", "____村", "锟斤拷锟斤拷", "????",
            "？？？？", "\ufffd", "（来源说明：本网）", "网站 首页", "首页 范文", "http://a.cn/x",
            "www.x.cn", "某某某省", "—— 3 ——", "以下是为大家整理的", "免责声明：", "原创：",
            "查看更多文章", "好范文版权所有", "相关阅读", "时间：2020-1-1", "| 浏览次数：3",
            "请欣赏本文由某网整理", "xxx", "qqq", "~年"]  # fmt: skip


def _texts_near(pattern: re.Pattern, seed_text: str, rng: random.Random, n: int) -> list[str]:
    """Texts of matching snippets, the pattern's own characters and real text, on one or
    more lines, with characters dropped at random: some match, some lack a required piece."""
    alphabet = [c for c in pattern.pattern if not c.isspace()] + [" ", "年", "1", "9"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 6)):
            r = rng.random()
            if r < 0.3:
                start = rng.randrange(max(1, len(seed_text) - 40))
                parts.append(seed_text[start : start + rng.randint(0, 40)])
            elif r < 0.7:
                parts.append(rng.choice(MATCHING))
            else:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
            parts.append(rng.choice(["", "", "\n"]))
        text = "".join(parts)
        drop = rng.random() * 0.3
        out.append("".join(c for c in text if rng.random() >= drop))
    return out


@pytest.mark.parametrize("source", ["shipped", "hand"])
def test_a_text_turned_away_has_no_match(seed_docs, source):
    patterns = _shipped_patterns() if source == "shipped" else list(map(re.compile, HAND_WRITTEN))
    seed_text = "\n".join(seed_docs["text"])
    rng = random.Random(20261206)
    turned_away = matched = 0
    for pattern in patterns:
        may_match = prefilter(pattern)
        for text in _texts_near(pattern, seed_text, rng, 300):
            if not may_match(text):
                turned_away += 1
                assert pattern.search(text) is None, (pattern.pattern, text)
            elif pattern.search(text):
                matched += 1
    assert turned_away > 1000 and matched > 100  # both sides of the test are exercised


def test_required_sets_of_hand_written_patterns():
    def sets(p):
        return [sorted(s) for s in required_sets(p)]

    assert sets(HAND_WRITTEN[0]) == [["年"], ["*", "X", "_", "x", "×"], ["19", "20"]]
    assert sets(HAND_WRITTEN[2]) == [["?", "锟斤拷"]]
    assert sets(r"a(?:bc|bd)*e") == [["a"], ["e"]]
    assert sets(r"(?:ab)?c") == [["c"]]
    assert sets(r"[^a]b") == [["b"]]
    assert sets(r"[0-9]{2,}号") == [["号"], [str(d) for d in range(10)]]
    for nothing in (r"(?i)abc", r"(?i:ab)", r"\d+", r".", r"a?\d", r"x{0}"):
        assert required_sets(nothing) == ()
        assert prefilter(re.compile(nothing))("") is True


def test_cleaning_with_prefilters_equals_cleaning_without(seed_pages, monkeypatch):
    """The cleaned seed pages (traditional characters, mojibake, masks, page chrome) and
    generated texts full of rule material are the same with every prefilter switched off."""
    rng = random.Random(5)
    pieces = ["xx年", "20××年", "XXX局", "***", "____村", "锟斤拷锟斤拷", "????", "？？？？？",
              "\ufffd", "来源说明", "（来源说明：网）", "首页", "http://a.cn/x", "www.x.cn",
              "\u200b", "\u3000\u3000", "维稳", "某某某省", "—— 3 ——"]  # fmt: skip
    texts = list(seed_pages["text"]) + [
        "\n".join("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(6))
        for _ in range(200)
    ]
    rules, config = load_rules(None), clean_module.CleanConfig()

    def cleaned():
        out = []
        for t in texts:
            log = clean_module._Log()
            out.append((clean_module._clean_once(t, rules, config, log), log.counts))
        return out

    with_filters = cleaned()
    assert sum(bool(counts) for _, counts in with_filters) > 100
    monkeypatch.setattr(clean_module, "prefilter", lambda pattern: lambda text: True)
    assert cleaned() == with_filters
