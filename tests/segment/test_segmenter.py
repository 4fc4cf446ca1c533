"""Tests for textkit.segment.segmenter: governance terms, filters, cutting, round trips.

``governance_terms.tsv`` (term, sentence, source_file) holds governance terms of the shipped
dictionary, each with a real sentence of the seed corpus (``corpus/raw`` converted to
simplified Chinese with OpenCC ``t2s``): the first sentence of 12-150 characters that contains
the term and no longer dictionary entry containing it. Terms whose only contexts are overlap
conflicts between two entries (listed in ``textkit/resources/userdict_card.md``) are not in
the set. The contexts of the short (2-3 character) terms were checked by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textkit.core.paths import cache_dir
from textkit.segment import segmenter as S
from textkit.segment.corpus import segment_corpus
from textkit.segment.rules import (
    _USERDICT_WORD_OK,
    DEFAULT_KEEP_SINGLE,
    PLACEHOLDER_RE,
    PLACEHOLDER_UNITS,
)
from textkit.segment.segmenter import Segmenter, get_segmenter, tokenize
from textkit.segment.units import split_paragraphs, split_sentences

ROOT = Path(__file__).resolve().parents[2]

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- governance terms


def test_governance_terms_file_is_real(seed_pages, governance_terms):
    rows = governance_terms
    assert len(rows) >= 60
    assert len({t for t, _ in rows}) == len(rows)
    corpus = "\n".join(seed_pages["text"])
    for term, sentence in rows:
        assert term in sentence, term
        assert sentence in corpus, f"sentence for {term} not found in the seed corpus"


def test_governance_terms_one_token(
    seg_shipped, seg, plain_jieba, record_property, governance_terms
):
    rows = governance_terms
    failures = [(t, seg_shipped.cut(s)) for t, s in rows if t not in seg_shipped.cut(s)]
    plain_ok = sum(t in plain_jieba.lcut(s) for t, s in rows)
    record_property("plain_jieba_one_token_rate", round(plain_ok / len(rows), 3))
    logger.info(
        "governance terms as one token in context: textkit %d/%d, plain jieba %d/%d (%.0f%%)",
        len(rows) - len(failures),
        len(rows),
        plain_ok,
        len(rows),
        100 * plain_ok / len(rows),
    )
    assert not failures
    # With the frame lexicon loaded (the default) a term can only be lost inside a longer
    # lexicon term, and dictionary_report() says so.
    rep = seg.dictionary_report()
    hiding = rep[rep["note"].str.startswith("contains shipped entries")]
    for term, sentence in rows:
        if term not in seg.cut(sentence):
            assert any(term in w and w in sentence for w in hiding["word"]), term


def test_issue_examples_one_token(seg):
    for term in [
        "社会治安综合治理",
        "矛盾纠纷",
        "村民议事会",
        "网格化管理",
        "四个平台",
        "枫桥经验",
        "共建共治共享",
        "公共法律服务",
        "社区矫正",
        "一票否决",
    ]:
        assert seg.cut(f"我们要坚持{term}工作。").count(term) == 1, term
        assert term in seg.tokenize(f"我们要坚持{term}工作。")


def test_dictionary_report_all_one_token(seg):
    rep = seg.dictionary_report()
    assert {"word", "source", "freq_used", "one_token", "tokens", "ok"} <= set(rep.columns)
    shipped = rep[rep["source"] == "textkit:userdict.txt"]
    assert (shipped["expect"] == "one token").sum() >= 300
    assert shipped.loc[~shipped["ok"], "word"].tolist() == []
    # frame-lexicon terms are verified too; failures are
    # reported, and there should be none
    lex = rep[rep["source"] == "textkit:lexicon"]
    assert lex.loc[~lex["ok"], "word"].tolist() == []
    # frequency-0 entries split jieba compounds that swallow a key term
    split = rep[rep["expect"] == "split"].set_index("word")
    assert split.loc["一票否决权", "tokens"] == ["一票否决", "权"]
    assert not split["one_token"].any()


# ------------------------------------------------------------------------------ ordinary text

ORDINARY = [
    (
        "他在北京大学读书，研究经济学。",
        ["他", "在", "北京大学", "读书", "，", "研究", "经济学", "。"],
        ["北京大学", "读书", "研究", "经济学"],
    ),
    (
        "小明买了三斤苹果和两瓶牛奶。",
        ["小明", "买", "了", "三斤", "苹果", "和", "两瓶", "牛奶", "。"],
        ["小明", "苹果", "牛奶"],
    ),
    (
        "这家医院的医生对病人非常耐心。",
        ["这家", "医院", "的", "医生", "对", "病人", "非常", "耐心", "。"],
        ["医院", "医生", "病人", "耐心"],
    ),
    (
        "研究生命的起源是一个重要的科学问题。",
        ["研究", "生命", "的", "起源", "是", "一个", "重要", "的", "科学", "问题", "。"],
        ["研究", "生命", "起源", "重要", "科学", "问题"],
    ),
    (
        "南京市长江大桥于1968年建成通车。",
        ["南京市", "长江大桥", "于", "1968", "年", "建成", "通车", "。"],
        ["南京市", "长江大桥", "建成", "通车"],
    ),
]


@pytest.mark.parametrize(("text", "cut", "tokens"), ORDINARY)
def test_no_regression_on_ordinary_text(seg, plain_jieba, text, cut, tokens):
    assert seg.cut(text) == cut
    assert plain_jieba.lcut(text) == cut  # the governance dictionary changes nothing here
    assert seg.tokenize(text) == tokens


# ------------------------------------------------------------------------------------ filters


def test_tokenize_filters(seg):
    text = "2019年，某镇进一步加强社会治安综合治理，党委切实化解了3起矛盾纠纷！！ ABC"
    toks = seg.tokenize(text)
    assert "某镇" in toks
    assert "社会治安综合治理" in toks and "矛盾纠纷" in toks
    for dropped in ("2019", "3", "，", "！", " ", "进一步", "加强", "切实", "了", "年"):
        assert dropped not in toks
    assert "ABC" in toks  # Latin words are kept (tag eng)


def test_keep_single_and_placeholders(seg):
    toks = seg.tokenize("党领导一切，依法治国，某县某村某年某某说：村里的事村民商量。")
    assert "党" in toks
    for ph in ("某县", "某村", "某年", "某某"):
        assert ph in toks
    assert all(len(t) >= 2 or t in DEFAULT_KEEP_SINGLE for t in toks)


def test_options_change_output(tmp_path):
    text = "进一步加强基层社会治理，认真落实各项措施。"
    default = tokenize(text)
    assert "进一步" not in default and "加强" not in default
    keep_off = tokenize(text, drop_officialese=False)
    assert "加强" in keep_off and "进一步" not in keep_off  # 进一步 is an adverb (d)
    assert "进一步" in tokenize(text, drop_officialese=False, pos_filter=False)
    no_stop = tokenize("我们的工作", stopwords=None, pos_filter=False, drop_officialese=False)
    assert "我们" in no_stop
    assert tokenize(text) is not keep_off
    assert get_segmenter() is get_segmenter()  # cached per options


def test_cut_pos_uses_dictionary_tags(seg):
    pairs = dict(seg.cut_pos("我们坚持社会治安综合治理和依法行政，完成了2019件，xyz。"))
    assert pairs["我们"] == "r"
    assert pairs["社会治安综合治理"] == "n"
    assert pairs["2019"] == "m"
    assert pairs["xyz"] == "eng"
    assert pairs["，"] == "x"


def test_config_validation():
    with pytest.raises(ValueError, match="min_len"):
        Segmenter(min_len=0)
    with pytest.raises(ValueError, match="hmm"):
        Segmenter(hmm="yes")
    with pytest.raises(ValueError, match="userdict"):
        Segmenter(userdict="/nonexistent/dict.txt")
    with pytest.raises(ValueError, match="keep_single"):
        Segmenter(keep_single=["党委"])
    with pytest.raises(ValueError, match="lexicon"):
        Segmenter(lexicon="/nonexistent/frames.yaml")
    with pytest.raises(ValueError, match="lexicon"):
        Segmenter(lexicon=1)


def test_fingerprint_tracks_settings(seg):
    assert len(seg.fingerprint) == 64
    assert Segmenter().fingerprint == seg.fingerprint
    assert Segmenter(hmm=False).fingerprint != seg.fingerprint
    assert Segmenter(stopwords=None).fingerprint != seg.fingerprint


def test_own_tokenizer_leaves_global_jieba_alone(seg):
    assert seg._tk is not jieba.dt
    assert "村民议事会" not in jieba.dt.FREQ or jieba.dt.FREQ.get("村民议事会", 0) == 0
    assert Path(seg._tk.cache_file).parent == cache_dir("jieba")
    assert Path(seg._tk.cache_file).is_file()  # jieba wrote its cache there, not to /tmp


# --------------------------------------------------------------------------------- round trip


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("社会治安综合理矛盾纠纷村民议事会某镇 \n\r\t。，！？ab12“”…")
            + ["\u3000", "\ufeff"]
        ),
        max_size=80,
    )
)
def test_cut_joins_back(seg, text):
    assert "".join(seg.cut(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_cut_joins_back_any_text(seg, text):
    assert "".join(seg.cut(text)) == text


def _cut_each_sentence(seg, text):
    return [(s, seg.cut(s)) for s in split_sentences(text)]


def test_cut_sentences_equals_cutting_each_sentence(seed_pages, seg):
    paragraphs = [p for t in seed_pages["text"] for p in split_paragraphs(t)]
    assert len(paragraphs) > 500
    for para in paragraphs:
        assert seg.cut_sentences(para) == _cut_each_sentence(seg, para)
    long = "加强社会治安综合治理" * 450 + "。化解矛盾纠纷！"  # > one chunk, no break char
    assert seg.cut_sentences(long) == _cut_each_sentence(seg, long)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("社会治安综合理矛盾纠纷村民议事会某镇依法行政 \t。，！？；…!?;”’」）ab12.%-")
            + ["\u3000", "\ufeff"]
        ),
        max_size=120,
    )
)
def test_cut_sentences_equals_cutting_each_sentence_any_text(seg, text):
    assert seg.cut_sentences(text) == _cut_each_sentence(seg, text)


# --------------------------------------------------------------------------------- bad input


def test_empty_and_non_chinese(seg):
    assert seg.cut("") == [] and seg.tokenize("") == []
    assert seg.tokenize("   \n\t ") == []
    assert seg.tokenize("Hello, world! 123 4.5%") == ["Hello", "world"]
    u = segment_corpus({"a": "", "b": "。。。"}, segmenter=seg, cache=False)
    assert u["doc_id"].tolist() == ["b"] and u["tokens"].tolist() == [[]]
    # no unit at all: the same columns and dtypes as a table with units
    for docs, pos in (({}, False), ({"a": ""}, False), ({"a": "  \n "}, True)):
        empty = segment_corpus(docs, segmenter=seg, cache=False, with_pos=pos)
        assert len(empty) == 0
        full = segment_corpus({"b": "。。。"}, segmenter=seg, cache=False, with_pos=pos)
        assert empty.dtypes.to_dict() == full.dtypes.to_dict()
        assert list(empty.columns) == list(full.columns)


def test_five_megabyte_single_line(seg, seed_pages):
    para = max(seed_pages["text"].iloc[0].split("\n"), key=len)
    line = (para * (5_000_000 // len(para.encode("utf-8")) + 1)).replace("\n", "")
    assert len(line.encode("utf-8")) >= 5_000_000
    toks = seg.cut(line)
    assert "".join(toks) == line
    # no punctuation at all: chunked at the fixed length, still complete
    bare = "社会治理" * 75_000
    assert "".join(seg.cut(bare)) == bare


def test_frame_lexicon_terms_are_added(monkeypatch):
    # a small stand-in lexicon: the loader is textkit's own function
    monkeypatch.setattr(
        S, "_load_lexicon_terms", lambda path=None: ["维稳话语体系", "服务", "法治·德治"]
    )
    seg = Segmenter()
    assert "维稳话语体系" in seg.cut("构建维稳话语体系。")
    rep = seg.dictionary_report().set_index("word")
    assert rep.loc["维稳话语体系", "source"] == "textkit:lexicon"
    assert "服务" not in rep.index  # already one jieba token: left alone
    assert not rep.loc["法治·德治", "ok"]  # cannot be one token: reported
    monkeypatch.setattr(S, "_load_lexicon_terms", lambda path=None: [])
    assert seg.fingerprint != Segmenter().fingerprint  # the lexicon terms are fingerprinted


def test_real_frame_lexicon_loaded(seg):
    from textkit.core.lexicon import load_lexicon

    terms = set(load_lexicon().terms())
    rep = seg.dictionary_report()
    added = set(rep.loc[rep["source"] == "textkit:lexicon", "word"])
    assert added <= terms
    # every frame term that can be one jieba token is one token with the default segmenter
    assert seg.frame_terms == terms
    for term in sorted(terms):
        if _USERDICT_WORD_OK.match(term):
            assert seg.cut(term) == [term], term
            assert seg.tokenize(term) == [term], term  # never filtered out (公开 is an adverb)
    # the same lexicon passed as a file gives the same dictionary
    path = ROOT / "textkit" / "resources" / "frames.yaml"
    by_path = Segmenter(lexicon=path)  # the autouse _cache fixture set TEXTKIT_CACHE_DIR
    assert by_path.dictionary_report()["word"].tolist() == rep["word"].tolist()


def test_placeholder_units_cover_the_cleaning_rules():
    """Every unit a cleaning placeholder rule can put after 某 is one token for the segmenter."""
    import re

    import yaml

    rules = yaml.safe_load(
        (ROOT / "textkit/resources/cleaning_rules.yaml").read_text(encoding="utf-8")
    )["placeholders"]["rules"]
    units = set()
    for rule in rules:
        for group in re.findall(r"\(\?=\(\?:([^)]*)\)\)", rule["pattern"]):
            units.update(group.split("|"))
    assert units, "no unit list found in the placeholder rules"
    assert units <= set(PLACEHOLDER_UNITS), sorted(units - set(PLACEHOLDER_UNITS))
    for unit in sorted(units):
        assert PLACEHOLDER_RE.match(f"某{unit}")
        assert f"某{unit}" in tokenize(f"某{unit}领导来到某{unit}调研。"), unit


def test_a_deep_copy_is_the_segmenter_itself_and_a_pickle_its_config():
    """sklearn's clone deep-copies an estimator's segmenter once per fold: the copy is the
    segmenter itself (no second loading of its dictionaries), which cuts the same words."""
    import copy
    import pickle

    from sklearn.base import clone

    from textkit.frames.supervised import FrameClassifier

    seg = Segmenter(hmm=False)
    assert copy.deepcopy(seg) is seg
    assert clone(FrameClassifier(segmenter=seg)).segmenter is seg
    again = pickle.loads(pickle.dumps(seg))
    assert again is not seg and again.config == seg.config
    text = "坚持依法行政，深化综治维稳工作。"
    assert again.tokenize(text) == seg.tokenize(text)
