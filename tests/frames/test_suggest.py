"""Lexicon candidates from a corpus (suggest_terms)."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.core.lexicon import load_lexicon
from textkit.frames.score import FrameConfig, score_frames
from textkit.frames.suggest import suggest_terms
from textkit.segment.corpus import segment_corpus

STAB = "加强社会治安防控，派出所民警开展巡逻，严厉打击违法犯罪。"
SERV = "完善公共服务体系，律师驻村提供法律援助，推进村务公开。"
OTHER = "今年粮食产量稳定增长，农民收入继续提高。"


@pytest.fixture(scope="module")
def planted(seg):
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(8)],
            "text": [f"{STAB}\n{OTHER}" if i % 2 else f"{SERV}\n{OTHER}" for i in range(8)],
        }
    )
    units = segment_corpus(docs, unit="paragraph", segmenter=seg)
    scores = score_frames(docs, level="paragraph", segmenter=seg, config=FrameConfig(n_boot=0))
    return docs, units, scores


def test_words_of_one_side_are_suggested_for_that_frame(planted):
    docs, units, scores = planted
    got = suggest_terms(units, scores, docs=docs, min_count=3)
    frame = got.set_index("term")["frame"]
    assert frame["民警"] == "stability" and frame["律师"] == "service_law"
    # lexicon terms and words around them are not candidates; OTHER's words are in neither side
    terms = set(load_lexicon().terms())
    assert not any(t in w or w in t for w in got["term"] for t in terms)
    assert "粮食" not in set(got["term"])
    assert (got["g2"] > 0).all() and (got["n_docs"] >= 2).all()
    assert "【民警】" in got.set_index("term").loc["民警", "example"]
    assert list(got["frame"]) == sorted(got["frame"], key=["stability", "service_law"].index)


def test_seed_corpus_candidates_are_sorted_and_bounded(seed_docs, seed_units, seg):
    """Sentence units work too: each sentence counts for its paragraph's label."""
    scores = score_frames(seed_docs, level="paragraph", segmenter=seg, config=FrameConfig(n_boot=0))
    got = suggest_terms(seed_units, scores, n=5)
    assert 0 < len(got) <= 10
    for _, part in got.groupby("frame"):
        assert part["g2"].is_monotonic_decreasing
        assert (part["p_value"] < 0.05).all()


def test_both_sides_are_needed(planted):
    docs, units, scores = planted
    one_sided = scores.assign(frame_label="stability")
    with pytest.raises(InvalidParameterError, match="no paragraph labelled 'service_law'"):
        suggest_terms(units, one_sided)
    with pytest.raises(InvalidParameterError, match="missing column"):
        suggest_terms(units.drop(columns="tokens"), scores)
