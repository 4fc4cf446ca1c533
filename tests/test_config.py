"""textkit.toml: parsing, unknown settings named, stable hashes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from textkit.config import ConfigError, corpus_hash, load_config, stage_config


@dataclass(frozen=True)
class _Demo:
    k: int = 5
    seeds: tuple[int, ...] = (0,)

    def __post_init__(self):
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")


def _write(tmp_path, text):
    p = tmp_path / "textkit.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_stage_config_reads_table_and_converts_lists(tmp_path):
    cfg = load_config(_write(tmp_path, "[topics]\nk = 7\nseeds = [1, 2]\n"))
    demo = stage_config(_Demo, cfg, "topics")
    assert demo == _Demo(k=7, seeds=(1, 2))
    assert stage_config(_Demo, cfg, "topics", k=9).k == 9
    assert stage_config(_Demo, None, "topics") == _Demo()


def test_unknown_setting_names_file_table_and_key(tmp_path):
    path = _write(tmp_path, "[topics]\nkk = 7\n")
    with pytest.raises(ConfigError, match=r"textkit.toml \[topics\]: unknown setting\(s\) kk"):
        stage_config(_Demo, load_config(path), "topics")


def test_invalid_value_is_reported_with_its_table(tmp_path):
    path = _write(tmp_path, "[topics]\nk = 0\n")
    with pytest.raises(ConfigError, match=r"\[topics\]: k must be >= 1"):
        stage_config(_Demo, load_config(path), "topics")


def test_unknown_table_and_bad_toml_are_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown table\(s\) \[topicz\]"):
        load_config(_write(tmp_path, "[topicz]\nk = 1\n"))
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(_write(tmp_path, "[topics\nk = 1\n"))


def test_hash_ignores_formatting_but_not_values(tmp_path):
    a = load_config(_write(tmp_path, "[topics]\nk = 7\nseeds = [1, 2]\n")).hash
    b = load_config(_write(tmp_path, "[topics]\nseeds = [1,2]   # comment\nk = 7\n")).hash
    c = load_config(_write(tmp_path, "[topics]\nk = 8\nseeds = [1, 2]\n")).hash
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
