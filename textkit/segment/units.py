"""Analysis units of a text: paragraphs and sentences.

:func:`split_paragraphs` splits at newlines; :func:`split_sentences` at the sentence enders
(。！？；… and ASCII ``!?;``), keeping closing quotes and brackets with their sentence.
"""

from __future__ import annotations

import re

__all__ = [
    "sentence_spans",
    "split_paragraphs",
    "split_sentences",
]

#: The units of analysis of the units table, finest first.
_UNITS = ("sentence", "paragraph", "document")

_SENT_END = "。！？；!?;…"
_CLOSERS = "”’」』）)】》\"'"
_SENT_RE = re.compile(rf"[^{_SENT_END}\n]*(?:[{_SENT_END}]+[{_CLOSERS}]*|\n|$)")


def split_paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of ``text`` (split at newlines, surrounding space stripped).

    Paragraphs are lines. Texts that mark paragraphs only by an indent in mid-line
    (``……工作。　　二、主要任务……``) get their line breaks from the cleaning stage
    (:func:`textkit.corpus.clean.clean_text`, rule ``rejoin.paragraph_indent``), which
    every corpus build applies before segmentation.

    Parameters
    ----------
    text : str
        Document text, paragraphs separated by ``"\\n"`` (``"\\r\\n"`` and ``"\\r"`` too).

    Returns
    -------
    list of str
        The paragraphs in order.
    """
    return [
        p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if p.strip()
    ]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``.

    A sentence ends at 。！？；… (and ASCII ``!?;``), a run of them, or a newline; closing
    quotes and brackets (”’」』）】》) right after the ender stay with the sentence.
    Surrounding whitespace is stripped and empty sentences are dropped.
    """
    out = []
    for m in _SENT_RE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, the sentences of
    :func:`split_sentences` before their surrounding whitespace is stripped (those with
    nothing but whitespace left out)."""
    return [m.span() for m in _SENT_RE.finditer(text) if m.group(0).strip()]
