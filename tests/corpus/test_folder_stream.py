"""The streamed build of a researcher's folder of files (``build_corpus_to(folder, read=...)``,
``textkit corpus build --stream`` with ``[corpus] input`` a folder): the files it writes are
the in-memory build's (``write_corpus(build_corpus(read_texts(folder, ...)))``), byte for
byte.

The folder (:func:`_folder`) mixes Word (a compilation with Heading 1 articles), PDF, HTML
(a publication date in its meta tags), text in GBK and in UTF-8, a copy of a text file saved
as Word, files rejected (an old Word file, an empty file, a path outside the pattern) and
entries skipped (a hidden file, an Office lock file), with a metadata table whose columns
change type part way through the folder. Built in batches of two entries.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import textkit.corpus.read_folder_stream as folder_stream
import textkit.corpus.stream as stream_mod
from textkit.core.errors import CorpusError, InvalidParameterError
from textkit.corpus.build import build_corpus, write_corpus
from textkit.corpus.read import read_texts
from textkit.corpus.stream import build_corpus_to
from textkit.run.cli import main

NAMES = [
    "documents.parquet",
    "documents.csv",
    "pages.csv",
    "boilerplate.csv",
    "corpus_report.json",
    "corpus_report.md",
]

BATCH = 2

TITLES = ["桐乡市推进三治融合的做法", "诸暨市坚持发展枫桥经验", "德清县数字乡村治理工作总结"]
PARAS = [
    "坚持自治法治德治相结合，村级议事协商制度全面推行，矛盾纠纷就地化解率达到九成以上。",
    "建立健全政府法律顾问制度，所有乡镇实现法律顾问全覆盖，审查规范性文件四十二件。",
    "完善公共法律服务体系，实现村居法律顾问全覆盖，全年提供法律咨询一百余人次。",
]
GBK_TEXT = "河南省林州市完善网格化管理，维护社会稳定，依法保障群众合法权益，成效显著。" * 3
UTF8_TEXT = "兰考县坚持和发展新时代枫桥经验，推进基层社会治理现代化，化解矛盾纠纷于基层。" * 3
PDF_TEXT = "安吉县加强法治政府建设，提升公共服务水平，群众满意度明显提高，基层治理成效显著。" * 2
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="PubDate" content="2020-05-06 09:30">
<title>关于推进基层社会治理的通知</title></head>
<body><h1>关于推进基层社会治理的通知</h1>
<p>为坚持和发展新时代枫桥经验，推进基层社会治理现代化，现就有关事项通知如下。</p>
<p>一、完善网格化管理，做好矛盾纠纷排查化解，维护社会稳定，依法保障群众合法权益。</p>
</body></html>
"""

#: The metadata table: 批次 is empty for the files of the first batch (the two 河南/2019
#: files, first in the folder's order) and a number later (integers over the folder),
#: 编号 a number for the first files and text for a later one (text over the folder); a row
#: names a file that is not there, a row names a rejected file, a file has no row.
METADATA = (
    "file,批次,编号,发布日期,来源\n"
    "浙江/2019/汇编.docx,4,12,2019年3月5日,桐乡市人民政府网\n"
    "浙江/2019/报告.pdf,3,13,2019-11-02,安吉县人民政府网\n"
    "浙江/2020/通知.html,5,A7,去年,某某市人民政府网\n"
    "河南/2019/林州.txt,,16,2019/07/01,林州市人民政府网\n"
    "河南/2019/兰考.txt,,17,2019-08-01,兰考县人民政府网\n"
    "河南/2020/旧.doc,6,18,2020-01-01,某网站\n"
    "河南/2020/不存在.txt,7,19,2020-01-01,某网站\n"
)

READ = {
    "docvars_from": "{province}/{year}/{name}",
    "dates": ["发布日期"],
}


def _word(blocks: list[tuple[str, str]]) -> bytes:
    import docx

    document = docx.Document()
    for kind, text in blocks:
        if kind == "h1":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _folder(root: Path, make_pdf) -> Path:
    """The researcher's folder (``root / "raw"``) and ``root / "metadata.csv"``."""
    raw = root / "raw"
    files = {
        "浙江/2019/汇编.docx": _word(
            [("p", "基层治理经验材料汇编")]
            + [b for k, t in enumerate(TITLES) for b in (("h1", t), ("p", PARAS[k] * 2))]
        ),
        "浙江/2019/报告.pdf": make_pdf([PDF_TEXT], title="安吉县法治政府建设报告"),
        "浙江/2020/通知.html": HTML.encode("utf-8"),
        "浙江/2020/.隐藏.txt": UTF8_TEXT.encode("utf-8"),  # hidden: skipped
        "浙江/2020/~$汇编.docx": b"lock",  # an Office lock file: skipped
        "河南/2019/林州.txt": GBK_TEXT.encode("gbk"),
        "河南/2019/兰考.txt": UTF8_TEXT.encode("utf-8"),
        "河南/2020/旧.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # old Word
        "河南/2020/空.txt": b"",  # empty: rejected
        "河南/2020/转载.docx": _word([("p", UTF8_TEXT)]),  # the UTF-8 text again, as Word
        "说明.txt": "不在省年目录下的说明文件。".encode(),  # outside the pattern: rejected
    }
    for rel, data in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    (root / "metadata.csv").write_text(METADATA, encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def folder(tmp_path_factory, make_pdf) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("folder")
    raw = _folder(root, make_pdf)
    return raw, {**READ, "metadata": str(root / "metadata.csv")}


def _in_memory(raw: Path, read: dict, out: Path) -> list[Path]:
    with pytest.warns(UserWarning, match="1 row\\(s\\) name a file that is not in"):
        texts = read_texts(raw, **read)
    return write_corpus(build_corpus(texts), out)


def _streamed(raw: Path, read: dict, out: Path, **options) -> list[Path]:
    with pytest.warns(UserWarning, match="1 row\\(s\\) name a file that is not in"):
        return build_corpus_to(raw, out, read=read, **options)


def _same_files(a: list[Path], b: list[Path]) -> None:
    assert [p.name for p in a] == NAMES
    assert [p.name for p in b] == NAMES
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


@pytest.mark.parametrize("budget", [512, 0], ids=["in memory", "on disk"])
def test_streamed_folder_build_writes_the_in_memory_files(folder, tmp_path, budget):
    raw, read = folder
    mem = _in_memory(raw, read, tmp_path / "memory")
    streamed = _streamed(raw, read, tmp_path / "stream", batch_pages=BATCH, memory_budget_mb=budget)
    _same_files(mem, streamed)
    assert sorted(p.name for p in (tmp_path / "stream").iterdir()) == sorted(NAMES)
    report = json.loads(streamed[4].read_text("utf-8"))
    assert report["texts"]["identity"] == "11 entries = 6 read + 3 rejected + 2 skipped"
    assert report["metadata"]["identity"] == (
        "7 rows = 5 joined + 2 naming no file read; 6 files read = 5 with a row + 1 without"
    )
    docs = pd.read_parquet(streamed[0]).set_index("doc_id")
    # the Word compilation split at its headings, the HTML dated by its meta tags
    assert (
        docs.loc[["浙江/2019/汇编#01", "浙江/2019/汇编#02", "浙江/2019/汇编#03"], "title"].tolist()
        == TITLES
    )
    assert docs.loc["浙江/2020/通知#01", "published"] == pd.Timestamp("2020-05-06 09:30")
    assert docs.loc["河南/2019/林州#01", "encoding"] in ("gbk", "gb18030")
    # the copy saved as Word, two batches after its text file, is a duplicate of it
    assert docs.loc["河南/2020/转载#01", "dup_of"] == "河南/2019/兰考#01"
    # types decided over the whole folder: 批次 empty in the first batch, integers later;
    # 编号 integers in the first batches, text in the fifth
    assert str(docs["批次"].dtype) == "Int64"
    assert pd.isna(docs.loc["河南/2019/兰考#01", "批次"])
    assert docs.loc["浙江/2019/汇编#02", "批次"] == 4
    assert docs.loc["河南/2019/兰考#01", "编号"] == "17"
    assert docs.loc["浙江/2020/通知#01", "编号"] == "A7"
    assert str(docs["year"].dtype) == "Int64"
    assert str(docs["发布日期"].dtype) == "datetime64[us]"
    pages = pd.read_csv(streamed[2], keep_default_na=False).set_index("source_file")
    assert (
        pages.loc["浙江/2020/通知.html", "reason"]
        == "发布日期: '去年' is not a date (left missing)"
    )
    assert "no row for this file" in pages.loc["河南/2020/转载.docx", "reason"]
    assert pages.loc["河南/2020/旧.doc", "status"] == "rejected"


def test_each_file_is_extracted_once_and_one_batch_of_files_is_built_at_a_time(
    folder, tmp_path, monkeypatch
):
    """Files are extracted once, in the folder reader's order; the stored entries, the
    documents and the pages reach the build's stores a batch at a time, each to its
    temporary file with no memory budget."""
    raw, read = folder
    extracted: list[str] = []
    appended: list[tuple[str, int]] = []
    read_file = folder_stream._read_file
    append = stream_mod._BatchTables.append

    def count_read(listing, rel):
        extracted.append(rel)
        return read_file(listing, rel)

    def count_appended(self, frame):
        appended.append((self.path.name, len(frame)))
        return append(self, frame)

    monkeypatch.setattr(folder_stream, "_read_file", count_read)
    monkeypatch.setattr(stream_mod._BatchTables, "append", count_appended)
    paths = _streamed(raw, read, tmp_path / "out", batch_pages=BATCH, memory_budget_mb=0)
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    skipped = {"浙江/2020/.隐藏.txt", "浙江/2020/~$汇编.docx"}
    assert extracted == [f for f in files if f not in skipped]  # once each, in order
    stores = {name for name, _ in appended}
    assert stores == {"files.parquet", "documents.parquet", "pages.parquet"}
    for name in ("files.parquet", "pages.parquet"):  # a batch's entries: 6 batches
        assert [n for s, n in appended if s == name] == [2, 2, 2, 2, 2, 1], name
    # the documents of the batches that have any (one batch holds only rejected files)
    assert len([n for s, n in appended if s == "documents.parquet"]) >= 4
    assert pq.ParquetFile(paths[0]).metadata.num_rows == sum(
        n for s, n in appended if s == "documents.parquet"
    )
    _same_files(_in_memory(raw, read, tmp_path / "memory"), paths)


def test_a_folder_without_any_file_read_is_refused_as_read_texts_refuses_it(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "空.txt").write_bytes(b"")
    (raw / "旧.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(50))
    with pytest.raises(CorpusError) as memory:
        read_texts(raw)
    with pytest.raises(CorpusError) as streamed:
        build_corpus_to(raw, tmp_path / "out", read={}, batch_pages=1)
    assert str(streamed.value) == str(memory.value)
    assert "no readable file (2 rejected, 0 skipped)" in str(streamed.value)
    assert not (tmp_path / "out").exists()


def test_table_options_and_bad_dates_are_refused_before_any_file_is_read(folder, tmp_path):
    raw, read = folder
    with pytest.raises(InvalidParameterError, match="text: applies to tables, not to a folder"):
        build_corpus_to(raw, tmp_path / "out", read={"text": "body"})
    with pytest.raises(InvalidParameterError, match="dates: '日期' not among"):
        build_corpus_to(raw, tmp_path / "out", read={**read, "dates": ["日期"]})
    assert not (tmp_path / "out").exists()


def test_cli_streams_a_configured_folder_of_files(folder, tmp_path):
    """``[corpus] input`` a folder of files: ``--stream`` writes the in-memory build's
    files (was: refused, naming the setting)."""
    raw, read = folder
    config = tmp_path / "textkit.toml"
    config.write_text(
        f'[corpus]\ninput = "{raw.as_posix()}"\ndocvars_from = "{READ["docvars_from"]}"\n'
        f'dates = ["发布日期"]\nmetadata = "{Path(read["metadata"]).as_posix()}"\n'
        'out_dir = "built"\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the row naming no file; tested above
        assert main(["-q", "--config", str(config), "corpus", "build"]) == 0
        in_memory = {p.name: p.read_bytes() for p in (tmp_path / "built").iterdir()}
        for p in (tmp_path / "built").iterdir():
            p.unlink()
        argv = ["-q", "--config", str(config), "corpus", "build", "--stream", "--batch-pages", "2"]
        assert main(argv) == 0
        assert {p.name: p.read_bytes() for p in (tmp_path / "built").iterdir()} == in_memory
        # and with --input
        out = tmp_path / "input"
        argv = ["-q", "corpus", "build", "--input", str(raw), "--out", str(out), "--stream"]
        assert main([*argv, "--docvars-from", READ["docvars_from"], "--batch-pages", "3"]) == 0
    expected = write_corpus(
        build_corpus(read_texts(raw, docvars_from=READ["docvars_from"])), tmp_path / "mem"
    )
    for p in expected:
        assert (out / p.name).read_bytes() == p.read_bytes(), p.name
