"""Paragraphs repeated across documents: the boilerplate of template sites.

:func:`repeated_paragraphs` lists every normalised paragraph (:func:`textkit.corpus.dedup.normalise`)
held by two or more documents, counting the copies of one article (a duplicate group of
:func:`textkit.corpus.dedup.find_duplicates`) once. :func:`paragraph_holders` is its core over
any stream of records, and :class:`ParagraphCounter` the text-free first pass of the streamed
corpus build (64-bit paragraph keys only, so memory does not hold the texts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from textkit.corpus.dedup import (
    DedupConfig,
    _as_text,
    _check,
    find_duplicates,
    normalise_lines,
)

__all__ = [
    "ParagraphCounter",
    "paragraph_holders",
    "paragraph_key",
    "paragraph_table",
    "repeated_paragraphs",
]


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
