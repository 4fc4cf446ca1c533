"""Lexicon candidates from a corpus: the words that set stability paragraphs apart from service ones.

A lexicon written on one corpus misses the vocabulary of another. :func:`suggest_terms`
lists the words a researcher should read before revising the lexicon:

* **keyness** of the paragraphs the measure labels ``stability`` against those it labels
  ``service_law`` (Dunning's G², :func:`textkit.frames.keyness.keyness`): a word
  over-used on one side is a candidate for that frame;
* optionally the word's **LSS polarity** (:class:`textkit.frames.lss.LatentSemanticScaling`,
  fitted on the same corpus): whether its word vector sits on the same side, an independent
  second opinion that does not rely on the labels;
* how many documents use it and a short key-word-in-context line, so a candidate can be
  judged by its use.

Words already in the lexicon, words containing or inside a lexicon term (counted already
through the term), single characters and digits are left out. The list is a place to look,
not a rule for adding: an entry needs a documented policy meaning (``note`` and ``source`` in
the lexicon file). Choosing entries by their keyness against the hand-coded paragraphs would
tune the lexicon to them and make its validation circular.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError
from textkit.core.lexicon import LexiconLike, as_lexicon
from textkit.frames.keyness import keyness

__all__ = ["suggest_terms"]

_COLUMNS = [
    "frame", "term", "g2", "p_value", "count_stability", "count_service_law", "n_docs",
    "lss_polarity", "lss_agrees", "example",
]  # fmt: skip
_SKIP = re.compile(r"^(?:.|[\d.,%％]+|[A-Za-z]{1,2})$")


def _example(texts: pd.Series, term: str, width: int = 15) -> str:
    for text in texts:
        i = text.find(term)
        if i >= 0:
            left = text[max(0, i - width) : i].replace("\n", " ")
            right = text[i + len(term) : i + len(term) + width].replace("\n", " ")
            return f"{left}【{term}】{right}"
    return ""


def suggest_terms(
    units: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    docs: pd.DataFrame | None = None,
    lss: Any = None,
    lexicon: LexiconLike | None = None,
    n: int = 20,
    min_count: int = 5,
    min_docs: int = 2,
) -> pd.DataFrame:
    """Candidate lexicon terms of a corpus, per frame, with their evidence.

    Parameters
    ----------
    units : DataFrame
        Paragraph or sentence units with ``doc_id``, ``para_id`` and ``tokens``
        (``segment_corpus(docs, unit="paragraph")``); a sentence counts for its paragraph's
        label. Not modified.
    scores : DataFrame
        Paragraph scores with ``doc_id``, ``para_id`` and ``frame_label``
        (``score_frames(docs, level="paragraph")``).
    docs : DataFrame, optional
        Documents (``doc_id``, ``text``) for the ``example`` column (empty without).
    lss : LatentSemanticScaling, optional
        A fitted model; adds ``lss_polarity`` (positive = service / rule of law) and
        ``lss_agrees`` (the polarity's sign matches the suggested frame).
    lexicon : Lexicon or path-like, optional
        A lexicon or the path of a lexicon file. Default: the shipped lexicon. Its terms,
        and words containing or inside them, are left out.
    n : int, default 20
        Candidates per frame (the largest G² on that frame's side, p < 0.05).
    min_count : int, default 5
        Occurrences needed in the two groups together.
    min_docs : int, default 2
        Documents that must use a candidate (a word of one document is that document's
        vocabulary, not the corpus's).

    Returns
    -------
    DataFrame
        frame (the side it is key for), term, g2 (positive), p_value, count_stability,
        count_service_law (occurrences in the paragraphs of each label), n_docs,
        lss_polarity, lss_agrees, example. Sorted by frame (stability first), g2 descending,
        term.

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        A missing column, or no paragraph labelled ``stability`` or ``service_law``.
    """
    check_int("n", n, 1)
    check_int("min_count", min_count, 0)
    check_int("min_docs", min_docs, 1)
    keys = ["doc_id", "para_id"]
    for name, table, cols in (("units", units, [*keys, "tokens"]),
                              ("scores", scores, [*keys, "frame_label"])):  # fmt: skip
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise InvalidParameterError(f"{name}: missing column(s) {missing}")
    lexicon = as_lexicon(lexicon)
    labels = scores.set_index(keys)["frame_label"]
    idx = pd.MultiIndex.from_arrays([units["doc_id"], units["para_id"]])
    lab = labels.reindex(idx).to_numpy(dtype=object)
    side = {"stability": lab == "stability", "service_law": lab == "service_law"}
    for frame, mask in side.items():
        if not mask.any():
            raise InvalidParameterError(
                f"suggest_terms: no paragraph labelled {frame!r}; keyness needs both sides"
            )
    keep = side["stability"] | side["service_law"]
    sub = units.loc[keep, ["doc_id", "tokens"]].reset_index(drop=True)
    key = keyness(sub, group=side["stability"][keep], min_count=min_count)
    if key.empty:
        return pd.DataFrame(columns=_COLUMNS)
    terms = lexicon.terms()

    def related(word: str) -> bool:
        return any(t in word or word in t for t in terms)

    key = key[key["p_value"] < 0.05]
    key = key[~key["term"].map(lambda w: bool(_SKIP.match(w)) or related(w))]
    doc_sets: dict[str, set] = {w: set() for w in key["term"]}
    for doc_id, tokens in zip(sub["doc_id"], sub["tokens"], strict=True):
        for tok in doc_sets.keys() & set(tokens):
            doc_sets[tok].add(doc_id)
    key = key.assign(n_docs=key["term"].map(lambda w: len(doc_sets.get(w, ()))))
    key = key[key["n_docs"] >= min_docs]
    key = key.assign(
        frame=np.where(key["g2"] > 0, "stability", "service_law"),
        g2=key["g2"].abs(),
        count_stability=key["count_a"],
        count_service_law=key["count_b"],
    )
    if lss is not None:
        pol = lss.term_polarity_.set_index("term")["polarity"]
        key["lss_polarity"] = key["term"].map(pol).astype(float)
        sign = np.where(key["frame"] == "service_law", 1.0, -1.0)
        key["lss_agrees"] = (np.sign(key["lss_polarity"]) == sign) & key["lss_polarity"].notna()
    else:
        key["lss_polarity"] = np.nan
        key["lss_agrees"] = False
    order = {"stability": 0, "service_law": 1}
    key = key.assign(_f=key["frame"].map(order)).sort_values(
        ["_f", "g2", "term"], ascending=[True, False, True], kind="mergesort"
    )
    out = key.groupby("_f", sort=True).head(n).reset_index(drop=True)
    texts = docs["text"].astype(str) if docs is not None else pd.Series([], dtype=str)
    out["example"] = [_example(texts, t) for t in out["term"]]
    return out[_COLUMNS].reset_index(drop=True)
