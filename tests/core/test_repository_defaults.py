"""The repository's textkit.toml documents the code's defaults.

``examples/table/textkit.toml`` (the file researchers copy) promises that absent tables and keys
take the defaults documented in the repository's ``textkit.toml``. That holds only while every
value of that file is what its reader gives when the key is absent: the default of the stage
config class that reads it, or of the function that reads a key directly. Each key is checked
here the way the code reads it (with the key, and from a project without it), so a changed
default, or a new tuned value in the file, fails until code and file agree again. The keys that
are a project's own choice are listed in :data:`PROJECT_SPECIFIC`, each with its reason; the
file marks them "project-specific" too.
"""

from __future__ import annotations

import dataclasses
import importlib
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from textkit.core.config import TABLES, ProjectConfig, load_config

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_TOML = ROOT / "textkit.toml"

#: Keys of the repository's textkit.toml that are this project's own choice, not a default of
#: textkit, and why. Every other key must equal the code's default.
PROJECT_SPECIFIC = {
    ("project", "random_state"): "the project's seed; absent, every stage keeps its own",
    ("frames", "random_state"): "restates [project] random_state, which it takes when absent",
    ("lss", "random_state"): "restates [project] random_state, which it takes when absent",
    ("validation", "random_state"): "restates [project] random_state, which it takes when absent",
    ("topics", "n_jobs"): "processes of the machine; results do not depend on it (default 1)",
    ("analysis", "groups"): "the seed corpus's document variables (page, genre, era)",
    ("analysis", "trend"): "the seed corpus has no usable year variable",
    ("analysis", "examples"): "article ids of the seed corpus",
}


def _direct_readers() -> dict[tuple[str, str], Any]:
    """How the code reads the keys that no stage config holds: ``reader(config)``."""
    from textkit.corpus.select import analyse_rule
    from textkit.run import pipeline
    from textkit.run.session import DEFAULT_FORMATS, _check_formats

    return {
        ("corpus", "raw_dir"): pipeline.raw_dir,
        ("corpus", "out_dir"): pipeline.out_dir,
        ("corpus", "analyse"): analyse_rule,
        ("project", "notebooks"): pipeline.notebooks_dir,
        ("figures", "formats"): lambda c: tuple(
            c.setting("figures", "formats", DEFAULT_FORMATS, _check_formats)
        ),
    }


def _stage_value(table: str, key: str, config: ProjectConfig) -> tuple[bool, Any]:
    """(found, value) of ``key`` in the stage config built from ``config``'s ``[table]``."""
    for spec in TABLES[table][0]:
        module, _, name = spec.partition(":")
        cls = getattr(importlib.import_module(module), name)
        if key in {f.name for f in dataclasses.fields(cls)}:
            return True, getattr(cls.from_project(config), key)
    return False, None


def _value(table: str, key: str, config: ProjectConfig) -> Any:
    found, value = _stage_value(table, key, config)
    if found:
        return value
    reader = _direct_readers().get((table, key))
    assert reader is not None, (
        f"[{table}] {key} is read directly by the code: add its reader to _direct_readers"
    )
    return reader(config)


def _repository_keys() -> list[tuple[str, str]]:
    data = tomllib.loads(REPOSITORY_TOML.read_text(encoding="utf-8"))
    return [(table, key) for table, values in data.items() for key in values]


#: Keys that go with another one: removed with it (``[topics] stability_seeds`` starts with
#: ``random_state``, and unset follows it).
_TOGETHER = {("topics", "random_state"): ("stability_seeds",)}


def _without(config: ProjectConfig, table: str, key: str) -> ProjectConfig:
    """``config`` with one key removed (the rest of the file as it is, but the keys that go
    with it)."""
    sections = {t: dict(v) for t, v in config.sections.items()}
    for name in (key, *_TOGETHER.get((table, key), ())):
        sections[table].pop(name)
    return ProjectConfig(path=config.path, root=config.root, sections=MappingProxyType(sections))


@pytest.mark.parametrize(
    ("table", "key"),
    [k for k in _repository_keys() if k not in PROJECT_SPECIFIC],
    ids=lambda v: str(v),
)
def test_every_repository_setting_is_the_code_default(table, key):
    """The value of the file equals what a project without the key gets: with no file at
    all, and from this file without the key (a stage's seed then comes from
    ``[project] random_state``, as documented)."""
    config = load_config(REPOSITORY_TOML)
    documented = _value(table, key, config)
    empty = ProjectConfig(path=None, root=config.root, sections=MappingProxyType({}))
    default = _value(table, key, empty)
    assert default == documented, (
        f"textkit.toml [{table}] {key} = {documented!r}, but a project without it gets "
        f"{default!r}: make the code default equal to the documented value, or mark the key "
        "project-specific (in PROJECT_SPECIFIC and in the file's comment)"
    )
    absent = _value(table, key, _without(config, table, key))
    if key == "random_state":
        assert absent == config.section("project")["random_state"]
    else:
        assert absent == documented


def test_project_specific_keys_are_in_the_file_and_marked():
    keys = set(_repository_keys())
    assert set(PROJECT_SPECIFIC) <= keys, sorted(set(PROJECT_SPECIFIC) - keys)
    lines = REPOSITORY_TOML.read_text(encoding="utf-8").splitlines()
    for table, key in PROJECT_SPECIFIC:
        if table == "analysis":  # the table's comment says it for its three keys
            continue
        at = next(
            i
            for i, line in enumerate(lines)
            if line.startswith(f"{key} ") and _table_of(lines, i) == table
        )
        said = " ".join(lines[at : at + 2])
        assert "specific" in said, (table, key, said)
    head = lines.index("[analysis]")
    assert "project-specific" in lines[head + 1]


def _table_of(lines: list[str], at: int) -> str:
    for line in reversed(lines[:at]):
        if line.startswith("["):
            return line.strip("[] ")
    return ""


def test_a_project_without_tables_gets_the_tuned_values(tmp_path):
    """The defect this file guards against: a project of one's own without [lss] got
    LSX's k = 300 (chance level on a corpus of this size) and no seed words."""
    from textkit.frames.lss import DEFAULT_SEEDS, LatentSemanticScaling
    from textkit.topics import TopicConfig

    p = tmp_path / "textkit.toml"
    p.write_text('[corpus]\nanalyse = "kept"\n', encoding="utf-8")
    model = LatentSemanticScaling.from_config(load_config(p))
    assert (model.k, model.min_count, model.vector_size, model.epochs) == (50, 3, 50, 30)
    assert model.seeds == DEFAULT_SEEDS
    assert TopicConfig.from_project(load_config(p)).passes == 20
