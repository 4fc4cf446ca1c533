"""Frame lexicon: the dictionary behind stability-maintenance vs service / rule-of-law scores.

The lexicon is package data (``textkit/resources/frames.yaml``, documented in
``frames_card.md``) and can be replaced by passing a path to :func:`load_lexicon`. Every
function of textkit that takes ``lexicon=`` takes a :class:`Lexicon` or the path of such a file
(:func:`as_lexicon`, the one rule), and ``[frames] lexicon`` of ``textkit.toml`` names a
project's own file (``FrameConfig.lexicon``). It has two
frames, ``stability`` and ``service_law``; each frame is split into documented sub-categories
and each term carries a ``note`` (why it belongs), a ``weight`` (default 1; ``0`` means the
term is listed and visible in KWIC and term tables but not scored) and an ``ambiguous`` flag.
Context rules (regular expressions applied clause by clause, see :mod:`textkit.frames.score`) live in
the same file, so every decision that changes a score is data a reader can inspect.

It lives in ``core`` because three stages share it: the segmenter keeps every lexicon term
one token, seeded topic models are seeded with its terms, and :mod:`textkit.frames` scores
with it. ``textkit.frames`` re-exports :class:`Lexicon` and :func:`load_lexicon`.

Context rules are of six kinds: ``negation`` and ``shift`` (a term inside the rule's
``scope`` is multiplied by its multiplier), ``reference`` (every term of a clause the rule
matches is: a bibliographic entry cites a title, it frames nothing), ``compound`` (a term inside a longer expression
that gives it another sense: 民主 in 民主党派), ``governs`` (the sense of a term read from
the word it governs within a few characters of its clause: 依法 before 打击 counts for
stability; with ``when``, only in a clause where that expression matches too) and
``topic`` (the listed ``terms`` in a clause about a subject that gives them another sense:
隐患, 排查 and 整治 in a clause about 安全生产 inspect firms, not people).
``compound``, ``governs`` and ``topic`` rules carry a note and a ``test`` sentence the loader
checks the rule matches.

Malformed files raise :class:`LexiconError` naming the file and line (missing term or note,
a term listed twice or in both frames, an unknown frame key, a non-numeric or negative
weight, a context rule of an unknown kind, with an unknown key, whose regex does not compile
or lacks the ``scope`` group, without its note or test sentence, or whose test sentence it
does not match).

Usage::

    from textkit.core.lexicon import load_lexicon

    lex = load_lexicon()                 # shipped frames.yaml
    lex.terms("stability")[:3]
    lex.table().query("ambiguous")       # the deliberate choices
"""

from __future__ import annotations

import functools
import importlib.resources
import logging
import math
import os
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from textkit.core.checks import check_choice
from textkit.core.errors import InvalidParameterError, LexiconError

__all__ = [
    "LexiconLike",
    "as_lexicon",
    "terms_inside",
    "topic_applies",
    "FRAMES",
    "SCOPE_KINDS",
    "ContextRule",
    "Lexicon",
    "LexiconError",
    "Term",
    "load_lexicon",
]

logger = logging.getLogger(__name__)

#: The two frame keys, in display order.
FRAMES: tuple[str, ...] = ("stability", "service_law")

#: Kinds of context rule: the three scope kinds, then the three sense kinds.
_RULE_KINDS = ("negation", "shift", "reference", "compound", "governs", "topic")
#: Kinds of rule that multiply every frame term inside a span of the clause: the ``scope``
#: group of a match (negation, shift) or the whole clause a match is in (reference).
SCOPE_KINDS = ("negation", "shift", "reference")
_DIRECTIONS = ("after", "before")
_CLAUSE_RE = re.compile(r"[^，,；;：:。！？!?\n]+")
_RULE_KEYS = {
    "negation": {"name", "kind", "pattern", "multiplier", "note", "test"},
    "shift": {"name", "kind", "pattern", "multiplier", "note", "test"},
    "reference": {"name", "kind", "pattern", "multiplier", "note", "test"},
    "compound": {"name", "kind", "term", "pattern", "multiplier", "note", "test"},
    "governs": {"name", "kind", "term", "pattern", "when", "window", "direction", "frame",
                "category", "multiplier", "note", "test"},
    "topic": {"name", "kind", "terms", "pattern", "unless", "window", "multiplier", "note",
              "test"},
}  # fmt: skip
_SHIPPED = "frames.yaml"
_META_KEYS = ("__line__", "__keylines__")


@dataclass(frozen=True)
class Term:
    """One lexicon entry.

    Attributes
    ----------
    term : str
        The word or multiword expression (simplified Chinese).
    frame : str
        ``stability`` or ``service_law``.
    category : str
        Sub-category within the frame.
    weight : float
        Multiplier of every occurrence (default 1; 0 = listed but not scored).
    note : str
        Why the term belongs (and, for ambiguous terms, why it is weighted as it is).
    ambiguous : bool
        True when the term also has uses outside the frame.
    line : int
        Line in the source file (1-based; 0 when built in memory).
    source : str
        Where the term comes from (a policy document, law or the seed corpus reading);
        empty when the file does not say.
    """

    term: str
    frame: str
    category: str
    weight: float = 1.0
    note: str = ""
    ambiguous: bool = False
    line: int = 0
    source: str = ""


@dataclass(frozen=True)
class ContextRule:
    """A clause-level context rule.

    Attributes
    ----------
    name : str
        Identifier shown in KWIC and contribution tables.
    kind : str
        ``negation`` or ``shift`` (scope rules: frame terms inside the ``scope`` group of a
        match are multiplied by ``multiplier``); ``reference`` (a scope rule whose match marks
        a clause that quotes a source rather than framing anything, such as a bibliographic
        entry ``…[J].``: every frame term of the clause is multiplied); ``compound`` (occurrences of ``term`` inside a
        match of ``pattern``, a longer expression that gives the term another sense, are
        multiplied by ``multiplier``); ``governs`` (an occurrence of ``term`` followed
        (``direction="after"``) or preceded (``"before"``) by a match of ``pattern`` within
        ``window`` characters of its clause counts for ``frame`` / ``category``, times
        ``multiplier``; with ``when``, only in a clause where ``when`` also matches);
        ``topic`` (occurrences of one of ``terms`` in a clause where ``pattern`` matches,
        a subject that gives them another sense, are multiplied by ``multiplier``; with a
        ``window``, only occurrences within that many characters of a match; not in a clause
        where ``unless`` matches).
    pattern : str
        Regular expression (negation and shift rules: with a named group ``scope``).
    multiplier : float
        Scope and compound rules: usually 0 (the term does not count). Governs rules:
        usually 1 (the term counts with its weight, in ``frame``).
    note : str
        Example and rationale.
    line : int
        Line in the source file.
    term : str
        The lexicon term a compound or governs rule reads ("" for scope rules).
    window : int
        Governs rules: the most characters between the term and the governed word. Topic
        rules: the most characters between an occurrence and a match of the pattern, on
        either side (0: anywhere in the clause).
    direction : str
        Governs rules: ``after`` (the term governs a following word) or ``before`` (it
        follows the word).
    frame : str
        Governs rules: the frame the occurrence counts for.
    category : str
        Governs rules: the category it counts in (default: the term's own category).
    test : str
        A sentence the rule applies to (required for compound, governs and topic rules).
    terms : tuple of str
        Topic rules: the lexicon terms the rule reads (empty for other kinds).
    unless : str
        Topic rules: a regular expression that, matching in the clause, keeps the rule from
        applying there ("": none).
    when : str
        Governs rules: a regular expression that must also match in the clause for the rule
        to apply there ("": none), anywhere in it (监督改造 counts for stability only in a
        clause naming 地主, 反革命 … ).
    """

    name: str
    kind: str
    pattern: str
    multiplier: float = 0.0
    note: str = ""
    line: int = 0
    term: str = ""
    window: int = 0
    direction: str = "after"
    frame: str = ""
    category: str = ""
    test: str = ""
    terms: tuple[str, ...] = ()
    unless: str = ""
    when: str = ""

    @functools.cached_property
    def regex(self) -> re.Pattern:
        """The compiled pattern (kept on the rule: it is read once per clause scanned)."""
        return _compile(self.pattern)

    def matches(self, text: str) -> bool:
        """Whether the rule's pattern applies in ``text`` (clause by clause, and for compound
        and governs rules at an occurrence of ``term``, for topic rules in a clause holding
        one of ``terms``); the loader checks ``test`` with it."""
        for cm in _CLAUSE_RE.finditer(text):
            clause = cm.group(0)
            if self.kind == "topic":
                for t in self.terms:
                    for tm in re.finditer(re.escape(t), clause):
                        if topic_applies(self, clause, tm.start(), tm.end()):
                            return True
            elif self.kind == "reference":
                if self.regex.search(clause):
                    return True
            elif self.kind in SCOPE_KINDS:
                if any(m.end("scope") > m.start("scope") for m in self.regex.finditer(clause)):
                    return True
            elif self.kind == "compound":
                spans = [m.span() for m in self.regex.finditer(clause)]
                for tm in re.finditer(re.escape(self.term), clause):
                    if any(a <= tm.start() and tm.end() <= b for a, b in spans):
                        return True
            else:
                for tm in re.finditer(re.escape(self.term), clause):
                    if governed_distance(self, clause, tm.start(), tm.end()) is not None:
                        return True
        return False


def terms_inside(word: str, terms: Container[str], longest: int) -> list[tuple[int, int, str]]:
    """Lexicon terms inside a longer word: leftmost-longest, non-overlapping.

    The one rule shared by frame scoring (a term counts inside a longer token: 综治维稳 ->
    综治 + 维稳) and the segmenter's ``term_parts`` option (the same terms added as tokens).
    The word itself is not returned even when it is a term; a weight-0 entry of the lexicon
    (自治区) wins as the longer match and so blocks the shorter term inside it (自治).

    Parameters
    ----------
    word : str
    terms : container of str
        The lexicon's terms (a set or dict for fast lookup).
    longest : int
        Length of the longest term.

    Returns
    -------
    list of (start, end, term)
        Offsets relative to ``word``.
    """
    found = []
    n = len(word)
    j = 0
    while j < n - 1:
        for k in range(min(n, j + longest), j + 1, -1):
            if (k - j) < n and word[j:k] in terms:
                found.append((j, k, word[j:k]))
                j = k
                break
        else:
            j += 1
    return found


def topic_applies(rule: ContextRule, clause: str, start: int, end: int) -> bool:
    """Whether a topic rule applies to the occurrence ``clause[start:end]``: its pattern
    matches in the clause, within ``rule.window`` characters of the occurrence when the rule
    has a window (an overlapping match is at distance 0), and ``rule.unless`` does not match
    in it."""
    if rule.unless and _compile(rule.unless).search(clause):
        return False
    if not rule.window:
        return rule.regex.search(clause) is not None
    return any(
        max(m.start() - end, start - m.end(), 0) <= rule.window for m in rule.regex.finditer(clause)
    )


def governed_distance(rule: ContextRule, clause: str, start: int, end: int) -> int | None:
    """Characters between an occurrence ``clause[start:end]`` of a governs rule's term and
    the nearest match of its pattern in ``clause`` on the rule's side (None: no match within
    ``rule.window``, or ``rule.when`` does not match in ``clause``)."""
    if rule.when and _compile(rule.when).search(clause) is None:
        return None
    if rule.direction == "after":
        gap = _compile(rf"(?P<gap>.{{0,{rule.window}}}?)(?:{rule.pattern})")
        m = gap.match(clause, end)
        return None if m is None else len(m.group("gap"))
    best = None
    for m in rule.regex.finditer(clause, 0, start):
        d = start - m.end()
        if d <= rule.window and (best is None or d < best):
            best = d
    return best


_COMPILED: dict[str, re.Pattern] = {}


def _compile(pattern: str) -> re.Pattern:
    rx = _COMPILED.get(pattern)
    if rx is None:
        rx = _COMPILED[pattern] = re.compile(pattern)
    return rx


@dataclass(frozen=True)
class Lexicon:
    """A validated frame lexicon (immutable).

    Attributes
    ----------
    entries : tuple of Term
        All terms, sorted by frame (``FRAMES`` order), category and term.
    rules : tuple of ContextRule
        Context rules in file order (order does not matter: overlapping scopes take the
        smallest multiplier).
    source : str
        Path of the file it was read from (or ``"<memory>"``).
    labels : tuple of (str, str)
        Frame key -> display label.
    """

    entries: tuple[Term, ...]
    rules: tuple[ContextRule, ...] = ()
    source: str = "<memory>"
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def frames(self) -> dict[str, dict[str, tuple[Term, ...]]]:
        """Nested view: frame -> category -> terms (sorted)."""
        out: dict[str, dict[str, list[Term]]] = {f: {} for f in FRAMES}
        for t in self.entries:
            out[t.frame].setdefault(t.category, []).append(t)
        return {f: {c: tuple(ts) for c, ts in sorted(cats.items())} for f, cats in out.items()}

    def terms(self, frame: str | None = None) -> tuple[str, ...]:
        """Sorted terms, of one frame or of both.

        Parameters
        ----------
        frame : {"stability", "service_law"}, optional

        Returns
        -------
        tuple of str
        """
        if frame is not None:
            check_choice("frame", frame, FRAMES)
        return tuple(sorted(t.term for t in self.entries if frame is None or t.frame == frame))

    def lookup(self) -> dict[str, Term]:
        """Mapping term -> :class:`Term`."""
        return {t.term: t for t in self.entries}

    def table(self) -> pd.DataFrame:
        """All entries as a table: frame, category, term, weight, ambiguous, note, source, line."""
        rows = [
            {
                "frame": t.frame,
                "category": t.category,
                "term": t.term,
                "weight": t.weight,
                "ambiguous": t.ambiguous,
                "note": t.note,
                "source": t.source,
                "line": t.line,
            }
            for t in self.entries
        ]
        cols = ["frame", "category", "term", "weight", "ambiguous", "note", "source", "line"]
        return pd.DataFrame(rows, columns=cols)

    def summary(self, n_examples: int = 5) -> pd.DataFrame:
        """One row per frame and category: terms, scored terms, ambiguous terms, examples.

        Parameters
        ----------
        n_examples : int
            How many terms (in file order) to list in ``examples``, joined by 、.

        Returns
        -------
        pandas.DataFrame
            Indexed by (frame, category) in file order.
        """
        table = self.table()
        return (
            table.assign(scored=table["weight"] > 0)
            .groupby(["frame", "category"], sort=False)
            .agg(
                terms=("term", "size"),
                scored=("scored", "sum"),
                ambiguous=("ambiguous", "sum"),
                examples=("term", lambda s: "、".join(s.head(n_examples))),
            )
        )

    def rules_table(self) -> pd.DataFrame:
        """Context rules as a table: name, kind, term, pattern, unless, when, window,
        direction, frame, category, multiplier, note, test, line (term belongs to compound and
        governs rules, and holds a topic rule's terms joined by "、"; unless to topic rules;
        window to governs and topic rules; when, direction, frame and category to governs
        rules)."""
        cols = ["name", "kind", "term", "pattern", "unless", "when", "window", "direction",
                "frame", "category", "multiplier", "note", "test", "line"]  # fmt: skip
        rows = []
        for r in self.rules:
            row = {c: getattr(r, c) for c in cols}
            if r.kind == "topic":
                row["term"] = "、".join(r.terms)
            rows.append(row)
        return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- loading


class _LineLoader(yaml.SafeLoader):
    """SafeLoader recording each mapping's line (``__line__``) and its keys' lines."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__keylines__"] = {
        loader.construct_object(k): k.start_mark.line + 1
        for k, _ in node.value
        if isinstance(k, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _err(path: str, line: int | None, msg: str) -> LexiconError:
    where = f"{path}, line {line}" if line else path
    return LexiconError(f"{where}: {msg}")


def _weight(value: Any, path: str, line: int, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, line, f"{what} must be a number, got {value!r}")
    w = float(value)
    if not math.isfinite(w) or w < 0:
        raise _err(path, line, f"{what} must be a finite number >= 0, got {value!r}")
    return w


def _parse(data: Any, path: str) -> Lexicon:
    if not isinstance(data, dict) or "frames" not in data:
        raise _err(path, 1, "top level must be a mapping with a 'frames' key")
    frames = data["frames"]
    if not isinstance(frames, dict):
        raise _err(path, data.get("__line__"), "'frames' must be a mapping")
    fline = frames.get("__line__")
    entries: list[Term] = []
    seen: dict[str, Term] = {}
    labels = []
    for fkey in sorted((k for k in frames if k not in _META_KEYS), key=str):
        fdata = frames[fkey]
        line = frames["__keylines__"].get(fkey, fline)
        if fkey not in FRAMES:
            raise _err(path, line, f"unknown frame key {fkey!r}; expected one of {FRAMES}")
        if not isinstance(fdata, dict) or not isinstance(fdata.get("categories"), dict):
            raise _err(path, line, f"frame {fkey!r} needs a 'categories' mapping")
        labels.append((fkey, str(fdata.get("label", fkey))))
        cats = fdata["categories"]
        for cat in sorted((k for k in cats if k not in _META_KEYS), key=str):
            cdata = cats[cat]
            cline = cats["__keylines__"].get(cat, line)
            if not isinstance(cdata, dict) or not isinstance(cdata.get("terms"), list):
                raise _err(path, cline, f"category {cat!r} of {fkey!r} needs a 'terms' list")
            for item in cdata["terms"]:
                tline = item.get("__line__", cline) if isinstance(item, dict) else cline
                if not isinstance(item, dict):
                    raise _err(path, cline, f"entry {item!r} in {cat!r} must be a mapping")
                unknown = sorted(
                    set(item) - {"term", "note", "weight", "ambiguous", "source", *_META_KEYS}
                )
                if unknown:
                    raise _err(path, tline, f"unknown key(s) {unknown} in term entry")
                term = item.get("term")
                if term is None or not str(term).strip():
                    raise _err(path, tline, "entry without 'term'")
                term = str(term).strip()
                if re.search(r"\s", term):
                    raise _err(path, tline, f"term {term!r} contains whitespace")
                note = item.get("note")
                if note is None or not str(note).strip():
                    raise _err(path, tline, f"term {term!r} has no 'note'")
                weight = _weight(item.get("weight", 1), path, tline, f"weight of {term!r}")
                amb = item.get("ambiguous", False)
                if not isinstance(amb, bool):
                    raise _err(path, tline, f"'ambiguous' of {term!r} must be true/false")
                if term in seen:
                    prev = seen[term]
                    raise _err(
                        path,
                        tline,
                        f"duplicate term {term!r} (already in {prev.frame}/{prev.category} "
                        f"at line {prev.line})",
                    )
                source = item.get("source", "")
                if not isinstance(source, str):
                    raise _err(path, tline, f"'source' of {term!r} must be a string")
                t = Term(
                    term, fkey, str(cat), weight, str(note).strip(), amb, tline, source.strip()
                )
                seen[term] = t
                entries.append(t)
    missing = [f for f in FRAMES if f not in frames]
    if missing:
        raise _err(path, fline, f"missing frame(s) {missing}")
    rules = []
    names: set[str] = set()
    for item in data.get("context_rules") or []:
        rules.append(_parse_rule(item, path, data.get("__line__"), seen, entries, names))
    order = {f: i for i, f in enumerate(FRAMES)}
    entries.sort(key=lambda t: (order[t.frame], t.category, t.term))
    return Lexicon(tuple(entries), tuple(rules), path, tuple(labels))


def _parse_rule(
    item: Any, path: str, top: int | None, seen: dict, entries: list, names: set
) -> ContextRule:
    """One context rule entry, validated (``seen``: the lexicon terms by name)."""
    rline = item.get("__line__") if isinstance(item, dict) else None
    if not isinstance(item, dict):
        raise _err(path, top, f"context rule {item!r} must be a mapping")
    name = str(item.get("name", "")).strip()
    if not name:
        raise _err(path, rline, "context rule without 'name'")
    if name in names:
        raise _err(path, rline, f"duplicate context rule name {name!r}")
    names.add(name)
    kind = item.get("kind")
    if kind not in _RULE_KINDS:
        raise _err(path, rline, f"rule {name!r}: kind must be one of {_RULE_KINDS}, got {kind!r}")
    unknown = sorted(set(item) - _RULE_KEYS[kind] - set(_META_KEYS))
    if unknown:
        raise _err(path, rline, f"rule {name!r}: unknown key(s) {unknown} for kind {kind!r}")
    pattern = item.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise _err(path, rline, f"rule {name!r} has no 'pattern'")
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise _err(path, rline, f"rule {name!r}: bad regex ({exc})") from None
    note = str(item.get("note", "") or "").strip()
    test = str(item.get("test", "") or "").strip()
    fields: dict[str, Any] = {}
    if kind in SCOPE_KINDS:
        if kind != "reference" and "scope" not in rx.groupindex:
            raise _err(path, rline, f"rule {name!r}: pattern needs a named group (?P<scope>...)")
        default = 0
    else:
        if not note:
            raise _err(path, rline, f"rule {name!r} has no 'note'")
        if not test:
            raise _err(path, rline, f"rule {name!r} has no 'test' sentence")
    if kind == "topic":
        terms = item.get("terms")
        if not isinstance(terms, list) or not terms:
            raise _err(path, rline, f"rule {name!r}: 'terms' must be a non-empty list of "
                       f"lexicon terms, got {terms!r}")  # fmt: skip
        terms = [str(t).strip() for t in terms]
        unknown_terms = [t for t in terms if t not in seen]
        if unknown_terms:
            raise _err(path, rline, f"rule {name!r}: 'terms' holds non-lexicon term(s) "
                       f"{unknown_terms}")  # fmt: skip
        fields["terms"] = tuple(dict.fromkeys(terms))
        fields["window"] = _window(item.get("window", 0), name, path, rline)
        fields["unless"] = _regex_key(item, "unless", name, path, rline)
        default = 0
    elif kind not in SCOPE_KINDS:
        term = str(item.get("term", "") or "").strip()
        if term not in seen:
            raise _err(path, rline, f"rule {name!r}: 'term' must be a lexicon term, got {term!r}")
        fields["term"] = term
        default = 0 if kind == "compound" else 1
        if kind == "governs":
            window = _window(item.get("window"), name, path, rline)
            direction = item.get("direction", "after")
            if direction not in _DIRECTIONS:
                raise _err(path, rline, f"rule {name!r}: 'direction' must be one of "
                           f"{_DIRECTIONS}, got {direction!r}")  # fmt: skip
            frame = item.get("frame")
            if frame not in FRAMES:
                raise _err(path, rline, f"rule {name!r}: 'frame' must be one of {FRAMES}, "
                           f"got {frame!r}")  # fmt: skip
            category = str(item.get("category") or seen[term].category)
            cats = {t.category for t in entries if t.frame == frame}
            if category not in cats:
                raise _err(path, rline, f"rule {name!r}: frame {frame!r} has no category "
                           f"{category!r}")  # fmt: skip
            when = _regex_key(item, "when", name, path, rline)
            fields.update(
                window=window, direction=direction, frame=frame, category=category, when=when
            )
    mult = _weight(item.get("multiplier", default), path, rline, f"multiplier of rule {name!r}")
    rule = ContextRule(name, kind, pattern, mult, note, rline or 0, test=test, **fields)
    if test and not rule.matches(test):
        raise _err(path, rline, f"rule {name!r} does not apply to its test sentence {test!r}")
    return rule


def _regex_key(item: dict, key: str, name: str, path: str, rline: int | None) -> str:
    """A rule's optional regular expression ``key`` (``unless``, ``when``), checked ("": none)."""
    value = item.get(key, "")
    if not isinstance(value, str):
        raise _err(path, rline, f"rule {name!r}: {key!r} must be a regular expression, "
                   f"got {value!r}")  # fmt: skip
    try:
        re.compile(value)
    except re.error as exc:
        raise _err(path, rline, f"rule {name!r}: bad {key!r} regex ({exc})") from None
    return value


def _window(window: Any, name: str, path: str, rline: int | None) -> int:
    """A rule's ``window``, checked: an integer >= 0."""
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise _err(path, rline, f"rule {name!r}: 'window' must be an integer >= 0, got {window!r}")
    return window


def load_lexicon(path: str | os.PathLike | None = None) -> Lexicon:
    """Load and validate a frame lexicon.

    Parameters
    ----------
    path : path-like, optional
        A YAML file in the format of the shipped ``textkit/resources/frames.yaml``.
        ``None`` loads the shipped file.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        Malformed file; the message names the file and line.
    """
    if path is None:
        res = importlib.resources.files("textkit") / "resources" / _SHIPPED
        text = res.read_text(encoding="utf-8")
        name = str(res)
    else:
        p = Path(path)
        if not p.is_file():
            raise LexiconError(f"{p}: lexicon file not found")
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LexiconError(f"{p}: not UTF-8 ({exc})") from None
        name = str(p)
    return _load_cached(text, name)


#: What a ``lexicon=`` argument may be: a loaded :class:`Lexicon` or the path of a lexicon
#: file (:func:`as_lexicon` turns it into a Lexicon).
LexiconLike = Lexicon | str | os.PathLike


def as_lexicon(
    lexicon: LexiconLike | None = None,
    *,
    default: str | os.PathLike | None = None,
    name: str = "lexicon",
) -> Lexicon:
    """The lexicon a ``lexicon=`` argument names: the one rule of every function taking one.

    Parameters
    ----------
    lexicon : Lexicon, path-like or None
        A loaded :class:`Lexicon` (used as it is), or the path of a lexicon file (read with
        :func:`load_lexicon`).
    default : path-like, optional
        The lexicon file when ``lexicon`` is None (e.g. ``FrameConfig.lexicon``, the
        ``[frames] lexicon`` setting); None too: the shipped lexicon.
    name : str, default "lexicon"
        The parameter named in the error.

    Returns
    -------
    Lexicon

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        ``lexicon`` is neither a Lexicon, a path nor None (the message names ``name``).
    LexiconError
        The file does not exist or is malformed (file and line named).
    """
    if isinstance(lexicon, Lexicon):
        return lexicon
    if lexicon is None:
        return load_lexicon(default)
    if isinstance(lexicon, (str, os.PathLike)) and not isinstance(lexicon, bytes):
        return load_lexicon(lexicon)
    raise InvalidParameterError(
        f"{name}: expected a Lexicon (textkit.load_lexicon) or the path of a lexicon file, "
        f"got {type(lexicon).__name__}"
    )


_CACHE: dict[tuple[str, str], Lexicon] = {}


def _load_cached(text: str, name: str) -> Lexicon:
    key = (name, text)
    lex = _CACHE.get(key)
    if lex is None:
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise _err(name, line, f"invalid YAML ({getattr(exc, 'problem', exc)})") from None
        lex = _parse(data, name)
        _CACHE[key] = lex
        logger.debug(
            "loaded lexicon %s: %d terms, %d rules", name, len(lex.entries), len(lex.rules)
        )
    return lex
