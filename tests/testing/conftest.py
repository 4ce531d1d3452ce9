"""Fixtures for the fake's tests: a fresh fake and a plain httpx client wired to it in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from talon_async import set_testing
from talon_async.testing import FakeTalon

# The plugin's fixtures are what users get; importing them here is how these tests use them.
from talon_async.testing.pytest_plugin import fake_talon, fake_talon_server

__all__ = ["fake_talon", "fake_talon_server"]


@pytest.fixture(autouse=True)
def _no_retry_sleep() -> Iterator[None]:
    """Facade retries are computed but not slept, so fault tests take no wall time."""
    set_testing(True)
    yield
    set_testing(False)


@pytest.fixture
def fake() -> FakeTalon:
    """A fresh fake with the example rules and a fixed API key."""
    return FakeTalon(api_key="test-key")


@pytest.fixture
async def http(fake: FakeTalon) -> AsyncIterator[httpx.AsyncClient]:
    """Plain httpx straight into ``fake``, authenticated."""
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://fake", headers=fake.auth_headers
    ) as client:
        yield client


def session_body(**session: Any) -> dict[str, Any]:
    """An IntegrationRequest for ``customerSession`` fields, asking for the session and profile back."""
    return {"customerSession": session, "responseContent": ["customerSession", "customerProfile"]}


def cart(*items: tuple[str, int, float]) -> list[dict[str, Any]]:
    """Cart items from (sku, quantity, price) triples."""
    return [{"sku": sku, "quantity": quantity, "price": price} for sku, quantity, price in items]


def effect_types(body: dict[str, Any]) -> list[str]:
    return [e["effectType"] for e in body["effects"]]
