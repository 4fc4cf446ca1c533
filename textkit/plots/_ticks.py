"""Category tick labels that stay readable whatever their number and length.

The one rule of every figure with categories along its x axis (source pages, genres, any
group): :func:`category_xticks` writes the labels as they are when they fit side by side;
otherwise it wraps each one at word boundaries (the project's segmenter, so that 人民政府 or
社会治安综合治理 is never cut) over at most :data:`MAX_LINES` lines; when even that leaves
them too wide (many categories), it turns them, unwrapped, 45° (90° when the ticks are too
close even for that) with their end at the tick. The figure grows by what the labels take,
so that the panel keeps its height. Widths are measured on the laid-out figure with its own
font, so the choice is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text

from textkit.plots.labels import _words

__all__ = ["MAX_LINES", "category_xticks", "wrap_words"]

#: Most lines a wrapped label (each line of a label given with line breaks) takes before the
#: labels are turned instead.
MAX_LINES = 3
#: Room kept between two neighbouring labels, in font sizes.
_GAP = 0.6


def wrap_words(text: str, fits: Callable[[str], bool]) -> list[str]:
    """``text`` broken at word boundaries into lines that ``fits`` accepts.

    Lines are filled greedily, word by word (the project's segmenter: a word is never cut);
    a word too long for a line of its own gets one anyway. Spaces at the ends of a line are
    dropped; a line break already in ``text`` is kept.

    Parameters
    ----------
    text : str
    fits : callable str -> bool
        True when a line is short enough (e.g. its measured width is below the room).

    Returns
    -------
    list of str
        The lines, in order.
    """
    lines: list[str] = []
    for given in str(text).split("\n"):
        line = ""
        for word in _words(given) if given.strip() else [given]:
            if line.strip() and not fits((line + word).strip()):
                lines.append(line.strip())
                line = word
            else:
                line += word
        lines.append(line.strip())
    return lines


def _size(template: Text, text: str, rotation: float = 0.0) -> tuple[float, float]:
    """Width and height, in display units, of the upright box of ``text`` written like the
    tick label ``template`` (same font, size and line spacing), turned by ``rotation``."""
    probe = Text(
        0,
        0,
        text,
        fontproperties=template.get_fontproperties(),
        linespacing=template.get_linespacing(),
        rotation=rotation,
    )
    probe.set_figure(template.get_figure(root=True))
    box = probe.get_window_extent()
    return box.width, box.height


def category_xticks(
    ax: Axes,
    labels: Sequence[object],
    positions: Sequence[float] | None = None,
    *,
    max_lines: int = MAX_LINES,
) -> None:
    """Put category labels on the x axis of ``ax`` so that no two of them overlap.

    Call it when everything else of the figure is drawn (title, legend, colour bar): the
    room of each label is measured on the laid-out figure. Labels are written

    1. as they are, when the widest fits the distance between two ticks;
    2. else wrapped at word boundaries (:func:`wrap_words`), when every line of every label
       then fits and no label line given becomes more than ``max_lines`` lines;
    3. else as they are, turned 45° with their end at the tick, or 90° when the ticks are
       closer than a turned label is thick.

    Labels on top of the axes (``ax.xaxis.set_ticks_position("top")``) turn upwards.
    Wrapped or turned labels are taller than the labels written as they are: the figure
    grows by the difference, so that the panel keeps its height.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Its figure must have been made by :func:`textkit.plots.new_figure` (inside
        :func:`textkit.plots.use_style`, so that the labels take the CJK font).
    labels : sequence
        One label per category (shown with ``str``); line breaks in a label are kept.
    positions : sequence of float, optional
        The categories' x positions in data units; default ``0, 1, …``.
    max_lines : int, default 3
        The most lines a wrapped label line may take.
    """
    texts = [str(s) for s in labels]
    x = np.arange(len(texts), dtype=float) if positions is None else np.asarray(positions, float)
    ax.set_xticks(x, texts, rotation=0, ha="center")
    if not texts:
        return
    fig = ax.get_figure(root=True)
    fig.draw_without_rendering()  # the final layout, so that the distance between ticks is known
    template = ax.get_xticklabels()[0]
    gap = _GAP * template.get_fontsize() * fig.dpi / 72.0
    px = np.sort(ax.transData.transform(np.column_stack([x, np.zeros_like(x)]))[:, 0])
    slot = float(np.diff(px).min()) if len(px) > 1 else ax.get_window_extent().width

    def fits(line: str) -> bool:
        return _size(template, line)[0] <= slot - gap

    if all(fits(line) for t in texts for line in t.split("\n")):
        return
    wrapped = ["\n".join(wrap_words(t, fits)) for t in texts]
    if all(fits(line) for t in wrapped for line in t.split("\n")) and all(
        w.count("\n") < max_lines * (t.count("\n") + 1) for t, w in zip(texts, wrapped, strict=True)
    ):
        shown, angle = wrapped, 0
        ax.set_xticks(x, wrapped, rotation=0, ha="center")
    else:
        shown, angle = texts, _turn(ax, x, texts, slot, template, gap)
    # the figure grows by what the labels grew, so that the panel keeps its height
    before = max(_size(template, t)[1] for t in texts)
    after = max(_size(template, t, angle)[1] for t in shown)
    fig.set_figheight(fig.get_figheight() + max(after - before, 0.0) / fig.dpi)


def _turn(
    ax: Axes, x: np.ndarray, texts: list[str], slot: float, template: Text, gap: float
) -> int:
    """Write ``texts`` turned 45° at ``x``, their end at the tick, or 90° when ticks
    ``slot`` apart are closer than a turned label is thick; the angle used."""
    thick = max(_size(template, t)[1] for t in texts) + gap
    angle = 45 if slot * math.sin(math.radians(45)) >= thick else 90
    top = ax.xaxis.get_ticks_position() == "top"
    ax.set_xticks(
        x, texts, rotation=angle, rotation_mode="anchor", ha="left" if top else "right",
        va="center",
    )  # fmt: skip
    return angle
