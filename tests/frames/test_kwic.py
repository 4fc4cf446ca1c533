"""Tests of textkit.frames.kwic on the acceptance articles and a negated sentence."""

from __future__ import annotations

import pytest

from textkit.frames.kwic import kwic


def test_kwic(acceptance_docs):
    k = kwic(acceptance_docs, "村民议事会", window=5)
    assert list(k.columns) == ["doc_id", "para_id", "start", "left", "keyword", "right",
                               "frame", "category", "rule"]  # fmt: skip
    assert len(k) > 10 and (k["keyword"] == "村民议事会").all()
    assert (k["left"].str.len() <= 5).all() and (k["frame"] == "service_law").all()
    text = acceptance_docs.set_index("doc_id")["text"]
    for row in k.head(5).itertuples():
        para = text[row.doc_id].split("\n")[row.para_id]
        assert para[row.start - len(row.left) : row.start + len(row.keyword) + len(row.right)] \
            == row.left + row.keyword + row.right  # fmt: skip
    st = kwic(acceptance_docs, frame="stability")
    assert "社会治安综合治理" in set(st["keyword"])
    assert set(st["frame"]) == {"stability"}
    neg = kwic(["不能以维稳代替维权。"], frame="stability")
    assert neg.loc[0, "keyword"] == "维稳" and neg.loc[0, "rule"] == "replace_by_negated"
    with pytest.raises(ValueError, match="term or a frame"):
        kwic(acceptance_docs)


def test_kwic_long_paragraph_reads_like_its_sentences(seed_docs):
    """A paragraph of thousands of characters is read in windows cut after clause
    delimiters: every match gets the rule it gets in its own sentence."""
    import pandas as pd

    from textkit.segment.units import split_sentences

    sentences = [s for text in seed_docs["text"] for s in split_sentences(text)][:300]
    long = "".join(sentences)
    assert len(long) > 5000
    whole = kwic([long], frame="stability", window=5)
    apart = kwic(sentences, frame="stability", window=5)
    assert len(whole) > 50 and (whole["rule"] != "").any()
    cols = ["keyword", "frame", "category", "rule"]
    pd.testing.assert_frame_equal(whole[cols], apart[cols])


def test_kwic_unpunctuated_text():
    run = "依法严厉打击违法犯罪维护社会稳定推进基层治理不能以维稳代替维权" * 5000
    k = kwic([run], frame="stability", window=10)
    assert len(k) >= 5000
    assert k["left"].str.len().max() <= 10 and k["right"].str.len().max() <= 10
    assert (k["start"].diff().dropna() > 0).all()
