"""Tests for textkit.run.parallel: the local process pool and a Dask LocalCluster give the serial
results, in order, for the generic map and the per-document stages; the streamed path
(units on disk, vocabulary and online LDA read back from the file) equals the in-memory one.

Inputs are real seed articles (``corpus/raw``, converted to simplified Chinese with OpenCC,
cut at the pages' own article markers) kept short so the module stays fast. One two-worker
``LocalCluster`` (processes) is shared by the module and closed at the end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import opencc
import pandas as pd
import pytest

from textkit.core.executor import dask_client, map_documents
from textkit.corpus.parallel import clean_texts_parallel, minhash_parallel
from textkit.dtm.stream import UnitsBowCorpus, stream_vocabulary
from textkit.run.parallel import map_stage
from textkit.segment.stream import (
    iter_units,
    segment_texts_parallel,
    segment_to_parquet,
    warm_segmenters,
)
from textkit.topics.streaming import fit_lda_streaming

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "corpus" / "raw"
_MARKER = re.compile(
    r"^(第[0-9一二三四五六七八九十]+篇[:：]|.{2,40}篇\s*[0-9]+\s*$|.{2,40}第[0-9]+篇\s*$)"
)


def _articles(limit_chars: int = 1500) -> list[tuple[str, str]]:
    """(doc_id, text) of the seed articles: pages cut at their article-marker lines."""
    cc = opencc.OpenCC("t2s")
    out = []
    for path in sorted(RAW.glob("*.txt")):
        ordinal, buf = 0, []
        for line in cc.convert(path.read_text("utf-8")).splitlines():
            if _MARKER.match(line.strip()):
                if ordinal and buf:
                    out.append((f"{path.stem}#{ordinal:02d}", "\n".join(buf)[:limit_chars]))
                ordinal, buf = ordinal + 1, []
            elif ordinal and line.strip():
                buf.append(line.strip())
        if ordinal and buf:
            out.append((f"{path.stem}#{ordinal:02d}", "\n".join(buf)[:limit_chars]))
    return out


@pytest.fixture(scope="module")
def articles() -> list[tuple[str, str]]:
    arts = _articles()
    assert len(arts) >= 20, "the seed pages should give at least 20 articles"
    # a handful, from every page, keeps the module fast
    by_page: dict[str, list] = {}
    for doc_id, text in arts:
        by_page.setdefault(doc_id.split("#")[0], []).append((doc_id, text))
    return [a for page in sorted(by_page) for a in by_page[page][:2]]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pytest.importorskip("distributed", reason="dask.distributed is not installed")
    old = os.environ.get("TEXTKIT_CACHE_DIR")
    os.environ["TEXTKIT_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "tkcache")
    try:
        with dask_client(n_workers=2, processes=True) as c:
            c.wait_for_workers(2, timeout=60)
            yield c
        assert c.status == "closed"
    finally:
        if old is None:
            os.environ.pop("TEXTKIT_CACHE_DIR", None)
        else:
            os.environ["TEXTKIT_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tkcache"))


def _char_profile(text: str) -> tuple[int, int, str]:
    """A per-document function: length, number of CJK characters, the first sentence."""
    n_cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return len(text), n_cjk, re.split(r"[。！？]", text, maxsplit=1)[0]


def _boom(text: str) -> int:
    if "维稳" in text or "稳定" in text:
        raise RuntimeError("failing on purpose")
    return len(text)


def test_map_documents_serial_pool_and_dask_agree(articles, client):
    texts = [t for _, t in articles]
    serial = map_documents(_char_profile, texts)
    assert serial == [_char_profile(t) for t in texts]
    assert map_documents(_char_profile, texts, n_jobs=2) == serial
    assert map_documents(_char_profile, texts, n_jobs=2, chunksize=1) == serial
    assert map_documents(_char_profile, texts, n_jobs=2, chunksize=1000) == serial
    assert map_documents(_char_profile, texts, client=client) == serial
    assert map_documents(_char_profile, texts, client=client, chunksize=3) == serial
    assert map_documents(_char_profile, [], n_jobs=2) == []


def test_worker_errors_reach_the_caller(articles, client):
    texts = [t for _, t in articles]
    assert any("稳定" in t for t in texts)
    with pytest.raises(RuntimeError, match="on purpose"):
        map_documents(_boom, texts, n_jobs=2)
    with pytest.raises(RuntimeError, match="on purpose"):
        map_documents(_boom, texts, client=client)


def test_segment_parallel_equals_segment_corpus(articles, client):
    from textkit.segment.corpus import segment_corpus

    ref = segment_corpus(articles, unit="sentence", cache=False)
    assert ref["doc_id"].nunique() == len(articles)
    assert ref["tokens"].map(len).sum() > 500
    pd.testing.assert_frame_equal(segment_texts_parallel(articles, n_jobs=2), ref)
    pd.testing.assert_frame_equal(segment_texts_parallel(articles, client=client), ref)
    docs = pd.DataFrame(articles, columns=["doc_id", "text"])
    before = docs.copy()
    para_ref = segment_corpus(docs, unit="paragraph", cache=False)
    para = segment_texts_parallel(docs, unit="paragraph", client=client, chunksize=2)
    pd.testing.assert_frame_equal(para, para_ref)
    pd.testing.assert_frame_equal(docs, before)  # input not modified


def test_clean_parallel_equals_clean_text(articles, client):
    clean = pytest.importorskip(
        "textkit.corpus.clean", reason="textkit.corpus.clean is not written yet"
    )
    texts = [t for _, t in articles]
    ref = [clean.clean_text(t) for t in texts]
    assert clean_texts_parallel(texts, n_jobs=2) == ref
    assert clean_texts_parallel(texts, client=client) == ref


def _signature_values(sig) -> np.ndarray:
    return np.asarray(getattr(sig, "hashvalues", sig))


def test_minhash_parallel_equals_local(articles, client):
    dedup = pytest.importorskip(
        "textkit.corpus.dedup", reason="textkit.corpus.dedup is not written yet"
    )
    texts = [t for _, t in articles]
    ref = list(dedup.minhash_signatures(texts))
    for got in (minhash_parallel(texts, n_jobs=2), minhash_parallel(texts, client=client)):
        assert len(got) == len(ref)
        for a, b in zip(got, ref, strict=True):
            np.testing.assert_array_equal(_signature_values(a), _signature_values(b))


@pytest.mark.parametrize(
    ("kwargs", "setting"),
    [
        ({"n_jobs": 0}, "n_jobs"),
        ({"n_jobs": 1.5}, "n_jobs"),
        ({"n_jobs": True}, "n_jobs"),
        ({"chunksize": 0}, "chunksize"),
        ({"client": "tcp://127.0.0.1:8786"}, "client"),
    ],
)
def test_bad_settings_name_the_setting(kwargs, setting):
    with pytest.raises(ValueError, match=setting):
        map_documents(len, ["维稳"], **kwargs)


def test_bad_stage_inputs():
    with pytest.raises(ValueError, match="stage"):
        map_stage("topics", ["维稳"])
    with pytest.raises(ValueError, match="unit"):
        segment_texts_parallel([("a", "维稳")], unit="word")
    with pytest.raises(ValueError, match="duplicate doc_id"):
        segment_texts_parallel([("a", "维稳"), ("a", "法治")])
    with pytest.raises(ValueError, match="single string"):
        clean_texts_parallel("维稳工作")
    with pytest.raises(ValueError, match="n_workers"):
        dask_client(n_workers=0)


def test_warm_segmenters_gives_one_fingerprint(client):
    from textkit.segment.segmenter import get_segmenter

    client.wait_for_workers(2, timeout=60)  # a worker the scheduler lost under load is back
    prints = warm_segmenters(client)
    assert len(prints) == 2
    assert set(prints.values()) == {get_segmenter().fingerprint}


def test_progress_bars_do_not_change_results(articles, monkeypatch, capsys):
    texts = [t for _, t in articles]
    serial = map_documents(_char_profile, texts)
    monkeypatch.setenv("TEXTKIT_PROGRESS", "1")
    assert map_documents(_char_profile, texts, n_jobs=2, chunksize=2) == serial
    out, err = capsys.readouterr()
    assert out == ""  # the library never prints to stdout
    assert "chunks" in err  # the bar went to stderr


def _doc_stream(articles):
    """A generator, as a reader of files would be: nothing is materialised up front."""
    yield from articles


def test_segment_to_parquet_streams_in_batches(articles, tmp_path, client):
    from textkit.segment.corpus import segment_corpus

    ref = segment_corpus(articles, unit="sentence", cache=False)
    path = tmp_path / "units.parquet"
    stats = segment_to_parquet(_doc_stream(articles), path, batch_docs=3)
    assert stats["documents"] == len(articles)
    assert stats["units"] == len(ref)
    assert stats["batches"] == -(-len(articles) // 3)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_row_groups == stats["batches"]
    # read back in record batches smaller than a document: same table
    parts = list(iter_units(path, batch_rows=7))
    assert len(parts) > stats["batches"]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), ref)
    # each batch can itself run in processes or on Dask: same file content
    for kwargs in ({"n_jobs": 2}, {"client": client}):
        other = tmp_path / f"units_{sorted(kwargs)[0]}.parquet"
        segment_to_parquet(_doc_stream(articles), other, batch_docs=4, **kwargs)
        pd.testing.assert_frame_equal(pd.concat(iter_units(other), ignore_index=True), ref)
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))


def test_streamed_units_with_raw_tokens_serve_frame_scoring(articles, tmp_path):
    """with_raw keeps each unit's raw tokens in the file (also from worker processes): read
    back, it is segment_corpus(with_raw=True)'s table, and scores the frames of the articles
    as they score themselves."""
    from textkit.frames.score import score_frames
    from textkit.segment.corpus import segment_corpus

    ref = segment_corpus(articles, unit="sentence", cache=False, with_raw=True)
    for n_jobs in (1, 2):
        path = tmp_path / f"raw{n_jobs}.parquet"
        segment_to_parquet(_doc_stream(articles), path, batch_docs=3, n_jobs=n_jobs, with_raw=True)
        units = pd.concat(iter_units(path), ignore_index=True)
        pd.testing.assert_frame_equal(units, ref)
    docs = pd.DataFrame(articles, columns=["doc_id", "text"])
    pd.testing.assert_frame_equal(
        score_frames(docs, units=units, level="paragraph"),
        score_frames(docs, cache=False, level="paragraph"),
        check_exact=True,
    )
    par = segment_texts_parallel(articles, n_jobs=2, with_raw=True)
    pd.testing.assert_frame_equal(par, ref)
    empty = segment_texts_parallel([], with_raw=True)
    assert list(empty.columns) == list(ref.columns) and empty.empty


def test_segment_to_parquet_rejects_duplicates_without_leaving_a_file(articles, tmp_path):
    path = tmp_path / "units.parquet"
    stream = [*articles[:3], articles[1]]
    with pytest.raises(ValueError, match="duplicate doc_id"):
        segment_to_parquet(iter(stream), path, batch_docs=2)
    assert list(tmp_path.iterdir()) == []  # atomic: no partial file
    with pytest.raises(ValueError, match="batch_docs"):
        segment_to_parquet(articles, path, batch_docs=0)
    segment_to_parquet(articles[:2], path)
    with pytest.raises(ValueError, match="columns"):
        next(iter(iter_units(path, columns=["doc_id", "nope"])))


def test_streamed_vocabulary_corpus_and_lda_equal_in_memory(articles, tmp_path):
    from textkit.dtm.vectorizer import vectorize
    from textkit.segment.corpus import segment_corpus
    from textkit.topics.lda import LdaTopicModel

    units = segment_corpus(articles, unit="sentence", cache=False)
    path = tmp_path / "units.parquet"
    segment_to_parquet(articles, path, batch_docs=4)
    for settings in ({"min_df": 2, "max_df": 0.9}, {"min_df": 1, "max_terms": 50}):
        dtm = vectorize(units, **settings)
        assert stream_vocabulary(path, **settings) == dtm.vocabulary
    dtm = vectorize(units, min_df=2, max_df=0.9)
    corpus = UnitsBowCorpus(path, dtm.vocabulary, batch_rows=7)
    assert len(corpus) == dtm.shape[0]
    assert corpus.doc_ids == dtm.doc_ids
    rows = list(corpus)
    m = dtm.matrix.tocsr()
    for i, row in enumerate(rows):
        dense = dict(zip(m[i].indices.tolist(), m[i].data.tolist(), strict=True))
        assert dict(row) == dense
    assert list(corpus) == rows  # re-iterable: a second pass reads the file again
    settings = {"n_topics": 3, "passes": 2, "iterations": 20, "chunksize": 4, "random_state": 1}
    streamed = fit_lda_streaming(corpus, settings)
    in_memory = LdaTopicModel(**settings).fit(dtm)
    np.testing.assert_array_equal(streamed.get_topics(), in_memory.model_.get_topics())
    with pytest.raises(ValueError, match="n_topics"):
        fit_lda_streaming(corpus, {**settings, "n_topics": len(articles) + 1})


def test_streaming_needs_consecutive_units(articles, tmp_path):
    from textkit.core.io import write_parquet
    from textkit.segment.corpus import segment_corpus

    units = segment_corpus(articles[:3], unit="sentence", cache=False)
    shuffled = pd.concat([units.iloc[::2], units.iloc[1::2]], ignore_index=True)
    path = tmp_path / "shuffled.parquet"
    write_parquet(path, shuffled)
    with pytest.raises(ValueError, match="not consecutive"):
        stream_vocabulary(path)
