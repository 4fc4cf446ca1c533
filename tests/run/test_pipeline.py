"""`textkit reproduce`: notebooks are executed only when what they depend on changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from textkit.plots import read_manifest
from textkit.run.pipeline import reproduce

SEED = Path(__file__).resolve().parents[2] / "corpus" / "raw" / "003_4542067cb4fbbdc2.txt"

_NOTEBOOK = """# %% tags=["parameters"]
import textkit as tk
from textkit.plots import new_figure, use_style

cfg = tk.load_config()
prov = tk.provenance(cfg).as_dict()

# %%
docs = tk.build_corpus(cfg.resolve("corpus/raw")).documents
with use_style():
    fig, ax = new_figure()
    ax.barh(docs["doc_id"].str[-2:], docs["n_chars"])
    ax.set_title("{title}")
tk.save_figure(fig, "{name}", notebook="{stem}", provenance=prov, formats=("png",));
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A tiny project: one seed page, two notebooks that each save one figure."""
    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "corpus" / "raw" / SEED.name)
    (tmp_path / "textkit.toml").write_text('[corpus]\nraw_dir = "corpus/raw"\n', encoding="utf-8")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for stem, title in (("01_a", "文章长度"), ("02_b", "字数")):
        (nbs / f"{stem}.py").write_text(
            _NOTEBOOK.format(title=title, name=f"fig_{stem}", stem=stem), encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    return tmp_path


def _outputs(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for d in ("figures", "notebooks")
        for p in sorted((root / d).glob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_reproduce_reuses_up_to_date_notebooks_and_reruns_changed_ones(project):
    first = reproduce(project / "textkit.toml", jobs=2)
    assert sorted(p.stem for p in first.notebooks) == ["01_a", "02_b"] and not first.reused
    # the corpus files written, also when notebooks run (not the settings' own files)
    assert first.corpus_files and all(p.is_file() for p in first.corpus_files)
    assert "documents.parquet" in {p.name for p in first.corpus_files}
    manifest = read_manifest(project / "figures")
    assert sorted(manifest["figure"]) == ["fig_01_a", "fig_02_b"]  # no entry lost in parallel
    made = _outputs(project)

    warm = reproduce(project / "textkit.toml")
    assert warm.notebooks == () and warm.reused == ("01_a", "02_b")

    (project / "figures" / "fig_02_b.png").unlink()  # an output is gone: rerun its notebook
    again = reproduce(project / "textkit.toml")
    assert [p.stem for p in again.notebooks] == ["02_b"] and again.reused == ("01_a",)
    assert _outputs(project) == made  # serial and parallel runs write the same bytes

    src = project / "notebooks" / "01_a.py"
    src.write_text(src.read_text(encoding="utf-8").replace("文章长度", "长度"), encoding="utf-8")
    edited = reproduce(project / "textkit.toml")
    assert [p.stem for p in edited.notebooks] == ["01_a"] and edited.reused == ("02_b",)

    forced = reproduce(project / "textkit.toml", force=True, only=("02",))
    assert [p.stem for p in forced.notebooks] == ["02_b"]


def test_an_executed_notebook_deleted_in_a_named_folder_runs_again(project):
    """[project] notebooks = "nbs": the executed notebooks beside their sources are outputs
    of their notebook like its figures."""
    (project / "notebooks").rename(project / "nbs")
    (project / "textkit.toml").write_text(
        '[project]\nnotebooks = "nbs"\n[corpus]\nraw_dir = "corpus/raw"\n', encoding="utf-8"
    )
    first = reproduce(project / "textkit.toml")
    assert [p.stem for p in first.notebooks] == ["01_a", "02_b"]
    executed = project / "nbs" / "02_b.ipynb"
    assert executed.is_file() and not (project / "notebooks").exists()
    assert reproduce(project / "textkit.toml").reused == ("01_a", "02_b")
    executed.unlink()
    again = reproduce(project / "textkit.toml")
    assert [p.stem for p in again.notebooks] == ["02_b"] and again.reused == ("01_a",)
    assert executed.is_file()


def test_reproduce_refuses_zero_jobs(project):
    with pytest.raises(ValueError, match="jobs: expected an integer >= 1 or -1"):
        reproduce(project / "textkit.toml", jobs=0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_failing_notebook_leaves_every_output_as_it_was(project, jobs, output_tree):
    from textkit.run.notebooks import NotebookError

    reproduce(project / "textkit.toml", jobs=jobs)
    before = output_tree(project)
    assert "figures/fig_01_a.png" in before and "notebooks/02_b.ipynb" in before
    # 01_a now draws a different figure (it would overwrite fig_01_a), 02_b fails after
    # writing its figure: nothing of either may reach the project
    src = project / "notebooks" / "01_a.py"
    src.write_text(src.read_text(encoding="utf-8").replace("文章长度", "篇幅"), encoding="utf-8")
    bad = project / "notebooks" / "02_b.py"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n# %%\nraise RuntimeError('boom')\n")
    with pytest.raises(NotebookError, match="02_b"):
        reproduce(project / "textkit.toml", jobs=jobs)
    assert output_tree(project) == before
    assert not list(project.glob(".figures.old-*"))
    # once the notebook is fixed, both outputs are made and swapped in
    bad.write_text(bad.read_text(encoding="utf-8").replace("raise RuntimeError('boom')", "1"))
    reproduce(project / "textkit.toml", jobs=jobs)
    after = output_tree(project)
    assert after["figures/fig_01_a.png"] != before["figures/fig_01_a.png"]


def test_interrupted_swap_is_repaired_by_the_next_run(project, output_tree):
    reproduce(project / "textkit.toml")
    before = output_tree(project)
    (project / "figures").rename(project / ".figures.old-12345")  # killed between two renames
    assert not (project / "figures").exists()
    reproduce(project / "textkit.toml")
    assert output_tree(project) == before and not list(project.glob(".figures.old-*"))


def test_a_lexicon_edited_in_place_runs_the_notebooks_again(project):
    """``[frames] lexicon`` names a file: the settings hash covers its path, the notebooks'
    stamps its content too, so an edited lexicon never leaves stale figures behind."""
    from textkit.core.config import load_config
    from textkit.run.pipeline import setting_files

    lexicon = project / "own.yaml"
    lexicon.write_text(
        "frames:\n  stability:\n    categories:\n      治安防控:\n        terms:\n"
        "          - {term: 巡逻, note: test}\n",
        encoding="utf-8",
    )
    toml = project / "textkit.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '[frames]\nlexicon = "own.yaml"\n', encoding="utf-8"
    )
    first = setting_files(load_config(toml))
    assert list(first) == ["[frames] lexicon own.yaml"]
    assert len(reproduce(toml).notebooks) == 2
    assert reproduce(toml).reused == ("01_a", "02_b")

    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("巡逻", "盘查"), "utf-8")
    assert setting_files(load_config(toml)) != first
    again = reproduce(toml)
    assert sorted(p.stem for p in again.notebooks) == ["01_a", "02_b"] and not again.reused
