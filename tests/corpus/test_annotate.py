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
    # the seed corpus holds no notice and no news piece (its untyped articles are essays and
    # 社会治理工作机制 pages)
    assert not ann["genre"].isin(["通知", "新闻"]).any()


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


#: The audit's sentence (a 2016 petition-work summary): its counts are not years.
AUDIT_TITLE = "林州市2016年信访工作总结"
AUDIT_TEXT = (
    "2016年，全市共接待群众来访2030人次，化解信访积案1985件，发放救助资金2024万元，"
    "群众满意率明显提升。"
)


def test_counts_in_the_audit_sentence_are_not_years():
    assert extract_years(AUDIT_TITLE + "\n" + AUDIT_TEXT) == [2016]
    docs = pd.DataFrame({"doc_id": ["a"], "title": [AUDIT_TITLE], "text": [AUDIT_TEXT]})
    out = annotate(docs)
    assert out.loc[0, "year"] == 2016 and out.loc[0, "years"] == "2016"


@pytest.mark.parametrize(
    "count",
    [
        "化解信访积案1985件",
        "接待群众来访2030人次",
        "观看群众达2000余人",
        "帮扶困难群众1998户",
        "人均补助2010元",
        "投入资金2020万元",
        "建成网格1990个",
        "培训网格员2005名",
        "调处纠纷1999起",
        "新建服务中心2015平方米",
        "惠及群众2018.5万人",
        "新增就业2,019人，编号12019，增长2019.5倍，代码20190305",
    ],
)
def test_counts_and_longer_numbers_are_not_years(count):
    assert extract_years(count) == []
    assert extract_years(f"2016年，{count}。") == [2016]


def test_year_spans_and_lists_give_every_year():
    text = "2019—2021年，2002-2004年，2005至2007年，2009～2011年，2012、2013年，全年化解1998件"
    assert extract_years(text) == [2002, 2004, 2005, 2007, 2009, 2011, 2012, 2013, 2019, 2021]
    assert extract_years("2018—2020三年行动，2014/2015学年，２０１７ 年度，接待2030人次") == [
        2014,
        2015,
        2017,
        2018,
        2020,
    ]
    assert extract_years("兰考县志（2000—2020）\n共排查各类矛盾纠纷2022起") == [2000, 2020]
    assert extract_years("2019-2021，2000-2500人") == []  # a bare span is a range of counts


def test_dates_give_their_year():
    text = "2019-03-05，2010/3/5，2011.3.5，2012-03，2013/3，受理2030件"
    assert extract_years(text) == [2010, 2011, 2012, 2013, 2019]
    # no month 13; with a dot the day is needed (2014.3 and 2018.5 are decimal numbers)
    assert extract_years("2015-13，2014.3，2018.5万，2016-3-5 10:22") == [2016]


def test_document_numbers_citations_and_standards_give_their_year():
    text = (
        "国发〔2019〕5号，苏政办发[2018]12号，京发［2017］3号，文章编号：1673-291X(2015)03-0027-03，"
        "费孝通（1998）指出，新增网格员2030名"
    )
    assert extract_years(text) == [1998, 2015, 2017, 2018, 2019]
    citations = "（andrew walder,1986）（费孝通，1990：25）(Oi 1995a; Shue, 1996)，调处纠纷1999起"
    assert extract_years(citations) == [1986, 1990, 1995, 1996]
    references = (
        "[1]李立国.创新社会治理体制[N].中国社会报，2013-12-16.[2]姜照辉.新社会[J].理论学习，"
        "2012,(12).[3]某.书[M].北京：人民出版社，2011.投入资金2020万元"
    )
    assert extract_years(references) == [2011, 2012, 2013]
    assert extract_years("GB/T 19001-2016，JTG F40-2004，建成网格1990个") == [2004, 2016]


def test_label_and_count_in_parentheses_is_not_a_citation():
    """A space alone separates a citation's year only from a name in Latin letters: a
    Chinese label and a number in parentheses is a count."""
    assert extract_years("全年接待群众（人数 2030）；（合计 1985）件；（共 2030）") == []
    cited = "（Walder 1986）（费孝通，1988）县志（2000—2020）费孝通（1948）(Oi et al. 1995)"
    assert extract_years(cited, min_year=1940) == [1948, 1986, 1988, 1995, 2000, 2020]


def test_seed_years(ann):
    """The years of the seed articles, read in their text: citations (000 篇5), journal article
    numbers (003 篇3, 6), references, dates and 年; 003 篇8's 2000余份 / 2000余人 are counts."""
    years = ann["years"].dropna().to_dict()
    assert years == {
        "000_bf6d7cf6cc31cd7b#05": "1986;1988;1995",
        "001_aabf14e4f143a46b#04": "2012",
        "002_3b4db8ce04b1998a#03": "2019;2021",
        "003_4542067cb4fbbdc2#03": "2013;2016",
        "003_4542067cb4fbbdc2#06": "2004;2005;2010",
        "003_4542067cb4fbbdc2#08": "2004",
        f"{P}#02": "2010;2012;2014;2016",
        f"{P}#05": "2004",
        f"{P}#09": "2005;2006",
    }
    assert ann.loc["003_4542067cb4fbbdc2#08", "year"] == 2004
    assert ann["year"].notna().sum() == len(years)


def test_notices_and_news_get_a_genre_only_when_no_other_rule_applies():
    titles = [
        "关于开展国庆期间矛盾纠纷集中排查化解活动的通知",
        "关于印发《某县平安建设工作方案》的通知",  # issues a plan: the plan's genre
        "某市召开基层治理工作会议 部署推进依法行政",
        "某县召开信访工作座谈会",
        "基层干部的无力感从何而来",  # an essay: no rule
        "某县筑牢稳定防线",
    ]
    texts = ["。"] * 5 + ["本报讯（记者 王明）近日，某县召开维稳工作会议。"]
    docs = pd.DataFrame({"doc_id": [str(i) for i in range(6)], "title": titles, "text": texts})
    got = annotate(docs)["genre"].tolist()
    assert got[:4] == ["通知", "工作方案", "新闻", "新闻"]
    assert pd.isna(got[4])
    assert got[5] == "新闻"  # the news dateline of its text
    # a speech at an opening or closing is a speech, not news (a review)
    speeches = ["在全县第十届运动会开幕式上的致辞", "县人大会议闭幕式主持词"]
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": speeches, "text": ["同志们：", "。"]})
    assert annotate(docs)["genre"].tolist() == ["讲话心得", "讲话心得"]
