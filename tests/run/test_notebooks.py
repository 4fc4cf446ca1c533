"""The notebook runner: deterministic executed notebooks, failures and glyph warnings caught."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from textkit.run.notebooks import NotebookError, find_notebooks, run_notebook

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


def test_a_warning_shown_in_a_cell_gives_the_same_bytes_on_rerun(tmp_path):
    """A warning shows the kernel's cell file, named by its process id; the runner writes it
    as ``<cell>``, so two runs (two kernels) write the same notebook."""
    src = tmp_path / "05_warns.py"
    src.write_text(
        "# %%\nimport warnings\n\nwarnings.warn('180 seed word(s) dropped', UserWarning)\n",
        encoding="utf-8",
    )
    first = run_notebook(src).notebook.read_bytes()
    assert b"<cell>:3: UserWarning: 180 seed word(s) dropped" in first
    assert b"ipykernel_" not in first
    assert run_notebook(src).notebook.read_bytes() == first


def test_runner_fails_on_missing_glyph(tmp_path):
    src = tmp_path / "02_bad.py"
    src.write_text(_MISSING_GLYPH, encoding="utf-8")
    with pytest.raises(NotebookError, match="missing"):
        run_notebook(src)
    assert not src.with_suffix(".ipynb").exists()


def test_runner_fails_on_error_naming_the_notebook(tmp_path):
    src = tmp_path / "03_err.py"
    src.write_text("# %%\nraise ValueError('boom')\n", encoding="utf-8")
    with pytest.raises(NotebookError, match="03_err.py") as exc:
        run_notebook(src)
    # not a textkit error: the traceback is kept (a bug to find), without colour codes
    assert "ValueError: boom" in str(exc.value) and "Traceback" in str(exc.value)
    assert "\x1b[" not in str(exc.value)


def test_runner_fails_on_output_showing_a_path_of_this_checkout(tmp_path):
    """An executed notebook showing /work/... would differ in every other clone."""
    (tmp_path / "textkit.toml").write_text("", encoding="utf-8")
    src = tmp_path / "04_path.py"
    src.write_text("# %%\nimport pathlib\npathlib.Path.cwd()\n", encoding="utf-8")
    with pytest.raises(NotebookError, match="path of this machine"):
        run_notebook(src)
    assert not src.with_suffix(".ipynb").exists()


def _notebook_showing(*texts: str):
    """A notebook of one cell whose outputs are ``texts`` printed (stream outputs)."""
    import nbformat

    cell = nbformat.v4.new_code_cell("print()")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in texts]
    return nbformat.v4.new_notebook(cells=[cell])


def test_a_path_of_the_checkout_is_refused_only_as_a_whole_path():
    """The checkout /x/audit is a prefix of the corpus folder /x/audit_corpus beside it: a
    warning naming /x/audit_corpus/docs shows no path of the checkout."""
    from pathlib import Path

    from textkit.run.notebooks import _check_outputs

    root, source = Path("/x/audit"), Path("/x/audit/notebooks/05_framing.py")
    _check_outputs(
        _notebook_showing("metadata.csv: not in /x/audit_corpus/docs, …\n"), source, root
    )
    # nor a path that only ends with it (a review)
    _check_outputs(_notebook_showing("read /var/x/audit/data.csv\n"), source, root)
    for shown in ("/x/audit/notebooks\n", "in '/x/audit'", "at /x/audit: 3", "/x/audit"):
        with pytest.raises(
            NotebookError, match=r"cell 0 shows a path of this machine \(/x/audit\)"
        ):
            _check_outputs(_notebook_showing(shown), source, root)


def test_paths_in_the_project_folder_are_written_relative_to_it():
    from pathlib import Path

    from textkit.run.notebooks import _stable_outputs

    nb = _notebook_showing(
        "/x/study/textkit.toml [project]: 'seed' is now called 'random_state'\n",
        "not in /x/study: /x/study_2/docs /y/x/study/docs '/x/study'\n",
    )
    _stable_outputs(nb, Path("/x/study"))
    assert [out["text"] for out in nb.cells[0].outputs] == [
        "textkit.toml [project]: 'seed' is now called 'random_state'\n"
        "not in .: /x/study_2/docs /y/x/study/docs '.'\n",  # other folders left as they are
    ]
    # a doubled separator, and a project at the file system's root (a review)
    nb = _notebook_showing("/x/study//docs/a.csv\n", "ratio 3 / 4\n")
    _stable_outputs(nb, Path("/x/study"))
    assert nb.cells[0].outputs[0]["text"] == "docs/a.csv\nratio 3 / 4\n"
    nb = _notebook_showing("ratio 3 / 4, /docs/a.csv\n")
    _stable_outputs(nb, Path("/"))
    assert nb.cells[0].outputs[0]["text"] == "ratio 3 / 4, /docs/a.csv\n"


def test_printed_lines_are_one_block_however_the_kernel_sent_them():
    """The kernel flushes printed lines in one message or in several: the executed notebook
    stores each run of one stream as one block, so reruns write the same bytes."""
    import nbformat

    from textkit.run.notebooks import _stable_outputs

    lines = ["<cell>:1: UserWarning: 3 rows left out\n", "44 coded paragraphs\n", "done\n"]
    one = _notebook_showing("".join(lines))
    several = _notebook_showing(*lines)
    for nb in (one, several):
        _stable_outputs(nb)
    assert one.cells[0].outputs == several.cells[0].outputs
    assert len(several.cells[0].outputs) == 1
    # streams of another name, and displays between them, keep their place
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stderr", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="c\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "table"}),
        nbformat.v4.new_output("stream", name="stdout", text="d\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    _stable_outputs(nb)
    assert [(o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stdout", "a\n"), ("stderr", "b\nc\n"), (None, None), ("stdout", "d\n"),
    ]  # fmt: skip


def test_a_library_warning_naming_the_projects_file_reads_the_same_on_every_machine(tmp_path):
    """A warning of textkit names the project's textkit.toml by its absolute path; the
    executed notebook names it relative to the project, so it is not refused as a path of
    this machine and reads the same in any folder."""
    config = tmp_path / "textkit.toml"
    config.write_text("[project]\nseed = 3\n", encoding="utf-8")  # the old name of random_state
    src = tmp_path / "06_seed.py"
    src.write_text(
        "# %%\nimport textkit as tk\nfrom textkit.core.config import project_random_state\n\n"
        "project_random_state(tk.load_config())\n",
        encoding="utf-8",
    )
    written = run_notebook(src, config=config).notebook.read_text(encoding="utf-8")
    assert "textkit.toml [project]: 'seed' is now called 'random_state'" in written
    assert str(tmp_path) not in written


def test_runner_is_quiet_and_logs_start_and_end(tmp_path):
    """IPC kernels: no "running over TCP without encryption" warning; one line each end."""
    src = tmp_path / "05_quiet.py"
    src.write_text("# %%\nprint('维稳')\n", encoding="utf-8")
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')\n"
        "from textkit.run.notebooks import run_notebook\n"
        "run_notebook(sys.argv[1])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(src)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "without encryption" not in proc.stderr and "WARNING" not in proc.stderr
    assert "INFO textkit.run.notebooks: 05_quiet started" in proc.stderr
    assert re.search(r"INFO textkit\.run\.notebooks: 05_quiet finished in \d+\.\d s", proc.stderr)
    assert "Executing notebook with kernel" not in proc.stderr  # nbclient's chatter


def test_kernel_falls_back_to_tcp_quietly_when_the_socket_path_is_too_long(tmp_path):
    from textkit.run.notebooks import _kernel_manager

    km, extra = _kernel_manager("python3", str(tmp_path))
    if len(str(tmp_path / "k.json")) + 8 <= 100:  # pytest's tmp_path is short enough here
        assert km.transport == "ipc" and extra == []
        assert km.connection_file.startswith(str(tmp_path))
    km, extra = _kernel_manager("python3", "/tmp/" + "x" * 100)
    assert km.transport == "tcp" and extra == ["--IPKernelApp.log_level=ERROR"]
