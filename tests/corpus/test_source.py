"""The project's corpus from [corpus]: raw pages or the researcher's own table or folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from textkit.core.config import ConfigError, corpus_hash, load_config
from textkit.corpus.example import write_example_table
from textkit.corpus.source import build_source, corpus_source, source_hash

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"


def _config(tmp_path: Path, text: str):
    path = tmp_path / "textkit.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_a_table_named_in_the_config_is_read_with_its_options(tmp_path):
    write_example_table(tmp_path / "data" / "policies.csv", n_docs=12, random_state=3)
    config = _config(
        tmp_path,
        '[corpus]\ninput = "data/policies.csv"\nid = "doc_id"\nmeta = ["province", "year"]\n',
    )
    source = corpus_source(config)
    assert source.kind == "input" and source.path == tmp_path / "data" / "policies.csv"
    assert dict(source.options) == {"id": "doc_id", "meta": ("province", "year")}
    build = build_source(source)
    docs = build.documents
    table = pd.read_csv(tmp_path / "data" / "policies.csv", keep_default_na=False)
    # every row accounted for: the empty one rejected, the copies flagged, the rest kept
    assert len(docs) == len(table) - 1
    assert set(docs["doc_id"]) == set(table.loc[table["text"] != "", "doc_id"])
    assert (docs["status"] == "flagged").sum() == 4  # two exact and two traditional copies
    merged = docs.merge(table, on="doc_id", suffixes=("", "_table"))
    assert (merged["province"] == merged["province_table"]).all()
    assert (merged["year"].astype(int) == merged["year_table"]).all()
    assert "county" not in docs.columns  # meta names the variables kept
    assert source_hash(source) == corpus_hash(tmp_path / "data" / "policies.csv")


def test_raw_pages_stay_the_default_source(tmp_path):
    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(RAW / "003_4542067cb4fbbdc2.txt", tmp_path / "corpus" / "raw")
    source = corpus_source(_config(tmp_path, "[corpus]\n"))
    assert source.kind == "pages" and source.path == tmp_path / "corpus" / "raw"
    assert source_hash(source) == corpus_hash(tmp_path / "corpus" / "raw")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[corpus]\ninput = "t.csv"\nraw_dir = "corpus/raw"\n', "either raw_dir"),
        ('[corpus]\ntext = "body"\n', r"\[corpus\] text: read options need `input`"),
        ('[corpus]\ninput = "missing.csv"\n', r"\[corpus\] input: no such file or folder"),
        ('[corpus]\ninput = "t.csv"\nmeta = [1, 2]\n', r"\[corpus\] meta: expected a list"),
        ("[corpus]\ninput = 3\n", r"\[corpus\] input: expected"),
    ],
)
def test_bad_corpus_settings_name_the_table_and_key(tmp_path, table, message):
    (tmp_path / "t.csv").write_text("text\n一段文字\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        corpus_source(_config(tmp_path, table))


def test_corpus_hash_covers_nested_folders_and_single_files(tmp_path):
    (tmp_path / "a" / "2019").mkdir(parents=True)
    (tmp_path / "a" / "2019" / "x.txt").write_text("一", encoding="utf-8")
    (tmp_path / "a" / ".hidden").write_text("ignored", encoding="utf-8")
    first = corpus_hash(tmp_path / "a")
    (tmp_path / "a" / "2019" / "x.txt").write_text("二", encoding="utf-8")
    assert corpus_hash(tmp_path / "a") != first  # a file in a subfolder counts
    (tmp_path / "a" / ".hidden").write_text("still ignored", encoding="utf-8")
    second = corpus_hash(tmp_path / "a")
    (tmp_path / "a" / ".hidden").unlink()
    assert corpus_hash(tmp_path / "a") == second

    # for a flat folder the relative path is the file name: the hash recorded with the seed
    # figures is unchanged
    manifest = pd.read_csv(RAW.parents[1] / "figures" / "manifest.csv")
    assert set(manifest["corpus_hash"]) == {corpus_hash(RAW)}
