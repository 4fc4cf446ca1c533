"""Tests of textkit.core.groups: document variables as group labels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from textkit.core.groups import group_key, group_labels


def test_group_key_writes_whole_numbers_without_decimals():
    assert group_key(2015) == group_key(2015.0) == group_key("2015") == "2015"
    assert group_key(np.int64(7)) == group_key(np.float64(7.0)) == "7"
    assert group_key(0.5) == "0.5" and group_key("2015.0") == "2015.0"
    assert group_key(True) == "True" and group_key(np.bool_(False)) == "False"
    assert group_key("安徽") == "安徽"
    for missing in (None, float("nan"), pd.NA, pd.NaT, np.nan):
        assert group_key(missing) is None


def test_group_labels_order():
    years = pd.Series([2015, 999, None, 10000], index=list("abcd"), dtype="Int64")
    labels, order = group_labels(years)
    assert labels.to_dict() == {"a": "2015", "b": "999", "d": "10000"}
    assert order == ["999", "2015", "10000"]
    assert group_labels(years.astype("float64"))[1] == order
    assert group_labels(pd.Series([2015, 999.0, 10000], dtype=object))[1] == order
    assert group_labels(years.astype(str))[1] == ["10000", "2015", "999"]
    assert group_labels(pd.Series(["b", "a", np.nan, "b"]))[1] == ["a", "b"]
    assert group_labels(pd.Series([True, False]))[1] == ["False", "True"]
    assert group_labels(pd.Series([], dtype="float64"))[1] == []
