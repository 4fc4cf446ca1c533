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
    ("2019.3.5", "2019-03-05"),
    ("20190305", "2019-03-05"),
    ("2019-03", "2019-03-01"),
    ("2019", "2019-01-01"),
]

#: Values that are no date: free text, a time alone, a day not in the calendar, a decimal.
NOT_DATES = ["去年三月", "10:22", "2019-02-30", "2019年13月", "2019.3", "19-3-5", "3月5日", "n/a"]


@pytest.mark.parametrize(("value", "expected"), WRITTEN)
def test_the_forms_chinese_sites_write_are_read(value, expected):
    assert parse_date(value) == pd.Timestamp(expected)


@pytest.mark.parametrize("value", NOT_DATES)
def test_other_text_is_not_a_date(value):
    assert parse_date(value) is pd.NaT


def test_every_documented_form_is_read():
    assert all(parse_date(form) is not pd.NaT for form in DATE_FORMS)


def test_a_column_is_read_value_by_value_into_datetimes():
    values = pd.Series(
        [v for v, _ in WRITTEN] + NOT_DATES + ["", None, np.nan], index=range(100, 130)
    )
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
