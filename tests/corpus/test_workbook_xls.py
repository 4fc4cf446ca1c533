"""Excel 97-2003 workbooks (.xls) read as .xlsx workbooks are: the same sheet, header,
title rows, merged cells and errors; cells as ``pandas.read_excel`` gives them.

Every workbook is written here with xlwt (a real BIFF8 file, merged cells included).
"""

from __future__ import annotations

import datetime
import random
import re

import openpyxl
import pandas as pd
import pytest
import xlwt

from textkit import iter_texts, read_texts
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.read_result import _cell_str
from textkit.corpus.workbook import MAX_XLS_BYTES, sheet_layout, sheet_rows

TEXTS = [
    "坚持依法行政，推进基层公共服务标准化建设。",
    "加强矛盾纠纷排查化解，维护社会稳定。",
    "开展社区网格化服务管理，回应群众诉求。",
    "严厉打击违法犯罪活动，强化治安防控。",
]
NOTE = "本表由区政府办公室汇总，仅供研究使用。"

#: The report book of tests/corpus/test_workbook.py: cells (row, column, value; 0-based)
#: and merged ranges (first row, last row, first column, last column; 0-based, inclusive).
CELLS = [
    (2, 0, "标题"),
    (2, 1, "正文"),
    (2, 2, "地区"),
    (2, 3, "年份"),
    *[(3 + i, 0, t) for i, t in enumerate(["工作方案", "经验材料", "调研报告", "工作总结"])],
    *[(3 + i, 1, t) for i, t in enumerate(TEXTS)],
    (6, 2, "西城区"),
    (7, 0, "说明"),
]
MERGES = [
    (0, 0, 0, 3, "附件1：2021年某市基层治理文件汇总"),  # a title across the table
    (3, 5, 2, 2, "东城区"),  # a district for rows 4-6
    (3, 6, 3, 3, 2021),  # a year for rows 4-7
    (7, 7, 1, 3, NOTE),  # a note across the width: no value for 地区 or 年份
]


def _xls_book(path, sheet_title="汇总", cover=None):
    """The report book as an .xls file (``cover``: a first sheet with one line)."""
    wb = xlwt.Workbook(encoding="utf-8")
    if cover is not None:
        wb.add_sheet("封面").write(0, 0, cover)
    ws = wb.add_sheet(sheet_title)
    for r, c, v in CELLS:
        ws.write(r, c, v)
    for r1, r2, c1, c2, v in MERGES:
        ws.write_merge(r1, r2, c1, c2, v)
    wb.save(str(path))
    return path


def _xlsx_book(path, sheet_title="汇总"):
    """The same book as an .xlsx file."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    for r, c, v in CELLS:
        ws.cell(r + 1, c + 1, v)
    for r1, r2, c1, c2, v in MERGES:
        ws.cell(r1 + 1, c1 + 1, v)
        ws.merge_cells(start_row=r1 + 1, end_row=r2 + 1, start_column=c1 + 1, end_column=c2 + 1)
    wb.save(path)
    return path


def test_title_rows_and_merged_cells_are_read_as_in_an_xlsx_workbook(tmp_path):
    xls = _xls_book(tmp_path / "汇总表.xls")
    res = read_texts(xls, text="正文", title="标题")
    docs = res.documents
    assert docs["text"].tolist() == [*TEXTS, NOTE]
    assert docs["title"].tolist()[:2] == ["工作方案", "经验材料"]
    assert set(docs["extractor"]) == {"xls"} and set(docs["encoding"]) == {""}
    assert res.docvars == ("地区", "年份")
    # merged down: each row gets the value; merged across: layout, no value
    assert docs["地区"].tolist()[:4] == ["东城区", "东城区", "东城区", "西城区"]
    assert docs["年份"].dtype == "Int64"
    assert docs["年份"].tolist()[:4] == [2021] * 4
    assert pd.isna(docs["地区"].iloc[4]) and pd.isna(docs["年份"].iloc[4])
    repairs = res.report["repairs"].iloc[0]
    assert "header on row 3 of sheet '汇总'" in repairs
    assert "row(s) 1-2 above it not read: 附件1：2021年某市基层治理文件汇总" in repairs
    assert re.search(r"merged cells: 2 range\(s\) .* 5 cell\(s\) .*'地区', '年份'", repairs)

    # the same book saved as .xlsx: the same documents, report and repairs
    xlsx = read_texts(_xlsx_book(tmp_path / "汇总表.xlsx"), text="正文", title="标题")
    same = ["doc_id", "text", "title", "row", "encoding", "地区", "年份"]
    pd.testing.assert_frame_equal(docs[same], xlsx.documents[same])
    same = ["row", "doc_id", "status", "reason", "reject_kind", "repairs"]
    pd.testing.assert_frame_equal(res.report[same], xlsx.report[same])


def test_batches_read_an_xls_workbook_as_the_whole_read(tmp_path):
    path = _xls_book(tmp_path / "汇总表.xls")
    whole = read_texts(path, text="正文", title="标题")
    # the merged values reach rows of the second batch
    batches = list(iter_texts(path, text="正文", title="标题", batch_size=3))
    assert [len(b.report) for b in batches] == [3, 2]
    docs = pd.concat([b.documents for b in batches], ignore_index=True)
    report = pd.concat([b.report for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)
    assert docs["年份"].tolist()[:4] == [2021] * 4


def _typed_sheet(path):
    """A title row, then a table of dates, times, numbers, booleans, pandas' missing-value
    strings, error cells and empty cells; an empty row inside it and two at its end."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("数据")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    clock = xlwt.easyxf(num_format_str="HH:MM:SS")
    stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    ws.write(0, 0, "2021年政策文件")
    header = ["text", "日期", "时间", "时刻", "数量", "比例", "是否", "备注", "错误", "代码"]
    for c, name in enumerate(header):
        ws.write(1, c, name)
    rows = [
        [TEXTS[0], datetime.date(2021, 3, 1), datetime.time(8, 30), datetime.datetime(2020, 1, 2, 13, 45), 3, 2.5, True, "NA", "#DIV/0!", "007"],
        [TEXTS[1], datetime.date(2019, 12, 31), datetime.time(17, 0, 5), datetime.datetime(2022, 6, 30), 12, 0.125, False, "说明", "#REF!", None],
        None,  # an empty row inside the table
        [TEXTS[2], datetime.date(2000, 2, 29), datetime.time(0, 0, 1), datetime.datetime(1999, 12, 31, 23, 59), -4, 100.0, True, "null", "#VALUE!", "12"],
        [TEXTS[3], None, None, None, None, None, None, "", None, "A1"],
    ]  # fmt: skip
    styles = {1: date, 2: clock, 3: stamp}
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row or []):
            if v is None:
                continue
            if c == 8:
                ws.row(r).set_cell_error(c, v)
            else:
                ws.write(r, c, v, styles.get(c, xlwt.Style.default_style))
    ws.write(7, 7, "", xlwt.easyxf("font: bold on"))  # a formatted empty cell below the table
    wb.save(str(path))
    return path


@pytest.mark.filterwarnings("ignore:The xlrd engine is deprecated")
def test_cells_are_what_pandas_read_excel_gives(tmp_path):
    path = _typed_sheet(tmp_path / "类型.xls")
    # dtype=object: each cell as pandas converts it, before it types the columns
    expected = pd.read_excel(path, header=1, engine="xlrd", dtype=object)
    want = [[None if pd.isna(v) else v for v in row] for row in expected.values.tolist()]
    layout = sheet_layout(path, str(path), None, None)
    assert layout.header_row == 2
    assert list(layout.columns) == [str(c) for c in expected.columns]
    rows = list(sheet_rows(path, str(path), layout))
    # the empty row inside the table kept; the formatted empty cell below it makes no row
    assert rows[2] == [None] * len(layout.columns)
    assert rows == want
    assert [[type(v) for v in row] for row in rows] == [[type(v) for v in row] for row in want]
    assert rows[0][1:9] == [
        datetime.datetime(2021, 3, 1),
        datetime.time(8, 30),
        datetime.datetime(2020, 1, 2, 13, 45),
        3,
        2.5,
        True,
        None,  # "NA"
        None,  # #DIV/0!
    ]

    # the document variables: each cell as textkit writes any cell, typed as read_texts does
    res = read_texts(path)
    docs = res.documents
    assert docs["row"].tolist() == [1, 2, 4, 5]  # row 3 is empty: rejected
    # named as the sheet shows it: under the header row
    assert res.report["reason"].tolist()[2] == (
        f"empty text (row {layout.header_row + 3} of sheet {layout.sheet!r})"
    )
    for name in res.docvars:
        got = [None if pd.isna(v) else str(v) for v in docs[name]]
        assert got == [_cell_str(v) for v in expected[name].drop(index=2)], name
    assert docs["日期"].tolist()[0] == "2021-03-01"  # a date at midnight: the date alone
    assert docs["时间"].tolist()[0] == "08:30:00"
    assert docs["数量"].dtype == "Int64" and docs["数量"].tolist()[:3] == [3, 12, -4]
    assert docs["比例"].tolist()[:3] == ["2.5", "0.125", "100"]
    assert docs["是否"].tolist()[:3] == ["True", "False", "True"]
    assert [None if pd.isna(v) else v for v in docs["代码"]] == ["007", None, "12", "A1"]
    assert "header on row 2 of sheet '数据'" in res.report["repairs"].iloc[0]


def test_sheet_chooses_the_sheet_read_and_unknown_sheets_are_named(tmp_path):
    wb = xlwt.Workbook(encoding="utf-8")
    wb.add_sheet("说明").write(0, 0, "本工作簿收录两年的文件。")
    for year, text in (("2021", TEXTS[0]), ("2022", TEXTS[1])):
        ws = wb.add_sheet(year)
        ws.write(0, 0, "text")
        ws.write(0, 1, "county")
        ws.write(1, 0, text)
        ws.write(1, 1, "某县")
    path = tmp_path / "book.xls"
    wb.save(str(path))
    res = read_texts(path, sheet="2022")
    assert res.documents["text"].tolist() == [TEXTS[1]]
    assert res.options["sheet"] == "2022"
    assert (
        "read the sheet '2022'; not read: 2 other sheet(s) '说明', '2021'"
        in (res.report["repairs"].iloc[0])
    )
    batches = list(iter_texts(path, sheet="2021"))
    assert batches[0].documents["text"].tolist() == [TEXTS[0]]
    msg = (
        r"has no column named 'text'.*its columns are '本工作簿收录两年的文件。'; no cell of "
        r"rows 1-1 of sheet '说明' names it; other sheets: '2021', '2022' \(choose one with "
        r"sheet=...\)"
    )
    with pytest.raises(InvalidParameterError, match=msg):
        read_texts(path)
    with pytest.raises(InvalidParameterError, match=msg):
        iter_texts(path)
    with pytest.raises(
        InvalidParameterError,
        match=r"sheet: book.xls has no sheet named '2023'; its sheets are '说明', '2021', '2022'",
    ):
        read_texts(path, sheet="2023")
    with pytest.raises(InvalidParameterError, match=r"no sheet named '2023'"):
        iter_texts(path, sheet="2023")
    with pytest.raises(InvalidParameterError, match=r"text: no column '正文' in book.xls"):
        read_texts(path, text="正文", sheet="2021")


def test_encoding_is_refused_for_an_xls_workbook(tmp_path):
    path = _xls_book(tmp_path / "汇总表.xls")
    for read in (read_texts, iter_texts):
        with pytest.raises(
            InvalidParameterError,
            match=r"encoding: applies to CSV, .* not to '汇总表.xls' \(the format records its own",
        ):
            read(path, text="正文", encoding="gbk")


def _damaged(tmp_path):
    good = _xls_book(tmp_path / "good.xls").read_bytes()
    rng = random.Random(7)
    files = {
        "noise.xls": bytes(rng.randrange(256) for _ in range(4096)),
        "empty.xls": b"",
        "head.xls": good[:8],  # the OLE2 signature only
        "half.xls": good[: len(good) // 2],
        "cut.xls": good[:-100],
    }
    paths = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths[name] = tmp_path / name
    return paths


def test_a_damaged_xls_file_is_an_error_naming_it(tmp_path):
    for name, path in _damaged(tmp_path).items():
        for read in (read_texts, iter_texts):
            with pytest.raises(CorpusError, match=rf"^{re.escape(name)}: cannot read the workbook"):
                read(path, text="正文")


def test_files_named_xls_that_are_not_one_get_advice(tmp_path):
    _xlsx_book(tmp_path / "renamed.xls")
    (tmp_path / "page.xls").write_text(
        "<html><body><table><tr><td>正文</td></tr></table></body></html>", encoding="utf-8"
    )
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"^renamed.xls: .*zip archive.*rename it to .xlsx"):
            read(tmp_path / "renamed.xls", text="正文")
        with pytest.raises(CorpusError, match=r"^page.xls: .*web page.*save it as .xlsx"):
            read(tmp_path / "page.xls", text="正文")


def test_an_xls_file_over_the_size_bound_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xls"
    with open(path, "wb") as f:
        f.truncate(MAX_XLS_BYTES + 1)  # sparse: no disk used
    for read in (read_texts, iter_texts):
        with pytest.raises(
            CorpusError, match=r"^huge.xls: workbook too large: 256 MiB, over the 256 MiB"
        ):
            read(path)


def test_cli_reads_the_named_sheet_of_an_xls_workbook_at_once_and_streamed(tmp_path):
    from textkit.run.cli import main

    path = _xls_book(tmp_path / "汇总表.xls", sheet_title="文件", cover="某市基层治理文件汇总")
    args = ["-q", "corpus", "build", "--input", str(path)]
    args += ["--text-column", "正文", "--title-column", "标题", "--sheet", "文件"]
    assert main([*args, "--out", str(tmp_path / "once")]) == 0
    assert main([*args, "--out", str(tmp_path / "streamed"), "--stream"]) == 0
    once = pd.read_parquet(tmp_path / "once" / "documents.parquet")
    streamed = pd.read_parquet(tmp_path / "streamed" / "documents.parquet")
    assert once["地区"].tolist()[:3] == ["东城区"] * 3
    assert set(once["extractor"]) == {"xls"}
    pd.testing.assert_frame_equal(once, streamed)
    assert main([*args[:-2], "--out", str(tmp_path / "first")]) == 2  # the cover sheet


def test_a_header_of_two_rows_is_read_as_in_an_xlsx_workbook(tmp_path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("汇总")
    ws.write_merge(0, 1, 0, 0, "编号")
    ws.write_merge(0, 0, 1, 2, "基本信息")
    ws.write_merge(0, 1, 3, 3, "正文")
    ws.write(1, 1, "省份")
    ws.write(1, 2, "年份")
    for r, (i, prov, year, text) in enumerate(
        [("a1", "浙江", 2021, TEXTS[0]), ("a2", "江苏", 2022, TEXTS[3])], start=2
    ):
        for c, v in enumerate((i, prov, year, text)):
            ws.write(r, c, v)
    wb.save(str(tmp_path / "b.xls"))
    res = read_texts(tmp_path / "b.xls", text="正文", id="编号", meta=["省份", "年份"])
    assert res.documents["doc_id"].tolist() == ["a1", "a2"]
    assert res.documents["省份"].tolist() == ["浙江", "江苏"]
    assert "header on rows 1-2 of sheet '汇总'" in res.report["repairs"].iloc[0]
