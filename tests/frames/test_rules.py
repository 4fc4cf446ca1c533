"""Tests of the context rules that read the sense of a term (textkit.frames.rules).

Compound rules set aside a term inside a longer expression that gives it another sense
(民主 in 民主党派); governs rules read the sense of a term from the word it governs (依法 before
打击 counts for stability). Every rule of the shipped lexicon carries a test sentence; the
governance dictionary's compounds are checked against the lexicon word by word.
"""

from __future__ import annotations

import importlib.resources

import pytest

from textkit.core.lexicon import ContextRule, load_lexicon
from textkit.frames.kwic import kwic
from textkit.frames.rules import Reading, RuleSet
from textkit.frames.score import FrameConfig, frame_hits, score_frames

LEX = load_lexicon()
RULES = {r.name: r for r in LEX.rules}


def _dictionary_words() -> list[str]:
    text = (importlib.resources.files("textkit") / "resources" / "userdict.txt").read_text("utf-8")
    return [
        line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


#: Dictionary words containing a lexicon term whose hit is not the contained term (none now:
#: 依法治镇, where 依法 and 法治 overlap, is a lexicon entry like 依法治村).
DICTIONARY_EXCEPTIONS: dict[str, str] = {}


def test_every_dictionary_compound_counts_the_terms_inside_it(seg):
    """For each governance-dictionary word containing a lexicon term, scoring the word in a
    sentence gives the contained term's hit once (综治维稳: 综治 + 维稳), or the word's own hit
    once when it is a lexicon entry; a term inside another contained term is not counted on
    its own (社会治安综合治理委员会: 社会治安综合治理, not 治安 or 社会治安)."""
    terms = set(LEX.terms())
    checked = 0
    for word in _dictionary_words():
        inside = {t for t in terms if t in word and t != word}
        if not inside or word in DICTIONARY_EXCEPTIONS:
            continue
        if word in terms:
            expected = [word]
        else:
            expected = sorted(t for t in inside if not any(t in u and t != u for u in inside))
        for sentence in (f"{word}。", f"关于加强{word}的意见。"):
            hits = frame_hits([sentence], segmenter=seg)
            assert sorted(hits["term"]) == expected, (sentence, seg.cut(sentence))
        checked += 1
    assert checked > 190
    assert set(DICTIONARY_EXCEPTIONS) <= set(_dictionary_words())


def test_stability_is_counted_in_zongzhi_weiwen_once(seg):
    hits = frame_hits(["加强综治维稳。", "做好维稳。"], segmenter=seg)
    assert hits.groupby("doc_id")["term"].apply(list).to_dict() == {
        "0": ["综治", "维稳"],
        "1": ["维稳"],
    }
    assert (hits["value"] == 1).all()


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_fires_on_its_test_sentence(name, seg):
    rule = RULES[name]
    hits = frame_hits([rule.test], segmenter=seg)
    fired = hits[hits["rule"] == name]
    assert len(fired) >= 1, hits[["term", "rule"]]
    off = frame_hits([rule.test], segmenter=seg, config=FrameConfig(context_rules=False))
    assert (off["rule"] == "").all() and (off["multiplier"] == 1).all()
    if rule.kind in ("compound", "governs"):
        assert set(fired["term"]) == {rule.term}
    if rule.kind == "topic":
        assert set(fired["term"]) <= set(rule.terms)
    if rule.kind == "governs":
        assert set(fired["frame"]) == {rule.frame}
        assert (fired["value"] == fired["weight"] * rule.multiplier).all()
    else:
        assert (fired["multiplier"] == rule.multiplier).all()
    # KWIC marks the same rule at the same term
    lines = kwic([rule.test], term=sorted(set(fired["term"])), lexicon=LEX)
    assert name in set(lines["rule"])


def _counts(sentence: str, seg) -> tuple[float, float]:
    row = score_frames([sentence], segmenter=seg, config=FrameConfig(n_boot=0)).iloc[0]
    return row["n_stability"], row["n_service_law"]


def test_rule_by_law_and_rule_of_law(seg):
    # rule BY law: 依法 before a crackdown verb counts for stability, with its weight
    assert _counts("依法严厉打击违法犯罪。", seg) == (2.5, 0.0)
    off = score_frames(["依法严厉打击违法犯罪。"], segmenter=seg, config=FrameConfig(n_boot=0,
                       context_rules=False))  # fmt: skip
    assert (off.loc[0, "n_stability"], off.loc[0, "n_service_law"]) == (2.0, 0.5)
    hits = frame_hits(["依法严厉打击违法犯罪。"], segmenter=seg).set_index("term")
    assert hits.loc["依法", "category"] == "打击整治" and hits.loc["依法", "weight"] == 0.5
    for sentence in ("对违法行为依法查处。", "由司法机关依法追究其刑事责任。", "依法予以制裁。"):
        assert _counts(sentence, seg)[1] == 0, sentence
    # rule OF law: as before
    assert _counts("坚持依法行政、建设法治政府。", seg) == (0.0, 2.0)
    for sentence in ("依法维护群众合法权益。", "支持村级组织依法履行职责。"):
        hits = frame_hits([sentence], segmenter=seg).set_index("term")
        assert hits.loc["依法", "frame"] == "service_law" and hits.loc["依法", "rule"] == (
            "by_law_service"
        )
    # other uses of 依法 keep their frame and weight, and the nearest governed word wins
    assert _counts("依法参与民主监督。", seg) == (0.0, 0.5 + 0.5 + 1.0)  # 依法 + 参与 + 民主监督
    assert _counts("依法、及时、妥善处理群众反映的问题。", seg) == (0.0, 0.5)  # beyond the window
    mixed = frame_hits(["依法保障群众权益和打击犯罪。"], segmenter=seg).set_index("term")
    assert mixed.loc["依法", "frame"] == "service_law"
    # a coercive measure taken against someone (the sixth reading's police and court reports)
    hits = frame_hits(["警方已依法对犯罪嫌疑人采取刑事强制措施。"], segmenter=seg)
    assert hits.set_index("term").loc["依法", "rule"] == "by_law_crackdown"
    # a clause boundary ends what 依法 governs
    assert (
        frame_hits(["依法，严厉打击。"], segmenter=seg).set_index("term").loc["依法", "frame"]
        == "service_law"
    )


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("召开各民主党派和无党派人士座谈会。", "民主"),
        ("他是一位著名的民主人士。", "民主"),
        ("香港民主派议员提出动议。", "民主"),
        ("美国民主党举行初选。", "民主"),
        ("民主进步党中央执行委员会今天通过提名名单。", "民主"),
        ("扎实做好新冠肺炎疫情防控工作。", "防控"),
        ("加强传染病防控。", "防控"),
        ("健全联防联控机制。", "联防"),
        ("实行首问责任制。", "问责"),
        # words of government work reports since 1954 and of other genres
        ("巩固人民民主专政的国家政权。", "民主"),
        ("新民主主义革命取得了胜利。", "民主"),
        ("完成了土地改革和民主改革。", "民主"),
        ("朝鲜民主主义人民共和国代表团访华。", "民主"),
        ("坚持和完善民族区域自治制度。", "自治"),
        ("召开公开宣判大会。", "公开"),
        ("做好地质灾害防控工作。", "防控"),
        ("加强大气污染防控。", "防控"),
        ("加强艾滋病防控。", "防控"),
        ("做好血吸虫病防控。", "防控"),
    ],
)
def test_compound_rules_add_nothing(sentence, term, seg):
    hits = frame_hits([sentence], segmenter=seg)
    assert term in set(hits["term"])
    assert hits.loc[hits["term"] == term, "value"].sum() == 0
    assert _counts(sentence, seg) == (0.0, 0.0)


def test_compound_rules_leave_the_term_elsewhere(seg):
    assert _counts("发扬民主，完善民主决策。", seg) == (0.0, 1.5)  # 民主 0.5 + 民主决策
    assert _counts("健全治安防控体系，加强防控。", seg) == (2.0, 0.0)
    assert _counts("加强治安联防。", seg) == (1.0, 0.0)
    assert _counts("发扬社会主义民主，推进政务公开。", seg) == (0.0, 1.5)  # 民主 0.5 + 政务公开
    assert _counts("加强防控，落实村民自治。", seg) == (1.0, 1.0)
    assert _counts("依法公开审理案件。", seg) == (0.0, 0.5)  # 依法 only: open trials are neither


def test_topic_rules_read_only_their_clause_and_their_terms(seg):
    """A topic rule sets aside its terms in the clause about its subject, and nothing else:
    not the other terms of its clause; in the other clauses of the sentence only when the
    sentence holds no other stability term (治安 anchors it in public order) and no
    ``unless``; never in another sentence."""
    assert _counts("做好安全生产工作，加强隐患排查。", seg) == (0.0, 0.0)
    assert _counts("加强重点行业领域隐患排查整治，坚决遏制重特大事故发生。", seg) == (0.0, 0.0)
    assert _counts("做好安全生产工作，加强社会治安隐患排查。", seg) == (2.5, 0.0)  # anchored
    assert _counts("做好安全生产工作。加强隐患排查。", seg) == (1.5, 0.0)  # 隐患 0.5 + 排查
    assert _counts("做好安全生产工作，深化扫黑除恶排查。", seg) == (2.0, 0.0)  # unless 黑恶
    assert _counts("加强安全生产隐患排查。", seg) == (0.0, 0.0)
    assert _counts("加强社会治安隐患排查。", seg) == (2.5, 0.0)  # no subject: counted
    hits = frame_hits(["加强消防安全隐患排查和社会治安防控。"], segmenter=seg)
    read = hits.set_index("term")
    assert read.loc["排查", "rule"] == "safety_production_topic" and read.loc["排查", "value"] == 0
    assert read.loc["治安防控", "value"] == 1.0  # not a term of the rule
    # KWIC reads the occurrence the same way
    lines = kwic(["加强消防安全隐患排查。"], term="排查", lexicon=LEX)
    assert lines["rule"].tolist() == ["safety_production_topic"]


def test_new_rules_on_the_seed_corpus(seed_docs, seg):
    """The sense rules change the hits of the seed corpus read by hand (frames_card.md):
    6 依法 before a sanction, 7 environmental 整治, 8 regulators' 监督, 15 control words in a
    sentence about 安全生产, 假冒伪劣, emergencies or sewage, 15 维稳 in a scholar's critique (中国式维稳,
    维稳怪圈), two 公平正义 in the political-legal formula and the 国安 of 治国安邦; the rules
    for party names, epidemics and the like find nothing to change there (no 民主党派,
    疫情防控, 联防联控 or 首问责任制)."""
    hits = frame_hits(seed_docs[["doc_id", "text"]], segmenter=seg)
    counts = hits["rule"].value_counts().to_dict()
    assert counts.get("by_law_crackdown") == 6
    assert counts.get("environmental_rectification") == 7
    assert counts.get("administrative_supervision") == 8
    assert counts.get("safety_production_topic") == 10 and counts.get("environment_topic") == 5
    assert counts.get("stability_critique") == 15 and counts.get("three_environments") == 2
    assert counts.get("guoan_not_security") == 1
    topic = hits[hits["rule"].str.endswith("_topic")]
    assert sorted(set(topic["term"])) == [
        "依法",
        "应急处置",
        "整治",
        "监督",
        "突发事件",
        "防范",
        "隐患",
    ]
    # a sentence that also names public order is read clause by clause: the school-safety
    # inspection and the emergencies of the public-order regulation keep their count
    kept = hits[hits["left"].str.endswith(("学校安全", "积极预防和妥善处置"))]
    assert len(kept) == 2 and (kept["value"] > 0).all() and (kept["rule"] == "").all()
    assert (topic["value"] == 0).all()
    critique = hits[hits["rule"] == "stability_critique"]
    assert (critique["term"] == "维稳").all() and critique["doc_id"].nunique() == 1
    # the campaign around schools stays public order
    school = hits[
        (hits["term"] == "整治") & hits["left"].str.endswith(("校园及周边环境的", "校园及周边环境"))
    ]
    assert len(school) >= 2 and (school["value"] == 0.5).all()
    for name in ("democratic_parties", "epidemic_control", "joint_epidemic_control",
                 "first_inquiry_responsibility"):  # fmt: skip
        assert name not in counts
    moved = hits[hits["rule"] == "by_law_crackdown"]
    assert (moved["term"] == "依法").all() and (moved["frame"] == "stability").all()
    assert moved["value"].sum() == 3.0
    # the two reference entries of article 003 第6篇 cite titles on public order
    cited = hits[hits["rule"] == "bibliographic_reference"]
    assert sorted(cited["term"]) == ["公安", "公安", "服务", "治安", "治安"]
    assert (cited["value"] == 0).all() and cited["doc_id"].nunique() == 1


def test_reference_entries_frame_nothing(seg):
    """A reference-list entry (GB/T 7714 type mark) cites a title: none of its terms count,
    in the clause that holds the mark; the rest of the text and footnote numbers in prose
    are read as before."""
    entry = "[2]叶永光.治安服务社会化根本理由及其政策导向问题探索[J].浙江公安高等专科学校学报，2005,(5)."
    hits = frame_hits([entry], segmenter=seg)
    assert {"治安", "公安"} <= set(hits["term"])
    assert (hits["value"] == 0).all() and set(hits["rule"]) == {"bibliographic_reference"}
    assert _counts(entry, seg) == (0.0, 0.0)
    for mark in ("[M]", "[N]", "[EB/OL]", "［J］"):
        assert _counts(f"[3]李某.加强社会治安综合治理{mark}.北京：某出版社，2010.", seg) == (0, 0)
    # prose keeps its hits: a footnote number, a bracketed letter that is not a type mark
    assert _counts("占总数的88%。[1]基层检察机关践行法律监督职能。", seg) == (0.0, 1.0)  # 法律监督
    assert _counts("[1]加强社会治安综合治理。", seg) == (1.0, 0.0)
    assert _counts("加强社会治安[B类]综合治理工作。", seg)[0] > 0
    # only the clause with the mark: a comma inside a title leaves its first part counted
    assert _counts("[4]王某.论维稳，兼谈法治[J].学报，2012.", seg) == (1.0, 0.0)


def test_accountability_of_officials_is_not_crime_control(seg):
    """职务犯罪 (crimes of office) is the object of accountability: service_law, and 犯罪
    inside it is not counted as crime control (longest term wins)."""
    hits = frame_hits(["开展村官职务犯罪专项治理。"], segmenter=seg)
    assert hits["term"].tolist() == ["职务犯罪"]
    assert _counts("开展村官职务犯罪专项治理。", seg) == (0.0, 1.0)
    assert _counts("预防职务犯罪，加强廉政建设。", seg) == (0.0, 1.5)  # + 廉政 (0.5)
    assert _counts("严厉打击刑事犯罪。", seg)[1] == 0


def test_rule_set_reads_both_directions_and_the_nearest_word():
    lookup = LEX.lookup()
    after = ContextRule("a", "governs", "打击", 1.0, "n", term="依法", window=3,
                        frame="stability", category="打击整治", test="依法打击")  # fmt: skip
    near = ContextRule("b", "governs", "保障", 1.0, "n", term="依法", window=3,
                       frame="service_law", category="依法行政与法治", test="依法保障")  # fmt: skip
    before = ContextRule("c", "governs", "严厉", 0.5, "n", term="打击", window=1,
                         direction="before", frame="stability", category="打击整治", test="严厉地打击")  # fmt: skip
    rules = RuleSet([after, near, before], lookup)
    assert rules.read("依法保障打击。", [(0, 2, "依法")]) == [
        Reading("service_law", "依法行政与法治", 1.0, "b")
    ]
    assert rules.read("依法严打击。", [(0, 2, "依法")])[0].rule == "a"
    assert rules.read("依法，打击。", [(0, 2, "依法")])[0].rule == ""  # another clause
    assert rules.read("严厉地打击。", [(3, 5, "打击")]) == [
        Reading("stability", "打击整治", 0.5, "c")
    ]
    assert rules.read("严厉地去打击。", [(4, 6, "打击")])[0].rule == ""  # beyond the window
    # a string that is not a lexicon term gets the scope rules only
    assert rules.read("不能以维稳代替维权。", [(3, 5, "某词")]) == [Reading("", "", 1.0, "")]
    assert not RuleSet((), lookup)


def test_cue_filters_skip_only_texts_where_a_rule_cannot_apply():
    """A compound or topic rule is read only where its cue strings occur; the filter ignores
    the rule's own term and gives up (reads everywhere) where the term is not a plain run."""
    from textkit.core.lexicon import ContextRule
    from textkit.frames.rules import _ALWAYS, _cue_filter

    for rule in LEX.rules:
        if rule.kind in ("compound", "topic"):
            f = _cue_filter([rule])
            assert f is not _ALWAYS and f(rule.test), rule.name
    critique = _cue_filter([RULES["stability_critique"]])
    assert not critique("做好维稳工作。")  # the term alone is no cue
    assert critique("陷入维稳怪圈。") and critique("压力型维稳。")
    optional = ContextRule("x", "compound", "依法治?理", term="依法治")
    assert _cue_filter([optional]) is _ALWAYS  # a quantifier on the term's last character
    in_class = ContextRule("y", "compound", "[依法]治理", term="依法")
    assert _cue_filter([in_class]) is _ALWAYS
    plain = _cue_filter([ContextRule("z", "compound", "公共服务业", term="公共服务")])
    assert plain("发展公共服务业。") and not plain("加强公共服务。")


def test_kwic_reads_a_topic_across_clauses_as_the_scorer_does(seg):
    """A sentence read whole gets the sentence-wide topic reading in KWIC as in the scorer,
    also inside a paragraph longer than the reading window (read sentence by sentence); a
    sentence longer than the window is read clause by clause by both."""
    about = "做好安全生产工作，加强隐患排查。"
    filler = "推进基层治理现代化，完善村规民约，健全村民议事会制度。" * 20
    long_sentence = "做好安全生产工作，" + "完善村规民约，" * 80 + "加强隐患排查。"
    assert len(filler + about) > 500 and len(long_sentence) > 500
    for text, rule in [(about, "safety_production_topic"),
                       (filler + about, "safety_production_topic"),
                       (long_sentence, "")]:  # fmt: skip
        hits = frame_hits([text], segmenter=seg)
        scored = hits.loc[hits["term"] == "排查", "rule"].tolist()
        lines = kwic([text], term="排查", lexicon=LEX)["rule"].tolist()
        assert scored == lines == [rule], (text[:20], scored, lines)


def test_every_shift_of_a_list_of_shifts_is_read(seg):
    """从管控向服务、从维稳向维权转变: both 'from' sides are the old model (the sixth
    reading's academic abstracts); the verb is looked ahead to, not consumed by the first."""
    hits = frame_hits(["推动社会治理从管控向服务、从维稳向维权转变。"], segmenter=seg)
    by_term = hits.set_index("term")
    assert by_term.loc["管控", "value"] == 0 and by_term.loc["维稳", "value"] == 0
    assert by_term.loc["管控", "rule"] == by_term.loc["维稳", "rule"] == "shift_toward"
    assert _counts("推动社会治理从管控向服务、从维稳向维权转变。", seg)[0] == 0
