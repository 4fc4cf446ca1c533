"""`textkit reproduce`: notebooks are executed only when what they depend on changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from textkit.pipeline import reproduce
from textkit.plots import read_manifest

SEED = Path(__file__).resolve().parents[1] / "corpus" / "raw" / "003_4542067cb4fbbdc2.txt"

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


def test_reproduce_refuses_zero_jobs(project):
    from textkit.config import ConfigError

    with pytest.raises(ConfigError, match="jobs"):
        reproduce(project / "textkit.toml", jobs=0)
