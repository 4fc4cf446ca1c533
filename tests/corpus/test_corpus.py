"""Tests for textkit.corpus.build: the build, its accounting and its files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from textkit.corpus.build import (
    DOCUMENT_COLUMNS,
    CorpusConfig,
    build_corpus,
    corpus_config,
    load_corpus,
    write_corpus,
)
from textkit.corpus.clean import CleanConfig

RAW_DIR = Path(__file__).resolve().parents[2] / "corpus" / "raw"
P0 = "000_bf6d7cf6cc31cd7b"
CONTRACT = [c for c in DOCUMENT_COLUMNS if c != "flag_reason"]


def test_documents_table_contract(seed_docs):
    assert len(seed_docs) == 36
    assert [c for c in seed_docs.columns if c in CONTRACT] == CONTRACT
    assert seed_docs["doc_id"].is_unique
    assert seed_docs["doc_id"].tolist() == sorted(seed_docs["doc_id"])
    assert set(seed_docs["status"]) <= {"kept", "flagged", "quarantined"}
    assert (seed_docs["encoding"] == "utf-8").all()
    titles = seed_docs.set_index("doc_id")["title"]
    assert titles["001_aabf14e4f143a46b#01"] == "农村新型基层治理机制建设调研报告（1）"
    assert titles["001_aabf14e4f143a46b#03"] == "创新社会治理体制机制，维护社会和谐稳定"


def test_status_follows_flags(seed_docs):
    for rec in seed_docs.to_dict("records"):
        if rec["status"] == "quarantined":
            continue
        should_flag = bool(rec["is_duplicate"]) or not bool(rec["is_relevant"])
        assert (rec["status"] == "flagged") == should_flag, rec["doc_id"]
        assert bool(rec["flag_reason"]) == should_flag


def test_first_and_second_article_of_000_are_one_duplicate_group(seed_docs):
    d = seed_docs.set_index("doc_id")
    a, b = d.loc[f"{P0}#01"], d.loc[f"{P0}#02"]
    assert a["dup_group"] == b["dup_group"]
    assert int(a["is_duplicate"]) + int(b["is_duplicate"]) == 1
    dup = b if b["is_duplicate"] else a
    assert dup["status"] == "flagged"
    assert "duplicate" in dup["flag_reason"]


def test_report_accounts_for_every_file_and_article(seed_build):
    r = seed_build.report
    assert r["files"] == {"total": 5, "read": 5, "rejected": 0}
    assert r["raw_dir"] == "corpus/raw"
    assert list(r["articles_per_file"].values()) == [5, 4, 10, 8, 9]
    a = r["articles"]
    assert a["found"] == 36 == a["kept"] + a["flagged"] + a["quarantined"]
    assert a["flagged_duplicate"] >= 1
    assert set(r["cleaning"]["per_document"]) == set(seed_build.documents["doc_id"])
    totals = r["cleaning"]["chars_by_rule"]
    for rule in ("opencc", "pdf_footer", "watermark", "mojibake", "placeholder", "rejoin"):
        assert totals[rule] > 0, rule
    assert totals["pdf_footer"] == sum(
        d.get("pdf_footer", 0) for d in r["cleaning"]["per_document"].values()
    )
    assert r["duplicates"]["n_groups"] == len(r["duplicates"]["groups"]) >= 1
    assert r["boilerplate"]["n_paragraphs"] == len(seed_build.boilerplate)
    assert seed_build.pages["n_articles"].tolist() == [5, 4, 10, 8, 9]
    # page headers and footers belong to no article and are counted
    assert all(p["header_chars"] > 0 for p in r["pages"])
    assert [p["footer_chars"] > 0 for p in r["pages"]] == [True, True, False, False, False]
    assert r["split"]["header_chars"] == sum(p["header_chars"] for p in r["pages"])


def test_written_files_are_byte_identical_across_builds(seed_build, tmp_path):
    first = write_corpus(seed_build, tmp_path / "a")
    second = write_corpus(build_corpus(RAW_DIR), tmp_path / "b")
    assert [p.name for p in first] == [
        "documents.parquet",
        "documents.csv",
        "pages.csv",
        "boilerplate.csv",
        "corpus_report.json",
        "corpus_report.md",
    ]
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    report = json.loads((tmp_path / "a" / "corpus_report.json").read_text(encoding="utf-8"))
    assert report["articles"]["found"] == 36
    assert "36 found =" in (tmp_path / "a" / "corpus_report.md").read_text(encoding="utf-8")
    loaded = load_corpus(tmp_path / "a")
    assert loaded["doc_id"].tolist() == seed_build.documents["doc_id"].tolist()
    assert loaded["text"].tolist() == seed_build.documents["text"].tolist()
    (tmp_path / "a" / "documents.parquet").unlink()
    assert load_corpus(tmp_path / "a")["text"].tolist() == loaded["text"].tolist()
    with pytest.raises(FileNotFoundError, match="corpus build"):
        load_corpus(tmp_path / "empty")


def test_config(tmp_path):
    from textkit.core.config import load_config

    assert corpus_config(None) == CorpusConfig()
    toml = tmp_path / "textkit.toml"
    toml.write_text("[clean]\nquarantine_ratio = 0.2\n[split]\nmin_article_chars = 5\n")
    cfg = corpus_config(load_config(toml))
    assert cfg.clean == CleanConfig(quarantine_ratio=0.2)
    assert cfg.split.min_article_chars == 5 and cfg.split.clean == cfg.clean
    with pytest.raises(ValueError, match="clean"):
        CorpusConfig(clean="t2s")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="missing"):
        build_corpus(tmp_path / "missing")


def test_cached_build_equals_fresh_and_follows_the_raw_files(tmp_path, seed_build, caplog):
    import logging
    import shutil

    import pandas as pd

    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    store = tmp_path / "cache"
    with caplog.at_level(logging.INFO, logger="textkit.corpus.build"):
        first = build_corpus(raw, cache=store)
        again = build_corpus(raw, cache=store)  # served from the cache
    built = [r for r in caplog.records if r.getMessage().startswith("corpus built")]
    assert len(built) == 1, "a cold cached build must build the corpus once, a warm one never"
    assert list(store.rglob("*.json")), "the build was not stored"
    for part in ("documents", "pages", "boilerplate"):
        pd.testing.assert_frame_equal(getattr(again, part), getattr(first, part))
        pd.testing.assert_frame_equal(getattr(again, part), getattr(seed_build, part))
    assert again.report["articles"] == seed_build.report["articles"]
    (raw / "004_1031bda60efd16f2.txt").unlink()  # another corpus: never the cached build
    smaller = build_corpus(raw, cache=store)
    assert smaller.report["articles"]["found"] == 36 - 9


def test_cached_build_follows_the_content_of_named_rules_files(tmp_path, caplog):
    """The config holds the paths of the cleaning, genre and era rules: an edited file at
    the same path is never given the earlier build."""
    import logging
    import shutil
    from importlib import resources

    from textkit.corpus.annotate import AnnotateConfig
    from textkit.corpus.clean import load_rules

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / "004_1031bda60efd16f2.txt", raw)
    rules = tmp_path / "cleaning_rules.yaml"
    eras = tmp_path / "eras.yaml"
    for name, path in (("cleaning_rules.yaml", rules), ("eras.yaml", eras)):
        path.write_bytes((resources.files("textkit") / "resources" / name).read_bytes())
    config = CorpusConfig(
        clean=CleanConfig(rules_path=str(rules)), annotate=AnnotateConfig(eras_path=str(eras))
    )
    store = tmp_path / "cache"

    def builds() -> int:
        with caplog.at_level(logging.INFO, logger="textkit.corpus.build"):
            caplog.clear()
            build_corpus(raw, config, cache=store)
            return sum(r.getMessage().startswith("corpus built") for r in caplog.records)

    first_rules = load_rules(rules)
    assert builds() == 1 and builds() == 0  # built, then served from the cache
    for path in (rules, eras):
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        assert builds() == 1, path.name
    assert load_rules(rules) is not first_rules  # the edited file is read again
    assert load_rules(rules) is load_rules(rules)


def test_build_in_worker_processes_equals_one_process(
    seed_raw_dir, seed_build, tmp_path, monkeypatch, pool_starts
):
    """Pages split, cleaned and annotated in two worker processes (one page per task on the
    seed corpus), and the duplicate keys hashed in the same processes, give the build of one
    process, table for table and the report."""
    from textkit.corpus import dedup
    from textkit.corpus.build import build_corpus

    monkeypatch.setattr(dedup, "PARALLEL_MIN_DOCS", 1)
    par = build_corpus(seed_raw_dir, n_jobs=2)
    assert pool_starts == [1]  # cleaning and hashing: one start of the processes
    pd.testing.assert_frame_equal(par.documents, seed_build.documents, check_exact=True)
    pd.testing.assert_frame_equal(par.pages, seed_build.pages, check_exact=True)
    pd.testing.assert_frame_equal(par.boilerplate, seed_build.boilerplate, check_exact=True)
    assert par.report == seed_build.report
    # a file that is rejected shares a task with readable ones and is still accounted for
    for f in seed_raw_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "002b_empty.txt").write_bytes(b"")
    one, two = build_corpus(tmp_path), build_corpus(tmp_path, n_jobs=2)
    pd.testing.assert_frame_equal(two.documents, one.documents, check_exact=True)
    pd.testing.assert_frame_equal(two.pages, one.pages, check_exact=True)
    assert two.report == one.report and "empty" in set(two.pages["reject_kind"])
