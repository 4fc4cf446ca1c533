"""Describe a fitted topic model: top terms, representative documents, a per-topic summary.

:func:`top_terms` ranks terms by probability, FREX (Roberts, Stewart & Airoldi 2016: the
weighted harmonic mean of a term's within-topic frequency rank and exclusivity rank) or
LDAvis relevance (Sievert & Shirley 2014); :func:`representative_docs` lists the documents
(or paragraphs) with the largest share of each topic, with titles, and notes an article that
supplies most of a paragraph model's units; :func:`topic_summary` gives one row per topic.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from textkit.core.checks import check_choice, check_int, check_number
from textkit.core.precision import round_sig, top_rounded
from textkit.topics._common import _require_fitted
from textkit.topics.matrix import DOMINANT_UNIT_SHARE

__all__ = ["top_terms", "topic_summary", "representative_docs"]

logger = logging.getLogger(__name__)

_BY = ("prob", "frex", "relevance")


def _scores(model: Any, by: str, lambda_: float, frex_weight: float) -> np.ndarray:
    """Topic x term score matrix for ranking terms (``by`` checked by the caller)."""
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    tiny = np.finfo(np.float64).tiny
    if by == "prob":
        return phi
    if by == "frex":
        return _frex(phi, frex_weight)
    # by == "relevance"
    tf = model.term_frequency_.to_numpy(dtype=np.float64)
    pw = tf / tf.sum()
    logphi = np.log(np.maximum(phi, tiny))
    return lambda_ * logphi + (1 - lambda_) * (logphi - np.log(np.maximum(pw, tiny)))


def _exclusivity_matrix(phi: np.ndarray) -> np.ndarray:
    colsum = phi.sum(axis=0, keepdims=True)
    return np.divide(phi, colsum, out=np.zeros_like(phi), where=colsum > 0)


def _frex(phi: np.ndarray, w: float) -> np.ndarray:
    """FREX: harmonic mean of ECDF ranks of exclusivity (weight ``w``) and frequency.

    Roberts, Stewart & Airoldi (2016), as stm's ``calcfrex`` (average ranks for ties,
    without the James-Stein shrinkage of exclusivity).
    """
    excl = _exclusivity_matrix(phi)
    v = phi.shape[1]
    freq_rank = np.vstack([rankdata(row, method="average") / v for row in phi])
    excl_rank = np.vstack([rankdata(row, method="average") / v for row in excl])
    return 1.0 / (w / excl_rank + (1.0 - w) / freq_rank)


def top_terms(
    model: Any,
    n: int = 10,
    by: str = "prob",
    lambda_: float = 0.6,
    frex_weight: float = 0.5,
) -> pd.DataFrame:
    """The top terms of every topic, as a tidy table.

    Parameters
    ----------
    model : fitted LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
    n : int, default 10
        Terms per topic.
    by : {"prob", "frex", "relevance"}, default "prob"
        ``prob``: topic-term probability. ``frex``: FREX (Roberts et al. 2016), the weighted
        harmonic mean of the within-topic ECDF ranks of exclusivity (``phi_kw / sum_j phi_jw``)
        and frequency (``phi_kw``); favours words both common in and specific to the topic.
        ``relevance``: LDAvis relevance (Sievert & Shirley 2014),
        ``lambda_ * log phi_kw + (1 - lambda_) * log(phi_kw / p_w)`` with ``p_w`` the term's
        corpus share.
    lambda_ : float in [0, 1], default 0.6
        Relevance weight (0.6 is Sievert & Shirley's recommendation).
    frex_weight : float in [0, 1], default 0.5
        FREX weight on exclusivity.

    Returns
    -------
    DataFrame
        ``topic, rank, term, weight, prob``: ``rank`` 1..n, ``weight`` the score used for
        ranking, ``prob`` the topic-term probability. Ties are broken by term.
    """
    check_int("n", n, 1)
    check_choice("by", by, _BY)
    check_number("lambda_", lambda_, 0, 1)
    check_number("frex_weight", frex_weight, 0, 1)
    _require_fitted(model)
    scores = _scores(model, by, float(lambda_), float(frex_weight))
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    vocab = np.asarray(model.topic_term_.columns, dtype=object)
    term_order = np.argsort(vocab.astype(str), kind="stable")  # tie-break by term
    rows = []
    for k, label in enumerate(model.topic_term_.index):
        # ranked on values at the stated precision: near-ties (noise) fall back to the term
        idx = term_order[top_rounded(scores[k][term_order], n)]
        for r, j in enumerate(idx, start=1):
            rows.append((label, r, vocab[j], float(scores[k, j]), float(phi[k, j])))
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight", "prob"])


def _top_term_lists(model: Any, n: int, by: str = "prob") -> dict[str, list[str]]:
    tt = top_terms(model, n=n, by=by)
    return {k: list(g["term"]) for k, g in tt.groupby("topic", sort=False)}


def topic_summary(model: Any, n: int = 10) -> pd.DataFrame:
    """One row per topic: prevalence and top terms by probability and by FREX.

    Parameters
    ----------
    model : fitted topic model
    n : int, default 10
        Terms per list.

    Returns
    -------
    DataFrame
        ``topic, prevalence, top_prob, top_frex``: ``prevalence`` is the mean topic share of
        the non-empty training documents; the term lists are space separated.
    """
    _require_fitted(model)
    prob_terms = _top_term_lists(model, n)
    frex_terms = _top_term_lists(model, n, by="frex")
    labels = list(model.topic_labels_)
    theta = model.doc_topic_.drop(index=list(model.empty_docs_))
    return pd.DataFrame(
        {
            "topic": labels,
            "prevalence": [float(theta[t].mean()) for t in labels],
            "top_prob": [" ".join(prob_terms[t]) for t in labels],
            "top_frex": [" ".join(frex_terms[t]) for t in labels],
        }
    )


def representative_docs(
    model: Any,
    docs: pd.DataFrame,
    n: int = 3,
    units: pd.DataFrame | None = None,
    unit_column: str = "unit_key",
    excerpt_chars: int = 80,
) -> pd.DataFrame:
    """Documents (or paragraphs) with the largest share of each topic.

    Parameters
    ----------
    model : fitted topic model
    docs : DataFrame
        Documents table with ``doc_id`` and ``title`` (``text`` optional), not modified.
    n : int, default 3
        Documents per topic.
    units : DataFrame, optional
        When the model was fit on paragraph (or sentence) units keyed by ``unit_column``
        (see :func:`~textkit.topics.matrix.add_unit_key`), the units table with that column and ``text``: the
        output then shows the paragraph text and the title of its document.
    unit_column : str, default "unit_key"
    excerpt_chars : int, default 80
        Length of the text excerpt.

    Returns
    -------
    DataFrame
        ``topic, rank, doc_id, unit, share, title, excerpt, note`` (``unit`` is empty for
        document-level models). Empty training documents are never representative. The
        units are ranked by their share alone, with no cap per article: ``note`` says when
        the row's article supplies more than half of the model's units
        (:data:`~textkit.topics.matrix.DOMINANT_UNIT_SHARE`), so that its paragraphs are
        likely to stand for most topics (empty otherwise, and for document-level models).
    """
    check_int("n", n, 1)
    _require_fitted(model, attribute="doc_topic_")
    for c in ("doc_id", "title"):
        if c not in docs.columns:
            raise ValueError(f"docs: missing column {c!r}")
    titles = dict(zip(docs["doc_id"].astype(str), docs["title"].astype(str), strict=True))
    texts = (
        dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str), strict=True))
        if "text" in docs.columns
        else {}
    )
    unit_doc: dict[str, str] = {}
    unit_text: dict[str, str] = {}
    if units is not None:
        for c in (unit_column, "doc_id", "text"):
            if c not in units.columns:
                raise ValueError(f"units: missing column {c!r}")
        for key, d, t in zip(
            units[unit_column].astype(str),
            units["doc_id"].astype(str),
            units["text"].astype(str),
            strict=True,
        ):
            unit_doc.setdefault(key, d)
            unit_text[key] = (unit_text[key] + t) if key in unit_text else t
    theta = model.doc_topic_.drop(index=list(model.empty_docs_))
    notes = _article_notes(theta.index, unit_doc)
    ids = np.asarray(theta.index, dtype=object)
    id_order = np.argsort(ids.astype(str), kind="stable")
    missing = 0
    rows = []
    for label in theta.columns:
        col = round_sig(theta[label].to_numpy()[id_order])  # near-ties: by document id
        top = id_order[np.argsort(-col, kind="stable")[:n]]
        for r, i in enumerate(top, start=1):
            key = str(ids[i])
            if key in unit_doc:
                doc_id, unit, text = unit_doc[key], key, unit_text[key]
            else:
                doc_id, unit, text = key, "", texts.get(key, "")
            if doc_id not in titles:
                missing += 1
            excerpt = text.replace("\n", " ")[:excerpt_chars]
            rows.append(
                (
                    label,
                    r,
                    doc_id,
                    unit,
                    float(theta.iat[i, theta.columns.get_loc(label)]),
                    titles.get(doc_id, ""),
                    excerpt,
                    notes.get(doc_id, "") if unit else "",
                )
            )
    if missing:
        logger.warning("representative_docs: %d rows have no title in docs", missing)
    return pd.DataFrame(
        rows, columns=["topic", "rank", "doc_id", "unit", "share", "title", "excerpt", "note"]
    )


def _article_notes(model_ids: pd.Index, unit_doc: dict[str, str]) -> dict[str, str]:
    """Article -> a note for each article that supplies more than
    :data:`~textkit.topics.matrix.DOMINANT_UNIT_SHARE` of the model's units (keyed units
    only; none when one article supplies them all)."""
    owners = pd.Series([unit_doc.get(str(i)) for i in model_ids], dtype=object).dropna()
    if owners.nunique() < 2:
        return {}
    counts = owners.value_counts()
    return {
        str(doc): (
            f"its article supplies {n} of the model's {len(model_ids)} units "
            f"({n / len(model_ids):.0%}); representatives are not capped per article"
        )
        for doc, n in counts.items()
        if n / len(model_ids) > DOMINANT_UNIT_SHARE
    }


def _exclusivity(model: Any, topn: int) -> float:
    """Mean over topics of the mean exclusivity ``phi_kw / sum_j phi_jw`` of the top terms."""
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    excl = _exclusivity_matrix(phi)
    vals = []
    for k in range(phi.shape[0]):
        idx = top_rounded(phi[k], topn)
        vals.append(excl[k, idx].mean())
    return float(np.mean(vals))
