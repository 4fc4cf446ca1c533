"""Frame scoring of one 5 MB single-line page: peak memory and time against plain jieba.

Run: ``.venv/bin/python benchmarks/bench_frames_memory.py [--mb 5] [--seed 20240601]``

A page of ``--mb`` megabytes (UTF-8, about 1.7 M characters for 5 MB) is generated with a
fixed seed from governance phrases (subjects, verbs, objects, outcomes, and frame-lexicon
terms) joined **without any punctuation or newline**: one paragraph that is one sentence,
the worst case for the frame scorer (a corpus build accepts such a page). Then, each in a
fresh subprocess whose peak RSS (``ru_maxrss``) is reported, we time

* ``textkit.score_frames([page])`` with the default segmenter and ``FrameConfig()``;
* ``textkit.frame_hits([page])``, the hit table (its longest string is printed too);
* the peer: ``jieba.Tokenizer().lcut(page)`` (a fresh tokenizer, HMM on, jieba's default),

and print seconds, peak RSS, the RSS after the imports and the segmenter build (before the
clock starts) and the ratios to the peer. The goal is a peak under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUBJECTS = ("各级党委政府", "基层干部", "社区网格员", "政法机关", "人民调解组织", "街道办事处")
VERBS = ("坚持", "推进", "完善", "深化", "健全", "落实", "创新", "加强", "依法")
OBJECTS = (
    "新时代枫桥经验",
    "基层社会治理体系",
    "矛盾纠纷多元化解机制",
    "平安乡村建设",
    "法治政府建设",
    "网格化服务管理",
    "社会治安综合治理",
    "维稳工作",
    "公共法律服务体系",
    "严厉打击违法犯罪",
)
ENDS = ("取得明显成效", "群众满意度不断提升", "切实把矛盾化解在基层", "形成共建共治共享格局")


def make_page(mb: float, seed: int) -> str:
    """``mb`` megabytes (UTF-8) of governance phrases without punctuation, fixed seed."""
    rng = random.Random(seed)
    target = int(mb * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < target:
        phrase = rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS) + rng.choice(ENDS)
        parts.append(phrase)
        size += len(phrase.encode("utf-8"))
    page = "".join(parts)
    return page.encode("utf-8")[:target].decode("utf-8", errors="ignore")


def _task(name: str, path: str) -> dict:
    """Run one measurement in this (fresh) process."""
    import logging

    import jieba

    text = Path(path).read_text(encoding="utf-8")
    jieba.setLogLevel(logging.WARNING)
    if name == "jieba":
        from textkit.core.paths import cache_dir

        tk = jieba.Tokenizer()
        tk.tmp_dir = str(cache_dir("jieba"))  # never jieba's default /tmp/jieba.cache
        tk.initialize()
        run = lambda: {"tokens": len(tk.lcut(text))}  # noqa: E731
    else:
        from textkit.frames.score import frame_hits, score_frames
        from textkit.segment.segmenter import get_segmenter

        seg = get_segmenter()
        seg.cut("加强社会治安综合治理")  # warm
        if name == "score_frames":

            def run() -> dict:
                row = score_frames([text], segmenter=seg).iloc[0]
                return {
                    "n_tokens": int(row["n_tokens"]),
                    "balance": round(float(row["balance"]), 4),
                }

        else:

            def run() -> dict:
                hits = frame_hits([text], segmenter=seg)
                text_cols = [c for c in hits.columns if hits[c].dtype.kind not in "biuf"]
                longest = max(int(hits[c].astype(str).str.len().max()) for c in text_cols)
                return {"hits": len(hits), "longest_string": longest}

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    t = time.perf_counter()
    info = run()
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": name, "seconds": seconds, "peak_mb": peak, "base_mb": base, **info}


def _measure(name: str, path: Path) -> dict:
    cmd = [sys.executable, __file__, "--task", name, "--input", str(path)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="page size in megabytes (UTF-8)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--task", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task:
        print(json.dumps(_task(args.task, args.input)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-frames-") as tmp:
        path = Path(tmp) / "page.txt"
        page = make_page(args.mb, args.seed)
        path.write_text(page, encoding="utf-8")
        print(
            f"page: {path.stat().st_size / 1e6:.1f} MB, {len(page):,} characters, one line, "
            f"no punctuation; load average {os.getloadavg()[0]:.2f}"
        )
        results = {name: _measure(name, path) for name in ("jieba", "score_frames", "frame_hits")}
    peer = results["jieba"]
    print(f"{'task':<14}{'seconds':>9}{'peak MB':>9}{'base MB':>9}{'x time':>8}{'x peak':>8}  info")
    for name, r in results.items():
        info = {k: v for k, v in r.items() if k not in ("task", "seconds", "peak_mb", "base_mb")}
        print(
            f"{name:<14}{r['seconds']:>9.1f}{r['peak_mb']:>9.0f}{r['base_mb']:>9.0f}"
            f"{r['seconds'] / peer['seconds']:>8.2f}{r['peak_mb'] / peer['peak_mb']:>8.2f}  {info}"
        )
    worst = max(r["peak_mb"] for n, r in results.items() if n != "jieba")
    print(f"goal: peak under 1 GB -> {'met' if worst < 1024 else 'NOT met'} ({worst:.0f} MB)")


if __name__ == "__main__":
    main()
