"""Tests of textkit.frames.score on real seed-corpus text and small written fixtures.

The acceptance articles (``acceptance_docs``, ``scores``) come from ``conftest.py``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.core.lexicon import load_lexicon
from textkit.frames.diagnostics import term_contributions
from textkit.frames.keyness import keyness
from textkit.frames.score import (
    FrameConfig,
    frame_hits,
    score_frames,
)

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"


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


def test_contributions_explain_scores(acceptance_docs, seg, scores):
    tc = term_contributions(acceptance_docs, segmenter=seg)
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
    hits = frame_hits(acceptance_docs, segmenter=seg)
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


def test_plain_list_and_levels(acceptance_docs, seg):
    texts = list(acceptance_docs["text"])
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


def test_sentence_denominator_is_the_analysis_token_count(acceptance_docs, seg):
    # sentences are segmented once: the denominator comes from filtering the raw tokens
    from textkit.segment.units import split_paragraphs, split_sentences

    sent = score_frames(acceptance_docs, level="sentence", segmenter=seg)
    for doc_id, text in zip(acceptance_docs["doc_id"], acceptance_docs["text"], strict=True):
        expected = [
            len(seg.tokenize(s)) for p in split_paragraphs(text) for s in split_sentences(p)
        ]
        got = sent.loc[sent["doc_id"] == doc_id, "n_tokens"].tolist()
        assert got == expected and sum(expected) > 500


def test_determinism_and_seed(acceptance_docs, seg, scores):
    again = score_frames(acceptance_docs, segmenter=seg)
    pd.testing.assert_frame_equal(scores, again)
    # a text's interval does not depend on the other texts scored with it
    alone = score_frames(acceptance_docs.iloc[[1]], segmenter=seg)
    assert alone["balance_lo"].iloc[0] == scores["balance_lo"].iloc[1]
    other = score_frames(acceptance_docs, segmenter=seg, config=FrameConfig(random_state=7))
    assert not np.allclose(other["balance_lo"], scores["balance_lo"])
    para = score_frames(
        acceptance_docs, segmenter=seg, config=FrameConfig(bootstrap_unit="paragraph")
    )
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
    with pytest.raises(InvalidParameterError, match="FrameConfig.denominator: expected one of"):
        FrameConfig(denominator="chars")
    with pytest.raises(InvalidParameterError, match="level: expected one of 'document', "):
        score_frames(["维护稳定"], level="clause")


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


def test_plots(acceptance_docs, seg, scores):
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
    for text in acceptance_docs["text"]:
        units.append(seg.tokenize(text))
    kt = keyness(units, group=[True, False], min_count=3)
    fig = plot_keyness(kt, n=5, labels=("regulation", "village report"))
    terms = list(fig.textkit_data["term"])
    assert len(terms) == 10 and "社会治安综合治理" in terms and "议事会" in terms
    lex = load_lexicon().table()
    fig = plot_term_scatter(kt, n_labels=8, highlight=dict(zip(lex.term, lex.frame, strict=True)))
    assert fig.textkit_data["labelled"].sum() == 8
    assert len(fig.axes[0].texts) == 8
    # a small corpus where no term reaches min_count: a figure that says so, not an error
    none = keyness(units, group=[True, False], min_count=10_000)
    assert none.empty
    fig = plot_term_scatter(none, labels=("regulation", "village report"))
    assert [" ".join(t.get_text().split()) for t in fig.axes[0].texts] == [
        "No term to compare: regulation vs village report (the keyness table is empty)"
    ]
    assert fig.textkit_data.empty and "labelled" in fig.textkit_data.columns


def _rgb(hex_color: str) -> tuple[float, float, float]:
    h = hex_color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))


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


def test_the_callers_document_variables_are_carried(tmp_path, seed_docs):
    import textkit as tk
    from textkit.corpus import document_variables

    table = pd.DataFrame(
        {
            "text": [
                "坚持和发展新时代枫桥经验，加强矛盾纠纷排查化解，严厉打击违法犯罪，维护社会稳定。",
                "建设服务型政府，推进依法行政，完善公共服务，保障群众合法权益。",
            ],
            "outlet": ["日报", "晚报"],
            "stance": ["支持", "中立"],
            "year": [2020, 2021],
        }
    )
    path = tmp_path / "news.csv"
    table.to_csv(path, index=False)
    docs = tk.build_corpus(tk.read_texts(path)).documents
    assert document_variables(docs) == ["outlet", "stance"]
    scores = tk.score_frames(docs)
    assert scores["outlet"].tolist() == ["日报", "晚报"]
    assert scores["stance"].tolist() == ["支持", "中立"]
    assert scores["year"].tolist() == [2020, 2021]  # the researcher's year, not a detected one
    assert scores.groupby("outlet")["balance"].mean().notna().all()
    # the seed article table has no variables of its own: its scores keep their columns
    assert document_variables(seed_docs) == []


# --------------------------------------------------------------- bounded memory, long text


def _run_on(n_chars: int, seed: int = 7) -> str:
    """``n_chars`` characters of lexicon terms and governance words without any punctuation."""
    import random

    rng = random.Random(seed)
    terms = sorted(load_lexicon().terms())
    filler = ["基层", "群众", "工作", "开展", "村民", "乡镇", "组织", "推进", "落实", "管理"]
    parts, size = [], 0
    while size < n_chars:
        w = rng.choice(terms) if rng.random() < 0.3 else rng.choice(filler)
        parts.append(w)
        size += len(w)
    return "".join(parts)[:n_chars]


def test_unpunctuated_text_is_scored_with_bounded_hit_rows(seg):
    from textkit.frames.score import HIT_CONTEXT

    text = _run_on(200_000)
    hits = frame_hits([text], segmenter=seg)
    assert len(hits) > 10_000
    assert "sentence" not in hits.columns
    text_cols = [c for c in hits.columns if not pd.api.types.is_numeric_dtype(hits[c])]
    assert {"term", "token", "left", "right", "rule"} <= set(text_cols)
    longest = {c: int(hits[c].astype(str).str.len().max()) for c in text_cols}
    assert max(longest.values()) <= HIT_CONTEXT, longest
    assert longest["left"] == longest["right"] == HIT_CONTEXT
    # the offsets and the context point at the hit in the sentence
    for row in hits.sample(200, random_state=0).itertuples():
        assert text[row.start : row.end] == row.term
        assert text[row.start - len(row.left) : row.start] == row.left
        assert text[row.end : row.end + len(row.right)] == row.right
    scores = score_frames([text], segmenter=seg, config=FrameConfig(n_boot=0))
    row = scores.iloc[0]
    assert row["hits_stability"] + row["hits_service_law"] == len(hits)
    assert math.isclose(row["n_stability"] + row["n_service_law"], hits["value"].sum())


def test_long_punctuated_sentence_reads_like_its_clauses(seed_docs, seg):
    """Windows are cut after clause delimiters: a 3,000-character sentence made of clauses
    gives the hits of its clauses scored one by one."""
    from textkit.segment.units import split_sentences

    clauses = []
    for text in seed_docs["text"]:
        clauses += [s.rstrip("。！？；…") + "，" for s in split_sentences(text) if len(s) > 20]
    clauses = clauses[:400]
    long = "".join(clauses)
    long = long[: long.index("，", 3000) + 1]
    pieces = [c for c in re.findall(r"[^，]*，", long)]
    assert len(long) > 3000 and "".join(pieces) == long
    whole = frame_hits([long], segmenter=seg)
    apart = frame_hits(pieces, segmenter=seg)
    cols = ["term", "frame", "category", "multiplier", "rule", "value"]
    assert len(whole) > 50
    assert whole[cols].reset_index(drop=True).equals(apart[cols].reset_index(drop=True))
    offsets = np.cumsum([0] + [len(p) for p in pieces])
    shifted = apart["start"].to_numpy() + offsets[apart["doc_id"].astype(int).to_numpy()]
    assert (whole["start"].to_numpy() == shifted).all()


def test_scores_match_the_seed_results_table(seed_docs, seg):
    """The committed ``results/frames/document_scores.csv``, at its precision."""
    from textkit.core.config import load_config

    root = Path(__file__).resolve().parents[2]
    ref = pd.read_csv(root / "results" / "frames" / "document_scores.csv", encoding="utf-8-sig")
    config = FrameConfig.from_project(load_config(root / "textkit.toml"))
    docs = seed_docs[seed_docs["doc_id"].isin(ref["doc_id"])]
    got = score_frames(docs, segmenter=seg, config=config)
    assert list(got["doc_id"]) == list(ref["doc_id"])
    for c in ["n_units", "n_tokens", "hits_stability", "hits_service_law", "suppressed"]:
        assert (got[c].to_numpy() == ref[c].to_numpy()).all(), c
    for c in ["n_stability", "n_service_law", "stability", "service_law", "total",
              "share_service_law", "balance", "balance_lo", "balance_hi"]:  # fmt: skip
        np.testing.assert_allclose(got[c], ref[c], rtol=1e-5, atol=1e-9, err_msg=c)
    assert list(got["frame_label"]) == list(ref["frame_label"])


def test_interval_quantiles_are_numpys_to_the_last_bit():
    """The bootstrap reads its percentile interval without ``np.quantile``'s overhead per call,
    with the same arithmetic: equal results, bit for bit, on many replicate sets."""
    from textkit.frames.score import _quantile

    rng = np.random.default_rng(20261207)
    for i in range(3000):
        m = int(rng.integers(1, 1500))
        values = rng.normal(size=m) if i % 2 else np.round(rng.uniform(-1, 1, size=m), 2)
        for q in (0.0, 0.005, 0.025, 0.05, 0.5, 0.95, 0.975, 1.0, float(rng.uniform())):
            assert _quantile(values.copy(), q) == float(np.quantile(values, q)), (m, q)


def test_bootstrap_counts_give_the_intervals_of_the_draws():
    """The replicate totals come from draw counts times unit counts (one matrix product per
    unit count): the same intervals, bit for bit, as gathering the drawn units one by one."""
    from textkit.frames.score import _bootstrap_group, _quantile

    config = FrameConfig(n_boot=400, random_state=3)
    rng = np.random.default_rng(0)
    for n in (2, 7, 40, 133):
        texts = [
            (rng.choice([0.0, 0.25, 0.5, 1.0, 2.0], size=n), rng.choice([0.0, 0.5, 1.0], size=n))
            for _ in range(5)
        ]
        got = _bootstrap_group(config, n, texts)
        idx = np.random.default_rng([3, n]).integers(0, n, size=(400, n))
        for (st, sv), (lo, hi) in zip(texts, got, strict=True):
            bst, bsv = st[idx].sum(axis=1), sv[idx].sum(axis=1)
            framed = bst + bsv > 0
            bal = (bsv[framed] - bst[framed]) / (bst + bsv)[framed]
            alpha = (1.0 - config.ci) / 2.0
            assert (lo, hi) == (_quantile(bal, alpha), _quantile(bal, 1.0 - alpha))


def test_texts_with_as_many_units_share_their_draws(seg):
    """Common random numbers: the draws depend on the seed and the number of units only, so
    a text's interval does not depend on its id, and two texts alike but for their order of
    sentences differ only by their data."""
    text = "坚持依法行政。加强矛盾纠纷排查化解。维护社会稳定。推进公共服务。严厉打击违法犯罪。"
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": [text, text]})
    out = score_frames(docs, segmenter=seg)
    assert out["n_units"].tolist() == [5, 5]
    assert out["balance_lo"].iloc[0] == out["balance_lo"].iloc[1]
    assert out["balance_hi"].iloc[0] == out["balance_hi"].iloc[1]
    assert out["balance_lo"].iloc[0] < out["balance"].iloc[0] < out["balance_hi"].iloc[0]
    renamed = score_frames(docs.assign(doc_id=["x", "y"]), segmenter=seg)
    assert renamed["balance_lo"].tolist() == out["balance_lo"].tolist()
