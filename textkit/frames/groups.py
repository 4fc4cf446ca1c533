"""Frame intensity and balance per group of any document variable, with cluster-bootstrap
intervals, and the contrast between two groups.

:func:`frame_groups` pools the documents of each group of a document variable (province,
outlet, genre, era, year …) of a :func:`~textkit.frames.score.score_frames` table: the
intensity of each frame is the group's weighted frame hits per 1,000 of its tokens (a ratio
estimator, so long documents weigh by their length), the balance
``(S - T) / (S + T)`` of the group's summed weighted service-law (``S``) and stability (``T``)
hits, as ``balance`` in the score table, and ``mean_balance`` the mean of the documents'
own balances (documents without frame terms left out). Percentile intervals come from a
document-clustered bootstrap: the documents of a group are resampled with replacement
(paragraph or sentence scores are first summed per document, so a document's units stay
together). A group where one document holds more than half of an estimate's weight (its
tokens, or frame hits) says so in ``note``, the document named in ``top_doc``: the pooled
estimate is then mostly that document's. :func:`frame_contrast` gives the difference
between one group and another, or every other document, with its interval. When the
variable is numeric (a year) or a date (grouped by ``freq``), the same table is a trend
(:func:`textkit.plots.frames.plot_frame_trend`).

Usage::

    from textkit.frames.groups import frame_contrast, frame_groups

    scores = score_frames(docs, config=cfg)
    by_genre = frame_groups(scores, "genre", config=cfg)
    trend = frame_groups(scores, "year", config=cfg)
    frame_contrast(scores, "era", "2002-2007", "2017-", config=cfg)
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_choice, check_int, check_number, check_str
from textkit.core.errors import InvalidParameterError
from textkit.core.groups import group_key
from textkit.core.stats import (
    MIN_INTERVAL_DOCS,
    cluster_bootstrap_totals,
    interval_note,
    percentile_interval,
)
from textkit.frames.score import FrameConfig

__all__ = ["frame_groups", "frame_contrast", "frame_means"]

logger = logging.getLogger(__name__)

#: Fewer tokens than this, and a text is left out of :func:`frame_means` (a two-character post
#: 维稳 is 1,000 hits per 1,000 tokens).
MIN_MEAN_TOKENS = 20

#: A group estimate whose largest document carries more than this share of it gets a ``note``
#: (:func:`frame_groups`): the pooled estimate then describes that document more than the
#: group.
DOMINANT_SHARE = 0.5

#: The measures of a group table, in table order.
MEASURES = ("stability", "service_law", "balance", "mean_balance")
#: Date frequencies of ``freq``: calendar year (an integer), quarter and month (the
#: period's first day).
FREQS = ("Y", "Q", "M")

_NEEDED = ["doc_id", "n_tokens", "n_stability", "n_service_law"]
# per-document totals, the bootstrap's columns
_TOTALS = ["n_stability", "n_service_law", "n_tokens", "has_balance", "doc_balance"]


def _options(
    config: FrameConfig | None, n_boot: Any, ci: Any, random_state: Any, min_docs: Any
) -> tuple[int, float, int, int]:
    """n_boot, ci, random_state (``config``'s unless given) and min_docs, checked."""
    config = config if config is not None else FrameConfig()
    if not isinstance(config, FrameConfig):
        raise InvalidParameterError(f"config: expected a FrameConfig, got {type(config).__name__}")
    n_boot = check_int("n_boot", config.n_boot if n_boot is None else n_boot, 0)
    ci = check_number(
        "ci", config.ci if ci is None else ci, 0.0, 1.0, low_open=True, high_open=True
    )
    seed = check_int(
        "random_state", config.random_state if random_state is None else random_state, 0
    )
    return n_boot, ci, seed, check_int("min_docs", min_docs, 1)


def group_values(table: pd.DataFrame, by: str, freq: str | None = None) -> pd.Series:
    """The group of each row of ``table``: the column ``by``, dates cut to ``freq``.

    Parameters
    ----------
    table : DataFrame
    by : str
        A column of ``table``.
    freq : {"Y", "Q", "M"}, optional
        For a date column (datetime dtype; convert text with
        :func:`textkit.core.dates.parse_dates`, or name it in ``read_texts``' ``dates``):
        the calendar year as an integer, or the first day of the quarter or month.

    Returns
    -------
    Series
        Aligned with ``table``; missing values stay missing. A float column of whole
        numbers (a year column with gaps read from a file) becomes integers.
    """
    check_str("by", by)
    if by not in table.columns:
        raise InvalidParameterError(
            f"by: no column {by!r}; columns are {[str(c) for c in table.columns]}"
        )
    col = table[by]
    if freq is None:
        if pd.api.types.is_datetime64_any_dtype(col):
            raise InvalidParameterError(
                f"freq: {by!r} holds dates; give freq='Y', 'Q' or 'M' to group them"
            )
        if pd.api.types.is_float_dtype(col):
            present = col.dropna().to_numpy(dtype=np.float64)
            if np.isfinite(present).all() and (present == np.round(present)).all():
                return col.astype("Int64")  # a year column with gaps read as floats
        return col
    check_choice("freq", freq, FREQS)
    if not pd.api.types.is_datetime64_any_dtype(col):
        raise InvalidParameterError(
            f"freq: {by!r} is not a date column (dtype {col.dtype}); read it as dates "
            "(read_texts(..., dates=[...]), [corpus] dates, or textkit.parse_dates), or group "
            "an integer year column without freq"
        )
    if freq == "Y":
        return col.dt.year.astype("Int64")
    return col.dt.to_period(freq).dt.start_time


def _is_ordered(values: pd.Series) -> bool:
    """True for a numeric (not boolean) or date variable: its groups form a trend."""
    return (
        pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    ) or pd.api.types.is_datetime64_any_dtype(values)


def sorted_groups(values: pd.Series) -> list:
    """The distinct non-missing values of a group variable, sorted numerically (or by date)
    when it is numeric or holds dates, by their text otherwise."""
    uniq = list(dict.fromkeys(values[values.notna()].tolist()))
    return sorted(uniq) if _is_ordered(values) else sorted(uniq, key=str)


def resolve_group(value: Any, groups: list, by: str, name: str) -> Any:
    """The group ``value`` names (equal, or equal as text: ``"2016"`` finds 2016).

    Raises
    ------
    InvalidParameterError
        When ``value`` is not one of ``groups``, naming the variable and the groups.
    """
    for g in groups:
        if type(g) is type(value) and g == value:
            return g
    key = group_key(value)  # the one rule for "this value names that group" (core.groups)
    for g in groups:
        if group_key(g) == key:
            return g
    shown = [str(g) for g in groups]
    raise InvalidParameterError(f"{name}: {value!r} is not a group of {by!r}; groups are {shown}")


def _documents(
    scores: pd.DataFrame, by: str, freq: str | None, caller: str
) -> tuple[pd.DataFrame, list, int]:
    """Per-document totals (sorted by doc_id) with their group, the sorted groups
    (:func:`sorted_groups`) and the number of documents left out for want of a group
    (logged)."""
    if not isinstance(scores, pd.DataFrame):
        raise InvalidParameterError(
            f"scores: expected the table of score_frames, got {type(scores).__name__}"
        )
    missing = [c for c in _NEEDED if c not in scores.columns]
    if missing:
        raise InvalidParameterError(f"scores: missing column(s) {missing} (use score_frames)")
    values = group_values(scores, by, freq)
    rows = pd.DataFrame(
        {
            "doc_id": scores["doc_id"].astype(str).to_numpy(),
            "group": values.to_numpy(dtype=object),
            "n_stability": scores["n_stability"].to_numpy(dtype=np.float64),
            "n_service_law": scores["n_service_law"].to_numpy(dtype=np.float64),
            "n_tokens": scores["n_tokens"].to_numpy(dtype=np.float64),
        }
    )
    rows["group"] = rows["group"].where(values.notna().to_numpy(), None)
    per_doc = rows.groupby("doc_id", sort=True).agg(
        n_stability=("n_stability", "sum"),
        n_service_law=("n_service_law", "sum"),
        n_tokens=("n_tokens", "sum"),
        n_values=("group", "nunique"),
    )
    mixed = per_doc.index[per_doc["n_values"] > 1]
    if len(mixed):
        raise InvalidParameterError(
            f"by: {by!r} takes several values within a document (e.g. {mixed[0]!r}); "
            "group by a document variable"
        )
    first = rows.dropna(subset=["group"]).drop_duplicates("doc_id").set_index("doc_id")["group"]
    per_doc["group"] = first.reindex(per_doc.index)
    n_out = int(per_doc["group"].isna().sum())
    if n_out:
        logger.info("%s: %d documents without a value of %r are left out", caller, n_out, by)
    per_doc = per_doc[per_doc["group"].notna()].drop(columns="n_values")
    if per_doc.empty:
        raise InvalidParameterError(f"by: no document has a value of {by!r}")
    tot = per_doc["n_stability"] + per_doc["n_service_law"]
    per_doc["has_balance"] = (tot > 0).astype(np.float64)
    per_doc["doc_balance"] = np.where(
        tot > 0, (per_doc["n_service_law"] - per_doc["n_stability"]) / tot.where(tot > 0, 1.0), 0.0
    )
    return per_doc.reset_index(), sorted_groups(values), n_out


def _measures(totals: np.ndarray) -> np.ndarray:
    """The four measures (columns, :data:`MEASURES`) of rows of summed totals
    (:data:`_TOTALS`)."""
    st, sv, tok, ndef, sbal = (totals[:, j] for j in range(5))
    with np.errstate(invalid="ignore", divide="ignore"):
        per1k = np.where(tok > 0, 1000.0 / np.where(tok > 0, tok, 1.0), np.nan)
        both = st + sv
        balance = np.where(both > 0, (sv - st) / np.where(both > 0, both, 1.0), np.nan)
        mean_balance = np.where(ndef > 0, sbal / np.where(ndef > 0, ndef, 1.0), np.nan)
    return np.column_stack([st * per1k, sv * per1k, balance, mean_balance])


def _estimate(
    x: np.ndarray, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray | None]:
    """The measures of a group's documents (rows of ``x``) and their bootstrap replicates
    (None when ``n_boot`` is 0)."""
    est = _measures(x.sum(axis=0, keepdims=True))[0]
    if n_boot == 0:
        return est, None
    return est, _measures(cluster_bootstrap_totals(x, n_boot, rng))


#: What a document's weight in each measure's estimate is (:func:`_top_documents`).
_WEIGHT_OF = ("tokens", "tokens", "frame hits", "documents with frame terms")


def _top_documents(sel: pd.DataFrame) -> list[tuple[str, float]]:
    """Per measure (:data:`MEASURES`), the document with the largest weight in the group's
    estimate and that weight (``("", nan)`` when the estimate has none).

    Each estimate is a weighted mean of the documents' own values: an intensity weighs a
    document by its tokens, the pooled balance by its frame hits (S + T), ``mean_balance``
    each document with frame terms alike. Ties go to the first ``doc_id``.
    """
    hits = sel["n_stability"] + sel["n_service_law"]
    weights = [sel["n_tokens"], sel["n_tokens"], hits, sel["has_balance"]]
    out = []
    for w in weights:
        total = float(w.sum())
        if total <= 0:
            out.append(("", np.nan))
            continue
        i = int(np.argmax(w.to_numpy()))  # sel is sorted by doc_id: the first of ties
        out.append((str(sel["doc_id"].iloc[i]), float(w.iloc[i]) / total))
    return out


def _note(n_docs: int, min_docs: int, estimate: float, top: tuple[str, float], weight: str) -> str:
    parts = [interval_note(n_docs, min_docs)] if n_docs < min_docs else []
    if not np.isfinite(estimate):
        parts.append("no frame terms" if n_docs else "no documents")
    elif n_docs > 1 and top[1] > DOMINANT_SHARE:
        if weight == _WEIGHT_OF[-1]:  # one document with frame terms: the mean is its own
            parts.append(f"only one document ({top[0]}) has frame terms: the mean is its own")
        else:
            parts.append(
                f"one document ({top[0]}) holds {top[1]:.0%} of the group's {weight}, more "
                "than all the others together: the estimate leans on it"
            )
    return "; ".join(parts)


def frame_groups(
    scores: pd.DataFrame,
    by: str,
    *,
    freq: str | None = None,
    config: FrameConfig | None = None,
    n_boot: int | None = None,
    ci: float | None = None,
    random_state: int | None = None,
    min_docs: int = MIN_INTERVAL_DOCS,
) -> pd.DataFrame:
    """Frame intensities and balance per group of a document variable, with intervals.

    For the documents of each group: ``stability`` and ``service_law`` are the summed
    weighted frame hits per 1,000 summed tokens (the ratio estimator: the group read as one
    text), ``balance`` is ``(S - T) / (S + T)`` of the summed weighted service-law and
    stability hits (positive = service / rule of law, as ``balance`` in the score table),
    ``mean_balance`` the mean of the documents' own balances (documents without frame terms
    left out). Intervals are percentile intervals of a document-clustered bootstrap: within
    each group the documents are resampled with replacement ``n_boot`` times
    (``numpy.random.default_rng(random_state)``, groups in sorted order, documents sorted
    by ``doc_id``), so the result does not depend on the order of the input rows.
    Paragraph and sentence scores are summed per document first: whole documents are
    resampled, and the estimates equal those of the document scores.

    Parameters
    ----------
    scores : DataFrame
        From :func:`textkit.frames.score.score_frames` (any level): ``doc_id``,
        ``n_tokens``, ``n_stability``, ``n_service_law`` and the column ``by``. Not
        modified.
    by : str
        The document variable (genre, era, year, province, outlet …). Documents where it
        is missing are left out (counted in ``missing_left_out``). Groups are sorted
        numerically when the variable is numeric or holds dates (then the table is a
        trend), by their text otherwise.
    freq : {"Y", "Q", "M"}, optional
        Only for a date column ``by`` (datetime dtype: a column named in ``read_texts``'
        ``dates``, or converted with :func:`textkit.core.dates.parse_dates`): group by
        calendar year (an integer), quarter or month (the period's first day). An integer
        year column needs no ``freq``.
    config : FrameConfig, optional
        Supplies ``n_boot``, ``ci`` and ``random_state`` (the ``[frames]`` table of
        ``textkit.toml`` via :func:`textkit.frames.score.frame_config`).
    n_boot, ci, random_state : optional
        Override the config's values. ``n_boot=0`` gives no intervals.
    min_docs : int, default :data:`~textkit.core.stats.MIN_INTERVAL_DOCS` (5)
        Groups with fewer documents get their estimates, NaN intervals and a ``note``
        (:func:`~textkit.core.stats.interval_note`); the rule of topic prevalence too.

    Returns
    -------
    DataFrame
        ``variable, group, measure, estimate, lo, hi, n_docs, n_tokens, top_doc,
        top_doc_share, note, missing_left_out``: one row per group and measure
        (:data:`MEASURES`: stability, service_law, balance, mean_balance), groups in sorted
        order. Intensities are per 1,000 tokens. ``top_doc`` is the document with the
        largest weight in the row's estimate and ``top_doc_share`` that weight (see Notes;
        ``""`` and NaN when the estimate is NaN). ``note`` is empty or says why an interval
        or estimate is missing, or that one document holds more than
        :data:`DOMINANT_SHARE` (half) of the estimate's weight in a group of two or more
        documents. ``missing_left_out`` (the same on every row) counts the documents without
        a value of ``by``, in no group (:func:`textkit.plots.frames.plot_frame_trend` says
        so).

    See Also
    --------
    frame_contrast : the difference between two groups.
    frame_means : the mean of the documents' own values, every document weighing alike.
    textkit.plots.frames.plot_frame_groups, textkit.plots.frames.plot_frame_trend

    Notes
    -----
    Each pooled estimate is a weighted mean of the documents' own values: an intensity
    weighs each document by its share of the group's tokens, ``balance`` by its share of the
    group's frame hits (S + T), ``mean_balance`` each document with frame terms alike.
    ``top_doc_share`` is the largest of these weights. When it is more than half (a county
    annal of a million characters among short notices), the estimate is mostly that one
    document's value: it says little about the group, and the group's rank among the
    others may be the document's. :func:`frame_means` then gives the description of the
    group's documents; splitting the document, or analysing it apart, gives an estimate of
    the group. A warning is logged naming such groups (by the frame hits of ``balance``).

    The percentile interval is not a remedy. The bootstrap resamples documents, so with
    one dominant document a replicate either holds it (once or more; its estimate stays
    near the document's own value) or leaves it out (about a third of the replicates; the
    estimate then jumps to the other documents'). The replicates pile up at the point
    estimate and the interval runs away from it on one side: the estimate sits at the edge
    of its own interval, and the interval describes the chance of drawing that document,
    not the uncertainty about the group.
    """
    n_boot, ci, seed, min_docs = _options(config, n_boot, ci, random_state, min_docs)
    cols = ["variable", "group", "measure", "estimate", "lo", "hi", "n_docs", "n_tokens",
            "top_doc", "top_doc_share", "note", "missing_left_out"]  # fmt: skip
    if isinstance(scores, pd.DataFrame) and len(scores) == 0 and by in scores.columns:
        # no document: an empty table with the columns' types (the group's from ``by``)
        types = dict.fromkeys(cols, "float64")
        types |= dict.fromkeys(("n_docs", "n_tokens", "missing_left_out"), "int64")
        types |= dict.fromkeys(("variable", "measure", "top_doc", "note"), "str")
        types["group"] = scores[by].dtype if freq is None else "str"
        return pd.DataFrame(columns=cols).astype(types)
    docs, groups, n_out = _documents(scores, by, freq, "frame_groups")
    rng = np.random.default_rng(seed)
    rows = []
    dominated: list[str] = []
    for group in groups:
        sel = docs[docs["group"] == group]
        x = sel[_TOTALS].to_numpy(dtype=np.float64)
        est, reps = _estimate(x, n_boot, rng)  # drawn even for small groups: the other
        lo = hi = np.full(len(MEASURES), np.nan)  # groups' intervals do not depend on min_docs
        if reps is not None and len(sel) >= min_docs:
            lo, hi = percentile_interval(reps, ci)
        tops = _top_documents(sel)
        for j, measure in enumerate(MEASURES):
            note = _note(len(sel), min_docs, est[j], tops[j], _WEIGHT_OF[j])
            rows.append(
                (by, group, measure, float(est[j]), float(lo[j]), float(hi[j]), len(sel),
                 int(sel["n_tokens"].sum()), *tops[j], note, n_out)
            )  # fmt: skip
        if tops[2][1] > DOMINANT_SHARE and len(sel) > 1:
            dominated.append(f"{group} ({tops[2][0]}: {tops[2][1]:.0%} of the frame hits)")
    if dominated:
        logger.warning(
            "frame_groups: in %d group(s) of %r one document holds more than %.0f%% of the "
            "frame hits, and the pooled balance leans on it: %s (see note; frame_means gives "
            "the mean over documents)", len(dominated), by, 100 * DOMINANT_SHARE,
            "; ".join(dominated),
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    out["group"] = pd.Series([r[1] for r in rows], dtype=object).infer_objects()
    return out


def frame_contrast(
    scores: pd.DataFrame,
    by: str,
    a: Any,
    b: Any = None,
    *,
    freq: str | None = None,
    config: FrameConfig | None = None,
    n_boot: int | None = None,
    ci: float | None = None,
    random_state: int | None = None,
    min_docs: int = MIN_INTERVAL_DOCS,
) -> pd.DataFrame:
    """Difference in frame intensity and balance between two groups, with a bootstrap
    interval.

    The documents of each side are resampled with replacement independently
    (``numpy.random.default_rng(random_state)``, side ``a`` first, documents sorted by
    ``doc_id``); the interval is the percentile interval of the resampled differences
    ``a - b`` of each measure of :func:`frame_groups`.

    Parameters
    ----------
    scores, by, freq
        As :func:`frame_groups`.
    a : group value
        The group compared (a value of ``by``; ``"2016"`` also finds the year 2016).
    b : group value, optional
        The other group; default: every other document with a value of ``by`` ("rest").
    config, n_boot, ci, random_state, min_docs
        As :func:`frame_groups`; a side with fewer than ``min_docs`` documents gives a NaN
        interval and a ``note``.

    Returns
    -------
    DataFrame
        ``variable, a, b, measure, estimate_a, estimate_b, diff, lo, hi, n_docs_a,
        n_docs_b, note``, one row per measure; ``lo > 0`` or ``hi < 0`` marks a difference
        the resampling does not explain away.

    Raises
    ------
    InvalidParameterError
        When ``a`` or ``b`` is not a group (the message lists the groups), or ``a == b``.
    """
    n_boot, ci, seed, min_docs = _options(config, n_boot, ci, random_state, min_docs)
    docs, groups, _ = _documents(scores, by, freq, "frame_contrast")
    ga = resolve_group(a, groups, by, "a")
    if b is None:
        side_b, label_b = docs["group"] != ga, "rest"
    else:
        gb = resolve_group(b, groups, by, "b")
        if gb == ga:
            raise InvalidParameterError("a, b: give two different groups")
        side_b, label_b = docs["group"] == gb, gb
    if not side_b.any():
        raise InvalidParameterError(f"b: no document of {by!r} outside group {ga!r}")
    rng = np.random.default_rng(seed)
    sides = [docs[docs["group"] == ga], docs[side_b]]
    ests, reps = [], []
    for side in sides:
        est, rep = _estimate(side[_TOTALS].to_numpy(dtype=np.float64), n_boot, rng)
        ests.append(est)
        reps.append(rep)
    n_a, n_b = len(sides[0]), len(sides[1])
    diff = ests[0] - ests[1]
    lo = hi = np.full(len(MEASURES), np.nan)
    if reps[0] is not None and min(n_a, n_b) >= min_docs:
        lo, hi = percentile_interval(reps[0] - reps[1], ci)
    notes = []
    for d in diff:
        parts = []
        if min(n_a, n_b) < min_docs:
            parts.append(interval_note(min(n_a, n_b), min_docs, side=True))
        if not np.isfinite(d):
            parts.append("no frame terms on a side")
        notes.append("; ".join(parts))
    return pd.DataFrame(
        {
            "variable": by,
            "a": [ga] * len(MEASURES),
            "b": [label_b] * len(MEASURES),
            "measure": list(MEASURES),
            "estimate_a": ests[0],
            "estimate_b": ests[1],
            "diff": diff,
            "lo": lo,
            "hi": hi,
            "n_docs_a": n_a,
            "n_docs_b": n_b,
            "note": notes,
        }
    )


def frame_means(
    scores: pd.DataFrame, by: str, *, min_tokens: int = MIN_MEAN_TOKENS
) -> pd.DataFrame:
    """The mean of the texts' own frame intensities and balance per group: a description of
    the texts, next to :func:`frame_groups`' pooled estimates of the groups.

    A text's intensity is its weighted frame hits per 1,000 of its tokens, so a very short
    text has an extreme one (维稳 alone: 1,000): texts with fewer than ``min_tokens``
    tokens, and texts without a token (no intensity), are left out and counted in
    ``short_left_out``. The means weigh every text
    alike, where :func:`frame_groups` reads a group as one text (long texts weigh by their
    length); the two agree when the texts of a group are alike in length.

    Parameters
    ----------
    scores : DataFrame
        From :func:`textkit.frames.score.score_frames` (document level): ``n_tokens``,
        ``stability``, ``service_law``, ``balance`` and the column ``by``. Not modified.
    by : str
        The document variable; rows where it is missing are left out.
    min_tokens : int, default 20
        Texts with fewer tokens are left out of the means (0 keeps every text).

    Returns
    -------
    DataFrame
        ``variable, group, docs, short_left_out, stability, stability_sem, service_law,
        service_law_sem, balance``: one row per group (sorted by its label as text); the
        intensities are means per 1,000 tokens with their standard errors (NaN for one
        text), ``balance`` the mean balance of the texts with frame terms; ``docs`` counts
        the texts in the means.

    See Also
    --------
    frame_groups : pooled estimates with document-bootstrap intervals.
    textkit.plots.frames.plot_frame_intensity : the same means as bars, the texts as dots.
    """
    check_str("by", by)
    check_int("min_tokens", min_tokens, 0)
    need = ["n_tokens", "stability", "service_law", "balance", by]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise InvalidParameterError(f"scores: missing column(s) {missing}")
    keys = scores[by].map(group_key)
    present = keys.notna().to_numpy()
    # a text without tokens has no intensity (NaN): it is left out with the short ones
    short = present & ~(scores["n_tokens"].to_numpy(float) >= max(min_tokens, 1))
    kept = scores.loc[present & ~short, ["stability", "service_law", "balance"]]
    kept = kept.assign(group=keys[present & ~short].to_numpy())
    rows = []
    for group in sorted(set(keys[present])):
        sub = kept[kept["group"] == group]
        row = {"variable": by, "group": group, "docs": len(sub)}
        row["short_left_out"] = int((short & (keys == group).to_numpy()).sum())
        for frame in ("stability", "service_law"):
            values = sub[frame].to_numpy(float)
            row[frame] = float(values.mean()) if len(values) else np.nan
            row[f"{frame}_sem"] = (
                float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else np.nan
            )
        row["balance"] = float(sub["balance"].mean()) if sub["balance"].notna().any() else np.nan
        rows.append(row)
    columns = [
        "variable", "group", "docs", "short_left_out", "stability", "stability_sem",
        "service_law", "service_law_sem", "balance",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
