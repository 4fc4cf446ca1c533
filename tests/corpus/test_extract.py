"""extract_text: the text of plain text, HTML, Word and PDF files, or why a file is rejected.

Every fixture is made here or in ``tests/corpus/conftest.py`` (HTML strings encoded in
UTF-8 and GBK, .docx written by python-docx, PDFs by fpdf2 with the bundled CJK font).
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

import textkit as tk
from textkit.core.errors import InvalidParameterError
from textkit.corpus.extract import (
    EXTRACT_REJECT_KINDS,
    EXTRACTORS,
    MAX_HTML_DEPTH,
    Extracted,
    extract_docx,
    extract_html,
    extract_pdf,
    extract_text,
)
from textkit.corpus.ingest import REJECT_KINDS, IngestConfig

S1 = "浙江省坚持和发展新时代枫桥经验，推进基层社会治理现代化。"
S2 = "江苏省加强法治政府建设，提升公共服务水平。"
S3 = "广东省完善网格化管理，依法保障群众合法权益。"

PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  关于基层治理的
通知 </title>
<style>p {{ color: red }}</style><script>document.write("<p>脚本文字</p>")</script></head>
<body>
<header><div class="logo">政府网站首页</div></header>
<nav><a href="/">首页</a> | <a href="/news">新闻</a></nav>
<form action="/search"><input name="q"><button>搜索</button></form>
<noscript>请启用脚本</noscript><iframe src="ad.html">广告</iframe>
<div class="content">
  <h1>基层治理</h1>
  <p>{S1[:8]}
     {S1[8:]}</p>
  <p>{S2[:6]}<span>{S2[6:12]}</span><b>{S2[12:]}</b></p>第三段&nbsp;&amp;&nbsp;附言<br>{S3}
  <table><tr><td>甲</td><td>乙</td></tr><tr><th>丙</th><td>丁</td></tr></table>
  <ul><li>一</li><li>二<li>三</ul>
  <pre>第一行
第二行</pre>
  <!-- 注释不是正文 -->
</div>
<aside>相关链接</aside>
<footer>版权所有 政府网站</footer>
</body></html>
"""


def test_html_keeps_the_body_text_one_block_per_line():
    res = extract_text(PAGE.encode("utf-8"), "page.html")
    assert isinstance(res, Extracted)
    assert res.ok and res.extractor == "html" and res.encoding == "utf-8"
    assert res.title == "关于基层治理的 通知"
    assert res.text.split("\n") == [
        "基层治理",
        # the line break of the source between two Chinese characters is layout: removed
        # (CSS Text's segment breaks between East Asian wide characters), not a space that
        # cleaning would keep between two phrases
        S1,
        S2,
        "第三段 & 附言",
        S3,
        "甲",  # a table cell is a line, as in a Word table
        "乙",
        "丙",
        "丁",
        "一",
        "二",
        "三",
        "第一行",
        "第二行",
    ]
    for dropped in ("脚本", "color", "首页", "搜索", "请启用", "广告", "相关链接", "版权", "注释"):
        assert dropped not in res.text


def test_html_table_cells_stay_apart_after_cleaning():
    # a space between two cells would be removed by cleaning between Chinese characters
    page = (
        "<table><tr><th>地区</th><th>网格员</th></tr><tr><td>浙江</td><td>12</td></tr></table>"
        f"<p>{S1}</p>"
    ).encode()
    text = extract_text(page, "t.html").text
    cleaned, _ = tk.clean_text(text)
    assert cleaned.split("\n") == ["地区", "网格员", "浙江", "12", S1]
    assert {"地区", "网格员", "浙江"} <= set(tk.tokenize(cleaned))


def test_html_in_gbk_is_decoded_by_its_meta_charset():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        f"<title>通知</title></head><body><p>{S1}</p><p>{S2}</p></body></html>"
    )
    res = extract_html(page.encode("gbk"), "gbk.html")
    assert res.ok
    assert res.encoding == "gb18030"  # GBK is read as its superset
    assert res.text == f"{S1}\n{S2}"
    assert res.title == "通知"
    # the same through the dispatcher, and an encoding can be imposed
    assert extract_text(page.encode("gbk"), "gbk.htm").text == res.text
    forced = extract_text(page.encode("gbk"), "gbk.htm", config=IngestConfig(encodings=("utf-8",)))
    assert not forced.ok and forced.reject_kind == "undecodable"
    assert forced.reject_kind in REJECT_KINDS
    assert not forced.reason.startswith("gbk.htm")


def test_html_title_falls_back_to_the_first_h1():
    res = extract_text(f"<h1> 第一 标题 </h1><h1>第二</h1><p>{S1}</p>".encode(), "a.xhtml")
    assert res.title == "第一 标题"
    assert res.text == f"第一 标题\n第二\n{S1}"


def test_a_form_that_wraps_the_page_is_kept():
    page = (
        '<html><body><form id="form1" runat="server"><nav>栏目</nav>'
        '<form action="/s"><input name="q"></form>'  # nested form: ignored by the parser
        f"<div><p>{S1}</p></div></form>"
        f'<form action="/login"><span>用户名</span><input name="u"></form></body></html>'
    )
    res = extract_text(page.encode(), "aspx.html")
    assert res.text == S1


def test_html_without_body_text_is_rejected():
    page = "<html><head><title>空页面</title><script>var x = 1;</script></head><body>"
    page += "<nav>首页</nav><footer>版权</footer>\n &nbsp; </body></html>"
    res = extract_text(page.encode(), "empty.html")
    assert not res.ok
    assert res.reject_kind == "no_body_text" and res.text == ""
    assert res.reason.startswith("HTML without body text")
    assert res.title == "空页面"
    assert extract_text(b"", "zero.html").reject_kind == "empty"


def test_deeply_nested_html_is_rejected_before_parsing():
    deep = ("<div>" * 200_000 + S1).encode()  # tree building would take minutes
    start = time.perf_counter()
    res = extract_text(deep, "deep.html")
    assert time.perf_counter() - start < 30
    assert res.reject_kind == "html_too_deep"
    assert str(MAX_HTML_DEPTH) in res.reason
    # unclosed paragraphs, list items and cells do not nest, and do not count
    sloppy = ("<p>" + S1) * 5_000 + ("<li>" + S2) * 5_000 + "<div>" * 100 + S3
    res = extract_text(sloppy.encode(), "sloppy.html")
    assert res.ok and res.text.split("\n")[-1] == S3
    # a large ordinary page is read in linear time
    big = "<html><body>" + f"<div><p>{S1}</p><p>{S2}</p></div>\n" * 20_000 + "</body></html>"
    start = time.perf_counter()
    res = extract_text(big.encode(), "big.html")
    assert time.perf_counter() - start < 60
    assert res.text.count("\n") == 40_000 - 1


@pytest.mark.parametrize(
    ("nav", "crumb", "footer"),
    [
        ("nav", ' class="position"', "footer"),
        ("mainNav clearfix", ' class="dqwz"', "bottom"),
        ("top-menu", "", "copyright"),  # a 当前位置 bar without a class is read by its text
        ("navbar", ' class="breadcrumb"', "site_footer"),
    ],
)
def test_site_chrome_built_from_divs_is_dropped(gov_page, nav, crumb, footer):
    page, body = gov_page(nav=nav, crumb=crumb, footer=footer)
    res = extract_text(page.encode(), "notice.html")
    assert res.ok
    assert res.text.split("\n") == body
    for chrome in ("首页", "政务公开", "办事服务", "当前位置", "分享到", "版权所有", "ICP备"):
        assert chrome not in res.text
    (note,) = res.repairs
    assert note.startswith("site chrome dropped: 4 element(s) (div.")
    assert f"div.{nav.split()[0]}" in note and f"div.{footer}" in note
    # 政务公开 in the menu no longer counts as service-oriented language
    scores = tk.score_frames(pd.DataFrame({"doc_id": ["a"], "text": [res.text]}))
    menu_only = tk.score_frames(pd.DataFrame({"doc_id": ["a"], "text": ["首页 政务公开 办事服务"]}))
    assert menu_only["service_law"].iloc[0] > 0  # what the menu would have added
    with_menu = "首页 | 政务公开 | 办事服务\n" + res.text
    assert (
        tk.score_frames(pd.DataFrame({"doc_id": ["a"], "text": [with_menu]}))["service_law"].iloc[0]
        > scores["service_law"].iloc[0]
    )


def test_chrome_classes_are_whole_tokens_and_main_content_is_never_dropped():
    lines = [S1, S2, S3, S1 + S2]
    body = "".join(f"<p>{t}</p>" for t in lines)
    # classes that merely contain a chrome word are not chrome
    for cls in ("canvas", "footnote", "navigator-free", "bottomless", "position-relative"):
        res = extract_text(f'<div class="{cls}">{body}</div>'.encode(), "a.html")
        assert res.text.split("\n") == lines, cls
        assert res.repairs == (), cls
    # a template that wraps the article in a chrome-named div keeps it: most of the text
    page = f'<div class="nav"><a>首页</a></div><div id="footer-wrap">{body}</div>'
    res = extract_text(page.encode(), "b.html")
    assert res.text.split("\n") == lines
    assert res.repairs == ("site chrome dropped: 1 element(s) (div.nav)",)
    # and so does one holding an article element, however short
    page = f'<div class="bottom"><article><p>{S1}</p></article></div><p>{S2}{S3}{S2}</p>'
    res = extract_text(page.encode(), "c.html")
    assert res.text.split("\n") == [S1, S2 + S3 + S2]
    # many chrome-named elements that together hold most of the text are its content: kept
    page = '<div class="nav"><a>首页</a></div>' + "".join(
        f'<div class="share">{p}</div>' for p in lines
    )
    res = extract_text(page.encode(), "e.html")
    assert res.text.split("\n") == ["首页", *lines]
    (note,) = res.repairs
    assert note.startswith("site chrome kept: 5 element(s) marked as chrome hold ")
    # a long block starting with 当前位置 is text, not the position bar
    long_line = "当前位置的选择十分重要，" + S1 * 3
    res = extract_text(f"<p>{long_line}</p><p>{S2}</p>".encode(), "d.html")
    assert res.text.split("\n") == [long_line, S2]


def test_docx_paragraphs_and_table_rows_in_order(make_docx):
    data = make_docx(
        [S1, "", "  ", S2], table=[["甲", "乙"], ["丙", "丁"]], title="  基层治理报告 "
    )
    res = extract_text(data, "report.docx")
    assert res.ok and res.extractor == "docx" and res.encoding == ""
    assert res.title == "基层治理报告"
    assert res.text.split("\n") == [S1, "甲｜乙", "丙｜丁", S2]


def test_docx_merged_and_nested_cells_are_read_once(tmp_path):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(S1)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合并单元格"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "纵横"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内表甲"
    inner.cell(0, 1).text = "内表乙"
    document.add_paragraph(S2)
    out = io.BytesIO()
    document.save(out)
    res = extract_docx(out.getvalue(), "merged.docx")
    # a row holding a nested table is read cell by cell; the nested table's row is one line
    assert res.text.split("\n") == [S1, "合并单元格", "纵横", "内表甲｜内表乙", S2]
    assert res.title == ""


def test_damaged_or_empty_docx_is_rejected(make_docx):
    res = extract_text(b"this is not a zip file", "fake.docx")
    assert res.reject_kind == "unreadable_docx" and res.extractor == "docx"
    assert "BadZipFile" in res.reason
    good = make_docx([S1])
    assert extract_text(good[: len(good) // 2], "cut.docx").reject_kind == "unreadable_docx"
    empty = extract_text(make_docx(["", " "]), "blank.docx")
    assert empty.reject_kind == "no_body_text"
    assert empty.reason == "Word document without text"


def test_pdf_text_layer_in_chinese(make_pdf):
    res = extract_text(make_pdf([S1 + "\n" + S2, S3], title="治理报告"), "report.pdf")
    assert res.ok and res.extractor == "pdf" and res.encoding == ""
    assert res.title == "治理报告"
    assert res.text.split("\n") == [S1, S2, S3]
    assert "\x00" not in res.text
    # the bundled font's text layer carries NULs, removed and recorded
    assert any("control character" in r for r in res.repairs)


def test_pdf_with_many_pages_keeps_their_order(make_pdf):
    pages = [f"第{i}页：{S1}" for i in range(300)]
    res = extract_pdf(make_pdf(pages), "long.pdf")
    assert res.text.split("\n") == pages


def test_encrypted_pdf(make_pdf, encrypt_pdf):
    plain = make_pdf([S1])
    locked = extract_text(encrypt_pdf(plain, "secret"), "locked.pdf")
    assert locked.reject_kind == "encrypted_pdf"
    assert "password" in locked.reason
    # only an owner password (printing or copying restricted): opens with an empty one
    opened = extract_text(encrypt_pdf(plain, "", "owner"), "restricted.pdf")
    assert opened.ok and opened.text == S1


def test_pdf_without_text_layer_asks_for_ocr(scanned_pdf):
    res = extract_text(scanned_pdf, "scan.pdf")
    assert res.reject_kind == "no_text_layer"
    assert "OCR" in res.reason and "2 page(s)" in res.reason


def test_damaged_pdf_is_rejected(make_pdf):
    data = make_pdf([S1])
    for bad in (data[:300], b"%PDF-1.4\n garbage", b"not a pdf at all"):
        res = extract_text(bad, "bad.pdf")
        assert res.reject_kind == "unreadable_pdf", bad[:20]
        assert res.reason.startswith("unreadable PDF")


def test_dispatch_by_suffix():
    text = S1.encode("gb18030")
    res = extract_text(text, "a.txt")
    assert (res.extractor, res.encoding, res.text, res.title) == ("text", "gb18030", S1, "")
    assert extract_text(text, "a.TXT").extractor == "text"
    assert extract_text(f"<p>{S1}</p>".encode(), "page", suffix="HTML").text == S1
    assert extract_text(f"<p>{S1}</p>".encode(), "page.txt", suffix=".html").extractor == "html"
    old = extract_text(b"\xd0\xcf\x11\xe0", "old.doc")
    assert (old.extractor, old.reject_kind) == ("", "unsupported_type")
    assert "save it as .docx" in old.reason
    # the formats Chinese government sites and CNKI hand out are named, with what to do
    for name, advice in (("通知.wps", "save it as .docx"), ("年报.ofd", "as PDF"),
                         ("论文.CAJ", "as PDF")):  # fmt: skip
        res = extract_text(b"\x00\x01binary", name)
        assert (res.extractor, res.reject_kind) == ("", "unsupported_type"), name
        assert advice in res.reason, res.reason
    md = extract_text(text, "notes.md")
    assert md.reject_kind == "unsupported_type"
    assert md.reason.startswith("unsupported file type (.md): textkit reads")
    assert extract_text(text, "README").reason.startswith("unsupported file type (no suffix)")
    with pytest.raises(InvalidParameterError, match="data: expected bytes"):
        extract_text(S1, "a.txt")  # type: ignore[arg-type]
    assert set(EXTRACTORS.values()) == {"text", "html", "docx", "pdf"}
    assert not set(EXTRACT_REJECT_KINDS) & set(REJECT_KINDS)
    assert tk.extract_text is extract_text
