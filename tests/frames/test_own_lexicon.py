"""A researcher's own frame lexicon: as a path to every ``lexicon=`` argument, and as
``[frames] lexicon`` of a project's textkit.toml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import textkit as tk
from textkit.core.config import ConfigError, load_config
from textkit.core.errors import InvalidParameterError
from textkit.core.lexicon import as_lexicon, load_lexicon

#: Two terms the shipped lexicon does not list (so only this file can find them).
OWN = """\
frames:
  stability:
    categories:
      治安防控:
        terms:
          - {term: 加强巡逻盘查, note: test}
  service_law:
    categories:
      公共服务:
        terms:
          - {term: 上门办理证照, note: test, weight: 2}
"""

TEXTS = ["今年加强巡逻盘查，同时上门办理证照。\n上门办理证照，方便群众。维护稳定。"]


def _own(folder: Path, name: str = "own.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(OWN, encoding="utf-8")
    return path


def test_the_own_terms_are_not_shipped():
    shipped = set(load_lexicon().terms())
    assert not {"加强巡逻盘查", "上门办理证照"} & shipped
    assert {"维护稳定", "巡逻"} <= shipped  # scored by the shipped lexicon, not by the own one


@pytest.mark.parametrize("kind", [str, Path])
def test_every_lexicon_argument_takes_a_path(tmp_path, seg, kind):
    path = kind(_own(tmp_path))
    loaded = load_lexicon(path)

    scores = tk.score_frames(TEXTS, lexicon=path, segmenter=seg)
    assert scores.loc[0, ["n_stability", "n_service_law"]].tolist() == [1.0, 4.0]
    pd.testing.assert_frame_equal(scores, tk.score_frames(TEXTS, lexicon=loaded, segmenter=seg))
    hits = tk.frame_hits(TEXTS, lexicon=path, segmenter=seg)
    assert sorted(hits["term"]) == ["上门办理证照", "上门办理证照", "加强巡逻盘查"]
    contributions = tk.term_contributions(TEXTS, lexicon=path, segmenter=seg)
    assert set(contributions["term"]) == {"上门办理证照", "加强巡逻盘查"}
    diagnostics = tk.frame_diagnostics(TEXTS, lexicon=path, segmenter=seg)
    assert set(diagnostics["name"]) == {"上门办理证照", "加强巡逻盘查"}
    kw = tk.kwic(TEXTS, frame="service_law", lexicon=path)
    assert kw["keyword"].tolist() == ["上门办理证照", "上门办理证照"]
    assert set(kw["category"]) == {"公共服务"}


@pytest.mark.parametrize("bad", [3, b"own.yaml", ["own.yaml"]])
def test_a_wrong_lexicon_argument_names_the_parameter(seg, bad):
    for call in (
        lambda: tk.score_frames(TEXTS, lexicon=bad, segmenter=seg),
        lambda: tk.frame_hits(TEXTS, lexicon=bad, segmenter=seg),
        lambda: tk.kwic(TEXTS, "稳定", lexicon=bad),
        lambda: tk.frame_diagnostics(TEXTS, lexicon=bad, segmenter=seg),
        lambda: tk.term_contributions(TEXTS, lexicon=bad, segmenter=seg),
    ):
        with pytest.raises(InvalidParameterError, match=r"^lexicon: expected a Lexicon .* got"):
            call()


def test_a_missing_lexicon_file_is_named(tmp_path, seg):
    with pytest.raises(tk.LexiconError, match=r"missing\.yaml: lexicon file not found"):
        tk.score_frames(TEXTS, lexicon=tmp_path / "missing.yaml", segmenter=seg)
    assert as_lexicon(None) is load_lexicon()


def test_frames_lexicon_of_a_project_reaches_the_scorer(tmp_path, seg):
    """``[frames] lexicon`` is resolved against the folder of textkit.toml (not the working
    directory) and used by every function given the config."""
    project = tmp_path / "project"
    _own(project / "lexicons")
    (project / "textkit.toml").write_text(
        '[frames]\nlexicon = "lexicons/own.yaml"\nn_boot = 0\n', encoding="utf-8"
    )
    config = tk.FrameConfig.from_project(load_config(project / "textkit.toml"))
    assert config.lexicon == str(project / "lexicons" / "own.yaml")
    assert load_lexicon(config.lexicon).terms() == ("上门办理证照", "加强巡逻盘查")

    own = tk.score_frames(TEXTS, config=config, segmenter=seg)
    assert own.loc[0, ["n_stability", "n_service_law"]].tolist() == [1.0, 4.0]
    shipped = tk.score_frames(TEXTS, config=tk.FrameConfig(n_boot=0), segmenter=seg)
    # the shipped lexicon finds 巡逻 and 维护稳定 instead
    assert shipped.loc[0, ["n_stability", "n_service_law"]].tolist() == [2.0, 0.0]
    assert set(tk.term_contributions(TEXTS, config=config, segmenter=seg)["term"]) == {
        "上门办理证照",
        "加强巡逻盘查",
    }
    assert set(tk.frame_diagnostics(TEXTS, config=config, segmenter=seg)["name"]) == {
        "上门办理证照",
        "加强巡逻盘查",
    }
    # an argument wins over the config
    by_argument = tk.score_frames(TEXTS, config=config, segmenter=seg, lexicon=load_lexicon())
    pd.testing.assert_frame_equal(by_argument, shipped)


def test_frames_lexicon_seeds_lss_when_the_project_gives_no_seed_words(tmp_path):
    from textkit.frames.lss import DEFAULT_SEEDS, LatentSemanticScaling

    _own(tmp_path)
    p = tmp_path / "textkit.toml"
    p.write_text('[frames]\nlexicon = "own.yaml"\n', encoding="utf-8")
    assert LatentSemanticScaling.from_config(load_config(p)).seeds == DEFAULT_SEEDS
    p.write_text(
        '[frames]\nlexicon = "own.yaml"\n[lss]\npositive = []\nnegative = []\n', encoding="utf-8"
    )
    assert LatentSemanticScaling.from_config(load_config(p)).seeds == {
        "上门办理证照": 1,
        "加强巡逻盘查": -1,
    }


def test_a_missing_frames_lexicon_names_the_setting_and_the_path(tmp_path):
    p = tmp_path / "textkit.toml"
    p.write_text('[frames]\nlexicon = "lexicons/nope.yaml"\n', encoding="utf-8")
    expected = str(tmp_path / "lexicons" / "nope.yaml")
    with pytest.raises(ConfigError) as err:
        tk.FrameConfig.from_project(load_config(p))
    message = str(err.value)
    assert message.startswith(f"{p} [frames]: lexicon: lexicon file not found: ")
    assert message.endswith(expected)
    p.write_text("[frames]\nlexicon = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[frames\]: lexicon: expected the path"):
        tk.FrameConfig.from_project(load_config(p))


def test_seeded_topics_take_their_seeds_from_the_own_lexicon(tmp_path):
    """SeededLdaTopicModel(lexicon=path) seeds the two frame topics with that lexicon's
    terms (notebook 03 passes [frames] lexicon), not with the shipped ones."""
    from textkit.topics.seeded import SeededLdaTopicModel, _default_seed_words

    path = _own(tmp_path)
    own = _default_seed_words(path)
    assert own == {"stability": ("加强巡逻盘查",), "service_law": ("上门办理证照",)}
    model = SeededLdaTopicModel(2, lexicon=path)
    assert model._seeds() == own
    assert "巡逻" in SeededLdaTopicModel(2)._seeds()["stability"]  # the shipped default
    assert "lexicon=" in repr(model)
