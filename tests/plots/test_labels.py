"""Article labels keep different titles apart: titles sharing a long beginning are not all
cut to the same text (a user's "青山镇2019年… (53)" and "青山镇2019年… (47)")."""

from __future__ import annotations

import pandas as pd

from textkit.plots.frames import plot_frame_balance
from textkit.plots.labels import article_label, article_labels, shorten

#: Titles of one town's reports: the first twelve characters say nothing about which.
TITLES = [
    "青山镇2019年度社会治安综合治理工作总结",
    "青山镇2019年度安全生产工作总结",
    "青山镇2019年第一季度矛盾纠纷排查化解工作情况",
    "青山镇2019年第二季度矛盾纠纷排查化解工作情况",
    "青山镇2019年度社会治安综合治理工作总结（修订稿）",
]
#: What tells each one apart, and must be in its label (the second is cut apart from the
#: others already).
DISTINGUISHING = ["社会治安综合治理工作总结", "安全", "第一季度", "第二季度", "修订稿"]
#: Titles that other titles leave alone.
OTHERS = ["乡镇党委书记 社会治安综合治理工作先进事迹", "村民议事会议事规则"]


def _scores(titles: list[str], ids: list[str]) -> pd.DataFrame:
    n = len(titles)
    balance = [round(-0.9 + 1.8 * k / max(n - 1, 1), 3) for k in range(n)]
    return pd.DataFrame(
        {
            "doc_id": ids,
            "title": titles,
            "balance": balance,
            "balance_lo": [b - 0.1 for b in balance],
            "balance_hi": [b + 0.1 for b in balance],
            "frame_label": ["stability" if b < 0 else "service_law" for b in balance],
        }
    )


def _title_part(label: str) -> str:
    return label[: label.rindex(" (")]


def test_titles_sharing_a_long_beginning_keep_the_words_that_tell_them_apart():
    assert len({shorten(t) for t in TITLES}) < len(TITLES)  # the problem: shared cut texts
    ids = ["53", "47", "12", "13", "54"]
    fig = plot_frame_balance(_scores(TITLES, ids))
    shown = {t.get_text() for t in fig.axes[0].get_yticklabels()}
    assert len(shown) == len(TITLES)
    heads = [_title_part(s) for s in shown]
    assert len(set(heads)) == len(TITLES), heads  # distinct without the ids
    labels = dict(zip(ids, article_labels(_scores(TITLES, ids)), strict=True))
    assert shown == set(labels.values())
    for doc, words in zip(ids, DISTINGUISHING, strict=True):
        label = labels[doc]
        assert words in label, label
        assert label.startswith("青山镇") and "…" in label and label.endswith(f" ({doc})")


def test_kept_apart_labels_leave_other_titles_alone_and_ignore_row_order():
    assert article_labels(_scores(TITLES, ["1"] * 5)).nunique() == len(TITLES)
    titles = TITLES + OTHERS + [TITLES[0]]  # a title twice: one text for both
    ids = [f"00{k}_4542067cb4fbbdc2#0{k + 1}" for k in range(len(titles))]
    table = _scores(titles, ids)
    labels = article_labels(table)
    for k in range(len(TITLES), len(titles) - 1):
        assert labels[k] == article_label(titles[k], ids[k])
    assert _title_part(labels.iloc[0]) == _title_part(labels.iloc[-1])
    shuffled = article_labels(table.sample(frac=1, random_state=3))
    assert shuffled.sort_index().tolist() == labels.tolist()
    no_ids = article_labels(table.drop(columns="doc_id"))
    assert no_ids.tolist() == [_title_part(s) for s in labels]


def test_titles_differing_in_two_places_get_distinct_labels():
    titles = [
        f"青山镇{year}年第{q}季度安全生产工作总结" for year in (2019, 2020) for q in ("一", "二")
    ]
    got = article_labels(pd.DataFrame({"title": titles}))
    assert got.nunique() == 4
    for t, label in zip(titles, got, strict=True):
        assert t[3:7] in label and t[9] in label  # the year and the quarter
