"""Co-occurrence stage: keyword co-occurrence networks, reproducible and exportable to Gephi.

The co-occurrence "semantic network" of a corpus is built in four explicit steps, each a
function returning a new object, so that the figure and the data behind it come from one
recorded call instead of a chain of GUI tools:

1. :func:`cooccurrence` counts, in a **units** table (``textkit.segment.segmenter.segment_corpus``),
   how many units contain each pair of node terms. A unit is a sentence, a paragraph, a
   document, or a boolean sliding window of ``window`` tokens over each document's token
   sequence (every window is a virtual unit, as in Röder et al. 2015's coherence
   measures). Counting is one sparse product ``X.T @ X`` of the binary unit x term matrix
   (scipy.sparse). The node set is chosen by frequency, unit or document frequency, a
   precomputed keyness table, or a given list. Each edge carries its association weights
   (see :data:`WEIGHTS`), computed from the 2 x 2 unit contingency table of the pair, and
   the number of documents behind it (``docs``), which tells a corpus-wide association
   from one document's repeated phrasing.
2. :func:`build_network` prunes the edges (top-N by a weight, weight threshold, maximum
   spanning tree alone or overlaid, disparity-filter backbone of Serrano et al. 2009) and
   returns a :class:`networkx.Graph` with Louvain communities (fixed seed, renumbered by
   size) as node attributes.
3. :func:`node_table` (centralities), :func:`ego_network` / :func:`ego_table` and
   :func:`compare_networks` (the same node set in two document groups, edge weight
   differences) analyse it.
4. :func:`export_network` writes GEXF and GraphML (open in Gephi), node and edge CSV and
   the parameters as JSON, byte-identical across runs and ``PYTHONHASHSEED`` values.

Association weights of a pair (a, b) with ``n_ab`` units containing both, ``n_a`` and
``n_b`` units containing each, and ``N`` units in all:

* ``count`` = n_ab (raw co-occurrence count);
* ``jaccard`` = n_ab / (n_a + n_b - n_ab) (KH Coder's default);
* ``dice`` = 2 n_ab / (n_a + n_b);
* ``ochiai`` = n_ab / sqrt(n_a n_b) (cosine of the binary unit vectors);
* ``pmi`` = log2(n_ab N / (n_a n_b)) (pointwise mutual information, in bits);
* ``npmi`` = pmi / -log2(n_ab / N) in [-1, 1] (Bouma 2009; 1 when n_ab = N, -1 when n_ab = 0);
* ``g2`` = 2 sum O ln(O / E) over the four cells of the 2 x 2 table (Dunning 1993
  log-likelihood ratio), with ``p_value`` = ``scipy.stats.chi2.sf(g2, 1)``; ``expected``
  (= n_a n_b / N) tells the direction: G² is large for strong attraction *and* repulsion.

Edges are kept when ``n_ab >= min_count`` (default 2: a pair seen in one unit only is not
evidence of association).

The ``[cooc]`` table of ``textkit.toml`` holds the settings of both steps
(:func:`network_config` splits it into a :class:`CoocConfig` and a :class:`NetworkConfig`).

Usage::

    from textkit.segment.corpus import segment_corpus
    from textkit.cooc.cooc import CoocConfig, cooccurrence, build_network, export_network

    units = segment_corpus(documents, unit="sentence")
    res = cooccurrence(units, CoocConfig(unit="sentence", n_nodes=80))
    G = build_network(res, weight="jaccard", top_n=60, overlay_mst=True)
    export_network(G, "results/networks", "governance_sentence")
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import logging
import math
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import chi2

from textkit.core.checks import check_int, renamed_parameter
from textkit.core.config import StageConfig
from textkit.core.io import dumps_json, sha256_bytes, write_bytes, write_csv, write_json
from textkit.core.precision import round_floats

__all__ = [
    "UNITS",
    "NODE_SELECTIONS",
    "WEIGHTS",
    "BACKBONES",
    "CoocConfig",
    "NetworkConfig",
    "network_config",
    "CoocResult",
    "CoocWarning",
    "NetworkComparison",
    "association",
    "cooccurrence",
    "build_network",
    "detect_communities",
    "node_table",
    "edge_table",
    "ego_network",
    "ego_table",
    "compare_networks",
    "export_network",
]

logger = logging.getLogger(__name__)

#: Units of co-occurrence.
UNITS = ("sentence", "paragraph", "document", "window")
#: Ways of choosing the node set.
NODE_SELECTIONS = ("frequency", "unit_freq", "doc_freq", "keyness", "list")
#: Edge weights computed for every edge (see the module docstring).
WEIGHTS = ("count", "jaccard", "dice", "ochiai", "pmi", "npmi", "g2")
#: Backbone extraction methods of :func:`build_network`.
BACKBONES = (None, "mst", "disparity")
#: Weights that are comparable between corpora of different size (used by compare_networks).
_NORMALISED = ("jaccard", "dice", "ochiai", "npmi")
_KEYNESS_SCORES = ("keyness", "g2", "G2", "log_likelihood", "loglik", "chi2", "score")


class CoocWarning(UserWarning):
    """The input gives an empty or degenerate network (no node, no edge above the minimum)."""


def _warn(msg: str) -> None:
    logger.warning(msg)
    warnings.warn(msg, CoocWarning, stacklevel=3)


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class CoocConfig(StageConfig):
    """Options of :func:`cooccurrence`.

    Parameters
    ----------
    unit : {"sentence", "paragraph", "document", "window"}, default "sentence"
        Unit within which two terms co-occur. ``sentence`` takes every row of the units
        table as one unit (the table must be sentence-level when it has ``sent_id``);
        ``paragraph`` merges rows by (``doc_id``, ``para_id``); ``document`` by ``doc_id``;
        ``window`` slides a window of ``window`` tokens, step 1, over each document's
        token sequence (rows ordered by ``unit_id``) and counts every window as a unit; a
        document shorter than the window is one window.
    window : int, default 10
        Window size in tokens (``unit="window"`` only), at least 2.
    node_selection : {"frequency", "unit_freq", "doc_freq", "keyness", "list"}
        How the node set is chosen: the ``n_nodes`` terms with the highest token frequency,
        number of units, or number of documents containing them (ties by frequency, then
        term); the ``n_nodes`` highest scores of a keyness table passed to
        :func:`cooccurrence`; or exactly the terms of ``nodes``.
    n_nodes : int or None, default 100
        Size of the node set (``None``: every term passing ``min_freq``).
    min_freq : int, default 2
        Minimum token frequency of a node (not applied to ``node_selection="list"``).
    min_count : int, default 2
        Minimum number of units in which a pair co-occurs to be an edge.
    nodes : tuple of str, optional
        The node list for ``node_selection="list"``.
    exclude : tuple of str, default ()
        Terms never used as nodes (e.g. remaining generic words such as 工作).
    keyness_column : str, optional
        Score column of the keyness table; default the first of ``keyness``, ``g2``,
        ``G2``, ``log_likelihood``, ``loglik``, ``chi2``, ``score`` present.
    doc_counts : bool, default True
        Count, for every edge, the documents in which the pair co-occurs (edge column
        ``docs``). This is a second sparse product on a matrix whose columns are split by
        document; it about doubles the counting time, so turn it off for speed when the
        per-document spread is not needed.
    """

    table = "cooc"

    unit: str = "sentence"
    window: int = 10
    node_selection: str = "frequency"
    n_nodes: int | None = 100
    min_freq: int = 2
    min_count: int = 2
    nodes: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    keyness_column: str | None = None
    doc_counts: bool = True

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit: expected one of {UNITS}, got {self.unit!r}")
        if not _is_int(self.window) or self.window < 2:
            raise ValueError(f"window: expected an integer >= 2, got {self.window!r}")
        if self.node_selection not in NODE_SELECTIONS:
            raise ValueError(
                f"node_selection: expected one of {NODE_SELECTIONS}, got {self.node_selection!r}"
            )
        if self.n_nodes is not None and (not _is_int(self.n_nodes) or self.n_nodes < 1):
            raise ValueError(f"n_nodes: expected an integer >= 1 or None, got {self.n_nodes!r}")
        if not _is_int(self.min_freq) or self.min_freq < 1:
            raise ValueError(f"min_freq: expected an integer >= 1, got {self.min_freq!r}")
        if not _is_int(self.min_count) or self.min_count < 1:
            raise ValueError(f"min_count: expected an integer >= 1, got {self.min_count!r}")
        if self.nodes is not None:
            nodes = (self.nodes,) if isinstance(self.nodes, str) else tuple(self.nodes)
            if any(not isinstance(t, str) or not t for t in nodes):
                raise ValueError("nodes: expected non-empty strings")
            if len(set(nodes)) != len(nodes):
                dup = sorted({t for t in nodes if nodes.count(t) > 1})
                raise ValueError(f"nodes: duplicate term(s) {dup}")
            object.__setattr__(self, "nodes", nodes)
        if self.node_selection == "list" and not self.nodes:
            raise ValueError("nodes: node_selection='list' needs a non-empty tuple of terms")
        exclude = (self.exclude,) if isinstance(self.exclude, str) else tuple(self.exclude)
        if any(not isinstance(t, str) for t in exclude):
            raise ValueError("exclude: expected strings")
        object.__setattr__(self, "exclude", tuple(sorted(set(exclude))))
        if self.node_selection == "unit_freq" and self.unit == "window":
            raise ValueError("node_selection: 'unit_freq' is not available for unit='window'")
        if self.keyness_column is not None and not isinstance(self.keyness_column, str):
            raise ValueError(f"keyness_column: expected a column name, got {self.keyness_column!r}")
        if not isinstance(self.doc_counts, bool):
            raise ValueError(f"doc_counts: expected true or false, got {self.doc_counts!r}")

    def as_dict(self) -> dict:
        """The settings as a JSON-ready dict."""
        d = dataclasses.asdict(self)
        d["nodes"] = list(self.nodes) if self.nodes is not None else None
        d["exclude"] = list(self.exclude)
        return d


@dataclass(frozen=True)
class NetworkConfig(StageConfig):
    """How the networks of a run are pruned, analysed and exported.

    With :class:`CoocConfig` it makes the ``[cooc]`` table of ``textkit.toml``
    (:func:`network_config` reads both).

    Parameters
    ----------
    weight : str, default "jaccard"
        Edge weight of :func:`build_network` (one of :data:`WEIGHTS`).
    top_n : int or None, default 60
        Strongest edges kept (``0`` in the TOML file, or None: all).
    threshold : float, optional
        Minimum weight.
    backbone : {None, "mst", "disparity"}
        ``"none"`` in the TOML file means None.
    alpha : float, default 0.05
        Disparity-filter significance level.
    overlay_mst : bool, default False
        Add the maximum spanning tree to the top edges.
    random_state : int, default 42
        Louvain and layout seed.
    resolution : float, default 1.0
        Louvain resolution.
    ego_terms : tuple of str
        Centre terms of the ego networks (default 稳定, 维稳, 法治, 服务).
    ego_neighbours : int, default 12
        Strongest neighbours kept around each centre term.
    ego_nodes : int, default 300
        Size of the node set the ego networks are cut from (larger than the corpus
        network's, so that a centre term's neighbours are not only the most frequent
        words).
    compare_top_n : int, default 40
        Pairs drawn in the difference graph of :func:`compare_networks`.
    compare_min_docs : int, default 1
        ``min_docs`` of :func:`compare_networks`.
    out_dir : str, default "results/networks"
        Export directory for :func:`export_network`, relative to the project root.
    """

    table = "cooc"

    weight: str = "jaccard"
    top_n: int | None = 60
    threshold: float | None = None
    backbone: str | None = None
    alpha: float = 0.05
    overlay_mst: bool = False
    random_state: int = 42
    resolution: float = 1.0
    ego_terms: tuple[str, ...] = ("稳定", "维稳", "法治", "服务")
    ego_neighbours: int = 12
    ego_nodes: int = 300
    compare_top_n: int = 40
    compare_min_docs: int = 1
    out_dir: str = "results/networks"

    def __post_init__(self) -> None:
        if self.top_n == 0:
            object.__setattr__(self, "top_n", None)
        if self.backbone == "none":
            object.__setattr__(self, "backbone", None)
        _validate_build(self.weight, self.top_n, self.threshold, self.backbone, self.alpha)
        if not isinstance(self.overlay_mst, bool):
            raise ValueError(f"overlay_mst: expected true or false, got {self.overlay_mst!r}")
        check_int("random_state", self.random_state)
        if not isinstance(self.resolution, (int, float)) or self.resolution <= 0:
            raise ValueError(f"resolution: expected a positive number, got {self.resolution!r}")
        terms = (self.ego_terms,) if isinstance(self.ego_terms, str) else tuple(self.ego_terms)
        if any(not isinstance(t, str) or not t for t in terms):
            raise ValueError("ego_terms: expected non-empty strings")
        object.__setattr__(self, "ego_terms", terms)
        for name in ("ego_neighbours", "ego_nodes", "compare_top_n", "compare_min_docs"):
            v = getattr(self, name)
            if not _is_int(v) or v < 1:
                raise ValueError(f"{name}: expected an integer >= 1, got {v!r}")
        if not isinstance(self.out_dir, str) or not self.out_dir:
            raise ValueError(f"out_dir: expected a path, got {self.out_dir!r}")

    def build_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`build_network`."""
        return {
            "weight": self.weight,
            "top_n": self.top_n,
            "threshold": self.threshold,
            "backbone": self.backbone,
            "alpha": self.alpha,
            "overlay_mst": self.overlay_mst,
            "random_state": self.random_state,
            "resolution": self.resolution,
        }

    def as_dict(self) -> dict:
        """The settings as a JSON-ready dict."""
        d = dataclasses.asdict(self)
        d["ego_terms"] = list(self.ego_terms)
        return d


def network_config(project: Any = None) -> tuple[CoocConfig, NetworkConfig]:
    """Read the ``[cooc]`` table of ``textkit.toml`` into the stage's two configs.

    The same as ``(CoocConfig.from_project(project), NetworkConfig.from_project(project))``.

    Parameters
    ----------
    project : textkit.core.config.ProjectConfig, optional
        Parsed file (``textkit.load_config()``); None gives the defaults.

    Returns
    -------
    (CoocConfig, NetworkConfig)
        Keys that are fields of :class:`CoocConfig` (unit, window, n_nodes, exclude ...)
        go to the first, the others (weight, top_n, ego_terms ...) to the second.

    Raises
    ------
    textkit.core.config.ConfigError
        For an unknown key (the valid ones are listed) or a refused value.
    """
    return CoocConfig.from_project(project), NetworkConfig.from_project(project)


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


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
        :data:`WEIGHTS` and ``p_value`` (of G², 1 df).
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


# --------------------------------------------------------------------------- weights


def association(n_ab: Any, n_a: Any, n_b: Any, n: int | float) -> dict[str, np.ndarray]:
    """Association weights of term pairs from their unit counts (vectorised).

    Parameters
    ----------
    n_ab : array-like of int
        Units containing both terms.
    n_a, n_b : array-like of int
        Units containing each term.
    n : int
        Number of units.

    Returns
    -------
    dict of str to ndarray
        ``count``, ``expected``, ``jaccard``, ``dice``, ``ochiai``, ``pmi``, ``npmi``,
        ``g2`` and ``p_value``, as defined in the module docstring.

    Examples
    --------
    >>> w = association([3], [4], [4], 5)
    >>> float(w["jaccard"][0])
    0.6
    """
    a = np.asarray(n_ab, dtype=np.float64)
    na = np.asarray(n_a, dtype=np.float64)
    nb = np.asarray(n_b, dtype=np.float64)
    n = float(n)
    if np.any(a > np.minimum(na, nb)) or np.any(na > n) or np.any(nb > n) or np.any(a < 0):
        raise ValueError("association: need 0 <= n_ab <= min(n_a, n_b) and n_a, n_b <= n")
    with np.errstate(divide="ignore", invalid="ignore"):
        union = na + nb - a
        jaccard = np.where(union > 0, a / union, 0.0)
        dice = np.where(na + nb > 0, 2 * a / (na + nb), 0.0)
        ochiai = np.where(na * nb > 0, a / np.sqrt(na * nb), 0.0)
        expected = na * nb / n if n > 0 else np.zeros_like(a)
        pmi = np.where(a > 0, np.log2(a * n / (na * nb)), -np.inf)
        h = -np.log2(a / n)
        npmi = np.where(a == 0, -1.0, np.where(h > 0, pmi / h, 1.0))
        # 2 x 2 unit table: both, a only, b only, neither
        obs = np.stack([a, na - a, nb - a, n - na - nb + a])
        row = np.stack([na, na, n - na, n - na])
        col = np.stack([nb, n - nb, nb, n - nb])
        exp = row * col / n if n > 0 else np.zeros_like(obs)
        cells = np.where(obs > 0, obs * np.log(obs / np.where(exp > 0, exp, 1.0)), 0.0)
        g2 = np.maximum(2.0 * cells.sum(axis=0), 0.0)
    return {
        "count": a.astype(np.int64),
        "expected": expected,
        "jaccard": jaccard,
        "dice": dice,
        "ochiai": ochiai,
        "pmi": pmi,
        "npmi": npmi,
        "g2": g2,
        "p_value": chi2.sf(g2, 1),
    }


# --------------------------------------------------------------------------- counting


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
        The units table of ``textkit.segment.segmenter.segment_corpus`` (``doc_id``, ``para_id``,
        ``sent_id``, ``unit_id``, ``tokens``) or any table with a ``tokens`` list column
        (plus ``doc_id`` / ``para_id`` for paragraph, document and window units). Not
        modified.
    config : CoocConfig, optional
        Settings; default ``CoocConfig()`` (sentences, top 100 terms by frequency).
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
        _warn("cooccurrence: the units table has no unit; the network is empty")
    elif n_nodes == 0:
        _warn(f"cooccurrence: no term passes the node selection ({config.node_selection})")
    elif edges.empty:
        _warn(
            f"cooccurrence: no pair of the {n_nodes} node terms co-occurs in at least "
            f"min_count={config.min_count} of {n_units} {config.unit} units"
        )
    logger.info(
        "cooccurrence: %d units (%s), %d nodes, %d edges", n_units, config.unit, n_nodes, len(edges)
    )
    return CoocResult(nodes=node_df, edges=edges, n_units=n_units, n_docs=n_docs, config=config)


# --------------------------------------------------------------------------- networks


def _disparity_alpha(src: np.ndarray, tgt: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Disparity-filter significance of each edge (Serrano, Boguñá & Vespignani 2009).

    For node i with strength s_i and degree k_i > 1, the edge (i, j) has
    alpha_ij = (1 - w_ij / s_i) ** (k_i - 1); for k_i = 1 it is 1 (the edge is never
    significant from that side). The edge's value is the smaller of its two endpoints'.
    """
    if len(w) == 0:
        return np.zeros(0)
    strength = np.bincount(src, weights=w, minlength=n) + np.bincount(tgt, weights=w, minlength=n)
    degree = np.bincount(src, minlength=n) + np.bincount(tgt, minlength=n)

    def side(i: np.ndarray) -> np.ndarray:
        k = degree[i]
        p = w / strength[i]
        return np.where(k > 1, np.power(np.clip(1.0 - p, 0.0, 1.0), k - 1), 1.0)

    return np.minimum(side(src), side(tgt))


def _validate_build(weight: str, top_n: Any, threshold: Any, backbone: Any, alpha: Any) -> None:
    if weight not in WEIGHTS:
        raise ValueError(f"weight: expected one of {WEIGHTS}, got {weight!r}")
    if top_n is not None and (not _is_int(top_n) or top_n < 1):
        raise ValueError(f"top_n: expected an integer >= 1 or None, got {top_n!r}")
    if threshold is not None and not (
        isinstance(threshold, (int, float, np.number)) and math.isfinite(threshold)
    ):
        raise ValueError(f"threshold: expected a finite number or None, got {threshold!r}")
    if backbone not in BACKBONES:
        raise ValueError(f"backbone: expected one of {BACKBONES}, got {backbone!r}")
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha: expected a number in (0, 1), got {alpha!r}")


@renamed_parameter("seed", "random_state")
def build_network(
    result: CoocResult,
    weight: str = "jaccard",
    *,
    top_n: int | None = 60,
    threshold: float | None = None,
    backbone: str | None = None,
    alpha: float = 0.05,
    overlay_mst: bool = False,
    keep_isolates: bool = False,
    communities: bool = True,
    random_state: int = 42,
    resolution: float = 1.0,
) -> nx.Graph:
    """Prune the co-occurrence edges into a network graph.

    Selection, in this order:

    1. candidate edges: every edge of ``result`` (``count >= min_count``);
    2. ``backbone="disparity"``: only the edges significant at ``alpha`` for at least one
       endpoint under the disparity filter (Serrano et al. 2009) on ``weight``
       (non-positive weights are dropped first);
    3. ``threshold``: edges with ``weight >= threshold``;
    4. ``top_n``: the ``top_n`` strongest remaining edges (ties by count, then source and
       target terms); ``None`` keeps all (KH Coder's default is 60 edges by Jaccard);
    5. ``overlay_mst=True``: add the edges of the maximum spanning forest of the
       candidate graph.

    ``backbone="mst"`` returns the maximum spanning forest alone (steps 3-5 do not apply).
    Every edge carries ``mst`` (member of that forest) and ``disparity_alpha``.

    Parameters
    ----------
    result : CoocResult
        Output of :func:`cooccurrence`.
    weight : str, default "jaccard"
        One of :data:`WEIGHTS`; stored as the edge attribute ``weight``.
    top_n, threshold, backbone, alpha, overlay_mst
        See above.
    keep_isolates : bool, default False
        Keep node terms without a selected edge.
    communities : bool, default True
        Add Louvain communities (:func:`detect_communities`) and ``G.graph["modularity"]``.
    random_state : int, default 42
        Seed of the Louvain algorithm.
    resolution : float, default 1.0
        Louvain resolution (higher gives more, smaller communities).

    Returns
    -------
    networkx.Graph
        Nodes added in sorted term order with ``label``, ``freq``, ``unit_freq``,
        ``doc_freq`` (and ``community``); edges in sorted (source, target) order with
        ``weight``, ``count``, ``docs``, ``expected``, every weight of :data:`WEIGHTS`, ``p_value``,
        ``mst`` and ``disparity_alpha``. ``G.graph`` holds scalar settings and ``config``
        (the full recipe as JSON text).

    Warns
    -----
    CoocWarning
        When no edge is left (the graph is then empty).
    """
    if not isinstance(result, CoocResult):
        raise ValueError(f"result: expected a CoocResult, got {type(result).__name__}")
    _validate_build(weight, top_n, threshold, backbone, alpha)
    terms = result.nodes["term"].tolist()
    index = {t: i for i, t in enumerate(terms)}
    cand = result.edges.copy()
    cand = cand[np.isfinite(cand[weight].to_numpy(dtype=float))].reset_index(drop=True)
    src = cand["source"].map(index).to_numpy(dtype=np.int64)
    tgt = cand["target"].map(index).to_numpy(dtype=np.int64)
    wv = cand[weight].to_numpy(dtype=float)
    positive = wv > 0
    alpha_all = np.full(len(cand), np.nan)
    alpha_all[positive] = _disparity_alpha(src[positive], tgt[positive], wv[positive], len(terms))
    cand["disparity_alpha"] = alpha_all
    cand["mst"] = _mst_flags(cand, weight)

    if backbone == "mst":
        chosen = cand[cand["mst"]]
    else:
        chosen = cand
        if backbone == "disparity":
            dropped = int((~positive).sum())
            if dropped:
                logger.info("disparity filter: %d edge(s) with %s <= 0 dropped", dropped, weight)
            chosen = chosen[positive & (alpha_all < alpha)]
        if threshold is not None:
            chosen = chosen[chosen[weight] >= threshold]
        if top_n is not None:
            chosen = chosen.sort_values(
                [weight, "count", "source", "target"],
                ascending=[False, False, True, True],
                kind="mergesort",
            ).head(top_n)
        if overlay_mst:
            chosen = pd.concat([chosen, cand[cand["mst"]]]).drop_duplicates(["source", "target"])
    chosen = chosen.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)

    params = {
        "cooc": result.config.as_dict(),
        "network": {
            "weight": weight,
            "top_n": top_n,
            "threshold": threshold,
            "backbone": backbone,
            "alpha": alpha,
            "overlay_mst": overlay_mst,
            "keep_isolates": keep_isolates,
            "communities": communities,
            "random_state": random_state,
            "resolution": resolution,
        },
        "n_units": result.n_units,
        "n_docs": result.n_docs,
    }
    G = nx.Graph()
    G.graph.update(
        {
            "weight": weight,
            "backbone": backbone or "none",
            "unit": result.config.unit,
            "n_units": int(result.n_units),
            "config": json.dumps(params, ensure_ascii=False, sort_keys=True),
        }
    )
    keep = set(chosen["source"]) | set(chosen["target"])
    node_rows = result.nodes if keep_isolates else result.nodes[result.nodes["term"].isin(keep)]
    for r in node_rows.sort_values("term").itertuples(index=False):
        G.add_node(
            r.term,
            label=r.term,
            freq=int(r.freq),
            unit_freq=int(r.unit_freq),
            doc_freq=int(r.doc_freq),
        )
    attr_cols = ["count", "docs", "expected", *WEIGHTS[1:], "p_value", "mst", "disparity_alpha"]
    attr_cols = [c for c in attr_cols if c in chosen.columns]
    for rec in chosen[["source", "target", weight, *attr_cols]].itertuples(index=False):
        s, t, wt, *vals = rec
        attrs: dict[str, Any] = {"weight": float(wt)}
        for name, v in zip(attr_cols, vals, strict=True):
            if name == "mst":
                attrs[name] = bool(v)
            elif name in ("count", "docs"):
                attrs[name] = int(v)
            else:
                attrs[name] = float(v)
        G.add_edge(s, t, **attrs)
    if G.number_of_edges() == 0:
        _warn(
            f"build_network: no edge left (weight={weight}, top_n={top_n}, "
            f"threshold={threshold}, backbone={backbone}); the graph is empty"
        )
    if communities:
        G = detect_communities(G, random_state=random_state, resolution=resolution)
    logger.info("build_network: %d nodes, %d edges", G.number_of_nodes(), G.number_of_edges())
    return G


def _mst_flags(cand: pd.DataFrame, weight: str) -> np.ndarray:
    """Membership of each candidate edge in the maximum spanning forest (Kruskal, ties by
    count then sorted terms)."""
    if cand.empty:
        return np.zeros(0, dtype=bool)
    H = nx.Graph()
    H.add_nodes_from(sorted(set(cand["source"]) | set(cand["target"])))
    ordered = cand.sort_values(
        [weight, "count", "source", "target"],
        ascending=[False, False, True, True],
        kind="mergesort",
    )
    # rank as the Kruskal key: equal weights keep the order above (stable sort)
    for rank, (s, t) in enumerate(zip(ordered["source"], ordered["target"], strict=True)):
        H.add_edge(s, t, rank=-rank)
    tree = {
        tuple(sorted((u, v)))
        for u, v in nx.maximum_spanning_edges(H, algorithm="kruskal", weight="rank", data=False)
    }
    return np.array(
        [(s, t) in tree for s, t in zip(cand["source"], cand["target"], strict=True)], dtype=bool
    )


def _community_weight(G: nx.Graph, weight: str | None) -> str | None:
    if weight is not None:
        return weight
    values = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    if values and min(values) <= 0:
        logger.info("communities: weights are not all positive; using 'count' for Louvain")
        return "count"
    return "weight"


@renamed_parameter("seed", "random_state")
def detect_communities(
    G: nx.Graph, *, weight: str | None = None, random_state: int = 42, resolution: float = 1.0
) -> nx.Graph:
    """Louvain communities as a node attribute, numbered deterministically.

    Uses :func:`networkx.community.louvain_communities` with a fixed ``random_state`` on a copy of
    ``G``. Communities are numbered 0, 1, ... by decreasing size, ties by their smallest
    term; isolated nodes get their own communities. ``G.graph["modularity"]`` is
    :func:`networkx.community.modularity` of the partition (rounded to 12 decimals so the
    value does not depend on set iteration order), NaN for a graph without edges.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`build_network`. Not modified.
    weight : str, optional
        Edge attribute used by Louvain; default ``"weight"``, or ``"count"`` when some
        weights are not positive (PMI, NPMI).
    random_state : int, default 42
    resolution : float, default 1.0

    Returns
    -------
    networkx.Graph
        A copy with node attribute ``community`` (int).
    """
    check_int("random_state", random_state)
    if not isinstance(resolution, (int, float)) or resolution <= 0:
        raise ValueError(f"resolution: expected a positive number, got {resolution!r}")
    H = G.copy()
    if H.number_of_nodes() == 0:
        H.graph["modularity"] = float("nan")
        return H
    wname = _community_weight(H, weight)
    if H.number_of_edges() == 0:
        parts = [{n} for n in H.nodes]
        q = float("nan")
    else:
        parts = nx.community.louvain_communities(
            H, weight=wname, resolution=resolution, seed=random_state
        )
        q = round(float(nx.community.modularity(H, parts, weight=wname, resolution=resolution)), 12)
    ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    for cid, members in enumerate(ordered):
        for n in members:
            H.nodes[n]["community"] = cid
    H.graph["modularity"] = q
    H.graph["n_communities"] = len(ordered)
    H.graph["community_seed"] = int(random_state)
    return H


def _eigenvector(G: nx.Graph) -> dict[str, float]:
    if G.number_of_edges() == 0:
        return dict.fromkeys(G.nodes, float("nan"))
    try:
        return nx.eigenvector_centrality(G, max_iter=2000, tol=1e-9, weight="weight")
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException) as exc:
        _warn(f"node_table: eigenvector centrality did not converge ({exc}); set to NaN")
        return dict.fromkeys(G.nodes, float("nan"))


def node_table(G: nx.Graph) -> pd.DataFrame:
    """Node attributes and centralities of a network, one row per term.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`build_network` (or :func:`ego_network`).

    Returns
    -------
    DataFrame
        ``term``, ``freq``, ``unit_freq``, ``doc_freq``, ``community`` (when present),
        ``degree`` (number of neighbours), ``degree_centrality`` (degree / (n - 1)),
        ``weighted_degree`` (sum of edge ``weight``), ``betweenness`` (normalised,
        unweighted shortest paths) and ``eigenvector`` (power iteration on ``weight``,
        NaN with a warning when it does not converge or some weight is negative; computed
        on the whole graph, so nodes outside the dominant component get values near 0),
        then any other node attribute (e.g. ``ego``, ``hops``, ``freq_a``), sorted by
        community, decreasing frequency and term.
    """
    cols = [
        "term",
        "freq",
        "unit_freq",
        "doc_freq",
        "community",
        "degree",
        "degree_centrality",
        "weighted_degree",
        "betweenness",
        "eigenvector",
    ]
    if G.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    deg_c = nx.degree_centrality(G) if G.number_of_nodes() > 1 else dict.fromkeys(G.nodes, 0.0)
    btw = nx.betweenness_centrality(G, normalized=True)
    weights = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    if weights and min(weights) < 0:
        eig = dict.fromkeys(G.nodes, float("nan"))
        logger.info("node_table: negative weights; eigenvector centrality left NaN")
    else:
        eig = _eigenvector(G)
    rows = []
    for n in sorted(G.nodes):
        d = G.nodes[n]
        rows.append(
            {
                "term": n,
                "freq": d.get("freq", 0),
                "unit_freq": d.get("unit_freq", 0),
                "doc_freq": d.get("doc_freq", 0),
                "community": d.get("community", -1),
                "degree": G.degree(n),
                "degree_centrality": float(deg_c[n]),
                "weighted_degree": float(
                    sum(G.edges[n, m].get("weight", 1.0) for m in sorted(G.adj[n]))
                ),
                "betweenness": float(btw[n]),
                "eigenvector": float(eig[n]),
            }
        )
    extra = sorted({k for n in G.nodes for k in G.nodes[n]} - set(cols) - {"label"})
    for row in rows:
        d = G.nodes[row["term"]]
        row.update({k: d.get(k) for k in extra})
    df = pd.DataFrame(rows, columns=cols + extra)
    df = df.sort_values(
        ["community", "freq", "term"], ascending=[True, False, True], kind="mergesort"
    )
    return df.reset_index(drop=True)


def edge_table(G: nx.Graph) -> pd.DataFrame:
    """Edges of a network with their attributes, sorted by (``source``, ``target``)."""
    rows = []
    for u, v, d in G.edges(data=True):
        s, t = (u, v) if u <= v else (v, u)
        rows.append({"source": s, "target": t, **d})
    if not rows:
        return pd.DataFrame(columns=["source", "target", "weight"])
    df = pd.DataFrame(rows)
    return df.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)


def ego_network(
    G: nx.Graph,
    term: str | Sequence[str],
    radius: int = 1,
    *,
    max_neighbours: int | None = None,
    weight: str = "weight",
) -> nx.Graph:
    """The neighbourhood of one or more terms.

    Parameters
    ----------
    G : networkx.Graph
    term : str or sequence of str
        Centre term(s), e.g. ``"维稳"`` or ``["稳定", "法治"]``; with several, the union of
        their ego networks.
    radius : int, default 1
        Number of hops.
    max_neighbours : int, optional
        At each hop, a node brings in at most this many new neighbours, its strongest by
        ``weight`` (ties by count, then term). Use it on a lightly pruned network (e.g.
        ``build_network(res, top_n=None)``) to get a readable ego network of a frequent
        term. Default: every neighbour.
    weight : str, default "weight"
        Edge attribute ranking the neighbours.

    Returns
    -------
    networkx.Graph
        Induced subgraph (a copy, nodes and edges in sorted order; the ties among the
        neighbours included) with node attribute ``ego`` (True for the centre terms) and
        ``hops`` (distance to the nearest centre).

    Raises
    ------
    KeyError
        When a centre term is not a node; the message lists the closest node terms.
    """
    centres = [term] if isinstance(term, str) else list(term)
    if not centres:
        raise ValueError("term: give at least one term")
    if not _is_int(radius) or radius < 0:
        raise ValueError(f"radius: expected an integer >= 0, got {radius!r}")
    if max_neighbours is not None and (not _is_int(max_neighbours) or max_neighbours < 1):
        raise ValueError(
            f"max_neighbours: expected an integer >= 1 or None, got {max_neighbours!r}"
        )
    for c in centres:
        if c not in G:
            near = sorted(n for n in G.nodes if c in n or n in c)[:8]
            hint = f"; terms containing it or contained in it: {near}" if near else ""
            raise KeyError(
                f"term {c!r} is not a node of the network ({G.number_of_nodes()} nodes){hint}"
            )

    def strength(u: str, v: str) -> tuple:
        d = G.edges[u, v]
        w = d.get(weight, 1.0)
        w = float(w) if w is not None and np.isfinite(float(w)) else -np.inf
        return (-w, -float(d.get("count", 0)), v)

    hops: dict[str, int] = {c: 0 for c in sorted(set(centres))}
    frontier = sorted(hops)
    for hop in range(1, radius + 1):
        new: list[str] = []
        for u in frontier:
            cand = sorted((v for v in G.adj[u] if v not in hops), key=lambda v: strength(u, v))
            if max_neighbours is not None:
                cand = cand[:max_neighbours]
            for v in cand:
                if v not in hops:
                    hops[v] = hop
                    new.append(v)
        frontier = sorted(new)
    H = _sorted_copy(G.subgraph(hops))
    for n in H.nodes:
        H.nodes[n]["ego"] = n in centres
        H.nodes[n]["hops"] = int(hops[n])
    return H


def ego_table(
    G: nx.Graph, terms: str | Sequence[str], max_neighbours: int | None = 12
) -> pd.DataFrame:
    """The strongest neighbours of each centre term, as a table.

    Parameters
    ----------
    G : networkx.Graph
        A network from :func:`build_network` (lightly pruned, e.g. ``top_n=None``).
    terms : str or sequence of str
        Centre terms; terms that are not nodes are skipped with a log message.
    max_neighbours : int or None, default 12

    Returns
    -------
    DataFrame
        ``term``, ``rank`` (1 = strongest), ``neighbour``, ``weight`` and the edge's
        ``count``, ``docs``, ``expected``, ``pmi`` and ``p_value`` when present; ordered
        by the given terms, then rank (ties by count, then neighbour).
    """
    centres = [terms] if isinstance(terms, str) else list(terms)
    if max_neighbours is not None and (not _is_int(max_neighbours) or max_neighbours < 1):
        raise ValueError(
            f"max_neighbours: expected an integer >= 1 or None, got {max_neighbours!r}"
        )
    extra = ("count", "docs", "expected", "pmi", "p_value")
    rows = []
    for c in centres:
        if c not in G:
            logger.info("ego_table: %r is not a node of the network; skipped", c)
            continue
        nbrs = sorted(
            G.adj[c],
            key=lambda v, c=c: (
                -float(G.edges[c, v].get("weight", 1.0)),
                -float(G.edges[c, v].get("count", 0)),
                v,
            ),
        )
        if max_neighbours is not None:
            nbrs = nbrs[:max_neighbours]
        for rank, v in enumerate(nbrs, start=1):
            d = G.edges[c, v]
            row = {"term": c, "rank": rank, "neighbour": v, "weight": d.get("weight")}
            row.update({k: d[k] for k in extra if k in d})
            rows.append(row)
    cols = ["term", "rank", "neighbour", "weight"]
    if rows:
        cols += [k for k in extra if k in rows[0]]
    return pd.DataFrame(rows, columns=cols)


def _sorted_copy(G: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    H.graph.update(G.graph)
    for n in sorted(G.nodes):
        H.add_node(n, **{k: G.nodes[n][k] for k in G.nodes[n]})
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    for u, v in edges:
        H.add_edge(u, v, **G.edges[u, v])
    return H


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class NetworkComparison:
    """Two co-occurrence networks on the same node set and their differences.

    Attributes
    ----------
    labels : tuple of str
        Names of the two groups (a, b).
    weight : str
        Weight compared.
    result_a, result_b : CoocResult
        Counts of each group (``min_count=1``, same node set).
    changes : DataFrame
        Every pair reaching ``min_count`` in at least one group (and ``min_docs`` in the
        group where it is stronger), sorted by decreasing ``abs_diff``: ``source``,
        ``target``, ``count_a``, ``count_b``, ``docs_a``, ``docs_b`` (documents with the
        pair), ``rate_a``, ``rate_b`` (share of units with the pair), ``weight_a``,
        ``weight_b``, ``diff`` (= weight_a - weight_b), ``abs_diff``, ``group`` (label of
        the group where the association is stronger), ``g2`` and ``p_value``
        (log-likelihood test that the share of units holding the pair differs between
        the groups; units are not independent, so read it as a screening score).
    graph : networkx.Graph
        Difference graph: the ``top_n`` pairs of ``changes``, edge attributes as in the
        table plus ``weight`` = ``abs_diff``; node attributes ``freq_a``, ``freq_b``.
    """

    labels: tuple[str, str]
    weight: str
    result_a: CoocResult
    result_b: CoocResult
    changes: pd.DataFrame
    graph: nx.Graph


def compare_networks(
    units_a: pd.DataFrame,
    units_b: pd.DataFrame,
    nodes: Sequence[str] | None = None,
    config: CoocConfig | None = None,
    *,
    weight: str = "jaccard",
    labels: tuple[str, str] = ("a", "b"),
    top_n: int | None = 40,
    min_docs: int = 1,
) -> NetworkComparison:
    """Compare co-occurrence in two groups of documents on the same node set.

    Parameters
    ----------
    units_a, units_b : DataFrame
        Units tables of the two groups (e.g. articles whose ``frame_label`` from
        ``textkit.frames.score.score_frames`` is ``stability`` vs ``service_law``).
    nodes : sequence of str, optional
        The node set. Default: chosen by ``config`` on both groups together, so that
        neither group's vocabulary dominates the comparison by construction.
    config : CoocConfig, optional
        Unit, window and node selection; its ``min_count`` applies to the larger of the
        two counts of a pair.
    weight : {"jaccard", "dice", "ochiai", "npmi"}, default "jaccard"
        A normalised weight (comparable across groups of different size).
    labels : tuple of two str
        Group names used in ``group``.
    top_n : int or None, default 40
        Number of most-changed pairs in the difference graph (None: all).
    min_docs : int, default 1
        Keep a pair only when it co-occurs in at least this many documents of the group
        where its association is stronger. With few documents per group, 2 or 3 keeps one
        document's recurring phrasing (a list of duties, a repeated slogan) from leading
        the table.

    Returns
    -------
    NetworkComparison

    Warns
    -----
    CoocWarning
        When no pair is left; ``changes`` is then empty and ``graph`` has no node.
    """
    config = config if config is not None else CoocConfig()
    if weight not in _NORMALISED:
        raise ValueError(f"weight: expected one of {_NORMALISED} to compare groups, got {weight!r}")
    if (
        not isinstance(labels, (tuple, list))
        or len(labels) != 2
        or labels[0] == labels[1]
        or not all(isinstance(x, str) and x for x in labels)
    ):
        raise ValueError(f"labels: expected two different non-empty strings, got {labels!r}")
    if top_n is not None and (not _is_int(top_n) or top_n < 1):
        raise ValueError(f"top_n: expected an integer >= 1 or None, got {top_n!r}")
    if not _is_int(min_docs) or min_docs < 1:
        raise ValueError(f"min_docs: expected an integer >= 1, got {min_docs!r}")
    if nodes is None:
        both = pd.concat(
            [
                _tag_docs(units_a, labels[0]),
                _tag_docs(units_b, labels[1]),
            ],
            ignore_index=True,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CoocWarning)
            pick = dataclasses.replace(config, min_count=1, doc_counts=False)
            nodes = cooccurrence(both, pick).nodes["term"]
    nodes = tuple(sorted(set(nodes)))
    if not nodes:
        raise ValueError("nodes: the node set is empty")
    cfg = dataclasses.replace(
        config, node_selection="list", nodes=nodes, min_count=1, doc_counts=True
    )
    ra = cooccurrence(units_a, cfg)
    rb = cooccurrence(units_b, cfg)
    ea = ra.edges.set_index(["source", "target"])[["count", "docs"]]
    eb = rb.edges.set_index(["source", "target"])[["count", "docs"]]
    pairs = sorted(set(ea.index) | set(eb.index))
    index = pd.MultiIndex.from_tuples(pairs, names=["source", "target"]) if pairs else None
    ta = ea.reindex(index, fill_value=0) if index is not None else ea
    tb = eb.reindex(index, fill_value=0) if index is not None else eb
    ca, da = ta["count"].to_numpy(np.int64), ta["docs"].to_numpy(np.int64)
    cb, db = tb["count"].to_numpy(np.int64), tb["docs"].to_numpy(np.int64)
    keep = np.maximum(ca, cb) >= config.min_count
    pairs = [p for p, k in zip(pairs, keep, strict=True) if k]
    ca, cb, da, db = ca[keep], cb[keep], da[keep], db[keep]
    ufa = dict(zip(ra.nodes["term"], ra.nodes["unit_freq"], strict=True))
    ufb = dict(zip(rb.nodes["term"], rb.nodes["unit_freq"], strict=True))
    src = [p[0] for p in pairs]
    tgt = [p[1] for p in pairs]
    wa = association(ca, [ufa[s] for s in src], [ufa[t] for t in tgt], max(ra.n_units, 1))[weight]
    wb = association(cb, [ufb[s] for s in src], [ufb[t] for t in tgt], max(rb.n_units, 1))[weight]
    if min_docs > 1:
        ok = np.where(wa >= wb, da, db) >= min_docs
        pairs = [p for p, k in zip(pairs, ok, strict=True) if k]
        src = [p[0] for p in pairs]
        tgt = [p[1] for p in pairs]
        ca, cb, da, db, wa, wb = ca[ok], cb[ok], da[ok], db[ok], wa[ok], wb[ok]
    # does the share of units holding the pair differ? 2 x 2: group x (pair present / absent)
    na, nb = ra.n_units, rb.n_units
    test = association(ca, ca + cb, np.full(len(ca), na), na + nb) if len(ca) else None
    diff = wa - wb
    changes = pd.DataFrame(
        {
            "source": src,
            "target": tgt,
            "count_a": ca,
            "count_b": cb,
            "docs_a": da,
            "docs_b": db,
            "rate_a": ca / na if na else np.zeros(len(ca)),
            "rate_b": cb / nb if nb else np.zeros(len(cb)),
            "weight_a": wa,
            "weight_b": wb,
            "diff": diff,
            "abs_diff": np.abs(diff),
            "group": np.where(diff > 0, labels[0], np.where(diff < 0, labels[1], "equal")),
            "g2": test["g2"] if test is not None else np.zeros(0),
            "p_value": test["p_value"] if test is not None else np.zeros(0),
        }
    )
    changes = changes.sort_values(
        ["abs_diff", "source", "target"], ascending=[False, True, True], kind="mergesort"
    ).reset_index(drop=True)
    if changes.empty:
        _warn(
            f"compare_networks: no pair reaches min_count={config.min_count} in either group "
            f"(with min_docs={min_docs})"
        )
    top = changes if top_n is None else changes.head(top_n)
    G = nx.Graph()
    G.graph.update(
        {
            "weight": weight,
            "kind": "difference",
            "label_a": labels[0],
            "label_b": labels[1],
            "unit": config.unit,
            "n_units_a": int(na),
            "n_units_b": int(nb),
            "config": json.dumps(
                {
                    "cooc": cfg.as_dict(),
                    "min_count": config.min_count,
                    "min_docs": min_docs,
                    "weight": weight,
                    "labels": list(labels),
                    "top_n": top_n,
                },
                ensure_ascii=False,
                sort_keys=True,
            ),
        }
    )
    fa = dict(zip(ra.nodes["term"], ra.nodes["freq"], strict=True))
    fb = dict(zip(rb.nodes["term"], rb.nodes["freq"], strict=True))
    for n in sorted(set(top["source"]) | set(top["target"])):
        G.add_node(n, label=n, freq=int(fa[n] + fb[n]), freq_a=int(fa[n]), freq_b=int(fb[n]))
    for r in top.sort_values(["source", "target"], kind="mergesort").itertuples(index=False):
        G.add_edge(
            r.source,
            r.target,
            weight=float(r.abs_diff),
            diff=float(r.diff),
            abs_diff=float(r.abs_diff),
            weight_a=float(r.weight_a),
            weight_b=float(r.weight_b),
            count_a=int(r.count_a),
            count_b=int(r.count_b),
            docs_a=int(r.docs_a),
            docs_b=int(r.docs_b),
            group=str(r.group),
            g2=float(r.g2),
            p_value=float(r.p_value),
        )
    return NetworkComparison(
        labels=(labels[0], labels[1]),
        weight=weight,
        result_a=ra,
        result_b=rb,
        changes=changes,
        graph=G,
    )


def _tag_docs(units: pd.DataFrame, label: str) -> pd.DataFrame:
    """A copy whose doc_ids cannot collide with the other group's."""
    out = units.copy()
    if "doc_id" in out.columns:
        out["doc_id"] = label + "\x1f" + out["doc_id"].astype(str)
    return out


# --------------------------------------------------------------------------- export

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def _plain(value: Any) -> Any:
    """A value GEXF / GraphML can hold (bool, int, float, str), or None to drop it."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _canonical(G: nx.Graph) -> nx.Graph:
    """A copy with sorted nodes, edges and attribute keys and plain attribute values.

    Float attributes are rounded to the stated precision (:mod:`textkit.core.precision`).

    Attribute types are made uniform per attribute (int promoted to float when mixed), as
    the GEXF and GraphML writers declare one type per attribute.
    """

    def kinds(dicts: Iterable[Mapping[str, Any]]) -> dict[str, type]:
        seen: dict[str, set] = {}
        for d in dicts:
            for k, v in d.items():
                pv = _plain(v)
                if pv is not None:
                    seen.setdefault(k, set()).add(type(pv))
        out = {}
        for k, ts in seen.items():
            if len(ts) == 1:
                out[k] = next(iter(ts))
            elif ts <= {int, float}:
                out[k] = float
            else:
                out[k] = str
        return out

    def conv(d: Mapping[str, Any], types: dict[str, type], skip: tuple = ()) -> dict:
        res = {}
        for k in sorted(d):
            if k in skip:
                continue
            v = _plain(d[k])
            if v is None:
                continue
            v = types[k](v) if types[k] is not str or not isinstance(v, str) else v
            res[k] = round_floats(v)  # the stated precision (textkit.core.precision)
        return res

    node_types = kinds(G.nodes[n] for n in G.nodes)
    edge_types = kinds(d for _, _, d in G.edges(data=True))
    H = nx.Graph()
    for k in sorted(G.graph):
        v = _plain(G.graph[k])
        if v is not None:
            H.graph[k] = round_floats(v)
    for n in sorted(G.nodes, key=str):
        H.add_node(str(n), **conv(G.nodes[n], node_types))
    for u, v in sorted((min(str(a), str(b)), max(str(a), str(b))) for a, b in G.edges):
        H.add_edge(u, v, **conv(G.edges[u, v], edge_types, skip=("id",)))
    return H


def _with_viz(G: nx.Graph, layout: pd.DataFrame) -> nx.Graph:
    """A copy whose nodes carry GEXF ``viz`` position, colour and size from a figure's
    data table, so that Gephi opens the network as the figure drew it."""
    import matplotlib.colors as mcolors

    if not isinstance(layout, pd.DataFrame) or not {"term", "x", "y"} <= set(layout.columns):
        raise ValueError("layout: expected a table with term, x and y (a figure's textkit_data)")
    rows = layout[layout["kind"] == "node"] if "kind" in layout.columns else layout
    rows = rows.dropna(subset=["term", "x", "y"]).drop_duplicates("term")
    H = G.copy()
    freq = [float(H.nodes[n].get("freq", 1) or 1) for n in H.nodes]
    top = max(freq) if freq else 1.0
    for r in rows.itertuples(index=False):
        n = str(r.term)
        if n not in H:
            continue
        viz: dict[str, Any] = {
            "position": {
                "x": round(float(r.x) * 1000, 3),
                "y": round(float(r.y) * 1000, 3),
                "z": 0.0,
            },
            "size": round(5 + 25 * math.sqrt(float(H.nodes[n].get("freq", 1) or 1) / top), 3),
        }
        colour = getattr(r, "colour", None)
        if isinstance(colour, str) and colour:
            red, green, blue = (int(round(255 * c)) for c in mcolors.to_rgb(colour))
            viz["color"] = {"r": red, "g": green, "b": blue, "a": 1.0}
        H.nodes[n]["viz"] = viz
    return H


def _gexf_bytes(G: nx.Graph) -> bytes:
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date and its version here
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "textkit"
    writer.add_graph(G)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _graphml_bytes(G: nx.Graph) -> bytes:
    writer = nx.readwrite.graphml.GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(G)
    buf = io.BytesIO()
    writer.dump(buf)
    return buf.getvalue()


def export_network(
    G: nx.Graph,
    out_dir: str | os.PathLike,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    layout: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write a network for Gephi and for tables, deterministically.

    Files (all through :mod:`textkit.core.io` atomic writes):

    * ``<name>.gexf`` (GEXF 1.2, no date in the header, creator ``textkit``),
    * ``<name>.graphml``,
    * ``<name>_nodes.csv`` (:func:`node_table`: attributes and centralities),
    * ``<name>_edges.csv`` (:func:`edge_table`),
    * ``<name>_params.json``: the parameters (``params``, default the recipe stored by
      :func:`build_network` in ``G.graph["config"]``), graph size and the SHA-256 of the
      other four files.

    Nodes, edges and attribute keys are written in sorted order, so the files are
    byte-identical across runs and ``PYTHONHASHSEED`` values.

    Parameters
    ----------
    G : networkx.Graph
    out_dir : path-like
        Directory (created if needed).
    name : str
        File stem; letters, digits, ``_`` and ``-``.
    params : mapping, optional
        Parameters to record (a ``CoocConfig`` is accepted too).
    layout : DataFrame, optional
        The table behind a figure of :mod:`textkit.plots.network` (``fig.textkit_data``:
        ``term``, ``x``, ``y``, ``colour``). The GEXF nodes then carry Gephi's ``viz``
        position (x 1000), colour and size, so the network opens in Gephi as the figure
        drew it.

    Returns
    -------
    dict of str to pathlib.Path
        Keys ``gexf``, ``graphml``, ``nodes``, ``edges``, ``params``.
    """
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        raise ValueError(f"name: use letters, digits, '_' or '-', got {name!r}")
    if not isinstance(G, nx.Graph) or G.is_directed() or G.is_multigraph():
        raise ValueError("G: expected an undirected networkx.Graph")
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        params = dataclasses.asdict(params)
    if params is None:
        params = json.loads(G.graph["config"]) if "config" in G.graph else {}
    if not isinstance(params, Mapping):
        raise ValueError(f"params: expected a mapping, got {type(params).__name__}")
    out = Path(out_dir)
    H = _canonical(G)
    blobs = {
        "gexf": (f"{name}.gexf", _gexf_bytes(_with_viz(H, layout) if layout is not None else H)),
        "graphml": (f"{name}.graphml", _graphml_bytes(H)),
    }
    paths: dict[str, Path] = {}
    for key, (fname, data) in blobs.items():
        paths[key] = write_bytes(out / fname, data, keep_equivalent=True)
    paths["nodes"] = write_csv(out / f"{name}_nodes.csv", node_table(H))
    paths["edges"] = write_csv(out / f"{name}_edges.csv", edge_table(H))
    record = {
        "name": name,
        "params": json.loads(dumps_json(dict(params))),
        "graph": {k: v for k, v in H.graph.items() if k != "config"},
        "n_nodes": H.number_of_nodes(),
        "n_edges": H.number_of_edges(),
        "gexf_viz": layout is not None,
        "files": {
            k: {"file": p.name, "sha256": sha256_bytes(p.read_bytes())}
            for k, p in sorted(paths.items())
        },
    }
    paths["params"] = write_json(out / f"{name}_params.json", record)
    logger.info("export_network: wrote %s (%d files) to %s", name, len(paths), out)
    return paths
