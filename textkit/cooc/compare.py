"""Network comparison: co-occurrence in two groups of documents on the same node set.

:func:`compare_networks` counts the pairs of one node set in two groups of documents,
compares a normalised weight of every pair between the groups, tests whether the share of
units holding the pair differs (G², :func:`textkit.core.stats.log_likelihood_g2`), and
draws the most changed pairs as a difference graph.

:func:`compare_networks_by` forms the two groups from any document variable (province,
outlet, year, genre …) of a documents table: one value against another, or against every
other value.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from textkit.cooc.config import CoocConfig
from textkit.cooc.count import CoocResult, CoocWarning, cooccurrence, warn_degenerate
from textkit.cooc.weights import NORMALISED, association
from textkit.core.checks import check_choice, check_int, check_str
from textkit.core.errors import InvalidParameterError
from textkit.core.groups import group_key

__all__ = ["NetworkComparison", "compare_networks", "compare_networks_by"]


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
    check_choice("weight", weight, NORMALISED)
    if (
        not isinstance(labels, (tuple, list))
        or len(labels) != 2
        or labels[0] == labels[1]
        or not all(isinstance(x, str) and x for x in labels)
    ):
        raise ValueError(f"labels: expected two different non-empty strings, got {labels!r}")
    check_int("top_n", top_n, 1, allow_none=True)
    check_int("min_docs", min_docs, 1)
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
        warn_degenerate(
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


def compare_networks_by(
    units: pd.DataFrame,
    docs: pd.DataFrame,
    by: str,
    a: Any,
    b: Any = None,
    nodes: Sequence[str] | None = None,
    config: CoocConfig | None = None,
    *,
    weight: str = "jaccard",
    labels: tuple[str, str] | None = None,
    top_n: int | None = 40,
    min_docs: int = 1,
) -> NetworkComparison:
    """Compare co-occurrence between two groups of documents formed by a document variable.

    Group a is the units whose document has ``by == a``; group b those whose document has
    ``by == b``, or, when ``b`` is None, every other document with a value of ``by``
    (documents where ``by`` is missing belong to neither group). The groups are then
    compared by :func:`compare_networks`.

    Values are compared as strings (:func:`textkit.core.groups.group_key`: ``str(value)``,
    a whole number without ``.0``), so on an ``Int64`` or float ``year`` column ``a=2015``
    and ``a="2015"`` pick the same documents, and on a text column ``a=1`` matches the
    value ``"1"``.

    Parameters
    ----------
    units : DataFrame
        Units table with ``doc_id`` (``textkit.segment.segment_corpus``).
    docs : DataFrame
        Documents table with ``doc_id`` (one row per document) and the column ``by``:
        ``CorpusBuild.documents``, or a table of the researcher's own variables.
    by : str
        The grouping column of ``docs`` (``province``, ``outlet``, ``year``, ``genre`` …).
    a : object
        Value of ``by`` forming group a.
    b : object, optional
        Value of ``by`` forming group b. Default: every other value ("rest of the corpus").
    nodes, config, weight, top_n, min_docs
        As in :func:`compare_networks`. For the settings of ``textkit.toml`` pass
        ``top_n=net.compare_top_n, min_docs=net.compare_min_docs`` of a
        :class:`~textkit.cooc.config.NetworkConfig`.
    labels : tuple of two str, optional
        Group names. Default: the two values as strings, and ``"not <a>"`` when ``b`` is
        None.

    Returns
    -------
    NetworkComparison
        The same as :func:`compare_networks` on the two groups' units (in table order).

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        When ``docs`` lacks ``doc_id`` or ``by``, gives one document two values of ``by``,
        when ``a`` equals ``b``, or when a group has no document or no unit; the message
        names the variable and lists its values with the number of documents that have
        units.
    """
    check_str("by", by)
    for what, table in (("units", units), ("docs", docs)):
        if not isinstance(table, pd.DataFrame) or "doc_id" not in table.columns:
            raise InvalidParameterError(f"{what}: expected a table with a 'doc_id' column")
    if by not in docs.columns:
        cols = ", ".join(repr(str(c)) for c in docs.columns if c != "doc_id")
        raise InvalidParameterError(f"by: no column {by!r} in docs; its columns are {cols}")
    if a is None or group_key(a) is None:
        raise InvalidParameterError(f"a: expected a value of {by!r}, got {a!r}")
    key_a = group_key(a)
    key_b = None if b is None else group_key(b)
    if b is not None and key_b is None:
        raise InvalidParameterError(f"b: expected a value of {by!r} or None, got {b!r}")
    if key_a == key_b:
        raise InvalidParameterError(f"b: must differ from a, got {b!r} for both")
    value = pd.Series([group_key(v) for v in docs[by]], index=docs["doc_id"].astype(str))
    known = value.dropna()
    clash = known.groupby(level=0).nunique()
    if (clash > 1).any():
        ids = ", ".join(repr(i) for i in sorted(clash[clash > 1].index)[:5])
        raise InvalidParameterError(f"docs: documents with two values of {by!r}: {ids}")
    group_of = known[~known.index.duplicated()]
    unit_group = units["doc_id"].astype(str).map(group_of)
    in_a = (unit_group == key_a).to_numpy()
    in_b = (
        (unit_group.notna() & (unit_group != key_a)) if key_b is None else unit_group == key_b
    ).to_numpy()
    if labels is None:
        labels = (key_a, f"not {key_a}" if key_b is None else key_b)
    for name, raw, mask, what in (
        ("a", a, in_a, f"{by} == {key_a!r}"),
        ("b", b, in_b, f"{by} == {key_b!r}" if key_b is not None else f"{by} != {key_a!r}"),
    ):
        if mask.any():
            continue
        if raw is not None and group_key(raw) not in set(group_of):
            problem = f"no document has {by} == {group_key(raw)!r}"
        else:
            problem = f"no unit belongs to a document with {what}"
        raise InvalidParameterError(
            f"{name}: {problem}; {_listing(by, group_of, units['doc_id'].astype(str))}"
        )
    return compare_networks(
        units[in_a],
        units[in_b],
        nodes,
        config,
        weight=weight,
        labels=labels,
        top_n=top_n,
        min_docs=min_docs,
    )


def _listing(by: str, group_of: pd.Series, unit_docs: pd.Series) -> str:
    """The values of ``by``, each with the number of documents that have units."""
    with_units = group_of[group_of.index.isin(set(unit_docs))]
    counts = with_units.value_counts()
    values = sorted(set(group_of), key=lambda v: (-int(counts.get(v, 0)), v))
    if not values:
        return f"{by!r} has no value in docs"
    shown = ", ".join(f"{v!r} ({int(counts.get(v, 0))})" for v in values[:20])
    more = f", … ({len(values) - 20} more)" if len(values) > 20 else ""
    return f"values of {by!r} (documents with units): {shown}{more}"
