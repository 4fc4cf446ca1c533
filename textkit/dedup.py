"""Duplicate detection stage.

Exact duplicates are found by hashing a normalised text (NFKC, lower case, all whitespace and
punctuation removed). Near duplicates are found with datasketch ``MinHash`` + ``MinHashLSH`` on
character n-gram shingles of that normalised text; every LSH candidate pair is confirmed by the
exact Jaccard similarity of the shingle sets. Groups are the connected components (networkx) of
exact and confirmed pairs. The canonical member of a group is the longest text, ties broken by the
smallest ``doc_id``. Documents shorter than the shingle size are matched by exact hash only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

logger = logging.getLogger(__name__)

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class DedupConfig:
    """Options of the duplicate detection stage.

    Parameters
    ----------
    shingle_size : int
        Character n-gram size of shingles (default 5).
    num_perm : int
        Number of MinHash permutations (default 128).
    threshold : float
        Jaccard threshold for LSH candidates and for confirming a pair (default 0.8).
    seed : int
        MinHash seed (default 1).
    min_chars : int
        Normalised texts shorter than this are exact-hash only (default 0: the shingle size is
        always the floor).
    paragraph_min_chars : int
        Minimum normalised length of a paragraph considered by ``repeated_paragraphs`` (default 8).
    """

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.8
    seed: int = 1
    min_chars: int = 0
    paragraph_min_chars: int = 8

    def __post_init__(self) -> None:
        if not isinstance(self.shingle_size, int) or self.shingle_size < 1:
            raise ValueError(
                f"DedupConfig.shingle_size must be an int >= 1, got {self.shingle_size!r}"
            )
        if not isinstance(self.num_perm, int) or self.num_perm < 16:
            raise ValueError(f"DedupConfig.num_perm must be an int >= 16, got {self.num_perm!r}")
        if not 0.0 < float(self.threshold) <= 1.0:
            raise ValueError(f"DedupConfig.threshold must be in (0, 1], got {self.threshold!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"DedupConfig.seed must be an int >= 0, got {self.seed!r}")
        if not isinstance(self.min_chars, int) or self.min_chars < 0:
            raise ValueError(f"DedupConfig.min_chars must be an int >= 0, got {self.min_chars!r}")
        if not isinstance(self.paragraph_min_chars, int) or self.paragraph_min_chars < 1:
            raise ValueError(
                f"DedupConfig.paragraph_min_chars must be an int >= 1, got {self.paragraph_min_chars!r}"
            )


def normalise(text: str) -> str:
    """Return ``text`` in NFKC, lower case, without whitespace or punctuation.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The normalised text used for hashing and shingling.
    """
    return _STRIP.sub("", unicodedata.normalize("NFKC", str(text or "")).lower())


def shingles(text: str, size: int) -> frozenset[str]:
    """Character n-gram shingles of the normalised ``text`` (empty if shorter than ``size``).

    Parameters
    ----------
    text : str
        Any text.
    size : int
        Shingle length in characters.

    Returns
    -------
    frozenset of str
    """
    return _shingles_of(normalise(text), size)


def _shingles_of(norm: str, size: int) -> frozenset[str]:
    return frozenset(norm[i : i + size] for i in range(len(norm) - size + 1))


def _signature(norm: str, config: DedupConfig) -> MinHash:
    """MinHash of a normalised text's shingles (hashed in one batch: same values as update)."""
    mh = MinHash(num_perm=config.num_perm, seed=config.seed)
    mh.update_batch([sh.encode("utf-8") for sh in _shingles_of(norm, config.shingle_size)])
    return mh


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def minhash_signatures(texts: Iterable[str], config: DedupConfig | None = None) -> list[MinHash]:
    """MinHash signature of each text's character shingles.

    Parameters
    ----------
    texts : iterable of str
        Texts (normalised internally).
    config : DedupConfig, optional
        Shingle size, ``num_perm`` and seed.

    Returns
    -------
    list of datasketch.MinHash
        One signature per text, in input order.
    """
    config = config or DedupConfig()
    return [_signature(normalise(text), config) for text in texts]


def _check(docs: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "text") if c not in docs.columns]
    if missing:
        raise ValueError(f"documents table lacks column(s) {missing}")
    if docs["doc_id"].duplicated().any():
        dup = sorted(docs.loc[docs["doc_id"].duplicated(), "doc_id"].astype(str))[:5]
        raise ValueError(f"documents table has repeated doc_id values: {dup}")


def find_duplicates(docs: pd.DataFrame, config: DedupConfig | None = None) -> pd.DataFrame:
    """Flag exact and near duplicate documents.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with at least ``doc_id`` and ``text``. Not modified.
    config : DedupConfig, optional
        Stage options (defaults when ``None``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_duplicate`` (True for non-canonical members), ``dup_group`` (the
        canonical doc_id of the group, None for singletons), ``dup_of`` (canonical doc_id for
        non-canonical members, else None) and ``similarity`` (exact shingle Jaccard with the
        canonical member; 1.0 for exact copies; NaN for singletons).
    """
    config = config or DedupConfig()
    if not isinstance(config, DedupConfig):
        raise ValueError(f"config must be a DedupConfig, got {type(config).__name__}")
    _check(docs)
    out = docs.copy()
    ids = [str(x) for x in out["doc_id"]]
    texts = {
        i: str(t if isinstance(t, str) else "") for i, t in zip(ids, out["text"], strict=False)
    }
    order = sorted(ids)
    norm = {i: normalise(texts[i]) for i in order}
    hashes = {i: hashlib.sha256(norm[i].encode("utf-8")).hexdigest() for i in order}
    floor = max(config.shingle_size, config.min_chars)
    # Shingle sets are built only for the documents that LSH pairs up or that end in a group
    # (a corpus-wide dict of them would dominate the build's memory).
    sh_cache: dict[str, frozenset[str]] = {}

    def sh(i: str) -> frozenset[str]:
        if i not in sh_cache:
            sh_cache[i] = _shingles_of(norm[i], config.shingle_size)
        return sh_cache[i]

    graph = nx.Graph()
    graph.add_nodes_from(order)
    by_hash: dict[str, list[str]] = {}
    for i in order:
        if norm[i]:
            by_hash.setdefault(hashes[i], []).append(i)
    for h in sorted(by_hash):
        members = by_hash[h]
        for other in members[1:]:
            graph.add_edge(members[0], other)

    eligible = [i for i in order if len(norm[i]) >= floor]  # floor >= shingle size: shingles
    if len(eligible) > 1:
        sigs = {i: _signature(norm[i], config) for i in eligible}
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
        for i in eligible:
            lsh.insert(i, sigs[i])
        for i in eligible:
            for j in sorted(lsh.query(sigs[i])):
                if j <= i:
                    continue
                if jaccard(sh(i), sh(j)) >= config.threshold:
                    graph.add_edge(i, j)

    group = {i: None for i in ids}
    dup_of = {i: None for i in ids}
    sim = {i: np.nan for i in ids}
    for comp in nx.connected_components(graph):
        if len(comp) < 2:
            continue
        members = sorted(comp)
        canon = min(members, key=lambda m: (-len(norm[m]), m))
        for m in members:
            group[m] = canon
            if m == canon:
                sim[m] = 1.0
                continue
            dup_of[m] = canon
            sim[m] = 1.0 if hashes[m] == hashes[canon] else jaccard(sh(m), sh(canon))
    out["dup_group"] = [group[i] for i in ids]
    out["dup_of"] = [dup_of[i] for i in ids]
    out["is_duplicate"] = [dup_of[i] is not None for i in ids]
    out["similarity"] = [float(sim[i]) for i in ids]
    logger.info("find_duplicates: %d docs, %d duplicates", len(ids), int(out["is_duplicate"].sum()))
    return out


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
        Columns ``paragraph`` (normalised), ``n_docs``, ``doc_ids`` (sorted, joined with ";")
        and ``n_chars``, sorted by ``n_docs`` descending then ``paragraph``.
    """
    config = config or DedupConfig()
    _check(docs)
    if "dup_group" not in docs.columns:
        docs = find_duplicates(docs, config)
    seen: dict[str, dict[str, str]] = {}
    for doc_id, text, grp in zip(docs["doc_id"], docs["text"], docs["dup_group"], strict=False):
        key = str(grp) if isinstance(grp, str) and grp else str(doc_id)
        for para in str(text if isinstance(text, str) else "").split("\n"):
            p = normalise(para)
            if len(p) < config.paragraph_min_chars:
                continue
            holders = seen.setdefault(p, {})
            holders[key] = min(holders.get(key, str(doc_id)), str(doc_id))
    rows = [
        {
            "paragraph": p,
            "n_docs": len(h),
            "doc_ids": ";".join(sorted(h.values())),
            "n_chars": len(p),
        }
        for p, h in seen.items()
        if len(h) >= 2
    ]
    table = pd.DataFrame(rows, columns=["paragraph", "n_docs", "doc_ids", "n_chars"])
    return table.sort_values(["n_docs", "paragraph"], ascending=[False, True]).reset_index(
        drop=True
    )
