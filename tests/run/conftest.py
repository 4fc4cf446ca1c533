"""Shared by the tests of the run stage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def _outputs(root: Path) -> dict[str, bytes]:
    """Every output of the project: figures, results and executed notebooks, by path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for d in ("figures", "results", "notebooks")
        for p in sorted((root / d).rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.suffix != ".py"
    }


@pytest.fixture
def output_tree() -> Callable[[Path], dict[str, bytes]]:
    """The project's outputs as a dict of path -> bytes, to compare before and after a run."""
    return _outputs
