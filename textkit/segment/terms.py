"""Term mining: candidate multi-character terms for the governance dictionary.

:func:`mine_terms` finds three kinds of candidates in raw (cleaned) texts:

``quoted``
    expressions in Chinese quotation marks (“…”, 「…」, 『…』), 2-12 characters of CJK
    text; official writing quotes its slogans (“三个构筑”, “一把手”).
``slogan``
    numbered slogans: a numeral (two or more; 一 only in two-numeral slogans, since 一个 /
    一项 are mostly articles) followed by a counter or a short verb/noun (三个代表, 四个平台,
    三治融合), or two numerals each with a short object (四议两公开, 两会一队, 一村一品,
    一岗双责). Every length allowed by the pattern is tried; a form is kept when it recurs
    (``slogan_min_freq``), does not end in a function character, has varied context on both
    sides, and no longer recurring form extends it.
``ngram``
    frequent character n-grams (2-8 characters by default) inside runs of CJK text that
    are internally cohesive and externally free:

    * ``pmi``: the minimum over all split points ``w = a + b`` of
      ``log2(c(w) * N / (c(a) * c(b)))`` with ``c`` the n-gram counts and ``N`` the number
      of CJK characters (a term is only as cohesive as its weakest joint);
    * ``left_entropy`` / ``right_entropy``: Shannon entropy (bits) of the characters seen
      immediately left / right of the n-gram; every run boundary (punctuation, start or end
      of text) counts as a distinct neighbour. A fragment of a longer word has a low
      entropy on the side where the word continues.

    N-grams that start or end with a function character (的, 了, 是, 在, 和 …, see
    :data:`EDGE_CHARS`) are skipped.

``score = log2(1 + freq) * max(pmi, 0) * min(left_entropy, right_entropy)`` for n-grams;
quoted expressions and slogans get the same formula when their statistics exist (terms
longer than ``max_len`` have no PMI; their score uses ``pmi = 1``). Rows are sorted by
score (descending) then term, so the output is deterministic. ``in_dictionary`` is True when
the segmenter already cuts the term as one token.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError

__all__ = ["EDGE_CHARS", "TermMiningConfig", "mine_terms"]

logger = logging.getLogger(__name__)

#: Function characters that do not start or end a term (n-gram candidates only).
EDGE_CHARS = frozenset("的了是在和与及等对把被之也都而并为将从以于就其或又很所着过这那个们有")

_CJK = "\u4e00-\u9fff"
_RUN_RE = re.compile(f"[{_CJK}]+")
_QUOTE_RE = re.compile(r"“([^“”\n]{2,40})”|「([^「」\n]{2,40})」|『([^『』\n]{2,40})』")
_NUM = "一二三四五六七八九十两双百千万"
_SLOGAN_RE = re.compile(
    rf"(?<![{_NUM}\d])(?=("
    rf"[{_NUM[1:]}](?:[个项大化治条种联心定包帮权会议学评查访][{_CJK}]{{1,4}}"
    rf"|[{_CJK}]{{1,3}}[{_NUM}][{_CJK}]{{1,3}})"
    rf"|一[{_CJK}]{{1,3}}[{_NUM}][{_CJK}]{{1,3}}"
    r"))"
)
_COLUMNS = [
    "term",
    "kind",
    "freq",
    "doc_freq",
    "pmi",
    "left_entropy",
    "right_entropy",
    "score",
    "in_dictionary",
    "example",
]


@dataclass(frozen=True)
class TermMiningConfig:
    """Options of :func:`mine_terms` (documented there); validated on creation."""

    min_len: int = 2
    max_len: int = 8
    min_freq: int = 5
    min_pmi: float = 3.0
    min_entropy: float = 1.0
    quote_max_len: int = 12
    slogan_min_freq: int = 2
    example_width: int = 12

    def __post_init__(self) -> None:
        minimum = {"min_len": 2, "quote_max_len": 2}  # a term has at least 2 characters
        for name in ("min_len", "max_len", "min_freq", "quote_max_len", "slogan_min_freq"):
            check_int(name, getattr(self, name), minimum=minimum.get(name, 1))
        if self.max_len < self.min_len:
            raise InvalidParameterError(
                f"max_len: expected an integer >= min_len={self.min_len}, got {self.max_len!r}"
            )
        for name in ("min_pmi", "min_entropy"):
            check_number(name, getattr(self, name))
        check_int("example_width", self.example_width, minimum=0)


def _texts(texts: Any) -> list[str]:
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise ValueError("texts: a DataFrame needs a 'text' column")
        values = texts["text"].tolist()
    elif isinstance(texts, Mapping):
        values = [texts[k] for k in texts]
    elif isinstance(texts, str):
        values = [texts]
    else:
        values = list(texts)
    out = []
    for i, t in enumerate(values):
        if t is None or (isinstance(t, float) and math.isnan(t)):
            t = ""
        if not isinstance(t, str):
            raise ValueError(f"texts: item {i} is {type(t).__name__}, not str")
        out.append(t)
    return out


def _entropy(counter: Counter[str], boundaries: int) -> float:
    total = sum(counter.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum((c / total) * math.log2(c / total) for c in counter.values())
    if boundaries:
        p = 1 / total
        h -= boundaries * p * math.log2(p)
    return h + 0.0


def mine_terms(
    texts: Iterable[str] | Mapping[str, str] | pd.DataFrame,
    *,
    config: TermMiningConfig | None = None,
    segmenter: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """Candidate dictionary terms: quoted expressions, numbered slogans, cohesive n-grams.

    Parameters
    ----------
    texts : iterable of str, mapping id -> text, or DataFrame with a ``text`` column
        Cleaned (simplified) texts. Not modified.
    config : TermMiningConfig, optional
        All options at once; otherwise pass them as keywords:
        ``min_len`` (2), ``max_len`` (8) n-gram lengths; ``min_freq`` (5) minimum n-gram
        frequency; ``min_pmi`` (3.0 bits) and ``min_entropy`` (1.0 bit) cohesion and
        freedom thresholds for n-grams; ``quote_max_len`` (12) longest quoted expression;
        ``slogan_min_freq`` (2) minimum frequency of a numbered slogan; ``example_width``
        (12) characters of context on each side in ``example``.
    segmenter : textkit.segment.segmenter.Segmenter, optional
        Used for ``in_dictionary``; default: the default segmenter.

    Returns
    -------
    pandas.DataFrame
        ``term, kind, freq, doc_freq, pmi, left_entropy, right_entropy, score,
        in_dictionary, example``; ``kind`` joins the kinds that found the term with ``+``
        (e.g. ``ngram+quoted``). Sorted by score (descending) then term.
    """
    if config is None:
        config = TermMiningConfig(**options)
    elif options:
        raise ValueError("config: pass either a TermMiningConfig or options, not both")
    cfg = config
    docs = _texts(texts)

    # ---- pass 1: character n-gram counts inside CJK runs -------------------------------
    runs_by_doc = [_RUN_RE.findall(t) for t in docs]
    counts: Counter[str] = Counter()
    n_chars = 0
    for runs in runs_by_doc:
        for run in runs:
            n = len(run)
            n_chars += n
            for k in range(1, cfg.max_len + 1):
                for i in range(0, n - k + 1):
                    counts[run[i : i + k]] += 1

    def pmi(term: str) -> float:
        c = counts.get(term, 0)
        if len(term) < 2 or len(term) > cfg.max_len or c == 0 or not _RUN_RE.fullmatch(term):
            return float("nan")
        best = math.inf
        for s in range(1, len(term)):
            a, b = term[:s], term[s:]
            best = min(best, math.log2(c * n_chars / (counts[a] * counts[b])))
        return best

    kinds: dict[str, set[str]] = defaultdict(set)

    # ---- n-gram candidates ---------------------------------------------------------
    ngram_pmi: dict[str, float] = {}
    for term, c in counts.items():
        if c < cfg.min_freq or len(term) < cfg.min_len:
            continue
        if term[0] in EDGE_CHARS or term[-1] in EDGE_CHARS:
            continue
        p = pmi(term)
        if p >= cfg.min_pmi:
            ngram_pmi[term] = p

    # ---- quoted expressions ----------------------------------------------------------
    for t in docs:
        for m in _QUOTE_RE.finditer(t):
            q = next(g for g in m.groups() if g is not None).strip()
            if cfg.min_len <= len(q) <= cfg.quote_max_len and _RUN_RE.fullmatch(q):
                kinds[q].add("quoted")

    # ---- numbered slogans ------------------------------------------------------------
    slogan_forms: Counter[str] = Counter()
    for runs in runs_by_doc:
        for run in runs:
            for m in _SLOGAN_RE.finditer(run):
                full = m.group(1)
                for k in range(3, len(full) + 1):
                    slogan_forms[full[:k]] += 1
    slogan_kept = [
        s for s, c in slogan_forms.items() if c >= cfg.slogan_min_freq and len(s) <= cfg.max_len
    ]

    # ---- pass 2: neighbours of every candidate (CJK runs; boundaries are distinct) -----
    wanted = set(ngram_pmi) | set(slogan_kept) | {q for q in kinds if len(q) <= cfg.max_len}
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    left_b: Counter[str] = Counter()
    right_b: Counter[str] = Counter()
    lengths = sorted({len(w) for w in wanted})
    for runs in runs_by_doc:
        for run in runs:
            n = len(run)
            for k in lengths:
                for i in range(0, n - k + 1):
                    w = run[i : i + k]
                    if w not in wanted:
                        continue
                    if i == 0:
                        left_b[w] += 1
                    else:
                        left[w][run[i - 1]] += 1
                    if i + k == n:
                        right_b[w] += 1
                    else:
                        right[w][run[i + k]] += 1

    def entropies(w: str) -> tuple[float, float]:
        if w not in wanted:
            return float("nan"), float("nan")
        return _entropy(left[w], left_b[w]), _entropy(right[w], right_b[w])

    for term in sorted(ngram_pmi):
        le, re_ = entropies(term)
        if min(le, re_) >= cfg.min_entropy:
            kinds[term].add("ngram")

    # slogans: keep maximal recurring forms that are free on the right
    slogan_set = {s for s in slogan_kept if s[-1] not in EDGE_CHARS and min(entropies(s)) > 0}
    for s in sorted(slogan_set):
        longer = [
            t
            for t in slogan_set
            if len(t) > len(s) and t.startswith(s) and slogan_forms[t] >= slogan_forms[s]
        ]
        if not longer:
            kinds[s].add("slogan")

    if not kinds:
        return pd.DataFrame(columns=_COLUMNS)

    # ---- statistics, examples, dictionary flags -----------------------------------------
    if segmenter is None:
        from textkit.segment.segmenter import get_segmenter

        segmenter = get_segmenter()
    rows = []
    for term in sorted(kinds):
        pattern = re.compile(re.escape(term))
        freq = 0
        doc_freq = 0
        example = ""
        for t in docs:
            hits = [m.start() for m in pattern.finditer(t)]
            if hits:
                doc_freq += 1
                freq += len(hits)
                if not example:
                    i = hits[0]
                    w = cfg.example_width
                    example = t[max(0, i - w) : i + len(term) + w].replace("\n", " ")
        if freq == 0:
            continue
        p = pmi(term)
        le, re_ = entropies(term)
        p_for_score = 1.0 if math.isnan(p) else max(p, 0.0)
        ent = min(le, re_) if not math.isnan(le) else 1.0
        score = math.log2(1 + freq) * p_for_score * ent
        rows.append(
            {
                "term": term,
                "kind": "+".join(sorted(kinds[term])),
                "freq": freq,
                "doc_freq": doc_freq,
                "pmi": p,
                "left_entropy": le,
                "right_entropy": re_,
                "score": round(score, 10),
                "in_dictionary": segmenter.cut(term) == [term],
                "example": example,
            }
        )
    out = pd.DataFrame(rows, columns=_COLUMNS)
    out = out.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    logger.info("mine_terms: %d candidates from %d texts", len(out), len(docs))
    return out.reset_index(drop=True).astype(
        {"freq": "int64", "doc_freq": "int64", "in_dictionary": bool}
    )
