"""Synthetic governance corpus of a chosen size, made from the seed corpus, for benchmarks.

Run: ``.venv/bin/python benchmarks/synth.py --mb 10 --out /tmp/synth10``

The paragraphs of the seed corpus (the cleaned ``text`` of the kept, non-duplicate articles of
``textkit.corpus.build.build_corpus("corpus/raw")`` when that works, otherwise the raw paragraphs of
``corpus/raw/*.txt`` without their article-marker lines) are reshuffled with a fixed seed into
articles of 5-30 paragraphs, each ending with a date line. Articles are grouped 6-10 to a page
and written as UTF-8 page files in the seed pages' format, so the real ingest / split path
handles them::

    公文素材库 首页

    <page title>

    时间:2019-05-22 11:24:58 网站:公文素材库
    第1篇:<article title>

    <paragraph>
    ...

About 5 % of the articles are planted near-duplicates: a copy of an earlier article (on an
earlier page) with a few characters replaced and a changed date line. The list of planted
pairs is written next to the output directory as ``<out>.manifest.json`` (not inside it, so it
is never read as a page). Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus" / "raw"

logger = logging.getLogger("benchmarks.synth")

#: Lines of the seed pages that start an article (never used as paragraphs).
MARKER_RE = re.compile(
    r"^(第[0-9一二三四五六七八九十百]+篇\s*[:：]?|.{0,60}篇\s*[0-9一二三四五六七八九十]+\s*$"
    r"|.{0,60}第[0-9一二三四五六七八九十]+篇\s*$)"
)
SITE = "公文素材库"
DUP_RATE = 0.05
EDITS = 3


@dataclass(frozen=True)
class SeedText:
    """Paragraphs and titles drawn from the seed corpus, and where they came from."""

    paragraphs: tuple[str, ...]
    titles: tuple[str, ...]
    source: str


def _raw_seed(raw_dir: Path) -> SeedText:
    paras: list[str] = []
    titles: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text("utf-8", errors="replace").splitlines():
            s = line.strip()
            if not s:
                continue
            if MARKER_RE.match(s):
                t = re.sub(r"^第[0-9一二三四五六七八九十百]+篇\s*[:：]?", "", s)
                t = re.sub(r"(第?[0-9一二三四五六七八九十]+篇|篇\s*[0-9]+)\s*$", "", t).strip()
                if 4 <= len(t) <= 40:
                    titles.append(t)
                continue
            if len(s) >= 8:
                paras.append(s)
    return SeedText(tuple(dict.fromkeys(paras)), tuple(dict.fromkeys(titles)), "raw paragraphs")


def load_seed(raw_dir: Path = RAW, use_corpus: bool = True) -> SeedText:
    """Seed paragraphs: cleaned text from ``build_corpus`` if available, else raw lines.

    Parameters
    ----------
    raw_dir : Path
        The seed pages.
    use_corpus : bool
        Try ``textkit.corpus.build.build_corpus`` first.
    """
    if use_corpus:
        try:
            from textkit.corpus.build import build_corpus

            docs = build_corpus(raw_dir).documents
            keep = docs
            if "status" in docs.columns:
                keep = keep[keep["status"] == "kept"]
            if "is_duplicate" in docs.columns:
                keep = keep[~keep["is_duplicate"].astype(bool)]
            paras = [
                p.strip()
                for text in keep["text"]
                for p in str(text).split("\n")
                if len(p.strip()) >= 8 and not MARKER_RE.match(p.strip())
            ]
            titles = [str(t).strip() for t in keep.get("title", []) if 4 <= len(str(t)) <= 40]
            if len(paras) >= 100:
                raw_titles = _raw_seed(raw_dir).titles
                return SeedText(
                    tuple(dict.fromkeys(paras)),
                    tuple(dict.fromkeys(titles)) or raw_titles,
                    "cleaned text of textkit.corpus.build.build_corpus",
                )
            logger.warning("build_corpus gave only %d paragraphs; using raw ones", len(paras))
        except Exception as exc:  # the corpus module is developed in parallel
            logger.warning(
                "textkit.corpus.build.build_corpus unavailable (%s); using raw paragraphs", exc
            )
    return _raw_seed(raw_dir)


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28)


def _date_line(d: tuple[int, int, int]) -> str:
    return f"{d[0]}年{d[1]}月{d[2]}日"


def _near_duplicate(paras: list[str], rng: random.Random, pool_chars: str) -> list[str]:
    """Copy of an article body with ``EDITS`` CJK characters replaced."""
    out = list(paras)
    for _ in range(EDITS):
        i = rng.randrange(len(out))
        p = out[i]
        pos = [j for j, ch in enumerate(p) if "\u4e00" <= ch <= "\u9fff"]
        if not pos:
            continue
        j = rng.choice(pos)
        new = rng.choice(pool_chars)
        out[i] = p[:j] + new + p[j + 1 :]
    return out


def generate(
    mb: float,
    out: Path,
    seed: int = 20240601,
    raw_dir: Path = RAW,
    use_corpus: bool = True,
) -> dict:
    """Write about ``mb`` megabytes (10^6 bytes, UTF-8) of pages into ``out``.

    Returns
    -------
    dict
        The manifest: size, counts, seed source and the planted duplicate pairs.
    """
    from textkit.core.io import write_json, write_text

    if mb <= 0:
        raise ValueError(f"--mb: expected a positive size, got {mb}")
    seed_text = load_seed(raw_dir, use_corpus)
    if len(seed_text.paragraphs) < 50:
        raise ValueError(f"{raw_dir}: only {len(seed_text.paragraphs)} seed paragraphs")
    titles = seed_text.titles or ("综合治理工作材料",)
    rng = random.Random(seed)
    paras = list(seed_text.paragraphs)
    pool_chars = "".join(
        sorted({ch for p in paras[:200] for ch in p if "\u4e00" <= ch <= "\u9fff"})
    )
    out.mkdir(parents=True, exist_ok=True)
    for old in sorted(out.glob("synth_*.txt")):
        old.unlink()
    target = int(mb * 1_000_000)
    written = 0
    n_pages = n_articles = 0
    articles: list[tuple[str, str, list[str]]] = []  # (doc ref, title, body)
    planted: list[dict] = []
    page_no = 0
    while written < target:
        page_no += 1
        stem = f"synth_{page_no:05d}"
        page_title = rng.choice(titles) + "（精选）"
        d = _date(rng)
        hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        lines = [f"{SITE} 首页", "", page_title, ""]
        lines.append(f"时间:{d[0]}-{d[1]:02d}-{d[2]:02d} {hh:02d}:{mm:02d}:{ss:02d} 网站:{SITE}")
        n_here = rng.randint(6, 10)
        page_refs = []
        for k in range(1, n_here + 1):
            ref = f"{stem}#{k:02d}"
            if articles and rng.random() < DUP_RATE:
                src_ref, title, body = articles[rng.randrange(len(articles))]
                body = _near_duplicate(body, rng, pool_chars)
                planted.append({"copy": ref, "original": src_ref, "edited_chars": EDITS})
            else:
                title = rng.choice(titles)
                body = rng.sample(paras, min(len(paras), rng.randint(5, 30)))
                src_ref = None
            lines.append(f"第{k}篇:{title}")
            lines.append("")
            lines.extend(body)
            lines.append(_date_line(_date(rng)))
            lines.append("")
            page_refs.append((ref, title, body))
        # originals become available for copying from the next page on
        articles.extend(page_refs)
        text = "\n".join(lines) + "\n"
        write_text(out / f"{stem}.txt", text)
        written += len(text.encode("utf-8"))
        n_pages += 1
        n_articles += n_here
    manifest = {
        "mb_requested": mb,
        "bytes": written,
        "chars_note": "bytes are UTF-8 (about 3 bytes per Chinese character)",
        "pages": n_pages,
        "articles": n_articles,
        "seed": seed,
        "source": seed_text.source,
        "seed_paragraphs": len(paras),
        "near_duplicates": planted,
    }
    write_json(manifest_path(out), manifest)
    return manifest


def manifest_path(out: Path) -> Path:
    """Where :func:`generate` writes the manifest of ``out``: ``<out>.manifest.json``."""
    out = Path(out).resolve()
    return out.parent / f"{out.name}.manifest.json"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``synth.py --mb 10 --out /tmp/synth10 [--seed N] [--raw-only]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, required=True, help="size in MB (10^6 bytes): 1, 10, 50")
    ap.add_argument("--out", type=Path, required=True, help="directory for the page files")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed (default 20240601)")
    ap.add_argument("--raw", type=Path, default=RAW, help="seed pages (default corpus/raw)")
    ap.add_argument("--raw-only", action="store_true", help="use raw paragraphs, skip build_corpus")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    m = generate(args.mb, args.out, args.seed, args.raw, use_corpus=not args.raw_only)
    print(
        f"{args.out}: {m['pages']} pages, {m['articles']} articles, {m['bytes'] / 1e6:.1f} MB, "
        f"{len(m['near_duplicates'])} planted near-duplicates (source: {m['source']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
