"""Tests for textkit.segment.terms.mine_terms on fixtures with known statistics and on the seed corpus."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from textkit.segment.segmenter import Segmenter
from textkit.segment.terms import TermMiningConfig, mine_terms

COLUMNS = [
    "term",
    "kind",
    "freq",
    "doc_freq",
    "pmi",
    "left_entropy",
    "right_entropy",
    "score",
    "in_dictionary",
    "example",
]


@pytest.fixture(scope="module")
def seg(cache_dir_env):
    with cache_dir_env():
        return Segmenter()


@pytest.fixture(scope="module")
def seed_texts(seed_pages):
    return seed_pages["text"].tolist()


@pytest.fixture(scope="module")
def mined(seed_texts, seg):
    return mine_terms(seed_texts, segmenter=seg)


def test_statistics_on_a_fixture(seg):
    # 议事会 occurs 3 times, each time with a different left and right neighbour.
    texts = ["村议事会成，镇议事会开", "乡议事会定"]
    out = mine_terms(texts, segmenter=seg, min_freq=3, min_pmi=2.0, min_entropy=1.0)
    row = out.set_index("term").loc["议事会"]
    assert row["kind"] == "ngram"
    assert row["freq"] == 3 and row["doc_freq"] == 2
    # N = 15 CJK characters; c(议事会) = c(议) = c(事会) = c(议事) = c(会) = 3
    assert row["pmi"] == pytest.approx(math.log2(3 * 15 / (3 * 3)))
    assert row["left_entropy"] == pytest.approx(math.log2(3))
    assert row["right_entropy"] == pytest.approx(math.log2(3))
    assert row["score"] == pytest.approx(math.log2(4) * math.log2(5) * math.log2(3))
    assert row["example"].startswith("村议事会成")
    # fragments that always continue the same way have zero entropy on that side
    assert "议事" not in set(out["term"])


def test_boundaries_count_as_distinct_neighbours(seg):
    texts = ["平安建设。", "平安建设，", "平安建设"]
    out = mine_terms(texts, segmenter=seg, min_freq=3, min_pmi=0.0, min_entropy=1.0)
    row = out.set_index("term").loc["平安建设"]
    assert row["left_entropy"] == pytest.approx(math.log2(3))
    assert row["right_entropy"] == pytest.approx(math.log2(3))


def test_quoted_and_slogans_on_seed(mined):
    assert list(mined.columns) == COLUMNS
    t = mined.set_index("term")
    for slogan in ("四个平台", "两会一队", "四议两公开", "三个代表"):
        assert "slogan" in t.loc[slogan, "kind"], slogan
    assert "quoted" in t.loc["三个构筑", "kind"]
    assert "“三个构筑”" in t.loc["三个构筑", "example"]
    # mined n-grams include real governance terms
    assert "ngram" in t.loc["人民群众", "kind"]
    assert t.loc["人民群众", "freq"] >= 5
    # articles are not slogans
    assert "一个人" not in t.index and "一项重要" not in t.index


def test_in_dictionary_flag(mined, seg):
    t = mined.set_index("term")
    assert bool(t.loc["四个平台", "in_dictionary"])  # shipped dictionary entry
    assert not bool(t.loc["三个构筑", "in_dictionary"])
    for term, flag in t["in_dictionary"].items():
        assert flag == (seg.cut(term) == [term])


def test_examples_are_real_context(mined, seed_texts):
    corpus = "\n".join(seed_texts).replace("\n", " ")
    sample = mined.head(50)
    for term, ex in zip(sample["term"], sample["example"], strict=True):
        assert term in ex and ex in corpus


def test_deterministic_order(seed_texts, seg, mined):
    again = mine_terms(list(seed_texts), segmenter=seg)
    pd.testing.assert_frame_equal(mined, again)
    scores = mined["score"].tolist()
    assert scores == sorted(scores, reverse=True)


def test_inputs_and_validation(seg):
    empty = mine_terms([], segmenter=seg)
    assert list(empty.columns) == COLUMNS and empty.empty
    assert mine_terms(pd.DataFrame({"text": ["Hello world"]}), segmenter=seg).empty
    with pytest.raises(ValueError, match="text"):
        mine_terms(pd.DataFrame({"body": ["x"]}), segmenter=seg)
    with pytest.raises(ValueError, match="max_len"):
        TermMiningConfig(min_len=4, max_len=3)
    with pytest.raises(ValueError, match="min_freq"):
        mine_terms(["社会治理"], min_freq=0, segmenter=seg)
    with pytest.raises(ValueError, match="min_len"):
        mine_terms(["社会治理"], min_len=1, segmenter=seg)
    with pytest.raises(ValueError, match="item 1"):
        mine_terms(["社会治理", 3], segmenter=seg)
