"""Tests for textkit.frames.score on real seed-corpus text and small written fixtures.

The two acceptance articles are cut from ``corpus/raw`` here (between the page's own article
headings; 001 converted to simplified Chinese with OpenCC ``t2s``) so the test does not
depend on the corpus builder: 003 第2篇 is a provincial regulation on comprehensive public-order
management, 001 篇1 a people's congress report on villagers' deliberative councils (村民议事会).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import opencc
import pandas as pd
import pytest
from scipy import stats

from textkit.frames.lexicon import load_lexicon
from textkit.frames.score import (
    FrameConfig,
    frame_hits,
    keyness,
    kwic,
    score_frames,
    term_contributions,
)

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"


def _article(stem: str, start: str, end: str, t2s: bool = False) -> str:
    lines = (RAW / f"{stem}.txt").read_bytes().decode("utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if re.search(start, line))
    j = next(k for k, line in enumerate(lines) if k > i and re.search(end, line))
    text = "\n".join(line.strip() for line in lines[i + 1 : j] if line.strip())
    return opencc.OpenCC("t2s").convert(text) if t2s else text


@pytest.fixture(scope="module")
def seg(tmp_path_factory, cache_dir_env):
    from textkit.segment.segmenter import Segmenter

    with cache_dir_env(tmp_path_factory.mktemp("tkcache")):
        return Segmenter()


@pytest.fixture(scope="module")
def seed_docs():
    a003 = _article("003_4542067cb4fbbdc2", r"第2篇$", r"第3篇$")
    a001 = _article("001_aabf14e4f143a46b", r"篇1$", r"篇2$", t2s=True)
    assert a003.startswith("第一条为了加强社会治安综合治理")
    assert "村民议事会" in a001
    return pd.DataFrame(
        {
            "doc_id": ["003_4542067cb4fbbdc2#02", "001_aabf14e4f143a46b#01"],
            "text": [a003, a001],
            "genre": ["regulation", "report"],
        }
    )


@pytest.fixture(scope="module")
def scores(seed_docs, seg):
    return score_frames(seed_docs, segmenter=seg)


def test_acceptance_regulation_vs_village_report(scores):
    s = scores.set_index("doc_id")
    reg, village = s.loc["003_4542067cb4fbbdc2#02"], s.loc["001_aabf14e4f143a46b#01"]
    assert reg["frame_label"] == "stability"
    assert reg["balance"] < -0.5 and reg["balance_hi"] < 0
    assert village["frame_label"] == "service_law"
    assert village["balance"] > 0.5 and village["balance_lo"] > 0
    for row in (reg, village):
        assert row["balance_lo"] <= row["balance"] <= row["balance_hi"]
        assert row["n_units"] > 50
        # balance and share agree; intensities are per 1,000 analysis tokens
        assert math.isclose(row["balance"], 2 * row["share_service_law"] - 1)
        assert math.isclose(row["stability"], 1000 * row["n_stability"] / row["n_tokens"])
    assert s.loc["003_4542067cb4fbbdc2#02", "genre"] == "regulation"  # metadata carried


def test_contributions_explain_scores(seed_docs, seg, scores):
    tc = term_contributions(seed_docs, segmenter=seg)
    assert list(tc.columns) == ["doc_id", "frame", "category", "term", "count", "weight",
                                "suppressed", "contribution", "share"]  # fmt: skip
    sums = tc.groupby(["doc_id", "frame"])["contribution"].sum()
    for _, row in scores.iterrows():
        for frame in ("stability", "service_law"):
            assert math.isclose(sums.get((row["doc_id"], frame), 0.0), row[f"n_{frame}"])
    top_reg = tc[(tc.doc_id == "003_4542067cb4fbbdc2#02") & (tc.frame == "stability")].iloc[0]
    assert top_reg["term"] == "社会治安综合治理"  # one token, not 社会治安 + 综合治理
    village = tc[tc.doc_id == "001_aabf14e4f143a46b#01"]
    assert {"村民议事会", "议事会", "村民自治"} <= set(village["term"])
    # the full term and its parts are never both counted for one occurrence
    hits = frame_hits(seed_docs, segmenter=seg)
    spans = hits.groupby(["doc_id", "para_id", "sent_id"]).apply(
        lambda g: all(a <= b for a, b in zip(g["end"].iloc[:-1], g["start"].iloc[1:], strict=True))
    )
    assert spans.all()


SENTENCES = {
    "不能以维稳代替维权。": {"维稳": 0.0, "维权": 1.0},
    "改革现行的乡镇管理体制，由控制型政府转变为服务型政府。": {"控制型政府": 0.0, "服务型政府": 1.0},
    "推动基层社会治理由管控向服务转变。": {"管控": 0.0},
    "基层政府的主要职能不是管控，而是服务群众。": {"管控": 0.0, "服务群众": 1.0},
    "村干部不再排查重点人员，而是提供公共服务。": {"排查": 0.0, "重点人员": 0.0, "公共服务": 1.0},
    "乡镇应当坚持依法行政而非单纯打击。": {"依法行政": 1.0, "打击": 0.0},
    "避免单纯依靠打击整治解决矛盾。": {"打击整治": 0.0},
    "变管控为服务，推进政务公开。": {"管控": 0.0, "政务公开": 1.0},
    # no rule applies: stability talk stays stability talk
    "加强社会治安综合治理，严厉打击违法犯罪，防止越级上访。": {
        "社会治安综合治理": 1.0, "严厉打击": 1.0, "违法犯罪": 1.0, "越级上访": 1.0},
    "从2010年到2015年，全县共排查矛盾纠纷300件。": {"排查": 1.0, "矛盾纠纷": 1.0},
}  # fmt: skip


@pytest.mark.parametrize("sentence", sorted(SENTENCES))
def test_context_rules(sentence, seg):
    hits = frame_hits([sentence], segmenter=seg)
    got = dict(zip(hits["term"], hits["multiplier"], strict=True))
    for term, mult in SENTENCES[sentence].items():
        assert got.get(term) == mult, (term, got)
    off = frame_hits([sentence], segmenter=seg, config=FrameConfig(context_rules=False))
    assert (off["multiplier"] == 1.0).all()


def test_shift_sentence_from_corpus(seg):
    """004 第9篇: '由控制型政府转变为服务型政府' scores as service, not as a tie."""
    text = (RAW / "004_1031bda60efd16f2.txt").read_text(encoding="utf-8")
    sent = next(s for s in re.split(r"(?<=。)", text) if "由控制型政府转变为服务型政府" in s)
    row = score_frames([sent], segmenter=seg).iloc[0]
    assert row["suppressed"] >= 1
    assert row["n_service_law"] > row["n_stability"]


def test_empty_and_frameless_text(seg):
    out = score_frames(["", "今天天气很好，我们去公园散步。"], segmenter=seg)
    assert list(out["doc_id"]) == ["0", "1"]
    assert (out["frame_label"] == "neither").all()
    assert out["balance"].isna().all() and out["balance_lo"].isna().all()
    assert out.loc[0, "n_tokens"] == 0 and out.loc[1, "n_tokens"] > 0
    assert (out[["n_stability", "n_service_law"]] == 0).all().all()


def test_plain_list_and_levels(seed_docs, seg):
    texts = list(seed_docs["text"])
    doc = score_frames(texts, segmenter=seg)
    assert list(doc["doc_id"]) == ["0", "1"]
    para = score_frames(texts, level="paragraph", segmenter=seg)
    sent = score_frames(texts, level="sentence", segmenter=seg)
    assert {"para_id"} <= set(para.columns) and {"para_id", "sent_id"} <= set(sent.columns)
    for col in ("n_stability", "n_service_law", "n_tokens"):
        assert np.allclose(para.groupby("doc_id")[col].sum().to_numpy(), doc[col].to_numpy())
        assert np.allclose(sent.groupby("doc_id")[col].sum().to_numpy(), doc[col].to_numpy())
    framed = sent.dropna(subset=["balance"])
    assert (framed["balance"].abs() <= 1).all()
    assert set(sent["frame_label"]) <= {"stability", "service_law", "mixed", "neither"}


def test_sentence_denominator_is_the_analysis_token_count(seed_docs, seg):
    # sentences are segmented once: the denominator comes from filtering the raw tokens
    from textkit.segment.units import split_paragraphs, split_sentences

    sent = score_frames(seed_docs, level="sentence", segmenter=seg)
    for doc_id, text in zip(seed_docs["doc_id"], seed_docs["text"], strict=True):
        expected = [
            len(seg.tokenize(s)) for p in split_paragraphs(text) for s in split_sentences(p)
        ]
        got = sent.loc[sent["doc_id"] == doc_id, "n_tokens"].tolist()
        assert got == expected and sum(expected) > 500


def test_determinism_and_seed(seed_docs, seg, scores):
    again = score_frames(seed_docs, segmenter=seg)
    pd.testing.assert_frame_equal(scores, again)
    # a text's interval does not depend on the other texts scored with it
    alone = score_frames(seed_docs.iloc[[1]], segmenter=seg)
    assert alone["balance_lo"].iloc[0] == scores["balance_lo"].iloc[1]
    other = score_frames(seed_docs, segmenter=seg, config=FrameConfig(random_state=7))
    assert not np.allclose(other["balance_lo"], scores["balance_lo"])
    para = score_frames(seed_docs, segmenter=seg, config=FrameConfig(bootstrap_unit="paragraph"))
    assert (para["n_units"] < scores["n_units"]).all()


def test_config_validation():
    with pytest.raises(ValueError, match="n_boot"):
        FrameConfig(n_boot=-1)
    with pytest.raises(ValueError, match="bootstrap_unit"):
        FrameConfig(bootstrap_unit="word")
    with pytest.raises(ValueError, match="ci"):
        FrameConfig(ci=1.5)
    with pytest.raises(ValueError, match="level"):
        score_frames(["维稳"], level="page")
    with pytest.raises(ValueError, match="one str"):
        score_frames("维护稳定")


def test_kwic(seed_docs):
    k = kwic(seed_docs, "村民议事会", window=5)
    assert list(k.columns) == ["doc_id", "para_id", "start", "left", "keyword", "right",
                               "frame", "category", "rule"]  # fmt: skip
    assert len(k) > 10 and (k["keyword"] == "村民议事会").all()
    assert (k["left"].str.len() <= 5).all() and (k["frame"] == "service_law").all()
    text = seed_docs.set_index("doc_id")["text"]
    for row in k.head(5).itertuples():
        para = text[row.doc_id].split("\n")[row.para_id]
        assert para[row.start - len(row.left) : row.start + len(row.keyword) + len(row.right)] \
            == row.left + row.keyword + row.right  # fmt: skip
    st = kwic(seed_docs, frame="stability")
    assert "社会治安综合治理" in set(st["keyword"])
    assert set(st["frame"]) == {"stability"}
    neg = kwic(["不能以维稳代替维权。"], frame="stability")
    assert neg.loc[0, "keyword"] == "维稳" and neg.loc[0, "rule"] == "replace_by_negated"
    with pytest.raises(ValueError, match="term or a frame"):
        kwic(seed_docs)


def test_keyness_hand_computed():
    # 2x2: term in target 20 of 1,000 tokens, in reference 5 of 1,000.
    out = keyness({"维稳": 20, "other": 980}, {"维稳": 5, "other": 995}, min_count=0)
    row = out.set_index("term").loc["维稳"]
    # by hand: E = 12.5 in both target cells, 987.5 in both rest cells
    g2 = 2 * (20 * math.log(20 / 12.5) + 5 * math.log(5 / 12.5)
              + 980 * math.log(980 / 987.5) + 995 * math.log(995 / 987.5))  # fmt: skip
    assert math.isclose(row["g2"], g2, rel_tol=1e-12)
    # 20 ln 1.6 = 9.40007; 5 ln 0.4 = -4.58145; 980 ln(980/987.5) = -7.47142;
    # 995 ln(995/987.5) = 7.52837; sum 4.87557; G2 = 9.7511
    assert math.isclose(g2, 9.7511, abs_tol=1e-3)
    table = np.array([[20, 5], [980, 995]])
    ref_g2 = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    ref_chi = stats.chi2_contingency(table, correction=False)[0]
    assert math.isclose(row["g2"], ref_g2) and math.isclose(row["chi2"], ref_chi)
    assert math.isclose(row["p_value"], stats.chi2.sf(g2, 1))
    assert math.isclose(row["log_ratio"], math.log2(20.5 / 5.5))
    assert row["key_for"] == "target"
    assert out.set_index("term").loc["other", "g2"] < 0


def test_keyness_units_and_mask():
    units = pd.DataFrame({"tokens": [["维稳", "排查"], ["维稳", "管控"], ["服务", "法治"]]})
    out = keyness(units, group=[True, True, False], min_count=1)
    assert out.iloc[0]["term"] == "维稳" and out.iloc[0]["count_a"] == 2
    assert out.set_index("term").loc["法治", "key_for"] == "reference"
    with pytest.raises(ValueError, match="group"):
        keyness(units, group=[True, True])
    with pytest.raises(ValueError, match="non-empty"):
        keyness(units, group=[True, True, True])


def test_custom_lexicon_terms_split_by_segmenter(tmp_path, seg):
    """Terms not in the segmenter dictionary are still found by joining tokens."""
    p = tmp_path / "lex.yaml"
    p.write_text(
        "frames:\n  stability:\n    categories:\n      治安防控:\n        terms:\n"
        "          - {term: 加强社会治安, note: test}\n"
        "  service_law:\n    categories:\n      公共服务:\n        terms:\n"
        "          - {term: 提供公共服务, note: test}\n",
        encoding="utf-8",
    )
    lex = load_lexicon(p)
    out = score_frames(["加强社会治安，提供公共服务，提供公共服务。"], lexicon=lex, segmenter=seg)
    assert out.loc[0, "n_stability"] == 1 and out.loc[0, "n_service_law"] == 2


def test_plots(seed_docs, seg, scores):
    from matplotlib.figure import Figure

    from textkit.plots import FRAME_COLORS
    from textkit.plots.frames import (
        plot_frame_balance,
        plot_frame_intensity,
        plot_keyness,
        plot_term_scatter,
    )

    before = scores.copy()
    fig = plot_frame_balance(scores)
    assert isinstance(fig, Figure)
    pd.testing.assert_frame_equal(scores, before)  # input not modified
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Page 4, no. 2",
        "Page 2, no. 1",
    ]  # ranked by balance, stability first; human labels, not ids
    colors = ax.collections[-1].get_facecolors()
    assert np.allclose(colors[0][:3], _rgb(FRAME_COLORS["stability"]))

    fig = plot_frame_intensity(scores, by="genre")
    summary = fig.textkit_data.set_index(["genre", "frame"])
    assert math.isclose(  # the figure draws data rounded to 6 significant digits
        summary.loc[("regulation", "stability"), "mean"], scores.loc[0, "stability"], rel_tol=1e-5
    )

    units = []
    for text in seed_docs["text"]:
        units.append(seg.tokenize(text))
    kt = keyness(units, group=[True, False], min_count=3)
    fig = plot_keyness(kt, n=5, labels=("regulation", "village report"))
    terms = list(fig.textkit_data["term"])
    assert len(terms) == 10 and "社会治安综合治理" in terms and "议事会" in terms
    lex = load_lexicon().table()
    fig = plot_term_scatter(kt, n_labels=8, highlight=dict(zip(lex.term, lex.frame, strict=True)))
    assert fig.textkit_data["labelled"].sum() == 8
    assert len(fig.axes[0].texts) == 8


def _rgb(hex_color: str) -> tuple[float, float, float]:
    h = hex_color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))


# ----------------------------------------------------------------------------- built corpus

ACCEPTANCE = ("003_4542067cb4fbbdc2#02", "001_aabf14e4f143a46b#01")


@pytest.fixture(scope="module")
def built(seed_build):
    """The two acceptance articles as the corpus builder produces them (real doc_ids)."""
    docs = seed_build.documents
    return docs[docs["doc_id"].isin(ACCEPTANCE)].reset_index(drop=True)


def test_worker_processes_give_the_serial_scores(seed_build, seg):
    # 36 articles in reverse id order (the serial sentence order is sorted by id), then a
    # chunk's worth of empty texts: 9 chunks of 5 over 2 processes, the last without text
    empty = pd.DataFrame({"doc_id": [f"zz{i}" for i in range(6)], "text": [""] * 6})
    docs = pd.concat([seed_build.documents.iloc[::-1], empty], ignore_index=True)
    for level in ("document", "paragraph", "sentence"):
        serial = score_frames(docs, level=level, segmenter=seg)
        pooled = score_frames(docs, level=level, segmenter=seg, n_jobs=2)
        pd.testing.assert_frame_equal(pooled, serial)
    assert score_frames(docs, segmenter=seg)["doc_id"].tolist() == docs["doc_id"].tolist()
    with pytest.raises(ValueError, match="n_jobs"):
        score_frames(docs, segmenter=seg, n_jobs=0)


def test_acceptance_on_built_corpus(built, seg):
    from textkit.core.config import load_config
    from textkit.frames.score import frame_config

    assert sorted(built["doc_id"]) == sorted(ACCEPTANCE)
    project = frame_config(load_config())  # the run's textkit.toml settings
    for config in (FrameConfig(), project):
        s = score_frames(built, segmenter=seg, config=config).set_index("doc_id")
        reg, village = s.loc[ACCEPTANCE[0]], s.loc[ACCEPTANCE[1]]
        assert reg["frame_label"] == "stability", reg
        assert reg["balance"] < -0.5 and reg["balance_hi"] < 0
        assert village["frame_label"] == "service_law", village
        assert village["balance"] > 0.5 and village["balance_lo"] > 0
    assert s.loc[ACCEPTANCE[0], "genre"] == "条例"  # a regulation, as the annotator says


def _sentence(docs, doc_id: str, needle: str) -> str:
    from textkit.segment.units import split_paragraphs, split_sentences

    text = docs.set_index("doc_id").loc[doc_id, "text"]
    found = [s for p in split_paragraphs(text) for s in split_sentences(p) if needle in s]
    assert found, (doc_id, needle)
    return found[0]


# Real seed-corpus sentences (located by a fragment in the built corpus): every occurrence of
# the listed terms must get the listed multiplier. The last four are controls where no rule
# may fire: reporting the absence of petitions (无集体上访) is stability talk, criticising the
# neglect of rule of law (没有把法治建设…) is rule-of-law talk, a 转变为 without 由/从 is not a
# shift, and 变被动为主动 must not reach 防范 in another clause.
CORPUS_SENTENCES = [
    ("000_bf6d7cf6cc31cd7b#02", "变群众上访为干部下访", {"上访": 0.0}, "change_x_into_y"),
    ("003_4542067cb4fbbdc2#04", "走出维稳模式内卷化困境", {"维稳": 0.0, "法治": 1.0},
     "reject_model"),
    ("003_4542067cb4fbbdc2#04", "从简单的“管控人”转向真正的“以人为本”", {"管控": 0.0},
     "shift_to"),
    ("004_1031bda60efd16f2#09", "由控制型政府转变为服务型政府",
     {"控制型政府": 0.0, "服务型政府": 1.0}, "shift_to"),
    ("000_bf6d7cf6cc31cd7b#03", "无集体上访和越级上访", {"集体上访": 1.0, "越级上访": 1.0}, ""),
    ("004_1031bda60efd16f2#04", "没有把法治建设工作的成效", {"法治建设": 1.0, "依法治理": 1.0},
     ""),
    ("003_4542067cb4fbbdc2#06", "将这些组织转变为社会治安管理的群防群治力量",
     {"社会治安": 1.0, "群防群治": 1.0}, ""),
    ("004_1031bda60efd16f2#03", "变被动为主动", {"防范": 1.0, "社会治安": 1.0}, ""),
]  # fmt: skip


@pytest.mark.parametrize(("doc_id", "needle", "expected", "rule"), CORPUS_SENTENCES)
def test_context_rules_on_corpus_sentences(seed_build, seg, doc_id, needle, expected, rule):
    sent = _sentence(seed_build.documents, doc_id, needle)
    hits = frame_hits([sent], segmenter=seg)
    for term, mult in expected.items():
        got = hits.loc[hits["term"] == term, "multiplier"]
        assert len(got) >= 1 and (got == mult).all(), (term, hits[["term", "multiplier"]])
    zeroed = hits[hits["multiplier"] < 1]
    if rule:
        assert set(zeroed["rule"]) == {rule}
    else:
        assert zeroed.empty, zeroed[["term", "rule"]]


def test_terms_inside_longer_tokens(seed_build, seg):
    """综治办 / 社区治安 / 综治维稳 are dictionary words; the frame terms inside them count."""
    sent = _sentence(seed_build.documents, "000_bf6d7cf6cc31cd7b#01", "综治办负责")
    assert "综治办" in seg.cut(sent)
    hits = frame_hits([sent], segmenter=seg)
    row = hits[hits["term"] == "综治"].iloc[0]
    assert row["token"] == "综治办" and sent[row["start"] : row["end"]] == "综治"
    off = frame_hits([sent], segmenter=seg, config=FrameConfig(inside_tokens=False))
    assert "综治" not in set(off["term"])
    # two terms in one word; a weight-0 blocker wins as the longer match
    two = frame_hits(["加强综治维稳工作。"], segmenter=seg)
    assert set(two["term"]) == {"综治", "维稳"} and set(two["token"]) == {"综治维稳"}
    blocked = score_frames(["新疆维吾尔自治区召开会议。"], segmenter=seg)
    assert blocked.loc[0, "n_service_law"] == 0 and np.isnan(blocked.loc[0, "balance"])
    # on the whole corpus the inside matches add frame evidence, they never remove any
    docs = seed_build.documents.loc[:, ["doc_id", "text"]]
    on = score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=0))
    without = score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=0, inside_tokens=False))
    assert (on["hits_stability"] >= without["hits_stability"]).all()
    assert (on["hits_service_law"] >= without["hits_service_law"]).all()
    assert on["hits_stability"].sum() > 1.2 * without["hits_stability"].sum()


def test_frame_keyness_between_label_groups(seed_build, seg):
    from textkit.frames.score import frame_keyness

    docs = seed_build.documents
    docs = docs[~docs["is_duplicate"]].loc[:, ["doc_id", "text"]].reset_index(drop=True)
    scores = score_frames(docs, segmenter=seg, config=FrameConfig(n_boot=200))
    units = pd.DataFrame(
        {"doc_id": docs["doc_id"], "tokens": [seg.tokenize(t) for t in docs["text"]]}
    )
    kt = frame_keyness(units, scores, "stability", "service_law", min_count=5)
    again = frame_keyness(units, scores, "stability", "service_law", min_count=5)
    pd.testing.assert_frame_equal(kt, again)
    top_a = set(kt.head(15)["term"])
    top_b = set(kt.tail(15)["term"])
    assert "社会治安综合治理" in top_a or "治安" in top_a
    assert {"议事会", "村民议事会"} & top_b
    n_target = scores["frame_label"].eq("stability").sum()
    assert kt["count_a"].sum() <= sum(len(t) for t, lab in zip(
        units["tokens"], scores["frame_label"], strict=True) if lab == "stability")  # fmt: skip
    rest = frame_keyness(units, scores, "stability", "rest", min_count=5)
    assert rest["count_b"].sum() > kt["count_b"].sum() and n_target > 0
    with pytest.raises(ValueError, match="no unit in the reference group"):
        frame_keyness(units, scores, "stability", "nonsense")
    with pytest.raises(ValueError, match="differ"):
        frame_keyness(units, scores, "stability", "stability")


def test_frame_config_from_toml(tmp_path):
    from textkit.core.config import ConfigError, load_config
    from textkit.frames.score import frame_config

    p = tmp_path / "textkit.toml"
    p.write_text("[frames]\nlabel_threshold = 0.3\nn_boot = 50\n", encoding="utf-8")
    cfg = frame_config(load_config(p))
    assert cfg.label_threshold == 0.3 and cfg.n_boot == 50 and cfg.min_hits == 3.0
    p.write_text("[frames]\nlabel_treshold = 0.3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[frames\].*label_treshold"):
        frame_config(load_config(p))
    p.write_text("[frames]\nbootstrap_unit = 'word'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bootstrap_unit"):
        frame_config(load_config(p))
