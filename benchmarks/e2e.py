"""End to end: textkit's whole analysis against the chain a researcher writes by hand.

Run::

    .venv/bin/python benchmarks/e2e.py                     # synthetic 10 MB corpus, 1 round
    .venv/bin/python benchmarks/e2e.py --mb 1              # quick run
    .venv/bin/python benchmarks/e2e.py --mb 10 --rounds 3  # contenders 3 times, interleaved
    .venv/bin/python benchmarks/e2e.py --contenders textkit,chain2

All contenders start from the same raw page files of the synthetic corpus
(``benchmarks/synth.py``, cached in ``--work`` like ``benchmarks/run.py``'s) and end with the
same kinds of outputs: the kept articles, a document-term matrix, an LDA model with
K = ``run.N_TOPICS`` (``run.LDA_PASSES`` passes, ``run.LDA_ITERATIONS`` iterations, chunks of
``run.LDA_BATCH``) and its c_v coherence over the top 10 terms, the co-occurrence counts of
the ``run.COOC_NODES`` most frequent terms within sentences, and frame-lexicon counts per
article. Contenders:

* ``textkit`` (this tree), public API with its defaults: ``build_corpus(raw, n_jobs=J)``
  (read, split, clean incl. traditional -> simplified, annotate in J processes;
  near-duplicate flagging; a tree without ``n_jobs`` builds in one process), the kept
  articles (``status == "kept"``, not duplicates) -> ``segment_corpus(unit="sentence",
  n_jobs=J, with_raw=True)`` (default ``cache=True``, into a fresh cache) -> ``topic_matrix(units,
  unit="document", min_df=2, max_df=0.5)`` -> ``select_k(dtm, [K], holdout=0, n_jobs=J,
  measures=("c_v",))`` (one LDA fit on all articles plus its c_v coherence: the public way to
  get both) -> ``cooccurrence(units, CoocConfig(unit="sentence", n_nodes=200))`` ->
  ``score_frames(articles, units=units, n_jobs=J)`` at document level, from the same units
  (matching and bootstrap in J processes; a tree without ``with_raw``, such as
  ``previous``, segments again in ``score_frames(articles, n_jobs=J)``; ``--frames-jobs``
  to change J).
* ``chain1``, the same analysis with the usual libraries, one process: the page files split
  into articles on their ``第N篇`` marker lines (``run.split_articles``; a page splitter is
  not asked of the chain), OpenCC ``t2s``, datasketch ``MinHash`` (128 permutations,
  5-character shingles of the text without whitespace) + ``MinHashLSH`` (threshold 0.8; an
  article matching an earlier kept one is dropped), sentences split on ``。！？；`` and line
  breaks, ``jieba.posseg.cut`` (HMM on) keeping words of two or more characters tagged
  ``n*``, ``v*`` or ``a*`` that are not in textkit's shipped stopword list, gensim
  ``Dictionary`` + ``filter_extremes(no_below=2, no_above=0.5)`` + ``LdaModel`` (same K,
  passes, iterations, chunk size; ``eval_every=None``) + ``CoherenceModel(coherence="c_v",
  topn=10, processes=1)``, a binary sentence x term scipy matrix of the 200 most frequent
  terms and ``X.T @ X``, and one regular expression of the frame lexicon's terms
  (``load_lexicon().terms()``, longest first) counted in every article.
* ``chain2``: ``chain1`` with ``jieba.posseg`` and the MinHash signatures run in a
  ``multiprocessing.Pool(J)`` (default start method) over chunks of articles.
* ``previous``: textkit as of ``--previous`` (before the performance work), the package
  exported with ``git archive`` into ``<work>/prev-<rev>`` and imported from there
  (``PYTHONPATH``; the subprocess checks ``textkit.__file__``), running ``textkit``'s code.

Every contender runs in a **fresh subprocess** with a fresh, empty ``TEXTKIT_CACHE_DIR``
(nothing cached by an earlier contender or round is reused). Before the timing each
subprocess warms up what it loads once per session: textkit cleans a sentence (its OpenCC
converter and cleaning rules), builds its segmenter, tokenizes a sentence, loads the frame
lexicon and scores a sentence, and imports gensim (which textkit imports only when a stage
first needs it); the chain imports its libraries, initialises jieba, cuts a sentence with
``jieba.posseg``, builds the OpenCC converter and loads the stopwords and the lexicon. Interpreter start, imports and
warm-up are not timed; every stage after them is, and the total is the sum of the stages.
CPU seconds are those of the subprocess and its reaped children (pool workers). Peak RSS is
the subprocess's ``ru_maxrss`` plus the largest child's. With ``--rounds N`` the contenders
run N times, interleaved, and medians are reported (the largest peak RSS). The results go
to ``<work>/work<MB>/e2e_results.json``. No timing is asserted anywhere; the goals are
printed next to the measured values.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from run import (
    COOC_NODES,
    LDA_BATCH,
    LDA_ITERATIONS,
    LDA_PASSES,
    N_TOPICS,
    _cpu_seconds,
    _mem_gib,
    _rss_mb,
    _verdict,
    split_articles,
)
from synth import generate, manifest_path

ROOT = Path(__file__).resolve().parents[1]

#: textkit before the performance work (no rjieba backend, datasketch near-duplicate search).
DEFAULT_PREVIOUS = "b68c0e53e26ac19889a2b0cfaa92f2db88c440f8"
CONTENDERS = ("textkit", "chain1", "chain2", "previous")
TITLES = {
    "textkit": "textkit (this tree)",
    "chain1": "chain, 1 process",
    "chain2": "chain, {jobs}-process pool",
    "previous": "textkit previous {rev}",
}
STAGES = ("corpus", "segment", "dtm", "topics", "cooc", "frames")
#: Environment variable naming the directory ``textkit`` must be imported from.
EXPECT_ENV = "TEXTKIT_BENCH_EXPECT_ROOT"
TOP_N = 10
MIN_DF, MAX_DF = 2, 0.5
NUM_PERM, SHINGLE, LSH_THRESHOLD = 128, 5, 0.8
CONTENT_POS = ("n", "v", "a")
SENTENCE_RE = re.compile(r"[。！？；!?;\n]+")
WARM_TEXT = "坚持以人民为中心，维护社会稳定，推进依法行政。"
GOALS = {"chain2": 3.0, "previous": 4.0}
RSS_GOAL_MB = 1500


class StageClock:
    """Wall and CPU seconds of named stages, timed one after another."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        #: Peak RSS of this process and of its largest child so far, after each stage (MB).
        self.rss: dict[str, tuple[float, float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        c0 = _cpu_seconds()
        t0 = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - t0
        self.cpu[name] = _cpu_seconds() - c0
        self.rss[name] = _rss_mb()


# --------------------------------------------------------------------------------------
# textkit (this tree or the previous one: the same code)


def run_textkit(raw: Path, jobs: int, frames_jobs: int) -> dict[str, Any]:
    """textkit's analysis through its public API; see the module docstring."""
    import textkit

    expect = os.environ.get(EXPECT_ENV)
    where = Path(textkit.__file__).resolve()
    if expect and not where.is_relative_to(Path(expect).resolve()):
        raise RuntimeError(f"textkit imported from {where}, expected under {expect}")
    from textkit.cooc import CoocConfig, cooccurrence
    from textkit.core.lexicon import load_lexicon
    from textkit.corpus.build import build_corpus
    from textkit.corpus.clean import clean_text
    from textkit.frames.score import score_frames
    from textkit.segment.corpus import segment_corpus
    from textkit.segment.segmenter import get_segmenter
    from textkit.topics.matrix import topic_matrix
    from textkit.topics.select import select_k

    clean_text(WARM_TEXT)
    get_segmenter().tokenize(WARM_TEXT)
    load_lexicon()
    score_frames([WARM_TEXT])
    # the libraries textkit imports only when a stage first needs them, imported before the
    # clock as the chain imports them (imports are not timed)
    import gensim.corpora  # noqa: F401
    import gensim.models  # noqa: F401

    clock = StageClock()
    parallel_build = "n_jobs" in inspect.signature(build_corpus).parameters
    with clock.stage("corpus"):
        docs = build_corpus(raw, **({"n_jobs": jobs} if parallel_build else {})).documents
        keep = (docs["status"] == "kept") & ~docs["is_duplicate"].astype(bool)
        articles = docs.loc[keep, ["doc_id", "text"]].reset_index(drop=True)
    # one segmentation for every stage where the tree has it (raw tokens kept for the frames)
    shared = "with_raw" in inspect.signature(segment_corpus).parameters
    with clock.stage("segment"):
        units = segment_corpus(
            articles, unit="sentence", n_jobs=jobs, **({"with_raw": True} if shared else {})
        )
    with clock.stage("dtm"):
        data = topic_matrix(units, unit="document", min_df=MIN_DF, max_df=MAX_DF)
    with clock.stage("topics"):
        grid = select_k(
            data.dtm,
            [N_TOPICS],
            seeds=[0],
            texts=data.texts,
            top_n=TOP_N,
            holdout=0,
            measures=("c_v",),
            passes=LDA_PASSES,
            iterations=LDA_ITERATIONS,
            chunksize=LDA_BATCH,
            n_jobs=jobs,
        )
    with clock.stage("cooc"):
        # no exclude list, as the previous path's node choice
        res = cooccurrence(units, CoocConfig(unit="sentence", n_nodes=COOC_NODES, exclude=()))
    with clock.stage("frames"):
        if shared:
            scores = score_frames(articles, units=units, n_jobs=frames_jobs)
        else:
            scores = score_frames(articles, n_jobs=frames_jobs)
    return {
        "seconds": clock.seconds,
        "cpu": clock.cpu,
        "rss_after": clock.rss,
        "textkit": str(where.parent),
        "check": {
            "articles": len(docs),
            "duplicates": int(docs["is_duplicate"].astype(bool).sum()),
            "kept": len(articles),
            "sentences": len(units),
            "tokens": int(units["tokens"].map(len).sum()),
            "lda_docs": data.dtm.shape[0],
            "vocabulary": data.dtm.shape[1],
            "c_v": float(grid["c_v"].iloc[0]),
            "nodes": int(len(res.nodes)) if hasattr(res, "nodes") else None,
            "edges": len(res.edges),
            "hits": int(scores["hits_stability"].sum() + scores["hits_service_law"].sum()),
        },
    }


# --------------------------------------------------------------------------------------
# the chain written by hand

_STOPWORDS: frozenset[str] = frozenset()


def _load_stopwords() -> frozenset[str]:
    path = ROOT / "textkit" / "resources" / "stopwords.txt"
    lines = path.read_text("utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def _minhash(text: str) -> Any:
    from datasketch import MinHash

    s = re.sub(r"\s+", "", text)
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(
        [s[i : i + SHINGLE].encode("utf-8") for i in range(max(1, len(s) - SHINGLE + 1))]
    )
    return m


def _cut_documents(texts: list[str]) -> list[list[list[str]]]:
    """Content words of every sentence of every text (a pool task: a chunk of texts)."""
    import jieba.posseg as pseg

    out = []
    for text in texts:
        sentences = []
        for s in SENTENCE_RE.split(text):
            if s.strip():
                sentences.append(
                    [
                        w
                        for w, flag in pseg.cut(s)
                        if flag[:1] in CONTENT_POS and len(w) >= 2 and w not in _STOPWORDS
                    ]
                )
        out.append(sentences)
    return out


def _chunks(items: list, jobs: int) -> list[list]:
    size = max(1, len(items) // (jobs * 4))
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_chain(raw: Path, jobs: int) -> dict[str, Any]:
    """The hand-written chain; ``jobs > 1``: posseg and MinHash in a process pool."""
    global _STOPWORDS
    import jieba
    import jieba.posseg as pseg
    import numpy as np
    import scipy.sparse as sp
    from datasketch import MinHashLSH
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel, LdaModel
    from opencc import OpenCC

    from textkit.core.lexicon import load_lexicon

    jieba.setLogLevel(40)
    jieba.initialize()
    list(pseg.cut(WARM_TEXT))
    cc = OpenCC("t2s")
    _STOPWORDS = _load_stopwords()  # before the pool forks: the workers inherit it
    terms = load_lexicon().terms()

    def pool_map(fn, chunks):
        if jobs == 1:
            return [fn(c) for c in chunks]
        from multiprocessing import Pool

        with Pool(jobs) as pool:
            return pool.map(fn, chunks)

    clock = StageClock()
    with clock.stage("corpus"):
        pages = split_articles(raw)
        texts = [cc.convert(t) for _, t in pages]
        if jobs == 1:
            sigs = [_minhash(t) for t in texts]
        else:
            from multiprocessing import Pool

            with Pool(jobs) as pool:
                sigs = pool.map(_minhash, texts, chunksize=max(1, len(texts) // (jobs * 4)))
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        articles: list[tuple[str, str]] = []
        for (doc_id, _), text, m in zip(pages, texts, sigs, strict=True):
            if lsh.query(m):
                continue
            lsh.insert(doc_id, m)
            articles.append((doc_id, text))
    with clock.stage("segment"):
        chunks = _chunks([t for _, t in articles], jobs)
        cut = [doc for part in pool_map(_cut_documents, chunks) for doc in part]
    with clock.stage("dtm"):
        doc_tokens = [[t for s in doc for t in s] for doc in cut]
        dictionary = Dictionary(doc_tokens)
        dictionary.filter_extremes(no_below=MIN_DF, no_above=MAX_DF, keep_n=None)
        bow = [dictionary.doc2bow(d) for d in doc_tokens]
    with clock.stage("topics"):
        lda = LdaModel(
            corpus=bow,
            id2word=dictionary,
            num_topics=N_TOPICS,
            passes=LDA_PASSES,
            iterations=LDA_ITERATIONS,
            chunksize=LDA_BATCH,
            random_state=0,
            eval_every=None,
        )
        c_v = CoherenceModel(
            model=lda,
            texts=doc_tokens,
            dictionary=dictionary,
            coherence="c_v",
            topn=TOP_N,
            processes=1,
        ).get_coherence()
    with clock.stage("cooc"):
        sentences = [s for doc in cut for s in doc]
        freq = Counter(t for s in sentences for t in s)
        ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
        nodes = [t for t, c in ranked if c >= 2][:COOC_NODES]
        index = {t: j for j, t in enumerate(nodes)}
        rows, cols = [], []
        for i, s in enumerate(sentences):
            for j in {index[t] for t in s if t in index}:
                rows.append(i)
                cols.append(j)
        X = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(sentences), len(nodes))
        )
        C = sp.triu(X.T @ X, k=1).tocoo()
        edges = int((C.data >= 2).sum())
    with clock.stage("frames"):
        pattern = re.compile(
            "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
        )
        hits = [len(pattern.findall(t)) for _, t in articles]
    return {
        "seconds": clock.seconds,
        "cpu": clock.cpu,
        "rss_after": clock.rss,
        "check": {
            "articles": len(pages),
            "duplicates": len(pages) - len(articles),
            "kept": len(articles),
            "sentences": len(sentences),
            "tokens": sum(map(len, doc_tokens)),
            "lda_docs": len(bow),
            "vocabulary": len(dictionary),
            "c_v": float(c_v),
            "nodes": len(nodes),
            "edges": edges,
            "hits": sum(hits),
        },
    }


def _run_contender_here(name: str, raw: Path, jobs: int, frames_jobs: int, out: Path) -> None:
    """Entry point of a contender subprocess: run, then write ``out`` (JSON)."""
    import logging
    import platform

    # gensim records platform.platform() on every model, which runs ``uname -p`` in a forked
    # child the first time: done now, while this process is small, so that the forked copy
    # of a large process is not reported as the largest child's peak RSS.
    platform.processor()
    logging.basicConfig(level=logging.WARNING)
    if name in ("textkit", "previous"):
        res = run_textkit(raw, jobs, frames_jobs)
    else:
        res = run_chain(raw, 1 if name == "chain1" else jobs)
    res["total"] = sum(res["seconds"].values())
    res["total_cpu"] = sum(res["cpu"].values())
    res["load"] = os.getloadavg()[0]
    res["rss_mb"], res["child_rss_mb"] = _rss_mb()
    out.write_text(json.dumps(res, ensure_ascii=False), "utf-8")


# --------------------------------------------------------------------------------------
# orchestration


def export_previous(rev: str, work_root: Path) -> tuple[str, Path]:
    """The ``textkit`` package as of ``rev``, exported once into ``<work_root>/prev-<rev>``."""
    full = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    short = full[:12]
    dest = work_root / f"prev-{short}"
    if not (dest / "textkit" / "__init__.py").exists():
        tmp = Path(tempfile.mkdtemp(prefix=f"prev-{short}-", dir=work_root))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", full, "textkit"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    return short, dest


def _spawn(
    name: str, raw: Path, work: Path, jobs: int, frames_jobs: int, prev_dir: Path | None
) -> dict:
    out = work / f"e2e_{name}.json"
    out.unlink(missing_ok=True)
    cache = Path(tempfile.mkdtemp(prefix=f"e2e-cache-{name}-", dir=work))
    env = dict(os.environ)
    env["TEXTKIT_CACHE_DIR"] = str(cache)
    env[EXPECT_ENV] = str(ROOT / "textkit")
    if name == "previous":
        env["PYTHONPATH"] = str(prev_dir) + os.pathsep + env.get("PYTHONPATH", "")
        env[EXPECT_ENV] = str(prev_dir / "textkit")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--contender", name]
    cmd += ["--raw", str(raw), "--out", str(out), "--jobs", str(jobs)]
    cmd += ["--frames-jobs", str(frames_jobs)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        return {"ok": False, "error": "failed: " + " | ".join(tail), "wall": wall}
    res = json.loads(out.read_text("utf-8"))
    res.update(ok=True, wall=wall)
    return res


def _merge(runs: list[dict]) -> dict:
    """Medians over rounds for times, the largest peak RSS."""
    ok = [r for r in runs if r.get("ok")]
    if not ok:
        return runs[0]
    merged = dict(ok[0])
    for key in ("total", "total_cpu", "load", "wall"):
        merged[key] = statistics.median(r[key] for r in ok)
    for key in ("seconds", "cpu"):
        merged[key] = {s: statistics.median(r[key][s] for r in ok) for s in STAGES}
    for key in ("rss_mb", "child_rss_mb"):
        merged[key] = max(r[key] for r in ok)
    merged["peak_mb"] = max(r["rss_mb"] + r["child_rss_mb"] for r in ok)
    merged["rounds"] = len(ok)
    return merged


def _ratio(R: dict, name: str, key: str = "total") -> float | None:
    a, b = R.get("textkit", {}), R.get(name, {})
    if a.get("ok") and b.get("ok") and a.get(key):
        return b[key] / a[key]
    return None


def _print_table(R: dict, names: list[str], titles: dict[str, str]) -> None:
    hdr = (
        f"{'contender':<30} {'total s':>8} {'cpu s':>8} {'load':>5} {'RSS MB':>7} "
        f"{'own/child':>10} {'x textkit':>9} {'cpu x':>6}  " + " ".join(f"{s:>8}" for s in STAGES)
    )
    print(hdr)
    print("-" * len(hdr))
    for name in names:
        r = R[name]
        if not r.get("ok"):
            print(f"{titles[name]:<30} {r.get('error', '')[:120]}")
            continue
        x, y = _ratio(R, name), _ratio(R, name, "total_cpu")
        print(
            f"{titles[name]:<30} {r['total']:8.1f} {r['total_cpu']:8.1f} {r['load']:5.2f} "
            f"{r['peak_mb']:7.0f} {r['rss_mb']:5.0f}/{r['child_rss_mb']:<4.0f} "
            f"{'' if x is None else f'{x:.2f}x':>9} {'' if y is None else f'{y:.2f}x':>6}  "
            + " ".join(f"{r['seconds'][s]:8.2f}" for s in STAGES)
        )
    print("\nper-stage CPU seconds (process + reaped pool workers):")
    for name in names:
        if R[name].get("ok"):
            print(f"{titles[name]:<30} " + " ".join(f"{s} {R[name]['cpu'][s]:.2f}" for s in STAGES))
    print("\nwhat each did (sanity: comparable work):")
    cols = ("articles", "duplicates", "kept", "sentences", "tokens", "lda_docs", "vocabulary",
            "c_v", "nodes", "edges", "hits")  # fmt: skip
    print(f"{'contender':<30} " + " ".join(f"{c:>10}" for c in cols))
    for name in names:
        chk = R[name].get("check") if R[name].get("ok") else None
        if chk:
            vals = [f"{chk[c]:.3f}" if isinstance(chk[c], float) else str(chk[c]) for c in cols]
            print(f"{titles[name]:<30} " + " ".join(f"{v:>10}" for v in vals))


def _print_goals(R: dict, mb: float, jobs: int) -> None:
    """The issue's goals next to what this run measured (ratios are same-run)."""
    print("\ngoals (end to end on 10 MB, 2 cores):")
    if mb != 10:
        print(f"  (this run: {mb:g} MB; the goals are set for 10 MB)")
    x = _ratio(R, "chain2")
    v = "not measured" if x is None else f"{x:.2f}x {_verdict(x, x >= GOALS['chain2'])}"
    print(f"  textkit vs chain with a {jobs}-process pool >= {GOALS['chain2']:g}x: {v}")
    x = _ratio(R, "chain1")
    print(f"  textkit vs chain, 1 process: {'not measured' if x is None else f'{x:.2f}x'}")
    x = _ratio(R, "previous")
    v = "not measured" if x is None else f"{x:.2f}x {_verdict(x, x >= GOALS['previous'])}"
    print(f"  textkit vs textkit previous >= {GOALS['previous']:g}x: {v}")
    tk = R.get("textkit", {})
    peak = tk.get("peak_mb") if tk.get("ok") else None
    v = "not measured" if peak is None else f"{peak:.0f} MB {_verdict(peak, peak <= RSS_GOAL_MB)}"
    print(f"  textkit peak RSS (own + largest child) <= {RSS_GOAL_MB} MB: {v}")


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(
        description="textkit end to end against a hand-written chain, in one run",
        epilog="See the module docstring (benchmarks/e2e.py) for what each contender does.",
    )
    ap.add_argument("--mb", type=float, default=10.0, help="synthetic corpus size in MB")
    ap.add_argument("--work", type=Path, default=Path("/tmp/textkit-bench"), help="work dir")
    ap.add_argument("--rounds", type=int, default=1, help="interleaved rounds (medians)")
    ap.add_argument("--jobs", type=int, default=2, help="processes of the parallel steps")
    ap.add_argument(
        "--frames-jobs",
        type=int,
        default=None,
        help="processes of textkit's score_frames (default: --jobs)",
    )
    ap.add_argument("--previous", default=DEFAULT_PREVIOUS, help="textkit's previous commit")
    ap.add_argument(
        "--contenders", default=",".join(CONTENDERS), help="comma-separated subset to run"
    )
    ap.add_argument("--contender", help=argparse.SUPPRESS)
    ap.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    frames_jobs = args.jobs if args.frames_jobs is None else args.frames_jobs
    if args.contender:
        _run_contender_here(args.contender, args.raw, args.jobs, frames_jobs, args.out)
        return 0

    names = [n.strip() for n in args.contenders.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CONTENDERS))
    if unknown:
        ap.error(f"--contenders: unknown {unknown}; choose from {list(CONTENDERS)}")
    args.work.mkdir(parents=True, exist_ok=True)
    raw = args.work / f"synth{args.mb:g}"
    work = args.work / f"work{args.mb:g}"
    if not manifest_path(raw).exists():
        generate(args.mb, raw)
    work.mkdir(parents=True, exist_ok=True)
    short, prev_dir = "", None
    if "previous" in names:
        short, prev_dir = export_previous(args.previous, args.work)
    titles = {n: TITLES[n].format(jobs=args.jobs, rev=short[:7]) for n in CONTENDERS}
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for rnd in range(args.rounds):
        for name in names:
            r = _spawn(name, raw, work, args.jobs, frames_jobs, prev_dir)
            runs[name].append(r)
            state = f"{r['total']:.1f}s" if r.get("ok") else r.get("error", "")[:120]
            print(
                f"  round {rnd + 1} {name:9s} {state} (wall {r['wall']:.1f}s)",
                file=sys.stderr,
                flush=True,
            )
    R = {n: _merge(runs[n]) for n in names}

    m = json.loads(manifest_path(raw).read_text("utf-8"))
    print(
        f"\ntextkit end to end: synthetic {args.mb:g} MB ({raw}: {m['pages']} pages, "
        f"{m['articles']} articles, {len(m['near_duplicates'])} planted near-duplicates), "
        f"rounds={args.rounds}, jobs={args.jobs}, textkit score_frames n_jobs={frames_jobs}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {_mem_gib():.0f} GiB RAM, Python {sys.version.split()[0]}"
    )
    _print_table(R, names, titles)
    _print_goals(R, args.mb, args.jobs)
    print(
        "\ntotal s = sum of the timed stages (median over rounds; warm-up, imports and "
        "interpreter start excluded); x textkit = contender seconds / textkit seconds.\n"
        "RSS MB = peak RSS of the contender process + its largest child (pool worker); "
        "load = 1-minute load average at the end of the run."
    )
    out = {
        "mb": args.mb,
        "rounds": args.rounds,
        "jobs": args.jobs,
        "frames_jobs": frames_jobs,
        "previous": args.previous,
        "summary": R,
        "runs": runs,
    }
    path = work / "e2e_results.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
