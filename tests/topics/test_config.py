"""Tests of textkit.topics.config: the [topics] table of textkit.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from textkit import topics as T
from textkit.core.errors import InvalidParameterError

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


def test_stability_seeds_follow_the_seed_unless_set(tmp_path):
    """A project that sets only [project] random_state: the stability reference is the
    reported model's run (notebook 03 failed with "settings LdaConfig(...) differ")."""
    from textkit.core.config import load_config

    path = tmp_path / "textkit.toml"
    path.write_text("[project]\nrandom_state = 8\n", encoding="utf-8")
    cfg = T.TopicConfig.from_project(load_config(path))
    assert cfg.random_state == 8 and cfg.stability_seeds == (8, 9, 10, 11, 12)
    assert T.TopicConfig().stability_seeds == (0, 1, 2, 3, 4)
    assert T.TopicConfig(random_state=3).stability_seeds == (3, 4, 5, 6, 7)
    assert T.TopicConfig(random_state=3, stability_seeds=[3, 9]).stability_seeds == (3, 9)
    assert T.TopicConfig(**cfg.as_dict()) == cfg


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[project]\nrandom_state = 8\n[topics]\nstability_seeds = [0, 1, 2]\n",
            r"textkit.toml \[topics\]: stability_seeds: the first seed \(0\) must be "
            r"random_state \(8\).*\(random_state = 8 comes from \[project\] random_state",
        ),
        (
            "[topics]\nrandom_state = 1\nstability_seeds = [0, 1]\n",
            r"textkit.toml \[topics\]: stability_seeds: the first seed \(0\) must be "
            r"random_state \(1\)[^(]*\(1 to 5\)$",
        ),
    ],
)
def test_stability_seeds_not_starting_with_the_seed_are_named(tmp_path, toml, message):
    from textkit.core.config import ConfigError, load_config

    path = tmp_path / "textkit.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        T.TopicConfig.from_project(load_config(path))


def test_seeds_left_unset_follow_a_replaced_random_state():
    import dataclasses

    from textkit.topics.config import TopicConfig

    moved = dataclasses.replace(TopicConfig(), random_state=3)
    assert tuple(moved.stability_seeds) == (3, 4, 5, 6, 7)
    given = TopicConfig(random_state=3, stability_seeds=(3, 9))
    assert tuple(dataclasses.replace(given, n_topics=5).stability_seeds) == (3, 9)
    with pytest.raises(InvalidParameterError, match="stability_seeds"):
        dataclasses.replace(given, random_state=5)  # seeds given are kept, and checked


def test_seeded_model_has_as_many_topics_as_the_chosen_model(dtm):
    """The audit's defect: seeded_free_topics = 6 whatever n_topics, so a project with
    n_topics = 4 compared 8 seeded topics with 4 and left its frame topics unmatched.
    Unset, the seeded model follows n_topics; on the seed corpus (n_topics = 8) it is the
    model of before (6 free topics + 2 frame topics)."""
    import warnings

    from textkit.core.config import load_config

    repo = T.TopicConfig.from_project(load_config(ROOT / "textkit.toml"))
    assert repo.seeded_free_topics is None and repo.n_topics == 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when the sizes agree
        assert repo.seeded_model().n_topics == 6
        cfg = T.TopicConfig(n_topics=4, passes=3, iterations=40)
        model = cfg.seeded_model()
    assert isinstance(model, T.SeededLdaTopicModel)
    assert (model.n_topics, model.passes, model.seed_weight) == (2, 3, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # seeds pruned from the vocabulary
        seeded = model.fit(dtm)
    chosen = cfg.make_model().fit(dtm)
    assert len(seeded.topic_labels_) == len(chosen.topic_labels_) == 4
    table = T.compare_models(seeded, chosen)
    assert table["similarity"].notna().all() and (table["matched_topic"] != "").all()
    assert table.loc[table["seeded"], "matched_seed_mass"].notna().all()


def test_seeded_model_warns_when_it_cannot_follow_n_topics():
    with pytest.warns(UserWarning, match=r"n_topics = 1 is smaller than the 2 seeded frame"):
        assert T.TopicConfig(n_topics=1, k_grid=(2,)).seeded_model().n_topics == 0
    with pytest.warns(
        UserWarning, match=r"seeded_free_topics = 6 \+ 2 .* = 8 topics, not n_topics = 4"
    ):
        assert T.TopicConfig(n_topics=4, seeded_free_topics=6).seeded_model().n_topics == 6
    assert T.TopicConfig(n_topics=4, seeded_free_topics=2).seeded_model().n_topics == 2
    with pytest.raises(InvalidParameterError, match="seeded_free_topics"):
        T.TopicConfig(seeded_free_topics=-1)
