"""Tests for textkit.core.lexicon: the shipped frame lexicon and its validation."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest

from textkit.core.lexicon import (
    FRAMES,
    LexiconError,
    governed_distance,
    load_lexicon,
    topic_applies,
)

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"

STABILITY_CATS = {"治安防控", "矛盾排查调处", "打击整治", "信访维稳", "重点人群管控", "平安创建"}
SERVICE_CATS = {"公共服务", "依法行政与法治", "权利保障", "参与与自治", "公开监督问责"}


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


@pytest.fixture(scope="module")
def seed_text():
    cc = opencc.OpenCC("t2s")
    return "".join(cc.convert(p.read_bytes().decode("utf-8")) for p in sorted(RAW.glob("*.txt")))


def test_shipped_structure(lex):
    cats = lex.frames
    assert set(cats) == set(FRAMES)
    assert set(cats["stability"]) == STABILITY_CATS
    assert set(cats["service_law"]) == SERVICE_CATS
    table = lex.table()
    assert list(table.columns) == [
        "frame",
        "category",
        "term",
        "weight",
        "ambiguous",
        "note",
        "source",
        "line",
    ]
    assert table["term"].is_unique
    # the policy vocabularies added after the seed reading say where each term comes from
    sourced = table.set_index("term")["source"]
    for term in [
        "放管服",
        "权力清单",
        "行政复议",
        "基层群众自治",
        "截访",
        "劝返",
        "处突",
        "雪亮工程",
    ]:
        assert len(sourced[term]) > 5, term
    assert (table["note"].str.len() > 0).all()
    assert (table["weight"] >= 0).all()
    for term in ["维稳", "社会治安综合治理", "排查", "一票否决", "群防群治", "严打", "邪教"]:
        assert term in lex.terms("stability")
    for term in ["服务型政府", "依法行政", "村民自治", "议事协商", "法律援助", "公共法律服务"]:
        assert term in lex.terms("service_law")
    assert lex.terms() == tuple(sorted(lex.terms()))
    assert set(lex.terms()) == set(lex.terms("stability")) | set(lex.terms("service_law"))


def test_ambiguous_terms_are_deliberate_and_visible(lex):
    table = lex.table().set_index("term")
    # generic words are listed (visible in KWIC / tables) but not scored
    assert table.loc["稳定", "weight"] == 0 and table.loc["稳定", "ambiguous"]
    assert table.loc["服务", "weight"] == 0 and table.loc["服务大局", "weight"] == 0
    # legal propaganda can serve control: down-weighted, flagged
    assert 0 < table.loc["法制宣传", "weight"] < 1 and table.loc["法制宣传", "ambiguous"]
    amb = table[table["ambiguous"]]
    assert (amb["weight"] < 1).all()


def test_most_terms_occur_in_seed_corpus(lex, seed_text):
    """The lexicon is grounded in the corpus: most scored terms occur in the seed pages."""
    scored = lex.table().query("weight > 0")["term"]
    found = [t for t in scored if t in seed_text]
    assert len(found) / len(scored) > 0.6
    for t in ["议事会", "社会治安综合治理", "一票否决", "依法行政", "排查", "服务型政府"]:
        assert t in seed_text


def test_context_rules_compile(lex):
    assert {r.kind for r in lex.rules} == {
        "negation", "shift", "reference", "compound", "governs", "topic",
    }  # fmt: skip
    for r in lex.rules:
        if r.kind in ("negation", "shift"):
            assert "scope" in r.regex.groupindex
        elif r.kind == "reference":  # the whole clause it matches in: no scope group
            assert "scope" not in r.regex.groupindex and r.multiplier == 0
        elif r.kind == "topic":  # lexicon terms read in a clause about another subject
            assert set(r.terms) <= set(lex.lookup()) and r.note and r.test and not r.term
        else:  # sense rules read one lexicon term and carry a note and a test sentence
            assert r.term in lex.lookup() and r.note and r.test
        assert r.test and r.matches(r.test), r.name
    assert list(lex.rules_table().columns) == [
        "name", "kind", "term", "pattern", "unless", "when", "window", "direction", "frame",
        "category", "multiplier", "note", "test", "line"]  # fmt: skip
    # the weight of 依法 itself is unchanged: a governs rule moves some of its uses
    assert lex.lookup()["依法"].weight == 0.5 and lex.lookup()["依法"].frame == "service_law"


GOOD = """\
frames:
  stability:
    categories:
      治安防控:
        terms:
          - {term: 维稳, note: stability}
  service_law:
    categories:
      公共服务:
        terms:
          - {term: 公共服务, note: services, weight: 2}
"""


def _write(tmp_path, text, name="lex.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_user_lexicon(tmp_path):
    lex = load_lexicon(_write(tmp_path, GOOD))
    assert lex.terms() == ("公共服务", "维稳")
    assert lex.lookup()["公共服务"].weight == 2.0
    assert lex.rules == ()


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("- {term: 维稳, note: stability}", "- {note: stability}", 6, "without 'term'"),
        ("- {term: 公共服务, note: services, weight: 2}",
         "- {note: a malformed entry without its term}", 11, "without 'term'"),
        ("- {term: 公共服务, note: services, weight: 2}",
         "- {term: 维稳, note: services}", 11, "duplicate term"),
        ("  service_law:", "  services:", 7, "unknown frame key"),
        ("weight: 2}", "weight: lots}", 11, "must be a number"),
        ("- {term: 维稳, note: stability}", "- {term: 维稳}", 6, "has no 'note'"),
    ],
)  # fmt: skip
def test_malformed_lexicon_names_file_and_line(tmp_path, old, new, line, message):
    assert old in GOOD
    p = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(LexiconError) as err:
        load_lexicon(p)
    msg = str(err.value)
    assert str(p) in msg
    assert re.search(rf"line {line}\b", msg), msg
    assert message in msg


def test_bad_rule_and_bad_yaml(tmp_path):
    rule = GOOD + "context_rules:\n  - {name: r1, kind: negation, pattern: '不是(.+)'}\n"
    with pytest.raises(LexiconError, match=r"line 13: rule 'r1': pattern needs a named group"):
        load_lexicon(_write(tmp_path, rule))
    with pytest.raises(LexiconError, match=r"line \d+: invalid YAML"):
        load_lexicon(_write(tmp_path, GOOD + "  bad: [unclosed\n", "b.yaml"))
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "missing.yaml")


COMPOUND = """\
  - name: parties
    kind: compound
    term: 公共服务
    pattern: '公共服务业'
    note: an industry, not a service of the state
    test: 发展公共服务业。
"""
GOVERNS = """\
  - name: by_law
    kind: governs
    term: 维稳
    pattern: '打击'
    window: 3
    frame: service_law
    category: 公共服务
    note: example
    test: 维稳打击。
"""
TOPIC = """\
  - name: industry
    kind: topic
    terms: [维稳, 公共服务]
    pattern: '工厂|车间'
    note: example
    test: 工厂的维稳。
"""


def test_sense_rules(tmp_path):
    lex = load_lexicon(_write(tmp_path, GOOD + "context_rules:\n" + COMPOUND + GOVERNS))
    compound, governs = lex.rules
    assert (compound.kind, compound.term, compound.multiplier) == ("compound", "公共服务", 0.0)
    assert (governs.frame, governs.category, governs.window) == ("service_law", "公共服务", 3)
    assert governs.multiplier == 1.0 and governs.direction == "after"
    assert governs.matches("维稳要打击。") and not governs.matches("维稳，打击。")
    assert not governs.matches("维稳要坚决地打击。")  # 4 characters between: beyond the window
    assert governs.line == 19 and lex.rules_table()["line"].tolist() == [13, 19]


def test_governs_rule_needs_its_when_in_the_clause(tmp_path):
    rule = GOVERNS.replace("test: 维稳打击。", "test: 工厂维稳打击。")
    rule = rule.replace("    note:", "    when: 工厂|车间\n    note:")
    (governs,) = load_lexicon(_write(tmp_path, GOOD + "context_rules:\n" + rule)).rules
    assert governs.when == "工厂|车间" and governs.matches("维稳打击车间。")
    assert not governs.matches("维稳打击。") and not governs.matches("工厂，维稳打击。")
    assert governed_distance(governs, "车间维稳打击", 2, 4) == 0
    assert governed_distance(governs, "维稳打击", 0, 2) is None


def test_topic_rule(tmp_path):
    lex = load_lexicon(_write(tmp_path, GOOD + "context_rules:\n" + TOPIC))
    (rule,) = lex.rules
    assert (rule.kind, rule.terms, rule.multiplier, rule.term) == (
        "topic", ("维稳", "公共服务"), 0.0, "",
    )  # fmt: skip
    assert rule.matches("车间公共服务。") and not rule.matches("工厂，公共服务。")
    assert not rule.matches("工厂的治安。")  # not one of its terms
    assert lex.rules_table().loc[0, "term"] == "维稳、公共服务"
    windowed = load_lexicon(
        _write(
            tmp_path,
            GOOD + "context_rules:\n" + TOPIC.replace("    note:", "    window: 1\n    note:"),
        )
    ).rules[0]
    assert (
        windowed.window == 1 and windowed.matches("工厂维稳。") and windowed.matches("工厂的维稳。")
    )
    assert not windowed.matches("工厂里的维稳。")  # two characters between
    assert topic_applies(windowed, "维稳在车间", 0, 2) and not topic_applies(
        windowed, "维稳也在车间", 0, 2
    )
    unless = TOPIC.replace("    note:", "    unless: 犯罪\n    note:")
    guarded = load_lexicon(_write(tmp_path, GOOD + "context_rules:\n" + unless)).rules[0]
    assert guarded.unless == "犯罪" and guarded.matches("工厂的维稳。")
    assert not guarded.matches("工厂犯罪的维稳。")  # the clause names what the rule spares


@pytest.mark.parametrize(
    ("rules", "old", "new", "line", "message"),
    [
        (TOPIC, "terms: [维稳, 公共服务]", "terms: 维稳", 13, "'terms' must be a non-empty list"),
        (TOPIC, "terms: [维稳, 公共服务]", "terms: []", 13, "'terms' must be a non-empty list"),
        (TOPIC, "terms: [维稳, 公共服务]", "terms: [维稳, 工厂]", 13, "non-lexicon term(s) ['工厂']"),
        (TOPIC, "    terms: [维稳, 公共服务]\n", "", 13, "'terms' must be a non-empty list"),
        (TOPIC, "test: 工厂的维稳。", "test: 工厂的治安。", 13, "does not apply to its test"),
        (TOPIC, "    note: example\n", "", 13, "has no 'note'"),
        (TOPIC, "    note:", "    term: 维稳\n    note:", 13, "unknown key(s) ['term']"),
        (TOPIC, "    note:", "    window: -1\n    note:", 13, "'window' must be an integer >= 0"),
        (TOPIC, "    note:", "    unless: '犯罪('\n    note:", 13, "bad 'unless' regex"),
        (COMPOUND, "kind: compound", "kind: sense", 13, "kind must be one of"),
        (COMPOUND, "'公共服务业'", "'公共服务业('", 13, "bad regex"),
        (COMPOUND, "    test: 发展公共服务业。\n", "", 13, "has no 'test' sentence"),
        (COMPOUND, "    note: an industry, not a service of the state\n", "", 13, "has no 'note'"),
        (COMPOUND, "test: 发展公共服务业。", "test: 发展公共服务。", 13, "does not apply to its test"),
        (COMPOUND, "term: 公共服务", "term: 服务业", 13, "must be a lexicon term"),
        (COMPOUND, "    note:", "    window: 3\n    note:", 13, "unknown key(s) ['window']"),
        (GOVERNS, "window: 3", "window: many", 13, "'window' must be an integer"),
        (GOVERNS, "frame: service_law", "frame: services", 13, "'frame' must be one of"),
        (GOVERNS, "category: 公共服务", "category: 治安防控", 13, "has no category"),
        (GOVERNS, "    category: 公共服务\n", "", 13, "has no category '治安防控'"),
        (GOVERNS, "test: 维稳打击。", "test: 维稳要求坚决打击。", 13, "does not apply"),
        (GOVERNS, "    note:", "    when: '工厂('\n    note:", 13, "bad 'when' regex"),
        (GOVERNS, "    note:", "    when: 工厂\n    note:", 13, "does not apply"),
    ],
)  # fmt: skip
def test_malformed_sense_rule_names_file_and_line(tmp_path, rules, old, new, line, message):
    assert old in rules
    p = _write(tmp_path, GOOD + "context_rules:\n" + rules.replace(old, new))
    with pytest.raises(LexiconError) as err:
        load_lexicon(p)
    msg = str(err.value)
    assert str(p) in msg and re.search(rf"line {line}\b", msg), msg
    assert message in msg, msg
