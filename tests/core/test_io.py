"""textkit.core.io.write_json_streamed: the bytes of write_json, long lists written entry
by entry."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from textkit.core import io


def test_streamed_json_is_write_json_byte_for_byte(tmp_path):
    value = {
        "b": [1, 2.5, float("nan"), None, True, {"z": [], "a": {}}],
        "a": '中文"\n',
        "c": {"x": np.int64(3), "y": np.float64(0.1), "w": [[1], [{"k": {3, 1}}]]},
        "d": (1, 2),
        "e": Path("a/b"),
    }
    io.write_json(tmp_path / "a.json", value, digits=None, keep_equivalent=False)
    io.write_json_streamed(tmp_path / "b.json", value)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_streamed_entries_are_made_when_written(tmp_path):
    made: list[str] = []

    def rows():
        for i in range(3):
            made.append(f"row {i}")
            yield {"i": i, "n": [i] * i}

    def pairs():
        yield "a", {"x": 1}
        yield "b", 2

    lazy = {
        "rows": io.StreamedEntries(rows, 3),
        "map": io.StreamedEntries(pairs, 2, pairs=True),
        "none": io.StreamedEntries(lambda: iter(()), 0),
        "empty": io.StreamedEntries(lambda: iter(()), 0, pairs=True),
    }
    plain = {
        "rows": [{"i": i, "n": [i] * i} for i in range(3)],
        "map": {"a": {"x": 1}, "b": 2},
        "none": [],
        "empty": {},
    }
    assert not made
    io.write_json_streamed(tmp_path / "lazy.json", lazy)
    assert made == ["row 0", "row 1", "row 2"]
    assert (tmp_path / "lazy.json").read_text("utf-8") == io.dumps_json(plain)
    assert list(lazy["rows"]) == plain["rows"] and len(lazy["rows"]) == 3
    assert not lazy["none"]
