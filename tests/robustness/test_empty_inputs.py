"""Empty inputs give empty tables of the right shape: the columns and their types are those
of the same verb's output on a small real input, so that code written against a full table
(a merge on ``doc_id``, arithmetic on a count) runs unchanged on an empty one.

Each verb is called on a documents table with no rows (the columns ``doc_id``, ``text`` and
a document variable, typed). Each test failed before the empty tables were typed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import textkit as tk

_TEXTS = [
    "各地加强维稳工作，维护社会稳定，推进依法行政。\n\n坚持以人民为中心，服务群众。",
    "加强社会治理，维护稳定，服务人民群众，依法化解矛盾纠纷。",
]


@pytest.fixture(scope="module")
def seg():
    return tk.Segmenter()


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(6)],
            "text": [_TEXTS[i % 2] for i in range(6)],
            "year": pd.Series([2019, 2019, 2019, 2020, 2020, 2020], dtype="int64"),
        }
    )


@pytest.fixture(scope="module")
def empty(docs) -> pd.DataFrame:
    return docs.iloc[:0].copy()


def _same_shape(out: pd.DataFrame, full: pd.DataFrame) -> None:
    assert len(full) > 0 and len(out) == 0
    assert list(out.columns) == list(full.columns)
    assert out.dtypes.to_dict() == full.dtypes.to_dict()


@pytest.mark.parametrize("level", ["document", "paragraph", "sentence"])
def test_score_frames(docs, empty, seg, level):
    full = tk.score_frames(docs, level=level, segmenter=seg)
    _same_shape(tk.score_frames(empty, level=level, segmenter=seg), full)


def test_kwic(docs, empty):
    _same_shape(tk.kwic(empty, "维稳"), tk.kwic(docs, "维稳"))


def test_keyness(docs, empty, seg):
    units = tk.segment_corpus(docs, segmenter=seg, cache=False)
    full = tk.keyness(units, group=np.arange(len(units)) % 2 == 0, min_count=1)
    none = tk.segment_corpus(empty, segmenter=seg, cache=False)
    _same_shape(tk.keyness(none, group=np.zeros(0, dtype=bool), min_count=1), full)


def test_frame_groups(docs, empty, seg):
    full = tk.frame_groups(tk.score_frames(docs, segmenter=seg), "year", min_docs=1)
    out = tk.frame_groups(tk.score_frames(empty, segmenter=seg), "year", min_docs=1)
    _same_shape(out, full)


def test_frame_diagnostics(docs, empty, seg):
    full = tk.frame_diagnostics(docs, segmenter=seg)
    _same_shape(tk.frame_diagnostics(empty, segmenter=seg), full)


def test_frame_hits_and_term_contributions(docs, empty, seg):
    for verb in (tk.frame_hits, tk.term_contributions):
        _same_shape(verb(empty, segmenter=seg), verb(docs, segmenter=seg))


@pytest.mark.parametrize("unit", ["document", "paragraph", "sentence"])
def test_segment_corpus(docs, empty, seg, unit):
    full = tk.segment_corpus(docs, unit=unit, segmenter=seg, cache=False)
    _same_shape(tk.segment_corpus(empty, unit=unit, segmenter=seg, cache=False), full)


def test_vectorize(docs, empty, seg):
    full = tk.vectorize(tk.segment_corpus(docs, segmenter=seg, cache=False), max_terms=3)
    out = tk.vectorize(tk.segment_corpus(empty, segmenter=seg, cache=False), max_terms=3)
    assert out.matrix.shape == (0, 0) and out.matrix.dtype == full.matrix.dtype
    assert out.doc_ids == () and out.vocabulary == ()
    _same_shape(out.pruned, full.pruned)
