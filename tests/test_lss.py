"""Tests of textkit.lss (Latent Semantic Scaling) on the seed corpus: properties, not effects."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from textkit.lss import LatentSemanticScaling, correlate_with_dictionary, stable_hash

PARAMS = {"vector_size": 32, "window": 5, "min_count": 2, "epochs": 5, "seed": 0}


@pytest.fixture(scope="module")
def docs(request):
    try:
        return request.getfixturevalue("seed_docs")
    except ImportError:  # corpus builder not complete yet
        import dataclasses

        from textkit.clean import clean_documents
        from textkit.corpus import CorpusConfig
        from textkit.ingest import read_pages
        from textkit.split import split_pages

        cfg = CorpusConfig()
        pages = read_pages(request.getfixturevalue("seed_raw_dir"), cfg.ingest)
        raw = split_pages(pages, dataclasses.replace(cfg.split, clean=cfg.clean))
        return clean_documents(raw, cfg.clean)


@pytest.fixture(scope="module")
def sentences(docs):
    from textkit.segment import segment_corpus

    return segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="sentence")["tokens"].tolist()


@pytest.fixture(scope="module")
def fitted(sentences):
    with pytest.warns(UserWarning, match="not in the model vocabulary"):
        return LatentSemanticScaling(**PARAMS).fit(sentences)


def test_seeds_score_on_their_side(fitted):
    pol = fitted.term_polarity_.set_index("term")["polarity"]
    pos = [t for t, v in fitted.seeds_.items() if v == 1]
    neg = [t for t, v in fitted.seeds_.items() if v == -1]
    assert pos and neg
    assert pol[pos].mean() > 0 > pol[neg].mean()
    assert (pol[pos].to_numpy() > 0).mean() > 0.5
    assert (pol[neg].to_numpy() < 0).mean() > 0.5
    assert pol.mean() == pytest.approx(0, abs=1e-9) and pol.std(ddof=0) == pytest.approx(1)


def test_deterministic_in_process(sentences, fitted):
    again = LatentSemanticScaling(**PARAMS)
    with pytest.warns(UserWarning):
        again.fit(sentences)
    assert again.term_polarity_.equals(fitted.term_polarity_)


def test_deterministic_across_hash_seeds(tmp_path):
    code = (
        "import warnings; warnings.simplefilter('ignore');"
        "from textkit.lss import LatentSemanticScaling as L;"
        "s=[['维稳','排查','治安','打击'],['法治','服务','参与','监督'],['维稳','治安','群众'],"
        "['法治','参与','群众','服务']]*30;"
        "m=L(seeds=(['法治'],['维稳']),vector_size=8,epochs=3,min_count=1).fit(s);"
        "print(m.term_polarity_.round(12).to_csv(index=False))"
    )
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.append(res.stdout)
    assert outs[0] == outs[1] and "法治" in outs[0]
    assert stable_hash("维稳") == stable_hash("维稳") != stable_hash("法治")


def test_transform_and_dictionary_correlation(docs, fitted):
    from textkit.frames import score_frames
    from textkit.segment import segment_corpus

    dtoks = segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()
    scores = fitted.transform(dtoks)
    assert scores.shape == (len(docs),)
    assert np.nanmean(scores) == pytest.approx(0, abs=1e-9)
    res = correlate_with_dictionary(scores, score_frames(docs.loc[:, ["doc_id", "text"]]))
    assert -1 <= res["rho"] <= 1 and res["n"] >= 30
    # a document made of positive seeds outscores one made of negative seeds
    pos = [t for t, v in fitted.seeds_.items() if v == 1]
    neg = [t for t, v in fitted.seeds_.items() if v == -1]
    two = fitted.transform([pos, neg])
    assert two[0] > two[1]


def test_leave_one_seed_out(docs, fitted):
    from textkit.segment import segment_corpus

    dtoks = segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()
    tab = fitted.leave_one_seed_out(dtoks)
    assert list(tab.columns) == ["seed", "pole", "correlation"]
    assert len(tab) == len(fitted.seeds_)
    assert sorted(tab["seed"]) == sorted(fitted.seeds_)
    vals = tab["correlation"].dropna()
    assert ((vals >= -1) & (vals <= 1)).all() and len(vals) == len(tab)
    term_level = fitted.leave_one_seed_out()
    assert len(term_level) == len(tab)


def test_pole_without_seed_in_vocabulary(sentences):
    m = LatentSemanticScaling(seeds=(["法治"], ["不存在的词甲", "不存在的词乙"]), **PARAMS)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="no negative .*不存在的词甲"):
        m.fit(sentences)


def test_bad_settings():
    with pytest.raises(ValueError, match="vector_size"):
        LatentSemanticScaling(vector_size=0).fit([["a", "b"]])
    with pytest.raises(RuntimeError, match="not fitted"):
        LatentSemanticScaling().transform([["a"]])
    with pytest.raises(ValueError, match="seeds"):
        LatentSemanticScaling(seeds={"法治": 2}).fit([["法治"]])


def test_config_seeds_and_from_config(tmp_path, sentences, docs):
    from textkit.config import ConfigError, load_config
    from textkit.frames import FrameConfig, score_frames
    from textkit.lss import LSSConfig
    from textkit.segment import segment_corpus

    p = tmp_path / "textkit.toml"
    p.write_text(
        "[lss]\nvector_size = 50\nepochs = 30\nmin_count = 3\nseed = 3\n"
        "positive = ['法治', '公共服务', '村民自治', '依法行政']\n"
        "negative = ['维稳', '社会治安', '打击', '排查']\n",
        encoding="utf-8",
    )
    m = LatentSemanticScaling.from_config(load_config(p))
    assert m.seed == 3 and m.vector_size == 50 and m.epochs == 30
    m.fit(sentences)  # all eight seeds occur: no warning expected
    assert m.seeds_ == {"法治": 1, "公共服务": 1, "村民自治": 1, "依法行政": 1,
                        "维稳": -1, "社会治安": -1, "打击": -1, "排查": -1}  # fmt: skip
    # with a few seeds, LSS scores still go the way of the dictionary measure
    dtoks = segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()
    frame = score_frames(docs.loc[:, ["doc_id", "text"]], config=FrameConfig(n_boot=0))
    res = correlate_with_dictionary(m.transform(dtoks), frame)
    assert res["rho"] > 0.3 and res["p_value"] < 0.05, res
    # overrides win over the file; bad seed settings name the table
    assert LatentSemanticScaling.from_config(load_config(p), seed=9).seed == 9
    for bad, msg in (("positive = ['法治']\n", "both poles"),
                     ("positive = ['法治']\nnegative = ['法治']\n", "both poles: \\['法治'\\]"),
                     ("positive = '法治'\nnegative = '维稳'\n", "list of seed words"),
                     ("windw = 3\n", "windw")):  # fmt: skip
        p.write_text("[lss]\n" + bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=rf"\[lss\].*{msg}"):
            LatentSemanticScaling.from_config(load_config(p))
    assert LSSConfig().seeds is None


def test_lss_plots(docs, fitted):
    from matplotlib.figure import Figure

    from textkit.frames import FrameConfig, score_frames
    from textkit.plots.frames import (
        plot_lss_polarity,
        plot_lss_vs_dictionary,
        plot_seed_sensitivity,
    )
    from textkit.segment import segment_corpus

    pol = fitted.term_polarity_.copy()
    fig = plot_lss_polarity(fitted.term_polarity_, n=5, seeds=fitted.seeds_, min_freq=3)
    assert isinstance(fig, Figure)
    pd.testing.assert_frame_equal(pol, fitted.term_polarity_)
    shown = fig.textkit_data
    assert len(shown) == 10 and not set(shown["term"]) & set(fitted.seeds_)
    assert (shown["freq"] >= 3).all()
    assert (
        shown.loc[shown["pole"] == "service_law", "polarity"].min()
        >= shown.loc[shown["pole"] == "stability", "polarity"].max()
    )
    dtoks = segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()
    frame = score_frames(docs.loc[:, ["doc_id", "text"]], config=FrameConfig(n_boot=0))
    lss = fitted.transform(dtoks)
    fig = plot_lss_vs_dictionary(lss, frame, rho=0.5)
    assert len(fig.textkit_data) == int((np.isfinite(lss) & frame["balance"].notna()).sum())
    with pytest.raises(ValueError, match="lss_scores"):
        plot_lss_vs_dictionary(lss[:-1], frame)
    loo = fitted.leave_one_seed_out(dtoks).head(6)
    fig = plot_seed_sensitivity(loo)
    assert list(fig.textkit_data["seed"])[-1] == loo.iloc[0]["seed"]  # least correlated last
