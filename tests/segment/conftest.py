"""Fixtures of the segmentation tests: segmenters built once per test package."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import jieba
import pytest

from textkit.segment.segmenter import Segmenter

#: Governance terms of the shipped dictionary, each with a real sentence of the seed corpus
#: (see ``tests/segment/test_segmenter.py``).
TERMS_TSV = Path(__file__).resolve().parents[1] / "governance_terms.tsv"


@pytest.fixture(scope="package")
def governance_terms() -> list[tuple[str, str]]:
    """``(term, sentence)`` rows of ``tests/governance_terms.tsv``, in file order."""
    with TERMS_TSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["term"], r["sentence"]) for r in rows]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tkcache"))


@pytest.fixture(scope="package")
def seg(cache_dir_env):
    """The default segmenter (shipped dictionary + frame lexicon when present)."""
    with cache_dir_env():
        return Segmenter()


@pytest.fixture(scope="package")
def seg_shipped(cache_dir_env):
    """jieba + the shipped governance dictionary only."""
    with cache_dir_env():
        return Segmenter(lexicon=False)


@pytest.fixture(scope="package")
def plain_jieba(tmp_path_factory):
    """Plain jieba: its own dictionary only, HMM on (its default); cache kept out of /tmp."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.cache_file = str(tmp_path_factory.mktemp("plain_jieba") / "jieba.cache")
    tk.initialize()
    return tk
