"""Tests for textkit.core.cache: hits equal fresh results, corrupt entries are rebuilt, keys change.

The cached table is a real units table: the first seed article segmented by textkit (list
column ``tokens``), so the round trip covers list, integer and string columns.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import opencc
import pandas as pd
import pytest

from textkit.core.cache import StageCache, canonical_json

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "corpus" / "raw"


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> pd.DataFrame:
    import os

    from textkit.segment.corpus import segment_corpus
    from textkit.segment.segmenter import Segmenter

    old = os.environ.get("TEXTKIT_CACHE_DIR")
    os.environ["TEXTKIT_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "tkcache")
    try:
        text = opencc.OpenCC("t2s").convert(sorted(RAW.glob("*.txt"))[0].read_text("utf-8"))
        seg = Segmenter()
        return segment_corpus([("000#01", text[:4000])], segmenter=seg, cache=False)
    finally:
        if old is None:
            os.environ.pop("TEXTKIT_CACHE_DIR", None)
        else:
            os.environ["TEXTKIT_CACHE_DIR"] = old


@dataclass(frozen=True)
class _Cfg:
    unit: str = "sentence"
    min_len: int = 2
    keep: frozenset = frozenset({"村", "镇"})


class _Counter:
    """A compute function that counts its calls."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.calls = 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.df.copy()


def _parts(cfg: _Cfg | None = None) -> dict:
    return {"input": "sha256-of-the-input", "config": cfg or _Cfg()}


def test_hit_equals_fresh_result(tmp_path, units):
    assert units["tokens"].map(len).sum() > 100  # a real table, not an empty one
    cache = StageCache(tmp_path)
    compute = _Counter(units)
    fresh = cache.get_or_compute("segment", _parts(), compute)
    hit = cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)
    pd.testing.assert_frame_equal(hit, fresh)
    pd.testing.assert_frame_equal(hit, units)
    assert all(isinstance(t, list) for t in hit["tokens"])
    pq, meta = cache.paths("segment", _parts())
    side = json.loads(meta.read_text("utf-8"))
    assert side["rows"] == len(units)
    assert side["bytes"] == pq.stat().st_size
    # no temporary files left behind by the atomic writes
    assert sorted(p.suffix for p in pq.parent.iterdir()) == [".json", ".parquet"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "sidecar", "no_sidecar"])
def test_corrupt_entry_is_detected_and_rebuilt(tmp_path, units, damage, caplog):
    cache = StageCache(tmp_path)
    compute = _Counter(units)
    cache.get_or_compute("segment", _parts(), compute)
    pq, meta = cache.paths("segment", _parts())
    data = bytearray(pq.read_bytes())
    if damage == "flip":
        mid = len(data) // 2
        data[mid : mid + 8] = bytes(b ^ 0xFF for b in data[mid : mid + 8])
        pq.write_bytes(bytes(data))
    elif damage == "truncate":
        pq.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "empty":
        pq.write_bytes(b"")
    elif damage == "sidecar":
        meta.write_text('{"stage": "segment", "sha2', encoding="utf-8")
    else:
        meta.unlink()
    with caplog.at_level(logging.WARNING, logger="textkit.core.cache"):
        again = cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 2  # recomputed, never trusted
    assert any("discarding" in r.getMessage() for r in caplog.records)
    pd.testing.assert_frame_equal(again, units)
    # the rebuilt entry is valid and now hits
    third = cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 2
    pd.testing.assert_frame_equal(third, units)


def test_valid_checksum_but_stale_key_is_rebuilt(tmp_path, units, caplog):
    cache = StageCache(tmp_path)
    compute = _Counter(units)
    cache.get_or_compute("segment", _parts(), compute)
    pq, meta = cache.paths("segment", _parts())
    side = json.loads(meta.read_text("utf-8"))
    side["key_material"] = side["key_material"].replace("sentence", "paragraph")
    meta.write_text(json.dumps(side), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="textkit.core.cache"):
        cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 2
    assert any("stale" in r.getMessage() for r in caplog.records)


def test_changed_config_input_stage_or_version_misses(tmp_path, units):
    cache = StageCache(tmp_path)
    compute = _Counter(units)
    cache.get_or_compute("segment", _parts(), compute)
    cache.get_or_compute("segment", _parts(_Cfg(min_len=1)), compute)
    assert compute.calls == 2
    cache.get_or_compute("segment", {"input": "other-input", "config": _Cfg()}, compute)
    assert compute.calls == 3
    cache.get_or_compute("tokens", _parts(), compute)
    assert compute.calls == 4
    StageCache(tmp_path, version="0.0.0-test").get_or_compute("segment", _parts(), compute)
    assert compute.calls == 5
    # and the original key still hits
    cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 5
    keys = {
        cache.key("segment", _parts()),
        cache.key("segment", _parts(_Cfg(min_len=1))),
        cache.key("tokens", _parts()),
    }
    assert len(keys) == 3


def test_canonical_json_is_order_independent():
    a = canonical_json({"b": 1, "a": {"y": frozenset({"镇", "村"}), "x": (1, 2)}})
    b = canonical_json({"a": {"x": [1, 2], "y": {"村", "镇"}}, "b": 1})
    assert a == b
    assert a == '{"a":{"x":[1,2],"y":["村","镇"]},"b":1}'
    assert canonical_json(_Cfg()) == canonical_json(_Cfg(keep=frozenset({"镇", "村"})))
    assert canonical_json(_Cfg()) != canonical_json(_Cfg(min_len=3))


def test_bad_keys_and_outputs_raise_clear_errors(tmp_path):
    cache = StageCache(tmp_path)
    with pytest.raises(ValueError, match="key_parts"):
        cache.key("segment", {"config": object()})
    with pytest.raises(ValueError, match="key_parts"):
        cache.key("segment", {"x": float("nan")})
    with pytest.raises(ValueError, match="stage"):
        cache.key("../escape", {})
    with pytest.raises(TypeError, match="DataFrame"):
        cache.get_or_compute("segment", {}, lambda: [1, 2, 3])


def test_disabled_cache_always_computes(tmp_path, units):
    cache = StageCache(tmp_path, enabled=False)
    compute = _Counter(units)
    cache.get_or_compute("segment", _parts(), compute)
    cache.get_or_compute("segment", _parts(), compute)
    assert compute.calls == 2
    assert not any(tmp_path.rglob("*.parquet"))


def test_table_hash_tracks_content(units):
    from textkit.core.cache import table_hash

    h = table_hash(units)
    assert h == table_hash(units.copy())
    assert table_hash(units, ["doc_id", "tokens"]) != h
    edited = units.copy()
    edited.at[0, "tokens"] = edited.at[0, "tokens"] + ["维稳"]
    assert table_hash(edited) != h
    assert table_hash(units.iloc[::-1]) != h  # order matters
    with pytest.raises(ValueError, match="not in the table"):
        table_hash(units, ["doc_id", "nope"])


@pytest.fixture(scope="module")
def corpus_parts() -> dict:
    """The real corpus build of the seed pages, as the parts of a cache bundle."""
    import dataclasses

    from textkit.corpus.build import build_corpus

    return dataclasses.asdict(build_corpus(RAW))


class _Bundle:
    def __init__(self, parts: dict) -> None:
        self.parts = parts
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {k: (v.copy() if isinstance(v, pd.DataFrame) else v) for k, v in self.parts.items()}


def _corpus_key() -> dict:
    from textkit.core.config import corpus_hash
    from textkit.corpus.build import CorpusConfig

    return {"input": corpus_hash(RAW), "config": CorpusConfig()}


def _assert_parts_equal(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for name in a:
        if isinstance(a[name], pd.DataFrame):
            pd.testing.assert_frame_equal(a[name], b[name])
        else:
            assert json.dumps(a[name], sort_keys=True) == json.dumps(b[name], sort_keys=True)


def test_corpus_build_bundle_hit_equals_fresh(tmp_path, corpus_parts):
    from textkit.corpus.build import CorpusBuild

    assert len(corpus_parts["documents"]) >= 30 and corpus_parts["report"]
    cache = StageCache(tmp_path)
    compute = _Bundle(corpus_parts)
    fresh = cache.get_or_compute_tables("corpus", _corpus_key(), compute)
    hit = cache.get_or_compute_tables("corpus", _corpus_key(), compute)
    assert compute.calls == 1 and (cache.hits, cache.misses) == (1, 1)
    _assert_parts_equal(hit, fresh)
    for name in ("documents", "pages", "boilerplate"):
        pd.testing.assert_frame_equal(hit[name], corpus_parts[name])
    build = CorpusBuild(**hit)
    assert build.documents["doc_id"].is_unique
    # a different corpus config is another entry
    from textkit.corpus.build import CorpusConfig

    other = {**_corpus_key(), "config": CorpusConfig(flag_off_topic=False)}
    cache.get_or_compute_tables("corpus", other, compute)
    assert compute.calls == 2


@pytest.mark.parametrize("damage", ["table", "missing_table", "json_part", "version"])
def test_damaged_bundle_is_rebuilt_whole(tmp_path, corpus_parts, damage, caplog):
    cache = StageCache(tmp_path)
    compute = _Bundle(corpus_parts)
    first = cache.get_or_compute_tables("corpus", _corpus_key(), compute)
    stage_dir = tmp_path / "corpus"
    (meta,) = stage_dir.glob("*.json")
    key = meta.stem
    pages = stage_dir / f"{key}.pages.parquet"
    if damage == "table":
        data = bytearray(pages.read_bytes())
        data[len(data) // 2] ^= 0xFF
        pages.write_bytes(bytes(data))
    elif damage == "missing_table":
        pages.unlink()
    elif damage == "json_part":
        side = json.loads(meta.read_text("utf-8"))
        side["parts"]["report"]["value"]["tampered"] = True
        meta.write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
    else:
        cache = StageCache(tmp_path, version="0.0.0-older")
    with caplog.at_level(logging.WARNING, logger="textkit.core.cache"):
        again = cache.get_or_compute_tables("corpus", _corpus_key(), compute)
    assert compute.calls == 2  # never trusted
    _assert_parts_equal(again, first)
    if damage != "version":  # a new version simply has another key
        assert any("discarding" in r.getMessage() for r in caplog.records)
    cache.get_or_compute_tables("corpus", _corpus_key(), compute)
    assert compute.calls == 2  # the rebuilt entry verifies and hits


def test_bundle_rejects_bad_parts(tmp_path):
    cache = StageCache(tmp_path)
    with pytest.raises(TypeError, match="mapping"):
        cache.get_or_compute_tables("corpus", {}, lambda: pd.DataFrame({"a": [1]}))
    with pytest.raises(ValueError, match="part name"):
        cache.get_or_compute_tables("corpus", {}, lambda: {"../x": pd.DataFrame({"a": [1]})})
