"""``textkit verify``: regenerate every output in a scratch folder and compare it with the
committed one at the stated precision.

Bit-identical floats across CPUs and BLAS builds are not a promise anyone can keep; what
textkit promises is equality at a stated precision (:mod:`textkit.core.precision`, documented
per stage in ``docs/guarantees.md``). :func:`verify` checks exactly that promise: it
executes every notebook from the raw corpus with a cold cache, writing into a scratch
folder (the project's files are not touched), and compares each committed output with its
regenerated twin:

- tables (CSV, Parquet) cell by cell, floats at the stated precision;
- JSON, GEXF, GraphML, Markdown and executed notebooks as text whose decimal numbers agree
  at the stated precision (sha256 fields of JSON files are skipped: the files they hash are
  compared themselves);
- figures (PNG, PDF, SVG) by the data they were drawn from (the ``<name>.csv`` beside them):
  a figure passes when its bytes are identical or its data agree; a figure without data by
  its bytes or, for PNG, its pixels;
- the figure manifest by its figures, files, data files, notebooks and provenance hashes
  (not by the file hashes, library versions and commit it records of each drawing).

It returns one row per file, and the command exits 1 when any row is not ``pass``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from textkit.core.config import load_config
from textkit.core.paths import OUTPUT_ROOT_ENV, cache_dir
from textkit.core.precision import frames_agree, json_agree, texts_agree

logger = logging.getLogger(__name__)

__all__ = ["VerifyRow", "verify", "compare_outputs", "committed_outputs"]

#: Folders of outputs a run writes (executed notebooks are the ``.ipynb`` in ``notebooks/``).
OUTPUT_DIRS = ("figures", "results")
_FIGURE_SUFFIXES = (".png", ".pdf", ".svg")
_TEXT_SUFFIXES = (".csv", ".tsv", ".md", ".txt", ".gexf", ".graphml", ".ipynb", ".html")
#: JSON keys that record hashes or the circumstances of a drawing, not a result.
_SKIPPED_JSON_KEYS = frozenset({"sha256", "file_sha256", "data_sha256", "libraries", "git_commit"})
_MANIFEST_KEYS = [
    "figure", "files", "data_file", "notebook", "corpus_hash", "config_hash", "textkit_version",
]  # fmt: skip


@dataclass(frozen=True)
class VerifyRow:
    """One compared file: its path relative to the project, ``pass`` / ``differs`` /
    ``missing`` (not regenerated) / ``new`` (regenerated, not committed), and a detail."""

    path: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True for ``pass``."""
        return self.status == "pass"


def _git(root: Path, *args: str, stdin: str | None = None) -> str | None:
    try:
        run = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode in (0, 1) else None


def _in_git(root: Path) -> bool:
    top = _git(root, "rev-parse", "--show-toplevel")
    return bool(top) and Path(top.strip()).resolve() == root.resolve()


def _walk(base: Path) -> list[str]:
    out = []
    for name in OUTPUT_DIRS:
        out += [
            p.relative_to(base).as_posix()
            for p in (base / name).rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(base).parts)
        ]
    out += [
        p.relative_to(base).as_posix()
        for p in (base / "notebooks").glob("*.ipynb")
        if p.is_file() and not p.name.startswith(".")
    ]
    return sorted(out)


def committed_outputs(root: str | os.PathLike) -> list[str]:
    """The outputs of the project: files under ``figures/``, ``results/`` and the executed
    notebooks, as git tracks them (every such file outside a git checkout)."""
    root = Path(root)
    if _in_git(root):
        listed = _git(root, "ls-files", "--", *OUTPUT_DIRS, "notebooks/*.ipynb") or ""
        return sorted(line for line in listed.splitlines() if line)
    return _walk(root)


def _ignored(root: Path, paths: list[str]) -> set[str]:
    if not paths or not _in_git(root):
        return set()
    out = _git(root, "check-ignore", "--no-index", "--stdin", stdin="\n".join(paths) + "\n")
    return {line for line in (out or "").splitlines() if line}


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",", keep_default_na=False,
                       na_values=[""], encoding="utf-8-sig", low_memory=False)  # fmt: skip


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in _SKIPPED_JSON_KEYS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _compare_manifest(ref: Path, new: Path) -> str | None:
    a = pd.read_csv(ref, dtype=str, keep_default_na=False)
    b = pd.read_csv(new, dtype=str, keep_default_na=False)
    cols = [c for c in _MANIFEST_KEYS if c in a.columns]
    missing = [c for c in cols if c not in b.columns]
    if missing:
        return f"columns {missing} missing"
    return frames_agree(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


def _compare_file(ref: Path, new: Path) -> str | None:
    """``None`` when ``new`` agrees with ``ref`` at the stated precision, else why not."""
    if ref.read_bytes() == new.read_bytes():
        return None
    name, suffix = ref.name, ref.suffix.lower()
    try:
        if name == "manifest.csv":
            return _compare_manifest(ref, new)
        if suffix == ".json":
            a = json.loads(ref.read_text("utf-8"))
            b = json.loads(new.read_text("utf-8"))
            return json_agree(_strip(a), _strip(b))
        if suffix in (".csv", ".tsv", ".parquet"):
            if suffix == ".parquet" or texts_agree(ref.read_text("utf-8-sig"),
                                                    new.read_text("utf-8-sig")) is not None:  # fmt: skip
                return frames_agree(_read_table(ref), _read_table(new))
            return None
        if suffix in _TEXT_SUFFIXES or suffix == ".svg":
            return texts_agree(ref.read_text("utf-8"), new.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"cannot be compared as {suffix or 'text'}: {exc}"
    return "bytes differ"


def _compare_figure(rel: str, ref: Path, new: Path, data_status: dict[str, str | None]) -> str:
    """``pass`` detail or a ``differs:`` reason for a figure file."""
    if ref.read_bytes() == new.read_bytes():
        return ""
    data_rel = rel.rsplit(".", 1)[0] + ".csv"
    if data_rel in data_status:
        problem = data_status[data_rel]
        if problem is None:
            return "drawn from data that agree (image bytes differ below the stated precision)"
        return f"differs: its data {data_rel}: {problem}"
    if ref.suffix.lower() == ".png":
        from textkit.plots import _same_raster

        if _same_raster(ref.read_bytes(), new.read_bytes()):
            return "same pixels"
    return "differs: bytes differ and there is no data file to compare"


def compare_outputs(root: str | os.PathLike, regenerated: str | os.PathLike) -> list[VerifyRow]:
    """Compare the project's committed outputs with a regenerated output folder.

    Parameters
    ----------
    root : path-like
        The project (its committed outputs, see :func:`committed_outputs`).
    regenerated : path-like
        A folder laid out like the project's outputs (``figures/``, ``results/``,
        ``notebooks/*.ipynb``).

    Returns
    -------
    list of VerifyRow
        One row per file, sorted by path.
    """
    root, regenerated = Path(root), Path(regenerated)
    committed = committed_outputs(root)
    made = _walk(regenerated)
    new_only = sorted(set(made) - set(committed))
    ignored = _ignored(root, new_only)
    rows: list[VerifyRow] = []
    data_status: dict[str, str | None] = {}
    figures = []
    for rel in committed:
        ref, new = root / rel, regenerated / rel
        if not ref.is_file():
            rows.append(VerifyRow(rel, "missing", "committed but not in the working tree"))
            continue
        if not new.is_file():
            rows.append(VerifyRow(rel, "missing", "not regenerated"))
            continue
        if rel.lower().endswith(_FIGURE_SUFFIXES):
            figures.append(rel)
            continue
        problem = _compare_file(ref, new)
        data_status[rel] = problem
        rows.append(
            VerifyRow(rel, "pass") if problem is None else VerifyRow(rel, "differs", problem)
        )
    for rel in figures:
        detail = _compare_figure(rel, root / rel, regenerated / rel, data_status)
        if detail.startswith("differs: "):
            rows.append(VerifyRow(rel, "differs", detail.removeprefix("differs: ")))
        else:
            rows.append(VerifyRow(rel, "pass", detail))
    for rel in new_only:
        if rel not in ignored:
            rows.append(VerifyRow(rel, "new", "regenerated but not committed"))
    return sorted(rows, key=lambda r: r.path)


def verify(
    config_path: str | os.PathLike | None = None,
    *,
    jobs: int = 1,
    timeout: int = 900,
    keep: bool = False,
) -> list[VerifyRow]:
    """Regenerate every output from the raw corpus in a scratch folder and compare.

    Every notebook is executed (none reused) with a cold cache; outputs go to a scratch
    folder under the project cache, so the project's own files are left untouched.

    Parameters
    ----------
    config_path : path-like, optional
        ``textkit.toml`` (default: the project's).
    jobs : int or None
        Notebooks executed at once, under the ``n_jobs`` rule of
        :func:`textkit.core.executor.resolve_n_jobs` (outputs do not depend on it).
    timeout : int
        Seconds allowed per notebook cell.
    keep : bool
        Keep the scratch folder (its path is logged) instead of deleting it.

    Returns
    -------
    list of VerifyRow
        One row per output file (see :func:`compare_outputs`).

    Raises
    ------
    ConfigError
        When no notebook script is found (see :func:`textkit.run.pipeline.project_notebooks`).
    """
    from textkit.core.cache import code_fingerprint
    from textkit.run.notebooks import environment
    from textkit.run.pipeline import (
        _notebook_jobs,
        _run_notebooks,
        notebook_key,
        project_notebooks,
        provenance,
        setting_files,
    )

    jobs = _notebook_jobs(jobs)
    config = load_config(config_path)
    notebooks = project_notebooks(config)  # none found: an error, before the scratch folder
    root = config.root
    scratch = Path(tempfile.mkdtemp(prefix="verify-", dir=cache_dir("verify", root=root)))
    out = scratch / "outputs"
    (out / "notebooks").mkdir(parents=True)
    try:
        with environment(
            **{OUTPUT_ROOT_ENV: str(out), "TEXTKIT_CACHE_DIR": str(scratch / "cache")}
        ):
            prov = provenance(config)
            code_hash = code_fingerprint()
            files = setting_files(config)
            todo = [(nb, notebook_key(nb, prov, code_hash, files)) for nb in notebooks]
            logger.info("verify: regenerating %d notebooks into %s", len(todo), scratch)
            _run_notebooks(todo, root, timeout, jobs, staging=False, config=config.path)
        return compare_outputs(root, out)
    finally:
        if keep:
            logger.info("verify: scratch folder kept at %s", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
