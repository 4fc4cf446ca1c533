"""Tests for textkit.dtm.vectorizer: counts, pruning reports, errors, gensim / sklearn round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from textkit.dtm.vectorizer import DocumentTermMatrix, vectorize, vocabulary_table
from textkit.segment.corpus import segment_corpus

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"

TOY = {
    "d1": ["维稳", "综治", "维稳", "上访"],
    "d2": ["服务", "法治", "维稳"],
    "d3": ["服务", "法治", "法治", "议事会"],
}


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tkcache"))


def test_counts_and_sorted_vocabulary():
    dtm = vectorize(TOY)
    assert dtm.vocabulary == tuple(sorted({t for ts in TOY.values() for t in ts}))
    assert dtm.doc_ids == ("d1", "d2", "d3")
    assert dtm.matrix.dtype == np.int64
    assert sp.isspmatrix_csr(dtm.matrix)
    dense = dtm.matrix.toarray()
    j = dtm.vocabulary.index("维稳")
    assert dense[:, j].tolist() == [2, 1, 0]
    assert dense.sum() == sum(len(v) for v in TOY.values())
    assert dtm.pruned.empty
    assert list(dtm.pruned.columns) == ["term", "df", "tf", "reason"]


def test_input_not_mutated_and_units_aggregated():
    units = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "para_id": [0, 1, 0],
            "sent_id": [-1, -1, -1],
            "unit_id": [0, 1, 0],
            "tokens": [["维稳", "排查"], ["维稳"], ["服务"]],
        }
    )
    before = units.copy(deep=True)
    dtm = vectorize(units)
    pd.testing.assert_frame_equal(units, before)
    assert dtm.doc_ids == ("a", "b")
    assert dtm.matrix[0, dtm.vocabulary.index("维稳")] == 2


def test_pruning_is_reported():
    dtm = vectorize(TOY, min_df=2, max_df=2)
    # df: 维稳 2, 服务 2, 法治 2, 综治 1, 上访 1, 议事会 1 ; nothing above 2 documents
    assert dtm.vocabulary == ("服务", "法治", "维稳")
    pruned = dtm.pruned.set_index("term")
    assert set(pruned.index) == {"综治", "上访", "议事会"}
    assert (pruned["reason"] == "min_df").all()
    assert pruned.loc["综治", "df"] == 1 and pruned.loc["综治", "tf"] == 1

    dtm2 = vectorize(TOY, max_df=0.5)  # at most 1 of 3 documents
    assert set(dtm2.pruned.loc[dtm2.pruned.reason == "max_df", "term"]) == {"维稳", "服务", "法治"}

    dtm3 = vectorize(TOY, max_terms=2)
    assert dtm3.vocabulary == ("法治", "维稳")  # tf 3 each; all others tf <= 2
    assert set(dtm3.pruned["reason"]) == {"max_terms"}


def test_keep_exempts_terms():
    dtm = vectorize(TOY, min_df=2, keep=["议事会"])
    assert "议事会" in dtm.vocabulary
    assert "议事会" not in set(dtm.pruned["term"])


@pytest.mark.parametrize(
    ("kwargs", "setting"),
    [
        ({"min_df": 4}, "min_df"),
        ({"min_df": 3, "max_df": 2}, "min_df"),
        ({"min_df": -1}, "min_df"),
        ({"max_df": 1.5}, "max_df"),
        ({"max_terms": 0}, "max_terms"),
        ({"max_df": 0.2}, "max_df"),  # every term is in at least one doc -> empty vocabulary
    ],
)
def test_impossible_settings_raise(kwargs, setting):
    with pytest.raises(ValueError, match=setting):
        vectorize(TOY, **kwargs)


def test_a_document_frequency_given_as_a_string_states_both_forms():
    for name in ("min_df", "max_df"):
        with pytest.raises(ValueError) as err:
            vectorize(TOY, **{name: "2"})
        msg = str(err.value)
        assert msg.startswith(f"{name}: expected a number of documents (an integer >= 0")
        assert "or a proportion of the documents (a float in [0, 1]" in msg
        assert "got '2' (str)" in msg
    # the integer it meant is a valid count: 2 of the 3 documents
    assert vectorize(TOY, min_df=2).vocabulary == ("服务", "法治", "维稳")


def test_bad_units_raise():
    with pytest.raises(ValueError, match="tokens"):
        vectorize(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(ValueError, match="str"):
        vectorize({"a": "维稳 服务"})
    with pytest.raises(ValueError, match="no tokens"):
        vectorize({"a": [], "b": []})


def test_gensim_round_trip():
    dtm = vectorize(TOY)
    dictionary, corpus = dtm.to_gensim()
    for j, term in enumerate(dtm.vocabulary):
        assert dictionary.token2id[term] == j
        assert dictionary[j] == term
    rebuilt = np.zeros(dtm.shape, dtype=np.int64)
    for i, bow in enumerate(corpus):
        for j, c in bow:
            rebuilt[i, j] = c
    assert (rebuilt == dtm.matrix.toarray()).all()
    assert dictionary.num_docs == 3
    assert dictionary.dfs[dtm.vocabulary.index("维稳")] == 2
    # gensim's own doc2bow gives the same bags
    for i, doc in enumerate(TOY.values()):
        assert dictionary.doc2bow(doc) == corpus[i]


def test_sklearn_and_term_table():
    dtm = vectorize(TOY)
    X, names = dtm.to_sklearn()
    assert X.shape == dtm.shape and list(names) == list(dtm.vocabulary)
    tt = dtm.term_table().set_index("term")
    assert tt.loc["法治", "tf"] == 3 and tt.loc["法治", "df"] == 2


def test_frozen():
    dtm = vectorize(TOY)
    with pytest.raises(AttributeError):
        dtm.vocabulary = ()
    with pytest.raises(ValueError, match="shape"):
        DocumentTermMatrix(dtm.matrix, ("x",), dtm.vocabulary, dtm.pruned)


def test_vocabulary_table_by_group():
    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "genre": ["report", "report", "speech"]})
    vt = vocabulary_table(TOY, by="genre", docs=docs).set_index("term")
    assert vt.loc["维稳", "tf"] == 3 and vt.loc["维稳", "df"] == 2
    assert vt.loc["维稳", "tf_report"] == 3 and vt.loc["维稳", "tf_speech"] == 0
    assert vt.loc["法治", "tf_speech"] == 2
    with pytest.raises(ValueError, match="by"):
        vocabulary_table(TOY, by="nope", docs=docs)


def test_vocabulary_table_missing_group_is_unknown():
    # genre rules leave some documents without a genre (NaN): they form their own group
    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "genre": ["report", None, float("nan")]})
    vt = vocabulary_table(TOY, by="genre", docs=docs).set_index("term")
    assert [c for c in vt.columns if c.startswith("tf_")] == ["tf_report", "tf_unknown"]
    assert vt.loc["法治", "tf_unknown"] == 3 and vt.loc["上访", "tf_report"] == 1
    assert (vt["tf_report"] + vt["tf_unknown"] == vt["tf"]).all()


def test_on_seed_corpus():
    files = sorted(RAW.glob("*.txt"))[:3]
    docs = pd.DataFrame(
        {
            "doc_id": [f.stem for f in files],
            "text": [f.read_text("utf-8", "replace") for f in files],
        }
    )
    units = segment_corpus(docs, unit="paragraph")
    dtm = vectorize(units, min_df=2)
    assert dtm.shape[0] == 3
    assert "社会治安综合治理" in dtm.vocabulary
    # every pruned term really has df < 2
    assert (dtm.pruned["df"] < 2).all()
    # totals: kept + pruned tf equals all tokens
    n_tokens = sum(len(t) for t in units["tokens"])
    assert dtm.matrix.sum() + dtm.pruned["tf"].sum() == n_tokens


def test_plot_top_terms():
    import matplotlib.figure

    from textkit.plots.vocab import plot_top_terms

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "genre": ["report", "report", "speech"]})
    vt = vocabulary_table(TOY, by="genre", docs=docs)
    before = vt.copy()
    fig = plot_top_terms(vt, n=4, highlight=["维稳"])
    assert isinstance(fig, matplotlib.figure.Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # largest at the top: 法治 (3) and 维稳 (3) first (ties by term), then 服务 (2), 上访 (1)
    assert labels[::-1] == ["法治", "维稳", "服务", "上访"]
    assert [p.get_width() for p in ax.patches][::-1] == [3, 3, 2, 1]
    assert fig.textkit_data["term"].tolist() == ["法治", "维稳", "服务", "上访"]
    colours = {t.get_text(): t.get_color() for t in ax.get_yticklabels()}
    assert colours["维稳"] != colours["法治"]  # highlighted
    stacked = plot_top_terms(vt, n=2, by_group=True)
    assert len(stacked.axes[0].patches) == 2 * 2  # 2 terms x 2 groups
    pd.testing.assert_frame_equal(vt, before)
    with pytest.raises(ValueError, match="by_group"):
        plot_top_terms(vt[["term", "tf", "df"]], by_group=True)
    with pytest.raises(ValueError, match="n"):
        plot_top_terms(vt, n=0)


def test_group_rates_and_heat_map():
    from textkit.plots.vocab import group_rates, plot_group_rates

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "genre": [None, "report", "speech"]})
    vt = vocabulary_table(TOY, by="genre", docs=docs)
    before = vt.copy()
    rates = group_rates(vt, n=3, per=100)
    # groups sorted, the missing-value group last; terms by tf then term
    assert rates.columns.tolist() == ["report", "speech", "unknown"]
    assert rates.index.tolist() == ["法治", "维稳", "服务"]
    # d1 (unknown): 4 tokens, 维稳 twice; d2 (report): 3 tokens; d3 (speech): 4 tokens
    assert rates.loc["维稳", "unknown"] == pytest.approx(50.0)
    assert rates.loc["维稳", "report"] == pytest.approx(100 / 3)
    assert rates.loc["法治", "speech"] == pytest.approx(50.0)
    assert rates.loc["服务", "unknown"] == 0.0
    fig = plot_group_rates(vt, n=3, per=100)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["法治", "维稳", "服务"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "report\n(3)",
        "speech\n(4)",
        "unknown\n(4)",
    ]
    assert len(ax.texts) == 9
    assert fig.textkit_data["term"].tolist() == ["法治", "维稳", "服务"]
    pd.testing.assert_frame_equal(vt, before)
    with pytest.raises(ValueError, match="tf_"):
        group_rates(vt[["term", "tf", "df"]])
    with pytest.raises(ValueError, match="per"):
        group_rates(vt, per=0)


def test_units_after_parquet_round_trip(tmp_path):
    # the pipeline stores units as parquet, where token lists come back as numpy arrays
    units = segment_corpus({"a": "加强社会治安综合治理。化解矛盾纠纷。", "b": "推进网格化管理。"})
    path = tmp_path / "units.parquet"
    units.to_parquet(path, index=False)
    back = pd.read_parquet(path)
    d1, d2 = vectorize(units), vectorize(back)
    assert d1.vocabulary == d2.vocabulary and d1.doc_ids == d2.doc_ids == ("a", "b")
    assert (d1.matrix != d2.matrix).nnz == 0
    assert {"社会治安综合治理", "矛盾纠纷", "网格化管理"} <= set(d1.vocabulary)


# ------------------------------------------------------------------- corpus-stage figures


def test_corpus_figures_on_seed():
    import json

    import matplotlib.figure

    from textkit.corpus.build import build_corpus
    from textkit.plots.corpus import cleaning_table, plot_cleaning, plot_corpus_composition

    docs = build_corpus(RAW).documents
    before = docs.copy(deep=True)
    table = cleaning_table(docs)
    assert table.columns.tolist() == ["page_id", "rule", "chars_removed"]
    assert (table["chars_removed"] > 0).all()
    expected = {}
    for page, log in zip(docs["page_id"], docs["clean_log"], strict=True):
        for rule, n in json.loads(log or "{}").items():
            expected[(page, rule)] = expected.get((page, rule), 0) + int(n)
    got = {(r.page_id, r.rule): r.chars_removed for r in table.itertuples()}
    assert got == {k: v for k, v in expected.items() if v > 0}
    fig = plot_cleaning(docs)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.textkit_data.equals(table)
    ax = fig.axes[0]
    # one annotated cell per non-zero (rule, page); rows ordered by total, totals labelled
    cells = [int(t.get_text().replace(",", "")) for t in ax.texts]
    assert sorted(cells) == sorted(table["chars_removed"].tolist())
    totals = table.groupby("rule")["chars_removed"].sum()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    expected_rows = sorted(totals.index, key=lambda r: (-totals[r], r))
    assert labels == [f"{r} ({totals[r]:,})" for r in expected_rows]
    comp = plot_corpus_composition(docs)
    counts = comp.textkit_data.set_index("page_id")
    assert counts.columns.tolist() == ["kept", "duplicate", "off-topic", "quarantined"]
    assert int(counts.to_numpy().sum()) == len(docs) == 36
    assert counts.loc["000_bf6d7cf6cc31cd7b", "duplicate"] == 1  # the 第一篇 / 第二篇 pair
    assert counts.loc["004_1031bda60efd16f2", "off-topic"] == 1  # the highway-repair article
    assert counts["duplicate"].sum() == int(docs["is_duplicate"].sum())
    pd.testing.assert_frame_equal(docs, before)


@pytest.mark.parametrize(
    "settings",
    [{}, {"min_df": 2, "max_df": 0.5}, {"min_df": 2, "max_terms": 300, "keep": ("维稳", "无此词")}],
)
def test_matrix_equals_a_plain_count_of_the_seed_units(seed_units, settings):
    """The matrix, built from integer term ids summed by scipy, holds exactly the counts of
    a per-document ``Counter`` over the kept terms, in sorted vocabulary order."""
    from collections import Counter

    dtm = vectorize(seed_units, **settings)
    grouped: dict[str, list[str]] = {}
    for doc, toks in zip(seed_units["doc_id"], seed_units["tokens"], strict=True):
        grouped.setdefault(str(doc), []).extend(toks)
    assert dtm.doc_ids == tuple(grouped)
    assert list(dtm.vocabulary) == sorted(dtm.vocabulary)
    column = {t: j for j, t in enumerate(dtm.vocabulary)}
    dense = np.zeros(dtm.shape, dtype=np.int64)
    for i, toks in enumerate(grouped.values()):
        for term, n in Counter(toks).items():
            if term in column:
                dense[i, column[term]] = n
    assert dtm.matrix.has_sorted_indices and dtm.matrix.dtype == np.int64
    np.testing.assert_array_equal(dtm.matrix.toarray(), dense)
    every = Counter(t for toks in grouped.values() for t in toks)
    assert set(dtm.vocabulary) | set(dtm.pruned["term"]) == set(every)
    pruned = dtm.pruned.set_index("term")
    for term in pruned.index[:50]:
        assert pruned.loc[term, "tf"] == every[term]


def test_tokens_that_are_not_str_are_counted_as_str():
    units = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "tokens": [["维稳", 2024], [2024, "2024"], ["服务"]]}
    )
    dtm = vectorize(units)
    assert dtm.vocabulary == ("2024", "服务", "维稳")
    np.testing.assert_array_equal(dtm.matrix.toarray(), [[3, 0, 1], [0, 1, 0]])


def test_token_iterators_are_counted_once_read():
    """A cell holding an iterator (the generator of ``jieba.cut``) is read once, in full."""
    units = pd.DataFrame(
        {"doc_id": ["a", "b"], "tokens": [["维稳", "服务"], iter(["维稳", "维稳"])]}
    )
    np.testing.assert_array_equal(vectorize(units).matrix.toarray(), [[1, 1], [0, 2]])


def test_a_min_df_from_textkit_toml_that_the_data_refuses_names_the_setting(tmp_path):
    """min_df=500 exceeds the number of documents (89) named neither the table nor the file."""
    from textkit.core.config import load_config
    from textkit.core.errors import ConfigError
    from textkit.dtm import VectorizeConfig
    from textkit.topics import TopicConfig

    path = tmp_path / "textkit.toml"
    path.write_text("[vectorize]\nmin_df = 500\n[topics]\nmin_df = 600\n", encoding="utf-8")
    project = load_config(path)
    settings = VectorizeConfig.from_project(project).as_dict()
    with pytest.raises(ConfigError) as exc:
        vectorize(TOY, **settings)
    assert str(exc.value) == (
        f"[vectorize] min_df = 500 in {path}: min_df=500 exceeds the number of documents (3)"
    )
    units = pd.DataFrame(
        {"doc_id": list(TOY), "para_id": 0, "sent_id": 0, "tokens": list(TOY.values())}
    )
    with pytest.raises(ConfigError, match=rf"^\[topics\] min_df = 600 in {path}: min_df=600"):
        TopicConfig.from_project(project).topic_matrix(units)
    # a value given in code is not the file's: the error stays as it was
    with pytest.raises(ValueError) as exc:
        vectorize(TOY, min_df=7)
    assert not isinstance(exc.value, ConfigError)
    assert str(exc.value) == "min_df=7 exceeds the number of documents (3)"
    with pytest.raises(ValueError, match=r"^min_df=600 exceeds") as exc:
        TopicConfig.from_project(project, min_df=600, unit="document").topic_matrix(units)
    assert not isinstance(exc.value, ConfigError)  # an override, not the file's value
