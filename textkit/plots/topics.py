"""Figures for the topics stage: choosing K, stability across seeds, group prevalence, terms.

Group prevalence is drawn by category (:func:`plot_prevalence`) or, for numeric groups such
as years, as a trend with one panel per topic (:func:`plot_prevalence_trend`).

Every function takes a table from :mod:`textkit.topics`, draws inside
:func:`textkit.plots.use_style` and returns a :class:`matplotlib.figure.Figure` without saving
it (use :func:`textkit.plots.save_figure`). The tidy table behind each figure is attached as
``fig.textkit_data``.

Topics are labelled by :func:`textkit.plots.labels.topic_label` (``"T3 维稳·排查·矛盾"``).
Build the labels of a model once with :func:`topic_labels` and pass them to every figure
(``topic_labels=``) so that a topic reads the same everywhere; without them each figure
labels a topic with the first three terms of its own table. Numeric tables are rounded to
the stated precision (:func:`textkit.core.precision.round_frame`) before anything is drawn.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from textkit.core.errors import InvalidParameterError
from textkit.core.precision import round_frame
from textkit.plots import FRAME_COLORS, frame_palette, new_figure, palette, use_style
from textkit.plots import labels as _labels
from textkit.plots._bands import draw_band
from textkit.plots.labels import display_label, is_frame, label_for, topic_label, topic_labels

__all__ = [
    "plot_k_selection",
    "plot_stability",
    "plot_prevalence",
    "plot_prevalence_trend",
    "plot_top_terms",
    "plot_seeded_comparison",
    "topic_label",
    "topic_labels",
]

logger = logging.getLogger(__name__)

_K_PANELS = (
    ("c_v", "Coherence c_v", "higher is better"),
    ("c_npmi", "Coherence NPMI", "higher is better"),
    ("u_mass", "Coherence UMass", "higher is better"),
    ("perplexity", "Held-out perplexity", "lower is better"),
    ("exclusivity", "Exclusivity", "higher is better"),
)


def plot_k_selection(table: pd.DataFrame) -> Figure:
    """Diagnostics of :func:`textkit.topics.select_k` against K, one panel per measure.

    Each panel shows the mean over seeds (line) and every seed's value (points), so the
    spread due to the seed is visible next to the trend. Measures that are all NaN (e.g.
    perplexity for NMF, c_v without texts) are left out.

    Parameters
    ----------
    table : DataFrame
        Output of ``select_k`` (``k``, ``seed`` and measure columns).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if "k" not in table.columns:
        raise InvalidParameterError("table: missing column 'k' (expected the output of select_k)")
    panels = [p for p in _K_PANELS if p[0] in table.columns and table[p[0]].notna().any()]
    if not panels:
        raise InvalidParameterError(
            "table: no diagnostic column with values (c_v, perplexity, ...)"
        )
    data = round_frame(table)
    ncols = min(3, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    with use_style():
        fig, axes = new_figure("double", height=2.1 * nrows, nrows=nrows, ncols=ncols)
        axes = np.atleast_1d(axes).ravel()
        color = palette(1)[0]
        for ax, (col, title, hint) in zip(axes, panels, strict=False):
            d = data[["k", col]].dropna()
            mean = d.groupby("k")[col].mean()
            ax.scatter(d["k"], d[col], s=8, color=color, alpha=0.45, linewidths=0)
            ax.plot(mean.index, mean.to_numpy(), marker="o", ms=3, lw=1.2, color=color)
            ax.set_title(f"{title}\n({hint})")
            ax.set_xlabel("Number of topics K")
            ax.set_xticks(sorted(d["k"].unique()))
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
    fig.textkit_data = data
    return fig


def plot_stability(result: Any, topic_labels: dict | None = None) -> Figure:
    """Per-topic stability across seeds from :func:`textkit.topics.topic_stability`.

    One row per reference topic (labelled with :func:`topic_label`): each point is the
    topic's matched similarity in one other run, the bar its mean (the stability); the
    dashed line marks the "stable" threshold of the summary.

    Parameters
    ----------
    result : StabilityResult
    topic_labels : dict, optional
        Topic -> label (from :func:`topic_labels`); default: the topic's first three terms
        in ``per_topic``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    per_topic = round_frame(result.per_topic)
    matches = round_frame(result.matches)
    n = len(per_topic)
    labels = [
        label_for(topic_labels, t, topic_label(t, terms))
        for t, terms in zip(per_topic["topic"], per_topic["top_terms"], strict=True)
    ]
    y = np.arange(n)[::-1]
    pos = dict(zip(per_topic["topic"], y, strict=True))
    with use_style():
        fig, ax = new_figure("double", height=max(2.0, 0.28 * n + 0.9))
        color = palette(1)[0]
        ax.barh(y, per_topic["stability"], color=color, alpha=0.35, height=0.6)
        ax.scatter(
            matches["similarity"],
            [pos[t] for t in matches["topic"]],
            s=10,
            color=color,
            zorder=3,
            linewidths=0,
        )
        thr = result.summary.get("threshold")
        if thr is not None:
            ax.axvline(float(thr), color="0.3", ls="--", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.set_xlim(0, 1.02)
        ax.set_xlabel(f"Matched similarity to the reference run ({result.summary.get('by')})")
        s = result.summary
        ax.set_title(
            f"Topic stability over {s.get('n_runs')} runs: mean {s.get('mean_stability'):.2f}, "
            f"{s.get('share_stable', 0):.0%} of topics >= {thr}"
        )
    data = matches.merge(per_topic, on="topic", how="left")
    fig.textkit_data = data
    return fig


def plot_prevalence(
    table: pd.DataFrame, topic_labels: dict | None = None, title: str | None = None
) -> Figure:
    """Mean topic share by group with bootstrap intervals (:func:`topic_prevalence`).

    The legend gives each group's number of resampled units (``n_docs``: articles for a
    cluster bootstrap) when the table has that column. A row without an interval (``lo``
    or ``hi`` NaN: a group of fewer than
    :data:`~textkit.core.stats.MIN_INTERVAL_DOCS` articles) is a hollow marker without an
    error bar, and the axis label says what hollow means. Groups are shown by their human
    label (:func:`textkit.plots.labels.display_label`: frame names, "Page N"); when the
    groups are frames they take the frame colours, in the frames' order.

    Parameters
    ----------
    table : DataFrame
        ``group, topic, mean, lo, hi`` (output of ``topic_prevalence``).
    topic_labels : dict, optional
        Topic -> label (from :func:`topic_labels`); default :func:`topic_label` of the id.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    for c in ("group", "topic", "mean", "lo", "hi"):
        if c not in table.columns:
            raise InvalidParameterError(
                f"table: missing column {c!r} (expected topic_prevalence output)"
            )
    data = round_frame(table)
    topics = list(dict.fromkeys(data["topic"]))
    keys = dict.fromkeys(data["group"].astype(str))
    frames = bool(keys) and all(is_frame(g) for g in keys)
    if frames:
        groups = [f for f in FRAME_COLORS if f in keys]
        colors = frame_palette(groups)
    else:
        groups = sorted(keys)
        colors = palette(len(groups))
    n = len(topics)
    y = np.arange(n)[::-1].astype(float)
    ypos = dict(zip(topics, y, strict=True))
    width = 0.7 / max(1, len(groups))
    hollow = False
    handles: list[Any] = []
    with use_style():
        fig, ax = new_figure("double", height=max(2.0, 0.3 * n + 0.9))
        for gi, (group, color) in enumerate(zip(groups, colors, strict=True)):
            d = data[data["group"].astype(str) == group]
            off = ((len(groups) - 1) / 2 - gi) * width  # first group on top
            label = display_label(group)
            if "n_docs" in d.columns and len(d):
                label = f"{label} (n={int(d['n_docs'].iloc[0])})"
            yy = np.array([ypos[t] for t in d["topic"]], dtype=np.float64) + off
            has = _has_interval(d)
            w = d[has]
            drawn = []  # the legend's handle of the group: its bars, else its hollow markers
            if has.any():
                drawn.append(
                    ax.errorbar(
                        w["mean"],
                        yy[has],
                        xerr=[w["mean"] - w["lo"], w["hi"] - w["mean"]],
                        fmt="o",
                        ms=3,
                        lw=1,
                        color=color,
                        label=label,
                        capsize=0,
                    )
                )
            if (~has).any():  # too few articles: the estimate alone, hollow, no bar
                hollow = True
                drawn += ax.plot(
                    d["mean"].to_numpy()[~has], yy[~has], "o", ms=3, mfc="white", mec=color,
                    mew=0.8, label=label,
                )  # fmt: skip
            handles += drawn[:1]
        ax.set_yticks(y)
        ax.set_yticklabels([label_for(topic_labels, t, topic_label(t)) for t in topics])
        ax.set_xlabel(
            "Mean topic share (bootstrap interval" + (f"; {NO_INTERVAL_NOTE})" if hollow else ")")
        )
        ax.set_xlim(left=0)
        if title:
            ax.set_title(title)
        ax.legend(
            handles=handles,  # in group order, with or without an interval
            title="Frame" if frames else "Group",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
        )
    fig.textkit_data = data
    return fig


def plot_prevalence_trend(
    prevalence_table: pd.DataFrame,
    topics: list | None = None,
    topic_labels: dict | None = None,
    *,
    ncols: int | None = None,
    xlabel: str = "Group",
    title: str | None = None,
    width: str | float = "double",
) -> Figure:
    """Topic prevalence over a numeric group (years): one panel per topic.

    Each panel draws a topic's mean share (line and points) against the group value, with
    the bootstrap interval of :func:`textkit.topics.topic_prevalence` as a band; a group
    without an interval (``lo`` or ``hi`` NaN: fewer than
    :data:`~textkit.core.stats.MIN_INTERVAL_DOCS` articles) has no band and a hollow point,
    and the axis label says so; a group with an interval between two without one, where a
    band cannot be drawn, has a vertical bar instead. The panels
    share both axes, so a topic's level and trend compare at a glance across topics. A
    last panel gives the number of resampled units per group (``n_docs``: articles for a
    cluster bootstrap), so that a wide band can be read against a thin year. Topics keep
    the colour of their position in the table (as in :func:`plot_top_terms`). For
    categories (genre, era, frame) use :func:`plot_prevalence`.

    Parameters
    ----------
    prevalence_table : DataFrame
        ``group, topic, mean, lo, hi`` and optionally ``n_docs`` (output of
        ``topic_prevalence`` grouped by a numeric variable such as ``year``); every group
        must read as a number.
    topics : list, optional
        Topics drawn, in this order (default: every topic of the table, in table order).
    topic_labels : dict, optional
        Topic -> label (from :func:`topic_labels`); default :func:`topic_label` of the id.
    ncols : int, optional
        Panels per row (default: up to 4).
    xlabel : str, default "Group"
        Name of the group variable (e.g. ``"Year"``).
    title : str, optional
        Figure title.
    width : {"single", "double"} or float, default "double"

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data`` is the table drawn (rounded), with the numeric ``x``.

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        When a column is missing, a group is not a number, or a topic is not in the table.
    """
    for c in ("group", "topic", "mean", "lo", "hi"):
        if c not in prevalence_table.columns:
            raise InvalidParameterError(
                f"prevalence_table: missing column {c!r} (expected topic_prevalence output)"
            )
    data = round_frame(prevalence_table)
    groups = data["group"]
    x = (
        pd.Series(np.nan, index=data.index)
        if pd.api.types.is_bool_dtype(groups)
        else pd.to_numeric(groups, errors="coerce")
    )
    if len(data) == 0 or x.isna().any():
        bad = list(dict.fromkeys(groups[x.isna()].astype(str)))
        shown = ", ".join(repr(g) for g in bad[:5]) + (", …" if len(bad) > 5 else "")
        raise InvalidParameterError(
            f"prevalence_table: plot_prevalence_trend needs numeric groups (years); "
            f"{'the table is empty' if len(data) == 0 else 'not a number: ' + shown}. "
            "Use plot_prevalence for categories"
        )
    all_topics = list(dict.fromkeys(data["topic"]))
    colour_of = dict(zip(all_topics, palette(len(all_topics)), strict=True))
    if topics is None:
        shown_topics = all_topics
    else:
        shown_topics = list(dict.fromkeys(topics))
        missing = [t for t in shown_topics if t not in colour_of]
        if missing or not shown_topics:
            raise InvalidParameterError(
                f"topics: {missing or 'none given'} not in the table; its topics are {all_topics}"
            )
    data = data.assign(x=x.to_numpy(dtype=np.float64))
    data = data[data["topic"].isin(shown_topics)]
    data = data.sort_values("x", kind="mergesort").reset_index(drop=True)
    counts = (
        data.drop_duplicates("group").set_index("x")["n_docs"] if "n_docs" in data.columns else None
    )
    n_panels = len(shown_topics) + (counts is not None)
    ncols = max(1, min(4 if ncols is None else int(ncols), n_panels))
    nrows = int(np.ceil(n_panels / ncols))
    xs = np.unique(data["x"].to_numpy())
    whole = bool(np.all(np.mod(xs, 1) == 0))
    step = float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0
    hollow = False
    with use_style():
        fig, axes = new_figure(width, height=1.35 * nrows + 0.5, nrows=nrows, ncols=ncols)
        axes = np.atleast_1d(axes).ravel()
        first = axes[0]
        for i, (ax, topic) in enumerate(zip(axes, shown_topics, strict=False)):
            if ax is not first:
                ax.sharex(first)
                ax.sharey(first)
            d = data[data["topic"] == topic]
            colour = colour_of[topic]
            draw_band(ax, d["x"], d["mean"], d["lo"], d["hi"], colour, 0.25)
            has = _has_interval(d)
            ax.plot(d["x"], d["mean"], color=colour, lw=1.1, marker="o", ms=2.5, markevery=has)
            if (~has).any():  # too few articles: no band, a hollow point
                hollow = True
                ax.plot(
                    d["x"].to_numpy()[~has], d["mean"].to_numpy()[~has], "o", ms=2.5, mfc="white", mec=colour,
                    mew=0.8, zorder=3,
                )  # fmt: skip
            ax.set_title(label_for(topic_labels, topic, topic_label(topic)), fontsize=7)
            if i % ncols == 0:
                ax.set_ylabel("Mean topic share")
        first.set_ylim(bottom=0)
        if counts is not None:
            ax = axes[len(shown_topics)]
            ax.sharex(first)
            ax.bar(counts.index, counts.to_numpy(), width=0.6 * step, color="#8c8c8c")
            if len(counts) <= 15:
                for xv, n in counts.items():
                    ax.annotate(
                        f"{int(n)}", (xv, n), xytext=(0, 1), textcoords="offset points",
                        ha="center", va="bottom", fontsize=5.5,
                    )  # fmt: skip
            ax.set_title("Documents per group", fontsize=7)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
            ax.set_ylim(0, float(counts.max()) * 1.25)
        for ax in axes[:n_panels]:
            ax.tick_params(labelsize=6)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=whole))
            if whole:
                ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        for ax in axes[n_panels:]:
            ax.set_visible(False)
        note = f"; {NO_INTERVAL_NOTE}" if hollow else ""
        fig.supxlabel(f"{xlabel}  (line: mean share; band: bootstrap interval{note})", fontsize=7)
        if title:
            fig.suptitle(title, fontsize=9)
    fig.textkit_data = data
    return fig


def plot_top_terms(table: pd.DataFrame, ncols: int = 4, topic_labels: dict | None = None) -> Figure:
    """Bar charts of the top terms of each topic (output of :func:`textkit.topics.top_terms`).

    Terms are listed in the table's order (by probability, FREX or relevance); bar length is
    the term's probability in the topic (the ``prob`` column) when present, else ``weight``.
    Each panel is titled with the topic's label.

    Parameters
    ----------
    table : DataFrame
        ``topic, rank, term, weight``.
    ncols : int, default 4
    topic_labels : dict, optional
        Topic -> label (from :func:`topic_labels`); default: the topic's first three terms
        in ``table``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    for c in ("topic", "rank", "term", "weight"):
        if c not in table.columns:
            raise InvalidParameterError(f"table: missing column {c!r} (expected top_terms output)")
    data = round_frame(table)
    topics = list(dict.fromkeys(data["topic"]))
    own = _labels.topic_labels(data)
    ncols = max(1, min(int(ncols), len(topics)))
    nrows = int(np.ceil(len(topics) / ncols))
    n_terms = int(data["rank"].max())
    # FREX and relevance scores are ranks / log ratios; bar length shows the probability
    value = "prob" if "prob" in data.columns else "weight"
    colors = palette(len(topics))
    with use_style():
        fig, axes = new_figure(
            "double", height=max(1.6, nrows * (0.16 * n_terms + 0.5)), nrows=nrows, ncols=ncols
        )
        axes = np.atleast_1d(axes).ravel()
        for ax, topic, color in zip(axes, topics, colors, strict=False):
            d = data[data["topic"] == topic].sort_values(["rank", "term"], kind="stable")
            yy = np.arange(len(d))[::-1]
            ax.barh(yy, d[value], color=color)
            ax.set_yticks(yy)
            ax.set_yticklabels(d["term"])
            ax.set_title(label_for(topic_labels, topic, own[topic]))
            ax.tick_params(axis="x", labelsize=6)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
        for ax in axes[len(topics) :]:
            ax.set_visible(False)
        if value == "prob":
            fig.supxlabel("P(term | topic); terms in the order of the table's ranking", fontsize=7)
    fig.textkit_data = data
    return fig


def plot_seeded_comparison(
    table: pd.DataFrame,
    n_terms: int = 3,
    topic_labels: dict | None = None,
    matched_labels: dict | None = None,
) -> Figure:
    """Seeded frame topics next to their best match in an unseeded model.

    Left: for each seeded topic, the probability mass its seed words carry in the seeded
    topic (solid) and in the matched unseeded topic (light); a large gap means the frame is
    imposed by the prior rather than found in the data. Right: mean share (prevalence) of
    every topic of the seeded model (solid) and of its unseeded match (light), with the
    cosine similarity of the pair. A topic without a match (``compare_models`` leaves one
    when the unseeded model has fewer topics; NaN similarity) reads "no match", never
    "cos 0.00", and has no light bar. Seeded topics named after a frame take the frame's
    colour (:func:`textkit.plots.frame_color`), the other topics are grey.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`textkit.topics.compare_models`.
    n_terms : int, default 3
        Top terms in the default labels.
    topic_labels : dict, optional
        Labels of the seeded model's topics (e.g. ``topic_labels(summary, prefix="S")``);
        default: :func:`topic_label` of ``top_terms`` with prefix ``S``, so that its
        free topics are not confused with the unseeded model's.
    matched_labels : dict, optional
        Labels of the unseeded model's topics, the same as in that model's other figures;
        default: :func:`topic_label` of ``matched_top_terms``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    need = ("topic", "seeded", "top_terms", "prevalence", "matched_topic", "similarity")
    need += ("matched_top_terms", "matched_prevalence", "seed_mass", "matched_seed_mass")
    for c in need:
        if c not in table.columns:
            raise InvalidParameterError(
                f"table: missing column {c!r} (expected compare_models output)"
            )
    data = round_frame(table)
    seeded = data[data["seeded"].astype(bool)]
    if seeded.empty:
        raise InvalidParameterError(
            "table: no seeded topic (expected a SeededLdaTopicModel comparison)"
        )

    def own(t: str, terms: str) -> str:
        return label_for(topic_labels, t, topic_label(t, terms, n=n_terms, prefix="S"))

    def match(t: str, terms: str) -> str:
        if not isinstance(t, str) or not t:
            return "no match (the unseeded model has fewer topics)"
        return label_for(matched_labels, t, topic_label(t, terms, n=n_terms))

    def pair_labels(rows: pd.DataFrame) -> list[str]:
        cols = ["topic", "top_terms", "matched_topic", "matched_top_terms"]
        return [
            f"{own(t, tt)}\nvs {match(m, mt)}"
            for t, tt, m, mt in rows[cols].itertuples(index=False)
        ]

    def colour(t: str) -> str:
        return frame_palette([t])[0] if is_frame(t) else _NEUTRAL

    light = 0.35
    with use_style():
        fig, (ax1, ax2) = new_figure(
            "double",
            height=max(2.4, 0.42 * len(data) + 1.1),
            ncols=2,
            gridspec_kw={"width_ratios": [1, 1.25]},
        )
        y1 = np.arange(len(seeded))[::-1].astype(float)
        h = 0.38
        cols = [colour(t) for t in seeded["topic"]]
        ax1.barh(y1 + h / 2, seeded["seed_mass"], height=h, color=cols)
        ax1.barh(y1 - h / 2, seeded["matched_seed_mass"], height=h, color=cols, alpha=light)
        ax1.set_yticks(y1)
        ax1.set_yticklabels(
            pair_labels(seeded),
            fontsize=6,
        )
        ax1.set_xlabel("Probability mass of the seed words")
        ax1.set_title("Seed words in the frame topic")
        ax1.set_xlim(0, 1)

        y2 = np.arange(len(data))[::-1].astype(float)
        cols = [colour(t) for t in data["topic"]]
        ax2.barh(y2 + h / 2, data["prevalence"], height=h, color=cols)
        ax2.barh(y2 - h / 2, data["matched_prevalence"], height=h, color=cols, alpha=light)
        for yy, p, q, sim in zip(
            y2, data["prevalence"], data["matched_prevalence"], data["similarity"], strict=True
        ):
            ax2.text(
                np.nanmax([float(p), float(q)]) + 0.005,
                yy,
                f"cos {float(sim):.2f}" if np.isfinite(float(sim)) else "no match",
                va="center",
                fontsize=6,
            )
        ax2.set_yticks(y2)
        ax2.set_yticklabels(
            pair_labels(data),
            fontsize=6,
        )
        ax2.set_xlabel("Mean topic share")
        ax2.set_title("Prevalence, seeded topic vs its unseeded match")
        ax2.set_xlim(0, float(np.nanmax(data[["prevalence", "matched_prevalence"]])) * 1.3)
        handles = [
            Patch(facecolor=_NEUTRAL, label="seeded model"),
            Patch(facecolor=_NEUTRAL, alpha=light, label="unseeded match"),
        ]
        handles += [
            Patch(facecolor=frame_palette([t])[0], label=f"{display_label(t)} (seeded frame)")
            for t in data["topic"]
            if is_frame(t)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    fig.textkit_data = data
    return fig


#: Axis note of the hollow markers of the prevalence figures (rows without an interval).
NO_INTERVAL_NOTE = "hollow: too few articles for an interval"


def _has_interval(rows: pd.DataFrame) -> np.ndarray:
    """True where a prevalence row has both ends of its interval."""
    return (rows["lo"].notna() & rows["hi"].notna()).to_numpy()


#: Colour of topics that are not a frame in the seeded comparison.
_NEUTRAL = "#595959"
