"""textkit.toml: parsing, unknown settings named, stable hashes."""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from textkit.core.config import (
    TABLES,
    ConfigError,
    corpus_hash,
    known_keys,
    load_config,
    stage_config,
)

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class _Demo:  # a stage config reading two keys of [topics]
    n_topics: int = 5
    k_grid: tuple[int, ...] = (0,)

    def __post_init__(self):
        if self.n_topics < 1:
            raise ValueError(f"n_topics must be >= 1, got {self.n_topics}")


def _write(tmp_path, text):
    p = tmp_path / "textkit.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_stage_config_reads_table_and_converts_lists(tmp_path):
    cfg = load_config(_write(tmp_path, "[topics]\nn_topics = 7\nk_grid = [1, 2]\n"))
    demo = stage_config(_Demo, cfg, "topics")
    assert demo == _Demo(n_topics=7, k_grid=(1, 2))
    assert stage_config(_Demo, cfg, "topics", n_topics=9).n_topics == 9
    assert stage_config(_Demo, None, "topics") == _Demo()


def test_unknown_setting_names_file_table_and_key(tmp_path):
    # a key of the table that this stage config does not read
    path = _write(tmp_path, "[topics]\npasses = 7\n")
    with pytest.raises(ConfigError, match=r"textkit.toml \[topics\]: unknown setting\(s\) passes"):
        stage_config(_Demo, load_config(path), "topics")


def test_invalid_value_is_reported_with_its_table(tmp_path):
    path = _write(tmp_path, "[topics]\nn_topics = 0\n")
    with pytest.raises(ConfigError, match=r"\[topics\]: n_topics must be >= 1"):
        stage_config(_Demo, load_config(path), "topics")


def test_unknown_key_in_corpus_table_is_refused_on_load(tmp_path):
    path = _write(tmp_path, '[corpus]\nraw_dir = "corpus/raw"\nbogus_key = 1\n')
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path} [corpus]: unknown setting(s) bogus_key")
    assert (
        "valid: analyse, dates, docvars_from, encoding, exclude, flag_off_topic, id, include, input, meta, metadata, metadata_key, out_dir, raw_dir, repeated_min_docs, repeated_paragraphs, sheet, text, title"
        in msg
    )


def test_unknown_key_in_stage_table_is_refused_with_a_suggestion(tmp_path):
    path = _write(tmp_path, "[topics]\nn_topic = 8\n")
    with pytest.raises(
        ConfigError,
        match=r"textkit\.toml \[topics\]: unknown setting\(s\) n_topic \(did you mean n_topics\?\)",
    ):
        load_config(path)
    with pytest.raises(ConfigError, match=r"\[figures\]: unknown setting\(s\) format \(did you"):
        load_config(_write(tmp_path, '[figures]\nformat = ["png"]\n'))
    with pytest.raises(ConfigError, match=r"\[project\]: unknown setting\(s\) sead"):
        load_config(_write(tmp_path, "[project]\nsead = 1\n"))
    # settings of another stage's config belong in that stage's table
    with pytest.raises(ConfigError, match=r"\[split\]: unknown setting\(s\) clean"):
        load_config(_write(tmp_path, "[split]\nclean = {}\n"))


def test_unknown_keys_of_every_table_are_reported_in_one_error(tmp_path):
    path = _write(
        tmp_path,
        '[corpus]\ninptu = "x.csv"\n[topics]\nn_topic = 8\nk_grid = [2]\n[topicz]\nk = 1\n'
        "[frames]\nbootstrap = 10\n",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    lines = str(exc.value).split("\n")
    assert lines[0] == f"{path}: 4 problems:"
    assert lines[1].startswith("  unknown table(s) [topicz] (did you mean topics?); known: ")
    assert lines[2].startswith("  [corpus]: unknown setting(s) inptu (did you mean input?); ")
    assert lines[3].startswith("  [topics]: unknown setting(s) n_topic (did you mean n_topics?)")
    assert lines[4].startswith("  [frames]: unknown setting(s) bootstrap (did you mean ")
    assert len(lines) == 5  # k_grid is a valid key of [topics]: not listed
    assert "k_grid" not in lines[3].split("; valid:")[0]


def test_every_table_accepts_the_fields_of_its_stage_configs():
    """known_keys reads the fields from the source; it must agree with dataclasses.fields."""
    for table, (classes, extra) in TABLES.items():
        fields = set(extra)
        for spec in classes:
            module, _, name = spec.partition(":")
            cls = getattr(importlib.import_module(module), name)
            fields |= {f.name for f in dataclasses.fields(cls)}
        if table == "split":
            fields.discard("clean")  # a CleanConfig, filled from [clean]
        if "random_state" in fields:
            fields.add("seed")  # its old name, still read with a FutureWarning
        assert known_keys(table) == fields, table
    assert {"n_topics", "out_dir", "n_jobs"} <= known_keys("topics")
    assert {"unit", "ego_terms", "weight"} <= known_keys("cooc")  # CoocConfig + NetworkConfig


def test_shipped_textkit_toml_loads_and_every_key_is_known():
    cfg = load_config(ROOT / "textkit.toml")
    for name, table in cfg.sections.items():
        assert set(table) <= known_keys(name), name


def test_unknown_table_and_bad_toml_are_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown table\(s\) \[topicz\]"):
        load_config(_write(tmp_path, "[topicz]\nk = 1\n"))
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(_write(tmp_path, "[topics\nk = 1\n"))


def test_hash_ignores_formatting_but_not_values(tmp_path):
    a = load_config(_write(tmp_path, "[topics]\nn_topics = 7\nk_grid = [1, 2]\n")).hash
    b = load_config(_write(tmp_path, "[topics]\nk_grid = [1,2]   # comment\nn_topics = 7\n")).hash
    c = load_config(_write(tmp_path, "[topics]\nn_topics = 8\nk_grid = [1, 2]\n")).hash
    assert a == b != c


def test_corpus_hash_depends_on_content(tmp_path):
    (tmp_path / "a.txt").write_bytes("维稳".encode())
    h1 = corpus_hash(tmp_path)
    (tmp_path / "a.txt").write_bytes("法治".encode())
    assert corpus_hash(tmp_path) != h1
    with pytest.raises(ConfigError, match="not found"):
        corpus_hash(tmp_path / "missing")


def test_project_config_file_loads():
    cfg = load_config()
    assert cfg.path is not None and cfg.path.name == "textkit.toml"


def test_every_stage_config_is_built_one_way(tmp_path):
    """XConfig.from_project(project, **overrides) for every table's config; overrides win."""
    path = _write(
        tmp_path,
        "[project]\nrandom_state = 7\n[topics]\nn_topics = 5\n[cooc]\nn_nodes = 30\ntop_n = 12\n"
        "[segment]\nuserdict = ['my.dict']\n",
    )
    (tmp_path / "my.dict").write_text("网格化管理 5 n\n", encoding="utf-8")
    project = load_config(path)
    for table, (classes, _) in TABLES.items():
        for spec in classes:
            module, _, name = spec.partition(":")
            cls = getattr(importlib.import_module(module), name)
            assert cls.table == table
            assert cls.from_project(None) == cls()
            built = cls.from_project(project)
            if "random_state" in {f.name for f in dataclasses.fields(cls)}:
                # [project] random_state is the default of every table that does not set it
                assert built.random_state == 7, name
                assert cls.from_project(project, random_state=3).random_state == 3
    from textkit import CoocConfig, SegmenterConfig, TopicConfig
    from textkit.cooc import NetworkConfig

    assert TopicConfig.from_project(project).n_topics == 5
    assert TopicConfig.from_project(project, n_topics=9).n_topics == 9
    # one table, two configs: each takes its own keys
    assert CoocConfig.from_project(project).n_nodes == 30
    assert NetworkConfig.from_project(project).top_n == 12
    # file settings are resolved against the file's folder
    assert SegmenterConfig.from_project(project).userdict == (str(tmp_path / "my.dict"),)
    with pytest.raises(ConfigError, match=r"\[cooc\]: unknown setting\(s\) n_nodez"):
        CoocConfig.from_project(project, n_nodez=3)


def test_a_key_read_directly_is_left_to_its_reader(tmp_path):
    """[validation] codes is read by notebook 05, not by SampleConfig (which refused it)."""
    from textkit.frames.validate import SampleConfig

    project = load_config(_write(tmp_path, '[validation]\ncodes = "coded.csv"\nn = 10\n'))
    assert SampleConfig.from_project(project).n == 10
    with pytest.raises(ConfigError, match=r"\[validation\]: unknown setting\(s\) codes"):
        SampleConfig.from_project(project, codes="coded.csv")  # not an argument of the stage


@pytest.mark.parametrize("seed", ["-1", "1.5", "true", '"8"'])
def test_a_bad_project_seed_is_named_in_project_not_in_the_stage(tmp_path, seed):
    """[project] random_state = -1 was reported as "[dedup]: DedupConfig.random_state", a
    table the file does not have."""
    from textkit import TopicConfig
    from textkit.corpus.dedup import DedupConfig

    project = load_config(_write(tmp_path, f"[project]\nrandom_state = {seed}\n"))
    for cls in (DedupConfig, TopicConfig):
        with pytest.raises(ConfigError) as exc:
            cls.from_project(project)
        assert str(exc.value).startswith(
            f"{tmp_path / 'textkit.toml'} [project] random_state: expected an integer >= 0"
        )
        assert "[dedup]" not in str(exc.value)
    # a stage that sets its own seed does not use it
    own = load_config(
        _write(tmp_path, f"[project]\nrandom_state = {seed}\n[dedup]\nrandom_state = 2\n")
    )
    assert DedupConfig.from_project(own).random_state == 2


def test_seed_is_read_as_random_state_with_a_warning(tmp_path):
    project = load_config(_write(tmp_path, "[project]\nseed = 11\n[lss]\nseed = 5\n"))
    from textkit import LSSConfig
    from textkit.cooc import NetworkConfig

    with pytest.warns(FutureWarning, match=r"\[lss\]: 'seed' is now called 'random_state'"):
        assert LSSConfig.from_project(project).random_state == 5
    with pytest.warns(FutureWarning, match=r"\[project\]: 'seed' is now called 'random_state'"):
        assert NetworkConfig.from_project(project).random_state == 11
    both = load_config(_write(tmp_path, "[lss]\nseed = 5\nrandom_state = 6\n"))
    with pytest.raises(ConfigError, match="both random_state and its old name seed"):
        LSSConfig.from_project(both)
