"""Where textkit keeps derived files: the project root and its cache directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "cache_dir"]

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
