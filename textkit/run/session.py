"""The one preamble of every analysis notebook: :func:`start_notebook`.

A notebook's parameters cell is::

    from textkit.run import start_notebook

    nb = start_notebook("03_topics")
    TOPICS = TopicConfig.from_project(nb.config)

and then ``build = nb.build_corpus()``, ``docs = nb.analysed(build.documents)`` and
``nb.save_figure(fig, "topics_k_selection")``. The session reads ``textkit.toml`` the same
way everywhere — the file named by ``TEXTKIT_CONFIG`` when ``textkit --config X reproduce``
runs the notebook, else the project's — so a figure never comes from another corpus than the
one its manifest names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textkit.core.checks import check_str
from textkit.core.config import ProjectConfig, load_config
from textkit.core.errors import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from textkit.corpus.build import CorpusBuild

__all__ = ["DEFAULT_FORMATS", "NotebookSession", "start_notebook"]

#: Figure formats when ``[figures] formats`` is not set.
DEFAULT_FORMATS = ("pdf", "png")


@dataclass(frozen=True)
class NotebookSession:
    """What a notebook needs from the project: config, provenance, formats, corpus, outputs.

    Built by :func:`start_notebook`; immutable.

    Attributes
    ----------
    name : str
        The notebook's name (``"03_topics"``), recorded with every figure it saves.
    config : ProjectConfig
        The parsed ``textkit.toml``; stage configs come from it with
        ``XConfig.from_project(nb.config)``.
    provenance : mapping
        ``corpus_hash`` and ``config_hash`` of this run.
    formats : tuple of str
        Figure file formats (``[figures] formats``).
    analyse : str
        Which articles the analyses use (``[corpus] analyse``; see
        :mod:`textkit.corpus.select`).
    """

    name: str
    config: ProjectConfig
    provenance: Mapping[str, str]
    formats: tuple[str, ...]
    analyse: str

    @property
    def raw_dir(self) -> Path:
        """The raw corpus folder (``[corpus] raw_dir``)."""
        from textkit.run.pipeline import raw_dir

        return raw_dir(self.config)

    def build_corpus(self) -> CorpusBuild:
        """The article table of the raw corpus under this config (cached; see
        :func:`textkit.build_corpus`)."""
        from textkit.corpus.build import CorpusConfig, build_corpus

        return build_corpus(self.raw_dir, CorpusConfig.from_project(self.config), cache=True)

    def analysed(self, docs: pd.DataFrame) -> pd.DataFrame:
        """The articles every analysis uses: ``docs`` filtered by ``[corpus] analyse``."""
        from textkit.corpus.select import analysed_documents

        return analysed_documents(docs, self.analyse)

    def output(self, path: str | os.PathLike) -> Path:
        """Where an output path setting (``results/topics``) goes in this run."""
        return self.config.output(path)

    def save_figure(
        self, fig: Figure, name: str, data: pd.DataFrame | None = None, **kwargs: Any
    ) -> list[Path]:
        """:func:`textkit.save_figure` with this notebook's name, provenance and formats.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
        name : str
            File stem, e.g. ``"topics_k_selection"``.
        data : pandas.DataFrame, optional
            The table behind the figure (default: the one the plot function attached).
        **kwargs
            Other arguments of :func:`textkit.save_figure` (``outdir``).
        """
        from textkit.plots import save_figure

        return save_figure(
            fig,
            name,
            data,
            notebook=self.name,
            provenance=dict(self.provenance),
            formats=self.formats,
            **kwargs,
        )

    def summary(self) -> dict[str, Any]:
        """What identifies the run, for the notebook's first output."""
        return {**self.provenance, "analyse": self.analyse, "formats": list(self.formats)}


def _check_formats(name: str, formats: Any) -> tuple[str, ...]:
    if isinstance(formats, str) or not isinstance(formats, Sequence) or not formats:
        raise InvalidParameterError(f'{name}: expected a non-empty list such as ["pdf", "png"]')
    from textkit.plots import FIGURE_FORMATS

    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad:
        raise InvalidParameterError(
            f"{name}: unknown format(s) {bad}; valid: {', '.join(FIGURE_FORMATS)}"
        )
    return tuple(formats)


def start_notebook(
    name: str, config: str | os.PathLike | ProjectConfig | None = None
) -> NotebookSession:
    """Start an analysis notebook: read the project's config once, fix its provenance.

    Parameters
    ----------
    name : str
        The notebook's name, e.g. ``"03_topics"`` (recorded in ``figures/manifest.csv``).
    config : path-like or ProjectConfig, optional
        The ``textkit.toml`` to use. Default: :func:`textkit.load_config` — the file named
        by ``TEXTKIT_CONFIG`` (set by ``textkit --config X reproduce``), else the project's.

    Returns
    -------
    NotebookSession

    Raises
    ------
    ConfigError
        For an invalid ``[figures] formats`` or ``[corpus] analyse`` (file, table and key
        named), or a missing raw corpus folder.

    Examples
    --------
    >>> from textkit.run import start_notebook
    >>> nb = start_notebook("00_overview")  # doctest: +SKIP
    >>> docs = nb.analysed(nb.build_corpus().documents)  # doctest: +SKIP
    """
    from textkit.corpus.select import analyse_rule
    from textkit.run.pipeline import provenance

    name = check_str("name", name)
    project = config if isinstance(config, ProjectConfig) else load_config(config)
    return NotebookSession(
        name=name,
        config=project,
        provenance=provenance(project).as_dict(),
        formats=project.setting("figures", "formats", DEFAULT_FORMATS, _check_formats),
        analyse=analyse_rule(project),
    )
