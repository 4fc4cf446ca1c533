"""Split pages into articles using the page's own article markers.

Template sites put several articles on one page and number them: ``第一篇:标题``,
``第1篇:标题``, ``标题 篇1``, ``标题第1篇`` — sometimes glued to the end of the previous
article's last sentence (``…双赢。第二篇:标题``) — and a page or a researcher's file may
number them as heading lines ``第一篇 标题`` (a space, tab, NBSP or U+3000 between marker
and title). The number in ``第…篇`` may be set off by the same spaces, in any of these
forms: ``第 3 篇:标题``, ``第3 篇:标题``, ``第 三 篇 标题``, ``第　三　篇`` (U+3000),
``标题第 1 篇``; the safeguards below hold for them alike. The markers are configurable
regular expressions (:attr:`SplitConfig.marker_patterns`); a marker is only accepted when
its number is the next one expected (1, 2, 3 …), which keeps stray phrases such as
"第一条" or "四篇" in headers from being taken as markers. The heading form separated by a space alone is
stricter, because running text may start a line with 第一篇: the marker must start the
line, the title after the space must be short (at most 40 characters) with no sentence
punctuation (``。！？；``) and not end like a clause (``，：、``), and the page must number
two or more articles. "本书第一篇讨论了…" (not at the start of a line) and
"第一篇文章发表于…" or "第 1 篇文章发表于…" (no separator after 篇) are running text; a
page without a marker that has a line starting like one says so in the split log's
``note``.

A table of contents (目录) that lists the markers (``第一篇 标题``, ``第二篇 标题`` on
consecutive lines) is not taken for the articles: where the numbering starts again at 1
after two or more such lines, the articles start, and the list is the page header.

A Word compilation titles its articles with headings instead of markers: on a page without
markers, the lines the Word extractor marks as top-level headings
(:data:`textkit.corpus.extract.HEADING_MARK`) start the articles, each heading the title of
its section, when two or more of them look like titles (not a numbered section heading
such as ``一、`` or ``第一章``, not ending like a sentence or a clause, at most 100
characters) and have text under them (entries of a table of contents styled as headings
have none), and each of them reads as a document's title (it holds 关于, a news verb such as
召开 or a 第N篇 number, or ends in a kind of document: 通知, 意见, 方案, 报告, 总结, 做法,
经验, 讲话, 纪要, 推进会 …); what comes before the first is the page header. A document
with a single such heading (its own title), or whose headings name sections (工作回顾,
存在问题, 下一步打算), is one article, as is a Word document with a paragraph styled as
its title (the extractor then marks no heading). The marks are removed from the articles' text.

Each article's title is the text after the marker (``第一篇:标题``) or, for markers that
only carry the page's common prefix (``标题 篇1``), the first line after the marker when
that line looks like a title (short, not a sentence, not a numbered heading) and the
prefix otherwise. The page header before the first marker is dropped, and the last
article ends at the page footer (:attr:`SplitConfig.footer_patterns`). A page without
markers is one article. An article with almost no text once cleaned (less than
``min_article_chars`` Chinese characters) is dropped and recorded: a page that is only
site chrome yields 0 articles. Damaged articles (mojibake above the cleaning stage's
quarantine ratio) are kept, so that the cleaning stage quarantines them visibly. A page
with no Chinese article whose articles are in another language
(:mod:`textkit.corpus.language`) keeps those articles, to be flagged ``language``, instead
of being dropped as boilerplate; on a page that has a Chinese article, blocks in another
language are dropped as site chrome.

The split is where the page hands its publication date to its articles
(``split_pages(..., published=True)``, as the corpus builds of raw pages and folders call it;
:mod:`textkit.corpus.published`): each article is dated by the byline or source lines at its
own start and end, and the article of a page of one article also by the page's meta tags and
the header the split cuts off above it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import pandas as pd

from textkit.core.checks import check_bool, check_int
from textkit.core.config import StageConfig, compile_pattern
from textkit.core.dates import small_number
from textkit.core.errors import InvalidParameterError
from textkit.corpus.clean import CleanConfig, clean_text, damage_ratio
from textkit.corpus.extract import HEADING_MARK
from textkit.corpus.language import count_cjk, is_other_language
from textkit.corpus.published import IMPLAUSIBLE, PUBLISHED_COLUMNS, published_date

logger = logging.getLogger(__name__)

__all__ = [
    "SplitConfig",
    "Article",
    "find_articles",
    "split_pages",
    "DOC_COLUMNS",
    "SPLIT_LOG_COLUMNS",
]

#: Columns of the raw documents table, in order.
DOC_COLUMNS = ("doc_id", "page_id", "source_file", "ordinal", "title", "text_raw")
#: Columns of the per-page split log (``split_pages(..., return_log=True)``).
SPLIT_LOG_COLUMNS = (
    "page_id",
    "n_markers",
    "n_articles",
    "n_dropped",
    "header_chars",
    "footer_chars",
    "note",
)

_NUM = r"(?P<num>[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})"
#: Spaces a marker may hold around its number (ASCII, tab, NBSP, U+3000): "第 3 篇", "第　三　篇".
_SPACE = r"[ \t\u00a0\u3000]"
_SP = _SPACE + "*"
#: 第一篇, 第1篇, 第 3 篇, 第3 篇 …: the number may be set off by spaces inside the marker.
_DI_NUM_PIAN = r"第" + _SP + _NUM + _SP + r"篇"

_DEFAULT_MARKERS = (
    # 第一篇:标题 / 第1篇:标题, on its own line or glued after the previous sentence
    r"^(?P<before>.*?)" + _DI_NUM_PIAN + r"\s*[:：]\s*(?P<title>\S.{0,59}?)\s*$",
    # 标题第1篇 (the page's common title, then the number) on its own line
    r"^(?P<prefix>\S.{0,59}?)\s*" + _DI_NUM_PIAN + r"\s*$",
    # 标题 篇1 on its own line
    r"^(?P<prefix>\S.{0,59}?)\s*篇" + _NUM + r"\s*$",
    # 第一篇 标题 / 第1篇　标题: a heading line, the marker at its start, then spaces (ASCII,
    # tab, NBSP or U+3000) and a short title (at most 40 characters, no sentence punctuation,
    # not ending like a clause); trusted only when the page has two or more markers ("sep")
    r"^"
    + _DI_NUM_PIAN
    + r"(?P<sep>"
    + _SPACE
    + r"+)(?![^\n]*[。！？!?；;])"
    + r"(?P<title>\S(?:.{0,38}\S)?)(?<![，,：:、])$",
)

#: A line that starts like an article marker (reported when a page has no marker accepted).
_NUMERAL = r"(?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})"
_MARKER_LIKE = re.compile(
    r"^(?:第" + _SP + _NUMERAL + _SP + r"篇|篇" + _NUMERAL + r"(?![0-9０-９]))"
)

_DEFAULT_FOOTERS = (
    r"^(默认推荐访问其他文章|默認推薦訪問其他文章)",
    r"^(推荐访问|推薦訪問)\s*[:：]",
    r"^(相关阅读|相關閱讀|最近更新|推荐专题|推薦專題)$",
    r"^(工作总结最新推荐|工作總結最新推薦)$",
    r"^来源[:：]\s*网络整理",
)

_NOT_TITLE_START = re.compile(
    r"^(?:关键词|關鍵詞|论文关键词|論文關鍵詞|摘要|中图分类号|中圖分類號|\[|【|作者|来源|來源|"
    r"[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．]|第[一二三四五六七八九十\d]{1,3}[条條章节節])"
)
_SENTENCE_END = "。；;，,：:、"
_GLUE_OK = "。！？!?”」"


@dataclass(frozen=True)
class SplitConfig(StageConfig):
    """Options of the split stage.

    Parameters
    ----------
    marker_patterns : tuple of str
        Regular expressions matched against each stripped line, each with a named group
        ``num`` (arabic or Chinese numeral) and either ``title`` (title after the marker)
        or ``prefix`` (the page's common title before it); an optional group ``before``
        holds text glued before the marker, which must end a sentence. A marker matched by
        a pattern with a named group ``sep`` (the default heading form ``第一篇 标题``) is
        accepted only when the page has two or more markers.
    footer_patterns : tuple of str
        Lines where the page footer begins; the last article ends before the first one.
    max_title_chars : int
        A line after a prefix-style marker is taken as the title only if it has at most
        this many characters (default 40).
    first_line_title : bool
        A page without article markers and without a title of its own (a researcher's
        ``.txt`` file, a Word or PDF file whose properties name none, a table row without a
        title column) takes its first line as its title when that line looks like one (at
        most ``max_title_chars`` characters, not ending like a sentence or a clause, not a
        numbered heading, with text after it): the genre annotator reads titles such as
        ``某县2021年社会治理工作方案``. The line stays in the text. Default True.
    min_article_chars : int
        Articles with fewer Chinese characters than this after cleaning are dropped as
        boilerplate (default 20).
    clean : CleanConfig
        Cleaning options used to measure what is left of an article.
    """

    table = "split"

    marker_patterns: tuple[str, ...] = _DEFAULT_MARKERS
    footer_patterns: tuple[str, ...] = _DEFAULT_FOOTERS
    max_title_chars: int = 40
    first_line_title: bool = True
    min_article_chars: int = 20
    clean: CleanConfig = field(default_factory=CleanConfig)

    def __post_init__(self) -> None:
        for name in ("marker_patterns", "footer_patterns"):
            for p in getattr(self, name):
                compile_pattern(p, name)
        for p in self.marker_patterns:
            if "(?P<num>" not in p:
                raise InvalidParameterError(
                    f"SplitConfig.marker_patterns: pattern {p!r} lacks a named group 'num'"
                )
        check_int("SplitConfig.max_title_chars", self.max_title_chars, 1)
        check_bool("SplitConfig.first_line_title", self.first_line_title)
        check_int("SplitConfig.min_article_chars", self.min_article_chars, 0)
        if not isinstance(self.clean, CleanConfig):
            raise InvalidParameterError(
                f"SplitConfig.clean: expected a CleanConfig, got {type(self.clean).__name__}"
            )


@dataclass(frozen=True)
class Article:
    """One article found on a page.

    Attributes
    ----------
    ordinal : int
        1-based position on the page (the marker's number when there are markers).
    title : str
    text_raw : str
        The article's lines as on the page (header and footer excluded).
    """

    ordinal: int
    title: str
    text_raw: str


@dataclass(frozen=True)
class _Marker:
    line: int
    num: int
    before: str
    title: str
    prefix: str
    weak: bool = False


def _is_contents(lines: list[str], markers: list[_Marker], line: int) -> bool:
    """Whether the markers found before ``line`` (where the numbering starts again) are a
    table of contents: two or more, on consecutive lines (blank lines aside)."""
    if len(markers) < 2:
        return False
    at = {mk.line for mk in markers}
    return all(j in at or not lines[j].strip() for j in range(markers[0].line, line))


def _find_markers(lines: list[str], patterns: list[re.Pattern]) -> list[_Marker]:
    markers: list[_Marker] = []
    expected = 1
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or "篇" not in line:
            continue
        for pat in patterns:
            m = pat.match(line)
            if not m:
                continue
            num = small_number(m.group("num"))
            restart = num == 1 and _is_contents(lines, markers, i)
            if num != expected and not restart:
                continue
            gd = m.groupdict()
            before = (gd.get("before") or "").strip()
            if before and before[-1] not in _GLUE_OK:
                continue
            if restart:  # the markers so far list the articles: a table of contents (目录)
                markers, expected = [], 1
            markers.append(
                _Marker(
                    line=i,
                    num=num,
                    before=before,
                    title=(gd.get("title") or "").strip(),
                    prefix=(gd.get("prefix") or "").strip(),
                    weak="sep" in gd,
                )
            )
            expected += 1
            break
    # a heading whose marker is followed by a space alone ("第一篇 标题") could be a line of
    # running text: it is trusted only when the page numbers two or more articles
    if len(markers) == 1 and markers[0].weak:
        return []
    return markers


#: Longest Word heading taken as an article's title (the author styled it as a heading, so
#: it may be longer than a title line found in plain text).
_MAX_HEADING_CHARS = 100


#: A Word heading that reads as the title of a document, not of a section (工作回顾,
#: 存在问题, 下一步打算): it holds 关于 or a news verb (召开, 举行, 印发…), carries a 第N篇
#: number, or ends in a word naming a kind of document or event (通知, 意见, 方案, 报告,
#: 总结, 材料, 做法, 经验, 讲话, 纪要, 推进会…).
_DOCUMENT_HEADING = re.compile(
    r".*(?:关于|召开|举行|举办|印发|出台|开展|第[0-9一二三四五六七八九十百]+篇).*"
    r"|.*(?:通知|通报|通告|公告|意见|方案|办法|规定|决定|规划|计划|细则|条例|报告|汇报|"
    r"总结|材料|做法|经验|讲话|发言|致辞|纪要|讲稿|会|会议|活动)"
)


def _heading_markers(lines: list[str], config: SplitConfig) -> list[_Marker]:
    """The top-level headings of a Word document (lines starting with
    :data:`~textkit.corpus.extract.HEADING_MARK`) that start an article: a heading that
    looks like a title (not a numbered section heading such as 一、 or 第一章, not ending
    like a sentence or a clause) with text under it before the next such heading (a table
    of contents styled as headings has none). Two or more are needed: a single heading is
    the document's title. Every one of them must read as a document's title
    (:data:`_DOCUMENT_HEADING`): one section name (工作回顾) makes them the sections of one
    document."""
    starts = [
        i
        for i, line in enumerate(lines)
        if line.startswith(HEADING_MARK)
        and _looks_like_title(line.strip(), config, _MAX_HEADING_CHARS)
    ]
    kept = [
        i
        for k, i in enumerate(starts)
        if any(x.strip() for x in lines[i + 1 : starts[k + 1] if k + 1 < len(starts) else None])
    ]
    if len(kept) < 2 or not all(_DOCUMENT_HEADING.fullmatch(lines[i].strip()) for i in kept):
        return []
    return [
        _Marker(line=i, num=k, before="", title=lines[i].strip(), prefix="")
        for k, i in enumerate(kept, 1)
    ]


def _marker_like_note(text: str) -> str:
    """The split log's note for a page without markers that has a line starting like one."""
    for i, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if _MARKER_LIKE.match(line):
            shown = line if len(line) <= 20 else line[:20] + "…"
            return (
                f"no article marker: line {i} starts like one ({shown!r}) but is not a "
                "heading (第一篇 then ':' and a title, or a space and a short title when the "
                "page numbers two or more articles); the page is one article"
            )
    return ""


def _looks_like_title(line: str, config: SplitConfig, max_chars: int | None = None) -> bool:
    """Short (at most ``max_chars`` characters, default ``config.max_title_chars``), not
    ending like a sentence or a clause, not a numbered heading."""
    return (
        0 < len(line) <= (max_chars or config.max_title_chars)
        and line[-1] not in _SENTENCE_END
        and not _NOT_TITLE_START.match(line)
    )


#: Marks no title holds: sentence and clause marks anywhere (a sentence, a wrapped
#: fragment), a colon (发布时间：… 来源：…, a salutation, a quotation 习近平指出：“…”) but
#: that of a subtitle (:data:`_SUBTITLE`), straight quotes. Chinese quotation marks are
#: allowed in pairs: titles quote a slogan (某县政务服务“一网通办”改革调研报告,
#: 从“上访村”到“文明村”).
_NOT_IN_TITLE = re.compile(r"[。！？!?；;，,：:\"]")

#: A title with a subtitle after one full-width colon, each side at least five and four
#: Chinese characters and the first not a field label (从维稳到服务：基层治理转型的一个案例;
#: not 来源：某市政法网, 主题分类：综合政务, 各位领导：, 发布时间：2021-03-05).
_SUBTITLE = re.compile(
    r"(?P<main>[^：:]*[\u4e00-\u9fff][^：:]*)：(?P<sub>[^：:]*[\u4e00-\u9fff][^：:]*)"
)
_LABEL_END = re.compile(r"(?:时间|日期|来源|出处|作者|编辑|分类|索引号|指出|强调|表示|说|称|如下)$")


def _paired_quotes(line: str) -> bool:
    """Every “ in ``line`` closed by a ” before the next “, and no ” without its “."""
    open_ = False
    for ch in line:
        if ch == "“":
            if open_:
                return False
            open_ = True
        elif ch == "”":
            if not open_:
                return False
            open_ = False
    return not open_


#: A date line (2021年3月5日, 2021-03-05).
_DATE_LINE = re.compile(
    r"[\d０-９一二三四五六七八九〇零十]{2,4}\s*(?:年|[-/.])[\s\d０-９一二三四五六七八九十〇零月日号/.-]*"
)


def _subtitle_joined(line: str) -> str:
    """``line`` without the colon of a title and its subtitle (:data:`_SUBTITLE`), else as
    it is."""
    m = _SUBTITLE.fullmatch(line)
    if (
        m is None
        or count_cjk(m["main"]) < 5
        or count_cjk(m["sub"]) < 4
        or _LABEL_END.search(m["main"].strip())
    ):
        return line
    return m["main"] + m["sub"]


def _first_line_title(lines: list[str], config: SplitConfig) -> str:
    """The first non-empty line when it looks like a title and text follows it, else "":
    short, with no sentence or clause mark, colon (but a subtitle's) or straight quote
    anywhere in it and Chinese quotation marks only in pairs, not a numbered heading or a
    date, with at least four Chinese characters."""
    filled = [x.strip() for x in lines if x.strip()]
    if len(filled) < 2:
        return ""
    first = filled[0]
    if (
        not _looks_like_title(first, config)
        or _NOT_IN_TITLE.search(_subtitle_joined(first))
        or not _paired_quotes(first)
        or _DATE_LINE.fullmatch(first)
        or count_cjk(first) < 4
    ):
        return ""
    return first


def find_articles(
    text: str, page_title: str = "", config: SplitConfig | None = None
) -> list[Article]:
    """Find the articles of one page's text (before the boilerplate filter).

    Parameters
    ----------
    text : str
        Decoded page text (``"\\n"`` newlines).
    page_title : str
        Title used when the page has no markers.
    config : SplitConfig, optional

    Returns
    -------
    list of Article
        In page order. A page without markers gives one article holding the whole text.
    """
    return _find_articles(text, page_title, config or SplitConfig())[0]


def _find_articles(
    text: str, page_title: str, config: SplitConfig
) -> tuple[list[Article], str, int]:
    """Articles, the page header left out (the lines before the first marker) and the
    characters of the page footer left out."""
    patterns = [re.compile(p) for p in config.marker_patterns]
    footers = [re.compile(p) for p in config.footer_patterns]
    lines = text.split("\n")
    markers = _find_markers(lines, patterns) or _heading_markers(lines, config)
    if HEADING_MARK in text:  # the marks of a Word document's headings: not text
        lines = [x.replace(HEADING_MARK, "") for x in lines]
        text = "\n".join(lines)
    if not markers:
        title = page_title.strip()
        if not title and config.first_line_title:
            title = _first_line_title(lines, config)
        return [Article(ordinal=1, title=title, text_raw=text.strip("\n"))], "", 0
    # glued markers: the text before the marker belongs to the previous article
    body_lines = list(lines)
    for mk in markers:
        body_lines[mk.line] = ""
    articles: list[Article] = []
    header = "\n".join(lines[: markers[0].line])
    footer = 0
    for k, mk in enumerate(markers):
        start = mk.line + 1
        if k + 1 < len(markers):
            end = markers[k + 1].line
        else:
            end = len(lines)
            for j in range(start, len(lines)):
                s = lines[j].strip()
                if s and any(f.search(s) for f in footers):
                    end = j
                    footer = sum(len(x.strip()) for x in lines[j:])
                    break
        chunk = body_lines[start:end]
        if k + 1 < len(markers) and markers[k + 1].before:
            chunk = chunk + [markers[k + 1].before]
        # title
        first = next((j for j, s in enumerate(chunk) if s.strip()), None)
        if mk.title:
            title = mk.title
            if first is not None and chunk[first].strip() == title:
                chunk = chunk[first + 1 :]
        else:
            title = mk.prefix
            if first is not None and _looks_like_title(chunk[first].strip(), config):
                title = chunk[first].strip()
                chunk = chunk[first + 1 :]
        articles.append(Article(ordinal=mk.num, title=title, text_raw="\n".join(chunk).strip("\n")))
    return articles, header, footer


def split_pages(
    pages: pd.DataFrame,
    config: SplitConfig | None = None,
    *,
    return_log: bool = False,
    published: bool = False,
    published_years: tuple[int, int] | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Split the readable pages of a pages table into articles.

    Parameters
    ----------
    pages : pandas.DataFrame
        Output of :func:`textkit.corpus.ingest.read_pages`; rows with ``status != "ok"`` are skipped.
    config : SplitConfig, optional
    return_log : bool
        Also return the per-page split log.
    published : bool
        Also date each article (:func:`textkit.corpus.published.published_date`): from its
        own first and last lines, and, for a page the split finds one article on, from the
        page's ``meta_date`` and the page header above the article. A page of several
        articles dates none of them by its meta tags or header: on template sites they
        date the page that collects the articles, not each article.
    published_years : (int, int), optional
        With ``published``: the plausible years of a publication date (first, last); a
        date outside them is passed over (``published_from`` ``"implausible"`` when the
        page states no other). Default: the annotate stage's (1978, 2030); the corpus builds
        pass their ``AnnotateConfig.min_year`` and ``max_year``.

    Returns
    -------
    documents : pandas.DataFrame
        Columns :data:`DOC_COLUMNS` (with ``published``, also
        :data:`textkit.corpus.published.PUBLISHED_COLUMNS`: ``published``, a
        ``datetime64[us]``, and ``published_from``); ``doc_id`` is
        ``"<page_id>#<ordinal:02d>"``.
    log : pandas.DataFrame
        Only with ``return_log=True``: columns :data:`SPLIT_LOG_COLUMNS`, one row per page
        read (``n_dropped`` counts articles dropped as boilerplate; ``header_chars`` and
        ``footer_chars`` the non-space characters of the page header before the first
        marker and of the footer after the last article, which belong to no article).

    Raises
    ------
    ValueError
        If a required column is missing.
    """
    config = config or SplitConfig()
    need = ["page_id", "source_file", "text"]
    missing = [c for c in need if c not in pages.columns]
    if missing:
        raise InvalidParameterError(
            f"pages: pages table lacks column(s) {', '.join(missing)} (split_pages)"
        )
    rows, log = [], []
    ordered = pages.sort_values("source_file", kind="mergesort")
    for rec in ordered.to_dict("records"):
        if rec.get("status", "ok") != "ok":
            continue
        text = rec["text"] or ""
        page_title = str(rec.get("page_title") or "")
        arts, header, footer_chars = _find_articles(text, page_title, config)
        header_chars = sum(len(x.strip()) for x in header.split("\n"))
        n_markers = (
            len(arts)
            if len(arts) > 1 or (arts and arts[0].ordinal and _has_markers(text, config))
            else 0
        )
        kept, other, dropped = [], [], 0
        for a in arts:
            cleaned, _ = clean_text(a.text_raw, config.clean)
            damaged = damage_ratio(a.text_raw, config.clean) > config.clean.quarantine_ratio
            if count_cjk(cleaned) < config.min_article_chars and not damaged:
                dropped += 1
                if is_other_language(cleaned, config.clean):
                    other.append(a)
                logger.info(
                    "%s: article %d (%s) dropped: %d Chinese characters after cleaning",
                    rec["source_file"],
                    a.ordinal,
                    a.title,
                    count_cjk(cleaned),
                )
                continue
            kept.append(a)
        language_note = ""
        if not kept and other:  # no Chinese article: the text in another language is kept
            kept, dropped = other, dropped - len(other)
            language_note = f"another language: {len(other)} article(s) kept, to be flagged"
            logger.info(
                "%s: no Chinese article; %d article(s) in another language kept",
                rec["source_file"],
                len(other),
            )
        # the page's own date (meta tags, header) is the article's only on a page of one
        page = {"header": header, "meta": str(rec.get("meta_date") or "")} if len(arts) == 1 else {}
        for a in kept:
            row = {
                "doc_id": f"{rec['page_id']}#{a.ordinal:02d}",
                "page_id": rec["page_id"],
                "source_file": rec["source_file"],
                "ordinal": a.ordinal,
                "title": a.title,
                "text_raw": a.text_raw,
            }
            if published:
                when, where = published_date(
                    a.text_raw, config=config.clean, years=published_years, **page
                )
                if where == IMPLAUSIBLE:
                    logger.info(
                        "%s: article %d (%s): no publication date within the plausible years",
                        rec["source_file"], a.ordinal, a.title,
                    )  # fmt: skip
                row |= {"published": when, "published_from": where}
            rows.append(row)
        if language_note:
            note = language_note + (
                f"; {dropped} article(s) without text dropped" if dropped else ""
            )
        elif not kept:
            note = (
                f"boilerplate only: no article of {config.min_article_chars} or more Chinese "
                "characters after cleaning (site chrome, a placeholder or a very short text; "
                "SplitConfig.min_article_chars)"
            )
        elif dropped:
            note = f"{dropped} article(s) without text dropped"
        elif not n_markers:
            note = _marker_like_note(text)
        elif HEADING_MARK in text and not _has_markers(text, config):
            note = f"split at {len(arts)} Word headings (no 第N篇 markers)"
        else:
            note = ""
        log.append(
            {
                "page_id": rec["page_id"],
                "n_markers": n_markers,
                "n_articles": len(kept),
                "n_dropped": dropped,
                "header_chars": header_chars,
                "footer_chars": footer_chars,
                "note": note,
            }
        )
    docs = pd.DataFrame(rows, columns=list(DOC_COLUMNS + (PUBLISHED_COLUMNS if published else ())))
    docs["ordinal"] = docs["ordinal"].astype("int64")
    if published:
        docs["published"] = docs["published"].astype("datetime64[us]")
        docs["published_from"] = docs["published_from"].astype("str")
    log_df = pd.DataFrame(log, columns=list(SPLIT_LOG_COLUMNS))
    return (docs, log_df) if return_log else docs


def _has_markers(text: str, config: SplitConfig) -> bool:
    patterns = [re.compile(p) for p in config.marker_patterns]
    return bool(_find_markers(text.split("\n"), patterns))
