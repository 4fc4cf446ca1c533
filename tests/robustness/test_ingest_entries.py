"""Hostile folders: every directory entry is accounted for, outputs never go into inputs,
and a short text is never silently guessed between GB18030 and Big5.

Every input is generated in ``tmp_path`` (symbolic links with ``os.symlink``, a FIFO with
``os.mkfifo`` where the platform has it). Each test failed on the code before these
promises were kept:

| case                                                        | test |
|-------------------------------------------------------------|------|
| hidden files, subdirectories, link loops, dangling links,   | test_raw_folder_accounts_for_every_entry |
| links leaving the folder, FIFOs in the raw pages folder     |      |
| the same in a folder read by ``read_texts``                 | test_read_texts_folder_lists_the_entries_it_skips |
| a FIFO never blocks the corpus hash (cache key)             | test_corpus_hash_never_opens_a_fifo |
| ``a.txt`` and ``a.html`` in raw pages / a read_texts folder | test_same_stem_files_are_both_read_with_distinct_ids |
| ``--out`` / ``out_dir`` equal to, inside or holding input   | test_output_folder_in_the_input_is_refused_before_writing |
| short GBK text that is also valid Big5                      | test_short_text_valid_in_gb18030_and_big5_is_flagged |
| short GBK / Big5 texts read by their common characters      | test_short_gbk_and_big5_texts_are_read_by_their_common_characters |
| a folder of short GBK files, one also valid Big5 (维稳)     | test_short_gbk_file_in_a_folder_is_read_as_its_neighbours |
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import pytest

from textkit.core.config import corpus_hash, load_config
from textkit.core.errors import InvalidParameterError
from textkit.corpus.build import CorpusConfig, build_corpus, write_corpus
from textkit.corpus.ingest import IngestConfig, decode_bytes, read_pages
from textkit.corpus.read import read_texts
from textkit.corpus.stream import build_corpus_to
from textkit.run.cli import main
from textkit.run.pipeline import build_corpus_step

#: A governance article long enough to be kept by the split and the boilerplate filter.
ARTICLE = (
    "乡镇社会治理创新工作方案\n"
    "为加强基层治理体系建设，维护社会和谐稳定，结合本镇实际，制定本方案。\n"
    "一、坚持党建引领，健全网格化管理服务机制，推动资源下沉到村社区。\n"
    "二、完善矛盾纠纷多元化解机制，做到小事不出村、大事不出镇。\n"
    "三、加强平安建设，深化综治中心规范化建设，提升群众安全感和满意度。\n"
)
SECRET = "外部文件的内容不得被读取：这是输入文件夹之外的一段文字。\n" * 3

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no os.mkfifo here")


def _hostile_folder(root: Path, outside: Path, *, fifo: bool) -> None:
    """A folder with one entry of each kind; ``outside`` holds a file the folder links to."""
    root.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text(ARTICLE.replace("乡镇", "街道"), encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "nested.txt").write_text(ARTICLE.replace("乡镇", "社区"), encoding="utf-8")
    os.symlink("loop.txt", root / "loop.txt")
    os.symlink("missing.txt", root / "dangling.txt")
    os.symlink(outside / "secret.txt", root / "outside.txt")
    os.symlink("a.txt", root / "same.txt")  # a link to a file inside the folder is read
    if fifo:
        os.mkfifo(root / "pipe.txt")


@needs_fifo
def test_raw_folder_accounts_for_every_entry(tmp_path, caplog):
    raw = tmp_path / "raw"
    _hostile_folder(raw, tmp_path / "elsewhere", fifo=True)
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.ingest"):
        build = build_corpus(raw)
    pages = build.pages.set_index("source_file")
    expected = {
        ".hidden.txt": ("skipped", "hidden"),
        "a.txt": ("ok", ""),
        "dangling.txt": ("skipped", "dangling_link"),
        "empty.txt": ("rejected", "empty"),
        "loop.txt": ("skipped", "symlink_loop"),
        "outside.txt": ("skipped", "outside_link"),
        "pipe.txt": ("skipped", "special_file"),
        "same.txt": ("ok", ""),
        "sub": ("skipped", "subdirectory"),
    }
    assert {k: (r["status"], r["reject_kind"]) for k, r in pages.iterrows()} == expected
    # nothing from outside the folder or from the subfolder was read
    assert not build.documents["text"].str.contains("外部文件").any()
    assert set(build.documents["source_file"]) == {"a.txt", "same.txt"}
    rep = build.report
    assert rep["files"] == {"total": 3, "read": 2, "rejected": 1}
    assert rep["entries"]["identity"] == "9 entries = 2 read + 1 rejected + 6 skipped"
    assert rep["skipped_by_kind"] == {
        "dangling_link": 1,
        "hidden": 1,
        "outside_link": 1,
        "special_file": 1,
        "subdirectory": 1,
        "symlink_loop": 1,
    }
    reasons = {e["entry"]: e["reason"] for e in rep["skipped_entries"]}
    assert "read_texts" in reasons["sub"] and "[corpus] input" in reasons["sub"]
    assert "FIFO" in reasons["pipe.txt"] and "not opened" in reasons["pipe.txt"]
    assert "leaving the input folder" in reasons["outside.txt"]
    # each skipped entry is in the log, naming it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for name in reasons:
        assert f"skipped {name}:" in logged
    # written: the Markdown report lists them with their reasons; the streamed build
    # writes the same bytes
    mem = write_corpus(build, tmp_path / "mem")
    md = (tmp_path / "mem" / "corpus_report.md").read_text(encoding="utf-8")
    assert "9 entries = 2 read + 1 rejected + 6 skipped" in md
    assert "| pipe.txt | special_file |" in md
    streamed = build_corpus_to(raw, tmp_path / "stream", batch_pages=2)
    assert [p.read_bytes() for p in mem] == [p.read_bytes() for p in streamed]
    # the link leaving the folder is read only when asked for
    config = CorpusConfig(ingest=IngestConfig(follow_outside_links=True))
    pages = read_pages(raw, config.ingest).set_index("source_file")
    assert pages.loc["outside.txt", "status"] == "ok"
    assert "外部文件" in pages.loc["outside.txt", "text"]


@needs_fifo
def test_read_texts_folder_lists_the_entries_it_skips(tmp_path):
    root = tmp_path / "texts"
    _hostile_folder(root, tmp_path / "elsewhere", fifo=True)
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink("sub", root / "sub_link")
    texts = read_texts(root)
    rep = texts.report.set_index("source")
    got = {k: (r["status"], r["reject_kind"]) for k, r in rep.iterrows()}
    assert got == {
        ".git": ("skipped", "hidden"),
        ".hidden.txt": ("skipped", "hidden"),
        "a.txt": ("read", ""),
        "dangling.txt": ("skipped", "dangling_link"),
        "empty.txt": ("rejected", "empty"),
        "loop.txt": ("skipped", "symlink_loop"),
        "outside.txt": ("skipped", "outside_link"),
        "pipe.txt": ("skipped", "special_file"),
        "same.txt": ("read", ""),
        "sub/nested.txt": ("read", ""),  # folders of the researcher are read recursively
        "sub_link": ("skipped", "folder_link"),
    }
    assert not texts.documents["text"].str.contains("外部文件").any()
    build = build_corpus(texts)
    assert build.report["texts"]["identity"] == ("11 entries = 3 read + 1 rejected + 7 skipped")
    assert {e["entry"] for e in build.report["skipped_entries"]} == {
        k for k, v in got.items() if v[0] == "skipped"
    }


@needs_fifo
def test_corpus_hash_never_opens_a_fifo(tmp_path):
    raw = tmp_path / "raw"
    _hostile_folder(raw, tmp_path / "elsewhere", fifo=True)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(corpus_hash(raw)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "corpus_hash blocked on the FIFO"
    # the cached build (keyed by the corpus hash) reports the same entries
    cached = build_corpus(raw, cache=tmp_path / "cache")
    assert cached.report == build_corpus(raw).report


def test_same_stem_files_are_both_read_with_distinct_ids(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    html = f"<html><body><p>{ARTICLE.replace('乡镇', '街道')}</p></body></html>"
    (raw / "a.html").write_text(html, encoding="utf-8")
    (raw / "b.txt").write_text(ARTICLE.replace("乡镇", "社区"), encoding="utf-8")
    pages = read_pages(raw)
    assert dict(zip(pages["source_file"], pages["page_id"], strict=True)) == {
        "a.html": "a.html",
        "a.txt": "a.txt",
        "b.txt": "b",  # only the files sharing a stem keep their suffix
    }
    build = build_corpus(raw)
    assert sorted(build.documents["doc_id"]) == ["a.html#01", "a.txt#01", "b#01"]
    out = build_corpus_to(raw, tmp_path / "stream", batch_pages=1)
    assert out[0].read_bytes() == write_corpus(build, tmp_path / "mem")[0].read_bytes()
    # a folder read by read_texts: the same rule on relative paths
    root = tmp_path / "texts"
    (root / "x").mkdir(parents=True)
    (root / "x" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "x" / "a.html").write_text(html, encoding="utf-8")
    (root / "a.txt").write_text(ARTICLE.replace("乡镇", "社区"), encoding="utf-8")
    texts = read_texts(root)
    assert dict(zip(texts.documents["source"], texts.documents["doc_id"], strict=True)) == {
        "a.txt": "a",
        "x/a.html": "x/a.html",
        "x/a.txt": "x/a.txt",
    }
    assert build_corpus(texts).documents["doc_id"].is_unique


def test_output_folder_in_the_input_is_refused_before_writing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    build = build_corpus(raw)
    for out in (raw, raw / "processed", tmp_path):  # equal, inside, holding the input
        with pytest.raises(InvalidParameterError, match="output folder") as err:
            write_corpus(build, out)
        assert str(out) in str(err.value) and str(raw) in str(err.value)
        with pytest.raises(InvalidParameterError, match="output folder"):
            build_corpus_to(raw, out)
        assert sorted(p.name for p in raw.iterdir()) == ["a.txt"]
    # a link to the input folder is the input folder
    os.symlink(raw, tmp_path / "alias")
    with pytest.raises(InvalidParameterError, match="output folder"):
        write_corpus(build, tmp_path / "alias" / "processed")
    # the command line: nothing written, exit status 2, both paths named
    assert main(["-q", "corpus", "build", "--raw", str(raw), "--out", str(raw / "o")]) == 2
    assert main(["-q", "corpus", "build", "--input", str(raw), "--out", str(raw)]) == 2
    assert sorted(p.name for p in raw.iterdir()) == ["a.txt"]
    # [corpus] input and out_dir of textkit.toml
    project = tmp_path / "project"
    (project / "texts").mkdir(parents=True)
    (project / "texts" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    toml = project / "textkit.toml"
    toml.write_text('[corpus]\ninput = "texts"\nout_dir = "texts/processed"\n', "utf-8")
    with pytest.raises(InvalidParameterError, match=r"\[corpus\] out_dir: the output folder"):
        build_corpus_step(load_config(toml))
    assert main(["-q", "--config", str(toml), "corpus", "build"]) == 2
    assert sorted(p.name for p in (project / "texts").iterdir()) == ["a.txt"]
    # an output folder beside the input is fine
    assert write_corpus(build, tmp_path / "out")[0].exists()


def test_short_text_valid_in_gb18030_and_big5_is_flagged(tmp_path, caplog):
    data = "治理".encode("gb18030")
    assert data.decode("big5hkscs") == "笥燴"  # valid in both, nothing tells them apart
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.ingest"):
        res = decode_bytes(data, "short.txt")
    assert res.ok  # read, not dropped …
    note = "; ".join(res.repairs)
    assert note.startswith("ambiguous encoding")  # … but the guess is flagged
    assert "'治理'" in note and "'笥燴'" in note and f"read as {res.encoding}" in note
    assert any("short.txt" in r.getMessage() for r in caplog.records)
    # in a build: the page's repairs in pages.csv and in the report
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "short.txt").write_bytes("关于基层治理\n治理".encode("gb18030")[-4:])
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    build = build_corpus(raw)
    rows = {p["file"]: p for p in build.report["pages"]}
    assert rows["short.txt"]["repairs"].startswith("ambiguous encoding")
    assert rows["a.txt"]["repairs"] == ""
    written = json.loads((write_corpus(build, tmp_path / "out")[4]).read_text(encoding="utf-8"))
    assert "ambiguous encoding" in {p["file"]: p for p in written["pages"]}["short.txt"]["repairs"]
    # texts long enough to tell apart are not flagged (see also
    # corpus/test_ingest.py::test_tie_between_gb18030_and_big5_broken_by_bytes)
    long = "乡镇社会治理创新工作方案，加强基层治理体系建设，维护社会和谐稳定。"
    for text, enc in ((long, "gb18030"), ("基層治理體制機制，維護社會和諧穩定。", "big5hkscs")):
        res = decode_bytes(text.encode(enc))
        assert res.encoding == enc and res.repairs == ()


#: Governance terms in GBK, each also valid Big5 (its Big5 reading after the arrow), and
#: in traditional characters in Big5, each also valid GB18030 (read as GB18030 before).
SHORT_GBK = {"维稳": "峎恛", "治理": "笥燴", "网格员": "厙跡埜", "社区矫正": "扦Е衛淏",
             "综治办": "軘笥域", "村两委": "游謗巹", "乡村振兴": "盺游淥倓"}  # fmt: skip
SHORT_BIG5 = {"維護穩定": "蝴臔铆﹚", "財務公開": "癩叭そ秨", "精準扶貧": "弘非н砲",
              "黨委領導": "囊〆烩旧", "關鍵少數": "闽龄ぶ计"}  # fmt: skip


def test_short_gbk_and_big5_texts_are_read_by_their_common_characters():
    """Where GB18030 and Big5 both decode a short text, the reading whose characters are
    common Chinese characters wins (维稳, not 峎恛; 維護穩定, not 蝴臔铆﹚), and the guess
    is flagged, naming both readings and the counts that decided it."""
    for texts, enc, other in ((SHORT_GBK, "gb18030", "big5hkscs"),
                              (SHORT_BIG5, "big5hkscs", "gb18030")):  # fmt: skip
        for text, misread in texts.items():
            data = text.encode(enc)
            assert data.decode(other) == misread  # valid in both
            res = decode_bytes(data, "short.txt")
            assert (res.encoding, res.text) == (enc, text)
            note = "; ".join(res.repairs)
            assert note.startswith("ambiguous encoding") and f"read as {enc}" in note
            assert f"'{text}'" in note and f"'{misread}'" in note
            assert "commonest Chinese characters" in note
    # a tie between the readings' characters leaves the choice to charset-normalizer
    # (矛盾 in GBK reads 穫嗎 in Big5: common traditional characters too), still flagged
    res = decode_bytes("矛盾".encode("gb18030"))
    assert res.repairs and res.repairs[0].startswith("ambiguous encoding")
    # only Chinese codecs are judged by their characters (a Latin-1 reading is not)
    res = decode_bytes("维稳".encode("gbk"), config=IngestConfig(encodings=("gb18030", "latin-1")))
    assert "commonest" not in "; ".join(res.repairs)
    # a GBK text cut off in its last character that only GB18030 reads (然 is not Big5) is
    # read with the broken byte dropped, as before the comparison
    res = decode_bytes("当然要推进平安建设，维护社会稳定。".encode("gbk")[:-1], "cut.txt")
    assert res.ok and res.encoding == "gb18030" and res.text == "当然要推进平安建设，维护社会稳定"
    assert "incomplete trailing byte" in "; ".join(res.repairs)


def test_short_gbk_file_in_a_folder_is_read_as_its_neighbours(tmp_path, caplog):
    """The audit's folder: short GBK files named by province and year; 维稳.txt (4 bytes) is
    also valid Big5 (峎恛) and used to be read so. Built by the command line, every file is
    GB18030 and 维稳.txt is flagged in the report."""
    folder = tmp_path / "texts" / "甘肃" / "2022"
    folder.mkdir(parents=True)
    for text in ("临夏县召开平安建设推进会", "依法行政", "维稳", "社会治安综合治理",
                 "开展矛盾纠纷排查化解专项行动。"):  # fmt: skip
        (folder / f"{text}.txt").write_bytes(text.encode("gbk"))
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.ingest"):
        code = main(["-q", "corpus", "build", "--input", str(tmp_path / "texts"),
                     "--docvars-from", "{province}/{year}/{name}", "--out", str(out)])  # fmt: skip
    assert code == 0
    import pandas as pd

    docs = pd.read_csv(out / "documents.csv").set_index("name")
    assert set(docs["encoding"]) == {"gb18030"}
    assert docs.loc["维稳.txt", "text"] == "维稳"
    report = json.loads((out / "corpus_report.json").read_text(encoding="utf-8"))
    flagged = {p["file"]: p["repairs"] for p in report["pages"] if p["repairs"]}
    assert list(flagged) == ["甘肃/2022/维稳.txt"]
    assert "read as gb18030" in flagged["甘肃/2022/维稳.txt"]
    assert any("维稳.txt" in r.getMessage() for r in caplog.records)
