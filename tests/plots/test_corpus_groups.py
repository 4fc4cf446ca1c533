"""Corpus figures by any document variable (a table's rows are too many to show as pages)."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.corpus.build import build_corpus
from textkit.corpus.example import write_example_table
from textkit.corpus.read import read_texts
from textkit.plots.corpus import (
    cleaning_table,
    composition_table,
    plot_cleaning,
    plot_corpus_composition,
)


@pytest.fixture(scope="module")
def table_docs(tmp_path_factory):
    path = write_example_table(tmp_path_factory.mktemp("t") / "t.csv", n_docs=24, random_state=4)
    return build_corpus(read_texts(path, id="doc_id")).documents


def test_composition_by_a_variable_counts_every_article(table_docs):
    counts = composition_table(table_docs, "province")
    assert list(counts["province"]) == sorted(table_docs["province"].unique())
    assert int(counts.drop(columns="province").to_numpy().sum()) == len(table_docs)
    dup = table_docs.groupby("province")["is_duplicate"].sum()
    assert counts.set_index("province")["duplicate"].to_dict() == dup.astype(int).to_dict()
    fig = plot_corpus_composition(table_docs, by="province")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == list(counts["province"])
    assert fig.axes[0].get_xlabel() == "province"


def test_cleaning_by_a_variable_sums_the_page_table(table_docs):
    by_page = cleaning_table(table_docs)
    by_province = cleaning_table(table_docs, "province")
    assert by_page["chars_removed"].sum() == by_province["chars_removed"].sum() > 0
    per_rule = by_province.groupby("rule")["chars_removed"].sum()
    assert per_rule.to_dict() == by_page.groupby("rule")["chars_removed"].sum().to_dict()
    fig = plot_cleaning(table_docs, by="province")
    assert fig.axes[0].get_xlabel() == "province"
    assert isinstance(fig.textkit_data, pd.DataFrame)
    with pytest.raises(KeyError, match="outlet"):
        composition_table(table_docs, "outlet")


def test_a_corpus_that_came_clean_gets_a_figure_saying_so(tmp_path):
    """A researcher's texts that need no repair (nothing in any cleaning log) give a figure
    with the reason and the empty table's columns, not an error that stops notebook 01."""
    import textkit as tk
    from textkit.plots import save_figure

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("加强基层治理，做好矛盾纠纷排查化解工作。\n", encoding="utf-8")
    (texts / "b.txt").write_text("推进依法行政，提升公共服务水平。\n", encoding="utf-8")
    docs = tk.build_corpus(tk.read_texts(texts)).documents
    assert cleaning_table(docs).empty
    fig = plot_cleaning(docs)
    shown = [" ".join(t.get_text().split()) for t in fig.axes[0].texts]
    assert shown == ["No cleaning rule changed any text of these documents"]
    assert list(fig.textkit_data.columns) == ["page_id", "rule", "chars_removed"]
    written = save_figure(fig, "corpus_cleaning", outdir=tmp_path / "fig")
    assert [p.suffix for p in written] == [".pdf", ".png", ".csv"]
