"""read_texts: a researcher's own table or folder of texts, and a corpus built from it.

Every fixture is written here into ``tmp_path`` (CSV in GB18030, TSV with a UTF-8 BOM, XLSX
written with openpyxl, JSON lines, parquet, nested folders).
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

import textkit as tk
from textkit.core.errors import ConfigError, CorpusError, InvalidParameterError
from textkit.core.io import sha256_file
from textkit.corpus.build import build_corpus, load_corpus, write_corpus
from textkit.corpus.read import (
    DEFAULT_INCLUDE,
    READ_COLUMNS,
    REPORT_COLUMNS,
    ReadResult,
    read_texts,
)
from textkit.run.cli import main

TEXT_A = "浙江省坚持和发展新时代枫桥经验，推进基层社会治理现代化，化解矛盾纠纷于基层。"
TEXT_B = "江苏省加强法治政府建设，提升公共服务水平，二〇一九年群众满意度明显提高。"
TEXT_C = "广东省完善网格化管理，维护社会稳定，依法保障群众合法权益，2018年成效显著。"


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [TEXT_A, "", TEXT_B, "   ", TEXT_C],
            "province": ["浙江", "浙江", "江苏", "江苏", "广东"],
            "year": [2021, 2021, 2020, 2020, 2019],
            "agency": ["政法委", "政法委", "司法厅", "司法厅", "公安厅"],
        }
    )


def test_csv_in_gb18030_is_decoded_strictly_and_typed(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_bytes(_table().to_csv(index=False).encode("gb18030"))
    res = read_texts(path)
    assert isinstance(res, ReadResult)
    assert res.kind == "table"
    docs = res.documents
    assert tuple(docs.columns[: len(READ_COLUMNS)]) == READ_COLUMNS
    assert res.docvars == ("province", "year", "agency")
    assert docs["doc_id"].tolist() == ["docs#01", "docs#03", "docs#05"]
    assert docs["text"].tolist() == [TEXT_A, TEXT_B, TEXT_C]
    assert set(docs["encoding"]) == {"gb18030"}
    assert set(docs["extractor"]) == {"csv"}
    assert docs["row"].tolist() == [1, 3, 5]
    assert str(docs["year"].dtype) == "Int64"
    assert docs["year"].tolist() == [2021, 2020, 2019]
    assert docs["province"].tolist() == ["浙江", "江苏", "广东"]
    # every row is in the report; empty rows are rejected with their row number
    rep = res.report
    assert tuple(rep.columns) == REPORT_COLUMNS
    assert len(rep) == 5
    assert rep["status"].tolist() == ["read", "rejected", "read", "rejected", "read"]
    # named by the line of the file (the header is line 1), as a spreadsheet numbers rows
    assert rep.loc[1, "reason"] == "empty text (line 3)"
    assert rep.loc[3, "reason"] == "empty text (line 5)"


def test_rows_without_a_word_are_rejected_and_counted(tmp_path):
    """A text cell of only digits, punctuation or symbols (an id pasted into the text column,
    a dash) is no document: rejected with its row and why, in the in-memory and the streamed
    reader alike; a short text with a word in any script is read."""
    from textkit.corpus.read_stream import iter_texts

    path = tmp_path / "rows.csv"
    texts = [TEXT_A, "12345", "——（）。", "", "OK", "维稳"]
    pd.DataFrame({"text": texts}).to_csv(path, index=False)
    res = read_texts(path)
    assert res.documents["text"].tolist() == [TEXT_A, "OK", "维稳"]
    rep = res.report.set_index("row")
    assert rep.loc[2, "reason"] == "no word, only digits, punctuation or symbols (line 3)"
    assert rep.loc[3, "reason"] == "no word, only digits, punctuation or symbols (line 4)"
    assert rep.loc[4, "reason"] == "empty text (line 5)"
    assert (rep["status"] == "rejected").sum() == 3 and len(rep) == len(texts)
    streamed = pd.concat([b.report for b in iter_texts(path, batch_size=2)], ignore_index=True)
    assert streamed["reason"].tolist() == res.report["reason"].tolist()


def test_years_written_in_chinese_are_an_integer_variable(tmp_path):
    """A year column mixing 2019, 2020年 and 二〇二一 is read as the integers 2019-2021 (in
    memory and streamed), so trends over years work; a column with another kind of value
    stays text."""
    from textkit.corpus.read_stream import iter_texts

    path = tmp_path / "years.csv"
    pd.DataFrame(
        {
            "text": [TEXT_A, TEXT_B, TEXT_C, TEXT_A + "。"],
            "year": ["2019", "2020年", "二〇二一", "二零二二年"],
            "batch": ["一", "二", "三", "四"],
        }
    ).to_csv(path, index=False)
    docs = read_texts(path, meta=["year", "batch"]).documents
    assert str(docs["year"].dtype) == "Int64"
    assert docs["year"].tolist() == [2019, 2020, 2021, 2022]
    assert docs["batch"].tolist() == ["一", "二", "三", "四"]
    streamed = pd.concat([b.documents for b in iter_texts(path, meta=["year"], batch_size=2)])
    assert streamed["year"].tolist() == [2019, 2020, 2021, 2022]


def test_encoding_is_honoured_and_strict(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_bytes(_table().to_csv(index=False).encode("gb18030"))
    assert set(read_texts(path, encoding="gb18030").documents["encoding"]) == {"gb18030"}
    with pytest.raises(CorpusError, match="cannot decode"):
        read_texts(path, encoding="utf-8")


def test_tsv_with_utf8_bom(tmp_path):
    path = tmp_path / "docs.tsv"
    data = _table().to_csv(index=False, sep="\t").encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data)
    res = read_texts(path, meta=["province"])
    assert res.docvars == ("province",)
    assert list(res.documents.columns) == [*READ_COLUMNS, "province"]
    assert set(res.documents["encoding"]) == {"utf-8"}
    assert set(res.documents["extractor"]) == {"tsv"}
    assert res.documents["text"].tolist() == [TEXT_A, TEXT_B, TEXT_C]
    rep = res.report
    assert set(rep["repairs"]) == {"utf-8 byte-order mark removed"}
    assert set(rep["sha256"]) == {sha256_file(path)}
    assert set(rep["n_bytes"]) == {path.stat().st_size}


def test_xlsx_cells_lose_excel_carriage_returns(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "text", "year"])
    ws.append(["z1", "第一段_x000D_\n第二段", 2021])
    ws.append(["z2", "上一行\r\n下一行\r末行", 2020])
    wb.save(path)
    res = read_texts(path, id="id")
    docs = res.documents
    assert docs["doc_id"].tolist() == ["z1", "z2"]
    assert docs["text"].tolist() == ["第一段\n第二段", "上一行\n下一行\n末行"]
    assert set(docs["extractor"]) == {"xlsx"}
    assert docs["year"].tolist() == [2021, 2020]
    assert str(docs["year"].dtype) == "Int64"
    assert res.docvars == ("year",)


def test_jsonl(tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        {"body": TEXT_A, "province": "浙江", "code": "0571"},
        {"body": TEXT_B, "province": "江苏", "code": "025"},
    ]
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8"
    )
    res = read_texts(path, text="body")
    docs = res.documents
    assert docs["text"].tolist() == [TEXT_A, TEXT_B]
    assert set(docs["extractor"]) == {"jsonl"}
    # codes with a leading zero are not integers: they stay strings
    assert docs["code"].tolist() == ["0571", "025"]


def test_parquet(tmp_path):
    path = tmp_path / "docs.parquet"
    _table().to_parquet(path)
    res = read_texts(path)
    assert set(res.documents["extractor"]) == {"parquet"}
    assert res.documents["year"].tolist() == [2021, 2020, 2019]
    assert (res.report["status"] == "rejected").sum() == 2


def test_duplicate_ids_name_the_file_and_rows(tmp_path):
    path = tmp_path / "dup.csv"
    pd.DataFrame({"id": ["a", "b", "a"], "text": [TEXT_A, TEXT_B, TEXT_C]}).to_csv(
        path, index=False
    )
    with pytest.raises(CorpusError, match=r"dup\.csv.*'a' at lines \[2, 4\]"):
        read_texts(path, id="id")


def test_missing_text_column_lists_the_columns(tmp_path):
    path = tmp_path / "notext.csv"
    pd.DataFrame({"body": [TEXT_A], "year": [2021]}).to_csv(path, index=False)
    with pytest.raises(InvalidParameterError, match="'body', 'year'"):
        read_texts(path)
    with pytest.raises(InvalidParameterError, match="no column 'content'.*'body', 'year'"):
        read_texts(path, text="content")


def test_reserved_names_are_refused(tmp_path):
    path = tmp_path / "reserved.csv"
    pd.DataFrame({"content": [TEXT_A], "text": ["x"], "doc_id": ["d1"]}).to_csv(path, index=False)
    with pytest.raises(InvalidParameterError, match="rename"):
        read_texts(path, text="content")
    # the same columns used as text and id are fine
    res = read_texts(path, text="content", id="doc_id", meta=[])
    assert res.documents["doc_id"].tolist() == ["d1"]


def test_all_rows_empty_is_an_error(tmp_path):
    path = tmp_path / "empty.csv"
    pd.DataFrame({"text": ["", " "]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="no document read"):
        read_texts(path)


def _tree(root):
    files = {
        "浙江/2021/a.txt": TEXT_A,
        "浙江/2021/b.txt": TEXT_A.replace("浙江", "杭州"),
        "江苏/2020/c.txt": TEXT_B,
        "江苏/notes.txt": TEXT_C,
        "江苏/2020/draft/d.txt": TEXT_C,
        "广东/2019/page.html": "<html><body>" + TEXT_C + "</body></html>",
        "广东/2019/old.doc": "旧版 Word 文件",
        "广东/2019/e.txt": TEXT_C,
        ".hidden/x.txt": TEXT_A,
        "readme.md": "说明",
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("gb18030" if rel.endswith("c.txt") else "utf-8"))
    return root


def test_nested_folder_with_docvars_from_path(tmp_path):
    root = _tree(tmp_path / "raw")
    res = read_texts(root, docvars_from="{province}/{year}/{name}.txt", exclude=["**/draft/**"])
    assert res.kind == "folder"
    docs = res.documents
    assert docs["source"].tolist() == [
        "广东/2019/e.txt",
        "江苏/2020/c.txt",
        "浙江/2021/a.txt",
        "浙江/2021/b.txt",
    ]
    assert docs["doc_id"].tolist() == ["广东/2019/e", "江苏/2020/c", "浙江/2021/a", "浙江/2021/b"]
    assert res.docvars == ("province", "year", "name")
    assert docs["year"].tolist() == [2019, 2020, 2021, 2021]
    assert str(docs["year"].dtype) == "Int64"
    assert docs["province"].tolist() == ["广东", "江苏", "浙江", "浙江"]
    assert docs["row"].isna().all()
    assert set(docs["extractor"]) == {"text"}
    assert docs.set_index("source").loc["江苏/2020/c.txt", "encoding"] == "gb18030"
    rep = res.report.set_index("source")
    # a path the pattern does not describe is rejected, naming the pattern
    assert rep.loc["江苏/notes.txt", "status"] == "rejected"
    assert "{province}/{year}/{name}.txt" in rep.loc["江苏/notes.txt", "reason"]
    # HTML is read, and like a text file needs a path the pattern describes
    assert rep.loc["广东/2019/page.html", "reject_kind"] == "no_match"
    assert rep.loc["广东/2019/page.html", "extractor"] == "html"
    # ... and says when only its suffix differs
    assert (
        "only by its suffix: the pattern ends in '.txt', the file in '.html'"
        in (rep.loc["广东/2019/page.html", "reason"])
    )
    assert "only by its suffix" not in rep.loc["江苏/notes.txt", "reason"]
    # old Word files are not read, and say what to do
    assert rep.loc["广东/2019/old.doc", "reject_kind"] == "unsupported_type"
    assert rep.loc["广东/2019/old.doc", "reason"].startswith("unsupported file type (.doc)")
    assert "save it as .docx" in rep.loc["广东/2019/old.doc", "reason"]
    # excluded, hidden and non-included files are not read, and listed with their reason
    assert "江苏/2020/draft/d.txt" not in set(docs["source"])
    skipped = rep[rep["status"] == "skipped"]
    assert skipped["reject_kind"].to_dict() == {
        ".hidden": "hidden",
        "readme.md": "not_included",
        "江苏/2020/draft/d.txt": "excluded",
    }
    assert "'**/draft/**'" in skipped.loc["江苏/2020/draft/d.txt", "reason"]
    assert "include patterns" in skipped.loc["readme.md", "reason"]


def test_include_and_regex_docvars(tmp_path):
    root = _tree(tmp_path / "raw")
    res = read_texts(root, include=["浙江/**/*.txt"], docvars_from=r"(?P<province>[^/]+)/.*")
    assert res.documents["source"].tolist() == ["浙江/2021/a.txt", "浙江/2021/b.txt"]
    assert res.documents["province"].tolist() == ["浙江", "浙江"]


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable file"):
        read_texts(tmp_path / "empty")
    (tmp_path / "only_bad").mkdir()
    (tmp_path / "only_bad" / "x.txt").write_bytes(b"")
    with pytest.raises(CorpusError, match="no readable file.*x.txt"):
        read_texts(tmp_path / "only_bad")


def test_options_that_do_not_apply_are_refused(tmp_path):
    root = _tree(tmp_path / "raw")
    with pytest.raises(InvalidParameterError, match="text: applies to tables"):
        read_texts(root, text="body")
    path = tmp_path / "docs.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(InvalidParameterError, match="docvars_from: applies to folders"):
        read_texts(path, docvars_from="{a}.txt")
    with pytest.raises(InvalidParameterError, match="docvars_from"):
        read_texts(root, docvars_from="{text}/{year}/{name}.txt")
    with pytest.raises(FileNotFoundError):
        read_texts(tmp_path / "nowhere.csv")


def test_build_from_csv_keeps_the_researchers_year(tmp_path):
    path = tmp_path / "docs.csv"
    table = _table()
    table.loc[2, "year"] = 1999  # the text says 二〇一九 / nothing the annotator reads as 1999
    table.to_csv(path, index=False)
    texts = tk.read_texts(path)
    build = build_corpus(texts)
    docs = build.documents.set_index("doc_id")
    assert docs.index.tolist() == ["docs#01", "docs#03", "docs#05"]
    # a row is one document: not split, ordinal 1
    assert docs["ordinal"].tolist() == [1, 1, 1]
    assert docs["year"].tolist() == [2021, 1999, 2019]
    assert "year_detected" in docs.columns
    assert docs.loc["docs#05", "year_detected"] == 2018
    assert docs["province"].tolist() == ["浙江", "江苏", "广东"]
    assert docs["agency"].tolist() == ["政法委", "司法厅", "公安厅"]
    assert docs["row"].tolist() == [1, 3, 5]
    # inputs = kept + flagged + quarantined + rejected
    t = build.report["texts"]
    assert t["inputs"] == 5 and t["rejected"] == 2
    assert t["kept"] + t["flagged"] + t["quarantined"] + t["rejected"] == t["inputs"]
    assert build.report["files"] == {"total": 5, "read": 3, "rejected": 2}
    assert build.report["rejected_by_reason"] == {"empty_text": 2}
    # written and read back
    write_corpus(build, tmp_path / "out")
    back = load_corpus(tmp_path / "out")
    assert back["year"].tolist() == [2021, 1999, 2019]
    assert back["province"].tolist() == ["浙江", "江苏", "广东"]


def test_a_year_column_of_another_name_leaves_year_to_the_annotator(tmp_path):
    # the README: a 年份 column keeps its name; `year` is then the year the text states
    path = tmp_path / "docs.csv"
    table = _table().rename(columns={"year": "年份"})
    table.loc[2, "年份"] = 1999
    table.to_csv(path, index=False)
    docs = build_corpus(tk.read_texts(path)).documents.set_index("doc_id")
    assert docs["年份"].tolist() == [2021, 1999, 2019]
    assert "year_detected" not in docs.columns
    assert docs.loc["docs#05", "year"] == 2018


def test_build_from_folder_splits_like_raw_pages(tmp_path):
    root = _tree(tmp_path / "raw")
    texts = read_texts(root, docvars_from="{province}/{year}/{name}.txt")
    build = build_corpus(texts)
    docs = build.documents
    assert docs["doc_id"].str.endswith("#01").all()
    assert set(docs["source"]) == set(texts.documents["source"])
    assert docs.groupby("source")["province"].first().to_dict() == {
        "广东/2019/e.txt": "广东",
        "江苏/2020/c.txt": "江苏",
        "浙江/2021/a.txt": "浙江",
        "浙江/2021/b.txt": "浙江",
    }
    assert "year_detected" in docs.columns
    rep = build.report
    # the hidden folder and the file the include patterns leave out are entries skipped
    # with their reason
    assert rep["texts"]["skipped"] == 2
    assert rep["texts"]["inputs"] == (
        rep["texts"]["read"] + rep["texts"]["rejected"] + rep["texts"]["skipped"]
    )
    assert [e["entry"] for e in rep["skipped_entries"]] == [".hidden", "readme.md"]
    assert rep["skipped_by_kind"] == {"hidden": 1, "not_included": 1}
    # a field matches within one folder: draft/d.txt, notes.txt and page.html do not
    # match; old.doc is not read
    assert rep["files"]["rejected"] == 4
    assert rep["rejected_by_reason"] == {"no_match": 3, "unsupported_type": 1}
    arts = rep["articles"]
    assert arts["found"] == arts["kept"] + arts["flagged"] + arts["quarantined"] == len(docs)


def test_cli_input_csv_writes_the_documents_table(tmp_path):
    path = tmp_path / "docs.csv"
    _table().to_csv(path, index=False)
    out = tmp_path / "out"
    code = main(
        [
            "-q",
            "corpus",
            "build",
            "--input",
            str(path),
            "--meta",
            "province",
            "year",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs["doc_id"].tolist() == ["docs#01", "docs#03", "docs#05"]
    assert "agency" not in docs.columns
    assert docs["province"].tolist() == ["浙江", "江苏", "广东"]
    assert (out / "documents.csv").is_file()
    assert main(["-q", "corpus", "build", "--input", str(path), "--text-column", "x"]) == 2


def test_detected_names_are_reserved_and_encoding_is_for_text_formats(tmp_path):
    path = tmp_path / "detected.csv"
    pd.DataFrame({"text": [TEXT_A], "year": [2021], "year_detected": [2020]}).to_csv(
        path, index=False
    )
    with pytest.raises(InvalidParameterError, match="year_detected"):
        read_texts(path)
    assert read_texts(path, meta=["year"]).docvars == ("year",)
    book = tmp_path / "docs.parquet"
    _table().to_parquet(book)
    with pytest.raises(InvalidParameterError, match="encoding: applies to"):
        read_texts(book, encoding="utf-8")


def test_folder_rejections_name_the_problem_once(tmp_path):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "good.txt").write_text(TEXT_A, encoding="utf-8")
    (root / "blank.txt").write_text("  \n", encoding="utf-8")
    res = read_texts(root)
    rep = res.report.set_index("source")
    assert rep.loc["blank.txt", "status"] == "rejected"
    assert rep.loc["blank.txt", "reject_kind"] == "whitespace"
    assert rep.loc["good.txt", "n_bytes"] == len(TEXT_A.encode("utf-8"))
    assert not rep.loc["blank.txt", "reason"].startswith("blank.txt")
    build = build_corpus(res)
    assert build.report["rejected_files"] == [
        {"file": "blank.txt", "reason": "blank.txt: " + rep.loc["blank.txt", "reason"]}
    ]
    assert build.documents["doc_id"].tolist() == ["good#01"]
    pages = build.pages.set_index("source_file")
    assert pages.loc["good.txt", "sha256"] == rep.loc["good.txt", "sha256"]


def test_annotated_columns_supplied_by_the_researcher_win(tmp_path):
    path = tmp_path / "genre.csv"
    pd.DataFrame({"text": [TEXT_A, TEXT_B], "genre": ["来信", "来信"], "era": ["x", "y"]}).to_csv(
        path, index=False
    )
    docs = build_corpus(read_texts(path)).documents
    assert docs["genre"].tolist() == ["来信", "来信"]
    assert docs["era"].tolist() == ["x", "y"]
    assert {"genre_detected", "era_detected"} <= set(docs.columns)
    assert "year" in docs.columns and "year_detected" not in docs.columns


def test_streamed_build_refuses_read_texts_output(tmp_path):
    path = tmp_path / "docs.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(InvalidParameterError, match="already in memory"):
        tk.build_corpus_to(read_texts(path), tmp_path / "out")


def test_a_title_column_titles_the_documents(tmp_path):
    table = pd.DataFrame(
        {
            "title": ["某镇社会治安综合治理工作方案", "某县法治政府建设调研报告"],
            "text": [TEXT_A, TEXT_B],
            "province": ["浙江", "江苏"],
        }
    )
    path = tmp_path / "titled.csv"
    table.to_csv(path, index=False)
    res = read_texts(path)  # a column named title is the title, not a variable
    assert res.docvars == ("province",)
    assert res.documents["title"].tolist() == table["title"].tolist()
    docs = build_corpus(res).documents.set_index("doc_id")
    assert docs.loc["titled#01", "title"] == "某镇社会治安综合治理工作方案"
    assert docs.loc["titled#01", "genre"] == "工作方案"  # the annotator reads the title
    assert docs.loc["titled#02", "genre"] == "调研报告"
    # another column named as the title; the title column listed in meta is refused
    renamed = table.rename(columns={"title": "标题"})
    renamed.to_csv(path, index=False)
    assert read_texts(path, title="标题").documents["title"].tolist() == table["title"].tolist()
    # named or not: a column called 标题 is the title, unless meta lists it
    assert read_texts(path).docvars == ("province",)
    assert read_texts(path).documents["title"].tolist() == table["title"].tolist()
    assert read_texts(path, meta=["标题", "province"]).docvars == ("标题", "province")
    with pytest.raises(InvalidParameterError, match="meta: lists the text, id or title column"):
        read_texts(path, title="标题", meta=["标题"])
    with pytest.raises(InvalidParameterError, match="title: no column '题目'"):
        read_texts(path, title="题目")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_C, encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="title: applies to tables"):
        read_texts(folder, title="标题")
    assert read_texts(folder).documents["title"].tolist() == [""]


def test_relevance_flag_is_off_for_a_researchers_own_corpus(tmp_path, seed_docs):
    from textkit.core.config import load_config
    from textkit.corpus.build import CorpusConfig

    off_topic = "今年夏季高温少雨，各地公路养护部门加强路面巡查，及时修补坑槽，保障车辆通行安全。"
    path = tmp_path / "mixed.csv"
    pd.DataFrame({"text": [TEXT_A, off_topic]}).to_csv(path, index=False)
    texts = read_texts(path)
    docs = build_corpus(texts).documents.set_index("doc_id")
    assert not docs.loc["mixed#02", "is_relevant"]  # the check still reports it ...
    assert docs.loc["mixed#02", "status"] == "kept"  # ... but does not flag it by default
    flagged = build_corpus(texts, CorpusConfig(flag_off_topic=True)).documents
    assert flagged.set_index("doc_id").loc["mixed#02", "flag_reason"] == "off-topic"
    # raw pages keep flagging by default: the seed corpus's off-topic article
    assert (seed_docs["flag_reason"] == "off-topic").sum() == 1
    toml = tmp_path / "textkit.toml"
    toml.write_text("[corpus]\nflag_off_topic = true\n", encoding="utf-8")
    assert CorpusConfig.from_project(load_config(toml)).flag_off_topic is True
    toml.write_text('[corpus]\nflag_off_topic = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[corpus\] flag_off_topic: expected true or false"):
        CorpusConfig.from_project(load_config(toml))


def _documents_tree(root, make_docx, make_pdf, encrypt_pdf, scanned_pdf):
    """A nested folder of text, HTML, Word and PDF files, one bad file of each kind."""
    news = (
        '<html><head><meta charset="gbk"><title>杭州新闻</title>'
        "<script>alert('x')</script></head><body><nav>首页</nav>"
        f"<div><p>{TEXT_B}</p></div><footer>版权所有</footer></body></html>"
    )
    pdf = make_pdf([TEXT_C], title="广东年报")
    files = {
        "浙江/2021/a.txt": TEXT_A.encode("utf-8"),
        "浙江/2021/news.html": news.encode("gbk"),
        "浙江/2021/empty.txt": b"",
        "江苏/2020/report.docx": make_docx([TEXT_A.replace("浙江", "苏州")], title="江苏报告"),
        "江苏/2020/menu.htm": "<html><body><nav>首页 | 新闻</nav></body></html>".encode(),
        "江苏/2020/broken.docx": b"PK\x03\x04 not really a zip",
        "广东/2019/report.pdf": pdf,
        "广东/2019/scan.pdf": scanned_pdf,
        "广东/2019/locked.pdf": encrypt_pdf(pdf, "secret"),
        "广东/2019/cut.pdf": pdf[: len(pdf) // 3],
        "广东/old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "广东/notes.md": "说明".encode(),
    }
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def test_folder_of_html_word_and_pdf_accounts_for_every_file(
    tmp_path, make_docx, make_pdf, encrypt_pdf, scanned_pdf
):
    root = _documents_tree(tmp_path / "docs", make_docx, make_pdf, encrypt_pdf, scanned_pdf)
    res = read_texts(root, docvars_from=r"(?P<province>[^/]+)/(?P<year>\d{4})/.*")
    rep = res.report.set_index("source")
    # every file is an input, notes.md (not matched by the default include) is skipped
    assert sorted(rep.index) == sorted(
        str(p.relative_to(root).as_posix()) for p in root.rglob("*") if p.is_file()
    )
    skipped = rep[rep["status"] == "skipped"]
    assert skipped["reject_kind"].tolist() == ["not_included"]
    assert skipped.index[0].endswith("notes.md")
    rep = rep[rep["status"] != "skipped"]
    assert len(rep) == 11
    n_read = int((rep["status"] == "read").sum())
    n_rejected = int((rep["status"] == "rejected").sum())
    assert (n_read, n_rejected) == (4, 7)
    assert rep["reject_kind"].to_dict() == {
        "浙江/2021/a.txt": "",
        "浙江/2021/empty.txt": "empty",
        "浙江/2021/news.html": "",
        "广东/2019/cut.pdf": "unreadable_pdf",
        "广东/2019/locked.pdf": "encrypted_pdf",
        "广东/2019/report.pdf": "",
        "广东/2019/scan.pdf": "no_text_layer",
        "广东/old.doc": "unsupported_type",
        "江苏/2020/broken.docx": "unreadable_docx",
        "江苏/2020/menu.htm": "no_body_text",
        "江苏/2020/report.docx": "",
    }
    assert rep["extractor"].to_dict() == {
        "浙江/2021/a.txt": "text",
        "浙江/2021/empty.txt": "text",
        "浙江/2021/news.html": "html",
        "广东/2019/cut.pdf": "pdf",
        "广东/2019/locked.pdf": "pdf",
        "广东/2019/report.pdf": "pdf",
        "广东/2019/scan.pdf": "pdf",
        "广东/old.doc": "",
        "江苏/2020/broken.docx": "docx",
        "江苏/2020/menu.htm": "html",
        "江苏/2020/report.docx": "docx",
    }
    assert "OCR" in rep.loc["广东/2019/scan.pdf", "reason"]
    assert "save it as .docx" in rep.loc["广东/old.doc", "reason"]
    assert (rep["n_bytes"] > 0).sum() == 10  # empty.txt has none
    docs = res.documents.set_index("source")
    assert docs.loc["浙江/2021/news.html", "text"] == TEXT_B
    assert docs.loc["浙江/2021/news.html", "encoding"] == "gb18030"
    assert docs.loc["浙江/2021/a.txt", "encoding"] == "utf-8"
    assert docs.loc["江苏/2020/report.docx", "encoding"] == ""
    assert docs["title"].to_dict() == {
        "广东/2019/report.pdf": "广东年报",
        "江苏/2020/report.docx": "江苏报告",
        "浙江/2021/a.txt": "",
        "浙江/2021/news.html": "杭州新闻",
    }
    assert docs["province"].to_dict()["广东/2019/report.pdf"] == "广东"
    assert docs["year"].tolist() == [2019, 2020, 2021, 2021]

    build = build_corpus(res)
    texts = build.report["texts"]
    assert texts["identity"] == "12 entries = 4 read + 7 rejected + 1 skipped"
    assert build.report["files"] == {"total": 11, "read": 4, "rejected": 7}
    assert build.report["rejected_by_reason"] == {
        "empty": 1,
        "encrypted_pdf": 1,
        "no_body_text": 1,
        "no_text_layer": 1,
        "unreadable_docx": 1,
        "unreadable_pdf": 1,
        "unsupported_type": 1,
    }
    built = build.documents.set_index("source")
    # the Chinese text of each format reached the cleaned documents
    assert built.loc["浙江/2021/news.html", "text"] == TEXT_B
    assert built.loc["江苏/2020/report.docx", "text"] == TEXT_A.replace("浙江", "苏州")
    assert built.loc["广东/2019/report.pdf", "text"] == TEXT_C
    assert built.loc["浙江/2021/a.txt", "text"] == TEXT_A
    # the title a file records titles its article; the extractor is carried along
    assert built.loc["浙江/2021/news.html", "title"] == "杭州新闻"
    assert built.loc["广东/2019/report.pdf", "title"] == "广东年报"
    assert built["extractor"].to_dict() == {
        "广东/2019/report.pdf": "pdf",
        "江苏/2020/report.docx": "docx",
        "浙江/2021/a.txt": "text",
        "浙江/2021/news.html": "html",
    }
    assert built.loc["浙江/2021/news.html", "encoding"] == "gb18030"
    pages = build.pages.set_index("source_file")
    assert pages.loc["广东/2019/locked.pdf", "status"] == "rejected"
    assert pages.loc["广东/2019/report.pdf", "sha256"] == rep.loc["广东/2019/report.pdf", "sha256"]
    # written: the report accounts for the same files
    write_corpus(build, tmp_path / "out")
    back = json.loads((tmp_path / "out" / "corpus_report.json").read_text(encoding="utf-8"))
    assert back["texts"]["identity"] == texts["identity"]


def test_a_file_of_an_unknown_type_matching_include_is_rejected(tmp_path, make_docx):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (root / "b.md").write_text(TEXT_B, encoding="utf-8")
    (root / "c.docx").write_bytes(make_docx([TEXT_C]))
    res = read_texts(root, include=["*.txt", "*.md"])
    rep = res.report.set_index("source")
    assert rep.index.tolist() == ["a.txt", "b.md", "c.docx"]
    assert rep.loc["c.docx", "status"] == "skipped"  # c.docx is not included
    assert rep.loc["c.docx", "reject_kind"] == "not_included"
    assert rep.loc["b.md", "reject_kind"] == "unsupported_type"
    assert rep.loc["b.md", "reason"].startswith("unsupported file type (.md)")
    # the default include reads text, HTML, Word and PDF files
    assert DEFAULT_INCLUDE == (
        "**/*.txt",
        "**/*.html",
        "**/*.htm",
        "**/*.xhtml",
        "**/*.docx",
        "**/*.pdf",
    )
    res = read_texts(root)
    assert res.documents["source"].tolist() == ["a.txt", "c.docx"]
    assert res.documents["text"].tolist() == [TEXT_A, TEXT_C]


def test_office_lock_files_beside_an_open_document_are_not_inputs(tmp_path, make_docx):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "report.docx").write_bytes(make_docx([TEXT_C]))
    (root / "~$report.docx").write_bytes(b"\x00" * 162)  # what Word leaves while it is open
    res = read_texts(root)
    assert res.report["source"].tolist() == ["report.docx", "~$report.docx"]
    assert res.report["status"].tolist() == ["read", "skipped"]
    assert res.report["reject_kind"].tolist() == ["", "office_lock"]
    assert "lock file" in res.report["reason"].tolist()[1]


def test_meta_named_by_one_string_is_one_column(tmp_path):
    path = tmp_path / "reports.xlsx"
    _table().to_excel(path, index=False)
    one = read_texts(path, meta="province")
    assert one.docvars == ("province",)
    assert one.documents["province"].tolist() == ["浙江", "江苏", "广东"]
    assert one.options["meta"] == ["province"]  # the same cache key as a list of one
    listed = read_texts(path, meta=["province"])
    pd.testing.assert_frame_equal(one.documents, listed.documents)
    # the streamed reader takes it the same way
    batches = tk.iter_texts(path, meta="province", batch_size=2)
    assert batches.docvars == ("province",)
    # a column that does not exist is named whole, not by its first character
    with pytest.raises(InvalidParameterError, match="meta: no column 'provinces' in reports"):
        read_texts(path, meta="provinces")
    with pytest.raises(
        InvalidParameterError, match=r"meta: expected a column name or a list of column names"
    ):
        read_texts(path, meta=3)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{province/{year}", "'{' not closed by '}' at character 1"),
        ("{province}/{year}}/{name}.txt", "'}' without its '{' at character 18"),
        ("{province}/{1year}/{name}.txt", "field {1year} at character 12 of"),
        ("{province}/{}/{name}.txt", "field {} at character 12 of"),
    ],
)
def test_a_malformed_docvars_pattern_is_refused_before_reading(tmp_path, pattern, problem):
    root = _tree(tmp_path / "raw")
    with pytest.raises(InvalidParameterError) as err:
        read_texts(root, docvars_from=pattern)
    msg = str(err.value)
    assert msg.startswith("docvars_from: ")
    assert problem in msg
    assert "no readable file" not in msg
    # a field named in Chinese is a name
    res = read_texts(root, docvars_from="{省份}/{年份}/{name}.txt")
    assert res.docvars == ("省份", "年份", "name")
    assert res.documents["省份"].tolist() == ["广东", "江苏", "浙江", "浙江"]


def test_build_corpus_given_a_table_says_what_it_takes(tmp_path):
    path = tmp_path / "reports.csv"
    _table().to_csv(path, index=False)
    with pytest.raises(InvalidParameterError) as err:
        build_corpus(_table())
    msg = str(err.value)
    assert msg.startswith(
        "raw_dir: build_corpus takes a folder of raw pages (a path) or what "
        "textkit.read_texts returned, got a pandas DataFrame"
    )
    assert "build_corpus(read_texts('texts.csv', text=<text column>))" in msg
    with pytest.raises(InvalidParameterError) as err:
        build_corpus(path)
    msg = str(err.value)
    assert msg.startswith(f"raw_dir: {path} is a file; build_corpus takes a folder of raw pages")
    assert f"build_corpus(read_texts({str(path)!r}, text=<text column>))" in msg
    with pytest.raises(FileNotFoundError, match="raw corpus directory not found"):
        build_corpus(tmp_path / "nowhere")
    with pytest.raises(InvalidParameterError, match="build_corpus_to takes .* got a pandas"):
        tk.build_corpus_to(_table(), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # what the messages point to builds
    assert build_corpus(read_texts(path)).report["texts"]["inputs"] == 5


def test_site_chrome_of_a_gov_page_is_left_out_and_reported(tmp_path, gov_page):
    root = tmp_path / "pages"
    root.mkdir()
    page, body = gov_page()
    (root / "notice.html").write_text(page, encoding="utf-8")
    res = read_texts(root)
    assert res.documents["text"].tolist() == ["\n".join(body)]
    assert res.report["repairs"].tolist() == [
        "site chrome dropped: 4 element(s) (div.nav, div.position, div.share-bar, div.footer)"
    ]
    build = build_corpus(res)
    assert "政务公开" not in build.documents["text"].iloc[0]
    assert "版权所有" not in build.documents["text"].iloc[0]


def test_short_files_of_a_folder_are_documents(tmp_path):
    """A researcher's file is a document however short (one-line posts): none is dropped as
    boilerplate, as raw pages' short articles are; an empty stub after a marker still is."""
    import textkit as tk

    folder = tmp_path / "posts"
    folder.mkdir()
    posts = ["加强矛盾纠纷排查化解。", "便民服务点赞！", "依法行政。", "今天开会。"]
    for i, post in enumerate(posts):
        (folder / f"p{i}.txt").write_text(post + "\n", encoding="utf-8")
    (folder / "two.txt").write_text(
        "第一篇：维稳工作方案\n" + "做好社会治安综合治理和矛盾纠纷排查调处工作。" * 3
        + "\n第二篇：空\n\n", encoding="utf-8",
    )  # fmt: skip
    build = tk.build_corpus(tk.read_texts(folder))
    docs = build.documents.set_index("doc_id")
    assert [docs.loc[f"p{i}#01", "text"] for i in range(4)] == posts
    assert "two#01" in docs.index and "two#02" not in docs.index
    identity = build.report["texts"]
    assert identity["identity"] == "5 files = 5 read + 0 rejected" and identity["kept"] == 5


def test_date_variables_are_written_as_dates(tmp_path):
    """A workbook or parquet date (a datetime at midnight) is the date alone, not
    ``2021-03-01 00:00:00``; a time of day is kept."""
    import datetime

    frame = pd.DataFrame(
        {
            "text": ["推进依法行政。", "维护社会稳定。"],
            "issued": [pd.Timestamp("2021-03-01"), pd.Timestamp("2022-11-30")],
            "posted": [pd.Timestamp("2021-03-01 09:30"), pd.NaT],
        }
    )
    frame.to_parquet(tmp_path / "t.parquet")
    docs = read_texts(tmp_path / "t.parquet").documents
    assert docs["issued"].tolist() == ["2021-03-01", "2022-11-30"]
    assert docs["posted"].iloc[0] == "2021-03-01 09:30:00" and pd.isna(docs["posted"].iloc[1])
    wb = openpyxl.Workbook()
    wb.active.append(["text", "issued"])
    wb.active.append(["推进依法行政。", datetime.datetime(2021, 3, 1)])
    wb.save(tmp_path / "t.xlsx")
    assert read_texts(tmp_path / "t.xlsx").documents["issued"].tolist() == ["2021-03-01"]


def test_the_report_says_what_reading_a_workbook_did(tmp_path):
    from textkit.corpus.report import render_report_md

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["附件：文件汇总表"])
    ws.append(["正文", "地区"])
    ws.append(["推进依法行政，建设服务型政府。", "东城区"])
    ws.append(["维护社会稳定。", None])
    ws.merge_cells("B3:B4")
    wb.create_sheet("说明")
    wb.save(tmp_path / "a.xlsx")
    md = render_report_md(build_corpus(read_texts(tmp_path / "a.xlsx", text="正文")).report)
    said = [line for line in md.splitlines() if line.startswith("Reading the table: ")]
    assert len(said) == 1
    for part in ("not read: 1 other sheet(s) '说明'", "header on row 2", "附件：文件汇总表",
                 "merged cells: 1 range(s)"):  # fmt: skip
        assert part in said[0]


#: A scraped news table: its 发布时间 column mixes the forms Chinese sites write.
_NEWS = pd.DataFrame(
    {
        "正文": [TEXT_A, TEXT_B, TEXT_C, TEXT_A + "（转载）", TEXT_B + "（完）", TEXT_C + "。"],
        "发布时间": ["2019年3月5日", "2019/03/05", "2019-3-5 10:22", "2019年3月", "", "不详"],
        "来源": ["人民网", "新华网", "人民网", "新华网", "人民网", "新华网"],
    }
)


def test_a_date_column_named_in_dates_is_read_as_dates(tmp_path, caplog):
    path = tmp_path / "news.csv"
    path.write_bytes(_NEWS.to_csv(index=False).encode("gb18030"))
    res = read_texts(path, text="正文", dates="发布时间")
    docs = res.documents
    assert str(docs["发布时间"].dtype) == "datetime64[us]"
    assert docs["发布时间"].tolist()[:4] == [
        pd.Timestamp("2019-03-05"),
        pd.Timestamp("2019-03-05"),
        pd.Timestamp("2019-03-05 10:22"),
        pd.Timestamp("2019-03-01"),
    ]
    assert docs["发布时间"].iloc[4:].isna().all()
    assert docs["来源"].tolist() == _NEWS["来源"].tolist()  # the other variables as they were
    # the value that is not a date is missing, and its row of the report says so: read
    rep = res.report.set_index("row")
    assert (rep["status"] == "read").all()
    assert rep.loc[6, "reason"] == "发布时间: '不详' is not a date (left missing)"
    assert (rep.loc[1:5, "reason"] == "").all()  # an empty cell is just missing
    assert "1 document(s) with a value of '发布时间' that is not a date" in caplog.text
    assert "(row 6)" in caplog.text
    assert res.options["dates"] == ["发布时间"]
    # the build keeps the dates and the note on the row's line of pages.csv
    build = build_corpus(res)
    assert str(build.documents["发布时间"].dtype) == "datetime64[us]"
    pages = build.pages.set_index("source_file")
    assert pages.loc["news.csv:6", "reason"] == rep.loc[6, "reason"]
    assert pages.loc["news.csv:6", "status"] == "ok"
    # without the option the column is text, as it was
    assert str(read_texts(path, text="正文").documents["发布时间"].dtype) != "datetime64[us]"


def test_dates_must_name_document_variables_and_join_meta(tmp_path):
    path = tmp_path / "news.csv"
    _NEWS.to_csv(path, index=False)
    with pytest.raises(
        InvalidParameterError, match=r"dates: '日期' not among the document.*'来源'"
    ):
        read_texts(path, text="正文", dates=["日期"])
    # a date column the meta list leaves out is a document variable all the same
    got = read_texts(path, text="正文", meta=["来源"], dates="发布时间").documents
    assert "来源" in got.columns and str(got["发布时间"].dtype) == "datetime64[us]"
    with pytest.raises(InvalidParameterError, match="日期"):
        read_texts(path, text="正文", meta=["来源"], dates="日期")


def test_dates_of_a_folder_come_from_its_paths(tmp_path):
    for day, text in (("2019年3月5日", TEXT_A), ("2019-03-06", TEXT_B), ("某日", TEXT_C)):
        (tmp_path / "raw" / day).mkdir(parents=True)
        (tmp_path / "raw" / day / "a.txt").write_text(text, encoding="utf-8")
    res = read_texts(tmp_path / "raw", docvars_from="{day}/{name}.txt", dates="day")
    docs = res.documents.set_index("source")
    assert docs.loc["2019年3月5日/a.txt", "day"] == pd.Timestamp("2019-03-05")
    assert docs.loc["2019-03-06/a.txt", "day"] == pd.Timestamp("2019-03-06")
    assert pd.isna(docs.loc["某日/a.txt", "day"])
    rep = res.report.set_index("source")
    assert rep.loc["某日/a.txt", "reason"] == "day: '某日' is not a date (left missing)"


def test_corpus_dates_in_the_config_are_read_and_checked(tmp_path):
    from textkit.core.config import load_config
    from textkit.corpus.source import build_source, corpus_source

    _NEWS.to_csv(tmp_path / "news.csv", index=False)
    path = tmp_path / "textkit.toml"
    path.write_text(
        '[corpus]\ninput = "news.csv"\ntext = "正文"\ndates = "发布时间"\n', encoding="utf-8"
    )
    source = corpus_source(load_config(path))
    assert dict(source.options) == {"text": "正文", "dates": ("发布时间",)}
    docs = build_source(source, cache=False).documents
    assert str(docs["发布时间"].dtype) == "datetime64[us]"
    path.write_text('[corpus]\ninput = "news.csv"\ntext = "正文"\ndates = [1]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[corpus\] dates: expected a list of non-empty"):
        corpus_source(load_config(path))


def test_cli_input_reads_dates(tmp_path):
    path = tmp_path / "news.csv"
    _NEWS.to_csv(path, index=False)
    for stream in ([], ["--stream"]):
        out = tmp_path / f"out{len(stream)}"
        argv = ["-q", "corpus", "build", "--input", str(path), "--text-column", "正文"]
        assert main([*argv, "--dates", "发布时间", "--out", str(out), *stream]) == 0
        docs = pd.read_parquet(out / "documents.parquet")
        assert docs["发布时间"].iloc[0] == pd.Timestamp("2019-03-05")
