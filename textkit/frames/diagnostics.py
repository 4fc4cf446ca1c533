"""Frame diagnostics: which terms and rules drive the frame scores of a corpus.

A dictionary measure carries the senses its authors had in mind; on a new corpus a term may be
used in another sense (民主 in 民主党派, 防控 in 疫情防控) or come from one document only.
:func:`frame_diagnostics` lists, for each frame, the terms and context rules that carry the
weighted score on the user's own corpus, each with its share of the frame's total, the
documents it occurs in and a few key-word-in-context lines (:func:`textkit.frames.kwic.kwic`),
and flags the terms whose hits look unlike the lexicon's intended sense:

* ``inside <word>``: most hits sit inside one longer word the lexicon does not list (a
  candidate for a blocker entry or a compound rule);
* ``rule <name>``: most hits are changed by one context rule;
* ``document <doc_id>``: most hits come from one document.

Usage::

    from textkit.frames.diagnostics import frame_diagnostics

    diag = frame_diagnostics(documents)
    diag[diag["flags"] != ""]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from textkit.core.checks import check_int
from textkit.core.lexicon import FRAMES, Lexicon, LexiconLike, as_lexicon
from textkit.frames.kwic import kwic
from textkit.frames.score import (
    HIT_DTYPES,
    FrameConfig,
    _analysed,
    as_documents,
    frame_hits,
    typed_empty,
)

__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "FLAG_MIN_HITS",
    "FLAG_SHARE",
    "frame_diagnostics",
    "term_contributions",
]

#: A flag needs more than this share of a row's hits.
FLAG_SHARE = 0.5
#: A row with fewer hits than this is never flagged (one or two hits say little).
FLAG_MIN_HITS = 3
#: Characters of context each side of a KWIC example.
_WINDOW = 15

#: The columns of :func:`frame_diagnostics`, in order.
DIAGNOSTIC_COLUMNS = (
    "frame", "kind", "name", "category", "hits", "value", "share", "n_docs", "changed",
    "top_word", "top_word_share", "top_rule", "top_rule_share", "top_doc", "top_doc_share",
    "flags", "examples",
)  # fmt: skip
#: The types of the diagnostic columns (``examples`` holds lists).
_DIAGNOSTIC_DTYPES = {
    c: "int64" if c in ("hits", "n_docs", "changed")
    else "float64" if c in ("value", "share") or c.endswith("_share")
    else "object" if c == "examples"
    else "str"
    for c in DIAGNOSTIC_COLUMNS
}  # fmt: skip


def _top(values: pd.Series, n: int | None = None) -> tuple[str, float]:
    """The most frequent value (ties: the smallest) and its count over ``n`` (default: the
    number of values)."""
    if values.empty:
        return "", 0.0
    counts = values.astype(str).value_counts()
    best = counts.max()
    name = sorted(counts[counts == best].index)[0]
    return name, float(best) / (n or len(values))


def _examples(
    docs: pd.DataFrame,
    doc_ids: list[str],
    terms: list[str],
    rules: set[str],
    lexicon: Lexicon,
    n: int,
    context_rules: bool,
) -> list[str]:
    """Up to ``n`` KWIC lines of ``terms`` whose rule is in ``rules``, one document at a
    time (the first line of each document first), as ``doc_id: left[keyword]right``."""
    if n == 0 or not doc_ids:
        return []
    # longer lexicon terms containing a term are searched too, so that 依法 in 依法行政
    # (a hit of 依法行政, not of 依法) is not shown as a line of 依法
    longer = {u for u in lexicon.terms() for t in terms if t in u and t != u}
    lines = kwic(
        docs[docs["doc_id"].isin(doc_ids)],
        term=sorted(set(terms) | longer),
        window=_WINDOW,
        lexicon=lexicon,
        context_rules=context_rules,
    )
    lines = lines[lines["keyword"].isin(terms) & lines["rule"].isin(rules)]
    if lines.empty:
        return []
    order = {d: i for i, d in enumerate(doc_ids)}
    lines = lines.assign(
        _rank=lines.groupby("doc_id").cumcount(), _doc=lines["doc_id"].map(order)
    ).sort_values(["_rank", "_doc", "para_id", "start"], kind="stable")
    return [f"{r.doc_id}: {r.left}[{r.keyword}]{r.right}" for r in lines.head(n).itertuples()]


def _flags(row: dict, n_docs_corpus: int) -> str:
    if row["hits"] < FLAG_MIN_HITS:
        return ""
    out = []
    if row["top_word"] and row["top_word_share"] > FLAG_SHARE:
        out.append(f"inside {row['top_word']} ({row['top_word_share']:.0%})")
    if row["top_rule"] and row["top_rule_share"] > FLAG_SHARE:
        out.append(f"rule {row['top_rule']} ({row['top_rule_share']:.0%})")
    if n_docs_corpus > 1 and row["top_doc_share"] > FLAG_SHARE:
        out.append(f"document {row['top_doc']} ({row['top_doc_share']:.0%})")
    return "; ".join(out)


def frame_diagnostics(
    docs: Any,
    *,
    config: FrameConfig | None = None,
    segmenter: Any = None,
    lexicon: LexiconLike | None = None,
    n_examples: int = 3,
    top_n: int = 20,
) -> pd.DataFrame:
    """The terms and context rules that drive the frame scores of a corpus, with flags.

    Parameters
    ----------
    docs : list of str or DataFrame
        As ``texts`` in :func:`textkit.frames.score.score_frames`.
    config : FrameConfig, optional
        Scorer settings (``context_rules``, ``inside_tokens`` …).
    segmenter : textkit.segment.segmenter.Segmenter, optional
        Default: ``textkit.segment.segmenter.get_segmenter()``.
    lexicon : Lexicon or path-like, optional
        A lexicon or the path of a lexicon file. Default: ``config.lexicon``, else the
        shipped lexicon.
    n_examples : int, default 3
        KWIC lines per row (0: none), from different documents first.
    top_n : int, default 20
        Term rows kept per frame (the largest shares); every rule that changes a hit is kept.

    Returns
    -------
    DataFrame
        One row per frame and term, or frame and context rule, sorted by frame (stability,
        service_law), then ``share`` (descending), then ``name``. Columns:

        * ``frame``: where the hits count (a hit a governs rule moves counts in its new
          frame: 依法 in 依法严厉打击 is a stability row);
        * ``kind``: ``term`` or ``rule``;
        * ``name``: the term or the rule name;
        * ``category``: the term's category in ``frame``, or the rule's kind;
        * ``hits``: occurrences (of a rule: the hits it changes to or from this frame);
        * ``value``: weighted score (weight × context multiplier); for a rule, its signed
          effect on the frame's score (the score with the rule minus the score its hits
          would have without it: negative when it removes weight);
        * ``share``: ``value`` / the frame's total weighted score over the corpus (NaN when
          the frame has no weighted hit);
        * ``n_docs``: documents with at least one of the row's hits;
        * ``changed``: hits changed by a context rule (zeroed, reduced or moved to another
          frame);
        * ``top_word``, ``top_word_share``: the longer word (not a lexicon entry) most of the
          term's hits sit inside, and the share of its hits there ("" and 0 when none);
        * ``top_rule``, ``top_rule_share``: the rule that changes most of the row's hits, and
          its share of the hits;
        * ``top_doc``, ``top_doc_share``: the document with most of the row's hits, and its
          share;
        * ``flags``: "; "-joined warnings, "" when none: ``inside <word> (p%)``,
          ``rule <name> (p%)``, ``document <doc_id> (p%)`` when that share exceeds
          ``FLAG_SHARE`` (50 %) of a row with at least ``FLAG_MIN_HITS`` (3) hits (the
          document flag only on a corpus of two documents or more);
        * ``examples``: list of up to ``n_examples`` KWIC lines ``doc_id: left[keyword]right``.

    See Also
    --------
    term_contributions : the same contributions per document.
    textkit.frames.score.frame_hits : every hit with its context and rule.
    """
    n_examples = check_int("n_examples", n_examples, 0)
    top_n = check_int("top_n", top_n, 1)
    config = config or FrameConfig()
    lexicon = as_lexicon(lexicon, default=config.lexicon)
    table = as_documents(docs)
    hits = frame_hits(table, lexicon=lexicon, segmenter=segmenter, config=config)
    lookup = lexicon.lookup()
    doc_order = {d: i for i, d in enumerate(table["doc_id"])}
    if hits.empty:
        return typed_empty(pd.DataFrame(columns=list(DIAGNOSTIC_COLUMNS)), _DIAGNOSTIC_DTYPES)
    hits = hits.assign(
        lex_frame=hits["term"].map(lambda t: lookup[t].frame),
        inside=(hits["token"] != hits["term"])
        & ~hits["token"].isin(lookup)
        & (hits["token"].str.len() > hits["term"].str.len()),
    )
    hits["changed"] = (hits["multiplier"] != 1) | (hits["frame"] != hits["lex_frame"])
    totals = hits.groupby("frame")["value"].sum()
    n_docs_corpus = len(table)

    def docs_of(h: pd.DataFrame) -> list[str]:
        return sorted(h["doc_id"].unique(), key=doc_order.__getitem__)

    rows = []
    for (frame, term), h in hits.groupby(["frame", "term"], sort=True):
        total = totals.get(frame, 0.0)
        rec = {
            "frame": frame, "kind": "term", "name": term,
            "category": _top(h["category"])[0], "hits": len(h),
            "value": float(h["value"].sum()), "n_docs": h["doc_id"].nunique(),
            "changed": int(h["changed"].sum()),
        }  # fmt: skip
        rec["share"] = rec["value"] / total if total > 0 else float("nan")
        rec["top_word"], rec["top_word_share"] = _top(h.loc[h["inside"], "token"], len(h))
        rec["top_rule"], rec["top_rule_share"] = _top(h.loc[h["changed"], "rule"], len(h))
        rec["top_doc"], rec["top_doc_share"] = _top(h["doc_id"])
        rec["_docs"], rec["_terms"], rec["_rules"] = docs_of(h), [term], set(h["rule"])
        rows.append(rec)
    terms = pd.DataFrame(rows)
    terms = (
        terms.sort_values(["share", "name"], ascending=[False, True], kind="stable")
        .groupby("frame", sort=False)
        .head(top_n)
    )

    rows = []
    changed = hits[hits["changed"]]
    for rule, h in changed.groupby("rule", sort=True):
        kind = next((r.kind for r in lexicon.rules if r.name == rule), "")
        for frame in FRAMES:
            into, outof = h[h["frame"] == frame], h[h["lex_frame"] == frame]
            involved = h[(h["frame"] == frame) | (h["lex_frame"] == frame)]
            if involved.empty:
                continue
            total = totals.get(frame, 0.0)
            value = float(into["value"].sum() - outof["weight"].sum())
            rec = {
                "frame": frame, "kind": "rule", "name": rule, "category": kind,
                "hits": len(involved), "value": value,
                "share": value / total if total > 0 else float("nan"),
                "n_docs": involved["doc_id"].nunique(), "changed": len(involved),
                "top_word": "", "top_word_share": 0.0, "top_rule": rule,
                "top_rule_share": 1.0,
            }  # fmt: skip
            rec["top_doc"], rec["top_doc_share"] = _top(involved["doc_id"])
            rec["_docs"] = docs_of(involved)
            rec["_terms"], rec["_rules"] = sorted(set(involved["term"])), {rule}
            rows.append(rec)
    out = pd.concat([terms, pd.DataFrame(rows)], ignore_index=True) if rows else terms
    out["_f"] = out["frame"].map({f: i for i, f in enumerate(FRAMES)})
    out = out.sort_values(
        ["_f", "share", "name", "kind"], ascending=[True, False, True, False], kind="stable"
    ).reset_index(drop=True)
    out["flags"] = [
        _flags(r, n_docs_corpus) if r["kind"] == "term" else "" for r in out.to_dict("records")
    ]
    out["examples"] = [
        _examples(
            table, r["_docs"], r["_terms"], r["_rules"], lexicon, n_examples, config.context_rules
        )
        for r in out.to_dict("records")
    ]
    for c in ("hits", "n_docs", "changed"):
        out[c] = out[c].astype(int)
    return out[list(DIAGNOSTIC_COLUMNS)]


def term_contributions(
    texts: Any,
    *,
    lexicon: LexiconLike | None = None,
    segmenter: Any = None,
    config: FrameConfig | None = None,
) -> pd.DataFrame:
    """Which terms drive each text's frame score.

    Parameters
    ----------
    texts, lexicon, segmenter, config
        As in :func:`score_frames`.

    Returns
    -------
    DataFrame
        doc_id, frame, category, term, count (raw occurrences), weight (lexicon weight),
        suppressed (occurrences changed by a context rule), contribution (sum of weight ×
        context multiplier; what enters ``n_stability`` / ``n_service_law``), share (of the
        text's weighted count in that frame). Sorted by doc_id, frame, contribution
        (descending), term. Terms that do not occur are omitted.
    """
    docs, _, hits, _ = _analysed(texts, lexicon, segmenter, config)
    cols = ["doc_id", "frame", "category", "term", "count", "weight", "suppressed",
            "contribution", "share"]  # fmt: skip
    if hits.empty:
        return typed_empty(
            pd.DataFrame(columns=cols),
            {c: "int64" if c in ("count", "suppressed") else HIT_DTYPES.get(c, "float64")
             for c in cols},
        )  # fmt: skip
    hits = hits.assign(supp=(hits["multiplier"] < 1).astype(int))
    agg = (
        hits.groupby(["doc_id", "frame", "category", "term", "weight"], sort=True)
        .agg(count=("term", "size"), suppressed=("supp", "sum"), contribution=("value", "sum"))
        .reset_index()
    )
    ftot = agg.groupby(["doc_id", "frame"])["contribution"].transform("sum")
    agg["share"] = agg["contribution"] / ftot.where(ftot > 0)
    order = {d: i for i, d in enumerate(docs["doc_id"])}
    agg["_o"] = agg["doc_id"].map(order)
    agg["_f"] = agg["frame"].map({f: i for i, f in enumerate(FRAMES)})
    agg = agg.sort_values(
        ["_o", "_f", "contribution", "term"], ascending=[True, True, False, True], kind="stable"
    )
    return agg[cols].reset_index(drop=True)
