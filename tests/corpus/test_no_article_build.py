"""A build that finds no article never replaces an article table, in memory or streamed, and
says why: Word and PDF files in a raw pages folder point to ``[corpus] input``."""

from __future__ import annotations

from pathlib import Path

import pytest

from textkit.core.errors import CorpusError
from textkit.corpus.build import build_corpus, load_corpus, write_corpus
from textkit.corpus.read import read_texts
from textkit.corpus.stream import build_corpus_to

PARAGRAPHS = [
    "关于推进村民自治工作的实施方案",
    "为深入推进基层社会治理，完善村民议事协商制度，结合本县实际，制定本方案。",
    "各乡镇要健全村民代表会议制度，推动村务公开，接受群众监督。",
]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture()
def word_folder(tmp_path, make_docx) -> Path:
    """A folder of Word documents, one of them in a subfolder (as researchers save them)."""
    folder = tmp_path / "docs"
    _write(folder / "安吉县村民自治方案.docx", make_docx(PARAGRAPHS))
    _write(folder / "2019" / "桐乡市工作总结.docx", make_docx(PARAGRAPHS[1:]))
    return folder


@pytest.fixture()
def good_table(tmp_path) -> Path:
    """An article table written by a build that found articles."""
    raw = tmp_path / "good"
    _write(raw / "page.txt", ("第1篇:村民议事会工作方案\n" + PARAGRAPHS[1] * 10).encode())
    out = tmp_path / "out"
    write_corpus(build_corpus(raw), out)
    assert len(load_corpus(out)) == 1
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_word_file_in_raw_pages_is_rejected_naming_what_reads_it(word_folder):
    pages = build_corpus(word_folder).pages.set_index("source_file")
    reason = pages.loc["安吉县村民自治方案.docx", "reason"]
    assert reason.startswith("安吉县村民自治方案.docx: binary content (ZIP file signature)")
    assert "a Word document, not a raw page" in reason
    assert "[corpus] input (or textkit corpus build --input FOLDER)" in reason
    # what the advice says: [corpus] input reads both files, the subfolder's too
    assert len(read_texts(word_folder).documents) == 2


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_no_article_from_word_files_is_an_error_and_the_table_is_kept(
    word_folder, good_table, streamed
):
    before = _snapshot(good_table)
    with pytest.raises(CorpusError) as err:
        if streamed:
            build_corpus_to(word_folder, good_table, batch_pages=1)
        else:
            write_corpus(build_corpus(word_folder), good_table)
    said = str(err.value)
    assert said.startswith("docs: 0 articles found in 2 entries (0 read, 1 rejected (binary: 1)")
    assert "1 skipped (subdirectory: 1)" in said
    assert "holds 1 document file(s) (.docx) and subfolders" in said
    assert "[corpus] input (or textkit corpus build --input FOLDER) reads" in said
    assert "\n" not in said
    assert _snapshot(good_table) == before
    assert len(load_corpus(good_table)) == 1


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_pages_without_an_article_are_an_error_naming_the_pages(tmp_path, good_table, streamed):
    raw = tmp_path / "raw"
    _write(raw / "blank.txt", b"   \n")
    _write(raw / "short.txt", "短文".encode())  # read, but too short to be an article
    before = _snapshot(good_table)
    with pytest.raises(CorpusError, match=r"raw: 0 articles found in 2 files \(1 read, 1 rejected"):
        if streamed:
            build_corpus_to(raw, good_table)
        else:
            write_corpus(build_corpus(raw), good_table)
    assert _snapshot(good_table) == before


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_a_refused_build_creates_no_output_folder(word_folder, tmp_path, streamed):
    out = tmp_path / "new" / "out"
    with pytest.raises(CorpusError, match="nothing written"):
        if streamed:
            build_corpus_to(word_folder, out)
        else:
            write_corpus(build_corpus(word_folder), out)
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_an_empty_folder_does_not_replace_an_article_table(tmp_path, good_table, streamed):
    (tmp_path / "empty").mkdir()
    before = _snapshot(good_table)
    with pytest.raises(CorpusError, match="holds a table of 1 articles, left as it is"):
        if streamed:
            build_corpus_to(tmp_path / "empty", good_table)
        else:
            write_corpus(build_corpus(tmp_path / "empty"), good_table)
    assert _snapshot(good_table) == before
    # into a folder without a table, an empty folder still gives an empty table
    write_corpus(build_corpus(tmp_path / "empty"), tmp_path / "fresh")
    assert len(load_corpus(tmp_path / "fresh")) == 0
