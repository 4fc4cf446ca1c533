"""Extract the text of document files: plain text, HTML, Word (.docx) and PDF.

:func:`extract_text` picks the extractor by the file's suffix and returns an
:class:`Extracted`: the text (``"\\n"`` newlines, one paragraph or block per line), the
extractor's name, the decoding used, the title the format records and what was repaired,
or a rejection with its reason and ``reject_kind`` (:data:`EXTRACT_REJECT_KINDS`). Nothing
in a file is ever executed: scripts are dropped, macros and form fields are not read.

* **text** (``.txt``, ``.text``): the strict decoder of the ingest stage
  (:func:`textkit.corpus.ingest.decode_bytes`). A text file whose content is an HTML page
  (it starts with ``<!DOCTYPE html``, ``<html`` or ``<head``: a page saved as ``.txt``)
  is read as HTML, below, and its ``extractor`` is ``"html"``, said in ``repairs``: its
  ``<title>`` and the date its ``<meta>`` tags state are kept.
* **html** (``.html``, ``.htm``, ``.xhtml``): decoded like text (an HTML ``<meta charset>``
  breaks a tie between candidate encodings: GBK pages read as GB18030), then parsed by
  selectolax's Lexbor HTML5 parser. ``script``, ``style``, ``nav``, ``header``,
  ``footer``, ``aside``, ``noscript``, ``iframe``, ``template``, form controls and forms
  are dropped (except a form that wraps the page content, holding an ``article``,
  ``main``, ``h1``-``h3`` or ``p`` element, as ASP.NET pages do). So is site chrome built
  from ordinary elements, as government and template sites build it: an element whose
  ``class`` or ``id`` holds a token of :data:`CHROME_WORDS` (``nav``, ``menu``,
  ``breadcrumb``, ``position``, ``dqwz``, ``footer``, ``bottom``, ``copyright``,
  ``banquan``, ``sidebar``, ``share``, ``toolbar`` …; whole tokens, or a word of
  :data:`CHROME_AFFIX_WORDS` joined by ``-`` or ``_``, as ``main-nav``, ``footer_links``
  or ``topNav``; never part of a word, as ``canvas`` or ``footnote``), and a short block
  (at most :data:`CHROME_LEAD_MAX_CHARS` characters) starting with 当前位置 or
  您现在的位置. Such an element is kept when it holds the main content: an ``article`` or
  ``main`` element, or more than half of the page's Chinese characters; and none is
  dropped when together they would hold more than half. What was dropped (or kept for
  that reason) is recorded in ``repairs`` (``site chrome dropped: 3 element(s) (div.nav,
  div.position, div.footer)``). Menus, sidebars and link lists whatever their class are
  found by their link density, as readability, boilerpipe and jusText find them: a
  container (:data:`LINK_BLOCK_TAGS`: ``div``, ``ul``, ``table``, ``td`` …; never a
  paragraph, a heading or a list item) of at least :data:`LINK_BLOCK_MIN_LINKS` links whose
  letters (Chinese characters and letters) are more than half link text
  (:data:`LINK_BLOCK_DENSITY`), with at most :data:`LINK_BLOCK_MAX_TEXT` letters and no 。
  outside its links, is chrome (``div.right-col (5 links)`` in the repairs): a menu of
  首页, 政务公开, 办事服务, a 相关链接 / 热点新闻 sidebar, a 相关文件 list after the article. A
  paragraph with one or two inline links is body text, and so is a sentence that cites
  three linked laws (its 。), and a byline whose source and tools are links
  (``发布时间：2019-03-05 来源：县政府办 【字体：大 中 小】【打印】``: its date is the page's).
  A list of links holding an ``article`` or ``main`` element is the page's content and is
  kept, and so is one holding more than half of the page's letters, unless the page holds
  running text besides it (more than :data:`LINK_BLOCK_MAX_TEXT` letters in sentences: a short 公示
  with a 相关新闻 box, the box then chrome); and a page
  whose text, once the chrome is dropped, is more than half link text
  (:data:`LIST_PAGE_LINK_SHARE`; or more than 90 % before the lists of links are dropped,
  :data:`LIST_PAGE_ALL_LINKS`: a portal of link boxes), with at least
  :data:`LIST_PAGE_MIN_LINKS` links and no running text, is a list page (a 工作动态 column
  of linked titles, a notice whose content is a list of linked files), not a document:
  rejected as
  ``list_page``, with the share in the reason. A list of items with their summaries is
  text, and read. Block elements (``p``,
  ``div``, ``br``, ``li``, headings, table rows, ``section``, ``article`` …) end a line,
  and so does each table cell (a space between two cells would be removed by cleaning
  between Chinese characters, gluing 地区 and 浙江 into one word);
  whitespace inside a line collapses to one space
  (line breaks inside ``pre`` are kept). The title is the ``<title>`` without the site
  name it ends with (after ``_``, ``-``, ``|`` or an en dash, a name ending in a word of
  :data:`SITE_NAME_ENDINGS`: ``…_汶川县人民政府``, ``… - 某某市人民政府网``; a column name
  such as ``_政务公开`` stays, and so does a subtitle after the Chinese dash ——,
  ``扎根基层三十年——记县人民医院急诊中心``), else the first ``h1``. The publication date the head's
  ``<meta>`` tags state (``PubDate`` …) is kept in ``meta_date``
  (:func:`textkit.corpus.published.meta_date`). A page nested deeper than
  :data:`MAX_HTML_DEPTH` elements (as far as a linear scan of its tags can tell) is
  rejected before parsing: HTML5 tree building is quadratic in the nesting depth of such
  pages. Raw pages that are HTML
  (:mod:`textkit.corpus.ingest`) are read by the same code.
* **docx** (``.docx``): python-docx; paragraphs in document order, one line each. A
  table row whose cells each hold one line is one line, the cells joined by
  :data:`CELL_SEPARATOR` (``城关镇｜126｜119｜94.4%``: a table of numbers stays readable
  and makes no paragraph of a lone number); the paragraphs of any other row are read cell
  by cell (a merged cell once, nested tables in place). A paragraph the document styles
  as a top-level heading (Heading 1 / 标题 1, or outline level 1) starts with
  :data:`HEADING_MARK`: the split stage (:mod:`textkit.corpus.split`) makes one article of
  each heading's section of a compilation. A document with a paragraph styled as its title
  (Title / 标题) is one report: its headings are sections, not marked. The table of contents is left out (recorded):
  paragraphs styled TOC 1 … / TOC Heading and those inside a TOC field (a table of
  contents in a content control is not read, like other content controls). The title is
  the core properties' title. Headers, footers, footnotes and text boxes are not read.
* **pdf** (``.pdf``): pypdf; the text layer of each page, pages joined by ``"\\n"``.
  A PDF that opens with an empty password (only an owner password set) is read; control
  characters some fonts leave in the text layer (NUL) are removed (recorded). Running
  headers and footers are removed (recorded): a line at the top or the bottom of at least
  half of the pages (and of two or more) that is the same on each but for its spaces and
  the digits of its numbers other than dates (a publication's name, ``— 3 —``,
  ``第 3 页 共 9 页``; not the dates of a daily bulletin, ``2019年3月5日``), at most
  :data:`MAX_RUNNING_CHARS` characters long and not ending a sentence or a clause; up to
  :data:`MAX_RUNNING_LINES` from each edge, never a page's last line of text. A sentence
  broken across two pages is then joined again by the cleaning stage. The title is the
  document information's title. A page whose text cannot be extracted is noted in
  ``repairs`` and skipped. A PDF of more than :data:`MAX_PDF_PAGES` pages, or whose text
  passes :data:`MAX_PDF_CHARS` characters, is rejected (``pdf_too_large``).

Word documents and workbooks are zip archives: before one is opened, the sizes its
directory records are checked (:func:`zip_too_large`: at most :data:`MAX_ZIP_MEMBERS`
members, :data:`MAX_ZIP_BYTES` bytes uncompressed, a compression ratio of
:data:`MAX_ZIP_RATIO`), so that a zip bomb is rejected (``zip_too_large``) instead of
filling the memory.

Old binary Word (``.doc``), RTF, OpenDocument and WPS Writer (``.wps``) files are rejected
as unsupported with advice to save them as ``.docx``, OFD (``.ofd``) and CNKI CAJ (``.caj``)
files with advice to get them as PDF (:data:`UNSUPPORTED_FORMATS`); any other suffix is
rejected as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePath

from textkit.core.checks import check_str
from textkit.core.errors import InvalidParameterError
from textkit.corpus.decode import IngestConfig
from textkit.corpus.extract_docx import (
    CELL_SEPARATOR,
    HEADING_MARK,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    extract_docx,
    zip_too_large,
)
from textkit.corpus.extract_html import (
    CHROME_AFFIX_WORDS,
    CHROME_LEAD_MAX_CHARS,
    CHROME_LEADS,
    CHROME_WORDS,
    LINK_BLOCK_DENSITY,
    LINK_BLOCK_MAX_TEXT,
    LINK_BLOCK_MIN_LINKS,
    LINK_BLOCK_TAGS,
    LIST_PAGE_ALL_LINKS,
    LIST_PAGE_LINK_SHARE,
    LIST_PAGE_MIN_LINKS,
    MAX_HTML_DEPTH,
    SITE_NAME_ENDINGS,
    extract_html,
)
from textkit.corpus.extract_pdf import (
    MAX_PDF_CHARS,
    MAX_PDF_PAGES,
    MAX_RUNNING_CHARS,
    MAX_RUNNING_LINES,
    extract_pdf,
)
from textkit.corpus.extracted import Extracted, _decoded, _rejected

__all__ = [
    "CELL_SEPARATOR",
    "CHROME_AFFIX_WORDS",
    "CHROME_LEADS",
    "CHROME_LEAD_MAX_CHARS",
    "CHROME_WORDS",
    "EXTRACTORS",
    "EXTRACT_REJECT_KINDS",
    "Extracted",
    "HEADING_MARK",
    "LINK_BLOCK_DENSITY",
    "LINK_BLOCK_MAX_TEXT",
    "LINK_BLOCK_MIN_LINKS",
    "LINK_BLOCK_TAGS",
    "LIST_PAGE_ALL_LINKS",
    "LIST_PAGE_LINK_SHARE",
    "LIST_PAGE_MIN_LINKS",
    "MAX_HTML_DEPTH",
    "MAX_PDF_CHARS",
    "MAX_PDF_PAGES",
    "MAX_RUNNING_CHARS",
    "MAX_RUNNING_LINES",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "SITE_NAME_ENDINGS",
    "UNSUPPORTED_FORMATS",
    "extract_docx",
    "extract_html",
    "extract_pdf",
    "extract_text",
    "zip_too_large",
]

#: File suffix (lower case) -> the extractor that reads it.
EXTRACTORS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

#: Document formats that are recognised but not read, with what to do instead.
UNSUPPORTED_FORMATS = {
    ".doc": "old binary Word document: save it as .docx (Word or LibreOffice: Save As)",
    ".rtf": "RTF document: save it as .docx",
    ".odt": "OpenDocument text: save it as .docx",
    # formats of Chinese government sites and libraries
    ".wps": "WPS Writer document: save it as .docx (WPS Office: 另存为 .docx)",
    ".ofd": (
        "OFD document (the national fixed-layout format of e-government): export it as PDF "
        "with an OFD reader"
    ),
    ".caj": "CNKI CAJ document: download the article as PDF instead, or convert it to PDF",
}

#: ``reject_kind`` values of the extractors, besides those of
#: :data:`textkit.corpus.ingest.REJECT_KINDS` (text and HTML bytes that cannot be decoded).
EXTRACT_REJECT_KINDS = (
    "unsupported_type",
    "html_too_deep",
    "list_page",
    "no_body_text",
    "unreadable_docx",
    "zip_too_large",
    "encrypted_pdf",
    "no_text_layer",
    "unreadable_pdf",
    "pdf_too_large",
)


def extract_text(
    data: bytes,
    name: str = "<bytes>",
    suffix: str | None = None,
    *,
    config: IngestConfig | None = None,
) -> Extracted:
    """Extract the text of one document file, choosing the extractor by its suffix.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, used in log messages (and for the suffix when ``suffix`` is not
        given).
    suffix : str, optional
        The format, as a file suffix (``".pdf"``; case does not matter). Default: the
        suffix of ``name``.
    config : IngestConfig, optional
        Candidate encodings and repairs for text and HTML files (see
        :func:`textkit.corpus.ingest.decode_bytes`).

    Returns
    -------
    Extracted
        ``extractor`` is the one :data:`EXTRACTORS` names for the suffix; a suffix it does
        not list is rejected with ``reject_kind="unsupported_type"``.

    Examples
    --------
    >>> res = extract_text("<p>基层治理</p>".encode(), "page.html")
    >>> res.extractor, res.text
    ('html', '基层治理')
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidParameterError(f"data: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    check_str("name", name)
    if suffix is None:
        suffix = PurePath(name).suffix
    suffix = check_str("suffix", suffix, allow_empty=True).lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    extractor = EXTRACTORS.get(suffix)
    if extractor == "text":
        return _extract_plain(data, name, config)
    if extractor == "html":
        return extract_html(data, name, config=config)
    if extractor == "docx":
        return extract_docx(data, name)
    if extractor == "pdf":
        return extract_pdf(data, name)
    if suffix in UNSUPPORTED_FORMATS:
        why = UNSUPPORTED_FORMATS[suffix]
    else:
        known = ", ".join(sorted(EXTRACTORS))
        why = f"textkit reads {known} files"
    return _rejected(
        "", f"unsupported file type ({suffix or 'no suffix'}): {why}", "unsupported_type"
    )


#: The start of an HTML page (after an XML declaration and comments): a text file holding
#: one (a page saved from a browser as ``.txt``) is read as the HTML page it is.
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*"
    r"(?:<!doctype\s+html|<html[\s>]|<head[\s>])",
    re.IGNORECASE | re.DOTALL,
)


def _extract_plain(data: bytes, name: str, config: IngestConfig | None) -> Extracted:
    res, bad = _decoded(data, name, config, "text")
    if bad is not None:
        return bad
    if _HTML_START.match(res.text[:4096]):
        got = extract_html(data, name, config=config)
        note = "HTML content in a text file: read as an HTML page (its title and date kept)"
        return replace(got, repairs=(*got.repairs, note))
    return Extracted(
        text=res.text, extractor="text", encoding=res.encoding, repairs=tuple(res.repairs)
    )
