"""A corpus built from a large table: in memory against streamed, time and peak memory.

Run: ``.venv/bin/python benchmarks/bench_table_build.py [--rows 100000] [--batch-rows 1000]``

A CSV of ``--rows`` rows (columns ``id``, ``province``, ``year``, ``text``) is generated with
a fixed seed: each text is 1 to 6 sentences drawn from a small vocabulary of governance
phrases; about 3 % of the rows repeat the text of an earlier row (exact copies), 1 % are near
copies (one character changed) and 1 % have an empty text. Then, each in a fresh
subprocess whose peak RSS (``ru_maxrss``) is reported, we time

* ``pandas.read_csv`` of the file (``dtype=str``): the floor for reading it;
* ``textkit.read_texts`` and ``textkit.iter_texts`` (every batch read, nothing kept);
* the in-memory build: ``read_texts`` -> ``build_corpus`` -> ``write_corpus``;
* the streamed build: ``build_corpus_to(csv, ..., batch_rows=N)``, which writes the same
  files (checked byte for byte at the end),

and print rows per second, peak RSS (and the RSS after the imports, before the clock starts:
the libraries alone) and the ratios of the streamed reader and build to their
in-memory peers measured in the same run. The load average is printed too: other programs
on the machine slow every task, not always equally.
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

PROVINCES = ("浙江", "江苏", "广东", "山东", "四川", "河南", "湖北", "福建", "安徽", "湖南")
SUBJECTS = ("各级党委政府", "基层干部", "社区网格员", "政法机关", "人民调解组织", "街道办事处")
VERBS = ("坚持", "推进", "完善", "深化", "健全", "落实", "创新", "加强")
OBJECTS = (
    "新时代枫桥经验",
    "基层社会治理体系",
    "矛盾纠纷多元化解机制",
    "平安乡村建设",
    "法治政府建设",
    "网格化服务管理",
    "诉源治理",
    "群众来信来访工作",
    "数字政府改革",
    "公共法律服务体系",
)
ENDS = (
    "取得明显成效",
    "群众满意度不断提升",
    "为经济社会发展提供有力保障",
    "切实把矛盾化解在基层",
    "推动治理重心向基层下移",
    "形成共建共治共享格局",
)


def generate(path: Path, rows: int, seed: int = 20240601) -> None:
    """Write the synthetic CSV (same arguments, same bytes)."""
    import csv

    rng = random.Random(seed)
    texts: list[str] = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["id", "province", "year", "text"])
        for i in range(rows):
            draw = rng.random()
            if draw < 0.01:
                text = ""
            elif draw < 0.04 and texts:
                text = texts[rng.randrange(len(texts))]
            elif draw < 0.05 and texts:
                chars = list(texts[rng.randrange(len(texts))])
                chars[rng.randrange(len(chars))] = "丙"
                text = "".join(chars)
            else:
                text = "".join(
                    f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，"
                    f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(ENDS)}。"
                    for _ in range(rng.randint(1, 6))
                )
            if text and len(texts) < 5000:
                texts.append(text)
            year = rng.randint(2010, 2023)
            out.writerow([f"g{i:07d}", rng.choice(PROVINCES), year, text])


def _task(name: str, csv_path: Path, out: Path, batch_rows: int) -> dict:
    """Run one task in this process; returns rows, seconds and peak RSS (MB)."""
    import logging

    logging.disable(logging.WARNING)  # the rejected empty rows are logged one by one
    import pandas as pd

    import textkit as tk
    import textkit.corpus.annotate
    import textkit.corpus.clean
    import textkit.corpus.dedup  # noqa: F401 - imported before the clock starts

    for verb in ("read_texts", "iter_texts", "build_corpus", "build_corpus_to", "write_corpus"):
        getattr(tk, verb)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    t0 = time.perf_counter()
    if name == "read_csv":
        n = len(pd.read_csv(csv_path, dtype=str, keep_default_na=False))
    elif name == "read_texts":
        n = len(tk.read_texts(csv_path, id="id").report)
    elif name == "iter_texts":
        n = sum(len(b.report) for b in tk.iter_texts(csv_path, id="id", batch_size=batch_rows))
    elif name == "memory":
        texts = tk.read_texts(csv_path, id="id")
        n = len(texts.report)
        tk.write_corpus(tk.build_corpus(texts), out)
    elif name == "stream":
        paths = tk.build_corpus_to(csv_path, out, read={"id": "id"}, batch_rows=batch_rows)
        n = json.loads(paths[4].read_text("utf-8"))["texts"]["inputs"]
    else:
        raise SystemExit(f"unknown task {name!r}")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return {"task": name, "rows": n, "seconds": seconds, "peak_mb": peak, "base_mb": base}


def _run(name: str, csv_path: Path, out: Path, batch_rows: int) -> dict:
    cmd = [sys.executable, __file__, "--task", name, "--csv", str(csv_path), "--out", str(out)]
    cmd += ["--batch-rows", str(batch_rows)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the CSV (default 100000)")
    ap.add_argument("--batch-rows", type=int, default=1000, help="rows per streamed batch")
    ap.add_argument("--work", type=Path, default=None, help="work directory (default a temp dir)")
    ap.add_argument("--task", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task:
        print(json.dumps(_task(args.task, args.csv, args.out, args.batch_rows)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="textkit-table-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TEXTKIT_CACHE_DIR"] = str(work / "cache")
    csv_path = work / f"governance_{args.rows}.csv"
    t0 = time.perf_counter()
    generate(csv_path, args.rows)
    size = csv_path.stat().st_size / 1e6
    print(
        f"{csv_path.name}: {args.rows} rows, {size:.1f} MB, generated in "
        f"{time.perf_counter() - t0:.1f} s; batches of {args.batch_rows} rows"
    )
    results = {}
    for name in ("read_csv", "read_texts", "iter_texts", "memory", "stream"):
        results[name] = r = _run(name, csv_path, work / name, args.batch_rows)
        print(
            f"{name:<11s} {r['seconds']:8.1f} s {r['rows'] / r['seconds']:10.0f} rows/s "
            f"peak RSS {r['peak_mb']:7.0f} MB (after imports {r['base_mb']:4.0f} MB)"
            f"   (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )

    def ratio(a: str, b: str) -> str:
        ra, rb = results[a], results[b]
        return (
            f"{a} / {b}: speed {rb['seconds'] / ra['seconds']:.2f}x, "
            f"peak RSS {ra['peak_mb'] / rb['peak_mb']:.2f}x"
        )

    print(ratio("iter_texts", "read_texts"))
    print(ratio("iter_texts", "read_csv"))
    print(ratio("stream", "memory"))
    names = sorted(p.name for p in (work / "memory").iterdir() if p.is_file())
    same = all(
        (work / "memory" / n).read_bytes() == (work / "stream" / n).read_bytes() for n in names
    )
    print(f"streamed build wrote the in-memory build's files byte for byte: {same}")


if __name__ == "__main__":
    main()
