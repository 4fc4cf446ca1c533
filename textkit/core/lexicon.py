"""Frame lexicon: the dictionary behind stability-maintenance vs service / rule-of-law scores.

The lexicon is package data (``textkit/resources/frames.yaml``, documented in
``frames_card.md``) and can be replaced by passing a path to :func:`load_lexicon`. It has two
frames, ``stability`` and ``service_law``; each frame is split into documented sub-categories
and each term carries a ``note`` (why it belongs), a ``weight`` (default 1; ``0`` means the
term is listed and visible in KWIC and term tables but not scored) and an ``ambiguous`` flag.
Context rules (regular expressions applied clause by clause, see :mod:`textkit.frames.score`) live in
the same file, so every decision that changes a score is data a reader can inspect.

It lives in ``core`` because three stages share it: the segmenter keeps every lexicon term
one token, seeded topic models are seeded with its terms, and :mod:`textkit.frames` scores
with it. ``textkit.frames`` re-exports :class:`Lexicon` and :func:`load_lexicon`.

Malformed files raise :class:`LexiconError` naming the file and line (missing term or note,
a term listed twice or in both frames, an unknown frame key, a non-numeric or negative
weight, a context rule whose regex does not compile or lacks the ``scope`` group).

Usage::

    from textkit.core.lexicon import load_lexicon

    lex = load_lexicon()                 # shipped frames.yaml
    lex.terms("stability")[:3]
    lex.table().query("ambiguous")       # the deliberate choices
"""

from __future__ import annotations

import importlib.resources
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from textkit.core.checks import check_choice
from textkit.core.errors import LexiconError

__all__ = [
    "FRAMES",
    "ContextRule",
    "Lexicon",
    "LexiconError",
    "Term",
    "load_lexicon",
]

logger = logging.getLogger(__name__)

#: The two frame keys, in display order.
FRAMES: tuple[str, ...] = ("stability", "service_law")

_RULE_KINDS = ("negation", "shift")
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
    """

    term: str
    frame: str
    category: str
    weight: float = 1.0
    note: str = ""
    ambiguous: bool = False
    line: int = 0


@dataclass(frozen=True)
class ContextRule:
    """A clause-level context rule.

    Attributes
    ----------
    name : str
        Identifier shown in KWIC and contribution tables.
    kind : str
        ``negation`` or ``shift``.
    pattern : str
        Regular expression with a named group ``scope``; frame terms inside the scope are
        multiplied by ``multiplier``.
    multiplier : float
        Usually 0 (the term does not count).
    note : str
        Example and rationale.
    line : int
        Line in the source file.
    """

    name: str
    kind: str
    pattern: str
    multiplier: float = 0.0
    note: str = ""
    line: int = 0

    @property
    def regex(self) -> re.Pattern:
        """The compiled pattern."""
        return _compile(self.pattern)


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
        """All entries as a table: frame, category, term, weight, ambiguous, note, line."""
        rows = [
            {
                "frame": t.frame,
                "category": t.category,
                "term": t.term,
                "weight": t.weight,
                "ambiguous": t.ambiguous,
                "note": t.note,
                "line": t.line,
            }
            for t in self.entries
        ]
        cols = ["frame", "category", "term", "weight", "ambiguous", "note", "line"]
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
        """Context rules as a table: name, kind, pattern, multiplier, note."""
        cols = ["name", "kind", "pattern", "multiplier", "note"]
        return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.rules], columns=cols)


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
                unknown = sorted(set(item) - {"term", "note", "weight", "ambiguous", *_META_KEYS})
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
                t = Term(term, fkey, str(cat), weight, str(note).strip(), amb, tline)
                seen[term] = t
                entries.append(t)
    missing = [f for f in FRAMES if f not in frames]
    if missing:
        raise _err(path, fline, f"missing frame(s) {missing}")
    rules = []
    names = set()
    for item in data.get("context_rules") or []:
        rline = item.get("__line__") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            raise _err(path, data.get("__line__"), f"context rule {item!r} must be a mapping")
        name = str(item.get("name", "")).strip()
        if not name:
            raise _err(path, rline, "context rule without 'name'")
        if name in names:
            raise _err(path, rline, f"duplicate context rule name {name!r}")
        names.add(name)
        kind = item.get("kind")
        if kind not in _RULE_KINDS:
            raise _err(path, rline, f"rule {name!r}: kind must be one of {_RULE_KINDS}")
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise _err(path, rline, f"rule {name!r} has no 'pattern'")
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise _err(path, rline, f"rule {name!r}: bad regex ({exc})") from None
        if "scope" not in rx.groupindex:
            raise _err(path, rline, f"rule {name!r}: pattern needs a named group (?P<scope>...)")
        mult = _weight(item.get("multiplier", 0), path, rline, f"multiplier of rule {name!r}")
        rules.append(ContextRule(name, kind, pattern, mult, str(item.get("note", "")), rline))
    order = {f: i for i, f in enumerate(FRAMES)}
    entries.sort(key=lambda t: (order[t.frame], t.category, t.term))
    return Lexicon(tuple(entries), tuple(rules), path, tuple(labels))


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
