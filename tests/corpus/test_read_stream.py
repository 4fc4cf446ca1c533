"""iter_texts and the streamed build of a table: batch by batch, the same documents, report
and files as read_texts and the in-memory build.

Every table is generated here (a few hundred rows) and read in batches of 7 rows, so that
ids, rejections and document variables span many batches.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

import textkit as tk
import textkit.corpus.read_stream as read_stream
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.build import build_corpus, write_corpus
from textkit.corpus.read import read_texts
from textkit.corpus.read_stream import TextBatches, iter_texts
from textkit.corpus.stream import build_corpus_to
from textkit.run.cli import main

WORDS = (
    "基层 治理 社会 群众 服务 法治 政府 推进 网格 矛盾 纠纷 化解 改革 完善 机制 "
    "枫桥 经验 平安 建设 乡村 振兴 数字 政务 公开 监督"
).split()
FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx", "xls")
BATCH = 7


def _rows(n: int = 230, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + "。"
        if i % 29 == 4:
            text = ""
        elif i % 31 == 7:
            text = "  "
        elif i % 23 == 11:  # an exact copy of an earlier row, batches away
            text = rows[i - 20]["text"] or text
        rows.append(
            {
                "id": f"r{i:04d}",
                "province": rng.choice(["浙江", "江苏", "广东", None]),
                "year": rng.choice([2018, 2019, 2020, None]),
                "code": "007" if i == 200 else str(i),  # an integer-like column until row 201
                "note": None if i < 2 * BATCH else "备注",  # missing in the first two batches
                "text": text,
            }
        )
    return rows


def _write(path: Path, rows: list[dict]) -> Path:
    frame = pd.DataFrame(rows)
    fmt = path.suffix[1:]
    if fmt == "csv":
        path.write_bytes(frame.to_csv(index=False).encode("gbk"))
    elif fmt == "tsv":
        path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False, sep="\t").encode("utf-8"))
    elif fmt == "jsonl":
        lines = [
            json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False)
            for r in rows
        ]
        path.write_text("\n".join(lines[:50]) + "\n\n" + "\n".join(lines[50:]) + "\n", "utf-8")
    elif fmt == "parquet":
        frame["year"] = frame["year"].astype("Int64")
        frame.to_parquet(path)
    elif fmt == "xls":
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("Sheet1")
        for c, name in enumerate(frame.columns):
            ws.write(0, c, name)
        for i, r in enumerate(rows, start=1):
            for c, name in enumerate(frame.columns):
                if r[name] is not None:
                    ws.write(i, c, r[name])
        wb.save(str(path))
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(list(frame.columns))
        for r in rows:
            ws.append([r[c] for c in frame.columns])
        wb.save(path)
    return path


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("tables")
    rows = _rows()
    return {fmt: _write(d / f"govern.{fmt}", rows) for fmt in FORMATS}


def _joined(batches) -> tuple[pd.DataFrame, pd.DataFrame]:
    batches = list(batches)
    return (
        pd.concat([b.documents for b in batches], ignore_index=True),
        pd.concat([b.report for b in batches], ignore_index=True),
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("options", [{}, {"id": "id"}])
def test_batches_join_into_what_read_texts_reads(tables, fmt, options):
    whole = read_texts(tables[fmt], **options)
    batches = iter_texts(tables[fmt], batch_size=BATCH, **options)
    assert isinstance(batches, TextBatches)
    assert batches.docvars == whole.docvars
    assert batches.n_rows == len(whole.report)
    assert batches.n_read == len(whole.documents)
    docs, report = _joined(batches)
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)
    # the integer-like column stays a string column: row 201 holds "007"
    assert str(docs["code"].dtype) != "Int64"
    assert (str(docs["year"].dtype) == "Int64") == (fmt not in ("csv", "tsv"))  # "2019.0"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_large_files_are_decoded_as_they_are_read(tables, fmt, monkeypatch):
    """Above DETECT_BYTES the encoding is detected on a prefix and the rest decoded in
    blocks: the same documents and report."""
    monkeypatch.setattr(read_stream, "DETECT_BYTES", 1500)
    monkeypatch.setattr(read_stream, "_BLOCK", 333)  # blocks cut multibyte characters
    whole = read_texts(tables[fmt])
    docs, report = _joined(iter_texts(tables[fmt], batch_size=BATCH))
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)


def test_crlf_and_inner_byte_order_marks_are_repaired_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(read_stream, "DETECT_BYTES", 200)
    monkeypatch.setattr(read_stream, "_BLOCK", 64)
    lines = ["id,text"] + [f"d{i},基层\ufeff治理{i}" for i in range(60)]
    path = tmp_path / "crlf.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    whole = read_texts(path)
    docs, report = _joined(iter_texts(path, batch_size=BATCH))
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)
    assert "byte-order mark(s)" in report["repairs"].iloc[0]


def test_a_later_byte_outside_the_detected_encoding_names_the_offset(tmp_path, monkeypatch):
    monkeypatch.setattr(read_stream, "DETECT_BYTES", 200)
    body = "id,text\n" + "".join(f"d{i},text {i}\n" for i in range(40))
    path = tmp_path / "mixed.csv"
    path.write_bytes(body.encode("ascii") + "d99,基层治理\n".encode("gb18030"))
    with pytest.raises(CorpusError, match="byte offset .*encoding=") as info:
        iter_texts(path, encoding="utf-8")
    assert "mixed.csv" in str(info.value)


def test_no_batch_holds_more_rows_than_the_batch_size(tables):
    batches = iter_texts(tables["csv"], batch_size=BATCH)
    sizes = [len(b.report) for b in batches]
    assert max(sizes) <= BATCH
    assert sum(sizes) == batches.n_rows == 230
    assert len(sizes) == -(-230 // BATCH)
    # every row in exactly one batch, in order
    rows = [r for b in batches for r in b.report["row"].tolist()]
    assert rows == list(range(1, 231))


def test_duplicate_ids_across_batches_name_the_rows(tmp_path):
    rows = _rows(60)
    rows[50]["id"] = rows[3]["id"]
    rows[55]["id"] = rows[3]["id"]
    path = _write(tmp_path / "dups.csv", rows)
    with pytest.raises(
        CorpusError, match=r"duplicate ids in column 'id': 'r0003' at lines \[5, 52, 57\]"
    ):
        iter_texts(path, id="id", batch_size=BATCH)
    with pytest.raises(CorpusError, match=r"'r0003' at lines \[5, 52, 57\]"):
        read_texts(path, id="id")


def test_empty_rows_are_rejected_and_counted(tables, caplog):
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.read_stream"):
        batches = iter_texts(tables["jsonl"], batch_size=BATCH)
    _, report = _joined(batches)
    rejected = report[report["status"] == "rejected"]
    assert batches.n_rejected == len(rejected) > 0
    assert batches.n_read + batches.n_rejected == batches.n_rows
    assert set(rejected["reject_kind"]) == {"empty_text"}
    # JSON lines without blank lines: the data row is the line
    assert rejected["reason"].iloc[0] == f"empty text (line {rejected['row'].iloc[0]})"
    assert sum("rejected empty text" in r.message for r in caplog.records) == len(rejected)


def test_every_row_empty_and_bad_options_are_refused(tmp_path, tables):
    path = tmp_path / "empty.csv"
    path.write_text("id,text\na,\nb,  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no document read: every one of its 2 rows"):
        iter_texts(path)
    with pytest.raises(InvalidParameterError, match="batch_size"):
        iter_texts(tables["csv"], batch_size=0)
    with pytest.raises(InvalidParameterError, match="no column 'body'"):
        iter_texts(tables["csv"], text="body")
    with pytest.raises(InvalidParameterError, match="encoding"):
        iter_texts(tables["parquet"], encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="folder"):
        iter_texts(tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_streamed_build_of_a_table_writes_the_in_memory_files(tables, tmp_path, fmt):
    """The key equivalence: same documents table and same report, byte for byte."""
    options = {"id": "id"} if fmt in ("csv", "xlsx", "xls") else {}
    a = write_corpus(build_corpus(read_texts(tables[fmt], **options)), tmp_path / "memory")
    b = build_corpus_to(tables[fmt], tmp_path / "stream", read=options, batch_rows=BATCH)
    assert [p.name for p in a] == [p.name for p in b]
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    report = json.loads((tmp_path / "stream" / "corpus_report.json").read_text("utf-8"))
    texts = report["texts"]
    assert texts["inputs"] == 230
    assert (
        texts["inputs"]
        == texts["kept"] + texts["flagged"] + texts["quarantined"] + texts["rejected"]
    )
    assert texts["rejected"] > 0
    assert report["articles"]["flagged_duplicate"] > 0  # copies in other batches found


def test_streamed_build_takes_the_batches_and_refuses_read_texts_output(tables, tmp_path):
    batches = iter_texts(tables["parquet"], batch_size=11)
    a = build_corpus_to(batches, tmp_path / "a", max_fetch=3)
    b = write_corpus(build_corpus(read_texts(tables["parquet"])), tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    with pytest.raises(InvalidParameterError, match="already in memory"):
        build_corpus_to(read_texts(tables["parquet"]), tmp_path / "c")
    # a folder with read options is a folder of files, which table options do not fit
    with pytest.raises(InvalidParameterError, match="id: applies to tables, not to a folder"):
        build_corpus_to(tmp_path / "a", tmp_path / "c", read={"id": "id"})


def test_cli_input_table_stream(tables, tmp_path, capsys):
    out = tmp_path / "cli"
    args = ["-q", "corpus", "build", "--input", str(tables["tsv"]), "--out", str(out)]
    assert main([*args, "--stream", "--batch-rows", "9", "--id-column", "id"]) == 0
    assert (out / "documents.parquet").is_file()
    expected = write_corpus(build_corpus(read_texts(tables["tsv"], id="id")), tmp_path / "mem")
    for p in expected:
        assert (out / p.name).read_bytes() == p.read_bytes(), p.name
    capsys.readouterr()
    assert main([*args, "--stream", "--include", "*.txt"]) == 2
    assert "--include: applies to folders" in capsys.readouterr().err


def test_build_of_a_table_is_cached_and_a_changed_file_misses(tmp_path, caplog):
    path = _write(tmp_path / "cached.csv", _rows(80))
    cache = tmp_path / "cache"
    fresh = build_corpus(read_texts(path, id="id"))
    with caplog.at_level(logging.INFO, logger="textkit.core.cache"):
        first = build_corpus(read_texts(path, id="id"), cache=cache)
        assert not any("cache hit" in r.message for r in caplog.records)
        second = build_corpus(read_texts(path, id="id"), cache=cache)
        assert sum("cache hit: corpus" in r.message for r in caplog.records) == 1
    entries = sorted((cache / "corpus").glob("*.json"))
    assert len(entries) == 1
    for built in (first, second):
        pd.testing.assert_frame_equal(built.documents, fresh.documents)
        pd.testing.assert_frame_equal(built.pages, fresh.pages)
        pd.testing.assert_frame_equal(built.boilerplate, fresh.boilerplate)
        assert built.report == fresh.report
    # other read options, another entry
    build_corpus(read_texts(path, id="id", meta=["province"]), cache=cache)
    assert len(sorted((cache / "corpus").glob("*.json"))) == 2
    # a changed file: a miss, and the new content built
    rows = _rows(80)
    rows[0]["text"] = "全新的基层治理文本。"
    _write(path, rows)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="textkit.core.cache"):
        third = build_corpus(read_texts(path, id="id"), cache=cache)
    assert not any("cache hit" in r.message for r in caplog.records)
    assert "全新的基层治理文本。" in third.documents["text"].tolist()
    assert len(sorted((cache / "corpus").glob("*.json"))) == 3


def test_a_damaged_cache_entry_of_a_table_build_is_rebuilt(tmp_path, caplog):
    path = _write(tmp_path / "damaged.jsonl", _rows(40))
    cache = tmp_path / "cache"
    first = build_corpus(read_texts(path), cache=cache)
    table = next(iter(sorted((cache / "corpus").glob("*.documents.parquet"))))
    table.write_bytes(table.read_bytes()[:-10])
    with caplog.at_level(logging.WARNING, logger="textkit.core.cache"):
        again = build_corpus(read_texts(path), cache=cache)
    assert any("checksum mismatch" in r.message for r in caplog.records)
    pd.testing.assert_frame_equal(again.documents, first.documents)


def test_top_level_names(tables):
    assert tk.iter_texts is iter_texts
    assert tk.TextBatches is TextBatches
    assert read_texts(tables["csv"]).options == {}
    assert read_texts(tables["csv"], id="id", meta=("year",)).options == {
        "id": "id",
        "meta": ["year"],
    }


def test_streamed_build_holds_one_batch_of_rows_at_a_time(tables, tmp_path, monkeypatch):
    """Rows reach the build a batch at a time, the per-document state goes to temporary
    files batch by batch (no memory budget), and the report's per-row lists are written
    entry by entry."""
    import textkit.corpus.stream as stream
    from textkit.core.io import StreamedEntries
    from textkit.corpus.dedup import DuplicateFinder

    monkeypatch.setattr(DuplicateFinder, "_ROWS", 5)  # band values spilled every 5 documents
    built: list[int] = []
    appended: list[int] = []
    spilled: list[int] = []
    reports: list[dict] = []
    table_documents = stream._table_documents
    append = stream._BatchTables.append
    flush = DuplicateFinder._flush
    write_rest = stream.write_rest

    def count_built(batch, pages, config):
        built.append(len(batch.report))
        return table_documents(batch, pages, config)

    def count_appended(self, frame):
        appended.append(len(frame))
        return append(self, frame)

    def count_spilled(self, block):
        spilled.append(len(block))
        return flush(self, block)

    def keep_report(out, tables, pages, boilerplate, report):
        reports.append(report)
        return write_rest(out, tables, pages, boilerplate, report)

    monkeypatch.setattr(stream, "_table_documents", count_built)
    monkeypatch.setattr(stream._BatchTables, "append", count_appended)
    monkeypatch.setattr(DuplicateFinder, "_flush", count_spilled)
    monkeypatch.setattr(stream, "write_rest", keep_report)
    paths = build_corpus_to(
        tables["csv"], tmp_path / "out", read={"id": "id"}, batch_rows=BATCH, memory_budget_mb=0
    )
    assert max(built) <= BATCH and sum(built) == 230
    assert max(appended) <= BATCH  # documents and pages, each batch to its temporary file
    assert spilled and set(spilled) == {5}
    (report,) = reports
    for entry in ("pages", "articles_per_file", "rejected_files", "flagged", "quarantined"):
        assert isinstance(report[entry], StreamedEntries), entry
    assert isinstance(report["cleaning"]["per_document"], StreamedEntries)
    assert len(report["pages"]) == 230
    assert sum(appended) == 230 + report["articles"]["found"]  # every row once, every document once
    memory = write_corpus(build_corpus(read_texts(tables["csv"], id="id")), tmp_path / "memory")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in memory]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_keep_earliest_by_keeps_the_first_year_of_each_group_streamed_or_not(tables, tmp_path, fmt):
    from textkit.corpus.build import CorpusConfig
    from textkit.corpus.dedup import DedupConfig

    config = CorpusConfig(dedup=DedupConfig(keep_earliest_by="year"))
    options = {"id": "id"}
    whole = build_corpus(read_texts(tables[fmt], **options), config)
    a = write_corpus(whole, tmp_path / "memory")
    b = build_corpus_to(tables[fmt], tmp_path / "stream", config, read=options, batch_rows=BATCH)
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    docs = whole.documents
    years = pd.to_numeric(docs["year"].astype(object), errors="coerce")
    groups = docs[docs["dup_group"].notna()].assign(y=years)
    assert groups["dup_group"].nunique() >= 3
    changed = 0
    for canon, g in groups.groupby("dup_group"):
        kept = g[g["dup_of"].isna()]
        assert kept["doc_id"].tolist() == [canon]
        earliest = g["y"].min()
        assert kept["y"].iloc[0] == earliest or (pd.isna(earliest) and kept["y"].isna().all())
        changed += int(g["y"].nunique() > 1)
    assert changed >= 1  # some group's copies differ in year
    # the default keeps the longest copy, whatever its year
    default = build_corpus(read_texts(tables[fmt], **options)).documents
    assert not default["dup_of"].fillna("").equals(docs["dup_of"].fillna(""))


def _news_rows(n: int = 60, seed: int = 5) -> list[dict]:
    """A scraped news table: copies of earlier rows batches away, each copy dated in another
    of the forms Chinese sites write (the copy first published is not the longest)."""
    rng = random.Random(seed)
    forms = (
        lambda d: f"{d.year}年{d.month}月{d.day}日",
        lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
        lambda d: f"{d.year}-{d.month}-{d.day} 10:22",
        lambda d: f"{d.year}年{d.month}月",
        lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    )
    rows: list[dict] = []
    for i in range(n):
        day = pd.Timestamp("2016-01-01") + pd.Timedelta(days=rng.randrange(2000))
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(20, 40))) + "。"
        if i % 6 == 5 and i >= 15:  # a reprint of a row two batches back, longer
            text = "转载：" + rows[i - 15]["正文"]
        when = forms[i % len(forms)](day)
        rows.append({"正文": text, "发布时间": "" if i % 13 == 3 else when})
    return rows


@pytest.mark.parametrize("dates", [None, ["发布时间"]])
def test_keep_earliest_by_reads_chinese_dates_streamed_or_not(tmp_path, dates):
    from textkit.core.dates import parse_dates
    from textkit.corpus.build import CorpusConfig
    from textkit.corpus.dedup import DedupConfig

    path = tmp_path / "news.csv"
    pd.DataFrame(_news_rows()).to_csv(path, index=False)
    options = {"text": "正文"} | ({"dates": dates} if dates else {})
    config = CorpusConfig(dedup=DedupConfig(keep_earliest_by="发布时间"))
    whole = build_corpus(read_texts(path, **options), config, cache=False)
    a = write_corpus(whole, tmp_path / "memory")
    b = build_corpus_to(path, tmp_path / "stream", config, read=options, batch_rows=BATCH)
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    written = pd.read_csv(path, dtype=str, keep_default_na=False)["发布时间"]
    docs = whole.documents.assign(
        when=lambda d: parse_dates(d["发布时间"]), written=written.to_numpy()
    )
    groups = docs[docs["dup_group"].notna()]
    chinese_first = 0
    for canon, g in groups.groupby("dup_group"):
        kept = g[g["dup_of"].isna()]
        assert kept["doc_id"].tolist() == [canon]
        assert kept["when"].iloc[0] == g["when"].min(), canon  # the first published copy
        chinese_first += "年" in kept["written"].iloc[0] and g["when"].notna().sum() > 1
    assert groups["dup_group"].nunique() >= 5 and chinese_first >= 2


def test_batches_read_dates_as_read_texts_does(tmp_path):
    path = tmp_path / "news.csv"
    rows = _news_rows()
    rows[8]["发布时间"] = "上周五"
    pd.DataFrame(rows).to_csv(path, index=False)
    whole = read_texts(path, text="正文", dates="发布时间")
    docs, report = _joined(iter_texts(path, text="正文", dates="发布时间", batch_size=BATCH))
    pd.testing.assert_frame_equal(docs, whole.documents)
    pd.testing.assert_frame_equal(report, whole.report)
    assert report.loc[8, "reason"] == "发布时间: '上周五' is not a date (left missing)"
    with pytest.raises(InvalidParameterError, match="dates: '日期' not among"):
        iter_texts(path, text="正文", dates="日期")
