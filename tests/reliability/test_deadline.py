"""``timeout`` bounds each attempt, ``total_timeout`` the whole call; timeout errors say what happened.

A stalled answer is one that never completes (``SlowHeaders``); retry sleeping is off in these
tests (the delays are still computed, and a delay that would end past the total deadline means
no retry at all). Every case runs on asyncio (aiohttp) and trio (httpcore).
"""

from __future__ import annotations

import json
import math
import re
import time

import anyio
import httpx
import pytest

import talon_async
from talon_async import TalonClient
from tests.reliability.conftest import API_KEY, client_for
from tests.reliability.faulty_server import FaultyServer, Respond, SlowHeaders

pytestmark = pytest.mark.anyio

STALL = SlowHeaders(interval=5.0, max_seconds=5.0)
UPDATE_BODY = {"customerSession": {"state": "open"}}


def stated(message: str) -> tuple[int, float]:
    """The number of attempts and the seconds a timeout error's message states."""
    match = re.search(r"(\d+) attempts?, (\d+\.\d+) s in all", message)
    assert match is not None, message
    return int(match.group(1)), float(match.group(2))


async def test_timeout_error_states_attempts_and_total_time(anyio_backend: str, server: FaultyServer) -> None:
    """timeout=0.3 on a GET stalled three times says "3 attempts" and the real total, not "within 0.3 s"."""
    server.script(STALL, STALL, STALL)
    started = time.monotonic()
    async with client_for(server, timeout=0.3, max_retries=2) as talon:
        with pytest.raises(talon_async.APITimeoutError) as caught:
            await talon.get_customer_session("s-1")
    elapsed = time.monotonic() - started
    attempts, seconds = stated(str(caught.value))
    assert attempts == 3 == server.request_count
    assert 0.9 <= seconds <= elapsed + 0.01  # the message rounds to 0.01 s
    assert "0.3 s per attempt" in str(caught.value)


@pytest.mark.parametrize("where", ["client", "call"])
async def test_total_timeout_cuts_an_attempt(anyio_backend: str, server: FaultyServer, where: str) -> None:
    """total_timeout=0.5 (on the client, or on the call) ends a stalled call after 0.5 s despite timeout=5."""
    server.script(STALL)
    client_total = 0.5 if where == "client" else None
    call_total = 0.5 if where == "call" else None
    started = time.monotonic()
    async with client_for(server, timeout=5.0, max_retries=5, total_timeout=client_total) as talon:
        assert talon.total_timeout == client_total
        with pytest.raises(talon_async.APITimeoutError) as caught:
            await talon.get_customer_session("s-1", total_timeout=call_total)
    elapsed = time.monotonic() - started
    assert elapsed < 0.5 + 0.5
    assert "within total_timeout=0.5 s; 1 attempt," in str(caught.value)
    assert 0.45 <= stated(str(caught.value))[1] <= elapsed + 0.01
    assert server.request_count == 1


async def test_total_timeout_bounds_the_call_across_retries(anyio_backend: str, server: FaultyServer) -> None:
    """With 0.3 s attempts, 5 retries and total_timeout=1, the call ends within 1.5 s, attempts counted."""
    server.script(*[STALL] * 6)
    started = time.monotonic()
    async with client_for(server, timeout=0.3, max_retries=5, total_timeout=1.0) as talon:
        with pytest.raises(talon_async.APITimeoutError) as caught:
            await talon.get_customer_session("s-1")
    elapsed = time.monotonic() - started
    attempts, seconds = stated(str(caught.value))
    # A retry whose (jittered) delay would end past the deadline is not made: 2 to 4 attempts.
    assert 2 <= attempts == server.request_count <= 4
    assert seconds <= elapsed + 0.01
    assert elapsed < 1.0 + 0.5


async def test_call_total_timeout_overrides_the_client(anyio_backend: str, server: FaultyServer) -> None:
    """A per-call total_timeout replaces the client's: a longer one waits for a 0.6 s answer to arrive."""
    slow = SlowHeaders(interval=0.2, max_seconds=0.6)  # completes after 0.6 s, with a "{}" body
    server.script(slow, slow)
    async with client_for(server, timeout=5.0, max_retries=0, total_timeout=0.3) as talon:
        with pytest.raises(talon_async.APITimeoutError):
            await talon.get_customer_session("s-1")
        session = await talon.get_customer_session("s-1", total_timeout=5.0)
    assert session.to_dict() == {}


async def test_no_retry_that_would_start_after_the_total_deadline(
    anyio_backend: str, server: FaultyServer
) -> None:
    """A 503 asking to come back in 30 s, with total_timeout=2, is raised at once after one request."""
    server.script(*[Respond(503, {"message": "busy"}, headers=(("Retry-After", "30"),))] * 3)
    async with client_for(server, max_retries=2, total_timeout=2.0) as talon:
        with pytest.raises(talon_async.InternalServerError):
            await talon.get_customer_session("s-1")
    assert server.request_count == 1


async def test_total_timeout_covers_waiting_for_the_lock(anyio_backend: str, server: FaultyServer) -> None:
    """A session update queued behind a stalled one for the same session times out after total_timeout."""
    server.script(STALL)
    async with client_for(server, timeout=3.0, max_retries=0) as talon, anyio.create_task_group() as tg:
        tg.start_soon(lambda: talon.update_customer_session("s-1", body=UPDATE_BODY))
        await anyio.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(talon_async.APITimeoutError) as caught:
            await talon.update_customer_session("s-1", body=UPDATE_BODY, total_timeout=0.3)
        assert time.monotonic() - started < 0.3 + 0.5
        tg.cancel_scope.cancel()
    assert stated(str(caught.value))[0] == 0
    assert server.request_count == 1


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf, True, "5"])
async def test_total_timeout_must_be_a_positive_number(anyio_backend: str, bad: object) -> None:
    """A total_timeout that is not a positive, finite number is refused, on the client and per call."""
    with pytest.raises(talon_async.InvalidRequestError, match="total_timeout"):
        TalonClient("https://talon.example", API_KEY, total_timeout=bad)  # type: ignore[arg-type]
    async with TalonClient("https://talon.example", API_KEY) as talon:
        with pytest.raises(talon_async.InvalidRequestError, match="total_timeout"):
            await talon.get_customer_session("s-1", total_timeout=bad)  # type: ignore[arg-type]


def _page_of(items: int) -> bytes:
    """A card-transactions page of ``items`` entries (about 370 bytes each), as Talon.One answers it."""
    entry = {
        "transactionUUID": "87b0b125-ec1d-4da0-a6eb-8c9ebd69fe29",
        "created": "2026-01-01T00:00:07Z",
        "programId": 48,
        "cardIdentifier": "LC-7f3b9c21e4",
        "customerSessionId": "session-00000000",
        "type": "addition",
        "name": "1 point per euro",
        "startDate": "immediate",
        "expiryDate": "2027-11-02T14:31:07Z",
        "subledgerId": "coffee",
        "amount": 15.0,
        "id": 1000000,
        "rulesetId": 1031,
        "ruleName": "Coffee Club points",
    }
    return json.dumps({"hasMore": False, "data": [entry] * items}).encode()


async def test_the_attempt_deadline_covers_parsing_a_large_answer(anyio_backend: str) -> None:
    """An answer whose models take longer to build than an attempt lasts ends in APITimeoutError on time."""
    body = _page_of(60_000)
    assert 1 << 20 < len(body) < 32 << 20  # parsed off the event loop, and under the size cap

    def transport() -> httpx.MockTransport:
        return httpx.MockTransport(lambda request: httpx.Response(200, content=body))

    async def fetch(seconds: float) -> tuple[float, object]:
        async with TalonClient(
            "https://talon.test", API_KEY, transport=transport(), timeout=seconds
        ) as talon:
            started = time.perf_counter()
            try:
                page = await talon.get_loyalty_card_transactions(1, "CARD-1", page_size=1000)
            except talon_async.APITimeoutError as exc:
                return time.perf_counter() - started, exc
            return time.perf_counter() - started, page

    parse_time, page = await fetch(60.0)
    assert len(page.data) == 60_000  # type: ignore[attr-defined]
    # 60,000 live models make every full garbage collection in the timed call long and its timing loose.
    del page
    deadline = parse_time / 10
    elapsed, outcome = await fetch(deadline)
    assert isinstance(outcome, talon_async.APITimeoutError)
    assert "not read and parsed within" in str(outcome)
    # Not a tenth: orjson parses the whole body in one call that holds the interpreter lock, so the
    # loop notices the deadline only once that call returns (about half the parse time here). The
    # models are built after it, and waiting for them would take the whole parse time.
    assert elapsed < parse_time * 0.8, (elapsed, parse_time)
