"""Skip a regular expression on texts where it cannot match: required-text prefilters.

(:func:`first_chars` reads the same parsed patterns for the characters a match starts with.)

Cleaning runs dozens of rules (mask placeholders, mojibake runs, watermarks, page chrome) over
every text, and most rules match in few texts. Python's ``re`` scans the whole text for each
rule; a rule that starts with a lookbehind, a digit or an alternation has no fast scan for its
start, so one rule can cost as much as a tenth of the cleaning. :func:`prefilter` reads a
pattern once and finds a few strings of which **every match contains at least one**
(:func:`required_sets`); a text containing none of them cannot match, and the rule is
skipped there. Looking for a few strings is one fast scan of the text each.

Why this is exact: a match is a sequence of the pattern's items; a run of literal characters
appears in every match as it is, and an item that must consume at least one character (a class
of literals, a group or an alternation of such items, an item repeated at least once) puts one
of its strings into every match. The analysis takes no shortcut it cannot justify: a class with
a negation or a category (``\\d``, ``\\w``), a case-insensitive pattern or flags set inside a
group give nothing, and a pattern with no usable item gets no prefilter (the rule then always
runs). ``tests/core/test_patterns.py`` checks the prefilters of every shipped cleaning rule on
generated and real text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

__all__ = ["first_chars", "prefilter", "required_sets"]

#: A character range of a class is expanded only up to this size.
_MAX_RANGE = 256
#: Up to this many required strings, the text is searched with ``in``, else with one pattern.
_FEW = 3
#: At most this many required sets are checked per pattern (the rarest).
_MAX_SETS = 3


def required_sets(pattern: re.Pattern | str) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of ``pattern`` contains a string of each set.

    The items of the pattern's top level that every match must consume each give a set
    (the rarest first, at most :data:`_MAX_SETS`); a text missing every string of one set
    cannot match.

    Parameters
    ----------
    pattern : re.Pattern or str

    Returns
    -------
    tuple of frozenset of str
        Empty when nothing can be read off the pattern.

    Examples
    --------
    >>> [sorted(s) for s in required_sets(r"(?:19|20)[xX×]{1,3}年")]
    [['年'], ['X', 'x', '×']]
    """
    parsed = _parsed(pattern)
    if parsed is None:
        return ()
    found = sorted(_candidates(list(parsed)), key=lambda c: (_cost(c), sorted(c)))
    return tuple(frozenset(c) for c in found[:_MAX_SETS])


def _parsed(pattern: re.Pattern | str) -> Any:
    """The parsed pattern, or None when it cannot be read or ignores case."""
    from re import _parser

    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if not isinstance(source, str):
        return None
    try:
        parsed = _parser.parse(source, flags)
    except Exception:  # a private module: any surprise means no prefilter, not an error
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


def _cost(strings: set[str]) -> float:
    """How often some string of the set may be found: lower is rarer."""

    def weight(c: str) -> int:
        if c.isdigit() or c.isspace():
            return 100
        return 10 if c.isascii() or c.isalpha() else 1  # letters (Chinese too) are common

    return sum(min(map(weight, s)) / len(s) for s in strings)


def _sequence(items: list) -> set[str] | None:
    """The rarest required strings of a sequence of items."""
    found = _candidates(items)
    return min(found, key=_cost) if found else None


def _candidates(items: list) -> list[set[str]]:
    """A set of required strings for each item of a sequence every match consumes (a run of
    literals is one string)."""
    from re import _constants as C

    candidates: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        got = _item(op, av)
        if got is not None:
            candidates.append(got)
    if run:
        candidates.append({"".join(run)})
    return candidates


def _union(alternatives: list, read: Callable[[list], set[str] | None]) -> set[str] | None:
    """The union of what ``read`` finds in each alternative of a branch; None if one has
    nothing."""
    out: set[str] = set()
    for alt in alternatives:
        got = read(list(alt))
        if got is None:
            return None
        out |= got
    return out


def _item(op: Any, av: Any) -> set[str] | None:
    from re import _constants as C

    if op is C.IN:
        out: set[str] = set()
        for o, v in av:
            if o is C.LITERAL:
                out.add(chr(v))
            elif o is C.RANGE and v[1] - v[0] < _MAX_RANGE:
                out.update(map(chr, range(v[0], v[1] + 1)))
            else:  # NEGATE, CATEGORY, a wide range
                return None
        return out or None
    if op is C.BRANCH:
        return _union(av[1], _sequence)
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _sequence(list(sub))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    return None  # lookarounds, anchors, ANY, categories, back-references: not required


def first_chars(pattern: re.Pattern | str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, when the pattern starts with
    literals, a class of literals or alternatives of those; ``None`` otherwise (or when the
    pattern cannot be read or ignores case).

    Examples
    --------
    >>> sorted(first_chars("(?:由|从)(?P<scope>[^，]{1,20}?)转变"))
    ['从', '由']
    """
    from re import _constants as C

    def first(items: list) -> set[str] | None:
        if not items:
            return None
        op, av = items[0]
        if op is C.LITERAL:
            return {chr(av)}
        if op is C.IN:
            if all(o is C.LITERAL for o, _ in av):
                return {chr(v) for _, v in av}
            return None
        if op is C.BRANCH:
            return _union(av[1], first)
        if op is C.SUBPATTERN:  # a group: its own first characters, unless it sets flags
            return None if av[1] or av[2] else first(list(av[-1]))
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            return first(list(av[2]))
        return None

    parsed = _parsed(pattern)
    found = first(list(parsed)) if parsed is not None else None
    return frozenset(found) if found else None


@functools.lru_cache(maxsize=4096)
def prefilter(pattern: re.Pattern) -> Callable[[str], bool]:
    """``may_match(text)``: False only when ``pattern`` cannot match anywhere in ``text``.

    Parameters
    ----------
    pattern : re.Pattern

    Returns
    -------
    callable
        Always True when the pattern has no required strings (:func:`required_sets`).
    """
    sets = required_sets(pattern)
    if not sets:
        return _always
    if all(len(strings) == 1 for strings in sets):  # the common case: literal runs
        needed = tuple(next(iter(strings)) for strings in sets)
        if len(needed) == 1:
            (one,) = needed
            return lambda text: one in text
        return lambda text: all(s in text for s in needed)
    tests = tuple(_contains_any(strings) for strings in sets)
    return lambda text: all(test(text) for test in tests)


def _contains_any(strings: frozenset[str]) -> Callable[[str], bool]:
    """Whether a text contains one of ``strings``."""
    if len(strings) <= _FEW:
        few = tuple(sorted(strings))
        return lambda text: any(s in text for s in few)
    ordered = sorted(strings, key=lambda s: (-len(s), s))
    search = re.compile("|".join(map(re.escape, ordered))).search
    return lambda text: search(text) is not None


def _always(text: str) -> bool:
    return True
