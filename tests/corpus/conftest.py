"""Fixtures of the corpus tests: document files made on the fly (no binary file is committed).

``make_docx`` writes a Word document with python-docx, ``make_pdf`` a PDF with a Chinese
text layer with fpdf2 and the CJK font textkit ships (:func:`textkit.plots.cjk_font_path`),
``encrypt_pdf`` protects a PDF with pypdf, ``scanned_pdf`` is a PDF page without text (a
filled rectangle, as a scanned page looks to a text extractor).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest


@pytest.fixture(scope="session")
def make_docx() -> Callable[..., bytes]:
    """``make_docx(paragraphs, table=None, title="")``: the bytes of a .docx file; ``table``
    is a list of rows of cell texts, written after the first paragraph."""
    import docx

    def make(
        paragraphs: Sequence[str],
        table: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> bytes:
        document = docx.Document()
        if title:
            document.core_properties.title = title
        for i, text in enumerate(paragraphs):
            document.add_paragraph(text)
            if i == 0 and table:
                grid = document.add_table(rows=len(table), cols=len(table[0]))
                for r, row in enumerate(table):
                    for c, cell in enumerate(row):
                        grid.cell(r, c).text = cell
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return make


@pytest.fixture(scope="session")
def make_pdf() -> Callable[..., bytes]:
    """``make_pdf(pages, title="")``: the bytes of a PDF, one page per text (Chinese text
    layer in the bundled Noto Sans CJK font)."""
    from fpdf import FPDF

    from textkit.plots import cjk_font_path

    def make(pages: Sequence[str], title: str = "") -> bytes:
        pdf = FPDF()
        pdf.add_font("cjk", fname=str(cjk_font_path()))
        pdf.set_font("cjk", size=11)
        if title:
            pdf.set_title(title)
        for text in pages:
            pdf.add_page()
            pdf.multi_cell(0, 7, text)
        return bytes(pdf.output())

    return make


@pytest.fixture(scope="session")
def encrypt_pdf() -> Callable[..., bytes]:
    """``encrypt_pdf(data, user_password, owner_password=None)``: the PDF protected with AES."""
    import pypdf

    def encrypt(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password, owner_password, algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return encrypt


@pytest.fixture(scope="session")
def scanned_pdf() -> bytes:
    """A two-page PDF without a text layer (a drawn rectangle on each page)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 120, 160, style="F")
    return bytes(pdf.output())
