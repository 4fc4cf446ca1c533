"""Run the stages in order: raw corpus -> tables -> executed notebooks -> figures.

:func:`reproduce` is what ``make reproduce`` and ``textkit reproduce`` call. It
reads ``textkit.toml``, rebuilds the article table from ``corpus/raw`` and then
executes every analysis notebook in ``notebooks/`` (they write the figures
through :func:`textkit.plots.save_figure`). Every output is written atomically
and deterministically, so a second run leaves ``git status`` clean.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._progress import progress
from .config import ProjectConfig, corpus_hash, load_config

logger = logging.getLogger(__name__)

__all__ = ["Provenance", "provenance", "build_corpus_step", "reproduce", "ReproduceResult"]


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


def _raw_dir(config: ProjectConfig) -> Path:
    return config.resolve(config.section("corpus").get("raw_dir", "corpus/raw"))


def _out_dir(config: ProjectConfig) -> Path:
    return config.resolve(config.section("corpus").get("out_dir", "corpus/processed"))


def provenance(config: ProjectConfig | None = None) -> Provenance:
    """The :class:`Provenance` of the project's raw corpus under ``config``."""
    config = config or load_config()
    return Provenance(corpus_hash=corpus_hash(_raw_dir(config)), config_hash=config.hash)


def build_corpus_step(config: ProjectConfig | None = None) -> list[Path]:
    """Build the article table from the raw pages and write it (``textkit corpus build``).

    Returns
    -------
    list of pathlib.Path
        Files written to the processed-corpus directory.
    """
    from .corpus import build_corpus, corpus_config, write_corpus

    config = config or load_config()
    build = build_corpus(_raw_dir(config), corpus_config(config))
    return write_corpus(build, _out_dir(config))


@dataclass(frozen=True)
class ReproduceResult:
    """Files written by :func:`reproduce` and the seconds each step took."""

    corpus_files: tuple[Path, ...]
    notebooks: tuple[Path, ...]
    seconds: dict[str, float] = field(default_factory=dict)


def reproduce(
    config_path: str | os.PathLike | None = None,
    *,
    notebooks: bool = True,
    only: tuple[str, ...] = (),
    timeout: int = 900,
) -> ReproduceResult:
    """Rebuild everything from ``corpus/raw``: tables, executed notebooks, figures.

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

    Returns
    -------
    ReproduceResult
    """
    from .notebooks import find_notebooks, run_notebook

    config = load_config(config_path)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    logger.info("building corpus from %s", _raw_dir(config))
    files = build_corpus_step(config)
    seconds["corpus"] = time.perf_counter() - t0
    ran: list[Path] = []
    if notebooks:
        nbs = find_notebooks(config.root / "notebooks")
        if only:
            nbs = [p for p in nbs if p.name.startswith(tuple(only))]
        for nb in progress(nbs, total=len(nbs), desc="notebooks"):
            t = time.perf_counter()
            logger.info("executing %s", nb.name)
            ran.append(run_notebook(nb, timeout=timeout).notebook)
            seconds[nb.stem] = time.perf_counter() - t
    return ReproduceResult(corpus_files=tuple(files), notebooks=tuple(ran), seconds=seconds)
