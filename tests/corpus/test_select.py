"""One rule for the articles every analysis uses (``[corpus] analyse``)."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.core.config import load_config
from textkit.core.errors import ConfigError
from textkit.corpus.select import ANALYSE_RULES, analyse_rule, analysed_documents


def test_each_rule_on_the_seed_corpus(seed_docs):
    kept = analysed_documents(seed_docs, "kept")
    unique = analysed_documents(seed_docs, "unique")
    every = analysed_documents(seed_docs, "all")
    assert (kept["status"] == "kept").all()
    assert len(kept) == int((seed_docs["status"] == "kept").sum())
    # the duplicate is out of "kept" and "unique"; the off-topic article only out of "kept"
    assert not unique["is_duplicate"].any()
    assert set(unique["doc_id"]) - set(kept["doc_id"]) == set(
        seed_docs.loc[~seed_docs["is_duplicate"] & (seed_docs["status"] == "flagged"), "doc_id"]
    )
    assert len(every) == int((seed_docs["status"] != "quarantined").sum())
    assert len(kept) < len(unique) < len(every)
    for table in (kept, unique, every):  # original order, fresh index
        assert list(table.index) == list(range(len(table)))
        order = seed_docs.reset_index(drop=True).reset_index().set_index("doc_id")["index"]
        assert order.loc[table["doc_id"]].is_monotonic_increasing


def test_the_article_table_is_not_modified(seed_docs):
    before = seed_docs.copy()
    analysed_documents(seed_docs, "unique")
    pd.testing.assert_frame_equal(seed_docs, before)


def test_quarantined_articles_are_never_analysed():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "status": ["kept", "quarantined", "flagged"],
            "is_duplicate": [False, False, True],
        }
    )
    assert {r: list(analysed_documents(docs, r)["doc_id"]) for r in ANALYSE_RULES} == {
        "kept": ["a"],
        "unique": ["a"],
        "all": ["a", "c"],
    }


def test_unknown_rule_and_missing_column_are_named(seed_docs):
    with pytest.raises(ValueError, match=r"rule: expected one of 'kept', 'unique', 'all'"):
        analysed_documents(seed_docs, "relevant")
    with pytest.raises(KeyError, match="is_duplicate"):
        analysed_documents(seed_docs[["doc_id", "status"]], "unique")


def test_the_rule_comes_from_the_corpus_table(tmp_path):
    path = tmp_path / "textkit.toml"
    path.write_text('[corpus]\nanalyse = "unique"\n', encoding="utf-8")
    assert analyse_rule(load_config(path)) == "unique"
    assert analyse_rule(None) == "kept"
    path.write_text('[corpus]\nanalyse = "relevant"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"textkit.toml \[corpus\] analyse: expected one of"):
        analyse_rule(load_config(path))
