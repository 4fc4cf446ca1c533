"""Tests of textkit.frames.kwic on the acceptance articles and a negated sentence."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.core.lexicon import load_lexicon
from textkit.frames.kwic import kwic
from textkit.frames.score import frame_hits, score_frames


def test_kwic(acceptance_docs):
    k = kwic(acceptance_docs, "村民议事会", window=5)
    assert list(k.columns) == ["doc_id", "para_id", "start", "left", "keyword", "right",
                               "frame", "category", "rule", "value"]  # fmt: skip
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


def test_kwic_value_is_what_the_scorer_adds():
    """稳定 is listed with weight 0: its rows say so, with no rule; a negated term adds 0, a
    down-weighted one its weight, a term inside a longer lexicon term nothing (the longer
    term is the hit); the values are those of frame_hits."""
    text = (
        "粮食生产稳定，稳定就业。要维护社会稳定，加强社会治安综合治理。"
        "不能以维稳代替维权。排查隐患。依法严厉打击违法犯罪。"
    )
    terms = ["稳定", "治安", "维稳", "隐患", "依法", "社会治安综合治理"]
    k = kwic([text], terms, window=4)
    assert k["value"].dtype == "float64"
    row = {(r.left, r.keyword): (r.rule, r.value) for r in k.itertuples()}
    assert row[("粮食生产", "稳定")] == ("", 0.0)
    assert row[("产稳定，", "稳定")] == ("", 0.0)
    assert row[("维护社会", "稳定")][1] == 0.0  # part of 维护社会稳定
    assert row[("。不能以", "维稳")] == ("replace_by_negated", 0.0)
    assert row[("权。排查", "隐患")] == ("", 0.5)
    assert row[("定，加强", "社会治安综合治理")] == ("", 1.0)
    alone = kwic([text], "治安", window=4)  # inside 社会治安综合治理: counted as that term
    assert alone["value"].tolist() == [0.0]
    hits = frame_hits([text], cache=False)
    hits = hits[hits["term"].isin(terms) & (hits["value"] > 0)]
    counted = k[k["value"] > 0]
    assert sorted(counted[["keyword", "value"]].itertuples(index=False, name=None)) == sorted(
        hits[["term", "value"]].itertuples(index=False, name=None)
    )
    assert kwic(["不在词表里的词。"], "词表")["value"].tolist() == [0.0]


def test_kwic_values_sum_to_the_scores_where_both_find_the_same_terms(seed_units, seg):
    """On the seed corpus's sentences, where KWIC's character matches of the lexicon are the
    scorer's token matches (all but a few sentences, where a token boundary cuts across a
    term), KWIC's values add up to the scores, in total and term by term."""
    sentences = pd.DataFrame(
        {"doc_id": [str(i) for i in range(len(seed_units))], "text": seed_units["text"]}
    )
    lexicon = load_lexicon()
    k = kwic(sentences, sorted(lexicon.terms()), window=0)
    hits = frame_hits(sentences, segmenter=seg, cache=False)
    found = _occurrences(k.assign(end=k["start"] + k["keyword"].str.len(), term=k["keyword"]))
    scored = _occurrences(hits)
    with_terms = found.index.union(scored.index)
    same = [d for d in with_terms if found.get(d) == scored.get(d)]
    assert len(same) >= 0.95 * len(with_terms)
    scores = score_frames(sentences, segmenter=seg, cache=False).set_index("doc_id")
    total = scores["n_stability"] + scores["n_service_law"]
    kwic_total = k.groupby("doc_id")["value"].sum()
    pd.testing.assert_series_equal(
        kwic_total[same], total[same], check_names=False, check_exact=False, rtol=1e-12
    )
    assert total[same].sum() > 1000
    for term in ("稳定", "治安", "维稳", "依法", "隐患"):  # each searched alone
        alone = kwic(sentences.loc[sentences["doc_id"].isin(same)], term, window=0)
        got = alone.groupby("doc_id")["value"].sum()
        mine = hits[(hits["term"] == term) & hits["doc_id"].isin(same)]
        want = mine.groupby("doc_id")["value"].sum()
        both = pd.concat([got.rename("kwic"), want.rename("scorer")], axis=1).fillna(0.0)
        assert len(alone) > 10 and (both["kwic"] - both["scorer"]).abs().max() < 1e-12, term


def _occurrences(table: pd.DataFrame) -> pd.Series:
    """The sorted (start, end, term) of each document's rows."""
    spans = table[["start", "end", "term"]].itertuples(index=False, name=None)
    return pd.Series(list(spans), index=table["doc_id"]).groupby(level=0).agg(sorted)
