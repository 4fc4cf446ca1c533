"""A metadata table beside a folder of files: ``read_texts(folder, metadata=...)``.

The fixture (:func:`_project`) is a small researcher's project written into ``tmp_path``: text
files under ``raw/<province>/<year>/`` and ``metadata.csv`` with a date and a source per file,
one row naming a file that is not there (a typo) and one file without a row.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from textkit.core.config import load_config
from textkit.core.errors import ConfigError, CorpusError, InvalidParameterError
from textkit.corpus.build import build_corpus
from textkit.corpus.read import read_texts
from textkit.corpus.report import render_report_md
from textkit.corpus.source import build_source, corpus_source, source_hash
from textkit.run.cli import main

TEXT_A = "浙江省坚持和发展新时代枫桥经验，推进基层社会治理现代化，化解矛盾纠纷于基层。"
TEXT_B = "江苏省加强法治政府建设，提升公共服务水平，群众满意度明显提高。"
TEXT_C = "河南省完善网格化管理，维护社会稳定，依法保障群众合法权益，成效显著。"
#: A file numbering two articles: each is a document of the build.
TEXT_TWO = (
    "第一篇：关于基层治理的调研报告\n" + TEXT_A + "\n第二篇：法治政府建设工作总结\n" + TEXT_B + "\n"
)

FILES = {
    "浙江/2019/a.txt": TEXT_A,
    "浙江/2020/汇编.txt": TEXT_TWO,
    "河南/2019/c.txt": TEXT_C,
    "河南/2020/d.txt": TEXT_B + TEXT_C,  # no row in metadata.csv
}

#: The metadata table: a row per file but d.txt, and a row whose path has a typo.
METADATA = (
    "file,发布日期,来源\n"
    "浙江/2019/a.txt,2019年3月5日,桐乡市人民政府网\n"
    "浙江/2020/汇编.txt,2020-11-02,诸暨市人民政府网\n"
    "河南\\2019\\c.txt,2019/07/01,兰考县人民政府网\n"  # written with backslashes
    "河南/2019/c_typo.txt,2019-01-01,某网站\n"
)

PATTERN = "{province}/{year}/{name}.txt"


def _project(tmp_path: Path, metadata: str = METADATA, encoding: str = "utf-8") -> Path:
    for rel, text in FILES.items():
        (tmp_path / "raw" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "raw" / rel).write_text(text, encoding="utf-8")
    (tmp_path / "metadata.csv").write_bytes(metadata.encode(encoding))
    return tmp_path


def _read(root: Path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the typo row; tested below
        return read_texts(
            root / "raw", docvars_from=PATTERN, metadata=root / "metadata.csv", **options
        )


def test_metadata_columns_join_onto_each_files_document(tmp_path):
    root = _project(tmp_path)
    with pytest.warns(UserWarning, match=r"1 row\(s\) name a file that is not in the folder "
                      r"raw, .*row 5 '河南/2019/c_typo.txt'") as said:  # fmt: skip
        texts = read_texts(
            root / "raw", docvars_from=PATTERN, metadata=root / "metadata.csv", dates="发布日期"
        )
    # the folder by its name, as the table and the files: the same words on every machine
    assert all(str(root) not in str(w.message) for w in said)
    assert texts.docvars == ("province", "year", "name", "发布日期", "来源")
    docs = texts.documents.set_index("source")
    assert str(docs["发布日期"].dtype) == "datetime64[us]"
    assert docs["发布日期"].dropna().to_dict() == {
        "河南/2019/c.txt": pd.Timestamp("2019-07-01"),
        "浙江/2019/a.txt": pd.Timestamp("2019-03-05"),
        "浙江/2020/汇编.txt": pd.Timestamp("2020-11-02"),
    }
    assert docs.loc["浙江/2019/a.txt", "来源"] == "桐乡市人民政府网"
    assert docs.loc["河南/2019/c.txt", "来源"] == "兰考县人民政府网"
    assert pd.isna(docs.loc["河南/2020/d.txt", "来源"])
    assert pd.isna(docs.loc["河南/2020/d.txt", "发布日期"])
    assert docs.loc["河南/2020/d.txt", "province"] == "河南"  # the path's variables stay
    report = texts.report.set_index("source")
    assert report.loc["河南/2020/d.txt", "status"] == "read"
    assert "no row for this file in metadata.csv" in report.loc["河南/2020/d.txt", "reason"]
    assert report.loc["浙江/2019/a.txt", "reason"] == ""
    meta = texts.metadata
    assert (meta["rows"], meta["rows_joined"], meta["files_read"]) == (4, 3, 4)
    assert meta["rows_without_file"] == [
        # numbered as a spreadsheet shows the table: the header is row 1
        {"row": 5, "file": "河南/2019/c_typo.txt", "why": "no such file in the folder"}
    ]
    assert meta["files_without_row"] == ["河南/2020/d.txt"]
    assert meta["columns"] == ["发布日期", "来源"]
    assert meta["identity"] == (
        "4 rows = 3 joined + 1 naming no file read; 4 files read = 3 with a row + 1 without"
    )
    assert texts.options["metadata"] == str(root / "metadata.csv")


def test_every_article_of_a_file_gets_its_row_and_the_build_reports_the_join(tmp_path):
    root = _project(tmp_path)
    texts = _read(root, dates="发布日期")
    build = build_corpus(texts)
    docs = build.documents.set_index("doc_id")
    assert docs.loc["浙江/2020/汇编#01", "来源"] == "诸暨市人民政府网"
    assert docs.loc["浙江/2020/汇编#02", "来源"] == "诸暨市人民政府网"
    assert docs.loc["浙江/2020/汇编#02", "发布日期"] == pd.Timestamp("2020-11-02")
    assert str(build.documents["发布日期"].dtype) == "datetime64[us]"
    assert pd.isna(docs.loc["河南/2020/d#01", "来源"])
    assert build.report["metadata"] == texts.metadata
    md = render_report_md(build.report)
    assert "Metadata `metadata.csv`" in md
    assert "row 5 `河南/2019/c_typo.txt` joined to no document" in md
    assert "`河南/2020/d.txt` has no row" in md
    pages = build.pages.set_index("source_file")
    assert "no row for this file" in pages.loc["河南/2020/d.txt", "reason"]


def test_a_row_naming_a_rejected_file_is_accounted_for_without_a_warning(tmp_path):
    root = _project(tmp_path, METADATA.replace("c_typo.txt", "empty.txt"))
    (root / "raw" / "河南/2019/empty.txt").write_bytes(b"")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        texts = read_texts(root / "raw", docvars_from=PATTERN, metadata=root / "metadata.csv")
    (row,) = texts.metadata["rows_without_file"]
    assert row["row"] == 5 and row["file"] == "河南/2019/empty.txt"
    assert row["why"].startswith("rejected: empty file")


def test_a_gbk_workbook_and_key_column_of_ones_own(tmp_path):
    root = _project(tmp_path, METADATA.replace("file,", "路径,"), encoding="gb18030")
    texts = _read(root, metadata_key="路径")
    assert texts.documents.set_index("source").loc["浙江/2019/a.txt", "来源"] == "桐乡市人民政府网"
    book = root / "metadata.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["文件元数据"])  # a title row above the header
    ws.append(["路径", "来源", "级别"])
    ws.append(["浙江/2019/a.txt", "桐乡市人民政府网", 3])
    ws.append(["河南/2019/c.txt", "兰考县人民政府网", 2])
    wb.save(book)
    texts = read_texts(root / "raw", metadata=book, metadata_key="路径")
    docs = texts.documents.set_index("source")
    assert docs.loc["河南/2019/c.txt", "级别"] == 2
    assert str(docs["级别"].dtype) == "Int64"
    assert texts.metadata["files_without_row"] == ["河南/2020/d.txt", "浙江/2020/汇编.txt"]
    with pytest.raises(InvalidParameterError, match=r"metadata_key: no column 'file' in "
                       r"metadata.xlsx"):  # fmt: skip
        read_texts(root / "raw", metadata=book)


def test_a_bad_metadata_table_is_an_error_naming_it(tmp_path):
    root = _project(tmp_path)
    raw, table = root / "raw", root / "metadata.csv"
    table.write_text("path,来源\n浙江/2019/a.txt,x\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"metadata_key: no column 'file' in "
                       r"metadata.csv .*its columns are 'path', '来源'"):  # fmt: skip
        read_texts(raw, metadata=table)
    table.write_text("file,来源\n浙江/2019/a.txt,x\n河南/2019/c.txt,y\n浙江/2019/a.txt,z\n")
    with pytest.raises(CorpusError, match=r"metadata: metadata.csv names a file on more "
                       r"than one row in column 'file' .*'浙江/2019/a.txt' at rows \[2, 4\]"):  # fmt: skip
        read_texts(raw, metadata=table)
    table.write_text("file,来源\n浙江/2019/a.txt,x\n,y\n,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata.csv row 3 names no file in column 'file'"):
        read_texts(raw, metadata=table)
    table.write_bytes(b"file,\xff\xfe\x00source\n\x81")
    with pytest.raises(CorpusError, match=r"metadata: metadata.csv: cannot decode"):
        read_texts(raw, metadata=table)
    with pytest.raises(FileNotFoundError, match=r"metadata: no such file: .*nothing.csv"):
        read_texts(raw, metadata=root / "nothing.csv")
    (root / "notes.md").write_text("file\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"metadata: expected a table file"):
        read_texts(raw, metadata=root / "notes.md")
    table.write_text("file,status\n浙江/2019/a.txt,x\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"metadata \(metadata.csv\).*'status'"):
        read_texts(raw, metadata=table)


def test_a_metadata_column_named_like_a_path_field_is_an_error_naming_both(tmp_path):
    root = _project(tmp_path, METADATA.replace("来源", "year"))
    with pytest.raises(InvalidParameterError, match=r"metadata: column\(s\) 'year' of "
                       r"metadata.csv are also fields of docvars_from"):  # fmt: skip
        _read(root)


def test_metadata_applies_to_folders_only(tmp_path):
    root = _project(tmp_path)
    pd.DataFrame({"text": [TEXT_A]}).to_csv(root / "texts.csv", index=False)
    with pytest.raises(InvalidParameterError, match=r"metadata: applies to folders"):
        read_texts(root / "texts.csv", metadata=root / "metadata.csv")
    with pytest.raises(InvalidParameterError, match=r"metadata_key: names a column of metadata"):
        read_texts(root / "raw", metadata_key="file")


def test_the_project_setting_reads_the_table_beside_the_folder(tmp_path):
    root = _project(tmp_path)
    toml = root / "textkit.toml"
    toml.write_text(
        '[corpus]\ninput = "raw"\ndocvars_from = "{province}/{year}/{name}.txt"\n'
        'metadata = "metadata.csv"\ndates = ["发布日期"]\n',
        encoding="utf-8",
    )
    source = corpus_source(load_config(toml))
    assert source.options["metadata"] == str(root / "metadata.csv")
    with pytest.warns(UserWarning, match="c_typo"):
        docs = build_source(source, cache=False).documents.set_index("doc_id")
    assert docs.loc["浙江/2019/a#01", "发布日期"] == pd.Timestamp("2019-03-05")
    before = source_hash(source)
    (root / "metadata.csv").write_text(METADATA.replace("某网站", "另一网站"), encoding="utf-8")
    assert source_hash(source) != before  # an edited table is another corpus
    toml.write_text('[corpus]\ninput = "raw"\nmetadata = "missing.csv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[corpus\] metadata: no such file: .*missing.csv"):
        corpus_source(load_config(toml))
    pd.DataFrame({"text": [TEXT_A]}).to_csv(root / "texts.csv", index=False)
    toml.write_text('[corpus]\ninput = "texts.csv"\nmetadata = "metadata.csv"\n')
    with pytest.raises(ConfigError, match=r"\[corpus\] metadata: applies to folders"):
        corpus_source(load_config(toml))


def test_cli_input_folder_with_metadata(tmp_path):
    root = _project(tmp_path)
    out = root / "out"
    argv = ["-q", "corpus", "build", "--input", str(root / "raw"), "--out", str(out)]
    with pytest.warns(UserWarning, match="c_typo"):
        assert main([*argv, "--metadata", str(root / "metadata.csv"), "--dates", "发布日期"]) == 0
    docs = pd.read_parquet(out / "documents.parquet").set_index("doc_id")
    assert docs.loc["河南/2019/c#01", "来源"] == "兰考县人民政府网"
    assert docs.loc["河南/2019/c#01", "发布日期"] == pd.Timestamp("2019-07-01")


def test_columns_added_in_memory_survive_the_build(tmp_path):
    """The audit's way: merge a table onto the documents, replace them in the result."""
    root = _project(tmp_path)
    texts = read_texts(root / "raw", docvars_from=PATTERN)
    meta = pd.read_csv(root / "metadata.csv", encoding="utf-8")
    merged = texts.documents.merge(meta.rename(columns={"file": "source"}), on="source", how="left")
    merged["发布日期"] = pd.to_datetime(merged["发布日期"], format="mixed", errors="coerce")
    docs = build_corpus(dataclasses.replace(texts, documents=merged)).documents
    docs = docs.set_index("doc_id")
    assert docs.loc["浙江/2020/汇编#02", "来源"] == "诸暨市人民政府网"
    assert docs.loc["浙江/2020/汇编#02", "发布日期"] == pd.Timestamp("2020-11-02")
    texts.documents["site"] = ["甲", "乙", "丙", "丁"]  # a column assigned in place
    assert build_corpus(texts).documents["site"].notna().all()


def test_columns_added_in_memory_that_would_be_lost_are_errors(tmp_path):
    root = _project(tmp_path)
    texts = read_texts(root / "raw", docvars_from=PATTERN)
    clash = texts.documents.assign(status="draft")
    with pytest.raises(InvalidParameterError, match=r"columns added after read_texts.*'status'"):
        build_corpus(dataclasses.replace(texts, documents=clash))
    twice = pd.concat([texts.documents, texts.documents.iloc[:1]], ignore_index=True)
    with pytest.raises(InvalidParameterError, match=r"1 doc_id\(s\) on more than one row"):
        build_corpus(dataclasses.replace(texts, documents=twice))
    dropped = texts.documents.drop(columns=["province"])
    with pytest.raises(InvalidParameterError, match=r"no column\(s\) 'province'"):
        build_corpus(dataclasses.replace(texts, documents=dropped))


def test_the_seed_folder_reads_as_before_with_its_metadata_added(tmp_path):
    """Adding a table changes nothing but the added columns: same documents, same report
    statuses (the seed corpus read as a folder of text files)."""
    seed = Path(__file__).resolve().parents[2] / "corpus" / "raw"
    plain = read_texts(seed)
    names = plain.documents["source"].tolist()
    (tmp_path / "m.csv").write_text(
        "file,site\n" + "".join(f"{n},站{i}\n" for i, n in enumerate(names)), encoding="utf-8"
    )
    joined = read_texts(seed, metadata=tmp_path / "m.csv")
    pd.testing.assert_frame_equal(joined.documents.drop(columns=["site"]), plain.documents)
    pd.testing.assert_frame_equal(joined.report, plain.report)
    assert joined.documents["site"].tolist() == [f"站{i}" for i in range(len(names))]
    assert build_corpus(joined).documents["site"].notna().all()


def test_a_value_that_is_not_a_date_keeps_the_note_of_a_file_without_a_row(tmp_path, caplog):
    root = _project(tmp_path, METADATA.replace("2019年3月5日", "去年三月"))
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.read"):
        texts = _read(root, dates="发布日期")
    # the warning lists exactly the documents it counts; the file without a row is
    # logged apart, as a file without a metadata row
    (warning,) = [r.getMessage() for r in caplog.records if "not a date" in r.getMessage()]
    assert "1 document(s) with a value of '发布日期' that is not a date" in warning
    assert "(浙江/2019/a.txt)" in warning and "d.txt" not in warning
    assert any("no row in metadata.csv" in r.getMessage() for r in caplog.records)
    report = texts.report.set_index("source")
    assert (
        report.loc["浙江/2019/a.txt", "reason"]
        == "发布日期: '去年三月' is not a date (left missing)"
    )
    assert report.loc["河南/2020/d.txt", "reason"] == (
        "metadata: no row for this file in metadata.csv (its variables left missing)"
    )


def test_a_metadata_column_named_published_wins_over_the_dates_files_state(tmp_path):
    """The researcher's own ``published`` (here from the metadata table) is kept as it is:
    the build adds no ``published_from`` and does not overwrite it with a date line."""
    root = _project(tmp_path, metadata=METADATA.replace("发布日期", "published"))
    (root / "raw" / "浙江/2019/a.txt").write_text("发布时间：2018-01-02\n" + TEXT_A, "utf-8")
    build = build_corpus(_read(root, dates="published"))
    docs = build.documents.set_index("source")
    assert "published_from" not in docs.columns
    assert docs.loc["浙江/2019/a.txt", "published"] == pd.Timestamp("2019-03-05")
    # without the column, the same file is dated by its line
    plain = _project(tmp_path / "plain", metadata=METADATA)
    (plain / "raw" / "浙江/2019/a.txt").write_text("发布时间：2018-01-02\n" + TEXT_A, "utf-8")
    docs = build_corpus(_read(plain)).documents.set_index("source")
    assert docs.loc["浙江/2019/a.txt", "published"] == pd.Timestamp("2018-01-02")
    assert docs.loc["浙江/2019/a.txt", "published_from"] == "date line"
