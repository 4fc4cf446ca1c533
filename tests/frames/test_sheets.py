"""Tests of textkit.frames.sheets: coding sheets written as CSV or workbook and read back."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from textkit.frames.agree import CODES
from textkit.frames.sheets import CODEBOOK, CodingSheetError, read_codes, write_coding_sheet
from textkit.frames.validate import _paragraphs, draw_validation_sample, load_coded_paragraphs

#: The codes a coder fills in, in turn.
CYCLE = ["stability", "mixed", "neither", "service_law"]


def test_coding_sheet_roundtrip(tmp_path, toy_docs, toy_scores):
    s = draw_validation_sample(toy_docs, n=8, scores=toy_scores)
    paths = write_coding_sheet(s, tmp_path / "sheet.csv")
    assert paths[1].name == "sheet_codebook.md" and "service_law" in paths[1].read_text("utf-8")
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbfsample_id,")  # BOM: Excel shows 中文
    raw = pd.read_csv(paths[0], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "frame_label" not in raw.columns  # coders work blind
    raw["code"] = ["Stability ", "mixed", "neither", "service_law"] * 2
    raw.to_csv(paths[0], index=False)
    codes = read_codes(paths[0])
    assert codes["code"].tolist()[:2] == ["stability", "mixed"]
    assert codes["para_id"].dtype.kind == "i"


def _filled_sheet(tmp_path, docs, scores):
    """A coding sheet as write_coding_sheet writes it, then coded (with a Chinese note)."""
    s = draw_validation_sample(docs, n=8, scores=scores)
    path = write_coding_sheet(s, tmp_path / "sheet.csv")[0]
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sheet["code"] = ["stability", "mixed", "neither", "service_law"] * 2
    sheet["note"] = ["维稳为主", "", "背景\n统计", "依法行政"] * 2  # a note over two lines
    return sheet


@pytest.mark.parametrize(
    "encoding, sep",
    [
        ("gb18030", ","),  # Excel on Chinese Windows, "CSV (逗号分隔)"
        ("gbk", ","),
        ("utf-8-sig", ","),  # "CSV UTF-8", and the sheet as written
        ("utf-8", ","),
        ("utf-16", "\t"),  # "Unicode 文本": UTF-16 with BOM, tab-separated
    ],
)
def test_read_codes_reads_the_encodings_excel_saves(tmp_path, encoding, sep, toy_docs, toy_scores):
    sheet = _filled_sheet(tmp_path, toy_docs, toy_scores)
    saved = tmp_path / f"coded_{encoding}.csv"
    sheet.to_csv(saved, index=False, encoding=encoding, sep=sep, lineterminator="\r\n")
    codes = read_codes(saved)
    assert codes["text"].tolist() == sheet["text"].tolist()  # the Chinese survives
    assert codes["note"].tolist() == sheet["note"].tolist()
    assert codes["code"].tolist() == sheet["code"].tolist()
    assert codes["para_id"].tolist() == sheet["para_id"].astype(int).tolist()


def test_read_codes_gb18030_errors_keep_their_line(tmp_path, toy_docs, toy_scores):
    sheet = _filled_sheet(tmp_path, toy_docs, toy_scores)
    sheet.loc[3, "code"] = "法治"
    saved = tmp_path / "coded_gbk.csv"
    sheet.to_csv(saved, index=False, encoding="gb18030", lineterminator="\r\n")
    # header, 2 rows, row 3 spans two lines (its note), so row 4 is line 6
    with pytest.raises(CodingSheetError, match=r"coded_gbk\.csv: line 6: code '法治'"):
        read_codes(saved)


def test_read_codes_undecodable_names_file_offset_and_encodings(tmp_path):
    good = "sample_id,doc_id,para_id,text,code\nS001,p0#01,0,维稳工作,stability\n".encode()
    bad = tmp_path / "broken.csv"
    bad.write_bytes(good + b"S002,p0#01,1,\x81\xff\xfe,neither\n")
    with pytest.raises(CodingSheetError) as exc:
        read_codes(bad)
    msg = str(exc.value)
    assert "broken.csv" in msg and f"offset {len(good) + 13}" in msg  # the byte 0x81
    assert "utf-8" in msg and "gb18030" in msg
    assert not isinstance(exc.value.__cause__, UnicodeDecodeError)


def test_read_codes_refuses_a_workbook_under_another_name_with_advice(tmp_path):
    # the bytes of a workbook (a zip archive) in a file not named .xlsx are not read as CSV
    book = tmp_path / "coded.csv"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(CodingSheetError, match=r"coded\.csv.*save the sheet as CSV.*\.xlsx"):
        read_codes(book)


def test_read_codes_bad_code_names_file_and_line(tmp_path):
    p = tmp_path / "coded.csv"
    df = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3"],
            "doc_id": ["a#01"] * 3,
            "para_id": [0, 1, 2],
            "text": ["一段", "两行\n文字", "三"],
            "code": ["stability", "mixed", "servce"],
        }
    )
    df.to_csv(p, index=False)
    # the quoted newline in row 2 makes row 3 the 5th physical line
    with pytest.raises(CodingSheetError, match=r"coded\.csv: line 5: code 'servce'"):
        read_codes(p)


def test_read_codes_leaves_out_rows_not_coded_yet(tmp_path):
    p = tmp_path / "partly.csv"
    sheet = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4"],
            "doc_id": ["a#01"] * 4,
            "para_id": [0, 1, 2, 3],
            "text": ["一段", "两段", "三段", "四段"],
            "code": ["stability", "", " ", "Neither"],
        }
    )
    sheet.to_csv(p, index=False)
    with pytest.warns(UserWarning, match=r"partly\.csv: 2 row\(s\) not coded yet.*line\(s\) 3, 4"):
        got = read_codes(p)
    assert list(got["sample_id"]) == ["S1", "S4"]
    assert list(got["code"]) == ["stability", "neither"]
    sheet.assign(code="").to_csv(p, index=False)
    with pytest.raises(CodingSheetError, match=r"partly\.csv: no row is coded yet"):
        read_codes(p)


def test_read_codes_names_the_lines_after_an_empty_line(tmp_path):
    p = tmp_path / "gaps.csv"
    p.write_bytes(
        "sample_id,doc_id,para_id,text,code,note\r\nS001,a#01,0,第一段文字,stability,\r\n\r\n"
        "S002,a#01,1,第二段文字,,\r\nS003,a#01,2,第三段文字,neither,\r\n"
        "S004,a#01,2,第三段文字,neither,\r\n".encode()
    )
    with pytest.warns(UserWarning) as caught:
        read_codes(p)
    said = " | ".join(str(w.message) for w in caught)
    assert "not coded yet (empty code) are left out: line(s) 4 |" in said + " |"
    assert "line(s) 6 (as 5)" in said
    p.write_bytes(p.read_bytes() + "S005,a#01,3,第四段,servce,\r\n".encode())
    with pytest.raises(CodingSheetError, match=r"gaps\.csv: line 7: code 'servce'"):
        read_codes(p)
    p.write_text("sample_id,doc_id,para_id,text,code\n", encoding="utf-8")
    with pytest.raises(CodingSheetError, match="no row is coded yet"):
        read_codes(p)


def test_read_codes_takes_a_para_id_written_as_a_float_in_a_csv(tmp_path):
    # pandas writes 0.0, 1.0 ... when the column held a missing value once; a workbook's
    # 3.0 is read as 3, and so is the CSV's
    p = tmp_path / "floats.csv"
    p.write_text(
        "sample_id,doc_id,para_id,text,code\nS1,a#01,0.0,一段,stability\n"
        "S2,a#01, 3 ,两段,neither\nS3,a#01,3,两段,neither\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"line\(s\) 4 \(as 3\)"):
        got = read_codes(p)
    assert got["para_id"].tolist() == [0, 3]
    assert got["para_id"].dtype.kind == "i"
    p.write_text(
        "sample_id,doc_id,para_id,text,code\nS1,a#01,2.5,一段,stability\n", encoding="utf-8"
    )
    with pytest.raises(CodingSheetError, match=r"floats\.csv: line 2: para_id '2\.5' is not"):
        read_codes(p)


def test_a_sheet_is_written_only_in_a_format_read_codes_reads(tmp_path, toy_docs, toy_scores):
    from textkit.core.errors import InvalidParameterError

    s = draw_validation_sample(toy_docs, n=4, scores=toy_scores)
    for name in ("coding.xls", "coding.ods", "coding"):
        with pytest.raises(InvalidParameterError, match=r"written as an Excel workbook \(\.xlsx\)"):
            write_coding_sheet(s, tmp_path / name)
        assert not list(tmp_path.iterdir())  # nothing written, not even the codebook
    sheet, _ = write_coding_sheet(s.assign(code="neither"), tmp_path / "coding.TXT")
    assert read_codes(sheet)["sample_id"].tolist() == s["sample_id"].tolist()  # a CSV


def test_read_codes_missing_column(tmp_path):
    p = tmp_path / "nocode.csv"
    pd.DataFrame({"sample_id": ["S1"], "doc_id": ["a"], "para_id": [0], "text": ["x"]}).to_csv(
        p, index=False
    )
    with pytest.raises(CodingSheetError, match=r"nocode\.csv: line 1: missing column.*code"):
        read_codes(p)


def test_coding_sheet_does_not_run_a_paragraph_as_a_formula(tmp_path, toy_docs, toy_scores):
    s = draw_validation_sample(toy_docs, n=4, scores=toy_scores).reset_index(drop=True)
    original = "-加强社会治安综合治理，=SUM(A1)"
    s.loc[0, "text"] = original
    path = write_coding_sheet(s, tmp_path / "sheet.csv")[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert raw.loc[0, "text"] == "'" + original  # a spreadsheet shows text, runs nothing
    raw["code"] = ["stability", "mixed", "neither", "service_law"]
    raw.to_csv(path, index=False)
    assert read_codes(path).loc[0, "text"] == original  # read back as the paragraph it was


# ---------------------------------------------------------------------------------------
# workbooks


@pytest.fixture
def seed_sample(seed_pages):
    """Twelve paragraphs of the seed pages: the first begins with "=", the second holds a
    line break, the third looks like an error value of a spreadsheet."""
    paras = _paragraphs(seed_pages).assign(frame_label="neither")
    s = draw_validation_sample(seed_pages, n=12, scores=paras, random_state=7)
    s.loc[0, "text"] = "=" + s.loc[0, "text"]
    s.loc[1, "text"] = s.loc[1, "text"] + "\n" + s.loc[2, "text"]
    s.loc[2, "text"] = "#N/A"
    return s


def _code(path, codes, column="E", sheet="coding"):
    """Fill the code column of the workbook ``path`` as a coder's spreadsheet program would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for row, code in enumerate(codes, start=2):
        ws[f"{column}{row}"] = code
    wb.save(path)


def test_workbook_round_trip_keeps_seed_paragraphs_exactly(tmp_path, seed_sample):
    sheet, book = write_coding_sheet(seed_sample, tmp_path / "coding.xlsx")
    assert (sheet.name, book.name) == ("coding.xlsx", "coding_codebook.md")
    assert book.read_text("utf-8") == CODEBOOK
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == ["coding", "codebook"]
    ws = wb["coding"]
    header = [c.value for c in ws[1]]
    assert header == ["sample_id", "doc_id", "para_id", "text", "code", "note"]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.column_dimensions["D"].width >= 60 and ws["D2"].alignment.wrap_text
    # a text beginning with "=" is stored as text (and stays text when edited), not a formula
    assert ws["D2"].value == seed_sample.loc[0, "text"] and ws["D2"].data_type == "s"
    assert ws["D2"].quotePrefix and not ws["D3"].quotePrefix
    assert ws["D4"].value == "#N/A" and ws["D4"].data_type == "s"
    assert [ws.cell(r, 3).value for r in range(2, 14)] == seed_sample["para_id"].tolist()
    assert all(type(ws.cell(r, 3).value) is int for r in range(2, 14))
    lines = [c.value or "" for (c,) in wb["codebook"].iter_rows(max_col=1)]
    assert lines == CODEBOOK.splitlines()
    with pytest.raises(CodingSheetError, match=r"coding\.xlsx, sheet 'coding': no row is coded"):
        read_codes(sheet)
    _code(sheet, CYCLE * 3)
    codes = read_codes(sheet)
    assert codes["text"].tolist() == seed_sample["text"].tolist()  # "=…", line break, "#N/A"
    assert "\n" in codes.loc[1, "text"]
    assert codes["para_id"].tolist() == seed_sample["para_id"].tolist()
    assert codes["code"].tolist() == CYCLE * 3 and (codes["note"] == "").all()
    # the same coding as a CSV sheet reads as the same table
    csv_path = write_coding_sheet(seed_sample.assign(code=CYCLE * 3), tmp_path / "coding.csv")[0]
    pd.testing.assert_frame_equal(read_codes(csv_path), codes)


def test_workbook_code_column_offers_the_four_codes(tmp_path, seed_sample):
    path = write_coding_sheet(seed_sample, tmp_path / "coding.xlsx")[0]
    ws = openpyxl.load_workbook(path)["coding"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(CODES) + '"'
    assert str(dv.sqref) == "E2:E1048576"  # the code column, below the header
    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.showInputMessage
    for code in CODES:
        assert code in dv.error and code in dv.prompt


def test_workbook_bytes_depend_on_the_sample_only(tmp_path, seed_sample):
    a = write_coding_sheet(seed_sample, tmp_path / "a.xlsx")[0]
    b = write_coding_sheet(seed_sample, tmp_path / "b.xlsx")[0]
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
    assert "<dc:creator" in core and ">textkit</dc:creator>" in core
    other = write_coding_sheet(seed_sample.iloc[1:], tmp_path / "c.xlsx")[0]
    assert other.read_bytes() != a.read_bytes()


def test_workbook_refuses_what_a_cell_cannot_hold(tmp_path, seed_sample):
    bad = seed_sample.copy()
    bad.loc[3, "text"] = "第一段\x01文字"
    sid = bad.loc[3, "sample_id"]
    with pytest.raises(ValueError, match=rf"sample_id '{sid}', column text: the control char"):
        write_coding_sheet(bad, tmp_path / "coding.xlsx")
    bad = seed_sample.astype({"para_id": float})
    bad.loc[0, "para_id"] = 2.5
    with pytest.raises(ValueError, match=r"column para_id: 2\.5 is not an integer"):
        write_coding_sheet(bad, tmp_path / "coding.xlsx")
    assert not (tmp_path / "coding.xlsx").exists()


def test_workbook_errors_name_the_sheet_and_the_row(tmp_path, seed_sample):
    path = write_coding_sheet(seed_sample, tmp_path / "coding.xlsx")[0]
    _code(path, CYCLE * 3)
    wb = openpyxl.load_workbook(path)
    ws = wb["coding"]
    ws.insert_rows(5)  # an empty row inside the table: later rows keep their own numbers
    ws["C3"] = 4.0  # a para_id a spreadsheet made a float: the integer 4
    for row in range(20, 25):
        ws[f"F{row}"].font = openpyxl.styles.Font(bold=True)  # empty trailing rows, formatted
    wb.save(path)
    codes = read_codes(path)
    assert codes.loc[1, "para_id"] == 4 and len(codes) == 12
    cases = [
        ("E8", "stabilty", r"coding\.xlsx, sheet 'coding', row 8: code 'stabilty'"),
        ("A9", "S001", r"sheet 'coding', row 9: duplicate sample_id 'S001' \(first on row 2\)"),
        ("C7", 3.5, r"sheet 'coding', row 7: para_id '3\.5' is not an integer"),
        ("D6", None, r"sheet 'coding', row 6: empty text"),
    ]
    for cell, value, said in cases:
        wb = openpyxl.load_workbook(path)
        before = wb["coding"][cell].value
        wb["coding"][cell] = value
        wb.save(tmp_path / "bad.xlsx")
        assert before != value
        with pytest.raises(CodingSheetError, match=said.replace("coding\\.xlsx", "bad\\.xlsx")):
            read_codes(tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["coding"]["E3"] = None
    wb["coding"]["E4"] = " "
    wb.save(tmp_path / "bad.xlsx")
    with pytest.warns(
        UserWarning, match=r"sheet 'coding': 2 row\(s\) not coded yet.*row\(s\) 3, 4"
    ):
        assert len(read_codes(tmp_path / "bad.xlsx")) == 10


def test_workbook_columns_in_any_order_and_extra_columns(tmp_path, seed_sample):
    columns = ["code", "coder", "text", "para_id", None, "doc_id", "note", "sample_id"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "coding"
    ws.append(columns)
    for i, rec in enumerate(seed_sample.to_dict("records")):
        row = {**rec, "code": CYCLE[i % 4].upper(), "coder": "A", None: "aside", "note": "理由"}
        ws.append([row[c] for c in columns])
        ws.cell(i + 2, 3).data_type = "s"  # a text beginning with "=" stays text
    wb.save(tmp_path / "reordered.xlsx")
    codes = read_codes(tmp_path / "reordered.xlsx")
    assert codes["code"].tolist() == CYCLE * 3  # stripped and lower-cased
    assert codes["text"].tolist() == seed_sample["text"].tolist()
    assert codes["sample_id"].tolist() == seed_sample["sample_id"].tolist()
    assert (codes["coder"] == "A").all() and "aside" not in codes.to_numpy()
    ws.cell(1, 1).value = "label"
    wb.save(tmp_path / "reordered.xlsx")
    with pytest.raises(CodingSheetError, match=r"sheet 'coding', row 1: missing column.*'code'"):
        read_codes(tmp_path / "reordered.xlsx")


def test_workbook_saved_from_the_csv_sheet_under_its_own_sheet_name(tmp_path, seed_sample):
    """Excel opens the CSV sheet and saves it as a workbook: one sheet named after the file,
    numbers as numbers, the CSV's escape of a formula (a leading ') kept as text."""
    csv_path = write_coding_sheet(seed_sample.assign(code=CYCLE * 3), tmp_path / "coded.csv")[0]
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert table.loc[0, "text"].startswith("'=")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "coded"
    ws.append(table.columns.tolist())
    for rec in table.to_dict("records"):
        ws.append([int(v) if k == "para_id" else v for k, v in rec.items()])
    book = wb.create_sheet("notes")
    book["A1"] = "sample_id"  # another sheet, not read
    wb.save(tmp_path / "coded.xlsx")
    codes = read_codes(tmp_path / "coded.xlsx")
    assert codes["text"].tolist() == seed_sample["text"].tolist()
    assert codes["para_id"].tolist() == seed_sample["para_id"].tolist()
    # a sheet named coding is read wherever it is
    wb.move_sheet("notes", offset=-1)
    wb["notes"].title, wb["coded"].title = "codebook", "coding"
    wb["coding"]["E2"] = "servce"
    wb.save(tmp_path / "moved.xlsx")
    with pytest.raises(CodingSheetError, match=r"sheet 'coding', row 2: code 'servce'"):
        read_codes(tmp_path / "moved.xlsx")


def test_read_codes_refuses_xls_encrypted_and_damaged_workbooks(tmp_path):
    cases = [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), r"old\.xls: an Excel 97"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), r"locked\.xlsx: .*pass"),
        ("broken.xlsx", b"PK\x03\x04" + bytes(40), r"broken\.xlsx: cannot read the workbook"),
    ]
    for name, data, said in cases:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(CodingSheetError, match=said):
            read_codes(tmp_path / name)


def test_shipped_coding_reads_back_the_same_from_a_workbook_and_a_csv(tmp_path):
    codes = load_coded_paragraphs()
    book = write_coding_sheet(codes, tmp_path / "shipped.xlsx")[0]
    sheet = write_coding_sheet(codes, tmp_path / "shipped.csv")[0]
    from_book = read_codes(book)
    pd.testing.assert_frame_equal(from_book, read_codes(sheet))
    pd.testing.assert_frame_equal(from_book, codes.loc[:, from_book.columns])
