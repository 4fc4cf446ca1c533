"""Speed and recall of textkit's near-duplicate search against datasketch's MinHash + LSH.

Run: ``.venv/bin/python benchmarks/bench_dedup.py [--mb 10] [--copies 150] [--repeat 3]``

The synthetic corpus of ``benchmarks/synth.py`` (``--mb`` megabytes of pages made from the
seed corpus, about 5 % of its articles planted near-duplicates with 3 characters replaced) is
written to a temporary folder and cut into cleaned articles by textkit's own ingest, split and
clean steps (:func:`textkit.corpus.build.process_pages`). ``--copies`` more near copies of
random articles are added, each with 5-15 % of its characters edited in spans of 1-30
characters (replaced, deleted or inserted; seeded). On these documents, in the same run, we
time (median of ``--repeat`` runs)

* textkit: :func:`textkit.corpus.dedup.find_duplicates` (normalisation, exact hashes, numpy
  MinHash signatures, banded candidates, exact Jaccard of every candidate pair, groups), and
* datasketch: the same chain with datasketch alone: the same normalisation, ``MinHash``
  (its SHA-1 shingle hash) of the UTF-8 shingles, ``MinHashLSH`` insert and query with the
  same threshold and ``num_perm``, exact Jaccard of every candidate pair, groups as connected
  components,

and print the times, the ratio datasketch / textkit, the signatures' share of each, and the
recall of both: the planted pairs put in one group, out of those whose exact shingle Jaccard
reaches the threshold (a pair below it is no near duplicate at that threshold, whatever the
hashing). If the ``rensa`` package is importable, its signatures of the same shingle hashes
are timed too. The load average is printed with the results: other processes on the machine
slow both sides, not always equally.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH
from synth import generate
from timing import median_time

from textkit.corpus.build import CorpusConfig, process_pages
from textkit.corpus.dedup import DedupConfig, find_duplicates, jaccard, normalise, shingles
from textkit.corpus.ingest import read_pages
from textkit.corpus.minhash import shingle_hashes, signature


def _edit(text: str, rate: float, rng: random.Random, pool: str) -> str:
    chars = list(text)
    budget = int(rate * len(chars))
    while budget > 0 and len(chars) > 31:
        span = min(budget, rng.randint(1, 30))
        i = rng.randrange(len(chars) - span)
        op = rng.random()
        if op < 0.5:
            chars[i : i + span] = rng.choices(pool, k=span)
        elif op < 0.75:
            del chars[i : i + span]
        else:
            chars[i:i] = rng.choices(pool, k=span)
        budget -= span
    return "".join(chars)


def corpus(mb: float, copies: int, seed: int = 20240601) -> tuple[pd.DataFrame, list]:
    """Documents (doc_id, text) and planted (original, copy, kind) pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pages"
        manifest = generate(mb, out, seed=seed)
        config = CorpusConfig()
        docs, _ = process_pages(read_pages(out, config.ingest), config)
    docs = docs.loc[:, ["doc_id", "text"]].reset_index(drop=True)
    ids = set(docs["doc_id"])
    planted = [
        (p["original"], p["copy"], "3 characters replaced")
        for p in manifest["near_duplicates"]
        if p["original"] in ids and p["copy"] in ids
    ]
    rng = random.Random(seed + 1)
    texts = docs["text"].tolist()
    pool = "".join(sorted({ch for t in texts[:200] for ch in t if "\u4e00" <= ch <= "\u9fff"}))
    rows = []
    for j in range(copies):
        i = rng.randrange(len(docs))
        copy_id = f"edited_{j:04d}"
        rows.append((copy_id, _edit(texts[i], rng.uniform(0.05, 0.15), rng, pool)))
        planted.append((docs["doc_id"].iloc[i], copy_id, "5-15 % edited"))
    extra = pd.DataFrame(rows, columns=["doc_id", "text"])
    return pd.concat([docs, extra], ignore_index=True), planted


def datasketch_chain(docs: pd.DataFrame, config: DedupConfig) -> dict[str, int]:
    """Group number of each document found with datasketch's MinHash and MinHashLSH."""
    k = config.shingle_size
    norms = {i: normalise(t) for i, t in zip(docs["doc_id"], docs["text"], strict=True)}
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    sigs = {}
    for i, norm in norms.items():
        if len(norm) < k:
            continue
        m = MinHash(num_perm=config.num_perm, seed=config.random_state)
        m.update_batch([norm[p : p + k].encode("utf-8") for p in range(len(norm) - k + 1)])
        sigs[i] = m
        lsh.insert(i, m)
    graph = nx.Graph()
    graph.add_nodes_from(norms)
    sets: dict[str, frozenset[str]] = {}
    for i, m in sigs.items():
        for j in lsh.query(m):
            if j <= i:
                continue
            a = sets.setdefault(i, shingles(norms[i], k))
            b = sets.setdefault(j, shingles(norms[j], k))
            if jaccard(a, b) >= config.threshold:
                graph.add_edge(i, j)
    return {d: n for n, comp in enumerate(nx.connected_components(graph)) for d in comp}


def recall(same_group, docs: pd.DataFrame, planted: list, config: DedupConfig) -> dict:
    """Found / near duplicates at the threshold, per kind of planted pair and overall."""
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    k = config.shingle_size
    out: dict[str, list[int]] = {}
    for a, b, kind in planted:
        if jaccard(shingles(texts[a], k), shingles(texts[b], k)) < config.threshold:
            continue
        for key in (kind, "all"):
            counts = out.setdefault(key, [0, 0])
            counts[0] += bool(same_group(a, b))
            counts[1] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``bench_dedup.py [--mb 10] [--copies 150] [--repeat 3]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=10.0, help="synthetic corpus size (default 10)")
    ap.add_argument("--copies", type=int, default=150, help="5-15 %% edited copies (default 150)")
    ap.add_argument("--repeat", type=int, default=3, help="runs timed per side (default 3)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    config = DedupConfig()
    docs, planted = corpus(args.mb, args.copies)
    n_chars = int(docs["text"].str.len().sum())
    print(f"corpus: {len(docs)} documents, {n_chars:,} characters, {len(planted)} planted pairs")
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    t_tk, found = median_time(lambda: find_duplicates(docs, config), args.repeat)
    t_ds, groups = median_time(lambda: datasketch_chain(docs, config), args.repeat)
    norms = [normalise(t) for t in docs["text"]]
    k, n_perm, seed = config.shingle_size, config.num_perm, config.random_state
    t_norm, _ = median_time(lambda: [normalise(t) for t in docs["text"]], args.repeat)
    t_sig_tk, _ = median_time(lambda: [signature(n, k, n_perm, seed) for n in norms], args.repeat)

    def ds_signatures() -> None:
        for n in norms:
            m = MinHash(num_perm=n_perm, seed=seed)
            m.update_batch([n[p : p + k].encode("utf-8") for p in range(len(n) - k + 1)])

    t_sig_ds, _ = median_time(ds_signatures, args.repeat)
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    grp = found.set_index("doc_id")["dup_group"]
    r_tk = recall(lambda a, b: grp[a] is not None and grp[a] == grp[b], docs, planted, config)
    r_ds = recall(lambda a, b: groups[a] == groups[b], docs, planted, config)
    print()
    print(f"{'':34s} {'textkit':>10s} {'datasketch':>11s} {'ratio':>7s}")
    print(f"{'near-duplicate search (s)':34s} {t_tk:10.2f} {t_ds:11.2f} {t_ds / t_tk:6.1f}x")
    print(f"{'  of which signatures (s)':34s} {t_sig_tk:10.2f} {t_sig_ds:11.2f} "
          f"{t_sig_ds / t_sig_tk:6.1f}x")  # fmt: skip
    print(f"{'  of which normalisation (s)':34s} {t_norm:10.2f} {t_norm:11.2f}")
    for kind in sorted(r_tk):
        a, b = r_tk[kind], r_ds.get(kind, [0, 0])
        label = f"recall, {kind}"
        print(f"{label:34s} {a[0]:>5d}/{a[1]:<4d} {b[0]:>6d}/{b[1]:<4d}")
    print(f"flagged duplicates: textkit {int(found['is_duplicate'].sum())}")
    try:
        import rensa
    except ImportError:
        return 0
    from importlib.metadata import version

    def rensa_signatures() -> list:
        hashes = [shingle_hashes(n, k).astype(np.uint64) for n in norms]
        flat = np.concatenate(hashes)
        offsets = np.concatenate([[0], np.cumsum([len(h) for h in hashes])]).astype(np.uint64)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, n_perm, seed)
        return matrix.to_rows()

    t_rensa, _ = median_time(rensa_signatures, args.repeat)
    print(
        f"rensa {version('rensa')} signatures of the same shingle hashes: {t_rensa:.2f} s "
        f"(textkit's: {t_sig_tk:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
