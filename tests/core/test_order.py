"""Natural order of identifiers (numbers inside them by value, ties by the text)."""

from __future__ import annotations

from textkit.core.order import natural_order


def _sorted(values: list[str]) -> list[str]:
    return [values[i] for i in natural_order(values)]


def test_numbers_sort_by_value_and_ties_by_the_text():
    assert _sorted(["10", "2", "1", "02", "report_10", "report_9"]) == [
        "1", "02", "2", "10", "report_9", "report_10",
    ]  # fmt: skip
    # the order never depends on the input order
    assert _sorted(["2", "02"]) == _sorted(["02", "2"]) == ["02", "2"]


def test_textkit_ids_keep_their_text_order():
    ids = ["001_aabf#10", "000_bf6d#02", "001_aabf#02", "000_bf6d#10", "010_ff#01"]
    assert _sorted(ids) == sorted(ids)
