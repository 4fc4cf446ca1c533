"""Where textkit keeps derived files: the project root and its cache directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "cache_dir", "output_root", "OUTPUT_ROOT_ENV", "source_commit"]

#: Set by ``textkit reproduce`` / ``textkit verify`` while notebooks run: outputs (figures,
#: results, executed notebooks) go under this staging folder instead of the project root.
OUTPUT_ROOT_ENV = "TEXTKIT_OUTPUT_ROOT"

_MARKERS = ("textkit.toml", "pyproject.toml")


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest directory at or above ``start`` holding ``textkit.toml``.

    Falls back to the nearest ``pyproject.toml``, then to ``start`` itself
    (default: the current working directory).
    """
    here = Path(start or Path.cwd()).resolve()
    for marker in _MARKERS:
        for d in (here, *here.parents):
            if (d / marker).is_file():
                return d
    return here


def cache_dir(sub: str | None = None, root: str | os.PathLike | None = None) -> Path:
    """The project's cache directory, created if missing.

    ``$TEXTKIT_CACHE_DIR`` wins when set; otherwise ``<root>/.cache/textkit`` where ``root``
    defaults to :func:`project_root`. Everything in it is derived and may be deleted at any time.
    """
    env = os.environ.get("TEXTKIT_CACHE_DIR")
    base = Path(env) if env else Path(root or project_root()) / ".cache" / "textkit"
    path = base / sub if sub else base
    path.mkdir(parents=True, exist_ok=True)
    return path


def output_root(root: str | os.PathLike | None = None) -> Path:
    """Where outputs (``figures/``, ``results/``, executed notebooks) are written.

    ``$TEXTKIT_OUTPUT_ROOT`` when a run stages its outputs (``textkit reproduce`` swaps the
    staged folders in only when every notebook succeeded; ``textkit verify`` compares them
    with the committed ones); otherwise the project root.
    """
    env = os.environ.get(OUTPUT_ROOT_ENV)
    return Path(env) if env else Path(root or project_root())


def source_commit(root: str | os.PathLike | None = None) -> str:
    """The git commit the project's inputs are at, for figure provenance.

    ``""`` outside a git checkout (or without git); the commit hash followed by ``+dirty``
    when textkit's code, the notebooks' sources, ``textkit.toml`` or the raw corpus differ
    from that commit.
    """
    import subprocess

    root = Path(root or project_root()).resolve()

    def git(*args: str) -> str:
        run = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30
        )
        return run.stdout.strip() if run.returncode == 0 else ""

    try:
        top = git("rev-parse", "--show-toplevel")
        if not top or Path(top).resolve() != root:
            return ""
        commit = git("rev-parse", "HEAD")
        if not commit:
            return ""
        inputs = ["textkit", "notebooks/*.py", "textkit.toml", "corpus/raw", "pyproject.toml"]
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", *inputs)
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return ""
