"""The precision contract: how many digits of a float textkit writes, and when two outputs agree.

Floating-point results differ in their last digits between machines (CPU features, BLAS
kernels, thread counts). textkit therefore promises equality at a *stated precision*, not
bit-identity:

- every float an exported table holds is rounded to :data:`SIG_DIGITS` significant digits
  when it is written (:func:`round_frame`);
- two values agree when they are equal after that rounding, or differ by at most one unit
  in the last stated digit (a value that sits on a rounding boundary may round either way
  on another machine), or by at most :data:`ABS_TOL` (cancellation noise around zero);
- a text output (CSV, JSON, GEXF, Markdown, notebook) agrees with another when everything
  but its decimal numbers is identical and the numbers agree as above
  (:func:`texts_agree`); tables read back agree cell by cell (:func:`frames_agree`).

The same rules serve the writers (a file whose content agrees with what is already on disk
is left as it is, so a rerun on another machine leaves ``git status`` clean) and
``textkit verify`` (which regenerates everything and compares).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SIG_DIGITS",
    "ABS_TOL",
    "round_sig",
    "round_frame",
    "round_floats",
    "numbers_agree",
    "texts_agree",
    "frames_agree",
    "json_agree",
    "text_at_precision",
    "top_rounded",
    "frame_at_precision",
]

#: Significant digits of every float textkit writes to a table, JSON or network file.
SIG_DIGITS = 6

#: Absolute tolerance: values closer than this agree whatever their relative difference.
ABS_TOL = 1e-12


def round_sig(values: Any, digits: int = SIG_DIGITS) -> np.ndarray:
    """Round floats to ``digits`` significant digits (NaN, inf and 0 unchanged).

    Each value becomes the double nearest to its ``digits``-digit decimal form, so it
    prints short (``0.123457``) and the same value always rounds the same way.

    Parameters
    ----------
    values : array-like of float
    digits : int

    Returns
    -------
    numpy.ndarray of float64
    """
    arr = np.array(values, dtype=np.float64, copy=True)
    mask = np.isfinite(arr) & (arr != 0)
    if mask.any():
        fmt = f"{{:.{digits}g}}".format
        arr[mask] = np.fromiter((float(fmt(v)) for v in arr[mask].tolist()), np.float64)
    return arr


def top_rounded(values: Any, n: int) -> np.ndarray:
    """``np.argsort(-round_sig(values), kind="stable")[:n]``, rounding only the candidates.

    Ranking on rounded values makes near-ties (noise in the last digits) fall back to the
    order of the values; this gives the same positions without formatting every value: an
    entry can only reach the first ``n`` if it is within a relative 1e-4 of the ``n``-th
    largest value (rounding to :data:`SIG_DIGITS` digits moves a value by less than a
    relative 5e-6, and never reverses an order).

    Parameters
    ----------
    values : array-like of float
    n : int

    Returns
    -------
    numpy.ndarray of int
        Positions of the ``n`` largest rounded values, ties in position order.
    """
    v = np.asarray(values, dtype=np.float64)
    if n >= len(v) or not np.isfinite(v).all():
        return np.argsort(-round_sig(v), kind="stable")[:n]
    if n <= 0:
        return np.zeros(0, dtype=np.intp)
    nth = v[np.argpartition(v, len(v) - n)[len(v) - n]]
    candidates = np.flatnonzero(v >= nth - 1e-4 * abs(nth))
    return candidates[np.argsort(-round_sig(v[candidates]), kind="stable")[:n]]


def round_frame(df: pd.DataFrame, digits: int = SIG_DIGITS) -> pd.DataFrame:
    """A copy of ``df`` with every float column rounded to ``digits`` significant digits.

    Integer, string, boolean and date columns are unchanged; the input is not modified.
    Float values inside object columns (mixed types) are rounded too.

    Parameters
    ----------
    df : pandas.DataFrame
    digits : int

    Returns
    -------
    pandas.DataFrame
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype):
            out[col] = pd.Series(round_sig(s.to_numpy(), digits), index=s.index, dtype=s.dtype)
        elif s.dtype == object and s.map(lambda v: isinstance(v, float)).any():
            out[col] = s.map(lambda v: round_floats(v, digits) if isinstance(v, float) else v)
    return out


def round_floats(obj: Any, digits: int = SIG_DIGITS) -> Any:
    """Round every float inside a JSON-like object (dicts, lists, tuples, numpy scalars).

    Parameters
    ----------
    obj : object
    digits : int

    Returns
    -------
    object
        A new object of the same shape; ints, strings and booleans unchanged.
    """
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if not math.isfinite(v) or v == 0 else float(f"{v:.{digits}g}")
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(round_floats(v, digits) for v in obj)
    return obj


def _unit(a: float, b: float, digits: int) -> float:
    m = max(abs(a), abs(b))
    if m == 0 or not math.isfinite(m):
        return 0.0
    return 10.0 ** (math.floor(math.log10(m)) - digits + 1)


def numbers_agree(a: float, b: float, digits: int = SIG_DIGITS, atol: float = ABS_TOL) -> bool:
    """True when two floats agree at the stated precision.

    They agree when both are NaN, when they are equal, when their difference is at most
    ``atol``, or at most one unit in the ``digits``-th significant digit (so a value on a
    rounding boundary, rounded one way here and the other way elsewhere, still agrees).

    Parameters
    ----------
    a, b : float
    digits : int
    atol : float

    Returns
    -------
    bool
    """
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    diff = abs(a - b)
    return diff <= atol or diff <= _unit(a, b, digits) * (1 + 1e-9)


#: A decimal number standing alone: a point or an exponent (integers compare exactly).
_FLOAT_RE = re.compile(
    r"(?<![0-9A-Za-z_.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![0-9A-Za-z_])"
)


def texts_agree(a: str, b: str, digits: int = SIG_DIGITS, atol: float = ABS_TOL) -> str | None:
    """Compare two texts at the stated precision; ``None`` when they agree.

    Everything except decimal numbers (numbers with a point or an exponent) must be
    identical; integers, identifiers and hashes therefore compare exactly, and decimal
    numbers compare with :func:`numbers_agree`.

    Parameters
    ----------
    a, b : str
        Reference and candidate text.
    digits, atol
        As in :func:`numbers_agree`.

    Returns
    -------
    str or None
        ``None`` when the texts agree, else a short description of the first difference
        (line number and both snippets).
    """
    if a == b:
        return None
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
        if x == y:
            continue
        problem = _line_difference(x, y, digits, atol)
        if problem:
            return f"line {i}: {problem}"
    if len(la) != len(lb):
        return f"{len(la)} lines against {len(lb)}"
    return None


def _line_difference(x: str, y: str, digits: int, atol: float) -> str | None:
    parts_x, parts_y = _FLOAT_RE.split(x), _FLOAT_RE.split(y)
    nums_x, nums_y = _FLOAT_RE.findall(x), _FLOAT_RE.findall(y)
    if parts_x != parts_y or len(nums_x) != len(nums_y):
        return f"{_snip(x)!r} against {_snip(y)!r}"
    for u, v in zip(nums_x, nums_y, strict=True):
        if not numbers_agree(float(u), float(v), digits, atol):
            return f"{u} against {v}"
    return None


def text_at_precision(text: str, digits: int = SIG_DIGITS) -> bool:
    """True when no decimal number in ``text`` has more than ``digits`` significant digits."""
    for token in _FLOAT_RE.findall(text):
        mantissa = re.split(r"[eE]", token.lstrip("+-"), maxsplit=1)[0].replace(".", "")
        if len(mantissa.strip("0")) > digits:
            return False
    return True


def frame_at_precision(df: pd.DataFrame, digits: int = SIG_DIGITS) -> bool:
    """True when every float column of ``df`` already holds values at ``digits`` digits."""
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col].dtype):
            x = df[col].to_numpy(np.float64)
            r = round_sig(x, digits)
            if not np.array_equal(x, r, equal_nan=True):
                return False
    return True


def _snip(s: str, n: int = 120) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def frames_agree(
    a: pd.DataFrame, b: pd.DataFrame, digits: int = SIG_DIGITS, atol: float = ABS_TOL
) -> str | None:
    """Compare two tables cell by cell at the stated precision; ``None`` when they agree.

    Columns and row count must be equal; float cells compare with :func:`numbers_agree`,
    every other cell exactly (missing values equal each other).

    Parameters
    ----------
    a, b : pandas.DataFrame
        Reference and candidate.
    digits, atol
        As in :func:`numbers_agree`.

    Returns
    -------
    str or None
        ``None`` or the first differing cell (row, column, both values).
    """
    if list(a.columns) != list(b.columns):
        return f"columns {list(a.columns)} against {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows against {len(b)}"
    for col in a.columns:
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        floats = pd.api.types.is_float_dtype(x.dtype) or pd.api.types.is_float_dtype(y.dtype)
        if floats and pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xa, ya = x.to_numpy(np.float64), y.to_numpy(np.float64)
            bad = _disagreeing(xa, ya, digits, atol)
            if bad is not None:
                return f"row {bad}, column {col!r}: {xa[bad]!r} against {ya[bad]!r}"
            continue
        same = (x.isna() & y.isna()) | (x.astype(object) == y.astype(object))
        if not bool(same.all()):
            i = int(np.flatnonzero(~same.to_numpy())[0])
            return f"row {i}, column {col!r}: {x.iloc[i]!r} against {y.iloc[i]!r}"
    return None


def _disagreeing(x: np.ndarray, y: np.ndarray, digits: int, atol: float) -> int | None:
    both_nan = np.isnan(x) & np.isnan(y)
    with np.errstate(invalid="ignore"):
        close = both_nan | (x == y) | (np.abs(x - y) <= atol)
    for i in np.flatnonzero(~close).tolist():
        if not numbers_agree(x[i], y[i], digits, atol):
            return i
    return None


def json_agree(a: Any, b: Any, digits: int = SIG_DIGITS, atol: float = ABS_TOL, path: str = "$"):
    """Compare two JSON-like objects at the stated precision; ``None`` when they agree.

    Returns
    -------
    str or None
        ``None`` or the path of the first difference with both values.
    """
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return None if a is b or a == b else f"{path}: {a!r} against {b!r}"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return None if a == b else f"{path}: {a!r} against {b!r}"
        return None if numbers_agree(a, b, digits, atol) else f"{path}: {a!r} against {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return f"{path}: keys {sorted(a)} against {sorted(b)}"
        for k in sorted(a):
            d = json_agree(a[k], b[k], digits, atol, f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = json_agree(x, y, digits, atol, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} against {b!r}"
