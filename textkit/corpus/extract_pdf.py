"""The PDF reader of :func:`textkit.corpus.extract.extract_text` (pypdf): the text layer of
each page, running headers and footers removed, bounded in pages and characters. The
rules are documented in :mod:`textkit.corpus.extract`.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from textkit.corpus.chars import has_letter
from textkit.corpus.extracted import Extracted, _one_line, _rejected

logger = logging.getLogger(__name__)

__all__ = [
    "extract_pdf",
    "MAX_PDF_CHARS",
    "MAX_PDF_PAGES",
    "MAX_RUNNING_CHARS",
    "MAX_RUNNING_LINES",
]

#: Most pages of a PDF file that are read.
MAX_PDF_PAGES = 10_000
#: Most characters extracted from the text layer of a PDF file.
MAX_PDF_CHARS = 50_000_000

# ---------------------------------------------------------------------------------------
# PDF

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

#: Lines peeled off the top and off the bottom of a page at most, when they repeat on most
#: pages (running headers and footers: a publication's name, a page number, a date).
MAX_RUNNING_LINES = 3
#: A date (2019年3月5日, 2019-03-05, 3月5日) or a run of digits: the digits of a date are
#: kept when lines are compared, each other run is masked (a page number).
_DATE_OR_DIGITS_RE = re.compile(
    r"(?P<date>\d{4}\s*[年./-]\s*\d{1,2}(?:\s*[月./-]\s*\d{1,2}\s*[日号]?|\s*月)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年)|\d+"
)
_SPACE_RE = re.compile(r"\s+")


#: Longest running header or footer (characters, spaces aside): a line of body text is longer.
MAX_RUNNING_CHARS = 40
#: Marks that end a sentence or a clause, which no running header or footer ends with.
_CLAUSE_END = "。！？；，、：!?;,:"


def _running_key(line: str) -> str:
    """A line as compared across pages: without spaces, each run of digits that is not part
    of a date as ``#`` (a page number: ``— 3 —``, ``第 3 页 共 9 页``), so that the date
    lines of a daily bulletin (``2019年3月5日``, ``2019年3月6日``) differ; ``""`` for a line
    that cannot be a running header or footer (longer than :data:`MAX_RUNNING_CHARS`, or
    ending a sentence or a clause)."""
    key = _SPACE_RE.sub("", line)
    if len(key) > MAX_RUNNING_CHARS or key.endswith(tuple(_CLAUSE_END)):
        return ""
    return _DATE_OR_DIGITS_RE.sub(lambda m: m.group("date") or "#", key)


def _peel_edge(pages: list[list[str]], top: bool, removed: Counter, shown: dict) -> None:
    """Remove, in place, the lines at one edge (the top or the bottom) of the pages that
    repeat (:func:`_running_key`) on at least half of the pages, and at least two: up to
    :data:`MAX_RUNNING_LINES` deep, one line at a time from the edge inwards; never the
    last line of text of a page. ``removed`` counts the lines removed by (edge, key),
    ``shown`` keeps the first of them."""
    need = max(2, -(-len(pages) // 2))  # half, rounded up
    for _ in range(MAX_RUNNING_LINES):
        edge: list[tuple[int, int, str]] = []  # (page, line index, key)
        for p, lines in enumerate(pages):
            filled = [j for j, line in enumerate(lines) if line.strip()]
            if len(filled) >= 2:  # a page keeps its last line of text
                j = filled[0 if top else -1]
                edge.append((p, j, _running_key(lines[j])))
        counts = Counter(key for _, _, key in edge if key)
        repeated = {key for key, n in counts.items() if n >= need}
        if not repeated:
            return
        for p, j, key in edge:
            if key in repeated:
                shown.setdefault((top, key), pages[p][j].strip())
                removed[top, key] += 1
                del pages[p][j]


def _drop_running_lines(texts: list[str]) -> tuple[list[str], str]:
    """The pages' texts without their running headers and footers (lines at the top or the
    bottom of at least half of the pages, and at least two, that are the same but for
    their spaces and the digits of numbers other than dates: :func:`_running_key`), and
    the repair that says what was removed (``""``: none)."""
    if len(texts) < 2:
        return texts, ""
    pages = [t.split("\n") for t in texts]
    removed: Counter = Counter()
    shown: dict = {}
    for top in (True, False):
        _peel_edge(pages, top, removed, shown)
    if not removed:
        return texts, ""
    what = ", ".join(
        f"{'header' if top else 'footer'} '{_one_line(shown[top, key])}' ({n} pages)"
        for (top, key), n in removed.items()
    )
    return ["\n".join(lines) for lines in pages], (
        f"running headers and footers removed ({len(texts)} pages): {what}"
    )


def extract_pdf(data: bytes, name: str = "<bytes>") -> Extracted:
    """Extract the text layer and title of a PDF file.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        The file name, used in log messages.

    Returns
    -------
    Extracted
        ``extractor="pdf"``, ``encoding=""``; the text of each page without its running
        header and footer (module docstring), pages joined by ``"\\n"``. Rejected: a PDF
        that needs a password (``"encrypted_pdf"``), one whose text has no letter or
        Chinese character, a scanned document (``"no_text_layer"``: run OCR on it
        first), one pypdf cannot read (``"unreadable_pdf"``), and one of more than
        :data:`MAX_PDF_PAGES` pages or :data:`MAX_PDF_CHARS` characters of text
        (``"pdf_too_large"``).
    """
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception as exc:  # an unknown security handler, a missing crypto library
                logger.info("%s: cannot decrypt: %r", name, exc)
                opened = False
            if not opened:
                return _rejected(
                    "pdf",
                    "encrypted PDF: it needs a password to open; save an unprotected copy",
                    "encrypted_pdf",
                )
        title = ""
        try:
            meta = reader.metadata
            title = _one_line(str(meta.title or "")) if meta is not None else ""
        except Exception as exc:  # damaged document information: no title
            logger.info("%s: no title: %r", name, exc)
        pages = reader.pages
        n_pages = len(pages)
        if n_pages > MAX_PDF_PAGES:
            return _rejected(
                "pdf",
                f"PDF too large: {n_pages:,} pages, more than the {MAX_PDF_PAGES:,} read "
                "(MAX_PDF_PAGES); split it into smaller files",
                "pdf_too_large",
                title=title,
            )
        texts, failed, n_chars = [], [], 0
        for i in range(n_pages):
            try:
                texts.append(pages[i].extract_text() or "")
            except Exception as exc:  # one damaged page: noted, the others are read
                logger.info("%s: page %d: %r", name, i + 1, exc)
                failed.append(i + 1)
                continue
            n_chars += len(texts[-1])
            if n_chars > MAX_PDF_CHARS:
                return _rejected(
                    "pdf",
                    f"PDF too large: its text layer passes {MAX_PDF_CHARS:,} characters "
                    f"(MAX_PDF_CHARS) at page {i + 1} of {n_pages}; split it into smaller files",
                    "pdf_too_large",
                    title=title,
                )
    except Exception as exc:  # pypdf raises many types for a damaged file
        logger.info("%s: pypdf cannot read it: %r", name, exc)
        return _rejected(
            "pdf",
            f"unreadable PDF ({type(exc).__name__}: {exc}); damaged or not a PDF",
            "unreadable_pdf",
        )
    if n_pages == 0 or len(failed) == n_pages:
        detail = "it has no pages" if n_pages == 0 else f"no page of {n_pages} could be read"
        return _rejected("pdf", f"unreadable PDF: {detail}", "unreadable_pdf", title=title)
    repairs = []
    if failed:
        shown = ", ".join(map(str, failed[:20])) + (" …" if len(failed) > 20 else "")
        repairs.append(f"text of {len(failed)} of {n_pages} pages not extracted (pages {shown})")
    n_ctrl = 0
    for i, page in enumerate(texts):
        texts[i], n = _CONTROL_RE.subn("", page.replace("\r\n", "\n").replace("\r", "\n"))
        n_ctrl += n
    if n_ctrl:
        repairs.append(f"removed {n_ctrl} control character(s) from the text layer")
    texts, running = _drop_running_lines(texts)
    if running:
        repairs.append(running)
    text = "\n".join(texts)
    if not has_letter(text):
        return _rejected(
            "pdf",
            f"no text layer ({n_pages} page(s), no letter or Chinese character in their "
            "text): a scanned document? run OCR on it first (e.g. ocrmypdf) and read the "
            "result",
            "no_text_layer",
            title=title,
            repairs=tuple(repairs),
        )
    return Extracted(text=text, extractor="pdf", title=title, repairs=tuple(repairs))
