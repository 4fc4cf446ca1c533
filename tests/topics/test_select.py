"""Tests of textkit.topics.select: choosing K, held-out perplexity, the fit cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from textkit import topics as T
from textkit.plots import topics as P
from textkit.topics.describe import _exclusivity
from textkit.topics.stability import _run_table, _stored_run


def test_heldout_perplexity_document_completion(lda, dtm, fast):
    p = T.heldout_perplexity(lda, dtm, random_state=0)
    assert 1 < p < dtm.shape[1]
    assert T.heldout_perplexity(lda, dtm, random_state=0) == p
    # a model that knows the topics beats a one-topic model on the same documents
    one = T.LdaTopicModel(1, **fast).fit(dtm)
    assert p < T.heldout_perplexity(one, dtm, random_state=0)
    with pytest.raises(ValueError, match="model"):
        T.heldout_perplexity(T.NmfTopicModel(2).fit(dtm), dtm)


def test_select_k_reports_all_measures(dtm, corpus):
    texts = corpus[3]
    table = T.select_k(dtm, ks=[3, 6], seeds=(0, 1), texts=texts, passes=2, iterations=30)
    assert list(table[["k", "seed"]].itertuples(index=False, name=None)) == [
        (3, 0),
        (3, 1),
        (6, 0),
        (6, 1),
    ]
    assert table["c_v"].between(0, 1).all()
    assert table["c_npmi"].between(-1, 1).all()
    assert (table["u_mass"] < 0).all()
    assert (table["perplexity"] > 1).all()
    assert (table["perplexity"] < dtm.shape[1]).all()  # better than knowing nothing
    assert (table["exclusivity"] >= 1 / table["k"] - 1e-12).all()
    assert (table["exclusivity"] <= 1).all()
    assert (table["n_train"] + table["n_test"] == dtm.shape[0]).all()
    fig = P.plot_k_selection(table)
    assert isinstance(fig, Figure)
    assert len([a for a in fig.axes if a.get_visible()]) == 5
    nmf = T.select_k(dtm, ks=[3], method="nmf", measures=("u_mass",))
    assert nmf["perplexity"].isna().all() and nmf["c_v"].isna().all()
    # texts given as a Series are looked up by doc id, whatever their order
    shuffled = pd.Series(texts, index=list(dtm.doc_ids)).iloc[::-1]
    again = T.select_k(dtm, ks=[3], seeds=(0,), texts=shuffled, passes=2, iterations=30)
    pd.testing.assert_frame_equal(again, table.iloc[:1].reset_index(drop=True))


def test_select_k_and_stability_in_worker_processes_equal_serial(dtm, corpus, fast):
    texts = corpus[3]
    serial = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, **fast)
    pooled = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, n_jobs=2, **fast)
    pd.testing.assert_frame_equal(pooled, serial)  # exact: same fits, same diagnostics
    one = T.topic_stability(dtm, 4, seeds=range(3), **fast)
    two = T.topic_stability(dtm, 4, seeds=range(3), n_jobs=2, **fast)
    pd.testing.assert_frame_equal(two.matches, one.matches)
    pd.testing.assert_frame_equal(two.per_topic, one.per_topic)
    assert two.summary == one.summary
    # the first seed's run given as the reference is not refitted and changes nothing
    ref = T.LdaTopicModel(4, random_state=0, **fast).fit(dtm)
    given = T.topic_stability(dtm, 4, seeds=range(3), reference=ref, **fast)
    pd.testing.assert_frame_equal(given.matches, one.matches)
    assert given.summary == one.summary
    other_seed = T.LdaTopicModel(4, random_state=1, **fast).fit(dtm)
    with pytest.raises(ValueError, match="reference: settings"):
        T.topic_stability(dtm, 4, seeds=range(3), reference=other_seed, **fast)
    with pytest.raises(ValueError, match="reference: not fitted"):
        T.topic_stability(dtm, 4, seeds=range(3), reference=T.LdaTopicModel(4, **fast), **fast)
    with pytest.raises(ValueError, match="n_jobs"):
        T.select_k(dtm, ks=[3], n_jobs=0, **fast)
    with pytest.raises(ValueError, match="n_jobs"):
        T.TopicConfig(n_jobs=0)


def test_fit_cache_gives_the_fresh_tables_and_fits_only_what_is_missing(
    dtm, corpus, tmp_path, caplog, fast
):
    import json
    import logging

    texts = corpus[3]
    store = tmp_path / "stages"
    fresh = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, **fast)
    first = T.select_k(dtm, ks=[3], seeds=(0, 1), texts=texts, cache=store, **fast)
    entries = sorted((store / "select_k").glob("*.json"))
    assert len(entries) == 2  # one per (k, seed)
    # K=5 added to the grid: only its two fits run, the K=3 rows come from the cache
    with caplog.at_level(logging.INFO, logger="textkit.topics"):
        grown = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, cache=store, **fast)
    assert "select_k: 2 of 4 fits from the cache" in caplog.text
    fitted = [r.getMessage() for r in caplog.records if r.getMessage().endswith(" done")]
    assert fitted == ["select_k: k=5 seed=0 done", "select_k: k=5 seed=1 done"]
    assert len(list((store / "select_k").glob("*.json"))) == 4
    pd.testing.assert_frame_equal(grown, fresh)  # exact, dtypes included
    pd.testing.assert_frame_equal(first, fresh[fresh["k"] == 3].reset_index(drop=True))
    # another setting is another key; a damaged entry is recomputed, never trusted
    T.select_k(dtm, ks=[3], seeds=(0,), texts=texts, cache=store, top_n=5, **fast)
    assert len(list((store / "select_k").glob("*.json"))) == 5
    meta = json.loads(entries[0].read_text("utf-8"))
    entries[0].with_suffix(".parquet").write_bytes(b"not parquet")
    again = T.select_k(dtm, ks=[3, 5], seeds=(0, 1), texts=texts, cache=store, **fast)
    pd.testing.assert_frame_equal(again, fresh)
    assert json.loads(entries[0].read_text("utf-8"))["sha256"] == meta["sha256"]  # rewritten

    one = T.topic_stability(dtm, 4, seeds=range(3), **fast)
    ref = T.LdaTopicModel(4, random_state=0, **fast).fit(dtm)
    table = _run_table(ref)
    from textkit.core.cache import StageCache

    StageCache(tmp_path / "roundtrip").put("topic_run", {"t": 1}, table)
    back = StageCache(tmp_path / "roundtrip").get("topic_run", {"t": 1})
    pd.testing.assert_frame_equal(_stored_run(back).topic_term_, ref.topic_term_)  # exact
    for hits in (0, 2):  # cold, then every non-reference run from the cache
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="textkit.topics"):
            cached = T.topic_stability(dtm, 4, seeds=range(3), reference=ref, cache=store, **fast)
        assert (f"topic_stability: {hits} runs from the cache" in caplog.text) == bool(hits)
        pd.testing.assert_frame_equal(cached.matches, one.matches)
        pd.testing.assert_frame_equal(cached.per_topic, one.per_topic)
        assert cached.summary == one.summary
    assert len(list((store / "topic_run").glob("*.json"))) == 2
    more = T.topic_stability(dtm, 4, seeds=range(4), cache=store, **fast)  # seed 3 is new
    assert len(list((store / "topic_run").glob("*.json"))) == 3
    assert more.summary["n_runs"] == 4
    with pytest.raises(ValueError, match="cache"):
        T.select_k(dtm, ks=[3], cache=3, **fast)


def _k_table() -> pd.DataFrame:
    """A K grid of two seeds per K: c_v best at 4, perplexity at 6, exclusivity at 2."""
    return pd.DataFrame(
        {
            "k": [2, 2, 4, 4, 6, 6],
            "seed": [0, 1, 0, 1, 0, 1],
            "c_v": [0.3, 0.5, 0.6, 0.6, 0.2, 0.2],
            "perplexity": [900.0, 900.0, 800.0, 800.0, 700.0, 700.0],
            "exclusivity": [0.9, 0.9, 0.5, 0.5, 0.5, 0.5],
            "u_mass": [np.nan] * 6,
        }
    )


def test_k_summary_ranks_each_measure_in_its_direction():
    table = _k_table()
    out = T.k_summary(table)
    assert list(out["k"]) == [2, 4, 6] and list(out["n_seeds"]) == [2, 2, 2]
    np.testing.assert_allclose(out["c_v"], [0.4, 0.6, 0.2])
    assert list(out["rank_c_v"]) == [2.0, 1.0, 3.0]  # higher is better
    assert list(out["rank_perplexity"]) == [3.0, 2.0, 1.0]  # lower is better
    assert list(out["rank_exclusivity"]) == [1.0, 2.5, 2.5]  # ties share the rank
    assert "rank_u_mass" not in out.columns  # a measure without values is left out
    np.testing.assert_allclose(out["mean_rank"], [2.0, 11 / 6, 13 / 6])


def test_best_k_names_the_k_each_measure_favours_and_where_the_chosen_one_stands():
    """The reading of a K grid a notebook would otherwise write down for one corpus."""
    table = _k_table()
    out = T.best_k(table, chosen=4).set_index("measure")
    assert list(out.index) == ["c_v", "perplexity", "exclusivity", "mean_rank"]
    assert out.loc["c_v", ["best_k", "next_k"]].tolist() == [4, 2]
    np.testing.assert_allclose(out.loc["c_v", ["best", "next", "chosen"]], [0.6, 0.4, 0.6])
    assert out.loc["perplexity", ["best_k", "next_k", "chosen_rank"]].tolist() == [6, 4, 2]
    assert out.loc["exclusivity", ["best_k", "next_k"]].tolist() == [2, 4]  # a tie: smaller K
    assert out.loc["mean_rank", ["best_k", "chosen_rank"]].tolist() == [4, 1]
    pd.testing.assert_frame_equal(T.best_k(T.k_summary(table), chosen=4), out.reset_index())
    assert "chosen_k" not in T.best_k(table).columns
    with pytest.raises(ValueError, match="K = 5 is not in the grid"):
        T.best_k(table, chosen=5)


def test_feasible_ks_leaves_out_what_a_small_corpus_cannot_fit(dtm, caplog):
    n_train = len(T.select._split(dtm.shape[0], 0.1, 0)[0])
    assert T.feasible_ks([4, 2, 6], dtm) == [2, 4, 6]  # sorted, all fit
    with caplog.at_level("WARNING", logger="textkit.topics.select"):
        kept = T.feasible_ks([2, n_train + 5, 3], dtm)
    assert kept == [2, 3]
    assert f"[{n_train + 5}] left out" in caplog.text
    with pytest.raises(ValueError, match="no value of"):
        T.feasible_ks([n_train + 5], dtm)
    # what it keeps, select_k fits
    grid = T.select_k(dtm, kept, seeds=[0], passes=1, iterations=5, measures=("u_mass",))
    assert sorted(grid["k"].unique()) == kept


def test_select_k_fits_the_topics_without_inferring_the_documents(lda, dtm, corpus, fast):
    """select_k reads only the topics of its fits: the final inference of the training
    documents is left out, and the topics, perplexity and coherence are those of a full fit."""
    topics_only = T.LdaTopicModel(5, random_state=3, **fast)._fit(dtm, infer_documents=False)
    pd.testing.assert_frame_equal(topics_only.topic_term_, lda.topic_term_)
    assert not hasattr(topics_only, "doc_topic_") and hasattr(lda, "doc_topic_")
    assert T.heldout_perplexity(topics_only, dtm) == T.heldout_perplexity(lda, dtm)
    row = T.select_k(dtm, ks=[5], seeds=(3,), texts=corpus[3], holdout=0, **fast).iloc[0]
    assert row["exclusivity"] == _exclusivity(lda, 10)
    assert 0 < row["c_v"] < 1


def test_a_topics_only_refit_leaves_no_document_shares_of_an_earlier_fit(dtm, fast):
    model = T.LdaTopicModel(3, random_state=1, **fast).fit(dtm)
    assert hasattr(model, "doc_topic_")
    model._fit(dtm, infer_documents=False)
    assert not hasattr(model, "doc_topic_")
