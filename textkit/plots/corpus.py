"""Figures of the corpus stage: what cleaning removed, and what each page holds."""

from __future__ import annotations

import json

import pandas as pd
from matplotlib.figure import Figure

from . import FRAME_COLORS, new_figure, palette, use_style

__all__ = ["cleaning_table", "plot_cleaning", "plot_corpus_composition"]


def cleaning_table(documents: pd.DataFrame) -> pd.DataFrame:
    """Characters removed per cleaning rule and source page, as a tidy table.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (needs ``page_id`` and ``clean_log``: JSON rule -> characters).

    Returns
    -------
    pandas.DataFrame
        Columns ``page_id``, ``rule``, ``chars_removed``, sorted by page then rule.
    """
    rows = []
    for page_id, log in zip(documents["page_id"], documents["clean_log"], strict=True):
        for rule, n in json.loads(log or "{}").items():
            rows.append((page_id, rule, int(n)))
    table = pd.DataFrame(rows, columns=["page_id", "rule", "chars_removed"])
    if table.empty:
        return table
    table = table.groupby(["page_id", "rule"], as_index=False, sort=True)["chars_removed"].sum()
    return table[table["chars_removed"] > 0].reset_index(drop=True)


def plot_cleaning(documents: pd.DataFrame, *, width: str = "double") -> Figure:
    """Stacked horizontal bars: characters each cleaning rule removed, per source page.

    Rules that change characters in place (traditional -> simplified, width
    normalisation) count the characters they changed.
    """
    table = cleaning_table(documents)
    wide = table.pivot_table(
        index="rule", columns="page_id", values="chars_removed", aggfunc="sum", fill_value=0
    )
    wide = wide.loc[wide.sum(axis=1).sort_values().index]
    with use_style():
        fig, ax = new_figure(width, height=max(2.0, 0.22 * len(wide) + 0.8))
        left = pd.Series(0, index=wide.index, dtype=float)
        colors = palette(len(wide.columns))
        for color, page in zip(colors, wide.columns, strict=True):
            ax.barh(wide.index, wide[page], left=left, color=color, label=str(page)[:3])
            left = left + wide[page]
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlabel("Characters removed or changed (symmetric log scale)")
        ax.set_ylabel("")
        ax.set_title("What cleaning removed, by rule and source page")
        ax.legend(title="Page", loc="lower right", frameon=True)
    fig.textkit_data = table
    return fig


def plot_corpus_composition(documents: pd.DataFrame, *, width: str = "single") -> Figure:
    """Articles per source page, split into kept, flagged and quarantined."""
    counts = (
        documents.groupby(["page_id", "status"], sort=True)
        .size()
        .unstack(fill_value=0)
        .sort_index()
    )
    order = [s for s in ("kept", "flagged", "quarantined") if s in counts.columns]
    colors = {"kept": FRAME_COLORS["service_law"], "flagged": "#f4a582", "quarantined": "#4d4d4d"}
    with use_style():
        fig, ax = new_figure(width)
        bottom = pd.Series(0, index=counts.index, dtype=float)
        labels = [str(p)[:3] for p in counts.index]
        for status in order:
            ax.bar(labels, counts[status], bottom=bottom, color=colors[status], label=status)
            bottom = bottom + counts[status]
        ax.set_xlabel("Source page")
        ax.set_ylabel("Articles")
        ax.set_title("Articles found per page")
        ax.legend(frameon=True)
    fig.textkit_data = counts.reset_index()
    return fig
