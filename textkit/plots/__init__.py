"""The one figure path: style, CJK font, palette and :func:`save_figure`.

Every textkit figure is drawn inside :func:`use_style` (seaborn's paper theme,
journal sizes, the bundled CJK font) and written only by :func:`save_figure`,
which exports PDF (TrueType fonts embedded, no Type 3), PNG at 300 dpi,
optionally SVG, the data behind the plot as CSV, and a manifest entry.
Reruns give byte-identical files: dates are stripped from metadata and SVG ids
are salted with a fixed string.

The CJK font is Noto Sans CJK SC (SIL Open Font Licence), shipped inside the
``mplfonts`` package that textkit's install step brings. It is registered with
matplotlib's font manager when first needed; the user's global matplotlib
configuration is never changed: the style lives in an ``rc_context``.

Plot functions live in ``textkit.plots.<stage>`` modules; they take tables and
return a :class:`matplotlib.figure.Figure` without saving it: ``corpus`` (cleaning,
composition), ``vocab`` (top terms, group rates), ``topics`` (k selection, stability,
prevalence by group and over years, top terms, seeded comparison), ``network``
(co-occurrence, ego and difference networks, drawn from the positions of ``layout``),
``frames`` (balance, intensity, group estimates and trends, keyness, term scatter, LSS) and
``validation`` (confusion matrix). ``labels`` makes the human labels every figure shows;
``_placement`` is the one label placer of the figures that label points (networks, term
scatter); ``_ticks`` writes the category labels of the figures with categories along their
x axis (wrapped or turned so that none overlaps); ``_network_common`` holds the drawing the
network figures share.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from filelock import FileLock
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from textkit import __version__
from textkit.core.checks import check_choice, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.io import dumps_json, sha256_bytes, write_bytes, write_csv, write_text

logger = logging.getLogger(__name__)

__all__ = [
    "FRAME_COLORS",
    "annotation_colour",
    "FRAME_LABELS",
    "SIZES",
    "frame_color",
    "frame_palette",
    "cjk_font_path",
    "cjk_font_family",
    "use_style",
    "figure_width",
    "new_figure",
    "empty_figure",
    "palette",
    "save_figure",
    "read_manifest",
    "drop_figures",
]

#: Figure widths in inches: a journal's single and double column.
SIZES = {"single": 3.5, "double": 7.0}

#: One colour per frame, the same in every figure.
FRAME_COLORS = {
    "stability": "#b2182b",  # dark red: order, control
    "service_law": "#2166ac",  # dark blue: service, rule of law
    "mixed": "#8c6bb1",
    "neither": "#9e9e9e",
}

#: Display names of the frames.
FRAME_LABELS = {
    "stability": "Stability maintenance",
    "service_law": "Service / rule of law",
    "mixed": "Mixed",
    "neither": "Neither",
}


def frame_color(name: str) -> str:
    """The colour of a frame: the one lookup every figure that colours by frame uses.

    Parameters
    ----------
    name : str
        A frame key of :data:`FRAME_COLORS` (``stability``, ``service_law``, ``mixed``,
        ``neither``).

    Returns
    -------
    str
        Hex colour.

    Raises
    ------
    ValueError
        If ``name`` is not a frame key (a typo or a display name would otherwise fall
        back to some other colour silently).
    """
    try:
        return FRAME_COLORS[name]
    except (KeyError, TypeError):
        raise InvalidParameterError(
            f"unknown frame {name!r}: expected one of {', '.join(FRAME_COLORS)}"
        ) from None


def frame_palette(names: Sequence[str]) -> list[str]:
    """The colours of several frames, in the order given (see :func:`frame_color`)."""
    return [frame_color(n) for n in names]


_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_SVG_SALT = "textkit"
_DPI = 300


@functools.cache
def cjk_font_path() -> Path:
    """Path of the bundled CJK font file (Noto Sans CJK SC, from ``mplfonts``).

    Raises
    ------
    RuntimeError
        If the ``mplfonts`` package or its font file is missing (reinstall textkit).
    """
    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / _FONT_FILE))
    except ModuleNotFoundError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "the CJK font package 'mplfonts' is not installed; run `make install`"
        ) from exc
    if not path.is_file():  # pragma: no cover - install problem
        raise RuntimeError(f"CJK font file not found: {path}")
    return path


@functools.cache
def cjk_font_family() -> str:
    """Register the bundled CJK font with matplotlib and return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _style_rc() -> dict:
    rc: dict = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("paper"))
    family = cjk_font_family()
    # the family is applied after the seaborn theme, which sets its own sans-serif list
    rc.update(
        {
            "font.family": [family, "DejaVu Sans"],
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "svg.fonttype": "path",
            "svg.hashsalt": _SVG_SALT,
            "figure.dpi": 100,
            "savefig.dpi": _DPI,
            "savefig.bbox": "tight",
            "savefig.pad_inches": 0.05,
            "axes.titlesize": 9,
            "axes.labelsize": 8,
            "xtick.labelsize": 7,
            "ytick.labelsize": 7,
            "legend.fontsize": 7,
            "legend.title_fontsize": 7,
            "font.size": 8,
            "path.simplify": True,
        }
    )
    return rc


@contextlib.contextmanager
def use_style() -> Iterator[dict]:
    """Context manager applying textkit's figure style without touching global settings.

    Yields
    ------
    dict
        The rcParams applied inside the block.

    Examples
    --------
    >>> from textkit.plots import use_style, new_figure
    >>> with use_style():
    ...     fig, ax = new_figure()
    ...     _ = ax.set_title("维稳与服务")
    """
    rc = _style_rc()
    with matplotlib.rc_context(rc):
        yield rc


def figure_width(width: str | float) -> float:
    """Figure width in inches: a key of :data:`SIZES` (``"single"``, ``"double"``) or inches.

    Raises
    ------
    InvalidParameterError
        For another string or a width that is not a positive number.
    """
    if isinstance(width, str):
        return SIZES[check_choice("width", width, tuple(SIZES))]
    return check_number("width", width, 0, low_open=True)


def new_figure(
    width: str | float = "single",
    height: float | None = None,
    nrows: int = 1,
    ncols: int = 1,
    **subplots_kw,
) -> tuple[Figure, object]:
    """Create a styled figure of journal width.

    Call it inside :func:`use_style` so that text created later keeps the CJK font.

    Parameters
    ----------
    width : {"single", "double"} or float
        Single column (3.5 in), double column (7 in), or a width in inches.
    height : float, optional
        Height in inches; default is 0.75 × width for one row, scaled by ``nrows``.
    nrows, ncols : int
        Subplot grid.
    **subplots_kw
        Passed to :meth:`matplotlib.figure.Figure.subplots`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or array of Axes
    """
    w = figure_width(width)
    h = (
        float(height)
        if height is not None
        else round(w * 0.75 * max(1, nrows) / max(1, ncols) ** 0.5, 2)
    )
    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplots_kw)
    return fig, axes


def empty_panel(ax, message: str, wrap: int | None = None) -> None:
    """Write ``message`` in the middle of ``ax`` (grey) and hide its axes: a panel with
    nothing to draw says why. ``wrap``: break the message into lines of at most that many
    characters. The text takes no part in the layout, so a long message never squeezes the
    panel away."""
    if wrap:
        message = "\n".join(textwrap.wrap(message, wrap))
    text = ax.text(
        0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666"
    )
    text.set_in_layout(False)
    ax.set_axis_off()


#: Annotation colours of a heat map cell: light text on dark cells, dark text otherwise.
_LIGHT_TEXT = "white"
_DARK_TEXT = "#1a1a1a"
#: Light text is used while its contrast ratio with the cell (WCAG 2) is at least this; on
#: lighter cells dark text contrasts more than 5.8:1. So every count is readable, whatever
#: the data range (a single cell, a constant table).
_MIN_CONTRAST = 3.0


def _luminance(colour) -> float:
    """Relative luminance (WCAG 2) of a matplotlib colour."""
    c = np.asarray(to_rgb(colour), dtype=float)
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def _contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def annotation_colour(image, value: float) -> str:
    """The colour of the number written on a heat map cell: white while it contrasts at
    least 3:1 (WCAG 2) with the colour ``image`` (an ``AxesImage``) draws for ``value``,
    else near-black. Decided by the cell's own colour, so every number is readable
    whatever the data range or colour scale."""
    cell = image.cmap(image.norm(value))
    return _LIGHT_TEXT if _contrast(_LIGHT_TEXT, cell) >= _MIN_CONTRAST else _DARK_TEXT


def empty_figure(
    message: str,
    data: pd.DataFrame | None = None,
    width: str | float = "single",
    title: str | None = None,
) -> Figure:
    """A figure that says why there is nothing to draw, for a plot function whose input holds
    nothing to show on a researcher's corpus (no cleaning repair, no term above a threshold):
    the notebook still saves a figure, and the reader sees the reason instead of an error.

    Parameters
    ----------
    message : str
        The reason, in a sentence (e.g. "No cleaning rule changed any text").
    data : DataFrame, optional
        The (empty) table behind the plot, attached as ``fig.textkit_data`` so that
        :func:`save_figure` writes its columns.
    width : {"single", "double"} or float, default "single"
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    with use_style():
        fig, ax = new_figure(width, height=1.2)
        empty_panel(ax, message, wrap=int(figure_width(width) * 14))
        if title:
            ax.set_title(title)
    if data is not None:
        fig.textkit_data = data
    return fig


def palette(n: int) -> list[str]:
    """``n`` distinguishable categorical colours (seaborn ``colorblind``, then ``tab20``)."""
    if n <= 0:
        return []
    base = sns.color_palette("colorblind", 10).as_hex()
    if n > len(base):
        base = base + sns.color_palette("tab20", 20).as_hex()
    return [base[i % len(base)] for i in range(n)]


# --------------------------------------------------------------------------- saving

_MANIFEST_COLUMNS = [
    "figure",
    "files",
    "file_sha256",
    "data_file",
    "data_sha256",
    "notebook",
    "corpus_hash",
    "config_hash",
    "textkit_version",
    "matplotlib_version",
    "libraries",
    "git_commit",
]


#: The file formats :func:`save_figure` writes.
FIGURE_FORMATS = ("pdf", "png", "svg")


def _render(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    metadata: dict
    if fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None, "Producer": "textkit"}
    elif fmt == "svg":
        metadata = {"Date": None}
    elif fmt == "png":
        metadata = {"Software": None}
    else:
        raise InvalidParameterError(f"unsupported figure format {fmt!r}; use pdf, png or svg")
    with use_style():
        fig.savefig(buf, format=fmt, dpi=_DPI, metadata=metadata)
    return buf.getvalue()


def read_manifest(outdir: str | os.PathLike = "figures") -> pd.DataFrame:
    """Read ``<outdir>/manifest.csv`` (empty table when there is none).

    Columns: ``figure``, ``files``, ``file_sha256`` (``name=sha256`` per file), the data
    file and its sha256, ``notebook``, ``corpus_hash``, ``config_hash``, ``textkit_version``,
    ``matplotlib_version``, ``libraries`` (``name=version`` of every computing library) and
    ``git_commit`` (the commit the files were drawn at, ``+dirty`` for uncommitted changes;
    empty outside git). Columns missing from an older manifest come back empty.
    """
    path = Path(outdir) / "manifest.csv"
    if not path.is_file():
        return pd.DataFrame(columns=_MANIFEST_COLUMNS)
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in _MANIFEST_COLUMNS:
        if col not in table.columns:
            table[col] = ""
    return table


def _same_raster(old: bytes, new: bytes) -> bool:
    """True when two PNGs have the same pixels (and size)."""
    if old == new:
        return True
    from PIL import Image

    try:
        with Image.open(io.BytesIO(old)) as a, Image.open(io.BytesIO(new)) as b:
            return a.size == b.size and a.mode == b.mode and a.tobytes() == b.tobytes()
    except OSError:
        return False


def _unchanged(outdir: Path, name: str, renders: dict[str, bytes], data_text: str | None) -> bool:
    """True when the figure on disk stands for the new one at the stated precision.

    That is: every file exists, the 300-dpi raster is pixel-identical (the PNG, rendered
    for the check when PNG is not among the formats and so compared only when one exists)
    and the data behind it agrees at the stated precision. Sub-pixel float noise in the
    vector formats then does not rewrite a committed figure.
    """
    from textkit.core.precision import texts_agree

    if not all((outdir / f"{name}.{fmt}").is_file() for fmt in renders):
        return False
    png_path = outdir / f"{name}.png"
    if not png_path.is_file() or "png" not in renders:
        return all((outdir / f"{name}.{fmt}").read_bytes() == b for fmt, b in renders.items())
    if not _same_raster(png_path.read_bytes(), renders["png"]):
        return False
    data_path = outdir / f"{name}.csv"
    if data_text is None:
        return not data_path.exists()
    return data_path.is_file() and texts_agree(data_path.read_text("utf-8"), data_text) is None


def save_figure(
    fig: Figure,
    name: str,
    data: pd.DataFrame | None = None,
    *,
    outdir: str | os.PathLike | None = None,
    formats: Sequence[str] = ("pdf", "png"),
    notebook: str | None = None,
    provenance: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write a figure, the data behind it, and its manifest entry. The only writer of figures.

    A figure already on disk whose raster is pixel-identical and whose data agree at the
    stated precision (:mod:`textkit.core.precision`) is kept as it is, with its manifest entry:
    a rerun on a machine whose last float digits differ leaves committed figures untouched.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure returned by a ``textkit.plots`` function.
    name : str
        File stem, e.g. ``"frames_balance"``; letters, digits, ``_`` and ``-`` only.
    data : pandas.DataFrame, optional
        The table behind the plot, written as ``<name>.csv`` (floats at the stated
        precision). Defaults to the ``textkit_data`` attribute a plot function attached to
        the figure, if any.
    outdir : path-like, optional
        Output directory. Default: ``figures/`` under the output root (the project root,
        the directory holding ``textkit.toml``, or the staging folder of a
        ``textkit reproduce`` run), so a notebook running in ``notebooks/`` writes there too.
    formats : sequence of {"pdf", "png", "svg"}
        File formats; PDF embeds TrueType fonts, PNG is 300 dpi.
    notebook : str, optional
        The notebook (or script) that made the figure, recorded in the manifest.
    provenance : mapping, optional
        ``corpus_hash`` and ``config_hash`` of the run (see ``textkit.run.pipeline``).

    Returns
    -------
    list of pathlib.Path
        The files of the figure (figure files, then the CSV).
    """
    from textkit.core.io import _log_write
    from textkit.core.paths import output_root, source_commit
    from textkit.core.precision import round_frame
    from textkit.core.versions import library_versions

    if not name or any(not (c.isalnum() or c in "_-") for c in name):
        raise InvalidParameterError(
            f"figure name must use letters, digits, '_' or '-', got {name!r}"
        )
    if not formats:
        raise InvalidParameterError("formats must name at least one of pdf, png, svg")
    outdir = Path(outdir) if outdir is not None else output_root() / "figures"
    if data is None:
        data = getattr(fig, "textkit_data", None)
    data_text = None
    if data is not None:
        data_text = round_frame(data).to_csv(index=False, lineterminator="\n")
    renders = {fmt: _render(fig, fmt) for fmt in formats}
    kept = _unchanged(outdir, name, renders, data_text)
    written: list[Path] = []
    for fmt, blob in renders.items():
        path = outdir / f"{name}.{fmt}"
        if kept:
            _log_write(path)
        else:
            write_bytes(path, blob)
        written.append(path)
    data_file, data_sha = "", ""
    if data is not None:
        path = write_csv(outdir / f"{name}.csv", data)
        written.append(path)
        data_file, data_sha = path.name, sha256_bytes(path.read_bytes())
    prov = dict(provenance or {})
    entry = {
        "figure": name,
        "files": ";".join(f"{name}.{fmt}" for fmt in formats),
        "file_sha256": ";".join(
            f"{name}.{fmt}={sha256_bytes((outdir / f'{name}.{fmt}').read_bytes())}"
            for fmt in formats
        ),
        "data_file": data_file,
        "data_sha256": data_sha,
        "notebook": notebook or "",
        "corpus_hash": str(prov.get("corpus_hash", "")),
        "config_hash": str(prov.get("config_hash", "")),
        "textkit_version": __version__,
        "matplotlib_version": matplotlib.__version__,
        "libraries": ";".join(f"{k}={v}" for k, v in sorted(library_versions().items())),
        "git_commit": source_commit(),
    }
    # Notebooks may run in parallel (``textkit reproduce --jobs 2``): update the manifest
    # under a lock so that no entry is lost between read and write.
    with FileLock(str(outdir / ".manifest.lock")):
        manifest = read_manifest(outdir)
        old = manifest[manifest["figure"] == name]
        if kept and len(old) == 1:
            # the files were drawn by an earlier run: keep what it recorded of their making
            for col in ("textkit_version", "matplotlib_version", "libraries", "git_commit"):
                entry[col] = old[col].iloc[0]
        manifest = manifest[manifest["figure"] != name]
        manifest = pd.concat([manifest, pd.DataFrame([entry])], ignore_index=True)
        manifest = (
            manifest[_MANIFEST_COLUMNS].sort_values("figure", kind="stable").reset_index(drop=True)
        )
        write_csv(outdir / "manifest.csv", manifest)
        write_text(outdir / "manifest.json", dumps_json(manifest.to_dict(orient="records")))
    logger.info(
        "saved figure %s (%s)%s",
        name,
        ", ".join(p.name for p in written),
        " (unchanged at the stated precision: kept)" if kept else "",
    )
    return written


def drop_figures(names: Sequence[str], outdir: str | os.PathLike | None = None) -> list[Path]:
    """Remove figures a run no longer makes: their files (every format and the data table)
    and their rows of the manifest.

    ``textkit reproduce`` calls it for the figures a re-executed notebook did not save again
    (a group that is gone, a renamed figure), so that ``figures/`` never mixes figures of
    another corpus or configuration with the current ones.

    Parameters
    ----------
    names : sequence of str
        Figure names (file stems) as in the manifest's ``figure`` column.
    outdir : path-like, optional
        Default: ``figures/`` under the output root (as :func:`save_figure`).

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    from textkit.core.paths import output_root

    outdir = Path(outdir) if outdir is not None else output_root() / "figures"
    names = sorted(set(map(str, names)))
    if not names:
        return []
    removed = []
    with FileLock(str(outdir / ".manifest.lock")):
        manifest = read_manifest(outdir)
        for name in names:
            for fmt in (*FIGURE_FORMATS, "csv"):
                path = outdir / f"{name}.{fmt}"
                if path.is_file():
                    path.unlink()
                    removed.append(path)
        manifest = manifest[~manifest["figure"].isin(names)].reset_index(drop=True)
        write_csv(outdir / "manifest.csv", manifest)
        write_text(outdir / "manifest.json", dumps_json(manifest.to_dict(orient="records")))
    for name in names:
        logger.info("dropped figure %s: the run that made it no longer does", name)
    return removed
