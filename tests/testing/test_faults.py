"""Fault injection: 409, 429 with Retry-After, 503, slow answers and malformed bodies, bounded."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import anyio
import httpx
import pytest

from talon_async import ConflictError, RateLimitError, TalonClient
from talon_async.testing import FakeTalon, Fault

pytestmark = pytest.mark.anyio

SESSION = {"customerSession": {"profileId": "p1"}}


async def test_rate_limit_with_seconds_then_recovery(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """429 with Retry-After seconds for exactly `times` requests, then normal answers."""
    fake.faults.rate_limit(retry_after=3, times=2)
    first = await http.put("/v2/customer_sessions/s1", json=SESSION)
    second = await http.get("/v2/customer_sessions/s1")
    third = await http.put("/v2/customer_sessions/s1", json=SESSION)
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["Retry-After"] == "3"
    assert first.json()["StatusCode"] == 429
    assert fake.faults.pending == []
    assert [(s.operation, s.status) for s in fake.faults.served] == [
        ("updateCustomerSessionV2", 429),
        ("getCustomerSession", 429),
    ]


async def test_rate_limit_with_http_date(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Retry-After can be an HTTP-date."""
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    fake.faults.rate_limit(retry_after=when)
    r = await http.get("/v2/customer_sessions/s1")
    assert email.utils.parsedate_to_datetime(r.headers["Retry-After"]) == when


async def test_fault_for_one_operation_only(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A fault bound to an operation leaves the others alone."""
    fake.faults.unavailable(operation="trackEventV2", retry_after=1)
    assert (await http.get("/v2/customer_sessions/s1")).status_code == 400
    r = await http.post("/v2/events", json={"profileId": "p", "type": "t"})
    assert (r.status_code, r.headers["Retry-After"]) == (503, "1")


async def test_faults_fire_in_the_order_added(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Queued faults make a deterministic scenario: 409, then 503, then success."""
    fake.faults.conflict()
    fake.faults.unavailable()
    statuses = [(await http.put("/v2/customer_sessions/s1", json=SESSION)).status_code for _ in range(3)]
    assert statuses == [409, 503, 200]


async def test_malformed_body(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A malformed fault answers a body that is not JSON, and skips response validation."""
    fake.faults.malformed(operation="getCustomerSession")
    r = await http.get("/v2/customer_sessions/s1")
    assert r.status_code == 200
    with pytest.raises(ValueError, match="Expecting"):
        r.json()


async def test_slow_answer_then_normal(fake: FakeTalon) -> None:
    """A slow fault delays the answer past a client's timeout; the next request is fast again."""
    fake.faults.slow(5.0)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        # The in-process transport ignores httpx timeouts, so the test sets its own deadline.
        with anyio.move_on_after(0.05) as scope:
            await http.get("/v2/customer_sessions/s1")
        assert scope.cancelled_caught
        assert (await http.get("/v2/customer_sessions/s1")).status_code == 400


def test_faults_are_bounded() -> None:
    """A fault must fire between 1 and 10,000 times and delay at most 60 seconds."""
    fake = FakeTalon()
    with pytest.raises(ValueError, match="between 1 and"):
        fake.faults.add(Fault("status", 0))
    with pytest.raises(ValueError, match="between 1 and"):
        fake.faults.status(500, times=10_001)
    with pytest.raises(ValueError, match="delays between"):
        fake.faults.slow(61)
    fake.faults.status(500, times=3)
    fake.faults.clear()
    assert fake.faults.pending == []


async def test_facade_retries_through_429_and_503(fake: FakeTalon) -> None:
    """TalonClient retries 429 and 503 from the fake and then succeeds."""
    fake.faults.rate_limit(retry_after=1)
    fake.faults.unavailable()
    async with TalonClient(
        "http://127.0.0.1", fake.api_key, transport=fake.transport(), max_retries=2
    ) as talon:
        state = await talon.update_customer_session("s1", body=SESSION)
    assert state.effects == []
    assert [r.status for r in fake.requests] == [429, 503, 200]


async def test_facade_gives_up_after_max_retries(fake: FakeTalon) -> None:
    """When the fault outlasts max_retries the facade raises RateLimitError with the status."""
    fake.faults.rate_limit(times=3)
    async with TalonClient(
        "http://127.0.0.1", fake.api_key, transport=fake.transport(), max_retries=1
    ) as talon:
        with pytest.raises(RateLimitError) as info:
            await talon.get_customer_session("s1")
    assert info.value.status_code == 429
    assert len(fake.requests) == 2


async def test_facade_retries_a_busy_conflict(fake: FakeTalon) -> None:
    """An injected busy 409 is retried by the facade; with no retries it surfaces as ConflictError."""
    fake.faults.conflict()
    async with TalonClient(
        "http://127.0.0.1", fake.api_key, transport=fake.transport(), max_retries=1
    ) as talon:
        await talon.update_customer_session("s1", body=SESSION)
    fake.faults.conflict()
    async with TalonClient(
        "http://127.0.0.1", fake.api_key, transport=fake.transport(), max_retries=0
    ) as talon:
        with pytest.raises(ConflictError) as info:
            await talon.update_customer_session("s1", body=SESSION)
    assert info.value.is_busy
