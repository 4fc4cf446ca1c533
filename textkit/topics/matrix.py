"""The matrix a topic model is fit on, built from a units table at the modelling unit.

:func:`topic_matrix` groups units to the modelling unit (paragraphs by default: the seed
corpus has few, long articles), counts and prunes them and keeps what is needed later: the
token lists for coherence, the units for representative paragraphs and the paragraph ->
article map for group effects (:class:`TopicData`). :func:`drop_empty_documents` removes
rows without tokens; :func:`add_unit_key` keys paragraph or sentence units.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textkit.core.checks import check_choice
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._common import _check_dtm, _row_lengths, _subset

__all__ = ["TopicData", "topic_matrix", "drop_empty_documents", "add_unit_key"]

logger = logging.getLogger(__name__)

#: The modelling units of :func:`topic_matrix`.
UNITS = ("paragraph", "document", "sentence")

#: One article supplying more than this share of the units of a paragraph or sentence model
#: is said (:attr:`TopicData.note`, a warning logged by :func:`topic_matrix`).
DOMINANT_UNIT_SHARE = 0.5


@dataclass(frozen=True)
class TopicData:
    """The matrix a topic model is fit on, with what is needed to describe and group it.

    Made by :func:`topic_matrix`.

    Attributes
    ----------
    dtm : DocumentTermMatrix
        One row per unit (paragraph key ``"<doc_id>/<para_id>"``, sentence key
        ``"<doc_id>/<para_id>.<sent_id>"`` or article ``doc_id``); units with no token left
        after pruning are removed (listed in ``empty``).
    texts : dict
        Row id -> its tokens before pruning (for c_v / c_npmi coherence in :func:`select_k`).
    units : DataFrame
        The units table with a ``unit_key`` column (for :func:`representative_docs`).
    unit_doc : Series
        Row id -> article ``doc_id`` (the ``clusters`` of :func:`topic_prevalence`).
    unit : str
        ``"paragraph"``, ``"sentence"`` or ``"document"``.
    empty : tuple of str
        Units left out because pruning removed all their tokens (headings, dates ...).
    largest_article : tuple of (str, int, float)
        The article that supplies most units, with their number and share (a property).
    note : str
        Empty, or says that one article supplies most units (a property).
    """

    dtm: DocumentTermMatrix
    texts: dict
    units: pd.DataFrame
    unit_doc: pd.Series
    unit: str
    empty: tuple[str, ...]

    @property
    def largest_article(self) -> tuple[str, int, float]:
        """The article that supplies most units of the matrix: its ``doc_id``, its number
        of units and their share of all units (ties: the first ``doc_id`` as text;
        ``("", 0, nan)`` for an empty matrix)."""
        if not len(self.unit_doc):
            return "", 0, float("nan")
        counts = self.unit_doc.astype(str).value_counts()
        top = counts[counts == counts.max()].index.min()
        return str(top), int(counts[top]), float(counts[top] / len(self.unit_doc))

    @property
    def note(self) -> str:
        """Empty, or a sentence saying that one article supplies more than
        :data:`DOMINANT_UNIT_SHARE` of the units of a paragraph or sentence model: the
        topics, and the units most representative of them, then mostly describe that
        article (there is no cap per article)."""
        doc, n, share = self.largest_article
        if (
            self.unit == "document"
            or self.unit_doc.nunique() < 2
            or not share > DOMINANT_UNIT_SHARE
        ):
            return ""
        return (
            f"one article ({doc}) supplies {n} of the {len(self.unit_doc)} {self.unit}s "
            f"modelled ({share:.0%}): the topics and their most representative {self.unit}s "
            "mostly describe it; split it or model it apart"
        )


def drop_empty_documents(dtm: DocumentTermMatrix) -> tuple[DocumentTermMatrix, tuple[str, ...]]:
    """A copy of ``dtm`` without the rows that have no tokens, and the ids of those rows.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Not modified.

    Returns
    -------
    dtm : DocumentTermMatrix
        The non-empty rows, in their original order.
    empty : tuple of str
        Ids of the rows removed.
    """
    _check_dtm(dtm)
    lengths = _row_lengths(dtm.matrix)
    keep = np.flatnonzero(lengths > 0)
    empty = tuple(dtm.doc_ids[i] for i in np.flatnonzero(lengths <= 0))
    if empty:
        logger.info("drop_empty_documents: %d of %d rows have no tokens", len(empty), len(lengths))
    if not len(keep):
        raise ValueError("dtm: every document is empty (no tokens left after vectorizing)")
    return _subset(dtm, keep), empty


def topic_matrix(
    units: pd.DataFrame,
    unit: str = "paragraph",
    min_df: int | float = 2,
    max_df: int | float = 0.5,
    max_terms: int | None = None,
    keep: Iterable[str] = (),
) -> TopicData:
    """Build the document-term matrix of a topic model from a units table.

    Units of :func:`textkit.segment.segment_corpus` are grouped to the modelling ``unit``
    (paragraphs can be built from sentence units, documents from any units), counted with
    :func:`textkit.dtm.vectorizer.vectorize` and pruned by document frequency *among those units*;
    units left without tokens are removed and reported. When one article supplies more
    than :data:`DOMINANT_UNIT_SHARE` of the paragraphs (or sentences), a warning is logged
    and :attr:`TopicData.note` says so.

    Parameters
    ----------
    units : DataFrame
        Units table (``doc_id, para_id, sent_id, text, tokens``). Not modified.
    unit : {"paragraph", "sentence", "document"}, default "paragraph"
        What a "document" of the topic model is.
    min_df, max_df, max_terms, keep
        Pruning, as :func:`textkit.dtm.vectorizer.vectorize` (counted in modelling units).

    Returns
    -------
    TopicData

    Raises
    ------
    ValueError
        Unknown ``unit``, units coarser than ``unit`` (e.g. document units for a paragraph
        model), or pruning that empties the vocabulary (raised by ``vectorize``, naming the
        setting).
    """
    from textkit.dtm.prune import VectorizeConfig
    from textkit.dtm.vectorizer import _documents, _vectorized

    check_choice("unit", unit, UNITS)
    for c in ("doc_id", "para_id", "sent_id", "tokens"):
        if c not in units.columns:
            raise ValueError(f"units: missing column {c!r}")
    doc = units["doc_id"].astype(str)
    para = units["para_id"].astype("int64")
    sent = units["sent_id"].astype("int64")
    if unit == "document":
        keys = doc.tolist()
    elif unit == "paragraph":
        if (para < 0).any():
            raise ValueError("unit='paragraph' needs paragraph or sentence units (para_id >= 0)")
        keys = [f"{d}/{p}" for d, p in zip(doc.tolist(), para.tolist(), strict=True)]
    else:
        if (sent < 0).any():
            raise ValueError("unit='sentence' needs sentence units (sent_id >= 0)")
        keys = [
            f"{d}/{p}.{q}"
            for d, p, q in zip(doc.tolist(), para.tolist(), sent.tolist(), strict=True)
        ]
    keyed = units.copy()
    keyed["unit_key"] = keys
    cfg = VectorizeConfig(min_df=min_df, max_df=max_df, max_terms=max_terms, keep=tuple(keep))
    key_order, token_lists = _documents(keyed, "unit_key")  # grouped once, for both
    dtm, empty = drop_empty_documents(_vectorized(key_order, token_lists, cfg))
    tokens = dict(zip(key_order, token_lists, strict=True))
    owner = dict(zip(reversed(keys), reversed(doc.tolist()), strict=True))  # the first holder
    texts = {k: tuple(tokens[k]) for k in dtm.doc_ids}
    unit_doc = pd.Series(
        [owner[k] for k in dtm.doc_ids],
        index=pd.Index(list(dtm.doc_ids), name="unit"),
        name="doc_id",
    )
    data = TopicData(dtm=dtm, texts=texts, units=keyed, unit_doc=unit_doc, unit=unit, empty=empty)
    if data.note:
        logger.warning("topic_matrix: %s", data.note)
    return data


def add_unit_key(units: pd.DataFrame, column: str = "unit_key") -> pd.DataFrame:
    """Copy of a units table with a paragraph / sentence key ``"<doc_id>/<para_id>[.<sent_id>]"``.

    Use it to fit models on paragraphs: ``vectorize(add_unit_key(units), group_by="unit_key")``;
    :func:`representative_docs` then maps the keys back to documents and paragraph text.

    Parameters
    ----------
    units : DataFrame
        Units table of :func:`textkit.segment.segment_corpus` (``doc_id``, ``para_id``,
        ``sent_id``). Not modified.
    column : str, default "unit_key"

    Returns
    -------
    DataFrame
    """
    for c in ("doc_id", "para_id", "sent_id"):
        if c not in units.columns:
            raise ValueError(f"units: missing column {c!r}")
    out = units.copy()
    keys = []
    for d, p, s in zip(out["doc_id"].astype(str), out["para_id"], out["sent_id"], strict=True):
        keys.append(f"{d}/{int(p)}" if int(s) < 0 else f"{d}/{int(p)}.{int(s)}")
    out[column] = keys
    return out
