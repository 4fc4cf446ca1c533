"""Word headings and tables, PDF running headers: from the file to the articles.

A compilation saved as .docx titles its articles with Heading 1 paragraphs (no 第N篇
marker); a table of numbers is read row by row; a PDF's running header (the publication's
name at the top of every page) and its page numbers are not text. The fixtures are made
here: .docx files by python-docx, PDFs by fpdf2 with the bundled CJK font, the way the
audit corpus made them.
"""

from __future__ import annotations

import io
import itertools

import pytest

import textkit as tk
from textkit.corpus.clean import clean_text
from textkit.corpus.extract import CELL_SEPARATOR, HEADING_MARK, extract_docx, extract_pdf
from textkit.corpus.split import find_articles

TITLES = [
    "安吉县召开依法行政工作推进会",
    "安吉县2023年公共服务均等化实施方案",
    "兰考县召开基层社会治理推进会",
    "兰考县推进信访维稳工作的经验做法",
]
PARAS = [
    "加强社区服务能力建设，推动养老、托育、就业等服务下沉到社区，打造便民服务圈。",
    "建立健全政府法律顾问制度，所有乡镇实现法律顾问全覆盖，审查规范性文件四十二件。",
    "坚持以人民为中心，畅通群众诉求表达渠道，推行接诉即办，群众满意率稳步提高。",
    "完善公共法律服务体系，实现村居法律顾问全覆盖，全年提供法律咨询一百余人次。",
]


def _word(blocks: list[tuple[str, str]], title: str = "") -> bytes:
    """A .docx of ``(kind, text)`` blocks: ``h1`` / ``h2`` headings (python-docx's Heading
    styles), ``toc`` (a paragraph styled TOC 1), ``title`` (styled Title), ``p`` a
    paragraph."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    if title:
        document.core_properties.title = title
    toc_style = None
    for kind, text in blocks:
        if kind in ("h1", "h2"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "toc":
            if toc_style is None:
                toc_style = document.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
            document.add_paragraph(text, style=toc_style)
        elif kind == "title":
            document.add_paragraph(text, style="Title")
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _article(k: int) -> list[tuple[str, str]]:
    """Article ``k`` of the compilation: its Heading 1 title, a date, a Heading 2 section."""
    return [
        ("h1", TITLES[k]),
        ("p", f"发布日期：2015-11-{k + 10}"),
        ("h2", "一、主要做法"),
        ("p", PARAS[k]),
        ("p", PARAS[(k + 1) % 4]),
    ]


def _compilation(contents: list[tuple[str, str]]) -> bytes:
    blocks = [("p", "安吉县基层治理经验材料汇编"), *contents]
    for k in range(4):
        blocks += _article(k)
    return _word(blocks, title="基层治理经验材料汇编")


PLAIN_CONTENTS = [("p", "目录")] + [("p", f"{k + 1}. {t}") for k, t in enumerate(TITLES)]


@pytest.mark.parametrize(
    "contents",
    [
        PLAIN_CONTENTS,  # a 目录 block of plain paragraphs, as the audit's 汇编
        [("toc", "目录")] + [("toc", f"{t}……{k + 2}") for k, t in enumerate(TITLES)],
        [("h1", "目录")] + [("h1", t) for t in TITLES],  # entries styled as headings
    ],
    ids=["plain", "toc-style", "heading-style"],
)
def test_word_compilation_with_heading_titles_gives_one_article_per_heading(contents):
    res = extract_docx(_compilation(contents), "汇编.docx")
    articles = find_articles(res.text, res.title)
    assert [a.title for a in articles] == TITLES
    assert [a.ordinal for a in articles] == [1, 2, 3, 4]
    for k, a in enumerate(articles):
        assert a.text_raw.split("\n") == [
            f"发布日期：2015-11-{k + 10}",
            "一、主要做法",
            PARAS[k],
            PARAS[(k + 1) % 4],
        ]
    assert not any("目录" in a.text_raw or HEADING_MARK in a.text_raw for a in articles)


def test_word_table_of_contents_is_left_out_and_recorded():
    res = extract_docx(
        _compilation([("toc", "目录")] + [("toc", f"{t}……{k + 2}") for k, t in enumerate(TITLES)]),
        "汇编.docx",
    )
    assert "目录" not in res.text and "……" not in res.text
    assert res.repairs == ("table of contents left out: 5 line(s)",)
    lines = res.text.split("\n")
    assert [x for x in lines if x.startswith(HEADING_MARK)] == [HEADING_MARK + t for t in TITLES]


@pytest.mark.parametrize("closed", [True, False])
def test_word_toc_field_is_left_out(closed):
    """A table of contents Word generated: the paragraphs inside a TOC field; a field never
    closed (a damaged file) hides nothing."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_char(paragraph, kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    document = docx.Document()
    document.add_paragraph("安吉县基层治理经验材料汇编")
    first = document.add_paragraph()
    field_char(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.text = ' TOC \\o "1-1" \\h '
    first.add_run()._r.append(instr)
    field_char(first, "separate")
    first.add_run(f"{TITLES[0]}\t2")
    for t in TITLES[1:]:
        document.add_paragraph(f"{t}\t3")
    if closed:
        field_char(document.add_paragraph(), "end")
    for k in range(2):
        for kind, text in _article(k):
            (document.add_heading(text, 1 if kind == "h1" else 2) if kind[0] == "h" else
             document.add_paragraph(text))  # fmt: skip
    out = io.BytesIO()
    document.save(out)
    res = extract_docx(out.getvalue(), "toc.docx")
    assert res.repairs == (("table of contents left out: 4 line(s)",) if closed else ())
    assert (f"{TITLES[1]}\t3" in res.text) is not closed
    assert [a.title for a in find_articles(res.text)] == TITLES[:2]


def test_word_heading_styles_by_name_and_outline_level():
    """A Heading 1 named 标题 1 (a Chinese Word or WPS file), a style with outline level 1,
    a paragraph given outline level 1 directly: each starts an article."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def outline(element) -> None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), "0")
        element.get_or_add_pPr().append(level)

    document = docx.Document()
    named = document.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    leveled = document.styles.add_style("汇编篇名", WD_STYLE_TYPE.PARAGRAPH)
    outline(leveled.element)
    for k, style in enumerate([named, leveled, None]):
        p = document.add_paragraph(TITLES[k], style=style)
        if style is None:
            outline(p._p)
        document.add_paragraph(PARAS[k])
    out = io.BytesIO()
    document.save(out)
    res = extract_docx(out.getvalue(), "styles.docx")
    assert [(a.title, a.text_raw) for a in find_articles(res.text)] == [
        (TITLES[k], PARAS[k]) for k in range(3)
    ]


@pytest.mark.parametrize(
    "blocks",
    [
        # the document's title is its one Heading 1; its sections are Heading 2
        [("h1", TITLES[1]), ("h2", "一、指导思想"), ("p", PARAS[0]), ("h2", "二、工作目标"),
         ("p", PARAS[1])],
        # numbered sections styled Heading 1 under a title: sections, not articles
        [("p", TITLES[1]), ("h1", "一、指导思想"), ("p", PARAS[0]), ("h1", "二、工作目标"),
         ("p", PARAS[1]), ("h1", "（三）保障措施"), ("p", PARAS[2])],
    ],
    ids=["one-heading", "numbered-headings"],
)  # fmt: skip
def test_word_document_with_one_title_heading_stays_one_article(blocks):
    res = extract_docx(_word(blocks), "方案.docx")
    marked = [x[1:] for x in res.text.split("\n") if x.startswith(HEADING_MARK)]
    assert marked == [text for kind, text in blocks if kind == "h1"]
    (article,) = find_articles(res.text)
    assert article.title == TITLES[1]
    assert article.text_raw.split("\n") == [text for _, text in blocks]
    assert HEADING_MARK not in article.text_raw


REPORT_SECTIONS = [
    ("h1", "工作回顾"),
    ("p", PARAS[0]),
    ("h1", "存在问题"),
    ("p", PARAS[1]),
    ("h1", "下一步打算"),
    ("p", PARAS[2]),
]


@pytest.mark.parametrize(
    "blocks",
    [
        [("title", "某县2019年工作报告"), *REPORT_SECTIONS],
        [("p", "某县2019年工作报告"), *REPORT_SECTIONS],
    ],
    ids=["title-style", "section-names"],
)
def test_word_report_with_heading_sections_is_one_article(tmp_path, blocks):
    """A report whose Heading 1 paragraphs are its sections: a paragraph styled Title makes
    it one document (no heading marked), and so do headings that name sections."""
    res = extract_docx(_word(blocks), "报告.docx")
    assert (HEADING_MARK in res.text) is (blocks[0][0] != "title")
    (article,) = find_articles(res.text)
    assert article.text_raw.split("\n") == [text for _, text in blocks]
    (tmp_path / "报告.docx").write_bytes(_word(blocks))
    build = tk.build_corpus(tk.read_texts(tmp_path))
    assert build.documents["doc_id"].tolist() == ["报告#01"]
    assert build.documents["text"][0].startswith("某县2019年工作报告\n工作回顾\n")


def test_read_texts_keeps_word_headings_beside_plain_text(tmp_path):
    """read_texts' documents hold plain text (a table a spreadsheet can take); the headings'
    line numbers are in ReadResult.headings, and the build still splits at them."""
    (tmp_path / "汇编.docx").write_bytes(_compilation(PLAIN_CONTENTS))
    texts = tk.read_texts(tmp_path)
    text = texts.documents.loc[0, "text"]
    assert HEADING_MARK not in text
    lines = text.split("\n")
    assert [lines[i] for i in texts.headings["汇编"]] == TITLES
    texts.documents.to_excel(tmp_path / "texts.xlsx", index=False)
    assert tk.build_corpus(texts).documents["title"].tolist() == TITLES


def test_word_compilation_through_read_texts_and_build_corpus(tmp_path):
    """Every article of the compilation is found (found = kept + flagged), titled by its
    heading; the 目录 block before the first heading is the page header."""
    (tmp_path / "汇编.docx").write_bytes(_compilation(PLAIN_CONTENTS))
    build = tk.build_corpus(tk.read_texts(tmp_path))
    assert build.documents["title"].tolist() == TITLES
    assert build.documents["doc_id"].tolist() == [f"汇编#{k:02d}" for k in range(1, 5)]
    assert not build.documents["text"].str.contains(HEADING_MARK).any()
    page = build.pages.set_index("source_file").loc["汇编.docx"]
    assert page["n_articles"] == 4
    assert page["split_note"] == "split at 4 Word headings (no 第N篇 markers)"
    assert page["header_chars"] == len("安吉县基层治理经验材料汇编目录") + sum(
        len(f"{k + 1}. {t}") for k, t in enumerate(TITLES)
    )


TABLE = [
    ["乡镇", "排查矛盾纠纷（起）", "化解（起）", "化解率"],
    ["城关镇", "126", "119", "94.4%"],
    ["东风镇", "", "80", "90.9%"],
]


def test_word_table_of_numbers_is_read_row_by_row(make_docx):
    """Each row is one line, its cells joined by ｜ (no paragraph of a lone number); cleaning
    keeps the rows as they are."""
    res = extract_docx(make_docx(["一、主要工作", PARAS[0]], table=TABLE), "表.docx")
    rows = [CELL_SEPARATOR.join(r) for r in TABLE]
    assert res.text.split("\n") == ["一、主要工作", *rows, PARAS[0]]
    assert rows[1] == "城关镇｜126｜119｜94.4%" and rows[2] == "东风镇｜｜80｜90.9%"
    assert clean_text(res.text)[0].split("\n") == ["一、主要工作", *rows, PARAS[0]]


def test_word_table_cell_of_several_paragraphs_keeps_its_lines():
    """A row whose cell holds two paragraphs is read cell by cell, one line each; the next
    row, of one-line cells, is one line."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "主要做法"
    table.cell(0, 1).text = PARAS[0]
    table.cell(0, 1).add_paragraph(PARAS[1])
    table.cell(1, 0).text = "成效"
    table.cell(1, 1).text = PARAS[2]
    out = io.BytesIO()
    document.save(out)
    res = extract_docx(out.getvalue(), "表.docx")
    assert res.text.split("\n") == ["主要做法", PARAS[0], PARAS[1], f"成效｜{PARAS[2]}"]


# ---------------------------------------------------------------------------------------
# PDF running headers

HEADER = "林州市人民政府公报　2022年第3期"
ISSUE_TITLE = "林州市推进社会治安综合治理的经验做法"


def _cjk_pdf(header: str = "", page_numbers: bool = False):
    """An FPDF document with the bundled CJK font: ``header`` at the top of every page and
    the page number (— 1 —) at its foot when ``page_numbers``."""
    from fpdf import FPDF

    from textkit.plots import cjk_font_path

    class Running(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("cjk", size=9)
                self.cell(0, 8, header, align="C")
                self.ln(10)

        def footer(self) -> None:
            if page_numbers:
                self.set_y(-15)
                self.set_font("cjk", size=9)
                self.cell(0, 8, f"— {self.page_no()} —", align="C")

    pdf = Running()
    pdf.add_font("cjk", fname=str(cjk_font_path()))
    return pdf


def _bulletin(paragraphs: list[str], header: str = HEADER, page_numbers: bool = True) -> bytes:
    """A PDF as the audit made a government bulletin: a running header at the top of every
    page and the page number (— 1 —) at its foot, one article flowing over the pages."""
    pdf = _cjk_pdf(header, page_numbers)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, ISSUE_TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    for para in paragraphs:
        pdf.multi_cell(0, 7, "　　" + para, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


#: 30 distinct paragraphs of two to three lines: three pages.
BULLETIN = [
    f"第{k + 1}项工作：{PARAS[k % 4]}{PARAS[(k + 1) % 4][:-1]}，成效明显。" for k in range(30)
]


def test_pdf_running_header_and_page_numbers_are_removed():
    res = extract_pdf(_bulletin(BULLETIN), "公报.pdf")
    n = 3
    assert res.repairs[-1] == (
        f"running headers and footers removed ({n} pages): header "
        f"'林州市人民政府公报 2022年第3期' ({n} pages), footer '— 1 —' ({n} pages)"
    )
    assert "公报" not in res.text and "—" not in res.text
    # the article's title is its own first line, not the running header
    (article,) = find_articles(res.text, res.title)
    assert article.title == ISSUE_TITLE
    # every paragraph is whole once cleaned, those broken across a page too
    cleaned = clean_text(article.text_raw)[0].split("\n")
    assert cleaned == [ISSUE_TITLE, *BULLETIN]
    # nothing repeats on the pages of a PDF of one page, or of one without running lines
    res = extract_pdf(_bulletin(BULLETIN[:3]), "短.pdf")
    assert not any("running" in r for r in res.repairs)
    assert res.text.startswith("林州市人民政府公报")
    res = extract_pdf(_bulletin(BULLETIN, header="", page_numbers=False), "无页眉.pdf")
    assert not any("running" in r for r in res.repairs)
    assert clean_text(res.text)[0].split("\n") == [ISSUE_TITLE, *BULLETIN]


def test_pdf_page_break_inside_a_sentence_is_rejoined():
    """The text on both sides of each page break: the line ending page one continues on
    page two, with nothing in between."""
    from pypdf import PdfReader

    data = _bulletin(BULLETIN)
    pages = [
        p.extract_text().replace("\x00", "").split("\n") for p in PdfReader(io.BytesIO(data)).pages
    ]
    text = clean_text(extract_pdf(data, "公报.pdf").text)[0]
    for before, after in itertools.pairwise(pages):
        last = [x.strip() for x in before if x.strip()][-2]  # above the page number
        first = [x.strip() for x in after if x.strip()][1]  # below the header
        assert last + ("\n" if last.endswith("。") else "") + first in text


def _paged(pages: list[list[str]], page_numbers: bool = False) -> bytes:
    """A PDF of the pages given, each its lines (one paragraph a line), and the page number
    (— 1 —) at the foot of each when ``page_numbers``."""
    pdf = _cjk_pdf(page_numbers=page_numbers)
    pdf.set_font("cjk", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_running_header_is_on_at_least_half_of_the_pages():
    """A first line on two of five pages is no running header (two is less than half of
    five); on three of five it is."""
    firsts = ["林州市工作简报", "林州市工作简报", "通知", "附件", "说明"]
    pages = [[first, PARAS[k % 4], PARAS[(k + 1) % 4]] for k, first in enumerate(firsts)]
    res = extract_pdf(_paged(pages), "简报.pdf")
    assert not any("running" in r for r in res.repairs)
    assert res.text.count("林州市工作简报") == 2
    pages[2][0] = "林州市工作简报"
    res = extract_pdf(_paged(pages), "简报.pdf")
    assert res.repairs[-1] == (
        "running headers and footers removed (5 pages): header '林州市工作简报' (3 pages)"
    )
    assert "林州市工作简报" not in res.text


def test_pdf_dates_of_a_daily_bulletin_are_no_running_header():
    """Each page of a daily bulletin starts with its own date: the dates differ, so they are
    kept; the page numbers at the foot are removed."""
    dates = [f"2019年3月{d}日" for d in range(1, 5)]
    pages = [[day, PARAS[k], PARAS[(k + 1) % 4]] for k, day in enumerate(dates)]
    res = extract_pdf(_paged(pages, page_numbers=True), "日报.pdf")
    assert res.repairs[-1] == (
        "running headers and footers removed (4 pages): footer '— 1 —' (4 pages)"
    )
    assert [line for line in res.text.split("\n") if line.startswith("2019年")] == dates
    assert "—" not in res.text
