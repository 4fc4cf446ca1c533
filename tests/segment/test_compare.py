"""Tests for textkit.segment.compare: the evidence against plain jieba."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textkit.segment.compare import compare_segmentation, dictionary_coverage

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------- evidence against plain jieba


def test_compare_segmentation_on_governance_sentences(seg_shipped, plain_jieba, governance_terms):
    rows = governance_terms[:40]
    terms = [t for t, _ in rows]
    sentences = [s for _, s in rows]
    table = compare_segmentation(sentences, terms=terms, segmenter=seg_shipped)
    assert table.columns.tolist() == [
        "text",
        "term",
        "plain_jieba",
        "textkit",
        "n_plain",
        "n_textkit",
        "same",
        "plain_one_token",
        "textkit_one_token",
    ]
    assert table["text"].tolist() == sentences and table["term"].tolist() == terms
    for row in table.itertuples():
        # the default baseline is exactly plain jieba.lcut
        plain = [w for w in plain_jieba.lcut(row.text) if w.strip()]
        assert row.plain_jieba == " / ".join(plain)
        assert row.n_plain == len(plain)
        assert row.textkit == " / ".join(w for w in seg_shipped.cut(row.text) if w.strip())
        assert row.plain_one_token == (row.term in plain)
        assert row.same == (row.plain_jieba == row.textkit)
    assert table["textkit_one_token"].all()
    assert not table["plain_one_token"].all()  # the point of the dictionary
    first = table.iloc[0]
    assert first["term"] == "社会治安综合治理"
    assert "社会治安 / 综合治理" in first["plain_jieba"]
    assert "社会治安综合治理" in first["textkit"].split(" / ")
    # a plain table without terms, and the input errors
    plain_only = compare_segmentation(["他在北京大学读书。"], segmenter=seg_shipped)
    assert plain_only.columns.tolist()[:1] == ["text"] and "term" not in plain_only
    assert bool(plain_only.loc[0, "same"])
    with pytest.raises(ValueError, match="terms"):
        compare_segmentation(sentences[:2], terms=terms[:1], segmenter=seg_shipped)
    with pytest.raises(ValueError, match="single str"):
        compare_segmentation("一句话", segmenter=seg_shipped)


def test_dictionary_coverage_on_seed(seg_shipped, seed_pages, plain_jieba):
    cov = dictionary_coverage(seed_pages, segmenter=seg_shipped)
    rep = seg_shipped.dictionary_report()
    assert set(cov["word"]) == set(rep.loc[rep["expect"] == "one token", "word"])
    assert (cov["as_token"] <= cov["occurrences"]).all()
    assert (cov["plain_as_token"] <= cov["occurrences"]).all()
    assert cov["ok"].all()
    order = list(zip(-cov["occurrences"], cov["word"], strict=True))
    assert order == sorted(order)
    c = cov.set_index("word")
    joined = "\n".join(seed_pages["text"])
    tokens = [w for t in seed_pages["text"] for w in seg_shipped.cut(t)]
    plain_tokens = [w for t in seed_pages["text"] for w in plain_jieba.lcut(t)]
    for term in ("社会治安综合治理", "矛盾纠纷", "枫桥经验", "一票否决"):
        assert c.loc[term, "occurrences"] == joined.count(term) > 0
        assert c.loc[term, "as_token"] == tokens.count(term)
        assert c.loc[term, "plain_as_token"] == plain_tokens.count(term)
    assert not c.loc["社会治安综合治理", "plain_one_token"]
    assert c.loc["社会治安综合治理", "plain_as_token"] == 0
    assert c.loc["社会治安综合治理", "as_token"] > 0
    with pytest.raises(ValueError, match="text"):
        dictionary_coverage(pd.DataFrame({"body": ["x"]}), segmenter=seg_shipped)
