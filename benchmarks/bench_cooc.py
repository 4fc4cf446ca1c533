"""Speed of textkit's co-occurrence counting against a plain ``collections.Counter``.

Run: ``.venv/bin/python benchmarks/bench_cooc.py [--mb 10] [--nodes 200 2000] [--repeat 3]``

The seed corpus (``corpus/raw``, converted to simplified Chinese with OpenCC) is segmented
once into sentence units with textkit's default segmenter; a synthetic token corpus of about
``--mb`` megabytes (UTF-8 bytes of the tokens) is then made by reshuffling those sentences
into documents (seeded). On it, in the same run, we time

* ``textkit.cooc.count.cooccurrence`` (sparse binary unit x term matrix, ``X.T @ X``, weights
  included), with the top ``N`` terms by frequency as nodes, twice: with the default
  per-edge document counts (``docs``, a second sparse product) and with
  ``doc_counts=False`` (counts and weights only, like the baseline), and
* a straightforward baseline: a ``Counter`` of token frequencies to pick the same top ``N``
  terms, then for every sentence ``Counter.update(combinations(sorted(set(tokens) & top),
  2))`` (counts only, no weights),

and print the times (median of ``--repeat`` runs) and the ratios Counter / textkit. The pair
counts are checked to be equal. The sliding-window unit (window 10) is timed too, against a
Counter over the pairs of each window. The load average is printed with the results: other
processes on the machine slow both sides, not always equally.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import opencc
import pandas as pd
from timing import median_time

from textkit.cooc import CoocConfig, cooccurrence
from textkit.segment import segment_corpus

ROOT = Path(__file__).resolve().parents[1]


def _seed_sentences() -> list[list[str]]:
    cc = opencc.OpenCC("t2s")
    files = sorted((ROOT / "corpus" / "raw").glob("*.txt"))
    docs = pd.DataFrame(
        {
            "doc_id": [f.stem for f in files],
            "text": [cc.convert(f.read_text("utf-8")) for f in files],
        }
    )
    units = segment_corpus(docs, unit="sentence", cache=False)
    return [list(t) for t in units["tokens"] if len(t)]


def _synthetic(sents: list[list[str]], mb: float, seed: int = 20240601) -> pd.DataFrame:
    rng = random.Random(seed)
    target = mb * 1_000_000
    rows, size, doc, k = [], 0, 0, 0
    while size < target:
        for _ in range(40):  # 40 sentences per synthetic document
            toks = sents[rng.randrange(len(sents))]
            rows.append((f"s{doc:06d}", 0, k, k, toks))
            size += sum(len(t.encode("utf-8")) for t in toks) + len(toks)
            k += 1
        doc, k = doc + 1, 0
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "sent_id", "unit_id", "tokens"])


def _baseline_sentence(units: pd.DataFrame, n: int) -> Counter:
    freq = Counter(t for toks in units["tokens"] for t in toks)
    top = {t for t, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}
    pairs: Counter = Counter()
    for toks in units["tokens"]:
        pairs.update(combinations(sorted(set(toks) & top), 2))
    return pairs


def _baseline_window(units: pd.DataFrame, n: int, w: int) -> Counter:
    freq = Counter(t for toks in units["tokens"] for t in toks)
    top = {t for t, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}
    pairs: Counter = Counter()
    for _, g in units.groupby("doc_id", sort=False):
        seq = [t for toks in g["tokens"] for t in toks]
        for i in range(max(1, len(seq) - w + 1)):
            pairs.update(combinations(sorted(set(seq[i : i + w]) & top), 2))
    return pairs


def _check(res, pairs: Counter) -> None:
    mine = {
        (s, t): int(c)
        for s, t, c in zip(
            res.edges["source"], res.edges["target"], res.edges["count"], strict=True
        )
    }
    ref = {p: c for p, c in pairs.items() if c >= res.config.min_count}
    if mine != ref:
        raise SystemExit(f"MISMATCH: {len(mine)} textkit pairs vs {len(ref)} baseline pairs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=10.0, help="synthetic corpus size (MB of tokens)")
    ap.add_argument("--nodes", type=int, nargs="+", default=[200, 2000], help="node set sizes")
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    t0 = time.perf_counter()
    units = _synthetic(_seed_sentences(), args.mb)
    n_tok = int(units["tokens"].map(len).sum())
    print(
        f"synthetic corpus: {len(units):,} sentences, {units['doc_id'].nunique():,} documents, "
        f"{n_tok:,} tokens (~{args.mb:g} MB), built in {time.perf_counter() - t0:.1f} s"
    )
    print(f"load average before: {_load()}")
    head = ("unit", "nodes", "textkit s", "no-docs s", "Counter s", "ratio", "no-docs", "edges")
    print(f"{head[0]:<10}{head[1]:>6}" + "".join(f"{h:>11}" for h in head[2:]))
    rows = [("sentence", n, args.repeat) for n in args.nodes]
    rows.append((f"window{args.window}", args.nodes[0], 1))
    for unit, n, rep in rows:
        kw = {"unit": "window", "window": args.window} if unit.startswith("window") else {}
        # no exclude list: the baseline counts the n most frequent terms, whatever they are
        cfg = CoocConfig(n_nodes=n, min_freq=1, exclude=(), **kw)
        fast = CoocConfig(n_nodes=n, min_freq=1, doc_counts=False, exclude=(), **kw)
        tk, res = median_time(lambda cfg=cfg: cooccurrence(units, cfg), rep)
        nd, res2 = median_time(lambda cfg=fast: cooccurrence(units, cfg), rep)
        if unit.startswith("window"):
            bl, pairs = median_time(lambda n=n: _baseline_window(units, n, args.window), rep)
        else:
            bl, pairs = median_time(lambda n=n: _baseline_sentence(units, n), rep)
        _check(res, pairs)
        _check(res2, pairs)
        print(
            f"{unit:<10}{n:>6}{tk:>11.2f}{nd:>11.2f}{bl:>11.2f}{bl / tk:>10.1f}x"
            f"{bl / nd:>10.1f}x{len(res.edges):>11,}"
        )
    print(f"load average after: {_load()}")
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
