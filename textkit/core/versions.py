"""The computing libraries whose versions can change a table or a figure, and their versions."""

from __future__ import annotations

import functools
from importlib import metadata

__all__ = ["COMPUTING_LIBRARIES", "library_versions"]

#: Libraries whose version can change a figure or table (part of every notebook's key and
#: of every figure's manifest entry).
COMPUTING_LIBRARIES = (
    "datasketch", "gensim", "jieba", "matplotlib", "mplfonts", "networkx", "numpy", "opencc",
    "pandas", "pillow", "pyarrow", "scikit-learn", "scipy", "seaborn",
)  # fmt: skip


@functools.cache
def library_versions() -> dict[str, str]:
    """``{name: version}`` of :data:`COMPUTING_LIBRARIES` (``""`` when one is missing)."""
    out = {}
    for name in COMPUTING_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out
