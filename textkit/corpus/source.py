"""Where a project's corpus comes from: ``[corpus]`` in ``textkit.toml``, read one way.

A project analyses either **raw pages** (``raw_dir``, default ``corpus/raw``: scraped pages
split into articles, like the seed corpus) or **the researcher's own corpus** (``input``: a
table file or a folder read by :func:`textkit.corpus.read.read_texts`, with that function's
options under the same names)::

    [corpus]
    input = "data/letters.csv"   # a .csv / .tsv / .xlsx / .xls / .jsonl / .parquet file or a folder
    text = "content"             # table column of the text (default "text")
    id = "letter_id"             # table column of the ids (default: generated)
    title = "subject"            # table column of the titles (default: one named title, 标题 …)
    meta = ["province", "year"]  # document variables (default: every other column)
    sheet = "2021"               # workbooks: the sheet read (default: the first)
    dates = ["发布时间"]          # document variables read as dates (2019年3月5日, 2019/03/05 …)
    # folders: include, exclude (glob lists), docvars_from ("{province}/{year}/{name}"),
    #   metadata ("metadata.csv": a row per file, relative to textkit.toml) and metadata_key
    # both: encoding, dates

:func:`corpus_source` reads and checks those settings (file, table and key named in every
error); :func:`build_source` builds the article table; :func:`source_hash` is the corpus hash
recorded with every figure. The CLI, ``textkit reproduce`` and every notebook
(:func:`textkit.run.start_notebook`) go through these three, so they always analyse the
same corpus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textkit.core.checks import check_str
from textkit.core.config import ConfigError, ProjectConfig, corpus_hash
from textkit.core.errors import InvalidParameterError

if TYPE_CHECKING:
    from textkit.corpus.build import CorpusBuild, CorpusConfig

__all__ = ["READ_OPTIONS", "CorpusSource", "build_source", "corpus_source", "source_hash"]

#: Keys of ``[corpus]`` passed to :func:`textkit.corpus.read.read_texts` (same names).
READ_OPTIONS = (
    "text",
    "meta",
    "id",
    "title",
    "sheet",
    "docvars_from",
    "include",
    "exclude",
    "encoding",
    "dates",
    "metadata",
    "metadata_key",
)

_LISTS = ("meta", "include", "exclude", "dates")


@dataclass(frozen=True)
class CorpusSource:
    """The corpus a project analyses.

    Attributes
    ----------
    path : pathlib.Path
        The raw pages folder (``raw_dir``) or the ``input`` table file or folder.
    kind : str
        ``"pages"`` (raw pages, split into articles) or ``"input"`` (read by
        :func:`textkit.corpus.read.read_texts`).
    options : mapping
        The ``read_texts`` options set in ``[corpus]`` (:data:`READ_OPTIONS`).
    """

    path: Path
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def read(self):
        """What :func:`textkit.corpus.read.read_texts` reads from an ``input`` source.

        Returns
        -------
        ReadResult

        Raises
        ------
        InvalidParameterError
            For a raw-pages source (nothing to read with ``read_texts``).
        """
        if self.kind != "input":
            raise InvalidParameterError("CorpusSource.read: a raw-pages source is built directly")
        from textkit.corpus.read import read_texts

        return read_texts(self.path, **dict(self.options))


def _check_option(key: str, value: Any) -> Any:
    if key in _LISTS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise InvalidParameterError(
                f"{key}: expected a list of non-empty strings, got {value!r}"
            )
        return tuple(value)
    return check_str(key, value)


def corpus_source(project: ProjectConfig) -> CorpusSource:
    """The corpus ``project`` analyses, from its ``[corpus]`` table.

    Parameters
    ----------
    project : ProjectConfig

    Returns
    -------
    CorpusSource

    Raises
    ------
    ConfigError
        When both ``raw_dir`` and ``input`` are set, a read option is set without ``input``,
        an option has the wrong type, or the path does not exist (file, table and key
        named).
    """
    table = project.section("corpus")
    where = f"{project.path or 'textkit.toml'} [corpus]"
    given = [k for k in READ_OPTIONS if k in table]
    if "input" not in table:
        if given:
            raise ConfigError(
                f"{where} {', '.join(given)}: read options need `input` (a table or a folder); "
                "raw pages under raw_dir are split into articles instead"
            )
        path = project.resolve(project.setting("corpus", "raw_dir", "corpus/raw", check_str))
        if not path.is_dir():
            raise ConfigError(f"{where} raw_dir: raw corpus directory not found: {path}")
        return CorpusSource(path, "pages")
    if "raw_dir" in table:
        raise ConfigError(f"{where}: set either raw_dir (raw pages) or input, not both")
    try:
        path = project.resolve(check_str("input", table["input"]))
        options = {k: _check_option(k, table[k]) for k in given}
        _check_patterns(options)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where} {exc}") from exc
    if not path.exists():
        raise ConfigError(f"{where} input: no such file or folder: {path}")
    if "metadata" in options:  # relative to textkit.toml, like input
        options["metadata"] = str(project.resolve(options["metadata"]))
        if not Path(options["metadata"]).is_file():
            raise ConfigError(f"{where} metadata: no such file: {options['metadata']}")
    kind, wrong = ("folder", _TABLE_ONLY) if path.is_dir() else ("table", _FOLDER_ONLY)
    for key in wrong:
        if key in options:
            other = "tables" if kind == "folder" else "folders"
            raise ConfigError(f"{where} {key}: applies to {other}, not to a {kind} ({path})")
    return CorpusSource(path, "input", options)


#: Read options of a folder of files only, and of a table only (see read_texts).
_FOLDER_ONLY = ("docvars_from", "include", "exclude", "metadata", "metadata_key")
_TABLE_ONLY = ("text", "meta", "id", "title", "sheet")


def _check_patterns(options: Mapping[str, Any]) -> None:
    """The ``docvars_from`` pattern and the ``include`` / ``exclude`` globs compile (as
    :func:`textkit.corpus.read.read_texts` compiles them), before any file is read."""
    from textkit.corpus.read_folder import _docvars_regex, _patterns

    if "docvars_from" in options:
        _docvars_regex(options["docvars_from"])
    for key in ("include", "exclude"):
        if key in options:
            _patterns(key, list(options[key]), ())


def build_source(
    source: CorpusSource, config: CorpusConfig | None = None, *, cache: bool = True
) -> CorpusBuild:
    """The article table of ``source`` (:func:`textkit.corpus.build.build_corpus`).

    Parameters
    ----------
    source : CorpusSource
    config : CorpusConfig, optional
    cache : bool, default True
        Reuse an earlier build of the same input, settings and code (the stage cache).

    Returns
    -------
    CorpusBuild
    """
    from textkit.corpus.build import build_corpus

    if source.kind == "pages":
        return build_corpus(source.path, config, cache=cache)
    return build_corpus(source.read(), config, cache=cache)


def source_hash(source: CorpusSource) -> str:
    """SHA-256 of the corpus: :func:`textkit.core.config.corpus_hash` of its file or folder,
    and, for a folder with a ``metadata`` table, of that table too (an edited table is
    another corpus)."""
    digest = corpus_hash(source.path)
    if "metadata" not in source.options:
        return digest
    import hashlib

    table = corpus_hash(source.options["metadata"])
    return hashlib.sha256(f"{digest}\0metadata\0{table}".encode("ascii")).hexdigest()
