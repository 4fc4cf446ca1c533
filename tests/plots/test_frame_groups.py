"""The group and trend figures of frame estimates (plot_frame_groups, plot_frame_trend):
what they draw, the data they carry, Chinese group labels, and what they refuse."""

from __future__ import annotations

import os
import warnings

import matplotlib.text as mtext
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit.core.errors import InvalidParameterError
from textkit.frames.groups import frame_groups
from textkit.plots import FRAME_LABELS, save_figure
from textkit.plots.frames import plot_frame_groups, plot_frame_trend


def _scores(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """A score-like table: provinces and years; the service share grows over the years."""
    rng = np.random.default_rng(seed)
    year = 2010 + np.arange(n) % 6
    tokens = rng.integers(300, 1500, n)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(n)],
            "province": np.array(["广东", "浙江", "四川"])[np.arange(n) % 3],
            "year": year,
            "n_tokens": tokens,
            "n_stability": rng.poisson(tokens * (40 - 5 * (year - 2010)) / 1000).astype(float),
            "n_service_law": rng.poisson(tokens * (10 + 5 * (year - 2010)) / 1000).astype(float),
        }
    )


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(mtext.Text) if t.get_visible() and t.get_text()]


def test_groups_figure_labels_chinese_groups_with_their_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    table = frame_groups(_scores(), "province", n_boot=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would raise
        fig = plot_frame_groups(table)
        save_figure(fig, "groups", outdir=tmp_path / "out", formats=("png",))
    assert isinstance(fig, Figure)
    assert sorted(os.listdir(tmp_path)) == ["out"]  # the plot itself writes nothing
    texts = _texts(fig)
    for g in ("广东", "浙江", "四川"):
        assert f"{g} (n = 20)" in texts
    assert FRAME_LABELS["stability"] in texts and FRAME_LABELS["service_law"] in texts
    assert len(fig.axes) == 2
    data = fig.textkit_data
    assert set(data["measure"]) == {"stability", "service_law", "balance"}
    assert data["group"].drop_duplicates().tolist() == ["四川", "广东", "浙江"]
    written = pd.read_csv(tmp_path / "out" / "groups.csv")
    assert len(written) == len(data)


def test_trend_figure_draws_bands_and_document_counts():
    table = frame_groups(_scores(), "year", n_boot=200)
    fig = plot_frame_trend(table)
    top, bottom = fig.axes
    # a band per frame above, one for the balance below
    assert len(top.collections) >= 2 and len(bottom.collections) >= 1
    assert [line.get_xdata().tolist() for line in top.lines[:2]] == [list(range(2010, 2016))] * 2
    assert [t.get_text() for t in bottom.texts] == ["10"] * 6
    assert any(line.get_ydata()[0] == 0 for line in bottom.lines)  # the zero line
    data = fig.textkit_data
    assert pd.api.types.is_integer_dtype(data["group"])
    assert data["group"].is_monotonic_increasing


def test_figures_carry_rounded_data_and_ignore_other_measures():
    table = frame_groups(_scores(), "year", n_boot=100)
    noisy = table.assign(estimate=table["estimate"] * (1 + 3e-13))
    a, b = plot_frame_trend(table), plot_frame_trend(noisy)
    pd.testing.assert_frame_equal(a.textkit_data, b.textkit_data, check_exact=True)
    assert "mean_balance" not in set(a.textkit_data["measure"])


def test_figures_refuse_what_they_cannot_draw():
    scores = _scores()
    by_province = frame_groups(scores, "province", n_boot=0)
    with pytest.raises(InvalidParameterError, match="not numbers or dates"):
        plot_frame_trend(by_province)
    both = pd.concat([by_province, frame_groups(scores, "year", n_boot=0)])
    with pytest.raises(InvalidParameterError, match="name one"):
        plot_frame_groups(both)
    fig = plot_frame_trend(both, variable="year")
    assert set(fig.textkit_data["variable"]) == {"year"}
    with pytest.raises(InvalidParameterError, match="missing column"):
        plot_frame_groups(by_province.drop(columns="lo"))


def _hollow_points(ax) -> list[tuple[float, float]]:
    """Data points drawn with a white face (estimates without an interval)."""
    from matplotlib.collections import PathCollection

    out = []
    for c in ax.collections:
        if isinstance(c, PathCollection) and len(c.get_offsets()):
            faces = c.get_facecolors()
            if len(faces) and np.allclose(faces[:, :3], 1.0):
                out += [tuple(map(float, xy)) for xy in c.get_offsets()]
    return out


def test_points_without_an_interval_are_hollow_and_said_so():
    scores = _scores()
    few = scores[(scores["year"] != 2015) | (scores["doc_id"] == "d005")]  # 2015: 1 document
    table = frame_groups(few, "year", n_boot=200)
    fig = plot_frame_trend(table)
    top, bottom = fig.axes
    assert [x for x, _ in _hollow_points(bottom)] == [2015.0]
    assert sorted(x for x, _ in _hollow_points(top)) == [2015.0, 2015.0]
    assert "hollow" in bottom.get_xlabel()
    groups = frame_groups(few.assign(year=few["year"].astype(str)), "year", n_boot=200)
    left, right = plot_frame_groups(groups).axes
    assert len(_hollow_points(right)) == 1 and len(_hollow_points(left)) == 2
    assert "hollow" in left.get_xlabel()
    # every point with an interval: filled markers and no note
    full = plot_frame_trend(frame_groups(scores, "year", n_boot=200))
    assert not any(_hollow_points(ax) for ax in full.axes)
    assert "hollow" not in full.axes[1].get_xlabel()


def test_trend_figure_says_how_many_documents_have_no_value():
    scores = _scores()
    scores["year"] = scores["year"].astype("Int64")
    scores.loc[::10, "year"] = pd.NA  # six documents without a year
    table = frame_groups(scores, "year", n_boot=0)
    assert (table["missing_left_out"] == 6).all()
    label = plot_frame_trend(table).axes[1].get_xlabel()
    assert label.endswith("\n6 documents without a value of year left out")
    whole = plot_frame_trend(frame_groups(_scores(), "year", n_boot=0))
    assert "left out" not in whole.axes[1].get_xlabel()
    # a date column grouped by year says it too
    dated = scores.assign(when=pd.to_datetime(scores["year"].astype("string") + "-07-01"))
    by_date = frame_groups(dated, "when", freq="Y", n_boot=0)
    label = plot_frame_trend(by_date).axes[1].get_xlabel()
    assert label.endswith("\n6 documents without a value of when left out")


def test_groups_figure_says_how_many_documents_had_no_value():
    scores = _scores()
    scores["province"] = scores["province"].where(scores.index % 10 != 0)  # 6 without one
    left, _ = plot_frame_groups(frame_groups(scores, "province", n_boot=50)).axes
    assert "6 documents without a value of province left out" in left.get_xlabel()
    left, _ = plot_frame_groups(frame_groups(_scores(), "province", n_boot=50)).axes
    assert "left out" not in left.get_xlabel()


def test_groups_figure_marks_a_group_one_document_dominates(tmp_path):
    scores = _scores()
    long = scores.index[scores["province"] == "四川"][0]  # one annal as long as 50 notices
    scores.loc[long, ["n_tokens", "n_stability", "n_service_law"]] = [50_000, 0.0, 1000.0]
    table = frame_groups(scores, "province", n_boot=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the marks are glyphs of the CJK font
        fig = plot_frame_groups(table)
        save_figure(fig, "groups", outdir=tmp_path, formats=("png",))
    left, right = fig.axes
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert labels == ["四川 (n = 20) †", "广东 (n = 20)", "浙江 (n = 20)"]
    assert "†: one document holds over 50% of the" in left.get_xlabel()
    # the balance panel adds the documents' mean balance of the dominated group alone: the
    # pooled balance is the annal's (all service), the mean weighs its 19 others alike
    mean = table.query("group == '四川' and measure == 'mean_balance'")["estimate"].item()
    pooled = table.query("group == '四川' and measure == 'balance'")["estimate"].item()
    assert pooled > 0.5 and mean < pooled - 0.3
    diamond = right.collections[-1]  # drawn last, over the pooled estimates
    assert np.round(diamond.get_offsets(), 4).tolist() == [[round(mean, 4), 0.0]]
    assert len(diamond.get_facecolors()) == 0  # hollow
    assert "◇, † groups: mean of the" in right.get_xlabel()
    shown = fig.textkit_data.query("measure == 'mean_balance'")
    assert shown["group"].tolist() == ["四川"]
    assert shown["estimate"].tolist() == pytest.approx([mean], abs=1e-6)
    # no group dominated: no mark, no note, no diamond
    plain_fig = plot_frame_groups(frame_groups(_scores(), "province", n_boot=50))
    plain, plain_right = plain_fig.axes
    assert not any("†" in t.get_text() for t in plain.get_yticklabels())
    assert "†" not in plain.get_xlabel() and "◇" not in plain_right.get_xlabel()
    assert "mean_balance" not in set(plain_fig.textkit_data["measure"])


def test_trend_legend_and_label_stay_clear_of_the_panels():
    few = _scores()
    few = few[(few["year"] != 2015) | (few["doc_id"] == "d005")]
    fig = plot_frame_trend(frame_groups(few, "year", n_boot=50))
    fig.canvas.draw()
    top, bottom = fig.axes
    legend = top.get_legend().get_window_extent()
    assert legend.y0 >= top.get_window_extent().y1 - 1  # above the panel: hides no point
    label = bottom.xaxis.label.get_window_extent()
    assert label.width <= bottom.get_window_extent().width  # lines no wider than the panel


def test_an_interval_between_points_without_one_is_drawn_as_a_bar():
    """2011 and 2013 have no interval (one document each): 2010 and 2012, each with an
    interval but no neighbour with one, cannot have a band, so a vertical bar shows their
    interval; 2014-2015 keep their band."""
    from matplotlib.collections import LineCollection

    scores = _scores()
    keep = ~scores["year"].isin([2011, 2013]) | scores["doc_id"].isin(["d001", "d003"])
    table = frame_groups(scores[keep], "year", n_boot=200)
    fig = plot_frame_trend(table)
    rows = fig.textkit_data
    for ax, measures in zip(fig.axes, (("stability", "service_law"), ("balance",)), strict=True):
        bars = [c for c in ax.collections if isinstance(c, LineCollection)]
        segments = [seg for c in bars for seg in c.get_segments()]
        wanted = [(m, year) for m in measures for year in (2010, 2012)]
        assert len(segments) == len(wanted)
        for (m, year), seg in zip(wanted, segments, strict=True):
            row = rows[(rows["measure"] == m) & (rows["group"] == year)].iloc[0]
            assert seg[:, 0].tolist() == [year, year]
            assert sorted(seg[:, 1].tolist()) == pytest.approx([row["lo"], row["hi"]])
    # every point with an interval: bands only
    full = plot_frame_trend(frame_groups(scores, "year", n_boot=200))
    assert not any(isinstance(c, LineCollection) for ax in full.axes for c in ax.collections)
