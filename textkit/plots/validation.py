"""Figures of the hand-coding validation (confusion-matrix heatmap). Never saves files."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from textkit.core.errors import InvalidParameterError
from textkit.core.precision import round_frame
from textkit.plots import annotation_colour, new_figure, use_style
from textkit.plots.labels import display_label

__all__ = [
    "plot_confusion",
]


def plot_confusion(confusion: pd.DataFrame, *, normalize: bool = False) -> Figure:
    """Heatmap of a confusion matrix (rows = human code, columns = measure label).

    Parameters
    ----------
    confusion : DataFrame
        ``ValidationReport.confusion`` (square, labels in index and columns).
    normalize : bool, default False
        Show row shares (recall per human code) instead of counts; counts stay annotated.

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.textkit_data`` the tidy table (code, measure, count, share).
    """
    if confusion.shape[0] != confusion.shape[1] or confusion.empty:
        raise InvalidParameterError("confusion: expected a non-empty square table")
    counts = round_frame(confusion.astype(float)).to_numpy(dtype=float)
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    values = share if normalize else counts
    with use_style():
        fig, ax = new_figure("single", height=3.2)
        im = ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalize else max(1, counts.max()))
        names = [display_label(str(c)) for c in confusion.columns]
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        ax.set_yticks(range(len(names)), [display_label(str(c)) for c in confusion.index])
        ax.grid(False)
        ax.set_xlabel("Dictionary measure")
        ax.set_ylabel("Human code")
        for i in range(counts.shape[0]):
            for j in range(counts.shape[1]):
                ax.text(
                    j,
                    i,
                    f"{int(counts[i, j])}",
                    ha="center",
                    va="center",
                    color=annotation_colour(im, values[i, j]),
                    fontsize=8,
                )
        fig.colorbar(im, ax=ax, label="Row share" if normalize else "Paragraphs")
    tidy = [
        {"code": str(r), "measure": str(c), "count": int(counts[i, j]), "share": share[i, j]}
        for i, r in enumerate(confusion.index)
        for j, c in enumerate(confusion.columns)
    ]
    fig.textkit_data = pd.DataFrame(tidy)
    return fig
