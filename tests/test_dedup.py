"""Tests of textkit.dedup on the seed corpus and generated fixtures."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textkit.dedup import DedupConfig, find_duplicates, minhash_signatures, repeated_paragraphs

BASE = "基层社会治理要坚持党的领导，完善网格化管理，及时调解矛盾纠纷，维护村民合法权益。" * 6


def test_seed_pair_is_only_group(seed_docs):
    out = find_duplicates(seed_docs)
    grouped = out[out["dup_group"].notna()]
    assert sorted(grouped["doc_id"]) == ["000_bf6d7cf6cc31cd7b#01", "000_bf6d7cf6cc31cd7b#02"]
    assert grouped["dup_group"].nunique() == 1
    assert int(out["is_duplicate"].sum()) == 1
    assert out["similarity"].isna().sum() == 34
    assert out is not seed_docs


def test_date_line_reprint_grouped(seed_docs):
    body = seed_docs.set_index("doc_id").loc["003_4542067cb4fbbdc2#02", "text"]
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "title": ["t", "t", "t"],
            "text": [
                "2015年3月1日\n" + body,
                "2016年7月9日 来源：本站\n" + body,
                "乡村振兴战略要求产业兴旺、生态宜居、乡风文明、治理有效、生活富裕。" * 5,
            ],
        }
    )
    out = find_duplicates(docs).set_index("doc_id")
    assert out.loc["a", "dup_group"] == out.loc["b", "dup_group"]
    assert not pd.isna(out.loc["a", "dup_group"])
    assert 0.8 <= out.loc["a", "similarity"] < 1.0
    assert pd.isna(out.loc["c", "dup_group"]) and math.isnan(out.loc["c", "similarity"])


def test_config_validation():
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=1.5)
    with pytest.raises(ValueError, match="shingle_size"):
        DedupConfig(shingle_size=0)


def test_signatures_deterministic():
    a, b = minhash_signatures([BASE, BASE])
    assert a.jaccard(b) == 1.0
    assert list(minhash_signatures([BASE])[0].hashvalues) == list(a.hashvalues)


def test_repeated_paragraphs():
    closing = "以上是本人的工作汇报，不当之处请批评指正。"
    docs = pd.DataFrame(
        {
            "doc_id": ["x", "y", "z"],
            "title": ["", "", ""],
            "text": [
                "甲村开展矛盾纠纷排查调处工作成效明显。\n" + closing,
                "乙镇推进网格化服务管理全面覆盖到户。\n" + closing,
                "丙县完善信访工作制度依法解决群众诉求。",
            ],
        }
    )
    table = repeated_paragraphs(docs)
    assert len(table) == 1
    assert table.loc[0, "n_docs"] == 2 and table.loc[0, "doc_ids"] == "x;y"


texts = st.lists(
    st.text(alphabet="治理基层村民社区调解服务法治网格。", min_size=0, max_size=60),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(texts, st.randoms(use_true_random=False))
def test_properties(items, rnd):
    docs = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(items))], "title": "", "text": items}
    )
    docs = pd.concat(
        [docs, pd.DataFrame({"doc_id": ["copy"], "title": [""], "text": [items[0] + "。"]})],
        ignore_index=True,
    )
    out = find_duplicates(docs).set_index("doc_id")
    order = list(range(len(docs)))
    rnd.shuffle(order)
    shuffled = find_duplicates(docs.iloc[order]).set_index("doc_id").loc[out.index]
    assert out["dup_group"].equals(shuffled["dup_group"])
    # identical (after normalisation) under two ids: grouped with similarity 1.0, if non-empty
    if items[0].strip("。"):
        assert out.loc["copy", "dup_group"] == out.loc["d0", "dup_group"]
        assert out.loc["copy", "similarity"] == 1.0
    # every doc is a near-duplicate of itself: duplicating the whole table groups all pairs
    # short docs are never grouped by MinHash: distinct short texts stay apart
    short = pd.DataFrame({"doc_id": ["s1", "s2"], "text": ["治理", "治理基"]})
    assert find_duplicates(short)["dup_group"].isna().all()


def test_self_duplicate():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": [BASE, BASE]})
    out = find_duplicates(docs)
    assert out["dup_group"].tolist() == ["a", "a"]
    assert pd.isna(out["dup_of"].iloc[0]) and out["dup_of"].iloc[1] == "a"
    assert out["similarity"].tolist() == [1.0, 1.0]
