"""Paragraphs repeated across documents: the boilerplate of template sites.

:func:`repeated_paragraphs` lists every normalised paragraph (:func:`textkit.corpus.dedup.normalise`)
held by two or more documents, counting the copies of one article (a duplicate group of
:func:`textkit.corpus.dedup.find_duplicates`) once. :func:`paragraph_holders` is its core over
any stream of records, and :class:`ParagraphCounter` the text-free first pass of the streamed
corpus build (64-bit paragraph keys only, so memory does not hold the texts).
:func:`drop_repeated_paragraphs` takes the paragraphs held by many documents out of their texts
(``[corpus] repeated_paragraphs = "drop"``, see :mod:`textkit.corpus.select`).
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Container, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from textkit.core.checks import check_int
from textkit.corpus.dedup import (
    DedupConfig,
    _as_text,
    _check,
    find_duplicates,
    normalise_lines,
)

__all__ = [
    "DROPPED_COLUMNS",
    "ParagraphCounter",
    "drop_repeated_paragraphs",
    "paragraph_holders",
    "paragraph_key",
    "paragraph_table",
    "repeated_paragraphs",
]


logger = logging.getLogger(__name__)

#: Columns :func:`drop_repeated_paragraphs` adds: paragraphs and characters each text lost.
DROPPED_COLUMNS = ("repeated_paragraphs_dropped", "repeated_chars_dropped")


def paragraph_key(paragraph: str) -> int:
    """64-bit hash of a normalised paragraph (the first pass of a streamed
    :func:`repeated_paragraphs`; collisions only cost work, never a wrong row)."""
    return int.from_bytes(hashlib.blake2b(paragraph.encode("utf-8"), digest_size=8).digest(), "big")


def _holder(doc_id: object, grp: object) -> str:
    """Copies of one article count once: they are held by their duplicate group."""
    return str(grp) if isinstance(grp, str) and grp else str(doc_id)


def _paragraphs(text: object, min_chars: int) -> Iterator[str]:
    for p in normalise_lines(_as_text(text)):
        if len(p) >= min_chars:
            yield p


def paragraph_holders(
    records: Iterable[tuple[str, str, str | None]],
    config: DedupConfig | None = None,
    keep: Container[int] | None = None,
) -> dict[str, dict[str, str]]:
    """Which documents hold each normalised paragraph (the core of :func:`repeated_paragraphs`).

    Parameters
    ----------
    records : iterable of (doc_id, text, dup_group)
        ``dup_group`` None (or missing) for documents in no duplicate group.
    config : DedupConfig, optional
        ``paragraph_min_chars``.
    keep : container of int, optional
        Only paragraphs whose :func:`paragraph_key` is in it are collected.

    Returns
    -------
    dict
        ``paragraph -> {holder: doc_id}``, the holder being the duplicate group (or the
        doc_id of a document in none), the doc_id the group's kept member (its
        ``dup_group``) when that one holds the paragraph, else the smallest doc_id holding it.
    """
    config = config or DedupConfig()
    seen: dict[str, dict[str, str]] = {}
    for doc_id, text, grp in records:
        key = _holder(doc_id, grp)
        for p in _paragraphs(text, config.paragraph_min_chars):
            if keep is not None and paragraph_key(p) not in keep:
                continue
            holders = seen.setdefault(p, {})
            # a duplicate group is named by its kept member: that one when it holds p
            d = str(doc_id)
            holders[key] = min(holders.get(key, d), d, key=lambda x: (x != key, x))
    return seen


class ParagraphCounter:
    """First pass of a streamed :func:`repeated_paragraphs`: paragraph hashes per holder.

    Holds two integers per paragraph occurrence (no text); :meth:`repeated` gives the
    :func:`paragraph_key` values held by two or more holders, the only paragraphs the
    second pass (:func:`paragraph_holders` with ``keep``) needs to collect.

    Parameters
    ----------
    config : DedupConfig, optional
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._holders: dict[str, int] = {}
        self._keys: list[np.ndarray] = []
        self._owners: list[np.ndarray] = []

    def add(self, records: Iterable[tuple[str, str, str | None]]) -> None:
        """Count the paragraphs of ``(doc_id, text, dup_group)`` records."""
        keys: list[int] = []
        owners: list[int] = []
        for doc_id, text, grp in records:
            owner = self._holders.setdefault(_holder(doc_id, grp), len(self._holders))
            for p in _paragraphs(text, self.config.paragraph_min_chars):
                keys.append(paragraph_key(p))
                owners.append(owner)
        if keys:
            self._keys.append(np.array(keys, dtype=np.uint64))
            self._owners.append(np.array(owners, dtype=np.int64))

    def repeated(self) -> set[int]:
        """Paragraph keys held by at least two different holders."""
        if not self._keys:
            return set()
        keys = np.concatenate(self._keys)
        owners = np.concatenate(self._owners)
        order = np.lexsort((owners, keys))
        keys, owners = keys[order], owners[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
        distinct = keys[new]  # one entry per (key, holder), sorted by key
        uniq, counts = np.unique(distinct, return_counts=True)
        return {int(k) for k in uniq[counts >= 2]}


def paragraph_table(holders: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """The :func:`repeated_paragraphs` table of :func:`paragraph_holders` output.

    Parameters
    ----------
    holders : mapping
        ``paragraph -> {holder: doc_id}``.

    Returns
    -------
    pandas.DataFrame
        See :func:`repeated_paragraphs`.
    """
    rows = [
        {
            "paragraph": p,
            "n_docs": len(h),
            "doc_ids": ";".join(sorted(h.values())),
            "n_chars": len(p),
        }
        for p, h in holders.items()
        if len(h) >= 2
    ]
    table = pd.DataFrame(rows, columns=["paragraph", "n_docs", "doc_ids", "n_chars"])
    return table.sort_values(["n_docs", "paragraph"], ascending=[False, True]).reset_index(
        drop=True
    )


def repeated_paragraphs(docs: pd.DataFrame, config: DedupConfig | None = None) -> pd.DataFrame:
    """Paragraphs recurring in two or more different, non-duplicate documents.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with ``doc_id`` and ``text`` (paragraphs separated by newlines); if
        ``dup_group`` is absent, ``find_duplicates`` is run first so that copies of one article
        count once.
    config : DedupConfig, optional
        ``paragraph_min_chars`` sets the minimum normalised paragraph length.

    Returns
    -------
    pandas.DataFrame
        Columns ``paragraph`` (normalised), ``n_docs``, ``doc_ids`` (sorted, joined with ";";
        a duplicate group is listed by its kept member when that one holds the paragraph,
        not by a flagged copy) and ``n_chars``, sorted by ``n_docs`` descending then
        ``paragraph``.

    See Also
    --------
    ParagraphCounter : the first pass of the same table computed over a stream.
    """
    config = config or DedupConfig()
    _check(docs)
    if "dup_group" not in docs.columns:
        docs = find_duplicates(docs, config)
    records = zip(docs["doc_id"], docs["text"], docs["dup_group"], strict=False)
    return paragraph_table(paragraph_holders(records, config))


def _dup_groups(docs: pd.DataFrame, config: DedupConfig) -> list[object]:
    """The duplicate group of every row (found by :func:`find_duplicates` when the table has none)."""
    if "dup_group" not in docs.columns:
        docs = find_duplicates(docs, config)
    return docs["dup_group"].tolist()


def _without(text: object, template: Container[str]) -> tuple[str, int, int]:
    """``text`` without its lines whose normalised form is in ``template``, and how many
    lines and characters (of the lines, surrounding space stripped) went."""
    text = _as_text(text)
    lines = text.split("\n")  # the lines normalise_lines normalises, one to one
    gone = [key in template for key in normalise_lines(text)]
    if not any(gone):
        return text, 0, 0
    chars = sum(len(line.strip()) for line, g in zip(lines, gone, strict=True) if g)
    kept = "\n".join(line for line, g in zip(lines, gone, strict=True) if not g)
    return kept, sum(gone), chars


def drop_repeated_paragraphs(
    docs: pd.DataFrame, min_docs: int = 3, config: DedupConfig | None = None
) -> pd.DataFrame:
    """The documents without the paragraphs that many of them hold (closing templates).

    A paragraph is dropped from every text holding it when at least ``min_docs`` different
    documents of ``docs`` hold it, counted as :func:`repeated_paragraphs` counts them: on its
    normalised text, copies of one article (a duplicate group) once, and only paragraphs of
    at least ``config.paragraph_min_chars`` normalised characters (shorter ones, such as
    headings and dates, are never dropped). The counts are over ``docs`` alone, so the result
    depends on which documents are passed (:func:`textkit.corpus.select.analysed_documents`
    passes the analysed ones).

    A paragraph is a line, as :func:`textkit.segment.units.split_paragraphs` reads it, and a
    paragraph's ``para_id`` in the segmented units is its position among the lines that stay:
    the paragraphs after a dropped one move up. Tables of paragraphs made with and without the
    drop thus differ in ``para_id``; a coding sheet is re-found by its texts
    (:func:`textkit.frames.validate.align_codes`), and a coded paragraph that was dropped is
    not found (``matched`` False).

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with ``doc_id`` and ``text`` (paragraphs separated by newlines); with
        ``dup_group`` when copies of one article should count once (else
        :func:`textkit.corpus.dedup.find_duplicates` finds them). Not modified.
    min_docs : int, default 3
        The number of different documents holding a paragraph from which it is dropped (at
        least 2).
    config : DedupConfig, optional
        ``paragraph_min_chars``, and the duplicate search when ``docs`` has no ``dup_group``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``docs`` with the paragraphs dropped from ``text`` (``n_chars``, when
        present, follows the new text) and two integer columns (:data:`DROPPED_COLUMNS`):
        ``repeated_paragraphs_dropped`` and ``repeated_chars_dropped``, what each text lost.
        A document left without text (made only of such paragraphs) is left out, with a
        warning naming it; the rest keep their order, with a fresh ``0..n-1`` index.
        ``attrs["repeated_paragraphs"]`` sums it up: ``min_docs``, ``paragraphs`` (distinct
        paragraphs dropped), ``dropped`` (occurrences), ``chars``, ``documents`` (documents
        that lost any) and ``left_out`` (their doc_ids); the same is logged.

    Raises
    ------
    InvalidParameterError
        When ``docs`` lacks ``doc_id`` or ``text``, or ``min_docs`` is not an integer >= 2.
    ValueError
        When ``doc_id`` values repeat.

    See Also
    --------
    repeated_paragraphs : the table of paragraphs held by two or more documents.

    Examples
    --------
    >>> import pandas as pd
    >>> from textkit.corpus.boilerplate import drop_repeated_paragraphs
    >>> end = "以上报告，请予审议。如有不妥之处，请批评指正。"
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...                      "text": [f"{body}\\n{end}" for body in ("修路", "建校", "治水")]})
    >>> out = drop_repeated_paragraphs(docs, min_docs=3)
    >>> out["text"].tolist(), out["repeated_paragraphs_dropped"].tolist()
    (['修路', '建校', '治水'], [1, 1, 1])
    """
    config = config or DedupConfig()
    min_docs = check_int("min_docs", min_docs, 2)
    _check(docs)
    records = zip(docs["doc_id"], docs["text"], _dup_groups(docs, config), strict=True)
    template = {p for p, h in paragraph_holders(records, config).items() if len(h) >= min_docs}
    texts, n_paras, n_chars = [], [], []
    for text in docs["text"]:
        kept, paras, chars = _without(text, template)
        texts.append(kept)
        n_paras.append(paras)
        n_chars.append(chars)
    out = docs.copy()
    out["text"] = texts
    if "n_chars" in out.columns:
        out["n_chars"] = pd.array([len(t) for t in texts], dtype="int64")
    out[DROPPED_COLUMNS[0]] = pd.array(n_paras, dtype="int64")
    out[DROPPED_COLUMNS[1]] = pd.array(n_chars, dtype="int64")
    empty = np.array([p > 0 and not t.strip() for t, p in zip(texts, n_paras, strict=True)])
    left_out = out.loc[empty, "doc_id"].astype(str).tolist()
    out = out.loc[~empty].reset_index(drop=True)
    out.attrs["repeated_paragraphs"] = summary = {
        "min_docs": min_docs,
        "paragraphs": len(template),
        "dropped": int(sum(n_paras)),
        "chars": int(sum(n_chars)),
        "documents": int(sum(p > 0 for p in n_paras)),
        "left_out": left_out,
    }
    _report(summary, len(docs))
    return out


def _report(summary: Mapping, n_docs: int) -> None:
    """Log what :func:`drop_repeated_paragraphs` dropped; warn of the documents it left out."""
    logger.info(
        "repeated paragraphs: %d paragraph(s) held by %d or more documents dropped, %d "
        "time(s) (%d characters) from %d of %d documents; %d left out (no text left)",
        summary["paragraphs"], summary["min_docs"], summary["dropped"], summary["chars"],
        summary["documents"], n_docs, len(summary["left_out"]),
    )  # fmt: skip
    if summary["left_out"]:
        warnings.warn(
            f"repeated paragraphs: {len(summary['left_out'])} document(s) made only of "
            f"paragraphs held by {summary['min_docs']} or more documents are left out of the "
            f"analysis: {summary['left_out'][:10]}",
            stacklevel=3,
        )
