"""Run the stages in order: raw corpus -> tables -> executed notebooks -> figures.

:func:`reproduce` is what ``make reproduce`` and ``textkit reproduce`` call. It
reads ``textkit.toml``, rebuilds the article table from ``corpus/raw`` and then
executes every analysis notebook in ``notebooks/`` (they write the figures
through :func:`textkit.plots.save_figure`). Every output is written atomically
and deterministically, so a second run leaves ``git status`` clean.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textkit.core.cache import code_fingerprint
from textkit.core.checks import check_str
from textkit.core.config import ConfigError, ProjectConfig, load_config
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import resolve_n_jobs
from textkit.core.io import WRITE_LOG_ENV, sha256_file, sha256_text, write_json
from textkit.core.paths import OUTPUT_ROOT_ENV, cache_dir, output_root
from textkit.core.progress import progress
from textkit.core.versions import library_versions

if TYPE_CHECKING:
    from textkit.corpus.build import CorpusBuild

logger = logging.getLogger(__name__)

__all__ = [
    "Provenance",
    "provenance",
    "build_corpus_step",
    "notebook_key",
    "setting_files",
    "notebooks_dir",
    "project_notebooks",
    "reproduce",
    "run_notebooks",
    "ReproduceResult",
]


@dataclass(frozen=True)
class Provenance:
    """What identifies a run: the raw corpus hash and the configuration hash.

    Pass ``provenance.as_dict()`` to :func:`textkit.plots.save_figure` so the
    figure manifest records them.
    """

    corpus_hash: str
    config_hash: str

    def as_dict(self) -> dict[str, str]:
        """The two hashes as a plain dictionary."""
        return {"corpus_hash": self.corpus_hash, "config_hash": self.config_hash}


def raw_dir(config: ProjectConfig) -> Path:
    """The raw corpus folder of ``config`` (``[corpus] raw_dir``, default ``corpus/raw``)."""
    return config.resolve(config.setting("corpus", "raw_dir", "corpus/raw", check_str))


def notebooks_dir(config: ProjectConfig) -> Path:
    """The folder of the analysis notebooks' percent scripts (``[project] notebooks``).

    When ``[project] notebooks`` is unset, the project's own ``notebooks/`` folder if it holds
    notebook scripts (``NN_name.py``), else the ``notebooks/`` folder of the textkit source
    checkout that textkit is imported from (beside the ``textkit`` package), if it holds them
    and the project has a ``textkit.toml`` (the notebooks' kernels read that file). Else the
    project's ``notebooks/``, which then holds none: :func:`project_notebooks` says so.

    A project of one's own thus runs this repository's notebooks on its corpus; it can also
    name their folder (``notebooks = "../textkit/notebooks"``). The executed notebooks,
    figures and results are written in the project, beside its ``textkit.toml``.

    Raises
    ------
    ConfigError
        When ``[project] notebooks`` is set and names no folder.
    """
    from textkit.run.notebooks import find_notebooks

    path = config.resolve(config.setting("project", "notebooks", "notebooks", check_str))
    if "notebooks" in config.section("project"):
        if not path.is_dir():
            raise ConfigError(f"{_config_name(config)} [project] notebooks: no such folder: {path}")
        return path
    checkout = _checkout_notebooks_dir()
    if find_notebooks(path) or config.path is None or not find_notebooks(checkout):
        return path
    return checkout


def _config_name(config: ProjectConfig) -> str:
    return str(config.path or "textkit.toml")


def _checkout_notebooks_dir() -> Path:
    """``notebooks/`` beside the ``textkit`` package folder: the analysis notebooks of the
    source checkout textkit is imported from (absent when textkit is installed)."""
    import textkit

    return Path(textkit.__file__).resolve().parent.parent / "notebooks"


def project_notebooks(config: ProjectConfig, only: tuple[str, ...] = ()) -> list[Path]:
    """The notebook scripts a run of ``config`` executes: those of :func:`notebooks_dir`,
    sorted by name (their folder is logged when it is textkit's, not the project's).

    Parameters
    ----------
    config : ProjectConfig
        The project's settings.
    only : tuple of str
        Keep only the notebooks whose file name starts with one of these prefixes (``"03"``).

    Returns
    -------
    list of pathlib.Path
        At least one script.

    Raises
    ------
    ConfigError
        When no notebook script is found, naming the folders searched and the setting
        (``[project] notebooks``) to set.
    InvalidParameterError
        When a prefix of ``only`` starts no notebook's name (the notebooks found are named).
    """
    from textkit.run.notebooks import find_notebooks

    folder = notebooks_dir(config)
    found = find_notebooks(folder)
    if not found:
        raise ConfigError(_no_notebooks_message(config, folder))
    own = config.resolve("notebooks")
    if folder != own and "notebooks" not in config.section("project"):
        logger.info(
            "[project] notebooks is unset and %s holds no notebook scripts: running textkit's "
            "notebooks in %s",
            own,
            folder,
        )
    missing = [prefix for prefix in only if not any(p.name.startswith(prefix) for p in found)]
    if missing:
        raise InvalidParameterError(
            f"only {' '.join(missing)}: no notebook in {folder} starts with "
            f"{' or '.join(missing)}; the notebooks there: " + ", ".join(p.stem for p in found)
        )
    return [p for p in found if not only or p.name.startswith(tuple(only))]


def _no_notebooks_message(config: ProjectConfig, folder: Path) -> str:
    """What a run says when :func:`notebooks_dir` holds no notebook script."""
    where = f"{_config_name(config)} [project] notebooks"
    if "notebooks" in config.section("project"):
        return f"{where}: no notebook scripts (NN_name.py) in {folder}"
    checkout = _checkout_notebooks_dir()
    searched = f"{folder}" + (
        " (and there is no textkit.toml to run textkit's own notebooks with)"
        if config.path is None
        else f" nor in textkit's source checkout ({checkout})"
    )
    return (
        f"{where} is unset and no notebook scripts (NN_name.py) were found in {searched}; "
        'set [project] notebooks = "<path to textkit>/notebooks" (the notebooks/ folder of '
        "a textkit source checkout)"
    )


def out_dir(config: ProjectConfig) -> Path:
    """Where the article table is written (``[corpus] out_dir``, default ``corpus/processed``)."""
    return config.resolve(config.setting("corpus", "out_dir", "corpus/processed", check_str))


def provenance(config: ProjectConfig | None = None) -> Provenance:
    """The :class:`Provenance` of the project's corpus under ``config``: the hash of its raw
    pages folder or its ``input`` (:func:`textkit.corpus.source.source_hash`) and of the
    settings."""
    from textkit.corpus.source import corpus_source, source_hash

    config = config or load_config()
    return Provenance(corpus_hash=source_hash(corpus_source(config)), config_hash=config.hash)


def build_corpus_step(
    config: ProjectConfig | None = None, out: str | os.PathLike | None = None
) -> list[Path]:
    """Build the article table of the project's corpus and write it (``textkit corpus build``).

    The corpus is the raw pages folder or the ``input`` of ``[corpus]``
    (:func:`textkit.corpus.source.corpus_source`).

    Parameters
    ----------
    config : ProjectConfig, optional
        Default: :func:`textkit.load_config`.
    out : path-like, optional
        Where to write (default ``[corpus] out_dir``).

    Returns
    -------
    list of pathlib.Path
        Files written to the processed-corpus directory.
    """
    return _build_and_write(config or load_config(), out)[1]


def _build_and_write(
    config: ProjectConfig, out: str | os.PathLike | None = None
) -> tuple[CorpusBuild, list[Path]]:
    """:func:`build_corpus_step`, also returning the build."""
    from textkit.core.paths import check_output_outside_input
    from textkit.corpus.build import corpus_config, write_corpus
    from textkit.corpus.source import build_source, corpus_source

    source = corpus_source(config)
    target = Path(out) if out is not None else out_dir(config)
    # before the build: an output folder in the input would be read as input next time
    check_output_outside_input(
        source.path, target, what="out" if out is not None else "[corpus] out_dir"
    )
    build = build_source(source, corpus_config(config), cache=True)
    return build, write_corpus(build, target)


@dataclass(frozen=True)
class ReproduceResult:
    """What :func:`reproduce` did: files written, notebooks run or reused, seconds per step."""

    corpus_files: tuple[Path, ...]
    notebooks: tuple[Path, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    reused: tuple[str, ...] = ()


#: Folders (under the project root) whose files a notebook may write.
_OUTPUT_DIRS = ("figures", "results", "notebooks")


#: Settings of ``textkit.toml`` that name input files of the notebooks (besides the corpus):
#: the settings hash covers their paths, :func:`setting_files` their contents.
_FILE_SETTINGS = (
    ("frames", "lexicon"),
    ("validation", "codes"),
    ("segment", "userdict"),
    ("segment", "lexicon"),
    ("segment", "stopwords"),
    ("segment", "officialese"),
)


def setting_files(config: ProjectConfig) -> dict[str, str]:
    """SHA-256 of every file a setting of ``config`` names (``[frames] lexicon``,
    ``[validation] codes``, the files of ``[segment]``), keyed by ``"[table] key path"``.

    A file edited in place leaves the settings hash as it was; its hash here does not.
    Values that are not paths (``true``, ``"shipped"``, word lists) and files that do not
    exist (the stage names them in its error) are left out.
    """
    out: dict[str, str] = {}
    for table, key in _FILE_SETTINGS:
        value = config.section(table).get(key)
        # a list is of files only for userdict (a stopwords list holds the words themselves)
        values = value if isinstance(value, list) and key == "userdict" else [value]
        for v in values:
            if isinstance(v, str) and v.strip() and v != "shipped":
                path = config.resolve(v)
                if path.is_file():
                    out[f"[{table}] {key} {v}"] = sha256_file(path)
    return out


def notebook_key(
    notebook: Path, prov: Provenance, code_hash: str, files: dict[str, str] | None = None
) -> str:
    """What a notebook's outputs depend on: its source, the corpus, the config, the code.

    Parameters
    ----------
    notebook : pathlib.Path
        The percent script.
    prov : Provenance
        Corpus and config hashes of the run.
    code_hash : str
        :func:`textkit.core.cache.code_fingerprint` (textkit's version and a hash of its files).
    files : dict, optional
        :func:`setting_files` of the config: the contents of the files its settings name (a
        project's lexicon edited in place runs the notebooks again).

    Returns
    -------
    str
        Hex SHA-256.
    """
    material = {
        "notebook": notebook.name,
        "source": sha256_file(notebook),
        "provenance": prov.as_dict(),
        "textkit": code_hash,
        "packages": library_versions(),
    }
    if files:  # absent when no setting names a file: the keys of such a project stay the same
        material["files"] = dict(sorted(files.items()))
    return sha256_text(json.dumps(material, sort_keys=True))


#: Files every notebook rewrites (one row per figure): never part of one notebook's outputs.
_SHARED_OUTPUTS = ("figures/manifest.csv", "figures/manifest.json")


def _stamp_path(notebook: Path, root: Path) -> Path:
    return cache_dir("notebooks", root=root) / f"{notebook.stem}.json"


def _reusable(notebook: Path, key: str, root: Path) -> bool:
    """True when the last run had this key and every file it wrote is still as it wrote it."""
    path = _stamp_path(notebook, root)
    if not all((root / rel).is_file() for rel in _SHARED_OUTPUTS):
        return False
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
        if stamp.get("key") != key or not stamp.get("outputs"):
            return False
        return all(
            (root / rel).is_file() and sha256_file(root / rel) == sha
            for rel, sha in stamp["outputs"].items()
        )
    except (OSError, ValueError, AttributeError):
        return False  # missing or corrupt stamp: run the notebook


def _logging_setup() -> tuple[int, str | None]:
    """The level of textkit's log and the format of the root handler (None: not set up)."""
    handlers = logging.getLogger().handlers
    fmt = getattr(handlers[0].formatter, "_fmt", None) if handlers else None
    return logging.getLogger("textkit").getEffectiveLevel(), fmt


def _worker_logging(level: int, fmt: str | None) -> None:
    """Log in a spawned worker as in the parent (the notebooks' start and end lines; textkit's
    debug lines with ``textkit --verbose``, not the other libraries')."""
    if fmt is not None:
        logging.basicConfig(level=max(level, logging.INFO), format=fmt, stream=sys.stderr)
        logging.getLogger("textkit").setLevel(level)


def _execute(
    notebook: Path, key: str, root: Path, timeout: int, config: Path | None = None
) -> tuple[Path, float]:
    """Run one notebook and stamp the files its kernel wrote (see ``WRITE_LOG_ENV``).

    Outputs are written under :func:`textkit.core.paths.output_root` (the staging folder of the
    run); the stamp records them relative to it, which is their place in the project once
    the staged folders are swapped in.
    """
    from textkit.run.notebooks import environment, run_notebook

    out_root = output_root(root)
    if _interrupted_marker(out_root).exists():  # Ctrl-C while it waited in a worker's queue
        raise KeyboardInterrupt

    log = _stamp_path(notebook, root).with_suffix(".writes")
    log.unlink(missing_ok=True)
    t = time.perf_counter()
    with environment(**{WRITE_LOG_ENV: str(log)}):  # inherited by the kernel
        run = run_notebook(notebook, timeout=timeout, config=config)
    seconds = time.perf_counter() - t
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    # the executed notebook counts wherever it is written: in notebooks/, or beside its
    # source in the folder [project] notebooks names (deleting it runs the notebook again)
    executed = Path(run.notebook)
    written = {Path(line) for line in lines if line} | {executed}
    log.unlink(missing_ok=True)
    rels = sorted(
        rel
        for p in written
        if p.is_relative_to(out_root)
        for rel in [p.relative_to(out_root).as_posix()]
        if (p == executed or rel.split("/", 1)[0] in _OUTPUT_DIRS) and rel not in _SHARED_OUTPUTS
    )
    outputs = {rel: sha256_file(out_root / rel) for rel in rels if (out_root / rel).is_file()}
    write_json(
        _stamp_path(notebook, root), {"key": key, "outputs": outputs, "seconds": round(seconds, 1)}
    )
    return run.notebook, seconds


def _last_seconds(notebook: Path, root: Path) -> float:
    try:
        return float(json.loads(_stamp_path(notebook, root).read_text(encoding="utf-8"))["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def _notebook_jobs(jobs: Any) -> int:
    """The number of notebooks to execute at once, by :func:`textkit.core.executor.resolve_n_jobs`.

    Raises
    ------
    ConfigError
        For a value the ``n_jobs`` rule refuses (``jobs: expected an integer >= 1 or -1 or
        None, got 0``).
    """
    try:
        return resolve_n_jobs(jobs, name="jobs")
    except InvalidParameterError as exc:
        raise ConfigError(str(exc)) from None


def reproduce(
    config_path: str | os.PathLike | None = None,
    *,
    notebooks: bool = True,
    only: tuple[str, ...] = (),
    timeout: int = 900,
    jobs: int = 1,
    force: bool = False,
) -> ReproduceResult:
    """Rebuild everything from ``corpus/raw``: tables, executed notebooks, figures.

    A notebook is executed again only when something its outputs depend on changed: its
    source, the raw corpus, ``textkit.toml`` and the files its settings name (a lexicon, a
    coding sheet, dictionaries), textkit's code and data files, or the version
    of a library that draws or computes (see :func:`notebook_key`), or when a file it wrote
    last time is missing or was changed since. Stamps live in the project cache
    (``.cache/textkit/notebooks``); a fresh checkout runs everything.

    Parameters
    ----------
    config_path : path-like, optional
        ``textkit.toml`` to use (default: the project's).
    notebooks : bool
        Execute the notebooks (they write the figures). ``False`` rebuilds the corpus only.
    only : tuple of str
        Run only the notebooks whose file name starts with one of these prefixes (e.g. ``"03"``).
    timeout : int
        Seconds allowed per notebook cell.
    jobs : int or None
        Notebooks executed at once (each in its own kernel), under the ``n_jobs`` rule of
        :func:`textkit.core.executor.resolve_n_jobs` (``-1``: one per core); outputs do not
        depend on it.
    force : bool
        Execute every selected notebook even when its stamp says it is up to date.

    Returns
    -------
    ReproduceResult

    Raises
    ------
    ConfigError
        Before the corpus is built, for a bad setting, or when no notebook script is found
        (see :func:`project_notebooks`; not with ``notebooks=False``).
    InvalidParameterError
        When a prefix of ``only`` starts no notebook's name.
    """
    from textkit.run.session import check_settings

    jobs = _notebook_jobs(jobs)
    config = load_config(config_path)
    check_settings(config)  # every table, before the corpus stages and the notebooks
    nbs = project_notebooks(config, only) if notebooks else []  # none found: said before the corpus
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    from textkit.corpus.source import corpus_source

    logger.info("building corpus from %s", corpus_source(config).path)
    build, files = _build_and_write(config)
    seconds["corpus"] = time.perf_counter() - t0
    ran: list[Path] = []
    reused: list[str] = []
    if not notebooks:
        return ReproduceResult(corpus_files=tuple(files), notebooks=(), seconds=seconds)
    check_settings(config, build.documents)  # the settings naming its columns and articles
    root = config.root
    todo: list[tuple[Path, str]] = []
    for nb, key in _keyed(config, nbs):
        if not force and _reusable(nb, key, root):
            logger.info("%s is up to date (same inputs, outputs unchanged): reused", nb.name)
            reused.append(nb.stem)
        else:
            todo.append((nb, key))
    results = _run_notebooks(todo, root, timeout, jobs, staging=True, config=config.path)
    for stem in sorted(results):
        ran.append(results[stem][0])
        seconds[stem] = results[stem][1]
    return ReproduceResult(
        corpus_files=tuple(files), notebooks=tuple(ran), seconds=seconds, reused=tuple(reused)
    )


def run_notebooks(
    config: ProjectConfig, notebooks: list[Path], *, timeout: int = 900
) -> list[Path]:
    """Execute ``notebooks`` for the project of ``config``, outputs staged as by
    :func:`reproduce` (``textkit notebooks`` and ``textkit figures``).

    Every notebook is executed, up to date or not; each is stamped as :func:`reproduce`
    stamps it, so that a later ``reproduce`` reuses it. The outputs (``figures/``,
    ``results/``, the executed notebooks) are swapped into the project only when every
    notebook succeeded: when one fails, they are left exactly as they were.

    Parameters
    ----------
    config : ProjectConfig
        The project's settings (checked by the caller).
    notebooks : list of pathlib.Path
        The percent scripts to execute (:func:`project_notebooks`).
    timeout : int
        Seconds allowed per notebook cell.

    Returns
    -------
    list of pathlib.Path
        The executed notebooks written in the project, in the order of ``notebooks``.

    Raises
    ------
    NotebookError
        When a notebook fails (named), once the staged outputs are discarded.
    """
    todo = _keyed(config, notebooks)
    results = _run_notebooks(todo, config.root, timeout, 1, staging=True, config=config.path)
    return [results[nb.stem][0] for nb in notebooks]


def _keyed(config: ProjectConfig, notebooks: list[Path]) -> list[tuple[Path, str]]:
    """Each notebook with the key of its inputs (:func:`notebook_key`: the provenance, the
    code and the settings' own files, such as a lexicon or a dictionary)."""
    prov = provenance(config)
    code_hash = code_fingerprint()
    inputs = setting_files(config)
    return [(nb, notebook_key(nb, prov, code_hash, inputs)) for nb in notebooks]


# --------------------------------------------------------------------------- staging

#: What a run stages and swaps in: whole folders, and the executed notebooks beside their
#: sources.
_STAGED_DIRS = ("figures", "results")


def _ignore_locks(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".lock") or n.endswith(".tmp")]


def _stage(root: Path) -> Path:
    """A fresh staging folder holding a copy of the project's current outputs (a copy, not
    hard links: a notebook of the researcher's that writes a file in place, with ``to_csv``
    or ``open``, would otherwise write through the link into the project)."""
    base = cache_dir("staging", root=root)
    staging = base / f"run-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    _interrupted_marker(staging).unlink(missing_ok=True)
    staging.mkdir(parents=True)
    for name in _STAGED_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, staging / name, ignore=_ignore_locks)
    (staging / "notebooks").mkdir()
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, staging / "notebooks" / nb.name)
    return staging


def _swap_in(staging: Path, root: Path) -> None:
    """Move the staged outputs into the project: each folder by two renames, each executed
    notebook by one atomic replace (at its place in the project: ``notebooks/``, or beside
    its source in the folder ``[project] notebooks`` names). An interruption between the two
    renames of a folder is repaired by :func:`_recover` at the start of the next run."""
    for name in _STAGED_DIRS:
        new = staging / name
        if not new.is_dir():
            continue
        old = root / f".{name}.old-{os.getpid()}"
        if (root / name).exists():
            os.rename(root / name, old)
        os.rename(new, root / name)
        shutil.rmtree(old, ignore_errors=True)
    for nb in sorted(staging.rglob("*.ipynb")):
        target = root / nb.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(nb, target)
    shutil.rmtree(staging, ignore_errors=True)


def _drop_stale_figures(stage: Path, root: Path, ran: list[Path]) -> None:
    """Drop the figures that the notebooks of this run recorded last time and did not save
    again (see :func:`textkit.plots.drop_figures`)."""
    from textkit.plots import drop_figures, read_manifest

    manifest = read_manifest(stage / "figures")
    if manifest.empty:
        return
    written: set[str] = set()
    for nb in ran:
        try:
            stamp = json.loads(_stamp_path(nb, root).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # cannot tell what the run wrote: keep everything
        written.update(
            Path(rel).stem for rel in stamp.get("outputs", {}) if rel.startswith("figures/")
        )
    stems = {nb.stem for nb in ran}
    stale = manifest.loc[
        manifest["notebook"].isin(stems) & ~manifest["figure"].isin(written), "figure"
    ]
    drop_figures(stale.tolist(), stage / "figures")


def _recover(root: Path) -> None:
    """Undo what an interrupted swap left: a folder renamed aside and not replaced."""
    for name in _STAGED_DIRS:
        for old in sorted(root.glob(f".{name}.old-*")):
            if not (root / name).exists():
                os.rename(old, root / name)
                logger.warning("restored %s/ from an interrupted run", name)
            else:
                shutil.rmtree(old, ignore_errors=True)


def _interrupted_marker(stage: Path) -> Path:
    """Written beside the staging folder (which is then removed) when a parallel run is
    interrupted: a notebook that a worker takes from its queue afterwards is not started."""
    return stage.with_name(stage.name + ".interrupted")


def _run_notebooks(
    todo: list[tuple[Path, str]],
    root: Path,
    timeout: int,
    jobs: int,
    *,
    staging: bool,
    config: Path | None = None,
) -> dict[str, tuple[Path, float]]:
    """Execute notebooks (in parallel when ``jobs`` > 1) with their outputs staged.

    With ``staging``, outputs go to a staging folder holding the current outputs, which is
    swapped into the project only when every notebook succeeded; when one fails, the staging
    folder is discarded, ``figures/``, ``results/`` and the executed notebooks are left
    exactly as they were, and the error names the notebook. Without it, outputs go to the
    output root already set in the environment (``textkit verify``). ``config`` is the
    ``textkit.toml`` every notebook kernel reads (see :func:`textkit.run.notebooks.run_notebook`).
    """
    from textkit.run.notebooks import NotebookError, environment

    if not todo:
        return {}
    _recover(root)
    # Longest first when parallel: by the last recorded run, else by source size (a fresh
    # clone has no stamps; the longest notebooks are also the largest).
    todo = sorted(todo, key=lambda item: (-_last_seconds(item[0], root), -item[0].stat().st_size))
    stage = _stage(root) if staging else None
    results: dict[str, tuple[Path, float]] = {}
    current = ""
    try:
        with environment(**({OUTPUT_ROOT_ENV: str(stage)} if stage else {})):
            if jobs == 1 or len(todo) <= 1:
                for nb, key in progress(todo, total=len(todo), desc="notebooks"):
                    current = nb.name
                    results[nb.stem] = _execute(
                        nb, key, root, timeout, config
                    )  # logs start and end
            else:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor, as_completed

                ctx = multiprocessing.get_context("spawn")
                workers = min(jobs, len(todo))
                with ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=ctx,
                    initializer=_worker_logging,
                    initargs=_logging_setup(),
                ) as pool:
                    futures = {
                        pool.submit(_execute, nb, key, root, timeout, config): nb
                        for nb, key in todo
                    }
                    try:
                        for fut in progress(
                            as_completed(futures), total=len(futures), desc="notebooks"
                        ):
                            current = futures[fut].name
                            results[futures[fut].stem] = fut.result()
                    except BaseException:
                        # start no other notebook (one may already wait in a worker's
                        # queue: the marker stops it); the running ones stop on the same
                        # Ctrl-C (run_notebook)
                        if stage is not None:
                            _interrupted_marker(stage).touch()
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
    except BaseException as exc:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
            if isinstance(exc, Exception):
                logger.error(
                    "%s failed: figures/, results/ and the executed notebooks are left as "
                    "they were",
                    current or "a notebook",
                )
        if isinstance(exc, NotebookError) or not isinstance(exc, Exception):
            raise
        raise NotebookError(f"{current or 'a notebook'}: {exc}") from exc
    if stage is not None:
        _drop_stale_figures(stage, root, [nb for nb, _ in todo])
        _swap_in(stage, root)
        results = {
            stem: (root / path.relative_to(stage) if path.is_relative_to(stage) else path, secs)
            for stem, (path, secs) in results.items()
        }
    return results
