"""The HTML reader of :func:`textkit.corpus.extract.extract_text` (``.html``, ``.htm``,
``.xhtml``, and raw pages that are HTML): selectolax's HTML5 parser, site chrome dropped by
class and by link density, list pages rejected, titles without their site name. The
rules are documented in :mod:`textkit.corpus.extract`.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from textkit.corpus.decode import IngestConfig
from textkit.corpus.extracted import Extracted, _decoded, _one_line, _rejected
from textkit.corpus.published import BYLINE_FIELD, meta_date

logger = logging.getLogger(__name__)

__all__ = [
    "escape_stray_brackets",
    "extract_html",
    "CHROME_AFFIX_WORDS",
    "CHROME_LEADS",
    "CHROME_LEAD_MAX_CHARS",
    "CHROME_WORDS",
    "HTML_DOCUMENT_RE",
    "HTML_START_RE",
    "LINK_BLOCK_DENSITY",
    "LINK_BLOCK_MAX_TEXT",
    "LINK_BLOCK_MIN_LINKS",
    "LINK_BLOCK_TAGS",
    "LIST_PAGE_ALL_LINKS",
    "LIST_PAGE_LINK_SHARE",
    "LIST_PAGE_MIN_LINKS",
    "MARKUP_RE",
    "MAX_HTML_DEPTH",
    "SITE_NAME_ENDINGS",
]

#: Deepest element nesting an HTML page may have (estimated by a linear scan of its tags).
MAX_HTML_DEPTH = 1024

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
#: A line break in the source of a paragraph between two Chinese characters, with the
#: spaces around it: layout, removed as browsers remove it (CSS Text, segment breaks
#: between East Asian wide characters), not a space between two words.
_LAYOUT_BREAK_RE = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])"
    r"[ \t\r]*\n\s*"
    r"(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])"
)
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
    bylines: int = 0  # text nodes outside the links holding a byline field (BYLINE_FIELD)
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
            top.bylines += bool(BYLINE_FIELD.search(text))
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
        line = _one_line(_LAYOUT_BREAK_RE.sub("", "".join(pieces)))
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
