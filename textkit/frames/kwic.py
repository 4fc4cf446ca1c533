"""Key word in context: every occurrence of chosen terms with its surrounding text.

:func:`kwic` searches the cleaned text paragraph by paragraph and marks the context rule
(:mod:`textkit.core.lexicon`, read by :mod:`textkit.frames.rules`) that applies to each match
and the value the frame scorer (:mod:`textkit.frames.score`) adds for it (the term's lexicon
weight times the rule's multiplier), so a reader sees the hits the scorer counts, the ones it
sets aside, the ones it reads in the other frame and the listed terms it does not score
(稳定, weight 0). KWIC matches characters and the scorer tokens; where the two find
different terms, see the Notes of :func:`kwic`.

Usage::

    from textkit.frames.kwic import kwic

    kwic(documents, frame="stability", window=15)
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from textkit.core.checks import check_int
from textkit.core.lexicon import LexiconLike, as_lexicon
from textkit.frames.match import TermMatcher, matcher_for
from textkit.frames.rules import READ_WINDOW, Reading, _reading_windows
from textkit.frames.score import FrameConfig, as_documents
from textkit.segment.units import sentence_spans

__all__ = ["kwic"]

logger = logging.getLogger(__name__)


def _read_windowed(matcher: TermMatcher, para: str, found: list[re.Match]) -> list[Reading]:
    """The readings of the matches in ``para``, as the scorer reads them: a paragraph of at
    most :data:`READ_WINDOW` characters at once; a longer one sentence by sentence
    (:func:`textkit.segment.units.sentence_spans`, the sentences of the units table), a
    sentence longer than that window by window (:func:`textkit.frames.rules._reading_windows`,
    never cutting through a match)."""
    hits = [(m.start(), m.end(), m.group(0)) for m in found]
    if len(para) <= READ_WINDOW:
        return matcher.read(para, hits)
    starts = [s for s, _, _ in hits]

    def snap(pos: int) -> int:
        k = bisect.bisect_left(starts, pos) - 1  # the last match starting before pos
        return hits[k][1] if k >= 0 and hits[k][1] > pos else pos

    pieces: list[tuple[int, int, bool]] = []  # (start, end, whole sentences)
    for a, b in sentence_spans(para):
        if b - a <= READ_WINDOW:
            pieces.append((a, b, True))
        else:
            windows = _reading_windows(para[a:b], lambda pos, a=a: snap(pos + a) - a)
            pieces.extend((a + x, a + y, False) for x, y in windows)
    out: list[Reading] = []
    k = 0
    for a, b, whole in pieces:
        mine = []
        while k < len(hits) and hits[k][0] < b:
            s, e, t = hits[k]
            mine.append((s - a, e - a, t))
            k += 1
        if mine:
            out.extend(matcher.read(para[a:b], mine, whole=whole))
    return out


def kwic(
    docs: Any,
    term: str | Sequence[str] | None = None,
    window: int = 20,
    frame: str | None = None,
    *,
    lexicon: LexiconLike | None = None,
    context_rules: bool = True,
) -> pd.DataFrame:
    """Key word in context on the cleaned text.

    Parameters
    ----------
    docs : list of str or DataFrame
        As ``texts`` in :func:`textkit.frames.score.score_frames`.
    term : str or list of str, optional
        Term(s) to find (any string; substring matches, longest first). Required unless
        ``frame`` is given. A term in traditional characters (維穩) is also searched in its
        simplified form (维稳, by the OpenCC ``t2s`` conversion that cleaning applies to the
        texts, :func:`textkit.corpus.clean.to_simplified`), with an INFO log line saying so.
    window : int, default 20
        Characters of context each side (within the paragraph).
    frame : {"stability", "service_law"}, optional
        Find every term of this frame (combined with ``term`` if both are given).
    lexicon : Lexicon or path-like, optional
        A lexicon or the path of a lexicon file (for ``frame`` and the frame/category
        columns). Default: the shipped lexicon.
    context_rules : bool, default True
        Fill ``rule`` with the context rule that applies to the match.

    Returns
    -------
    DataFrame
        doc_id, para_id, start (character offset in the paragraph), left, keyword, right,
        frame, category (of the lexicon term; empty for non-lexicon terms), rule (the context
        rule that decides how the occurrence counts, as in
        :func:`textkit.frames.score.frame_hits`: it zeroes or reduces it, sets it aside as part
        of a longer expression, or reads its frame from the word it governs; or ""), value
        (what the frame scorer adds for the occurrence, as ``value`` of ``frame_hits``: the
        term's lexicon weight times the rule's multiplier, counted in the frame of the
        governs rule when ``rule`` names one, else in ``frame``; 0 for a term the lexicon
        lists with weight 0, such as 稳定, for a string that is not a lexicon term, and for a
        match that is not one of the lexicon's own matches in the paragraph, see Notes).
        Without a match (or without documents) the table has these columns, their dtypes,
        no row.

    Notes
    -----
    KWIC matches characters: ``kwic(docs, "治安")`` also lists 治安 inside 社会治安综合治理.
    The scorer counts each stretch of text once, as the longest lexicon term there, so such a
    row has ``value`` 0: ``value`` is non-zero only where the match is one of the lexicon's
    matches in the paragraph, leftmost-longest over all its terms (社会治安综合治理 there, not
    治安; 依法 in 依法治街, not 法治). The scorer matches the segmenter's tokens, which give
    the same matches except where a token boundary cuts across one: in 社会|治安防控 the scorer
    counts 治安防控 while the characters give 社会治安, so that row's ``value`` is not what
    the scorer adds (about 3 % of the seed corpus's sentences with a frame term). For the
    scorer's own hits use :func:`textkit.frames.score.frame_hits`.
    """
    from textkit.segment.units import split_paragraphs

    window = check_int("window", window, 0)
    lexicon = as_lexicon(lexicon)
    wanted: set[str] = set()
    if term is not None:
        wanted |= _with_simplified({term} if isinstance(term, str) else {str(t) for t in term})
    if frame is not None:
        wanted |= set(lexicon.terms(frame))
    wanted = {w for w in wanted if w}
    if not wanted:
        raise ValueError("kwic: give a term or a frame")
    table = as_documents(docs)
    lookup = lexicon.lookup()
    pattern = re.compile("|".join(re.escape(w) for w in sorted(wanted, key=lambda w: (-len(w), w))))
    matcher = matcher_for(lexicon, FrameConfig(context_rules=context_rules))
    rows = []
    for doc_id, text in zip(table["doc_id"], table["text"], strict=True):
        for pid, para in enumerate(split_paragraphs(text)):
            found = list(pattern.finditer(para))
            if not found:
                continue
            readings = _read_windowed(matcher, para, found)
            scored = _scored_spans(matcher, para)
            for m, r in zip(found, readings, strict=True):
                s, e = m.span()
                t = lookup.get(m.group(0))
                value = t.weight * r.multiplier if t is not None and (s, e) in scored else 0.0
                rows.append(
                    (doc_id, pid, s, para[max(0, s - window) : s], m.group(0),
                     para[e : e + window], t.frame if t else "", t.category if t else "", r.rule,
                     value)
                )  # fmt: skip
    if not rows:  # no documents, or no match: the same columns and dtypes, no row
        return pd.DataFrame({c: pd.Series([], dtype=_DTYPES.get(c, str)) for c in _COLUMNS})
    return pd.DataFrame(rows, columns=_COLUMNS)


def _scored_spans(matcher: TermMatcher, para: str) -> set[tuple[int, int]]:
    """The spans of the lexicon's matches in ``para``, leftmost-longest over all its terms
    (:meth:`textkit.frames.match.TermMatcher.candidates`), as the scorer finds them where the
    segmenter cuts no term apart."""
    return set(matcher.candidates([para]).get(0, []))


def _with_simplified(terms: set[str]) -> set[str]:
    """``terms`` and the simplified form of each (cleaned texts are simplified)."""
    from textkit.corpus.clean_rules import to_simplified

    out = set(terms)
    for t in sorted(terms):
        simple = to_simplified(t)
        if simple != t:
            logger.info(
                "kwic: %r is written in traditional characters; searching its simplified "
                "form %r too (cleaning simplifies the texts)",
                t,
                simple,
            )
            out.add(simple)
    return out


_COLUMNS = [
    "doc_id", "para_id", "start", "left", "keyword", "right", "frame", "category", "rule", "value",
]  # fmt: skip
_DTYPES = {"para_id": "int64", "start": "int64", "value": "float64"}
