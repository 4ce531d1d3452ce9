"""Fixtures for the reliability tests: one misbehaving loopback server, clients aimed at it.

The server runs for the whole session in its own thread (its own asyncio loop), so tests on
asyncio and on trio share it; each test starts from a clean script and record.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
import pytest

import talon_async
from talon_async import TalonClient
from tests.reliability.faulty_server import FaultyServer, ok_handler

API_KEY = "tk_rel_" + secrets.token_hex(16)
"""A fresh key per run, so a grep for it cannot match anything but a leak."""

STATE = {"effects": [], "createdCoupons": [], "createdReferrals": []}
"""A minimal valid IntegrationStateV2 body (the answer to a session update)."""

SESSION = {"integrationId": "s-1", "state": "open"}
"""A minimal valid IntegrationCustomerSessionResponse body's session."""


@pytest.fixture(scope="session")
def _server_process() -> Iterator[FaultyServer]:
    with FaultyServer() as server:
        yield server


@pytest.fixture
def server(_server_process: FaultyServer) -> Iterator[FaultyServer]:
    """The faulty server with no connection open, no script, the default 200 handler and an empty record."""
    _server_process.disconnect_all()
    _server_process.reset(ok_handler)
    yield _server_process
    _server_process.disconnect_all()
    _server_process.reset(ok_handler)


@pytest.fixture(autouse=True)
def _no_retry_sleep() -> Iterator[None]:
    """Retries compute and log their delay but do not sleep, so request counts come fast."""
    talon_async.set_testing(True)
    yield
    talon_async.set_testing(False)


@pytest.fixture
async def talon(server: FaultyServer) -> AsyncIterator[TalonClient]:
    """A client for the faulty server with the default transport for the running loop."""
    async with TalonClient(server.url, API_KEY, timeout=5.0, max_retries=2) as client:
        yield client


def client_for(server: FaultyServer, **kwargs: Any) -> TalonClient:
    options: dict[str, Any] = {"timeout": 5.0, "max_retries": 2, **kwargs}
    return TalonClient(server.url, API_KEY, **options)


async def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds`` (the server thread runs on its own)."""
    with anyio.fail_after(seconds):
        while not condition():  # noqa: ASYNC110 - the condition lives in another thread, no event to wait on
            await anyio.sleep(0.01)
