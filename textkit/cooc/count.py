"""Co-occurrence counting: how many units contain each pair of node terms.

:func:`cooccurrence` counts, in a **units** table (``textkit.segment.segment_corpus``),
how many units contain each pair of node terms. A unit is a sentence, a paragraph, a
document, or a boolean sliding window of ``window`` tokens over each document's token
sequence (every window is a virtual unit, as in Röder et al. 2015's coherence measures).
Counting is one sparse product ``X.T @ X`` of the binary unit x term matrix (scipy.sparse).
The node set is chosen by frequency, unit or document frequency, a precomputed keyness
table, or a given list. Each edge carries its association weights
(:mod:`textkit.cooc.weights`), computed from the 2 x 2 unit contingency table of the pair,
and the number of documents behind it (``docs``), which tells a corpus-wide association
from one document's repeated phrasing. Edges are kept when ``n_ab >= min_count`` (default
2: a pair seen in one unit only is not evidence of association).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from textkit.cooc.config import CoocConfig
from textkit.cooc.weights import WEIGHTS, association

__all__ = ["CoocResult", "CoocWarning", "cooccurrence"]

logger = logging.getLogger(__name__)

_KEYNESS_SCORES = ("keyness", "g2", "G2", "log_likelihood", "loglik", "chi2", "score")


class CoocWarning(UserWarning):
    """The input gives an empty or degenerate network (no node, no edge above the minimum)."""


def warn_degenerate(msg: str) -> None:
    """Log ``msg`` and warn with :class:`CoocWarning`, pointing at the caller's caller."""
    logger.warning(msg)
    warnings.warn(msg, CoocWarning, stacklevel=3)


@dataclass(frozen=True)
class CoocResult:
    """Counts and association weights of one co-occurrence run.

    Attributes
    ----------
    nodes : DataFrame
        One row per node term, sorted by term: ``term``, ``freq`` (token frequency),
        ``unit_freq`` (units containing it), ``doc_freq`` (documents containing it).
    edges : DataFrame
        One row per pair with ``count >= min_count``, sorted by (``source``, ``target``),
        ``source < target``: ``count``, ``docs`` (number of documents in which the pair
        co-occurs in at least one unit: an edge with many units but one document is that
        document's phrasing, not a corpus-wide association; absent with
        ``doc_counts=False``), ``expected``, the weights of
        :data:`~textkit.cooc.weights.WEIGHTS` and ``p_value`` (of G², 1 df).
    n_units : int
        Number of units N (windows for ``unit="window"``), empty units included.
    n_docs : int
        Number of documents.
    config : CoocConfig
        The settings used (with the node list filled in for ``node_selection="list"``).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    n_units: int
    n_docs: int
    config: CoocConfig


def _check_units(units: pd.DataFrame, config: CoocConfig) -> None:
    if not isinstance(units, pd.DataFrame):
        raise ValueError(f"units: expected a DataFrame, got {type(units).__name__}")
    if "tokens" not in units.columns:
        raise ValueError("units: missing column 'tokens' (a list of str per row)")
    need = {"paragraph": ("doc_id", "para_id"), "document": ("doc_id",), "window": ("doc_id",)}
    missing = [c for c in need.get(config.unit, ()) if c not in units.columns]
    if missing:
        raise ValueError(f"units: unit={config.unit!r} needs column(s) {missing}")
    if config.unit == "sentence" and "sent_id" in units.columns and (units["sent_id"] < 0).any():
        raise ValueError(
            "unit='sentence' but the units table has paragraph or document rows (sent_id -1); "
            "segment with segment_corpus(..., unit='sentence')"
        )
    if config.unit == "paragraph" and (units["para_id"] < 0).any():
        raise ValueError(
            "unit='paragraph' but the units table has document rows (para_id -1); "
            "segment with unit='sentence' or 'paragraph'"
        )
    for i, toks in enumerate(units["tokens"]):
        if not isinstance(toks, (list, tuple, np.ndarray)):
            raise ValueError(
                f"units: row {i} ({units.index[i]!r}) tokens is {type(toks).__name__}, "
                "expected a list of str"
            )


def _doc_order(units: pd.DataFrame) -> pd.DataFrame:
    """Rows in document order (first appearance), then ``unit_id`` when present."""
    if "unit_id" not in units.columns:
        return units
    first = pd.factorize(units["doc_id"].astype(str))[0]
    order = np.lexsort((units["unit_id"].to_numpy(), first))
    return units.iloc[order]


def _flatten(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token codes, the row of each token, and the vocabulary (first-appearance order)."""
    lengths = np.fromiter((len(t) for t in units["tokens"]), dtype=np.int64, count=len(units))
    flat = list(itertools.chain.from_iterable(units["tokens"]))
    rows = np.repeat(np.arange(len(units), dtype=np.int64), lengths)
    if not flat:
        return np.zeros(0, np.int64), rows, np.array([], dtype=object)
    codes, vocab = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    bad = [v for v in vocab if not isinstance(v, str) or not v.strip()]
    if bad:
        raise ValueError(f"units: tokens must be non-empty strings, found {bad[:5]!r}")
    return codes.astype(np.int64), rows, np.asarray(vocab, dtype=object)


def _distinct_count(groups: np.ndarray, codes: np.ndarray, n_codes: int) -> np.ndarray:
    """For every code, the number of distinct groups it appears in."""
    if len(codes) == 0:
        return np.zeros(n_codes, np.int64)
    pairs = np.unique(groups * np.int64(n_codes) + codes)
    return np.bincount(pairs % n_codes, minlength=n_codes).astype(np.int64)


def _select_nodes(
    stats: pd.DataFrame, config: CoocConfig, keyness: pd.DataFrame | None
) -> tuple[str, ...]:
    sel = config.node_selection
    if sel == "list":
        return tuple(sorted(config.nodes or ()))
    cand = stats[(stats["freq"] >= config.min_freq) & ~stats["term"].isin(config.exclude)]
    if sel in ("frequency", "unit_freq", "doc_freq"):
        key = {"frequency": ["freq"], "unit_freq": ["unit_freq", "freq"]}.get(
            sel, ["doc_freq", "freq"]
        )
        cand = cand.sort_values(
            [*key, "term"], ascending=[False] * len(key) + [True], kind="mergesort"
        )
        terms = cand["term"].tolist()
    else:  # keyness
        table = _keyness_scores(keyness, config)
        merged = table[table["term"].isin(set(cand["term"]))]
        merged = merged.sort_values(["score", "term"], ascending=[False, True], kind="mergesort")
        terms = merged["term"].tolist()
    if config.n_nodes is not None:
        terms = terms[: config.n_nodes]
    return tuple(sorted(terms))


def _keyness_scores(keyness: pd.DataFrame | None, config: CoocConfig) -> pd.DataFrame:
    if keyness is None:
        raise ValueError("keyness: node_selection='keyness' needs a keyness table argument")
    if not isinstance(keyness, pd.DataFrame):
        raise ValueError(f"keyness: expected a DataFrame, got {type(keyness).__name__}")
    term_col = next((c for c in ("term", "feature", "word") if c in keyness.columns), None)
    if term_col is None:
        raise ValueError("keyness: missing a 'term' (or 'feature') column")
    score_col = config.keyness_column or next(
        (c for c in _KEYNESS_SCORES if c in keyness.columns), None
    )
    if score_col is None or score_col not in keyness.columns:
        raise ValueError(
            f"keyness_column: column {score_col!r} not in the keyness table "
            f"(columns: {list(keyness.columns)})"
        )
    out = pd.DataFrame(
        {
            "term": keyness[term_col].astype(str),
            "score": pd.to_numeric(keyness[score_col], errors="coerce"),
        }
    )
    out = out.dropna().sort_values(["score", "term"], ascending=[False, True], kind="mergesort")
    return out.drop_duplicates("term").reset_index(drop=True)


def _unit_rows(
    units: pd.DataFrame, config: CoocConfig, doc_codes: np.ndarray, token_row: np.ndarray
) -> tuple[np.ndarray, int, np.ndarray]:
    """Unit index of every token, the number of units and the document of every unit."""
    if config.unit == "sentence":
        return token_row, len(units), doc_codes
    keys = ["doc_id", "para_id"] if config.unit == "paragraph" else ["doc_id"]
    group = units.groupby(keys, sort=False).ngroup().to_numpy().astype(np.int64)
    n_units = int(group.max()) + 1 if len(group) else 0
    unit_doc = np.zeros(n_units, dtype=np.int64)
    unit_doc[group] = doc_codes
    return group[token_row], n_units, unit_doc


def _window_matrix(
    units: pd.DataFrame, node_col: np.ndarray, token_row: np.ndarray, w: int, n_nodes: int
) -> tuple[sp.csr_matrix, int, np.ndarray]:
    doc = pd.factorize(units["doc_id"].astype(str))[0].astype(np.int64)
    tok_doc = doc[token_row]
    n_docs = int(doc.max()) + 1 if len(doc) else 0
    lengths = np.bincount(tok_doc, minlength=n_docs).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if n_docs else np.zeros(0, np.int64)
    # rows are in document order, so a token's position is its index minus its doc's start
    pos = np.arange(len(tok_doc), dtype=np.int64) - start[tok_doc] if len(tok_doc) else tok_doc
    n_win = np.where(lengths > 0, np.maximum(1, lengths - w + 1), 0)
    base = np.concatenate([[0], np.cumsum(n_win)[:-1]]) if n_docs else np.zeros(0, np.int64)
    n_units = int(n_win.sum())
    keep = node_col >= 0
    p, d, c = pos[keep], tok_doc[keep], node_col[keep]
    rows, cols = [], []
    for j in range(w):
        win = p - j
        ok = (win >= 0) & (win < n_win[d])
        rows.append(base[d[ok]] + win[ok])
        cols.append(c[ok])
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    k = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    unit_doc = np.repeat(np.arange(n_docs, dtype=np.int64), n_win)
    return _binary(r, k, n_units, n_nodes), n_units, unit_doc


def _pair_docs(
    X: sp.csr_matrix, unit_doc: np.ndarray, n_docs: int, src: np.ndarray, tgt: np.ndarray
) -> np.ndarray:
    """For each pair (src, tgt), the number of documents with a unit holding both terms.

    The columns of the unit x node matrix are split by document (column ``d * n + i``),
    so that the product of that matrix with itself is block diagonal, one block
    ``X_d.T @ X_d`` per document; its non-zeros are the (document, pair) combinations.
    """
    n = X.shape[1]
    if len(src) == 0 or n_docs == 0:
        return np.zeros(len(src), dtype=np.int64)
    Xc = X.tocoo()
    cols = unit_doc[Xc.row] * np.int64(n) + Xc.col
    Xe = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.int32), (Xc.row, cols)), shape=(X.shape[0], n_docs * n)
    )
    P = (Xe.T @ Xe).tocsr()
    row = np.repeat(np.arange(P.shape[0], dtype=np.int64) % n, np.diff(P.indptr))
    col = P.indices.astype(np.int64) % n
    up = row < col
    keys = row[up] * n + col[up]
    want = src.astype(np.int64) * n + tgt
    if n * n <= 1 << 23:
        return np.bincount(keys, minlength=n * n)[want].astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    at = np.minimum(np.searchsorted(uniq, want), max(len(uniq) - 1, 0))
    if len(uniq) == 0:
        return np.zeros(len(want), dtype=np.int64)
    return np.where(uniq[at] == want, counts[at], 0).astype(np.int64)


def _binary(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    X = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n_rows, n_cols), dtype=np.int64
    )
    X.sum_duplicates()
    X.data[:] = 1
    return X


def cooccurrence(
    units: pd.DataFrame,
    config: CoocConfig | None = None,
    *,
    nodes: Sequence[str] | None = None,
    keyness: pd.DataFrame | None = None,
) -> CoocResult:
    """Count co-occurring term pairs within units and compute their association weights.

    Parameters
    ----------
    units : DataFrame
        The units table of ``textkit.segment.segment_corpus`` (``doc_id``, ``para_id``,
        ``sent_id``, ``unit_id``, ``tokens``) or any table with a ``tokens`` list column
        (plus ``doc_id`` / ``para_id`` for paragraph, document and window units). Not
        modified.
    config : CoocConfig, optional
        Settings; default ``CoocConfig()`` (sentences, top 80 terms by frequency, the
        generic words of :data:`~textkit.cooc.config.DEFAULT_EXCLUDE` left out).
    nodes : sequence of str, optional
        Shortcut for ``node_selection="list"`` with these terms (recorded in the result's
        config).
    keyness : DataFrame, optional
        Precomputed keyness table (``term`` and a score column) for
        ``node_selection="keyness"``; the highest scores are taken.

    Returns
    -------
    CoocResult

    Warns
    -----
    CoocWarning
        When there is no unit, no node term, or no pair reaching ``min_count``; the
        result then has an empty edge table (and :func:`build_network` an empty graph).

    Examples
    --------
    >>> units = pd.DataFrame({"tokens": [["维稳", "法治"], ["维稳", "法治", "服务"], ["服务"]]})
    >>> res = cooccurrence(units, CoocConfig(min_freq=1))
    >>> res.edges[["source", "target", "count", "jaccard"]].to_dict("records")
    [{'source': '法治', 'target': '维稳', 'count': 2, 'jaccard': 1.0}]
    """
    config = config if config is not None else CoocConfig()
    if not isinstance(config, CoocConfig):
        raise ValueError(f"config: expected a CoocConfig, got {type(config).__name__}")
    if nodes is not None:
        config = dataclasses.replace(
            config,
            node_selection="list",
            nodes=tuple(nodes) if not isinstance(nodes, str) else (nodes,),
        )
    _check_units(units, config)
    if config.unit in ("window", "document", "paragraph"):
        units = _doc_order(units)
    units = units.reset_index(drop=True)
    codes, token_row, vocab = _flatten(units)
    V = len(vocab)
    freq = np.bincount(codes, minlength=V).astype(np.int64)
    doc_codes = (
        pd.factorize(units["doc_id"].astype(str))[0].astype(np.int64)
        if "doc_id" in units.columns
        else np.arange(len(units), dtype=np.int64)
    )
    n_docs = int(doc_codes.max()) + 1 if len(doc_codes) else 0
    unit_of_token, n_units, unit_doc = (
        _unit_rows(units, config, doc_codes, token_row)
        if config.unit != "window"
        else (None, 0, None)
    )
    stats = pd.DataFrame({"term": vocab.astype(str), "freq": freq})
    # distinct counts over all terms need a sort of every token: only when they choose nodes
    if config.node_selection == "doc_freq":
        stats["doc_freq"] = _distinct_count(doc_codes[token_row], codes, V)
    if config.node_selection == "unit_freq":
        stats["unit_freq"] = _distinct_count(unit_of_token, codes, V)
    node_terms = _select_nodes(stats, config, keyness)
    code_of = {t: i for i, t in enumerate(stats["term"])}
    if config.node_selection == "list":
        config = dataclasses.replace(config, nodes=node_terms)
        absent = [t for t in node_terms if t not in code_of]
        if absent:
            logger.warning(
                "nodes: %d listed term(s) not in the units: %s", len(absent), absent[:10]
            )
    n_nodes = len(node_terms)
    node_col = np.full(V, -1, dtype=np.int64)
    node_freq = np.zeros(n_nodes, dtype=np.int64)
    for j, t in enumerate(node_terms):
        if t in code_of:
            node_col[code_of[t]] = j
            node_freq[j] = freq[code_of[t]]
    col = node_col[codes]
    on_node = col >= 0
    node_doc_freq = (
        _binary(doc_codes[token_row[on_node]], col[on_node], n_docs, n_nodes)
        .getnnz(axis=0)
        .astype(np.int64)
    )
    if config.unit == "window":
        X, n_units, unit_doc = _window_matrix(units, col, token_row, config.window, n_nodes)
    else:
        X = _binary(unit_of_token[on_node], col[on_node], n_units, n_nodes)
    C = (X.T @ X).tocsr()
    unit_freq = C.diagonal().astype(np.int64)

    node_df = pd.DataFrame(
        {
            "term": list(node_terms),
            "freq": node_freq,
            "unit_freq": unit_freq,
            "doc_freq": node_doc_freq,
        }
    ).astype({"freq": "int64", "unit_freq": "int64", "doc_freq": "int64"})

    upper = sp.triu(C, k=1).tocoo()
    mask = upper.data >= config.min_count
    src, tgt, cnt = upper.row[mask], upper.col[mask], upper.data[mask]
    order = np.lexsort((tgt, src))
    src, tgt, cnt = src[order], tgt[order], cnt[order]
    w = association(cnt, unit_freq[src], unit_freq[tgt], n_units)
    if config.unit == "document":
        docs = cnt.astype(np.int64)
    elif config.doc_counts:
        docs = _pair_docs(X, unit_doc, n_docs, src, tgt)
    else:
        docs = None
    terms = np.asarray(node_terms, dtype=object)
    edges = pd.DataFrame(
        {
            "source": terms[src] if len(src) else np.array([], dtype=object),
            "target": terms[tgt] if len(tgt) else np.array([], dtype=object),
            **({"docs": docs} if docs is not None else {}),
            **w,
        }
    )
    first = ["source", "target", "count", *(["docs"] if docs is not None else [])]
    edges = edges[[*first, "expected", *WEIGHTS[1:], "p_value"]]
    edges = edges.reset_index(drop=True)
    if n_units == 0:
        warn_degenerate("cooccurrence: the units table has no unit; the network is empty")
    elif n_nodes == 0:
        warn_degenerate(
            f"cooccurrence: no term passes the node selection ({config.node_selection})"
        )
    elif edges.empty:
        warn_degenerate(
            f"cooccurrence: no pair of the {n_nodes} node terms co-occurs in at least "
            f"min_count={config.min_count} of {n_units} {config.unit} units"
        )
    logger.info(
        "cooccurrence: %d units (%s), %d nodes, %d edges", n_units, config.unit, n_nodes, len(edges)
    )
    return CoocResult(nodes=node_df, edges=edges, n_units=n_units, n_docs=n_docs, config=config)
