"""Atomic, deterministic file writing and hashing shared by every stage.

Every file textkit writes goes through these helpers: content is written to a
temporary file in the target directory and moved into place with
:func:`os.replace`, so an interrupted run never leaves a partial file that later
looks valid. Tables are written with sorted, stable settings so that the same
input gives byte-identical files.

The precision contract (:mod:`textkit.core.precision`) lives here too: tables and JSON are
written with floats rounded to ``SIG_DIGITS`` significant digits unless a caller asks for
full precision (``digits=None``: caches, and corpus tables whose floats are exact), and a
file whose new content agrees with what is already on disk at that precision is left as it
is (``keep_equivalent``), so a rerun on a machine whose last float digits differ leaves the
committed outputs untouched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from textkit.core.precision import (
    SIG_DIGITS,
    frame_at_precision,
    frames_agree,
    round_floats,
    round_frame,
    text_at_precision,
    texts_agree,
)

logger = logging.getLogger(__name__)

__all__ = [
    "atomic_write",
    "write_bytes",
    "write_text",
    "write_json",
    "write_csv",
    "write_table",
    "write_parquet",
    "escape_formulas",
    "unescape_formulas",
    "sha256_bytes",
    "sha256_text",
    "sha256_file",
    "agrees_with_file",
]


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


#: Permissions of written files: what ``open()`` would give under the process umask.
_FILE_MODE = _file_mode()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8."""
    return sha256_bytes(text.encode("utf-8"))


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(
    path: str | os.PathLike,
    writer: Callable[[Path], None],
    *,
    keep_equivalent: bool = False,
) -> Path:
    """Call ``writer(tmp_path)`` and move the result to ``path`` atomically.

    Parameters
    ----------
    path : path-like
        Final destination. Its parent directory is created if needed.
    writer : callable
        Receives a temporary path in the same directory and must write the
        complete file there. If it raises, the temporary file is removed and
        ``path`` is left untouched.
    keep_equivalent : bool
        When ``path`` exists and the new file agrees with it (identical bytes, or equal at
        the stated precision for tables and text: :func:`agrees_with_file`), the existing
        file is kept untouched and the new one discarded. Identical bytes are always kept.

    Returns
    -------
    pathlib.Path
        The destination path.

    Raises
    ------
    OSError
        Whatever the file system refused (a full disk, a read-only folder), with the same
        class and errno and ``path`` named in the message.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        _raise_naming(exc, path)
    tmp_path = Path(tmp)
    try:
        writer(tmp_path)
        if path.is_file() and agrees_with_file(path, tmp_path, tolerant=keep_equivalent):
            tmp_path.unlink()
            logger.debug("%s: unchanged at the stated precision, kept", path)
        else:
            with open(tmp_path, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp_path, _FILE_MODE)  # mkstemp makes 0600; outputs are for everyone
            os.replace(tmp_path, path)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        _raise_naming(exc, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    _log_write(path)
    return path


def _raise_naming(exc: OSError, path: Path) -> NoReturn:
    """Raise ``exc`` with the file being written named in its message (``[Errno 28] No space
    left on device: cannot write figures/x.png``), same class and errno; an error that names
    the path already is raised as it is."""
    if str(path) in str(exc):
        raise exc
    if exc.errno is None:
        named = type(exc)(f"{exc}: cannot write {path}")
    else:
        named = OSError(exc.errno, f"{exc.strerror}: cannot write {path}")  # errno's subclass
    if not isinstance(named, type(exc)):  # a subclass the errno does not give: keep it
        raise exc
    raise named from exc


#: Files larger than this are compared byte for byte only (the tolerant comparison reads
#: both files whole).
_TOLERANT_MAX_BYTES = 64 << 20

#: Tables textkit writes at the stated precision: an existing one that holds more digits
#: (written before the contract) is rewritten rather than kept.
_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".json", ".gexf", ".graphml"})

#: Suffixes compared as text at the stated precision.
_TEXT_SUFFIXES = frozenset(
    {".csv", ".tsv", ".json", ".md", ".txt", ".gexf", ".graphml", ".ipynb", ".html", ".svg"}
)


def agrees_with_file(existing: str | os.PathLike, new: str | os.PathLike, *, tolerant=True) -> bool:
    """True when ``new`` may stand for ``existing``: same bytes, or (``tolerant``) equal at
    the stated precision (:func:`textkit.core.precision.texts_agree` for text files,
    :func:`textkit.core.precision.frames_agree` for Parquet).

    Parameters
    ----------
    existing, new : path-like
        Two files of the same kind.
    tolerant : bool
        Compare at the stated precision; ``False`` compares bytes only.

    Returns
    -------
    bool
    """
    existing, new = Path(existing), Path(new)
    size = existing.stat().st_size
    new_size = new.stat().st_size
    if size == new_size and sha256_file(existing) == sha256_file(new):
        return True
    if not tolerant or max(size, new_size) > _TOLERANT_MAX_BYTES:
        return False
    suffix = existing.suffix.lower()
    try:
        if suffix in _TEXT_SUFFIXES:
            a = existing.read_text(encoding="utf-8")
            b = new.read_text(encoding="utf-8")
            if suffix in _TABLE_SUFFIXES and not text_at_precision(a):
                return False  # written before the precision contract: rewrite it rounded
            return texts_agree(a, b) is None
        if suffix == ".parquet":
            a_df, b_df = pd.read_parquet(existing), pd.read_parquet(new)
            return (
                a_df.dtypes.equals(b_df.dtypes)
                and frame_at_precision(a_df)
                and frames_agree(a_df, b_df) is None
            )
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return False


#: When set, every file written is appended (absolute path, one per line) to this file:
#: ``textkit.run.pipeline`` uses it to learn which outputs a notebook's kernel wrote.
WRITE_LOG_ENV = "TEXTKIT_WRITE_LOG"


def _log_write(path: Path) -> None:
    log = os.environ.get(WRITE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{path.resolve()}\n")


def write_bytes(path: str | os.PathLike, data: bytes, *, keep_equivalent: bool = False) -> Path:
    """Atomically write ``data`` to ``path`` (an identical existing file is left as it is)."""
    return atomic_write(path, lambda p: p.write_bytes(data), keep_equivalent=keep_equivalent)


def write_text(path: str | os.PathLike, text: str, *, keep_equivalent: bool = True) -> Path:
    """Atomically write ``text`` as UTF-8 with ``\\n`` line endings.

    An existing file that agrees with ``text`` at the stated precision is kept
    (``keep_equivalent``; see :func:`atomic_write`).
    """
    return write_bytes(path, text.encode("utf-8"), keep_equivalent=keep_equivalent)


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, Path):
        return obj.as_posix()
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def dumps_json(obj: Any, *, digits: int | None = None) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 characters kept.

    ``digits`` rounds every float to that many significant digits first.
    """
    if digits is not None:
        obj = round_floats(json.loads(json.dumps(obj, default=_json_default)), digits)
    return (
        json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, default=_json_default) + "\n"
    )


def write_json(
    path: str | os.PathLike,
    obj: Any,
    *,
    digits: int | None = SIG_DIGITS,
    keep_equivalent: bool = True,
) -> Path:
    """Atomically write ``obj`` as deterministic JSON (see :func:`dumps_json`).

    Floats are rounded to ``digits`` significant digits (``None``: full precision, for
    caches); an existing file that agrees at that precision is kept.
    """
    return write_text(path, dumps_json(obj, digits=digits), keep_equivalent=keep_equivalent)


#: A text cell starting with one of these is read by spreadsheets as a formula (OWASP "CSV
#: injection"): ``=``, ``+``, ``-``, ``@``, tab and carriage return.
FORMULA_CHARS = "=+-@\t\r"

#: Cells :func:`escape_formulas` prefixes with ``'``: a formula character, possibly after
#: apostrophes (so that an escaped cell is told apart from a cell that began with ``'``).
_FORMULA_RE = re.compile(r"'*[=+\-@\t\r]")


def _text_columns(df: pd.DataFrame) -> list:
    return [
        c
        for c in df.columns
        if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
    ]


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula made inert.

    Following OWASP's advice on CSV injection, a text cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return (after any number of ``'``) gets a leading
    ``'``: Excel and LibreOffice then show it as text (``'=1+1`` shows ``=1+1``) instead of
    evaluating it. Only text (object and string) columns are touched, so numbers such as
    ``-0.5`` in numeric columns are written as numbers; non-string cells of a text column
    are left as they are. :func:`unescape_formulas` undoes it exactly.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (not modified).

    Returns
    -------
    pandas.DataFrame
        ``df`` itself when no cell needs escaping, else an escaped copy.
    """
    out = df
    for c in _text_columns(df):
        needs = df[c].map(lambda v: isinstance(v, str) and _FORMULA_RE.match(v) is not None)
        if needs.any():
            out = df.copy() if out is df else out
            out.loc[needs.to_numpy(), c] = "'" + df.loc[needs.to_numpy(), c].astype(str)
    return out


def unescape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`escape_formulas` (a table read back from a CSV written with it)."""
    out = df
    for c in _text_columns(df):
        needs = df[c].map(lambda v: isinstance(v, str) and _FORMULA_RE.match(v[1:]) is not None
                          and v.startswith("'"))  # fmt: skip
        if needs.any():
            out = df.copy() if out is df else out
            out.loc[needs.to_numpy(), c] = df.loc[needs.to_numpy(), c].str[1:]
    return out


class StreamedEntries:
    """The entries of a long JSON list, or object, made when they are written.

    :func:`write_json_streamed` writes them one at a time, so that a long list of a report
    is never held whole. Iterating calls ``make()`` again each time.

    Parameters
    ----------
    make : callable
        Returns an iterator over the entries: values for a list; ``(key, value)`` pairs,
        in sorted key order, for an object.
    size : int
        The number of entries (an empty list or object is written ``[]`` or ``{}``).
    pairs : bool, default False
        The entries are the items of an object.
    """

    def __init__(self, make: Callable[[], Iterable], size: int, *, pairs: bool = False) -> None:
        self._make = make
        self._size = int(size)
        self.pairs = pairs

    def __iter__(self) -> Iterator:
        return iter(self._make())

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0


_PLAIN = (str, int, float, bool, type(None))


def _json_pieces(obj: Any, level: int) -> Iterator[str]:
    """The text of :func:`dumps_json` (without its final newline), piece by piece."""
    pad = "  " * (level + 1)
    streamed = isinstance(obj, StreamedEntries)
    if isinstance(obj, dict) or (streamed and obj.pairs):
        if not obj:
            yield "{}"
            return
        sep = "{\n"
        for key, value in obj if streamed else sorted(obj.items()):
            name = key if isinstance(key, str) else json.dumps(key)
            yield sep + pad + json.dumps(name, ensure_ascii=False) + ": "
            yield from _json_pieces(value, level + 1)
            sep = ",\n"
        yield "\n" + "  " * level + "}"
    elif isinstance(obj, (list, tuple)) or streamed:
        if not obj:
            yield "[]"
            return
        sep = "[\n"
        for value in obj:
            yield sep + pad
            yield from _json_pieces(value, level + 1)
            sep = ",\n"
        yield "\n" + "  " * level + "]"
    elif isinstance(obj, _PLAIN):
        yield json.dumps(obj, ensure_ascii=False)
    else:
        yield from _json_pieces(_json_default(obj), level)


def write_json_streamed(path: str | os.PathLike, obj: Any) -> Path:
    """Atomically write ``obj`` as :func:`write_json` with ``digits=None`` and
    ``keep_equivalent=False`` does (the same bytes), piece by piece: the lists and objects
    given as :class:`StreamedEntries` are written one entry at a time, never held whole.

    Parameters
    ----------
    path : path-like
    obj : dict, list or JSON value
        May hold :class:`StreamedEntries` at any depth.

    Returns
    -------
    pathlib.Path
    """

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            batch: list[str] = []
            for piece in _json_pieces(obj, 0):
                batch.append(piece)
                if len(batch) >= 4096:
                    fh.write("".join(batch))
                    batch.clear()
            batch.append("\n")
            fh.write("".join(batch))

    return atomic_write(path, write, keep_equivalent=False)


def write_csv(
    path: str | os.PathLike,
    df: pd.DataFrame,
    *,
    digits: int | None = SIG_DIGITS,
    keep_equivalent: bool = True,
    bom: bool = False,
    spreadsheet_safe: bool = False,
) -> Path:
    """Atomically write ``df`` as UTF-8 CSV without the index, ``\\n`` line endings.

    Float columns are rounded to ``digits`` significant digits (``None``: full precision);
    an existing file that agrees with the new table at that precision is kept as it is.

    ``bom=True`` starts the file with a UTF-8 byte-order mark (``utf-8-sig``): Excel on
    Chinese Windows then reads it as UTF-8 instead of the ANSI code page (GBK), so tables
    meant for people open with their Chinese intact. Machine tables (corpus tables, caches,
    figure data, the manifest) stay plain UTF-8; readers use ``utf-8-sig``, which accepts both.

    ``spreadsheet_safe=True`` escapes text cells that a spreadsheet would run as formulas
    (:func:`escape_formulas`): tables meant for people (:func:`write_table`, the corpus's
    ``documents.csv``) are written so; machine tables keep their cells verbatim.
    """
    table = round_frame(df, digits) if digits is not None else df
    if spreadsheet_safe:
        table = escape_formulas(table)
    encoding = "utf-8-sig" if bom else "utf-8"
    return atomic_write(
        path,
        lambda p: table.to_csv(p, index=False, encoding=encoding, lineterminator="\n"),
        keep_equivalent=keep_equivalent,
    )


def write_table(path: str | os.PathLike, df: pd.DataFrame, *, bom: bool = True) -> Path:
    """Export a result table atomically and deterministically, as CSV or Parquet by suffix.

    Parameters
    ----------
    path : path-like
        Destination ending in ``.csv`` (UTF-8, no index, ``\\n`` line endings) or ``.parquet``.
    df : pandas.DataFrame
        The table (not modified).
    bom : bool, default True
        Start a CSV with a UTF-8 byte-order mark, so that Excel shows its Chinese (result
        tables are opened by people; see :func:`write_csv`). Ignored for Parquet.

    Notes
    -----
    A CSV is meant to be opened in a spreadsheet, so a text cell starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'``
    (:func:`escape_formulas`, OWASP's advice on CSV injection): a title such as
    ``=HYPERLINK(...)`` shows as text instead of running. Numeric columns are written as
    they are. Parquet keeps every cell verbatim.

    Returns
    -------
    pathlib.Path
        The destination.

    Raises
    ------
    ValueError
        For any other suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_csv(path, df, bom=bom, spreadsheet_safe=True)
    if suffix == ".parquet":
        return write_parquet(path, df)
    raise ValueError(f"{path}: write_table writes .csv or .parquet, not {suffix or 'no suffix'!r}")


def write_parquet(
    path: str | os.PathLike,
    df: pd.DataFrame,
    *,
    digits: int | None = SIG_DIGITS,
    keep_equivalent: bool = True,
) -> Path:
    """Atomically write ``df`` as Parquet (pyarrow, no index, zstd-free defaults).

    Float columns are rounded to ``digits`` significant digits (``None``: full precision);
    an existing file that agrees with the new table at that precision is kept as it is.
    """
    table = round_frame(df, digits) if digits is not None else df
    return atomic_write(
        path,
        lambda p: table.to_parquet(p, index=False, engine="pyarrow"),
        keep_equivalent=keep_equivalent,
    )
