"""The Word reader of :func:`textkit.corpus.extract.extract_text` (``.docx``, python-docx):
paragraphs and table rows in document order, top-level headings marked for the split
stage, the table of contents left out; and the size check of zip archives (Word
documents and workbooks) made before one is opened. The rules are documented in
:mod:`textkit.corpus.extract`.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

from textkit.corpus.extracted import Extracted, _one_line, _rejected

logger = logging.getLogger(__name__)

__all__ = [
    "extract_docx",
    "zip_too_large",
    "CELL_SEPARATOR",
    "HEADING_MARK",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
]

#: Most members a Word document or a workbook (both zip archives) may hold.
MAX_ZIP_MEMBERS = 10_000
#: Largest total uncompressed size of the members of a Word document or a workbook.
MAX_ZIP_BYTES = 256 * 1024 * 1024
#: Highest compression ratio (uncompressed / compressed size) a member larger than 1 MiB
#: may have: text and XML compress 5 to 30 times, a zip bomb thousands of times.
MAX_ZIP_RATIO = 200

# ---------------------------------------------------------------------------------------
# zip archives (Word documents, workbooks)


def zip_too_large(source: Any) -> str:
    """Why a zip archive (a ``.docx`` or ``.xlsx`` file) is too large to open, or ``""``.

    Only the archive's directory is read, never a member: the sizes it records bound what
    decompression yields (Python's :mod:`zipfile` stops at the recorded size). Limits:
    :data:`MAX_ZIP_MEMBERS` members, :data:`MAX_ZIP_BYTES` uncompressed bytes in all, and
    a compression ratio of at most :data:`MAX_ZIP_RATIO` for a member over 1 MiB.

    Parameters
    ----------
    source : bytes or path-like
        The archive's bytes or its path.

    Returns
    -------
    str
        The reason (not prefixed by the file's name), ``""`` within the limits or when the
        bytes are not a zip archive (the reader then says what is wrong).
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ""
    if len(infos) > MAX_ZIP_MEMBERS:
        return (
            f"zip archive with {len(infos):,} members, more than the {MAX_ZIP_MEMBERS:,} "
            "allowed (MAX_ZIP_MEMBERS): not opened"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_BYTES:
        return (
            f"zip archive of {total:,} bytes uncompressed, more than the {MAX_ZIP_BYTES:,} "
            "allowed (MAX_ZIP_BYTES): not opened"
        )
    for i in infos:
        if i.file_size > 1 << 20 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            return (
                f"zip member {i.filename!r} expands {ratio:,.0f} times ({i.compress_size:,} -> "
                f"{i.file_size:,} bytes), more than the {MAX_ZIP_RATIO} allowed "
                "(MAX_ZIP_RATIO): a zip bomb? not opened"
            )
    return ""


# ---------------------------------------------------------------------------------------
# Word

#: Starts a line that a Word document styles as a top-level heading (Heading 1 / 标题 1,
#: or outline level 1): U+001E, the record separator, which no other extractor writes and
#: ``str.strip`` removes. The split stage (:mod:`textkit.corpus.split`) starts an article
#: at each such heading of a compilation and removes the mark.
HEADING_MARK = "\x1e"
#: Separates the cells of a table row written as one line (U+FF5C, kept by cleaning, where
#: a space between two Chinese cells would be removed and glue them into one word).
CELL_SEPARATOR = "｜"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Style names of a top-level heading and of the table of contents (its entries, its title).
_HEADING1_STYLE = re.compile(r"(?:heading|标题)\s*1", re.IGNORECASE)
_TOC_STYLE = re.compile(r"(?:toc|目录)\s*\d|toc heading|目录标题", re.IGNORECASE)
#: Style name of a document's title (Word's Title, 标题 in a Chinese Word or WPS file).
_TITLE_STYLE = re.compile(r"title|标题", re.IGNORECASE)


def _outline_level(paragraph: Any) -> int | None:
    """The outline level of a Word paragraph (0 = top level): its own, else its style's
    (followed through the styles it is based on); a style named Heading 1 / 标题 1 is 0."""
    values = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    style = paragraph.style
    for _ in range(32):  # a style chain is short; a cycle in a damaged file ends here
        if values or style is None:
            break
        values = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if not values and _HEADING1_STYLE.fullmatch((style.name or "").strip()):
            return 0
        style = style.base_style
    return int(values[0]) if values and values[0].isdigit() else None


def _in_toc_field(paragraph: Any, fields: list[str]) -> bool:
    """Whether a paragraph lies in a TOC field (wholly or in part); ``fields`` is the stack
    of the fields open at its start (their first instruction word), updated in place."""
    inside = "TOC" in fields
    for el in paragraph._p.iter(_W + "fldChar", _W + "instrText"):
        if el.tag == _W + "instrText":
            words = (el.text or "").split()
            if fields and not fields[-1] and words:
                fields[-1] = words[0].upper()
        elif el.get(_W + "fldCharType") == "begin":
            fields.append("")
        elif el.get(_W + "fldCharType") == "end" and fields:
            fields.pop()
        inside = inside or "TOC" in fields
    return inside


def _is_title(paragraph: Any) -> bool:
    """Whether a Word paragraph is styled as the document's title (a style named Title /
    标题, or based on one)."""
    style = paragraph.style
    for _ in range(32):  # a style chain is short; a cycle in a damaged file ends here
        if style is None:
            return False
        if _TITLE_STYLE.fullmatch((style.name or "").strip()):
            return True
        style = style.base_style
    return False


def _paragraph_kind(paragraph: Any, fields: list[str] | None) -> str:
    """``"toc"`` (a table of contents entry or title), ``"heading"`` (top level),
    ``"title"`` (the document's title, :func:`_is_title`) or ``"text"``; ``fields``: see
    :func:`_in_toc_field` (None: TOC fields not looked for)."""
    in_field = fields is not None and _in_toc_field(paragraph, fields)
    style = paragraph.style
    if in_field or (style is not None and _TOC_STYLE.fullmatch((style.name or "").strip())):
        return "toc"
    if _is_title(paragraph):
        return "title"
    return "heading" if _outline_level(paragraph) == 0 else "text"


def _row_line(cells: list[list[Any]]) -> str | None:
    """A table row as one line, its cells joined by :data:`CELL_SEPARATOR` (``""`` for an
    empty row), or None when a cell holds more than one line or a table, or the row has
    one cell: its paragraphs are then read one by one."""
    from docx.text.paragraph import Paragraph

    if len(cells) < 2:
        return None
    texts = []
    for content in cells:
        if not all(isinstance(item, Paragraph) for item in content):
            return None
        lines = [ln.strip() for item in content for ln in item.text.splitlines() if ln.strip()]
        if len(lines) > 1:
            return None
        texts.append(lines[0] if lines else "")
    return CELL_SEPARATOR.join(texts) if any(texts) else ""


def _docx_blocks(document: Any, fields: list[str] | None) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of every paragraph in document order (kind: :func:`_paragraph_kind`,
    ``fields`` the stack of open fields it keeps), and ``("text", row)`` for a table row of
    one-line cells (:func:`_row_line`); the paragraphs of other rows' cells row by row (a
    merged cell once), nested tables in place. An explicit stack, so nesting depth is no
    limit."""
    from docx.table import Table

    def rows(table: Any) -> Iterator[Any]:
        seen: set[int] = set()
        alive: list[Any] = []  # keeps the cells, so that their ids stay unique
        for row in table.rows:
            cells = []
            for cell in row.cells:
                key = id(cell._tc)
                if key in seen:
                    continue
                seen.add(key)
                alive.append(cell)
                cells.append(list(cell.iter_inner_content()))
            line = _row_line(cells)
            if line is None:
                for content in cells:
                    yield from content
            else:
                yield line

    stack: list[Iterator[Any]] = [iter(document.iter_inner_content())]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Table):
            stack.append(rows(item))
        elif isinstance(item, str):
            yield "text", item
        else:
            yield _paragraph_kind(item, fields), item.text


def _docx_lines(document: Any) -> tuple[list[str], int]:
    """The non-empty lines of a Word document (a top-level heading's first line starts with
    :data:`HEADING_MARK`, unless a paragraph styled as the title makes the document one
    report whose headings are its sections) and the number of table of contents lines left
    out."""
    fields: list[str] = []
    lines, n_toc = _docx_read(document, fields)
    if "TOC" in fields:  # a TOC field never closed (a damaged file) would hide the rest
        lines, n_toc = _docx_read(document, None)
    return lines, n_toc


def _docx_read(document: Any, fields: list[str] | None) -> tuple[list[str], int]:
    """:func:`_docx_lines`, TOC fields looked for with the stack ``fields`` (None: not)."""
    lines: list[str] = []
    n_toc = 0
    titled = False
    for kind, text in _docx_blocks(document, fields):
        titled = titled or kind == "title"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        found = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if kind == "toc":
            n_toc += len(found)
            continue
        if kind == "heading" and found:
            found[0] = HEADING_MARK + found[0]
        lines.extend(found)
    if titled:  # one document with a title: its top-level headings are sections
        lines = [ln.removeprefix(HEADING_MARK) for ln in lines]
    return lines, n_toc


def extract_docx(data: bytes, name: str = "<bytes>") -> Extracted:
    """Extract the paragraphs and title of a Word (.docx) document.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        The file name, used in log messages.

    Returns
    -------
    Extracted
        ``extractor="docx"``, ``encoding=""``; one line per paragraph (empty paragraphs
        left out), a table row of one-line cells as one line (cells joined by
        :data:`CELL_SEPARATOR`), a top-level heading's line starting with
        :data:`HEADING_MARK` unless a paragraph is styled as the document's title (Title /
        标题: the document is one report, its headings its sections); the table of contents left out (recorded in ``repairs``).
        Rejected: an archive over the limits of :func:`zip_too_large`
        (``"zip_too_large"``), a file python-docx cannot open (``"unreadable_docx"``,
        with its message) and a document without text (``"no_body_text"``).
    """
    import docx

    too_large = zip_too_large(data)
    if too_large:
        return _rejected("docx", f"Word document too large: {too_large}", "zip_too_large")
    try:
        document = docx.Document(io.BytesIO(data))
        title = _one_line(document.core_properties.title or "")
        lines, n_toc = _docx_lines(document)
    except Exception as exc:  # python-docx and lxml raise many types for a damaged file
        logger.info("%s: python-docx cannot read it: %r", name, exc)
        return _rejected(
            "docx",
            f"unreadable Word document ({type(exc).__name__}: {exc}); not a .docx file, or damaged",
            "unreadable_docx",
        )
    repairs = (f"table of contents left out: {n_toc} line(s)",) if n_toc else ()
    if not lines:
        return _rejected(
            "docx", "Word document without text", "no_body_text", title=title, repairs=repairs
        )
    return Extracted(text="\n".join(lines), extractor="docx", title=title, repairs=repairs)
