"""Tests of textkit.topics.persist: topic tables, saved and loaded models."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit import topics as T


def test_save_tables_and_model_roundtrip(lda, seeded, dtm, tmp_path):
    files = T.save_topic_tables(lda, tmp_path / "tables", n=5)
    names = {f.name for f in files}
    assert {"topics_top_terms.csv", "topics_doc_topic.parquet", "topics_summary.csv"} <= names
    top = pd.read_csv(tmp_path / "tables" / "topics_top_terms.csv")
    assert set(top["by"]) == {"prob", "frex", "relevance"}
    assert len(pd.read_parquet(tmp_path / "tables" / "topics_doc_topic.parquet")) == dtm.shape[0]

    for name, model in (("lda", lda), ("seeded", seeded), ("nmf", T.NmfTopicModel(3).fit(dtm))):
        T.save_model(model, tmp_path / name)
        loaded = T.load_model(tmp_path / name)
        assert type(loaded) is type(model)
        pd.testing.assert_frame_equal(loaded.topic_term_, model.topic_term_)
        pd.testing.assert_frame_equal(loaded.doc_topic_, model.doc_topic_)
        pd.testing.assert_frame_equal(loaded.transform(dtm), model.transform(dtm))
    # a changed file is refused before anything is unpickled
    target = tmp_path / "lda" / "model.gensim"
    target.write_bytes(target.read_bytes() + b"x")
    with pytest.raises(ValueError, match="sha256"):
        T.load_model(tmp_path / "lda")
    with pytest.raises(ValueError, match="not a textkit topic model"):
        T.load_model(tmp_path / "tables")


def test_saved_model_is_repeatable_and_stamped(lda, seeded, tmp_path):
    import json

    prov = {"corpus_hash": "abc", "config_hash": "def"}
    for name, model in (("lda", lda), ("seeded", seeded)):
        a = T.save_model(model, tmp_path / f"{name}_a", provenance=prov)
        b = T.save_model(model, tmp_path / f"{name}_b", provenance=prov)
        # gensim's lifecycle log (wall-clock times, temporary paths) is not saved
        assert [f.name for f in a] == [f.name for f in b]
        for fa, fb in zip(a, b, strict=True):
            assert fa.read_bytes() == fb.read_bytes(), fa.name
    stamp_path = tmp_path / "lda_a" / "textkit_topic_model.json"
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    assert stamp["provenance"] == prov
    assert stamp["config"]["n_topics"] == 5 and stamp["config"]["random_state"] == 3
    assert {"gensim", "numpy", "scikit-learn"} <= set(stamp["library_versions"])
    assert set(stamp["files"]) >= {"model.gensim", "doc_topic.parquet"}
    # another gensim version: loaded, with a warning naming the versions
    stamp["library_versions"]["gensim"] = "0.0.1"
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    with pytest.warns(UserWarning, match="gensim 0.0.1"):
        T.load_model(tmp_path / "lda_a")


def test_ldavis_export_is_optional(lda, dtm, tmp_path):
    try:
        import pyLDAvis  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pyLDAvis"):
            T.save_ldavis_html(lda, tmp_path / "vis.html", dtm)
        assert not (tmp_path / "vis.html").exists()
    else:
        path = T.save_ldavis_html(lda, tmp_path / "vis.html", dtm)
        assert "LDAvis" in path.read_text(encoding="utf-8")
