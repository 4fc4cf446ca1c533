"""One configuration file for a whole run: ``textkit.toml``.

Every parameter and seed of the analysis lives in ``textkit.toml`` at the project
root, one TOML table per stage (``[corpus]``, ``[segment]``, ``[topics]`` …). A
run is fully described by this file and the corpus hash; both are recorded in
the figure manifest. :func:`load_config` refuses an unknown table or key, naming
the file, the table and the key (and the closest valid one); the keys of a table
are the fields of the stage config dataclasses built from it (:data:`TABLES`).
Stage functions take their own small frozen config objects, all built the same way:
``XConfig.from_project(project, **overrides)`` (see :class:`StageConfig`), which names the
file, table and key of any invalid setting. Seeds are called ``random_state`` everywhere;
``[project] random_state`` is the default of every stage's ``random_state`` that its own
table does not set, and ``seed`` is still read as a deprecated alias.
"""

from __future__ import annotations

import ast
import contextlib
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
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from textkit.core.errors import ConfigError
from textkit.core.io import sha256_file
from textkit.core.paths import project_root

__all__ = [
    "ConfigError",
    "ProjectConfig",
    "StageConfig",
    "load_config",
    "known_keys",
    "stage_config",
    "project_random_state",
    "setting_errors",
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
        "project": (
            (),
            ("random_state", "seed", "notebooks"),
        ),  # notebooks: textkit.run.pipeline  # seed: deprecated name of random_state
        # the CLI, the pipeline and the notebooks; analyse, repeated_*: textkit.corpus.select
        "corpus": (
            (),
            ("raw_dir", "input", "out_dir", "analyse", "flag_off_topic")
            + ("repeated_paragraphs", "repeated_min_docs")
            + ("text", "meta", "id", "title", "sheet", "docvars_from", "include", "exclude")
            + ("encoding", "dates", "metadata", "metadata_key"),
        ),  # input and the read options: textkit.corpus.source
        # the document variables the notebooks compare and trace (textkit.run.session)
        "analysis": ((), ("groups", "trend", "examples")),
        "ingest": (("textkit.corpus.decode:IngestConfig",), ()),
        "split": (("textkit.corpus.split:SplitConfig",), ()),
        "clean": (("textkit.corpus.clean:CleanConfig",), ()),
        "dedup": (("textkit.corpus.dedup:DedupConfig",), ()),
        "annotate": (("textkit.corpus.annotate:AnnotateConfig",), ()),
        "segment": (("textkit.segment.config:SegmenterConfig",), ()),
        "vectorize": (("textkit.dtm.prune:VectorizeConfig",), ()),  # vectorize(**table)
        "topics": (("textkit.topics.config:TopicConfig",), ()),
        "cooc": (("textkit.cooc.config:CoocConfig", "textkit.cooc.config:NetworkConfig"), ()),
        "frames": (("textkit.frames.score:FrameConfig",), ()),
        "lss": (("textkit.frames.lss:LSSConfig",), ()),
        "validation": (("textkit.frames.validate:SampleConfig",), ("codes",)),  # codes: notebook 05
        "figures": ((), ("formats",)),  # the notebooks' save_figure formats
    }
)

#: Environment variable naming the ``textkit.toml`` that :func:`load_config` reads when it is
#: given no path: ``textkit --config X reproduce`` sets it for every notebook kernel.
CONFIG_ENV = "TEXTKIT_CONFIG"

#: The old name of ``random_state`` in ``textkit.toml``, still read (with a FutureWarning).
_OLD_SEED = "seed"

#: Tables textkit knows, in file order.
KNOWN_SECTIONS = tuple(TABLES)


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

    def setting(
        self,
        table: str,
        key: str,
        default: Any = None,
        check: Callable[[str, Any], Any] | None = None,
    ) -> Any:
        """One setting that no stage config holds (``[corpus] analyse``, ``[figures] formats``).

        Parameters
        ----------
        table, key : str
            Where it is in ``textkit.toml``.
        default : object, optional
            The value when the key is absent (not checked).
        check : callable, optional
            ``check(key, value)`` in the style of :mod:`textkit.core.checks`: returns the
            value, or raises ``ValueError`` / ``TypeError`` naming the key.

        Raises
        ------
        ConfigError
            When ``check`` refuses the value; the message names the file and the table.
        """
        values = self.section(table)
        if key not in values or check is None:
            return values.get(key, default)
        try:
            return check(key, values[key])
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{self.path or 'textkit.toml'} [{table}] {exc}") from exc

    def resolve(self, value: str | os.PathLike) -> Path:
        """Resolve a path setting against :attr:`root`."""
        p = Path(value)
        return p if p.is_absolute() else self.root / p

    def output(self, value: str | os.PathLike) -> Path:
        """Resolve an *output* path setting (``results/…``, ``figures``).

        Relative paths go under :func:`textkit.core.paths.output_root`: the project root, or the
        staging folder of a ``textkit reproduce`` / ``textkit verify`` run, which swaps the
        outputs in only when every notebook succeeded.
        """
        from textkit.core.paths import output_root

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
    ``tests/core/test_config.py`` checks that both agree for every table.
    """
    # the file of a textkit module, found without importing its package (whose __init__
    # imports the stage)
    head, _, rest = module.partition(".")
    if head != "textkit" or not rest:
        return None
    source = Path(__file__).resolve().parents[1].joinpath(*rest.split(".")).with_suffix(".py")
    if not source.is_file():
        return None
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            if any(ast.unparse(b) != "StageConfig" for b in node.bases):
                return None  # inherited fields: leave it to dataclasses.fields
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
    if "random_state" in keys:
        keys.add(_OLD_SEED)  # still read, with a FutureWarning (see stage_config)
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
        The file. Default: the file named by the environment variable ``TEXTKIT_CONFIG``
        (:data:`CONFIG_ENV`; ``textkit --config X reproduce`` sets it for the notebooks it
        runs), else ``textkit.toml`` in the project root (see
        :func:`textkit.core.paths.project_root`); when there is none, the built-in defaults
        of every stage apply.

    Returns
    -------
    ProjectConfig

    Raises
    ------
    ConfigError
        If the file is not UTF-8 (with the byte offset and line of the first bad byte), not
        valid TOML (with its line), names an unknown table, or a table
        holds an unknown key (file, table and key named, with the closest valid key). Every
        unknown table and key of the file is listed in the one error.
    """
    if path is None and os.environ.get(CONFIG_ENV):
        path = os.environ[CONFIG_ENV]
    if path is None:
        root = project_root()
        candidate = root / "textkit.toml"
        if not candidate.is_file():
            return ProjectConfig(path=None, root=root, sections=MappingProxyType({}))
        path = candidate
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}: not valid UTF-8 at byte {exc.start} (line {line}): "
            f"{raw[exc.start : exc.end]!r}; TOML files are UTF-8: save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    # every unknown table and key of the file in one error, so that one run lists them all
    problems: list[str] = []
    unknown = sorted(set(data) - set(KNOWN_SECTIONS))
    if unknown:
        named = ", ".join(f"[{u}]{_did_you_mean(u, KNOWN_SECTIONS)}" for u in unknown)
        problems.append(f": unknown table(s) {named}; known: {', '.join(KNOWN_SECTIONS)}")
    for name, table in data.items():
        if name in unknown:
            continue
        if not isinstance(table, dict):
            problems.append(f": '{name}' must be a table ([{name}]), got a value")
        elif table:
            valid = known_keys(name)
            if set(table) - valid:
                error = _unknown_settings(f"[{name}]", set(table) - valid, valid)
                problems.append(" " + str(error))
    if len(problems) == 1:
        raise ConfigError(f"{path}{problems[0]}")
    if problems:
        listed = "\n".join(f"  {p.removeprefix(': ').lstrip()}" for p in problems)
        raise ConfigError(f"{path}: {len(problems)} problems:\n{listed}")
    return ProjectConfig(path=path, root=path.parent.resolve(), sections=_freeze(data))


def _renamed_seed(values: dict[str, Any], where: str) -> dict[str, Any]:
    """``seed`` renamed to ``random_state`` (with a FutureWarning naming the table)."""
    if _OLD_SEED not in values:
        return values
    values = dict(values)
    old = values.pop(_OLD_SEED)
    if "random_state" in values:
        raise ConfigError(f"{where}: both random_state and its old name seed are set; keep one")
    warnings.warn(
        f"{where}: 'seed' is now called 'random_state'; rename the key",
        FutureWarning,
        stacklevel=3,
    )
    values["random_state"] = old
    return values


def project_random_state(config: ProjectConfig | None) -> int | None:
    """``[project] random_state`` (or its old name ``seed``), checked: an integer >= 0;
    ``None`` when unset. Every stage whose table sets no ``random_state`` takes it.

    Raises
    ------
    ConfigError
        For another value, naming the file and ``[project] random_state`` (the table the value
        is written in, not a stage that inherits it).
    """
    if config is None:
        return None
    where = f"{config.path or 'textkit.toml'} [project]"
    value = _renamed_seed(config.section("project"), where).get("random_state")
    if value is None:
        return None
    from textkit.core.checks import check_int

    try:
        return check_int("random_state", value, 0)
    except ValueError as exc:
        raise ConfigError(
            f"{where} {exc} (the seed of every stage whose table sets no random_state)"
        ) from None


def stage_config(cls: type[T], config: ProjectConfig | None, section: str, **overrides) -> T:
    """Build a stage's config dataclass from one table of ``textkit.toml``.

    Prefer ``cls.from_project(config, **overrides)`` (:class:`StageConfig`), which knows its
    table; this is the function behind it. Lists in TOML become tuples. A key of the table
    that belongs to another config read from the same table (``[cooc]`` feeds
    :class:`~textkit.cooc.CoocConfig` and :class:`~textkit.cooc.NetworkConfig`), or that is
    read directly (``[validation] codes``), is left to that one; any other unknown key raises
    :class:`ConfigError` naming the file, the table and the key, and listing the valid ones; a
    dataclass whose ``__post_init__`` rejects a value has its message prefixed with the same.
    ``seed`` is read as ``random_state`` (with a FutureWarning); a ``random_state`` the table
    does not set comes from ``[project] random_state`` when that is set.

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
    where = f"{config.path if config is not None and config.path else 'textkit.toml'} [{section}]"
    names = {f.name for f in dataclasses.fields(cls)}
    values = config.section(section) if config is not None else {}
    if section in TABLES:
        others = set(TABLES[section][1]) - names  # read directly: [validation] codes
        if len(TABLES[section][0]) > 1:  # [cooc]: two configs, one table
            others |= known_keys(section) - names - {_OLD_SEED}
        values = {k: v for k, v in values.items() if k not in others}
    values = _renamed_seed(values, where)
    overrides = _renamed_seed(overrides, "argument")
    from_file = set(values) - set(overrides)
    values.update(overrides)
    inherited = False
    if "random_state" in names and "random_state" not in values:
        default = project_random_state(config)
        if default is not None:
            values["random_state"] = default
            inherited = True
    if set(values) - names:
        raise _unknown_settings(where, set(values) - names, names)
    values = {k: tuple(_thaw(v)) if isinstance(v, (list, tuple)) else v for k, v in values.items()}
    try:
        built = cls(**values)
    except (TypeError, ValueError) as exc:
        note = ""
        if inherited and "random_state" in str(exc):
            note = (
                f" (random_state = {values['random_state']!r} comes from [project] "
                f"random_state: [{section}] sets none)"
            )
        raise ConfigError(f"{where}: {exc}{note}") from exc
    for key in names:  # what this file's table gave the stage (see setting_errors)
        _READ.pop((section, key), None)
        if key in from_file and config is not None:
            _READ[(section, key)] = (getattr(built, key), str(config.path or "textkit.toml"))
    return built


#: The values the last stage config built from a ``textkit.toml`` read from each table:
#: ``(table, key) -> (value, file)``. :func:`setting_errors` names them in errors found later
#: in the data (a ``min_df`` above the number of documents).
_READ: dict[tuple[str, str], tuple[Any, str]] = {}


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


@contextlib.contextmanager
def setting_errors(table: str, values: Mapping[str, Any]) -> Iterator[None]:
    """Name the settings of ``textkit.toml`` behind a ``ValueError`` raised in the block.

    Some settings can only be checked against the data (``[vectorize] min_df`` against the
    number of documents). ``values`` are the settings the block uses. When it raises a
    ``ValueError`` whose message names one of them (``min_df=500 exceeds the number of
    documents (89)``), and that value is the one the last stage config built from a
    ``textkit.toml`` read from ``[table]``, the error becomes a :class:`ConfigError` that
    starts ``[vectorize] min_df = 500 in <file>:``. Other errors, and values given in code,
    pass unchanged.
    """
    try:
        yield
    except ConfigError:
        raise
    except ValueError as exc:
        message = str(exc)
        named: dict[str, list[str]] = {}
        for key, value in values.items():
            value = tuple(value) if isinstance(value, list) else value
            read = _READ.get((table, key))
            if read and _same(read[0], value) and re.search(rf"\b{re.escape(key)}\b", message):
                named.setdefault(read[1], []).append(f"{key} = {_toml(value)}")
        if not named:
            raise
        where = "; ".join(f"[{table}] {', '.join(keys)} in {path}" for path, keys in named.items())
        raise ConfigError(f"{where}: {message}") from exc


def _toml(value: Any) -> str:
    """A setting's value as textkit.toml writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


S = TypeVar("S", bound="StageConfig")


class StageConfig:
    """Base of every stage's frozen config dataclass: one way to build it from the project file.

    A subclass names its table of ``textkit.toml`` in :attr:`table`; then
    ``XConfig.from_project(project, **overrides)`` reads it, overrides win, and invalid
    settings raise :class:`ConfigError` naming the file, the table and the key. It adds no
    fields, so ``dataclasses.fields(XConfig)`` are exactly the table's keys.

    Examples
    --------
    >>> from textkit import TopicConfig, load_config
    >>> TopicConfig.from_project(None, n_topics=6).n_topics
    6
    """

    #: The table of ``textkit.toml`` this config is read from.
    table: ClassVar[str] = ""

    def as_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready dict (tuples become lists); ``XConfig(**d)`` rebuilds
        it, and ``vectorize(units, **VectorizeConfig.from_project(p).as_dict())`` passes it."""
        return _thaw(dataclasses.asdict(self))  # type: ignore[call-overload]

    @classmethod
    def _resolve(cls, project: ProjectConfig, values: Mapping[str, Any]) -> dict[str, Any]:
        """Overrides derived from the file's values (e.g. paths resolved against the project
        root). The default derives none."""
        return {}

    @classmethod
    def from_project(cls: type[S], project: ProjectConfig | None = None, **overrides: Any) -> S:
        """This stage's config from ``project`` (``None``: the defaults), ``overrides`` winning.

        Parameters
        ----------
        project : ProjectConfig, optional
            Parsed ``textkit.toml`` (:func:`load_config`); ``None`` gives the class defaults
            (and ``overrides``).
        **overrides
            Settings that win over the file.

        Raises
        ------
        ConfigError
            For an unknown key or an invalid value; the message names the file, the table and
            the key.
        """
        if not cls.table:
            raise TypeError(f"{cls.__name__} names no table of textkit.toml")
        if project is not None:
            derived = cls._resolve(project, project.section(cls.table))
            overrides = {**derived, **overrides}
        return stage_config(cls, project, cls.table, **overrides)


def corpus_hash(raw_dir: str | os.PathLike) -> str:
    """SHA-256 of a corpus: over the sorted (relative path, file SHA-256) pairs of a folder
    (subfolders included, POSIX paths; hidden files and folders, special files such as FIFOs,
    link loops and dangling links left out), or over the name and SHA-256 of one table file.

    For a flat folder the relative path is the file name, so the hash of a raw pages folder
    is what it always was.
    """
    raw_dir = Path(raw_dir)
    h = hashlib.sha256()
    if raw_dir.is_file():
        h.update(
            raw_dir.name.encode("utf-8") + b"\0" + sha256_file(raw_dir).encode("ascii") + b"\n"
        )
        return h.hexdigest()
    if not raw_dir.is_dir():
        raise ConfigError(f"raw corpus directory not found: {raw_dir}")
    from textkit.core.paths import folder_entries

    # regular files only (links to them followed, wherever they point): a FIFO is never
    # opened, a link loop or a dangling link is left out
    found = [
        (e.rel, e.path)
        for e in folder_entries(raw_dir, nested=True, outside_links=True)
        if e.kind == "file"
    ]
    for rel, p in found:
        try:
            digest = sha256_file(p)
        except OSError as exc:  # the build rejects the file, naming it: hash why it failed
            digest = f"unreadable:{exc.strerror or type(exc).__name__}"
        h.update(rel.encode("utf-8") + b"\0" + digest.encode("ascii", "replace") + b"\n")
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
