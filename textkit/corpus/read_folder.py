"""Read a folder of documents: one file, one document, every entry accounted for.

The folder reader of :func:`textkit.corpus.read.read_texts`: every entry under the folder
is read by the extractor of its suffix (:func:`textkit.corpus.extract.extract_text`),
rejected with its reason, or listed as skipped with its kind and reason (hidden entries,
Office lock files, links, special files, files left out by the ``include`` and
``exclude`` patterns); document variables come from the relative path
(``docvars_from``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from textkit.core.checks import check_str
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.core.io import sha256_bytes
from textkit.core.paths import folder_entries
from textkit.corpus.decode import oversized
from textkit.corpus.extract import EXTRACTORS, UNSUPPORTED_FORMATS, extract_text
from textkit.corpus.ingest import page_ids
from textkit.corpus.read_result import (
    READ_COLUMNS,
    REPORT_COLUMNS,
    ReadResult,
    _check_reserved,
    _ingest_config,
    _take_heading_marks,
    _typed,
)

# messages keep the logger name of the module this code was split from
logger = logging.getLogger("textkit.corpus.read")

__all__ = ["DEFAULT_INCLUDE"]

#: Files of a folder read by default (``include``).
DEFAULT_INCLUDE = (
    "**/*.txt",
    "**/*.html",
    "**/*.htm",
    "**/*.xhtml",
    "**/*.docx",
    "**/*.pdf",
)


_FIELD_RE = re.compile(r"\{([^{}]*)\}")


def _check_literal(pattern: str, start: int, end: int) -> None:
    """Refuse a brace outside a field of a ``docvars_from`` pattern: an unclosed field
    (``"{province/{year}"``) would otherwise make every path fail to match."""
    for i in range(start, end):
        if pattern[i] in "{}":
            what = "'{' not closed by '}'" if pattern[i] == "{" else "'}' without its '{'"
            raise InvalidParameterError(
                f"docvars_from: malformed pattern {pattern!r}: {what} at character {i + 1}; "
                "a field is a name in braces, as in '{province}/{year}/{name}'"
            )


def _suffix_lowered(pattern: str) -> str:
    """``pattern`` with a literal suffix at its end in lower case (``*.TXT`` -> ``*.txt``):
    paths are matched with their suffix in lower case too, so suffixes match in any case."""
    return re.sub(r"\.[A-Za-z0-9]{1,5}$", lambda m: m.group(0).lower(), pattern)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob on POSIX relative paths: ``**/`` any folders (or none), ``*`` and ``?``
    within one path part, ``[...]`` a character class; a suffix in any case."""
    pattern = _suffix_lowered(pattern)
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            j = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1 : j].replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _patterns(
    name: str, values: Any, default: tuple[str, ...]
) -> list[tuple[str, re.Pattern[str]]]:
    """The glob patterns of ``include`` or ``exclude``, each with its regular expression."""
    if values is None:
        values = default
    if isinstance(values, str):
        values = [values]
    return [(v, _glob_regex(check_str(name, v))) for v in values]


def _suffix_hint(rx: re.Pattern[str], rel: str, suffix: str, pattern: Any) -> str:
    """What to change when a path fails the pattern only by its suffix (a pattern ending in
    ``.txt`` and a ``.docx`` file), else ""."""
    written = re.search(r"\.[A-Za-z0-9]{1,5}$", str(pattern))
    if written is None or written.group(0).lower() == suffix:
        return ""
    if rx.fullmatch(rel[: len(rel) - len(suffix)] + written.group(0)) is None:
        return ""
    wider = str(pattern)[: -len(written.group(0))]
    return (
        f" only by its suffix: the pattern ends in {written.group(0)!r}, the file in "
        f"{suffix!r}; end the pattern with the field (docvars_from = {wider!r}) to read "
        "every format (the last field then holds the file name with its suffix)"
    )


def _lower_suffix(rel: str) -> str:
    """``rel`` with its suffix in lower case (``a/B.TXT`` -> ``a/B.txt``): suffixes are
    matched in any case."""
    suffix = Path(rel).suffix
    return rel[: len(rel) - len(suffix)] + suffix.lower() if suffix else rel


def _fullmatch(rx: re.Pattern[str], rel: str) -> re.Match[str] | None:
    """``rx`` matched on ``rel`` as it is, else on ``rel`` with its suffix in lower case."""
    return rx.fullmatch(rel) or rx.fullmatch(_lower_suffix(rel))


def _depth_hint(rel: str, pattern: Any) -> str:
    """What to write when a path has more folders than a field pattern (a file in a
    subfolder such as ``浙江/2021/附件/x.txt`` for ``{province}/{year}/{name}``) or fewer,
    else ""."""
    pattern = str(pattern)
    if "(?P<" in pattern or "**" in pattern:
        return ""
    n_path, n_pattern = rel.count("/") + 1, pattern.count("/") + 1
    if n_path == n_pattern:
        return ""
    said = f": the path has {n_path} parts, the pattern {n_pattern} (a field matches one part)"
    if n_path < n_pattern:
        return said + "; move the file into the folders the pattern names"
    head, _, last = pattern.rpartition("/")
    wider = f"{head}/**/{last}" if head else f"**/{last}"
    if _fullmatch(_docvars_regex(wider), rel) is None:
        return said
    folder = rel.rpartition("/")[0]
    return (
        f"{said}; write docvars_from = {wider!r} ('**/' matches any folders) to read the "
        f"files of subfolders too, or leave the subfolder out with exclude = "
        f"['{folder}/**']"
    )


def _literal(text: str) -> str:
    """The regular expression of the text between fields: itself, except that ``**/``
    matches any number of folders (or none)."""
    return "(?:.*/)?".join(re.escape(part) for part in text.split("**/"))


def _docvars_regex(pattern: str) -> re.Pattern[str]:
    check_str("docvars_from", pattern)
    if "(?P<" in pattern:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise InvalidParameterError(f"docvars_from: not a regular expression: {exc}") from exc
        if not rx.groupindex:
            raise InvalidParameterError("docvars_from: the regular expression has no named group")
        return rx
    pattern = _suffix_lowered(pattern)
    parts, last, fields = [], 0, []
    for m in _FIELD_RE.finditer(pattern):
        _check_literal(pattern, last, m.start())
        parts.append(_literal(pattern[last : m.start()]))
        name = m.group(1)
        if not name.isidentifier():
            raise InvalidParameterError(
                f"docvars_from: field {{{name}}} at character {m.start() + 1} of {pattern!r} "
                "is not a name: a field is a name in braces (letters, digits and _, not "
                "starting with a digit), as in '{province}/{year}/{name}'"
            )
        if m.group(1) in fields:
            raise InvalidParameterError(
                f"docvars_from: field {{{m.group(1)}}} appears twice in {pattern!r}"
            )
        fields.append(m.group(1))
        parts.append(f"(?P<{m.group(1)}>[^/]+?)")
        last = m.end()
    _check_literal(pattern, last, len(pattern))
    parts.append(_literal(pattern[last:]))
    if not fields:
        raise InvalidParameterError(
            f"docvars_from: expected fields such as {{year}} in the pattern, got {pattern!r}"
        )
    return re.compile("".join(parts))


def _skipped(rel: str, kind: str, reason: str) -> dict:
    """The report row of a folder entry that is not read."""
    return {
        "source": rel,
        "row": None,
        "doc_id": "",
        "extractor": "",
        "status": "skipped",
        "reason": reason,
        "reject_kind": kind,
        "sha256": "",
        "n_bytes": 0,
        "repairs": "",
    }


@dataclass(frozen=True)
class _Listing:
    """The entries of a folder before any file is read: the report rows of the entries
    skipped, the files to read (in entry order) with their doc_ids, and the
    ``docvars_from`` pattern."""

    root: Path
    skipped: list[dict]
    files: list[str]
    ids: dict[str, str]
    docvars_from: str | None
    rx: re.Pattern[str] | None
    fields: list[str]
    config: Any

    def entries(self) -> list[tuple[str, dict | None]]:
        """Every entry as ``(relative path, its report row if skipped, else None)``, in the
        order of the read report (by relative path)."""
        rows = [(r["source"], r) for r in self.skipped] + [(f, None) for f in self.files]
        return sorted(rows, key=lambda e: e[0])


def _list_folder(
    root: Path, docvars_from: str | None, include: Any, exclude: Any, encoding: str | None
) -> _Listing:
    """The entries of ``root`` (:class:`_Listing`); patterns checked, nothing read."""
    inc = _patterns("include", include, DEFAULT_INCLUDE)
    exc = _patterns("exclude", exclude, ())
    rx = _docvars_regex(docvars_from) if docvars_from is not None else None
    fields = list(rx.groupindex) if rx is not None else []
    _check_reserved(fields, "docvars_from")
    skipped, files = [], []
    # every entry under root (sorted by relative POSIX path) is read or listed with its
    # reason: hidden files and folders, Office lock files, links to folders, link loops,
    # dangling links, links leaving root, FIFOs and other special files
    # (textkit.core.paths.folder_entries), and files left out by the patterns
    for e in folder_entries(root, nested=True):
        rel = e.rel
        if e.kind != "file":
            logger.warning("skipped %s", e.reason)
            skipped.append(_skipped(rel, e.kind, e.reason))
            continue
        hit = next((pat for pat, x in exc if _fullmatch(x, rel)), None)
        if hit is not None:
            logger.info("skipped %s: matches the exclude pattern %r", rel, hit)
            skipped.append(
                _skipped(rel, "excluded", f"{rel}: matches the exclude pattern {hit!r}; not read")
            )
            continue
        suffix = Path(rel).suffix.lower()
        # a document format that is not read is reported even when include leaves it out:
        # the researcher likely meant it to be read
        if not any(_fullmatch(x, rel) for _, x in inc) and suffix not in UNSUPPORTED_FORMATS:
            shown = ", ".join(repr(pat) for pat, _ in inc)
            logger.info("skipped %s: not matched by the include patterns", rel)
            skipped.append(
                _skipped(
                    rel,
                    "not_included",
                    f"{rel}: not matched by the include patterns ({shown}); not read",
                )
            )
            continue
        files.append(rel)
    # a file's id is its path without the suffix, or its full path when another file
    # shares that stem (a.txt and a.html)
    ids = dict(zip(files, page_ids(files), strict=True))
    config = _ingest_config(encoding)
    return _Listing(root, skipped, files, ids, docvars_from, rx, fields, config)


@dataclass(frozen=True)
class _FileRead:
    """One file of a folder read: its report row and, when read, its document row, the
    date its meta tags state and the lines of its Word headings."""

    report: dict
    document: dict | None = None
    meta_date: str = ""
    headings: tuple[int, ...] = ()


def _read_file(listing: _Listing, rel: str) -> _FileRead:
    """Read and extract one file of ``listing`` (rejected with its reason, logged)."""
    root, rx, fields = listing.root, listing.rx, listing.fields
    suffix = Path(rel).suffix.lower()
    doc_id = listing.ids[rel]
    try:
        too_large = oversized(root / rel)
        data = b"" if too_large else (root / rel).read_bytes()
    except OSError as err:
        reason, kind = f"cannot be read ({err.strerror or err})", "unreadable"
    else:
        reason, kind = (too_large, "file_too_large") if too_large else ("", "")
    if reason:
        logger.warning("rejected %s: %s", rel, reason)
        return _FileRead(
            {
                "source": rel,
                "row": None,
                "doc_id": doc_id,
                "extractor": "",
                "status": "rejected",
                "reason": reason,
                "reject_kind": kind,
                "sha256": "",
                "n_bytes": 0,
                "repairs": "",
            }
        )
    match = _fullmatch(rx, rel) if rx is not None else None
    got = None
    if rx is not None and match is None and suffix in EXTRACTORS:
        extractor = EXTRACTORS[suffix]
        reason = f"path does not match the docvars_from pattern {listing.docvars_from!r}"
        reason += _suffix_hint(rx, rel, suffix, listing.docvars_from) or _depth_hint(
            rel, listing.docvars_from
        )
        kind, repairs = "no_match", ""
    else:
        got = extract_text(data, rel, suffix, config=listing.config)
        extractor = got.extractor
        reason, kind, repairs = got.reason, got.reject_kind, "; ".join(got.repairs)
    entry = {"source": rel, "row": None, "doc_id": doc_id, "extractor": extractor}
    report = {
        **entry,
        "status": "rejected" if reason else "read",
        "reason": reason,
        "reject_kind": kind,
        "sha256": sha256_bytes(data),
        "n_bytes": len(data),
        "repairs": repairs,
    }
    if reason:
        logger.warning("rejected %s: %s", rel, reason)
    if got is None or not got.ok:
        return _FileRead(report)
    text, marked = _take_heading_marks(got.text)
    values = {f: match.group(f) if match else None for f in fields}
    document = {**entry, "text": text, "title": got.title, "encoding": got.encoding, **values}
    return _FileRead(report, document, got.meta_date or "", tuple(marked))


def _no_readable_file(
    root: Path, report: list[dict], n_entries: int, n_skipped: int
) -> CorpusError:
    """The error of a folder without any file read; ``report`` holds (at least) the first
    five report rows."""
    detail = "; ".join(f"{r['source']}: {r['reason']}" for r in report[:5])
    return CorpusError(
        f"{root}: no readable file ({n_entries - n_skipped} rejected, {n_skipped} "
        f"skipped){': ' + detail if detail else ''}"
    )


def _folder_documents(
    docs: list[dict], fields: list[str], as_int: dict[str, bool] | None = None
) -> pd.DataFrame:
    """The documents table of the files read (``docs``: their document rows), the
    ``docvars_from`` fields typed (integers or strings: ``as_int``, else decided on these
    rows)."""
    frame = pd.DataFrame(docs)
    out = pd.DataFrame(
        {
            "doc_id": frame["doc_id"],
            "text": frame["text"],
            "title": frame["title"],
            "source": frame["source"],
            "row": pd.Series([None] * len(frame), dtype="Int64"),
            "extractor": frame["extractor"],
            "encoding": frame["encoding"],
        },
        columns=list(READ_COLUMNS),
    )
    for f in fields:
        out[f] = _typed(frame[f].tolist(), None if as_int is None else as_int[f]).array
    return out


def _folder_report(rows: list[dict]) -> pd.DataFrame:
    """The read report of a folder's entries (``rows`` in report order)."""
    rep = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    rep["row"] = rep["row"].astype("Int64")
    rep["n_bytes"] = rep["n_bytes"].astype("int64")
    return rep


def _read_folder(
    root: Path,
    docvars_from: str | None,
    include: Any,
    exclude: Any,
    encoding: str | None,
    given: str,
) -> ReadResult:
    listing = _list_folder(root, docvars_from, include, exclude, encoding)
    docs, report = [], list(listing.skipped)
    meta_dates = {}  # doc_id -> the publication date an HTML file's meta tags state
    headings = {}  # doc_id -> the lines of a Word document's top-level headings
    for rel in listing.files:
        read = _read_file(listing, rel)
        report.append(read.report)
        if read.document is None:
            continue
        docs.append(read.document)
        doc_id = read.document["doc_id"]
        if read.meta_date:
            meta_dates[doc_id] = read.meta_date
        if read.headings:
            headings[doc_id] = read.headings
    report.sort(key=lambda r: r["source"])
    if not docs:
        n_skipped = sum(r["status"] == "skipped" for r in report)
        raise _no_readable_file(root, report, len(report), n_skipped)
    return ReadResult(
        _folder_documents(docs, listing.fields),
        _folder_report(report),
        "folder",
        tuple(listing.fields),
        given,
        meta_dates=meta_dates,
        headings=headings,
    )
