"""A query string reads the same as httpx would write it, whether it was built now or served from memory."""

from __future__ import annotations

import enum
from typing import Any

import httpx
import pytest

from talon_async._generated import types
from talon_async._generated.types import encode_query


@pytest.fixture(autouse=True)
def empty_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no query strings remembered, whatever ran before it."""
    monkeypatch.setattr(types, "_TEXT_QUERIES", {})


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


def test_a_remembered_query_is_never_served_for_equal_values_of_another_type() -> None:
    """``1`` and ``True``, a text enum member and its value: equal as keys, each keeps its own query."""

    # The mixin on purpose: it prints as ``Status.ACTIVE``, unlike its value (a StrEnum prints the value).
    class Status(str, enum.Enum):  # noqa: UP042
        ACTIVE = "active"

    assert encode_query({"flag": 1}) == "flag=1"
    assert encode_query({"flag": True}) == "flag=true"
    assert encode_query({"status": "active"}) == "status=active"
    assert encode_query({"status": Status.ACTIVE}) == _as_httpx({"status": Status.ACTIVE})
    assert types._TEXT_QUERIES == {(("status", "active"),): "status=active"}


def test_queries_that_never_repeat_cannot_fill_the_memory_for_good() -> None:
    """Once full, the memory starts over, so a repeated query is remembered again after a flood."""
    for moment in range(1000):
        encode_query({"now": f"2026-01-01T00:00:{moment:04d}Z"})
    assert len(types._TEXT_QUERIES) <= 256
    encode_query({"silent": "yes"})
    assert (("silent", "yes"),) in types._TEXT_QUERIES
