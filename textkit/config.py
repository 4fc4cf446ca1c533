"""One configuration file for a whole run: ``textkit.toml``.

Every parameter and seed of the analysis lives in ``textkit.toml`` at the project
root, one TOML table per stage (``[corpus]``, ``[segment]``, ``[topics]`` …). A
run is fully described by this file and the corpus hash; both are recorded in
the figure manifest. :func:`load_config` refuses an unknown table or key, naming
the file, the table and the key (and the closest valid one); the keys of a table
are the fields of the stage config dataclasses built from it (:data:`TABLES`).
Stage functions still take their own small config objects: :func:`stage_config`
builds one from a table and names the file, table and key of any invalid setting.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import hashlib
import importlib
import importlib.util
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from ._io import sha256_file
from ._paths import project_root

__all__ = [
    "ConfigError",
    "ProjectConfig",
    "load_config",
    "known_keys",
    "stage_config",
    "corpus_hash",
    "compile_pattern",
]

T = TypeVar("T")

#: The tables of textkit.toml and where the keys each one accepts come from: the fields of
#: the stage config dataclasses built from it (``"module:Class"``, see :func:`known_keys`)
#: plus the keys read directly (paths, formats). A new field of a stage config is thus a
#: valid key at once. Anything else is a typo and is refused by :func:`load_config`.
TABLES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "project": ((), ("seed",)),
        "corpus": ((), ("raw_dir", "out_dir")),  # the CLI, the pipeline and the notebooks
        "ingest": (("textkit.ingest:IngestConfig",), ()),
        "split": (("textkit.split:SplitConfig",), ()),
        "clean": (("textkit.clean:CleanConfig",), ()),
        "dedup": (("textkit.dedup:DedupConfig",), ()),
        "annotate": (("textkit.annotate:AnnotateConfig",), ()),
        "segment": (("textkit.segment:SegmenterConfig",), ()),
        "vectorize": (("textkit.vectorize:VectorizeConfig",), ()),  # vectorize(**table)
        "topics": (("textkit.topics:TopicConfig",), ()),
        "cooc": (("textkit.cooc:CoocConfig", "textkit.cooc:NetworkConfig"), ()),
        "frames": (("textkit.frames:FrameConfig",), ()),
        "lss": (("textkit.lss:LSSConfig",), ()),
        "validation": (("textkit.validate:SampleConfig",), ()),
        "figures": ((), ("formats",)),  # the notebooks' save_figure formats
    }
)

#: Tables textkit knows, in file order.
KNOWN_SECTIONS = tuple(TABLES)


class ConfigError(ValueError):
    """A setting in ``textkit.toml`` is unknown or invalid; the message names it."""


def _freeze(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return tuple(_freeze(v) for v in obj)
    return obj


def _thaw(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return [_thaw(v) for v in obj]
    return obj


@dataclass(frozen=True)
class ProjectConfig:
    """The parsed ``textkit.toml``.

    Attributes
    ----------
    path : pathlib.Path or None
        The file read (``None`` for the built-in defaults).
    root : pathlib.Path
        Directory that relative paths in the file are resolved against.
    sections : mapping
        Read-only mapping of table name to its settings.
    """

    path: Path | None
    root: Path
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """A copy of one table's settings (empty when the table is absent)."""
        if name not in KNOWN_SECTIONS:
            raise ConfigError(f"unknown config table [{name}]; known: {', '.join(KNOWN_SECTIONS)}")
        return _thaw(self.sections.get(name, {}))

    def resolve(self, value: str | os.PathLike) -> Path:
        """Resolve a path setting against :attr:`root`."""
        p = Path(value)
        return p if p.is_absolute() else self.root / p

    def output(self, value: str | os.PathLike) -> Path:
        """Resolve an *output* path setting (``results/…``, ``figures``).

        Relative paths go under :func:`textkit._paths.output_root`: the project root, or the
        staging folder of a ``textkit reproduce`` / ``textkit verify`` run, which swaps the
        outputs in only when every notebook succeeded.
        """
        from ._paths import output_root

        p = Path(value)
        return p if p.is_absolute() else output_root(self.root) / p

    @property
    def hash(self) -> str:
        """SHA-256 of the settings in canonical JSON (independent of formatting and order)."""
        canon = json.dumps(_thaw(self.sections), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def _imported_fields(module: str, name: str) -> dict[str, str]:
    cls = getattr(importlib.import_module(module), name)
    return {
        f.name: f.type if isinstance(f.type, str) else repr(f.type) for f in dataclasses.fields(cls)
    }


def _source_fields(module: str, name: str) -> dict[str, str] | None:
    """Fields (name: annotation) of dataclass ``module.name`` read from its source (None if
    the source is unavailable).

    Reading the class body (annotated names, ``ClassVar`` excepted) gives the same names as
    :func:`dataclasses.fields` without importing the stage (topics, cooc, lss ... import
    gensim, networkx and scikit-learn: seconds that every ``load_config`` would pay).
    ``tests/test_config.py`` checks that both agree for every table.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            if node.bases:  # inherited fields: leave it to dataclasses.fields
                return None
            return {
                stmt.target.id: ast.unparse(stmt.annotation)
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and "ClassVar" not in ast.unparse(stmt.annotation)
            }
    return None


@functools.cache
def known_keys(table: str) -> frozenset[str]:
    """The keys table ``[table]`` of ``textkit.toml`` accepts (see :data:`TABLES`).

    The fields of the table's stage config dataclasses, except a field that holds another
    table's config (``SplitConfig.clean`` comes from ``[clean]``), plus the extra keys.

    Raises
    ------
    ConfigError
        If ``table`` is not a known table.
    """
    if table not in TABLES:
        raise ConfigError(f"unknown config table [{table}]; known: {', '.join(KNOWN_SECTIONS)}")
    classes, extra = TABLES[table]
    stage_classes = {spec.partition(":")[2] for specs, _ in TABLES.values() for spec in specs}
    keys = set(extra)
    for spec in classes:
        module, _, name = spec.partition(":")
        fields = _source_fields(module, name)
        if fields is None:
            fields = _imported_fields(module, name)
        keys |= {
            key
            for key, annotation in fields.items()
            if not stage_classes & set(re.findall(r"\w+", annotation))
        }
    return frozenset(keys)


def _did_you_mean(name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(valid), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _unknown_settings(where: str, unknown: Iterable[str], valid: Iterable[str]) -> ConfigError:
    valid = sorted(valid)
    named = ", ".join(f"{key}{_did_you_mean(key, valid)}" for key in sorted(unknown))
    return ConfigError(f"{where}: unknown setting(s) {named}; valid: {', '.join(valid)}")


def load_config(path: str | os.PathLike | None = None) -> ProjectConfig:
    """Read ``textkit.toml``.

    Parameters
    ----------
    path : path-like, optional
        The file. Default: ``textkit.toml`` in the project root (see
        :func:`textkit._paths.project_root`); when there is none, the built-in
        defaults of every stage apply.

    Returns
    -------
    ProjectConfig

    Raises
    ------
    ConfigError
        If the file is not valid TOML (with its line), names an unknown table, or a table
        holds an unknown key (file, table and key named, with the closest valid key).
    """
    if path is None:
        root = project_root()
        candidate = root / "textkit.toml"
        if not candidate.is_file():
            return ProjectConfig(path=None, root=root, sections=MappingProxyType({}))
        path = candidate
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    unknown = sorted(set(data) - set(KNOWN_SECTIONS))
    if unknown:
        named = ", ".join(f"[{u}]{_did_you_mean(u, KNOWN_SECTIONS)}" for u in unknown)
        raise ConfigError(f"{path}: unknown table(s) {named}; known: {', '.join(KNOWN_SECTIONS)}")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: '{name}' must be a table ([{name}]), got a value")
        if table:
            valid = known_keys(name)
            if set(table) - valid:
                raise _unknown_settings(f"{path} [{name}]", set(table) - valid, valid)
    return ProjectConfig(path=path, root=path.parent.resolve(), sections=_freeze(data))


def stage_config(cls: type[T], config: ProjectConfig | None, section: str, **overrides) -> T:
    """Build a stage's config dataclass from one table of ``textkit.toml``.

    Lists in TOML become tuples. Unknown keys raise :class:`ConfigError` naming the
    file, the table and the key, and listing the valid ones; a dataclass whose
    ``__post_init__`` rejects a value has its message prefixed with the same.

    Parameters
    ----------
    cls : dataclass type
        The stage's config class, e.g. ``textkit.topics.TopicConfig``.
    config : ProjectConfig or None
        Parsed file; ``None`` uses the class defaults.
    section : str
        Table name in ``textkit.toml``.
    **overrides
        Values that win over the file (e.g. from the command line).
    """
    values = config.section(section) if config is not None else {}
    values.update(overrides)
    where = f"{config.path if config is not None and config.path else 'textkit.toml'} [{section}]"
    names = {f.name for f in dataclasses.fields(cls)}
    if set(values) - names:
        raise _unknown_settings(where, set(values) - names, names)
    values = {k: tuple(_thaw(v)) if isinstance(v, (list, tuple)) else v for k, v in values.items()}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def corpus_hash(raw_dir: str | os.PathLike) -> str:
    """SHA-256 over the sorted (file name, file SHA-256) pairs of a raw corpus directory."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise ConfigError(f"raw corpus directory not found: {raw_dir}")
    h = hashlib.sha256()
    for p in sorted(raw_dir.iterdir()):
        if p.is_file() and not p.name.startswith("."):
            h.update(p.name.encode("utf-8") + b"\0" + sha256_file(p).encode("ascii") + b"\n")
    return h.hexdigest()


def compile_pattern(pattern: str, where: str) -> re.Pattern:
    """Compile a regular expression from a setting or a rules file.

    Parameters
    ----------
    pattern : str
        The regular expression.
    where : str
        What to name in the error (file, rule or setting).

    Raises
    ------
    ValueError
        ``"<where>: invalid regular expression ..."`` when ``pattern`` does not compile.
    """
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc
