"""Tests for textkit.corpus.split: article markers, titles, header/footer exclusion."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textkit.corpus.ingest import read_pages
from textkit.corpus.split import DOC_COLUMNS, SplitConfig, find_articles, split_pages

RAW_DIR = Path(__file__).resolve().parents[2] / "corpus" / "raw"

P0, P1, P2, P3, P4 = (
    "000_bf6d7cf6cc31cd7b",
    "001_aabf14e4f143a46b",
    "002_3b4db8ce04b1998a",
    "003_4542067cb4fbbdc2",
    "004_1031bda60efd16f2",
)

#: Titles read off the pages by eye (raw script, as split; cleaning simplifies them later).
EXPECTED_TITLES = {
    f"{P0}#01": "乡镇党委政府综合治理经验",
    f"{P0}#02": "乡镇党委政府综合治理经验",
    f"{P0}#03": "乡镇综合治理工作经验材料",
    f"{P0}#04": "乡镇党委书记 社会治安综合治理工作先进事迹",
    f"{P0}#05": "从乡镇治理看政府改革",
    f"{P1}#01": "農村新型基層治理機制建設調研報告(1)",
    f"{P1}#02": "基層干部的無力感從何而來",
    f"{P1}#03": "創新社會治理體制機制,維護社會和諧穩定",
    f"{P1}#04": "為什么要創新社會治理體制?",
    **{f"{P2}#{i:02d}": "乡镇社会治理创新工作方案" for i in range(1, 11)},
    **{f"{P3}#{i:02d}": "社会治理工作机制" for i in range(1, 9)},
    **{f"{P4}#{i:02d}": "基层治理工作方案范文" for i in range(1, 10)},
}


@pytest.fixture(scope="module")
def split():
    pages = read_pages(RAW_DIR)
    docs, log = split_pages(pages, return_log=True)
    return pages, docs, log


def test_all_36_articles_with_titles(split):
    _, docs, log = split
    assert list(docs.columns) == list(DOC_COLUMNS)
    assert len(docs) == 36
    assert dict(zip(docs["doc_id"], docs["title"], strict=True)) == EXPECTED_TITLES
    assert log["n_articles"].tolist() == [5, 4, 10, 8, 9]
    assert (log["n_dropped"] == 0).all()
    # ordinals run 1..n on every page and doc_id encodes them
    for page_id, g in docs.groupby("page_id"):
        assert g["ordinal"].tolist() == list(range(1, len(g) + 1))
        assert all(
            d == f"{page_id}#{o:02d}" for d, o in zip(g["doc_id"], g["ordinal"], strict=True)
        )


def test_glued_marker_splits_000_first_and_second(split):
    _, docs, _ = split
    d = docs.set_index("doc_id")["text_raw"]
    first, second = d[f"{P0}#01"], d[f"{P0}#02"]
    # the article before the glued "第二篇:" keeps its last sentence, without the marker
    assert first.rstrip().endswith("实现了发展与稳定的双赢。")
    assert "第二篇" not in first
    assert second.lstrip().startswith("xx镇毗邻京津")
    assert first.lstrip().startswith("xx镇毗邻京津")


def test_headers_and_footers_not_in_articles(split):
    _, docs, _ = split
    text = "\n".join(docs["text_raw"])
    for chrome in [
        "公文素材库 首页",
        "时间:2019-05-22",
        "狠狠干影院",
        "瀏覽次數",
        "以下是為大家整理的",
        "请欣赏乡镇社会治理创新工作方案",
        "首页 优秀范文",
        "社会治理工作机制赏析八篇",
        "公务员期刊网 精选范文",
        "基层治理工作方案精选(九篇)",
        "默认推荐访问其他文章",
        "免责声明",
        "http://m.bsmz.net",
        "推薦訪問",
        "工作總結最新推薦",
    ]:
        assert chrome not in text, chrome
    d = docs.set_index("doc_id")["text_raw"]
    assert d[f"{P0}#05"].rstrip().endswith("出现了如此大的偏离?")
    assert d[f"{P1}#04"].rstrip().endswith("已經難以完全適應。")


def test_title_line_is_not_repeated_in_body(split):
    _, docs, _ = split
    d = docs.set_index("doc_id")["text_raw"]
    assert not d[f"{P0}#03"].startswith("乡镇综合治理工作经验材料")
    assert d[f"{P0}#05"].lstrip().startswith("赵树凯")
    assert d[f"{P1}#01"].lstrip().startswith("年初")


def test_marker_styles_on_small_pages():
    cfg = SplitConfig()
    text = "站点 首页\n\n第一篇:甲文\n甲文正文。第二篇:乙文\n乙文正文。\n第三篇:丙文\n丙文正文。\n相关阅读\n链接"
    arts = find_articles(text, config=cfg)
    assert [(a.ordinal, a.title) for a in arts] == [(1, "甲文"), (2, "乙文"), (3, "丙文")]
    assert arts[0].text_raw == "甲文正文。"
    assert arts[2].text_raw == "丙文正文。"  # footer cut
    text = "合集标题第1篇\n正文一，很长的一句话，说明这不是标题。\n合集标题第2篇\n正文二。"
    arts = find_articles(text, config=cfg)
    assert [(a.ordinal, a.title) for a in arts] == [(1, "合集标题"), (2, "合集标题")]
    # numbers must run in sequence: a stray "第3篇" line is not a marker
    text = "标题 篇1\n短标题\n正文。\n另一个 篇3\n正文。"
    arts = find_articles(text, config=cfg)
    assert len(arts) == 1 and arts[0].title == "短标题"
    assert "另一个 篇3" in arts[0].text_raw


def test_no_markers_is_one_article(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "a.txt").write_text(
        "基层治理\n\n加强基层治理体系建设，推进乡镇社会治理现代化，维护社会稳定。\n"
    )
    docs = split_pages(read_pages(d))
    assert docs["doc_id"].tolist() == ["a#01"]
    assert docs.loc[0, "title"] == "基层治理"


def test_rejected_pages_are_skipped_and_input_not_mutated(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "ok.txt").write_text("加强基层治理体系建设，推进乡镇社会治理现代化，维护社会稳定。")
    pages = read_pages(d)
    before = pages.copy()
    docs = split_pages(pages)
    pd.testing.assert_frame_equal(pages, before)
    assert docs["page_id"].tolist() == ["ok"]


def test_config_validation():
    with pytest.raises(ValueError, match="marker_patterns"):
        SplitConfig(marker_patterns=(r"第(\d)篇",))
    with pytest.raises(ValueError, match="footer_patterns"):
        SplitConfig(footer_patterns=("(",))
    with pytest.raises(ValueError, match="min_article_chars"):
        SplitConfig(min_article_chars=-1)


BODY1 = "为切实做好维稳工作，现结合本镇实际，制定如下方案。"
BODY2 = "建设服务型政府，提升公共服务水平，依法保障群众合法权益。"


@pytest.mark.parametrize("sep", [" ", "\u3000", "  ", "\t"])
def test_heading_markers_followed_by_a_space_split(sep):
    text = (
        "某某镇文件汇编\n"
        f"第一篇{sep}维稳工作方案\n{BODY1}\n{BODY1}\n"
        f"第二篇{sep}服务型政府报告\n{BODY2}\n"
    )
    arts = find_articles(text, config=SplitConfig())
    assert [(a.ordinal, a.title) for a in arts] == [(1, "维稳工作方案"), (2, "服务型政府报告")]
    assert arts[0].text_raw == f"{BODY1}\n{BODY1}"
    assert arts[1].text_raw == BODY2
    # arabic numerals too, and the title may hold a space
    text = f"第1篇 乡镇党委书记 先进事迹\n{BODY1}\n第2篇 乙\n{BODY2}"
    arts = find_articles(text, config=SplitConfig())
    assert [a.title for a in arts] == ["乡镇党委书记 先进事迹", "乙"]


def test_running_text_mentioning_a_marker_is_not_split():
    cfg = SplitConfig()
    texts = [
        # mid-sentence, not at the start of a line
        f"本书第一篇讨论了基层治理，第二篇 讨论了服务型政府。\n{BODY1}",
        # at the start of a line but no separator: running text
        f"第一篇文章发表于2019年，引起了广泛讨论。\n{BODY1}\n第二篇文章随后发表。\n{BODY2}",
        # a separator, but a sentence rather than a short title
        f"第一篇 文章发表于2019年。\n{BODY1}\n第二篇 文章随后发表，反响很大。\n{BODY2}",
        # a title ending like a clause
        f"第一篇 讨论了基层治理，\n{BODY1}\n第二篇 讨论了服务型政府，\n{BODY2}",
        # a line longer than a title
        f"第一篇 {'基层治理' * 11}\n{BODY1}\n第二篇 {'服务型政府' * 9}\n{BODY2}",
        # one heading alone: the page does not number articles
        f"第一篇 维稳工作方案\n{BODY1}\n{BODY2}",
    ]
    for text in texts:
        arts = find_articles(text, config=cfg)
        assert len(arts) == 1, text
        assert arts[0].text_raw == text  # nothing dropped as a page header


def test_a_page_without_markers_says_when_a_line_starts_like_one(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "a.txt").write_text(f"第一篇文章发表于2019年，引起了广泛讨论。\n{BODY1}\n{BODY2}\n")
    (d / "b.txt").write_text(f"第一篇 维稳工作方案\n{BODY1}\n第二篇 服务型政府报告\n{BODY2}\n")
    (d / "c.txt").write_text(f"{BODY1}\n{BODY2}\n")
    docs, log = split_pages(read_pages(d), return_log=True)
    assert docs["doc_id"].tolist() == ["a#01", "b#01", "b#02", "c#01"]
    notes = dict(zip(log["page_id"], log["note"], strict=True))
    assert notes["a"].startswith("no article marker: line 1 starts like one ('第一篇文章发表于")
    assert notes["b"] == "" and notes["c"] == ""
    assert log.set_index("page_id").loc["b", "n_markers"] == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("第 1 篇:维稳工作方案", "第 2 篇：服务型政府报告"),
        ("第1 篇:维稳工作方案", "第2 篇:服务型政府报告"),
        ("第 一 篇：维稳工作方案", "第 二篇：服务型政府报告"),
        ("第\u3000一\u3000篇：维稳工作方案", "第\u3000二\u3000篇：服务型政府报告"),
        ("第 一 篇 维稳工作方案", "第 二 篇 服务型政府报告"),
        ("第\t1\t篇\t维稳工作方案", "第\u00a02\u00a0篇\u00a0服务型政府报告"),
        ("第 １ 篇:维稳工作方案", "第 ２ 篇:服务型政府报告"),
    ],
    ids=[
        "spaces-around-number",
        "space-before-pian",
        "chinese-numeral",
        "ideographic-space",
        "heading-form",
        "tab-and-nbsp",
        "full-width-digits",
    ],
)
def test_markers_with_spaces_inside_split(first, second):
    cfg = SplitConfig()
    text = f"某某镇文件汇编\n{first}\n{BODY1}\n{BODY1}\n{second}\n{BODY2}\n"
    arts = find_articles(text, config=cfg)
    assert [(a.ordinal, a.title) for a in arts] == [(1, "维稳工作方案"), (2, "服务型政府报告")]
    assert arts[0].text_raw == f"{BODY1}\n{BODY1}"
    assert arts[1].text_raw == BODY2


def test_spaced_markers_glued_after_a_sentence_or_after_a_common_title():
    cfg = SplitConfig()
    text = f"站点 首页\n第 一 篇：甲文\n{BODY1}第 二 篇：乙文\n{BODY2}\n第 3 篇:丙文\n{BODY1}"
    arts = find_articles(text, config=cfg)
    assert [(a.ordinal, a.title, a.text_raw) for a in arts] == [
        (1, "甲文", BODY1),
        (2, "乙文", BODY2),
        (3, "丙文", BODY1),
    ]
    text = f"合集标题第 1 篇\n{BODY1}\n合集标题第\u30002\u3000篇\n{BODY2}"
    arts = find_articles(text, config=cfg)
    assert [(a.ordinal, a.title) for a in arts] == [(1, "合集标题"), (2, "合集标题")]
    assert [a.text_raw for a in arts] == [BODY1, BODY2]


def test_running_text_with_spaced_markers_is_not_split():
    cfg = SplitConfig()
    texts = [
        # mid-sentence
        f"本书第 一 篇讨论了基层治理，第 二 篇 讨论了服务型政府。\n{BODY1}",
        # glued after text that does not end a sentence
        f"本书第 一 篇：基层治理\n{BODY1}\n其中第 二 篇：服务型政府\n{BODY2}",
        # at the start of a line, but no separator after 篇
        f"第 1 篇文章发表于2019年，引起了广泛讨论。\n{BODY1}\n第 2 篇文章随后发表。\n{BODY2}",
        f"第一 篇文章发表于2019年。\n{BODY1}\n第二 篇文章随后发表。\n{BODY2}",
        # a separator, but a sentence or a clause rather than a short title
        f"第 一 篇 文章发表于2019年。\n{BODY1}\n第 二 篇 文章随后发表，反响很大。\n{BODY2}",
        f"第 一 篇 讨论了基层治理，\n{BODY1}\n第 二 篇 讨论了服务型政府，\n{BODY2}",
        # one heading alone: the page does not number articles
        f"第 一 篇 维稳工作方案\n{BODY1}\n{BODY2}",
        # numbers out of sequence
        f"第 二 篇 维稳工作方案\n{BODY1}\n第 三 篇 服务型政府报告\n{BODY2}",
    ]
    for text in texts:
        arts = find_articles(text, config=cfg)
        assert len(arts) == 1, text
        assert arts[0].text_raw == text  # nothing dropped as a page header


def test_a_page_with_spaced_markers_builds_its_articles(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "a.txt").write_text(f"第 1 篇文章发表于2019年，引起了广泛讨论。\n{BODY1}\n{BODY2}\n")
    (d / "b.txt").write_text(
        f"文件汇编\n第　一　篇　维稳工作方案\n{BODY1}\n第　二　篇　服务型政府报告\n{BODY2}\n"
    )
    docs, log = split_pages(read_pages(d), return_log=True)
    assert docs["doc_id"].tolist() == ["a#01", "b#01", "b#02"]
    assert docs["title"].tolist()[1:] == ["维稳工作方案", "服务型政府报告"]
    notes = dict(zip(log["page_id"], log["note"], strict=True))
    assert notes["a"].startswith("no article marker: line 1 starts like one ('第 1 篇文章发表于")
    assert notes["b"] == ""
    assert log.set_index("page_id").loc["b", "n_markers"] == 2


@pytest.mark.parametrize("entry", ["第一篇 {}", "第一篇：{}", "第一篇　{}……3"])
def test_a_table_of_contents_listing_the_markers_is_not_an_article(entry):
    """A 目录 whose entries are the article markers: the articles start where the numbering
    starts again; the 目录 is the page header."""
    titles = ["维稳工作方案", "服务型政府报告", "平安建设总结"]
    contents = ["文件汇编", "目录"] + [
        entry.replace("一", "一二三"[k]).format(t) for k, t in enumerate(titles)
    ]
    body = [f"第{'一二三'[k]}篇 {t}\n{BODY1}\n{BODY2}" for k, t in enumerate(titles)]
    text = "\n".join(contents + body)
    assert [(a.ordinal, a.title, a.text_raw) for a in find_articles(text)] == [
        (k + 1, t, f"{BODY1}\n{BODY2}") for k, t in enumerate(titles)
    ]
    pages = pd.DataFrame({"page_id": ["p"], "source_file": ["p.txt"], "text": [text]})
    _, log = split_pages(pages, return_log=True)
    assert log["header_chars"].tolist() == [sum(len(x) for x in contents)]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "某县2021年社会治理工作方案\n为加强基层社会治理，制定本方案。\n一、总体要求",
            "某县2021年社会治理工作方案",
        ),
        (
            "  \n关于印发《平安乡镇建设实施意见》的通知\n各村委会：现将意见印发给你们。",
            "关于印发《平安乡镇建设实施意见》的通知",
        ),
        ("为加强基层社会治理，制定本方案。\n一、总体要求", ""),  # a sentence, not a title
        ("一、总体要求\n为加强基层社会治理，制定本方案。", ""),  # a numbered heading
        ("某县2021年社会治理工作方案", ""),  # nothing after it: the text itself
        ("2021-03-04\n为加强基层社会治理，制定本方案。", ""),  # no letter
        ("各村委会、各有关单位：\n现将方案印发给你们。", ""),  # a salutation ends with a colon
        ("习近平指出：“要坚持和发展新时代枫桥经验。”\n为加强基层社会治理。", ""),  # a quotation
        # a title quoting a slogan keeps its quotation marks; an unclosed quote is a fragment
        (
            "某县政务服务“一网通办”改革调研报告\n为掌握改革成效，开展调研。",
            "某县政务服务“一网通办”改革调研报告",
        ),
        (
            "从“上访村”到“文明村”——某村经验做法\n某村曾是上访村。",
            "从“上访村”到“文明村”——某村经验做法",
        ),
        ("“要坚持和发展新时代枫桥经验\n为加强基层社会治理。", ""),
        ("坚持和发展新时代枫桥经验”\n为加强基层社会治理。", ""),
        ("今天社区开展了矛盾纠纷排查！\n为加强基层社会治理。", ""),  # a sentence
        ("2021年3月5日\n为加强基层社会治理。", ""),  # a date
        ("发布时间：2021-03-05 来源：县政府办\n为加强基层社会治理。", ""),  # page metadata
        ("各地要坚持和发展化解机制，推进\n基层社会治理。", ""),  # a wrapped fragment
        # a title and its subtitle after a full-width colon (an audit); labels stay out
        (
            "从维稳到服务：基层治理转型的一个案例\n某县曾以维稳为中心。",
            "从维稳到服务：基层治理转型的一个案例",
        ),
        ("主题分类：综合政务 社会治安\n为加强基层社会治理。", ""),  # a label, 4 characters
        ("县委书记在全县会议上强调：要抓好基层治理\n为加强基层社会治理。", ""),  # speech
        ("尊敬的各位领导：\n现将工作汇报如下。", ""),  # a salutation
    ],
)
def test_a_page_without_markers_or_title_takes_a_title_like_first_line(text, title):
    (article,) = find_articles(text)
    assert article.title == title
    assert article.text_raw == text.strip("\n")  # the line stays in the text
    (off,) = find_articles(text, config=SplitConfig(first_line_title=False))
    assert off.title == ""
    (given,) = find_articles(text, page_title="文件标题")
    assert given.title == "文件标题"


def test_folder_documents_get_a_title_and_a_genre_from_their_first_line(tmp_path):
    import textkit as tk

    body = "为加强和创新基层社会治理，推进平安建设，结合本县实际，制定本方案。" * 3
    (tmp_path / "a.txt").write_text(f"某县关于加强基层社会治理的工作方案\n{body}\n", "utf-8")
    (tmp_path / "b.txt").write_text(f"{body}\n{body}\n", "utf-8")
    docs = tk.build_corpus(tk.read_texts(tmp_path)).documents.set_index("source_file")
    assert docs.loc["a.txt", "title"] == "某县关于加强基层社会治理的工作方案"
    assert docs.loc["a.txt", "genre"] == "工作方案"
    assert docs.loc["b.txt", "title"] == ""
