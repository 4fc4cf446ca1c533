"""Workbooks made by hand: a title above the header, merged cells, the data on another sheet."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from textkit import iter_texts, read_texts
from textkit.core.config import load_config
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.source import corpus_source
from textkit.corpus.workbook import MAX_TITLE_ROWS

TEXTS = [
    "坚持依法行政，推进基层公共服务标准化建设。",
    "加强矛盾纠纷排查化解，维护社会稳定。",
    "开展社区网格化服务管理，回应群众诉求。",
    "严厉打击违法犯罪活动，强化治安防控。",
]


def _report_book(path, sheet_title="汇总"):
    """A workbook as a county office makes it: a merged title row, a blank row, the header
    on row 3, a district and a year merged down beside the rows they apply to, and a note
    merged across the width of the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(["附件1：2021年某市基层治理文件汇总"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["标题", "正文", "地区", "年份"])
    ws.append(["工作方案", TEXTS[0], "东城区", 2021])
    ws.append(["经验材料", TEXTS[1], None, None])
    ws.append(["调研报告", TEXTS[2], None, None])
    ws.append(["工作总结", TEXTS[3], "西城区", None])
    ws.merge_cells("C4:C6")  # 东城区 for rows 4-6
    ws.merge_cells("D4:D7")  # 2021 for rows 4-7
    ws.append(["说明", "本表由区政府办公室汇总，仅供研究使用。"])
    ws.merge_cells("B8:D8")  # a note across the width: no value for 地区 or 年份
    wb.save(path)
    return path


def _with_sheet_xml(src, dst, old: bytes, new: bytes) -> None:
    """Copy workbook ``src`` to ``dst`` with ``old`` replaced by ``new`` (a regular
    expression, once) in its first sheet's XML: spellings openpyxl never writes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(old, new, data)
                assert n == 1
            zout.writestr(item, data)


def test_title_rows_above_the_header_are_skipped_and_said(tmp_path):
    path = _report_book(tmp_path / "汇总表.xlsx")
    res = read_texts(path, text="正文", title="标题")
    docs = res.documents
    assert docs["text"].tolist() == [*TEXTS, "本表由区政府办公室汇总，仅供研究使用。"]
    assert docs["title"].tolist()[:2] == ["工作方案", "经验材料"]
    assert res.docvars == ("地区", "年份")
    repairs = res.report["repairs"].iloc[0]
    assert "header on row 3 of sheet '汇总'" in repairs
    assert "row(s) 1-2 above it not read: 附件1：2021年某市基层治理文件汇总" in repairs


def test_cells_merged_down_give_their_value_to_each_row(tmp_path):
    path = _report_book(tmp_path / "汇总表.xlsx")
    docs = read_texts(path, text="正文", title="标题").documents
    assert docs["地区"].tolist()[:4] == ["东城区", "东城区", "东城区", "西城区"]
    assert docs["年份"].dtype == "Int64"
    assert docs["年份"].tolist()[:4] == [2021] * 4
    # merged across columns: layout, so the note's row has neither district nor year
    assert pd.isna(docs["地区"].iloc[4]) and pd.isna(docs["年份"].iloc[4])
    repairs = read_texts(path, text="正文").report["repairs"].iloc[0]
    assert re.search(r"merged cells: 2 range\(s\) .* 5 cell\(s\) .*'地区', '年份'", repairs)


def test_batches_read_a_hand_made_workbook_as_the_whole_read(tmp_path):
    path = _report_book(tmp_path / "汇总表.xlsx")
    whole = read_texts(path, text="正文", title="标题")
    # the merged values reach rows of later batches
    batches = list(iter_texts(path, text="正文", title="标题", batch_size=3))
    assert len(batches) == 2
    docs = pd.concat([b.documents for b in batches], ignore_index=True)
    report = pd.concat([b.report for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)
    ones = [b.documents for b in iter_texts(path, text="正文", title="标题", batch_size=1)]
    assert [d["地区"].iloc[0] for d in ones[:4]] == ["东城区", "东城区", "东城区", "西城区"]
    assert [d["年份"].iloc[0] for d in ones[:4]] == [2021] * 4


def test_sheet_chooses_the_sheet_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本工作簿收录两年的文件。"])
    for year, text in (("2021", TEXTS[0]), ("2022", TEXTS[1])):
        ws = wb.create_sheet(year)
        ws.append(["text", "county"])
        ws.append([text, "某县"])
    wb.save(tmp_path / "book.xlsx")
    res = read_texts(tmp_path / "book.xlsx", sheet="2022")
    assert res.documents["text"].tolist() == [TEXTS[1]]
    assert res.options["sheet"] == "2022"
    assert (
        "read the sheet '2022'; not read: 2 other sheet(s) '说明', '2021'"
        in (res.report["repairs"].iloc[0])
    )
    batches = list(iter_texts(tmp_path / "book.xlsx", sheet="2021"))
    assert batches[0].documents["text"].tolist() == [TEXTS[0]]
    # the first sheet has no table: the error says where it looked and names the others
    msg = (
        r"has no column named 'text'.*its columns are '本工作簿收录两年的文件。'; no cell of "
        r"rows 1-1 of sheet '说明' names it; other sheets: '2021', '2022' \(choose one with "
        r"sheet=...\)"
    )
    with pytest.raises(InvalidParameterError, match=msg):
        read_texts(tmp_path / "book.xlsx")
    with pytest.raises(InvalidParameterError, match=r"no sheet named '2023'; its sheets are"):
        read_texts(tmp_path / "book.xlsx", sheet="2023")
    with pytest.raises(InvalidParameterError, match=r"no sheet named '2023'"):
        iter_texts(tmp_path / "book.xlsx", sheet="2023")


def test_sheet_is_refused_where_it_does_not_apply(tmp_path):
    (tmp_path / "t.csv").write_text("text\n" + TEXTS[0] + "\n", encoding="utf-8")
    with pytest.raises(
        InvalidParameterError, match=r"sheet: applies to workbooks \(.xlsx, .xls\), not to 't.csv'"
    ):
        read_texts(tmp_path / "t.csv", sheet="Sheet1")
    with pytest.raises(InvalidParameterError, match=r"sheet: applies to workbooks"):
        iter_texts(tmp_path / "t.csv", sheet="Sheet1")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    with pytest.raises(InvalidParameterError, match=r"sheet: applies to tables, not to a folder"):
        read_texts(tmp_path / "docs", sheet="Sheet1")


def test_the_header_is_looked_for_in_the_first_rows_only(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(MAX_TITLE_ROWS + 1):
        ws.append([f"标题行{i + 1}"])
    ws.append(["text"])
    ws.append([TEXTS[0]])
    wb.save(tmp_path / "deep.xlsx")
    with pytest.raises(InvalidParameterError, match=rf"no cell of rows 1-{MAX_TITLE_ROWS + 1} "):
        read_texts(tmp_path / "deep.xlsx")
    ws.delete_rows(1)  # now the header is on row MAX_TITLE_ROWS + 1
    wb.save(tmp_path / "deep.xlsx")
    res = read_texts(tmp_path / "deep.xlsx")
    assert res.documents["text"].tolist() == [TEXTS[0]]
    assert f"header on row {MAX_TITLE_ROWS + 1} " in res.report["repairs"].iloc[0]


def test_a_workbook_with_a_wrong_recorded_size_is_read_whole(tmp_path):
    """Some programs record a sheet size (``<dimension>``) smaller than the sheet: every row
    and column is read all the same."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["text", "county"])
    for t in TEXTS:
        ws.append([t, "某县"])
    wb.save(tmp_path / "good.xlsx")
    _with_sheet_xml(
        tmp_path / "good.xlsx",
        tmp_path / "bad.xlsx",
        rb'<dimension ref="[^"]*"',
        b'<dimension ref="A1"',
    )
    for reader in (read_texts, lambda p: pd.concat([b.documents for b in iter_texts(p)])):
        docs = reader(tmp_path / "bad.xlsx")
        docs = docs.documents if hasattr(docs, "documents") else docs
        assert docs["text"].tolist() == TEXTS
        assert docs["county"].tolist() == ["某县"] * 4


def test_a_project_names_the_sheet_in_its_settings(tmp_path):
    _report_book(tmp_path / "汇总表.xlsx", sheet_title="文件")
    (tmp_path / "textkit.toml").write_text(
        '[corpus]\ninput = "汇总表.xlsx"\ntext = "正文"\ntitle = "标题"\nsheet = "文件"\n',
        encoding="utf-8",
    )
    source = corpus_source(load_config(tmp_path / "textkit.toml"))
    assert source.options["sheet"] == "文件"
    docs = source.read().documents
    assert docs["地区"].tolist()[:3] == ["东城区"] * 3


def test_cli_reads_the_named_sheet_at_once_and_streamed(tmp_path):
    from textkit.run.cli import main

    _report_book(tmp_path / "汇总表.xlsx", sheet_title="文件")
    wb = openpyxl.load_workbook(tmp_path / "汇总表.xlsx")
    wb.create_sheet("封面", 0).append(["某市基层治理文件汇总"])
    wb.save(tmp_path / "汇总表.xlsx")
    args = ["-q", "corpus", "build", "--input", str(tmp_path / "汇总表.xlsx")]
    args += ["--text-column", "正文", "--title-column", "标题", "--sheet", "文件"]
    assert main([*args, "--out", str(tmp_path / "once")]) == 0
    assert main([*args, "--out", str(tmp_path / "streamed"), "--stream"]) == 0
    once = pd.read_parquet(tmp_path / "once" / "documents.parquet")
    streamed = pd.read_parquet(tmp_path / "streamed" / "documents.parquet")
    assert once["地区"].tolist()[:3] == ["东城区"] * 3
    pd.testing.assert_frame_equal(once, streamed)
    assert main([*args[:-2], "--out", str(tmp_path / "first")]) == 2  # the cover sheet


# ---------------------------------------------------------------------------------------
# hand-made workbooks that went wrong before


def _book(rows, merges=(), title="Sheet"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    return wb


def test_a_title_row_naming_the_text_column_is_not_the_header(tmp_path):
    rows = [
        ["正文"],
        ["标题", "正文", "地区"],
        ["方案", TEXTS[0], "东城区"],
        ["总结", TEXTS[1], "西城区"],
    ]
    _book(rows).save(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx", text="正文")
    assert res.documents["text"].tolist() == TEXTS[:2]
    assert res.documents["地区"].tolist() == ["东城区", "西城区"]
    assert "header on row 2" in res.report["repairs"].iloc[0]


def test_a_range_merged_past_the_last_row_makes_no_rows(tmp_path):
    rows = [["text", "地区"], [TEXTS[0], "东城区"], [TEXTS[1]]]
    _book(rows, merges=["B2:B30"]).save(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx")
    assert len(res.report) == 2 and (res.report["status"] == "read").all()
    assert res.documents["地区"].tolist() == ["东城区", "东城区"]


def test_values_right_of_the_named_columns_are_said(tmp_path):
    rows = [["text", "地区"], [TEXTS[0], "东城区", "备注一"], [TEXTS[1], "西城区"]]
    _book(rows).save(tmp_path / "b.xlsx")
    for repairs in (
        read_texts(tmp_path / "b.xlsx").report["repairs"].iloc[0],
        next(iter(iter_texts(tmp_path / "b.xlsx"))).report["repairs"].iloc[0],
    ):
        assert "1 row(s) hold values right of the header's last named column" in repairs


def test_formula_errors_are_missing_as_pandas_reads_them(tmp_path):
    _book([["text", "比例"], [TEXTS[0], "#DIV/0!"], [TEXTS[1], 0.5]]).save(tmp_path / "b.xlsx")
    docs = read_texts(tmp_path / "b.xlsx").documents
    assert pd.isna(docs["比例"].iloc[0]) and docs["比例"].iloc[1] == "0.5"


def test_chart_sheets_and_empty_sheets_get_clear_messages(tmp_path):
    from openpyxl.chart import BarChart

    wb = _book([], title="空")
    data = wb.create_sheet("数据")
    data.append(["text"])
    data.append([TEXTS[0]])
    wb.create_chartsheet("图表", 0).add_chart(BarChart())
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(
        InvalidParameterError, match=r"'图表' of b.xlsx is a chart sheet, not a table"
    ):
        read_texts(tmp_path / "b.xlsx", sheet="图表")
    with pytest.raises(
        CorpusError, match=r"sheet '空' is empty \(no header row\); other sheets: '图表', '数据'"
    ):
        read_texts(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx", sheet="数据")
    assert res.documents["text"].tolist() == [TEXTS[0]]


def test_a_header_naming_the_column_but_for_spaces_is_pointed_at(tmp_path):
    _book([["汇总表"], ["正文 ", "地区"], [TEXTS[0], "东城区"]]).save(tmp_path / "b.xlsx")
    with pytest.raises(InvalidParameterError, match=r"row 2 has '正文 ': remove the spaces"):
        read_texts(tmp_path / "b.xlsx", text="正文")
    assert read_texts(tmp_path / "b.xlsx", text="正文 ").documents["地区"].tolist() == ["东城区"]


def test_merged_ranges_written_with_single_quotes_are_read(tmp_path):
    _book([["text", "地区"], [TEXTS[0], "东城区"], [TEXTS[1]]], merges=["B2:B3"]).save(
        tmp_path / "b.xlsx"
    )
    _with_sheet_xml(tmp_path / "b.xlsx", tmp_path / "q.xlsx", rb'ref="(B2:B3)"', rb"ref='\1'")
    assert read_texts(tmp_path / "q.xlsx").documents["地区"].tolist() == ["东城区", "东城区"]


def test_files_named_as_workbooks_that_are_not_get_advice(tmp_path):
    (tmp_path / "tab.xlsx").write_text("text\tcounty\n推进依法行政。\t某县\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a text table, tab-separated: rename it to .tsv"):
        read_texts(tmp_path / "tab.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(CorpusError, match=r"the file is empty"):
        read_texts(tmp_path / "empty.xlsx")
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    with pytest.raises(CorpusError, match=r"rename it to .xls"):
        read_texts(tmp_path / "old.xlsx")


def test_a_note_under_the_table_without_an_id_is_rejected_not_an_error(tmp_path):
    rows = [
        ["编号", "text"],
        ["A1", TEXTS[0]],
        ["A2", TEXTS[1]],
        [None, None],
        ["说明：本表仅供研究。"],
    ]
    # the note sits in the id column's neighbour: no text, no id
    rows[-1] = [None, None, "说明：本表仅供研究。"]
    _book(rows).save(tmp_path / "b.xlsx")
    for res in (
        read_texts(tmp_path / "b.xlsx", id="编号"),
        next(iter(iter_texts(tmp_path / "b.xlsx", id="编号"))),
    ):
        assert res.documents["doc_id"].tolist() == ["A1", "A2"]


def test_merged_range_refs_in_other_spellings_are_read(tmp_path):
    _book([["text", "地区"], [TEXTS[0], "东城区"], [TEXTS[1]]], merges=["B2:B3"]).save(
        tmp_path / "b.xlsx"
    )
    for new in (rb'ref = "B2:B3"', rb'ref="$B$2:$B$3"', rb'ref="b2:b3"'):
        _with_sheet_xml(tmp_path / "b.xlsx", tmp_path / "q.xlsx", re.escape(b'ref="B2:B3"'), new)
        docs = read_texts(tmp_path / "q.xlsx").documents
        assert docs["地区"].tolist() == ["东城区", "东城区"], new


# ---------------------------------------------------------------------------------------
# a header of two rows: group cells merged across, the others merged down


def _two_row_header(text_below: bool = False):
    """编号 and 正文 merged down over rows 2-3, 基本信息 merged across 省份 and 年份 below it,
    two 数量 under 2020年 and 2021年; a title on row 1. ``text_below``: 正文 is under a 文件
    group (row 3) instead, and 编号 merged down beside it."""
    rows = [
        ["附件：2021年基层治理文件汇总"],
        ["编号", "基本信息", None, "文件" if text_below else "正文", "2020年", "2021年"],
        [None, "省份", "年份", "正文" if text_below else None, "数量", "数量"],
        ["a1", "浙江", 2021, TEXTS[0], 3, 4],
        ["a2", "江苏", 2022, TEXTS[3], 5, 6],
    ]
    merges = ["A1:F1", "A2:A3", "B2:C2"] + ([] if text_below else ["D2:D3"])
    return _book(rows, merges=merges)


@pytest.mark.parametrize("text_below", [False, True])
def test_a_header_of_two_rows_names_each_column_by_its_lowest_cell(tmp_path, text_below):
    _two_row_header(text_below).save(tmp_path / "b.xlsx")
    kw = {"text": "正文", "id": "编号", "meta": ["省份", "年份", "2020年/数量", "2021年/数量"]}
    whole = read_texts(tmp_path / "b.xlsx", **kw)
    batch = next(iter(iter_texts(tmp_path / "b.xlsx", batch_size=1, **kw)))
    docs = whole.documents
    assert docs["doc_id"].tolist() == ["a1", "a2"]  # the sub-header row is not a document
    assert docs["text"].tolist() == [TEXTS[0], TEXTS[3]]
    assert docs["省份"].tolist() == ["浙江", "江苏"]
    assert docs["2021年/数量"].tolist() == [4, 6]
    assert (whole.report["status"] == "read").all() and len(whole.report) == 2
    repairs = whole.report["repairs"].iloc[0]
    assert "header on rows 2-3 of sheet 'Sheet'" in repairs
    assert "row(s) 1-1 above it not read: 附件：2021年基层治理文件汇总" in repairs
    assert "the report's row 1 is row 4 of the sheet" in repairs
    assert batch.documents["text"].tolist() == [TEXTS[0]]
    assert batch.report["repairs"].iloc[0] == repairs


def test_a_header_cell_merged_down_further_than_a_header_is_not_a_header(tmp_path):
    # merged over 4 rows: more than MAX_HEADER_ROWS, so the rows below it are data
    rows = [["text", "地区"], [TEXTS[0], "东城区"], [TEXTS[1]], [TEXTS[2]], [TEXTS[3]]]
    _book(rows, merges=["B1:B4"]).save(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx")
    assert res.documents["text"].tolist() == TEXTS
    assert "header on" not in res.report["repairs"].iloc[0]


def test_a_header_cell_merged_down_over_a_row_with_a_text_is_not_a_header(tmp_path):
    # 地区 merged down over the first data row: that row holds a text, so it is data
    rows = [["text", "地区"], [TEXTS[0]], [TEXTS[1], "西城区"]]
    _book(rows, merges=["B1:B2"]).save(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx")
    assert res.documents["text"].tolist() == TEXTS[:2]


def test_a_cell_merged_across_in_a_header_of_two_rows_names_its_first_column_only(tmp_path):
    # text merged across two columns and down two rows; a group cell over empty sub-headers
    rows = [
        ["编号", "地区", "text", None, "基本信息", None],
        [None, None, None, None, None, None],
        ["a1", "东城区", TEXTS[0], None, "x", None],
        ["a2", "西城区", TEXTS[1], None, "y", None],
    ]
    merges = ["A1:A2", "B1:B2", "C1:D2", "E1:F1", "C3:D3", "C4:D4"]
    _book(rows, merges=merges).save(tmp_path / "b.xlsx")
    res = read_texts(tmp_path / "b.xlsx", id="编号", meta=["地区", "基本信息"])
    assert res.documents["text"].tolist() == TEXTS[:2]
    assert res.documents["地区"].tolist() == ["东城区", "西城区"]
    assert res.documents["基本信息"].tolist() == ["x", "y"]
    assert "header on rows 1-2" in res.report["repairs"].iloc[0]
