"""Benchmark every stage on a corpus of a chosen size, with a peer measured in the same run.

Run::

    .venv/bin/python benchmarks/run.py --mb 10            # synthetic 10 MB corpus
    .venv/bin/python benchmarks/run.py --seed-corpus      # the 5 seed pages
    .venv/bin/python benchmarks/run.py --mb 1 --repeat 3  # median of 3 timings per task
    .venv/bin/python benchmarks/run.py --mb 10 --rounds 3 # all tasks 3 times, interleaved

The synthetic corpus is made by ``benchmarks/synth.py`` (cached in ``--work``). Every
measurement ("task") runs in a **fresh subprocess** that loads its input from the work
directory, warms up (builds the segmenter, initialises jieba, starts the Dask cluster) and
then times only the stage call. Peak RSS is that subprocess's ``ru_maxrss`` (input loading
included), plus the largest child process (``RUSAGE_CHILDREN``: pool workers) or, for Dask,
the largest worker. Numbers are therefore per stage, never a running maximum.

Peers (same input, same process count, same subprocess setup):

* segmentation (``Segmenter.tokenize`` per document, and ``segment_corpus`` into sentence
  units) vs plain ``jieba.lcut`` with jieba's default dictionary and HMM, single process;
* ``segment_corpus(n_jobs=2)`` vs ``n_jobs=1``, and vs ``jieba.lcut`` in 2 processes;
* ``segment_texts_parallel`` on a 2-worker Dask ``LocalCluster`` vs ``n_jobs=1``;
* the streamed corpus build (``build_corpus_to``, which also writes the corpus files) vs the
  in-memory ``build_corpus``, time and peak RSS;
* ``find_duplicates`` vs computing the character shingles alone;
* ``LdaTopicModel`` (gensim's training with textkit's vectorised E-step) vs plain gensim
  ``LdaModel`` with the same settings, and vs scikit-learn's online
  ``LatentDirichletAllocation`` with the same number of topics, passes = ``max_iter``, E-step
  iterations, batch size (and tomotopy when importable);
* ``cooccurrence`` vs a ``collections.Counter`` over the node pairs of every sentence (the
  counts are checked to be equal).

Then, on the same synthetic corpus, the **end to end** comparison of ``benchmarks/e2e.py``
(textkit's whole analysis against the chain a researcher writes by hand, in one process and
with a 2-process pool, and against textkit's previous path, with peak RSS; ``--skip e2e``
leaves it out, and it is not run on the seed corpus).

Stages whose module is not in the tree yet are reported as ``n/a``. No timing is asserted
anywhere; the goals are printed next to the measured values.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

N_TOPICS = 20
LDA_PASSES = 5
LDA_ITERATIONS = 50
LDA_BATCH = 2000
COOC_NODES = 200
STREAM_BATCH = 500
#: Tasks run in the first round only (slow, and their ratio does not depend on load much).
ONCE = ("docs", "docs_stream", "dedup", "frames", "frames2")
#: Raw files per batch of the streamed corpus build (build_corpus_to's default).
CORPUS_BATCH_PAGES = 50


# --------------------------------------------------------------------------------------
# helpers used inside task subprocesses


def _rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest waited-for child, in MB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _cpu_seconds() -> float:
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


#: CPU seconds and 1-minute load average of the last timed call of this task process.
_LAST: dict[str, float] = {}


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall seconds of ``repeat`` calls; CPU seconds (this process and reaped
    children, i.e. pool workers; not Dask workers) and the load average go to ``_LAST``."""
    times, cpus, out = [], [], None
    for _ in range(repeat):
        c0 = _cpu_seconds()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(_cpu_seconds() - c0)
    _LAST["cpu"] = statistics.median(cpus)
    _LAST["load"] = os.getloadavg()[0]
    return statistics.median(times), out


def _docs(work: Path):
    import pandas as pd

    return pd.read_parquet(work / "docs.parquet")


def _pairs(work: Path) -> list[tuple[str, str]]:
    d = _docs(work)
    return list(zip(d["doc_id"].astype(str), d["text"].astype(str), strict=True))


def _units(work: Path):
    from textkit.core.cache import _read_parquet_bytes

    return _read_parquet_bytes((work / "units.parquet").read_bytes())


def split_articles(raw: Path) -> list[tuple[str, str]]:
    """``(doc_id, text)`` of every article of the page files in ``raw``, split on the
    article-marker lines (``synth.MARKER_RE``: ``第N篇:`` ...); ``doc_id`` is
    ``<file stem>#<ordinal:02d>``, the text its non-empty stripped lines joined by newlines."""
    from synth import MARKER_RE

    rows = []
    for path in sorted(raw.glob("*.txt")):
        k, buf = 0, []
        for line in path.read_text("utf-8").splitlines():
            s = line.strip()
            if MARKER_RE.match(s):
                if k and buf:
                    rows.append((f"{path.stem}#{k:02d}", "\n".join(buf)))
                k, buf = k + 1, []
            elif k and s:
                buf.append(s)
        if k and buf:
            rows.append((f"{path.stem}#{k:02d}", "\n".join(buf)))
    return rows


def _jieba_lcut_chunk(texts: list[str]) -> int:
    import jieba

    return sum(len(jieba.lcut(t)) for t in texts)


# --------------------------------------------------------------------------------------
# tasks: each returns a dict of measurements


def task_docs(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    """Build the documents table: textkit.corpus.build.build_corpus, or a fallback split."""
    import pandas as pd

    from textkit.core.io import write_parquet

    raw_chars = sum(len(p.read_text("utf-8", errors="replace")) for p in sorted(raw.glob("*")))
    try:
        from textkit.corpus.build import build_corpus
    except ImportError:
        build_corpus = None
    docs = None
    why = "textkit.corpus.build missing"
    if build_corpus is not None:
        try:
            secs, build = _timed(lambda: build_corpus(raw), repeat)
            docs = build.documents
            label = "corpus build (ingest..annotate)"
        except ImportError as exc:  # a stage module of the build is not written yet
            why = str(exc)
    if docs is None:
        import opencc

        cc = opencc.OpenCC("t2s")

        def fallback() -> pd.DataFrame:
            rows = [(doc_id, cc.convert(text)) for doc_id, text in split_articles(raw)]
            return pd.DataFrame(rows, columns=["doc_id", "text"])

        secs, docs = _timed(fallback, repeat)
        label = "FALLBACK split+OpenCC"
        print(f"documents: fallback split + OpenCC ({why})", file=sys.stderr)
    table = pd.DataFrame(
        {
            "doc_id": docs["doc_id"].astype(str),
            "text": docs["text"].astype(str),
            "text_raw": docs["text_raw"].astype(str) if "text_raw" in docs else docs["text"],
        }
    )
    if "is_duplicate" in docs.columns:
        table["is_duplicate"] = docs["is_duplicate"].astype(bool)
    write_parquet(work / "docs.parquet", table)
    return {
        "label": label,
        "seconds": secs,
        "chars": raw_chars,
        "docs": len(table),
        "text_chars": int(table["text"].str.len().sum()),
    }


def task_docs_stream(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    """textkit.corpus.stream.build_corpus_to: the streamed build, writing the corpus files."""
    import pyarrow.parquet as pq

    from textkit.corpus.stream import build_corpus_to

    raw_chars = sum(len(p.read_text("utf-8", errors="replace")) for p in sorted(raw.glob("*")))
    out = work / "corpus_stream"
    secs, _ = _timed(lambda: build_corpus_to(raw, out, batch_pages=CORPUS_BATCH_PAGES), repeat)
    return {
        "seconds": secs,
        "chars": raw_chars,
        "docs": pq.ParquetFile(out / "documents.parquet").metadata.num_rows,
    }


def task_clean(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.corpus.clean import clean_text

    texts = _docs(work)["text_raw"].tolist()
    clean_text(texts[0])
    secs, _ = _timed(lambda: [clean_text(t) for t in texts], repeat)
    return {"seconds": secs, "chars": sum(map(len, texts)), "docs": len(texts)}


def task_lcut1(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    import jieba

    from textkit.core import paths as _paths

    texts = [t for _, t in _pairs(work)]
    jieba.setLogLevel(40)
    jieba.dt.tmp_dir = str(_paths.cache_dir("jieba"))  # the peer's cache stays in the project
    jieba.initialize()
    secs, n = _timed(lambda: sum(len(jieba.lcut(t)) for t in texts), repeat)
    return {"seconds": secs, "chars": sum(map(len, texts)), "docs": len(texts), "tokens": n}


def task_lcut2(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    import jieba

    from textkit.core import paths as _paths
    from textkit.core.executor import map_documents

    texts = [t for _, t in _pairs(work)]
    jieba.setLogLevel(40)
    jieba.dt.tmp_dir = str(_paths.cache_dir("jieba"))  # the peer's cache stays in the project
    jieba.initialize()  # forked workers inherit the loaded dictionary
    size = max(1, len(texts) // (jobs * 4))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    secs, n = _timed(lambda: sum(map_documents(_jieba_lcut_chunk, chunks, n_jobs=jobs)), repeat)
    return {"seconds": secs, "chars": sum(map(len, texts)), "docs": len(texts), "tokens": n}


def task_tokenize1(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.segment.segmenter import Segmenter

    texts = [t for _, t in _pairs(work)]
    seg = Segmenter()
    seg.tokenize(texts[0])
    secs, n = _timed(lambda: sum(len(seg.tokenize(t)) for t in texts), repeat)
    return {"seconds": secs, "chars": sum(map(len, texts)), "docs": len(texts), "tokens": n}


def _segment_task(work: Path, repeat: int, n_jobs: int, save: bool) -> dict:
    from textkit.core.io import write_parquet
    from textkit.segment.corpus import segment_corpus
    from textkit.segment.segmenter import Segmenter

    pairs = _pairs(work)
    seg = Segmenter()
    seg.tokenize(pairs[0][1])
    secs, units = _timed(
        lambda: segment_corpus(pairs, unit="sentence", segmenter=seg, n_jobs=n_jobs, cache=False),
        repeat,
    )
    if save:
        write_parquet(work / "units.parquet", units)
    return {
        "seconds": secs,
        "chars": sum(len(t) for _, t in pairs),
        "docs": len(pairs),
        "units": len(units),
        "tokens": int(units["tokens"].map(len).sum()),
    }


def task_segment1(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _segment_task(work, repeat, 1, save=True)


def task_segment2(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _segment_task(work, repeat, jobs, save=False)


def task_segment_cached(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    """Warm rerun of segment_corpus: its sqlite cache is filled first (not timed)."""
    from textkit.segment.corpus import segment_corpus
    from textkit.segment.segmenter import Segmenter

    pairs = _pairs(work)
    seg = Segmenter()
    db = work / "cache" / "segment_bench.sqlite"
    db.unlink(missing_ok=True)
    segment_corpus(pairs, unit="sentence", segmenter=seg, n_jobs=jobs, cache=db)  # cold fill
    secs, units = _timed(
        lambda: segment_corpus(pairs, unit="sentence", segmenter=seg, n_jobs=jobs, cache=db),
        repeat,
    )
    return {
        "seconds": secs,
        "chars": sum(len(t) for _, t in pairs),
        "docs": len(pairs),
        "units": len(units),
    }


def task_segment_stream(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    """segment_to_parquet fed by a generator over docs.parquet record batches."""
    import pyarrow.parquet as pq

    from textkit.segment.segmenter import get_segmenter
    from textkit.segment.stream import segment_to_parquet

    seg = get_segmenter()
    seg.tokenize("维护社会稳定")
    chars = 0

    def stream():
        nonlocal chars
        chars = 0
        pf = pq.ParquetFile(str(work / "docs.parquet"))
        for rb in pf.iter_batches(batch_size=STREAM_BATCH, columns=["doc_id", "text"]):
            for doc_id, text in zip(
                rb.column(0).to_pylist(), rb.column(1).to_pylist(), strict=True
            ):
                chars += len(text)
                yield doc_id, text

    out = work / "units_stream.parquet"
    secs, stats = _timed(
        lambda: segment_to_parquet(stream(), out, config=seg, batch_docs=STREAM_BATCH, n_jobs=jobs),
        repeat,
    )
    return {"seconds": secs, "chars": chars, "docs": stats["documents"], "units": stats["units"]}


def task_segment_pool(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.segment.segmenter import get_segmenter
    from textkit.segment.stream import segment_texts_parallel

    pairs = _pairs(work)
    seg = get_segmenter()
    seg.tokenize(pairs[0][1])
    secs, units = _timed(lambda: segment_texts_parallel(pairs, config=seg, n_jobs=jobs), repeat)
    return {
        "seconds": secs,
        "chars": sum(len(t) for _, t in pairs),
        "docs": len(pairs),
        "units": len(units),
    }


def _worker_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def task_segment_dask(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.core.executor import dask_client
    from textkit.segment.stream import segment_texts_parallel, warm_segmenters

    pairs = _pairs(work)
    with dask_client(n_workers=jobs) as client:
        client.wait_for_workers(jobs, timeout=120)
        warm_segmenters(client)  # dictionary load on every worker, outside the timing
        before = client.run(_worker_cpu)
        secs, units = _timed(lambda: segment_texts_parallel(pairs, client=client), repeat)
        after = client.run(_worker_cpu)
        worker_rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # CPU of the Dask workers during the timed calls (per call), added to the client's
    _LAST["cpu"] += sum(after[w] - before[w] for w in after) / repeat
    return {
        "seconds": secs,
        "chars": sum(len(t) for _, t in pairs),
        "docs": len(pairs),
        "units": len(units),
        "worker_rss_mb": max(worker_rss.values()),
    }


def _dedup_config():
    from textkit.corpus import dedup

    cfg_cls = getattr(dedup, "DedupConfig", None)
    return cfg_cls() if cfg_cls is not None else None


def task_dedup(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.corpus.dedup import find_duplicates

    docs = _docs(work)[["doc_id", "text"]]
    secs, out = _timed(lambda: find_duplicates(docs), repeat)
    res = {"seconds": secs, "chars": int(docs["text"].str.len().sum()), "docs": len(docs)}
    manifest = work / "planted.json"
    if manifest.exists() and "is_duplicate" in out.columns:
        planted = json.loads(manifest.read_text("utf-8"))
        flagged = set(out.loc[out["is_duplicate"].astype(bool), "doc_id"].astype(str))
        pairs = [p for p in planted if p["copy"] in set(out["doc_id"])]
        found = sum(1 for p in pairs if p["copy"] in flagged or p["original"] in flagged)
        res["planted_found"] = f"{found}/{len(pairs)}"
        res["flagged"] = len(flagged)
    return res


def task_shingles(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    cfg = None
    try:
        cfg = _dedup_config()
    except ImportError:
        pass
    k = 5
    for name in ("shingle_size", "shingle", "k", "ngram", "shingle_k"):
        if cfg is not None and isinstance(getattr(cfg, name, None), int):
            k = getattr(cfg, name)
            break
    texts = _docs(work)["text"].tolist()

    def shingles() -> int:
        n = 0
        for t in texts:
            s = re.sub(r"\s+", "", t)
            n += len({s[i : i + k] for i in range(max(1, len(s) - k + 1))})
        return n

    secs, n = _timed(shingles, repeat)
    return {"seconds": secs, "chars": sum(map(len, texts)), "docs": len(texts), "k": k}


def _dtm(work: Path):
    from textkit.dtm.vectorizer import vectorize

    return vectorize(_units(work), min_df=2, max_df=0.5)


def task_vectorize(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.dtm.vectorizer import vectorize

    units = _units(work)
    secs, dtm = _timed(lambda: vectorize(units, min_df=2, max_df=0.5), repeat)
    return {
        "seconds": secs,
        "tokens": int(units["tokens"].map(len).sum()),
        "docs": dtm.shape[0],
        "terms": dtm.shape[1],
    }


def _paragraph_dtm(work: Path):
    """Terms per paragraph (the unit of notebook 03): short documents, many of them."""
    from textkit.dtm.vectorizer import vectorize

    units = _units(work)
    units = units.assign(paragraph=units["doc_id"] + "/" + units["para_id"].astype(str))
    return vectorize(units, min_df=2, max_df=0.5, group_by="paragraph")


def _lda_textkit(dtm, repeat: int) -> dict:
    from textkit.topics.lda import LdaTopicModel

    secs, _ = _timed(
        lambda: LdaTopicModel(
            n_topics=N_TOPICS,
            random_state=0,
            passes=LDA_PASSES,
            iterations=LDA_ITERATIONS,
            chunksize=LDA_BATCH,
        ).fit(dtm),
        repeat,
    )
    return {"seconds": secs, "docs": dtm.shape[0], "terms": dtm.shape[1]}


def _lda_gensim(dtm, repeat: int) -> dict:
    """Plain gensim ``LdaModel`` with LdaTopicModel's settings: its own per-document E-step."""
    import numpy as np
    from gensim.models import LdaModel

    from textkit.topics._common import _bow, _dictionary

    matrix = dtm.matrix.tocsr()
    corpus, id2word = _bow(matrix), _dictionary(dtm.vocabulary, matrix)

    def fit() -> None:
        model = LdaModel(
            corpus=None,
            id2word=id2word,
            num_topics=N_TOPICS,
            chunksize=LDA_BATCH,
            passes=LDA_PASSES,
            iterations=LDA_ITERATIONS,
            eval_every=None,
            minimum_probability=0.0,
            random_state=0,
            dtype=np.float64,
            update_every=1,
        )
        model.update(corpus)

    secs, _ = _timed(fit, repeat)
    return {"seconds": secs, "docs": dtm.shape[0], "terms": dtm.shape[1]}


def task_lda_textkit(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _lda_textkit(_dtm(work), repeat)


def task_lda_gensim(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _lda_gensim(_dtm(work), repeat)


def task_lda_par_textkit(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _lda_textkit(_paragraph_dtm(work), repeat)


def task_lda_par_gensim(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    return _lda_gensim(_paragraph_dtm(work), repeat)


def task_lda_sklearn(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from sklearn.decomposition import LatentDirichletAllocation

    dtm = _dtm(work)
    X = dtm.matrix.astype("float64")
    secs, _ = _timed(
        lambda: LatentDirichletAllocation(
            n_components=N_TOPICS,
            learning_method="online",
            max_iter=LDA_PASSES,
            max_doc_update_iter=LDA_ITERATIONS,
            batch_size=LDA_BATCH,
            total_samples=X.shape[0],
            random_state=0,
            n_jobs=1,
        ).fit(X),
        repeat,
    )
    return {"seconds": secs, "docs": X.shape[0], "terms": X.shape[1]}


def task_lda_stream(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    """fit_lda_streaming over the units file (vocabulary of vectorize(min_df=2, max_df=0.5))."""
    import gensim.models  # noqa: F401  (imported outside the timing, as textkit.topics.lda is)

    from textkit.dtm.stream import UnitsBowCorpus, stream_vocabulary
    from textkit.topics.streaming import fit_lda_streaming

    path = work / "units.parquet"
    vocab = stream_vocabulary(path, min_df=2, max_df=0.5)
    corpus = UnitsBowCorpus(path, vocab)
    n_docs = len(corpus)
    cfg = {
        "n_topics": N_TOPICS,
        "random_state": 0,
        "passes": LDA_PASSES,
        "iterations": LDA_ITERATIONS,
        "chunksize": LDA_BATCH,
    }
    secs, _ = _timed(lambda: fit_lda_streaming(corpus, cfg), repeat)
    return {"seconds": secs, "docs": n_docs, "terms": len(vocab)}


def task_lda_tomotopy(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    import tomotopy as tp

    dtm = _dtm(work)
    vocab = dtm.vocabulary
    docs = []
    m = dtm.matrix.tocsr()
    for i in range(m.shape[0]):
        row = m.getrow(i)
        words = [vocab[j] for j, c in zip(row.indices, row.data, strict=True) for _ in range(c)]
        if words:
            docs.append(words)

    def fit() -> None:
        mdl = tp.LDAModel(k=N_TOPICS, seed=0)
        for w in docs:
            mdl.add_doc(w)
        mdl.train(LDA_PASSES * LDA_ITERATIONS, workers=1)

    secs, _ = _timed(fit, repeat)
    return {"seconds": secs, "docs": len(docs), "terms": dtm.shape[1]}


def _node_terms(units, n: int) -> list[str]:
    from collections import Counter

    freq = Counter(t for toks in units["tokens"] for t in toks)
    return [t for t, c in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][:n]


def task_cooc(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.cooc import CoocConfig, cooccurrence

    units = _units(work)
    nodes = _node_terms(units, COOC_NODES)
    cfg = CoocConfig(unit="sentence", node_selection="list", nodes=tuple(nodes), min_count=2)
    secs, res = _timed(lambda: cooccurrence(units, cfg), repeat)
    edges = {
        (s, t): int(c) for s, t, c in res.edges[["source", "target", "count"]].itertuples(False)
    }
    (work / "cooc_edges.json").write_text(
        json.dumps(sorted([s, t, c] for (s, t), c in edges.items()), ensure_ascii=False), "utf-8"
    )
    return {
        "seconds": secs,
        "tokens": int(units["tokens"].map(len).sum()),
        "units": len(units),
        "edges": len(edges),
    }


def task_cooc_counter(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from collections import Counter
    from itertools import combinations

    units = _units(work)
    nodes = set(_node_terms(units, COOC_NODES))
    token_lists = units["tokens"].tolist()

    def count() -> Counter:
        c: Counter = Counter()
        for toks in token_lists:
            present = sorted({t for t in toks if t in nodes})
            c.update(combinations(present, 2))
        return c

    secs, c = _timed(count, repeat)
    mine = sorted([s, t, n] for (s, t), n in c.items() if n >= 2)
    ref_path = work / "cooc_edges.json"
    same = None
    if ref_path.exists():
        same = json.loads(ref_path.read_text("utf-8")) == mine
    return {
        "seconds": secs,
        "tokens": int(units["tokens"].map(len).sum()),
        "units": len(units),
        "edges": len(mine),
        "counts_equal": same,
    }


def task_frames(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.frames.score import score_frames

    docs = _docs(work)[["doc_id", "text"]]
    score_frames(docs.head(2))  # warm-up: lexicon and segmenter built outside the timing
    secs, _ = _timed(lambda: score_frames(docs), repeat)
    return {"seconds": secs, "chars": int(docs["text"].str.len().sum()), "docs": len(docs)}


def task_frames2(work: Path, raw: Path, repeat: int, jobs: int) -> dict:
    from textkit.frames.score import score_frames

    docs = _docs(work)[["doc_id", "text"]]
    score_frames(docs.head(2))  # the parent's segmenter, inherited by the forked workers
    secs, _ = _timed(lambda: score_frames(docs, n_jobs=jobs), repeat)
    return {"seconds": secs, "chars": int(docs["text"].str.len().sum()), "docs": len(docs)}


TASKS: dict[str, Callable[..., dict]] = {
    "docs": task_docs,
    "docs_stream": task_docs_stream,
    "clean": task_clean,
    "lcut1": task_lcut1,
    "tokenize1": task_tokenize1,
    "segment1": task_segment1,
    "lcut2": task_lcut2,
    "segment2": task_segment2,
    "segment_cached": task_segment_cached,
    "segment_stream": task_segment_stream,
    "segment_pool": task_segment_pool,
    "segment_dask": task_segment_dask,
    "shingles": task_shingles,
    "dedup": task_dedup,
    "vectorize": task_vectorize,
    "lda_textkit": task_lda_textkit,
    "lda_gensim": task_lda_gensim,
    "lda_par_textkit": task_lda_par_textkit,
    "lda_par_gensim": task_lda_par_gensim,
    "lda_sklearn": task_lda_sklearn,
    "lda_stream": task_lda_stream,
    "lda_tomotopy": task_lda_tomotopy,
    "cooc": task_cooc,
    "cooc_counter": task_cooc_counter,
    "frames": task_frames,
    "frames2": task_frames2,
}


def _run_task_here(name: str, work: Path, raw: Path, repeat: int, jobs: int) -> None:
    """Entry point of a task subprocess: run, then write ``<work>/result_<name>.json``."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    try:
        res = TASKS[name](work, raw, repeat, jobs)
        res["ok"] = True
        res.update(_LAST)
    except ImportError as exc:
        res = {"ok": False, "error": f"n/a ({exc})"}
    own, kids = _rss_mb()
    res["rss_mb"] = own
    res["child_rss_mb"] = kids
    (work / f"result_{name}.json").write_text(json.dumps(res, ensure_ascii=False), "utf-8")


# --------------------------------------------------------------------------------------
# orchestration


def _spawn(name: str, work: Path, raw: Path, repeat: int, jobs: int, env: dict) -> dict:
    out = work / f"result_{name}.json"
    out.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--task",
        name,
        "--work",
        str(work),
        "--raw",
        str(raw),
        "--repeat",
        str(repeat),
        "--jobs",
        str(jobs),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        return {"ok": False, "error": "failed: " + " | ".join(tail), "wall": wall}
    res = json.loads(out.read_text("utf-8"))
    res["wall"] = wall
    return res


def _fmt_rate(res: dict, key: str) -> str:
    if not res.get("ok") or not res.get("seconds"):
        return ""
    s = res["seconds"]
    if key == "chars":
        return f"{res['chars'] / s / 1e6:.3f} M chars/s"
    if key == "tokens":
        return f"{res['tokens'] / s / 1e6:.3f} M tok/s"
    return f"{res['docs'] / s:,.0f} docs/s"


def _ratio(a: dict, b: dict, key: str = "seconds") -> float | None:
    if a.get("ok") and b.get("ok") and a.get(key) and b.get(key):
        return b[key] / a[key]
    return None


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(description="textkit stage benchmarks with peer ratios")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--mb", type=float, help="synthetic corpus size in MB (1, 10, 50)")
    src.add_argument("--seed-corpus", action="store_true", help="benchmark corpus/raw itself")
    ap.add_argument("--work", type=Path, default=Path("/tmp/textkit-bench"), help="work dir")
    ap.add_argument("--raw", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=1, help="timings per task (median)")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the parallel rows")
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run all tasks this many times, interleaved, and report medians (load drift "
        "then affects stages and peers alike)",
    )
    ap.add_argument("--skip", default="", help="comma-separated task names to skip")
    ap.add_argument("--task", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.task:
        _run_task_here(args.task, args.work, args.raw, args.repeat, args.jobs)
        return 0

    from synth import generate, manifest_path

    if args.seed_corpus:
        raw, label = ROOT / "corpus" / "raw", "seed corpus"
        work = args.work / "seed"
    else:
        mb = args.mb or 1.0
        raw, label = args.work / f"synth{mb:g}", f"synthetic {mb:g} MB"
        work = args.work / f"work{mb:g}"
        if not manifest_path(raw).exists():
            generate(mb, raw)
    work.mkdir(parents=True, exist_ok=True)
    if manifest_path(raw).exists():
        planted = json.loads(manifest_path(raw).read_text("utf-8"))["near_duplicates"]
        (work / "planted.json").write_text(json.dumps(planted), "utf-8")
    env = dict(os.environ)
    env["TEXTKIT_CACHE_DIR"] = str(work / "cache")
    env["PYTHONPATH"] = str(ROOT / "benchmarks") + os.pathsep + env.get("PYTHONPATH", "")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    results: dict[str, dict] = {}
    runs: dict[str, list[dict]] = {}
    for rnd in range(args.rounds):
        for name in TASKS:
            # the slow stages without a parallel peer are measured once
            if name in skip or (rnd > 0 and name in ONCE):
                continue
            r = _spawn(name, work, raw, args.repeat, args.jobs, env)
            runs.setdefault(name, []).append(r)
            print(
                f"  round {rnd + 1} {name:13s} {'ok' if r.get('ok') else r.get('error', '')[:90]}"
                f"  {r.get('seconds', float('nan')):.2f}s (wall {r.get('wall', 0):.1f}s)",
                file=sys.stderr,
                flush=True,
            )
            if name == "docs" and not r.get("ok"):
                print(f"cannot build the documents table: {r.get('error')}", file=sys.stderr)
                return 1
    for name in TASKS:
        rs = [r for r in runs.get(name, []) if r.get("ok")]
        if name in skip:
            results[name] = {"ok": False, "error": "skipped"}
        elif not rs:
            results[name] = runs[name][0]
        else:
            # median over rounds for times; the largest peak RSS seen
            merged = dict(rs[0])
            for key in ("seconds", "cpu", "load"):
                vals = [r[key] for r in rs if key in r]
                if vals:
                    merged[key] = statistics.median(vals)
            for key in ("rss_mb", "child_rss_mb", "worker_rss_mb"):
                vals = [r[key] for r in rs if key in r]
                if vals:
                    merged[key] = max(vals)
            merged["rounds"] = len(rs)
            results[name] = merged

    R = results
    j = args.jobs
    rows = [
        ("docs", R["docs"].get("label", "documents"), "chars", None, None, ""),
        (
            "docs_stream",
            f"corpus build streamed+write, {CORPUS_BATCH_PAGES} pg/batch",
            "chars",
            "docs",
            "vs in-memory",
            "",
        ),
        ("clean", "clean_text per document", "chars", None, None, ""),
        ("lcut1", "peer: jieba.lcut, 1 process", "chars", None, None, ""),
        (
            "tokenize1",
            "Segmenter.tokenize, 1 process",
            "chars",
            "lcut1",
            "vs jieba.lcut",
            "goal >= 0.8",
        ),
        (
            "segment1",
            "segment_corpus sentences, n_jobs=1",
            "chars",
            "lcut1",
            "vs jieba.lcut",
            "",
        ),
        ("lcut2", f"peer: jieba.lcut, {j} processes", "chars", "lcut1", "vs lcut 1 proc", ""),
        (
            "segment2",
            f"segment_corpus, n_jobs={j}",
            "chars",
            "segment1",
            "vs n_jobs=1",
            "goal >= 1.7",
        ),
        (
            "segment_cached",
            f"segment_corpus warm cache, n_jobs={j}",
            "chars",
            "segment2",
            "vs cold n_jobs=" + str(j),
            "",
        ),
        (
            "segment_stream",
            f"segment_to_parquet streamed, n_jobs={j}",
            "chars",
            "segment2",
            "vs in-memory",
            "",
        ),
        (
            "segment_pool",
            f"segment_texts_parallel, n_jobs={j}",
            "chars",
            "segment1",
            "vs n_jobs=1",
            "",
        ),
        (
            "segment_dask",
            f"segment_texts_parallel, Dask {j} workers",
            "chars",
            "segment1",
            "vs n_jobs=1",
            "",
        ),
        ("shingles", "peer: char shingles alone", "chars", None, None, ""),
        ("dedup", "find_duplicates", "chars", "shingles", "vs shingles", ""),
        ("vectorize", "vectorize (min_df=2)", "tokens", None, None, ""),
        ("lda_sklearn", "peer: sklearn online LDA", "docs", None, None, ""),
        (
            "lda_textkit",
            f"LdaTopicModel K={N_TOPICS} passes={LDA_PASSES}",
            "docs",
            "lda_sklearn",
            "vs sklearn",
            "",
        ),
        ("lda_gensim", "peer: gensim LdaModel, same settings", "docs", None, None, ""),
        ("lda_textkit", "LdaTopicModel, articles", "docs", "lda_gensim", "vs gensim", ""),
        ("lda_par_gensim", "peer: gensim LdaModel, paragraphs", "docs", None, None, ""),
        (
            "lda_par_textkit",
            "LdaTopicModel, paragraphs",
            "docs",
            "lda_par_gensim",
            "vs gensim",
            "",
        ),
        (
            "lda_stream",
            "fit_lda_streaming (from disk), same settings",
            "docs",
            "lda_textkit",
            "vs in-memory",
            "",
        ),
        ("lda_tomotopy", "peer: tomotopy LDA", "docs", "lda_textkit", "vs textkit", ""),
        ("cooc_counter", "peer: Counter over pairs", "tokens", None, None, ""),
        ("cooc", f"cooccurrence, {COOC_NODES} nodes", "tokens", "cooc_counter", "vs Counter", ""),
        ("frames", "score_frames", "chars", None, None, ""),
        ("frames2", f"score_frames, n_jobs={j}", "chars", "frames", "vs n_jobs=1", ""),
    ]
    print(
        f"\ntextkit benchmarks: {label} ({raw}), repeat={args.repeat}, rounds={args.rounds}, "
        f"jobs={j}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {_mem_gib():.0f} GiB RAM, Python {sys.version.split()[0]}"
    )
    d = R["docs"]
    if d.get("ok"):
        print(
            f"documents: {d['docs']:,}, raw chars {d['chars']:,}, cleaned chars {d['text_chars']:,}"
        )
    hdr = (
        f"{'stage':<46} {'sec':>8} {'cpu s':>7} {'load':>5} {'throughput':>18} {'RSS MB':>10}"
        f"  {'ratio':<22} {'cpu ratio':>9}  goal"
    )
    print(hdr)
    print("-" * len(hdr))
    for key, title, unit, peer, peer_label, goal in rows:
        r = R[key]
        if not r.get("ok"):
            print(f"{title:<46} {r.get('error', '')[:80]}")
            continue
        rss = f"{r['rss_mb']:.0f}"
        child = r.get("worker_rss_mb") or r.get("child_rss_mb") or 0
        if child > 50:
            rss += f"/{child:.0f}"
        ratio = cpu_ratio = ""
        if peer:
            x = _ratio(r, R[peer])
            ratio = f"{x:.2f}x {peer_label}" if x is not None else f"n/a {peer_label}"
            y = _ratio(r, R[peer], "cpu")
            cpu_ratio = f"{y:.2f}x" if y is not None else ""
        extra = ""
        if key == "docs_stream" and R["docs"].get("ok"):
            extra = f" peak RSS {r['rss_mb'] / R['docs']['rss_mb']:.2f}x the in-memory build's"
        if key == "dedup" and "planted_found" in r:
            extra = f" planted dups found {r['planted_found']}"
        if key == "cooc_counter" and r.get("counts_equal") is not None:
            extra = f" counts equal: {r['counts_equal']}"
        print(
            f"{title:<46} {r['seconds']:8.2f} {r.get('cpu', float('nan')):7.2f} "
            f"{r.get('load', float('nan')):5.2f} {_fmt_rate(r, unit):>18} {rss:>10}  "
            f"{ratio:<22} {cpu_ratio:>9}  {goal}{extra}"
        )
    # corpus build already runs find_duplicates (and cleaning), so dedup is not added twice
    # the parallel / streamed variant of a stage when it was measured, else the serial one
    alternatives = [("docs_stream", "docs"), ("segment2",), ("vectorize",), ("lda_textkit",),
                    ("cooc",), ("frames2", "frames")]  # fmt: skip
    e2e = [next((k for k in alt if R.get(k, {}).get("ok")), alt[-1]) for alt in alternatives]
    done = [k for k in e2e if R[k].get("ok")]
    total = sum(R[k]["seconds"] for k in done)
    peak = max(max(R[k]["rss_mb"], R[k].get("child_rss_mb", 0)) for k in done) if done else 0
    print(
        f"\nend to end (sum of {', '.join(done)}): {total:.1f} s, largest peak RSS {peak:.0f} MB"
        "  [goal at 50 MB on 2 cores: < 900 s, < 4096 MB]"
    )
    _print_goals(R, total if len(done) == len(e2e) else None, peak, label, j)
    print(
        "RSS MB = peak of the task process / largest child (pool worker) or Dask worker; each "
        "task runs in a fresh subprocess.\nratio = peer seconds / stage seconds (> 1: the stage "
        "is faster; for n_jobs rows: the speed-up).\ncpu s = CPU seconds of the task process "
        "and its pool / Dask workers; cpu ratio = peer cpu s / stage cpu s: for single-process "
        "rows the load-independent\nratio, for n_jobs rows the parallel overhead (1.00 = none). "
        "load = 1-minute load average after the timed call (above the\ncore count, other "
        "processes competed for the CPUs and wall-clock ratios, above all speed-ups, are noisy)."
    )
    out = {"summary": R, "rounds": runs, "label": label, "jobs": j}
    (work / "results.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")
    if "e2e" not in skip and not args.seed_corpus:
        import e2e

        print(f"\nend to end against the hand-written chain and the previous path ({label}):")
        sys.stdout.flush()
        e2e_args = ["--mb", f"{args.mb or 1.0:g}", "--rounds", str(args.rounds)]
        return e2e.main([*e2e_args, "--jobs", str(args.jobs), "--work", str(args.work)])
    return 0


def _verdict(value: float | None, ok: bool) -> str:
    return "not measured" if value is None else ("met" if ok else "NOT met")


def _print_goals(R: dict, total: float | None, peak: float, label: str, jobs: int) -> None:
    """The issue's goals next to what this run measured (ratios are same-run)."""
    tok = _ratio(R["tokenize1"], R["lcut1"])
    tok_cpu = _ratio(R["tokenize1"], R["lcut1"], "cpu")
    over = _ratio(R["segment2"], R["segment1"], "cpu")
    par = _ratio(R["segment2"], R["segment1"])
    par_lcut = _ratio(R["segment2"], R["lcut1"])
    cores = os.cpu_count() or 1
    print("\ngoals:")
    if tok is not None:
        print(
            f"  tokenize 1 process >= 0.8x jieba.lcut: {tok:.2f}x wall "
            f"{_verdict(tok, tok >= 0.8)}, {tok_cpu:.2f}x CPU {_verdict(tok_cpu, tok_cpu >= 0.8)}"
        )
    if par is not None and par_lcut is not None:
        note = (
            ""
            if jobs == cores == 2
            else f" (goal is for 2 processes on 2 cores; {jobs} on {cores})"
        )
        print(
            f"  segment_corpus n_jobs={jobs} >= 1.7x: {par:.2f}x its n_jobs=1 "
            f"{_verdict(par, par >= 1.7)}; {par_lcut:.2f}x jieba.lcut 1 process "
            f"{_verdict(par_lcut, par_lcut >= 1.7)}{note}"
        )
        if over is not None:
            print(
                f"    CPU of n_jobs={jobs} vs n_jobs=1: {1 / over:.2f}x; on {jobs} idle cores "
                f"the speed-up would be at most {jobs * over:.2f}x"
            )
        ceiling = _ratio(R["lcut2"], R["lcut1"])
        if ceiling is not None:
            print(
                f"    plain jieba.lcut in {jobs} processes reached {ceiling:.2f}x in this run: "
                f"the most the machine gave any {jobs}-process stage (2 idle cores: about 2x)"
            )
    if "50 MB" in label:
        ok = total is not None and total < 900 and peak < 4096
        print(
            f"  50 MB end to end < 900 s, peak RSS < 4096 MB: "
            f"{'n/a' if total is None else f'{total:.0f} s'}, {peak:.0f} MB  {_verdict(total, ok)}"
        )
    else:
        print("  50 MB end to end: not measured in this run (use --mb 50)")
    print(
        "  seed corpus raw -> figures < 60 s cold / < 10 s warm: time `textkit reproduce` (README)"
    )


def _mem_gib() -> float:
    try:
        import psutil

        return psutil.virtual_memory().total / 2**30
    except ImportError:  # pragma: no cover
        return float("nan")


if __name__ == "__main__":
    sys.exit(main())
