"""The date a page or file states it was published: meta tags, a date line, a signature.

A raw page often says when it was published, in places the cleaning stage removes as page
chrome: a ``<meta name="PubDate">`` tag of its HTML head, a byline such as
``发布时间：2023-05-12 浏览次数：312`` or ``来源：临江日报 2019-03-05``, or the journal issue
a reprint names (``來源:《西部大開發》2014年第05期``); and in the text itself, the date an
official document is signed with at its end (落款). The split stage
(:func:`textkit.corpus.split.split_pages` with ``published=True``) gives each article of the
raw pages, and of the files of a researcher's folder (:func:`textkit.corpus.read.read_texts`:
an HTML file's meta tags, the lines of any file's text as extracted), the date found by
:func:`published_date`, in the documents table's ``published``
(a datetime, ``NaT`` when none; a year alone is its 1 January, as
:func:`textkit.core.dates.parse_date` reads it) and ``published_from`` (where it was found:
``meta``, ``date line``, ``signature``, ``source issue``, or ``""``).

Where a date is taken from, in this order of trust:

1. ``meta``: the content of the first ``<meta>`` tag of :data:`META_DATE_TAGS` that
   :func:`~textkit.core.dates.parse_date` reads (the ``PubDate`` of the national standard for
   government websites, ``publishdate``, Open Graph's ``article:published_time`` …), read
   from the page's HTML head by the ingest stage (:func:`meta_date`, the pages table's
   ``meta_date``; for a folder's HTML file, ``Extracted.meta_date``). It dates the page, so
   only the article of a page that holds one article gets it.
2. ``date line``: a line of :data:`DATE_LINE_WINDOW` lines at the start of the article (and,
   for a page of one article, of the page header above it) or at its end that holds a
   labelled date (a label of :data:`~textkit.core.dates.DATE_LABELS` and a colon before the
   date, other fields of the line around it: ``来源：临江日报 发布日期：2019年3月5日``,
   ``时间:2019-05-22 11:24:58 网站:公文素材库``) or a byline naming a source and a full date
   (``来源：临江日报 2019-03-05``, ``2019-03-05 10:22 来源：国务院办公厅``). The lines at
   the start come first; within them, the label first in ``DATE_LABELS`` (a byline's date
   after every labelled one), then the first line. The time a page was updated
   (更新时间, 更新日期) is never read, as the meta tags of the time a page was modified are
   not: it says when the page last changed, not when the text was published.
3. ``signature``: the date an official document or a work summary is signed with (落款,
   成文日期), a full date alone on its line under the organ that issued it (GB/T 9704)::

       ……请认真贯彻执行。
       某县人民政府办公室
       二〇二〇年三月十五日

   The date is written with a year, a month and a day, in Arabic, full-width or Chinese
   numerals (``2019年12月20日``, ``二〇二〇年三月十五日``, ``二○○八年十二月八日``,
   ``二零零八年``, ``二0二0年`` as Word and OCR text write it), in brackets or not. In the
   order of trust:

   a. a date alone under a line that is an organ's name alone (…人民政府, …办公室,
      中共…委员会, …村民委员会, with a seal note （印） or not), or after the name on its own
      line, wherever it stands: the signature of a notice above the plan it issues
      (``关于印发《…工作方案》的通知`` … 某县人民政府办公室 / 2020年3月15日 / the plan) as
      well as at the end. Only when the article holds one such date and no date alone
      comes before it: several are a schedule (城关镇 / 2019年5月1日 / 河西乡 /
      2019年5月8日), a date alone above it is a timeline's entry;
   b. else the date the document was printed (印发), on the 版记 line of the last
      :data:`SIGNATURE_WINDOW` lines (``2020年3月17日印发``, ``某县人民政府办公室
      2020年3月17日印发``): a few days after the 成文日期, which wins when it is there;
   c. else a date alone on one of the last :data:`SIGNATURE_WINDOW` lines (a report signed
      with its date only), when it is the only date alone on a line after the title: several
      are a timeline, a list of related news or a table of deadlines;
   d. else the dateline under the title of a speech or report, on the second or third line
      (``（2019年12月20日）``, ``——2019年1月10日在某县第十七届人民代表大会第四次会议上``).

   A line that goes on into a sentence (``2020年3月15日，县委召开会议。``) is text, not a
   signature, and the first line of the article (a title) is never read.
4. ``source issue``: a line in the places of a ``date line`` naming a journal issue,
   ``来源：《西部大开发》2014年第05期`` or ``《求是》2019年第5期``: its year alone (an issue
   is not a month).

A date whose year is outside the plausible years (``years``: the corpus builds pass the
annotate stage's :attr:`~textkit.corpus.annotate.AnnotateConfig.min_year` and
:attr:`~textkit.corpus.annotate.AnnotateConfig.max_year`, 1978-2030 by default) is passed
over, as a tag or line that holds no date is: a CMS's default (``1970-01-01``,
``1900-01-01``) or a date far in the future (``2099-12-31``) is no publication date, and the
next place in the order of trust is read. An article whose page states only such dates is
left undated (``published`` ``NaT``) with ``published_from`` :data:`IMPLAUSIBLE`, counted
in the corpus report (``implausible`` of its ``published`` entry), not silently.

A line is read only when it looks like page chrome: at most :data:`MAX_LINE_CHARS`
characters and no sentence punctuation (。，；！？). The short labels 时间 and 日期 count only
at the start of a field (line start, or after a space, ``|`` or a bracket), and only on
a line of the page header above the article or on a line holding another byline field
(来源, 作者, 浏览, 点击, 网站 … and its colon, or a 字体 tool: ``时间:2019-05-22 网站:…``),
so that ``会议时间：``, ``一、时间：`` or the line ``时间：2019年4月20日（星期六）上午9:00``
of a meeting notice is not taken for a byline; the explicit labels (发布时间, 发布日期,
成文日期 …) count alone on their line. A date in the body
(``2019年3月5日，县委召开会议``) has no label and is never taken. Traditional characters
(``發佈時間``) are read through the cleaning stage's OpenCC conversion.

Nothing else dates a page: not the file's modification time (the time it was copied, which
differs between machines) nor the creation date Word and PDF files record (the time a file
was made or converted, often by a template or a scraper, not when the text was published).
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from textkit.core.dates import DATE_LABELS, parse_date
from textkit.core.errors import InvalidParameterError

if TYPE_CHECKING:
    from textkit.corpus.clean_rules import CleanConfig

__all__ = [
    "BYLINE_FIELD",
    "DATE_LINE_WINDOW",
    "IMPLAUSIBLE",
    "MAX_LINE_CHARS",
    "META_DATE_TAGS",
    "PUBLISHED_COLUMNS",
    "PUBLISHED_FROM",
    "SIGNATURE_WINDOW",
    "meta_date",
    "published_date",
]

logger = logging.getLogger(__name__)

#: The columns of the documents table of raw pages that say when an article was published.
PUBLISHED_COLUMNS = ("published", "published_from")

#: The values of ``published_from``, in order of trust (``""``: no date found).
PUBLISHED_FROM = ("meta", "date line", "signature", "source issue")

#: The ``published_from`` of an article whose page states only dates outside the plausible
#: years (a CMS's default 1970-01-01, a date in the future): ``published`` is ``NaT``.
IMPLAUSIBLE = "implausible"

#: ``<meta>`` tags that state when a page was published, in order of trust: ``(attribute,
#: value)``, the value compared without case. ``PubDate`` is the tag of the national standard
#: for government websites (with ``ArticleTitle`` and ``ContentSource``) and of many news
#: CMSs, ``publishdate`` that of people.cn, chinadaily.com.cn and others; the rest are Open
#: Graph's, schema.org's and Dublin Core's. A tag of the time a page was modified is not
#: among them.
META_DATE_TAGS = (
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish_date"),
    ("name", "firstpublishedtime"),
    ("property", "article:published_time"),
    ("itemprop", "datepublished"),
    ("name", "dc.date.issued"),
    ("name", "dcterms.issued"),
    ("name", "citation_publication_date"),
    ("name", "dc.date"),
)

#: Lines read at the start and at the end of an article (and at the end of the page header
#: of a page of one article), blank lines not counted.
DATE_LINE_WINDOW = 5

#: Lines read at the end of an article for the date it is signed with (落款), blank lines not
#: counted: the organ's name, the date, and a note or a 版记 line below it.
SIGNATURE_WINDOW = 3

#: Longest line read for a date (a byline of several fields fits; a paragraph does not).
MAX_LINE_CHARS = 100

#: Sentence punctuation: a line holding one is text, not a byline.
_SENTENCE = re.compile("[。，；！？]")
#: Labels that hold 时间 or 日期 alone: generic, so read only at the start of a field, and
#: only on a line of the page header or on a line with another byline field
#: (:data:`_OTHER_FIELD`).
_SHORT_LABELS = frozenset({"时间", "日期"})
#: The time a page was updated, not published (更新时间：2021-06-01 10:22): never read,
#: neither as a labelled date nor as the date of a byline.
_UPDATE = re.compile(r"更新(?:时间|日期)\s*:[\s0-9\-/.:年月日号]*")
#: Another field of a byline (with its colon, or a 【字体 tool): the line of a short label
#: (时间：2019-05-22 网站：…) is a byline, not a notice's 时间：(the time of a meeting).
_OTHER_FIELD = re.compile(
    r"(?:来源|稿源|出处|作者|编辑|责编|供稿|发布|发布者|浏览|浏览次数|阅读|点击|访问量?|网站)"
    r"\s*:|字体|字号"
)
#: The labels of :data:`~textkit.core.dates.DATE_LABELS`, longest first, as alternatives.
_LABELS = "|".join(sorted(DATE_LABELS, key=len, reverse=True))
_LABEL = re.compile(rf"(?P<label>{_LABELS})\s*:\s*")
#: A byline field in a text as written (either colon, full-width digits; not normalised): a
#: date label and its colon before a date (``发布时间：2019-03-05``), or 来源 / 作者 and a
#: colon. The HTML reader keeps a block that holds one (:mod:`textkit.corpus.extract_html`),
#: so that a byline among its tool links keeps the date this module reads.
BYLINE_FIELD = re.compile(rf"(?:(?:{_LABELS})\s*[:：]\s*[0-9０-９]|(?:来源|作者)\s*[:：])")
#: What may stand before a field (after NFKC): a space, a separator or an opening bracket.
_FIELD_START = frozenset(" \t|/·([【〔")
#: A byline: a label naming where a text comes from, and a colon.
_BYLINE = re.compile(r"(?:来源|稿源|出处|作者)\s*:")
#: A journal issue at the start of a line or after a source label: 《刊名》2014年第05期,
#: 《刊名》2014年5期, 《刊名》2014(5); 来源：, 原载, 摘自 … before it.
_ISSUE = re.compile(
    r"(?:^[\[(【]?\s*|(?:来源|稿源|出处|原载|刊载|刊于|摘自|选自|转自)\s*:?\s*)"
    r"《[^》]{1,40}》\s*[,.]?\s*(?P<y>(?:19|20)[0-9]{2})\s*"
    r"(?:年\s*第?\s*(?:[0-9]{1,3}|[一二三四五六七八九十]{1,3})\s*期|\(\s*[0-9]{1,3}\s*\))"
)
#: A character after which a date would go on (a digit, a letter, a date separator).
_GOES_ON = re.compile(r"[0-9A-Za-z\-/.:年月日号时点分秒]")
#: The start of a date in a byline: a four-digit year, not inside a longer number.
_YEAR_START = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?=\s*[-/.年])")
#: A date with a day, as a byline writes it (2019-03-05, 2019年3月5日, 2019.3.5).
_FULL_DATE = re.compile(r"[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}")
#: A signature date alone on its line (after NFKC and the conversion to simplified
#: characters): a year, a month and a day in Arabic or Chinese numerals, in brackets or not,
#: or followed by 印发, 发布 or 制.
_SIGNATURE = re.compile(
    r"[(\[【〔]?\s*(?P<date>(?:[0-9]{4}|[〇零○一二三四五六七八九]{4})\s*年"
    r"\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号])"
    r"\s*(?P<issued>印发|发布|制)?\s*[)\]】〕]?"
)
#: A year of Chinese digits with 0 or O for zero, as Word and OCR text write it (二0二0年).
_MIXED_ZERO = re.compile(r"(?=[〇零○一二三四五六七八九0Oo]{4}年)(?=[^年]*[一二三四五六七八九])"
                         r"[〇零○一二三四五六七八九0Oo]{4}")  # fmt: skip
_ZEROS = str.maketrans("0Oo", "〇〇〇")
#: The dateline under the title of a speech or a report (讲话稿, 工作报告), on one of the
#: lines after the title up to this one: ``（2019年12月20日）``, ``——2019年1月10日在某县第十七届
#: 人民代表大会第四次会议上``.
_DATELINE_LINES = 3
_DATELINE = re.compile(
    r"(?:[(\[【〔]\s*|[—-]{1,2}\s*)(?P<date>[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)"
    r"(?:\s*在[^()\[\]【】〔〕]{2,60}?(?:上|讲话|发言|报告))?\s*[)\]】〕]?"
)
#: The longest line read for a signature date (二〇二〇年十二月三十一日印发 and brackets).
_SIGNATURE_CHARS = 30
#: Signature pairs (an organ's name, a date) at most this many lines apart are rows of a
#: schedule or a list, not the signatures of a notice and of the plan it issues.
_SCHEDULE_LINES = 4
#: An organ's name alone on its line (after NFKC and the conversion to simplified
#: characters), as it signs a document: a name without punctuation that ends as the names of
#: party and government bodies, offices, courts, committees and grassroots organisations end.
_ORGAN = re.compile(
    r"[\u4e00-\u9fff()（）\s]*?(?:政府|办公室|办公厅|委员会|常委会|党委|党组|工委|支部|总支|"
    r"人大|政协|法院|检察院|公安局|局|厅|委|办|部|署|院|处|所|中心|站|队|会|社区|街道|"
    r"办事处|镇|乡|村)\s*(?:\((?:印|盖章|章|公章)\))?"
)
#: The longest organ name read above a signature date in the middle of an article.
_ORGAN_CHARS = 30
#: The longest date text read after a label (a date, a time and a weekday).
_LONGEST_DATE = 40


def meta_date(html: str) -> str:
    """The publication date the ``<meta>`` tags of an HTML page state, as written.

    Parameters
    ----------
    html : str
        The decoded HTML text (only its head, before ``<body``, is read).

    Returns
    -------
    str
        The ``content`` of the first tag of :data:`META_DATE_TAGS` (in that order) that
        :func:`textkit.core.dates.parse_date` reads, stripped; ``""`` when there is none.

    Examples
    --------
    >>> meta_date('<head><meta name="PubDate" content="2019-03-05 10:22"></head><body>…')
    '2019-03-05 10:22'
    """
    from selectolax.lexbor import LexborHTMLParser

    body = re.search(r"<body[\s>]", html, re.IGNORECASE)
    head = html[: body.start()] if body else html
    if "<meta" not in head.lower():
        return ""
    found: dict[tuple[str, str], str] = {}
    for node in LexborHTMLParser(head).css("meta"):
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        for attr in ("name", "property", "itemprop"):
            value = (attrs.get(attr) or "").strip().lower()
            if value and content:
                found.setdefault((attr, value), content)
    for tag in META_DATE_TAGS:
        content = found.get(tag, "")
        if content and parse_date(content) is not pd.NaT:
            return content
    return ""


def _date_after(text: str) -> pd.Timestamp:
    """The longest start of ``text`` that is a date and that no digit, letter or date
    separator continues; ``NaT`` when there is none."""
    for end in range(min(len(text), _LONGEST_DATE), 3, -1):
        if end < len(text) and _GOES_ON.match(text, end):
            continue
        when = parse_date(text[:end])
        if when is not pd.NaT:
            return when
    return pd.NaT


def _labelled(line: str, header: bool = False) -> list[tuple[int, pd.Timestamp]]:
    """(rank of the label in DATE_LABELS, date) of each labelled date of a line; ``header``:
    a line of the page header above the article."""
    found = []
    for m in _LABEL.finditer(line):
        label = m.group("label")
        before = line[m.start() - 1] if m.start() else " "
        if label in _SHORT_LABELS and (
            before not in _FIELD_START or not (header or _OTHER_FIELD.search(line))
        ):
            continue  # 会议时间：, 一、时间：, a notice's 时间：(星期六)上午9:00 …
        when = _date_after(line[m.end() :])
        if when is not pd.NaT:
            found.append((DATE_LABELS.index(label), when))
    return found


def _byline_date(line: str) -> pd.Timestamp:
    """The first full date of a line naming a source (来源：临江日报 2019-03-05), or NaT."""
    if not _BYLINE.search(line):
        return pd.NaT
    for m in _YEAR_START.finditer(line):
        rest = line[m.start() :]
        if _FULL_DATE.match(rest):
            when = _date_after(rest)
            if when is not pd.NaT:
                return when
    return pd.NaT


def _line_dates(
    line: str, config: CleanConfig | None, header: bool = False
) -> tuple[list, pd.Timestamp]:
    """The dates a line of page chrome states: its labelled and byline dates as (rank,
    date), the rank of a byline's date after every label's; and the year of a journal issue
    it names (NaT when none). ``header``: a line of the page header above the article."""
    from textkit.corpus.clean_rules import to_simplified

    if len(line) > MAX_LINE_CHARS or _SENTENCE.search(line):
        return [], pd.NaT
    if not any(c in line for c in ":：《"):  # no label, no journal: no conversion needed
        return [], pd.NaT
    text = _UPDATE.sub(" ", unicodedata.normalize("NFKC", to_simplified(line, config)))
    dates = _labelled(text, header)
    byline = _byline_date(text)
    if byline is not pd.NaT:
        dates.append((len(DATE_LABELS), byline))
    issue = _ISSUE.search(text)
    return dates, pd.Timestamp(int(issue.group("y")), 1, 1) if issue else pd.NaT


def _signature_date(line: str, config: CleanConfig | None) -> tuple[pd.Timestamp, bool]:
    """The date of a line that is a signature date alone (``NaT`` for any other line), and
    whether it is the date the document was printed (印发, the 版记 line)."""
    from textkit.corpus.clean_rules import to_simplified

    text = unicodedata.normalize("NFKC", line).strip()
    if len(text) > _SIGNATURE_CHARS or "年" not in text:
        return pd.NaT, False
    text = _MIXED_ZERO.sub(lambda m: m.group(0).translate(_ZEROS), text)  # 二0二0年, 二O二O年
    m = _SIGNATURE.fullmatch(to_simplified(text, config))  # 印發, 發佈, 製
    if not m:
        return pd.NaT, False
    return parse_date(m.group("date")), m.group("issued") == "印发"


def _is_organ(line: str, config: CleanConfig | None) -> bool:
    """Whether ``line`` is an organ's name alone, as it stands above a signature date."""
    from textkit.corpus.clean_rules import to_simplified

    text = unicodedata.normalize("NFKC", line).strip()
    return len(text) <= _ORGAN_CHARS and bool(_ORGAN.fullmatch(to_simplified(text, config)))


def _signature(
    lines: list[str], config: CleanConfig | None, keep: Callable[[pd.Timestamp], bool]
) -> pd.Timestamp:
    """The signature date (落款) of an article's non-empty lines, ``NaT`` when none (the first
    line, a title, is never read). A date ``keep`` refuses (outside the plausible years) is
    not taken, and the next place is read, but it still counts as a date where dates are
    counted (a timeline or a list of one plausible and one implausible date is no signature):

    1. the date alone under a line that is an organ's name alone (or after the name on its
       line), when the article holds one such pair, or pairs of one date far apart (a notice
       signed above the plan it issues, signed again), but not pairs within
       :data:`_SCHEDULE_LINES` lines of each other (a schedule or a list: 城关镇 /
       2019年5月1日 / 河西乡 / 2019年5月8日, whatever the dates), and no date alone comes before
       it (a timeline: 2019年3月5日 / 召开县委常委会 / 2019年6月5日 / …);
    2. else the 印发 date of the 版记 in the last :data:`SIGNATURE_WINDOW` lines;
    3. else a date alone in those lines, when it is the only date alone on a line after the
       title (several are a timeline, a list of news or a table of deadlines);
    4. else the dateline under the title of a speech or report (:data:`_DATELINE`).
    """
    signed, issued, bare = [], [], []
    for k in range(1, len(lines)):
        if "年" not in lines[k]:  # no date (and no OpenCC conversion of every line)
            continue
        when, printed = _signature_date(lines[k], config)
        organ = when is not pd.NaT and _is_organ(lines[k - 1], config)
        if when is pd.NaT:  # the organ and the date on one line
            name, *rest = unicodedata.normalize("NFKC", lines[k]).split()
            if not rest or not _is_organ(name, config):
                continue
            when, printed = _signature_date(" ".join(rest), config)
            organ = True
        if when is pd.NaT:  # (an implausible date still shows a list or a timeline)
            continue
        at_end = k >= len(lines) - SIGNATURE_WINDOW
        if printed:
            issued += [when] if at_end else []
        elif organ and not bare:  # a date alone above a signature: a timeline's entry
            signed.append((k, when))
        else:
            bare.append((when, at_end))
    listed = any(b[0] - a[0] <= _SCHEDULE_LINES for a, b in itertools.pairwise(signed))
    if signed and not listed and len({when for _, when in signed}) == 1 and keep(signed[0][1]):
        return signed[0][1]
    issued = [when for when in issued if keep(when)]
    if issued:
        return issued[-1]
    if not signed and len(bare) == 1 and bare[0][1] and keep(bare[0][0]):
        return bare[0][0]
    for line in lines[1:_DATELINE_LINES]:
        m = _DATELINE.fullmatch(unicodedata.normalize("NFKC", line).strip())
        when = parse_date(m.group("date")) if m else pd.NaT
        if when is not pd.NaT and keep(when):
            return when
    return pd.NaT


def published_date(
    text_raw: str,
    *,
    header: str = "",
    meta: str = "",
    config: CleanConfig | None = None,
    years: tuple[int, int] | None = None,
) -> tuple[pd.Timestamp, str]:
    """When an article was published, as its page states it, and where that was found.

    Parameters
    ----------
    text_raw : str
        The article's text as split from its page (before cleaning).
    header : str
        The page header above the article, for the article of a page of one article
        (``""`` otherwise: a page header above several articles dates none of them).
    meta : str
        The page's :func:`meta_date`, for the article of a page of one article.
    config : CleanConfig, optional
        The cleaning options whose OpenCC conversion reads traditional characters.
    years : (int, int), optional
        The plausible years, first and last: a date outside them is passed over. Default:
        those of :class:`~textkit.corpus.annotate.AnnotateConfig` (1978, 2030).

    Returns
    -------
    (pandas.Timestamp, str)
        The date (``NaT`` when none) and ``"meta"``, ``"date line"``, ``"signature"``,
        ``"source issue"`` or ``""`` (the order of trust of the module docstring);
        ``(NaT, "implausible")`` when every date found is outside ``years``.

    Examples
    --------
    >>> published_date("发布时间：2023-05-12 浏览次数：312\\n2019年3月5日，县委召开会议。")
    (Timestamp('2023-05-12 00:00:00'), 'date line')
    >>> published_date("2019年3月5日，县委召开会议。")
    (NaT, '')
    >>> published_date("发布时间：1970-01-01\\n2019年3月5日，县委召开会议。")
    (NaT, 'implausible')
    >>> published_date("请认真贯彻执行。\\n某县人民政府办公室\\n二〇二〇年三月十五日")
    (Timestamp('2020-03-15 00:00:00'), 'signature')
    >>> published_date("2019年3月5日\\n县委召开会议。")
    (NaT, '')
    """
    first, last = _plausible_years(years)
    passed_over = []  # the dates found outside the plausible years

    def plausible(when: pd.Timestamp) -> bool:
        if first <= when.year <= last:
            return True
        passed_over.append(when)
        return False

    when = parse_date(meta) if meta else pd.NaT
    if when is not pd.NaT and plausible(when):
        return when, "meta"
    filled = [x.strip() for x in text_raw.split("\n") if x.strip()]
    above = [x.strip() for x in header.split("\n") if x.strip()]
    lead = above[-DATE_LINE_WINDOW:] + filled[:DATE_LINE_WINDOW]
    tail = filled[max(DATE_LINE_WINDOW, len(filled) - DATE_LINE_WINDOW) :]
    issues = []
    for window in (lead, tail):
        dated = []
        for k, line in enumerate(window):
            dates, year = _line_dates(line, config, window is lead and k < len(above))
            dated += [d for d in dates if plausible(d[1])]
            if year is not pd.NaT and plausible(year):
                issues.append(year)
        if dated:
            return min(dated, key=lambda d: d[0])[1], "date line"
    when = _signature(filled, config, plausible)
    if when is not pd.NaT:
        return when, "signature"
    if issues:
        return issues[0], "source issue"
    if passed_over:
        logger.debug("publication date(s) outside %d-%d passed over: %s", first, last,
                     ", ".join(str(w) for w in passed_over))  # fmt: skip
        return pd.NaT, IMPLAUSIBLE
    return pd.NaT, ""


def _plausible_years(years: tuple[int, int] | None) -> tuple[int, int]:
    """``years``, checked; by default the annotate stage's plausible years."""
    if years is None:
        from textkit.corpus.annotate import AnnotateConfig

        return AnnotateConfig.min_year, AnnotateConfig.max_year
    if (
        not isinstance(years, (tuple, list))
        or len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise InvalidParameterError(
            f"years: expected (first, last) plausible years, first <= last, got {years!r}"
        )
    return int(years[0]), int(years[1])
