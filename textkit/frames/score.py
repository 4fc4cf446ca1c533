"""Frame measurement: stability maintenance (维稳) vs services under law (服务/法治).

This stage scores texts with the frame lexicon (:mod:`textkit.core.lexicon`) in a way a reviewer
can audit:

* **Matching.** Each sentence is cut with :meth:`textkit.segment.segmenter.Segmenter.cut` (raw tokens,
  nothing removed, so every occurrence is seen). The default segmenter has every lexicon term
  in its dictionary, so multiword terms are single tokens; a term that a segmenter still
  splits is found by joining up to ``FrameConfig.max_join`` consecutive tokens, longest
  match first (社会治安综合治理 is one hit, not 社会治安 + 综合治理). A term inside a longer
  dictionary word (综治办, 社区治安, 综治维稳) is found too (``FrameConfig.inside_tokens``).
  The sentences and their raw tokens are the sentence units of
  :func:`textkit.segment.corpus.segment_corpus` with ``with_raw=True``: given as ``units``
  (a corpus segmented once for every stage) or segmented here through the segmentation
  cache. Only the tokens where a term can start are visited (:mod:`textkit.frames.match`).
* **Context rules** (data in ``frames.yaml``, read by :mod:`textkit.frames.rules`) are applied
  clause by clause (clauses end at ，；：。！？ and newlines). A term inside the ``scope`` of a
  negation rule (不能以维稳代替维权, 不是…而是…, 不再…, …而非…, 避免单纯依靠…) or on the *from*
  side of a shift (由管控向服务转变, 由控制型政府转变为服务型政府, 变管控为服务) is multiplied by
  the rule's multiplier, 0 in the shipped file. We do **not** move such a hit to the other
  frame: the other side of the contrast is counted through its own terms (服务型政府, 维权), so
  moving the hit would count one idea twice, and many negations (不再上访) carry no evidence
  for the other frame at all.
* **Sense rules** decide what one occurrence of a term means. A *compound* rule sets aside a
  term inside a longer expression that gives it another sense (民主 in 民主党派, 防控 in
  疫情防控: multiplier 0). A *governs* rule reads the term's sense from the word it governs
  within a few characters of its clause, and **moves** the hit: 依法 before 打击 / 查处 / 追究
  is law as the instrument of a crackdown (rule *by* law, counted as stability, as the lexicon
  entry 依法打击 is), while 依法 before 行政 / 履职 / 维护…权益 stays rule *of* law. Unlike a
  negation, nothing else in the clause counts that sense, so moving it counts it once.
* **Denominator.** Intensities are per 1,000 *analysis tokens* (:meth:`Segmenter.tokenize`:
  no punctuation, numbers, stopwords or empty officialese), so a verbose document is not
  credited with more framing than a terse one; ``FrameConfig.denominator="words"`` uses all
  word tokens of ``cut`` instead (punctuation, spaces and numbers removed).
* **Scores** per document, paragraph or sentence: context-weighted counts, per-1,000
  intensities, the service share and ``balance = (S - T) / (S + T)`` where ``S`` and ``T`` are
  the weighted service-law and stability counts (NaN, not 0, when there is no frame term).
* **Uncertainty.** Percentile bootstrap confidence intervals of the balance, resampling the
  text's sentences (or paragraphs) with replacement, vectorised with numpy. The draws are
  common random numbers: they depend only on ``FrameConfig.random_state`` and the number of
  units resampled, so texts with as many units are resampled alike (their intervals differ
  by their data alone, and the draws are made once per unit count), and a text's interval
  does not depend on which other texts are scored with it, nor on its id.
* **Labels** (:mod:`textkit.frames.labels`): ``neither`` when the text has fewer than
  ``min_hits`` weighted hits or fewer than ``min_per_1k`` hits per 1,000 tokens; ``mixed``
  when the minority frame has at least ``mixed_min_hits``; otherwise ``stability`` when
  ``balance <= -label_threshold`` (and, with ``label_ci``, the CI's upper bound is below 0),
  ``service_law`` likewise on the other side, ``mixed`` in between. Documents use
  ``min_hits``, ``min_per_1k``, ``label_threshold``, ``label_ci``, ``mixed_min_hits``;
  paragraphs, sentences and documents of at most ``short_text_tokens`` tokens (microblog
  posts) the ``paragraph_*`` thresholds, chosen by cross-validation on the shipped coded
  paragraphs (:func:`textkit.frames.tune.tune_label_rule`).
* **Script.** Traditional characters are converted to simplified before matching
  (``FrameConfig.simplify``), as corpus cleaning does.

* **Long sentences.** A sentence longer than 500 characters (``READ_WINDOW`` of
  :mod:`textkit.frames.rules`) is matched and read in windows cut right after a clause
  delimiter, which changes no reading; only a stretch of more than 500 characters without any
  delimiter (not edited text: a run-on page) is cut at a token boundary. Together with the
  bounded context of the hit rows this keeps memory proportional to the text, not to its
  longest sentence times its hits.

Transparency tools: :func:`frame_hits` (every occurrence with its offsets, 40 characters of
context each side and the rule that changed it) and :func:`term_contributions` (which words drive a score); key word in context
is in :mod:`textkit.frames.kwic` and keyness in :mod:`textkit.frames.keyness`.
:func:`frame_config` reads the ``[frames]`` table of ``textkit.toml``.

Usage::

    from textkit.frames.score import score_frames, term_contributions

    scores = score_frames(documents)                  # one row per document
    paras = score_frames(documents, level="paragraph")
    term_contributions(documents).head()
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from textkit.core.checks import check_bool, check_choice, check_int, check_number
from textkit.core.config import StageConfig
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import WorkerPool, pool_for
from textkit.core.lexicon import FRAMES, Lexicon, LexiconLike, as_lexicon
from textkit.corpus.read import document_variables
from textkit.frames.labels import LabelRule, assign_labels
from textkit.frames.match import TermMatcher, matcher_for
from textkit.frames.rules import READ_WINDOW, Reading, _reading_windows

__all__ = [
    "FrameConfig",
    "frame_config",
    "frame_hits",
    "score_frames",
]

logger = logging.getLogger(__name__)

_LEVELS = ("document", "paragraph", "sentence")
_BOOT_UNITS = ("sentence", "paragraph")
_DENOMINATORS = ("analysis", "words")
#: Metadata columns of a documents table carried into the score table when present.
_META = ("page_id", "title", "genre", "source", "year", "era", "status", "is_duplicate")
#: Characters of context kept each side of a hit (``left``, ``right`` of :func:`frame_hits`).
HIT_CONTEXT = 40
#: With ``n_jobs > 1``, sentences are matched in worker processes from this many on.
PARALLEL_MIN_UNITS = 20_000
#: Columns of :func:`frame_hits`.
HIT_COLUMNS = (
    "doc_id", "para_id", "sent_id", "frame", "category", "term", "token", "weight",
    "multiplier", "rule", "value", "start", "end", "left", "right",
)  # fmt: skip
#: The types of the columns of :data:`HIT_COLUMNS` (an empty table keeps them).
HIT_DTYPES = dict(zip(HIT_COLUMNS, (
    "str", "int64", "int64", "str", "str", "str", "str", "float64",
    "float64", "str", "float64", "int64", "int64", "str", "str",
), strict=True))  # fmt: skip
#: The types of the key and label columns of the scores table.
_SCORE_DTYPES = {"doc_id": "str", "para_id": "int64", "sent_id": "int64", "frame_label": "str"}
_WORD_RE = re.compile(r"[\w\u3400-\u9fff]")


def typed_empty(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the columns ``dtypes`` names cast to their type when it has no rows
    (a table built from no rows has untyped columns); ``frame`` itself otherwise."""
    if len(frame):
        return frame
    return frame.astype({c: t for c, t in dtypes.items() if c in frame.columns})


_NUM_RE = re.compile(r"^[\d.,%％:：/\-]+$")


@dataclass(frozen=True)
class FrameConfig(StageConfig):
    """Options of the frame scorer (validated on creation).

    Parameters
    ----------
    n_boot : int, default 1000
        Bootstrap replicates for the balance CI (0 disables the bootstrap; CIs are NaN).
    ci : float, default 0.95
        Confidence level of the percentile interval.
    random_state : int, default 0
        Seed of the bootstrap draws, which are seeded from it and the number of units
        resampled (common random numbers: see the module docstring).
    bootstrap_unit : {"sentence", "paragraph"}, default "sentence"
        The resampling unit of document scores. Paragraph scores always resample their
        sentences. A text with a single unit (every sentence-level score) has an
        "interval" that collapses to the point estimate.
    denominator : {"analysis", "words"}, default "analysis"
        Tokens counted in ``n_tokens`` (see module docstring).
    context_rules : bool, default True
        Apply the lexicon's context rules.
    max_join : int, default 4
        Longest run of raw tokens joined to find a lexicon term the segmenter split.
    inside_tokens : bool, default True
        Also find lexicon terms inside longer tokens of the segmenter's dictionary
        (综治办 -> 综治, 社区治安 -> 治安, 综治维稳 -> 综治 + 维稳; leftmost-longest,
        non-overlapping). Without it a quarter of the seed corpus's frame-term
        occurrences are lost inside compounds. Words that contain a term without carrying
        its meaning (自治区) are listed in the lexicon with weight 0, so they win as the
        longer match.
    min_hits : float, default 3.0
        Documents: fewer weighted frame hits than this -> ``neither``.
    min_per_1k : float, default 2.0
        Documents: fewer weighted frame hits per 1,000 tokens than this -> ``neither`` (a long
        text that mentions 治安 once is not framed by it).
    label_threshold : float, default 0.2
        Documents: ``|balance|`` needed for a one-sided label.
    label_ci : bool, default True
        Documents: a one-sided label also needs a balance CI that excludes 0.
    mixed_min_hits : float, default 0.0
        Documents: ``mixed`` whenever the minority frame has at least this many weighted
        hits (0: off; a long document mentions both frames somewhere).
    short_text_tokens : int, default 100
        A *document* of at most this many tokens (``n_tokens``: a microblog post, a headline,
        a news snippet) is labelled with the paragraph rule: it is as short as the coded
        paragraphs that rule was chosen on (95 % of them have at most 107 analysis tokens),
        and the document rule would call almost every such text ``neither``. 0: off.
    simplify : bool, default True
        Convert traditional characters to simplified (OpenCC ``t2s`` with the protected
        terms, :func:`textkit.corpus.clean.to_simplified`, as corpus cleaning does) before
        matching the (simplified) lexicon, so a text scraped in traditional characters
        (維護社會穩定) is scored like its simplified form. Already simplified texts are
        unchanged. Offsets and contexts of :func:`frame_hits` refer to the converted text.
    paragraph_min_hits, paragraph_min_per_1k, paragraph_label_threshold, paragraph_label_ci, paragraph_mixed_min_hits, paragraph_short_tokens
        The same five thresholds for paragraphs and sentences, and the length up to which a
        paragraph needs one weighted hit only (``LabelRule.short_tokens``). The defaults are the rule
        :func:`textkit.frames.tune.tune_label_rule` chooses on the shipped coded
        paragraphs (see the data card of ``coded_paragraphs.csv``).
    lexicon : str or path-like, optional
        A lexicon file in the format of the shipped ``frames.yaml``
        (:func:`textkit.core.lexicon.load_lexicon`), used by every function given this
        config and no ``lexicon`` argument (an argument wins). Default: the shipped
        lexicon. In ``textkit.toml`` (``[frames] lexicon``) a relative path is resolved
        against the folder of the file. The file must exist (``ValueError`` naming the
        setting and the path); it is read, and its format checked, when first used.
    """

    table = "frames"

    @classmethod
    def _resolve(cls, project: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """``lexicon`` resolved against the project root (the folder of ``textkit.toml``)."""
        lexicon = values.get("lexicon")
        if isinstance(lexicon, str) and lexicon.strip():
            return {"lexicon": str(project.resolve(lexicon))}
        return {}

    n_boot: int = 1000
    ci: float = 0.95
    random_state: int = 0
    bootstrap_unit: str = "sentence"
    denominator: str = "analysis"
    context_rules: bool = True
    max_join: int = 4
    inside_tokens: bool = True
    short_text_tokens: int = 100
    simplify: bool = True
    min_hits: float = 3.0
    min_per_1k: float = 2.0
    label_threshold: float = 0.2
    label_ci: bool = True
    mixed_min_hits: float = 0.0
    paragraph_min_hits: float = 1.5
    paragraph_min_per_1k: float = 0.0
    paragraph_label_threshold: float = 0.0
    paragraph_label_ci: bool = False
    paragraph_mixed_min_hits: float = 2.0
    paragraph_short_tokens: int = 20
    lexicon: str | None = None

    def __post_init__(self) -> None:
        lexicon = self.lexicon
        if lexicon is not None:
            if isinstance(lexicon, bytes) or not isinstance(lexicon, (str, os.PathLike)):
                raise InvalidParameterError(
                    f"lexicon: expected the path of a lexicon file, got {type(lexicon).__name__}"
                )
            if not str(lexicon).strip():
                raise InvalidParameterError("lexicon: expected the path of a lexicon file, got ''")
            if not Path(lexicon).is_file():
                raise InvalidParameterError(f"lexicon: lexicon file not found: {lexicon}")
            object.__setattr__(self, "lexicon", str(Path(lexicon)))
        check_int("FrameConfig.n_boot", self.n_boot, 0)
        check_int("FrameConfig.random_state", self.random_state, 0)
        check_int("FrameConfig.max_join", self.max_join, 1)
        check_int("FrameConfig.short_text_tokens", self.short_text_tokens, 0)
        check_int("FrameConfig.paragraph_short_tokens", self.paragraph_short_tokens, 0)
        check_number("FrameConfig.ci", self.ci, 0.0, 1.0, low_open=True, high_open=True)
        check_number("FrameConfig.min_hits", self.min_hits, 0.0)
        check_number("FrameConfig.min_per_1k", self.min_per_1k, 0.0)
        check_number("FrameConfig.label_threshold", self.label_threshold, 0.0, 1.0)
        check_number("FrameConfig.mixed_min_hits", self.mixed_min_hits, 0.0)
        check_number("FrameConfig.paragraph_min_hits", self.paragraph_min_hits, 0.0)
        check_number("FrameConfig.paragraph_mixed_min_hits", self.paragraph_mixed_min_hits, 0.0)
        check_number("FrameConfig.paragraph_min_per_1k", self.paragraph_min_per_1k, 0.0)
        check_number(
            "FrameConfig.paragraph_label_threshold", self.paragraph_label_threshold, 0.0, 1.0
        )
        check_choice("FrameConfig.bootstrap_unit", self.bootstrap_unit, _BOOT_UNITS)
        check_choice("FrameConfig.denominator", self.denominator, _DENOMINATORS)
        for name in ("context_rules", "inside_tokens", "simplify", "label_ci",
                     "paragraph_label_ci"):  # fmt: skip
            check_bool(f"FrameConfig.{name}", getattr(self, name))

    def as_json(self) -> dict:
        """Settings as a JSON-ready dict."""
        return asdict(self)

    def label_rule(self, level: str = "document") -> LabelRule:
        """The thresholds that label a score row of ``level`` (document, paragraph, sentence)."""
        check_choice("level", level, _LEVELS)
        if level == "document":
            return LabelRule(
                self.min_hits, self.min_per_1k, self.label_threshold, self.label_ci,
                self.mixed_min_hits,
            )  # fmt: skip
        return LabelRule(
            self.paragraph_min_hits,
            self.paragraph_min_per_1k,
            self.paragraph_label_threshold,
            self.paragraph_label_ci,
            self.paragraph_mixed_min_hits,
            self.paragraph_short_tokens,
        )


def frame_config(project: Any = None, **overrides: Any) -> FrameConfig:
    """``FrameConfig.from_project(project, **overrides)``: the ``[frames]`` table of ``textkit.toml``
    (raises ``ConfigError`` naming the file, table and key of an invalid setting).

    See Also
    --------
    textkit.core.config.StageConfig.from_project
    """
    return FrameConfig.from_project(project, **overrides)


# ----------------------------------------------------------------------------- inputs


def as_documents(texts: Any) -> pd.DataFrame:
    """Normalise a list of strings or a documents table to a (copied) table.

    Strings get ids ``"0"``, ``"1"``, …; a table must have ``doc_id`` (unique) and ``text``.
    Shared by :func:`score_frames` and :func:`textkit.frames.kwic.kwic`.
    """
    if isinstance(texts, str):
        raise ValueError("texts: expected a list of strings or a documents table, got one str")
    if isinstance(texts, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in texts.columns]
        if missing:
            raise ValueError(f"texts: documents table lacks column(s) {missing}")
        docs = texts.copy()
        docs["doc_id"] = docs["doc_id"].astype(str)
        if docs["doc_id"].duplicated().any():
            dup = sorted(docs.loc[docs["doc_id"].duplicated(), "doc_id"])[:5]
            raise ValueError(f"texts: duplicate doc_id values {dup}")
    else:
        if isinstance(texts, pd.Series):
            texts = texts.tolist()
        if not isinstance(texts, Iterable):
            raise ValueError(f"texts: expected a list of strings, got {type(texts).__name__}")
        items = list(texts)
        for i, t in enumerate(items):
            if t is not None and not isinstance(t, str):
                raise ValueError(f"texts[{i}]: expected str, got {type(t).__name__}")
        docs = pd.DataFrame({"doc_id": pd.RangeIndex(len(items)).astype(str), "text": items})
    docs["text"] = docs["text"].fillna("").astype(str)
    return docs.reset_index(drop=True)


# ----------------------------------------------------------------------------- matching


def _word_count(raw: Sequence[str]) -> int:
    """Word tokens among raw tokens (``denominator="words"``): no punctuation, space or number."""
    return sum(1 for t in raw if _WORD_RE.search(t) and not _NUM_RE.match(t))


def _token_windows(sent: str, raw: list[str]) -> list[tuple[int, int, int, int]]:
    """``(start, end, first token, end token)`` of the reading windows of a sentence
    (:func:`textkit.frames.rules._reading_windows`), cut at token boundaries."""
    if len(sent) <= READ_WINDOW:
        return [(0, len(sent), 0, len(raw))]
    offsets = [0]
    for t in raw:
        offsets.append(offsets[-1] + len(t))

    def snap(pos: int) -> int:
        return offsets[min(bisect.bisect_left(offsets, pos), len(offsets) - 1)]

    return [
        (a, b, bisect.bisect_left(offsets, a), bisect.bisect_left(offsets, b))
        for a, b in _reading_windows(sent, snap)
    ]


def _sentence_hits(
    matcher: TermMatcher,
    sent: str,
    raw: list[str],
    spans: Sequence[tuple[int, int]],
    scoped: bool = True,
) -> tuple[list[tuple[int, int, str, str]], list[Reading]]:
    """The hits of one sentence (offsets in the sentence) and their readings (``scoped``:
    whether a scope rule may match in the sentence).

    A sentence longer than :data:`textkit.frames.rules.READ_WINDOW` characters is matched
    and read window by window (:func:`_token_windows`).
    """
    if len(sent) <= READ_WINDOW:
        found = matcher.hits_at(raw, spans)
        return (found, matcher.read(sent, found, scoped)) if found else ([], [])
    hits: list[tuple[int, int, str, str]] = []
    readings: list[Reading] = []
    for a, b, i, j in _token_windows(sent, raw):
        found = matcher.hits(raw[i:j])
        if found:
            readings.extend(matcher.read(sent[a:b], found, whole=False))
            hits.extend((s + a, e + a, term, token) for s, e, term, token in found)
    return hits, readings


class _Counted(NamedTuple):
    """The frame hits of a units table as arrays: enough to count them per sentence."""

    rows: np.ndarray  # the sentence (row of the units table) of each hit
    frames: np.ndarray  # where each hit counts (object array of frame names)
    values: np.ndarray  # weight x multiplier
    multipliers: np.ndarray


def _analyse_units(
    units: pd.DataFrame, lexicon: Lexicon, config: FrameConfig, table: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Counted]:
    """Sentence table (doc_id, para_id, sent_id, n_tokens), hit table (``None`` unless
    ``table``) and the hits as arrays, from sentence units with their raw tokens.

    Only the sentences and tokens where a lexicon term can be are visited
    (:meth:`textkit.frames.match.TermMatcher.candidates`). The hit rows keep at most
    :data:`HIT_CONTEXT` characters of context each side, never the sentence.
    """
    matcher = matcher_for(lexicon, config)
    weight = {term: t.weight for term, t in matcher.lookup.items()}
    ctx = HIT_CONTEXT
    texts = units["text"].to_numpy(dtype=object)
    raws = units["raw"].to_numpy(dtype=object)
    doc_ids = units["doc_id"].astype(str).to_numpy(dtype=object)
    pids = units["para_id"].to_numpy(dtype=np.int64)
    sids = units["sent_id"].to_numpy(dtype=np.int64)
    if config.denominator == "analysis":
        n_tokens = np.fromiter(map(len, units["tokens"]), dtype=np.int64, count=len(units))
    else:
        n_tokens = np.fromiter(map(_word_count, raws), dtype=np.int64, count=len(units))
    sent_df = pd.DataFrame(
        {
            "doc_id": pd.Series(doc_ids, dtype="str"),
            "para_id": pids,
            "sent_id": sids,
            "n_tokens": n_tokens,
        }
    )
    rows: list[tuple] = []
    at: list[int] = []
    terms: list[str] = []
    readings: list[Reading] = []
    candidates = matcher.candidates(texts)
    scoped = matcher.rules.scope_texts([texts[k] for k in candidates])
    for i, (k, spans) in enumerate(candidates.items()):  # ascending k
        sent = texts[k]
        found, read = _sentence_hits(matcher, sent, raws[k], spans, scoped is None or i in scoped)
        if not found:
            continue
        at.extend([k] * len(found))
        terms.extend([h[2] for h in found])
        readings.extend(read)
        if table:
            for (s, e, term, token), r in zip(found, read, strict=True):
                w = weight[term]
                rows.append(
                    (doc_ids[k], int(pids[k]), int(sids[k]), r.frame, r.category, term, token,
                     w, r.multiplier, r.rule, w * r.multiplier, s, e,
                     sent[max(0, s - ctx) : s], sent[e : e + ctx])
                )  # fmt: skip
    frames, _, mults, _ = zip(*readings, strict=True) if readings else ((), (), (), ())
    multipliers = np.asarray(mults, dtype=float)
    counted = _Counted(
        np.asarray(at, dtype=np.int64),
        np.asarray(frames, dtype=object),
        np.fromiter(map(weight.__getitem__, terms), dtype=float, count=len(terms)) * multipliers,
        multipliers,
    )
    hit_df = None
    if table:
        hit_df = typed_empty(pd.DataFrame(rows, columns=list(HIT_COLUMNS)), HIT_DTYPES)
    return sent_df, hit_df, counted


def _prepared(
    texts: Any, lexicon: LexiconLike | None, config: FrameConfig | None, simplify: bool = True
) -> tuple[pd.DataFrame, Lexicon, FrameConfig]:
    """The documents table (simplified when ``config.simplify`` and ``simplify``) and the
    defaults filled in."""
    config = config or FrameConfig()
    docs = as_documents(texts)
    if config.simplify and simplify and len(docs):
        docs = _simplified(docs)
    return docs, as_lexicon(lexicon, default=config.lexicon), config


def _simplified(docs: pd.DataFrame) -> pd.DataFrame:
    """``docs`` with traditional characters of ``text`` converted (a copy when any changes)."""
    from textkit.corpus.clean_rules import to_simplified

    texts = docs["text"].tolist()
    simple = [to_simplified(t) if t else t for t in texts]
    changed = [d for d, a, b in zip(docs["doc_id"], texts, simple, strict=True) if a != b]
    if not changed:
        return docs
    logger.info(
        "score_frames: %d text(s) in traditional characters converted to simplified before "
        "matching (e.g. %s); FrameConfig(simplify=False) turns this off",
        len(changed), ", ".join(map(str, changed[:3])),
    )  # fmt: skip
    return docs.assign(text=simple)


#: Columns a units table needs for frame scoring (``segment_corpus(..., with_raw=True)``).
_UNIT_COLUMNS = ("doc_id", "para_id", "sent_id", "text", "tokens", "raw")
_UNITS_HINT = "make it with segment_corpus(docs, unit='sentence', with_raw=True)"


def _given_units(units: Any, docs: pd.DataFrame, config: FrameConfig) -> pd.DataFrame:
    """``units`` checked against ``docs``: sentence units with raw tokens, of these documents
    only and of every document with text, in simplified characters when ``config.simplify``
    (characters OpenCC converts on their own, :func:`textkit.corpus.clean.holds_traditional`;
    a traditional phrase of characters each also simplified, such as 藉口, passes)."""
    if not isinstance(units, pd.DataFrame):
        raise InvalidParameterError(
            f"units: expected the units table of segment_corpus, got {type(units).__name__}"
        )
    missing = [c for c in _UNIT_COLUMNS if c not in units.columns]
    if missing:
        raise InvalidParameterError(f"units: lacks column(s) {missing}; {_UNITS_HINT}")
    if len(units) and (units["sent_id"] < 0).any():
        raise InvalidParameterError(f"units: not sentence units (sent_id -1); {_UNITS_HINT}")
    ids = set(units["doc_id"].astype(str).to_numpy(dtype=object))
    unknown = sorted(ids - set(docs["doc_id"]))
    if unknown:
        raise InvalidParameterError(
            f"units: doc_id value(s) {unknown[:5]} are not among the texts scored"
        )
    with_text = docs.loc[docs["text"].str.strip() != "", "doc_id"]
    lacking = sorted(set(with_text) - ids)
    if lacking:
        raise InvalidParameterError(
            f"units: no units for document(s) {lacking[:5]} of the texts scored; segment the "
            "same documents that are scored"
        )
    texts = units["text"].to_numpy(dtype=object)
    _check_raw_tokens(units, texts)
    # the texts as Python strings once, for the matching too
    units = units.assign(text=pd.Series(texts, index=units.index, dtype=object))
    if config.simplify and len(units):
        from textkit.corpus.clean_rules import holds_traditional, to_simplified

        joined = "\n".join(texts)
        if holds_traditional(joined) and to_simplified(joined) != joined:
            bad = next(
                d for d, t in zip(units["doc_id"], texts, strict=True) if to_simplified(t) != t
            )
            raise InvalidParameterError(
                f"units: the units of document {bad!r} hold traditional characters, which the "
                "lexicon would miss; segment the simplified texts (corpus cleaning converts "
                "them) or pass FrameConfig(simplify=False)"
            )
    return units


def _check_raw_tokens(units: pd.DataFrame, texts: np.ndarray) -> None:
    """Raise unless the raw tokens of every unit (a list of strings, not one string) join to
    its text: the hits' offsets are read from the tokens, their context from the text."""
    raws = units["raw"].to_numpy(dtype=object)
    try:
        if str not in set(map(type, raws)) and list(map("".join, raws)) == texts.tolist():
            return
    except TypeError:  # a unit's raw tokens are no sequence of strings: found below
        pass
    for k, (text, raw) in enumerate(zip(texts, raws, strict=True)):
        try:
            if text == "".join(raw) and not isinstance(raw, str):
                continue
        except TypeError:
            pass
        row = units.iloc[k]
        raise InvalidParameterError(
            f"units: the raw tokens of sentence (doc_id={row['doc_id']!r}, para_id="
            f"{row['para_id']}, sent_id={row['sent_id']}) are not a list of strings that "
            f"join to its text; the units must be those of the texts scored, unchanged "
            f"({_UNITS_HINT})"
        )


def _analysed(
    texts: Any,
    lexicon: LexiconLike | None,
    segmenter: Any,
    config: FrameConfig | None,
    units: pd.DataFrame | None = None,
    n_jobs: int = 1,
    cache: Any = True,
    table: bool = True,
    pool: WorkerPool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, _Counted]:
    """Documents table, sentence table, hit table (``None`` unless ``table``) and the hits as
    arrays (defaults filled in): the sentences of ``units`` when given, else of
    :func:`segment_corpus` of the documents with raw tokens (through its cache). The
    matching runs in ``pool`` (a caller's, kept running) or in ``n_jobs`` processes of its
    own."""
    from textkit.segment.corpus import paused_gc, segment_corpus

    docs, lexicon, config = _prepared(texts, lexicon, config, simplify=units is None)
    if units is None:
        units = segment_corpus(
            docs[["doc_id", "text"]], unit="sentence", segmenter=segmenter, n_jobs=n_jobs,
            cache=cache, with_raw=True,
        )  # fmt: skip
    else:
        units = _given_units(units, docs, config)
    # millions of token lists in the units: no collector passes over them
    with paused_gc(), pool_for(pool, n_jobs) as workers:
        sent_df, hit_df, counted = _analyse_in_parts(units, lexicon, config, table, workers)
    return docs, sent_df, hit_df, counted


def _analyse_in_parts(
    units: pd.DataFrame, lexicon: Lexicon, config: FrameConfig, table: bool, pool: WorkerPool
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Counted]:
    """:func:`_analyse_units`, in the processes of ``pool`` over consecutive runs of whole
    documents when there are at least :data:`PARALLEL_MIN_UNITS` sentences. Each sentence is
    matched and read alone, so the parts put together are the tables of one pass."""
    n_jobs = pool.n_jobs
    if n_jobs <= 1 or len(units) < PARALLEL_MIN_UNITS:
        return _analyse_units(units, lexicon, config, table)
    bounds = _document_runs(units["doc_id"].astype(str).to_numpy(dtype=object), 2 * n_jobs)
    shared = (units, lexicon, config, table)  # inherited, not sent, under fork
    done = pool.map_shared(_analyse_rows, shared, list(itertools.pairwise(bounds)), 1)
    sent_df = pd.concat([d[0] for d in done], ignore_index=True)
    hit_df = None
    if table:
        hit_df = typed_empty(pd.concat([d[1] for d in done], ignore_index=True), HIT_DTYPES)
    counted = _Counted(
        np.concatenate([d[2].rows + a for d, a in zip(done, bounds, strict=False)]),
        np.concatenate([d[2].frames for d in done]),
        np.concatenate([d[2].values for d in done]),
        np.concatenate([d[2].multipliers for d in done]),
    )
    return sent_df, hit_df, counted


def _analyse_rows(
    shared: tuple, rows: tuple[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Counted]:
    """:func:`_analyse_units` of the rows ``[a, b)`` of the shared ``(units, lexicon, config,
    table)`` (in a worker process)."""
    units, lexicon, config, table = shared
    a, b = rows
    return _analyse_units(units.iloc[a:b], lexicon, config, table)


def _document_runs(doc_ids: np.ndarray, n_parts: int) -> list[int]:
    """Row bounds cutting ``doc_ids`` (a document's rows consecutive) into at most
    ``n_parts`` runs of about equal rows, never inside a document."""
    starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]]) if len(doc_ids) else []
    cuts = {0, len(doc_ids)}
    for j in range(1, n_parts):
        at = int(np.searchsorted(starts, j * len(doc_ids) / n_parts))
        if at < len(starts):
            cuts.add(int(starts[at]))
    return sorted(cuts)


# ----------------------------------------------------------------------------- public API


def frame_hits(
    texts: Any,
    *,
    lexicon: LexiconLike | None = None,
    segmenter: Any = None,
    config: FrameConfig | None = None,
    units: pd.DataFrame | None = None,
    cache: Any = True,
) -> pd.DataFrame:
    """Every frame-term occurrence with its context and the context rule that changed it.

    Parameters
    ----------
    texts : list of str or DataFrame
        Strings (ids ``"0"``, ``"1"``, …) or a documents table with ``doc_id`` and ``text``.
    lexicon : Lexicon or path-like, optional
        A lexicon or the path of a lexicon file. Default: ``config.lexicon``, else the
        shipped lexicon.
    segmenter : textkit.segment.segmenter.Segmenter, optional
        Default: ``textkit.segment.segmenter.get_segmenter()``.
    config : FrameConfig, optional
    units, cache
        As for :func:`score_frames`.

    Returns
    -------
    DataFrame
        doc_id, para_id, sent_id, frame, category, term, token (the token(s) the term was
        found in: the term itself, or a longer word such as 综治办), weight (lexicon), multiplier
        (context rule; 1 when none applies), rule (the rule that decided the reading: it zeroes
        or reduces the hit, sets it aside inside a longer expression, or reads its frame from
        the word it governs; "" when none applies), value (weight × multiplier), start, end
        (character offsets in the sentence), left, right (up to :data:`HIT_CONTEXT`, 40,
        characters of the sentence before and after the hit: the rows never hold whole
        sentences, so the table stays small for any text). ``frame`` and ``category`` are
        where the hit counts: the term's own, or a governs rule's (依法 in 依法严厉打击 counts
        for stability).
    """
    return _analysed(texts, lexicon, segmenter, config, units, cache=cache)[2]


def _unit_counts(sent_df: pd.DataFrame, counted: _Counted) -> pd.DataFrame:
    """Per-sentence weighted and raw counts per frame (sentences without hits included)."""
    out = sent_df.copy()
    n = len(out)
    reduced = counted.multipliers < 1
    for frame in FRAMES:
        sel = counted.frames == frame
        at = counted.rows[sel]
        out[f"n_{frame}"] = np.bincount(at, weights=counted.values[sel], minlength=n).astype(float)
        out[f"hits_{frame}"] = np.bincount(at, minlength=n).astype(np.int64)
        out[f"supp_{frame}"] = np.bincount(at[reduced[sel]], minlength=n).astype(np.int64)
    return out


def _resample_counts(config: FrameConfig, n: int) -> np.ndarray:
    """The bootstrap draws for ``n`` units as counts: row ``b`` holds how often each unit is
    drawn in replicate ``b`` (``n_boot`` rows of ``n`` draws with replacement), seeded from
    ``random_state`` and ``n`` alone (common random numbers)."""
    rng = np.random.default_rng([config.random_state, n])
    idx = rng.integers(0, n, size=(config.n_boot, n))
    idx += np.arange(config.n_boot)[:, None] * n
    return np.bincount(idx.ravel(), minlength=config.n_boot * n).reshape(config.n_boot, n)


#: Texts whose replicate totals one matrix product computes (bounds its memory).
_BOOT_BATCH = 256


def _bootstrap_group(
    config: FrameConfig, n: int, texts: list[tuple[np.ndarray, np.ndarray]]
) -> list[tuple[float, float]]:
    """The balance intervals (lo, hi) of ``texts`` of ``n`` units each, from one set of
    draws: ``texts`` holds the (stability, service_law) unit counts of each text.

    The replicate totals of all the texts are one product of the draw counts
    (:func:`_resample_counts`) with their unit counts; with the weights and multipliers of
    the shipped lexicon (multiples of 1/4) every total is exact, whatever the order of the
    sums."""
    if n == 1:  # one unit: every replicate is the text itself
        points = [float((sv[0] - st[0]) / (st[0] + sv[0])) for st, sv in texts]
        return [(b, b) for b in points]
    counts = _resample_counts(config, n).astype(float)
    alpha = (1.0 - config.ci) / 2.0
    out = []
    for first in range(0, len(texts), _BOOT_BATCH):
        batch = texts[first : first + _BOOT_BATCH]
        m = len(batch)
        units = np.empty((n, 2 * m))
        for j, (st, sv) in enumerate(batch):
            units[:, j], units[:, m + j] = st, sv
        totals = counts @ units  # replicates x (stability totals, service totals)
        for j in range(m):
            bst, bsv = totals[:, j], totals[:, m + j]
            tot = bst + bsv
            framed = tot > 0
            if not framed.any():
                out.append((math.nan, math.nan))
                continue
            bal = (bsv[framed] - bst[framed]) / tot[framed]
            out.append((_quantile(bal, alpha), _quantile(bal, 1.0 - alpha)))
    return out


def _quantile(values: np.ndarray, q: float) -> float:
    """``np.quantile(values, q)`` (its default, linear method, with its own arithmetic, so the
    result is the same to the last bit) for a non-empty array without NaN, at a fraction of
    its cost per call: one partial sort of the two order statistics it reads."""
    m = len(values)
    virtual = (m - 1) * q  # numpy's virtual index of the linear method
    below = math.floor(virtual)
    if virtual >= m - 1:
        return float(np.partition(values, m - 1)[m - 1])
    if virtual < 0:
        return float(np.partition(values, 0)[0])
    part = np.partition(values, [below, below + 1])
    a, b = part[below], part[below + 1]
    t = virtual - below
    diff = b - a
    return float(b - diff * (1 - t) if t >= 0.5 else a + diff * t)


def _intervals(
    out: pd.DataFrame,
    boot_units: pd.DataFrame,
    codes: np.ndarray,
    config: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """The balance interval of each row of ``out`` from its resampling units: the rows of
    ``boot_units`` whose group code (``codes``, ascending) is its position. Rows without a
    frame hit have no interval (NaN) and draw nothing. The rows of one unit count share
    their draws (:func:`_resample_counts`), made once: one :func:`_bootstrap_group` per unit
    count (in this process: about 0.07 s for 1,400 texts, less than handing them to worker
    processes would cost)."""
    lo = np.full(len(out), np.nan)
    hi = np.full(len(out), np.nan)
    if config.n_boot == 0 or not len(out):
        return lo, hi
    st = boot_units["n_stability"].to_numpy(float)
    sv = boot_units["n_service_law"].to_numpy(float)
    bounds = np.searchsorted(codes, np.arange(len(out) + 1))
    framed = np.flatnonzero((out["n_stability"] + out["n_service_law"]).to_numpy(float) > 0)
    sizes = np.diff(bounds)
    order = framed[np.argsort(sizes[framed], kind="stable")]  # by unit count, then row
    for n, rows in itertools.groupby(order.tolist(), key=sizes.__getitem__):
        rows = list(rows)
        texts = [(st[bounds[g] : bounds[g + 1]], sv[bounds[g] : bounds[g + 1]]) for g in rows]
        for g, (a, b) in zip(rows, _bootstrap_group(config, int(n), texts), strict=True):
            lo[g], hi[g] = a, b
    return lo, hi


def score_frames(
    texts: Any,
    *,
    level: str = "document",
    lexicon: LexiconLike | None = None,
    segmenter: Any = None,
    config: FrameConfig | None = None,
    n_jobs: int = 1,
    units: pd.DataFrame | None = None,
    cache: Any = True,
) -> pd.DataFrame:
    """Score texts on the stability vs service / rule-of-law frames.

    Parameters
    ----------
    texts : list of str or DataFrame
        Strings (ids ``"0"``, ``"1"``, …) or a documents table with ``doc_id`` and ``text``
        (cleaned, simplified, paragraphs separated by newlines). Metadata columns
        (page_id, title, genre, source, year, era, status, is_duplicate) and the caller's
        own document variables (:func:`textkit.corpus.document_variables`: province,
        outlet, stance …) are carried over, so results can be grouped by them.
    level : {"document", "paragraph", "sentence"}, default "document"
        One row per text, per paragraph (adds ``para_id``) or per sentence (adds
        ``para_id``, ``sent_id``; 0-based, as in the units table).
    lexicon : Lexicon or path-like, optional
        A lexicon or the path of a lexicon file (:func:`textkit.core.lexicon.load_lexicon`).
        Default: the file of ``config.lexicon`` (``[frames] lexicon``), else the shipped
        lexicon.
    segmenter : textkit.segment.segmenter.Segmenter, optional
        Default: ``textkit.segment.segmenter.get_segmenter()`` (frame terms in its dictionary).
    config : FrameConfig, optional
    n_jobs : int, default 1
        Worker processes (``-1``: every core): for segmenting the documents (see
        :func:`textkit.segment.corpus.segment_corpus`), matching the sentences (from
        :data:`PARALLEL_MIN_UNITS` sentences on, in runs of whole documents). The scores are
        identical to ``n_jobs=1``. Worth it from a few megabytes of text on.
    units : DataFrame, optional
        The sentence units of these texts with their raw tokens,
        ``segment_corpus(docs, unit="sentence", with_raw=True)``: a corpus segmented once
        serves the document-term matrix, co-occurrence and frame scoring, and scoring then
        does not segment at all. They must be the units of the same (simplified) texts, made
        with the segmenter whose tokens are to be counted; ``segmenter`` and ``cache`` are
        then unused. Default: the texts are segmented here, through the
        segmentation cache.
    cache : bool or path-like, default True
        The segmentation cache :func:`textkit.segment.corpus.segment_corpus` reads and
        writes (``False``: none): texts scored or segmented with raw tokens before are not
        segmented again.

    Returns
    -------
    DataFrame
        doc_id [, para_id, sent_id], n_units (resampling units), n_tokens, n_stability,
        n_service_law (context-weighted counts), hits_stability, hits_service_law (raw
        occurrences), suppressed (occurrences zeroed or reduced by context rules),
        stability, service_law, total (weighted hits per 1,000 tokens), share_service_law,
        balance, balance_lo, balance_hi, frame_label. At document level every input text
        has a row (an empty text: zero counts, NaN balance and CI, ``neither``); at paragraph
        and sentence level there is one row per non-empty paragraph / sentence.
    """
    check_choice("level", level, _LEVELS)
    config = config or FrameConfig()
    if not isinstance(config, FrameConfig):
        raise ValueError(f"config: expected a FrameConfig, got {type(config).__name__}")
    from textkit.segment.corpus import paused_gc

    docs, sent_df, _, counted = _analysed(
        texts, lexicon, segmenter, config, units, n_jobs=n_jobs, cache=cache, table=False
    )
    with paused_gc():  # the units still hold millions of token lists: no collector pass
        return _score(docs, sent_df, counted, level, config)


_LEVEL_KEYS = {
    "document": ["doc_id"],
    "paragraph": ["doc_id", "para_id"],
    "sentence": ["doc_id", "para_id", "sent_id"],
}


def _score(
    docs: pd.DataFrame,
    sent_df: pd.DataFrame,
    counted: _Counted,
    level: str,
    config: Any,
) -> pd.DataFrame:
    """The scores table of :func:`score_frames` from the sentence table and the hits of
    ``docs``."""
    units = _unit_counts(sent_df, counted)
    units["suppressed"] = units["supp_stability"] + units["supp_service_law"]
    units = units.drop(columns=["supp_stability", "supp_service_law"])

    keys = _LEVEL_KEYS[level]
    sum_cols = ["n_tokens", "n_stability", "n_service_law", "hits_stability",
                "hits_service_law", "suppressed"]  # fmt: skip
    if level == "sentence":
        boot_keys = keys
    elif level == "document" and config.bootstrap_unit == "paragraph":
        boot_keys = ["doc_id", "para_id"]
    else:
        boot_keys = ["doc_id", "para_id", "sent_id"]
    boot_units = units.groupby(boot_keys, sort=True)[sum_cols].sum().reset_index()
    grouped = boot_units.groupby(keys, sort=True)
    out = grouped[sum_cols].sum()
    out.insert(0, "n_units", grouped.size())
    out = out.reset_index()
    out["balance_lo"], out["balance_hi"] = _intervals(
        out, boot_units, grouped.ngroup().to_numpy(), config
    )

    # texts (or paragraphs) without any sentence still get a row at their level
    if level == "document":
        out = docs[["doc_id"]].merge(out, on="doc_id", how="left")
    for c in ["n_units"] + sum_cols:
        out[c] = out[c].fillna(0)
    for c in ["n_units", "n_tokens", "hits_stability", "hits_service_law", "suppressed"]:
        out[c] = out[c].astype(int)
    for c in ["n_stability", "n_service_law", "balance_lo", "balance_hi"]:
        out[c] = out[c].astype(float)

    tot = out["n_stability"] + out["n_service_law"]
    denom = out["n_tokens"].where(out["n_tokens"] > 0)
    out["stability"] = 1000.0 * out["n_stability"] / denom
    out["service_law"] = 1000.0 * out["n_service_law"] / denom
    out["total"] = 1000.0 * tot / denom
    out["share_service_law"] = out["n_service_law"] / tot.where(tot > 0)
    out["balance"] = (out["n_service_law"] - out["n_stability"]) / tot.where(tot > 0)
    out["frame_label"] = assign_labels(out, config.label_rule(level))
    if level == "document" and config.short_text_tokens > 0:
        short = (out["n_tokens"] <= config.short_text_tokens).to_numpy()
        if short.any():
            out.loc[short, "frame_label"] = assign_labels(
                out[short], config.label_rule("paragraph")
            )

    final = keys + [
        "n_units", "n_tokens", "n_stability", "n_service_law", "hits_stability",
        "hits_service_law", "suppressed", "stability", "service_law", "total",
        "share_service_law", "balance", "balance_lo", "balance_hi", "frame_label",
    ]  # fmt: skip
    out = out[final]
    meta = [c for c in _META if c in docs.columns]
    meta += [c for c in document_variables(docs) if c not in meta and c not in out.columns]
    if meta:
        out = out.merge(docs[["doc_id", *meta]], on="doc_id", how="left")
    if level == "document":
        order = {d: i for i, d in enumerate(docs["doc_id"])}
        out = out.sort_values("doc_id", key=lambda s: s.map(order), kind="stable")
    return typed_empty(out.reset_index(drop=True), _SCORE_DTYPES)
