"""Tests of textkit.frames.lss (Latent Semantic Scaling) on the seed corpus: properties, not effects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from textkit.core.errors import NotFittedError
from textkit.core.precision import frames_agree
from textkit.frames.lss import (
    LatentSemanticScaling,
    _unit_rows,
    correlate_with_dictionary,
    order_by_score,
    stable_hash,
    truncated_svd,
)

PARAMS = {"min_count": 3}  # engine="svd", k=300 (the defaults)
FAST = {"min_count": 5, "k": 50}  # a smaller SVD where the size does not matter
W2V = {
    "engine": "word2vec",
    "vector_size": 32,
    "window": 5,
    "min_count": 2,
    "epochs": 5,
    "random_state": 0,
}
# the seed words of the [lss] table of textkit.toml
POSITIVE = tuple("服务型政府 公共服务 便民服务 依法行政 法治 权益 村民自治 民主监督".split())
NEGATIVE = tuple("维稳 社会治安 排查 打击 管控 上访 防控 群防群治".split())


@pytest.fixture(scope="module")
def docs(request):
    try:
        return request.getfixturevalue("seed_docs")
    except ImportError:  # corpus builder not complete yet
        import dataclasses

        from textkit.corpus.build import CorpusConfig
        from textkit.corpus.clean import clean_documents
        from textkit.corpus.ingest import read_pages
        from textkit.corpus.split import split_pages

        cfg = CorpusConfig()
        pages = read_pages(request.getfixturevalue("seed_raw_dir"), cfg.ingest)
        raw = split_pages(pages, dataclasses.replace(cfg.split, clean=cfg.clean))
        return clean_documents(raw, cfg.clean)


@pytest.fixture(scope="module")
def sentences(docs):
    from textkit.segment.corpus import segment_corpus

    return segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="sentence")["tokens"].tolist()


@pytest.fixture(scope="module")
def doc_tokens(docs):
    from textkit.segment.corpus import segment_corpus

    return segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()


@pytest.fixture(scope="module")
def fitted(sentences):
    with pytest.warns(UserWarning, match=r"seed word\(s\) occur fewer than min_count"):
        return LatentSemanticScaling(**PARAMS).fit(sentences)


@pytest.fixture(scope="module")
def fitted_w2v(sentences):
    with pytest.warns(UserWarning, match=r"seed word\(s\) occur fewer than min_count"):
        return LatentSemanticScaling(**W2V).fit(sentences)


def test_absent_seeds_are_named_with_the_longer_words_they_sit_in():
    """A seed the dictionary keeps inside compounds (维稳工作) is dropped with a hint at
    term_parts, and the count of its occurrences alone and inside longer words."""
    sents = [
        ["维稳工作", "排查", "公共服务"],
        ["维稳工作", "依法行政", "排查"],
        ["维稳", "公共服务"],
    ] * 3
    seeds = {"维稳": -1, "排查": -1, "公共服务": 1, "依法行政": 1}
    model = LatentSemanticScaling(seeds=seeds, k=2, min_count=4)
    with pytest.warns(UserWarning) as got:
        model.fit(sents)
    msg = str(got[0].message)
    assert "依法行政 (3 alone); 维稳 (3 alone, 6 inside longer words: 维稳工作)" in msg
    assert "[segment] term_parts = true" in msg
    assert set(model.seeds_) == {"排查", "公共服务"}


def test_seeds_score_on_their_side(fitted):
    pol = fitted.term_polarity_.set_index("term")["polarity"]
    pos = [t for t, v in fitted.seeds_.items() if v == 1]
    neg = [t for t, v in fitted.seeds_.items() if v == -1]
    assert pos and neg
    assert pol[pos].mean() > 0 > pol[neg].mean()
    assert (pol[pos].to_numpy() > 0).mean() > 0.5
    assert (pol[neg].to_numpy() < 0).mean() > 0.5
    assert pol.mean() == pytest.approx(0, abs=1e-9) and pol.std(ddof=0) == pytest.approx(1)


def test_deterministic_in_process(sentences):
    one, two = (LatentSemanticScaling(seeds=(POSITIVE, NEGATIVE), **FAST) for _ in range(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one.fit(sentences)
        two.fit(sentences)
    assert one.term_polarity_.equals(two.term_polarity_)
    assert np.array_equal(one.vectors_, two.vectors_)


def test_word2vec_deterministic_across_hash_seeds(tmp_path):
    code = (
        "import warnings; warnings.simplefilter('ignore');"
        "from textkit.frames.lss import LatentSemanticScaling as L;"
        "s=[['维稳','排查','治安','打击'],['法治','服务','参与','监督'],['维稳','治安','群众'],"
        "['法治','参与','群众','服务']]*30;"
        "m=L(seeds=(['法治'],['维稳']),engine='word2vec',vector_size=8,epochs=3,min_count=1)"
        ".fit(s);"
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
    from textkit.frames.score import score_frames
    from textkit.segment.corpus import segment_corpus

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
    from textkit.segment.corpus import segment_corpus

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
    with pytest.raises(ValueError, match="engine: expected one of 'svd', 'word2vec', got 'glove'"):
        LatentSemanticScaling(engine="glove").fit([["a", "b"]])
    with pytest.raises(ValueError, match="weight: expected one of .*'tfidf'"):
        LatentSemanticScaling(weight="tfidf").fit([["a", "b"]])
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="k: expected an integer >= 1"):
            LatentSemanticScaling(k=bad).fit([["a", "b"]])
    with pytest.raises(NotFittedError, match="not fitted"):
        LatentSemanticScaling().transform([["a"]])
    with pytest.raises(NotFittedError, match="not fitted"):
        LatentSemanticScaling().leave_one_seed_out()
    with pytest.raises(ValueError, match="seeds"):
        LatentSemanticScaling(seeds={"法治": 2}).fit([["法治"]])


def test_config_seeds_and_from_config(tmp_path, sentences, docs):
    from textkit.core.config import ConfigError, load_config
    from textkit.frames.lss import DEFAULT_SEEDS, LSSConfig
    from textkit.frames.score import FrameConfig, score_frames
    from textkit.segment.corpus import segment_corpus

    p = tmp_path / "textkit.toml"
    p.write_text(
        "[lss]\nvector_size = 50\nepochs = 30\nmin_count = 3\nrandom_state = 3\n"
        "positive = ['法治', '公共服务', '村民自治', '依法行政']\n"
        "negative = ['维稳', '社会治安', '打击', '排查']\n",
        encoding="utf-8",
    )
    m = LatentSemanticScaling.from_config(load_config(p))
    assert m.random_state == 3 and m.vector_size == 50 and m.epochs == 30
    assert (m.engine, m.k, m.weight) == ("svd", 50, "count")  # LSSConfig's defaults
    m.fit(sentences)  # all eight seeds occur: no warning expected
    assert m.seeds_ == {"法治": 1, "公共服务": 1, "村民自治": 1, "依法行政": 1,
                        "维稳": -1, "社会治安": -1, "打击": -1, "排查": -1}  # fmt: skip
    # with a few seeds, LSS scores still go the way of the dictionary measure
    dtoks = segment_corpus(docs.loc[:, ["doc_id", "text"]], unit="document")["tokens"].tolist()
    frame = score_frames(docs.loc[:, ["doc_id", "text"]], config=FrameConfig(n_boot=0))
    res = correlate_with_dictionary(m.transform(dtoks), frame)
    assert res["rho"] > 0.3 and res["p_value"] < 0.05, res
    # overrides win over the file; bad seed settings name the table
    assert LatentSemanticScaling.from_config(load_config(p), random_state=9).random_state == 9
    p.write_text("[lss]\nengine = 'word2vec'\nk = 40\nweight = 'logcount'\n", encoding="utf-8")
    m = LatentSemanticScaling.from_config(load_config(p))
    assert (m.engine, m.k, m.weight) == ("word2vec", 40, "logcount")
    p.write_text("[lss]\npositive = ['法治']\n", encoding="utf-8")  # the other pole: its default
    assert LatentSemanticScaling.from_config(load_config(p)).seeds[1] == DEFAULT_SEEDS[1]
    for bad, msg in (("positive = ['法治']\nnegative = []\n", "both poles"),
                     ("positive = ['法治']\nnegative = ['法治']\n", "both poles: \\['法治'\\]"),
                     ("positive = '法治'\nnegative = '维稳'\n", "list of seed words"),
                     ("engine = 'Word2Vec'\n", "engine: expected one of 'svd', 'word2vec'"),
                     ("k = 0\n", "k: expected an integer >= 1"),
                     ("weight = 'tfidf'\n", "weight: expected"),
                     ("windw = 3\n", "windw")):  # fmt: skip
        p.write_text("[lss]\n" + bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=rf"\[lss\].*{msg}"):
            LatentSemanticScaling.from_config(load_config(p))
    assert LSSConfig().seeds == DEFAULT_SEEDS
    assert LSSConfig(positive=[], negative=[]).seeds is None  # every lexicon term


def test_lss_plots(docs, fitted):
    from matplotlib.figure import Figure

    from textkit.frames.score import FrameConfig, score_frames
    from textkit.plots.frames import (
        plot_lss_polarity,
        plot_lss_vs_dictionary,
        plot_seed_sensitivity,
    )
    from textkit.segment.corpus import segment_corpus

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


# -- the SVD engine ---------------------------------------------------------------------------

_CHILD = """
import json, sys, warnings
import pandas as pd
from textkit.frames.lss import LatentSemanticScaling
data = json.load(open(sys.argv[1], encoding="utf-8"))
warnings.simplefilter("ignore")
m = LatentSemanticScaling(min_count=data["min_count"]).fit(data["sentences"])
m.term_polarity_.to_csv(sys.argv[2] + "_terms.csv", index=False, float_format="%.17g")
m.leave_one_seed_out(data["documents"]).to_csv(sys.argv[2] + "_loo.csv", index=False,
                                              float_format="%.17g")
pd.DataFrame({"doc_id": data["doc_ids"], "lss": m.transform(data["documents"])}).to_csv(
    sys.argv[2] + "_docs.csv", index=False, float_format="%.17g")
"""


def _tables(m, doc_ids, dtoks):
    return {
        "terms": m.term_polarity_,
        "loo": m.leave_one_seed_out(dtoks),
        "docs": pd.DataFrame({"doc_id": doc_ids, "lss": m.transform(dtoks)}),
    }


def test_svd_equal_across_threads_and_hash_seeds(tmp_path, docs, sentences, doc_tokens, fitted):
    """The same tables at 6 significant digits with 1 or 2 BLAS threads and two hash seeds."""
    data = {"sentences": sentences, "documents": doc_tokens, "doc_ids": docs["doc_id"].tolist(),
            "min_count": PARAMS["min_count"]}  # fmt: skip
    (tmp_path / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runs = []
    for threads, hashseed in (("1", "1"), ("2", "2")):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads, "PYTHONHASHSEED": hashseed}  # fmt: skip
        out = tmp_path / f"run{threads}"
        res = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "data.json"), str(out)],
                             env=env, capture_output=True, text=True)  # fmt: skip
        assert res.returncode == 0, res.stderr[-2000:]
        runs.append({part: pd.read_csv(f"{out}_{part}.csv") for part in ("terms", "loo", "docs")})
    mine = _tables(fitted, data["doc_ids"], doc_tokens)
    for part in ("terms", "loo", "docs"):
        assert frames_agree(runs[0][part], runs[1][part]) is None, part
        assert frames_agree(mine[part].reset_index(drop=True), runs[0][part]) is None, part
    assert len(runs[0]["terms"]) == len(fitted.vocab_) > 1000


def test_svd_seeds_on_opposite_poles(sentences):
    """Every seed of the [lss] table gets the sign of its pole; the vectors are float64."""
    m = LatentSemanticScaling(seeds=(POSITIVE, NEGATIVE), min_count=3).fit(sentences)
    assert m.seeds_ == {**{t: 1 for t in POSITIVE}, **{t: -1 for t in NEGATIVE}}
    pol = m.term_polarity_.set_index("term")["polarity"]
    assert (pol[list(POSITIVE)] > 0).all() and (pol[list(NEGATIVE)] < 0).all()
    assert m.vectors_.dtype == np.float64 and m.singular_values_.dtype == np.float64
    assert m.k_ == m.vectors_.shape[1] <= 300 and not hasattr(m, "model_")
    assert np.all(np.diff(m.singular_values_) <= 0)
    # a document of positive seeds outscores one of negative seeds
    two = m.transform([list(POSITIVE), list(NEGATIVE)])
    assert two[0] > two[1]


def test_svd_sign_rule(fitted):
    """Each singular vector's largest-magnitude component is positive; flipping a vector's
    sign leaves every polarity unchanged."""
    v = fitted.vectors_
    cols = np.arange(v.shape[1])
    assert (v[np.abs(v).argmax(axis=0), cols] > 0).all()
    flipped = LatentSemanticScaling(**PARAMS)
    flipped.__dict__.update(fitted.__dict__)
    w = v.copy()
    w[:, [0, 3, v.shape[1] - 1]] *= -1
    flipped._unit_vectors_ = _unit_rows(w)
    a = fitted._raw_polarity(fitted.seeds_)
    b = flipped._raw_polarity(fitted.seeds_)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


def test_svd_dense_and_arpack_paths_agree(monkeypatch, sentences):
    """The ARPACK path (large vocabularies) gives the same values and, by the sign rule,
    the same vectors as the dense path."""
    import textkit.frames.lss as lss_mod

    vocab, _ = LatentSemanticScaling._svd_vocabulary(sentences, FAST["min_count"])
    x = lss_mod._count_matrix(sentences, {t: i for i, t in enumerate(vocab)})
    s1, v1 = truncated_svd(x, 20)
    monkeypatch.setattr(lss_mod, "DENSE_MAX_TERMS", 0)
    s2, v2 = truncated_svd(x, 20)
    assert len(s1) == len(s2) == 20
    np.testing.assert_allclose(s1, s2, rtol=1e-10)
    np.testing.assert_allclose(v1, v2, rtol=0, atol=1e-8)


def test_svd_k_clipped(sentences):
    """k above what the matrix allows is clipped with a warning; k_ says what was used."""
    few = [s for s in sentences if "法治" in s or "维稳" in s][:30]
    with pytest.warns(UserWarning, match=r"k=300 exceeds what the \d+ unit\(s\) x \d+ term"):
        m = LatentSemanticScaling(seeds=(["法治"], ["维稳"]), min_count=1).fit(few)
    n_units = sum(1 for s in few if s)
    assert 1 <= m.k_ <= min(n_units, len(m.vocab_)) - 1
    assert m.vectors_.shape == (len(m.vocab_), m.k_)
    assert np.isfinite(m.term_polarity_["polarity"]).all()
    with pytest.raises(ValueError, match=r"k: expected an integer in \[1, \d+\]"):
        truncated_svd(np.eye(3), 3)


def test_svd_weights(sentences):
    """Every weighting scheme fits and keeps the seeds on their poles on average."""
    for weight in ("prop", "logcount", "boolean"):
        m = LatentSemanticScaling(seeds=(POSITIVE, NEGATIVE), weight=weight, **FAST)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a seed or two are rarer than min_count=5
            pol = m.fit(sentences).term_polarity_.set_index("term")["polarity"]
        pos = [t for t, v in m.seeds_.items() if v == 1]
        neg = [t for t, v in m.seeds_.items() if v == -1]
        assert pol[pos].mean() > 0 > pol[neg].mean(), weight


def test_rounded_ordering(fitted, doc_tokens):
    """Tables sort on values rounded to 6 significant digits, then on the key."""
    df = pd.DataFrame({"term": ["b", "a", "c", "d"],
                       "polarity": [1.0000000001, 1.0, 2.0, np.nan]})  # fmt: skip
    out = order_by_score(df, "polarity", "term", ascending=False)
    assert out["term"].tolist() == ["c", "a", "b", "d"]
    assert out["polarity"].tolist()[:3] == [2.0, 1.0, 1.0000000001]  # values not rounded
    # the estimator's tables are in that order already
    tab = fitted.term_polarity_
    pd.testing.assert_frame_equal(order_by_score(tab, "polarity", "term", ascending=False), tab)
    loo = fitted.leave_one_seed_out(doc_tokens)
    pd.testing.assert_frame_equal(order_by_score(loo, "correlation", "seed"), loo)


# -- the Word2Vec engine ----------------------------------------------------------------------


def test_word2vec_engine(fitted_w2v, doc_tokens, sentences):
    pol = fitted_w2v.term_polarity_.set_index("term")["polarity"]
    pos = [t for t, v in fitted_w2v.seeds_.items() if v == 1]
    neg = [t for t, v in fitted_w2v.seeds_.items() if v == -1]
    assert pol[pos].mean() > 0 > pol[neg].mean()
    assert fitted_w2v.vectors_.dtype == np.float32 and fitted_w2v.k_ == W2V["vector_size"]
    assert fitted_w2v.vocab_ == list(fitted_w2v.model_.wv.index_to_key)
    scores = fitted_w2v.transform(doc_tokens)
    assert np.nanmean(scores) == pytest.approx(0, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = LatentSemanticScaling(**W2V).fit(sentences)
    assert again.term_polarity_.equals(fitted_w2v.term_polarity_)


def test_unseeded_poles_say_when_a_corpus_is_too_small_to_fit():
    """unseeded_poles names the poles without a seed word occurring min_count times, exactly
    when fit would raise (notebook 05 shows an empty LSS section instead of failing)."""
    from textkit.frames.lss import LatentSemanticScaling

    small = [["维稳", "工作"], ["服务", "群众"], ["维稳", "群众"]]
    lss = LatentSemanticScaling.from_config(None)
    assert lss.unseeded_poles(small) == ["positive (service_law)", "negative (stability)"]
    model = LatentSemanticScaling.from_config(
        None, positive=("服务",), negative=("维稳",), min_count=2, k=2
    )
    assert model.unseeded_poles(small) == ["positive (service_law)"]
    with pytest.raises(ValueError, match="no positive"), pytest.warns(UserWarning, match="服务"):
        model.fit(small)
    enough = small + [["服务", "工作"]]
    assert model.unseeded_poles(enough) == []
    assert model.fit(enough).seeds_ == {"服务": 1, "维稳": -1}
