"""Tests of the streamed corpus build (textkit.corpus.stream.build_corpus_to) and the incremental
dedup it uses: the files it writes are the in-memory build's, byte for byte."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import textkit.corpus._documents as documents_mod
from textkit.corpus.annotate import AnnotateConfig
from textkit.corpus.build import CorpusConfig, build_corpus, load_corpus, write_corpus
from textkit.corpus.dedup import DuplicateFinder, find_duplicates
from textkit.corpus.read import read_texts
from textkit.corpus.stream import build_corpus_to
from textkit.run.cli import main

RAW_DIR = Path(__file__).resolve().parents[2] / "corpus" / "raw"
NAMES = [
    "documents.parquet",
    "documents.csv",
    "pages.csv",
    "boilerplate.csv",
    "corpus_report.json",
    "corpus_report.md",
]


def _same_files(a: list[Path], b: list[Path]) -> None:
    assert [p.name for p in a] == NAMES
    assert [p.name for p in b] == NAMES
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


def _edit(text: str, rng: random.Random, n: int) -> str:
    """``text`` with ``n`` Chinese characters replaced (a near duplicate)."""
    chars = list(text)
    pos = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    for i in rng.sample(pos, n):
        chars[i] = "丙" if chars[i] != "丙" else "丁"
    return "".join(chars)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, seed_docs) -> tuple[Path, dict]:
    """About 200 raw pages made of seed paragraphs, with planted copies far apart (so that
    they fall into different batches), rejected files, a GB18030 page and two names whose
    file order is not their doc_id order."""
    rng = random.Random(8)
    paras = sorted(
        {
            p.strip()
            for t in seed_docs.loc[seed_docs["status"] == "kept", "text"]
            for p in str(t).split("\n")
            if len(p.strip()) >= 30
        }
    )
    raw = tmp_path_factory.mktemp("gen_raw")
    bodies: dict[str, str] = {}
    planted: dict[str, str] = {}  # copy doc_id -> original doc_id
    for k in range(196):
        stem = f"g_{k:03d}"
        lines = ["公文素材库 首页", "", "材料汇编", "", "时间:2019-05-22 11:24:58 网站:公文素材库"]
        for n in range(1, rng.randint(1, 3) + 1):
            doc_id = f"{stem}#{n:02d}"
            if k >= 150 and n == 1 and k % 5 == 0:
                orig = f"g_{k - 150:03d}#01"
                body = _edit(bodies[orig], rng, 2) if k % 10 else bodies[orig]
                planted[doc_id] = orig
            else:
                body = "\n".join(rng.sample(paras, rng.randint(2, 4)))
            bodies[doc_id] = body
            lines += [f"第{n}篇:基层治理工作材料{k}-{n}", "", body, ""]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        (raw / f"{stem}.txt").write_bytes(data)
    (raw / "g_050.txt").write_bytes(b"")  # empty: rejected
    (raw / "g_100.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(40)))  # binary
    (raw / "g_120.txt").write_bytes(b"   \n\n  \n")  # whitespace only
    gb = "第1篇:社区网格化服务管理\n\n" + "\n".join(paras[:3]) + "\n"
    (raw / "g_130.txt").write_bytes(gb.encode("gb18030"))
    # "h-1.txt" sorts before "h.txt", but "h#01" before "h-1#01"
    for stem in ("h", "h-1"):
        body = "\n".join(rng.sample(paras, 3))
        (raw / f"{stem}.txt").write_text(f"第1篇:调解矛盾纠纷\n\n{body}\n", encoding="utf-8")
    return raw, planted


@pytest.fixture(scope="module")
def generated_build(generated):
    return build_corpus(generated[0])


@pytest.fixture(scope="module")
def generated_mem(generated_build, tmp_path_factory) -> list[Path]:
    return write_corpus(generated_build, tmp_path_factory.mktemp("gen_mem"))


@pytest.mark.parametrize("batch_pages", [1, 3, 1000])
def test_seed_corpus_streamed_is_byte_identical(seed_build, tmp_path, batch_pages):
    mem = write_corpus(seed_build, tmp_path / "mem")
    streamed = build_corpus_to(RAW_DIR, tmp_path / "stream", batch_pages=batch_pages)
    _same_files(mem, streamed)
    loaded = load_corpus(tmp_path / "stream")
    pd.testing.assert_frame_equal(loaded, seed_build.documents)


@pytest.mark.parametrize("batch_pages", [1, 3, 1000])
def test_generated_corpus_streamed_is_byte_identical(
    generated, generated_mem, tmp_path, batch_pages
):
    raw, planted = generated
    streamed = build_corpus_to(raw, tmp_path / "out", batch_pages=batch_pages)
    _same_files(generated_mem, streamed)
    docs = load_corpus(tmp_path / "out")
    # the planted copies were found although original and copy were in different batches
    got = dict(zip(docs["doc_id"], docs["dup_of"], strict=True))
    assert len(planted) == 10
    for copy, orig in planted.items():
        assert {copy, orig} & {got[copy], got[orig]}, copy
    near = docs[docs["doc_id"].isin(list(planted)) & (docs["similarity"] < 1.0)]
    assert len(near) >= 4 and (near["similarity"] >= 0.8).all()
    report = json.loads((tmp_path / "out" / "corpus_report.json").read_text(encoding="utf-8"))
    assert report["files"] == {"total": 199, "read": 196, "rejected": 3}
    assert report["rejected_by_reason"] == {"binary": 1, "empty": 1, "whitespace": 1}
    a = report["articles"]
    assert a["found"] == len(docs) == a["kept"] + a["flagged"] + a["quarantined"]
    assert a["flagged_duplicate"] >= len(planted)
    assert report["boilerplate"]["n_paragraphs"] > 0
    assert docs["doc_id"].is_monotonic_increasing
    assert docs.loc[docs["source_file"] == "g_130.txt", "encoding"].tolist() == ["gb18030"]


def test_documents_read_back_in_doc_id_order_across_row_groups(
    generated, generated_build, tmp_path, monkeypatch
):
    """Small row groups: the final pass reads rows from several temporary row groups per
    output chunk, and file order (h-1.txt, h.txt) differs from doc_id order (h#01, h-1#01)."""
    monkeypatch.setattr(documents_mod, "DOCUMENTS_ROW_GROUP", 7)
    raw, _ = generated
    mem = write_corpus(generated_build, tmp_path / "mem")
    streamed = build_corpus_to(raw, tmp_path / "stream", batch_pages=4)
    _same_files(mem, streamed)
    pf = pq.ParquetFile(tmp_path / "stream" / "documents.parquet")
    assert pf.metadata.num_row_groups > 20
    ids = load_corpus(tmp_path / "stream")["doc_id"].tolist()
    assert ids == sorted(ids)
    assert ids.index("h#01") + 1 == ids.index("h-1#01")


def test_numeric_ids_in_natural_order_in_memory_and_streamed(tmp_path):
    """A table's ids 1 … 12 list as numbers (1, 2, … 10), not as text (1, 10, 11, 2)."""
    rng = random.Random(3)
    texts = [
        "。".join("".join(rng.choice(WORDS) for _ in range(8)) for _ in range(4)) for _ in range(12)
    ]
    table = tmp_path / "ids.csv"
    pd.DataFrame({"id": range(12, 0, -1), "text": texts}).to_csv(table, index=False)
    mem = write_corpus(build_corpus(read_texts(table, id="id")), tmp_path / "mem")
    streamed = build_corpus_to(table, tmp_path / "stream", read={"id": "id"}, batch_rows=5)
    _same_files(mem, streamed)
    ids = load_corpus(tmp_path / "stream")["doc_id"].tolist()
    assert ids == [str(i) for i in range(1, 13)]


def test_date_columns_are_written_value_by_value_in_both_builds(tmp_path):
    """A researcher's date column ([corpus] dates) of more rows than a row group, its times
    only in the last rows: each date is written alone, the same in memory and streamed."""
    n = documents_mod.DOCUMENTS_ROW_GROUP + 44
    texts = [f"第{i}号通知：为推进基层社会治理，加强网格化服务管理，现就第{i}项工作通知如下。"
             for i in range(n)]  # fmt: skip
    dates = [f"2019年3月{i % 28 + 1}日" + (" 10:22" if i >= n - 20 else "") for i in range(n)]
    pd.DataFrame({"正文": texts, "发布日期": dates}).to_csv(tmp_path / "t.csv", index=False)
    read = {"text": "正文", "dates": ["发布日期"]}
    mem = write_corpus(build_corpus(read_texts(tmp_path / "t.csv", **read)), tmp_path / "mem")
    streamed = build_corpus_to(tmp_path / "t.csv", tmp_path / "stream", read=read, batch_rows=100)
    _same_files(mem, streamed)
    written = pd.read_csv(tmp_path / "mem" / "documents.csv", keep_default_na=False)
    assert written["发布日期"].iloc[0] == "2019-03-01"
    assert written["发布日期"].iloc[-1] == "2019-03-20 10:22:00"


def test_empty_raw_directory(tmp_path):
    (tmp_path / "raw").mkdir()
    mem = write_corpus(build_corpus(tmp_path / "raw"), tmp_path / "mem")
    _same_files(mem, build_corpus_to(tmp_path / "raw", tmp_path / "stream", batch_pages=2))
    assert len(load_corpus(tmp_path / "stream")) == 0


def _snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_interrupted_build_leaves_the_output_directory_as_it_was(tmp_path, seed_docs, monkeypatch):
    import textkit.corpus.stream as stream_mod

    out = tmp_path / "out"
    build_corpus_to(RAW_DIR, out, batch_pages=2)
    before = _snapshot(out)
    # a build that fails part way: the fourth batch of pages fails, after several batches
    # were written to the temporary file
    real, calls = stream_mod.process_pages, []

    def failing(pages, config):
        calls.append(len(pages))
        if len(calls) == 4:
            raise ValueError("page batch 4 failed")
        return real(pages, config)

    monkeypatch.setattr(stream_mod, "process_pages", failing)
    with pytest.raises(ValueError, match="page batch 4 failed"):
        build_corpus_to(RAW_DIR, out, batch_pages=1)
    assert calls == [1, 1, 1, 1]
    monkeypatch.setattr(stream_mod, "process_pages", real)
    assert _snapshot(out) == before  # no temporary file, no half-written table
    # a bad stage setting fails in the first batch
    bad = tmp_path / "genres.yaml"
    bad.write_text("genre: not a list\n", encoding="utf-8")
    config = CorpusConfig(annotate=AnnotateConfig(genres_path=str(bad)))
    with pytest.raises(ValueError, match="YAML list"):
        build_corpus_to(RAW_DIR, out, config, batch_pages=1)
    assert _snapshot(out) == before
    pd.testing.assert_frame_equal(load_corpus(out), seed_docs)


def test_invalid_settings(tmp_path):
    with pytest.raises(ValueError, match="batch_pages"):
        build_corpus_to(RAW_DIR, tmp_path, batch_pages=0)
    with pytest.raises(FileNotFoundError):
        build_corpus_to(tmp_path / "missing", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_stream_writes_the_same_files(tmp_path, capsys):
    assert main(["-q", "corpus", "build", "--raw", str(RAW_DIR), "--out", str(tmp_path / "a")]) == 0
    argv = ["-q", "corpus", "build", "--stream", "--batch-pages", "2"]
    assert main([*argv, "--raw", str(RAW_DIR), "--out", str(tmp_path / "b")]) == 0
    _same_files(
        [tmp_path / "a" / n for n in NAMES],
        [tmp_path / "b" / n for n in NAMES],
    )
    assert str(tmp_path / "b" / "documents.parquet") in capsys.readouterr().out
    assert (
        main(
            [*argv, "--memory-budget-mb", "0", "--raw", str(RAW_DIR), "--out", str(tmp_path / "c")]
        )
        == 0
    )
    _same_files(
        [tmp_path / "a" / n for n in NAMES],
        [tmp_path / "c" / n for n in NAMES],
    )
    bad = ["--memory-budget-mb", "-1", "--raw", str(RAW_DIR), "--out", str(tmp_path / "d")]
    assert main([*argv, *bad]) == 2
    assert not (tmp_path / "d").exists()
    assert "memory_budget_mb: expected a number >= 0" in capsys.readouterr().err


def test_duplicate_finder_matches_find_duplicates_in_any_order(generated_mem):
    docs = pd.read_parquet(generated_mem[0])
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    ref = find_duplicates(docs.loc[:, ["doc_id", "text"]], None).set_index("doc_id")
    asked: list[int] = []

    def fetch(ids):
        asked.append(len(ids))
        return {i: texts[i] for i in ids}

    finder = DuplicateFinder()
    order = list(texts)
    random.Random(3).shuffle(order)
    for doc_id in order:
        finder.add_text(doc_id, texts[doc_id])
    found = finder.resolve(fetch, max_fetch=3)
    grouped = ref[ref["dup_group"].notna()]
    assert len(grouped) >= 20
    assert sorted(found) == sorted(grouped.index)
    for doc_id, (group, dup_of, sim) in found.items():
        row = grouped.loc[doc_id]
        assert group == row["dup_group"]
        assert dup_of == (row["dup_of"] if isinstance(row["dup_of"], str) else None)
        assert sim == row["similarity"]
    assert asked and max(asked) <= 3  # texts are fetched a few at a time, only for pairs
    assert sum(asked) < len(texts)
    with pytest.raises(ValueError, match="repeated doc_id"):
        finder.add_text(order[0], "任意文本")


def test_duplicate_finder_spilling_band_values_finds_the_same_groups(
    generated_mem, tmp_path, monkeypatch
):
    docs = pd.read_parquet(generated_mem[0])
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    held = DuplicateFinder()
    for doc_id, text in texts.items():
        held.add_text(doc_id, text)
    monkeypatch.setattr(DuplicateFinder, "_ROWS", 16)
    spilled = DuplicateFinder(spill=tmp_path)
    for doc_id, text in texts.items():
        spilled.add_text(doc_id, text)
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "band-000.bin"
    assert sum(len(b) for b in spilled._blocks) <= 16  # one block held, the rest on disk
    assert spilled.index_of(docs["doc_id"].iloc[3]) == 3
    assert spilled.resolve(lambda ids: texts) == held.resolve(lambda ids: texts)


WORDS = (
    "基层 治理 社会 群众 服务 法治 政府 推进 网格 矛盾 纠纷 化解 改革 完善 机制 "
    "枫桥 经验 平安 建设 乡村 振兴 数字 政务 公开 监督"
).split()


@pytest.fixture(scope="module")
def duplicated_table(tmp_path_factory) -> Path:
    """A CSV of 300 rows with exact copies (every 15th row) and near copies (every 10th:
    one character changed) of rows about 100 rows earlier, and a few empty texts."""
    rng = random.Random(11)
    texts: list[str] = []
    for i in range(300):
        if i % 37 == 5:
            text = ""
        elif i >= 100 and i % 15 == 0:
            text = texts[i - 100] or texts[i - 99]
        elif i >= 100 and i % 10 == 0:
            text = _edit(texts[i - 100] or texts[i - 99], rng, 1)
        else:
            text = "。".join(
                "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
                for _ in range(rng.randint(3, 6))
            )
        texts.append(text)
    frame = pd.DataFrame(
        {
            "id": [f"t{i:04d}" for i in range(300)],
            "province": [rng.choice(["浙江", "江苏", None]) for _ in range(300)],
            "text": texts,
        }
    )
    path = tmp_path_factory.mktemp("dup_table") / "table.csv"
    frame.to_csv(path, index=False)
    return path


def _record_spills(monkeypatch) -> list[tuple[str, int]]:
    """(file name, batches held then) of each store of a streamed build as it moves to disk."""
    import textkit.corpus.stream as stream_mod

    events: list[tuple[str, int]] = []
    spill = stream_mod._BatchTables._spill

    def record(self):
        if not self.spilled:
            events.append((self.path.name, self.n_groups))
        return spill(self)

    monkeypatch.setattr(stream_mod._BatchTables, "_spill", record)
    return events


def _record_parquet_writers(monkeypatch) -> list[Path]:
    """The paths of every parquet file written with pyarrow's ParquetWriter."""
    written: list[Path] = []

    class Recording(pq.ParquetWriter):
        def __init__(self, where, *args, **kwargs):
            written.append(Path(str(where)))
            super().__init__(where, *args, **kwargs)

    monkeypatch.setattr(pq, "ParquetWriter", Recording)
    return written


def _record_budgets(monkeypatch) -> list:
    """The memory budget of each streamed build (its ``peak``: the bytes it held at most)."""
    import textkit.corpus.stream as stream_mod

    budgets: list = []
    init = stream_mod._Budget.__init__

    def record(self, limit):
        init(self, limit)
        budgets.append(self)

    monkeypatch.setattr(stream_mod._Budget, "__init__", record)
    return budgets


def _temporary(paths: list[Path]) -> list[str]:
    return sorted(p.name for p in paths if p.parent.name.startswith(".build-"))


@pytest.mark.parametrize("source", ["seed", "table"])
def test_memory_budget_does_not_change_the_files(
    source, seed_build, duplicated_table, tmp_path, monkeypatch
):
    """All in memory (the default budget), a budget that the batches outgrow part way
    through (the stores move to disk then), and no budget (every batch on disk): the same
    files as the in-memory build, and no temporary directory left behind."""
    if source == "seed":
        mem = write_corpus(seed_build, tmp_path / "mem")
        raw, options = RAW_DIR, {"batch_pages": 1}
    else:
        texts = read_texts(duplicated_table, id="id")
        mem = write_corpus(build_corpus(texts), tmp_path / "mem")
        raw, options = duplicated_table, {"read": {"id": "id"}, "batch_rows": 20}
        report = json.loads(mem[4].read_text("utf-8"))
        assert report["articles"]["flagged_duplicate"] >= 20
        docs = pd.read_parquet(mem[0])
        assert (docs["similarity"] < 1.0).sum() >= 8  # near copies: texts read back
    spills = _record_spills(monkeypatch)
    written = _record_parquet_writers(monkeypatch)
    budgets = _record_budgets(monkeypatch)

    def build(name: str, **budget) -> list[Path]:
        spills.clear()
        written.clear()
        out = tmp_path / name
        paths = build_corpus_to(raw, out, **options, **budget)
        _same_files(mem, paths)
        assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)  # no .build-* left
        return paths

    build("memory")  # the default budget holds every batch
    assert spills == [] and _temporary(written) == []
    peak = budgets[0].peak
    assert peak > 0
    build("part", memory_budget_mb=peak / 2 / 2**20)  # outgrown part way through
    assert [name for name, _ in spills] == ["documents.parquet"]
    n_batches = len(list(RAW_DIR.iterdir())) if source == "seed" else 15
    assert 0 < spills[0][1] < n_batches
    assert _temporary(written) == ["documents.parquet"]
    build("disk", memory_budget_mb=0)  # every batch on disk, from the first
    assert sorted(spills) == [("documents.parquet", 0), ("pages.parquet", 0)]
    assert _temporary(written) == ["documents.parquet", "pages.parquet"]


def test_streamed_build_within_the_budget_writes_no_temporary_parquet_file(
    duplicated_table, tmp_path, monkeypatch
):
    """By default the documents and pages of a corpus this size stay in memory: the only
    parquet file written is the output."""
    written = _record_parquet_writers(monkeypatch)
    build_corpus_to(RAW_DIR, tmp_path / "seed", batch_pages=1)
    build_corpus_to(duplicated_table, tmp_path / "table", read={"id": "id"}, batch_rows=20)
    assert _temporary(written) == []
    assert [p.parent for p in written] == [tmp_path / "seed", tmp_path / "table"]  # outputs
    for out in ("seed", "table"):
        assert sorted(p.name for p in (tmp_path / out).iterdir()) == sorted(NAMES)


def test_memory_budget_is_checked(tmp_path):
    for bad in (-1, True, "512", float("nan")):
        with pytest.raises(ValueError, match="memory_budget_mb: expected a number >= 0"):
            build_corpus_to(RAW_DIR, tmp_path / "out", memory_budget_mb=bad)
    assert not (tmp_path / "out").exists()
