"""Clean article text: remove page furniture, repair damage, normalise the script.

The cleaning stage turns each article's ``text_raw`` (as split from the page) into
``text``: simplified Chinese, one paragraph per line, without site chrome, watermarks,
SEO spam, PDF page footers, URLs or mojibake, with the template sites' placeholder masks
(``xx镇``, ``201*年`` …) rewritten to ``某`` + unit.

All patterns live in one data file, ``textkit/resources/cleaning_rules.yaml`` (each with
its documented purpose); the code only fixes the order of the steps:

1. HTML markup left in a text (a scraped table whose cells hold the pages' HTML): a text
   with a tag of an HTML element (``<p>``, ``<br/>``, ``<div class=…>`` …), a comment or
   a doctype is read as HTML by the HTML reader of :mod:`textkit.corpus.extract` (scripts,
   styles, navigation and site chrome dropped, block elements and the text's own line
   breaks ending lines; a text nested too deep to parse loses its tags); character
   references alone (``&nbsp;``, ``&amp;``, ``&#12290;``) are decoded; a text escaped
   twice (``&amp;lt;p&amp;gt;``) is peeled level by level. Text such as ``<<宪法>>`` or
   ``a<b`` is not markup, also inside a text that has some. Then newlines (CRLF/CR ->
   LF), paragraph indents in mid-line (a run of two or more U+3000 or ASCII spaces after
   。！？；… starts a new line) and invisible characters (zero-width, BOM, NBSP, U+3000);
2. line rules (whole lines of site chrome, the source, editor, repost-notice and widget lines
   of news and government sites, spam, PDF footers, bare URLs);
3. inline rules (watermarks glued into sentences, such chrome glued to a line's start or
   end, inline URLs);
4. mojibake runs (``????``, U+FFFD, 锟斤拷), whose share of the raw text is the
   ``damage_ratio``;
5. width normalisation: full-width digits / Latin letters / space to ASCII, Kangxi
   radicals and CJK compatibility ideographs to their unified ideographs. Chinese
   full-width punctuation (，。：；！？（）“”) is kept;
6. OpenCC ``t2s`` (traditional -> simplified), shielding the protected terms (乾安县);
7. placeholder masks -> ``某`` + unit;
8. spacing (spaces next to Chinese characters dropped, runs collapsed; on a keyword line,
   ``关键词：基层治理 法治建设``, a space between two Chinese characters parts two keywords and
   becomes ``；``) and ASCII
   punctuation inside Chinese text -> Chinese punctuation, to their joint fixed point;
9. broken-line rejoin: paragraphs broken mid-sentence are joined (in a hard-wrapped PDF
   also the short last line of a paragraph of two lines, see :func:`_rejoin`), paragraphs
   are separated by a single ``"\\n"``; not in a text in another language
   (:mod:`textkit.corpus.language`), whose lines are kept.

The round is repeated until the text no longer changes (one or two rounds in practice),
so cleaning is idempotent: ``clean_text(clean_text(x)[0])[0] == clean_text(x)[0]``.
All regular expressions are bounded, so cleaning is linear in the text length (a 5 MB
single-line text is cleaned in a few seconds).

The per-document log maps a rule name to the number of characters it removed (removal
rules, ``markup``: tags, references and the dropped elements) or rewrote (``opencc``,
``width``, ``punctuation``, ``placeholder``); ``rejoin``
counts line breaks removed, ``paragraph_indent`` the indent characters turned into line
breaks and ``whitespace`` blank lines and spaces removed.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import json
import logging
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from textkit.core.errors import InvalidParameterError
from textkit.core.patterns import prefilter
from textkit.corpus.chars import CharTable, code_points, has_letter
from textkit.corpus.clean_rules import (
    CleanConfig,
    CleaningRules,
    _t2s,
    holds_traditional,
    load_rules,
    to_simplified,
)
from textkit.corpus.extract_html import (
    MARKUP_RE,
    _html_content,
    _html_too_deep,
)
from textkit.corpus.language import is_other_language

logger = logging.getLogger(__name__)

__all__ = [
    "CleanConfig",
    "CleaningRules",
    "load_rules",
    "clean_text",
    "clean_documents",
    "cleaning_memo",
    "damage_ratio",
    "to_simplified",
    "holds_traditional",
]

#: Characters removed outright (zero-width space / joiners, word joiner, BOM, soft hyphen).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: Characters that become an ordinary space.
_SPACES = "\u00a0\u3000\u2002\u2003\u2009\u202f\t\f\v"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"  # ideographs
_CJK_PUNCT = (
    "\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014"
)
_CJK_ANY = _CJK + _CJK_PUNCT
_INVISIBLE_TABLE = {ord(c): None for c in _INVISIBLE}
_SPACES_TABLE = {ord(c): " " for c in _SPACES}
_RE_INVISIBLE = re.compile(f"[{re.escape(_INVISIBLE)}]")
_RE_SPACES = re.compile(f"[{re.escape(_SPACES)}]")
#: Upper bound on cleaning rounds (and on punctuation/spacing rounds within one).
_MAX_ROUNDS = 8
_RE_CJK_CHAR = re.compile(f"[{_CJK}]")


# ----------------------------------------------------------------------------- helpers


def _width_char(c: str) -> str:
    o = ord(c)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return chr(o - 0xFEE0)  # full-width digit / Latin letter
    if 0x2F00 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F:
        return unicodedata.normalize("NFKC", c)  # Kangxi radical / compatibility ideograph
    return c


_RE_WIDTH = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]"
)


_WIDE = frozenset(("W", "F", "A"))
#: East Asian wide, fullwidth and ambiguous characters (two display columns).
_WIDE_CHARS = CharTable(lambda c: unicodedata.east_asian_width(c) in _WIDE)
_WHITESPACE = CharTable(str.isspace)


def _display_widths(lines: list[str]) -> list[int]:
    """Display columns of each line: 2 for East Asian wide, fullwidth and ambiguous
    characters, 1 for the others (all lines looked up at once)."""
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    ends = np.cumsum(lengths)
    wide = np.concatenate([[0], np.cumsum(_WIDE_CHARS.mask(code_points("".join(lines))))])
    return (lengths + wide[ends] - wide[ends - lengths]).tolist()


def damage_ratio(text: str, config: CleanConfig | None = None) -> float:
    """Share of the non-space characters of ``text`` that sit in mojibake runs.

    Parameters
    ----------
    text : str
    config : CleanConfig, optional

    Returns
    -------
    float
        In [0, 1]; 0.0 for an empty text.
    """
    config = config or CleanConfig()
    rules = load_rules(config.rules_path)
    return _damage(text, rules)


def _damage(text: str, rules: CleaningRules) -> float:
    total = len(text) - _WHITESPACE.count(text)
    if total == 0:
        return 0.0
    bad = sum(
        len(m.group(0))
        for pat in rules.mojibake
        if prefilter(pat)(text)
        for m in pat.finditer(text)
    )
    return round(min(1.0, bad / total), 6)


class _Log:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, name: str, n: int) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + int(n)


def _sub_count(pat: re.Pattern, repl: str | Callable, text: str) -> tuple[str, int]:
    removed = 0

    def f(m: re.Match) -> str:
        nonlocal removed
        r = repl(m) if callable(repl) else repl
        removed += max(len(m.group(0)) - len(r), 0) if r != m.group(0) else 0
        return r

    return pat.sub(f, text), removed


def _is_cjk_side(c: str) -> bool:
    return bool(c) and (_RE_CJK_CHAR.match(c) is not None or c in _CJK_PUNCT_SET)


_CJK_PUNCT_SET = set("，。、；：？！（）“”‘’《》「」『』【】…—·")


def _normalise_punct(text: str, rules: CleaningRules, log: _Log) -> str:
    changed = 0
    # paired marks first: ( ... ) and " ... " within one line
    for o, c, co, cc in rules.punct_pairs:
        if o == c:
            pat = re.compile(re.escape(o) + "([^" + re.escape(o) + "\\n]{1,200})" + re.escape(c))
        else:
            pat = re.compile(
                re.escape(o) + "([^" + re.escape(o) + re.escape(c) + "\\n]{0,200})" + re.escape(c)
            )

        def fpair(m: re.Match, co: str = co, cc: str = cc) -> str:
            nonlocal changed
            inner = m.group(1)
            s, e, src = m.start(), m.end(), m.string
            before = src[s - 1] if s > 0 else ""
            after = src[e] if e < len(src) else ""
            if _RE_CJK_CHAR.search(inner) or _is_cjk_side(before) or _is_cjk_side(after):
                changed += 2
                return co + inner + cc
            return m.group(0)

        text = pat.sub(fpair, text)
    if rules.punct_single:
        chars = "".join(re.escape(k) for k in rules.punct_single)
        pat = re.compile(f"[{chars}]")

        def fsingle(m: re.Match) -> str:
            nonlocal changed
            s, mark, src = m.start(), m.group(0), m.string
            before = src[s - 1] if s > 0 else ""
            after = src[s + 1] if s + 1 < len(src) else ""
            if mark == ":" and before.isdigit() and after.isdigit():
                return mark
            if mark in ",;" and (_is_cjk_side(before) or _is_cjk_side(after)):
                changed += 1
                return rules.punct_single[mark]
            if mark in ":?!" and _is_cjk_side(before):
                changed += 1
                return rules.punct_single[mark]
            return mark

        text = pat.sub(fsingle, text)
    log.add("punctuation", changed)
    return text


_RE_SPACE_RUN = re.compile(r"[ ]{2,}")
_RE_SPACE_CJK_AFTER = re.compile(f"(?<=[{_CJK_ANY}])[ ]+")
_RE_SPACE_CJK_BEFORE = re.compile(f"[ ]+(?=[{_CJK_ANY}])")


_CLOSERS = "”’」』）)"


def _ends_terminal(line: str, rules: CleaningRules) -> bool:
    """True when ``line`` ends a sentence: a terminal mark, or a closer after one (。”)."""
    if not line:
        return False
    if line[-1] in rules.terminal:
        return True
    return len(line) >= 2 and line[-1] in _CLOSERS and line[-2] in rules.terminal


#: Marks that break a clause inside running text (a title or a heading such as
#: ``三、乡镇、村两委、群众对议事会制度的看法`` has none: 、 and ： also occur in headings).
_CLAUSE_MARKS = "，。；！？"
#: Marks that end a sentence inside a line: a line starting like a heading holds one when
#: the heading runs into its paragraph (``（一）加强组织领导。各地……``).
_SENTENCE_MARKS = "。；！？"


def _running_text(line: str, rules: CleaningRules) -> bool:
    """True when ``line`` reads as running text, not a title or a heading: it holds a
    clause mark (，。；！？), and a sentence end (。；！？) when it starts like a heading."""
    marks = _SENTENCE_MARKS if rules.heading.match(line) else _CLAUSE_MARKS
    return any(m in line for m in marks)


def _rejoin(lines: list[str], rules: CleaningRules, config: CleanConfig, log: _Log) -> list[str]:
    """Join the lines of a paragraph broken mid-sentence (step 9).

    A line is joined to the previous one when it starts with a continuation mark (，。、…);
    otherwise never when the previous line ends a sentence or the line starts like a
    heading. It is joined when the paragraph so far is long (``long_line_width``), or, in a
    hard-wrapped text (``min_wrap_lines`` lines that do not end a sentence share a width,
    the wrap width), when the previous line is at the wrap width and

    * it sits in a run of such lines (the line before it or this line is at the wrap
      width too): a paragraph of three lines or more;
    * or this line is shorter and ends a sentence, and the previous line is running text
      (:func:`_running_text`): the last line of a paragraph of two lines. A title or a
      heading at the wrap width keeps the line after it (``…的看法`` / ``乡镇的看法：``).
    """
    if len(lines) < 2:
        return lines
    widths = _display_widths(lines)
    # wrap width: the most common width among lines that do not end a sentence
    counts: dict[int, int] = {}
    for line, w in zip(lines, widths, strict=True):
        if w >= 30 and not _ends_terminal(line, rules):
            counts[w] = counts.get(w, 0) + 1
    wrap = None
    if counts:
        best = max(sorted(counts), key=lambda w: (sum(counts.get(w + d, 0) for d in (-1, 0, 1)), w))
        support = sum(counts.get(best + d, 0) for d in (-1, 0, 1))
        if support >= config.min_wrap_lines:
            wrap = best

    def in_band(j: int) -> bool:
        if wrap is None or j < 0 or j >= len(lines):
            return False
        return wrap - config.wrap_slack <= widths[j] <= wrap + 2 * config.wrap_slack

    # paragraphs are built as lists of pieces and joined once (linear time)
    paras: list[list[str]] = [[lines[0]]]
    tail = lines[0][-2:]  # last two characters of the current paragraph
    acc_w = widths[0]  # display width of the current paragraph
    joined = 0
    for i in range(1, len(lines)):
        line = lines[i]
        join = False
        if line[0] in rules.continuation:
            join = True
        elif _ends_terminal(tail, rules) or rules.heading.match(line):
            join = False
        elif acc_w >= config.long_line_width:
            join = True
        elif wrap is not None and in_band(i - 1) and (in_band(i - 2) or in_band(i)):
            # a hard-wrapped line: its width is the wrap width and it sits in a run of them
            join = True
        elif (
            wrap is not None
            and in_band(i - 1)
            and widths[i] < wrap - config.wrap_slack
            and _ends_terminal(line, rules)
            and _running_text(lines[i - 1], rules)
        ):
            # the short last line of a hard-wrapped paragraph of two lines
            join = True
        if join:
            last = tail[-1]
            if last.isascii() and last.isalnum() and line[0].isascii() and line[0].isalnum():
                paras[-1].append(" ")
                acc_w += 1
            paras[-1].append(line)
            tail = (tail + line)[-2:]
            acc_w += widths[i]
            joined += 1
        else:
            paras.append([line])
            tail = line[-2:]
            acc_w = widths[i]
    out = ["".join(p) for p in paras]
    log.add("rejoin", joined)
    return out


# ----------------------------------------------------------------------------- public


#: A character reference; the commonest named ones also without their semicolon (``&nbsp``),
#: as browsers read them.
_RE_CHAR_REF = re.compile(
    r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};"
    r"|(?:nbsp|amp|lt|gt|quot)(?![A-Za-z0-9;]))"
)


def _char_ref(m: re.Match) -> str:
    return html.unescape(m.group(0))


#: Levels of escaping peeled off a text (``&amp;lt;p&amp;gt;`` is two: a CMS export that
#: escaped its HTML twice).
_MARKUP_LEVELS = 3


def _markup(t: str, log: _Log) -> str:
    """Step 1's HTML: a text with markup read as HTML (a ``<`` that starts no markup kept
    as text), else its character references decoded; repeated while that uncovers more,
    up to :data:`_MARKUP_LEVELS` times (the characters removed counted as ``markup``)."""
    before = t
    for _ in range(_MARKUP_LEVELS):
        if "<" in t and MARKUP_RE.search(t):
            if _html_too_deep(t):  # not parsed (quadratic): its tags dropped
                t = MARKUP_RE.sub("\n", t)
            else:
                t = "\n".join(_html_content(t, fragment=True)[0])
        elif "&" in t and _RE_CHAR_REF.search(t):
            decoded = _RE_CHAR_REF.sub(_char_ref, t)
            if decoded == t:
                break
            t = decoded
        else:
            break
    if t != before:
        log.add("markup", max(len(before) - len(t), 1))
    return t


def _clean_once(t: str, rules: CleaningRules, config: CleanConfig, log: _Log) -> str:
    """One round of the nine cleaning steps (see the module docstring)."""
    # 1 HTML markup, newlines and invisible characters
    t = _markup(t, log)
    t = t.replace("\r\n", "\n").replace("\r", "\n")
    n0 = len(t)
    if _RE_INVISIBLE.search(t):  # translate reads every character: only where it has work
        t = t.translate(_INVISIBLE_TABLE)
    log.add("invisible", n0 - len(t))
    if rules.paragraph_indent is not None:
        indented = 0

        def findent(m: re.Match) -> str:
            nonlocal indented
            indented += len(m.group(2))
            return m.group(1) + "\n"

        t = rules.paragraph_indent.sub(findent, t)
        log.add("paragraph_indent", indented)
    if _RE_SPACES.search(t):
        t = t.translate(_SPACES_TABLE)

    # 2 line rules (a pattern that cannot match the text cannot match one of its lines)
    line_rules = [(name, [p for p in pats if prefilter(p)(t)]) for name, pats in rules.line_rules]
    line_rules = [(name, pats) for name, pats in line_rules if pats]
    kept: list[str] = []
    for raw_line in t.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        hit = None
        for name, pats in line_rules:
            if any(p.search(line) for p in pats):
                hit = name
                break
        if hit:
            log.add(hit, len(line))
        else:
            kept.append(line)
    t = "\n".join(kept)

    # 3 inline rules, 4 mojibake runs
    for name, pats in rules.inline_rules:
        for p in pats:
            if prefilter(p)(t):
                t, n = _sub_count(p, "", t)
                log.add(name, n)
    for p in rules.mojibake:
        if prefilter(p)(t):
            t, n = _sub_count(p, "", t)
            log.add("mojibake", n)

    # 5 width normalisation
    changed = 0

    def fwidth(m: re.Match) -> str:
        nonlocal changed
        changed += 1
        return _width_char(m.group(0))

    t = _RE_WIDTH.sub(fwidth, t)
    log.add("width", changed)

    # 6 OpenCC (traditional -> simplified)
    conv = _t2s(t, rules, config.opencc_config)
    if len(conv) != len(t):
        log.add("opencc", abs(len(conv) - len(t)))
    elif conv != t:
        log.add("opencc", sum(map(operator.ne, t, conv)))
    t = conv

    # 7 placeholder masks -> 某 + unit
    for pat, repl in rules.placeholders:
        if not prefilter(pat)(t):
            continue
        hits = 0

        def fph(m: re.Match, repl: str = repl) -> str:
            nonlocal hits
            hits += len(m.group(0))
            return repl

        t = pat.sub(fph, t)
        log.add("placeholder", hits)

    # 8 spacing and punctuation, to their joint fixed point
    n0 = len(t)
    for _ in range(_MAX_ROUNDS):
        before = t
        t = _spacing(t)
        t = _normalise_punct(t, rules, log)
        if t == before:
            break
    lines = [x for x in (y.strip() for y in t.split("\n")) if x]
    log.add("whitespace", max(n0 - len("\n".join(lines)), 0))

    # 9 broken-line rejoin (its rules are Chinese: a text in another language keeps its lines)
    if not is_other_language("\n".join(lines), config):
        lines = _rejoin(lines, rules, config, log)
    return "\n".join(lines)


#: A keyword line (关键词：基层治理 法治建设): the spaces between its keywords separate them.
_RE_KEYWORD_LINE = re.compile(
    r"(?m)^[ \t]*(?:[【\[](?:关键词|关键字|主题词)[】\]]|(?:关键词|关键字|主题词)[ \t]*[:：]).*$"
)
_RE_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{_CJK}])[ ]+(?=[{_CJK}])")


def _spacing(t: str) -> str:
    if "关键" in t or "主题词" in t:  # keywords parted by spaces are parted by ； instead
        t = _RE_KEYWORD_LINE.sub(lambda m: _RE_SPACE_BETWEEN_HAN.sub("；", m.group(0)), t)
    t = _RE_SPACE_CJK_AFTER.sub("", t)
    t = _RE_SPACE_CJK_BEFORE.sub("", t)
    return _RE_SPACE_RUN.sub(" ", t)


#: The results of :func:`clean_text` inside a :func:`cleaning_memo` block (None outside).
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("clean_memo", default=None)


@contextlib.contextmanager
def cleaning_memo() -> Iterator[None]:
    """Remember the results of :func:`clean_text` for the duration of a ``with`` block.

    A build cleans each article twice: the split stage cleans it to decide whether it is
    boilerplate, and :func:`clean_documents` cleans it for the documents table. Inside this
    block the second call returns the first result (same text and settings: cleaning is a
    pure function of both). The memo belongs to the current thread (a context variable),
    holds every text cleaned in the block and is dropped when the block ends.

    Examples
    --------
    >>> with cleaning_memo():
    ...     first = clean_text("基層治理")
    ...     again = clean_text("基層治理")
    >>> first == again
    True
    """
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def clean_text(text: str, config: CleanConfig | None = None) -> tuple[str, dict[str, int]]:
    """Clean one article text.

    The steps of the module docstring are applied in order, and the round is repeated
    until the text no longer changes (normally one or two rounds; joining two broken
    lines can, for example, put a watermark back together). This makes cleaning
    idempotent by construction.

    Parameters
    ----------
    text : str
        Raw article text (``text_raw``).
    config : CleanConfig, optional
        Options; default :class:`CleanConfig`.

    Returns
    -------
    text : str
        Cleaned text: simplified Chinese, paragraphs separated by a single ``"\\n"``, no
        leading/trailing whitespace.
    log : dict
        Rule name -> characters removed or rewritten (only rules that fired; sorted keys).

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> clean_text("xx镇201*年基層治理。好范文版权所有")[0]
    '某镇某年基层治理。'
    """
    config = config or CleanConfig()
    if not isinstance(text, str):
        raise InvalidParameterError(f"text: expected a str, got {type(text).__name__}")
    memo = _MEMO.get()
    if memo is not None:
        hit = memo.get((text, config))
        if hit is not None:
            return hit[0], dict(hit[1])
    rules = load_rules(config.rules_path)
    log = _Log()
    t = text
    for i in range(_MAX_ROUNDS):
        new = _clean_once(t, rules, config, log)
        if new == t:
            break
        t = new
        if i == _MAX_ROUNDS - 1:
            logger.warning("clean_text did not reach a fixed point in %d rounds", _MAX_ROUNDS)
    counts = dict(sorted(log.counts.items()))
    if memo is not None:
        memo[(text, config)] = (t, dict(counts))
    return t, counts


def clean_documents(docs: pd.DataFrame, config: CleanConfig | None = None) -> pd.DataFrame:
    """Clean every document of a raw documents table.

    Parameters
    ----------
    docs : pandas.DataFrame
        Output of :func:`textkit.corpus.split.split_pages` (needs ``doc_id`` and ``text_raw``; a
        ``title`` column is cleaned too, with the script and width steps only).
    config : CleanConfig, optional

    Returns
    -------
    pandas.DataFrame
        A copy with ``text``, ``n_chars``, ``clean_log`` (JSON object, sorted keys),
        ``damage_ratio`` and ``status`` (``kept`` / ``quarantined``: damaged, or no letter
        left after cleaning) added.

    Raises
    ------
    ValueError
        If a required column is missing.
    """
    config = config or CleanConfig()
    missing = [c for c in ("doc_id", "text_raw") if c not in docs.columns]
    if missing:
        raise InvalidParameterError(
            f"docs: documents table lacks column(s) {', '.join(missing)} (clean_documents)"
        )
    rules = load_rules(config.rules_path)
    out = docs.copy()
    texts, logs, ratios, statuses, nchars = [], [], [], [], []
    for doc_id, raw in zip(out["doc_id"], out["text_raw"], strict=True):
        raw = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw)
        text, log = clean_text(raw, config)
        ratio = _damage(raw, rules)
        status = "quarantined" if ratio > config.quarantine_ratio else "kept"
        if status == "quarantined":
            logger.info(
                "%s quarantined: damage ratio %.3f > %.3f", doc_id, ratio, config.quarantine_ratio
            )
        elif not has_letter(text):
            status = "quarantined"
            logger.info("%s quarantined: no text left after cleaning", doc_id)
        texts.append(text)
        logs.append(json.dumps(log, ensure_ascii=False, sort_keys=True))
        ratios.append(ratio)
        statuses.append(status)
        nchars.append(len(text))
    if "title" in out.columns:
        out["title"] = [_clean_title(str(t), rules, config) for t in out["title"].fillna("")]
    out["text"] = texts
    out["n_chars"] = pd.array(nchars, dtype="int64")
    out["clean_log"] = logs
    out["damage_ratio"] = pd.array(ratios, dtype="float64")
    out["status"] = statuses
    return out


def _clean_title(title: str, rules: CleaningRules, config: CleanConfig) -> str:
    t = " ".join(_markup(title, _Log()).split("\n"))  # a title cell holding HTML
    t = t.translate({ord(c): None for c in _INVISIBLE}).translate({ord(c): " " for c in _SPACES})
    t = _RE_WIDTH.sub(lambda m: _width_char(m.group(0)), t)
    t = _t2s(t, rules, config.opencc_config)
    t = _normalise_punct(t, rules, _Log())
    for pat, repl in rules.placeholders:
        t = pat.sub(repl, t)
    t = _RE_SPACE_RUN.sub(" ", t).strip()
    return t
