"""Where textkit keeps derived files: the project root and its cache directory."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import NamedTuple

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


# ---------------------------------------------------------------------------------------
# the entries of an input folder, and outputs kept out of it

#: Why a folder entry is not read (the ``reject_kind`` of a skipped entry). The last two
#: are given by :func:`textkit.corpus.read.read_texts`: a file left out by its ``exclude``
#: patterns, or not matched by its ``include`` patterns.
SKIP_KINDS = (
    "hidden",
    "undecodable_name",
    "office_lock",
    "subdirectory",
    "folder_link",
    "symlink_loop",
    "dangling_link",
    "outside_link",
    "special_file",
    "excluded",
    "not_included",
)

_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class FolderEntry(NamedTuple):
    """One entry of an input folder (see :func:`folder_entries`).

    ``rel`` is the POSIX path relative to the folder, ``path`` the path to open, ``kind``
    ``"file"`` (a regular file, or a link to one inside the folder, to be read) or one of
    :data:`SKIP_KINDS`, and ``reason`` says why a skipped entry is not read.
    """

    rel: str
    path: Path
    kind: str
    reason: str = ""


def _has_surrogates(name: str) -> bool:
    """Whether a name listed by the system holds bytes that are not UTF-8 (Python keeps
    them as lone surrogates, which no output file can hold)."""
    return any("\udc80" <= c <= "\udcff" for c in name)


def _undecodable(path: Path, rel: str) -> FolderEntry:
    """The skipped entry of a name that is not UTF-8: shown with its bytes escaped, and as
    GB18030 when the bytes read as such (names written by Chinese Windows)."""
    raw = rel.encode("utf-8", "surrogateescape")
    shown = raw.decode("utf-8", "backslashreplace")
    try:
        hint = f" (as GB18030: {raw.decode('gb18030')!r})"
    except UnicodeDecodeError:
        hint = ""
    what = "folder" if path.is_dir() and not path.is_symlink() else "file"
    return FolderEntry(
        shown,
        path,
        "undecodable_name",
        f"{shown}: the {what} name is not UTF-8{hint}; not read: rename it in UTF-8 "
        "(e.g. convmv -f gbk -t utf8)",
    )


def _entry(path: Path, rel: str, root_real: str, *, nested: bool, outside_links: bool):
    """The :class:`FolderEntry` of one path; ``("dir", ...)`` for a real folder to descend
    into when ``nested``. Never opens the path (a FIFO would block)."""
    if _has_surrogates(path.name):
        return _undecodable(path, rel)
    if path.name.startswith("."):
        what = "folder" if path.is_dir() and not path.is_symlink() else "file"
        return FolderEntry(rel, path, "hidden", f"{rel}: hidden {what} (name starts with '.')")
    if path.name.startswith("~$"):
        return FolderEntry(
            rel,
            path,
            "office_lock",
            f"{rel}: a lock file Office keeps beside an open document (name starts with "
            "'~$'), not a document; not read",
        )
    try:
        st = path.lstat()
    except OSError as exc:  # removed while listed
        return FolderEntry(rel, path, "dangling_link", f"{rel}: cannot be listed ({exc})")
    link = ""
    if stat.S_ISLNK(st.st_mode):
        link = os.readlink(path)
        try:
            st = path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return FolderEntry(
                    rel,
                    path,
                    "symlink_loop",
                    f"{rel}: symbolic link loop (-> {link}), not followed",
                )
            return FolderEntry(
                rel,
                path,
                "dangling_link",
                f"{rel}: symbolic link to {link}, which does not exist",
            )
        real = os.path.realpath(path)
        inside = os.path.commonpath([real, root_real]) == root_real
        if not inside and not outside_links:
            return FolderEntry(
                rel,
                path,
                "outside_link",
                f"{rel}: symbolic link leaving the input folder (-> {link}); refused: copy the "
                "file into the folder",
            )
        if stat.S_ISDIR(st.st_mode):
            return FolderEntry(
                rel,
                path,
                "folder_link",
                f"{rel}: symbolic link to a folder (-> {link}), not followed",
            )
    if stat.S_ISDIR(st.st_mode):
        if nested:
            return FolderEntry(rel, path, "dir")
        return FolderEntry(
            rel,
            path,
            "subdirectory",
            f"{rel}: a subdirectory; raw pages are not read recursively (read nested folders "
            "with textkit.read_texts, or set [corpus] input in textkit.toml)",
        )
    if stat.S_ISREG(st.st_mode):
        return FolderEntry(rel, path, "file")
    what = next((w for test, w in _SPECIAL if test(st.st_mode)), "a special file")
    via = f" (through the link -> {link})" if link else ""
    return FolderEntry(
        rel,
        path,
        "special_file",
        f"{rel}: {what}{via}, not a regular file; not opened",
    )


def folder_entries(
    root: str | os.PathLike, *, nested: bool = False, outside_links: bool = False
) -> list[FolderEntry]:
    """Every entry of an input folder, sorted by relative path, each to read or skipped.

    Nothing is opened: a FIFO would block. Skipped, each with a reason (:data:`SKIP_KINDS`):
    hidden files and folders (name starting with ``.``; a hidden folder is one entry), a
    file or folder whose name is not UTF-8 (listed with its bytes escaped), the
    lock files Office keeps beside an open document (name starting with ``~$``), a
    subdirectory when not ``nested``, a symbolic link to a folder, a link loop, a dangling
    link, a link leaving the folder (unless ``outside_links``), and special files (FIFO,
    socket, device). A link to a regular file inside the folder is read under its own name.

    Parameters
    ----------
    root : path-like
        The folder.
    nested : bool, default False
        Descend into subfolders (their entries listed by relative path).
    outside_links : bool, default False
        Read links to regular files outside the folder.

    Returns
    -------
    list of FolderEntry
    """
    root = Path(root)
    root_real = os.path.realpath(root)
    out: list[FolderEntry] = []
    todo = [(root, "")]
    while todo:
        folder, prefix = todo.pop()
        for name in sorted(os.listdir(folder)):
            e = _entry(
                folder / name,
                prefix + name,
                root_real,
                nested=nested,
                outside_links=outside_links,
            )
            if e.kind == "dir":
                todo.append((e.path, e.rel + "/"))
            else:
                out.append(e)
    return sorted(out, key=lambda e: e.rel)


def check_output_outside_input(
    source: str | os.PathLike, out: str | os.PathLike, *, what: str = "out_dir"
) -> None:
    """Refuse an output folder that is, or is inside, or holds the input.

    A later build would read its own outputs as pages (output inside a raw folder), or a
    build would overwrite its input (input inside the output folder). Links are resolved.

    Parameters
    ----------
    source : path-like
        The input folder or table file.
    out : path-like
        The output folder (need not exist).
    what : str
        The argument or setting named in the error.

    Raises
    ------
    InvalidParameterError
        Naming both paths.
    """
    from textkit.core.errors import InvalidParameterError

    src, dst = os.path.realpath(source), os.path.realpath(out)
    kind = "folder" if os.path.isdir(src) else "file"
    if src == dst:
        where = f"is the input {kind}"
    elif kind == "folder" and os.path.commonpath([src, dst]) == src:
        where = "is inside the input folder"
    elif os.path.commonpath([src, dst]) == dst:
        where = f"holds the input {kind}"
    else:
        return
    raise InvalidParameterError(
        f"{what}: the output folder {out} {where} {source}; a later build would read its "
        "outputs as input (or overwrite the input). Write the outputs to a folder outside "
        "the input"
    )
