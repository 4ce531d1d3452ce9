"""A query string reads the same as httpx would write it, whether it was built now or served from memory."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from talon_async._generated.types import encode_query


def _as_httpx(params: dict[str, Any]) -> str:
    return httpx.URL("http://h/", params=params).query.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"silent": "yes"},
        {"silent": "no", "dry": True},
        {"dry": True},
        {"dry": 1},
        {"pageSize": 1000, "skip": 0},
        {"sort": "-created", "status": ["active", "expired"]},
        {"name": "a b&c=d/é"},
        {},
    ],
)
def test_encode_query_matches_httpx_on_first_and_repeated_use(params: dict[str, Any]) -> None:
    """The first and a repeated encoding are both what httpx puts in the URL for those parameters."""
    assert encode_query(params) == _as_httpx(params)
    assert encode_query(params) == _as_httpx(params)


def test_a_remembered_text_query_is_never_served_for_equal_non_text_values() -> None:
    """``True`` and ``1`` are equal dictionary keys, yet each gets its own query string."""
    assert encode_query({"flag": "1"}) == "flag=1"
    assert encode_query({"flag": True}) == "flag=true"
    assert encode_query({"flag": 1}) == "flag=1"
    assert encode_query({"flag": "1"}) == "flag=1"
