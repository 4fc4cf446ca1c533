"""Finding the frame lexicon's terms in segmented text.

:class:`TermMatcher` finds every occurrence of a lexicon term in a sequence of raw tokens
(:meth:`textkit.segment.segmenter.Segmenter.cut`): a token that is a term, a run of up to
``max_join`` tokens that joins to a term (longest first), or a term inside a longer token
(leftmost-longest, :func:`textkit.core.lexicon.terms_inside`). It also carries the lexicon's
context rules (:class:`textkit.frames.rules.RuleSet`), so the scorer and KWIC read each
occurrence the same way.

**Only where a term can be.** Most tokens of a text are no part of any term. One regular
expression of all the terms, built as a character trie (:func:`trie_pattern`), finds the
spans of a sentence where terms occur (:meth:`TermMatcher.candidates`); the token scan then
visits only the tokens those spans touch (:meth:`TermMatcher.hits_at`). The expression scans
leftmost first, so every position where a term starts lies inside a span it reports (a start
it passes over lies inside the match that covers it), and a token in which no term starts
yields nothing in the scan: the occurrences are exactly those of the full scan
(:meth:`TermMatcher.hits`), found at a fraction of its cost (``benchmarks/bench_frames.py``).

Usage::

    from textkit.frames.match import TermMatcher

    matcher = TermMatcher(load_lexicon(), FrameConfig())
    matcher.hits(["坚持", "依法行政"])           # [(2, 6, "依法行政", "依法行政")]
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from textkit.core.lexicon import Lexicon, terms_inside
from textkit.frames.rules import Reading, RuleSet

__all__ = ["TermMatcher"]


def trie_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One regular expression matching any of ``terms``, built as a character trie.

    At each position it matches the longest term that starts there (an optional longer
    branch is tried first), like an alternation of the terms longest first, but it reads
    each character once per position instead of once per term. ``None`` when there is no
    term.
    """
    trie: dict = {}
    for term in sorted(set(terms)):
        if not term:
            continue
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return None

    def build(node: dict) -> str:
        kids = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie))


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
        self._finder = trie_pattern(self.lookup)
        self.rules = RuleSet(lexicon.rules if config.context_rules else (), self.lookup)

    def read(self, text: str, hits: Sequence[tuple], scoped: bool = True) -> list[Reading]:
        """The reading (frame, category, multiplier, rule) of each hit of :meth:`hits` in
        ``text`` (:meth:`textkit.frames.rules.RuleSet.read`; ``scoped=False``: no scope
        rule matches in ``text``)."""
        return self.rules.read(text, hits, scoped)

    def inside(self, token: str) -> list[tuple[int, int, str]]:
        """Lexicon terms inside a longer token (leftmost-longest, non-overlapping).

        Offsets are relative to the token. Cached per token.
        """
        found = self._inside.get(token)
        if found is not None:
            return found
        found = terms_inside(token, self.lookup, self.longest)
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
            character spans of the trie expression's matches, which hold every position
            where a term starts. Texts without a term are absent.
        """
        if self._finder is None:
            return {}
        finditer = self._finder.finditer
        out: dict[int, list[tuple[int, int]]] = {}
        for k, text in enumerate(texts):
            spans = [m.span() for m in finditer(text)]
            if spans:
                out[k] = spans
        return out
