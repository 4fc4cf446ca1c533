"""Throughput of textkit's segmentation against plain jieba, measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_segment.py [--repeat N] [--scale K]``

Prints characters per second of

* plain ``jieba.lcut`` (a fresh ``jieba.Tokenizer``, HMM on, its default),
* textkit's ``Segmenter.cut`` (raw tokens) and ``Segmenter.tokenize`` (governance dictionary,
  POS filter by dictionary lookup, stopwords, officialese), each with the pure-jieba backend
  (``backend="jieba"``, the reference) and the rjieba backend (``backend="rjieba"``, when
  rjieba is installed), with the ratios of the rjieba backend against plain ``jieba.lcut``
  and against the jieba backend, and whether the two backends gave identical tokens,
* ``jieba.posseg`` (for reference: what POS filtering through jieba's HMM tagger costs),

on the seed corpus (``corpus/raw``, converted to simplified Chinese with OpenCC) and on a
larger synthetic text made by reshuffling the seed paragraphs (seeded), plus
``segment_corpus`` serial with each backend and with ``n_jobs=2`` (cache off). The goals, in
a single process: ``tokenize / jieba.lcut`` of at least 0.8 with the jieba backend, and
``Segmenter.cut`` with the rjieba backend at least 10 times plain ``jieba.lcut``.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jieba
import jieba.posseg
import opencc
import pandas as pd

from textkit.core.paths import cache_dir
from textkit.segment.backend import rjieba_version
from textkit.segment.corpus import segment_corpus
from textkit.segment.segmenter import Segmenter

ROOT = Path(__file__).resolve().parents[1]


def _load_seed() -> list[str]:
    cc = opencc.OpenCC("t2s")
    return [cc.convert(p.read_text("utf-8")) for p in sorted((ROOT / "corpus" / "raw").glob("*"))]


def _synthetic(texts: list[str], scale: int, seed: int = 20240601) -> list[str]:
    paras = [p for t in texts for p in t.split("\n") if p.strip()]
    rng = random.Random(seed)
    docs = []
    for _ in range(scale * len(texts)):
        k = min(len(paras), 60)
        docs.append("\n".join(rng.sample(paras, k)))
    return docs


def _rates(fns: dict[str, Callable[[str], object]], texts: list[str], repeat: int) -> dict:
    """Characters per second of each function (median of ``repeat`` runs, interleaved so that
    load changes on the machine affect all functions alike)."""
    n_chars = sum(len(t) for t in texts)
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            times[name].append(time.perf_counter() - t0)
    return {k: n_chars / statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed repetitions (median)")
    ap.add_argument("--scale", type=int, default=8, help="synthetic corpus = scale x seed docs")
    args = ap.parse_args(argv)
    jieba.setLogLevel(logging.WARNING)

    seed = _load_seed()
    synth = _synthetic(seed, args.scale)
    plain = jieba.Tokenizer()
    plain.tmp_dir = str(cache_dir("jieba"))  # never jieba's default /tmp/jieba.cache
    plain.initialize()
    seg = Segmenter(backend="jieba")
    fast = Segmenter(backend="rjieba") if rjieba_version() is not None else None
    pos_tk = jieba.posseg.POSTokenizer(plain)

    def posseg_content(text: str) -> list[str]:
        return [p.word for p in pos_tk.lcut(text) if p.flag in seg.config.content_pos]

    print(
        f"jieba {jieba.__version__}; rjieba {rjieba_version() or 'not installed'}; "
        f"textkit segmenter {seg.fingerprint[:12]}"
    )
    ok = True
    for name, texts in (("seed", seed), ("synthetic", synth)):
        n = sum(len(t) for t in texts)
        # warm-up (caches, lazy dictionary parts)
        plain.lcut(texts[0])
        seg.tokenize(texts[0])
        fns = {"lcut": plain.lcut, "tokenize": seg.tokenize, "cut": seg.cut}
        if fast is not None:
            fast.tokenize(texts[0])
            fns.update(cut_rjieba=fast.cut, tokenize_rjieba=fast.tokenize)
        r = _rates(fns, texts, args.repeat)
        r_lcut, r_tok, r_cut = r["lcut"], r["tokenize"], r["cut"]
        print(f"\n[{name}] {len(texts)} documents, {n:,} characters")
        print(f"  jieba.lcut (plain)            {r_lcut:12,.0f} chars/s")
        print(f"  Segmenter.cut, jieba          {r_cut:12,.0f} chars/s  ratio {r_cut / r_lcut:.2f}")
        print(f"  tokenize (POS filter), jieba  {r_tok:12,.0f} chars/s  ratio {r_tok / r_lcut:.2f}")
        if fast is not None:
            r_fc, r_ft = r["cut_rjieba"], r["tokenize_rjieba"]
            print(
                f"  Segmenter.cut, rjieba         {r_fc:12,.0f} chars/s  ratio {r_fc / r_lcut:.2f}"
                f"  vs jieba backend {r_fc / r_cut:.2f}"
            )
            print(
                f"  tokenize (POS filter), rjieba {r_ft:12,.0f} chars/s  ratio {r_ft / r_lcut:.2f}"
                f"  vs jieba backend {r_ft / r_tok:.2f}"
            )
            same = all(fast.cut(t) == seg.cut(t) for t in texts)
            ok = ok and same
            print(f"  rjieba tokens identical to jieba: {same}")
        if name == "seed":
            r_pos = _rates({"posseg": posseg_content}, texts, 1)["posseg"]
            print(
                f"  jieba.posseg + POS filter     {r_pos:12,.0f} chars/s  ratio {r_pos / r_lcut:.2f}"
            )

    docs = pd.DataFrame({"doc_id": [f"s{i:04d}" for i in range(len(synth))], "text": synth})
    n = sum(len(t) for t in synth)
    best = fast if fast is not None else seg
    print(f"\n[segment_corpus, synthetic, sentence units] {n:,} characters")
    t0 = time.perf_counter()
    serial = segment_corpus(docs, segmenter=seg, cache=False, n_jobs=1)
    t_ref = time.perf_counter() - t0
    print(f"  jieba backend,  n_jobs=1  {t_ref:6.2f} s  {n / t_ref:12,.0f} chars/s")
    if fast is not None:
        t0 = time.perf_counter()
        serial_fast = segment_corpus(docs, segmenter=fast, cache=False, n_jobs=1)
        t_serial = time.perf_counter() - t0
        print(
            f"  rjieba backend, n_jobs=1  {t_serial:6.2f} s  {n / t_serial:12,.0f} chars/s"
            f"  vs jieba backend {t_ref / t_serial:.2f}"
        )
        same_backend = serial.equals(serial_fast)
        ok = ok and same_backend
        print(f"  identical units tables (rjieba vs jieba): {same_backend}")
    else:
        t_serial = t_ref
    t0 = time.perf_counter()
    par = segment_corpus(docs, segmenter=best, cache=False, n_jobs=2)
    t_par = time.perf_counter() - t0
    same = serial.equals(par)
    print(
        f"  {best.backend} backend, n_jobs=2  {t_par:6.2f} s  {n / t_par:12,.0f} chars/s  "
        f"speed-up {t_serial / t_par:.2f}"
    )
    print(f"  identical results: {same}")
    return 0 if same and ok else 1


if __name__ == "__main__":
    sys.exit(main())
