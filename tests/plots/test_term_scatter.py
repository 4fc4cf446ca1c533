"""The term scatter's zero counts: drawn at a floor of the log axes that is ticked "0", so
that a reader knows those points are terms one group never used."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from textkit.plots import use_style
from textkit.plots.frames import plot_term_scatter

#: Keyness rows of a small comparison: 维稳 and 治安 never occur in group B, 法治 and 服务型政府
#: never in group A.
TABLE = pd.DataFrame(
    {
        "term": ["维稳", "治安", "法治", "服务型政府", "村民", "议事会", "调解"],
        "per_1k_a": [5.0, 3.0, 0.0, 0.0, 0.4, 0.2, 1.0],
        "per_1k_b": [0.0, 0.0, 4.0, 2.0, 0.5, 1.5, 1.0],
        "g2": [10.0, 6.0, -8.0, -5.0, 0.1, -2.0, 0.0],
    }
)


def _draw(fig) -> None:
    with use_style():
        FigureCanvasAgg(fig).draw()


def _ticks(axis) -> dict[float, str]:
    """Tick value -> label of the ticks in view with a label (major and minor)."""
    lo, hi = sorted(axis.get_view_interval())
    out = {}
    for minor in (False, True):
        for value, text in zip(
            axis.get_ticklocs(minor=minor), axis.get_ticklabels(minor=minor), strict=True
        ):
            if lo <= value <= hi and text.get_text():
                out[float(value)] = text.get_text()
    return out


def test_the_floor_of_zero_counts_is_ticked_zero_on_each_axis_that_has_zeros():
    fig = plot_term_scatter(TABLE, n_labels=7, labels=("A", "B"))
    _draw(fig)
    ax = fig.axes[0]
    xy = ax.collections[0].get_offsets()
    floor_x = float(xy[TABLE["per_1k_b"].to_numpy() == 0, 0][0])
    floor_y = float(xy[TABLE["per_1k_a"].to_numpy() == 0, 1][0])
    assert floor_x == floor_y == 0.1  # half the smallest count
    for axis, floor in ((ax.xaxis, floor_x), (ax.yaxis, floor_y)):
        ticks = _ticks(axis)
        assert ticks[floor] == "0"
        assert min(ticks) == floor  # nothing below the zeros reads as a smaller count
        assert list(ticks.values()).count("0") == 1
    # the "0" label touches no other tick label
    for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
        shown = [t for t in labels if t.get_text() and t.get_visible()]
        zero = next(t for t in shown if t.get_text() == "0").get_window_extent()
        assert not any(zero.overlaps(t.get_window_extent()) for t in shown if t.get_text() != "0")


def test_an_axis_without_zeros_keeps_its_own_ticks():
    table = TABLE.assign(per_1k_a=TABLE["per_1k_a"] + 0.3)  # group A uses every term
    fig = plot_term_scatter(table, n_labels=7)
    _draw(fig)
    ax = fig.axes[0]
    assert "0" in _ticks(ax.xaxis).values()
    assert "0" not in _ticks(ax.yaxis).values()
    assert np.all(ax.collections[0].get_offsets()[:, 1] >= 0.3)


def test_a_narrow_range_never_labels_a_tick_below_the_zeros():
    """Counts within one decade: minor ticks are labelled, none of them under the "0"."""
    table = pd.DataFrame(
        {
            "term": ["维稳", "法治", "服务型政府", "治安"],
            "per_1k_a": [0.6, 0.0, 1.2, 0.9],
            "per_1k_b": [0.0, 0.7, 0.8, 1.1],
            "g2": [10.0, -8.0, -5.0, 6.0],
        }
    )
    fig = plot_term_scatter(table, n_labels=4)
    _draw(fig)
    ax = fig.axes[0]
    for axis in (ax.xaxis, ax.yaxis):
        ticks = _ticks(axis)
        assert ticks[0.3] == "0" and min(ticks) == 0.3, ticks
