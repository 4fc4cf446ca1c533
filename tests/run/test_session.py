"""The notebook preamble and the config path reaching every notebook kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from textkit.core.config import CONFIG_ENV, corpus_hash, load_config
from textkit.core.errors import ConfigError
from textkit.plots import read_manifest
from textkit.run import start_notebook
from textkit.run.cli import main

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"

_NOTEBOOK = """# %% tags=["parameters"]
from textkit.plots import new_figure, use_style
from textkit.run import start_notebook

nb = start_notebook("01_pages")

# %%
docs = nb.analysed(nb.build_corpus().documents)
with use_style():
    fig, ax = new_figure()
    ax.barh(docs["doc_id"], docs["n_chars"])
nb.save_figure(fig, "pages", data=docs[["doc_id", "n_chars"]]);
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A project with two raw folders, its own textkit.toml and another config beside it."""
    for folder, page in (
        ("corpus/raw", "003_4542067cb4fbbdc2.txt"),
        ("other/raw", "002_3b4db8ce04b1998a.txt"),
    ):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(RAW / page, tmp_path / folder / page)
    (tmp_path / "textkit.toml").write_text(
        '[corpus]\nraw_dir = "corpus/raw"\n[figures]\nformats = ["png"]\n', encoding="utf-8"
    )
    (tmp_path / "alt.toml").write_text(
        '[corpus]\nraw_dir = "other/raw"\nanalyse = "all"\n[figures]\nformats = ["svg", "png"]\n',
        encoding="utf-8",
    )
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_pages.py").write_text(_NOTEBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    return tmp_path


def test_config_given_to_reproduce_reaches_the_notebooks(project):
    assert main(["-q", "--config", str(project / "alt.toml"), "reproduce"]) == 0
    row = read_manifest(project / "figures").set_index("figure").loc["pages"]
    alt = load_config(project / "alt.toml")
    assert row["config_hash"] == alt.hash != load_config(project / "textkit.toml").hash
    assert row["corpus_hash"] == corpus_hash(project / "other" / "raw")
    assert row["corpus_hash"] != corpus_hash(project / "corpus" / "raw")
    assert row["files"] == "pages.svg;pages.png"  # alt's [figures] formats
    data = pd.read_csv(project / "figures" / "pages.csv")
    assert data["doc_id"].str.startswith("002_").all()  # the figure shows alt's corpus

    # the project's own file again: its corpus, its hash, its formats
    assert main(["-q", "reproduce"]) == 0
    row = read_manifest(project / "figures").set_index("figure").loc["pages"]
    assert row["config_hash"] == load_config(project / "textkit.toml").hash
    assert row["files"] == "pages.png"
    assert pd.read_csv(project / "figures" / "pages.csv")["doc_id"].str.startswith("003_").all()


def test_load_config_reads_the_file_named_in_the_environment(project, monkeypatch):
    assert load_config().path == project / "textkit.toml"
    monkeypatch.setenv(CONFIG_ENV, str(project / "alt.toml"))
    assert load_config().path == project / "alt.toml"
    monkeypatch.setenv(CONFIG_ENV, str(project / "missing.toml"))
    with pytest.raises(ConfigError, match="missing.toml"):
        load_config()


def test_start_notebook(project):
    nb = start_notebook("01_pages", project / "alt.toml")
    assert nb.raw_dir == project / "other" / "raw"
    assert nb.formats == ("svg", "png") and nb.analyse == "all"
    assert nb.provenance == {
        "corpus_hash": corpus_hash(project / "other" / "raw"),
        "config_hash": load_config(project / "alt.toml").hash,
    }
    docs = nb.build_corpus().documents
    assert len(nb.analysed(docs)) == int((docs["status"] != "quarantined").sum())
    assert start_notebook("01_pages").formats == ("png",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[figures]\nformats = ["pdf", "jpeg"]\n',
            r"\[figures\] formats: unknown format\(s\) \['jpeg'\]",
        ),
        ('[figures]\nformats = "png"\n', r"\[figures\] formats: expected a non-empty list"),
        ('[corpus]\nanalyse = "everything"\n', r"\[corpus\] analyse: expected one of"),
    ],
)
def test_bad_notebook_settings_are_named(project, table, message):
    path = project / "bad.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        start_notebook("01_pages", path)
