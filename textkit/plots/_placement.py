"""Label placement shared by the figures that label points (networks, term scatter).

One greedy placer in display units: labels are placed most important first, each at the
first of a ring of candidate positions around its point that overlaps no placed label, no
marker and stays inside the panel; when every close position is taken a farther ring is
used and the caller draws a thin leader line from the point to the label. This is
deterministic arithmetic on estimated label boxes (a CJK character is one em wide), so the
same figure always gets the same labels.

Use: lay the figure out once and freeze it (:func:`freeze_layout`), then call
:func:`label_points` with the points in data and display units. It estimates each label's
box (:func:`label_sizes`), places the labels (:func:`place_labels`) and draws each one
(:func:`draw_label`): the one label routine of every textkit figure.

Several labels at one point cannot all touch it: past two they fan out on leader lines that
cross each other and the labels. A figure whose points can coincide (equal counts on a small
corpus) labels such a point once, with :func:`stack_label`: the terms one a line, the list
cut after a few names with a count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "draw_label",
    "freeze_layout",
    "label_points",
    "label_sizes",
    "overlap",
    "place_labels",
    "stack_label",
    "text_width_em",
]

#: Rings of candidate positions tried around a point before the least bad one is taken.
_RINGS = 9
#: Cost of one unit of label-on-label overlap, against 1 for label on marker and
#: 0.08 x label area per ring of distance: a label moves several rings out rather than
#: cover another label even a little.
_TEXT_OVERLAP_COST = 40.0

#: Colour and width (points) of the leader line joining a pushed-out label to its point.
LEADER_COLOUR = "#8a8a8a"
LEADER_WIDTH = 0.35
LABEL_COLOUR = "#111111"
#: Lines of a stacked label (:func:`stack_label`): names, the last one a count past this.
STACK_LINES = 5
#: Line spacing of a multi-line label, in font sizes (matplotlib's default).
_LINE_SPACING = 1.2


def text_width_em(t: str) -> float:
    """Label width in ems: CJK and full-width characters are 1 em, others about 0.6."""
    return max(1.0, sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in t))


def stack_label(names: Sequence[str], total: int | None = None) -> tuple[str, int]:
    """One label for the terms that share a point: one name a line, in the given order.

    Past :data:`STACK_LINES` lines the list is cut and its last line counts the rest
    (``"+4 more"``), so every term at the point is either named or counted.

    Parameters
    ----------
    names : sequence of str
        The terms at the point, most important first (the caller sorts, with a stable tie-break).
    total : int, optional
        How many terms the point holds, when more than ``names`` (terms that are only counted).

    Returns
    -------
    text : str
    named : int
        How many of ``names`` (the first ones) the label names.
    """
    names = list(names)
    total = len(names) if total is None else total
    if not names:
        raise ValueError("a stacked label needs at least one name")
    if total < len(names):
        raise ValueError(f"total={total} is less than the {len(names)} names")
    if total == len(names) and total <= STACK_LINES:
        return "\n".join(names), total
    shown = names[: STACK_LINES - 1]
    return "\n".join([*shown, f"+{total - len(shown)} more"]), len(shown)


def label_sizes(texts: Sequence[str], fontsizes: Sequence[float], px: float) -> np.ndarray:
    """Estimated (width, height) of each label box in display units.

    A multi-line label is as wide as its widest line and one line spacing taller per line.

    Parameters
    ----------
    texts : sequence of str
    fontsizes : sequence of float
        Font size of each label, in points.
    px : float
        Display units per point (``fig.dpi / 72``).

    Returns
    -------
    numpy.ndarray
        Shape (n, 2).
    """
    sizes = []
    for t, f in zip(texts, fontsizes, strict=True):
        lines = t.split("\n")
        width = max(text_width_em(line) for line in lines)
        height = 1.15 + _LINE_SPACING * (len(lines) - 1)
        sizes.append((width * f * px + 2.0, f * px * height))
    return np.array(sizes).reshape(-1, 2)


def overlap(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Overlap areas of one (x0, y0, x1, y1) box with each row of ``boxes``."""
    if len(boxes) == 0:
        return np.zeros(0)
    w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def freeze_layout(fig) -> None:
    """Lay the figure out once and fix the axes positions, so display coordinates are final."""
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
        fig.set_layout_engine("none")


def place_labels(
    centres: np.ndarray,
    radii: np.ndarray,
    sizes: np.ndarray,
    order: Sequence[int],
    bounds: tuple[float, float, float, float],
    obstacles: np.ndarray,
    obstacle_radii: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy label placement in display units.

    Parameters
    ----------
    centres, radii : point centre (x, y) and marker radius of each label's point
    sizes : (width, height) of each label box
    order : labels in placement order (most important first)
    bounds : (x0, y0, x1, y1) of the panel
    obstacles, obstacle_radii : every marker, which labels should not cover

    Returns
    -------
    positions : (n, 2) label centres
    ring : (n,) 0 when the label touches its point, >= 1 when it was pushed farther
        (the caller draws a leader line)
    """
    n = len(centres)
    pos = centres.astype(float).copy()
    ring = np.zeros(n, dtype=np.int64)
    placed: list[np.ndarray] = []
    discs = (
        np.column_stack(
            [
                obstacles[:, 0] - obstacle_radii * 0.9,
                obstacles[:, 1] - obstacle_radii * 0.9,
                obstacles[:, 0] + obstacle_radii * 0.9,
                obstacles[:, 1] + obstacle_radii * 0.9,
            ]
        )
        if len(obstacles)
        else np.zeros((0, 4))
    )
    # unit directions: right, above, below, left, then the diagonals
    dirs = [(1, 0), (0, 1), (0, -1), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    bx0, by0, bx1, by1 = bounds
    for i in order:
        (cx, cy), r, (w, h) = centres[i], float(radii[i]), sizes[i]
        gap = 1.0 + 0.15 * h
        best, best_cost, best_ring = None, np.inf, 0
        for k in range(_RINGS):
            extra = k * 0.9 * h
            for dx, dy in dirs:
                diag = 0.72 if dx and dy else 1.0
                ox = dx * ((r + gap + extra) * diag + w / 2)
                oy = dy * ((r + gap + extra) * diag + h / 2)
                x, y = cx + ox, cy + oy
                box = np.array([x - w / 2, y - h / 2, x + w / 2, y + h / 2])
                cost = 0.0
                if placed:  # text on text is unreadable: worse than a long leader line
                    cost += _TEXT_OVERLAP_COST * float(overlap(box, np.array(placed)).sum())
                cost += float(overlap(box, discs).sum())
                out_w = max(0.0, bx0 - box[0]) + max(0.0, box[2] - bx1)
                out_h = max(0.0, by0 - box[1]) + max(0.0, box[3] - by1)
                cost += 3.0 * (out_w * h + out_h * w)
                cost += k * 0.08 * w * h  # prefer labels close to their point
                if cost < best_cost - 1e-9:
                    best, best_cost, best_ring = (x, y, box), cost, k
                if cost == 0.0:
                    break
            if best_cost == 0.0:
                break
        x, y, box = best
        pos[i] = (x, y)
        ring[i] = best_ring
        placed.append(box)
    return pos, ring


def draw_label(
    ax,
    text: str,
    position: tuple[float, float],
    *,
    fontsize: float,
    halo: list,
    anchor: tuple[float, float] | None = None,
    gid: str | None = None,
    align: str = "center",
) -> None:
    """Draw one label centred at ``position`` (data units), with a leader line from ``anchor``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    text : str
    position : (float, float)
        Label centre in data units.
    fontsize : float
        Points.
    halo : list
        Path effects of the text (a white stroke, so that lines do not cut through it).
    anchor : (float, float), optional
        The labelled point in data units; when given, a thin leader line joins it to the label.
    gid : str, optional
        Ids of the artists in SVG output: ``label:<gid>`` and ``leader:<gid>``.
    align : {"center", "left", "right"}, default "center"
        Alignment of the lines of a multi-line label within its box (the side facing its
        point, so that every line starts next to it).
    """
    lx, ly = position
    if anchor is not None:
        ax.plot(
            [anchor[0], lx],
            [anchor[1], ly],
            color=LEADER_COLOUR,
            lw=LEADER_WIDTH,
            zorder=2.5,
            solid_capstyle="butt",
            gid=None if gid is None else f"leader:{gid}",
        )
    ax.text(
        lx,
        ly,
        text,
        fontsize=fontsize,
        ha="center",
        va="center",
        multialignment=align,
        color=LABEL_COLOUR,
        zorder=4,
        path_effects=halo,
        gid=None if gid is None else f"label:{gid}",
    )


def label_points(
    ax,
    texts: Sequence[str],
    anchors: np.ndarray,
    centres: np.ndarray,
    radii: np.ndarray,
    fontsizes: Sequence[float],
    order: Sequence[int],
    obstacles: np.ndarray,
    obstacle_radii: np.ndarray,
    *,
    halo: list,
    ids: bool | Sequence[str] = False,
) -> list[tuple[float, float, int]]:
    """Place and draw the labels of some points of a frozen figure (:func:`freeze_layout`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    texts : sequence of str
        One label per labelled point.
    anchors : (n, 2) array
        The labelled points in data units (where a leader line starts).
    centres, radii : (n, 2) and (n,) arrays
        The same points in display units and their marker radii.
    fontsizes : sequence of float
        Font size of each label, in points.
    order : sequence of int
        Placement order (most important first).
    obstacles, obstacle_radii : arrays
        Every marker of the panel in display units, which labels should not cover.
    halo : list
        Path effects of the label text.
    ids : bool or sequence of str, default False
        Give each label and leader line an SVG id (``label:<id>``, ``leader:<id>``): the
        label's text when True, else one id per label.

    Returns
    -------
    list of (float, float, int)
        Per label, in the order of ``texts``: its centre in data units and the ring it was
        placed on (> 0: pushed away from its point, joined to it by a leader line).
    """
    fig = ax.figure
    sizes = label_sizes(texts, fontsizes, fig.dpi / 72.0)
    bb = ax.get_window_extent()
    pos, ring = place_labels(
        centres, radii, sizes, order, (bb.x0, bb.y0, bb.x1, bb.y1), obstacles, obstacle_radii
    )
    if ids is True:
        gids: list[str | None] = list(texts)
    elif ids is False:
        gids = [None] * len(texts)
    else:
        gids = list(ids)
        if len(gids) != len(texts):
            raise ValueError(f"ids: {len(gids)} ids for {len(texts)} labels")
    inv = ax.transData.inverted()
    out: list[tuple[float, float, int]] = []
    for j, t in enumerate(texts):
        lx, ly = inv.transform(pos[j])
        side = pos[j, 0] - centres[j, 0]  # a label right of its point starts its lines there
        align = "left" if side > 0.5 else "right" if side < -0.5 else "center"
        draw_label(
            ax,
            t,
            (lx, ly),
            fontsize=fontsizes[j],
            halo=halo,
            anchor=tuple(anchors[j]) if ring[j] > 0 else None,
            gid=gids[j],
            align=align,
        )
        out.append((float(lx), float(ly), int(ring[j])))
    return out
