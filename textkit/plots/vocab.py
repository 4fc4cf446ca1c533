"""Vocabulary figures: the most frequent terms, optionally split by a group (source, genre).

Input is the table of :func:`textkit.dtm.vectorizer.vocabulary_table` (``term, tf, df`` and
``tf_<group>`` columns) or :meth:`textkit.dtm.vectorizer.DocumentTermMatrix.term_table`. The
functions return a :class:`matplotlib.figure.Figure` and never save it; use
:func:`textkit.plots.save_figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError
from textkit.core.precision import round_frame
from textkit.plots import annotation_colour, new_figure, palette, use_style
from textkit.plots._ticks import category_xticks
from textkit.plots.labels import display_label

__all__ = ["group_rates", "plot_group_rates", "plot_top_terms"]

_HIGHLIGHT = "#d55e00"  # vermillion (colour-blind safe), distinct from the frame colours


def plot_top_terms(
    table: pd.DataFrame,
    n: int = 30,
    value: str = "tf",
    by_group: bool = False,
    title: str | None = None,
    width: str | float = "single",
    highlight: tuple[str, ...] | list[str] = (),
) -> Figure:
    """Horizontal bar chart of the ``n`` terms with the largest ``value``.

    Parameters
    ----------
    table : DataFrame
        With columns ``term`` and ``value`` (and ``tf_<group>`` columns for ``by_group``).
        Not modified.
    n : int, default 30
        Number of terms shown (largest first, ties broken by term).
    value : str, default "tf"
        Column ranked and drawn (``tf``, ``df``, ``score`` …).
    by_group : bool, default False
        Stack the bars by the ``tf_<group>`` columns (requires ``value="tf"``).
    title : str, optional
        Axes title.
    width : {"single", "double"} or float, default "single"
        Figure width (see :func:`textkit.plots.new_figure`); the height grows with ``n``.
    highlight : sequence of str, default ()
        Term labels drawn in an accent colour (e.g. dictionary entries or frame terms).

    Returns
    -------
    matplotlib.figure.Figure
        With the rows drawn (largest first) as ``fig.textkit_data``.

    Raises
    ------
    ValueError
        If ``n`` < 1, a column is missing, or ``by_group`` is asked without group columns.
    """
    check_int("n", n, 1)
    table = round_frame(table)
    for col in ("term", value):
        if col not in table.columns:
            raise InvalidParameterError(f"table: missing column {col!r} (value={value!r})")
    groups = _group_columns(table)
    if by_group:
        if value != "tf":
            raise InvalidParameterError("by_group: stacking needs value='tf'")
        if not groups:
            raise InvalidParameterError(
                "by_group: the table has no tf_<group> columns (vocabulary_table(by=...))"
            )
    top = (
        table.sort_values([value, "term"], ascending=[False, True], kind="stable")
        .head(n)
        .iloc[::-1]  # largest at the top of a horizontal bar chart
        .reset_index(drop=True)
    )
    height = max(1.6, 0.16 * len(top) + 0.8)
    marks = set(highlight)
    with use_style():
        fig, ax = new_figure(width, height=height)
        y = list(range(len(top)))
        if by_group:
            left = [0.0] * len(top)
            for color, col in zip(palette(len(groups)), groups, strict=True):
                vals = top[col].astype(float).tolist()
                ax.barh(y, vals, left=left, color=color, label=display_label(col[3:]), height=0.75)
                left = [a + b for a, b in zip(left, vals, strict=True)]
            ax.legend(loc="lower right", frameon=False, fontsize="small")
        else:
            ax.barh(y, top[value].astype(float), color=palette(1)[0], height=0.75)
        ax.set_yticks(y, top["term"].tolist())
        for label in ax.get_yticklabels():
            if label.get_text() in marks:
                # coloured, not bold: the bundled CJK font has a single (regular) weight
                label.set_color(_HIGHLIGHT)
        ax.set_xlabel({"tf": "term frequency", "df": "document frequency"}.get(value, value))
        ax.margins(y=0.01)
        if title:
            ax.set_title(title)
    fig.textkit_data = top.iloc[::-1].reset_index(drop=True)  # largest first
    return fig


def _group_columns(table: pd.DataFrame) -> list[str]:
    """``tf_<group>`` columns sorted by group name, the missing-value group last."""
    from textkit.dtm.vectorizer import MISSING_GROUP  # lazy: keeps this module's imports light

    last = f"tf_{MISSING_GROUP}"
    cols = sorted(c for c in table.columns if c.startswith("tf_"))
    return [c for c in cols if c != last] + [c for c in cols if c == last]


def group_rates(table: pd.DataFrame, n: int = 25, per: int = 1000) -> pd.DataFrame:
    """Rate of the ``n`` most frequent terms in each group, per ``per`` tokens of the group.

    Raw counts by group mostly show which group is larger (more articles, longer texts);
    rates per token make the groups comparable.

    Parameters
    ----------
    table : DataFrame
        :func:`textkit.dtm.vectorizer.vocabulary_table` output with ``by=`` (``term``, ``tf`` and
        ``tf_<group>`` columns, every term of the corpus, so that the column sums are the
        groups' token totals). Not modified.
    n : int, default 25
        Number of terms (largest ``tf`` first, ties broken by term).
    per : int, default 1000
        Rate unit in tokens.

    Returns
    -------
    pandas.DataFrame
        Index ``term`` (in rank order), one float column per group (named without the
        ``tf_`` prefix, sorted, the group of missing values
        :data:`textkit.dtm.vectorizer.MISSING_GROUP` last), values ``tf_group(term) / tokens(group) * per``.

    Raises
    ------
    ValueError
        If ``n`` or ``per`` < 1, or the table has no ``tf_<group>`` columns.
    """
    check_int("n", n, 1)
    check_int("per", per, 1)
    groups = _group_columns(table)
    if not groups or "term" not in table.columns or "tf" not in table.columns:
        raise InvalidParameterError(
            "table: needs term, tf and tf_<group> columns (vocabulary_table(by=...))"
        )
    totals = table[groups].sum(axis=0).astype(float)
    top = table.sort_values(["tf", "term"], ascending=[False, True], kind="stable").head(n)
    rates = top[groups].astype(float).div(totals.where(totals > 0, np.nan), axis=1) * per
    rates = rates.fillna(0.0)
    rates.index = pd.Index(top["term"].tolist(), name="term")
    rates.columns = [g[3:] for g in groups]
    return rates


def plot_group_rates(
    table: pd.DataFrame,
    n: int = 25,
    per: int = 1000,
    title: str | None = None,
    width: str | float = "double",
) -> Figure:
    """Heat map of the top terms' rates per group (see :func:`group_rates`).

    Rows are the ``n`` most frequent terms of the corpus (most frequent at the top),
    columns the groups (e.g. genres, with the number of tokens of each group in the label;
    long or many group names are wrapped or turned so that none overlaps, see
    :func:`textkit.plots._ticks.category_xticks`); each cell is annotated with its rate.

    Parameters
    ----------
    table : DataFrame
        :func:`textkit.dtm.vectorizer.vocabulary_table` output with ``by=``. Not modified.
    n : int, default 25
    per : int, default 1000
    title : str, optional
    width : {"single", "double"} or float, default "double"

    Returns
    -------
    matplotlib.figure.Figure
        With the rates table (``term`` as a column) as ``fig.textkit_data``.
    """
    table = round_frame(table)
    rates = group_rates(table, n=n, per=per)
    groups = _group_columns(table)
    totals = table[groups].sum(axis=0)
    values = rates.to_numpy(dtype=float)
    vmax = float(values.max()) if values.size and values.max() > 0 else 1.0
    height = max(2.0, 0.2 * len(rates) + 1.2)
    with use_style():
        fig, ax = new_figure(width, height=height)
        ax.grid(False)
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                ax.text(
                    j,
                    i,
                    f"{v:.1f}" if v else "·",
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color=annotation_colour(image, v),
                )
        ax.set_yticks(range(len(rates)), rates.index.tolist())
        ax.tick_params(length=0)
        ax.xaxis.set_ticks_position("top")
        cbar = fig.colorbar(image, ax=ax, pad=0.01)
        cbar.set_label(f"occurrences per {per:,} tokens of the group")
        if title:
            ax.set_title(title)
        category_xticks(ax, [f"{display_label(g[3:])}\n({int(totals[g]):,})" for g in groups])
    fig.textkit_data = rates.reset_index()
    return fig
