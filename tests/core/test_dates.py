"""One date parser for the forms Chinese sites write (textkit.core.dates)."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import textkit as tk
from textkit.core.dates import DATE_FORMS, parse_date, parse_dates, small_number

#: A scraped 发布时间 column: each value and the date it writes.
WRITTEN = [
    ("2019年3月5日", "2019-03-05"),
    ("2019年03月05日 10:22", "2019-03-05 10:22"),
    ("2019年3月5号", "2019-03-05"),
    (" 2019 年 3 月 5 日 ", "2019-03-05"),
    ("2019年3月", "2019-03-01"),
    ("2019年", "2019-01-01"),
    ("２０１９年３月５日", "2019-03-05"),  # full-width digits
    ("２０１９／０３／０５", "2019-03-05"),
    ("二〇一九年三月五日", "2019-03-05"),
    ("二零一九年十二月三十一日", "2019-12-31"),
    ("2019/03/05", "2019-03-05"),
    ("2019/3", "2019-03-01"),
    ("2019-3-5 10:22", "2019-03-05 10:22"),
    ("2019-03-05 10:22:31", "2019-03-05 10:22:31"),
    ("2019-03-05T10:22:31+08:00", "2019-03-05 10:22:31"),
    ("2019-03-05 10:22:31.0", "2019-03-05 10:22:31"),
    ("2019.3.5", "2019-03-05"),
    ("20190305", "2019-03-05"),
    ("2019-03", "2019-03-01"),
    ("2019", "2019-01-01"),
]

#: Values that are no date: free text (also with a date in it), a time alone, a day not in
#: the calendar, a two-digit year (its century is not written), a month and day alone.
NOT_DATES = [
    "去年三月",
    "10:22",
    "2019-02-30",
    "2019年13月",
    "19-3-5",
    "19年3月5日",
    "19/3/5",
    "19.3.5",
    "3月5日",
    "n/a",
    "来源：人民网 2019-03-05",
    "2019年工作报告",
]


@pytest.mark.parametrize(("value", "expected"), WRITTEN)
def test_the_forms_chinese_sites_write_are_read(value, expected):
    assert parse_date(value) == pd.Timestamp(expected)


@pytest.mark.parametrize("value", NOT_DATES)
def test_other_text_is_not_a_date(value):
    assert parse_date(value) is pd.NaT


def test_every_documented_form_is_read():
    assert all(parse_date(form) is not pd.NaT for form in DATE_FORMS)


def test_a_column_is_read_value_by_value_into_datetimes():
    items = [v for v, _ in WRITTEN] + NOT_DATES + ["", None, np.nan]
    values = pd.Series(items, index=range(100, 100 + len(items)))
    out = parse_dates(values)
    assert out.dtype == "datetime64[us]" and out.index.equals(values.index)
    assert out.iloc[: len(WRITTEN)].tolist() == [pd.Timestamp(e) for _, e in WRITTEN]
    assert out.iloc[len(WRITTEN) :].isna().all()
    # each value alone gives what it gives among the others (a batch of a table)
    alone = pd.concat([parse_dates(values.iloc[[i]]) for i in range(len(values))])
    pd.testing.assert_series_equal(alone, out)
    assert tk.parse_dates is parse_dates


def test_nothing_is_filled_in_from_today():
    # pandas' and dateutil's lenient parsers would take the missing date from today
    assert parse_date("10:22") is pd.NaT
    assert parse_date("2019年3月") == pd.Timestamp("2019-03-01")


def test_numbers_dates_and_missing_values():
    values = [
        2019,
        20190305,
        2019.0,
        np.int64(2019),
        datetime.date(2020, 1, 2),
        pd.Timestamp("2020-01-02 03:04", tz="Asia/Shanghai"),
        np.datetime64("2020-01-02"),
        None,
        pd.NA,
        pd.NaT,
        2019.5,
        True,
    ]
    out = parse_dates(values).tolist()
    assert out[:7] == [pd.Timestamp(d) for d in (
        "2019-01-01", "2019-03-05", "2019-01-01", "2019-01-01", "2020-01-02",
        "2020-01-02 03:04", "2020-01-02",
    )]  # fmt: skip
    assert all(v is pd.NaT for v in out[7:])
    assert parse_dates([]).dtype == "datetime64[us]"


def test_small_numbers_in_digits_and_chinese_numerals():
    assert [small_number(s) for s in ("五", "十", "十二", "二十", "三十一", "１２", "7")] == [
        5, 10, 12, 20, 31, 12, 7,
    ]  # fmt: skip
    assert [small_number(s) for s in ("百", "十十", "三十二一", "")] == [None] * 4


#: Dates after the labels scraped pages write (a name of DATE_LABELS and a colon).
LABELLED = [
    ("发布时间：2019-03-05", "2019-03-05"),
    ("发布日期: 2019年3月5日", "2019-03-05"),
    ("时间：2019/3/5 10:22", "2019-03-05 10:22"),
    ("日期:2019.3.5", "2019-03-05"),
    ("成文日期：二〇一九年三月五日", "2019-03-05"),
    ("  更新时间 ： ２０１９－０３－０５ ", "2019-03-05"),
]


@pytest.mark.parametrize(("value", "expected"), LABELLED)
def test_a_label_before_a_date_is_dropped(value, expected):
    assert parse_date(value) == pd.Timestamp(expected)


def test_only_a_listed_label_with_its_colon_is_dropped():
    assert parse_date("发布时间：2019-03-05") == pd.Timestamp("2019-03-05")
    for value in (
        "来源：人民网 2019-03-05",  # a source, not a label of a date
        "发布时间：2019-03-05 来源：人民网",  # more text after the date
        "标题：2019年",  # a title that mentions a year
        "发布时间 2019-03-05",  # no colon
        "发布时间：",
        "时间：10:22",  # a time alone
    ):
        assert parse_date(value) is pd.NaT, value


#: A day and its weekday; the weekday is dropped unchecked (5 March 2019 was a Tuesday).
WEEKDAYS = [
    ("2019年3月5日 星期二", "2019-03-05"),
    ("2019年3月5日星期二", "2019-03-05"),
    ("2019-03-05 周二", "2019-03-05"),
    ("2019年3月5日（星期二）", "2019-03-05"),
    ("2019/3/5 (礼拜二)", "2019-03-05"),
    ("2019-03-05 Tue", "2019-03-05"),
    ("2019-03-05 tuesday", "2019-03-05"),
    ("2019-03-05 星期二 10:22", "2019-03-05 10:22"),
    ("2019-03-05 10:22 星期二", "2019-03-05 10:22"),
    ("二〇一九年三月五日 星期二", "2019-03-05"),
    ("2019年3月5日 星期三", "2019-03-05"),  # a wrong weekday: the date as written
    ("2019年3月10日 星期日", "2019-03-10"),
    ("2019年3月10日 周天", "2019-03-10"),
]


@pytest.mark.parametrize(("value", "expected"), WEEKDAYS)
def test_a_weekday_after_a_day_is_dropped_unchecked(value, expected):
    assert parse_date(value) == pd.Timestamp(expected)


def test_a_weekday_only_follows_a_day_and_comes_once():
    assert parse_date("2019-03-05 周二") == pd.Timestamp("2019-03-05")
    for value in ("2019年3月 星期二", "2019 周二", "2019-03-05 周二 10:22 周二", "2019-03-05 周八"):
        assert parse_date(value) is pd.NaT, value


def test_a_year_and_month_with_a_dot_are_text_not_a_number():
    # in text a dot after a year starts a month, as 2019.3.5 starts a day
    got = [parse_date(v) for v in ("2019.03", "2019.3", "2019.10", "２０１９．１２")]
    assert got == [
        pd.Timestamp(d) for d in ("2019-03-01", "2019-03-01", "2019-10-01", "2019-12-01")
    ]
    assert parse_date("2019.13") is pd.NaT and parse_date("2019.0") is pd.NaT
    # a number with a fraction is no date: 2019.10 typed into a number cell is 2019.1,
    # so the float cannot tell October from January; a whole float is still a year
    assert [parse_date(v) for v in (2019.3, 2019.1, np.float64(2019.3))] == [pd.NaT] * 3
    assert parse_date(2019.0) == pd.Timestamp("2019-01-01")


#: Other forms of Chinese government and news sites: a time in 时 and 分, a date in brackets.
MORE = [
    ("2019年03月05日 10时22分", "2019-03-05 10:22"),
    ("2019年3月5日10时", "2019-03-05 10:00"),
    ("2019年3月5日 10点30分", "2019-03-05 10:30"),
    ("2019年3月5日 10时22分31秒", "2019-03-05 10:22:31"),
    ("[2019-03-05]", "2019-03-05"),
    ("(2019-03-05)", "2019-03-05"),
    ("（2019年3月5日）", "2019-03-05"),
    ("【2019-03-05】", "2019-03-05"),
    ("发布时间：（2019年3月5日 星期二）", "2019-03-05"),
]


@pytest.mark.parametrize(("value", "expected"), MORE)
def test_times_in_chinese_and_dates_in_brackets(value, expected):
    assert parse_date(value) == pd.Timestamp(expected)


def test_brackets_and_chinese_times_must_be_whole():
    assert parse_date("[2019-03-05]") == pd.Timestamp("2019-03-05")
    for value in ("[2019-03-05", "(2019-03-05]", "2019年3月5日 25时", "2019年3月5日 10分"):
        assert parse_date(value) is pd.NaT, value


def test_a_scraped_date_column_is_read_through_read_texts(tmp_path):
    texts = [
        "浙江省坚持和发展新时代枫桥经验，推进基层社会治理现代化。",
        "江苏省加强法治政府建设，提升公共服务水平。",
        "广东省完善网格化管理，维护社会稳定，依法保障群众合法权益。",
        "四川省推进乡村振兴，巩固拓展脱贫攻坚成果。",
        "山东省深化放管服改革，优化营商环境。",
        "湖北省加强基层党组织建设，提高治理能力。",
    ]
    written = [
        "发布时间：2019-03-05",
        "发布时间：2019年3月5日 星期二",
        "发布时间：2019/3/6 10:22",
        "发布时间: 2019年03月07日 10时22分",
        "2019.03",
        "来源：人民网 2019-03-05",
    ]
    path = tmp_path / "news.csv"
    pd.DataFrame({"正文": texts, "发布时间": written}).to_csv(path, index=False)
    res = tk.read_texts(path, text="正文", dates=["发布时间"])
    got = res.documents["发布时间"]
    assert str(got.dtype) == "datetime64[us]"
    assert got.tolist()[:5] == [
        pd.Timestamp(d)
        for d in ("2019-03-05", "2019-03-05", "2019-03-06 10:22", "2019-03-07 10:22", "2019-03-01")
    ]
    assert pd.isna(got.iloc[5])
    reasons = res.report.set_index("row")["reason"]
    assert (reasons.loc[1:5] == "").all()
    assert reasons.loc[6] == "发布时间: '来源：人民网 2019-03-05' is not a date (left missing)"
