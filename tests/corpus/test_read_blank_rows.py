"""Rows named as the file shows them when a CSV, TSV or JSON Lines table holds blank lines.

pandas (``read_csv``, C parser) skips a line of nothing but spaces and tabs that are not the
separator: it is no data row, and no header when it comes first. A line of separators only
(``,,``) is a row. A spreadsheet program (Excel, WPS) shows every line as a row, a quoted
cell holding line breaks as one: a record is named by its line, and by its row in a
spreadsheet too when the two differ. Each table is read in memory and in batches (the
names must agree), as CSV and as TSV.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from textkit.core.errors import CorpusError
from textkit.corpus.read import read_texts
from textkit.corpus.read_folder_stream import FileBatches
from textkit.corpus.read_stream import iter_texts
from textkit.corpus.report import render_report_md

TEXT = "为深入推进基层社会治理，及时排查化解矛盾纠纷，制定本方案。"


def _table(tmp_path, sep, content):
    """``content`` written with ``,`` as ``sep``, as t.csv or t.tsv."""
    ext = "tsv" if sep == "\t" else "csv"
    path = tmp_path / f"t.{ext}"
    path.write_text(content.replace(",", sep), encoding="utf-8")
    return path


def _reasons(path, batch_size=1, **options):
    """The report's reasons of read_texts and of iter_texts (batches of ``batch_size``),
    checked equal."""
    res = read_texts(path, text="text", **options)
    batches = list(iter_texts(path, text="text", batch_size=batch_size, **options))
    report = pd.concat([b.report for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(report, res.report)
    return res.report["reason"].tolist()


def _error(path, **options):
    """The message of the CorpusError read_texts and iter_texts raise, checked equal."""
    said = []
    for read in (read_texts, iter_texts):
        with pytest.raises(CorpusError) as err:
            read(path, text="text", **options)
        said.append(str(err.value))
    assert said[0] == said[1]
    return said[0]


def test_pandas_skips_lines_of_spaces_and_tabs_and_reads_lines_of_separators():
    """The rule the row names follow, as pandas reads the tables."""
    import io

    def rows(content, sep):
        text = content.replace(",", sep)
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)

    for sep in (",", "\t"):
        frame = rows("\n \ntext,region\nT,a\n   \n,\n\u3000,c\n", sep)
        assert list(frame.columns) == ["text", "region"]
        assert frame.values.tolist() == [["T", "a"], ["", ""], ["\u3000", "c"]]
    assert len(rows("text,region\n\t\n", ",")) == 0  # a tab is blank in a CSV
    assert len(rows("text,region\n\t\n", "\t")) == 1  # and the separator of a TSV


@pytest.mark.parametrize("sep", [",", "\t"])
def test_a_line_of_spaces_is_a_row_in_a_spreadsheet_but_no_row_of_the_table(tmp_path, sep):
    path = _table(tmp_path, sep, "text,region\nT,a\n   \n,c\n")
    assert _reasons(path)[1] == "empty text (line 4)"
    # a line of separators only is a row of the table
    path = _table(tmp_path, sep, "text,region\nT,a\n,\n  \n,c\n")
    assert _reasons(path)[1:] == ["empty text (line 3)", "empty text (line 5)"]


def test_a_tab_is_a_blank_line_of_a_csv_and_a_row_of_a_tsv(tmp_path):
    (tmp_path / "t.csv").write_text("text,region\nT,a\n\t\n,c\n", encoding="utf-8")
    assert _reasons(tmp_path / "t.csv")[1:] == ["empty text (line 4)"]
    (tmp_path / "t.tsv").write_text("text\tregion\nT\ta\n\t\n\tc\n", encoding="utf-8")
    assert _reasons(tmp_path / "t.tsv")[1:] == ["empty text (line 3)", "empty text (line 4)"]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_blank_lines_above_the_header_are_rows_of_a_spreadsheet(tmp_path, sep):
    path = _table(tmp_path, sep, "\n  \ntext,region\nT,a\n,c\n")
    assert _reasons(path)[1] == "empty text (line 5)"
    # the header is found below them: a column named twice is still said
    path = _table(tmp_path, sep, "\n\ntext,text\nT,a\n")
    assert "the header names a column more than once ('text' in columns [1, 2])" in _error(path)


@pytest.mark.parametrize("sep", [",", "\t"])
def test_a_blank_line_between_rows_is_a_row_of_a_spreadsheet(tmp_path, sep):
    path = _table(tmp_path, sep, "\ufefftext,region\nT,a\n\nT,b\n,c\n")
    assert _reasons(path)[2] == "empty text (line 5)"
    # with a quoted line break above: its row in a spreadsheet and its line differ
    path = _table(tmp_path, sep, 'text,region\n"T\nU",a\n\n,c\n')
    assert _reasons(path)[1] == "empty text (row 4 in a spreadsheet, line 5 of the file)"


@pytest.mark.parametrize("sep", [",", "\t"])
def test_repeated_ids_are_named_by_their_lines(tmp_path, sep):
    path = _table(tmp_path, sep, "id,text\n\nx,T\n \nx,U\n")
    assert "'x' at lines [3, 5]" in _error(path, id="id")
    path = _table(tmp_path, sep, 'id,text\nx,"T\nT"\n\nx,U\n')
    said = _error(path, id="id")
    assert "'x' at rows [2, 4] in a spreadsheet, lines [2, 5] of the file" in said
    path = _table(tmp_path, sep, "id,text\n\n,T\n")
    assert "empty id in column 'id' at lines [3]" in _error(path, id="id")


def test_a_large_table_read_as_a_stream_names_the_same_lines(tmp_path):
    """A table above the size decoded whole (1 MiB) is decoded as it is read."""
    rows = [f"R{i},{TEXT * 80}" for i in range(200)]
    content = "\n\nid,text\n" + "\n".join(rows[:2]) + "\n  \nR9,\n" + "\n".join(rows[2:]) + "\n"
    path = tmp_path / "big.csv"
    path.write_text(content, encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    assert _reasons(path, batch_size=64, id="id")[2] == "empty text (line 7)"


def _folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt"):
        (raw / name).write_text(TEXT, encoding="utf-8")
    return raw


def _metadata(raw, table):
    """ReadResult.metadata of read_texts and of the streamed folder reader, checked equal,
    and the warning about rows naming no file."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        meta = read_texts(raw, metadata=table).metadata
        batches = FileBatches.open(raw, {"metadata": table})
        for _ in batches.extract():
            pass
    assert batches.metadata == meta
    (warning,) = {str(w.message) for w in said}
    return meta, warning


@pytest.mark.parametrize("sep", [",", "\t"])
def test_metadata_rows_count_blank_lines_as_a_spreadsheet_shows_them(tmp_path, sep):
    raw = _folder(tmp_path)
    table = _table(tmp_path, sep, "file,src\na.txt,x\n\nb.txt,y\ntypo.txt,z")
    meta, warning = _metadata(raw, table)
    assert meta["rows_without_file"] == [
        {"row": 5, "file": "typo.txt", "why": "no such file in the folder"}
    ]
    assert meta["row_unit"] == "row"
    assert "row 5 'typo.txt'" in warning
    table = _table(tmp_path, sep, "\nfile,src\na.txt,x\n  \n,y\na.txt,z\n")
    with pytest.raises(CorpusError, match=rf"{table.name} row 5 names no file in column"):
        read_texts(raw, metadata=table)
    table = _table(tmp_path, sep, "\nfile,src\na.txt,x\n  \nb.txt,y\na.txt,z\n")
    with pytest.raises(CorpusError, match=r"'a.txt' at rows \[3, 6\]"):
        read_texts(raw, metadata=table)


def test_json_lines_metadata_rows_are_named_by_their_lines(tmp_path):
    """As read_texts names the rows of a JSON Lines table."""
    raw = _folder(tmp_path)
    table = tmp_path / "m.jsonl"
    lines = ['{"file": "a.txt", "src": "x"}', '{"file": "b.txt", "src": "y"}']
    table.write_text("\n".join([*lines, "", '{"file": "typo.txt", "src": "z"}']) + "\n")
    meta, warning = _metadata(raw, table)
    assert meta["rows_without_file"] == [
        {"row": 4, "file": "typo.txt", "why": "no such file in the folder"}
    ]
    assert meta["row_unit"] == "line"
    assert "line 4 'typo.txt'" in warning
    assert "- line 4 `typo.txt` joined to no document" in _report_md(raw, table)
    table.write_text("\n".join([lines[0], "", '{"src": "z"}']) + "\n")
    with pytest.raises(CorpusError, match=r"m.jsonl line 3 names no file in column 'file'"):
        read_texts(raw, metadata=table)
    table.write_text("\n".join([lines[0], "", lines[0]]) + "\n")
    with pytest.raises(CorpusError, match=r"'a.txt' at lines \[1, 3\]"):
        read_texts(raw, metadata=table)


def _report_md(raw, table):
    from textkit.corpus.build import build_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return render_report_md(build_corpus(read_texts(raw, metadata=table)).report)
