"""Group values: how a document variable becomes the group labels of an analysis.

Analyses that split documents by a variable (``year``, ``province``, ``genre`` …) compare
its values as strings, so that a year stored as ``Int64``, as a float (a column with missing
values) or as text gives the same groups: :func:`group_key` writes a whole number without a
decimal part (2015, 2015.0 and "2015" are all ``"2015"``). :func:`group_labels` turns a
whole column into labels and gives their order: by numeric value when the values are
numbers (years 999 < 2015), else sorted as strings.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["group_key", "group_labels"]


def group_key(value: Any) -> str | None:
    """The group label of one value: None when missing, a whole number without ``.0``.

    Parameters
    ----------
    value : object

    Returns
    -------
    str or None
    """
    if value is None or (not isinstance(value, str) and _missing(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(value))
    return str(value)


def group_labels(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """The labels of a column's values (missing ones dropped) and their order.

    Parameters
    ----------
    values : Series
        One value per document, any dtype.

    Returns
    -------
    labels : Series of str
        :func:`group_key` of each non-missing value, same index.
    order : list of str
        The distinct labels: by numeric value when every value is a number (not a bool),
        else sorted as strings.
    """
    kept = values[~values.isna()]
    labels = pd.Series([group_key(v) for v in kept], index=kept.index, dtype=object)
    distinct = set(labels)
    if len(kept) and _numeric(kept):
        first = dict(zip(labels, kept, strict=True))
        order = sorted(distinct, key=lambda k: (float(first[k]), k))
    else:
        order = sorted(distinct)
    return labels, order


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not a missing value
        return False


def _numeric(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in values)
