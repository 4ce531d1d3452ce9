"""The retry policy: what is retried, how long it waits, and that unsafe requests are never replayed."""

from __future__ import annotations

import logging
import random
import time
from email.utils import formatdate

import httpx
import pytest

import talon_async
from talon_async import _retry
from talon_async._retry import (
    MAX_DELAY,
    MAX_RETRY_AFTER,
    retry_delay,
    should_retry,
)
from tests.facade.conftest import make_client, state_doc

pytestmark = pytest.mark.anyio

REQUEST = httpx.Request("POST", "https://t.example/v2/events")


def _policy(**kwargs: object) -> bool:
    defaults: dict[str, object] = {"attempt": 0, "max_retries": 2, "method": "POST", "idempotent": False}
    return should_retry(**{**defaults, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"status_code": 429}, True),
        ({"status_code": 503}, True),
        ({"status_code": 409, "busy": True}, True),
        ({"status_code": 409, "busy": False}, False),
        ({"status_code": 502}, False),
        ({"status_code": 504}, False),
        ({"status_code": 502, "idempotent": True, "method": "PUT"}, True),
        ({"status_code": 504, "idempotent": True, "method": "GET"}, True),
        ({"status_code": 500, "idempotent": True, "method": "GET"}, False),
        ({"status_code": 520, "idempotent": True, "method": "GET"}, False),
        ({"status_code": 400}, False),
        ({"status_code": 404, "method": "GET", "idempotent": True}, False),
        ({"error": httpx.ConnectError("refused", request=REQUEST)}, True),
        ({"error": httpx.ConnectTimeout("slow connect", request=REQUEST)}, True),
        ({"error": httpx.PoolTimeout("pool", request=REQUEST)}, True),
        ({"error": httpx.ReadTimeout("slow", request=REQUEST)}, False),
        ({"error": httpx.ReadTimeout("slow", request=REQUEST), "method": "PUT", "idempotent": True}, False),
        ({"error": httpx.ReadTimeout("slow", request=REQUEST), "method": "GET", "idempotent": True}, True),
        ({"error": httpx.WriteTimeout("slow", request=REQUEST), "method": "GET", "idempotent": True}, True),
        ({"error": httpx.RemoteProtocolError("reset", request=REQUEST)}, False),
        ({"error": httpx.ReadError("reset", request=REQUEST)}, False),
        ({"error": httpx.ReadError("reset", request=REQUEST), "method": "PUT", "idempotent": True}, True),
        ({"status_code": 503, "attempt": 2}, False),
        ({"status_code": 503, "max_retries": 0}, False),
        ({"error": httpx.ConnectError("refused", request=REQUEST), "max_retries": 0}, False),
    ],
)
def test_should_retry_policy(kwargs: dict[str, object], expected: bool) -> None:
    """Rejections and unsent requests retry; unknown outcomes only when safe; the budget is respected."""
    assert _policy(**kwargs) is expected


def test_retry_after_seconds_win_and_are_capped() -> None:
    """Retry-After in seconds is used as is, capped at MAX_RETRY_AFTER; junk falls back to backoff."""
    assert retry_delay(0, "3") == 3.0
    assert retry_delay(5, "0.25") == 0.25
    assert retry_delay(0, "86400") == MAX_RETRY_AFTER
    assert retry_delay(0, "-5") == 0.0
    assert 0 <= retry_delay(0, "soon") <= 0.5


def test_retry_after_http_date() -> None:
    """Retry-After as an HTTP-date waits until that moment (a past date means now)."""
    in_30s = formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_delay(0, in_30s) <= 31
    assert retry_delay(0, formatdate(time.time() - 300, usegmt=True)) == 0.0


def test_backoff_is_exponential_jittered_and_capped() -> None:
    """Without Retry-After the delay is uniform in [0, min(MAX_DELAY, 0.5 * 2**attempt)]."""
    random.seed(1234)
    for attempt in range(12):
        ceiling = min(MAX_DELAY, 0.5 * 2**attempt)
        delays = [retry_delay(attempt) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # full jitter spans the whole range
    assert max(retry_delay(50) for _ in range(200)) <= MAX_DELAY


async def test_set_testing_skips_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """With set_testing(True) no sleep happens; with False the computed delay is slept."""
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(_retry.anyio, "sleep", fake_sleep)
    talon_async.set_testing(True)
    await _retry.sleep(2.5)
    talon_async.set_testing(False)
    await _retry.sleep(1.5)
    assert slept == [1.5]


class Script:
    """Answers requests from a list, counting them."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            if isinstance(answer, httpx.RequestError):
                answer.request = request
            raise answer
        return answer


OK_STATE = httpx.Response(200, json=state_doc())
BUSY = httpx.Response(409, json={"message": "Too many requests are updating this customer session"})


async def test_rate_limit_retry_after_is_honoured(caplog: pytest.LogCaptureFixture) -> None:
    """A 429 with Retry-After: 3 is retried after 3 s (logged), then succeeds."""
    caplog.set_level(logging.DEBUG, logger="talon_async")
    script = Script(httpx.Response(429, headers={"Retry-After": "3"}), OK_STATE)
    async with make_client(script) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    assert len(script.requests) == 2
    assert "retry_in=3.000s" in caplog.records[0].getMessage()


async def test_retries_stop_after_max_retries() -> None:
    """Three 503s with max_retries=2 make exactly 3 requests, then raise the last error."""
    script = Script(httpx.Response(503), httpx.Response(503), httpx.Response(503, json={"message": "down"}))
    async with make_client(script, max_retries=2) as talon:
        with pytest.raises(talon_async.InternalServerError, match="down"):
            await talon.get_customer_session("s1")
    assert len(script.requests) == 3


async def test_max_retries_zero_disables_retries() -> None:
    """max_retries=0 sends once, even for a retryable status."""
    script = Script(httpx.Response(503))
    async with make_client(script, max_retries=0) as talon:
        with pytest.raises(talon_async.InternalServerError):
            await talon.get_customer_session("s1")
    assert len(script.requests) == 1


async def test_busy_conflict_is_retried_but_duplicate_is_not() -> None:
    """409 'too many requests are updating' is retried; 409 'already exists' is raised at once."""
    busy_then_ok = Script(BUSY, OK_STATE)
    async with make_client(busy_then_ok) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    assert len(busy_then_ok.requests) == 2
    duplicate = Script(httpx.Response(409, json={"message": "audience already exists"}))
    async with make_client(duplicate) as talon:
        with pytest.raises(talon_async.ConflictError):
            await talon.create_audience(body={"name": "vip"})
    assert len(duplicate.requests) == 1


async def test_post_is_not_replayed_after_read_timeout() -> None:
    """A POST whose answer timed out may have landed: it is sent once and the timeout raised."""
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(204))
    async with make_client(script) as talon:
        with pytest.raises(talon_async.APITimeoutError):
            await talon.track_event(body={"type": "click", "profileId": "p1"})
    assert len(script.requests) == 1


async def test_get_is_retried_after_read_timeout() -> None:
    """A GET whose answer timed out is simply asked again."""
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
    async with make_client(script) as talon:
        session = await talon.get_customer_session("s1")
    assert isinstance(session, talon_async.models.IntegrationCustomerSessionResponse)
    assert len(script.requests) == 2


async def test_closing_session_not_replayed_after_reset_but_open_update_is() -> None:
    """A connection reset after sending: an open-session PUT is repeated, a closing PUT is not."""
    open_script = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(open_script) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {"state": "open"}})
    assert len(open_script.requests) == 2

    closing = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(closing) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await talon.update_customer_session("s1", body={"customerSession": {"state": "closed"}})
    assert len(closing.requests) == 1


async def test_connect_error_is_retried_for_a_post() -> None:
    """A request that never reached the server (connection refused) is safe to send again, even a POST."""
    script = Script(httpx.ConnectError("refused"), httpx.Response(204))
    async with make_client(script) as talon:
        await talon.track_event(body={"type": "click"})
    assert len(script.requests) == 2


async def test_gateway_error_retried_only_when_idempotent() -> None:
    """A 502 may hide a processed request: a GET is retried, a POST is not."""
    get = Script(httpx.Response(502), httpx.Response(502), httpx.Response(200, json={}))
    async with make_client(get) as talon:
        await talon.get_customer_session("s1")
    assert len(get.requests) == 3
    post = Script(httpx.Response(502))
    async with make_client(post) as talon:
        with pytest.raises(talon_async.InternalServerError):
            await talon.create_referral(body={"campaignId": 1, "advocateProfileIntegrationId": "p1"})
    assert len(post.requests) == 1


async def test_profile_update_with_rule_engine_not_replayed_after_reset() -> None:
    """A profile PUT that runs the rule engine may have applied effects: a reset is not replayed."""
    plain = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(plain) as talon:
        await talon.update_customer_profile("p1", body={})
    assert len(plain.requests) == 2

    with_rules = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(with_rules) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await talon.update_customer_profile("p1", body={}, run_rule_engine=True)
    assert len(with_rules.requests) == 1


async def test_dry_requests_are_safe_to_replay_after_reset() -> None:
    """A dry request changes nothing, so a dry event, return or closing update is sent again after a reset."""
    event = Script(httpx.RemoteProtocolError("reset"), httpx.Response(204))
    async with make_client(event) as talon:
        await talon.track_event(body={"type": "click", "profileId": "p1"}, dry=True)
    assert len(event.requests) == 2

    closing = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(closing) as talon:
        await talon.dry_run().update_customer_session("s1", body={"customerSession": {"state": "closed"}})
    assert len(closing.requests) == 2

    returned = Script(httpx.RemoteProtocolError("reset"), OK_STATE)
    async with make_client(returned) as talon:
        await talon.return_cart_items("s1", body={"return": {"returnedCartItems": []}}, dry=True)
    assert len(returned.requests) == 2


async def test_dry_post_is_still_not_retried_after_read_timeout() -> None:
    """A read timeout is retried only for GET, even for a dry POST: the server may just be slow."""
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(204))
    async with make_client(script) as talon:
        with pytest.raises(talon_async.APITimeoutError):
            await talon.track_event(body={"type": "click"}, dry=True)
    assert len(script.requests) == 1
