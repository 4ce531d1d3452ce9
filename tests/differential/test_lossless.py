"""The comparison behind every round trip of the suite treats exactly the documented forms as equal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.differential.lossless import first_difference, instant, normal


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2024-01-01T05:30:00+05:30", "2024-01-01T00:00:00Z"),
        ("2024-01-01t00:00:00z", "2024-01-01T00:00:00+00:00"),
        ("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.123456+00:00"),
        ("2024-01-01T00:00:00.1Z", "2024-01-01T00:00:00.100000Z"),
        (5, 5.0),
        ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}),
    ],
)
def test_documented_equivalences_compare_equal(left: Any, right: Any) -> None:
    """Offsets, separators, sub-microsecond digits, 5 versus 5.0 and key order are no loss."""
    assert normal(left) == normal(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (True, 1),
        (None, {}),
        ({"a": None}, {}),
        ([[], ["ab"]], [{}, {"0": "ab"}]),
        ([1, 2], [2, 1]),
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"),
        ("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"),
    ],
)
def test_real_differences_compare_unequal(left: Any, right: Any) -> None:
    """A boolean is no number, a dropped null is a loss, array shape and order count, and so do instants."""
    assert normal(left) != normal(right)
    assert first_difference(left, right) is not None


def test_nulls_may_be_absent_only_when_asked() -> None:
    """absent_nulls=True treats a null-valued key as missing; nothing else changes."""
    assert normal({"a": None, "b": 1}, absent_nulls=True) == normal({"b": 1}, absent_nulls=True)
    assert normal({"a": None}, absent_nulls=True) != normal({"a": 0}, absent_nulls=True)


def test_only_rfc3339_text_is_an_instant() -> None:
    """Text without an offset, or with a space separator, stays text."""
    assert instant("2024-01-01T00:00:00") is None
    assert instant("2024-01-01 00:00:00Z") is None
    assert instant("2024-01-01T00:00:00-05:30") is not None
