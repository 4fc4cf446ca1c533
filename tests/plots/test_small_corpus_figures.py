"""Figures on a researcher's small corpus: many terms with equal counts share a point of the
term scatter, and the cleaning heat map may hold a single cell or a constant table.

Real figures are drawn and their artists inspected (window extents, rendered pixels).
"""

from __future__ import annotations

import json
import re
from itertools import combinations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from textkit.plots import use_style
from textkit.plots.corpus import plot_cleaning
from textkit.plots.frames import plot_term_scatter

# --- term scatter: terms that share a point ------------------------------------------------

_MORE = re.compile(r"^\+(\d+) more$")

#: Eight terms with the same counts in both groups (so the same point and the same G²).
_TIED = "维稳 服务型政府 依法行政 综合治理 社会治安 群众路线 基层治理 法治政府".split()
#: Twenty such terms.
_TWENTY = [f"{t}工作" for t in _TIED] + [f"{t}{i}" for t in _TIED[:6] for i in (1, 2)]


def _keyness(tied: list[str], a: float, b: float) -> pd.DataFrame:
    rows = [(t, a, b, 7.5) for t in tied]
    rows += [("公共服务", 5.0, 5.0, 0.0), ("村民自治", 1.0, 4.0, -3.2), ("治安", 6.0, 0.5, 9.1)]
    return pd.DataFrame(rows, columns=["term", "per_1k_a", "per_1k_b", "g2"])


def _labels(fig) -> list:
    ax = fig.axes[0]
    return [t for t in ax.texts if (t.get_gid() or "").startswith("label:")]


def _named_and_counted(texts) -> tuple[list[str], int]:
    named, counted = [], 0
    for text in texts:
        for line in text.get_text().split("\n"):
            m = _MORE.match(line)
            if m:
                counted += int(m.group(1))
            else:
                named.append(line)
    return named, counted


_CASES = {
    # eight terms at an inner point, and twenty terms used only in group A with the same count
    # (drawn on the zero floor, at the left edge of the panel)
    "eight_inside": (_TIED, 2.5, 1.25),
    "twenty_on_the_floor": (_TWENTY, 2.5, 0.0),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_terms_at_one_point_get_labels_that_do_not_overlap_and_name_or_count_each(case):
    tied, a, b = _CASES[case]
    table = _keyness(tied, a, b)
    fig = plot_term_scatter(table, n_labels=30)
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    labels = _labels(fig)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for (i, p), (j, q) in combinations(enumerate(boxes), 2):
        assert not p.overlaps(q), (labels[i].get_text(), labels[j].get_text())
    # every term is named once or counted, and no label names a term twice
    named, counted = _named_and_counted(labels)
    assert len(named) == len(set(named))
    assert set(named) <= set(table["term"])
    assert len(named) + counted == len(table)
    # the tied terms share one label, cut to STACK_LINES lines, names in term order
    from textkit.plots._placement import STACK_LINES

    stacked = [t for t in labels if "\n" in t.get_text()]
    assert len(stacked) == 1
    lines = stacked[0].get_text().split("\n")
    assert len(lines) == STACK_LINES
    assert lines[:-1] == sorted(tied)[: STACK_LINES - 1]
    assert lines[-1] == f"+{len(tied) - STACK_LINES + 1} more"
    # the table behind the figure: named terms are labelled, every tied term has the label's place
    data = fig.textkit_data.set_index("term")
    assert set(data.index[data["labelled"]]) == set(named)
    tied_rows = data.loc[tied]
    assert tied_rows["label_x"].nunique() == 1 and tied_rows["label_y"].nunique() == 1


def test_stacked_labels_do_not_depend_on_the_row_order():
    table = _keyness(_TIED, 2.5, 1.25)
    shuffled = table.sample(frac=1.0, random_state=7).reset_index(drop=True)
    first, second = plot_term_scatter(table), plot_term_scatter(shuffled)
    assert [t.get_text() for t in _labels(first)] == [t.get_text() for t in _labels(second)]
    assert [t.get_position() for t in _labels(first)] == [t.get_position() for t in _labels(second)]


def test_two_terms_at_a_point_keep_their_own_labels():
    table = _keyness(_TIED[:2], 2.5, 1.25)
    fig = plot_term_scatter(table)
    texts = sorted(t.get_text() for t in _labels(fig))
    assert texts == sorted([*_TIED[:2], "公共服务", "村民自治", "治安"])
    assert fig.textkit_data["labelled"].all()


def test_a_stacked_label_counts_the_terms_past_the_labelled_ones():
    # ten terms share a point; only the three most key (then by term) are labelled
    table = _keyness([f"术语{i}" for i in range(10)], 2.5, 1.25).assign(
        g2=lambda d: d["g2"].where(~d["term"].str.startswith("术语"), 20.0)
    )
    fig = plot_term_scatter(table, n_labels=3)
    assert [t.get_text() for t in _labels(fig)] == ["术语0\n术语1\n术语2\n+7 more"]
    data = fig.textkit_data
    assert sorted(data["term"][data["labelled"]]) == ["术语0", "术语1", "术语2"]


def test_stack_label():
    from textkit.plots._placement import STACK_LINES, stack_label

    assert stack_label(["甲"]) == ("甲", 1)
    assert stack_label(["甲", "乙"], total=5) == ("甲\n乙\n+3 more", 2)
    five = [str(i) for i in range(STACK_LINES)]
    assert stack_label(five) == ("\n".join(five), STACK_LINES)
    text, n = stack_label([*five, "x"])
    assert n == STACK_LINES - 1 and text.split("\n")[-1] == "+2 more"
    with pytest.raises(ValueError):
        stack_label([])
    with pytest.raises(ValueError):
        stack_label(["甲", "乙"], total=1)


# --- cleaning heat map: annotation contrast on any data range -------------------------------


def _luminance(rgb) -> float:
    c = np.asarray(rgb, dtype=float)[:3]
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def _contrast(a, b) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _docs(logs: dict[str, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"page_id": list(logs), "clean_log": [json.dumps(v) for v in logs.values()]}
    )


_TABLES = {
    **{f"one_cell_{v}": {"p1": {"nbsp": v}} for v in (1, 2, 3, 9, 40, 5000)},
    **{
        f"constant_{v}": {p: {"nbsp": v, "width": v, "opencc": v} for p in ("p1", "p2")}
        for v in (1, 3, 12, 800)
    },
    "one_row": {f"p{i}": {"nbsp": v} for i, v in enumerate((1, 2, 5, 30, 400, 6000))},
    "one_column": {"p1": {f"rule{i}": v for i, v in enumerate((1, 4, 60, 2000))}},
}


def _assert_readable(fig, expected: int) -> None:
    """Every number written on the heat map of ``fig`` contrasts 3:1 with its cell as drawn."""
    canvas = FigureCanvasAgg(fig)
    with use_style():
        canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba(), dtype=float)[..., :3] / 255
    height = pixels.shape[0]
    ax = fig.axes[0]
    texts = ax.texts
    assert len(texts) == expected
    for text in texts:
        j, i = text.get_position()
        # the cell as drawn: a pixel near its corner, away from the count
        x, y = ax.transData.transform((j - 0.35, i - 0.35))
        cell = pixels[int(round(height - y)), int(round(x))]
        box = text.get_window_extent()
        assert not box.contains(x, y)
        ratio = _contrast(mcolors.to_rgb(text.get_color()), cell)
        assert ratio >= 3.0, (text.get_text(), text.get_color(), cell.round(2), ratio)


@pytest.mark.parametrize("name", sorted(_TABLES))
def test_cleaning_counts_contrast_with_the_cell_they_sit_on(name):
    expected = sum(v > 0 for log in _TABLES[name].values() for v in log.values())
    _assert_readable(plot_cleaning(_docs(_TABLES[name])), expected)


_CONFUSIONS = {
    "diagonal": [[40, 2, 1], [3, 25, 0], [0, 4, 9]],
    "one_dominant": [[200, 0, 0], [1, 1, 0], [0, 0, 1]],
    "constant": [[5, 5, 5], [5, 5, 5], [5, 5, 5]],
    "all_zero_but_one": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("name", sorted(_CONFUSIONS))
def test_confusion_counts_contrast_with_the_cell_they_sit_on(name, normalize):
    from textkit.plots.validation import plot_confusion

    labels = ["stability", "service_law", "neither"]
    confusion = pd.DataFrame(_CONFUSIONS[name], index=labels, columns=labels)
    _assert_readable(plot_confusion(confusion, normalize=normalize), 9)
