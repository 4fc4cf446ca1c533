"""A researcher's own table, end to end: `textkit --config my.toml reproduce` runs every
notebook of this repository on it and every figure is of that corpus, grouped by its
variables (the acceptance of the bring-your-own-corpus path)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textkit.core.config import CONFIG_ENV, corpus_hash
from textkit.corpus.example import PROVINCE_EFFECT, write_example_table
from textkit.plots import read_manifest
from textkit.run.cli import main

REPO = Path(__file__).resolve().parents[2]


def _settings(corpus: str, trend: str) -> str:
    """A project's textkit.toml: this repository's notebooks on ``[corpus]``, quick."""
    return f"""
[project]
notebooks = "{(REPO / "notebooks").as_posix()}"

[corpus]
{corpus}

[analysis]
groups = ["province", "level"]
trend = "{trend}"

[topics]
k_grid = [3, 4]
n_topics = 4
select_seeds = [0]
stability_seeds = [0, 1]
passes = 5
iterations = 50
n_boot = 200

[frames]
n_boot = 200

[figures]
formats = ["png"]
"""


@pytest.fixture(scope="module")
def table_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("letters")
    write_example_table(root / "data" / "policies.csv", n_docs=80, random_state=11)
    (root / "my.toml").write_text(
        _settings(
            'input = "data/policies.csv"\nid = "doc_id"\nmeta = ["province", "level", "year"]',
            "year",
        ),
        encoding="utf-8",
    )
    return root


@pytest.mark.slow
def test_reproduce_on_a_table_makes_every_figure_of_that_corpus(table_project, monkeypatch):
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    monkeypatch.chdir(table_project)
    assert main(["-q", "--config", str(table_project / "my.toml"), "reproduce", "--jobs", "2"]) == 0

    manifest = read_manifest(table_project / "figures")
    # every notebook ran and wrote its figures here, all of this corpus and this config
    assert set(manifest["notebook"]) == {
        "00_overview", "01_corpus", "02_segmentation", "03_topics", "04_networks", "05_framing"
    }  # fmt: skip
    assert set(manifest["corpus_hash"]) == {corpus_hash(table_project / "data" / "policies.csv")}
    figures = set(manifest["figure"])
    for name in ("province", "level"):
        assert {
            f"seg_terms_by_{name}",
            f"topics_prevalence_{name}",
            f"frames_groups_{name}",
        } <= figures
    assert {"topics_prevalence_year", "frames_trend_year"} <= figures
    assert not any("page" in f or "genre" in f for f in figures)  # nothing of the seed corpus
    for nb in ("00_overview", "03_topics", "05_framing"):
        assert (table_project / "notebooks" / f"{nb}.ipynb").is_file()

    # the planted province effect is what the frame estimates recover: the most
    # stability-leaning province lowest, the most service-leaning highest, apart
    groups = pd.read_csv(table_project / "results" / "frames" / "frame_groups.csv")
    balance = groups[(groups["variable"] == "province") & (groups["measure"] == "balance")]
    balance = balance.set_index("group")
    planted = sorted(PROVINCE_EFFECT, key=lambda p: -PROVINCE_EFFECT[p][0])  # most stability first
    assert balance["estimate"].idxmin() == planted[0]
    assert balance["estimate"].idxmax() == planted[-1]
    assert balance.loc[planted[0], "hi"] < balance.loc[planted[-1], "lo"]


@pytest.mark.slow
def test_a_date_column_is_traced_by_year_in_the_notebooks(tmp_path, monkeypatch):
    """[corpus] dates and [analysis] trend: notebooks 03 and 05 trace a scraped 发布时间
    column by calendar year and count the documents without a date."""
    from textkit.corpus.build import load_corpus
    from textkit.corpus.select import analysed_documents

    write_example_table(tmp_path / "p.csv", n_docs=60, random_state=11)
    table = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    forms = ("{y}年3月5日", "{y}/06/07", "{y}-3-5 10:22", "{y}年11月", "{y}0909")
    table["发布时间"] = [forms[i % 5].format(y=y) if y else "" for i, y in enumerate(table["year"])]
    table.loc[[3, 11, 19], "发布时间"] = ["", "不详", ""]
    table.to_csv(tmp_path / "p.csv", index=False)
    corpus = 'input = "p.csv"\nid = "doc_id"\nmeta = ["province", "level", "发布时间"]\n'
    (tmp_path / "my.toml").write_text(
        _settings(corpus + 'dates = ["发布时间"]', "发布时间"), encoding="utf-8"
    )
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    argv = ["-q", "--config", str(tmp_path / "my.toml"), "reproduce", "--only", "03", "05"]
    assert main(argv) == 0

    assert {"topics_prevalence_发布时间", "frames_trend_发布时间"} <= set(
        read_manifest(tmp_path / "figures")["figure"]
    )
    docs = analysed_documents(load_corpus(tmp_path / "corpus" / "processed"), "kept")
    trend = pd.read_csv(tmp_path / "results" / "frames" / "frame_trend_发布时间.csv")
    assert sorted(trend["group"].unique()) == sorted(docs["发布时间"].dt.year.dropna().unique())
    assert (trend["missing_left_out"] == docs["发布时间"].isna().sum()).all()
    assert docs["发布时间"].isna().sum() >= 2
