"""Tests for textkit.ingest: strict decoding, rejection reasons, page metadata."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from textkit.ingest import PAGE_COLUMNS, IngestConfig, decode_bytes, read_pages, write_sources_csv

ROOT = Path(__file__).resolve().parents[1]
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


@pytest.fixture()
def bad_dir(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\t \r\n\n")
    (d / "scan.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    (d / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01")
    (d / "nul.txt").write_bytes("治理".encode() + b"\x00\x00\x00" + "稳定".encode())
    (d / "gb.txt").write_bytes(ZH.encode("gb18030"))
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>朱镕基谈乡镇治理</title><script>var x = 1;</script></head>"
        f"<body><p>{ZH}</p><p>朱镕基同志指出：基层治理关键在人。</p></body></html>"
    )
    (d / "page.html").write_bytes(html.encode("gb18030"))
    (d / "big5.txt").write_bytes(ZH_T.encode("big5hkscs"))
    (d / "bom_crlf.txt").write_bytes(codecs.BOM_UTF8 + (ZH + "\r\n第二段。\r\n").encode("utf-8"))
    (d / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + ZH.encode("utf-16-le"))
    (d / "cut.txt").write_bytes(ZH.encode("utf-8") + "稳".encode()[:2])
    (d / "garbage.txt").write_bytes(ZH.encode("utf-8")[:9] + b"\xff\xfe\xff" + ZH.encode("utf-8"))
    (d / "midbom.txt").write_bytes((ZH + "\ufeff" + ZH).encode("utf-8"))
    (d / ".hidden").write_bytes(b"ignored")
    return d


@pytest.fixture()
def bad_pages(bad_dir):
    return read_pages(bad_dir).set_index("source_file")


def test_hidden_files_ignored_and_all_reported(bad_pages, bad_dir):
    assert ".hidden" not in bad_pages.index
    assert sorted(bad_pages.index) == sorted(p.name for p in bad_dir.iterdir() if p.name[0] != ".")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.txt", ["empty.txt", "empty file"]),
        ("blank.txt", ["blank.txt", "whitespace-only"]),
        ("scan.txt", ["scan.txt", "binary", "PDF"]),
        ("photo.txt", ["photo.txt", "binary", "JPEG"]),
        ("nul.txt", ["nul.txt", "binary", "NUL byte at offset 6"]),
        ("garbage.txt", ["garbage.txt", "undecodable", "offset 9", "0xff"]),
    ],
)
def test_rejections_name_file_and_problem(bad_pages, name, words):
    row = bad_pages.loc[name]
    assert row["status"] == "rejected"
    assert row["text"] == ""
    for w in words:
        assert w in row["reason"], (w, row["reason"])


def test_gb18030_page(bad_pages):
    row = bad_pages.loc["gb.txt"]
    assert row["status"] == "ok"
    assert row["encoding"] == "gb18030"
    assert row["text"] == ZH


def test_gb2312_labelled_html_with_non_gb2312_char(bad_pages):
    with pytest.raises(UnicodeEncodeError):
        "镕".encode("gb2312")
    row = bad_pages.loc["page.html"]
    assert row["status"] == "ok"
    assert row["encoding"] == "gb18030"  # the declared GB2312 is read as its superset
    assert "朱镕基同志指出" in row["text"]
    assert "<p>" not in row["text"] and "var x" not in row["text"]
    assert row["page_title"] == "朱镕基谈乡镇治理"


def test_big5hkscs_page(bad_pages):
    row = bad_pages.loc["big5.txt"]
    assert row["status"] == "ok"
    assert row["encoding"] == "big5hkscs"
    assert row["text"] == ZH_T


def test_utf8_bom_crlf(bad_pages):
    row = bad_pages.loc["bom_crlf.txt"]
    assert row["encoding"] == "utf-8"
    assert row["text"] == ZH + "\n第二段。\n"
    assert "byte-order mark" in row["repairs"]


def test_utf16_bom(bad_pages):
    row = bad_pages.loc["utf16.txt"]
    assert row["status"] == "ok"
    assert row["encoding"] == "utf-16-le"
    assert row["text"] == ZH


def test_truncated_multibyte_at_eof_is_repaired(bad_pages):
    row = bad_pages.loc["cut.txt"]
    assert row["status"] == "ok"
    assert row["text"] == ZH
    assert "dropped 2 incomplete trailing byte(s)" in row["repairs"]


def test_truncation_repair_can_be_switched_off():
    data = ZH.encode("utf-8") + "稳".encode()[:2]
    res = decode_bytes(data, "cut.txt", IngestConfig(repair_truncated=False))
    assert not res.ok
    assert "cut.txt" in res.reason and f"offset {len(ZH.encode('utf-8'))}" in res.reason


def test_mid_file_bom_removed(bad_pages):
    row = bad_pages.loc["midbom.txt"]
    assert row["text"] == ZH + ZH
    assert "inside the text" in row["repairs"]


def test_tie_between_gb18030_and_big5_broken_by_bytes():
    # valid in both GB18030 and Big5-HKSCS; charset-normalizer picks the plausible one
    data = ZH.encode("gb18030")
    assert data.decode("big5hkscs")  # really a tie
    assert decode_bytes(data).encoding == "gb18030"
    data = ZH_T.encode("big5hkscs")
    assert data.decode("gb18030")
    assert decode_bytes(data).encoding == "big5hkscs"


def test_meta_charset_is_a_hint_not_trusted_over_bytes():
    # declared Big5 but the bytes are UTF-8 (valid only as UTF-8)
    html = f'<html><head><meta charset="big5"></head><body><p>{ZH}</p></body></html>'
    res = decode_bytes(html.encode("utf-8"))
    assert res.encoding == "utf-8"
    # a tie between GB18030 and Big5 on a short string follows the declaration
    short = "治理".encode("gb18030")
    html_b = b'<meta charset="gb2312"><p>' + short + b"</p>"
    assert decode_bytes(html_b).encoding == "gb18030"


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
