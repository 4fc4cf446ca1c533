"""Tests of textkit.corpus.report: what the corpus report says about a researcher's own
date variables."""

from __future__ import annotations

import json
import logging

import textkit as tk
from textkit.corpus.build import CorpusConfig, build_corpus, write_corpus
from textkit.corpus.dedup import DedupConfig
from textkit.corpus.stream import build_corpus_to

_BODY = "为深入推进基层社会治理，现将有关事项通知如下。一、加强矛盾纠纷排查化解。二、完善便民服务。"
_HTML = (
    '<html><head><meta name="PubDate" content="2020-04-15 09:30"><title>通知</title></head>'
    f"<body><p>{_BODY}</p></body></html>"
)


def _folder(root, date_column):
    docs = root / "docs"
    (docs / "浙江").mkdir(parents=True)
    (docs / "浙江" / "a.txt").write_text(_BODY, encoding="utf-8")
    (docs / "浙江" / "b.html").write_text(_HTML, encoding="utf-8")
    (root / "metadata.csv").write_text(
        f"file,{date_column}\n浙江/a.txt,2019-03-12\n浙江/b.html,2020-04-14\n", encoding="utf-8"
    )
    read = {
        "docvars_from": "{province}/{name}",
        "metadata": str(root / "metadata.csv"),
        "dates": [date_column],
    }
    return docs, read


def test_a_date_variable_of_ones_own_is_said_not_to_be_the_publication_date(tmp_path, caplog):
    docs, read = _folder(tmp_path, "发布日期")
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.report"):
        build = build_corpus(tk.read_texts(docs, **read))
    p = build.report["published"]
    # only the HTML file's meta tag dates a document; the metadata dates both
    assert (p["dated"], p["undated"]) == (1, 1)
    assert "'发布日期'" in p["note"] and "name the column 'published'" in p["note"]
    assert "[analysis] trend = '发布日期'" in p["note"]
    assert [r.message.count("name the column 'published'") for r in caplog.records] == [1]
    write_corpus(build, tmp_path / "memory")
    md = (tmp_path / "memory" / "corpus_report.md").read_text("utf-8")
    assert "Note: your date variable(s) '发布日期'" in md
    # the streamed build writes the same report
    build_corpus_to(docs, tmp_path / "stream", read=read)
    for name in ("corpus_report.json", "corpus_report.md"):
        assert (tmp_path / "stream" / name).read_bytes() == (
            tmp_path / "memory" / name
        ).read_bytes()


def test_a_date_column_named_published_dates_every_document(tmp_path):
    docs, read = _folder(tmp_path, "published")
    build = build_corpus(tk.read_texts(docs, **read))
    assert "published" not in build.report  # the researcher's dates win: nothing to count
    assert build.documents["published"].notna().all()
    assert json.dumps(build.report, ensure_ascii=False).count("name the column") == 0


_ORIGINAL = (
    "强化责任落实，筑牢稳定防线。某县坚持把维护社会稳定作为第一责任，建立县乡村三级矛盾纠纷排查化解机制，"
    "每月开展一次集中排查，重大矛盾纠纷实行领导包案，确保小事不出村、大事不出镇、矛盾不上交。"
)
_REPRINT = "政法工作简报 第12期 市委政法委办公室编\n" + _ORIGINAL


def test_a_reprint_kept_over_its_earlier_original_is_reported(tmp_path, caplog):
    docs = tmp_path / "docs"
    for rel, text in (("2019/原文.txt", _ORIGINAL), ("2020/简报转发.txt", _REPRINT)):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    read = {"docvars_from": "{year}/{name}"}
    with caplog.at_level(logging.WARNING, logger="textkit.corpus.report"):
        build = build_corpus(tk.read_texts(docs, **read))
    kept = build.documents.set_index("source")["status"]
    assert kept.to_dict() == {"2019/原文.txt": "flagged", "2020/简报转发.txt": "kept"}
    dup = build.report["duplicates"]
    assert dup["kept_later"] == 1 and len(dup["kept_later_groups"]) == 1
    assert 'keep_earliest_by = "year"' in dup["note"]
    assert sum("keep_earliest_by" in r.message for r in caplog.records) == 1
    write_corpus(build, tmp_path / "memory")
    assert "Note: 1 duplicate group(s)" in (tmp_path / "memory" / "corpus_report.md").read_text(
        "utf-8"
    )
    build_corpus_to(docs, tmp_path / "stream", read=read)
    for name in ("corpus_report.json", "corpus_report.md"):
        assert (tmp_path / "stream" / name).read_bytes() == (
            tmp_path / "memory" / name
        ).read_bytes()
    # the setting keeps the 2019 original, and there is nothing to report
    config = CorpusConfig(dedup=DedupConfig(keep_earliest_by="year"))
    build = build_corpus(tk.read_texts(docs, **read), config)
    assert build.documents.set_index("source").loc["2019/原文.txt", "status"] == "kept"
    assert "kept_later" not in build.report["duplicates"]
