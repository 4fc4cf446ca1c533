"""Tests of textkit.corpus.annotate on seed text and small fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from textkit.corpus.annotate import AnnotateConfig, annotate, extract_keywords, extract_years

P = "004_1031bda60efd16f2"


@pytest.fixture(scope="module")
def ann(seed_docs):
    return annotate(seed_docs).set_index("doc_id")


def test_genres(ann):
    assert ann.loc["003_4542067cb4fbbdc2#02", "genre"] == "条例"
    assert ann.loc["003_4542067cb4fbbdc2#03", "genre"] == "学术论文"
    assert ann.loc[f"{P}#04", "genre"] == "学术论文"
    assert (ann.loc[[i for i in ann.index if i.startswith("002_")], "genre"] == "工作方案").all()
    assert ann.loc["001_aabf14e4f143a46b#01", "genre"] == "调研报告"


def test_relevance(ann):
    assert not ann.loc[f"{P}#05", "is_relevant"]
    assert ann.drop(index=f"{P}#05")["is_relevant"].all()
    assert ann["relevance"].between(0, 1).all()


def test_keywords_seed(ann):
    assert ann.loc["003_4542067cb4fbbdc2#03", "keywords"] == "苏州; 农村社区; 治理机制; 创新"


def test_years_and_era():
    assert extract_years("2014年11月召开会议，某年某月，1995年以来，3000年，20XX年") == [1995, 2014]
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "title": ["", ""],
            "text": ["深入贯彻党的十九大精神，落实科学发展观，2018年推进乡村振兴。", "无"],
        }
    )
    out = annotate(docs)
    assert out.loc[0, "era"] == "2017-" and out.loc[0, "era_cues"] == "乡村振兴;十九大;科学发展观"
    assert out.loc[0, "year"] == 2018 and pd.isna(out.loc[1, "era"]) and pd.isna(out.loc[1, "year"])
    assert pd.isna(out.loc[1, "genre"])
    assert "genre" not in docs.columns


def test_years_in_chinese_numerals():
    text = "二〇二一年政府工作报告。回顾一九九八年以来，二零零八年抗震救灾，二○一九年全面推进。"
    assert extract_years(text) == [1998, 2008, 2019, 2021]
    assert extract_years("二〇二一年与2021年") == [2021]  # both forms, one year
    # out of range, counting years, longer numerals and masks are not years
    assert extract_years("一二三四年，十二年来，五年规划，三十二〇二一年，二〇XX年，某年") == []
    assert extract_years("一二〇二一年") == []
    assert extract_years("二〇三一年", max_year=2030) == []
    assert extract_years("二〇三一年", max_year=2031) == [2031]
    docs = pd.DataFrame(
        {"doc_id": ["r"], "title": ["二〇二一年政府工作报告"], "text": ["二〇二〇年成绩。"]}
    )
    out = annotate(docs)
    assert out.loc[0, "year"] == 2021 and out.loc[0, "years"] == "2020;2021"


def test_keywords_and_validation():
    assert extract_keywords("摘要\n关键词：网格化；基层治理 调解\n正文") == "网格化; 基层治理; 调解"
    assert extract_keywords("没有") is None
    with pytest.raises(ValueError, match="threshold"):
        AnnotateConfig(threshold=2)


def test_reports_are_work_reports_unless_they_survey():
    """A title with 报告 is a survey report only when it says it surveys (调研, 调查, 考察);
    the government's and the officials' reports are work reports."""
    titles = [
        "2023年政府工作报告",
        "某市2022年法治政府建设年度报告",
        "某镇党委书记述职报告",
        "关于某县基层治理的调研报告",
        "某村村民自治情况调查报告",
    ]
    docs = pd.DataFrame(
        {"doc_id": [str(i) for i in range(len(titles))], "title": titles, "text": ["。"] * 5}
    )
    got = annotate(docs)["genre"].tolist()
    assert got == ["工作报告", "工作报告", "工作报告", "调研报告", "调研报告"]
