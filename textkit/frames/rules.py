"""Context rules of the frame lexicon read on the frame-term occurrences of a text.

The rules are data (``context_rules`` of ``frames.yaml``, parsed and checked by
:mod:`textkit.core.lexicon`); :class:`RuleSet` applies them to the occurrences the scorer
(:mod:`textkit.frames.score`) and KWIC (:mod:`textkit.frames.kwic`) find, so both read every
occurrence the same way:

* **scope rules** (``negation``, ``shift``): a term inside the ``scope`` of a match in its
  clause is multiplied by the rule's multiplier (0 in the shipped file) and stays in its frame;
* **compound rules**: a term inside a longer expression that gives it another sense (民主 in
  民主党派, 防控 in 疫情防控) is multiplied by the rule's multiplier (0 in the shipped file);
* **governs rules**: a term followed (or preceded) within ``window`` characters of its clause
  by a word of the rule's pattern counts for the rule's frame and category (依法 before
  打击 / 查处 counts for stability; a rule with ``when`` applies only in a clause where that
  expression matches too). When several governs rules of a term match, the one whose word is
  nearest wins (then file order);
* **topic rules**: one of the rule's terms in a clause where its pattern matches (a subject
  that gives the terms another sense: 隐患 and 排查 in a clause about 安全生产 or 燃气; with
  a ``window``, within that many characters of the match) is multiplied by the rule's
  multiplier (0 in the shipped file); without a ``window``, also in the other clauses of the
  subject's sentence when that sentence names no other stability term and matches no
  ``unless`` (:meth:`RuleSet._sentence_about`).

Every rule reads inside one clause, or one sentence of at most :data:`READ_WINDOW`
characters, so a text read sentence by sentence (as the scorer and KWIC do), and a sentence
longer than that read in windows cut right after a clause delimiter, give the readings of the
whole text: :func:`_reading_windows` cuts text longer than
:data:`READ_WINDOW` (500) characters that way (a stretch of more than 500 characters without
any delimiter, which no edited text has, is cut at the first allowed position from the limit on;
only a rule or a multi-token term that straddles such a cut can then read differently). It
keeps the work per occurrence bounded, whatever the length of the sentence.

A reading's multiplier is the smallest multiplier of the compound, topic and scope rules that apply
(times the governs rule's multiplier), and its ``rule`` is the rule with that smallest
multiplier when it is below 1, else the governs rule that decided the frame, else "".

Usage::

    from textkit.frames.rules import RuleSet

    rules = RuleSet(lexicon.rules, lexicon.lookup())
    rules.read("依法严厉打击违法犯罪。", [(0, 2, "依法")])
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from textkit.core.lexicon import SCOPE_KINDS, ContextRule, Term, governed_distance, topic_applies
from textkit.core.patterns import first_chars, prefilter
from textkit.segment.units import sentence_spans

__all__ = ["CLAUSE_RE", "Reading", "RuleSet"]

#: A clause: the text between ，,；;：:。！？!? and newlines.
CLAUSE_RE = re.compile(r"[^，,；;：:。！？!?\n]+")
_CLAUSE_ENDS = "，,；;：:。！？!?\n"
#: Longest text read in one piece (characters); longer text is read in windows.
READ_WINDOW = 500


def _reading_windows(
    text: str, snap: Callable[[int], int] | None = None, size: int = READ_WINDOW
) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` spans covering ``text``, each read on its own.

    Text of at most ``size`` characters is one window. Longer text is cut right after the
    last clause delimiter (``，,；;：:。！？!?`` or a newline) within ``size`` characters of
    the window's start, so no clause, and therefore no context rule, is cut; when there is
    no delimiter the cut falls at ``size`` characters.

    Parameters
    ----------
    text : str
    snap : callable, optional
        ``snap(pos)``: the first position at or after ``pos`` where a cut is allowed (a token
        boundary, a position outside every match). Default: every position.
    size : int, default :data:`READ_WINDOW`

    Returns
    -------
    list of (int, int)
    """
    n = len(text)
    out: list[tuple[int, int]] = []
    start = 0
    while n - start > size:
        limit = start + size
        last = max(text.rfind(c, start, limit) for c in _CLAUSE_ENDS)
        end = last + 1 if last >= start else limit
        if snap is not None:
            end = snap(end)
        end = min(max(end, start + 1), n)
        out.append((start, end))
        start = end
    if start < n or not out:
        out.append((start, n))
    return out


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_BACK_REFERENCE = re.compile(r"\(\?P=|\\[1-9]|\(\?\(")


def _clause_lines(text: str) -> str:
    """``text`` with each clause delimiter turned into a line break, for :func:`_any_of`'s
    sentence expression (one ``str.replace`` per delimiter: several times faster than a
    regular expression over a long text)."""
    for delimiter in _CLAUSE_ENDS:
        text = text.replace(delimiter, "\n")
    return text


#: Constructs that may read past a clause's edge differently in a whole sentence.
_EDGE_READING = re.compile(r"\(\?<|\(\?!|\\A|\\Z|\\z")


def _any_of(patterns: Sequence[str], lines: bool = False) -> re.Pattern | None:
    """One expression matching wherever one of ``patterns`` matches (their named groups made
    plain), to pass over the clauses none of them can match.

    With ``lines``, the expression is for a whole sentence whose clause delimiters were
    turned into line breaks (:func:`_clause_lines`), searched in multiline mode: wherever a pattern
    matches inside a clause, it matches there too (``^`` and ``$`` now also match at each
    clause's edges), so a sentence without a match has no clause with one. Patterns that
    look behind or ahead negatively, or anchor on the text's ends, could read the
    neighbouring clause differently: then there is no such expression (``None``). ``None``
    also when there is no pattern or one refers back to a group, which joining them would
    renumber.
    """
    if not patterns or any(_BACK_REFERENCE.search(p) for p in patterns):
        return None
    if lines and any(_EDGE_READING.search(p) for p in patterns):
        return None
    plain = [_NAMED_GROUP.sub("(?:", p) for p in patterns]
    joined = "|".join(f"(?:{p})" for p in plain)
    firsts = [first_chars(p) for p in plain]
    if all(firsts):
        # a match starts with one of these characters: the search skips ahead to them
        chars = "".join(sorted(set().union(*firsts)))
        joined = f"(?=[{re.escape(chars)}])(?:{joined})"
    try:
        return re.compile(joined, re.MULTILINE if lines else 0)
    except re.error:
        return None


def _cue_pattern(rule: ContextRule) -> str | None:
    """The pattern of a compound or topic rule with each occurrence of its term(s) replaced by
    a group of any characters of the term's length (None: a term is not a plain run of
    literals, in a character class or with a quantifier on its last character).

    Every string the rule's pattern matches, this one matches too, so the strings all of its
    matches contain (:func:`textkit.core.patterns.required_sets`) are strings every match of
    the rule contains besides its term: the term, present wherever the rule is asked about,
    filters nothing.
    """
    pattern = rule.pattern
    for term in (rule.term, *rule.terms):
        if not term:
            continue
        if not all(_plain_literal(pattern, i, len(term)) for i in _occurrences(pattern, term)):
            return None
        pattern = pattern.replace(term, f"(?:[\\s\\S]{{{len(term)}}})")
    try:
        re.compile(pattern)
    except re.error:
        return None
    return pattern


def _cue_filter(rules: Sequence[ContextRule]) -> Callable[[str], bool]:
    """``may_apply(text)``: False only when none of ``rules`` (compound or topic) can apply in
    ``text``, because the text lacks the strings every match of each rule's pattern holds
    besides its term (:func:`_cue_pattern`; one check for all of them)."""
    patterns = [_cue_pattern(r) for r in rules]
    if not patterns or any(p is None for p in patterns):
        return _ALWAYS
    return prefilter(re.compile("|".join(f"(?:{p})" for p in patterns)))


def _occurrences(pattern: str, term: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(term), pattern)]


def _plain_literal(pattern: str, start: int, length: int) -> bool:
    """Whether ``pattern[start:start + length]`` is a run of literal characters: outside a
    character class, not escaped, and not followed by a quantifier."""
    depth, i = 0, 0
    while i < start:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and depth == 0:
            depth = 1
        elif ch == "]" and depth:
            depth = 0
        i += 1
    if depth or i != start:  # inside a class, or the run begins with an escaped character
        return False
    return pattern[start + length : start + length + 1] not in ("?", "*", "+", "{")


def _always(text: str) -> bool:
    return True


def _never(text: str) -> bool:
    return False


_ALWAYS: Callable[[str], bool] = _always


class Reading(NamedTuple):
    """How one occurrence counts: its frame and category, multiplier and deciding rule."""

    frame: str
    category: str
    multiplier: float
    rule: str


class RuleSet:
    """The context rules of a lexicon, ready to read occurrences.

    Parameters
    ----------
    rules : sequence of ContextRule
        ``Lexicon.rules`` (empty: every occurrence keeps its frame and weight).
    lookup : mapping of str to Term
        ``Lexicon.lookup()``: the frame and category of each term.
    """

    def __init__(self, rules: Sequence[ContextRule], lookup: Mapping[str, Term]) -> None:
        self.lookup = lookup
        self.scope_rules = tuple(r for r in rules if r.kind in SCOPE_KINDS)
        compound: dict[str, list[ContextRule]] = {}
        governs: dict[str, list[ContextRule]] = {}
        topic: dict[str, list[ContextRule]] = {}
        for r in rules:
            if r.kind == "compound":
                compound.setdefault(r.term, []).append(r)
            elif r.kind == "governs":
                governs.setdefault(r.term, []).append(r)
            elif r.kind == "topic":
                for term in r.terms:
                    topic.setdefault(term, []).append(r)
        self.compound = {t: tuple(rs) for t, rs in compound.items()}
        self.governs = {t: tuple(rs) for t, rs in governs.items()}
        self.topic = {t: tuple(rs) for t, rs in topic.items()}
        # a compound or topic rule can only apply in a text holding its cue strings: an
        # occurrence of a term none of whose rules may apply is read without them
        self._may_apply = {
            r.name: _cue_filter([r]) for r in rules if r.kind in ("compound", "topic")
        }
        cued: dict[str, list[ContextRule]] = {}
        for term, rs in itertools.chain(compound.items(), topic.items()):
            cued.setdefault(term, []).extend(rs)
        self._cued = {t: _cue_filter(rs) for t, rs in cued.items()}
        self._any_scope = _any_of([r.pattern for r in self.scope_rules])
        self._any_scope_lines = _any_of([r.pattern for r in self.scope_rules], lines=True)
        self._ruled = frozenset(self.compound) | frozenset(self.governs) | frozenset(self.topic)
        self._plain_readings: dict[str, Reading] = {}
        self._anchors: dict[str, re.Pattern | None] = {}  # per topic rule (_sentence_about)

    def _plain(self, term: str) -> Reading:
        """The reading of an occurrence no rule applies to: the term's own frame, weight 1."""
        found = self._plain_readings.get(term)
        if found is None:
            t = self.lookup.get(term)
            frame, category = (t.frame, t.category) if t is not None else ("", "")
            found = self._plain_readings[term] = Reading(frame, category, 1.0, "")
        return found

    def __bool__(self) -> bool:
        return bool(self.scope_rules or self.compound or self.governs or self.topic)

    def scopes(
        self, text: str, near: Sequence[tuple] | None = None
    ) -> list[tuple[int, int, float, str]]:
        """Scope-rule spans (start, end, multiplier, rule name) in ``text``, clause by clause.

        With ``near`` (occurrences ``(start, end, ...)``), only the clauses that overlap one
        of them are read: a scope never leaves its clause, so it can reach no occurrence
        outside it.
        """
        out = []
        if not self.scope_rules:
            return out
        lines = self._any_scope_lines
        if near is not None and lines is not None and not lines.search(_clause_lines(text)):
            return out  # no scope rule matches in any clause (see _any_of)
        for cm in CLAUSE_RE.finditer(text):
            clause, base = cm.group(0), cm.start()
            if near is not None:
                end = cm.end()
                if not any(h[0] < end and h[1] > base for h in near):
                    continue
                if self._any_scope is not None and self._any_scope.search(clause) is None:
                    continue  # no scope rule matches anywhere in this clause
            for rule in self.scope_rules:
                if rule.kind == "reference":
                    if rule.regex.search(clause) is not None:
                        out.append((base, base + len(clause), rule.multiplier, rule.name))
                    continue
                for m in rule.regex.finditer(clause):
                    s, e = m.span("scope")
                    if e > s:
                        out.append((base + s, base + e, rule.multiplier, rule.name))
        return out

    def scope_texts(self, texts: Sequence[str]) -> set[int] | None:
        """The positions of the ``texts`` in which a scope rule may match, found in one pass
        over them all (``None``: the rules allow no such pass; any text may hold a match).

        Every text holding a clause that a scope rule matches is in the set (see
        :func:`_any_of`: wherever a rule matches in a clause, the sentence expression
        matches, and a match it passes over lies inside one it reports); a text in the set
        need not hold one.
        """
        if not self.scope_rules:
            return set()
        lines = self._any_scope_lines
        if lines is None:
            return None
        # texts hold no line break of their own that could join two of them into one clause
        begins = [0, *itertools.accumulate(len(t) + 1 for t in texts)]
        found: set[int] = set()
        joined = _clause_lines("\n".join(texts))
        for m in lines.finditer(joined):
            a, b = m.span()
            first = bisect.bisect_right(begins, a) - 1
            last = bisect.bisect_right(begins, max(b - 1, a)) - 1
            found.update(range(first, last + 1))
        return found

    def _governs(self, text: str, start: int, end: int, term: str) -> ContextRule | None:
        """The governs rule of ``term`` whose word is nearest the occurrence (or None)."""
        rules = self.governs.get(term)
        if not rules:
            return None
        clause = next((m for m in CLAUSE_RE.finditer(text) if m.start() <= start < m.end()), None)
        if clause is None:
            return None
        base = clause.start()
        best, best_d = None, None
        for rule in rules:
            d = governed_distance(rule, clause.group(0), start - base, end - base)
            if d is not None and (best_d is None or d < best_d):
                best, best_d = rule, d
        return best

    def read(
        self, text: str, hits: Sequence[tuple], scoped: bool = True, whole: bool = True
    ) -> list[Reading]:
        """The reading of each occurrence ``(start, end, term, ...)`` in ``text``.

        Offsets are character offsets in ``text`` (a sentence or a paragraph). A term that is
        not in the lexicon (KWIC of any string) gets frame and category "" and only the scope
        rules. ``scoped=False``: the caller knows no scope rule matches in ``text``
        (:meth:`scope_texts`). ``whole=False``: ``text`` is a window of a longer sentence
        (:func:`_reading_windows`), whose sentence-wide reading of topic rules
        (:meth:`_sentence_about`) is then not made, as for any sentence over
        :data:`READ_WINDOW` characters.
        """
        scopes = self.scopes(text, hits) if scoped and self.scope_rules else []
        ruled = self._ruled
        if not scopes and not any(hit[2] in ruled for hit in hits):  # the common case
            return [self._plain(hit[2]) for hit in hits]
        may: dict[str, bool] = {}  # per rule: may it apply in this text (its cue strings)
        cued: dict[str, bool] = {}  # per term: may one of its compound or topic rules apply
        compound_spans: dict[str, list[tuple[int, int, float, str]]] = {}
        topic_spans: dict[str, list[tuple[int, int]]] = {}
        sentences: list[tuple[int, int]] = []  # the text's sentences, found when first needed
        out = []
        governs = self.governs
        for hit in hits:
            s, e, term = hit[0], hit[1], hit[2]
            if not scopes:
                if term not in ruled:
                    out.append(self._plain(term))  # no rule can change this occurrence
                    continue
                if term not in governs:
                    live = cued.get(term)
                    if live is None:
                        live = cued[term] = self._cued.get(term, _never)(text)
                    if not live:
                        out.append(self._plain(term))  # no rule of the term is cued here
                        continue
            t = self.lookup.get(term)
            frame, category = (t.frame, t.category) if t is not None else ("", "")
            mult, rule, gmult = 1.0, "", 1.0
            for r in self.compound.get(term, ()):
                spans = compound_spans.get(r.name)
                if spans is None:
                    spans = compound_spans[r.name] = (
                        [(m.start(), m.end(), r.multiplier, r.name) for m in r.regex.finditer(text)]
                        if self._may(r, text, may)
                        else []
                    )
                for a, b, m, name in spans:
                    if a <= s and e <= b and m < mult:
                        mult, rule = m, name
            for r in self.topic.get(term, ()):
                if r.multiplier >= mult:
                    continue
                clauses = topic_spans.get(r.name)
                if clauses is None:  # the clauses of the text about the rule's subject
                    clauses = topic_spans[r.name] = (
                        [
                            cm.span()
                            for cm in CLAUSE_RE.finditer(text)
                            if r.regex.search(cm.group(0))
                        ]
                        if self._may(r, text, may)
                        else []
                    )
                for a, b in clauses:
                    if a <= s and e <= b:
                        if topic_applies(r, text[a:b], s - a, e - a):
                            mult, rule = r.multiplier, r.name
                        break
                else:
                    if clauses and whole and self._sentence_about(r, text, s, sentences):
                        mult, rule = r.multiplier, r.name
            for a, b, m, name in scopes:
                if s < b and e > a and m < mult:
                    mult, rule = m, name
            g = self._governs(text, s, e, term)
            if g is not None:
                frame, category, gmult = g.frame, g.category, g.multiplier
                if not rule:
                    rule = g.name
            out.append(Reading(frame, category, mult * gmult, rule))
        return out

    def _sentence_about(
        self, rule: ContextRule, text: str, start: int, sentences: list[tuple[int, int]]
    ) -> bool:
        """Whether a topic rule reads an occurrence at ``start`` outside the clauses that name
        its subject: the rule has no ``window``, and the occurrence's sentence (of at most
        :data:`READ_WINDOW` characters) names the subject in another clause, matches no
        ``unless`` and holds no other stability term (a scored term of the stability frame
        that is not one of the rule's ``terms``: 治安, 犯罪, 综合治理 … anchor the sentence in
        public order, and it is read clause by clause). ``加强重点行业领域隐患排查整治，坚决遏制
        重特大事故发生`` is about accidents throughout; ``开展安全生产大检查，加强学校安全防范和
        综合治理`` is not. ``sentences`` caches the sentence spans of ``text``."""
        if rule.window:
            return False
        if not sentences:
            sentences.extend(sentence_spans(text) or [(0, len(text))])
        k = bisect.bisect_right(sentences, start, key=lambda span: span[0]) - 1
        a, b = sentences[max(k, 0)]
        if b - a > READ_WINDOW:
            return False
        sentence = text[a:b]
        if rule.regex.search(sentence) is None:
            return False  # the subject is in another sentence of the text
        if rule.unless and re.search(rule.unless, sentence):
            return False
        anchors = self._anchors.get(rule.name)
        if anchors is None:
            own = set(rule.terms)
            words = sorted(
                (t for t, v in self.lookup.items()
                 if v.frame == "stability" and v.weight > 0 and t not in own),
                key=lambda t: (-len(t), t),
            )  # fmt: skip
            anchors = self._anchors[rule.name] = (
                re.compile("|".join(map(re.escape, words))) if words else None
            )
        return anchors is None or anchors.search(sentence) is None

    def _may(self, rule: ContextRule, text: str, seen: dict[str, bool]) -> bool:
        """Whether ``rule`` may apply in ``text`` (its cue strings, :func:`_cue_filter`),
        remembered in ``seen`` for the other occurrences of the text."""
        ok = seen.get(rule.name)
        if ok is None:
            ok = seen[rule.name] = self._may_apply[rule.name](text)
        return ok
