"""A researcher's table read as its author sees it: the title column found under a Chinese
name, and the rows not read named as the spreadsheet or the file shows them.

Fixtures are small tables written on the fly (openpyxl, pandas): a workbook with a title row
above its header (附件1：…), an empty text cell, a repeated id and a formula whose value was
never saved; a CSV whose quoted line breaks move its lines; JSON lines with a blank line.
"""

from __future__ import annotations

import json
import logging

import openpyxl
import pandas as pd
import pytest

from textkit.core.errors import CorpusError
from textkit.corpus.build import build_corpus
from textkit.corpus.read import read_texts
from textkit.corpus.read_stream import iter_texts

TITLES = [
    "某镇2021年矛盾纠纷排查化解工作方案",
    "某县法治政府建设情况调研报告",
    "关于开展平安社区创建的通知",
]
TEXTS = [
    "为深入推进基层社会治理，及时排查化解矛盾纠纷，结合本镇实际，制定本方案。一、工作目标。二、工作措施。",
    "近年来，某县坚持依法行政，推进法治政府建设，各项工作取得明显成效。调研发现，基层执法仍有不规范之处。",
    "各社区：为深入推进平安建设，经研究，决定在全县开展平安社区创建活动。现将有关事项通知如下。",
]


def _workbook(path, rows, title_row=True):
    """A workbook whose sheet '汇总' holds a title row (when ``title_row``), the header
    编号, 标题, 正文, 地区 and ``rows``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    if title_row:
        ws.append(["附件1：2021年基层治理文件汇总"])
    ws.append(["编号", "标题", "正文", "地区"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rows():
    return [
        [f"R{i:03d}", t, x, "浙江"]
        for i, (t, x) in enumerate(zip(TITLES, TEXTS, strict=True), start=1)
    ]


def _read_both(path, **options):
    """The documents and report of read_texts and of iter_texts (batches of 2), checked
    equal."""
    res = read_texts(path, **options)
    batches = list(iter_texts(path, batch_size=2, **options))
    report = pd.concat([b.report for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(report, res.report)
    return res


def test_a_chinese_title_column_is_taken_and_said(tmp_path, caplog):
    path = _workbook(tmp_path / "文件.xlsx", _rows())
    with caplog.at_level(logging.INFO, logger="textkit.corpus"):
        res = _read_both(path, text="正文")
    assert res.documents["title"].tolist() == TITLES
    assert res.docvars == ("编号", "地区")  # the title is no variable
    note = "column '标题' taken as the titles (no title column named"
    assert note in res.report["repairs"].iloc[0]
    assert sum(note in r.getMessage() for r in caplog.records) == 2  # read_texts, iter_texts
    # the genres are read from the titles
    docs = build_corpus(res).documents
    assert docs["genre"].tolist() == ["工作方案", "调研报告", "通知"]
    # a column named explicitly wins, and nothing is said
    named = read_texts(path, text="正文", title="编号")
    assert named.documents["title"].tolist() == ["R001", "R002", "R003"]
    assert named.docvars == ("标题", "地区")
    assert "taken as the titles" not in named.report["repairs"].iloc[0]
    # a candidate listed in meta stays a variable
    listed = read_texts(path, text="正文", meta=["标题", "地区"])
    assert listed.documents["title"].tolist() == ["", "", ""]
    assert listed.docvars == ("标题", "地区")


@pytest.mark.parametrize("name", ["题目", "篇名", "文章标题", "Headline", " Title "])
def test_other_title_names_are_taken(tmp_path, name):
    path = tmp_path / "t.csv"
    pd.DataFrame({name: TITLES, "正文": TEXTS}).to_csv(path, index=False)
    res = read_texts(path, text="正文")
    assert res.documents["title"].tolist() == TITLES
    assert f"column {name!r} taken as the titles" in res.report["repairs"].iloc[0]


def test_workbook_rows_are_named_as_the_sheet_shows_them(tmp_path, caplog):
    rows = _rows()
    rows.insert(1, ["R009", "空白正文", None, "浙江"])  # data row 2: sheet row 4
    path = _workbook(tmp_path / "文件.xlsx", rows)
    with caplog.at_level(logging.WARNING, logger="textkit.corpus"):
        res = _read_both(path, text="正文", id="编号")
    rejected = res.report[res.report["status"] == "rejected"]
    assert rejected["row"].tolist() == [2]  # the data row, as documents["row"]
    assert rejected["reason"].tolist() == ["empty text (row 4 of sheet '汇总')"]
    assert "rejected empty text (row 4 of sheet '汇总')" in caplog.text
    # a repeated id names the rows of the sheet
    rows[3][0] = "R001"
    path = _workbook(tmp_path / "重复.xlsx", rows)
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError, match=r"'R001' at rows \[3, 6\] of sheet '汇总'"):
            read(path, text="正文", id="编号")


def test_a_formula_without_a_saved_value_is_said(tmp_path):
    """openpyxl computes no formula: the workbook stores none of their values."""
    rows = _rows()
    rows.append(["R004", "合并正文", '=B3&"，"&C3', "浙江"])
    path = _workbook(tmp_path / "公式.xlsx", rows, title_row=False)
    res = _read_both(path, text="正文")
    (reason,) = res.report.loc[res.report["status"] == "rejected", "reason"]
    assert "formula without a saved value (row 5 of sheet '汇总')" in reason
    assert "save the workbook in Excel or WPS" in reason


def test_csv_and_jsonl_rows_are_named_by_their_lines(tmp_path):
    # no line break inside a cell: the line is the row a spreadsheet shows
    path = tmp_path / "plain.csv"
    pd.DataFrame({"标题": TITLES, "正文": [TEXTS[0], "", TEXTS[2]]}).to_csv(path, index=False)
    res = _read_both(path, text="正文")
    assert res.report["reason"].tolist()[1] == "empty text (line 3)"
    # a quoted line break above the empty row: both numbers, each named
    path = tmp_path / "broken.csv"
    texts = [TEXTS[0].replace("。一、", "。\n一、"), "", TEXTS[2]]
    pd.DataFrame({"标题": TITLES, "正文": texts}).to_csv(path, index=False)
    res = _read_both(path, text="正文")
    assert res.report["reason"].tolist()[1] == (
        "empty text (row 3 in a spreadsheet, line 4 of the file)"
    )
    # JSON lines: the physical line, blank lines counted
    path = tmp_path / "t.jsonl"
    lines = [json.dumps({"title": t, "text": x}, ensure_ascii=False)
             for t, x in zip(TITLES, [TEXTS[0], "", TEXTS[2]], strict=True)]  # fmt: skip
    path.write_text(lines[0] + "\n\n" + "\n".join(lines[1:]) + "\n", encoding="utf-8")
    res = _read_both(path)
    assert res.report["reason"].tolist()[1] == "empty text (line 3)"
