"""Figures of the corpus stage: what cleaning removed, and what each page holds.

Pages are shown by their human label (:func:`textkit.plots.labels.page_label`: "Page 1" …),
never by their id.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from textkit.core.precision import round_frame
from textkit.plots import annotation_colour, empty_figure, new_figure, use_style
from textkit.plots._ticks import category_xticks
from textkit.plots.labels import page_label

__all__ = [
    "COMPOSITION_CATEGORIES",
    "cleaning_table",
    "composition_table",
    "plot_cleaning",
    "plot_corpus_composition",
]

#: Article categories of :func:`composition_table`, in drawing order.
COMPOSITION_CATEGORIES = ("kept", "duplicate", "off-topic", "quarantined")

# not frame colours: these figures do not colour by frame
_COMPOSITION_COLORS = {
    "kept": "#5b7384",
    "duplicate": "#f4a582",
    "off-topic": "#c2a5cf",
    "quarantined": "#4d4d4d",
}


def _group_values(documents: pd.DataFrame, by: str) -> list[str]:
    if by not in documents.columns:
        raise KeyError(f"by: no column {by!r} in the documents table")
    return ["unknown" if pd.isna(v) else str(v) for v in documents[by]]


def cleaning_table(documents: pd.DataFrame, by: str = "page_id") -> pd.DataFrame:
    """Characters removed per cleaning rule and source page (or group of ``by``), as a
    tidy table.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (needs ``clean_log``: JSON rule -> characters, and ``by``).
    by : str, default "page_id"
        The source page, or any document variable (missing values count as ``"unknown"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``rule``, ``chars_removed``, sorted by group then rule; only
        non-zero counts.
    """
    rows = []
    for group, log in zip(_group_values(documents, by), documents["clean_log"], strict=True):
        for rule, n in json.loads(log or "{}").items():
            rows.append((group, rule, int(n)))
    table = pd.DataFrame(rows, columns=[by, "rule", "chars_removed"])
    if table.empty:
        return table.astype({"chars_removed": "int64"})
    table = table.groupby([by, "rule"], as_index=False, sort=True)["chars_removed"].sum()
    return table[table["chars_removed"] > 0].reset_index(drop=True)


def plot_cleaning(
    documents: pd.DataFrame, *, by: str = "page_id", width: str | float = "double"
) -> Figure:
    """Heat map of the characters each cleaning rule removed or changed, per source page
    (or per group of ``by``: a table of many one-document rows reads better by province,
    outlet …).

    Rows are rules (largest total first, the total in the label), columns are source pages;
    each cell shows its count, the colour is on a log scale and empty cells mean the rule
    did nothing on that page. A count is written in white on a cell dark enough for it
    (contrast at least 3:1) and in near-black otherwise, from the colour of the cell itself,
    so it stays readable on any data (one cell, a constant table). Rules that change characters in place (traditional ->
    simplified, width normalisation, placeholder masks) count the characters they changed.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (``clean_log`` and ``by``). Not modified.
    by : str, default "page_id"
        Source pages (shown as "Page 1" …) or any document variable. Long or many group
        names are wrapped or turned so that none overlaps
        (:func:`textkit.plots._ticks.category_xticks`).
    width : {"single", "double"} or float, default "double"

    Returns
    -------
    matplotlib.figure.Figure
        With the table of :func:`cleaning_table` as ``fig.textkit_data``.

        When no cleaning rule changed any text (a researcher's corpus that came clean),
        the figure says so instead of drawing an empty grid.
    """
    documents = round_frame(documents)
    table = cleaning_table(documents, by)
    if table.empty:
        return empty_figure(
            "No cleaning rule changed any text of these documents", data=table, width=width
        )
    pages = sorted(set(_group_values(documents, by)))
    wide = table.pivot_table(
        index="rule", columns=by, values="chars_removed", aggfunc="sum", fill_value=0
    ).reindex(columns=pages, fill_value=0)
    totals = wide.sum(axis=1)
    order = sorted(wide.index, key=lambda r: (-int(totals[r]), r))
    wide = wide.loc[order]
    values = wide.to_numpy(dtype=float)
    masked = np.ma.masked_where(values <= 0, values)
    with use_style():
        fig, ax = new_figure(width, height=max(2.0, 0.28 * len(wide) + 1.0))
        ax.grid(False)
        image = ax.imshow(
            masked,
            cmap="Blues",
            norm=LogNorm(vmin=1, vmax=max(values.max(), 10)),
            aspect="auto",
        )
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = int(values[i, j])
                if v:
                    ax.text(
                        j,
                        i,
                        f"{v:,}",
                        ha="center",
                        va="center",
                        fontsize="small",
                        color=annotation_colour(image, values[i, j]),
                    )
        is_page = by == "page_id"
        ax.set_yticks(range(len(wide)), [f"{r} ({int(totals[r]):,})" for r in wide.index])
        ax.set_xlabel("Source page" if is_page else by)
        ax.set_title("Characters removed or changed by each cleaning rule (total in brackets)")
        ax.tick_params(length=0)
        cbar = fig.colorbar(image, ax=ax, pad=0.01)
        cbar.set_label("characters (log scale)")
        category_xticks(ax, [page_label(p) if is_page else p for p in pages])
    fig.textkit_data = table
    return fig


def composition_table(documents: pd.DataFrame, by: str = "page_id") -> pd.DataFrame:
    """Articles per source page (or per group of ``by``) by category: kept, duplicate,
    off-topic, quarantined.

    An article flagged both as a duplicate and off-topic counts as a duplicate.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (``status``, ``is_duplicate`` and ``by``).
    by : str, default "page_id"
        The column counted by: the source page, or any document variable (province,
        outlet …); missing values are counted as ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        ``by`` and one integer column per category of :data:`COMPOSITION_CATEGORIES`, one
        row per group (sorted).
    """
    if by not in documents.columns:
        raise KeyError(f"by: no column {by!r} in the documents table")
    dup = documents["is_duplicate"].fillna(False).astype(bool)
    status = documents["status"].astype(str)
    category = np.where(
        status == "quarantined",
        "quarantined",
        np.where(dup, "duplicate", np.where(status == "flagged", "off-topic", "kept")),
    )
    counts = (
        pd.DataFrame(
            {
                by: ["unknown" if pd.isna(v) else str(v) for v in documents[by]],
                "category": category,
            }
        )
        .groupby([by, "category"], sort=True)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(COMPOSITION_CATEGORIES), fill_value=0)
        .sort_index()
        .astype("int64")
    )
    counts.columns.name = None
    return counts.reset_index()


def plot_corpus_composition(
    documents: pd.DataFrame, *, by: str = "page_id", width: str | float = "single"
) -> Figure:
    """Articles found per source page (or per group of ``by``), split into kept, duplicate,
    off-topic, quarantined.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table. Not modified.
    by : str, default "page_id"
        Source pages (shown as "Page 1" …) or any document variable. Long or many group
        names are wrapped or turned so that none overlaps
        (:func:`textkit.plots._ticks.category_xticks`).
    width : {"single", "double"} or float, default "single"

    Returns
    -------
    matplotlib.figure.Figure
        With the table of :func:`composition_table` as ``fig.textkit_data``.
    """
    counts = composition_table(round_frame(documents), by)
    present = [c for c in COMPOSITION_CATEGORIES if counts[c].sum() > 0]
    pages = by == "page_id"
    labels = [page_label(p) if pages else str(p) for p in counts[by]]
    with use_style():
        fig, ax = new_figure(width)
        x = np.arange(len(counts), dtype=float)
        bottom = np.zeros(len(counts))
        for cat in present:
            vals = counts[cat].to_numpy(dtype=float)
            ax.bar(x, vals, bottom=bottom, color=_COMPOSITION_COLORS[cat], label=cat)
            bottom = bottom + vals
        for xv, total in zip(x, bottom, strict=True):
            ax.text(xv, total, f"{int(total)}", ha="center", va="bottom", fontsize="small")
        ax.set_ylim(0, max(bottom.max(), 1) * 1.35)  # room for the totals and the legend
        ax.set_xlabel("Source page" if pages else by)
        ax.set_ylabel("Articles")
        what = "page" if pages else by
        ax.set_title(f"Articles found per {what} ({int(bottom.sum())} in all)")
        ax.legend(loc="upper left", ncols=2, frameon=True, fontsize="small")
        category_xticks(ax, labels)
    fig.textkit_data = counts
    return fig
