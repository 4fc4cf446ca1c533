"""Argument validation with one message style.

Every public function and config dataclass checks its arguments through these helpers, so a
bad value always reads the same way::

    n_topics: expected an integer >= 2, got 1
    holdout: expected a number in (0, 1), got 1.5
    by: expected one of 'prob', 'frex', 'lift', got 'score'

Each raises :class:`textkit.core.errors.InvalidParameterError` (a ``ValueError`` and a
``TypeError``) and returns the value normalised (NumPy integers become ``int``, numbers
become ``float``).
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

from textkit.core.errors import InvalidParameterError

__all__ = [
    "check_int",
    "check_number",
    "check_choice",
    "check_bool",
    "check_str",
    "renamed_parameter",
]

F = TypeVar("F", bound=Callable[..., Any])


def _fail(name: str, expected: str, value: Any) -> InvalidParameterError:
    return InvalidParameterError(f"{name}: expected {expected}, got {value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer in [{minimum}, {maximum}]"
    if minimum is not None:
        return f"an integer >= {minimum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return "an integer"


def check_int(
    name: str,
    value: Any,
    minimum: int | None = None,
    maximum: int | None = None,
    *,
    allow_none: bool = False,
    also: Iterable[int] = (),
) -> int | None:
    """``value`` as an ``int`` when it is an integer in ``[minimum, maximum]``.

    Parameters
    ----------
    name : str
        The argument or setting name used in the message (e.g. ``"LdaConfig.passes"``).
    value : object
        The value to check. ``bool`` is refused (``True`` is not a count).
    minimum, maximum : int, optional
        Inclusive bounds; ``None`` leaves that side open.
    allow_none : bool, default False
        Accept ``None`` (returned unchanged).
    also : iterable of int, default ()
        Special values accepted outside the bounds (e.g. ``-1`` for "all cores").

    Returns
    -------
    int or None

    Raises
    ------
    InvalidParameterError
        Naming ``name``, the expected range and the value received.
    """
    if value is None and allow_none:
        return None
    extras = tuple(also)
    if _is_int(value):
        v = int(value)
        if v in extras:
            return v
        if (minimum is None or v >= minimum) and (maximum is None or v <= maximum):
            return v
    expected = _int_range(minimum, maximum)
    if extras:
        expected += " or " + " or ".join(str(x) for x in extras)
    if allow_none:
        expected += " or None"
    raise _fail(name, expected, value)


def check_number(
    name: str,
    value: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> float | None:
    """``value`` as a finite ``float`` within the given bounds.

    Parameters
    ----------
    name : str
        The argument or setting name used in the message.
    value : object
        An int or float (``bool`` refused); NaN and infinities are refused.
    minimum, maximum : float, optional
        Bounds; ``None`` leaves that side open.
    low_open, high_open : bool, default False
        Exclude the bound itself (``(0, 1)`` rather than ``[0, 1]``).
    allow_none : bool, default False
        Accept ``None`` (returned unchanged).

    Returns
    -------
    float or None

    Raises
    ------
    InvalidParameterError
        Naming ``name``, the expected range and the value received.
    """
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        v = float(value)
        ok = math.isfinite(v)
        if ok and minimum is not None:
            ok = v > minimum if low_open else v >= minimum
        if ok and maximum is not None:
            ok = v < maximum if high_open else v <= maximum
        if ok:
            return v
    if minimum is not None and maximum is not None:
        expected = f"a number in {'(' if low_open else '['}{minimum:g}, {maximum:g}{')' if high_open else ']'}"
    elif minimum is not None:
        expected = f"a number {'>' if low_open else '>='} {minimum:g}"
    elif maximum is not None:
        expected = f"a number {'<' if high_open else '<='} {maximum:g}"
    else:
        expected = "a finite number"
    if allow_none:
        expected += " or None"
    raise _fail(name, expected, value)


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` when it is one of ``choices`` (compared with ``==``, order kept in the message).

    Raises
    ------
    InvalidParameterError
        Listing the accepted values.
    """
    options = tuple(choices)
    for option in options:
        if option is value:
            return value
        if isinstance(option, bool) or isinstance(value, bool):
            continue  # True is not 1
        try:
            if option == value:
                return value
        except (TypeError, ValueError):  # arrays and other values without a plain ==
            continue
    listed = ", ".join(repr(o) for o in options)
    raise _fail(name, f"one of {listed}", value)


def check_bool(name: str, value: Any) -> bool:
    """``value`` when it is ``True`` or ``False`` (NumPy booleans become ``bool``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):  # NumPy's boolean scalar (numpy.bool)
        return bool(value)
    raise _fail(name, "True or False", value)


def check_str(name: str, value: Any, *, allow_empty: bool = False, allow_none: bool = False) -> Any:
    """``value`` when it is a (non-empty, unless ``allow_empty``) string."""
    if value is None and allow_none:
        return None
    if isinstance(value, str) and (allow_empty or value):
        return value
    expected = "a string" if allow_empty else "a non-empty string"
    if allow_none:
        expected += " or None"
    raise _fail(name, expected, value)


def renamed_parameter(old: str, new: str) -> Callable[[F], F]:
    """Decorate a function whose keyword ``old`` is now called ``new``.

    A call with ``old=`` still works, with a FutureWarning; a call with both is refused.
    :func:`inspect.signature` (and so scikit-learn's ``get_params``) sees the new signature.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if old in kwargs:
                if new in kwargs:
                    raise InvalidParameterError(
                        f"{func.__qualname__}: give {new} only ({old} is its old name)"
                    )
                warnings.warn(
                    f"{func.__qualname__}: '{old}' is now called '{new}'",
                    FutureWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
