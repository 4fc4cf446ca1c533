"""Vectorize stage: units (token lists) -> document-term matrix, with visible pruning.

:func:`vectorize` aggregates the units table of :func:`textkit.segment.corpus.segment_corpus`
per document (or per any other grouping column) and counts terms into a
:class:`DocumentTermMatrix`: a scipy CSR matrix of int64 counts (documents x terms), the
document ids, the sorted vocabulary, and a ``pruned`` table listing every term removed by
document-frequency pruning and why (the rule of :mod:`textkit.dtm.prune`). Nothing is removed
silently, and settings that would leave an empty vocabulary fail with a ``ValueError`` naming
the setting.

:func:`vocabulary_table` gives term frequency, document frequency and (optionally)
frequency by a grouping column such as source or genre.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from textkit.core.config import setting_errors
from textkit.dtm.prune import PRUNED_COLUMNS, VectorizeConfig, prune_vocabulary

__all__ = [
    "MISSING_GROUP",
    "DocumentTermMatrix",
    "vectorize",
    "vocabulary_table",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentTermMatrix:
    """Counts of terms per document.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        int64 counts, shape ``(len(doc_ids), len(vocabulary))``.
    doc_ids : tuple of str
        Row labels, in the order documents were first seen.
    vocabulary : tuple of str
        Column labels, sorted (column ``j`` is ``vocabulary[j]``).
    pruned : pandas.DataFrame
        Terms removed by pruning: ``term, df, tf, reason`` (``min_df``, ``max_df``,
        ``max_terms``), sorted by reason then term.
    """

    matrix: sp.csr_matrix
    doc_ids: tuple[str, ...]
    vocabulary: tuple[str, ...]
    pruned: pd.DataFrame

    def __post_init__(self) -> None:
        if not sp.issparse(self.matrix):
            raise ValueError("matrix: expected a scipy.sparse matrix")
        n, m = self.matrix.shape
        if n != len(self.doc_ids) or m != len(self.vocabulary):
            raise ValueError(
                f"matrix: shape {self.matrix.shape} does not match {len(self.doc_ids)} doc_ids "
                f"x {len(self.vocabulary)} terms"
            )

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_documents, n_terms)``."""
        return self.matrix.shape

    def to_gensim(self) -> tuple[Any, list[list[tuple[int, int]]]]:
        """gensim ``Dictionary`` and bag-of-words corpus with the same column ids.

        Returns
        -------
        dictionary : gensim.corpora.Dictionary
            ``dictionary.token2id[term] == j`` for column ``j``; document frequencies and
            collection frequencies are filled from the matrix.
        corpus : list of list of (int, int)
            One bag of words per row, term ids ascending.
        """
        from gensim.corpora import Dictionary

        dictionary = Dictionary()
        dictionary.token2id = {t: j for j, t in enumerate(self.vocabulary)}
        csc = self.matrix.tocsc()
        dfs = np.diff(csc.indptr)
        cfs = np.asarray(csc.sum(axis=0)).ravel()
        dictionary.dfs = {j: int(dfs[j]) for j in range(len(self.vocabulary))}
        dictionary.cfs = {j: int(cfs[j]) for j in range(len(self.vocabulary))}
        dictionary.num_docs = int(self.matrix.shape[0])
        dictionary.num_pos = int(self.matrix.sum())
        dictionary.num_nnz = int(self.matrix.nnz)
        csr = self.matrix.tocsr()
        corpus = []
        for i in range(csr.shape[0]):
            start, end = csr.indptr[i], csr.indptr[i + 1]
            idx = csr.indices[start:end]
            val = csr.data[start:end]
            order = np.argsort(idx, kind="stable")
            corpus.append([(int(idx[k]), int(val[k])) for k in order])
        return dictionary, corpus

    def to_sklearn(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """``(X, feature_names)`` as scikit-learn estimators expect them."""
        return self.matrix.copy(), np.asarray(self.vocabulary, dtype=object)

    def term_table(self) -> pd.DataFrame:
        """One row per kept term: ``term, tf, df`` (column order of the matrix)."""
        csc = self.matrix.tocsc()
        return pd.DataFrame(
            {
                "term": list(self.vocabulary),
                "tf": np.asarray(csc.sum(axis=0)).ravel().astype("int64"),
                "df": np.diff(csc.indptr).astype("int64"),
            }
        )


def _documents(units: Any, group_by: str) -> tuple[list[str], list[list[str]]]:
    """(doc_ids, token lists) from a units table or a mapping doc_id -> tokens."""
    if isinstance(units, pd.DataFrame):
        for col in (group_by, "tokens"):
            if col not in units.columns:
                raise ValueError(f"units: missing column {col!r} (group_by={group_by!r})")
        keys = units[group_by].astype(str).tolist()
        # an iterator (a generator of jieba.cut) is read twice below: made a list first
        columns = [
            list(toks) if toks is not None and iter(toks) is toks else toks
            for toks in units["tokens"].tolist()
        ]
        if any(isinstance(toks, str) for toks in columns):
            raise ValueError("units: 'tokens' must hold lists of str, found a str")
        # tokens of the segmenter are str; anything else (a table built by hand) is made str
        present = itertools.chain.from_iterable(toks for toks in columns if toks is not None)
        loose = not {str}.issuperset(map(type, present))
        tokens: dict[str, list[str]] = {}
        for key, toks in zip(keys, columns, strict=True):
            found = tokens.get(key)
            if found is None:
                found = tokens[key] = []
            if toks is not None:
                found.extend(map(str, toks) if loose else toks)
        return list(tokens), list(tokens.values())
    if isinstance(units, Mapping):
        ids = [str(k) for k in units]
        if len(set(ids)) != len(ids):
            raise ValueError("units: doc ids are not unique after conversion to str")
        docs = []
        for k in units:
            toks = units[k]
            if isinstance(toks, str):
                raise ValueError(f"units: tokens of {k!r} must be a list of str, found a str")
            docs.append([str(t) for t in toks])
        return ids, docs
    raise ValueError("units: expected a units DataFrame or a mapping doc_id -> list of tokens")


def vectorize(
    units: pd.DataFrame | Mapping[str, Sequence[str]],
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_terms: int | None = None,
    keep: Iterable[str] = (),
    group_by: str = "doc_id",
) -> DocumentTermMatrix:
    """Count terms per document, pruning by document frequency and reporting what went.

    Parameters
    ----------
    units : DataFrame or mapping
        The units table (``tokens`` column; units are aggregated per ``group_by``) or a
        mapping ``doc_id -> list of tokens``. Not modified.
    min_df : int or float, default 1
        Drop terms found in fewer documents than this: an int (>= 0) counts documents, a
        float in [0, 1] is a proportion of the documents (``2`` is two documents, ``2.0``
        an invalid proportion).
    max_df : int or float, default 1.0
        Drop terms found in more documents than this, in the same two forms (``1`` is one
        document, ``1.0`` all of them).
    max_terms : int, optional
        Keep at most this many terms, by total frequency (ties broken by term), after the
        document-frequency pruning.
    keep : iterable of str, default ()
        Terms exempt from pruning (e.g. frame terms) when present in the corpus.
    group_by : str, default "doc_id"
        Column of the units table defining a document.

    Returns
    -------
    DocumentTermMatrix
        Empty (no document, no term) when ``units`` holds no document.

    Raises
    ------
    ValueError
        For invalid settings, ``min_df`` larger than the number of documents, ``min_df >
        max_df``, or pruning that would leave an empty vocabulary (the message names the
        setting responsible; a :class:`~textkit.core.errors.ConfigError` starting
        ``[vectorize] min_df = 500 in <file>`` when the value is the one a
        :class:`VectorizeConfig` read from ``textkit.toml``).
    """
    cfg = VectorizeConfig(min_df=min_df, max_df=max_df, max_terms=max_terms, keep=tuple(keep))
    # a setting the data refuses is named as [vectorize] min_df = ... when it came from there
    with setting_errors("vectorize", {"min_df": min_df, "max_df": max_df}):
        return _vectorized(*_documents(units, group_by), cfg)


def _vectorized(
    doc_ids: list[str], docs: list[list[str]], cfg: VectorizeConfig
) -> DocumentTermMatrix:
    """:func:`vectorize` of documents already grouped into token lists (:func:`_documents`)."""
    n_docs = len(doc_ids)
    if n_docs == 0:  # no document: an empty matrix, nothing pruned
        logger.warning("vectorize: no documents; the matrix is empty")
        pruned = pd.DataFrame(columns=PRUNED_COLUMNS).astype(
            {"term": object, "df": "int64", "tf": "int64", "reason": object}
        )
        return DocumentTermMatrix(
            matrix=sp.csr_matrix((0, 0), dtype=np.int64), doc_ids=(), vocabulary=(), pruned=pruned
        )
    # every token as an integer term id (in order of first appearance), then the counts of
    # each (document, term) pair, summed by scipy: no Python loop over the tokens
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n_docs)
    flat = np.fromiter(itertools.chain.from_iterable(docs), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat, use_na_sentinel=False)
    terms = list(uniques)
    rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    counts = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), (rows, codes)), shape=(n_docs, len(terms))
    )
    counts.sum_duplicates()
    df = dict(zip(terms, np.bincount(counts.indices, minlength=len(terms)).tolist(), strict=True))
    tf = dict(zip(terms, np.bincount(codes, minlength=len(terms)).tolist(), strict=True))
    vocab, pruned = prune_vocabulary(df, tf, n_docs, cfg)
    term_id = {t: i for i, t in enumerate(terms)}
    kept = counts[:, np.asarray([term_id[t] for t in vocab], dtype=np.int64)].tocsr()
    kept.sort_indices()
    matrix = sp.csr_matrix(
        (
            kept.data.astype(np.int64),
            kept.indices.astype(np.int32),
            kept.indptr.astype(np.int64),
        ),
        shape=(n_docs, len(vocab)),
        dtype=np.int64,
    )
    for reason, n in sorted(Counter(pruned["reason"]).items()):
        logger.info("vectorize: %d terms pruned by %s", n, reason)
    empty_docs = int((np.diff(matrix.indptr) == 0).sum())
    if empty_docs:
        logger.warning("vectorize: %d of %d documents have no terms left", empty_docs, n_docs)
    return DocumentTermMatrix(
        matrix=matrix, doc_ids=tuple(doc_ids), vocabulary=vocab, pruned=pruned
    )


#: Group label of documents whose grouping value is missing (None / NaN).
MISSING_GROUP = "unknown"


def _group_labels(values: pd.Series) -> list[str]:
    return [MISSING_GROUP if pd.isna(v) else str(v) for v in values]


def vocabulary_table(
    units: pd.DataFrame | Mapping[str, Sequence[str]],
    by: str | None = None,
    docs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Term frequency, document frequency and (optionally) frequency by group.

    Parameters
    ----------
    units : DataFrame or mapping
        Units table (``doc_id``, ``tokens``) or mapping ``doc_id -> tokens``.
    by : str, optional
        A grouping column (e.g. ``"source_file"``, ``"genre"``) found in ``units`` or in
        ``docs``; adds one ``tf_<group>`` column per group value (sorted). Documents whose
        group value is missing (None / NaN, e.g. a genre the rules could not tell) form
        the group :data:`MISSING_GROUP` (``"unknown"``).
    docs : DataFrame, optional
        Documents table with ``doc_id`` and the ``by`` column, joined when ``by`` is not a
        column of ``units``.

    Returns
    -------
    pandas.DataFrame
        ``term, tf, df`` (+ ``tf_<group>`` columns), sorted by ``tf`` descending then term.
    """
    doc_ids, token_lists = _documents(units, "doc_id")
    group_of: dict[str, str] | None = None
    if by is not None:
        if isinstance(units, pd.DataFrame) and by in units.columns:
            sub = units[["doc_id", by]].astype({"doc_id": str}).drop_duplicates("doc_id")
            group_of = dict(zip(sub["doc_id"], _group_labels(sub[by]), strict=True))
        elif docs is not None and by in docs.columns and "doc_id" in docs.columns:
            group_of = dict(zip(docs["doc_id"].astype(str), _group_labels(docs[by]), strict=True))
        else:
            raise ValueError(f"by: column {by!r} not found in units or docs")
        missing = [d for d in doc_ids if d not in group_of]
        if missing:
            raise ValueError(f"by: {len(missing)} documents have no {by!r} (e.g. {missing[0]})")
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    by_group: dict[str, Counter[str]] = {}
    for d, toks in zip(doc_ids, token_lists, strict=True):
        c = Counter(toks)
        tf.update(c)
        df.update(c.keys())
        if group_of is not None:
            by_group.setdefault(group_of[d], Counter()).update(c)
    terms = sorted(tf, key=lambda t: (-tf[t], t))
    out = pd.DataFrame(
        {
            "term": terms,
            "tf": np.array([tf[t] for t in terms], dtype=np.int64),
            "df": np.array([df[t] for t in terms], dtype=np.int64),
        }
    )
    for g in sorted(by_group):
        out[f"tf_{g}"] = np.array([by_group[g][t] for t in terms], dtype=np.int64)
    return out
