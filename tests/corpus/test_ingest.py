"""Tests for textkit.corpus.ingest: strict decoding, rejection reasons, page metadata."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textkit.corpus.ingest import (
    PAGE_COLUMNS,
    IngestConfig,
    decode_bytes,
    read_pages,
    write_sources_csv,
)

ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = ROOT / "corpus" / "raw"

ZH = "乡镇社会治理创新工作方案，加强基层治理体系建设，维护社会和谐稳定。"
ZH_T = "基層治理體制機制，維護社會和諧穩定，我哋嘅社區服務。"


@pytest.fixture(scope="module")
def seed_pages():
    return read_pages(RAW_DIR)


def test_seed_pages_read(seed_pages):
    assert list(seed_pages.columns) == list(PAGE_COLUMNS)
    assert seed_pages["source_file"].tolist() == sorted(p.name for p in RAW_DIR.iterdir())
    assert (seed_pages["status"] == "ok").all()
    assert (seed_pages["encoding"] == "utf-8").all()
    assert not seed_pages["text"].str.contains("\r").any()
    # sha256 and size are of the bytes on disk
    first = seed_pages.iloc[0]
    data = (RAW_DIR / first["source_file"]).read_bytes()
    assert first["n_bytes"] == len(data)
    import hashlib

    assert first["sha256"] == hashlib.sha256(data).hexdigest()


def test_seed_metadata(seed_pages):
    meta = seed_pages.set_index("page_id")
    p0 = meta.loc["000_bf6d7cf6cc31cd7b"]
    assert p0["site"] == "公文素材库"
    assert p0["url"] == "http://m.bsmz.net/gongwen/384208.html"
    assert p0["page_date"] == "2019-05-22"
    assert p0["page_title"] == "乡镇党委政府综合治理经验"
    assert meta.loc["001_aabf14e4f143a46b", "page_title"] == "基層治理體制機制是什么四篇"
    assert meta.loc["002_3b4db8ce04b1998a", "site"] == "笔构网"
    assert meta.loc["003_4542067cb4fbbdc2", "page_date"] == "2023-09-11"
    assert meta.loc["004_1031bda60efd16f2", "site"] == "公务员期刊网"
    assert meta.loc["004_1031bda60efd16f2", "page_title"] == "基层治理工作方案精选(九篇)"
    # unknown values are empty, not guessed
    assert meta.loc["003_4542067cb4fbbdc2", "url"] == ""


def test_sources_csv_is_current(seed_pages, tmp_path):
    out = write_sources_csv(seed_pages, tmp_path / "sources.csv")
    committed = ROOT / "corpus" / "sources.csv"
    assert committed.read_bytes() == out.read_bytes()
    df = pd.read_csv(committed, keep_default_na=False)
    assert list(df.columns[:7]) == [
        "file",
        "sha256",
        "site",
        "page_title",
        "url",
        "page_date",
        "encoding",
    ]
    assert len(df) == 5


def test_tie_between_gb18030_and_big5_broken_by_bytes():
    # valid in both GB18030 and Big5-HKSCS; charset-normalizer picks the plausible one
    data = ZH.encode("gb18030")
    assert data.decode("big5hkscs")  # really a tie
    assert decode_bytes(data).encoding == "gb18030"
    data = ZH_T.encode("big5hkscs")
    assert data.decode("gb18030")
    assert decode_bytes(data).encoding == "big5hkscs"


def test_config_validation():
    with pytest.raises(ValueError, match="encodings"):
        IngestConfig(encodings=("no-such-codec",))
    with pytest.raises(ValueError, match="max_control_ratio"):
        IngestConfig(max_control_ratio=2.0)
    with pytest.raises(ValueError, match="site_patterns"):
        IngestConfig(site_patterns=(r"(no group)",))


def test_missing_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        read_pages(tmp_path / "nope")
