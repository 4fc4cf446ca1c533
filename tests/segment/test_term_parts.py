"""The segmenter's term_parts option: lexicon terms inside longer tokens become tokens too."""

from __future__ import annotations


def test_term_parts_add_the_terms_inside_longer_tokens():
    """term_parts counts 维稳 in 综治维稳 as frame scoring does; off by default."""
    from textkit.core.lexicon import load_lexicon
    from textkit.frames.score import frame_hits
    from textkit.segment.segmenter import Segmenter

    text = "加强综治维稳工作，新疆维吾尔自治区开展社区治安巡逻，村务监督委员会依法履职。"
    plain, parts = Segmenter(), Segmenter(term_parts=True)
    assert "维稳" not in plain.tokenize(text)
    got = parts.tokenize(text)
    assert got[got.index("综治维稳") + 1 : got.index("综治维稳") + 3] == ["综治", "维稳"]
    assert "自治" not in got and "自治区" in got  # the weight-0 entry blocks 自治
    assert "村务监督" not in got and "依法" not in got  # a term token is one hit
    assert plain.fingerprint != parts.fingerprint
    # every lexicon term the scorer finds is a token (with its part of the count)
    terms = set(load_lexicon().terms())
    hits = frame_hits([text], segmenter=plain)
    assert sorted(hits["term"]) == sorted(t for t in got if t in terms)
