"""The notebook runner: deterministic executed notebooks, failures and glyph warnings caught."""

from __future__ import annotations

import pytest

from textkit.notebooks import NotebookError, find_notebooks, run_notebook

_GOOD = """# %% [markdown]
# # 演示

# %% tags=["parameters"]
N = 3

# %%
# %matplotlib inline
import pandas as pd
from textkit.plots import new_figure, use_style

df = pd.DataFrame({"词": ["维稳", "法治", "服务"], "n": [3, 2, N]})
with use_style():
    fig, ax = new_figure()
    ax.bar(df["词"], df["n"])
fig
"""

_MISSING_GLYPH = """# %%
# %matplotlib inline
import matplotlib
from matplotlib.figure import Figure

with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
    fig = Figure()
    fig.subplots().set_title("维稳")
    fig.savefig("/dev/null", format="png")
"""


def test_runner_writes_identical_notebooks_on_rerun(tmp_path):
    src = tmp_path / "01_demo.py"
    src.write_text(_GOOD, encoding="utf-8")
    run = run_notebook(src)
    first = run.notebook.read_bytes()
    assert b"image/png" in first and "维稳".encode() in first
    run_notebook(src)
    assert run.notebook.read_bytes() == first
    assert find_notebooks(tmp_path) == [src]


def test_runner_fails_on_missing_glyph(tmp_path):
    src = tmp_path / "02_bad.py"
    src.write_text(_MISSING_GLYPH, encoding="utf-8")
    with pytest.raises(NotebookError, match="missing"):
        run_notebook(src)
    assert not src.with_suffix(".ipynb").exists()


def test_runner_fails_on_error_naming_the_notebook(tmp_path):
    src = tmp_path / "03_err.py"
    src.write_text("# %%\nraise ValueError('boom')\n", encoding="utf-8")
    with pytest.raises(NotebookError, match="03_err.py"):
        run_notebook(src)


def test_runner_fails_on_output_showing_a_path_of_this_checkout(tmp_path):
    """An executed notebook showing /work/... would differ in every other clone."""
    (tmp_path / "textkit.toml").write_text("", encoding="utf-8")
    src = tmp_path / "04_path.py"
    src.write_text("# %%\nimport pathlib\npathlib.Path.cwd()\n", encoding="utf-8")
    with pytest.raises(NotebookError, match="path of this machine"):
        run_notebook(src)
    assert not src.with_suffix(".ipynb").exists()
