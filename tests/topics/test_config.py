"""Tests of textkit.topics.config: the [topics] table of textkit.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from textkit import topics as T

ROOT = Path(__file__).resolve().parents[2]


def test_topic_config_from_textkit_toml(tmp_path):
    from textkit.core.config import ConfigError, load_config, stage_config

    path = tmp_path / "textkit.toml"
    path.write_text("[topics]\nn_topics = 6\nk_grid = [3, 5, 7]\npasses = 4\n", encoding="utf-8")
    cfg = stage_config(T.TopicConfig, load_config(path), "topics")
    assert cfg.k_grid == (3, 5, 7) and cfg.n_topics == 6
    model = cfg.make_model()
    assert isinstance(model, T.LdaTopicModel) and model.passes == 4
    path.write_text("[topics]\nstability_seeds = [0]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stability_seeds"):
        stage_config(T.TopicConfig, load_config(path), "topics")
    path.write_text("[topics]\nmin_df = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min_df"):
        stage_config(T.TopicConfig, load_config(path), "topics")


def test_project_topics_table_is_valid():
    from textkit.core.config import load_config, stage_config

    cfg = stage_config(T.TopicConfig, load_config(ROOT / "textkit.toml"), "topics")
    # the stability reference run is the reported model
    assert cfg.stability_seeds[0] == cfg.random_state
    assert cfg.n_topics in cfg.k_grid
