"""Tests for textkit.segment.config: settings from textkit.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from textkit.core.config import ConfigError, load_config
from textkit.segment.config import SegmenterConfig, segmenter_config
from textkit.segment.segmenter import segmenter_from_config

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ settings from textkit.toml


def test_segmenter_from_project_config(tmp_path):

    (tmp_path / "dicts").mkdir()
    (tmp_path / "dicts" / "extra.txt").write_bytes("测试治理词丙 5 n\n".encode())
    (tmp_path / "textkit.toml").write_text(
        '[segment]\nhmm = false\nuserdict = ["dicts/extra.txt"]\n'
        'officialese = ["加强", "切实"]\nmin_len = 2\n',
        encoding="utf-8",
    )
    project = load_config(tmp_path / "textkit.toml")
    cfg = segmenter_config(project)
    assert cfg.hmm is False
    assert cfg.userdict == (str(tmp_path / "dicts" / "extra.txt"),)  # resolved at the root
    assert cfg.officialese == ("切实", "加强")
    seg = segmenter_from_config(project)
    assert seg is segmenter_from_config(project)
    assert "测试治理词丙" in seg.cut("我们测试治理词丙吧")
    # only the listed officialese is dropped: 推进 (a verb on the shipped list) stays
    assert seg.tokenize("加强社会治理，推进村民自治") == ["社会治理", "推进", "村民自治"]
    assert segmenter_config(None) == SegmenterConfig()
    (tmp_path / "textkit.toml").write_text("[segment]\nhmmm = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[segment\].*hmmm"):
        segmenter_config(load_config(tmp_path / "textkit.toml"))
    (tmp_path / "textkit.toml").write_text("[segment]\nmin_len = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[segment\].*min_len"):
        segmenter_config(load_config(tmp_path / "textkit.toml"))
