"""One argument check module, one message style: ``name: expected …, got …``."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from textkit.core.checks import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_str,
    renamed_parameter,
)
from textkit.core.errors import InvalidParameterError, TextkitError


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_int("n_topics", 1, minimum=2), "n_topics: expected an integer >= 2, got 1"),
        (lambda: check_int("k", 2.0), "k: expected an integer, got 2.0"),
        (lambda: check_int("k", True), "k: expected an integer, got True"),
        (lambda: check_int("top", 11, 1, 10), "top: expected an integer in [1, 10], got 11"),
        (
            lambda: check_int("n_jobs", 0, minimum=1, also=(-1,)),
            "n_jobs: expected an integer >= 1 or -1, got 0",
        ),
        (
            lambda: check_number("holdout", 1.5, 0, 1, low_open=True, high_open=True),
            "holdout: expected a number in (0, 1), got 1.5",
        ),
        (lambda: check_number("alpha", float("nan")), "alpha: expected a finite number, got nan"),
        (lambda: check_number("w", "1"), "w: expected a finite number, got '1'"),
        (
            lambda: check_choice("by", "score", ("prob", "frex")),
            "by: expected one of 'prob', 'frex', got 'score'",
        ),
        (
            lambda: check_choice("flag", 1, (True, False)),
            "flag: expected one of True, False, got 1",
        ),
        (lambda: check_bool("hmm", "yes"), "hmm: expected True or False, got 'yes'"),
        (lambda: check_str("name", ""), "name: expected"),
    ],
)
def test_one_message_style(call, message):
    with pytest.raises(InvalidParameterError) as exc:
        call()
    assert str(exc.value).startswith(message)
    # old callers catching ValueError or TypeError keep working; one base catches all
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, TypeError)
    assert isinstance(exc.value, TextkitError)


def test_valid_values_are_returned_normalised():
    assert check_int("k", np.int64(5), minimum=1) == 5 and type(check_int("k", np.int64(5))) is int
    assert check_int("n_jobs", -1, minimum=1, also=(-1,)) == -1
    assert check_int("k", None, allow_none=True) is None
    assert check_number("x", 1) == 1.0 and isinstance(check_number("x", 1), float)
    assert check_number("x", 0.0, 0, 1) == 0.0  # closed bounds include the bound
    with pytest.raises(InvalidParameterError):
        check_number("x", 0.0, 0, 1, low_open=True)
    assert check_bool("b", np.bool_(True)) is True
    assert check_choice("by", "frex", ("prob", "frex")) == "frex"
    assert check_str("s", "a") == "a" and check_str("s", None, allow_none=True) is None


def test_renamed_parameter_warns_and_keeps_the_new_signature():
    @renamed_parameter("seed", "random_state")
    def fit(x, *, random_state=0):
        return x + random_state

    assert list(inspect.signature(fit).parameters) == ["x", "random_state"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit(1, random_state=2) == 3
    with pytest.warns(FutureWarning, match="'seed' is now called 'random_state'"):
        assert fit(1, seed=2) == 3
    with pytest.raises(InvalidParameterError, match="give random_state only"):
        fit(1, seed=1, random_state=2)
