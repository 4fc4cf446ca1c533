"""Frame scoring against a plain dictionary count of the same terms, measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_frames.py [--scale K] [--repeat N]``

The corpus is the seed corpus's cleaned articles repeated ``scale`` times (fresh ids). The
peer is what a researcher would write in a few lines: one regular expression of the lexicon's
terms, longest first, counted over each text (no segmentation, no context rules, no
intervals). Timed, one process, median of ``repeat`` runs:

* ``score_frames`` on a segmented corpus: the sentence units with raw tokens
  (``segment_corpus(docs, unit="sentence", with_raw=True)``, timed on its own) passed as
  ``units=``, with the bootstrap off (``n_boot=0``) and on (the default 1,000 replicates);
* ``score_frames`` of the documents alone, segmenting them itself (cache off), with both
  segmentation backends.

Printed: seconds, the ratio to the plain count, whether scores from the units equal scores
from the documents, and whether the two backends give equal scores.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd
from timing import median_time

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=8, help="copies of the seed articles")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per measure (median)")
    args = ap.parse_args(argv)

    import textkit as tk
    from textkit.core.lexicon import load_lexicon

    docs = tk.build_corpus(ROOT / "corpus" / "raw").documents[["doc_id", "text"]]
    big = pd.concat([docs] * args.scale, ignore_index=True)
    big["doc_id"] = [f"d{i:05d}" for i in range(len(big))]
    n_chars = int(big["text"].str.len().sum())
    print(f"{len(big)} documents, {n_chars:,} characters")

    terms = sorted(load_lexicon().terms(), key=lambda t: (-len(t), t))
    pattern = re.compile("|".join(map(re.escape, terms)))
    texts = big["text"].tolist()
    plain, n_hits = median_time(lambda: sum(len(pattern.findall(t)) for t in texts), args.repeat)
    print(f"  plain count (one regex of {len(terms)} terms)   {plain:7.2f} s   {n_hits:,} hits")

    seg = tk.Segmenter()
    seg.cut("预热")
    sec, units = median_time(
        lambda: tk.segment_corpus(big, segmenter=seg, cache=False, with_raw=True), args.repeat
    )
    print(
        f"  segment_corpus(with_raw=True), {seg.backend:6s}      {sec:7.2f} s   (the one segmentation)"
    )
    from_units = {}
    for n_boot in (0, 1000):
        cfg = tk.FrameConfig(n_boot=n_boot)
        sec, out = median_time(
            lambda cfg=cfg: tk.score_frames(big, units=units, config=cfg), args.repeat
        )
        from_units[n_boot] = out
        print(
            f"  score_frames(units=...), n_boot={n_boot:<5d}      {sec:7.2f} s   "
            f"ratio to the plain count {sec / plain:6.1f}x"
        )

    results = {}
    for backend in ("rjieba", "jieba"):
        seg = tk.Segmenter(backend=backend)
        seg.cut("预热")
        for n_boot in (0, 1000):
            cfg = tk.FrameConfig(n_boot=n_boot)
            sec, out = median_time(
                lambda seg=seg, cfg=cfg: tk.score_frames(
                    big, segmenter=seg, config=cfg, cache=False
                ),
                args.repeat,
            )
            results[(backend, n_boot)] = out
            print(
                f"  score_frames(docs), {seg.backend:6s}, n_boot={n_boot:<5d} {sec:7.2f} s   "
                f"ratio to the plain count {sec / plain:6.1f}x"
            )
    same = all(results[("rjieba", b)].equals(results[("jieba", b)]) for b in (0, 1000))
    print(f"  equal scores with both backends: {same}")
    same = all(from_units[b].equals(results[("rjieba", b)]) for b in (0, 1000))
    print(f"  equal scores from the units and from the documents: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
