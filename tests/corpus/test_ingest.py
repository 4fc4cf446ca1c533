"""Tests for textkit.corpus.ingest: strict decoding, rejection reasons, page metadata."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import textkit as tk
from textkit.corpus.extract import MAX_HTML_DEPTH
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


ART1 = [
    "为切实做好维稳工作，现结合本镇实际，制定如下方案。",
    "一、完善网格化管理，做好矛盾纠纷排查化解，维护社会稳定。",
]
ART2 = [
    "建设服务型政府，提升公共服务水平，依法保障群众合法权益。",
    "二、加强法治政府建设，推进基层社会治理现代化。",
]

#: A template site's page of two numbered articles inside its header, menu, 当前位置 bar
#: and footer.
HTML_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>基层治理工作方案两篇_某某范文网</title>
<style>.nav {{ color: red; }}</style></head>
<body>
<header><div class="logo">某某范文网</div><p>专业的公文写作平台</p></header>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/fa">工作方案</a></li>
<li><a href="/zw">政务公开</a></li><li><a href="/bs">办事服务</a></li></ul></div>
<div class="wrap">
<div class="place">当前位置：<a href="/">首页</a> &gt; <a href="/fa">工作方案</a> &gt; 正文</div>
<div class="content">
<h2>第一篇：维稳工作方案</h2>
<p>{ART1[0]}</p><p>{ART1[1]}</p>
<h2>第二篇：服务型政府建设报告</h2>
<p>{ART2[0]}</p><p>{ART2[1]}</p>
</div>
</div>
<footer><p>版权所有：某某范文网 联系我们 网站地图</p><p>ICP备12345678号</p></footer>
</body></html>
"""

#: Text of the page's chrome, none of which may be read as article text.
HTML_CHROME = "某某范文网 公文写作 首页 政务公开 办事服务 当前位置 版权所有 ICP".split()


def test_html_raw_page_is_read_without_site_chrome(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "two.html").write_text(HTML_PAGE, encoding="utf-8")
    (raw / "plain.txt").write_text("\n".join(ART1) + "\n", encoding="utf-8")
    pages = read_pages(raw).set_index("page_id")
    page = pages.loc["two"]
    assert page["status"] == "ok" and page["encoding"] == "utf-8"
    assert page["page_title"] == "基层治理工作方案两篇"  # the site name dropped
    # the page holds its two articles and nothing of the chrome around them
    assert page["text"].split("\n") == [
        "第一篇：维稳工作方案",
        *ART1,
        "第二篇：服务型政府建设报告",
        *ART2,
    ]
    for chrome in HTML_CHROME:
        assert chrome not in page["text"], chrome
    # what was dropped is recorded: the menu div and the 当前位置 bar
    assert page["repairs"] == "site chrome dropped: 2 element(s) (div.nav, div 当前位置：首…)"
    assert pages.loc["plain", "repairs"] == ""  # a plain text page is not touched

    build = tk.build_corpus(raw)
    docs = build.documents.set_index("doc_id")
    assert sorted(docs.index) == ["plain#01", "two#01", "two#02"]
    assert docs.loc["two#01", "title"] == "维稳工作方案"
    assert docs.loc["two#02", "title"] == "服务型政府建设报告"
    assert docs.loc["two#01", "text_raw"] == "\n".join(ART1)
    assert docs.loc["two#02", "text_raw"] == "\n".join(ART2)
    for chrome in HTML_CHROME:
        assert not docs["text"].str.contains(chrome).any(), chrome
    report_page = {p["file"]: p for p in build.report["pages"]}["two.html"]
    assert report_page["repairs"] == page["repairs"]
    assert report_page["n_articles"] == 2
    # the raw-page path and a researcher's folder read the page alike
    folder = tk.read_texts(raw)
    folder_file = folder.report.set_index("source").loc["two.html"]
    assert folder_file["repairs"] == page["repairs"]


def test_html_raw_page_too_deep_or_without_text_is_rejected(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    deep = "<html><body>" + "<div>" * (MAX_HTML_DEPTH + 10) + ART1[0] + "</body></html>"
    (raw / "deep.html").write_text(deep, encoding="utf-8")
    chrome_only = (
        "<html><head><title>空页面</title><script>var x = 1;</script></head><body>"
        "<header>某某范文网</header><nav><a>首页</a><a>政务公开</a></nav>"
        "<footer>版权所有</footer></body></html>"
    )
    (raw / "chrome.html").write_text(chrome_only, encoding="utf-8")
    (raw / "ok.txt").write_text("\n".join(ART2) + "\n", encoding="utf-8")
    pages = read_pages(raw).set_index("page_id")
    deep_row = pages.loc["deep"]
    assert deep_row["status"] == "rejected" and deep_row["reject_kind"] == "html_too_deep"
    assert deep_row["reason"].startswith(f"deep.html: HTML nested more than {MAX_HTML_DEPTH}")
    assert deep_row["text"] == "" and deep_row["page_title"] == ""
    assert deep_row["encoding"] == "utf-8"
    gone = pages.loc["chrome"]
    assert gone["status"] == "rejected" and gone["reject_kind"] == "no_text"
    assert gone["reason"].startswith("chrome.html: HTML page without any text (after dropping")
    assert gone["text"] == "" and gone["page_title"] == ""
    build = tk.build_corpus(raw)
    assert build.report["rejected_by_reason"] == {"html_too_deep": 1, "no_text": 1}
    assert build.documents["doc_id"].tolist() == ["ok#01"]


def test_a_raw_page_starting_with_an_html_fragment_is_read_as_html(tmp_path):
    # a scraper that saved the article's <div> only: no doctype, no <html>
    page = (
        '<div class="article"><p>第一篇:社区治理经验</p><p>坚持依法行政，推进基层公共服务。</p>'
        "<p>第二篇:平安建设总结</p><p>加强矛盾纠纷排查化解，维护社会稳定。</p></div>"
    )
    (tmp_path / "frag.txt").write_text(page, encoding="utf-8")
    pages = read_pages(tmp_path)
    assert "<" not in pages["text"].iloc[0]
    assert pages["text"].iloc[0].split("\n")[0] == "第一篇:社区治理经验"


def test_a_raw_page_of_plain_lines_after_a_tag_keeps_its_lines(tmp_path):
    # a scraper that left one tag at the top of a text page: its lines are the text's
    body1 = "坚持和发展新时代枫桥经验，推进社会治安综合治理，矛盾纠纷就地化解。" * 3
    body2 = "推进依法行政，建设服务型政府，完善基层公共服务体系和便民服务网络。" * 3
    page = f"<p>某某网 首页</p>\n第一篇:治安综合治理经验\n{body1}\n第二篇:服务型政府建设经验\n{body2}\n"
    (tmp_path / "p.txt").write_text(page, encoding="utf-8")
    (tmp_path / "br.txt").write_text("<br>\n" + page.split("\n", 1)[1], encoding="utf-8")
    docs = tk.build_corpus(tmp_path).documents
    assert docs["title"].tolist() == ["治安综合治理经验", "服务型政府建设经验"] * 2


def test_saved_pages_and_stray_brackets_in_raw_fragments(tmp_path):
    body1 = "坚持和发展新时代枫桥经验，推进社会治安综合治理，矛盾纠纷就地化解。" * 3
    body2 = "推进依法行政，建设服务型政府，完善基层公共服务体系和便民服务网络。" * 3
    # a fragment with a < that starts no tag: the rest of the page is kept
    frag = f"<p>某某网</p>\n第一篇:治安综合治理经验\n规定x<y的情况。{body1}\n第二篇:服务型政府建设经验\n{body2}\n"
    (tmp_path / "frag.txt").write_text(frag, encoding="utf-8")
    # a page saved by a browser: a comment, then the document (its line breaks are layout)
    saved = (
        "<!-- saved from url=(0014)about:internet -->\n<!DOCTYPE html><html><body>"
        f"<p>第一篇:治安综合治理经验</p><p>{body1[:30]}\n{body1[30:]}</p>"
        f"<p>第二篇:服务型政府建设经验</p><p>{body2}</p></body></html>"
    )
    (tmp_path / "saved.html").write_text(saved, encoding="utf-8")
    docs = tk.build_corpus(tmp_path).documents.set_index("doc_id")
    assert docs.loc["frag#01", "text"].startswith("规定x<y的情况。")
    assert docs.loc["saved#01", "text"] == body1
