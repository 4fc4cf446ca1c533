"""Tests of textkit.corpus.read_folder: what a folder's paths and suffixes read, and what a
file that is not read is told to do."""

from __future__ import annotations

from textkit.corpus.read import read_texts

_BODY = "为深入推进基层社会治理，现将有关事项通知如下。一、加强矛盾纠纷排查化解。二、完善便民服务。"


def _write(root, rel, data):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def test_a_pattern_ending_in_a_field_reads_every_format(tmp_path, make_docx):
    # the README's folder example: a .txt and a .docx under {province}/{year}/
    _write(tmp_path, "浙江/2019/方案.txt", _BODY)
    _write(tmp_path, "浙江/2020/总结.docx", make_docx([_BODY]))
    res = read_texts(tmp_path, docvars_from="{province}/{year}/{name}")
    assert res.documents["source"].tolist() == ["浙江/2019/方案.txt", "浙江/2020/总结.docx"]
    assert res.documents["name"].tolist() == ["方案.txt", "总结.docx"]
    # ending in .txt rejects the Word file, and the reason names the pattern that reads both
    res = read_texts(tmp_path, docvars_from="{province}/{year}/{name}.txt")
    reason = res.report.set_index("source").loc["浙江/2020/总结.docx", "reason"]
    assert "docvars_from = '{province}/{year}/{name}'" in reason


def test_a_file_in_a_subfolder_is_told_the_pattern_that_reads_it(tmp_path):
    _write(tmp_path, "浙江/2021/方案.txt", _BODY)
    _write(tmp_path, "浙江/2021/附件/职责.txt", _BODY)
    res = read_texts(tmp_path, docvars_from="{province}/{year}/{name}")
    row = res.report.set_index("source").loc["浙江/2021/附件/职责.txt"]
    assert row["reject_kind"] == "no_match"
    assert "the path has 4 parts, the pattern 3" in row["reason"]
    assert "docvars_from = '{province}/{year}/**/{name}'" in row["reason"]
    assert "exclude = ['浙江/2021/附件/**']" in row["reason"]
    # ... and that pattern reads it, with the fields of the folders it names
    res = read_texts(tmp_path, docvars_from="{province}/{year}/**/{name}")
    docs = res.documents.set_index("source")
    assert list(docs.index) == ["浙江/2021/方案.txt", "浙江/2021/附件/职责.txt"]
    assert docs.loc["浙江/2021/附件/职责.txt", ["province", "year", "name"]].tolist() == [
        "浙江",
        2021,
        "职责.txt",
    ]
    # a path shallower than the pattern is told so, without a pattern to write
    _write(tmp_path, "浙江/散件.txt", _BODY)
    res = read_texts(tmp_path, docvars_from="{province}/{year}/{name}")
    reason = res.report.set_index("source").loc["浙江/散件.txt", "reason"]
    assert "the path has 2 parts, the pattern 3" in reason
    assert "**/" not in reason


def test_a_word_document_named_txt_is_told_to_be_renamed(tmp_path, make_docx, make_pdf):
    _write(tmp_path, "a.txt", _BODY)
    _write(tmp_path, "word.txt", make_docx([_BODY]))
    _write(tmp_path, "scan.txt", make_pdf([_BODY]))
    rep = read_texts(tmp_path).report.set_index("source")
    assert rep.loc["word.txt", "reject_kind"] == "binary"
    assert (
        "a Word document (.docx) saved under '.txt': rename it to .docx"
        in (rep.loc["word.txt", "reason"])
    )
    assert (
        "a PDF document (.pdf) saved under '.txt': rename it to .pdf"
        in (rep.loc["scan.txt", "reason"])
    )
    # not read by its content: the file name stays the key of its metadata row
    assert rep.loc["word.txt", "status"] == "rejected"


def test_suffixes_are_matched_in_any_case(tmp_path, make_docx):
    _write(tmp_path, "浙江/2019/方案.TXT", _BODY)
    _write(tmp_path, "浙江/2019/总结.Docx", make_docx([_BODY]))
    _write(tmp_path, "浙江/2019/草稿.TXT", _BODY)
    _write(tmp_path, "metadata.csv", "file,来源\n浙江/2019/方案.TXT,县政府网\n")
    res = read_texts(
        tmp_path / "浙江",
        docvars_from="{year}/{name}.txt",
        exclude=["**/草稿.txt"],
    )
    rep = res.report.set_index("source")
    assert rep["status"].to_dict() == {
        "2019/方案.TXT": "read",
        "2019/总结.Docx": "rejected",
        "2019/草稿.TXT": "skipped",
    }
    assert rep.loc["2019/草稿.TXT", "reject_kind"] == "excluded"
    assert res.documents["name"].tolist() == ["方案"]
    # the report, the ids and the metadata key keep the file's real name
    res = read_texts(
        tmp_path, docvars_from="{province}/{year}/{name}", metadata=tmp_path / "metadata.csv"
    )
    docs = res.documents.set_index("source")
    assert list(docs.index) == ["浙江/2019/总结.Docx", "浙江/2019/方案.TXT", "浙江/2019/草稿.TXT"]
    assert docs.loc["浙江/2019/方案.TXT", ["doc_id", "name", "来源"]].tolist() == [
        "浙江/2019/方案",
        "方案.TXT",
        "县政府网",
    ]
    assert docs.loc["浙江/2019/总结.Docx", "extractor"] == "docx"
    # and the patterns' own suffixes too (a review: *.TXT read a.TXT only)
    _write(tmp_path, "浙江/2019/通知.txt", _BODY)
    res = read_texts(tmp_path / "浙江", include=["**/*.TXT"], docvars_from="{year}/{name}.TXT")
    assert sorted(res.documents["source"]) == ["2019/方案.TXT", "2019/草稿.TXT", "2019/通知.txt"]


_NOTICE = "关于召开居民议事会征求老旧小区改造意见的通知"
_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="PubDate" content="2021-06-01"><title>{_NOTICE}</title></head>
<body><div class="nav">首页 > 通知公告</div><h1>{_NOTICE}</h1><div class="content">
<p>各位居民朋友：</p><p>根据区政府老旧小区改造计划，我小区已列入今年改造名单。为充分听取居民意见，
社区定于本周六上午九点召开居民议事会，讨论加装电梯、停车位规划等事项。</p>
<p>请各位居民准时参加。</p></div></body></html>"""


def test_an_html_page_saved_as_txt_is_read_as_html(tmp_path):
    """A page saved as .txt keeps its <title> and meta date, as the same file named .html;
    a text file that merely holds a tag stays text."""
    from textkit.corpus.build import build_corpus

    _write(tmp_path, "a/page.txt", _PAGE)
    _write(tmp_path, "b/page.html", _PAGE)
    _write(tmp_path, "c/tagged.txt", "<b>注意</b>" + _BODY)
    res = read_texts(tmp_path)
    report = res.report.set_index("source")
    assert report.loc["a/page.txt", "extractor"] == "html"
    assert (
        "HTML content in a text file: read as an HTML page" in report.loc["a/page.txt", "repairs"]
    )
    assert report.loc["c/tagged.txt", "extractor"] == "text"
    docs = res.documents.set_index("source")
    assert docs.loc["a/page.txt", "title"] == docs.loc["b/page.html", "title"] == _NOTICE
    assert docs.loc["a/page.txt", "text"] == docs.loc["b/page.html", "text"]
    built = build_corpus(res).documents.set_index("source_file")
    assert str(built.loc["a/page.txt", "published"].date()) == "2021-06-01"
    assert built.loc["a/page.txt", "published_from"] == "meta"
    assert built.loc["a/page.txt", "genre"] == "通知"


def test_a_reposts_source_and_date_line_dates_the_text_and_is_removed(tmp_path):
    """转自：… 发布时间：… heading a .txt dates it (a date line) and is removed from its text,
    as a 发布时间：line alone is; a sentence naming a date stays."""
    from textkit.corpus.build import build_corpus

    body = "2022年1月3日，某村召开村民代表大会，健全自治、法治、德治相结合的乡村治理体系。"
    _write(tmp_path, "repost.txt", f"转自：某市政法网  发布时间：2022-01-04\n{_BODY}\n{body}")
    _write(tmp_path, "alone.txt", f"发布时间：2022-01-04\n{_BODY}\n{body}")
    docs = build_corpus(read_texts(tmp_path)).documents.set_index("source_file")
    for name in ("repost.txt", "alone.txt"):
        assert str(docs.loc[name, "published"].date()) == "2022-01-04"
        assert docs.loc[name, "published_from"] == "date line"
        assert "转自" not in docs.loc[name, "text"] and "发布时间" not in docs.loc[name, "text"]
        assert body in docs.loc[name, "text"]
    assert docs.loc["repost.txt", "text"] == docs.loc["alone.txt", "text"]
