"""Dates as Chinese websites and spreadsheets write them, read one value at a time.

:func:`parse_dates` turns a column of publication dates written in mixed forms into pandas
datetimes (``datetime64[us]``); :func:`parse_date` reads one value. The forms read
(:data:`DATE_FORMS`), with ASCII or full-width digits and any spaces around 年, 月 and 日:

* ``2019年3月5日`` (or 号), ``2019年3月``, ``2019年``; the year also in Chinese digits with
  the month and day in Chinese numerals (``二〇一九年三月五日``, ``二〇一九年十二月``);
* ``2019/03/05``, ``2019-3-5``, ``2019.3.5``, ``20190305``, ``2019-03``, ``2019/3``,
  ``2019.03`` (``2019.3`` is March: in text a dot after a year starts a month), ``2019``;
* any of them with a day followed by a time: ``2019-3-5 10:22``, ``2019年3月5日 10:22:31``,
  ``2019-03-05 10:22:31.0``, ``2019-03-05T10:22:31+08:00`` (a fraction of a second and a
  time-zone offset are dropped: the time as written), ``2019年03月05日 10时22分``
  (``10时``, ``10点``, ``10时22分31秒``);
* a day followed by its weekday, before or after the time: ``2019年3月5日 星期二``,
  ``2019-03-05 周二``, ``2019年3月5日（星期二）``, ``2019-03-05 10:22 礼拜二``,
  ``2019-03-05 Tue`` (or ``Tuesday``). The weekday is not checked against the date (a scraped
  weekday can be wrong while the date is right): it is dropped;
* any of them after a label as scraped pages write it, a name from :data:`DATE_LABELS`
  followed by a colon (： or :): ``发布时间：2019-03-05``, ``发布日期: 2019年3月5日``,
  ``时间：2019/3/5 10:22``; or inside one pair of brackets: ``[2019-03-05]``,
  ``(2019-03-05)``, ``（2019年3月5日）``, ``【2019-03-05】``.

A month alone is its first day, a year alone its 1 January. Anything else is not a date
(``NaT``): a time alone, a day that is not in the calendar (``2019-02-30``), a number with a
fraction (the float ``2019.1`` may be ``2019.10`` typed into a number cell:
:func:`parse_date`), and free text, even with a date in it (``来源：人民网 2019-03-05``,
``发布时间：2019-03-05 来源：人民网``, ``2019年工作报告``): only the labels of
:data:`DATE_LABELS` are dropped, so a title or a source that mentions a year is not taken
for a date. A two-digit year (``19-3-5``, ``19年3月5日``) is not a date either: it does not
say its century (1919 or 2019), and any rule that picks one (a pivot year) is a guess that
moves with the years; write the year in full. pandas and dateutil do not read 年/月/日, and
their lenient parsers fill what a value lacks from today's date
(``pandas.to_datetime("10:22", format="mixed")``), so the forms are matched here and the
calendar is Python's :class:`datetime.datetime`: the same value gives the same date whatever
values are read with it and whenever it is read.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CN_DIGITS", "DATE_FORMS", "DATE_LABELS", "parse_date", "parse_dates", "small_number"]

#: The forms :func:`parse_date` reads (each also with full-width digits).
DATE_FORMS = (
    "2019年3月5日",
    "2019年3月",
    "2019年",
    "二〇一九年三月五日",
    "2019/03/05",
    "2019-3-5",
    "2019.3.5",
    "20190305",
    "2019-03",
    "2019.03",
    "2019",
    "2019-3-5 10:22",
    "2019-03-05T10:22:31",
    "2019年03月05日 10时22分",
    "2019年3月5日 星期二",
    "2019-03-05 周二",
    "发布时间：2019-03-05",
    "[2019-03-05]",
)

#: The labels a scraped date may follow, with a colon (``发布时间：2019-03-05``): dropped
#: before the date is read. Other text before or after a date makes it no date.
DATE_LABELS = (
    "发布时间",
    "发布日期",
    "发文日期",
    "成文日期",
    "印发日期",
    "公布日期",
    "公开日期",
    "发表时间",
    "发表日期",
    "更新时间",
    "更新日期",
    "日期",
    "时间",
)

_CN_DIGIT = "〇零○一二三四五六七八九"
#: ``str.translate`` table of the Chinese digits of a year written out (二〇二一 -> 2021);
#: 〇, 零 and the circle ○ all read as zero.
CN_DIGITS = str.maketrans(_CN_DIGIT, "000123456789")
_CN_SMALL = "一二三四五六七八九十"  # the numerals of a month or a day (一 to 三十一)

#: A time after a day: hours and minutes, seconds (a fraction dropped), an offset (dropped);
#: or in Chinese, 10时 (or 点), 10时22分, 10时22分31秒.
_TIME = (
    r"(?:\s*T?\s*(?:(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?"
    r"(?:\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}))?"
    r"|(?P<cn_H>[0-9]{1,2})\s*[时点](?:\s*(?P<cn_M>[0-9]{1,2})\s*分"
    r"(?:\s*(?P<cn_S>[0-9]{1,2})\s*秒)?)?))?"
)
#: The name of a weekday: 星期二, 礼拜二, 周二 (日 or 天 for Sunday); Tue, Tues, Tuesday.
_DAY_NAME = (
    r"(?:(?:星期|礼拜|周)[一二三四五六日天]"
    r"|(?i:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?))"
)
#: A weekday after a day (not checked against it), alone or in brackets.
_WEEKDAY = rf"\s*(?:{_DAY_NAME}|\(\s*{_DAY_NAME}\s*\))"
#: What may follow a day: a time, and one weekday before the time or after it.
_AFTER_DAY = rf"(?P<w>{_WEEKDAY})?{_TIME}(?(w)|(?:{_WEEKDAY})?)"
_FORMS = (
    re.compile(
        r"(?P<y>[0-9]{4})\s*年(?:\s*(?P<m>[0-9]{1,2})\s*月"
        rf"(?:\s*(?P<d>[0-9]{{1,2}})\s*[日号]{_AFTER_DAY})?)?"
    ),
    re.compile(
        r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})"
        rf"(?:(?P=sep)(?P<d>[0-9]{{1,2}}){_AFTER_DAY})?"
    ),
    re.compile(rf"(?P<y>[0-9]{{4}})(?P<m>[0-9]{{2}})(?P<d>[0-9]{{2}}){_AFTER_DAY}"),
    re.compile(r"(?P<y>[0-9]{4})"),
    re.compile(
        rf"(?P<y>[{_CN_DIGIT}]{{4}})\s*年(?:\s*(?P<m>[{_CN_SMALL}]{{1,2}})\s*月"
        rf"(?:\s*(?P<d>[{_CN_SMALL}]{{1,3}})\s*[日号]{_AFTER_DAY})?)?"
    ),
)
#: A label of :data:`DATE_LABELS` and its colon (full-width colons are ASCII after NFKC).
_LABEL = re.compile(rf"(?:{'|'.join(sorted(DATE_LABELS, key=len, reverse=True))})\s*:\s*")
#: One pair of brackets around the whole value (full-width ones are ASCII after NFKC).
_BRACKETS = re.compile(r"\[(.*)\]|\((.*)\)|【(.*)】", re.DOTALL)


_CN_UNITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_FULL_WIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


def small_number(text: str) -> int | None:
    """A whole number written in digits (ASCII or full-width) or in Chinese numerals from
    一 to 九十九 (十, 十二, 二十, 三十一): a month or day of a date, an article's number.

    Parameters
    ----------
    text : str

    Returns
    -------
    int or None
        None for anything else.

    Examples
    --------
    >>> small_number("三十一"), small_number("１２"), small_number("百")
    (31, 12, None)
    """
    s = text.translate(_FULL_WIDTH_DIGITS)
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 1 and s in _CN_UNITS:
        return _CN_UNITS[s]
    if len(s) == 2 and s[0] == "十" and s[1] in _CN_UNITS:
        return 10 + _CN_UNITS[s[1]]
    if len(s) == 2 and s[1] == "十" and s[0] in _CN_UNITS:
        return 10 * _CN_UNITS[s[0]]
    if len(s) == 3 and s[1] == "十" and s[0] in _CN_UNITS and s[2] in _CN_UNITS:
        return 10 * _CN_UNITS[s[0]] + _CN_UNITS[s[2]]
    return None


def _field(text: str | None, default: int) -> int | None:
    """A month, day or time field of a matched date (``default`` when it is left out)."""
    return default if text is None else small_number(text)


def _unwrapped(text: str) -> str:
    """``text`` without a label of :data:`DATE_LABELS` and its colon at its start, then
    without one pair of brackets around it."""
    label = _LABEL.match(text)
    if label is not None:
        text = text[label.end() :].strip()
    brackets = _BRACKETS.fullmatch(text)
    if brackets is not None:
        text = next(g for g in brackets.groups() if g is not None).strip()
    return text


def _text_date(text: str) -> datetime.datetime | None:
    """The date a text writes in one of :data:`DATE_FORMS`, or None."""
    text = _unwrapped(unicodedata.normalize("NFKC", text).strip())
    for form in _FORMS:
        m = form.fullmatch(text)
        if m is None:
            continue
        parts = m.groupdict()
        fields = [
            int(parts["y"].translate(CN_DIGITS)),
            _field(parts.get("m"), 1),
            _field(parts.get("d"), 1),
            *(_field(parts.get(k) or parts.get(f"cn_{k}"), 0) for k in ("H", "M", "S")),
        ]
        if None in fields:
            return None
        try:
            return datetime.datetime(*fields)
        except ValueError:  # not in the calendar: 2019-02-30, 25:00
            return None
    return None


def _as_datetime(value: Any) -> datetime.datetime | None:
    """One value as a naive datetime (None when missing or not a date)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (datetime.datetime, np.datetime64)):
        when = pd.Timestamp(value)
        return None if when is pd.NaT else when.tz_localize(None).to_pydatetime()
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Integral):
        return _text_date(str(int(value)))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number) or not number.is_integer():
            return None
        return _text_date(str(int(number)))  # a year or 20190305 a spreadsheet gave as a float
    return _text_date(str(value))


def parse_date(value: Any) -> pd.Timestamp:
    """One date written in one of :data:`DATE_FORMS` (or a date or datetime object).

    Parameters
    ----------
    value : str, number, date, datetime or None
        A text such as ``"2019年3月5日"``, ``"发布时间：2019-3-5 10:22"`` or ``"2019.3"``; a
        whole number reads as its digits (``2019``, ``20190305``, also as a float:
        ``2019.0``); a date or datetime is taken as it is (a time zone dropped). A number
        with a fraction (the float ``2019.3``) is not a date: the text ``2019.10`` typed
        into a spreadsheet's number cell, or read by ``pandas.read_csv`` without
        ``dtype=str``, is kept as the float ``2019.1``, so the number cannot tell October
        from January; read such a column as text.

    Returns
    -------
    pandas.Timestamp
        ``NaT`` when the value is missing, empty or not a date.

    Examples
    --------
    >>> parse_date("２０１９年３月５日 10:22")
    Timestamp('2019-03-05 10:22:00')
    >>> parse_date("2019年3月")
    Timestamp('2019-03-01 00:00:00')
    >>> parse_date("发布时间：2019年3月5日 星期二")
    Timestamp('2019-03-05 00:00:00')
    >>> parse_date("去年三月"), parse_date("19-3-5"), parse_date(2019.3)
    (NaT, NaT, NaT)
    """
    when = _as_datetime(value)
    return pd.NaT if when is None else pd.Timestamp(when)


def parse_dates(values: Iterable[Any]) -> pd.Series:
    """A column of dates written in the forms of :data:`DATE_FORMS`, as datetimes.

    Each value is read alone (:func:`parse_date`), so a value gives the same date whatever
    the other values are, and a batch of a table gives what the whole table gives.

    Parameters
    ----------
    values : Series or iterable
        Text, whole numbers, dates or missing values, in any mix.

    Returns
    -------
    pandas.Series
        ``datetime64[us]``, with the index of ``values`` when it is a Series; ``NaT`` where a
        value is missing, empty or not a date (compare with the values to find those that
        are not dates).

    Examples
    --------
    >>> parse_dates(["2019年3月5日", "2019/03/05", "2019-3-5 10:22", "2019年3月", None]).tolist()
    [Timestamp('2019-03-05 00:00:00'), Timestamp('2019-03-05 00:00:00'), Timestamp('2019-03-05 10:22:00'), Timestamp('2019-03-01 00:00:00'), NaT]
    """
    index = values.index if isinstance(values, pd.Series) else None
    items = values.astype(object) if isinstance(values, pd.Series) else values
    stamps = np.array([_as_datetime(v) for v in items], dtype="datetime64[us]")
    return pd.Series(stamps, index=index, dtype="datetime64[us]")
