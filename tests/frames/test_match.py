"""Frame scoring on a segmented corpus: the span-guided token scan finds exactly what the full
scan finds, the clause prefilter of the scope rules changes no reading, and
``score_frames(docs, units=units)`` equals scoring the documents.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.core.lexicon import load_lexicon
from textkit.corpus.clean import to_simplified
from textkit.frames.match import TermMatcher, matcher_for
from textkit.frames.rules import RuleSet, _any_of
from textkit.frames.score import FrameConfig, frame_hits, score_frames
from textkit.segment.corpus import segment_corpus

#: Sentences that put terms at token edges, inside longer words, across several tokens, and
#: under the scope rules (traditional characters included: the scorer converts them).
TRICKY = [
    "综治维稳工作要常抓不懈；不能以维稳代替维权。",
    "由管控型政府向服务型政府转变，而不是单纯依靠打击。",
    "依法严厉打击违法犯罪，坚持依法行政、建设法治政府。",
    "民主党派参与政治协商，推进基层民主和村民自治。",
    "疫情防控与社会治安防控体系建设，矛盾纠纷排查调处化解。",
    "不再是维稳压倒一切",
    "維護社會穩定，堅持依法行政。",
    "社会治安综合治理委员会办公室（综治办）统筹网格化管理和公共服务。",
]


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


@pytest.fixture(scope="module")
def sentence_units(seed_units, seg):
    """Raw-token units of the seed corpus's kept articles and of the tricky sentences."""
    docs = pd.DataFrame(
        {"doc_id": [f"t{i}" for i in range(len(TRICKY))], "text": TRICKY}
    )  # fmt: skip
    seed = seed_units.groupby("doc_id", sort=False)["text"].agg("\n".join).reset_index()
    both = pd.concat([seed, docs], ignore_index=True)
    simple = both.assign(text=both["text"].map(to_simplified))  # as the scorer converts them
    return both, segment_corpus(simple, unit="sentence", segmenter=seg, cache=False, with_raw=True)


@pytest.mark.parametrize(
    "config",
    [
        FrameConfig(),
        FrameConfig(inside_tokens=False),
        FrameConfig(max_join=1),
        FrameConfig(max_join=2, context_rules=False),
    ],  # fmt: skip
    ids=["default", "no-inside", "join1", "join2"],
)
def test_span_guided_scan_equals_full_scan_on_the_seed_corpus(sentence_units, lexicon, config):
    _, units = sentence_units
    matcher = TermMatcher(lexicon, config)
    texts = units["text"].tolist()
    raws = units["raw"].tolist()
    spans = matcher.candidates(texts)
    n_hits = 0
    for k, (text, raw) in enumerate(zip(texts, raws, strict=True)):
        full = matcher.hits(raw)
        n_hits += len(full)
        assert matcher.hits_at(raw, spans.get(k, [])) == full, text
        if full:
            assert k in spans
    assert n_hits > 1000  # the seed corpus is full of frame terms


def test_span_guided_scan_equals_full_scan_on_random_tokenisations(lexicon):
    """Any cut of a text into tokens: terms split across tokens, starting or ending inside a
    token, nested in longer tokens; the spans still lead the scan to every hit."""
    rng = random.Random(20261206)
    terms = sorted(lexicon.lookup())
    filler = "的和在对我们要进一步加强工作机制群众服务社会"
    matcher = TermMatcher(lexicon, FrameConfig())
    checked = 0
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append(rng.choice(terms))
            parts.append("".join(rng.choice(filler) for _ in range(rng.randint(0, 3))))
        text = "".join(parts)
        cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.randint(0, 12))))
        tokens = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        spans = matcher.candidates([text]).get(0, [])
        full = matcher.hits(tokens)
        assert matcher.hits_at(tokens, spans) == full, tokens
        checked += len(full)
    assert checked > 500


def test_candidates_are_the_matches_of_the_longest_first_alternation(lexicon, sentence_units):
    """The automaton's spans are those of one regular expression of the terms, longest first,
    text by text (offsets in characters, also after characters outside the BMP), though all
    the texts are searched in one pass."""
    terms = sorted(lexicon.lookup(), key=lambda t: (-len(t), t))
    naive = re.compile("|".join(map(re.escape, terms)))
    texts = [
        *TRICKY,
        "社会治安综合治理综治维稳维护社会稳定维稳",
        "",
        "𠀀𠀁综治维稳𪚥维稳",  # CJK Extension B before the terms
        "没有任何词",
        *sentence_units[1]["text"].tolist(),
    ]
    matcher = TermMatcher(lexicon, FrameConfig())
    found = matcher.candidates(texts)
    expected = {
        k: spans
        for k, text in enumerate(texts)
        if (spans := [m.span() for m in naive.finditer(text)])
    }
    assert found == expected
    assert len(found) > 1000
    assert found[len(TRICKY) + 2][0][0] == 2  # after two characters, not eight bytes
    assert matcher.candidates([]) == {}
    assert matcher.candidates(["", "没有"]) == {}


def test_scope_prefilter_changes_no_reading(sentence_units, lexicon):
    """Reading the scope rules only in the clauses of the occurrences, after a one-pass
    check of the whole sentence, and the compound and topic rules only where their cue
    strings occur, gives the readings of reading every rule in every clause."""
    _, units = sentence_units
    matcher = TermMatcher(lexicon, FrameConfig())
    plain = RuleSet(lexicon.rules, lexicon.lookup())
    plain._any_scope = plain._any_scope_lines = None  # every clause read, as before
    plain._ruled = frozenset(lexicon.lookup())  # no shortcut for terms without rules
    # ... nor for rules whose cue strings are missing (every rule read everywhere)
    plain._may_apply = dict.fromkeys(plain._may_apply, lambda text: True)
    plain._cued = dict.fromkeys(lexicon.lookup(), lambda text: True)
    texts = units["text"].tolist()
    may = plain_rules_scope_texts = RuleSet(lexicon.rules, lexicon.lookup()).scope_texts(texts)
    assert may is not None and 0 < len(may) < len(texts) // 2
    for k, text in enumerate(texts):  # the one-pass check never misses a scope
        if plain.scopes(text):
            assert k in plain_rules_scope_texts, text
    changed = 0
    for text, raw in zip(units["text"], units["raw"], strict=True):
        hits = matcher.hits(raw)
        if hits:
            fast = matcher.read(text, hits)
            assert fast == plain.read(text, hits), text
            changed += sum(r.multiplier < 1 or bool(r.rule) for r in fast)
    assert changed > 10


def test_sentence_expression_refuses_rules_that_read_past_a_clause():
    assert _any_of([r"(?<=由)(?P<scope>管控)"], lines=True) is None
    assert _any_of([r"不再(?P<scope>\w+)(?!而是)"], lines=True) is None
    assert _any_of([r"(?P<x>a)(?P=x)"]) is None
    assert _any_of([r"不再(?P<scope>[^，]+?)(?=而是|$)"], lines=True) is not None
    # a clause-final scope ($) is still found in the middle of a sentence
    rules = [r for r in load_lexicon().rules if r.name == "not_x_but"]
    rs = RuleSet(rules, load_lexicon().lookup())
    assert rs.read("不再维稳，而是服务群众。", [(2, 4, "维稳")])[0].multiplier == 0


@pytest.mark.parametrize("level", ["document", "paragraph", "sentence"])
def test_scores_from_units_equal_scores_from_documents(sentence_units, seg, level):
    docs, units = sentence_units
    cfg = FrameConfig(n_boot=200)
    direct = score_frames(docs, level=level, segmenter=seg, config=cfg, cache=False)
    given = score_frames(docs, level=level, config=cfg, units=units)
    pd.testing.assert_frame_equal(direct, given, check_exact=True)
    assert direct["hits_stability"].sum() > 100


@pytest.mark.parametrize("level", ["document", "paragraph", "sentence"])
def test_scores_in_worker_processes_equal_the_serial_scores(
    sentence_units, level, monkeypatch, pool_starts
):
    """n_jobs matches runs of whole documents in worker processes (here from any size on): the
    scores and the hits equal one process's exactly."""
    from textkit.core import executor
    from textkit.frames import score as score_module

    monkeypatch.setattr(score_module, "PARALLEL_MIN_UNITS", 1)
    docs, units = sentence_units
    cfg = FrameConfig(n_boot=200)
    serial = score_frames(docs, level=level, config=cfg, units=units)
    assert pool_starts == [0]
    pooled = score_frames(docs, level=level, config=cfg, units=units, n_jobs=2)
    assert pool_starts == [0, 1]  # one set of processes
    pd.testing.assert_frame_equal(pooled, serial, check_exact=True)
    assert serial["balance_lo"].notna().sum() > 10
    found, sent_df, counted = {}, {}, {}
    for n_jobs in (1, 2):
        with executor.worker_pool(n_jobs) as pool:
            sent_df[n_jobs], found[n_jobs], counted[n_jobs] = score_module._analyse_in_parts(
                units, load_lexicon(), cfg, True, pool
            )
    pd.testing.assert_frame_equal(found[2], found[1], check_exact=True)
    pd.testing.assert_frame_equal(sent_df[2], sent_df[1], check_exact=True)
    for a, b in zip(counted[2], counted[1], strict=True):
        assert a.tolist() == b.tolist()


def test_document_runs_never_cut_a_document():
    import numpy as np

    from textkit.frames.score import _document_runs

    ids = np.array(list("aaaaabbcdddddddddde"), dtype=object)
    for n in (1, 2, 3, 5, 40):
        bounds = _document_runs(ids, n)
        assert bounds[0] == 0 and bounds[-1] == len(ids) and len(bounds) - 1 <= n
        assert all(b == len(ids) or ids[b] != ids[b - 1] for b in bounds[1:])
    assert _document_runs(np.array([], dtype=object), 3) == [0]


def test_frame_hits_from_units_equal_hits_from_documents(sentence_units, seg):
    docs, units = sentence_units
    direct = frame_hits(docs, segmenter=seg, cache=False)
    pd.testing.assert_frame_equal(direct, frame_hits(docs, units=units), check_exact=True)


def test_scoring_goes_through_the_segmentation_cache(tmp_path, seg):
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": TRICKY[:2]})
    cache = tmp_path / "units.sqlite"
    first = score_frames(docs, segmenter=seg, cache=cache)
    assert cache.exists()
    units = segment_corpus(docs, segmenter=seg, cache=cache, with_raw=True)
    assert units["raw"].map("".join).tolist() == units["text"].tolist()
    pd.testing.assert_frame_equal(first, score_frames(docs, segmenter=seg, cache=cache))


def test_units_that_do_not_fit_the_texts_are_refused(sentence_units, seg):
    docs, units = sentence_units
    with pytest.raises(InvalidParameterError, match=r"lacks column\(s\) \['raw'\]"):
        score_frames(docs, units=units.drop(columns="raw"))
    paragraphs = segment_corpus(docs.head(3), unit="paragraph", segmenter=seg, cache=False,
                                with_raw=True)  # fmt: skip
    paragraphs = paragraphs.assign(sent_id=-1)
    with pytest.raises(InvalidParameterError, match="not sentence units"):
        score_frames(docs.head(3), units=paragraphs)
    with pytest.raises(InvalidParameterError, match="not among the texts"):
        score_frames(docs.head(3), units=units)
    with pytest.raises(InvalidParameterError, match="no units for document"):
        score_frames(docs, units=units[units["doc_id"] != "t0"])
    # units whose raw tokens are not those of their text: named, not scored at wrong offsets
    k = int(units["raw"].map(len).to_numpy().argmax())
    row = units.iloc[k]
    where = rf"doc_id='{row['doc_id']}', para_id={row['para_id']}, sent_id={row['sent_id']}"
    edited = units.copy()
    edited.iat[k, edited.columns.get_loc("text")] = row["text"][1:]
    as_string = units.copy()
    as_string.iat[k, as_string.columns.get_loc("raw")] = row["text"]
    missing = units.copy()
    missing.iat[k, missing.columns.get_loc("raw")] = None
    for bad in (edited, as_string, missing):
        with pytest.raises(InvalidParameterError, match=rf"raw tokens of sentence \({where}\)"):
            score_frames(docs, units=bad)
    # the same tokens as an array (a units table read back from parquet) are fine
    arrays = units.assign(raw=units["raw"].map(lambda r: np.array(r, dtype=object)))
    pd.testing.assert_frame_equal(score_frames(docs, units=arrays), score_frames(docs, units=units))
    trad = pd.DataFrame({"doc_id": ["x"], "text": [TRICKY[6]]})
    trad_units = segment_corpus(trad, segmenter=seg, cache=False, with_raw=True)
    with pytest.raises(InvalidParameterError, match="traditional characters"):
        score_frames(trad, units=trad_units)
    # the same units are scored as they are when the caller turns the conversion off
    out = score_frames(trad, units=trad_units, config=FrameConfig(simplify=False))
    assert len(out) == 1


def test_first_characters_of_rule_patterns():
    from textkit.core.patterns import first_chars as _first_chars

    assert _first_chars("(?:不能|不应)(?:再)?(?:以|用)") == {"不"}
    assert _first_chars("(?:由|从)(?P<scope>[^，]{1,20}?)转变") == {"由", "从"}
    assert _first_chars("(a|bc)+d") == {"a", "b"}
    for unknown in ("a*b", "[^x]y", ".z", r"\w", "(?i:ab)c", "(?=x)y", "(?i)ab"):
        assert _first_chars(unknown) is None, unknown
    # every clause a rule matches is still found with the shortcut in front
    rx = _any_of(["(?:避免|防止)(?P<scope>单纯依靠打击)", "变(?P<scope>管理)为"], lines=True)
    assert rx.pattern.startswith("(?=[")
    assert rx.search("要避免单纯依靠打击") and rx.search("变管理为服务") and not rx.search("服务")


def test_one_document_with_workers_asked_for_is_scored_here(sentence_units, monkeypatch):
    """A single document is one run of sentences: nothing to share out, scored in this
    process (not handed to a worker that was never given the units)."""
    from textkit.frames import score as score_module

    monkeypatch.setattr(score_module, "PARALLEL_MIN_UNITS", 1)
    docs, units = sentence_units
    one = docs.iloc[[0]]
    one_units = units[units["doc_id"] == one["doc_id"].iloc[0]]
    serial = score_frames(one, level="sentence", units=one_units)
    pooled = score_frames(one, level="sentence", units=one_units, n_jobs=2)
    pd.testing.assert_frame_equal(pooled, serial, check_exact=True)


def test_matcher_is_built_once_per_lexicon_and_settings(lexicon, sentence_units):
    _, units = sentence_units
    first = matcher_for(lexicon, FrameConfig())
    assert matcher_for(lexicon, FrameConfig(n_boot=0, min_hits=9)) is first  # scoring options
    assert matcher_for(lexicon, FrameConfig(max_join=2)) is not first
    assert matcher_for(lexicon, FrameConfig(context_rules=False)).rules.scope_rules == ()
    fresh = TermMatcher(lexicon, FrameConfig())
    raws = units["raw"].tolist()
    assert [first.hits(r) for r in raws] == [fresh.hits(r) for r in raws]


def test_span_shortcut_and_finder_on_input_of_other_origins(lexicon):
    """Spans that overlap or repeat (not the finder's) go through the token scan; a lone
    surrogate or an empty term of a lexicon built by hand does not break the finder."""
    from textkit.core.lexicon import Lexicon, Term

    matcher = TermMatcher(lexicon, FrameConfig())
    tokens = ["维稳", "工作"]
    full = matcher.hits(tokens)
    assert full == [(0, 4, "维稳工作", "维稳工作")]
    for spans in ([(0, 4), (0, 2)], [(0, 4), (0, 4)], [(0, 2), (0, 4)]):
        assert matcher.hits_at(tokens, spans) == full, spans
    assert matcher.candidates(["维稳\ud800维稳"]) == {0: [(0, 2), (3, 5)]}
    hand = Lexicon(entries=(Term("", "stability", "c", 1.0), Term("维稳", "stability", "c", 1.0)))
    assert TermMatcher(hand, FrameConfig()).candidates(["要维稳"]) == {0: [(1, 3)]}


def test_a_large_lexicon_finds_the_same_spans_with_the_default_automaton(lexicon, monkeypatch):
    """Above ``_DFA_MAX_TERMS`` terms the finder leaves the memory-hungry DFA; the spans are
    the same."""
    import textkit.frames.match as match_module

    texts = [*TRICKY, "社会治安综合治理综治维稳维护社会稳定维稳"]
    small = TermMatcher(lexicon, FrameConfig()).candidates(texts)
    monkeypatch.setattr(match_module, "_DFA_MAX_TERMS", 10)
    assert TermMatcher(lexicon, FrameConfig()).candidates(texts) == small
    assert len(small) == len(texts)
