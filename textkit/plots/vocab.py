"""Vocabulary figures: the most frequent terms, optionally split by a group (source, genre).

Input is the table of :func:`textkit.vectorize.vocabulary_table` (``term, tf, df`` and
``tf_<group>`` columns) or :meth:`textkit.vectorize.DocumentTermMatrix.term_table`. The
functions return a :class:`matplotlib.figure.Figure` and never save it; use
:func:`textkit.plots.save_figure`.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from textkit.plots import new_figure, palette, use_style

__all__ = ["plot_top_terms"]

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

    Raises
    ------
    ValueError
        If ``n`` < 1, a column is missing, or ``by_group`` is asked without group columns.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: expected an integer >= 1, got {n!r}")
    for col in ("term", value):
        if col not in table.columns:
            raise ValueError(f"table: missing column {col!r} (value={value!r})")
    groups = [c for c in table.columns if c.startswith("tf_")]
    if by_group:
        if value != "tf":
            raise ValueError("by_group: stacking needs value='tf'")
        if not groups:
            raise ValueError(
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
            for color, col in zip(palette(len(groups)), sorted(groups), strict=True):
                vals = top[col].astype(float).tolist()
                ax.barh(y, vals, left=left, color=color, label=col[3:], height=0.75)
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
    return fig
