"""Key word in context: every occurrence of chosen terms with its surrounding text.

:func:`kwic` searches the cleaned text paragraph by paragraph and marks the context rule
(:mod:`textkit.core.lexicon`, read by :mod:`textkit.frames.rules`) that applies to each match,
so a reader sees the hits the frame scorer (:mod:`textkit.frames.score`) counts, the ones it
sets aside and the ones it reads in the other frame.

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
        of a longer expression, or reads its frame from the word it governs; or ""). Without
        a match (or without documents) the table has these columns, their dtypes, no row.
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
            for m, r in zip(found, readings, strict=True):
                s, e = m.span()
                t = lookup.get(m.group(0))
                rows.append(
                    (doc_id, pid, s, para[max(0, s - window) : s], m.group(0),
                     para[e : e + window], t.frame if t else "", t.category if t else "", r.rule)
                )  # fmt: skip
    if not rows:  # no documents, or no match: the same columns and dtypes, no row
        return pd.DataFrame({c: pd.Series([], dtype=_DTYPES.get(c, str)) for c in _COLUMNS})
    return pd.DataFrame(rows, columns=_COLUMNS)


def _with_simplified(terms: set[str]) -> set[str]:
    """``terms`` and the simplified form of each (cleaned texts are simplified)."""
    from textkit.corpus.clean import to_simplified

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


_COLUMNS = ["doc_id", "para_id", "start", "left", "keyword", "right", "frame", "category", "rule"]
_DTYPES = {"para_id": "int64", "start": "int64"}
