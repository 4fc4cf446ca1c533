"""Tests of textkit.corpus.dedup on the seed corpus and generated fixtures."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from textkit.core.errors import InvalidParameterError
from textkit.corpus.boilerplate import repeated_paragraphs
from textkit.corpus.dedup import (
    _STRIP,
    DedupConfig,
    DuplicateFinder,
    _jaccard_arrays,
    _shingle_sets,
    duplicate_key,
    find_duplicates,
    jaccard,
    later_kept_groups,
    minhash_signatures,
    normalise,
    shingles,
)

BASE = "基层社会治理要坚持党的领导，完善网格化管理，及时调解矛盾纠纷，维护村民合法权益。" * 6


def test_seed_pair_is_only_group(seed_docs):
    out = find_duplicates(seed_docs)
    grouped = out[out["dup_group"].notna()]
    assert sorted(grouped["doc_id"]) == ["000_bf6d7cf6cc31cd7b#01", "000_bf6d7cf6cc31cd7b#02"]
    assert grouped["dup_group"].nunique() == 1
    assert int(out["is_duplicate"].sum()) == 1
    assert out["similarity"].isna().sum() == 34
    assert out is not seed_docs


def test_config_validation():
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=1.5)
    with pytest.raises(ValueError, match="shingle_size"):
        DedupConfig(shingle_size=0)


def test_signatures_deterministic():
    a, b = minhash_signatures([BASE, BASE])
    assert a.jaccard(b) == 1.0
    assert list(minhash_signatures([BASE])[0].hashvalues) == list(a.hashvalues)


def test_repeated_paragraphs():
    closing = "以上是本人的工作汇报，不当之处请批评指正。"
    docs = pd.DataFrame(
        {
            "doc_id": ["x", "y", "z"],
            "title": ["", "", ""],
            "text": [
                "甲村开展矛盾纠纷排查调处工作成效明显。\n" + closing,
                "乙镇推进网格化服务管理全面覆盖到户。\n" + closing,
                "丙县完善信访工作制度依法解决群众诉求。",
            ],
        }
    )
    table = repeated_paragraphs(docs)
    assert len(table) == 1
    assert table.loc[0, "n_docs"] == 2 and table.loc[0, "doc_ids"] == "x;y"


def test_repeated_paragraphs_name_the_kept_member_of_a_duplicate_group():
    closing = "以上是本人的工作汇报，不当之处请批评指正。"
    body = "甲村开展矛盾纠纷排查调处工作成效明显，群众满意度逐年提高。\n"
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "title": ["", "", ""],
            # a is a flagged copy of b (b, the longer text, is kept: the group is named "b")
            "text": [
                body + closing,
                body + "乙镇推进网格化服务管理全面覆盖到户。\n" + closing,
                "丙县完善信访工作制度依法解决群众诉求。\n" + closing,
            ],
        }
    )
    grouped = find_duplicates(docs, DedupConfig(threshold=0.5))
    assert grouped["dup_group"].tolist()[:2] == ["b", "b"]
    assert pd.isna(grouped["dup_group"].iloc[2])
    assert grouped.set_index("doc_id")["is_duplicate"].to_dict() == {
        "a": True,
        "b": False,
        "c": False,
    }
    table = repeated_paragraphs(grouped).set_index("paragraph")
    assert table.loc[normalise(closing), "doc_ids"] == "b;c"  # not the flagged a
    assert table.loc[normalise(closing), "n_docs"] == 2


def _generated_corpus(
    n_docs: int = 300, n_copies: int = 30, seed: int = 0
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Documents of Zipf-drawn made-up words, and near copies of some of them with 5-15 %
    of their characters edited in spans (replaced, deleted or inserted): (docs, planted
    (original, copy) pairs)."""
    rng = random.Random(seed)
    pool = [chr(0x4E00 + rng.randrange(0x5000)) for _ in range(1500)]
    words = ["".join(rng.choices(pool, k=rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(3000)]
    weights = [1 / (r + 1) for r in range(len(words))]

    def text(n_chars: int) -> str:
        out: list[str] = []
        while sum(map(len, out)) < n_chars:
            out.append("".join(rng.choices(words, weights, k=rng.randint(6, 20))) + "，")
        return "".join(out)

    def edit(original: str, rate: float) -> str:
        chars = list(original)
        budget = int(rate * len(chars))
        while budget > 0:
            span = min(budget, rng.randint(1, 30))
            i = rng.randrange(len(chars) - span)
            op = rng.random()
            if op < 0.5:
                chars[i : i + span] = rng.choices(pool, k=span)
            elif op < 0.75:
                del chars[i : i + span]
            else:
                chars[i:i] = rng.choices(pool, k=span)
            budget -= span
        return "".join(chars)

    ids = [f"d{i:04d}" for i in range(n_docs)]
    texts = [text(rng.randint(300, 3000)) for _ in ids]
    planted = []
    for j in range(n_copies):
        source = rng.randrange(n_docs)
        ids.append(f"c{j:04d}")
        texts.append(edit(texts[source], rng.uniform(0.05, 0.15)))
        planted.append((ids[source], ids[-1]))
    return pd.DataFrame({"doc_id": ids, "text": texts}), planted


def _datasketch_groups(docs: pd.DataFrame, config: DedupConfig) -> dict[str, int]:
    """The same detection with datasketch alone: MinHash (its own SHA-1 shingle hash) and
    MinHashLSH candidates, each confirmed by the exact Jaccard; groups as components."""
    norms = {i: normalise(t) for i, t in zip(docs["doc_id"], docs["text"], strict=True)}
    k = config.shingle_size
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    signatures = {}
    for i, norm in norms.items():
        m = MinHash(num_perm=config.num_perm, seed=config.random_state)
        m.update_batch([norm[p : p + k].encode("utf-8") for p in range(len(norm) - k + 1)])
        signatures[i] = m
        lsh.insert(i, m)
    graph = nx.Graph()
    graph.add_nodes_from(norms)
    for i, m in signatures.items():
        for j in lsh.query(m):
            if j != i and jaccard(shingles(norms[i], k), shingles(norms[j], k)) >= config.threshold:
                graph.add_edge(i, j)
    return {d: n for n, comp in enumerate(nx.connected_components(graph)) for d in comp}


def _recall(grouped: Callable[[str, str], bool], docs, planted, config) -> tuple[int, int]:
    """Planted pairs found, of those whose exact Jaccard reaches the threshold (the others
    are not near duplicates at this threshold, whatever the hashing)."""
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    k = config.shingle_size
    true = [
        (a, b)
        for a, b in planted
        if jaccard(shingles(texts[a], k), shingles(texts[b], k)) >= config.threshold
    ]
    return sum(grouped(a, b) for a, b in true), len(true)


def test_planted_near_duplicates_recall_at_least_datasketch():
    docs, planted = _generated_corpus()
    config = DedupConfig()
    out = find_duplicates(docs, config).set_index("doc_id")["dup_group"]
    ours = _recall(lambda a, b: out[a] is not None and out[a] == out[b], docs, planted, config)
    ds = _datasketch_groups(docs, config)
    theirs = _recall(lambda a, b: ds[a] == ds[b], docs, planted, config)
    assert ours[1] == theirs[1] >= 15  # enough planted pairs above the threshold to count
    assert ours[0] >= theirs[0]
    assert ours[0] >= 0.7 * ours[1]
    # at a lower threshold the 5-15 % edits are near duplicates too, and none is missed
    low = DedupConfig(threshold=0.5)
    out = find_duplicates(docs, low).set_index("doc_id")["dup_group"]
    found, true = _recall(lambda a, b: out[a] is not None and out[a] == out[b], docs, planted, low)
    assert true >= 25 and found >= true - 1


def test_groups_deterministic_and_independent_of_order():
    docs, _ = _generated_corpus(n_docs=120, n_copies=20, seed=1)
    ref = find_duplicates(docs)
    assert ref["dup_group"].notna().sum() >= 10
    pd.testing.assert_frame_equal(find_duplicates(docs), ref)
    shuffled = docs.sample(frac=1.0, random_state=3)
    again = find_duplicates(shuffled).set_index("doc_id").loc[docs["doc_id"]].reset_index()
    pd.testing.assert_frame_equal(again, ref)
    finder = DuplicateFinder()  # the streamed build's path, texts added one by one
    for doc_id, text in zip(shuffled["doc_id"], shuffled["text"], strict=True):
        finder.add_text(doc_id, text)
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    found = finder.resolve(lambda ids: {i: texts[i] for i in ids}, max_fetch=7)
    grouped = ref[ref["dup_group"].notna()].set_index("doc_id")
    assert {d: g for d, (g, _, _) in found.items()} == grouped["dup_group"].to_dict()


def test_signatures_in_worker_processes_give_the_same_groups(monkeypatch):
    """n_jobs hashes and signs the texts in worker processes and reads again only the
    candidates' texts: the same table as one process (exact copies, near copies, singletons,
    a text too short to sign)."""
    from textkit.corpus import dedup

    monkeypatch.setattr(dedup, "PARALLEL_MIN_DOCS", 1)
    docs, _ = _generated_corpus(n_docs=120, n_copies=20, seed=2)
    docs = pd.concat([docs, pd.DataFrame({"doc_id": ["short"], "text": ["维稳"]})])
    serial = find_duplicates(docs)
    assert serial["dup_group"].notna().sum() >= 10
    pd.testing.assert_frame_equal(find_duplicates(docs, n_jobs=2), serial)
    # in a caller's running processes (build_corpus cleans and hashes in the same ones)
    from textkit.core.executor import worker_pool

    with worker_pool(2) as pool:
        assert pool.map(len, ["ab", "c"]) == [2, 1] and pool.starts == 1
        pd.testing.assert_frame_equal(find_duplicates(docs, pool=pool), serial)
        assert pool.starts == 1 and pool._executor is not None  # reused, left running


def test_duplicate_finder_takes_minhash_or_values():
    config = DedupConfig(num_perm=32)
    digest, length, mh = duplicate_key(BASE, config)
    a, b = DuplicateFinder(config), DuplicateFinder(config)
    a.add("x", digest, length, mh)
    a.add("y", b"\1" * len(digest), length, mh)
    b.add("x", digest, length, mh.hashvalues)
    b.add("y", b"\1" * len(digest), length, np.array(mh.hashvalues))
    texts = {"x": BASE, "y": BASE}
    assert a.resolve(lambda ids: texts) == b.resolve(lambda ids: texts)
    with pytest.raises(ValueError, match="signature: expected 32 hash values, got 16"):
        b.add("z", digest, length, mh.hashvalues[:16])


def test_shingle_sets_equal_the_shingle_strings():
    rng = random.Random(2)
    few = "".join(rng.choice("甲乙丙丁戊") for _ in range(200))
    many = "".join(chr(0x20000 + rng.randrange(40000)) for _ in range(12000))  # > 7131 chars
    for texts in ({"a": few, "b": few[50:] + "甲乙"}, {"a": many, "b": many[30:], "c": "短"}):
        sets = _shingle_sets(texts, 5)
        for i, t in texts.items():
            assert len(sets[i]) == len(shingles(t, 5))
        assert _jaccard_arrays(sets["a"], sets["b"]) == jaccard(
            shingles(texts["a"], 5), shingles(texts["b"], 5)
        )
    assert _shingle_sets({"a": many, "b": many[30:]}, 5)["a"].dtype.kind == "V"  # too many chars
    assert _shingle_sets({"a": few}, 5)["a"].dtype == np.uint64


def _normalise_reference(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


HARD = [  # composition across characters, multi-character forms, context-dependent case
    "ｅ\u0301",
    "e\u0301\u0327",
    "Ａ\u030a",
    "\u1100\u1161\u11a8",
    "\uffa1\uffc2",
    "ｶﾞﾊﾟ",
    "か\u309b",
    "…",
    "⑴",
    "ﬁ",
    "\u212a",
    "ΑΣ Β",
    "ΑΣ.Β",
    "ΑΣ",
    "İ",
    "\u3000",
    "ﷺ",
    "\u0344",
    "\u0f73",
    "\u0dd9\u0dca",
    "\u0b47\u0b3e",
    "①２③",
    "㍻",
    "治理，",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=60, max_size=200))
def test_normalise_equals_its_definition(text):
    assert normalise(text) == _normalise_reference(text)


def test_normalise_equals_its_definition_on_hard_cases(seed_docs):
    rng = random.Random(4)
    texts = [case * 70 for case in HARD]
    texts += ["".join(rng.choices(HARD, k=120)) for _ in range(200)]
    texts += ["\ud800" * 70, "治理" * 40 + "\udfff"]  # lone surrogates: the plain path
    texts += list(seed_docs["text"])
    for text in texts:
        assert normalise(text) == _normalise_reference(text), repr(text[:40])


def test_normalise_lines_equals_normalising_each_line(seed_docs):
    """The one-pass normalisation of a text's lines equals normalise() line by line: on the
    seed articles and on generated text with compatibility forms, combining marks, final
    sigma, special lower-casing, line separators other than "\\n" and short lines."""
    import random

    from textkit.corpus.dedup import normalise, normalise_lines

    texts = list(seed_docs["text"])
    pools = [
        "维稳ｱｲ①⑴…ﬁ",
        "ΑΣ Σ σς\n",
        "e\u0301\u0300\u1e9eß",
        "İıǅ_-—",
        "\t\u3000\u2028\u0085\r\n",
    ]
    rng = random.Random(3)
    texts += ["".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 200)))
              for _ in range(500)]  # fmt: skip
    for text in texts:
        assert normalise_lines(text) == [normalise(line) for line in text.split("\n")]


def test_groups_equal_confirming_every_candidate_pair():
    """Groups are the components of all LSH candidate pairs whose Jaccard reaches the
    threshold; pairs already connected are not confirmed, which changes nothing. Checked
    against confirming every pair, on clusters with chains (a ~ b ~ c, a not ~ c), exact
    copies and near-identical templates, in one process and with a small fetch limit."""
    from textkit.corpus.dedup import _jaccard_arrays, _shingle_sets

    rng = random.Random(5)
    base = "坚持和发展新时代枫桥经验，推进社会治安综合治理，加强基层治理，提升公共服务水平。"
    texts: dict[str, str] = {}
    for c in range(6):  # chains: each step edits a few characters of the previous text
        t = base * 3 + f"第{c}组"
        for j in range(8):
            pos = rng.randrange(len(t))
            t = t[:pos] + "".join(rng.choice("区县乡镇村社街") for _ in range(6)) + t[pos + 6 :]
            texts[f"c{c}-{j}"] = t
    for j in range(40):  # a template with a number changed
        texts[f"t{j:02d}"] = base * 2 + f"编号{j}"
    texts["x1"] = texts["x2"] = "依法行政，建设服务型政府。" * 5  # exact copies
    config = DedupConfig(threshold=0.8)
    finder = DuplicateFinder(config)
    for doc_id, text in texts.items():
        finder.add_text(doc_id, text)
    ids = list(finder._index)
    graph = nx.Graph()
    for bucket in finder._buckets():
        members = sorted({ids[a] for a in bucket})
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                sh = _shingle_sets({a: normalise(texts[a]), b: normalise(texts[b])}, 5)
                if texts[a] == texts[b] or _jaccard_arrays(sh[a], sh[b]) >= config.threshold:
                    graph.add_edge(a, b)
    want = {frozenset(c) for c in nx.connected_components(graph)}
    assert len(want) >= 5 and max(map(len, want)) >= 8
    for limit in (None, 5):
        found = finder.resolve(lambda wanted: {i: texts[i] for i in wanted}, max_fetch=limit)
        got: dict[str, set[str]] = {}
        for d, (group, _, _) in found.items():
            got.setdefault(group, set()).add(d)
        assert {frozenset(g) for g in got.values()} == want, limit


_REPRINT = (
    "为加强和创新基层社会治理，推进平安建设，结合本县实际，制定本方案。坚持依法行政，提升公共服务水平。"
    * 4
)


@pytest.mark.parametrize(
    "when",
    [
        [2022, 2020, 2021],  # years
        ["2022", "2020", "2021"],  # years as text
        ["2022-05-01", "2020-12-31", "2021-01-01"],  # dates as text
        pd.to_datetime(["2022-05-01", "2020-12-31", "2021-01-01"]),  # dates
        ["2022", "2020-12-31", None],  # a year, a date and no value
        ["2019/06/07", "2017年1月10日", "2019年3月"],  # as a scraped 发布时间 column mixes them
        ["2019-6-7 10:22", "２０１７年１月１０日", "20190301"],
    ],
)
def test_keep_earliest_by_keeps_the_first_copy_in_time(when):
    from textkit.corpus.dedup import earliest_ranks

    docs = pd.DataFrame(
        {
            "doc_id": ["b", "a", "c"],
            "text": ["转载：" + _REPRINT, _REPRINT, _REPRINT + "（完）"],
            "when": when,
        }
    )
    out = find_duplicates(docs, DedupConfig(keep_earliest_by="when")).set_index("doc_id")
    assert out["dup_group"].tolist() == ["a", "a", "a"]  # the 2020 copy, not the longest
    assert pd.isna(out.loc["a", "dup_of"]) and out.loc["b", "dup_of"] == "a"
    default = find_duplicates(docs).set_index("doc_id")
    assert default.loc["a", "is_duplicate"]  # by default the longest copy is kept
    ranks = earliest_ranks(docs, DedupConfig(keep_earliest_by="when"))
    assert ranks[1] < ranks[0] and (ranks[2] < ranks[0] or ranks[2] == np.inf)


def test_keep_earliest_by_names_a_missing_variable_and_the_others():
    docs = pd.DataFrame({"doc_id": ["a"], "text": [_REPRINT], "province": ["浙江"]})
    with pytest.raises(
        InvalidParameterError, match=r"keep_earliest_by: no document variable 'year'.*province"
    ):
        find_duplicates(docs, DedupConfig(keep_earliest_by="year"))
    with pytest.raises(InvalidParameterError, match="keep_earliest_by"):
        DedupConfig(keep_earliest_by=2020)


def test_earliest_ranks_read_each_value_alone():
    """The rank of a value does not depend on the others read with it (a streamed build
    reads the documents in batches): 20190301 is a date alone and among years."""
    from textkit.corpus.dedup import earliest_ranks

    values = ["2021", "20190301", "2020-01-05", None, "", "2018.0", "n/a", "2019年3月5日"]
    docs = pd.DataFrame({"doc_id": list("abcdefgh"), "text": ["x"] * 8, "when": values})
    config = DedupConfig(keep_earliest_by="when")
    together = earliest_ranks(docs, config)
    alone = np.concatenate([earliest_ranks(docs.iloc[[i]], config) for i in range(len(docs))])
    np.testing.assert_array_equal(together, alone)
    assert together[5] < together[1] < together[2] < together[0]  # 2018 < 2019-03 < 2020 < 2021
    assert together[1] < together[7] < together[2]  # 2019-03-01 < 2019年3月5日 < 2020
    assert np.isinf(together[[3, 4, 6]]).all()


def test_later_kept_groups_compares_the_kept_copy_with_the_flagged_ones():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e", "f"],
            "dup_group": ["a", "a", "c", "c", "e", "e"],
            "is_duplicate": [True, False, False, True, True, False],
            # group a: kept 2020 over a 2019 copy; group c: kept the earlier; group e: a
            # kept copy without a year compares with nothing by year, but its date is later
            "year": [2019, 2020, 2019, 2021, 2018, None],
            "published": [None, None, None, None, "2018年3月5日", "2019-01-02"],
        }
    )
    assert later_kept_groups(docs) == ["a", "e"]
    assert later_kept_groups(docs, columns=("year",)) == ["a"]
    assert later_kept_groups(docs.drop(columns=["year", "published"])) == []
