"""Execute the analysis notebooks headless and write them back deterministically.

Each notebook is kept twice in ``notebooks/``: a jupytext *percent* script
(``01_corpus.py``, the source that diffs well) and the executed ``.ipynb`` beside
it (what readers open). :func:`run_notebook` reads the script, executes it with
nbclient in a fresh kernel whose working directory is ``notebooks/``, fails on
any error, on a missing-glyph warning or on an output showing an absolute path of
this checkout (the notebook would then differ on every other machine), strips volatile
metadata (timings, kernel versions) and the paths of this machine from the warnings a cell
shows (``/tmp/ipykernel_<pid>/…py`` becomes ``<cell>``, the folder a package is installed in
is dropped, a path in the project's folder is written relative to it), and writes the ``.ipynb``
atomically, so reruns are byte-identical. The kernel talks to nbclient over IPC (unix
sockets in a short temporary directory), so ipykernel has no unencrypted-TCP warning to
print; the start and the end (with its duration) of each notebook are logged.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from textkit.core.config import CONFIG_ENV
from textkit.core.errors import NotebookError
from textkit.core.io import write_text
from textkit.core.paths import project_root

logger = logging.getLogger(__name__)
#: nbclient's own log ("Executing notebook with kernel: python3" on every run): warnings only.
_nbclient_log = logging.getLogger(f"{__name__}.nbclient")
_nbclient_log.setLevel(logging.WARNING)

__all__ = ["NotebookError", "NotebookRun", "environment", "find_notebooks", "run_notebook"]

#: Output text that means a figure would show boxes instead of characters.
_GLYPH_RE = re.compile(r"Glyph \d+ .*missing from (current )?font|missing from font\(s\)")


@dataclass(frozen=True)
class NotebookRun:
    """What :func:`run_notebook` did: the source script, the notebook written, cells run."""

    source: Path
    notebook: Path
    n_cells: int


def find_notebooks(directory: str | os.PathLike = "notebooks") -> list[Path]:
    """The percent scripts ``NN_*.py`` in ``directory``, sorted by name."""
    return sorted(p for p in Path(directory).glob("[0-9][0-9]_*.py") if p.is_file())


def _clean_metadata(nb) -> None:
    nb.metadata.pop("widgets", None)
    lang = nb.metadata.get("language_info")
    if lang is not None:
        nb.metadata["language_info"] = {"name": lang.get("name", "python")}
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    for key in ("text_representation",):
        nb.metadata["jupytext"].pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{i:03d}"


#: The file IPython runs a cell from, named by the kernel's process id (it changes on every
#: run): ``/tmp/ipykernel_12345/3039524952.py``, as a warning raised in a cell shows it.
_CELL_FILE_RE = re.compile(r"(?:[A-Za-z]:)?[^\s\"'():]*ipykernel_\d+[/\\](\d+)\.py")


#: An installed package's folder, as a warning raised inside a library shows it.
_SITE_PACKAGES_RE = re.compile(r"(?:[A-Za-z]:)?[^\s\"'():]*[/\\]site-packages[/\\]")


#: What may stand before a path named in a text: not part of a longer path or word
#: (``/tmp/a`` is not named by ``/var/tmp/a``).
_PATH_START = r"(?<![\w.\-/\\])"


def _path_re(folder: str) -> re.Pattern[str]:
    """``folder`` named as a whole path in a text: not inside a longer path, and followed by
    a path separator, a quote, whitespace, a colon or the end (``/x/audit`` is not named by
    ``/x/audit_corpus/docs`` nor by ``/var/x/audit``)."""
    return re.compile(_PATH_START + re.escape(folder) + r"(?=[/\\\"'\s:]|$)")


def _stable_outputs(nb, project: Path | None = None) -> None:
    """Replace what changes from run to run, or from machine to machine, in the text outputs
    (the location a warning shows): the kernel's cell file becomes ``<cell>``, the folder
    textkit or another package is installed in is dropped (``textkit/plots/__init__.py:344``),
    and a path in the ``project`` folder (the one holding ``textkit.toml``: the researcher's
    corpus, settings and outputs) is written relative to it (``/home/me/study/docs`` becomes
    ``docs``, the folder itself ``.``), so a rerun writes the same bytes and no output names a
    folder of this machine."""
    import textkit

    installed = str(Path(textkit.__file__).resolve().parent.parent) + os.sep
    here = str(project.resolve()) if project is not None else None
    for cell in nb.cells:
        if "outputs" in cell:
            cell["outputs"] = _joined_streams(cell["outputs"])
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and "text" in out:
                text = out["text"]
                joined = "".join(text) if isinstance(text, list) else text
                joined = _CELL_FILE_RE.sub("<cell>", joined)
                joined = _SITE_PACKAGES_RE.sub("", joined.replace(installed + "textkit", "textkit"))
                if here is not None:
                    joined = _relative_to(here, joined)
                out["text"] = joined


def _joined_streams(outputs: list) -> list:
    """``outputs`` with each run of consecutive stream outputs of one name (``stdout``,
    ``stderr``) joined into one: the kernel sends a cell's printed lines in one message or
    in several, as its output buffer happens to be flushed, so the same lines would be
    stored as one block in one run and two in the next."""
    joined: list = []
    for out in outputs:
        prev = joined[-1] if joined else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            text = [prev.get("text", ""), out.get("text", "")]
            prev["text"] = "".join("".join(t) if isinstance(t, list) else t for t in text)
        else:
            joined.append(out)
    return joined


def _relative_to(folder: str, text: str) -> str:
    """``text`` with the paths in ``folder`` written relative to it, the folder itself as
    ``.`` (a path only starting with the folder's name, or ending with it, is left as is)."""
    if Path(folder).parent == Path(folder):  # a file system's root: every path is in it
        return text
    start = _PATH_START + re.escape(folder)
    text = re.sub(start + r"[/\\]+", "", text)
    return re.sub(start + r"(?=[\"'\s:]|$)", ".", text)


def _output_text(out) -> str:
    parts = [out.get("text", ""), out.get("data", {}).get("text/plain", "")]
    return "".join("".join(p) if isinstance(p, list) else (p or "") for p in parts)


def _check_outputs(nb, source: Path, root: Path | None = None) -> None:
    """Refuse an output naming ``root`` (default: the checkout of ``source``) as a whole
    path, a cell that raised, or a warning about a missing glyph."""
    root = root if root is not None else project_root(source.parent.resolve())
    names_root = _path_re(str(root))
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = _output_text(out)
            if names_root.search(text):
                raise NotebookError(
                    f"{source}: cell {i} shows a path of this machine ({root}); the executed "
                    "notebook would differ on another checkout (end the line with ';' or "
                    "show a relative path)"
                )
            if out.get("output_type") == "error":
                raise NotebookError(
                    f"{source}: cell {i} raised {out.get('ename')}: {out.get('evalue')}"
                )
            if _GLYPH_RE.search(text):
                raise NotebookError(
                    f"{source}: cell {i} warned about a missing glyph: {text.strip()}"
                )


def _project_folder(source: Path, config: str | os.PathLike | None) -> Path:
    """The folder of the project a notebook runs for: that of ``config``, else that of the
    ``textkit.toml`` its kernel reads (``TEXTKIT_CONFIG``), else the notebook's project."""
    named = config if config is not None else os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).resolve().parent
    return project_root(source.parent.resolve())


def _target(source: Path, config: str | os.PathLike | None = None) -> Path:
    """Where the executed notebook goes: beside its source, or at the same place under the
    output root while a run stages its outputs (see :func:`textkit.core.paths.output_root`).

    A source outside the project of ``config`` (a project that runs another folder's
    notebooks, ``[project] notebooks``, or textkit's own) is executed into the project's own
    ``notebooks/``.
    """
    from textkit.core.paths import OUTPUT_ROOT_ENV, output_root

    target = source.with_suffix(".ipynb")
    root = (
        Path(config).resolve().parent
        if config is not None
        else project_root(source.parent.resolve())
    )
    try:
        rel = target.resolve().relative_to(root)
    except ValueError:
        return output_root(root) / "notebooks" / target.name
    if not os.environ.get(OUTPUT_ROOT_ENV):
        return target
    return output_root(root) / rel


#: Longest unix socket path (``sun_path`` holds 108 bytes on Linux, 104 on macOS).
_MAX_SOCKET_PATH = 100


def _kernel_manager(kernel_name: str, workdir: str):
    """A kernel manager talking to its kernel over IPC (unix sockets in ``workdir``).

    Over TCP, ipykernel warns on every start that the traffic is not encrypted; IPC is
    local-only and silent. Its sockets are ``<workdir>/k-ipc-<n>``, so ``workdir`` must be
    short; where IPC is not possible (Windows, a socket path too long) the kernel uses
    TCP and its log level is raised to ERROR so that the warning is not shown.
    """
    from jupyter_client.manager import AsyncKernelManager

    connection_file = os.path.join(workdir, "k.json")
    if os.name != "nt" and len(connection_file) + 8 <= _MAX_SOCKET_PATH:
        km = AsyncKernelManager(
            kernel_name=kernel_name, transport="ipc", connection_file=connection_file
        )
        return km, []
    km = AsyncKernelManager(kernel_name=kernel_name, connection_file=connection_file)
    return km, ["--IPKernelApp.log_level=ERROR"]


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or with ``None`` unset) environment variables for the block, then restore them;
    kernels and worker processes started inside it inherit them."""
    before = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _stop_at_once_on_signal(client) -> None:
    """Make the kernel shutdown that nbclient starts on SIGINT / SIGTERM immediate.

    While it executes, nbclient turns SIGINT (Ctrl-C) and SIGTERM into a shutdown of the
    kernel; a graceful one lets the busy kernel print tracebacks for seconds. The kernel is
    killed at once instead, and :func:`run_notebook` then raises KeyboardInterrupt (see
    :func:`_signalled`). A notebook that finishes normally still shuts its kernel down
    gracefully.
    """
    cleanup = client._async_cleanup_kernel

    async def stop() -> None:
        if _signalled(client):
            client.shutdown_kernel = "immediate"
        if client.km is None:
            return  # stopped already: the signal and the end of execute both ask for it
        with contextlib.suppress(AttributeError):  # the other request finished it meanwhile
            await cleanup()

    client._async_cleanup_kernel = stop


def _signalled(client) -> bool:
    """True when nbclient received SIGINT or SIGTERM while executing (it then records the
    kernel shutdown it started)."""
    return getattr(client, "_async_cleanup_kernel_future", None) is not None


#: Colour codes of the tracebacks IPython shows (also when the output is not a terminal).
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _textkit_errors() -> set[str]:
    """The class names of every error textkit raises on purpose (TextkitError and below)."""
    from textkit.core.errors import TextkitError

    names, todo = set(), [TextkitError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _failure(source: Path, exc) -> str:
    """How a failed cell is reported. A textkit error (a bad setting, an input refused)
    already says what is wrong and where: the notebook and that message alone. Any other
    error keeps the cell and its traceback. No colour codes either way; the full report is
    logged at DEBUG level (``textkit --verbose``)."""
    evalue = _ANSI_RE.sub("", exc.evalue or "").strip()
    if exc.ename in _textkit_errors():
        return f"{source.name}: {exc.ename}: {evalue}"
    return f"{source}: {_ANSI_RE.sub('', str(exc))}"


def _short_tempdir() -> str:
    """A new private temporary directory with a short path (for unix sockets)."""
    base = "/tmp" if os.name != "nt" and os.access("/tmp", os.W_OK) else None
    return tempfile.mkdtemp(prefix="textkit-", dir=base)


def run_notebook(
    source: str | os.PathLike,
    *,
    timeout: int = 900,
    kernel_name: str = "python3",
    config: str | os.PathLike | None = None,
) -> NotebookRun:
    """Execute one percent script and write the executed ``.ipynb`` beside it.

    Parameters
    ----------
    source : path-like
        A jupytext percent script (``notebooks/NN_name.py``) or an ``.ipynb``.
    config : path-like, optional
        The ``textkit.toml`` the notebook reads: passed to its kernel as ``TEXTKIT_CONFIG``
        (see :func:`textkit.load_config`), so that :func:`textkit.run.start_notebook` uses
        it. Default: the kernel inherits ``TEXTKIT_CONFIG`` if set, else finds the project's
        own file.
    timeout : int
        Seconds allowed per cell.
    kernel_name : str
        Jupyter kernel to use (the current environment's ``python3`` by default).

    Returns
    -------
    NotebookRun

    Raises
    ------
    NotebookError
        If a cell fails or an output reports a glyph missing from the font. When a cell
        raised a textkit error (:class:`~textkit.core.errors.TextkitError`: a bad setting, an
        input refused), the message is the notebook's name and that error's message alone.
    KeyboardInterrupt
        On SIGINT (Ctrl-C) or SIGTERM while the notebook runs, once its kernel is stopped
        (at once: nbclient's own handler shuts the kernel down, made immediate here).
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    nb = jupytext.read(source)
    target = _target(source, config)
    logger.info("%s started", source.stem)
    t0 = time.perf_counter()
    # the kernel inherits the environment: no progress bars in outputs, and the config named
    kernel_env: dict[str, str | None] = {"TEXTKIT_PROGRESS": "0"}
    if config is not None:
        kernel_env[CONFIG_ENV] = str(Path(config).resolve())
    workdir = _short_tempdir()  # the kernel's connection file and sockets
    try:
        with environment(**kernel_env):
            km, extra_arguments = _kernel_manager(kernel_name, workdir)
            client = NotebookClient(
                nb,
                km=km,
                log=_nbclient_log,
                timeout=timeout,
                kernel_name=kernel_name,
                extra_arguments=extra_arguments,
                record_timing=False,
                resources={"metadata": {"path": str(source.parent.resolve())}},
            )
            _stop_at_once_on_signal(client)
            client.execute(cleanup_kc=True)  # shut the kernel down though we made its manager
    except BaseException as exc:
        if _signalled(locals().get("client")):
            raise KeyboardInterrupt from None  # Ctrl-C: the kernel is already stopped
        if isinstance(exc, CellExecutionError):
            logger.debug("%s failed:\n%s", source.name, _ANSI_RE.sub("", str(exc)))
            raise NotebookError(_failure(source, exc)) from exc
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if _signalled(client):
        raise KeyboardInterrupt
    _stable_outputs(nb, _project_folder(source, config))
    _check_outputs(nb, source)
    _clean_metadata(nb)
    write_text(target, nbformat.writes(nb) + "\n")
    logger.info(
        "%s finished in %.1f s (%d cells, %s written)",
        source.stem,
        time.perf_counter() - t0,
        len(nb.cells),
        target.name,
    )
    return NotebookRun(source=source, notebook=target, n_cells=len(nb.cells))
