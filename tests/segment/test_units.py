"""Tests for textkit.segment.units: paragraphs and sentences."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from textkit.segment.units import split_paragraphs, split_sentences

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------- split


def test_split_sentences_keeps_closing_quotes():
    text = "他说：“要化解矛盾纠纷。”随后离开！真的吗？是的；好……\n第二段"
    assert split_sentences(text) == [
        "他说：“要化解矛盾纠纷。”",
        "随后离开！",
        "真的吗？",
        "是的；",
        "好……",
        "第二段",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("治理维稳。！？；…”’」）\n \t\r") + ["\u3000"]), max_size=60
    )
)
def test_split_sentences_loses_nothing_but_edge_space(text):
    import re

    sents = split_sentences(text)
    assert all(s and s == s.strip() and "\n" not in s for s in sents)
    assert re.sub(r"\s", "", "".join(sents)) == re.sub(r"\s", "", text)


def test_split_paragraphs():
    assert split_paragraphs("一段\r\n\n  二段 \r三段\n") == ["一段", "二段", "三段"]
    assert split_paragraphs("") == []
