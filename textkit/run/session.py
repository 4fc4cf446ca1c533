"""The one preamble of every analysis notebook: :func:`start_notebook`.

A notebook's parameters cell is::

    from textkit.run import start_notebook

    nb = start_notebook("03_topics")
    TOPICS = TopicConfig.from_project(nb.config)

and then ``build = nb.build_corpus()``, ``docs = nb.analysed(build.documents)`` and
``nb.show_figure(fig, "topics_k_selection", "Topic-model diagnostics against K")`` (which
saves the figure and shows the link to it as the cell's output, so that a notebook links
only the figures it drew, under the names it gave them). The session reads ``textkit.toml``
the same way everywhere — the file named by ``TEXTKIT_CONFIG`` when ``textkit --config X
reproduce`` runs the notebook, else the project's — so a figure never comes from another
corpus than the one its manifest names. From :func:`start_notebook` on, warnings are shown
on standard output, in order with the cell's printed lines.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    from textkit.corpus.source import CorpusSource

__all__ = [
    "DEFAULT_FORMATS",
    "FigureLink",
    "NotebookSession",
    "check_settings",
    "start_notebook",
]

#: Figure formats when ``[figures] formats`` is not set.
DEFAULT_FORMATS = ("pdf", "png")
#: Formats a notebook can show inline, in order of preference.
_INLINE_FORMATS = ("png", "svg")


@dataclass(frozen=True)
class FigureLink:
    """A saved figure as a notebook shows it: a Markdown link to its file, relative to the
    notebook (``![Topic prevalence by province](../figures/topics_prevalence_province.png)``).

    Returned by :meth:`NotebookSession.show_figure`; a cell that ends with it (or passes it to
    ``display``) shows the figure, so a notebook links exactly the figures it drew, under the
    names it gave them. The executed notebook holds the link, not the image.

    Attributes
    ----------
    markdown : str
        The link: an image for PNG and SVG, a plain link when only PDF is written.
    """

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown


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
    repeated_paragraphs : str
        ``"keep"`` or ``"drop"`` the paragraphs many analysed articles hold (``[corpus]
        repeated_paragraphs``).
    repeated_min_docs : int
        How many articles hold a paragraph that ``"drop"`` takes out (``[corpus]
        repeated_min_docs``).
    """

    name: str
    config: ProjectConfig
    provenance: Mapping[str, str]
    formats: tuple[str, ...]
    analyse: str
    repeated_paragraphs: str = "keep"
    repeated_min_docs: int = 3

    @property
    def source(self) -> CorpusSource:
        """The corpus analysed: raw pages (``[corpus] raw_dir``) or the researcher's table or
        folder (``[corpus] input``); see :mod:`textkit.corpus.source`."""
        from textkit.corpus.source import corpus_source

        return corpus_source(self.config)

    @property
    def raw_dir(self) -> Path:
        """The corpus path: the raw pages folder or the ``input`` table or folder."""
        return self.source.path

    def build_corpus(self) -> CorpusBuild:
        """The article table of the project's corpus under this config (cached; see
        :func:`textkit.build_corpus` and :func:`textkit.corpus.source.build_source`)."""
        from textkit.corpus.build import CorpusConfig
        from textkit.corpus.source import build_source

        return build_source(self.source, CorpusConfig.from_project(self.config), cache=True)

    @functools.cached_property
    def segmenter(self) -> Any:
        """The segmenter of the project's ``[segment]`` table
        (:func:`textkit.segment.segmenter.segmenter_from_config`: its user dictionaries,
        stopwords and filters), built once: every notebook segments with it, so a
        researcher's dictionary reaches topics, networks and frame scores, not only notebook
        02."""
        from textkit.segment.segmenter import segmenter_from_config

        return segmenter_from_config(self.config)

    def groups(self, docs: pd.DataFrame) -> dict[str, str]:
        """The document variables the notebooks compare: name -> column of ``docs``.

        ``[analysis] groups`` names them (a list of columns, or a table ``{name =
        "column"}`` when a figure should call a column otherwise, e.g. ``{page =
        "page_id"}``). Unset: the researcher's document variables with 2 to 12 distinct
        values (:func:`textkit.corpus.read.document_variables`), else the annotated
        ``genre`` and ``era``.

        Raises
        ------
        ConfigError
            When a named column is not in ``docs`` (the columns are listed).
        """
        from textkit.core.config import ConfigError
        from textkit.corpus.read import document_variables

        spec = self.config.setting("analysis", "groups", None, _check_groups)
        if spec is None:
            found = {
                c: c
                for c in document_variables(docs)
                if 2 <= docs[c].nunique(dropna=True) <= _MAX_DEFAULT_GROUPS
            }
            spec = found or {c: c for c in ("genre", "era") if c in docs.columns}
        missing = [c for c in spec.values() if c not in docs.columns]
        if missing:
            raise ConfigError(
                f"{self.config.path or 'textkit.toml'} [analysis] groups: no column "
                f"{', '.join(map(repr, missing))} in the article table; its columns are "
                f"{', '.join(map(str, docs.columns))}"
            )
        return dict(spec)

    def group_labels(self, docs: pd.DataFrame, missing: str | None = "unknown") -> pd.DataFrame:
        """One row per document of ``docs``: ``doc_id`` and a label column per group of
        :meth:`groups`, named by the group's name (text).

        Parameters
        ----------
        docs : pandas.DataFrame
        missing : str or None, default "unknown"
            The label of a document without a value; ``None`` keeps it missing (so that
            an analysis leaves it out).
        """
        import pandas as pd

        out = pd.DataFrame({"doc_id": docs["doc_id"].astype(str).to_numpy()})
        for name, column in self.groups(docs).items():
            out[name] = [
                missing if pd.isna(v) or str(v).strip() == "" else str(v) for v in docs[column]
            ]
        return out

    def examples(self, doc_ids: Sequence[str], default: Sequence[str] | None = None) -> list[str]:
        """The documents a notebook shows as examples.

        Parameters
        ----------
        doc_ids : sequence of str
            The analysed documents.
        default : sequence of str, optional
            The notebook's own choice when ``[analysis] examples`` is not set (e.g. the most
            stability-leaning and the most service-leaning article); default the first two
            of ``doc_ids``.

        Returns
        -------
        list of str
            ``[analysis] examples`` when set, else ``default``.

        Raises
        ------
        ConfigError
            When a configured id is not among ``doc_ids``.
        """
        from textkit.core.config import ConfigError

        ids = [str(c) for c in doc_ids]
        chosen = self.config.setting("analysis", "examples", None, _check_examples)
        if chosen is None:
            return [str(d) for d in default] if default is not None else ids[:2]
        missing = [d for d in chosen if d not in set(ids)]
        if missing:
            raise ConfigError(
                f"{self.config.path or 'textkit.toml'} [analysis] examples: "
                f"{', '.join(map(repr, missing))} not among the analysed documents "
                f"(e.g. {', '.join(map(repr, ids[:3]))})"
            )
        return list(chosen)

    def trend(self, docs: pd.DataFrame) -> str | None:
        """The document variable traced over time (``[analysis] trend``; unset: ``year``
        when ``docs`` has at least three distinct years; ``""`` turns it off): numbers (a
        year) or dates (a column named in ``[corpus] dates``, or ``published``, the date raw
        pages or a folder's files state they were published; traced by calendar year).

        Raises
        ------
        ConfigError
            When the named column is not in ``docs`` or holds neither numbers nor dates.
        """
        import pandas as pd

        from textkit.core.config import ConfigError

        name = self.config.setting(
            "analysis", "trend", None, lambda k, v: check_str(k, v, allow_empty=True)
        )
        if name == "":
            return None
        if name is None:
            years = docs["year"] if "year" in docs.columns else None
            ok = years is not None and pd.to_numeric(years, errors="coerce").nunique() >= 3
            return "year" if ok else None
        where = f"{self.config.path or 'textkit.toml'} [analysis] trend"
        if name not in docs.columns:
            raise ConfigError(f"{where}: no column {name!r} in the article table")
        column = docs[name]
        if not (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        ):
            raise ConfigError(
                f"{where}: column {name!r} holds neither numbers (years, counts ...) nor dates "
                f"(dtype {column.dtype}); a column of dates read as text is read as dates when "
                "[corpus] dates names it"
            )
        return name

    def analysed(self, docs: pd.DataFrame) -> pd.DataFrame:
        """The articles every analysis uses: ``docs`` filtered by ``[corpus] analyse``, their
        texts without the paragraphs many of them hold when ``[corpus] repeated_paragraphs =
        "drop"`` (:func:`textkit.corpus.select.analysed_documents`)."""
        from textkit.corpus.dedup import DedupConfig
        from textkit.corpus.select import analysed_documents

        return analysed_documents(
            docs,
            self.analyse,
            repeated_paragraphs=self.repeated_paragraphs,
            repeated_min_docs=self.repeated_min_docs,
            dedup=DedupConfig.from_project(self.config),
        )

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

        kwargs.setdefault("outdir", self.output("figures"))
        return save_figure(
            fig,
            name,
            data,
            notebook=self.name,
            provenance=dict(self.provenance),
            formats=self.formats,
            **kwargs,
        )

    def show_figure(
        self, fig: Figure, name: str, caption: str, data: pd.DataFrame | None = None, **kwargs: Any
    ) -> FigureLink:
        """:meth:`save_figure`, then a link to the saved figure for the cell to show.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
        name : str
            File stem, e.g. ``f"topics_prevalence_{group}"``.
        caption : str
            The figure's caption (the link's text).
        data : pandas.DataFrame, optional
            As in :meth:`save_figure`.
        **kwargs
            Other arguments of :func:`textkit.save_figure` (``outdir``).

        Returns
        -------
        FigureLink
            The Markdown link to the PNG (else SVG, else a plain link to the PDF), relative to
            the notebooks folder of this run.
        """
        written = self.save_figure(fig, name, data, **kwargs)
        files = {p.suffix.lstrip("."): p for p in written}
        shown = next((files[f] for f in _INLINE_FORMATS if f in files), files.get("pdf"))
        if shown is None:
            raise InvalidParameterError(f"figure {name!r}: no file of the formats pdf, png, svg")
        rel = Path(os.path.relpath(shown, self.output("notebooks"))).as_posix()
        caption = " ".join(str(caption).split()).replace("[", "(").replace("]", ")")
        image = "!" if shown.suffix.lstrip(".") in _INLINE_FORMATS else ""
        return FigureLink(f"{image}[{caption}]({rel})")

    def summary(self) -> dict[str, Any]:
        """What identifies the run, for the notebook's first output (``repeated_paragraphs``
        only when they are dropped)."""
        dropped = (
            {"repeated_paragraphs": f"drop (held by {self.repeated_min_docs} or more articles)"}
            if self.repeated_paragraphs == "drop"
            else {}
        )
        return {
            **self.provenance,
            "analyse": self.analyse,
            **dropped,
            "formats": list(self.formats),
        }


#: Most distinct values a document variable may have to be compared by default.
_MAX_DEFAULT_GROUPS = 12


def _check_groups(name: str, value: Any) -> dict[str, str]:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return {v: v for v in value}
    if isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
    ):
        return dict(value)
    raise InvalidParameterError(
        f'{name}: expected a list of columns (["province", "year"]) or a table '
        f'({{page = "page_id"}}), got {value!r}'
    )


def _check_examples(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidParameterError(f"{name}: expected a list of document ids, got {value!r}")
    return value


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


def _check_codes(name: str, value: Any) -> str:
    check_str(name, value)
    if not value.strip():
        raise InvalidParameterError(f"{name}: expected the path of a coded sheet, got ''")
    if value.strip().lower().endswith(".xls"):
        raise InvalidParameterError(
            f"{name}: {value!r} is an Excel 97-2003 workbook, which is not read as a coding "
            "sheet; save it as an Excel workbook (.xlsx) or as CSV"
        )
    return value


def _setting_checks(config: ProjectConfig) -> Iterator[Callable[[], Any]]:
    """Every read of a setting that the CLI, the pipeline and the notebooks make, as a call
    that raises :class:`ConfigError` naming the file, the table and the key."""
    import importlib

    from textkit.core.config import TABLES, project_random_state
    from textkit.corpus.build import CorpusConfig
    from textkit.corpus.select import analyse_rule, repeated_min_docs, repeated_rule
    from textkit.corpus.source import corpus_source
    from textkit.run import pipeline

    yield lambda: project_random_state(config)
    yield lambda: pipeline.notebooks_dir(config)
    yield lambda: corpus_source(config)  # raw_dir or input and its read options
    yield lambda: pipeline.out_dir(config)
    yield lambda: analyse_rule(config)
    yield lambda: repeated_rule(config)
    yield lambda: repeated_min_docs(config)
    yield lambda: CorpusConfig.from_project(config)  # flag_off_topic; [ingest] ... [annotate]
    for specs, _ in TABLES.values():  # every stage config, from its table
        for spec in specs:
            module, _, name = spec.partition(":")
            yield functools.partial(
                getattr(importlib.import_module(module), name).from_project, config
            )
    yield lambda: config.setting("analysis", "groups", None, _check_groups)
    yield lambda: config.setting(
        "analysis", "trend", None, lambda k, v: check_str(k, v, allow_empty=True)
    )
    yield lambda: config.setting("analysis", "examples", None, _check_examples)
    yield lambda: config.setting("figures", "formats", DEFAULT_FORMATS, _check_formats)
    yield lambda: _codes_file(config)


def _codes_file(config: ProjectConfig) -> None:
    """``[validation] codes``, the coded sheet notebook 05 reads, exists."""
    from textkit.core.config import ConfigError

    codes = config.setting("validation", "codes", None, _check_codes)
    if codes is not None and not config.resolve(codes).is_file():
        raise ConfigError(
            f"{config.path or 'textkit.toml'} [validation] codes: file not found: "
            f"{config.resolve(codes)}"
        )


def _check_documents(
    config: ProjectConfig, documents: pd.DataFrame, analysed: pd.DataFrame
) -> Iterator[Callable[[], Any]]:
    """The settings that name columns or articles of the article table (``analysed``: its
    articles analysed, as :meth:`NotebookSession.analysed` selects them), or count them."""
    from textkit.core.config import ConfigError
    from textkit.dtm.prune import VectorizeConfig

    session = _session("check", config, provenance={}, formats=())
    yield lambda: session.groups(documents)
    yield lambda: session.trend(analysed)
    yield lambda: session.examples(analysed["doc_id"])

    def min_df() -> None:  # notebook 02 counts terms per analysed article
        vectorize = VectorizeConfig.from_project(config)
        if isinstance(vectorize.min_df, int) and vectorize.min_df > len(analysed):
            raise ConfigError(
                f"{config.path or 'textkit.toml'} [vectorize] min_df = {vectorize.min_df}: "
                f"more than the {len(analysed)} articles analysed ([corpus] analyse = "
                f"{session.analyse!r}; {_corpus_counts(config, documents)}); a term must be "
                "in min_df of them"
            )

    yield min_df


def _corpus_counts(config: ProjectConfig, documents: pd.DataFrame) -> str:
    """Where the article table comes from and what it holds, with its report's path."""
    from textkit.corpus.source import corpus_source
    from textkit.run import pipeline

    source = corpus_source(config)
    setting = "raw_dir" if source.kind == "pages" else "input"
    by_status = documents["status"].value_counts() if len(documents) else {}
    held = ", ".join(f"{by_status.get(s, 0)} {s}" for s in ("kept", "flagged", "quarantined"))
    return (
        f"the article table of [corpus] {setting} = {source.path} holds {len(documents)} "
        f"articles ({held}): see {pipeline.out_dir(config) / 'corpus_report.md'}"
    )


def _check_not_empty(
    config: ProjectConfig, documents: pd.DataFrame, analysed: pd.DataFrame
) -> None:
    """Refuse an analysed corpus without any article, naming the corpus setting and its
    report (not a setting of a later stage that an empty corpus cannot satisfy)."""
    from textkit.core.errors import CorpusError

    session = _session("check", config, provenance={}, formats=())
    if len(analysed):
        return
    raise CorpusError(
        f"no article to analyse: 0 articles analysed ([corpus] analyse = "
        f"{session.analyse!r}); {_corpus_counts(config, documents)}"
    )


def check_settings(config: ProjectConfig, documents: pd.DataFrame | None = None) -> None:
    """Build and check every setting of ``config``, as the stages and notebooks read them.

    ``textkit config`` runs it, and ``textkit reproduce`` / ``notebooks`` / ``figures`` run it
    before any corpus stage or notebook, so that a bad value is reported at once rather than
    from inside a notebook minutes later: every stage config of every table
    (:data:`textkit.core.config.TABLES`), ``[project] random_state`` and ``notebooks``, the
    corpus source and its read options, ``[corpus] analyse``, ``repeated_paragraphs`` and
    ``repeated_min_docs``, ``[analysis]``, ``[figures] formats`` and ``[validation] codes``.

    Parameters
    ----------
    config : ProjectConfig
    documents : pandas.DataFrame, optional
        The article table of the project's corpus, once built: then the settings that need
        it are checked instead (``[analysis] groups``, ``trend`` and ``examples`` name its
        columns and articles, an integer ``[vectorize] min_df`` is at most the number of
        articles analysed). The runs check both, in that order.

    Raises
    ------
    ConfigError
        Naming the file, the table and the key of every bad value (one per line when there
        are several).
    CorpusError
        When ``documents`` is given and no article of it is analysed: naming the corpus
        setting (``[corpus] input`` or ``raw_dir``) and the corpus report.
    """
    from textkit.core.config import ConfigError

    if documents is None:
        checks = _setting_checks(config)
    else:  # the articles analysed, selected once (a template-paragraph drop warns once)
        analysed = _session("check", config, provenance={}, formats=()).analysed(documents)
        _check_not_empty(config, documents, analysed)
        checks = _check_documents(config, documents, analysed)
    problems: list[str] = []
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        where = f"{config.path or 'textkit.toml'}"
        listed = "\n".join(f"  {p.removeprefix(where + ' ')}" for p in problems)
        raise ConfigError(f"{where}: {len(problems)} problems:\n{listed}")


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
        For an invalid ``[figures] formats``, ``[corpus] analyse``, ``repeated_paragraphs``
        or ``repeated_min_docs`` (file, table and key named), or a missing raw corpus folder.

    Notes
    -----
    From then on, warnings, and the log records of level WARNING and above of other libraries
    (when nothing else configured logging; textkit's own log stays silent in a notebook, what
    a reader must see it also warns), are shown on standard output, in order with what the
    cell prints: on standard error they would reach the notebook as a second stream, whose
    order against the first depends on timing, so that two runs could write different
    notebooks (``textkit verify`` compares them).

    Examples
    --------
    >>> from textkit.run import start_notebook
    >>> nb = start_notebook("00_overview")  # doctest: +SKIP
    >>> docs = nb.analysed(nb.build_corpus().documents)  # doctest: +SKIP
    """
    from textkit.run.pipeline import provenance

    name = check_str("name", name)
    project = config if isinstance(config, ProjectConfig) else load_config(config)
    _show_warnings_in_order()
    return _session(
        name,
        project,
        provenance=provenance(project).as_dict(),
        formats=project.setting("figures", "formats", DEFAULT_FORMATS, _check_formats),
    )


#: Name of the log handler :func:`start_notebook` adds (once) when logging is not configured.
_LOG_HANDLER = "textkit-notebook"


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` of a notebook: the usual text, on standard output."""
    import sys
    import warnings

    sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))


def _not_textkit(record) -> bool:
    """Log filter: a record of another library (textkit's own has its ``NullHandler``)."""
    return not (record.name == "textkit" or record.name.startswith("textkit."))


def _show_warnings_in_order() -> None:
    """Send warnings, and other libraries' log records of WARNING and above when no handler is
    configured, to standard output (see :func:`start_notebook`, Notes)."""
    import logging
    import sys
    import warnings

    warnings.showwarning = _show_warning
    root = logging.getLogger()
    if root.handlers:  # logging configured by the researcher (or pytest): left as it is
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(_LOG_HANDLER)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_not_textkit)
    root.addHandler(handler)


def _session(
    name: str, config: ProjectConfig, provenance: Mapping[str, str], formats: tuple[str, ...]
) -> NotebookSession:
    """A session with the ``[corpus]`` settings that choose the analysed articles and texts."""
    from textkit.corpus.select import analyse_rule, repeated_min_docs, repeated_rule

    return NotebookSession(
        name=name,
        config=config,
        provenance=provenance,
        formats=formats,
        analyse=analyse_rule(config),
        repeated_paragraphs=repeated_rule(config),
        repeated_min_docs=repeated_min_docs(config),
    )
