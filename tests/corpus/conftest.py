"""Fixtures of the corpus tests: document files made on the fly (no binary file is committed).

``make_docx`` writes a Word document with python-docx, ``make_pdf`` a PDF with a Chinese
text layer with fpdf2 and the CJK font textkit ships (:func:`textkit.plots.cjk_font_path`),
``encrypt_pdf`` protects a PDF with pypdf, ``scanned_pdf`` is a PDF page without text (a
filled rectangle, as a scanned page looks to a text extractor), ``gov_page`` a government
site's article page whose menus, 当前位置 bar, share bar and footer are plain divs.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest


@pytest.fixture(scope="session")
def make_docx() -> Callable[..., bytes]:
    """``make_docx(paragraphs, table=None, title="")``: the bytes of a .docx file; ``table``
    is a list of rows of cell texts, written after the first paragraph."""
    import docx

    def make(
        paragraphs: Sequence[str],
        table: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> bytes:
        document = docx.Document()
        if title:
            document.core_properties.title = title
        for i, text in enumerate(paragraphs):
            document.add_paragraph(text)
            if i == 0 and table:
                grid = document.add_table(rows=len(table), cols=len(table[0]))
                for r, row in enumerate(table):
                    for c, cell in enumerate(row):
                        grid.cell(r, c).text = cell
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return make


@pytest.fixture(scope="session")
def make_pdf() -> Callable[..., bytes]:
    """``make_pdf(pages, title="")``: the bytes of a PDF, one page per text (Chinese text
    layer in the bundled Noto Sans CJK font)."""
    from fpdf import FPDF

    from textkit.plots import cjk_font_path

    def make(pages: Sequence[str], title: str = "") -> bytes:
        pdf = FPDF()
        pdf.add_font("cjk", fname=str(cjk_font_path()))
        pdf.set_font("cjk", size=11)
        if title:
            pdf.set_title(title)
        for text in pages:
            pdf.add_page()
            pdf.multi_cell(0, 7, text)
        return bytes(pdf.output())

    return make


@pytest.fixture(scope="session")
def encrypt_pdf() -> Callable[..., bytes]:
    """``encrypt_pdf(data, user_password, owner_password=None)``: the PDF protected with AES."""
    import pypdf

    def encrypt(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password, owner_password, algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return encrypt


@pytest.fixture(scope="session")
def scanned_pdf() -> bytes:
    """A two-page PDF without a text layer (a drawn rectangle on each page)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 120, 160, style="F")
    return bytes(pdf.output())


_GOV_BODY = [
    "关于推进基层社会治理的通知",
    "各乡镇人民政府、街道办事处：",
    "为坚持和发展新时代枫桥经验，推进基层社会治理现代化，现就有关事项通知如下。",
    "一、完善网格化管理，做好矛盾纠纷排查化解，维护社会稳定。",
    "二、加强法治政府建设，提升公共服务水平，依法保障群众合法权益。",
]

#: A government site's article page whose menus and footer are plain divs.
_GOV_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于推进基层社会治理的通知_某某市人民政府</title></head>
<body>
<div class="top"><div class="logo"><img src="logo.png" alt="某某市人民政府"></div></div>
<div class="{nav}"><ul><li><a href="/">首页</a></li><li>|</li>
<li><a href="/zwgk">政务公开</a></li><li>|</li><li><a href="/bsfw">办事服务</a></li></ul></div>
<div class="wrap">
<div{crumb}>当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<div class="article-con">
<h1 class="title">{b[0]}</h1>
<div class="TRS_Editor"><p>{b[1]}</p><p>{b[2]}</p><p>{b[3]}</p><p>{b[4]}</p></div>
<div class="share-bar">分享到：<a>微信</a><a>微博</a></div>
</div>
</div>
<div id="{footer}"><p>版权所有：某某市人民政府办公室 主办单位：某某市人民政府</p>
<p>ICP备案号：浙ICP备12345678号 网站标识码：3300000001</p></div>
</body></html>
"""


@pytest.fixture(scope="session")
def gov_page() -> Callable[..., tuple[str, list[str]]]:
    """``gov_page(nav="nav", crumb=' class="position"', footer="footer")``: the HTML of a
    government site's article page (menu div of class ``nav``, 当前位置 div with the
    attributes ``crumb``, share bar of class ``share-bar``, footer div of id ``footer``) and
    the lines of its article, the only text that should be read from it."""

    def make(
        nav: str = "nav", crumb: str = ' class="position"', footer: str = "footer"
    ) -> tuple[str, list[str]]:
        return _GOV_PAGE.format(nav=nav, crumb=crumb, footer=footer, b=_GOV_BODY), list(_GOV_BODY)

    return make
