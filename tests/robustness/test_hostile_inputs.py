"""Hostile inputs: every file is read, or listed with its reason, or refused with an error
naming the file, line or setting; never lost in silence, never a library's traceback.

Every input is generated in ``tmp_path``. Each test failed on the code before the promise
it checks was kept.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.build import build_corpus
from textkit.corpus.ingest import read_pages
from textkit.corpus.read import read_texts
from textkit.corpus.read_stream import iter_texts
from textkit.run.cli import main

#: A governance article long enough to be kept by the split and the boilerplate filter.
ARTICLE = (
    "乡镇社会治理创新工作方案\n"
    "为加强基层治理体系建设，维护社会和谐稳定，结合本镇实际，制定本方案。\n"
    "一、坚持党建引领，健全网格化管理服务机制，推动资源下沉到村社区。\n"
    "二、完善矛盾纠纷多元化解机制，做到小事不出村、大事不出镇。\n"
    "三、加强平安建设，深化综治中心规范化建设，提升群众安全感和满意度。\n"
)


def _write(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


# ----------------------------------------------------------------- left out by patterns


def test_files_left_out_by_patterns_and_office_locks_are_listed(tmp_path):
    root = _write(
        tmp_path / "texts",
        {
            "a.txt": ARTICLE,
            "draft/b.txt": ARTICLE.replace("乡镇", "街道"),
            "photo.png": b"\x89PNG\r\n\x1a\n",
            "~$report.docx": b"\x05user" + b"\x00" * 157,
        },
    )
    res = read_texts(root, exclude=["draft/**"])
    rep = res.report.set_index("source")
    assert rep[["status", "reject_kind"]].to_dict("index") == {
        "a.txt": {"status": "read", "reject_kind": ""},
        "draft/b.txt": {"status": "skipped", "reject_kind": "excluded"},
        "photo.png": {"status": "skipped", "reject_kind": "not_included"},
        "~$report.docx": {"status": "skipped", "reject_kind": "office_lock"},
    }
    assert "'draft/**'" in rep.loc["draft/b.txt", "reason"]
    assert "'**/*.txt'" in rep.loc["photo.png", "reason"]
    build = build_corpus(res)
    assert build.report["texts"]["identity"] == "4 entries = 1 read + 0 rejected + 3 skipped"
    assert build.report["skipped_by_kind"] == {"excluded": 1, "not_included": 1, "office_lock": 1}
    # raw pages: an Office lock file is skipped, not read as a page and rejected as binary
    raw = _write(tmp_path / "raw", {"a.txt": ARTICLE, "~$a.docx": b"\x05user" + b"\x00" * 157})
    pages = read_pages(raw).set_index("source_file")
    assert pages.loc["~$a.docx", "status"] == "skipped"
    assert pages.loc["~$a.docx", "reject_kind"] == "office_lock"
    assert build_corpus(raw).report["skipped_by_kind"] == {"office_lock": 1}
    # the command line: the written report lists them, each with its reason
    project = tmp_path / "project"
    project.mkdir()
    toml = project / "textkit.toml"
    toml.write_text(f'[corpus]\ninput = "{root.as_posix()}"\nexclude = ["draft/**"]\n', "utf-8")
    out = tmp_path / "out"
    assert main(["-q", "--config", str(toml), "corpus", "build", "--out", str(out)]) == 0
    md = (out / "corpus_report.md").read_text(encoding="utf-8")
    assert "| draft/b.txt | excluded |" in md
    assert "| photo.png | not_included |" in md
    assert "| ~$report.docx | office_lock |" in md
    written = json.loads((out / "corpus_report.json").read_text(encoding="utf-8"))
    assert written["texts"]["skipped"] == 3
    assert os.path.exists(out / "corpus_report.json")


# ----------------------------------------------------------------- unreadable files


def _unreadable_folder(root: Path) -> Path:
    return _write(root, {"a.txt": ARTICLE, "locked.txt": ARTICLE.replace("乡镇", "街道")})


def _check_unreadable_rejected(root: Path, cache: Path) -> None:
    res = read_texts(root)
    rep = res.report.set_index("source")
    assert rep.loc["locked.txt", "status"] == "rejected"
    assert rep.loc["locked.txt", "reject_kind"] == "unreadable"
    assert "cannot be read" in rep.loc["locked.txt", "reason"]
    assert res.documents["source"].tolist() == ["a.txt"]
    # raw pages, built with the stage cache (whose key hashes every file) and without
    for c in (False, cache):
        build = build_corpus(root, cache=c)
        assert build.report["rejected_files"] == [
            {"file": "locked.txt", "reason": "locked.txt: cannot be read (Permission denied)"}
        ]
        assert build.report["files"] == {"total": 2, "read": 1, "rejected": 1}
    assert build_corpus(res, cache=cache).report["files"]["rejected"] == 1


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not bind the root user",
)
def test_a_file_without_read_permission_is_rejected_naming_it(tmp_path):
    root = _unreadable_folder(tmp_path / "texts")
    (root / "locked.txt").chmod(0)
    try:
        _check_unreadable_rejected(root, tmp_path / "cache")
    finally:
        (root / "locked.txt").chmod(0o644)


def test_a_file_that_cannot_be_opened_is_rejected_naming_it(tmp_path, monkeypatch):
    """The same as the permission test, for any user: opening the file fails."""
    root = _unreadable_folder(tmp_path / "texts")
    real_open = io.open

    def refuse(file, mode="r", *args, **kwargs):
        if str(file).endswith("locked.txt") and "r" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(builtins, "open", refuse)
    _check_unreadable_rejected(root, tmp_path / "cache")


# ----------------------------------------------------------------- zip bombs, huge PDFs


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _bomb(path: Path, base: bytes, *, n_zeros: int = 0, n_members: int = 0) -> Path:
    """``base`` (a .docx or .xlsx) with a member of ``n_zeros`` zero bytes (written a MiB at
    a time: the file stays small) and ``n_members`` empty members added."""
    import zipfile

    path.write_bytes(base)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        if n_zeros:
            with zf.open("word/media/padding.bin", "w", force_zip64=True) as fh:
                chunk = b"\0" * (1 << 20)
                for _ in range(n_zeros >> 20):
                    fh.write(chunk)
        for i in range(n_members):
            zf.writestr(f"customXml/bulk{i}.xml", b"")
    return path


def test_zip_bombs_are_rejected_before_they_are_opened(tmp_path, monkeypatch):
    from textkit.corpus import extract_docx as extract  # the limits the reader reads

    root = tmp_path / "texts"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    # a Word document expanding to 200 MiB (about 200 KiB on disk)
    bomb = _bomb(root / "bomb.docx", _docx(ARTICLE), n_zeros=200 << 20)
    assert bomb.stat().st_size < 2 << 20
    # and one with more members than allowed (the limit lowered to keep the test small)
    _bomb(root / "many.docx", _docx(ARTICLE), n_members=60)
    monkeypatch.setattr(extract, "MAX_ZIP_MEMBERS", 50)
    rep = read_texts(root).report.set_index("source")
    assert rep["reject_kind"].to_dict() == {
        "a.txt": "",
        "bomb.docx": "zip_too_large",
        "many.docx": "zip_too_large",
    }
    assert "'word/media/padding.bin' expands" in rep.loc["bomb.docx", "reason"]
    assert "MAX_ZIP_RATIO" in rep.loc["bomb.docx", "reason"]
    assert "members" in rep.loc["many.docx", "reason"]
    # the total uncompressed size is bounded too
    monkeypatch.setattr(extract, "MAX_ZIP_BYTES", 1 << 20)
    monkeypatch.setattr(extract, "MAX_ZIP_RATIO", 10**9)
    got = extract.extract_docx(bomb.read_bytes(), "bomb.docx")
    assert got.reject_kind == "zip_too_large" and "MAX_ZIP_BYTES" in got.reason
    monkeypatch.undo()
    # a workbook: the table file is refused naming it, read at once or in batches
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["text"])
    wb.active.append([ARTICLE])
    plain = io.BytesIO()
    wb.save(plain)
    book = _bomb(tmp_path / "bomb.xlsx", plain.getvalue(), n_zeros=200 << 20)
    with pytest.raises(CorpusError, match=r"bomb\.xlsx: workbook too large: zip member"):
        read_texts(book)
    with pytest.raises(CorpusError, match=r"bomb\.xlsx: workbook too large"):
        list(iter_texts(book))


def test_pdf_pages_and_text_are_bounded(tmp_path, monkeypatch):
    from fpdf import FPDF

    from textkit.corpus import extract_pdf as extract  # the limits the reader reads

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for i in range(5):
        pdf.add_page()
        pdf.multi_cell(0, 7, f"Page {i + 1}: local governance and social stability. " * 20)
    data = bytes(pdf.output())
    assert extract.extract_pdf(data, "long.pdf").ok
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 4)
    got = extract.extract_pdf(data, "long.pdf")
    assert got.reject_kind == "pdf_too_large" and "5 pages" in got.reason
    assert "MAX_PDF_PAGES" in got.reason
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 10)
    monkeypatch.setattr(extract, "MAX_PDF_CHARS", 2000)
    got = extract.extract_pdf(data, "long.pdf")
    assert got.reject_kind == "pdf_too_large" and "MAX_PDF_CHARS" in got.reason
    assert "at page 3 of 5" in got.reason


# ----------------------------------------------------------------- names and contents


def test_odd_file_names_are_read_and_reported_on_one_line(tmp_path):
    long_name = "长" * 80 + ".txt"  # 243 bytes in UTF-8, near the 255-byte limit
    raw = _write(
        tmp_path / "raw",
        {
            "a.txt": ARTICLE,
            "new\nli|ne.txt": ARTICLE.replace("乡镇", "街道"),
            "e\u0301.txt": ARTICLE.replace("乡镇", "社区"),
            long_name: ARTICLE.replace("乡镇", "县域"),
            ".odd\nhidden|x": "",
        },
    )
    build = build_corpus(raw)
    pages = build.pages.set_index("source_file")
    for name in ("new\nli|ne.txt", "e\u0301.txt", long_name):
        assert pages.loc[name, "status"] == "ok"
    out = tmp_path / "out"
    from textkit.corpus.build import write_corpus

    write_corpus(build, out)
    md = (out / "corpus_report.md").read_text(encoding="utf-8")
    # a file name with a line break or a pipe stays in its table cell, on its row
    assert "| new\\nli\\|ne.txt | ok |" in md
    assert "| .odd\\nhidden\\|x | hidden |" in md
    rows = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert all(ln.endswith("|") for ln in rows)
    assert read_texts(raw).report.set_index("source").loc["new\nli|ne.txt", "status"] == "read"


def test_empty_bom_only_and_nul_files_are_rejected_with_their_reason(tmp_path):
    root = _write(
        tmp_path / "texts",
        {
            "a.txt": ARTICLE,
            "zero.txt": b"",
            "bom.txt": b"\xef\xbb\xbf",
            "bom16.txt": b"\xff\xfe",
            "nul.txt": ARTICLE.encode("utf-8") + b"\x00tail",
        },
    )
    for rep in (
        read_texts(root).report.set_index("source"),
        read_pages(root).set_index("source_file"),
    ):
        kinds = rep["reject_kind"].to_dict()
        assert kinds == {
            "a.txt": "",
            "bom.txt": "whitespace",
            "bom16.txt": "whitespace",
            "nul.txt": "binary",
            "zero.txt": "empty",
        }
        assert "NUL byte at offset" in rep.loc["nul.txt", "reason"]


def test_documents_that_are_not_what_their_suffix_says(tmp_path):
    root = _write(
        tmp_path / "texts",
        {
            "a.txt": ARTICLE,
            "renamed.docx": ARTICLE,  # a text file named .docx
            "zipped.txt": _docx(ARTICLE),  # a Word document named .txt
            "cut.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
            "script.html": "<html><head><script>var a = 1;</script></head></html>",
            "nobody.html": "<html><head><title>标题</title></head></html>",
            "a2.txt/inner.txt": ARTICLE.replace("乡镇", "街道"),  # a folder named like a file
        },
    )
    rep = read_texts(root).report.set_index("source")
    assert rep["reject_kind"].to_dict() == {
        "a.txt": "",
        "a2.txt/inner.txt": "",
        "cut.pdf": "unreadable_pdf",
        "nobody.html": "no_body_text",
        "renamed.docx": "unreadable_docx",
        "script.html": "no_body_text",
        "zipped.txt": "binary",
    }
    assert "not a .docx file" in rep.loc["renamed.docx", "reason"]
    assert "ZIP file signature" in rep.loc["zipped.txt", "reason"]
    # raw pages are not read recursively: the folder is listed
    pages = read_pages(root).set_index("source_file")
    assert pages.loc["a2.txt", "reject_kind"] == "subdirectory"


# ----------------------------------------------------------------- tables


def test_csv_with_a_field_longer_than_the_csv_module_limit_is_read(tmp_path):
    import csv

    big = "治" * (csv.field_size_limit() + 10)
    path = tmp_path / "big.csv"
    path.write_text(f"text,year\n{big},2019\n短文本,2020\n", encoding="utf-8")
    assert read_texts(path).documents["text"].str.len().tolist() == [len(big), 3]
    docs = pd.concat(b.documents for b in iter_texts(path, batch_size=1))
    assert docs["text"].str.len().tolist() == [len(big), 3]


def test_table_column_errors_name_the_file_and_the_column(tmp_path):
    dup = tmp_path / "dup.csv"
    dup.write_text("text,year,text\n甲,2019,乙\n", encoding="utf-8")
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"dup\.csv: .*'text' in columns \[1, 3\]"):
            read(dup)
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["text", "text"])
    wb.active.append(["甲", "乙"])
    wb.save(tmp_path / "dup.xlsx")
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"dup\.xlsx: .*'text' in columns \[1, 2\]"):
            read(tmp_path / "dup.xlsx")
    missing = tmp_path / "body.csv"
    missing.write_text("body,year\n甲,2019\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"body\.csv has no column named 'text'"):
        read_texts(missing)
    with pytest.raises(InvalidParameterError, match=r"no column 'content' in body\.csv"):
        read_texts(missing, text="content")


def test_json_lines_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "甲"}\n\n{"text": 乙}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.jsonl: line 3 is not JSON"):
        read_texts(bad)
    twice = tmp_path / "twice.jsonl"
    twice.write_text('{"text": "甲"}\n{"text": "乙", "text": "丙"}\n', encoding="utf-8")
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"twice\.jsonl: line 2 names the key 'text'"):
            list(read(twice))


def test_parquet_text_column_that_is_not_text(tmp_path):
    ints = tmp_path / "ints.parquet"
    pd.DataFrame({"text": [1, 2, 3], "body": ["甲", "乙", "丙"]}).to_parquet(ints)
    for read in (read_texts, iter_texts):
        with pytest.raises(InvalidParameterError, match=r"'text' of ints\.parquet holds int64"):
            read(ints)
    assert read_texts(ints, text="body", meta=[]).documents["text"].tolist() == ["甲", "乙", "丙"]
    raw = tmp_path / "bytes.parquet"
    pd.DataFrame({"text": ["甲".encode("gb18030")]}).to_parquet(raw)
    for read in (read_texts, iter_texts):
        with pytest.raises(InvalidParameterError, match=r"'text' of bytes\.parquet holds binary"):
            read(raw)
    nulls = tmp_path / "nulls.parquet"
    pd.DataFrame({"text": pd.Series([None, None], dtype=object)}).to_parquet(nulls)
    with pytest.raises(CorpusError, match=r"nulls\.parquet: no document read"):
        read_texts(nulls)


def test_workbook_sheets_not_read_are_named_and_formulas_accounted_for(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "letters"
    wb.active.append(["text", "n"])
    wb.active.append(['=CONCAT("乙","丙")', "=1+1"])  # no cached value: written by a program
    wb.active.append(["甲", 1])
    wb.create_sheet("notes").append(["text"])
    wb.create_sheet("drafts").append(["text"])
    wb.save(tmp_path / "book.xlsx")
    res = read_texts(tmp_path / "book.xlsx")
    note = "read the first sheet 'letters'; not read: 2 other sheet(s) 'notes', 'drafts'"
    assert set(res.report["repairs"]) == {note}
    # the formula without a computed value is an empty cell: the row is rejected, not lost
    assert res.report["status"].tolist() == ["rejected", "read"]
    batches = list(iter_texts(tmp_path / "book.xlsx"))
    assert set(pd.concat(b.report for b in batches)["repairs"]) == {note}


def test_a_table_with_a_header_only_says_so(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("text,year\n", encoding="utf-8")
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"header\.csv: no document read: it has no rows"):
            read(path)


def test_a_short_text_of_ambiguous_encoding_is_flagged_by_read_texts(tmp_path):
    root = _write(tmp_path / "texts", {"short.txt": "治理".encode("gb18030"), "a.txt": ARTICLE})
    rep = read_texts(root).report.set_index("source")
    assert rep.loc["short.txt", "status"] == "read"  # read, not dropped, but flagged
    assert rep.loc["short.txt", "repairs"].startswith("ambiguous encoding")
    assert "'治理'" in rep.loc["short.txt", "repairs"]
    table = tmp_path / "short.csv"
    table.write_bytes("text\n治理\n".encode("gb18030"))
    assert read_texts(table).report["repairs"][0].startswith("ambiguous encoding")


def test_names_that_are_not_utf8_are_listed_not_a_crash(tmp_path):
    """Names written by Chinese Windows (GBK bytes), e.g. unpacked from a zip archive."""
    raw = _write(tmp_path / "raw", {"a.txt": ARTICLE})
    gbk = "国家.txt".encode("gbk")
    (Path(os.fsdecode(os.fsencode(raw) + b"/" + gbk))).write_text(ARTICLE, encoding="utf-8")
    folder = Path(os.fsdecode(os.fsencode(raw) + b"/" + "文件夹".encode("gbk")))
    folder.mkdir()
    (folder / "b.txt").write_text(ARTICLE, encoding="utf-8")
    shown = gbk.decode("utf-8", "backslashreplace")
    for rep in (
        read_texts(raw).report.set_index("source"),
        read_pages(raw).set_index("source_file"),
    ):
        assert rep.loc[shown, "status"] == "skipped"
        assert rep.loc[shown, "reject_kind"] == "undecodable_name"
        assert "as GB18030: '国家.txt'" in rep.loc[shown, "reason"]
        assert (rep["reject_kind"] == "undecodable_name").sum() == 2  # the folder is one entry
    build = build_corpus(raw, cache=tmp_path / "cache")  # the cache key hashes the names
    assert build.report["skipped_by_kind"] == {"undecodable_name": 2}
    out = tmp_path / "out"
    from textkit.corpus.build import write_corpus

    write_corpus(build, out)
    assert shown.replace("\\", "\\\\") in (out / "corpus_report.json").read_text("utf-8")
    texts = build_corpus(read_texts(raw), cache=tmp_path / "cache")
    assert texts.report["texts"]["identity"] == "3 entries = 1 read + 0 rejected + 2 skipped"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no os.mkfifo here")
def test_a_table_path_that_is_a_fifo_is_refused_not_opened(tmp_path):
    import threading

    pipe = tmp_path / "letters.csv"
    os.mkfifo(pipe)
    errors: list[BaseException] = []

    def read_both() -> None:
        for read in (read_texts, iter_texts):
            try:
                read(pipe)
            except InvalidParameterError as exc:
                errors.append(exc)

    worker = threading.Thread(target=read_both, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert len(errors) == 2, "reading a FIFO blocked"
    assert all("is not a regular file" in str(e) and str(pipe) in str(e) for e in errors)


# ----------------------------------------------------------------- file sizes


def test_an_oversized_document_file_is_rejected_before_it_is_read(tmp_path, monkeypatch):
    """A stray dump in an input folder is listed as file_too_large, never read whole."""
    import textkit.corpus.decode as decode

    monkeypatch.setattr(decode, "MAX_FILE_BYTES", 2000)
    big = ARTICLE * 20  # about 5 KB
    folder = _write(tmp_path / "in", {"a.txt": ARTICLE, "dump.txt": big, "dump.html": big})
    reads = []
    real = Path.read_bytes

    def spy(self):
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    res = read_texts(folder)
    rep = res.report.set_index("source")
    assert list(res.documents["doc_id"]) == ["a"]
    for name in ("dump.txt", "dump.html"):
        assert rep.loc[name, "reject_kind"] == "file_too_large"
        assert "MAX_FILE_BYTES" in rep.loc[name, "reason"]
        assert name not in reads
    pages = read_pages(folder).set_index("source_file")
    assert pages.loc["dump.txt", "reject_kind"] == "file_too_large"
    assert pages.loc["a.txt", "status"] == "ok"


def test_a_table_too_large_to_read_whole_points_to_the_batch_reader(tmp_path, monkeypatch):
    import textkit.corpus.read_table as read_table

    monkeypatch.setattr(read_table, "MAX_TABLE_BYTES", 100)
    table = tmp_path / "t.csv"
    pd.DataFrame({"text": [ARTICLE] * 3}).to_csv(table, index=False)
    with pytest.raises(CorpusError, match=r"t\.csv.*iter_texts.*--stream"):
        read_texts(table)
    # the batch reader keeps memory bounded and reads it
    assert sum(len(b.documents) for b in iter_texts(table, batch_size=2)) == 3
