"""``docs/architecture.md``'s module table is the package tree.

The table between the ``modules:start`` / ``modules:end`` markers lists every module of
``textkit/`` with the first line of its docstring and its public names (``__all__``). It is
generated from the code; after moving or adding a module, regenerate it with::

    python tests/test_architecture_doc.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
START, END = "<!-- modules:start -->", "<!-- modules:end -->"

#: The pipeline order of the packages (imports point down this list).
LAYERS = ("core", "corpus", "segment", "dtm", "topics", "cooc", "frames", "plots", "run")


def _summary(tree: ast.Module) -> str:
    doc = ast.get_docstring(tree) or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    return first.replace("|", "\\|")


def _public(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            try:
                return sorted(ast.literal_eval(node.value))
            except ValueError:  # computed (textkit/__init__.py: from _EXPORTS)
                return []
    return []


def _order(path: Path) -> tuple:
    rel = path.relative_to(ROOT / "textkit")
    package = rel.parts[0] if len(rel.parts) > 1 else ""
    layer = LAYERS.index(package) if package in LAYERS else -1
    return (layer, rel.parts[:-1], rel.name != "__init__.py", rel.as_posix())


def module_table() -> str:
    """The markdown table of every module under ``textkit/``, in pipeline order."""
    rows = ["| module | what it does | public names |", "|---|---|---|"]
    for path in sorted((ROOT / "textkit").rglob("*.py"), key=_order):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = ", ".join(f"`{n}`" for n in _public(tree)) or "—"
        if path == ROOT / "textkit" / "__init__.py":
            names = "every public name, each from the module its `_EXPORTS` entry names"
        rel = path.relative_to(ROOT).as_posix()
        rows.append(f"| `{rel}` | {_summary(tree)} | {names} |")
    return "\n".join(rows)


def _documented() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index(START) + len(START) : text.index(END)].strip()


def test_module_table_is_the_tree():
    assert _documented() == module_table(), (
        "docs/architecture.md's module table is out of date: run python tests/test_architecture_doc.py"
    )


def test_every_module_says_what_it_does_and_names_its_public_names():
    for path in (ROOT / "textkit").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), path
        if not path.name.startswith("_"):  # private modules and package __init__ excepted
            assert any(
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                for node in tree.body
            ), f"{path}: no __all__"


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    new = (
        text[: text.index(START) + len(START)]
        + "\n"
        + module_table()
        + "\n"
        + text[text.index(END) :]
    )
    DOC.write_text(new, encoding="utf-8")
    sys.stdout.write(f"{DOC.relative_to(ROOT)}: module table regenerated\n")
