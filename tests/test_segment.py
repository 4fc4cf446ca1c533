"""Tests for textkit.segment.segmenter: governance terms, filters, units, cache, processes, bad input.

``governance_terms.tsv`` (term, sentence, source_file) holds governance terms of the shipped
dictionary, each with a real sentence of the seed corpus (``corpus/raw`` converted to
simplified Chinese with OpenCC ``t2s``): the first sentence of 12-150 characters that contains
the term and no longer dictionary entry containing it. Terms whose only contexts are overlap
conflicts between two entries (listed in ``textkit/resources/userdict_card.md``) are not in
the set. The contexts of the short (2-3 character) terms were checked by hand.
"""

from __future__ import annotations

import csv
import logging
import sqlite3
from pathlib import Path

import jieba
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textkit.segment import segmenter as S
from textkit.segment.segmenter import (
    DEFAULT_KEEP_SINGLE,
    Segmenter,
    UserDictError,
    read_userdict,
    segment_corpus,
    split_paragraphs,
    split_sentences,
    tokenize,
)

ROOT = Path(__file__).resolve().parents[1]
TERMS_TSV = Path(__file__).with_name("governance_terms.tsv")

logger = logging.getLogger(__name__)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tkcache"))


@pytest.fixture(scope="module")
def seg(cache_dir_env):
    """The default segmenter (shipped dictionary + frame lexicon when present)."""
    with cache_dir_env():
        return Segmenter()


@pytest.fixture(scope="module")
def seg_shipped(cache_dir_env):
    """jieba + the shipped governance dictionary only."""
    with cache_dir_env():
        return Segmenter(lexicon=False)


@pytest.fixture(scope="module")
def plain_jieba(tmp_path_factory):
    """Plain jieba: its own dictionary only, HMM on (its default); cache kept out of /tmp."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.cache_file = str(tmp_path_factory.mktemp("plain_jieba") / "jieba.cache")
    tk.initialize()
    return tk


# ---------------------------------------------------------------------------- governance terms


def _terms():
    with TERMS_TSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["term"], r["sentence"]) for r in rows]


def test_governance_terms_file_is_real(seed_pages):
    rows = _terms()
    assert len(rows) >= 60
    assert len({t for t, _ in rows}) == len(rows)
    corpus = "\n".join(seed_pages["text"])
    for term, sentence in rows:
        assert term in sentence, term
        assert sentence in corpus, f"sentence for {term} not found in the seed corpus"


def test_governance_terms_one_token(seg_shipped, seg, plain_jieba, record_property):
    rows = _terms()
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
    # frame-lexicon terms (when textkit.core.lexicon exists) are verified too; failures are
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
    assert S.get_segmenter() is S.get_segmenter()  # cached per options


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
    assert Path(seg._tk.cache_file).parent == S.cache_dir("jieba")
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


# ------------------------------------------------------------------------------------- split


def test_split_sentences_keeps_closing_quotes():
    text = "他说：“要化解矛盾纠纷。”随后离开！真的吗？是的；好……\n第二段"
    assert split_sentences(text) == [
        "他说：“要化解矛盾纠纷。”",
        "随后离开！",
        "真的吗？",
        "是的；",
        "好……",
        "第二段",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("治理维稳。！？；…”’」）\n \t\r") + ["\u3000"]), max_size=60
    )
)
def test_split_sentences_loses_nothing_but_edge_space(text):
    import re

    sents = split_sentences(text)
    assert all(s and s == s.strip() and "\n" not in s for s in sents)
    assert re.sub(r"\s", "", "".join(sents)) == re.sub(r"\s", "", text)


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


def test_split_paragraphs():
    assert split_paragraphs("一段\r\n\n  二段 \r三段\n") == ["一段", "二段", "三段"]
    assert split_paragraphs("") == []


# ------------------------------------------------------------------------------------- units


def test_units_contract(seed_pages, seg):
    docs = seed_pages.head(2)
    before = docs.copy(deep=True)
    flat = {}
    for unit in ("sentence", "paragraph", "document"):
        u = segment_corpus(docs, unit=unit, segmenter=seg, cache=False)
        assert list(u.columns[:6]) == ["doc_id", "para_id", "sent_id", "unit_id", "text", "tokens"]
        assert u["doc_id"].unique().tolist() == docs["doc_id"].tolist()
        for _doc_id, g in u.groupby("doc_id", sort=False):
            assert g["unit_id"].tolist() == list(range(len(g)))
        # units split at punctuation / newlines, where jieba never joins across anyway
        flat[unit] = u.groupby("doc_id", sort=False)["tokens"].sum().to_dict()
        if unit == "sentence":
            assert (u["sent_id"] >= 0).all() and (u["para_id"] >= 0).all()
        else:
            assert (u["sent_id"] == -1).all()
        if unit == "document":
            assert len(u) == 2 and (u["para_id"] == -1).all()
    assert flat["sentence"] == flat["paragraph"] == flat["document"]
    pd.testing.assert_frame_equal(docs, before)


def test_with_pos(seed_pages, seg):
    u = segment_corpus(seed_pages.head(1), segmenter=seg, cache=False, with_pos=True)
    assert (u["tokens"].map(len) == u["pos"].map(len)).all()
    for toks, tags in zip(u["tokens"], u["pos"], strict=True):
        for t, p in zip(toks, tags, strict=True):
            assert p == seg.tag(t)
            assert (
                p in seg.config.content_pos
                or t in DEFAULT_KEEP_SINGLE
                or t in seg.frame_terms
                or S.PLACEHOLDER_RE.match(t)
            )


def test_n_jobs_identical(seed_pages, seg):
    serial = segment_corpus(seed_pages, segmenter=seg, cache=False)
    par = segment_corpus(seed_pages, segmenter=seg, cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, par)


def test_n_jobs_spawn_rebuilds_segmenter(seed_pages, seg, monkeypatch):
    # spawn (the start method outside Linux) pickles the segmenter as its config and
    # rebuilds it in the worker: same fingerprint, same results
    import multiprocessing

    monkeypatch.setattr(S, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    docs = seed_pages.head(3)
    serial = segment_corpus(docs, segmenter=seg, cache=False)
    par = segment_corpus(docs, segmenter=seg, cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, par)


def test_cache_hit_equals_fresh_and_corruption_recomputed(seed_pages, seg, tmp_path, caplog):
    db = tmp_path / "units.sqlite"
    fresh = segment_corpus(seed_pages, segmenter=seg, cache=False)
    first = segment_corpus(seed_pages, segmenter=seg, cache=db)
    with caplog.at_level(logging.INFO, logger="textkit.segment.segmenter"):
        hit = segment_corpus(seed_pages, segmenter=seg, cache=db)
    assert "segmenting" not in caplog.text  # everything came from the cache
    pd.testing.assert_frame_equal(fresh, first)
    pd.testing.assert_frame_equal(fresh, hit)
    con = sqlite3.connect(db)
    n = con.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    assert n == len(seed_pages)
    # corrupt one payload (checksum no longer matches) and one checksum
    key = con.execute("SELECT key FROM units ORDER BY key LIMIT 1").fetchone()[0]
    con.execute("UPDATE units SET payload = ? WHERE key = ?", (b'[[0, 0, "x", ["bad"]]]', key))
    con.commit()
    con.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="textkit.segment.segmenter"):
        again = segment_corpus(seed_pages, segmenter=seg, cache=db)
    assert "corrupt segmentation cache entry" in caplog.text
    assert "segmenting 1 of" in caplog.text
    pd.testing.assert_frame_equal(fresh, again)


def test_unreadable_cache_file_is_recreated(seed_pages, seg, tmp_path):
    db = tmp_path / "units.sqlite"
    db.write_bytes(b"this is not an sqlite database" * 100)
    docs = seed_pages.head(2)
    fresh = segment_corpus(docs, segmenter=seg, cache=False)
    pd.testing.assert_frame_equal(fresh, segment_corpus(docs, segmenter=seg, cache=db))
    pd.testing.assert_frame_equal(fresh, segment_corpus(docs, segmenter=seg, cache=db))


def test_docs_input_validation(seg):
    with pytest.raises(ValueError, match="unit"):
        segment_corpus({"a": "x"}, unit="word", segmenter=seg)
    with pytest.raises(ValueError, match="n_jobs"):
        segment_corpus({"a": "x"}, n_jobs=0, segmenter=seg)
    with pytest.raises(ValueError, match="text"):
        segment_corpus(pd.DataFrame({"doc_id": ["a"]}), segmenter=seg)
    with pytest.raises(ValueError, match="duplicate"):
        segment_corpus([("a", "x"), ("a", "y")], segmenter=seg)


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


def _gc_state(_: object) -> bool:
    import gc

    return gc.isenabled()


def test_pool_workers_run_with_the_collector_on(seg):
    """The parent pauses the collector while it collects results; workers must not inherit it."""
    import concurrent.futures
    import gc

    with S.paused_gc():
        assert not gc.isenabled()
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=S._mp_context(), initializer=S._init_worker,
            initargs=(seg, None),
        ) as ex:  # fmt: skip
            assert list(ex.map(_gc_state, [0, 1])) == [True, True]
    assert gc.isenabled()
    with pytest.raises(RuntimeError), S.paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()  # switched back on after an exception too


def test_five_megabyte_single_line(seg, seed_pages):
    para = max(seed_pages["text"].iloc[0].split("\n"), key=len)
    line = (para * (5_000_000 // len(para.encode("utf-8")) + 1)).replace("\n", "")
    assert len(line.encode("utf-8")) >= 5_000_000
    toks = seg.cut(line)
    assert "".join(toks) == line
    # no punctuation at all: chunked at the fixed length, still complete
    bare = "社会治理" * 75_000
    assert "".join(seg.cut(bare)) == bare


# ---------------------------------------------------------------------- user dictionary faults


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_userdict_bom_crlf_missing_freq(tmp_path):
    p = _write(
        tmp_path / "ud.txt", "\ufeff测试治理词甲 5 n\r\n测试治理词乙\r\n\r\n# 注释\r\n".encode()
    )
    entries = read_userdict(p)
    assert [(e.word, e.freq, e.tag) for e in entries] == [
        ("测试治理词甲", 5, "n"),
        ("测试治理词乙", None, None),
    ]
    seg = Segmenter(userdict=p)
    assert "测试治理词乙" in seg.cut("我们测试治理词乙吧")
    rep = seg.dictionary_report().set_index("word")
    assert rep.loc["测试治理词乙", "freq_used"] >= 1 and rep.loc["测试治理词乙", "one_token"]


def test_userdict_spaces_repaired_or_rejected(tmp_path, caplog):
    p = _write(tmp_path / "ud.txt", "村民 议事协商会 3 n\n".encode())
    with caplog.at_level(logging.WARNING, logger="textkit.segment.segmenter"):
        entries = read_userdict(p)
    assert entries[0].word == "村民议事协商会"
    assert "line 1" in caplog.text
    bad = _write(tmp_path / "bad.txt", "社区治理 5 n\nNew York 3 ns\n".encode())
    with pytest.raises(UserDictError, match=r"bad\.txt, line 2"):
        read_userdict(bad)


def test_userdict_gbk(tmp_path):
    p = _write(tmp_path / "gbk.txt", "网格员队伍 10 n\n".encode("gbk"))
    assert read_userdict(p)[0].word == "网格员队伍"
    mixed = _write(
        tmp_path / "mixed.txt", "网格员队伍 10 n\n".encode() + "议事会成员 5 n\n".encode("gbk")
    )
    with pytest.raises(UserDictError, match=r"mixed\.txt, line 2"):
        read_userdict(mixed)


def test_userdict_bad_word_and_freq(tmp_path):
    with pytest.raises(UserDictError, match="line 1"):
        read_userdict(_write(tmp_path / "p.txt", "枫桥·经验 5 n\n".encode()))
    with pytest.raises(UserDictError, match="negative"):
        read_userdict(_write(tmp_path / "n.txt", "枫桥经验 -5 n\n".encode()))
    with pytest.raises(UserDictError, match="not found"):
        read_userdict(tmp_path / "missing.txt")


def test_userdict_overrides_shipped(tmp_path):
    p = _write(tmp_path / "ud.txt", "枫桥经验 5 vn\n".encode())
    seg = Segmenter(userdict=p)
    assert seg.tag("枫桥经验") == "vn"
    rep = seg.dictionary_report().set_index("word")
    assert rep.loc["枫桥经验", "source"] == str(p)


# --------------------------------------------------------------------------------- data cards


@pytest.mark.parametrize("name", ["userdict", "stopwords", "officialese"])
def test_data_cards_match_files(name):
    import re

    from textkit.core.io import sha256_file

    res = ROOT / "textkit" / "resources"
    card = (res / f"{name}_card.md").read_text("utf-8")
    sha = re.search(r"\| sha256 \| `([0-9a-f]{64})` \|", card).group(1)
    count = int(re.search(r"\| entries \| (\d+)", card).group(1))
    assert sha == sha256_file(res / f"{name}.txt")
    if name == "userdict":
        n = sum(1 for line in (res / "userdict.txt").open(encoding="utf-8") if line.strip())
    else:
        n = len(S.load_wordlist("shipped", f"{name}.txt"))
    assert count == n
    for heading in ("licence", "source" if name != "userdict" else "Sources"):
        assert heading in card


def test_frame_lexicon_terms_are_added(monkeypatch):
    # stands in for textkit.core.lexicon while it is absent: the loader is textkit's own function
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
    lexicon = pytest.importorskip("textkit.core.lexicon")
    terms = set(lexicon.load_lexicon().terms())
    rep = seg.dictionary_report()
    added = set(rep.loc[rep["source"] == "textkit:lexicon", "word"])
    assert added <= terms
    # every frame term that can be one jieba token is one token with the default segmenter
    assert seg.frame_terms == terms
    for term in sorted(terms):
        if S._USERDICT_WORD_OK.match(term):
            assert seg.cut(term) == [term], term
            assert seg.tokenize(term) == [term], term  # never filtered out (公开 is an adverb)
    # the same lexicon passed as a file gives the same dictionary
    path = ROOT / "textkit" / "resources" / "frames.yaml"
    by_path = Segmenter(lexicon=path)  # the autouse _cache fixture set TEXTKIT_CACHE_DIR
    assert by_path.dictionary_report()["word"].tolist() == rep["word"].tolist()


# ------------------------------------------------------------- evidence against plain jieba


def test_compare_segmentation_on_governance_sentences(seg_shipped, plain_jieba):
    rows = _terms()[:40]
    terms = [t for t, _ in rows]
    sentences = [s for _, s in rows]
    table = S.compare_segmentation(sentences, terms=terms, segmenter=seg_shipped)
    assert table.columns.tolist() == [
        "text",
        "term",
        "plain_jieba",
        "textkit",
        "n_plain",
        "n_textkit",
        "same",
        "plain_one_token",
        "textkit_one_token",
    ]
    assert table["text"].tolist() == sentences and table["term"].tolist() == terms
    for row in table.itertuples():
        # the default baseline is exactly plain jieba.lcut
        plain = [w for w in plain_jieba.lcut(row.text) if w.strip()]
        assert row.plain_jieba == " / ".join(plain)
        assert row.n_plain == len(plain)
        assert row.textkit == " / ".join(w for w in seg_shipped.cut(row.text) if w.strip())
        assert row.plain_one_token == (row.term in plain)
        assert row.same == (row.plain_jieba == row.textkit)
    assert table["textkit_one_token"].all()
    assert not table["plain_one_token"].all()  # the point of the dictionary
    first = table.iloc[0]
    assert first["term"] == "社会治安综合治理"
    assert "社会治安 / 综合治理" in first["plain_jieba"]
    assert "社会治安综合治理" in first["textkit"].split(" / ")
    # a plain table without terms, and the input errors
    plain_only = S.compare_segmentation(["他在北京大学读书。"], segmenter=seg_shipped)
    assert plain_only.columns.tolist()[:1] == ["text"] and "term" not in plain_only
    assert bool(plain_only.loc[0, "same"])
    with pytest.raises(ValueError, match="terms"):
        S.compare_segmentation(sentences[:2], terms=terms[:1], segmenter=seg_shipped)
    with pytest.raises(ValueError, match="single str"):
        S.compare_segmentation("一句话", segmenter=seg_shipped)


def test_dictionary_coverage_on_seed(seg_shipped, seed_pages, plain_jieba):
    cov = S.dictionary_coverage(seed_pages, segmenter=seg_shipped)
    rep = seg_shipped.dictionary_report()
    assert set(cov["word"]) == set(rep.loc[rep["expect"] == "one token", "word"])
    assert (cov["as_token"] <= cov["occurrences"]).all()
    assert (cov["plain_as_token"] <= cov["occurrences"]).all()
    assert cov["ok"].all()
    order = list(zip(-cov["occurrences"], cov["word"], strict=True))
    assert order == sorted(order)
    c = cov.set_index("word")
    joined = "\n".join(seed_pages["text"])
    tokens = [w for t in seed_pages["text"] for w in seg_shipped.cut(t)]
    plain_tokens = [w for t in seed_pages["text"] for w in plain_jieba.lcut(t)]
    for term in ("社会治安综合治理", "矛盾纠纷", "枫桥经验", "一票否决"):
        assert c.loc[term, "occurrences"] == joined.count(term) > 0
        assert c.loc[term, "as_token"] == tokens.count(term)
        assert c.loc[term, "plain_as_token"] == plain_tokens.count(term)
    assert not c.loc["社会治安综合治理", "plain_one_token"]
    assert c.loc["社会治安综合治理", "plain_as_token"] == 0
    assert c.loc["社会治安综合治理", "as_token"] > 0
    with pytest.raises(ValueError, match="text"):
        S.dictionary_coverage(pd.DataFrame({"body": ["x"]}), segmenter=seg_shipped)


# ------------------------------------------------------------------ settings from textkit.toml


def test_segmenter_from_project_config(tmp_path):
    from textkit.core.config import ConfigError, load_config

    (tmp_path / "dicts").mkdir()
    _write(tmp_path / "dicts" / "extra.txt", "测试治理词丙 5 n\n".encode())
    (tmp_path / "textkit.toml").write_text(
        '[segment]\nhmm = false\nuserdict = ["dicts/extra.txt"]\n'
        'officialese = ["加强", "切实"]\nmin_len = 2\n',
        encoding="utf-8",
    )
    project = load_config(tmp_path / "textkit.toml")
    cfg = S.segmenter_config(project)
    assert cfg.hmm is False
    assert cfg.userdict == (str(tmp_path / "dicts" / "extra.txt"),)  # resolved at the root
    assert cfg.officialese == ("切实", "加强")
    seg = S.segmenter_from_config(project)
    assert seg is S.segmenter_from_config(project)
    assert "测试治理词丙" in seg.cut("我们测试治理词丙吧")
    # only the listed officialese is dropped: 推进 (a verb on the shipped list) stays
    assert seg.tokenize("加强社会治理，推进村民自治") == ["社会治理", "推进", "村民自治"]
    assert S.segmenter_config(None) == S.SegmenterConfig()
    (tmp_path / "textkit.toml").write_text("[segment]\nhmmm = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[segment\].*hmmm"):
        S.segmenter_config(load_config(tmp_path / "textkit.toml"))
    (tmp_path / "textkit.toml").write_text("[segment]\nmin_len = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[segment\].*min_len"):
        S.segmenter_config(load_config(tmp_path / "textkit.toml"))


def test_shared_cache_keeps_settings_apart(seed_pages, seg, tmp_path):
    # one sqlite file, two segmenters: each gets its own results, never the other's
    db = tmp_path / "units.sqlite"
    docs = seed_pages.head(2)
    loose = _build_plain_filters()
    a = segment_corpus(docs, segmenter=seg, cache=db)
    b = segment_corpus(docs, segmenter=loose, cache=db)
    assert not a["tokens"].equals(b["tokens"])
    pd.testing.assert_frame_equal(b, segment_corpus(docs, segmenter=loose, cache=False))
    pd.testing.assert_frame_equal(a, segment_corpus(docs, segmenter=seg, cache=db))
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 2 * len(docs)
    con.close()


def _build_plain_filters():
    return S.get_segmenter(drop_officialese=False, pos_filter=False)


def test_placeholder_units_cover_the_cleaning_rules():
    """Every unit a cleaning placeholder rule can put after 某 is one token for the segmenter."""
    import re

    import yaml

    from textkit.segment.segmenter import PLACEHOLDER_RE, PLACEHOLDER_UNITS

    rules = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "textkit/resources/cleaning_rules.yaml").read_text(
            encoding="utf-8"
        )
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
