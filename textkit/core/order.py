"""The order of identifiers: numbers inside them compare as numbers.

Document ids come from the researcher (a table's ``id`` column: ``1, 2, … 80``; file names:
``report_9``, ``report_10``) or from textkit (``000_<hash>#01``). Sorted as text, ``10``
comes before ``2``; :func:`natural_order` sorts the runs of digits by their value (natsort),
so tables list ``1, 2, … 10``. Ties (``2`` and ``02``) are broken by the text, so the order
never depends on the input order. On ids whose numbers have a fixed width (textkit's own)
it is the text order.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from natsort import natsort_keygen

__all__ = ["natural_order"]

_KEY = natsort_keygen()


def natural_order(values: Iterable[object]) -> np.ndarray:
    """Positions that sort ``values`` naturally (digit runs by value, then the text).

    Parameters
    ----------
    values : iterable
        Identifiers; each is compared as ``str``.

    Returns
    -------
    ndarray of int64
        ``values`` taken at these positions are in natural order.

    Examples
    --------
    >>> natural_order(["10", "2", "1"]).tolist()
    [2, 1, 0]
    """
    text = pd.Series([str(v) for v in values], dtype=object)
    by_text = text.sort_values(kind="mergesort")  # ties of the natural key: by the text
    return by_text.sort_values(key=_KEY, kind="mergesort").index.to_numpy(dtype=np.int64)
