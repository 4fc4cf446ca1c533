"""A corpus built from a folder of small files: in memory against streamed, time and peak memory.

Run: ``.venv/bin/python benchmarks/bench_folder_build.py [--files 2000] [--batch-files 50]``

A folder of ``--files`` files under ``<province>/<year>/`` is generated with a fixed seed,
with a ``metadata.csv`` naming each file (a source and a date): text files in UTF-8 and in
GBK, HTML pages, Word documents (python-docx) and, when fpdf2 is installed, a few PDF files
(the bundled CJK font). Each text is 2 to 6 paragraphs of governance phrases from a small
vocabulary; about 3 % of the files repeat the text of an earlier file in another format
(exact copies across formats) and 1 % are empty (rejected). Then, each in a fresh
subprocess whose peak RSS (``ru_maxrss``) is reported, we time

* the in-memory build: ``read_texts(folder, docvars_from=..., metadata=...)`` ->
  ``build_corpus`` -> ``write_corpus``;
* the streamed build: ``build_corpus_to(folder, ..., read={...}, batch_pages=N)``, with the
  default memory budget and with ``memory_budget_mb=0`` (every batch on disk), which write
  the same files (checked byte for byte at the end),

and print files per second, peak RSS (and the RSS after the imports, before the clock
starts: the libraries alone, which at this size are most of it) and, in a second
subprocess per build, the peak of the memory the build itself allocated (Python objects
traced by ``tracemalloc``, plus the most pyarrow's memory pool held:
``pyarrow.default_memory_pool().max_memory()``), and the ratios of the streamed builds to
the in-memory one measured in the same run, with the load average (other programs slow
every task). Before the clock starts, each subprocess builds a folder of the first ten
files of each format, so that what a build loads once (the character frequencies that
choose a text's encoding, PDF character maps, dictionaries) is not counted as the
build's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_table_build import ENDS, OBJECTS, PROVINCES, SUBJECTS, VERBS  # one vocabulary

#: What ``read_texts`` and ``build_corpus_to`` are given (plus the metadata table).
READ = {"docvars_from": "{province}/{year}/{name}", "dates": ["发布日期"]}


def _paragraphs(rng: random.Random) -> list[str]:
    return [
        "".join(
            f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，"
            f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(ENDS)}。"
            for _ in range(rng.randint(1, 3))
        )
        for _ in range(rng.randint(2, 6))
    ]


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf_maker():
    """A function writing a PDF of paragraphs, or None without fpdf2."""
    try:
        from fpdf import FPDF
    except ImportError:
        return None
    from textkit.plots import cjk_font_path

    def make(paragraphs: list[str]) -> bytes:
        pdf = FPDF()
        pdf.add_font("cjk", fname=str(cjk_font_path()))
        pdf.set_font("cjk", size=11)
        pdf.add_page()
        pdf.multi_cell(0, 7, "\n".join(paragraphs))
        return bytes(pdf.output())

    return make


def generate(root: Path, files: int, seed: int = 20240601) -> Path:
    """Write the folder ``root / "files"`` and ``root / "metadata.csv"`` (same arguments,
    same bytes, but for the PDF files fpdf2 writes); returns the folder."""
    import csv

    rng = random.Random(seed)
    folder = root / "files"
    pdf = _pdf_maker()
    earlier: list[list[str]] = []
    rows = []
    for i in range(files):
        province, year = rng.choice(PROVINCES), rng.randint(2010, 2023)
        draw = rng.random()
        if draw < 0.03 and earlier:
            paragraphs = earlier[rng.randrange(len(earlier))]  # a copy, in another format
        else:
            paragraphs = _paragraphs(rng)
            earlier.append(paragraphs)
        kind = rng.choices(("utf8", "gbk", "html", "docx", "pdf"), (30, 20, 20, 25, 5))[0]
        kind = "utf8" if kind == "pdf" and pdf is None else kind
        text = "\n".join(paragraphs) + "\n"
        if draw > 0.99:
            kind, data = "utf8", b""
        elif kind == "utf8":
            data = text.encode("utf-8")
        elif kind == "gbk":
            data = text.encode("gbk")
        elif kind == "html":
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            data = (
                f'<html><head><meta charset="utf-8"><title>{paragraphs[0][:12]}</title>'
                f"</head><body>{body}</body></html>"
            ).encode()
        elif kind == "docx":
            data = _docx(paragraphs)
        else:
            data = pdf(paragraphs)
        suffix = {"utf8": ".txt", "gbk": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
        rel = f"{province}/{year}/f{i:06d}{suffix[kind]}"
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
        rows.append([rel, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", "某政府网"])
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["file", "发布日期", "来源"])
        out.writerows(rows)
    return folder


def _task(name: str, root: Path, out: Path, batch_files: int, trace: bool) -> dict:
    """Run one task in this process; returns files, seconds and peak RSS (MB), and with
    ``trace`` the peak MiB the build allocated (Python objects and pyarrow)."""
    import logging
    import warnings

    logging.disable(logging.WARNING)  # rejected files are logged one by one
    warnings.simplefilter("ignore")
    import tracemalloc

    import pyarrow as pa

    import textkit as tk
    import textkit.corpus.annotate
    import textkit.corpus.clean
    import textkit.corpus.dedup
    import textkit.corpus.extract  # noqa: F401 - imported before the clock starts

    read = {**READ, "metadata": str(root / "metadata.csv")}
    _warm_up(root, out.parent / f"warm-{name}")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    arrow_base = pa.default_memory_pool().max_memory()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    if name == "memory":
        texts = tk.read_texts(root / "files", **read)
        paths = tk.write_corpus(tk.build_corpus(texts), out)
    elif name in ("stream", "stream_disk"):
        budget = {"memory_budget_mb": 0} if name == "stream_disk" else {}
        paths = tk.build_corpus_to(
            root / "files", out, read=read, batch_pages=batch_files, **budget
        )
    else:
        raise SystemExit(f"unknown task {name!r}")
    seconds = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    if trace:
        tracemalloc.stop()
    arrow = (pa.default_memory_pool().max_memory() - arrow_base) / 2**20
    n = json.loads(paths[4].read_text("utf-8"))["texts"]["inputs"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return {
        "task": name,
        "files": n,
        "seconds": seconds,
        "peak_mb": peak,
        "base_mb": base,
        "traced_mb": traced,
        "arrow_mb": arrow,
    }


def _warm_up(root: Path, warm: Path) -> None:
    """Build a folder of the first files of each format in memory (text files in UTF-8
    and in GBK among them), so that what every build loads once (the character
    frequencies that choose a text's encoding, PDF character maps, dictionaries, rules)
    is loaded before the memory is traced."""
    import shutil

    import textkit as tk

    (warm / "files").mkdir(parents=True)
    for suffix in (".txt", ".html", ".docx", ".pdf"):
        for path in sorted((root / "files").rglob(f"*{suffix}"))[:10]:
            shutil.copy(path, warm / "files" / path.name)
    # the first text that reads in several encodings loads the character frequencies of
    # jieba's dictionary to choose among them (67 MiB while the dictionary is read)
    sample = f"{SUBJECTS[0]}{VERBS[0]}{OBJECTS[0]}，{ENDS[0]}。"
    (warm / "files" / "gbk.txt").write_bytes(sample.encode("gbk"))
    tk.build_corpus(tk.read_texts(warm / "files"))
    shutil.rmtree(warm)


def _run(name: str, root: Path, out: Path, batch_files: int, trace: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--task", name, "--root", str(root), "--out", str(out)]
    cmd += ["--batch-files", str(batch_files), *(["--trace"] if trace else [])]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=2000, help="files of the folder (default 2000)")
    ap.add_argument("--batch-files", type=int, default=50, help="files per streamed batch")
    ap.add_argument("--work", type=Path, default=None, help="work directory (default a temp dir)")
    ap.add_argument("--task", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task == "generate":
        generate(args.root, args.files)
        return
    if args.task:
        print(json.dumps(_task(args.task, args.root, args.out, args.batch_files, args.trace)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="textkit-folder-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TEXTKIT_CACHE_DIR"] = str(work / "cache")
    t0 = time.perf_counter()
    folder = work / "files"
    if not (work / "metadata.csv").is_file():  # a --work folder of an earlier run: reused
        # in a subprocess: on Linux a child's peak RSS counts its parent's at the fork
        cmd = [sys.executable, __file__, "--task", "generate", "--root", str(work)]
        subprocess.run([*cmd, "--files", str(args.files)], check=True)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    kinds: dict[str, int] = {}
    for p in folder.rglob("*.*"):
        kinds[p.suffix] = kinds.get(p.suffix, 0) + 1
    print(
        f"{folder}: {args.files} files ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}"
        f"), {size:.1f} MB, generated in {time.perf_counter() - t0:.1f} s; batches of "
        f"{args.batch_files} files"
    )
    results = {}
    for name in ("memory", "stream", "stream_disk"):
        results[name] = r = _run(name, work, work / name, args.batch_files)
        traced = _run(name, work, work / f"{name}-traced", args.batch_files, trace=True)
        r["traced_mb"], r["arrow_mb"] = traced["traced_mb"], traced["arrow_mb"]
        print(
            f"{name:<11s} {r['seconds']:8.1f} s {r['files'] / r['seconds']:8.0f} files/s "
            f"peak RSS {r['peak_mb']:5.0f} MB (after imports {r['base_mb']:4.0f} MB), "
            f"allocated by the build {r['traced_mb'] + r['arrow_mb']:6.1f} MiB (Python "
            f"{r['traced_mb']:.1f}, pyarrow {r['arrow_mb']:.1f})   (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )

    def ratio(a: str, b: str) -> str:
        ra, rb = results[a], results[b]
        return (
            f"{a} / {b}: speed {rb['seconds'] / ra['seconds']:.2f}x, "
            f"peak RSS {ra['peak_mb'] / rb['peak_mb']:.2f}x, memory allocated by the build "
            f"{(ra['traced_mb'] + ra['arrow_mb']) / (rb['traced_mb'] + rb['arrow_mb']):.2f}x"
        )

    print(ratio("stream", "memory"))
    print(ratio("stream_disk", "memory"))
    names = sorted(p.name for p in (work / "memory").iterdir() if p.is_file())
    for other in ("stream", "stream_disk"):
        same = all(
            (work / "memory" / n).read_bytes() == (work / other / n).read_bytes() for n in names
        )
        print(f"{other} wrote the in-memory build's files byte for byte: {same}")


if __name__ == "__main__":
    main()
