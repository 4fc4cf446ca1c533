"""Extract the text of document files: plain text, HTML, Word (.docx) and PDF.

:func:`extract_text` picks the extractor by the file's suffix and returns an
:class:`Extracted`: the text (``"\\n"`` newlines, one paragraph or block per line), the
extractor's name, the decoding used, the title the format records and what was repaired,
or a rejection with its reason and ``reject_kind`` (:data:`EXTRACT_REJECT_KINDS`). Nothing
in a file is ever executed: scripts are dropped, macros and form fields are not read.

* **text** (``.txt``, ``.text``): the strict decoder of the ingest stage
  (:func:`textkit.corpus.ingest.decode_bytes`).
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

import html
import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, NamedTuple

from textkit.core.checks import check_str
from textkit.core.dates import DATE_LABELS
from textkit.core.errors import InvalidParameterError
from textkit.corpus.chars import has_letter
from textkit.corpus.decode import IngestConfig, decode_bytes
from textkit.corpus.published import meta_date

logger = logging.getLogger(__name__)

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

#: Deepest element nesting an HTML page may have (estimated by a linear scan of its tags).
MAX_HTML_DEPTH = 1024

#: Most members a Word document or a workbook (both zip archives) may hold.
MAX_ZIP_MEMBERS = 10_000
#: Largest total uncompressed size of the members of a Word document or a workbook.
MAX_ZIP_BYTES = 256 * 1024 * 1024
#: Highest compression ratio (uncompressed / compressed size) a member larger than 1 MiB
#: may have: text and XML compress 5 to 30 times, a zip bomb thousands of times.
MAX_ZIP_RATIO = 200
#: Most pages of a PDF file that are read.
MAX_PDF_PAGES = 10_000
#: Most characters extracted from the text layer of a PDF file.
MAX_PDF_CHARS = 50_000_000


@dataclass(frozen=True)
class Extracted:
    """The text of one document file, or why it was rejected.

    Attributes
    ----------
    text : str
        The text, ``"\\n"`` newlines; ``""`` when rejected.
    extractor : str
        ``"text"``, ``"html"``, ``"docx"`` or ``"pdf"``; ``""`` for an unsupported type.
    encoding : str
        The decoding used (text and HTML); ``""`` for Word and PDF files, whose format
        records its own encoding.
    title : str
        The title the file records (HTML ``<title>`` or first ``h1``, Word core property,
        PDF document information); ``""`` when it has none.
    repairs : tuple of str
        What decoding or extraction repaired or left out (a byte-order mark removed, a
        page whose text could not be extracted, ...).
    reason : str
        Why the file was rejected (not prefixed by its name); ``""`` when read.
    reject_kind : str
        The category of the rejection (:data:`EXTRACT_REJECT_KINDS` or
        :data:`textkit.corpus.ingest.REJECT_KINDS`); ``""`` when read.
    meta_date : str
        For an HTML page, the publication date its ``<meta>`` tags state, as written
        (:func:`textkit.corpus.published.meta_date`: ``PubDate``, ``publishdate`` …);
        ``""`` when it states none and for the other formats.
    """

    text: str
    extractor: str
    encoding: str = ""
    title: str = ""
    repairs: tuple[str, ...] = ()
    reason: str = ""
    reject_kind: str = ""
    meta_date: str = ""

    @property
    def ok(self) -> bool:
        """Whether the file was read."""
        return not self.reject_kind


def _rejected(extractor: str, reason: str, kind: str, **kw: Any) -> Extracted:
    return Extracted(text="", extractor=extractor, reason=reason, reject_kind=kind, **kw)


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


def _decoded(data: bytes, name: str, config: IngestConfig | None, extractor: str):
    """(decoding result, rejection or None)."""
    res = decode_bytes(data, name, config or IngestConfig())
    if res.ok:
        return res, None
    return res, _rejected(
        extractor,
        res.reason.removeprefix(f"{name}: "),
        res.kind,
        repairs=tuple(res.repairs),
    )


def _extract_plain(data: bytes, name: str, config: IngestConfig | None) -> Extracted:
    res, bad = _decoded(data, name, config, "text")
    if bad is not None:
        return bad
    return Extracted(
        text=res.text, extractor="text", encoding=res.encoding, repairs=tuple(res.repairs)
    )


# ---------------------------------------------------------------------------------------
# HTML

#: Elements dropped with everything inside them.
_HTML_DROP = frozenset(
    "script style nav header footer aside noscript iframe template object embed svg math "
    "select textarea button input option datalist".split()
)
#: Elements that end a line before and after them.
_HTML_BLOCK = frozenset(
    "p div br hr li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption "
    "section article main blockquote pre address center figure figcaption details summary "
    "fieldset legend title".split()
)
#: A form holding one of these wraps the page content and is kept.
_FORM_CONTENT = "article, main, h1, h2, h3, p"

#: Elements that never nest (void, or closed by the next one of their kind) and so do not
#: count towards the nesting depth estimate.
_NO_DEPTH = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr "
    "p li dt dd tr td th tbody thead tfoot caption colgroup option optgroup rb rt rp rtc "
    "a nobr button form html head body h1 h2 h3 h4 h5 h6 frame image".split()
)
#: Elements whose content is raw text, not tags.
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_TAG_RE = re.compile(r"<(!--|/?[a-zA-Z][^\s/>]*)")


def _html_depth(text: str, limit: int) -> int:
    """An estimate of the deepest element nesting of an HTML text, in one linear scan of
    its tags (comments and raw-text elements skipped); stops once past ``limit``."""
    low = text.lower()
    depth = deepest = 0
    pos = 0
    while deepest <= limit:
        m = _TAG_RE.search(low, pos)
        if m is None:
            break
        tag = m.group(1)
        pos = m.end()
        if tag == "!--":
            end = low.find("-->", pos)
            pos = len(low) if end < 0 else end + 3
        elif tag.startswith("/"):
            if tag[1:] not in _NO_DEPTH and depth:
                depth -= 1
        elif tag in _RAW_TEXT:
            end = low.find("</" + tag, pos)
            pos = len(low) if end < 0 else end + len(tag) + 2
        elif tag not in _NO_DEPTH:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


#: ``class`` / ``id`` tokens (lower case, camelCase split by ``-``) that mark site chrome on
#: government and template sites: navigation and menus, the 当前位置 breadcrumb bar, footers
#: and copyright lines, sidebars, share and tool bars. A token matches a word of
#: :data:`CHROME_WORDS` whole (a number may follow: ``nav2``), or a word of
#: :data:`CHROME_AFFIX_WORDS` before or after ``-`` / ``_`` (``nav-top``, ``main-nav``,
#: ``footer_links``, ``topNav``); never inside another word (``canvas``, ``footnote``).
CHROME_WORDS = frozenset(
    "nav navbar navi navigation menu menubar mainnav topnav subnav sitenav "
    "breadcrumb breadcrumbs crumb crumbs bread position location curpos weizhi dqwz "
    "footer foot bottom copyright banquan sidebar share bdsharebuttonbox toolbar".split()
)
#: Words of :data:`CHROME_WORDS` also matched as a part of a ``-`` / ``_`` separated token.
CHROME_AFFIX_WORDS = frozenset(
    "nav navbar menu breadcrumb crumb crumbs footer copyright sidebar share toolbar".split()
)
#: A short block starting with one of these is the 当前位置 bar, whatever its class.
CHROME_LEADS = (
    "当前位置",
    "您当前的位置",
    "您现在的位置",
    "您的位置",
    "你的位置",
    "你现在的位置",
    "所在位置",
    "當前位置",
    "您現在的位置",
)
#: At most this many non-space characters in a block read as a 当前位置 bar.
CHROME_LEAD_MAX_CHARS = 80

_CHROME_TOKEN = re.compile(
    r"^(?:{w})\d*$|^(?:{a})[-_]|[-_](?:{a})\d*$".format(
        w="|".join(sorted(CHROME_WORDS)), a="|".join(sorted(CHROME_AFFIX_WORDS))
    )
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Elements never dropped as chrome (the page itself, its main content).
_NEVER_CHROME = frozenset({"html", "body", "main", "article"})

#: Fewest links (``a`` elements with an ``href`` and text; not anchors) of a block read as a list of links by
#: :data:`LINK_BLOCK_DENSITY`: a paragraph with one or two inline links is body text.
LINK_BLOCK_MIN_LINKS = 3
#: A block (:data:`LINK_BLOCK_TAGS`) of at least :data:`LINK_BLOCK_MIN_LINKS` links whose
#: letters (Chinese characters and letters, not digits or punctuation) are more than this
#: share link text, with at most :data:`LINK_BLOCK_MAX_TEXT` letters and no 。 outside its
#: links, is a list of links: a menu, a sidebar, a 相关文件 list (link density, as
#: readability, boilerpipe and jusText measure it).
LINK_BLOCK_DENSITY = 0.5
#: Most letters outside the links of a block read as a list of links (its headings, a
#: 相关链接 label, a greeting): more is body text.
LINK_BLOCK_MAX_TEXT = 40
#: Elements that may be a list of links: containers, never a paragraph, a heading or a list
#: item (a paragraph with inline links is body text).
LINK_BLOCK_TAGS = frozenset(
    "div section center ul ol dl table thead tbody tfoot tr td th form".split()
)
#: Fewest links of a list page (:data:`LIST_PAGE_LINK_SHARE`).
LIST_PAGE_MIN_LINKS = 5
#: A page of at least :data:`LIST_PAGE_MIN_LINKS` links whose text left once the site
#: chrome is dropped is more than this share link text is a list page (an index of
#: articles, a 工作动态 column), not a document: rejected as ``list_page``.
LIST_PAGE_LINK_SHARE = 0.5
#: A page whose text is more than this share link text before the lists of links are
#: dropped is a list page too (a portal of link boxes, none holding most of the page).
LIST_PAGE_ALL_LINKS = 0.9

_LETTER_RE = re.compile(r"[^\W\d_]")
#: A byline field outside the links of a block: a date label of
#: :data:`~textkit.core.dates.DATE_LABELS` and its colon before a date
#: (``发布时间：2019-03-05``), or 来源 / 作者 and a colon.
_BYLINE_RE = re.compile(
    r"(?:(?:{})\s*[:：]\s*[0-9０-９]|(?:来源|作者)\s*[:：])".format(
        "|".join(sorted(DATE_LABELS, key=len, reverse=True))
    )
)


@dataclass(slots=True, eq=False)
class _Open:
    """An element of the walk of :func:`_chrome_elements` (or the whole page), with the
    counts of the text under it."""

    node: Any
    opened: int = 0
    token: str = ""  # its chrome class or id token (:func:`_chrome_token`)
    is_link: bool = False  # an a element with an href
    closed: int = 0
    cjk: int = 0  # Chinese characters
    chars: int = 0  # non-space characters
    letters: int = 0  # letters and Chinese characters
    link_letters: int = 0  # of them, inside links
    links: int = 0  # links (a elements with an href) with letters
    stop: bool = False  # a 。 outside the links
    bylines: int = 0  # text nodes outside the links holding a byline field (_BYLINE_RE)
    prose: int = 0  # letters of running text outside the links (_count_text)
    lead: bool = False  # "位置" in the text
    holds_main: bool = False  # an article or main element inside
    what: str = ""  # its description when marked as chrome by its class or 当前位置 lead
    link_block: bool = False  # a list of links (:func:`_link_block`)

    def add(self, other: _Open) -> None:
        """Count the text of ``other`` (an element inside) as this one's."""
        self.cjk += other.cjk
        self.chars += other.chars
        self.letters += other.letters
        self.link_letters += other.link_letters
        self.links += other.links
        self.bylines += other.bylines
        self.prose += other.prose
        self.stop = self.stop or other.stop
        self.lead = self.lead or other.lead

    def minus(self, dropped: list[_Open]) -> _Open:
        """The counts of this element's text without the elements ``dropped`` (inside it,
        none inside another)."""
        left = _Open(self.node)
        left.add(self)
        for d in dropped:
            left.letters -= d.letters
            left.link_letters -= d.link_letters
            left.links -= d.links
            left.bylines -= d.bylines
            left.prose -= d.prose
        return left


def _link_block(el: _Open) -> bool:
    """Whether an element is a list of links (:data:`LINK_BLOCK_DENSITY`).

    A byline with its tools (``发布时间：2019-03-05 来源：县政府办 【字体：大 中 小】【打印】``,
    the source and the tools linked) is not: a block whose text outside the links holds a
    byline field (a date label and a date, or 来源 / 作者 and a colon) for fewer than half
    of its links. A list of items each with its own 来源： label still is.
    """
    return (
        el.node.tag in LINK_BLOCK_TAGS
        and el.links >= LINK_BLOCK_MIN_LINKS
        and el.link_letters > LINK_BLOCK_DENSITY * el.letters
        and el.letters - el.link_letters <= LINK_BLOCK_MAX_TEXT
        and not el.stop
        and not 0 < 2 * el.bylines < el.links
    )


def _chrome_token(node: Any) -> str:
    """The first ``class`` or ``id`` token of an element that marks site chrome, or ``""``."""
    attrs = node.attributes
    values = [attrs.get("class"), attrs.get("id")]
    for value in values:
        if not value:
            continue
        for token in value.split():
            if _CHROME_TOKEN.search(_CAMEL.sub("-", token).lower()):
                return token
    return ""


def _element_name(node: Any) -> str:
    """``div.right-col`` (the first class), ``div#side`` (the id) or the tag."""
    attrs = node.attributes
    if (attrs.get("class") or "").split():
        return f"{node.tag}.{attrs['class'].split()[0]}"
    return f"{node.tag}#{attrs['id']}" if attrs.get("id") else node.tag


def _skipped_element(node: Any) -> bool:
    """Elements dropped with everything inside them whatever their class."""
    tag = node.tag
    return tag in _HTML_DROP or (tag == "form" and node.css_first(_FORM_CONTENT) is None)


@dataclass(frozen=True)
class _Chrome:
    """The site chrome of a page (:func:`_chrome_elements`)."""

    ids: frozenset[int]  # mem_id of each element dropped
    described: tuple[str, ...]  # a description of each, in page order
    note: str  # "site chrome kept: …" when the marked elements hold most of the text
    list_page: str  # why the page is a list page, or ""


def _walk(body: Any) -> tuple[_Open, list[_Open]]:
    """The counts of the page's text and its chrome candidates (elements marked by their
    class or id or the 当前位置 lead, and lists of links), in one walk over the tree
    (elements dropped whatever their class left out, nothing modified)."""
    page = _Open(body)
    found: list[_Open] = []
    stack: list[_Open] = []
    tick = 0
    in_links = 0  # open links

    def close(el: _Open) -> Any:
        nonlocal tick, in_links
        tick += 1
        el.closed = tick
        if el.is_link:
            in_links -= 1
            if el.letters:
                el.links += 1
                page.links += 1
        _close_element(el, stack[-1] if stack else None, found)
        return el.node

    node = body.first_child
    while node is not None:
        if node.is_text_node:
            _count_text(node.text_content or "", stack[-1] if stack else None, page, in_links > 0)
        elif node.is_element_node and node.first_child is not None and not _skipped_element(node):
            tick += 1
            link = node.tag == "a" and "href" in node.attributes
            in_links += link
            stack.append(_Open(node, tick, _chrome_token(node), link))
            node = node.first_child
            continue
        node = _next_node(node, stack, close)
    return page, found


def _count_text(text: str, top: _Open | None, page: _Open, in_link: bool) -> None:
    """Count a text node (inside a link or not) in the innermost open element and in the
    page."""
    cjk = len(_CJK_RE.findall(text))
    letters = len(_LETTER_RE.findall(text))
    page.cjk += cjk
    page.letters += letters
    page.link_letters += letters if in_link else 0
    # running text: a text node outside the links with a 。 or too long for a link list
    prose = letters if not in_link and ("。" in text or letters > LINK_BLOCK_MAX_TEXT) else 0
    page.prose += prose
    if top is not None:
        top.cjk += cjk
        top.chars += len("".join(text.split()))
        top.letters += letters
        top.prose += prose
        if in_link:
            top.link_letters += letters
        else:
            top.stop = top.stop or "。" in text
            top.bylines += bool(_BYLINE_RE.search(text))
        top.lead = top.lead or "位置" in text


def _outermost(found: list[_Open], is_content: Callable[[_Open], bool]) -> list[_Open]:
    """The elements of ``found`` not inside another one chosen, in page order, leaving out
    those ``is_content`` says hold the main content (the ones inside them are considered)."""
    chosen: list[_Open] = []
    open_until: list[int] = []  # closing ticks of the chosen elements enclosing the current one
    for el in sorted(found, key=lambda f: f.opened):
        while open_until and open_until[-1] < el.opened:
            open_until.pop()
        if open_until or is_content(el):
            continue
        open_until.append(el.closed)
        chosen.append(el)
    return chosen


def _chrome_elements(body: Any) -> _Chrome:
    """Site chrome built from ordinary elements, and whether the page is a list page.

    An element is chrome when a ``class`` or ``id`` token says so (:func:`_chrome_token`)
    or when it is a short block (at most :data:`CHROME_LEAD_MAX_CHARS` non-space
    characters) starting with 当前位置 (:data:`CHROME_LEADS`). It is kept all the same when
    it holds the page's main content: an ``article`` or ``main`` element, or more than half
    of the page's Chinese characters (counted outside the elements dropped whatever their
    class); and none is kept when together they hold more than half. A list of links
    (:data:`LINK_BLOCK_DENSITY`) is chrome too, unless it holds an ``article`` or ``main``
    element or more than half of the page's letters while the page holds no running text
    besides it. The page is a list page when the text left is mostly link text
    (:data:`LIST_PAGE_LINK_SHARE`, :data:`LIST_PAGE_ALL_LINKS`) and holds no running text.

    Running text: more than :data:`LINK_BLOCK_MAX_TEXT` letters, outside the links and the
    elements marked as chrome, in text nodes holding a 。 or more than
    :data:`LINK_BLOCK_MAX_TEXT` letters. A short notice (a 公示 of two sentences) with a
    相关新闻 box of eight links is a document, the box its chrome; a notice whose content
    is a list of linked files after a line (现将有关文件公布如下：) is a list page.
    """
    page, found = _walk(body)
    marked = _outermost([el for el in found if el.what], lambda el: 2 * el.cjk > page.cjk)
    n_marked = sum(el.cjk for el in marked)
    note = ""
    if 2 * n_marked > page.cjk:  # together they hold most of the text: the content
        note = (
            f"site chrome kept: {len(marked)} element(s) marked as chrome hold {n_marked} of "
            f"the page's {page.cjk} Chinese characters"
        )
        marked = []
    by_class = {id(el) for el in marked}
    prose = page.minus(marked).prose > LINK_BLOCK_MAX_TEXT
    dropped = _outermost(
        marked + [el for el in found if el.link_block],
        lambda el: not prose and id(el) not in by_class and 2 * el.letters > page.letters,
    )
    return _Chrome(
        ids=frozenset(el.node.mem_id for el in dropped),
        described=tuple(
            el.what if id(el) in by_class else f"{_element_name(el.node)} ({el.links} links)"
            for el in dropped
        ),
        note=note,
        list_page="" if prose else _list_page(page.minus(dropped), page.minus(marked)),
    )


def _list_page(kept: _Open, unlisted: _Open) -> str:
    """Why a page is a list page, or ``""``: ``kept`` counts the text left once the chrome
    is dropped, ``unlisted`` the text left once the elements marked as chrome by their
    class or the 当前位置 lead are dropped (the lists of links kept)."""
    for counts, share, setting in (
        (kept, LIST_PAGE_LINK_SHARE, "LIST_PAGE_LINK_SHARE"),
        (unlisted, LIST_PAGE_ALL_LINKS, "LIST_PAGE_ALL_LINKS"),
    ):
        if counts.links >= LIST_PAGE_MIN_LINKS and counts.link_letters > share * counts.letters:
            return (
                f"list page, not a document: {counts.links} links hold "
                f"{counts.link_letters / counts.letters:.0%} of its text (more than "
                f"{setting} = {share}); read the pages it links to instead"
            )
    return ""


def _close_element(el: _Open, parent: _Open | None, found: list[_Open]) -> None:
    """Close an element of the :func:`_walk`: pass its counts to its parent and record it
    when it is a chrome candidate."""
    tag = el.node.tag
    if parent is not None:
        parent.add(el)
        parent.holds_main = parent.holds_main or el.holds_main or tag in ("main", "article")
    if tag in _NEVER_CHROME or el.holds_main:
        return
    if el.token:
        el.what = f"{tag}.{el.token}"
    elif el.lead and 0 < el.chars <= CHROME_LEAD_MAX_CHARS and tag in _HTML_BLOCK:
        text = _one_line(el.node.text(deep=True))
        if text.startswith(CHROME_LEADS):
            el.what = f"{tag} {text[:6]}…"
    el.link_block = _link_block(el)
    if el.what or el.link_block:
        found.append(el)


def _next_node(node: Any, stack: list[Any], leave: Any) -> Any:
    """The node after ``node`` in a depth-first walk once ``node`` and all under it are done:
    its next sibling, or the next sibling of the nearest open ancestor that has one (None at
    the end). Each ancestor left is popped from ``stack`` and passed to ``leave``, which
    returns its node."""
    while (sibling := node.next) is None:
        if not stack:
            return None
        node = leave(stack.pop())
    return sibling


def _one_line(text: str) -> str:
    return " ".join(text.split())


#: A page title's last part (after ``_``, ``-``, ``|`` or an en dash; not after the
#: Chinese dash ——, which introduces a subtitle) ending with one of these
#: (at most 20 characters) names the site or the organisation that runs it
#: (``…_汶川县人民政府``, ``… - 某某市人民政府网``, ``…|浙江省人民政府门户网站``): dropped
#: from the title, as often as the title ends with one.
SITE_NAME_ENDINGS = (
    "政府",
    "网",
    "网站",
    "门户",
    "在线",
    "局",
    "委员会",
    "委",
    "办公室",
    "办",
    "厅",
    "部",
    "中心",
)
#: The separators before a site name. Not the Chinese dash (——, or a single —), which
#: introduces a subtitle: ``扎根基层三十年——记县人民医院急诊中心`` keeps its subtitle.
_SITE_SUFFIX_RE = re.compile(r"\s*(?:[_|｜]|-|－|–)\s*([^_|｜\-－—–]{2,20})$")


def _without_site_name(title: str) -> str:
    """``title`` without the site names it ends with (:data:`SITE_NAME_ENDINGS`); a title
    that would be left with fewer than two characters is kept whole."""
    while (m := _SITE_SUFFIX_RE.search(title)) and m.group(1).strip().endswith(SITE_NAME_ENDINGS):
        if m.start() < 2:
            break
        title = title[: m.start()]
    return title


def _html_title(tree: Any) -> str:
    head = tree.head
    node = head.css_first("title") if head is not None else None
    title = _without_site_name(_one_line(node.text(deep=True))) if node is not None else ""
    if not title and tree.body is not None:
        h1 = tree.body.css_first("h1")
        title = _one_line(h1.text(deep=True)) if h1 is not None else ""
    return title


def _html_lines(body: Any, chrome: set[int] = frozenset(), line_breaks: bool = False) -> list[str]:
    """The lines of text under ``body``: one walk over the tree, nothing modified; the
    elements whose ``mem_id`` is in ``chrome`` are left out with everything inside them.
    ``line_breaks``: a line break of the text ends a line everywhere, as inside ``pre``
    (text that is partly markup, whose own line breaks are its paragraphs)."""
    lines: list[str] = []
    pieces: list[str] = []
    pre = int(line_breaks)

    def end_line() -> None:
        line = _one_line("".join(pieces))
        pieces.clear()
        if line:
            lines.append(line)

    def leave(element: Any) -> Any:
        nonlocal pre
        tag = element.tag
        if tag in _HTML_BLOCK:
            end_line()
        if tag == "pre":
            pre -= 1
        return element

    stack: list[Any] = []  # open ancestors below body
    node = body.first_child
    while node is not None:
        if node.is_text_node:
            text = node.text_content or ""
            if pre and "\n" in text:
                first, *rest = text.split("\n")
                pieces.append(first)
                for part in rest:
                    end_line()
                    pieces.append(part)
            else:
                pieces.append(text)
        elif node.is_element_node:
            tag = node.tag
            drop = _skipped_element(node) or (bool(chrome) and node.mem_id in chrome)
            if not drop:
                if tag in _HTML_BLOCK:
                    end_line()
                if tag == "pre":
                    pre += 1
                child = node.first_child
                if child is not None:
                    stack.append(node)
                    node = child
                    continue
                leave(node)
        node = _next_node(node, stack, leave)
    end_line()
    return lines


#: Tags of the elements scraped page bodies are made of (:data:`MARKUP_RE`).
_MARKUP_TAGS = (
    "a abbr acronym address area article aside audio b bdi bdo big blockquote body br button "
    "canvas caption center cite code col colgroup dd del details dfn div dl dt em embed "
    "fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i "
    "iframe img input ins kbd label legend li link main map mark marquee meta nav nobr "
    "noscript object ol optgroup option p param picture pre q rp rt ruby s samp script "
    "section select small source span strike strong style sub summary sup svg table tbody td "
    "textarea tfoot th thead time title tr track tt u ul var video wbr"
).split()
#: Namespaced tags of Office HTML (``<o:p>``, Word's smart tags ``<st1:chsdate …>``).
_OFFICE_TAG = r"(?:o|v|w|x|m|st1):[A-Za-z]+"
#: HTML markup in a text: a tag of an element of :data:`_MARKUP_TAGS`, a comment or a doctype.
#: ``<<宪法>>``, ``<附件一>`` or ``a<b`` are not markup. Text holding it is read as HTML by the
#: cleaning stage (:mod:`textkit.corpus.clean`), a raw page starting with it by the ingest
#: stage (:mod:`textkit.corpus.ingest`).
MARKUP_RE = re.compile(
    # [^<>]* stops at the next < or >: linear however long an attribute (a base64 image); a
    # tag cut off at the end of the text (a spreadsheet cell's length limit) is markup too
    r"<(?:/\s*)?(?:{}|{})(?=[\s/>])[^<>]*(?:>|\Z)|<!--|<!\[CDATA\[|<!doctype\b".format(
        "|".join(map(re.escape, _MARKUP_TAGS)), _OFFICE_TAG
    ),
    re.IGNORECASE,
)
#: The declarations and comments a saved page may start with before its document.
_PROLOGUE = r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*"
#: A full HTML document (not a fragment): its line breaks are layout, not text.
HTML_DOCUMENT_RE = re.compile(_PROLOGUE + r"(?:<!doctype\b|<html[\s>]|<head[\s>])", re.I)
#: The start of a page that is HTML: its prologue, then markup (:data:`MARKUP_RE`).
HTML_START_RE = re.compile(_PROLOGUE + rf"(?:{MARKUP_RE.pattern})", re.IGNORECASE)
_CDATA_RE = re.compile(r"<!\[CDATA\[([\s\S]*?)\]\]>")
_STRAY_LT = re.compile(r"<(?![!?])")


def escape_stray_brackets(text: str) -> str:
    """``text`` with each ``<`` that starts no markup (:data:`MARKUP_RE`, a comment, a
    doctype) written ``&lt;``, so that an HTML parser keeps ``x<y`` or ``<附件>`` as text
    instead of reading a tag there; CDATA sections become their (escaped) text."""
    # CDATA (text an exporter wrapped, which HTML parsers drop as a comment): its text
    if "<![CDATA[" in text:
        text = _CDATA_RE.sub(lambda m: html.escape(m.group(1), quote=False), text)
    out, last = [], 0
    for m in MARKUP_RE.finditer(text):
        out.append(_STRAY_LT.sub("&lt;", text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_STRAY_LT.sub("&lt;", text[last:]))
    return "".join(out)


def _html_too_deep(text: str) -> str:
    """Why decoded HTML text is not parsed (nested deeper than :data:`MAX_HTML_DEPTH`
    elements, as far as a linear scan of its tags can tell), or ``""``."""
    if _html_depth(text, MAX_HTML_DEPTH) <= MAX_HTML_DEPTH:
        return ""
    return (
        f"HTML nested more than {MAX_HTML_DEPTH} elements deep (unclosed tags?): "
        "not parsed, parsing it would take too long; repair or convert the page to text"
    )


#: What an HTML page without text lost (the end of the rejection reasons).
_HTML_DROPPED = "after dropping scripts, styles, navigation, headers, footers and site chrome"


class _HtmlContent(NamedTuple):
    """What :func:`_html_content` reads of an HTML text."""

    lines: list[str]
    title: str
    repairs: tuple[str, ...]
    list_page: str  # why the page is a list page (:data:`LIST_PAGE_LINK_SHARE`), or ""


def _html_content(text: str, name: str = "<html>", fragment: bool = False) -> _HtmlContent:
    """The lines of text, the title, the repairs of decoded HTML text and whether it is a
    list page: the one HTML reader of textkit (researcher's HTML files and raw pages that
    are HTML).

    Scripts, styles, navigation, headers, footers, forms and site chrome (lists of links
    included) are left out (module docstring); the site chrome dropped, or kept because it
    holds most of the text, is described in the repairs. The caller checks
    :func:`_html_too_deep` first: tree building is quadratic in the nesting depth, and
    rejects a list page. ``name`` is used in log messages. ``fragment``: text that is
    partly markup, not a whole document (a table cell, a page starting with ``<div>``): its
    own line breaks end lines (:func:`_html_lines`) and a ``<`` that starts no tag is text
    (:func:`escape_stray_brackets`).
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(escape_stray_brackets(text) if fragment else text)
    title = _html_title(tree)
    body = tree.body
    if body is None:
        return _HtmlContent([], title, (), "")
    chrome = _chrome_elements(body)
    lines = _html_lines(body, chrome.ids, fragment)
    repairs: tuple[str, ...] = (chrome.note,) if chrome.note else ()
    if chrome.described:
        counts = Counter(chrome.described)
        shown = ", ".join(w if n == 1 else f"{w} ×{n}" for w, n in list(counts.items())[:10])
        shown += " …" if len(counts) > 10 else ""
        repairs += (f"site chrome dropped: {len(chrome.described)} element(s) ({shown})",)
        logger.debug("%s: site chrome dropped: %s", name, shown)
    return _HtmlContent(lines, title, repairs, chrome.list_page)


def extract_html(
    data: bytes, name: str = "<bytes>", *, config: IngestConfig | None = None
) -> Extracted:
    """Extract the text and title of an HTML page (see the module docstring).

    Parameters
    ----------
    data : bytes
        The page's bytes, decoded by :func:`textkit.corpus.ingest.decode_bytes` (a
        ``<meta charset>`` breaks a tie between candidate encodings).
    name : str
        The file name, used in log messages.
    config : IngestConfig, optional
        Candidate encodings and repairs for the decoding.

    Returns
    -------
    Extracted
        ``extractor="html"``, with the page's ``meta_date``. Rejected: bytes that cannot be decoded (the ingest stage's
        kinds), a page nested deeper than :data:`MAX_HTML_DEPTH` (``"html_too_deep"``),
        a list page whose text is mostly links (``"list_page"``,
        :data:`LIST_PAGE_LINK_SHARE`) and a page without body text (``"no_body_text"``).
    """
    res, bad = _decoded(data, name, config, "html")
    if bad is not None:
        return bad
    repairs = tuple(res.repairs)
    too_deep = _html_too_deep(res.text)
    if too_deep:
        return _rejected("html", too_deep, "html_too_deep", encoding=res.encoding, repairs=repairs)
    lines, title, dropped, list_page = _html_content(res.text, name)
    repairs += dropped
    if list_page:
        return _rejected(
            "html", list_page, "list_page", encoding=res.encoding, title=title, repairs=repairs
        )
    if not lines:
        return _rejected(
            "html",
            f"HTML without body text ({_HTML_DROPPED})",
            "no_body_text",
            encoding=res.encoding,
            title=title,
            repairs=repairs,
        )
    return Extracted(
        text="\n".join(lines),
        extractor="html",
        encoding=res.encoding,
        title=title,
        repairs=repairs,
        meta_date=meta_date(res.text),  # in the head, which the text leaves out
    )


# ---------------------------------------------------------------------------------------
# zip archives (Word documents, workbooks)


def zip_too_large(source: Any) -> str:
    """Why a zip archive (a ``.docx`` or ``.xlsx`` file) is too large to open, or ``""``.

    Only the archive's directory is read, never a member: the sizes it records bound what
    decompression yields (Python's :mod:`zipfile` stops at the recorded size). Limits:
    :data:`MAX_ZIP_MEMBERS` members, :data:`MAX_ZIP_BYTES` uncompressed bytes in all, and
    a compression ratio of at most :data:`MAX_ZIP_RATIO` for a member over 1 MiB.

    Parameters
    ----------
    source : bytes or path-like
        The archive's bytes or its path.

    Returns
    -------
    str
        The reason (not prefixed by the file's name), ``""`` within the limits or when the
        bytes are not a zip archive (the reader then says what is wrong).
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ""
    if len(infos) > MAX_ZIP_MEMBERS:
        return (
            f"zip archive with {len(infos):,} members, more than the {MAX_ZIP_MEMBERS:,} "
            "allowed (MAX_ZIP_MEMBERS): not opened"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_BYTES:
        return (
            f"zip archive of {total:,} bytes uncompressed, more than the {MAX_ZIP_BYTES:,} "
            "allowed (MAX_ZIP_BYTES): not opened"
        )
    for i in infos:
        if i.file_size > 1 << 20 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            return (
                f"zip member {i.filename!r} expands {ratio:,.0f} times ({i.compress_size:,} -> "
                f"{i.file_size:,} bytes), more than the {MAX_ZIP_RATIO} allowed "
                "(MAX_ZIP_RATIO): a zip bomb? not opened"
            )
    return ""


# ---------------------------------------------------------------------------------------
# Word

#: Starts a line that a Word document styles as a top-level heading (Heading 1 / 标题 1,
#: or outline level 1): U+001E, the record separator, which no other extractor writes and
#: ``str.strip`` removes. The split stage (:mod:`textkit.corpus.split`) starts an article
#: at each such heading of a compilation and removes the mark.
HEADING_MARK = "\x1e"
#: Separates the cells of a table row written as one line (U+FF5C, kept by cleaning, where
#: a space between two Chinese cells would be removed and glue them into one word).
CELL_SEPARATOR = "｜"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Style names of a top-level heading and of the table of contents (its entries, its title).
_HEADING1_STYLE = re.compile(r"(?:heading|标题)\s*1", re.IGNORECASE)
_TOC_STYLE = re.compile(r"(?:toc|目录)\s*\d|toc heading|目录标题", re.IGNORECASE)
#: Style name of a document's title (Word's Title, 标题 in a Chinese Word or WPS file).
_TITLE_STYLE = re.compile(r"title|标题", re.IGNORECASE)


def _outline_level(paragraph: Any) -> int | None:
    """The outline level of a Word paragraph (0 = top level): its own, else its style's
    (followed through the styles it is based on); a style named Heading 1 / 标题 1 is 0."""
    values = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    style = paragraph.style
    for _ in range(32):  # a style chain is short; a cycle in a damaged file ends here
        if values or style is None:
            break
        values = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if not values and _HEADING1_STYLE.fullmatch((style.name or "").strip()):
            return 0
        style = style.base_style
    return int(values[0]) if values and values[0].isdigit() else None


def _in_toc_field(paragraph: Any, fields: list[str]) -> bool:
    """Whether a paragraph lies in a TOC field (wholly or in part); ``fields`` is the stack
    of the fields open at its start (their first instruction word), updated in place."""
    inside = "TOC" in fields
    for el in paragraph._p.iter(_W + "fldChar", _W + "instrText"):
        if el.tag == _W + "instrText":
            words = (el.text or "").split()
            if fields and not fields[-1] and words:
                fields[-1] = words[0].upper()
        elif el.get(_W + "fldCharType") == "begin":
            fields.append("")
        elif el.get(_W + "fldCharType") == "end" and fields:
            fields.pop()
        inside = inside or "TOC" in fields
    return inside


def _is_title(paragraph: Any) -> bool:
    """Whether a Word paragraph is styled as the document's title (a style named Title /
    标题, or based on one)."""
    style = paragraph.style
    for _ in range(32):  # a style chain is short; a cycle in a damaged file ends here
        if style is None:
            return False
        if _TITLE_STYLE.fullmatch((style.name or "").strip()):
            return True
        style = style.base_style
    return False


def _paragraph_kind(paragraph: Any, fields: list[str] | None) -> str:
    """``"toc"`` (a table of contents entry or title), ``"heading"`` (top level),
    ``"title"`` (the document's title, :func:`_is_title`) or ``"text"``; ``fields``: see
    :func:`_in_toc_field` (None: TOC fields not looked for)."""
    in_field = fields is not None and _in_toc_field(paragraph, fields)
    style = paragraph.style
    if in_field or (style is not None and _TOC_STYLE.fullmatch((style.name or "").strip())):
        return "toc"
    if _is_title(paragraph):
        return "title"
    return "heading" if _outline_level(paragraph) == 0 else "text"


def _row_line(cells: list[list[Any]]) -> str | None:
    """A table row as one line, its cells joined by :data:`CELL_SEPARATOR` (``""`` for an
    empty row), or None when a cell holds more than one line or a table, or the row has
    one cell: its paragraphs are then read one by one."""
    from docx.text.paragraph import Paragraph

    if len(cells) < 2:
        return None
    texts = []
    for content in cells:
        if not all(isinstance(item, Paragraph) for item in content):
            return None
        lines = [ln.strip() for item in content for ln in item.text.splitlines() if ln.strip()]
        if len(lines) > 1:
            return None
        texts.append(lines[0] if lines else "")
    return CELL_SEPARATOR.join(texts) if any(texts) else ""


def _docx_blocks(document: Any, fields: list[str] | None) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of every paragraph in document order (kind: :func:`_paragraph_kind`,
    ``fields`` the stack of open fields it keeps), and ``("text", row)`` for a table row of
    one-line cells (:func:`_row_line`); the paragraphs of other rows' cells row by row (a
    merged cell once), nested tables in place. An explicit stack, so nesting depth is no
    limit."""
    from docx.table import Table

    def rows(table: Any) -> Iterator[Any]:
        seen: set[int] = set()
        alive: list[Any] = []  # keeps the cells, so that their ids stay unique
        for row in table.rows:
            cells = []
            for cell in row.cells:
                key = id(cell._tc)
                if key in seen:
                    continue
                seen.add(key)
                alive.append(cell)
                cells.append(list(cell.iter_inner_content()))
            line = _row_line(cells)
            if line is None:
                for content in cells:
                    yield from content
            else:
                yield line

    stack: list[Iterator[Any]] = [iter(document.iter_inner_content())]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Table):
            stack.append(rows(item))
        elif isinstance(item, str):
            yield "text", item
        else:
            yield _paragraph_kind(item, fields), item.text


def _docx_lines(document: Any) -> tuple[list[str], int]:
    """The non-empty lines of a Word document (a top-level heading's first line starts with
    :data:`HEADING_MARK`, unless a paragraph styled as the title makes the document one
    report whose headings are its sections) and the number of table of contents lines left
    out."""
    fields: list[str] = []
    lines, n_toc = _docx_read(document, fields)
    if "TOC" in fields:  # a TOC field never closed (a damaged file) would hide the rest
        lines, n_toc = _docx_read(document, None)
    return lines, n_toc


def _docx_read(document: Any, fields: list[str] | None) -> tuple[list[str], int]:
    """:func:`_docx_lines`, TOC fields looked for with the stack ``fields`` (None: not)."""
    lines: list[str] = []
    n_toc = 0
    titled = False
    for kind, text in _docx_blocks(document, fields):
        titled = titled or kind == "title"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        found = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if kind == "toc":
            n_toc += len(found)
            continue
        if kind == "heading" and found:
            found[0] = HEADING_MARK + found[0]
        lines.extend(found)
    if titled:  # one document with a title: its top-level headings are sections
        lines = [ln.removeprefix(HEADING_MARK) for ln in lines]
    return lines, n_toc


def extract_docx(data: bytes, name: str = "<bytes>") -> Extracted:
    """Extract the paragraphs and title of a Word (.docx) document.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        The file name, used in log messages.

    Returns
    -------
    Extracted
        ``extractor="docx"``, ``encoding=""``; one line per paragraph (empty paragraphs
        left out), a table row of one-line cells as one line (cells joined by
        :data:`CELL_SEPARATOR`), a top-level heading's line starting with
        :data:`HEADING_MARK` unless a paragraph is styled as the document's title (Title /
        标题: the document is one report, its headings its sections); the table of contents left out (recorded in ``repairs``).
        Rejected: an archive over the limits of :func:`zip_too_large`
        (``"zip_too_large"``), a file python-docx cannot open (``"unreadable_docx"``,
        with its message) and a document without text (``"no_body_text"``).
    """
    import docx

    too_large = zip_too_large(data)
    if too_large:
        return _rejected("docx", f"Word document too large: {too_large}", "zip_too_large")
    try:
        document = docx.Document(io.BytesIO(data))
        title = _one_line(document.core_properties.title or "")
        lines, n_toc = _docx_lines(document)
    except Exception as exc:  # python-docx and lxml raise many types for a damaged file
        logger.info("%s: python-docx cannot read it: %r", name, exc)
        return _rejected(
            "docx",
            f"unreadable Word document ({type(exc).__name__}: {exc}); not a .docx file, or damaged",
            "unreadable_docx",
        )
    repairs = (f"table of contents left out: {n_toc} line(s)",) if n_toc else ()
    if not lines:
        return _rejected(
            "docx", "Word document without text", "no_body_text", title=title, repairs=repairs
        )
    return Extracted(text="\n".join(lines), extractor="docx", title=title, repairs=repairs)


# ---------------------------------------------------------------------------------------
# PDF

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

#: Lines peeled off the top and off the bottom of a page at most, when they repeat on most
#: pages (running headers and footers: a publication's name, a page number, a date).
MAX_RUNNING_LINES = 3
#: A date (2019年3月5日, 2019-03-05, 3月5日) or a run of digits: the digits of a date are
#: kept when lines are compared, each other run is masked (a page number).
_DATE_OR_DIGITS_RE = re.compile(
    r"(?P<date>\d{4}\s*[年./-]\s*\d{1,2}(?:\s*[月./-]\s*\d{1,2}\s*[日号]?|\s*月)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年)|\d+"
)
_SPACE_RE = re.compile(r"\s+")


#: Longest running header or footer (characters, spaces aside): a line of body text is longer.
MAX_RUNNING_CHARS = 40
#: Marks that end a sentence or a clause, which no running header or footer ends with.
_CLAUSE_END = "。！？；，、：!?;,:"


def _running_key(line: str) -> str:
    """A line as compared across pages: without spaces, each run of digits that is not part
    of a date as ``#`` (a page number: ``— 3 —``, ``第 3 页 共 9 页``), so that the date
    lines of a daily bulletin (``2019年3月5日``, ``2019年3月6日``) differ; ``""`` for a line
    that cannot be a running header or footer (longer than :data:`MAX_RUNNING_CHARS`, or
    ending a sentence or a clause)."""
    key = _SPACE_RE.sub("", line)
    if len(key) > MAX_RUNNING_CHARS or key.endswith(tuple(_CLAUSE_END)):
        return ""
    return _DATE_OR_DIGITS_RE.sub(lambda m: m.group("date") or "#", key)


def _peel_edge(pages: list[list[str]], top: bool, removed: Counter, shown: dict) -> None:
    """Remove, in place, the lines at one edge (the top or the bottom) of the pages that
    repeat (:func:`_running_key`) on at least half of the pages, and at least two: up to
    :data:`MAX_RUNNING_LINES` deep, one line at a time from the edge inwards; never the
    last line of text of a page. ``removed`` counts the lines removed by (edge, key),
    ``shown`` keeps the first of them."""
    need = max(2, -(-len(pages) // 2))  # half, rounded up
    for _ in range(MAX_RUNNING_LINES):
        edge: list[tuple[int, int, str]] = []  # (page, line index, key)
        for p, lines in enumerate(pages):
            filled = [j for j, line in enumerate(lines) if line.strip()]
            if len(filled) >= 2:  # a page keeps its last line of text
                j = filled[0 if top else -1]
                edge.append((p, j, _running_key(lines[j])))
        counts = Counter(key for _, _, key in edge if key)
        repeated = {key for key, n in counts.items() if n >= need}
        if not repeated:
            return
        for p, j, key in edge:
            if key in repeated:
                shown.setdefault((top, key), pages[p][j].strip())
                removed[top, key] += 1
                del pages[p][j]


def _drop_running_lines(texts: list[str]) -> tuple[list[str], str]:
    """The pages' texts without their running headers and footers (lines at the top or the
    bottom of at least half of the pages, and at least two, that are the same but for
    their spaces and the digits of numbers other than dates: :func:`_running_key`), and
    the repair that says what was removed (``""``: none)."""
    if len(texts) < 2:
        return texts, ""
    pages = [t.split("\n") for t in texts]
    removed: Counter = Counter()
    shown: dict = {}
    for top in (True, False):
        _peel_edge(pages, top, removed, shown)
    if not removed:
        return texts, ""
    what = ", ".join(
        f"{'header' if top else 'footer'} '{_one_line(shown[top, key])}' ({n} pages)"
        for (top, key), n in removed.items()
    )
    return ["\n".join(lines) for lines in pages], (
        f"running headers and footers removed ({len(texts)} pages): {what}"
    )


def extract_pdf(data: bytes, name: str = "<bytes>") -> Extracted:
    """Extract the text layer and title of a PDF file.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        The file name, used in log messages.

    Returns
    -------
    Extracted
        ``extractor="pdf"``, ``encoding=""``; the text of each page without its running
        header and footer (module docstring), pages joined by ``"\\n"``. Rejected: a PDF
        that needs a password (``"encrypted_pdf"``), one whose text has no letter or
        Chinese character, a scanned document (``"no_text_layer"``: run OCR on it
        first), one pypdf cannot read (``"unreadable_pdf"``), and one of more than
        :data:`MAX_PDF_PAGES` pages or :data:`MAX_PDF_CHARS` characters of text
        (``"pdf_too_large"``).
    """
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception as exc:  # an unknown security handler, a missing crypto library
                logger.info("%s: cannot decrypt: %r", name, exc)
                opened = False
            if not opened:
                return _rejected(
                    "pdf",
                    "encrypted PDF: it needs a password to open; save an unprotected copy",
                    "encrypted_pdf",
                )
        title = ""
        try:
            meta = reader.metadata
            title = _one_line(str(meta.title or "")) if meta is not None else ""
        except Exception as exc:  # damaged document information: no title
            logger.info("%s: no title: %r", name, exc)
        pages = reader.pages
        n_pages = len(pages)
        if n_pages > MAX_PDF_PAGES:
            return _rejected(
                "pdf",
                f"PDF too large: {n_pages:,} pages, more than the {MAX_PDF_PAGES:,} read "
                "(MAX_PDF_PAGES); split it into smaller files",
                "pdf_too_large",
                title=title,
            )
        texts, failed, n_chars = [], [], 0
        for i in range(n_pages):
            try:
                texts.append(pages[i].extract_text() or "")
            except Exception as exc:  # one damaged page: noted, the others are read
                logger.info("%s: page %d: %r", name, i + 1, exc)
                failed.append(i + 1)
                continue
            n_chars += len(texts[-1])
            if n_chars > MAX_PDF_CHARS:
                return _rejected(
                    "pdf",
                    f"PDF too large: its text layer passes {MAX_PDF_CHARS:,} characters "
                    f"(MAX_PDF_CHARS) at page {i + 1} of {n_pages}; split it into smaller files",
                    "pdf_too_large",
                    title=title,
                )
    except Exception as exc:  # pypdf raises many types for a damaged file
        logger.info("%s: pypdf cannot read it: %r", name, exc)
        return _rejected(
            "pdf",
            f"unreadable PDF ({type(exc).__name__}: {exc}); damaged or not a PDF",
            "unreadable_pdf",
        )
    if n_pages == 0 or len(failed) == n_pages:
        detail = "it has no pages" if n_pages == 0 else f"no page of {n_pages} could be read"
        return _rejected("pdf", f"unreadable PDF: {detail}", "unreadable_pdf", title=title)
    repairs = []
    if failed:
        shown = ", ".join(map(str, failed[:20])) + (" …" if len(failed) > 20 else "")
        repairs.append(f"text of {len(failed)} of {n_pages} pages not extracted (pages {shown})")
    n_ctrl = 0
    for i, page in enumerate(texts):
        texts[i], n = _CONTROL_RE.subn("", page.replace("\r\n", "\n").replace("\r", "\n"))
        n_ctrl += n
    if n_ctrl:
        repairs.append(f"removed {n_ctrl} control character(s) from the text layer")
    texts, running = _drop_running_lines(texts)
    if running:
        repairs.append(running)
    text = "\n".join(texts)
    if not has_letter(text):
        return _rejected(
            "pdf",
            f"no text layer ({n_pages} page(s), no letter or Chinese character in their "
            "text): a scanned document? run OCR on it first (e.g. ocrmypdf) and read the "
            "result",
            "no_text_layer",
            title=title,
            repairs=tuple(repairs),
        )
    return Extracted(text=text, extractor="pdf", title=title, repairs=tuple(repairs))
