"""What an extractor returns (:class:`Extracted`): the text of one document file, or why it
was rejected. The extractors of :mod:`textkit.corpus.extract` (text) and its format
modules (:mod:`~textkit.corpus.extract_html`, :mod:`~textkit.corpus.extract_docx`,
:mod:`~textkit.corpus.extract_pdf`) all build it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textkit.corpus.decode import IngestConfig, decode_bytes

__all__ = [
    "Extracted",
]


@dataclass(frozen=True)
class Extracted:
    """The text of one document file, or why it was rejected.

    Attributes
    ----------
    text : str
        The text, ``"\\n"`` newlines; ``""`` when rejected.
    extractor : str
        ``"text"``, ``"html"``, ``"docx"`` or ``"pdf"``; ``""`` for an unsupported type.
    encoding : str
        The decoding used (text and HTML); ``""`` for Word and PDF files, whose format
        records its own encoding.
    title : str
        The title the file records (HTML ``<title>`` or first ``h1``, Word core property,
        PDF document information); ``""`` when it has none.
    repairs : tuple of str
        What decoding or extraction repaired or left out (a byte-order mark removed, a
        page whose text could not be extracted, ...).
    reason : str
        Why the file was rejected (not prefixed by its name); ``""`` when read.
    reject_kind : str
        The category of the rejection (:data:`EXTRACT_REJECT_KINDS` or
        :data:`textkit.corpus.ingest.REJECT_KINDS`); ``""`` when read.
    meta_date : str
        For an HTML page, the publication date its ``<meta>`` tags state, as written
        (:func:`textkit.corpus.published.meta_date`: ``PubDate``, ``publishdate`` …);
        ``""`` when it states none and for the other formats.
    """

    text: str
    extractor: str
    encoding: str = ""
    title: str = ""
    repairs: tuple[str, ...] = ()
    reason: str = ""
    reject_kind: str = ""
    meta_date: str = ""

    @property
    def ok(self) -> bool:
        """Whether the file was read."""
        return not self.reject_kind


def _rejected(extractor: str, reason: str, kind: str, **kw: Any) -> Extracted:
    return Extracted(text="", extractor=extractor, reason=reason, reject_kind=kind, **kw)


def _decoded(data: bytes, name: str, config: IngestConfig | None, extractor: str):
    """(decoding result, rejection or None)."""
    res = decode_bytes(data, name, config or IngestConfig())
    if res.ok:
        return res, None
    return res, _rejected(
        extractor,
        res.reason.removeprefix(f"{name}: "),
        res.kind,
        repairs=tuple(res.repairs),
    )


def _one_line(text: str) -> str:
    """``text`` on one line: every run of white space one space."""
    return " ".join(text.split())
