"""Category tick labels stay readable whatever their number and length: long Chinese source
names are wrapped at word boundaries, many are turned, and no two labels overlap once the
figure is drawn by Agg; short labels ("Page 1" …) stay as they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.path import Path as MplPath

from textkit.plots import use_style
from textkit.plots.corpus import plot_cleaning, plot_corpus_composition
from textkit.plots.frames import plot_frame_intensity
from textkit.plots.vocab import plot_group_rates

#: A user's five sources: long names, no spaces.
SOURCES = [
    "临江县人民政府网",
    "临江县委政法委",
    "青山镇政务公开栏",
    "临江县司法局官方微信公众号",
    "青山镇人民政府",
]
#: Fifteen: too many to wrap side by side on a single-column figure.
MANY = [f"{name}{k}" for k in range(1, 4) for name in SOURCES]
#: Eight long names on a single column: wrapped over three lines they are still too wide.
EIGHT = [f"{name}{k}" for k in (1, 2) for name in SOURCES[:4]]


def _draw(fig) -> None:
    with use_style():
        FigureCanvasAgg(fig).draw()


def _shown(ax) -> list:
    """The x tick labels a reader sees (bottom or top of the axes)."""
    return [
        label
        for tick in ax.xaxis.get_major_ticks()
        for label in (tick.label1, tick.label2)
        if label.get_visible() and label.get_text()
    ]


def _outline(text) -> MplPath:
    """The label's own rectangle in display units, turned with it (not its upright box)."""
    angle = text.get_rotation()
    text.set_rotation(0)
    box = text.get_window_extent()
    text.set_rotation(angle)
    box = box.padded(-0.5)  # labels that only touch do not overlap
    anchor = text.get_transform().transform(text.get_unitless_position())
    if text.get_rotation_mode() != "anchor":
        anchor = np.array([box.x0 + box.x1, box.y0 + box.y1]) / 2
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    t = np.radians(angle)
    turn = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return MplPath((corners - anchor) @ turn.T + anchor, closed=False)


def _overlapping(ax) -> list[tuple[str, str]]:
    labels = _shown(ax)
    outlines = [_outline(t) for t in labels]
    return [
        (labels[i].get_text(), labels[j].get_text())
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
        if outlines[i].intersects_path(outlines[j], filled=True)
    ]


def _names(ax) -> list[str]:
    """The labels with their line breaks taken out."""
    return [t.get_text().replace("\n", "") for t in _shown(ax)]


def _docs_by(seed_docs, names: list[str]) -> pd.DataFrame:
    """The seed corpus's articles, each given one of ``names`` as its source, in turn."""
    return seed_docs.assign(source=[names[i % len(names)] for i in range(len(seed_docs))])


def _rates_table(names: list[str]) -> pd.DataFrame:
    table = pd.DataFrame({"term": ["维稳", "法治", "服务型政府"], "tf": [0, 0, 0]})
    for k, name in enumerate(names):
        table[f"tf_{name}"] = [10 + k, 5 + k % 3, 2]
    table["tf"] = table.filter(like="tf_").sum(axis=1)
    return table


def _scores(names: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3 * len(names)
    stability, service = rng.uniform(0, 60, n), rng.uniform(0, 60, n)
    return pd.DataFrame(
        {
            "source": [name for name in names for _ in range(3)],
            "n_tokens": 200,
            "stability": stability,
            "service_law": service,
            "balance": (service - stability) / (service + stability),
        }
    )


def _figures(seed_docs, names: list[str]) -> dict:
    docs = _docs_by(seed_docs, names)
    return {
        "composition": plot_corpus_composition(docs, by="source"),
        "cleaning": plot_cleaning(docs, by="source"),
        "group_rates": plot_group_rates(_rates_table(names), n=3),
        "intensity": plot_frame_intensity(_scores(names), by="source"),
    }


def test_long_source_names_are_wrapped_at_word_boundaries_short_ones_left_alone(seed_docs):
    for name, fig in _figures(seed_docs, SOURCES).items():
        _draw(fig)
        ax = fig.axes[0]
        labels = _shown(ax)
        assert _overlapping(ax) == [], name
        assert all(t.get_rotation() == 0 for t in labels), name
        assert any("\n" in t.get_text() for t in labels), name
        shown = _names(ax)
        if name == "group_rates":  # the group's tokens follow its name: "name\n(1,234)"
            shown = [s[: s.rindex("(")] for s in shown]
        assert shown == sorted(SOURCES) or shown == SOURCES, name
        # word boundaries: 人民政府 and 政法委 are never split over two lines
        lines = [line for t in labels for line in t.get_text().split("\n")]
        assert "人民政府网" in lines or "人民政府" in " ".join(lines), name
        assert not any(line.endswith(("人民", "政法")) for line in lines), (name, lines)
    # the seed corpus's pages fit side by side: no wrapping, no turning
    for fig in (plot_corpus_composition(seed_docs), plot_cleaning(seed_docs)):
        _draw(fig)
        labels = _shown(fig.axes[0])
        assert [t.get_text() for t in labels] == [f"Page {k}" for k in range(1, 6)]
        assert all(t.get_rotation() == 0 and t.get_ha() == "center" for t in labels)


#: The angle each figure's labels take: wrapped (0) while they fit over three lines (the
#: double-column figures have more room), else 45°, else 90° (two-line labels are thicker).
_ANGLES = {
    "eight": {"composition": 45, "cleaning": 0, "group_rates": 0, "intensity": 45},
    "fifteen": {"composition": 90, "cleaning": 45, "group_rates": 90, "intensity": 90},
}


@pytest.mark.parametrize(("names", "case"), [(EIGHT, "eight"), (MANY, "fifteen")])
def test_many_long_names_are_turned_and_never_overlap(seed_docs, names, case):
    for name, fig in _figures(seed_docs, names).items():
        _draw(fig)
        ax = fig.axes[0]
        labels = _shown(ax)
        assert {t.get_rotation() for t in labels} == {_ANGLES[case][name]}, name
        assert _overlapping(ax) == [], name
        assert len(set(_names(ax))) == len(names), name  # every name whole, none lost


def test_turned_labels_leave_the_panel_its_height(seed_docs):
    """The figure grows by what the labels take, so the bars are not squeezed flat."""
    short = plot_corpus_composition(seed_docs)  # "Page 1" … "Page 5"
    turned = plot_corpus_composition(_docs_by(seed_docs, MANY), by="source")
    _draw(short)
    _draw(turned)
    height = [f.axes[0].get_window_extent().height for f in (short, turned)]
    assert height[1] >= 0.9 * height[0], height
