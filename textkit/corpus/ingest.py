"""Read the raw pages of a corpus directory: strict decoding, one row per file.

Every regular file in the raw directory (hidden files excepted) becomes one row of the
**pages** table, sorted by file name, whether it could be read or not: a file that cannot be
used gets ``status="rejected"`` and a ``reason`` naming the file and the problem, so that
the corpus report accounts for every input.

Every other directory entry is a row too, with ``status="skipped"``, its kind in
``reject_kind`` (:data:`textkit.core.paths.SKIP_KINDS`) and the reason: a hidden file or
folder, a subdirectory (raw pages are not read recursively: read nested folders with
:func:`textkit.corpus.read.read_texts` or ``[corpus] input``), a symbolic link loop, a
dangling link, a link leaving the raw directory (refused unless
``IngestConfig.follow_outside_links``), and a special file such as a FIFO, socket or device
(never opened: a FIFO would block). So *entries = read + rejected + skipped*. A link to a
regular file inside the directory is read under its own name.

The ``page_id`` of a file is its name without the suffix; when two files share that stem
(``a.txt`` and ``a.html``) each of them keeps its full name as its id (``a.txt``,
``a.html``), so that both are read (:func:`page_ids`). Skipped entries have no page id.

Each file is decoded strictly by :func:`textkit.corpus.decode.decode_bytes` (the rules are
in :mod:`textkit.corpus.decode`): a file that cannot be decoded, an empty or
whitespace-only file and a binary file are rejected, the category of each rejection in
``reject_kind`` (:data:`REJECT_KINDS`) and ``reason`` the message. Raw pages are text or
HTML files: the reason of a Word, PDF or Excel file (or an old ``.doc``) also says what
reads it (``[corpus] input``, :func:`textkit.corpus.read.read_texts`).

A page that starts with HTML markup (:data:`textkit.corpus.extract.HTML_START_RE`: a
doctype, ``<html>``, ``<meta>``, or a fragment such as ``<div>`` or ``<p>``, after an XML
declaration or comments) is reduced to its text by the HTML reader of
:mod:`textkit.corpus.extract`, the one that reads a researcher's HTML files (a fragment keeps
its own line breaks, and a ``<`` in it that starts no tag stays text): scripts, styles,
navigation, headers, footers, forms and site chrome (menus, the 当前位置 bar, footer and
share divs, known by their ``class`` or ``id``; menus, sidebars and link lists known by
their link density) are dropped, each block on its own line, and its ``<title>`` without
the site name it ends with (else its first ``h1``) is the page title. The site chrome
dropped is recorded in ``repairs`` (``site chrome dropped: 2 element(s) (div.nav, div
当前位置：首…)``). A page nested too deep to parse
(:data:`textkit.corpus.extract.MAX_HTML_DEPTH`) is rejected as ``html_too_deep``, a list
page whose text is mostly links (:data:`textkit.corpus.extract.LIST_PAGE_LINK_SHARE`) as
``list_page`` and one with no text left as ``no_text``.

Metadata stated by the page is parsed where present: ``site`` (e.g. "网站:公文素材库"),
``url`` (the first http(s) address), ``page_date`` ("时间:2019-05-22 11:24:58" ->
``2019-05-22``), ``page_title`` (the ``<title>`` or the first line that is not site
chrome or spam) and, for an HTML page, ``meta_date``: the publication date its ``<meta>``
tags state, as written (``<meta name="PubDate" content="2019-03-05 10:22">``;
:func:`textkit.corpus.published.meta_date`), which dates the article of a page of one
article (the documents' ``published``). Unknown values are empty strings.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pandas as pd

from textkit.core import io as _io
from textkit.core.paths import FolderEntry, folder_entries
from textkit.corpus.decode import (
    REJECT_KINDS,
    DecodeResult,
    IngestConfig,
    _reject,
    decode_bytes,
    oversized,
)
from textkit.corpus.extract import UNSUPPORTED_FORMATS
from textkit.corpus.extract_html import (
    _HTML_DROPPED,
    HTML_DOCUMENT_RE,
    HTML_START_RE,
    _html_content,
    _html_too_deep,
)
from textkit.corpus.published import meta_date

logger = logging.getLogger(__name__)

__all__ = [
    "IngestConfig",
    "DecodeResult",
    "decode_bytes",
    "read_pages",
    "iter_pages",
    "pages_frame",
    "write_sources_csv",
    "PAGE_COLUMNS",
    "REJECT_KINDS",
]

#: Columns of the pages table, in order.
PAGE_COLUMNS = (
    "page_id",
    "source_file",
    "sha256",
    "n_bytes",
    "encoding",
    "status",
    "reason",
    "reject_kind",
    "repairs",
    "text",
    "site",
    "page_title",
    "url",
    "page_date",
    "meta_date",
)


def _html_page(res: DecodeResult, name: str) -> tuple[DecodeResult, str]:
    """The decoding result of an HTML raw page with its text reduced to the page's content
    by the HTML reader of :mod:`textkit.corpus.extract` (what it dropped added to the
    repairs), and the page's title; or the page rejected, its encoding and repairs kept:
    ``html_too_deep`` (nested too deep to parse), ``list_page`` (its text is mostly links:
    :data:`textkit.corpus.extract.LIST_PAGE_LINK_SHARE`) or ``no_text`` (nothing left)."""
    too_deep = _html_too_deep(res.text)
    if too_deep:
        reason, kind, title = f"{name}: {too_deep}", "html_too_deep", ""
    else:
        # a fragment (a page that starts with <div> or <p> …) keeps its own line breaks; in
        # a whole document they are layout
        fragment = not HTML_DOCUMENT_RE.match(res.text)
        lines, title, dropped, list_page = _html_content(res.text, name, fragment=fragment)
        res = replace(res, text="\n".join(lines), repairs=res.repairs + dropped)
        if list_page:
            reason, kind = f"{name}: {list_page}", "list_page"
        elif lines:
            return res, title
        else:
            reason, kind = f"{name}: HTML page without any text ({_HTML_DROPPED})", "no_text"
    return replace(res, text="", ok=False, reason=reason, kind=kind), title


_RE_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+;=%-]{1,300}")
_RE_DATE = re.compile(
    r"(?:时间|時間|日期|发布时间|發佈時間)[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})"
)


def _metadata(text: str, config: IngestConfig) -> dict[str, str]:
    head = text[:20000]
    tail = text[-20000:]
    site = ""
    for p in config.site_patterns:
        m = re.search(p, head) or re.search(p, tail)
        if m:
            site = m.group("site")
            break
    m = _RE_URL.search(tail) or _RE_URL.search(head)
    url = m.group(0) if m else ""
    m = _RE_DATE.search(head)
    date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""
    title = ""
    m = re.search(r"请欣赏(?P<t>.{2,60}?)[,，]由", head)
    if m:
        title = m.group("t")
    else:
        skip = [re.compile(p) for p in config.title_skip_patterns]
        for line in head.split("\n")[:30]:
            line = line.strip()
            if not line or len(line) > 60 or any(s.search(line) for s in skip):
                continue
            title = line
            break
    return {"site": site, "url": url, "page_date": date, "page_title": title}


def page_ids(names: list[str]) -> list[str]:
    """The ids of files named ``names`` (distinct names, relative POSIX paths): each name
    without its suffix, except that names sharing that stem (``a.txt`` and ``a.html``)
    keep their full name (``a.txt``, ``a.html``), so that every file has its own id.

    Parameters
    ----------
    names : list of str

    Returns
    -------
    list of str
        In the order of ``names``.
    """

    def stem(name: str) -> str:
        suffix = PurePosixPath(name).suffix
        return name[: -len(suffix)] if suffix else name

    ids = [stem(n) for n in names]
    while True:  # a full name may equal another file's stem (a.txt, a.txt.md): repeat
        seen = Counter(ids)
        clash = [i for i, x in enumerate(ids) if seen[x] > 1 and x != names[i]]
        if not clash:
            return ids
        for i in clash:
            ids[i] = names[i]


#: What reads the Word and PDF files raw pages reject.
_READ_WITH_INPUT = (
    "[corpus] input (or textkit corpus build --input FOLDER) reads a folder of .txt, .html, "
    ".docx and .pdf files, subfolders included"
)

#: Document files raw pages do not read, by suffix: what they are.
_DOCUMENT_KINDS = {".docx": "a Word document", ".pdf": "a PDF document"}
_WORKBOOKS = (".xlsx", ".xls")


def _raw_page_advice(name: str) -> str:
    """What reads ``name`` when it is a document file that raw pages cannot read, else "".

    Raw pages are text or HTML files; a Word or PDF file is read by ``[corpus] input``
    (:func:`textkit.corpus.read.read_texts` on a folder), a workbook is a table for
    ``[corpus] input``, and an old Word, RTF or OpenDocument file must first be saved as
    ``.docx``. One sentence without a final full stop.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in _DOCUMENT_KINDS:
        return f"{_DOCUMENT_KINDS[suffix]}, not a raw page; {_READ_WITH_INPUT}"
    if suffix in _WORKBOOKS:
        return (
            "a workbook, not a raw page; read it as a table (one row, one document) with "
            "[corpus] input = the workbook (or --input FILE)"
        )
    if suffix in UNSUPPORTED_FORMATS:
        return f"not a raw page: {UNSUPPORTED_FORMATS[suffix]}; {_READ_WITH_INPUT}"
    return ""


def _skipped_row(entry: FolderEntry) -> dict:
    """The pages-table row of a directory entry that is not read."""
    logger.warning("skipped %s", entry.reason)
    return {
        **dict.fromkeys(PAGE_COLUMNS, ""),
        "source_file": entry.rel,
        "n_bytes": 0,
        "status": "skipped",
        "reason": entry.reason,
        "reject_kind": entry.kind,
    }


def _page_row(path: Path, config: IngestConfig, page_id: str | None = None) -> dict:
    """The pages-table row of one raw file (see :func:`read_pages`)."""
    try:
        too_large = oversized(path)
        data = b"" if too_large else path.read_bytes()
    except OSError as exc:
        res = _reject(f"{path.name}: cannot be read ({exc.strerror or exc})", "unreadable")
    else:
        res = _reject(f"{path.name}: {too_large}", "file_too_large") if too_large else None
    if res is not None:
        logger.warning("rejected %s", res.reason)
        return {
            **dict.fromkeys(PAGE_COLUMNS, ""),
            "page_id": path.stem if page_id is None else page_id,
            "source_file": path.name,
            "n_bytes": 0,
            "status": "rejected",
            "reason": res.reason,
            "reject_kind": res.kind,
        }
    res = decode_bytes(data, path.name, config)
    unknown = {"site": "", "url": "", "page_date": "", "page_title": "", "meta_date": ""}
    meta = dict(unknown)
    text = res.text
    if res.ok:
        if HTML_START_RE.match(text):  # a page starting with markup is HTML
            stated = meta_date(text)  # in the head, which the text extracted leaves out
            res, html_title = _html_page(res, path.name)
            text = res.text
            meta = _metadata(text, config) | {"meta_date": stated}
            if html_title:
                meta["page_title"] = html_title
        else:
            meta = _metadata(text, config) | {"meta_date": ""}
    if not res.ok:
        advice = _raw_page_advice(path.name)
        if advice:  # a Word or PDF file: say what reads it
            res = replace(res, reason=f"{res.reason}: {advice}")
        logger.warning("rejected %s", res.reason)
        meta = dict(unknown)
    return {
        "page_id": path.stem if page_id is None else page_id,
        "source_file": path.name,
        "sha256": _io.sha256_bytes(data),
        "n_bytes": len(data),
        "encoding": res.encoding,
        "status": "ok" if res.ok else "rejected",
        "reason": res.reason,
        "reject_kind": res.kind,
        "repairs": "; ".join(res.repairs),
        "text": text if res.ok else "",
        **meta,
    }


def iter_pages(
    raw_dir: str | os.PathLike = "corpus/raw", config: IngestConfig | None = None
) -> Iterator[dict]:
    """Read the files of a raw corpus directory one at a time, as pages-table rows.

    Only one file's bytes and text are held at a time, so a corpus of any size can be
    streamed. :func:`read_pages` is ``pages_frame(list(iter_pages(raw_dir, config)))``.

    Parameters
    ----------
    raw_dir : path-like
        Directory of raw pages. Entries that are not read (hidden files, subdirectories,
        link loops, dangling links, links leaving the directory, FIFOs and other special
        files) are rows with ``status="skipped"`` and their reason (module docstring).
    config : IngestConfig, optional

    Returns
    -------
    iterator of dict
        One row per directory entry, sorted by name, with the keys :data:`PAGE_COLUMNS`.

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` is not a directory (raised by this call, before any file is read).
    """
    config = config or IngestConfig()
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw corpus directory not found: {raw_dir}")
    entries = folder_entries(raw_dir, outside_links=config.follow_outside_links)
    files = [e for e in entries if e.kind == "file"]
    if not files:
        logger.warning("raw corpus directory %s holds no files", raw_dir)
    ids = dict(zip((e.rel for e in files), page_ids([e.rel for e in files]), strict=True))
    return (
        _page_row(e.path, config, ids[e.rel]) if e.kind == "file" else _skipped_row(e)
        for e in entries
    )


def pages_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """The pages table of rows from :func:`iter_pages` (columns :data:`PAGE_COLUMNS`).

    Parameters
    ----------
    rows : iterable of dict

    Returns
    -------
    pandas.DataFrame
    """
    df = pd.DataFrame(list(rows), columns=list(PAGE_COLUMNS))
    df["n_bytes"] = df["n_bytes"].astype("int64")
    return df


def read_pages(
    raw_dir: str | os.PathLike = "corpus/raw", config: IngestConfig | None = None
) -> pd.DataFrame:
    """Read every file of a raw corpus directory into the pages table.

    Parameters
    ----------
    raw_dir : path-like
        Directory of raw pages.
    config : IngestConfig, optional

    Returns
    -------
    pandas.DataFrame
        One row per directory entry, sorted by name, columns :data:`PAGE_COLUMNS`. Rejected
        files have ``status="rejected"``, a ``reason`` naming the file, its category in
        ``reject_kind`` (:data:`REJECT_KINDS`, ``html_too_deep`` or ``list_page``) and
        ``text=""``; entries that are not files to read (hidden, subdirectory, link loop,
        dangling link, link leaving the directory, FIFO …) have ``status="skipped"`` and their kind in
        ``reject_kind``.

    Raises
    ------
    FileNotFoundError
        If ``raw_dir`` is not a directory.

    See Also
    --------
    iter_pages : the same rows one file at a time.
    """
    return pages_frame(iter_pages(raw_dir, config))


def write_sources_csv(pages: pd.DataFrame, path: str | os.PathLike = "corpus/sources.csv") -> Path:
    """Write the source list (file, sha256, site, page_title, url, page_date, encoding).

    Parameters
    ----------
    pages : pandas.DataFrame
        Output of :func:`read_pages`.
    path : path-like
        Destination (default ``corpus/sources.csv``).

    Returns
    -------
    pathlib.Path
    """
    cols = ["source_file", "sha256", "site", "page_title", "url", "page_date", "encoding", "status"]
    out = pages.loc[:, cols].rename(columns={"source_file": "file"}).sort_values("file")
    return _io.write_csv(path, out.reset_index(drop=True))
