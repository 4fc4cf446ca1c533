"""Frame figures: document balance with CIs, intensities by group, group estimates and trends,
keyness, term scatter, LSS.

Inputs are the tables of :mod:`textkit.frames` (:func:`~textkit.frames.score.score_frames`,
:func:`~textkit.frames.groups.frame_groups`, :func:`~textkit.frames.keyness.keyness`). Every function returns a :class:`matplotlib.figure.Figure`
with the tidy table behind it attached as ``fig.textkit_data`` and never saves it; use
:func:`textkit.plots.save_figure`. Colours come from :func:`textkit.plots.frame_color`, labels
from :mod:`textkit.plots.labels` (frame names, "Page N", shortened article titles), and
numeric tables are rounded to the stated precision (:func:`textkit.core.precision.round_frame`)
before anything is drawn or sorted.
"""

from __future__ import annotations

import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError
from textkit.core.groups import group_key
from textkit.core.precision import round_frame, round_sig
from textkit.frames.groups import DOMINANT_SHARE, MIN_MEAN_TOKENS, frame_means
from textkit.plots import (
    FRAME_COLORS,
    FRAME_LABELS,
    empty_figure,
    figure_width,
    frame_color,
    frame_palette,
    new_figure,
    use_style,
)
from textkit.plots._bands import draw_band
from textkit.plots._placement import freeze_layout, label_points, stack_label
from textkit.plots._ticks import category_xticks
from textkit.plots.labels import article_labels, display_label

__all__ = [
    "plot_frame_balance",
    "plot_frame_groups",
    "plot_frame_intensity",
    "plot_frame_trend",
    "plot_keyness",
    "plot_lss_polarity",
    "plot_lss_vs_dictionary",
    "plot_seed_sensitivity",
    "plot_term_scatter",
]


def _need(table: pd.DataFrame, cols: list[str], name: str) -> None:
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise InvalidParameterError(f"{name}: missing column(s) {missing}")


def _signed_bars(
    width: str | float, terms: pd.Series, values: pd.Series, colors: list[str], xlabel: str
) -> tuple[Figure, Axes]:
    """A figure of horizontal bars of signed values around zero, one row a term, the
    bottom row first (call inside ``use_style()``)."""
    fig, ax = new_figure(width, height=max(1.8, 0.13 * len(terms) + 0.9))
    y = np.arange(len(terms))
    ax.barh(y, values, color=colors)
    ax.set_yticks(y)
    ax.set_yticklabels(terms, fontsize=6)
    ax.axvline(0, color="#444444", lw=0.6)
    ax.set_xlabel(xlabel)
    return fig, ax


def plot_frame_balance(
    scores: pd.DataFrame,
    label: str | None = None,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Ranked dot plot of each text's frame balance with its bootstrap CI.

    Texts without any frame term (NaN balance) are left out (their count is noted in the
    x-axis label).

    Parameters
    ----------
    scores : DataFrame
        From :func:`textkit.frames.score.score_frames` (``balance``, ``balance_lo``,
        ``balance_hi``, ``frame_label`` and the ``label`` column). Not modified.
    label : str, optional
        Column of ready-made y tick labels. Default: the article's shortened title and
        where it comes from (:func:`textkit.plots.labels.article_labels` of ``title`` and
        ``doc_id``: titles sharing a long beginning keep the words that tell them apart);
        ids in a ``label`` column are shown by their human label too.
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
    """
    cols = ["balance", "balance_lo", "balance_hi", "frame_label"]
    _need(scores, cols + ([label] if label else []), "scores")
    data = round_frame(scores[cols])
    if label is None:
        data.insert(0, "label", article_labels(scores).to_numpy())
    else:
        data.insert(0, "label", [display_label(v) for v in scores[label]])
    if "doc_id" in scores.columns:
        data.insert(0, "doc_id", scores["doc_id"].to_numpy())
    n_missing = int(data["balance"].isna().sum())
    data = data.dropna(subset=["balance"])
    data = data.sort_values(["balance", "label"], kind="stable").reset_index(drop=True)
    height = max(1.8, 0.14 * len(data) + 0.9)
    with use_style():
        fig, ax = new_figure(width, height=height)
        y = np.arange(len(data))
        lo = (data["balance"] - data["balance_lo"]).fillna(0).clip(lower=0)
        hi = (data["balance_hi"] - data["balance"]).fillna(0).clip(lower=0)
        colors = frame_palette(data["frame_label"])
        ax.errorbar(data["balance"], y, xerr=[lo, hi], fmt="none", ecolor="#777777", elinewidth=0.8)
        ax.scatter(data["balance"], y, c=colors, s=14, zorder=3)
        ax.axvline(0, color="#444444", lw=0.6, ls="--")
        ax.set_yticks(y)
        ax.set_yticklabels(data["label"].astype(str), fontsize=6)
        ax.set_ylim(-0.8, max(len(data), 1) - 0.2)  # no empty band of margin above and below
        ax.set_xlim(-1.05, 1.05)
        xl = "balance (service/law − stability) / total"
        ax.set_xlabel(xl + (f"; {n_missing} without frame terms omitted" if n_missing else ""))
        present = [f for f in FRAME_COLORS if f in set(data["frame_label"])]
        ax.legend(
            handles=[
                Line2D([], [], marker="o", ls="", color=frame_color(f), label=FRAME_LABELS[f])
                for f in present
            ],
            fontsize=6,
            loc="lower right",
        )
        if title:
            ax.set_title(title)
    fig.textkit_data = data
    return fig


def plot_frame_intensity(
    scores: pd.DataFrame,
    by: str,
    title: str | None = None,
    width: str | float = "single",
    *,
    min_tokens: int = MIN_MEAN_TOKENS,
) -> Figure:
    """Mean frame intensity (hits per 1,000 tokens) of each frame by group.

    Bars are the group means of the texts' own intensities with ±1 standard error
    (:func:`textkit.frames.groups.frame_means`); dots are the individual texts. Texts with
    fewer than ``min_tokens`` tokens are left out (a two-character post has an intensity of
    1,000), and the axis label says how many. Group names are written as they are when they
    fit, else wrapped or turned so that none overlaps
    (:func:`textkit.plots._ticks.category_xticks`).

    Parameters
    ----------
    scores : DataFrame
        From :func:`textkit.frames.score.score_frames` with the grouping column ``by`` (genre,
        source, era … merged in). Not modified.
    by : str
        Grouping column.
    title : str, optional
    width : {"single", "double"} or float
    min_tokens : int, default 20
        Shorter texts are left out of bars and dots.

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.textkit_data`` the tidy table (``by``, frame, mean, sem, n).
    """
    _need(scores, [by, "n_tokens", "stability", "service_law", "balance"], "scores")
    means = frame_means(round_frame(scores), by, min_tokens=min_tokens)
    summary = pd.DataFrame(
        [
            {by: g, "frame": f, "mean": r[f], "sem": r[f"{f}_sem"], "n": r["docs"]}
            for r in means.to_dict("records")
            for g, f in [(r["group"], "stability"), (r["group"], "service_law")]
        ],
        columns=[by, "frame", "mean", "sem", "n"],
    ).sort_values([by, "frame"], kind="mergesort", ignore_index=True)
    keys = scores[by].map(group_key)
    kept = keys.notna() & (scores["n_tokens"] >= max(min_tokens, 1))
    dots = round_frame(scores.loc[kept, ["stability", "service_law"]]).assign(group=keys[kept])
    groups = means["group"].tolist()
    left_out = int(means["short_left_out"].sum())
    with use_style():
        fig, ax = new_figure(width)
        x = np.arange(len(groups))
        bw = 0.38
        for k, frame in enumerate(("stability", "service_law")):
            sub = summary[summary["frame"] == frame].set_index(by).reindex(groups)
            off = (k - 0.5) * bw
            ax.bar(
                x + off,
                sub["mean"],
                bw,
                yerr=sub["sem"].fillna(0),
                color=frame_color(frame),
                alpha=0.75,
                label=FRAME_LABELS[frame],
                error_kw={"elinewidth": 0.8},
            )
            xs = dots["group"].map({g: i for i, g in enumerate(groups)}) + off
            ax.scatter(xs, dots[frame], s=5, color="black", alpha=0.5, zorder=3)
        ax.set_ylabel("frame terms per 1,000 tokens")
        ax.set_xlabel(
            by if not left_out else f"{by} ({left_out} text(s) under {min_tokens} tokens left out)"
        )
        ax.legend(fontsize=6)
        if title:
            ax.set_title(title)
        category_xticks(ax, [display_label(g) for g in groups], x)
    fig.textkit_data = summary
    return fig


_GROUP_COLS = ["variable", "group", "measure", "estimate", "lo", "hi", "n_docs"]
_INTENSITY = ("stability", "service_law")


def _group_rows(table: pd.DataFrame, variable: str | None) -> tuple[pd.DataFrame, str]:
    """The rows of one variable of a :func:`~textkit.frames.groups.frame_groups` table
    (intensities and balance), rounded to the stated precision, groups in table order."""
    _need(table, _GROUP_COLS, "table")
    names = list(dict.fromkeys(table["variable"].astype(str)))
    if variable is None:
        if len(names) != 1:
            raise InvalidParameterError(f"variable: the table holds {names}; name one")
        variable = names[0]
    elif variable not in names:
        raise InvalidParameterError(f"variable: {variable!r} not in the table; it holds {names}")
    keep = (table["variable"].astype(str) == variable) & table["measure"].isin(
        [*_INTENSITY, "balance"]
    )
    data = round_frame(table.loc[keep, _GROUP_COLS]).reset_index(drop=True)
    if data.empty:
        raise InvalidParameterError("table: no stability, service_law or balance rows")
    return data, variable


def _balance_colours(values: pd.Series) -> list[str]:
    """Service colour for a positive balance, stability colour otherwise."""
    return [frame_color("service_law" if v > 0 else "stability") for v in values]


def _estimates(ax: Axes, x, y, data: pd.DataFrame, colours, **kw) -> bool:
    """Estimate markers: filled where the row has an interval, hollow where it has none
    (fewer than ``min_docs`` documents). True when any marker is hollow."""
    has = (data["lo"].notna() & data["hi"].notna()).to_numpy()
    colours = np.broadcast_to(np.asarray(colours, dtype=object), (len(data),))
    x, y = np.asarray(x), np.asarray(y)
    sizes = np.broadcast_to(np.asarray(kw.pop("s", 14), dtype=float), (len(data),))
    ax.scatter(x[has], y[has], s=sizes[has], c=list(colours[has]), zorder=3, **kw)
    if (~has).any():
        ax.scatter(
            x[~has], y[~has], s=sizes[~has], facecolors="white",
            edgecolors=list(colours[~has]), linewidths=0.9, zorder=3,
        )  # fmt: skip
    return bool((~has).any())


#: Legend/axis note for the hollow markers of :func:`_estimates`.
NO_INTERVAL_NOTE = "hollow: too few documents for an interval"


#: Mark and axis note of the groups where one document holds most of an estimate's weight.
DOMINANT_MARK = "†"
DOMINANT_NOTE = (
    f"{DOMINANT_MARK}: one document holds over {DOMINANT_SHARE:.0%} of the\n"
    "group's tokens or frame hits"
)


#: The balance panel's note on the documents' mean balance drawn for a † group.
MEAN_BALANCE_NOTE = "(◇, † groups: mean of the\ndocuments' own balances)"


def _document_means(table: pd.DataFrame, variable: str, groups: set) -> pd.DataFrame:
    """The ``mean_balance`` rows of ``groups`` (rounded as the table is written; none for a
    table without that measure): where one document dominates a group's pooled balance,
    the mean of its documents' balances shows what the other documents say."""
    rows = table[
        (table["variable"].astype(str) == variable)
        & (table["measure"] == "mean_balance")
        & table["group"].isin(groups)
    ]
    rows = round_frame(rows.loc[:, _GROUP_COLS]).dropna(subset=["estimate"])
    return rows.reset_index(drop=True)


def _dominated_groups(table: pd.DataFrame, variable: str) -> set:
    """The groups of ``variable`` in a :func:`~textkit.frames.groups.frame_groups` table
    where one of two or more documents holds more than ``DOMINANT_SHARE`` of the weight of a
    drawn estimate (intensities or balance); none for a table without ``top_doc_share``."""
    if "top_doc_share" not in table.columns:
        return set()
    rows = table[
        (table["variable"].astype(str) == variable)
        & table["measure"].isin([*_INTENSITY, "balance"])
        & (table["n_docs"] > 1)
        & (table["top_doc_share"] > DOMINANT_SHARE)
    ]
    return set(rows["group"])


def _whiskers(ax: Axes, y: np.ndarray, lo: pd.Series, hi: pd.Series, **kw) -> None:
    """Horizontal interval bars (none where the interval is NaN)."""
    ok = lo.notna() & hi.notna()
    ax.hlines(y[ok.to_numpy()], lo[ok], hi[ok], lw=1.0, **kw)


def plot_frame_groups(
    table: pd.DataFrame,
    variable: str | None = None,
    title: str | None = None,
    width: str | float = "double",
) -> Figure:
    """Dot-and-whisker plot of frame intensities and balance per group, with intervals.

    Left panel: each frame's pooled intensity per group (per 1,000 tokens) with its
    interval; right panel: the pooled balance with its interval around 0. Groups are
    labelled with their number of documents; a group without an interval (fewer than
    ``min_docs`` documents) shows its estimate only, as a hollow marker, and the axis label
    says so, as it says how many documents without a value of the variable were left out.
    A group where one document holds more than half of the tokens or frame hits (the
    table's ``top_doc_share``, see :func:`~textkit.frames.groups.frame_groups`) is marked
    † and the axis label says what the mark means: its estimates are mostly that
    document's; the balance panel then also shows, as a hollow diamond, the mean of the
    group's documents' own balances (``mean_balance``), which weighs each document alike.

    Parameters
    ----------
    table : DataFrame
        From :func:`textkit.frames.groups.frame_groups`. Not modified.
    variable : str, optional
        The variable to draw when the table holds several.
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: the plotted rows (variable, group, measure, estimate, lo, hi,
        n_docs).
    """
    data, variable = _group_rows(table, variable)
    groups = list(dict.fromkeys(data["group"]))
    n_docs = data.drop_duplicates("group").set_index("group")["n_docs"]
    pos = {g: i for i, g in enumerate(groups)}
    with use_style():
        fig, (left, right) = new_figure(
            width, height=max(1.8, 0.3 * len(groups) + 1.0), ncols=2, sharey=True
        )
        hollow = False
        for k, frame in enumerate(_INTENSITY):
            sub = data[data["measure"] == frame]
            y = sub["group"].map(pos).to_numpy(float) + (k - 0.5) * 0.3
            colour = frame_color(frame)
            _whiskers(left, y, sub["lo"], sub["hi"], color=colour)
            hollow |= _estimates(left, sub["estimate"], y, sub, colour)
        left.set_xlabel("frame terms\nper 1,000 tokens")
        left.set_xlim(left=0)
        fig.legend(
            handles=[_dot(frame_color(f), FRAME_LABELS[f]) for f in _INTENSITY],
            loc="outside upper center",
            ncols=2,
            fontsize=6,
        )
        sub = data[data["measure"] == "balance"]
        y = sub["group"].map(pos).to_numpy(float)
        _whiskers(right, y, sub["lo"], sub["hi"], color="#777777")
        hollow |= _estimates(right, sub["estimate"], y, sub, _balance_colours(sub["estimate"]))
        right.axvline(0, color="#444444", lw=0.6, ls="--")
        right.set_xlim(-1.05, 1.05)
        right.set_xlabel("balance\n(service − stability)")
        dominated = _dominated_groups(table, variable)
        means = _document_means(table, variable, dominated)
        if len(means):
            data = pd.concat([data, means], ignore_index=True)
            right.scatter(
                means["estimate"].to_numpy(float), means["group"].map(pos), marker="D", s=14,
                facecolors="none", edgecolors="#333333", linewidths=0.8, zorder=4,
            )  # fmt: skip
            right.set_xlabel("balance\n(service − stability)\n" + MEAN_BALANCE_NOTE)
        note = f"\n({NO_INTERVAL_NOTE})" if hollow else ""
        note += f"\n({DOMINANT_NOTE})" if dominated else ""
        left.set_xlabel("frame terms\nper 1,000 tokens" + note + _left_out_note(table, variable))
        left.set_yticks(range(len(groups)))
        left.set_yticklabels(
            [
                f"{display_label(g)} (n = {n_docs[g]})"
                + (f" {DOMINANT_MARK}" if g in dominated else "")
                for g in groups
            ]
        )
        left.set_ylim(len(groups) - 0.5, -0.5)  # first group on top
        left.set_ylabel(variable)
        if title:
            fig.suptitle(title)
    fig.textkit_data = data
    return fig


def _left_out_note(table: pd.DataFrame, variable: str) -> str:
    """A second axis-label line giving the documents without a value of ``variable`` that
    :func:`~textkit.frames.groups.frame_groups` left out (``""`` when none, or for a table
    without ``missing_left_out``)."""
    if "missing_left_out" not in table.columns:
        return ""
    rows = table.loc[table["variable"].astype(str) == variable, "missing_left_out"]
    n = int(rows.fillna(0).max()) if len(rows) else 0
    if not n:
        return ""
    return f"\n{n} document{'s' if n > 1 else ''} without a value of {variable} left out"


def plot_frame_trend(
    table: pd.DataFrame,
    variable: str | None = None,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Frame intensities and balance over a numeric or date variable (a trend), with
    interval bands.

    Top panel: each frame's pooled intensity (line) with its interval (shaded band);
    bottom panel: the pooled balance around 0 with its band. Marker area grows with the
    number of documents of each point, and the number is written along the top of the
    balance panel. Points without an interval (fewer than ``min_docs`` documents) have no
    band and a hollow marker, and the axis label says so; a point with an interval between
    two without one, where a band cannot be drawn, has a vertical bar instead; it also gives the number of
    documents left out for want of a value of the variable (the table's
    ``missing_left_out``), which no point counts.

    Parameters
    ----------
    table : DataFrame
        From :func:`textkit.frames.groups.frame_groups` grouped by a numeric variable (a
        year) or a date column with ``freq``. Not modified.
    variable : str, optional
        The variable to draw when the table holds several.
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: the plotted rows (variable, group, measure, estimate, lo, hi,
        n_docs).
    """
    from matplotlib.ticker import MaxNLocator

    data, variable = _group_rows(table, variable)
    x_all = data["group"].infer_objects()
    if pd.api.types.is_bool_dtype(x_all) or not (
        pd.api.types.is_numeric_dtype(x_all) or pd.api.types.is_datetime64_any_dtype(x_all)
    ):
        raise InvalidParameterError(
            f"table: the groups of {variable!r} are not numbers or dates; "
            "use plot_frame_groups for categories"
        )
    data["group"] = x_all
    data = data.sort_values(["group", "measure"], kind="stable").reset_index(drop=True)
    most = max(int(data["n_docs"].max()), 1)
    with use_style():
        fig, (top, bottom) = new_figure(
            width, height=figure_width(width) * 0.95, nrows=2, sharex=True
        )
        panels = [(top, f, frame_color(f), FRAME_LABELS[f]) for f in _INTENSITY]
        panels.append((bottom, "balance", "#444444", None))
        hollow = False
        for ax, measure, colour, label in panels:
            sub = data[data["measure"] == measure]
            draw_band(ax, sub["group"], sub["estimate"], sub["lo"], sub["hi"], colour, 0.18)
            ax.plot(sub["group"], sub["estimate"], color=colour, lw=1.0, label=label)
            dots = colour if measure != "balance" else _balance_colours(sub["estimate"])
            sizes = 6 + 30 * sub["n_docs"].to_numpy(float) / most
            hollow |= _estimates(ax, sub["group"], sub["estimate"], sub, dots, s=sizes)
        top.set_ylabel("frame terms per 1,000 tokens")
        top.set_ylim(bottom=0)
        # above the panel: inside, "best" can still hide a point
        top.legend(fontsize=6, loc="lower left", bbox_to_anchor=(0, 1), ncols=2, frameon=False)
        bottom.axhline(0, color="#444444", lw=0.6, ls="--")
        bottom.set_ylim(-1.05, 1.18)
        bottom.set_ylabel("balance")
        sub = data[data["measure"] == "balance"]
        for xv, n in zip(sub["group"], sub["n_docs"], strict=True):
            bottom.annotate(
                str(int(n)), (xv, 0.99), xycoords=bottom.get_xaxis_transform(),
                ha="center", va="top", fontsize=5, color="#555555",
            )  # fmt: skip
        # one short line each, so that the label is not wider than the panels
        label = f"{variable}\n(numbers: documents; marker area grows with them)"
        label += f"\n({NO_INTERVAL_NOTE})" if hollow else ""
        bottom.set_xlabel(label + _left_out_note(table, variable))
        if pd.api.types.is_integer_dtype(data["group"]):
            bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        if title:
            fig.suptitle(title)
    fig.textkit_data = data
    return fig


def plot_keyness(
    table: pd.DataFrame,
    n: int = 15,
    labels: tuple[str, str] = ("target", "reference"),
    colors: tuple[str, str] | None = None,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Bar chart of the ``n`` most key terms of each group (signed G²).

    Parameters
    ----------
    table : DataFrame
        From :func:`textkit.frames.keyness.keyness` (``term``, ``g2``). Not modified.
    n : int, default 15
        Terms per side.
    labels : (str, str)
        Legend names of the target and reference groups.
    colors : (str, str), optional
        Bar colours of the target and reference sides (default: the stability and
        service/law frame colours, for a stability-vs-service comparison).
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_int("n", n, 1)
    _need(table, ["term", "g2"], "table")
    if colors is None:
        colors = tuple(frame_palette(("stability", "service_law")))
    table = round_frame(table[["term", "g2"]])
    pos = table[table["g2"] > 0].sort_values(["g2", "term"], ascending=[False, True]).head(n)
    neg = table[table["g2"] < 0].sort_values(["g2", "term"], ascending=[True, True]).head(n)
    data = pd.concat([neg.iloc[::-1], pos.iloc[::-1]])[["term", "g2"]].reset_index(drop=True)
    data = data.sort_values(["g2", "term"], kind="stable").reset_index(drop=True)
    with use_style():
        fig, ax = _signed_bars(
            width,
            data["term"],
            data["g2"],
            [colors[0] if g > 0 else colors[1] for g in data["g2"]],
            "signed G² (log-likelihood)",
        )
        ax.legend(
            handles=[
                Line2D([], [], color=colors[0], lw=4, label=f"key for {labels[0]}"),
                Line2D([], [], color=colors[1], lw=4, label=f"key for {labels[1]}"),
            ],
            fontsize=6,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            frameon=False,
        )
        if title:
            ax.set_title(title)
    fig.textkit_data = data
    return fig


def plot_term_scatter(
    table: pd.DataFrame,
    n_labels: int = 20,
    labels: tuple[str, str] = ("target", "reference"),
    highlight: dict[str, str] | None = None,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Scattertext-style plot: each term's frequency in group A against group B.

    Log-log axes of per-1,000 frequencies; zeros are drawn at half the smallest non-zero
    value, where the axis has a tick labelled "0". The diagonal marks equal use. The
    ``n_labels`` terms with the largest ``|G²|`` are labelled next to their point by the
    shared label placer (:func:`textkit.plots._placement.label_points`, as in the network
    figures): a label touches its point, or, when every close position is taken, sits a
    little farther with a thin leader line to it. A legend below the axes explains the colours and the
    diagonal.

    Terms with equal frequencies in both groups share a point (common on a small corpus).
    Two labels still touch one point; a point with three or more of the labelled terms gets
    one stacked label instead (:func:`textkit.plots._placement.stack_label`): its terms one
    a line by ``|G²|`` then term, cut after four names with ``+N more`` counting every other
    term at that point, labelled or not.

    Parameters
    ----------
    table : DataFrame
        From :func:`textkit.frames.keyness.keyness` (``term``, ``per_1k_a``, ``per_1k_b``, ``g2``).
        Not modified.
    n_labels : int, default 20
    labels : (str, str)
        Names of group A (y axis) and group B (x axis).
    highlight : dict term -> frame, optional
        Terms coloured by frame (e.g. ``dict(zip(lex.table().term, lex.table().frame))``);
        others are grey. The values must be frame keys.
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: term, per_1k_a, per_1k_b, g2, frame, labelled (the term is
        named in a label) and the position of the label at the term's point (``label_x``,
        ``label_y`` in data units; ``leader`` when a leader line joins it to its point),
        also for the terms a stacked label only counts. An empty table (no term passed the
        keyness thresholds, as on a small corpus) gives a figure that says so, with the
        table's columns.
    """
    check_int("n_labels", n_labels, 1)
    _need(table, ["term", "per_1k_a", "per_1k_b", "g2"], "table")
    data = round_frame(table[["term", "per_1k_a", "per_1k_b", "g2"]])
    if data.empty:
        empty = data.assign(frame="", labelled=False, label_x=np.nan, label_y=np.nan, leader=False)
        return empty_figure(
            f"No term to compare: {labels[0]} vs {labels[1]} (the keyness table is empty)",
            data=empty, width=width, title=title,
        )  # fmt: skip
    positive = pd.concat([data["per_1k_a"], data["per_1k_b"]])
    positive = positive[positive > 0]
    floor = float(positive.min()) / 2 if len(positive) else 1e-3
    data["x"] = data["per_1k_b"].where(data["per_1k_b"] > 0, floor)
    data["y"] = data["per_1k_a"].where(data["per_1k_a"] > 0, floor)
    hl = highlight or {}
    data["frame"] = [hl.get(t) or "" for t in data["term"]]
    frames = [f for f in dict.fromkeys(data["frame"]) if f]
    colour = dict(zip(frames, frame_palette(frames), strict=True))  # unknown frames raise
    top = data.assign(a=data["g2"].abs()).sort_values(
        ["a", "term"], ascending=[False, True], kind="stable"
    )
    texts, ids, members, named = _scatter_labels(top, n_labels)
    data["labelled"] = data.index.isin(named)
    data["label_x"] = np.nan
    data["label_y"] = np.nan
    data["leader"] = False
    size = 5.0  # label font size, points
    with use_style():
        side = figure_width(width)
        fig, ax = new_figure(width, height=side + 0.45)
        col = [colour.get(f, _OTHER) for f in data["frame"]]
        ax.scatter(data["x"], data["y"], s=6, c=col, alpha=0.7, linewidths=0, zorder=2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        lo = floor / 1.5
        hi = max(float(data[["x", "y"]].max().max()), floor) * 1.5
        ax.plot([lo, hi], [lo, hi], color="#444444", lw=0.6, ls="--", zorder=1)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        for axis, column in ((ax.xaxis, "per_1k_b"), (ax.yaxis, "per_1k_a")):
            if (data[column] <= 0).any():
                _tick_zero(axis, floor)
        ax.set_xlabel(f"per 1,000 tokens: {labels[1]}")
        ax.set_ylabel(f"per 1,000 tokens: {labels[0]}")
        if title:
            ax.set_title(title)
        handles = [
            _dot(colour[f], f"{FRAME_LABELS[f]} lexicon term") for f in FRAME_COLORS if f in colour
        ]
        handles.append(_dot(_OTHER, "other word" if colour else "word"))
        handles.append(Line2D([], [], color="#444444", lw=0.6, ls="--", label="equal use"))
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncols=2,
            fontsize=6,
            frameon=False,
        )
        # place the labels on the final layout, in display units
        freeze_layout(fig)
        trans = ax.transData
        px = fig.dpi / 72.0
        radius = np.sqrt(6.0) / 2 * px  # marker radius (s = 6 points²)
        points = trans.transform(data[["x", "y"]].to_numpy(float))
        anchors = data.loc[[m[0] for m in members], ["x", "y"]].to_numpy(float).reshape(-1, 2)
        placed = label_points(
            ax,
            texts,
            anchors,
            trans.transform(anchors).reshape(-1, 2),
            np.full(len(anchors), radius),
            [size] * len(anchors),
            range(len(anchors)),
            points,
            np.full(len(points), radius),
            halo=_HALO,
            ids=ids,
        )
        for rows, (lx, ly, k) in zip(members, placed, strict=True):
            data.loc[rows, ["label_x", "label_y"]] = lx, ly
            data.loc[rows, "leader"] = bool(k > 0)
    fig.textkit_data = round_frame(data.drop(columns=["x", "y"]))
    return fig


#: Nearest another tick label may come to the "0" tick of a log axis, as a share of the
#: axis's length in decades; closer, the tick keeps its grid line but not its label.
_ZERO_ROOM = 0.07


def _tick_zero(axis, floor: float) -> None:
    """Tick the ``floor`` of a log axis, where zero counts are drawn, and label it "0".

    The axis keeps its other ticks (major and minor) above the floor with their labels,
    except a label too close to the "0", which is left blank; ticks below the floor would
    read as values under zero and are dropped. Call it once the limits are set.
    """
    lo, hi = sorted(axis.get_view_interval())
    clear = floor * 10 ** (_ZERO_ROOM * np.log10(hi / lo))
    for minor in (False, True):
        locator = axis.get_minor_locator() if minor else axis.get_major_locator()
        formatter = axis.get_minor_formatter() if minor else axis.get_major_formatter()
        ticks = [float(t) for t in locator.tick_values(lo, hi) if floor < t <= hi]
        shown = formatter.format_ticks(ticks)
        texts = [x if t >= clear else "" for t, x in zip(ticks, shown, strict=True)]
        if not minor:
            ticks, texts = [floor, *ticks], ["0", *texts]
        axis.set_ticks(ticks, texts, minor=minor)


#: A point with this many of the labelled terms gets one stacked label: two labels still
#: touch their point, more fan out on leader lines that cross each other.
_STACK_FROM = 3


def _scatter_labels(
    ranked: pd.DataFrame, n_labels: int
) -> tuple[list[str], list[str], list[list], list]:
    """The labels of a term scatter: one per labelled term, or one per crowded point.

    Parameters
    ----------
    ranked : DataFrame
        Every term (``term``, ``x``, ``y``), most key first (``|G²|`` then term).
    n_labels : int
        The first ``n_labels`` terms are labelled.

    Returns
    -------
    texts, ids : one text and one SVG id per label, in placement order
    members : per label, the rows of every term at its point it names or counts
    named : the rows named in a label
    """
    point = list(zip(ranked["x"], ranked["y"], strict=True))
    chosen = list(range(min(n_labels, len(ranked))))
    crowd: dict[tuple, int] = {}
    for i in chosen:
        crowd[point[i]] = crowd.get(point[i], 0) + 1
    texts: list[str] = []
    ids: list[str] = []
    members: list[list] = []
    named: list = []
    done: set[tuple] = set()
    for i in chosen:
        p = point[i]
        if crowd[p] < _STACK_FROM:
            term = ranked["term"].iat[i]
            texts.append(term)
            ids.append(term)
            members.append([ranked.index[i]])
            named.append(ranked.index[i])
            continue
        if p in done:
            continue
        done.add(p)
        here = [j for j in range(len(ranked)) if point[j] == p]  # in rank order
        names = [ranked["term"].iat[j] for j in chosen if point[j] == p]
        text, n_named = stack_label(names, total=len(here))
        texts.append(text)
        ids.append("、".join(names[:n_named]))
        members.append([ranked.index[j] for j in here])
        named.extend(ranked.index[j] for j in here[:n_named])
    return texts, ids, members, named


def _dot(colour: str, label: str) -> Line2D:
    return Line2D([], [], marker="o", ls="", ms=3, color=colour, label=label)


#: Colour of the words of a term scatter that are not lexicon terms.
_OTHER = "#bbbbbb"
_HALO = [pe.withStroke(linewidth=1.6, foreground="white")]


def plot_lss_polarity(
    polarity: pd.DataFrame,
    n: int = 15,
    seeds: dict[str, int] | None = None,
    min_freq: int = 5,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """The most positive and most negative terms of a Latent Semantic Scaling model.

    Seed words are left out (their polarity is high by construction): the figure shows what
    the word vectors add beyond the seeds.

    Parameters
    ----------
    polarity : DataFrame
        ``LatentSemanticScaling.term_polarity_`` (``term``, ``polarity``, ``freq``). Not
        modified.
    n : int, default 15
        Terms per pole.
    seeds : dict term -> +1/-1, optional
        ``LatentSemanticScaling.seeds_``; these terms are excluded.
    min_freq : int, default 5
        Terms rarer than this in the training data are excluded (noisy vectors).
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: term, polarity, freq, pole of the plotted terms.
    """
    check_int("n", n, 1)
    _need(polarity, ["term", "polarity", "freq"], "polarity")
    data = round_frame(polarity[["term", "polarity", "freq"]])
    data = data[(data["freq"] >= min_freq) & ~data["term"].isin(set(seeds or {}))]
    # sorted on polarity at 6 significant digits, so near-ties keep their order on every machine
    data = data.assign(_r=round_sig(data["polarity"].to_numpy(dtype=float)))
    data = data.sort_values(["_r", "term"], ascending=[False, True], kind="stable")
    top = data.head(n).assign(pole="service_law")
    bottom = data.iloc[len(top) :].tail(n).assign(pole="stability")
    shown = pd.concat([bottom, top]).sort_values(["_r", "term"], kind="stable")
    shown = shown.drop(columns="_r").reset_index(drop=True)
    with use_style():
        fig, ax = _signed_bars(
            width,
            shown["term"],
            shown["polarity"],
            frame_palette(shown["pole"]),
            "LSS polarity (sd units; + service / rule of law)",
        )
        ax.legend(
            handles=[
                Line2D([], [], color=frame_color(f), lw=4, label=FRAME_LABELS[f])
                for f in ("service_law", "stability")
            ],
            fontsize=6,
            loc="lower right",
        )
        if title:
            ax.set_title(title)
    fig.textkit_data = shown
    return fig


def plot_lss_vs_dictionary(
    lss_scores: np.ndarray | list[float],
    frame_scores: pd.DataFrame,
    rho: float | None = None,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Scatter of each document's LSS score against its dictionary balance.

    Parameters
    ----------
    lss_scores : array-like of float
        ``LatentSemanticScaling.transform`` output, in the row order of ``frame_scores``.
    frame_scores : DataFrame
        ``score_frames`` output (``balance``, ``frame_label``). Not modified.
    rho : float, optional
        Correlation shown in the legend title (e.g. from
        :func:`textkit.frames.lss.correlate_with_dictionary`).
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: balance, lss, frame_label (documents with both values).
    """
    _need(frame_scores, ["balance", "frame_label"], "frame_scores")
    lss = np.asarray(lss_scores, dtype=float)
    if lss.shape != (len(frame_scores),):
        raise InvalidParameterError(
            f"lss_scores: expected {len(frame_scores)} values, got shape {lss.shape}"
        )
    lss = round_sig(lss)
    frame_scores = round_frame(frame_scores[["balance", "frame_label"]])
    data = pd.DataFrame(
        {
            "balance": frame_scores["balance"].to_numpy(float),
            "lss": lss,
            "frame_label": frame_scores["frame_label"].astype(str).to_numpy(),
        }
    )
    data = data[np.isfinite(data["balance"]) & np.isfinite(data["lss"])].reset_index(drop=True)
    with use_style():
        fig, ax = new_figure(width)
        for f in FRAME_COLORS:
            sub = data[data["frame_label"] == f]
            if len(sub):
                ax.scatter(sub["balance"], sub["lss"], s=14, color=frame_color(f),
                           label=FRAME_LABELS[f], zorder=3)  # fmt: skip
        ax.axvline(0, color="#444444", lw=0.6, ls="--")
        ax.axhline(0, color="#444444", lw=0.6, ls="--")
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("dictionary balance")
        ax.set_ylabel("LSS document score (sd units)")
        leg_title = f"Spearman ρ = {rho:.2f}" if rho is not None and np.isfinite(rho) else None
        ax.legend(fontsize=6, title=leg_title, title_fontsize=6, loc="upper left")
        if title:
            ax.set_title(title)
    fig.textkit_data = data
    return fig


def plot_seed_sensitivity(
    loo: pd.DataFrame,
    title: str | None = None,
    width: str | float = "single",
) -> Figure:
    """Leave-one-seed-out sensitivity: correlation of scores without each seed with the full.

    Parameters
    ----------
    loo : DataFrame
        ``LatentSemanticScaling.leave_one_seed_out`` output (``seed``, ``pole``,
        ``correlation``). Not modified.
    title : str, optional
    width : {"single", "double"} or float

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.textkit_data``: the plotted rows, least-correlated seed at the bottom.
    """
    _need(loo, ["seed", "pole", "correlation"], "loo")
    data = round_frame(loo[["seed", "pole", "correlation"]]).dropna(subset=["correlation"])
    data = data.sort_values(["correlation", "seed"], ascending=[False, True], kind="stable")
    data = data.reset_index(drop=True)
    height = max(1.8, 0.14 * len(data) + 0.9)
    with use_style():
        fig, ax = new_figure(width, height=height)
        y = np.arange(len(data))
        poles = np.where(data["pole"] > 0, "service_law", "stability")
        ax.hlines(y, data["correlation"].min() - 0.01, data["correlation"], color="#cccccc",
                  lw=0.8)  # fmt: skip
        ax.scatter(data["correlation"], y, s=14, c=frame_palette(poles), zorder=3)
        ax.set_yticks(y)
        ax.set_yticklabels(data["seed"], fontsize=6)
        ax.set_xlabel("correlation with full-seed document scores")
        ax.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color=frame_color(f),
                    label=f"{FRAME_LABELS[f]} seed",
                )  # fmt: skip
                for f in ("service_law", "stability")
                if f in set(poles)
            ],
            fontsize=6,
            loc="lower left",
        )
        if title:
            ax.set_title(title)
    fig.textkit_data = data
    return fig
