"""Tests for textkit.dtm.prune: one vocabulary-pruning rule for the in-memory and streamed paths."""

from __future__ import annotations

from collections import Counter

import pytest

from textkit.core.errors import InvalidParameterError
from textkit.dtm.prune import PRUNED_COLUMNS, VectorizeConfig, prune_vocabulary
from textkit.dtm.stream import stream_vocabulary
from textkit.dtm.vectorizer import vectorize
from textkit.segment.corpus import segment_corpus
from textkit.segment.stream import segment_to_parquet

DOCS = {
    "a": ["维稳", "维稳", "治理", "网格"],
    "b": ["维稳", "治理", "法治"],
    "c": ["维稳", "信访", "信访", "法治"],
    "d": ["维稳", "治理", "枫桥经验"],
}

#: Settings exercising every branch of the rule (ints, proportions, max_terms, keep).
SETTINGS = [
    {},
    {"min_df": 2},
    {"min_df": 2, "max_df": 0.9},
    {"min_df": 0.1, "max_df": 0.5},
    {"max_terms": 50},
    {"min_df": 1, "max_terms": 50, "keep": ["维稳", "法治"]},
    {"min_df": 3, "keep": ["枫桥经验", "网格化管理"]},
]


def _frequencies(docs):
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for toks in docs.values():
        c = Counter(toks)
        df.update(c.keys())
        tf.update(c)
    return df, tf


def test_rule_keep_min_df_max_df_max_terms():
    df, tf = _frequencies(DOCS)
    vocab, pruned = prune_vocabulary(df, tf, 4, VectorizeConfig(min_df=2, max_df=3))
    assert vocab == ("治理", "法治")
    assert list(pruned.columns) == PRUNED_COLUMNS
    assert pruned[["term", "reason"]].values.tolist() == [
        ["维稳", "max_df"],
        ["信访", "min_df"],
        ["枫桥经验", "min_df"],
        ["网格", "min_df"],
    ]
    vocab, pruned = prune_vocabulary(
        df, tf, 4, VectorizeConfig(min_df=1, max_terms=2, keep=("网格", "枫桥经验"))
    )
    assert vocab == ("枫桥经验", "网格")  # keep terms take the room first
    assert set(pruned["reason"]) == {"max_terms"}
    vocab, _ = prune_vocabulary(df, tf, 4, VectorizeConfig(min_df=1, max_terms=2))
    assert vocab == ("治理", "维稳")  # by total frequency, ties by term
    # a project's default (the [vectorize] table unset) prunes terms of a single document
    assert VectorizeConfig().min_df == 2
    vocab, pruned = prune_vocabulary(df, tf, 4, VectorizeConfig())
    assert vocab == ("治理", "法治", "维稳") and set(pruned["reason"]) == {"min_df"}


def test_rule_refuses_what_leaves_nothing():
    df, tf = _frequencies(DOCS)
    gap = {"社区": 1, "治理": 3}  # no term in exactly two documents
    with pytest.raises(ValueError, match=r"leaves an empty vocabulary \(check min_df\)"):
        prune_vocabulary(gap, gap, 4, VectorizeConfig(min_df=2, max_df=2))
    with pytest.raises(ValueError, match=r"is larger than max_df=3"):
        prune_vocabulary(df, tf, 4, VectorizeConfig(min_df=4, max_df=3))
    with pytest.raises(ValueError, match=r"exceeds the number of documents \(4\)"):
        prune_vocabulary(df, tf, 4, VectorizeConfig(min_df=5))
    with pytest.raises(ValueError, match="no tokens"):
        prune_vocabulary({}, {}, 4, VectorizeConfig())
    with pytest.raises(ValueError, match="no documents"):
        prune_vocabulary({}, {}, 0, VectorizeConfig())


_DF_FORMS = (
    "{0}: expected a number of documents (an integer >= 0, e.g. {0}=2) or a proportion of "
    "the documents (a float in [0, 1], e.g. {0}=0.5), got "
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_df": -1}, _DF_FORMS.format("min_df") + "-1 (int)"),
        ({"max_df": 1.5}, _DF_FORMS.format("max_df") + "1.5 (float)"),
        ({"max_df": float("nan")}, _DF_FORMS.format("max_df") + "nan (float)"),
        ({"min_df": True}, _DF_FORMS.format("min_df") + "True (bool)"),
        (
            {"min_df": "2"},
            _DF_FORMS.format("min_df")
            + "'2' (str); a string is neither: write the number without quotes",
        ),
        (
            {"max_df": 2.0},
            _DF_FORMS.format("max_df") + "2.0 (float); 2.0 is a float, so a proportion: "
            "write 2 for a count",
        ),
        ({"max_terms": 0}, "max_terms: expected an integer >= 1 or None, got 0"),
    ],
)
def test_config_checks(kwargs, message):
    with pytest.raises(InvalidParameterError) as err:
        VectorizeConfig(**kwargs)
    assert str(err.value) == message


def test_int_counts_documents_and_float_is_a_proportion():
    np = pytest.importorskip("numpy")
    assert VectorizeConfig(min_df=np.int64(2), max_df=np.float64(0.5)).bounds(10) == (2, 5)
    assert VectorizeConfig(min_df=0.25, max_df=3).bounds(10) == (3, 3)
    assert isinstance(VectorizeConfig(min_df=np.int64(2)).min_df, int)


@pytest.fixture(scope="module")
def seed_units(seed_docs, cache_dir_env):
    with cache_dir_env():
        return segment_corpus(seed_docs[["doc_id", "text"]], unit="sentence", cache=False)


@pytest.fixture(scope="module")
def seed_units_file(seed_docs, tmp_path_factory, cache_dir_env):
    path = tmp_path_factory.mktemp("units") / "units.parquet"
    with cache_dir_env():
        segment_to_parquet(seed_docs[["doc_id", "text"]], path, unit="sentence", batch_docs=5)
    return path


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: repr(s) if s else "defaults")
def test_in_memory_and_streamed_vocabularies_agree_on_the_seed_corpus(
    seed_units, seed_units_file, settings
):
    dtm = vectorize(seed_units, **settings)
    assert len(dtm.vocabulary) > 0
    assert stream_vocabulary(seed_units_file, **settings) == dtm.vocabulary


def test_in_memory_and_streamed_refuse_alike(seed_units, seed_units_file):
    n_docs = seed_units["doc_id"].nunique()
    for settings in ({"min_df": n_docs + 1}, {"min_df": 3, "max_df": 2}, {"max_df": 0}):
        with pytest.raises(ValueError) as in_memory:
            vectorize(seed_units, **settings)
        with pytest.raises(ValueError) as streamed:
            stream_vocabulary(seed_units_file, **settings)
        assert str(in_memory.value) == str(streamed.value)
