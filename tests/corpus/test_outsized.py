"""Outsized articles in the corpus report: one article far longer than the others (a
county annal among notices) is listed, with advice, in memory and streamed alike."""

from __future__ import annotations

import json
import logging
import re

import pytest

from textkit.corpus.build import build_corpus, write_corpus
from textkit.corpus.report import OUTSIZED_TIMES_MEDIAN, render_report_md
from textkit.corpus.stream import build_corpus_to

# a line that could be read as an article marker (篇1, 第2篇) is left out of the fixtures
_MARKER = re.compile(r"篇\s*\d|第.{1,3}篇")


def _lines(raw_dir, stem: str) -> list[str]:
    text = (raw_dir / f"{stem}.txt").read_text(encoding="utf-8")
    return [s.strip() for s in text.splitlines() if len(s.strip()) > 40 and not _MARKER.search(s)]


@pytest.fixture(scope="module")
def annal_dir(seed_raw_dir, tmp_path_factory):
    """Eight notices of three seed paragraphs each and one "annal": every paragraph of a
    seed page in one file without article markers."""
    root = tmp_path_factory.mktemp("annal")
    short = _lines(seed_raw_dir, "002_3b4db8ce04b1998a")
    for i in range(8):
        (root / f"notice_{i}.txt").write_text("\n".join(short[3 * i : 3 * i + 3]), "utf-8")
    (root / "annal.txt").write_text(
        "\n".join(_lines(seed_raw_dir, "003_4542067cb4fbbdc2")), "utf-8"
    )
    return root


def test_an_outsized_article_is_listed_with_advice(annal_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.report"):
        build = build_corpus(annal_dir)
    docs = build.documents
    annal = docs.loc[docs["source_file"] == "annal.txt"].iloc[0]
    median = float(docs["n_chars"].median())
    assert annal["n_chars"] > OUTSIZED_TIMES_MEDIAN * median  # the fixture is what it says
    entry = build.report["outsized"]
    assert entry["median_chars"] == median
    assert entry["total_chars"] == int(docs["n_chars"].sum())
    assert entry["articles"] == [
        {
            "doc_id": annal["doc_id"],
            "status": "kept",
            "n_chars": int(annal["n_chars"]),
            "times_median": round(annal["n_chars"] / median, 1),
            "share": round(annal["n_chars"] / docs["n_chars"].sum(), 4),
        }
    ]
    assert f"1 outsized article(s), e.g. {annal['doc_id']}" in caplog.text
    md = render_report_md(build.report)
    section = md[md.index("## Outsized articles") : md.index("## Cleaning")]
    assert "split it into its sections" in section and "analyse it apart" in section
    share = f"{annal['n_chars'] / docs['n_chars'].sum():.1%}"
    assert f"| {annal['doc_id']} | kept | {annal['n_chars']} |" in section
    assert section.rstrip().endswith(f"| {share} |")
    for notice in docs.loc[docs["source_file"] != "annal.txt", "doc_id"]:
        assert notice not in section


def test_the_streamed_build_lists_the_same_outsized_articles(annal_dir, tmp_path):
    write_corpus(build_corpus(annal_dir), tmp_path / "mem")
    build_corpus_to(annal_dir, tmp_path / "stream", batch_pages=2)
    for name in ("corpus_report.json", "corpus_report.md"):
        assert (tmp_path / "stream" / name).read_bytes() == (tmp_path / "mem" / name).read_bytes()
    report = json.loads((tmp_path / "stream" / "corpus_report.json").read_text("utf-8"))
    assert [a["doc_id"] for a in report["outsized"]["articles"]] == ["annal#01"]


def test_a_quarter_of_the_characters_is_outsized_in_a_small_corpus(seed_raw_dir, tmp_path):
    """Four notices of 600 characters and one text four times as long: not ten times the
    median, but half of the characters."""
    text = "".join(_lines(seed_raw_dir, "002_3b4db8ce04b1998a"))
    for i in range(4):
        (tmp_path / f"n{i}.txt").write_text(text[600 * i : 600 * (i + 1)], "utf-8")
    (tmp_path / "long.txt").write_text(text[2400:4800], "utf-8")
    build = build_corpus(tmp_path)
    listed = build.report["outsized"]["articles"]
    long_id = build.documents.loc[build.documents["source_file"] == "long.txt", "doc_id"]
    assert [a["doc_id"] for a in listed] == long_id.tolist()
    assert 2 < listed[0]["times_median"] < OUTSIZED_TIMES_MEDIAN and listed[0]["share"] > 0.25


def test_the_seed_corpus_has_no_outsized_article(seed_build):
    entry = seed_build.report["outsized"]
    assert entry["articles"] == [] and entry["median_chars"] > 1000
    md = render_report_md(seed_build.report)
    assert "## Outsized articles" in md
    section = md[md.index("## Outsized articles") : md.index("## Cleaning")]
    assert section.rstrip().endswith("None.")
