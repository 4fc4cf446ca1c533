"""Fixtures of the frame tests: the segmenter, the two acceptance articles, a toy corpus.

The two acceptance articles are cut from ``corpus/raw`` here (between the page's own article
headings; 001 converted to simplified Chinese with OpenCC ``t2s``) so the tests do not
depend on the corpus builder: 003 第2篇 is a provincial regulation on comprehensive public-order
management, 001 篇1 a people's congress report on villagers' deliberative councils (村民议事会).
``toy_docs`` (two pages of three articles of ten numbered paragraphs) and ``toy_scores`` (a
label per paragraph, cycling through the four) are for the sampler and the coding sheets.
"""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pandas as pd
import pytest

from textkit.frames.score import score_frames

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"


def _article(stem: str, start: str, end: str, t2s: bool = False) -> str:
    lines = (RAW / f"{stem}.txt").read_bytes().decode("utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if re.search(start, line))
    j = next(k for k, line in enumerate(lines) if k > i and re.search(end, line))
    text = "\n".join(line.strip() for line in lines[i + 1 : j] if line.strip())
    return opencc.OpenCC("t2s").convert(text) if t2s else text


@pytest.fixture(scope="module")
def seg(tmp_path_factory, cache_dir_env):
    """The default segmenter, built with a private cache directory."""
    from textkit.segment.segmenter import Segmenter

    with cache_dir_env(tmp_path_factory.mktemp("tkcache")):
        return Segmenter()


@pytest.fixture(scope="module")
def acceptance_docs():
    """The two acceptance articles: a regulation (stability) and a village report."""
    a003 = _article("003_4542067cb4fbbdc2", r"第2篇$", r"第3篇$")
    a001 = _article("001_aabf14e4f143a46b", r"篇1$", r"篇2$", t2s=True)
    assert a003.startswith("第一条为了加强社会治安综合治理")
    assert "村民议事会" in a001
    return pd.DataFrame(
        {
            "doc_id": ["003_4542067cb4fbbdc2#02", "001_aabf14e4f143a46b#01"],
            "text": [a003, a001],
            "genre": ["regulation", "report"],
        }
    )


@pytest.fixture(scope="module")
def scores(acceptance_docs, seg):
    """Document scores of the two acceptance articles."""
    return score_frames(acceptance_docs, segmenter=seg)


@pytest.fixture
def toy_docs():
    """Six articles (pages p0 and p1, three each) of ten numbered paragraphs."""
    return pd.DataFrame(
        {
            "doc_id": [f"p{p}#{i:02d}" for p in range(2) for i in range(1, 4)],
            "text": [
                "\n".join(f"第{p}页第{i}篇第{k}段，内容足够长的一段文字。" for k in range(10))
                for p in range(2)
                for i in range(1, 4)
            ],
        }
    )


@pytest.fixture
def toy_scores(toy_docs):
    """A paragraph label for each paragraph of ``toy_docs``, by its place in the article."""
    rows = []
    labels = ["stability", "service_law", "mixed", "neither", "neither"]
    for d in toy_docs["doc_id"]:
        for k in range(10):
            rows.append((d, k, labels[k % 5]))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "frame_label"])
