"""Active learning: the paragraphs the supervised frame measure is least sure of, to code next.

Coding is the expensive part of validating and training a frame measure. After a first round
of coding (:func:`textkit.frames.validate.draw_validation_sample`), :func:`suggest_to_code`
ranks the uncoded paragraphs by the predictive entropy of a fitted
:class:`textkit.frames.supervised.FrameClassifier` (uncertainty sampling), so the next
round spends the coder's time where the model is most in doubt. Its output is a coding
sheet for :func:`textkit.frames.validate.write_coding_sheet`. Uncertainty sampling picks
paragraphs unlike a random sample: use a random sample (``draw_validation_sample``), not
these suggestions, to *estimate* agreement.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int
from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.corpus.clean_rules import to_simplified
from textkit.frames.score import as_documents
from textkit.frames.supervised import PROBA_COLUMNS, FrameClassifier

__all__ = ["suggest_to_code"]

#: Chinese numerals, read as digits by :func:`_template_key`.
_CHINESE_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


def _template_key(text: Any) -> str:
    """A paragraph's text with its numbers, spaces and punctuation taken out: the same key
    for the copies of a templated sentence that differ only in their figures.

    After NFKC normalisation (full-width forms become ASCII) and conversion of traditional
    characters to simplified (a copy in the other script is the same paragraph), every run
    of numbers (Unicode
    digits and numerals, Chinese numerals such as 一 / 十 / 万, with the punctuation or
    spaces inside it, e.g. ``1,234.5``) becomes one ``#``; punctuation, symbols, spaces and
    control characters are dropped; everything else is kept as it is.
    """
    out: list[str] = []
    in_number = False
    for ch in unicodedata.normalize("NFKC", to_simplified(str(text))):
        kind = unicodedata.category(ch)[0]
        if kind == "N" or ch in _CHINESE_NUMERALS:
            if not in_number:
                out.append("#")
            in_number = True
        elif kind not in "PSZC":  # punctuation, symbols, separators, controls
            out.append(ch)
            in_number = False
    return "".join(out)


def _entropy(proba: np.ndarray) -> np.ndarray:
    """Shannon entropy (natural log) of each row of probabilities (0 log 0 = 0)."""
    p = np.clip(proba, 1e-300, 1.0)
    return -(proba * np.log(p)).sum(axis=1)


def suggest_to_code(
    model: FrameClassifier,
    docs: Any,
    n: int = 20,
    *,
    codes: pd.DataFrame | None = None,
    min_chars: int = 20,
    max_per_article: int | None = None,
) -> pd.DataFrame:
    """The uncoded paragraphs the classifier is least sure of, to code next.

    Uncertainty sampling: paragraphs are ranked by the entropy of the classifier's
    predicted probabilities (highest first; ties, compared at 12 decimals, by doc_id then
    para_id). Near-duplicates are proposed once: paragraphs whose texts are equal once
    numbers (Arabic, full-width and Chinese numerals), spaces and punctuation are taken
    out, such as a templated sentence repeated with other figures, count as one and only
    the highest ranked is proposed. Paragraphs already coded (the model's training
    paragraphs and those of ``codes``) and their near-duplicates, e.g. a copy in a
    duplicate article, are left out. Texts that differ in anything else (a county's name,
    a word) are not near-duplicates under this rule; no similarity score is used.

    Parameters
    ----------
    model : FrameClassifier
        A fitted classifier.
    docs : DataFrame or list of str
        Documents to draw from.
    n : int, default 20
        How many paragraphs (fewer when fewer are eligible).
    codes : DataFrame, optional
        More coded paragraphs to leave out (e.g. coded since the model was fitted).
    min_chars : int, default 20
        Skip shorter paragraphs (headings, list stubs), as
        :func:`textkit.frames.validate.draw_validation_sample` does.
    max_per_article : int, optional
        At most this many paragraphs of one document (``doc_id``), the most uncertain of
        them: long reports hold many paragraphs the model is unsure of, and a round of
        coding learns more from several articles. Default: no cap.

    Returns
    -------
    DataFrame
        sample_id (``A001`` …, in rank order), doc_id, para_id, text, frame_label (the
        classifier's), p_stability, p_service_law, p_mixed, p_neither, entropy, code and note
        (empty): ready for :func:`textkit.frames.validate.write_coding_sheet`.

    Raises
    ------
    textkit.core.errors.NotFittedError
    """
    if not isinstance(model, FrameClassifier):
        raise InvalidParameterError(
            f"model: expected a FrameClassifier, got {type(model).__name__}"
        )
    model._check_fitted()
    check_int("n", n, 0)
    check_int("min_chars", min_chars, 0)
    if max_per_article is not None:
        check_int("max_per_article", max_per_article, 1)
    docs = as_documents(docs)
    table = model._paragraph_table(docs, fitted=True)
    known = {_template_key(t) for t in model._coded_keys}
    if codes is not None:
        if "text" not in codes.columns:
            raise CodingSheetError("codes: missing column 'text'")
        known |= {_template_key(t) for t in codes["text"]}
    keys = table["text"].map(_template_key)
    keep = (table["text"].str.len() >= min_chars) & ~keys.isin(known)
    table = table.loc[keep.to_numpy()].reset_index(drop=True)
    scored = model._frame_table(table)
    proba = scored.loc[:, list(PROBA_COLUMNS)].to_numpy(float)
    scored["entropy"] = _entropy(proba)
    scored["text"] = table["text"].to_numpy()
    scored["_e"] = np.round(scored["entropy"].to_numpy(), 12)
    scored["_key"] = keys[keep.to_numpy()].to_numpy()
    scored = scored.sort_values(
        ["_e", "doc_id", "para_id"], ascending=[False, True, True], kind="mergesort"
    )
    scored = scored[~scored["_key"].duplicated()]  # one of each set of near-duplicates
    if max_per_article is not None:
        scored = scored[scored.groupby("doc_id", sort=False).cumcount() < max_per_article]
    scored = scored.head(n)
    out = scored.loc[:, ["doc_id", "para_id", "text", "frame_label", *PROBA_COLUMNS, "entropy"]]
    out = out.reset_index(drop=True)
    out.insert(0, "sample_id", [f"A{i + 1:03d}" for i in range(len(out))])
    out["code"] = ""
    out["note"] = ""
    return out
