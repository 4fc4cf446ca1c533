"""The package tree is the pipeline: every import of textkit points down.

``core`` < ``corpus`` < ``segment`` < ``dtm`` < ``topics`` | ``cooc`` | ``frames`` < ``plots``
< ``run``. Imports inside functions count too: a lazy import upward is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "textkit"

#: Package -> its level; packages on one level may not import each other.
LEVEL = {
    "core": 0,
    "corpus": 1,
    "segment": 2,
    "dtm": 3,
    "topics": 4,
    "cooc": 4,
    "frames": 4,
    "plots": 5,
    "run": 6,
}


def _package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "textkit" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LEVEL else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported textkit module) for every import in ``path``, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _violations() -> list[str]:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if len(rel.parts) < 2 or rel.parts[0] not in LEVEL:
            continue
        here = rel.parts[0]
        for line, module in _imports(path):
            there = _package(module)
            if there is None or there == here:
                continue
            if LEVEL[there] >= LEVEL[here]:
                bad.append(f"textkit/{rel.as_posix()}:{line} imports {module} ({here} -> {there})")
    return sorted(set(bad))


def test_imports_point_down():
    assert _violations() == []


@pytest.mark.parametrize("package", sorted(LEVEL))
def test_every_stage_is_a_package(package):
    assert (ROOT / package / "__init__.py").is_file()
