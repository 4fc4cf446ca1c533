"""Keyness: the words that distinguish one group of texts from another.

:func:`keyness` compares term counts of a target and a reference group (Dunning's G² from
:func:`textkit.core.stats.log_likelihood_g2`, Pearson's chi², the smoothed log ratio);
:func:`frame_keyness` compares the documents of one frame label (:mod:`textkit.frames.score`)
with those of another, or with the rest; :func:`keyness_by` does the same for the groups of
any document variable (genre, era, province, outlet, year …).

Usage::

    from textkit.frames.keyness import frame_keyness

    key = frame_keyness(doc_units, scores, "stability", "service_law", min_count=5)
    by_era = keyness_by(doc_units, docs, "era", "2017-")  # one era against the others
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.stats import expected_2x2, g2_p_value, log_likelihood_g2
from textkit.frames.groups import group_values, resolve_group, sorted_groups
from textkit.frames.score import typed_empty

__all__ = ["keyness", "frame_keyness", "keyness_by"]

#: The columns of a keyness table and their types (an empty table keeps them).
_KEYNESS_DTYPES = {
    "term": "str", "count_a": "int64", "count_b": "int64", "per_1k_a": "float64",
    "per_1k_b": "float64", "g2": "float64", "p_value": "float64", "chi2": "float64",
    "log_ratio": "float64", "key_for": "str",
}  # fmt: skip


def _to_counts(obj: Any, name: str) -> pd.Series:
    if isinstance(obj, pd.Series):
        s = obj
    elif isinstance(obj, Mapping):
        s = pd.Series(dict(obj), dtype=float)
    else:
        raise ValueError(f"{name}: expected a mapping or Series of term -> count")
    s = pd.to_numeric(s, errors="raise").astype(float)
    if (s < 0).any():
        raise ValueError(f"{name}: counts must be >= 0")
    s.index = s.index.astype(str)
    return s.groupby(level=0).sum()


def _count_tokens(token_lists: Iterable[Sequence[str]]) -> pd.Series:
    from collections import Counter

    c: Counter = Counter()
    for toks in token_lists:
        c.update(toks)
    return pd.Series(dict(c), dtype=float)


def keyness(
    target: Any,
    reference: Any = None,
    *,
    group: Any = None,
    min_count: int = 5,
    smoothing: float = 0.5,
) -> pd.DataFrame:
    """Keywords of a target group against a reference group.

    Two ways to call it:

    * ``keyness(counts_a, counts_b)`` with two mappings / Series term -> count;
    * ``keyness(units, group=mask)`` with a units table (``tokens`` column) or a list of token
      lists, and a boolean mask (True = target); the reference is every unit not in the
      target. To compare two subsets, pass only those units.

    Parameters
    ----------
    target : Mapping, Series, DataFrame or list of token lists
    reference : Mapping or Series, optional
    group : array-like of bool, optional
        Target mask over the units (with the second calling form).
    min_count : int, default 5
        Terms with fewer occurrences in both groups together are dropped.
    smoothing : float, default 0.5
        Added to both counts in the log ratio only (Hardie 2014), so a term absent from one
        group has a finite effect size.

    Returns
    -------
    DataFrame
        term, count_a, count_b, per_1k_a, per_1k_b, g2 (Dunning log-likelihood, signed
        positive when over-used in the target), p_value (chi-square, 1 df, of |g2|), chi2
        (Pearson, no continuity correction), log_ratio (binary log of the relative
        frequency ratio, smoothed), key_for ("target" / "reference"). Sorted by signed g2,
        descending, then term. Empty (typed columns) when neither group holds a token,
        e.g. for an empty units table.

    Notes
    -----
    For a term with counts a (target) and b (reference) in corpora of N_a and N_b tokens,
    the 2×2 table is [[a, b], [N_a - a, N_b - b]] with expected values
    E = row total × column total / N, and ``G² = 2 Σ O ln(O / E)`` over the four cells
    (cells with O = 0 contribute 0); ``χ² = Σ (O - E)² / E``.
    """
    check_int("min_count", min_count, 0)
    check_number("smoothing", smoothing, 0.0, low_open=True)
    if group is not None:
        if reference is not None:
            raise ValueError("keyness: give either reference counts or group, not both")
        if isinstance(target, pd.DataFrame):
            if "tokens" not in target.columns:
                raise ValueError("keyness: units table lacks a 'tokens' column")
            lists = list(target["tokens"])
        else:
            lists = list(target)
        mask = np.asarray(group, dtype=bool)
        if mask.shape != (len(lists),):
            raise ValueError(f"group: expected {len(lists)} booleans, got shape {mask.shape}")
        if len(lists) and (mask.all() or not mask.any()):
            raise ValueError("group: both the target and the reference must be non-empty")
        a = _count_tokens(lst for lst, m in zip(lists, mask, strict=True) if m)
        b = _count_tokens(lst for lst, m in zip(lists, mask, strict=True) if not m)
    else:
        if reference is None:
            raise ValueError("keyness: give reference counts or a group mask")
        a = _to_counts(target, "target")
        b = _to_counts(reference, "reference")
    terms = sorted(set(a.index) | set(b.index))
    ca = a.reindex(terms, fill_value=0.0).to_numpy(float)
    cb = b.reindex(terms, fill_value=0.0).to_numpy(float)
    na, nb = ca.sum(), cb.sum()
    if na <= 0 and nb <= 0:  # nothing to compare: no unit, or no token at all
        return typed_empty(pd.DataFrame(columns=list(_KEYNESS_DTYPES)), _KEYNESS_DTYPES)
    if na <= 0 or nb <= 0:
        raise ValueError("keyness: both groups need at least one token")
    keep = (ca + cb) >= min_count
    terms = [t for t, k in zip(terms, keep, strict=True) if k]
    ca, cb = ca[keep], cb[keep]
    table = (ca, cb, na - ca, nb - cb)  # term in target, in reference; other tokens
    obs = np.stack(table, axis=1)
    exp = np.stack(expected_2x2(*table), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi_cells = np.where(exp > 0, (obs - exp) ** 2 / exp, 0.0)
    g2 = log_likelihood_g2(*table)
    chi2 = chi_cells.sum(axis=1)
    pa, pb = ca / na, cb / nb
    sign = np.where(pa >= pb, 1.0, -1.0)
    out = pd.DataFrame(
        {
            "term": terms,
            "count_a": ca.astype(int),
            "count_b": cb.astype(int),
            "per_1k_a": 1000.0 * pa,
            "per_1k_b": 1000.0 * pb,
            "g2": sign * g2,
            "p_value": g2_p_value(g2),
            "chi2": chi2,
            "log_ratio": np.log2(((ca + smoothing) / na) / ((cb + smoothing) / nb)),
            "key_for": np.where(sign > 0, "target", "reference"),
        }
    )
    return out.sort_values(["g2", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def frame_keyness(
    units: pd.DataFrame,
    scores: pd.DataFrame,
    target: str = "stability",
    reference: str = "service_law",
    *,
    label: str = "frame_label",
    min_count: int = 5,
    smoothing: float = 0.5,
) -> pd.DataFrame:
    """Keywords of documents with one frame label against a reference group of documents.

    Parameters
    ----------
    units : DataFrame
        Tokenised units with ``doc_id`` and ``tokens`` (any unit level, e.g.
        ``segment_corpus(docs, unit="document")``); all units of a document go to its group.
        Not modified.
    scores : DataFrame
        Document scores with ``doc_id`` and the ``label`` column (``score_frames`` output).
    target : str, default "stability"
        Label of the target group.
    reference : str, default "service_law"
        Label of the reference group, or ``"rest"`` for every other scored document.
    label : str, default "frame_label"
        Column of ``scores`` holding the labels.
    min_count, smoothing
        As in :func:`keyness`.

    Returns
    -------
    DataFrame
        The :func:`keyness` table (``count_a`` / ``per_1k_a`` = target group,
        ``count_b`` / ``per_1k_b`` = reference group).

    Raises
    ------
    ValueError
        Missing columns, ``target == reference``, or an empty group.
    """
    for name, table, cols in (("units", units, ["doc_id", "tokens"]),
                              ("scores", scores, ["doc_id", label])):  # fmt: skip
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}")
    if target == reference:
        raise ValueError("frame_keyness: target and reference must differ")
    labels = scores.set_index(scores["doc_id"].astype(str))[label].astype(str)
    if labels.index.duplicated().any():
        raise ValueError("scores: duplicate doc_id values")
    lab = units["doc_id"].astype(str).map(labels)
    in_target = (lab == target).to_numpy()
    in_ref = (lab.notna() & (lab != target)) if reference == "rest" else (lab == reference)
    in_ref = np.asarray(in_ref, dtype=bool)
    for name, mask, value in (("target", in_target, target), ("reference", in_ref, reference)):
        if not mask.any():
            raise ValueError(f"frame_keyness: no unit in the {name} group ({label} = {value!r})")
    keep = in_target | in_ref
    sub = units.loc[keep, ["tokens"]]
    return keyness(sub, group=in_target[keep], min_count=min_count, smoothing=smoothing)


def keyness_by(
    units: pd.DataFrame,
    docs: pd.DataFrame,
    by: str,
    a: Any,
    b: Any = None,
    *,
    freq: str | None = None,
    min_count: int = 5,
    smoothing: float = 0.5,
) -> pd.DataFrame:
    """Keywords of the documents of one group of a document variable against another group
    or every other document.

    Parameters
    ----------
    units : DataFrame
        Tokenised units with ``doc_id`` and ``tokens`` (any unit level, e.g.
        ``segment_corpus(docs, unit="document")``); all units of a document go to its group.
        Not modified.
    docs : DataFrame
        A table with ``doc_id`` and the column ``by``: the documents table, or a
        :func:`~textkit.frames.score.score_frames` table (which carries the document
        variables). Joined to ``units`` by ``doc_id``.
    by : str
        The document variable (genre, era, year, province, outlet …).
    a : group value
        The target group (a value of ``by``; ``"2016"`` also finds the year 2016).
    b : group value, optional
        The reference group; default: every other document with a value of ``by``.
    freq : {"Y", "Q", "M"}, optional
        For a date column ``by``, as in :func:`textkit.frames.groups.frame_groups`.
    min_count, smoothing
        As in :func:`keyness`.

    Returns
    -------
    DataFrame
        The :func:`keyness` table (``count_a`` / ``per_1k_a`` = group ``a``,
        ``count_b`` / ``per_1k_b`` = the reference).

    Raises
    ------
    InvalidParameterError
        Missing columns, a value of ``by`` that varies within a document, ``a`` or ``b``
        not a group of ``by`` (the message names the variable and its groups), ``a == b``,
        or a group without units.
    """
    for name, table, cols in (("units", units, ["doc_id", "tokens"]), ("docs", docs, ["doc_id"])):
        if not isinstance(table, pd.DataFrame):
            raise InvalidParameterError(f"{name}: expected a DataFrame, got {type(table).__name__}")
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise InvalidParameterError(f"{name}: missing column(s) {missing}")
    values = group_values(docs, by, freq)
    pairs = pd.DataFrame(
        {"doc_id": docs["doc_id"].astype(str).to_numpy(), "group": values.to_numpy(dtype=object)}
    )
    pairs = pairs[values.notna().to_numpy()].drop_duplicates()
    if pairs["doc_id"].duplicated().any():
        doc = pairs.loc[pairs["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise InvalidParameterError(
            f"by: {by!r} takes several values within a document (e.g. {doc!r})"
        )
    groups = sorted_groups(values)
    if not groups:
        raise InvalidParameterError(f"by: no document has a value of {by!r}")
    ga = resolve_group(a, groups, by, "a")
    gb = None if b is None else resolve_group(b, groups, by, "b")
    if gb is not None and gb == ga:
        raise InvalidParameterError("a, b: give two different groups")
    group_of = dict(zip(pairs["doc_id"], pairs["group"], strict=True))
    lab = [group_of.get(d) for d in units["doc_id"].astype(str)]
    in_target = np.array([g is not None and g == ga for g in lab], dtype=bool)
    if gb is None:
        in_ref = np.array([g is not None and g != ga for g in lab], dtype=bool)
    else:
        in_ref = np.array([g is not None and g == gb for g in lab], dtype=bool)
    for name, mask, value in (("a", in_target, ga), ("b", in_ref, "rest" if gb is None else gb)):
        if not mask.any():
            raise InvalidParameterError(
                f"{name}: no unit of units in group {value!r} of {by!r}; groups are "
                f"{[str(g) for g in groups]}"
            )
    keep = in_target | in_ref
    sub = units.loc[keep, ["tokens"]]
    return keyness(sub, group=in_target[keep], min_count=min_count, smoothing=smoothing)
