"""Tests of textkit.corpus.dedup on the seed corpus and generated fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.corpus.dedup import (
    DedupConfig,
    find_duplicates,
    minhash_signatures,
    repeated_paragraphs,
)

BASE = "基层社会治理要坚持党的领导，完善网格化管理，及时调解矛盾纠纷，维护村民合法权益。" * 6


def test_seed_pair_is_only_group(seed_docs):
    out = find_duplicates(seed_docs)
    grouped = out[out["dup_group"].notna()]
    assert sorted(grouped["doc_id"]) == ["000_bf6d7cf6cc31cd7b#01", "000_bf6d7cf6cc31cd7b#02"]
    assert grouped["dup_group"].nunique() == 1
    assert int(out["is_duplicate"].sum()) == 1
    assert out["similarity"].isna().sum() == 34
    assert out is not seed_docs


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
