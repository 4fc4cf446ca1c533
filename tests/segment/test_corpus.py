"""Tests for textkit.segment.corpus: the units table, its cache and its processes."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from textkit.core import executor
from textkit.segment import corpus as C
from textkit.segment.corpus import segment_corpus
from textkit.segment.rules import (
    DEFAULT_KEEP_SINGLE,
    PLACEHOLDER_RE,
)
from textkit.segment.segmenter import get_segmenter

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------- units


def test_units_contract(seed_pages, seg):
    docs = seed_pages.head(2)
    before = docs.copy(deep=True)
    flat = {}
    for unit in ("sentence", "paragraph", "document"):
        u = segment_corpus(docs, unit=unit, segmenter=seg, cache=False)
        assert list(u.columns[:6]) == ["doc_id", "para_id", "sent_id", "unit_id", "text", "tokens"]
        assert u["doc_id"].unique().tolist() == docs["doc_id"].tolist()
        for _doc_id, g in u.groupby("doc_id", sort=False):
            assert g["unit_id"].tolist() == list(range(len(g)))
        # units split at punctuation / newlines, where jieba never joins across anyway
        flat[unit] = u.groupby("doc_id", sort=False)["tokens"].sum().to_dict()
        if unit == "sentence":
            assert (u["sent_id"] >= 0).all() and (u["para_id"] >= 0).all()
        else:
            assert (u["sent_id"] == -1).all()
        if unit == "document":
            assert len(u) == 2 and (u["para_id"] == -1).all()
    assert flat["sentence"] == flat["paragraph"] == flat["document"]
    pd.testing.assert_frame_equal(docs, before)


def test_with_pos(seed_pages, seg):
    u = segment_corpus(seed_pages.head(1), segmenter=seg, cache=False, with_pos=True)
    assert (u["tokens"].map(len) == u["pos"].map(len)).all()
    for toks, tags in zip(u["tokens"], u["pos"], strict=True):
        for t, p in zip(toks, tags, strict=True):
            assert p == seg.tag(t)
            assert (
                p in seg.config.content_pos
                or t in DEFAULT_KEEP_SINGLE
                or t in seg.frame_terms
                or PLACEHOLDER_RE.match(t)
            )


@pytest.mark.parametrize("unit", ["sentence", "paragraph", "document"])
def test_with_raw_keeps_every_raw_token(seed_pages, seg, tmp_path, unit):
    docs = seed_pages.head(2)
    plain = segment_corpus(docs, unit=unit, segmenter=seg, cache=False)
    raw = segment_corpus(docs, unit=unit, segmenter=seg, cache=False, with_raw=True)
    pd.testing.assert_frame_equal(raw.drop(columns="raw"), plain)
    assert raw["raw"].map("".join).tolist() == raw["text"].tolist()
    assert raw["raw"].map(seg.filter).tolist() == raw["tokens"].tolist()
    # the same from worker processes, and kept apart from the plain table in one cache
    cache = tmp_path / "units.sqlite"
    segment_corpus(docs, unit=unit, segmenter=seg, cache=cache)
    par = segment_corpus(docs, unit=unit, segmenter=seg, cache=cache, with_raw=True, n_jobs=2)
    pd.testing.assert_frame_equal(par, raw)
    again = segment_corpus(docs, unit=unit, segmenter=seg, cache=cache, with_raw=True)
    pd.testing.assert_frame_equal(again, raw)


def test_n_jobs_identical(seed_pages, seg):
    serial = segment_corpus(seed_pages, segmenter=seg, cache=False)
    par = segment_corpus(seed_pages, segmenter=seg, cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, par)


@pytest.mark.parametrize("unit", ["sentence", "paragraph"])
def test_n_jobs_rule_gives_identical_units_on_the_seed_corpus(seed_docs, seg, unit):
    """n_jobs follows the executor's rule (None / 1 serial, -1 every core), same table."""
    docs = seed_docs[["doc_id", "text"]]
    serial = segment_corpus(docs, unit=unit, segmenter=seg, cache=False, with_pos=True, n_jobs=1)
    assert len(serial) > len(docs)
    for n_jobs in (None, 2, -1):
        par = segment_corpus(
            docs, unit=unit, segmenter=seg, cache=False, with_pos=True, n_jobs=n_jobs
        )
        pd.testing.assert_frame_equal(serial, par)


def test_cache_rows_made_in_workers_equal_those_made_here(seed_pages, seg, tmp_path):
    """Worker processes encode the cache rows of what they segment: the stored rows are
    byte for byte those of a serial run, and read back give the same table."""
    rows = {}
    for n_jobs in (1, 2):
        db = tmp_path / f"units{n_jobs}.sqlite"
        segment_corpus(seed_pages, segmenter=seg, cache=db, n_jobs=n_jobs, with_raw=True)
        con = sqlite3.connect(db)
        rows[n_jobs] = con.execute(
            "SELECT key, payload, checksum FROM units ORDER BY key"
        ).fetchall()
        con.close()
    assert len(rows[1]) == len(seed_pages) and rows[2] == rows[1]
    hit = segment_corpus(seed_pages, segmenter=seg, cache=tmp_path / "units2.sqlite", with_raw=True)
    pd.testing.assert_frame_equal(
        hit, segment_corpus(seed_pages, segmenter=seg, cache=False, with_raw=True)
    )


@pytest.mark.parametrize("cache", [False, True])
def test_equal_texts_get_lists_of_their_own(seg, tmp_path, cache):
    """Two documents with the same text share one segmentation, never its lists."""
    text = "坚持依法行政，维护社会稳定。\n推进网格化管理。"
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [text, text, text]})
    units = segment_corpus(docs, segmenter=seg, cache=tmp_path / "u.sqlite" if cache else False,
                           with_raw=True, with_pos=True)  # fmt: skip
    a, b = units[units["doc_id"] == "a"], units[units["doc_id"] == "b"]
    for col in ("tokens", "raw", "pos"):
        assert a[col].tolist() == b[col].tolist()
        ids = [id(x) for x in units[col]]
        assert len(set(ids)) == len(ids)
    units.loc[0, "tokens"].append("改")
    assert "改" not in units.loc[len(a), "tokens"]


def test_n_jobs_spawn_rebuilds_segmenter(seed_pages, seg, monkeypatch):
    # spawn (the start method outside Linux) pickles the segmenter as its config and
    # rebuilds it in the worker: same fingerprint, same results
    import multiprocessing

    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    docs = seed_pages.head(3)
    serial = segment_corpus(docs, segmenter=seg, cache=False)
    par = segment_corpus(docs, segmenter=seg, cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, par)


def test_cache_hit_equals_fresh_and_corruption_recomputed(seed_pages, seg, tmp_path, caplog):
    db = tmp_path / "units.sqlite"
    fresh = segment_corpus(seed_pages, segmenter=seg, cache=False)
    first = segment_corpus(seed_pages, segmenter=seg, cache=db)
    with caplog.at_level(logging.INFO, logger="textkit.segment.corpus"):
        hit = segment_corpus(seed_pages, segmenter=seg, cache=db)
    assert "segmenting" not in caplog.text  # everything came from the cache
    pd.testing.assert_frame_equal(fresh, first)
    pd.testing.assert_frame_equal(fresh, hit)
    con = sqlite3.connect(db)
    n = con.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    assert n == len(seed_pages)
    # corrupt one payload (checksum no longer matches) and one checksum
    key = con.execute("SELECT key FROM units ORDER BY key LIMIT 1").fetchone()[0]
    con.execute("UPDATE units SET payload = ? WHERE key = ?", (b'[[0, 0, "x", ["bad"]]]', key))
    con.commit()
    con.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="textkit.segment.corpus"):
        again = segment_corpus(seed_pages, segmenter=seg, cache=db)
    assert "corrupt segmentation cache entry" in caplog.text
    assert "segmenting 1 of" in caplog.text
    pd.testing.assert_frame_equal(fresh, again)


def test_unreadable_cache_file_is_recreated(seed_pages, seg, tmp_path):
    db = tmp_path / "units.sqlite"
    db.write_bytes(b"this is not an sqlite database" * 100)
    docs = seed_pages.head(2)
    fresh = segment_corpus(docs, segmenter=seg, cache=False)
    pd.testing.assert_frame_equal(fresh, segment_corpus(docs, segmenter=seg, cache=db))
    pd.testing.assert_frame_equal(fresh, segment_corpus(docs, segmenter=seg, cache=db))


def test_docs_input_validation(seg):
    with pytest.raises(ValueError, match="unit"):
        segment_corpus({"a": "x"}, unit="word", segmenter=seg)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="n_jobs: expected an integer >= 1 or -1 or None"):
            segment_corpus({"a": "x"}, n_jobs=bad, segmenter=seg)
    with pytest.raises(ValueError, match="with_pos: expected True or False"):
        segment_corpus({"a": "x"}, with_pos=1, segmenter=seg)
    with pytest.raises(ValueError, match="text"):
        segment_corpus(pd.DataFrame({"doc_id": ["a"]}), segmenter=seg)
    with pytest.raises(ValueError, match="duplicate"):
        segment_corpus([("a", "x"), ("a", "y")], segmenter=seg)


def _gc_state(_: object) -> bool:
    import gc

    return gc.isenabled()


def test_pool_workers_run_with_the_collector_on(seg):
    """The parent pauses the collector while it collects results; workers must not inherit it."""
    import concurrent.futures
    import gc

    with C.paused_gc():
        assert not gc.isenabled()
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=executor._mp_context(), initializer=C._init_worker,
            initargs=(seg, None),
        ) as ex:  # fmt: skip
            assert list(ex.map(_gc_state, [0, 1])) == [True, True]
    assert gc.isenabled()
    with pytest.raises(RuntimeError), C.paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()  # switched back on after an exception too


def test_shared_cache_keeps_settings_apart(seed_pages, seg, tmp_path):
    # one sqlite file, two segmenters: each gets its own results, never the other's
    db = tmp_path / "units.sqlite"
    docs = seed_pages.head(2)
    loose = _build_plain_filters()
    a = segment_corpus(docs, segmenter=seg, cache=db)
    b = segment_corpus(docs, segmenter=loose, cache=db)
    assert not a["tokens"].equals(b["tokens"])
    pd.testing.assert_frame_equal(b, segment_corpus(docs, segmenter=loose, cache=False))
    pd.testing.assert_frame_equal(a, segment_corpus(docs, segmenter=seg, cache=db))
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 2 * len(docs)
    con.close()


def _build_plain_filters():
    return get_segmenter(drop_officialese=False, pos_filter=False)
