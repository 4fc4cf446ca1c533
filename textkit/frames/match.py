"""Finding the frame lexicon's terms in segmented text.

:class:`TermMatcher` finds every occurrence of a lexicon term in a sequence of raw tokens
(:meth:`textkit.segment.segmenter.Segmenter.cut`): a token that is a term, a run of up to
``max_join`` tokens that joins to a term (longest first), or a term inside a longer token
(leftmost-longest, :func:`textkit.core.lexicon.terms_inside`). It also carries the lexicon's
context rules (:class:`textkit.frames.rules.RuleSet`), so the scorer and KWIC read each
occurrence the same way.

**Only where a term can be.** Most tokens of a text are no part of any term. An
Aho-Corasick automaton of all the terms (``ahocorasick_rs``, leftmost-longest matching) finds,
in one pass over all the sentences joined, the spans where terms occur
(:meth:`TermMatcher.candidates`); the token scan then visits only the tokens those spans touch
(:meth:`TermMatcher.hits_at`). The matching is leftmost first, so every position where a term
starts lies inside a span it reports (a start it passes over lies inside the match that
covers it), and a token in which no term starts yields nothing in the scan: the occurrences
are exactly those of the full scan (:meth:`TermMatcher.hits`), found at a fraction of its
cost (``benchmarks/bench_frames.py``).

Usage::

    from textkit.frames.match import TermMatcher

    matcher = TermMatcher(load_lexicon(), FrameConfig())
    matcher.hits(["坚持", "依法行政"])           # [(2, 6, "依法行政", "依法行政")]
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

import ahocorasick_rs
import numpy as np

from textkit.core.lexicon import Lexicon, terms_inside
from textkit.frames.rules import Reading, RuleSet

__all__ = ["TermMatcher", "matcher_for"]


#: A code point of UTF-16's surrogate range, which cannot be encoded alone.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: Lexicons of up to this many terms are searched with a DFA (:class:`TermMatcher`).
_DFA_MAX_TERMS = 2_000

#: Tokens whose inner terms a matcher remembers (:meth:`TermMatcher.inside`).
_INSIDE_CACHE = 200_000


class TermMatcher:
    """Longest-first matching of lexicon terms over raw tokens, plus clause rules.

    Used by the scorer (:func:`textkit.frames.score.score_frames`) and by
    :func:`textkit.frames.kwic.kwic` (for the context rules), so that both find the same
    hits.

    Parameters
    ----------
    lexicon : Lexicon
    config : FrameConfig
        Its ``max_join``, ``inside_tokens`` and ``context_rules``.
    """

    def __init__(self, lexicon: Lexicon, config: Any) -> None:
        self.lookup = lexicon.lookup()
        self.max_join = config.max_join
        prefixes = set()
        for term in self.lookup:
            for k in range(1, len(term)):
                prefixes.add(term[:k])
        self.prefixes = frozenset(prefixes)
        self.longest = max((len(t) for t in self.lookup), default=0)
        self.inside_tokens = config.inside_tokens
        self._inside: dict[str, list[tuple[int, int, str]]] = {}
        terms = sorted(t for t in self.lookup if t)
        # a DFA searches twice as fast as the default automaton, but its memory grows with
        # the lexicon (about 16 MB at 5,000 terms, 126 MB at 50,000): only for small ones
        fast = {"implementation": ahocorasick_rs.Implementation.DFA}
        self._finder = (
            ahocorasick_rs.AhoCorasick(
                terms,
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                **(fast if len(terms) <= _DFA_MAX_TERMS else {}),
            )
            if terms
            else None
        )
        self.rules = RuleSet(lexicon.rules if config.context_rules else (), self.lookup)

    def read(
        self, text: str, hits: Sequence[tuple], scoped: bool = True, whole: bool = True
    ) -> list[Reading]:
        """The reading (frame, category, multiplier, rule) of each hit of :meth:`hits` in
        ``text`` (:meth:`textkit.frames.rules.RuleSet.read`; ``scoped=False``: no scope
        rule matches in ``text``; ``whole=False``: ``text`` is a window of a longer
        sentence)."""
        return self.rules.read(text, hits, scoped, whole)

    def inside(self, token: str) -> list[tuple[int, int, str]]:
        """Lexicon terms inside a longer token (leftmost-longest, non-overlapping).

        Offsets are relative to the token. Cached per token.
        """
        found = self._inside.get(token)
        if found is not None:
            return found
        found = terms_inside(token, self.lookup, self.longest)
        if len(self._inside) >= _INSIDE_CACHE:
            self._inside.clear()  # a matcher kept for many corpora holds no vocabulary for ever
        self._inside[token] = found
        return found

    def hits(self, tokens: Sequence[str]) -> list[tuple[int, int, str, str]]:
        """(start char, end char, term, token) of every lexicon term in the token sequence.

        ``token`` is the matched token sequence joined, or the longer token a term was found
        inside (when ``inside_tokens`` is on).
        """
        return self.hits_at(tokens)

    def hits_at(
        self, tokens: Sequence[str], spans: Iterable[tuple[int, int]] | None = None
    ) -> list[tuple[int, int, str, str]]:
        """:meth:`hits`, visiting only the tokens that overlap ``spans``.

        ``spans`` are character spans ``(start, end)`` of the tokens' text, such as those of
        :meth:`candidates`; ``None`` visits every token. Equal to :meth:`hits` whenever every
        position where a lexicon term starts lies inside a span. A token inside an
        occurrence already found is passed over, as the full scan does.
        """
        offsets = [0, *itertools.accumulate(map(len, tokens))]
        n = len(tokens)
        if spans is None:
            positions: Iterable[int] = range(n)
        else:
            whole = self._whole_token_hits(tokens, offsets, spans)
            if whole is not None:
                return whole
            right, left = bisect.bisect_right, bisect.bisect_left
            positions = []
            last = -1
            for a, b in sorted(spans):
                # the tokens overlapping [a, b): they end after a and start before b
                first, stop = max(right(offsets, a) - 1, last + 1), min(left(offsets, b), n)
                if first < stop:
                    positions.extend(range(first, stop))
                    last = stop - 1
        out: list[tuple[int, int, str, str]] = []
        lookup, prefixes, max_join = self.lookup, self.prefixes, self.max_join
        inside = self.inside_tokens
        resume = 0
        for i in positions:
            if i < resume:
                continue
            tok = tokens[i]
            best = i + 1 if tok in lookup else None
            if tok in prefixes:
                joined = tok
                for j in range(i + 1, min(n, i + max_join)):
                    joined += tokens[j]
                    if joined in lookup:
                        best = j + 1
                    if joined not in prefixes:
                        break
            if best is None:
                if inside and len(tok) > 2:
                    base = offsets[i]
                    out.extend((base + a, base + b, term, tok) for a, b, term in self.inside(tok))
                continue
            term = tok if best == i + 1 else "".join(tokens[i:best])
            out.append((offsets[i], offsets[best], term, term))
            resume = best
        return out

    def _whole_token_hits(
        self, tokens: Sequence[str], offsets: list[int], spans: Iterable[tuple[int, int]]
    ) -> list[tuple[int, int, str, str]] | None:
        """The hits of :meth:`hits_at` when every span is a run of at most ``max_join`` whole
        tokens (the common case), else ``None``.

        Such a span is the longest term starting at its first token (leftmost-longest
        matching), every shorter run of its tokens a prefix of it: the token scan, starting
        there, joins exactly these tokens and resumes after them.
        """
        out = []
        left, last, max_join = bisect.bisect_left, len(offsets) - 1, self.max_join
        lookup = self.lookup
        end = 0
        for a, b in sorted(spans):
            if a < end:
                return None  # overlapping spans (not those of :meth:`candidates`)
            end = b
            i = left(offsets, a)
            j = left(offsets, b, i)
            if j > last or offsets[i] != a or offsets[j] != b or j - i > max_join:
                return None
            term = tokens[i] if j == i + 1 else "".join(tokens[i:j])
            if term not in lookup:
                return None  # spans of another origin than :meth:`candidates`
            out.append((a, b, term, term))
        return out

    def candidates(self, texts: Sequence[str]) -> dict[int, list[tuple[int, int]]]:
        """The spans of each text where lexicon terms occur, leftmost first.

        Parameters
        ----------
        texts : sequence of str
            Sentences or paragraphs of the units table.

        Returns
        -------
        dict of int to list of (int, int)
            For each text (by position in ``texts``) that contains a lexicon term: the
            character spans of the automaton's leftmost-longest matches (those of one
            regular expression of the terms, longest first), which hold every position where
            a term starts. Texts without a term are absent.
        """
        if self._finder is None or not len(texts):
            return {}
        # one pass over the texts joined by line breaks (no term holds one, so no match
        # runs from one text into the next); character offsets, not bytes
        joined = "\n".join(texts)
        try:
            found = self._finder.find_matches_as_indexes(joined)
        except UnicodeEncodeError:  # a lone surrogate: one code point, as U+FFFD is
            found = self._finder.find_matches_as_indexes(_LONE_SURROGATE.sub("\ufffd", joined))
        if not found:
            return {}
        _, starts, ends = (np.asarray(c, dtype=np.int64) for c in zip(*found, strict=True))
        ends_at = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
        which = np.searchsorted(ends_at, starts, side="right")
        base = np.concatenate(([0], ends_at))[which]
        pairs = list(zip((starts - base).tolist(), (ends - base).tolist(), strict=True))
        cut = np.flatnonzero(np.diff(which)) + 1
        bounds = [0, *cut.tolist(), len(pairs)]
        keys = which[bounds[:-1]].tolist()
        return {k: pairs[a:b] for k, a, b in zip(keys, bounds[:-1], bounds[1:], strict=True)}


def matcher_for(lexicon: Lexicon, config: Any) -> TermMatcher:
    """The :class:`TermMatcher` of ``lexicon`` and the matching settings of ``config``
    (``max_join``, ``inside_tokens``, ``context_rules``), built once per process and kept
    for the next call (the eight most recent)."""
    settings = (config.max_join, config.inside_tokens, config.context_rules)
    try:
        return _matcher(lexicon, *settings)
    except TypeError:  # a lexicon built by hand with lists in it: not hashable, not kept
        return TermMatcher(lexicon, config)


@functools.lru_cache(maxsize=8)
def _matcher(
    lexicon: Lexicon, max_join: int, inside_tokens: bool, context_rules: bool
) -> TermMatcher:
    settings = SimpleNamespace(
        max_join=max_join, inside_tokens=inside_tokens, context_rules=context_rules
    )
    return TermMatcher(lexicon, settings)
