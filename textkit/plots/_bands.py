"""Interval bands of the trend figures (frame intensities and balance, topic prevalence)."""

from __future__ import annotations

from typing import Any

import numpy as np


def draw_band(ax: Any, x: Any, estimate: Any, lo: Any, hi: Any, colour: Any, alpha: float) -> None:
    """Shade the interval ``lo``-``hi`` along ``x``, and draw a vertical bar for an interval
    with no neighbour that has one: a band needs two neighbouring intervals, so a group with
    an interval between groups without one (too few documents) would show none.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, estimate, lo, hi : array-like
        Points in drawing order; ``lo`` / ``hi`` NaN where a group has no interval.
    colour : colour
    alpha : float
        Opacity of the band (the bars are drawn at twice it, at most 0.9).
    """
    x = np.asarray(x)
    est, low, high = (np.asarray(v, dtype=float) for v in (estimate, lo, hi))
    ax.fill_between(x, low, high, color=colour, alpha=alpha, lw=0)
    has = ~(np.isnan(low) | np.isnan(high))
    alone = has & ~np.r_[False, has[:-1]] & ~np.r_[has[1:], False]
    if alone.any():
        e, a, b = est[alone], low[alone], high[alone]
        ax.errorbar(x[alone], e, yerr=[e - a, b - e], fmt="none", ecolor=colour,
                    alpha=min(2 * alpha, 0.9), lw=1.2, capsize=0)  # fmt: skip
