"""Faults injected by a real loopback server: try-later answers, broken connections, bad answers.

Every test counts the requests the server received, so a hidden retry (or a missing one) shows.
Each runs on asyncio (aiohttp under httpx) and on trio (httpcore): the two transports fail in
different ways and both must surface the same typed errors.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

import talon_async
from talon_async import TalonClient
from tests.reliability.conftest import STATE, client_for
from tests.reliability.faulty_server import (
    Action,
    Close,
    FaultyServer,
    Reset,
    ResetMidBody,
    Respond,
    SlowBody,
    SlowHeaders,
    Truncate,
    free_port,
)
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

Call = Callable[[TalonClient], Awaitable[Any]]


def get_session(talon: TalonClient) -> Awaitable[Any]:
    return talon.get_customer_session("s-1")


def update_session(talon: TalonClient) -> Awaitable[Any]:
    return talon.update_customer_session("s-1", body={"customerSession": {"state": "open"}})


def track_event(talon: TalonClient) -> Awaitable[Any]:
    return talon.track_event(body={"type": "checkout", "profileId": "p-1"})


SESSION_BODY = DocumentFactory().document("IntegrationCustomerSessionResponse")
SESSION_OK = Respond(200, SESSION_BODY)
STATE_OK = Respond(200, STATE)


def retry_after_date(seconds: int) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return email.utils.format_datetime(when, usegmt=True)


BUSY = Respond(409, {"message": "too many requests are updating this customer session", "errors": []})
TRY_LATER: dict[str, tuple[Callable[[], Action], Call, Respond, type[talon_async.APIStatusError]]] = {
    "409-busy": (lambda: BUSY, update_session, STATE_OK, talon_async.ConflictError),
    "429-seconds": (
        lambda: Respond(429, {"message": "slow down"}, headers=(("Retry-After", "7"),)),
        get_session,
        SESSION_OK,
        talon_async.RateLimitError,
    ),
    "429-http-date": (
        lambda: Respond(429, {"message": "slow down"}, headers=(("Retry-After", retry_after_date(30)),)),
        get_session,
        SESSION_OK,
        talon_async.RateLimitError,
    ),
    "502": (
        lambda: Respond(502, b"<html>bad gateway</html>", content_type="text/html"),
        get_session,
        SESSION_OK,
        talon_async.InternalServerError,
    ),
    "503": (
        lambda: Respond(503, {"message": "unavailable"}),
        get_session,
        SESSION_OK,
        talon_async.InternalServerError,
    ),
    "504": (
        lambda: Respond(504, b"", content_type=None),
        get_session,
        SESSION_OK,
        talon_async.InternalServerError,
    ),
}


@pytest.mark.parametrize("kind", TRY_LATER)
async def test_try_later_is_retried_until_the_server_recovers(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, kind: str
) -> None:
    """Two try-later answers then a good one: the call succeeds on exactly the third request."""
    fault, call, ok, _ = TRY_LATER[kind]
    server.script(fault(), fault(), ok)
    result = await call(talon)
    assert result is not None
    assert server.request_count == 3
    assert len({r.path for r in server.requests}) == 1


@pytest.mark.parametrize("kind", TRY_LATER)
async def test_try_later_surfaces_the_typed_error_after_the_last_attempt(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, kind: str
) -> None:
    """A server that never recovers costs max_retries + 1 requests, then the typed error with the raw body."""
    fault, call, _, error = TRY_LATER[kind]
    answers = [fault() for _ in range(3)]
    server.script(*answers)
    with pytest.raises(error) as caught:
        await call(talon)
    assert server.request_count == talon.max_retries + 1 == 3
    assert caught.value.status_code == answers[-1].status
    assert caught.value.content == answers[-1].payload()
    if kind == "409-busy":
        assert isinstance(caught.value, talon_async.ConflictError)
        assert caught.value.is_busy


@pytest.mark.parametrize(("header", "low", "high"), [("7", 7.0, 7.0), ("date", 25.0, 31.0)])
async def test_retry_after_decides_the_delay(
    anyio_backend: str,
    server: FaultyServer,
    talon: TalonClient,
    caplog: pytest.LogCaptureFixture,
    header: str,
    low: float,
    high: float,
) -> None:
    """Retry-After in seconds or as an HTTP-date becomes the logged retry delay (sleeping is off in tests)."""
    value = retry_after_date(30) if header == "date" else header
    server.script(Respond(429, {"message": "slow down"}, headers=(("Retry-After", value),)), SESSION_OK)
    with caplog.at_level(logging.DEBUG, logger="talon_async"):
        await get_session(talon)
    delays = [float(d) for d in re.findall(r"retry_in=([0-9.]+)s", caplog.text)]
    assert len(delays) == 1
    assert low <= delays[0] <= high


@pytest.mark.parametrize(
    "answer",
    [
        Respond(502, b"<html>bad gateway</html>", content_type="text/html"),
        Respond(504, b"", content_type=None),
        Respond(409, {"message": "the event already exists", "errors": []}),
        Respond(500, {"message": "boom"}),
    ],
    ids=["502", "504", "409-not-busy", "500"],
)
async def test_unknown_outcome_is_not_replayed_for_a_non_idempotent_call(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, answer: Respond
) -> None:
    """A POST whose effect is unknown (gateway error, plain conflict, 500) is sent exactly once."""
    server.script(answer)
    with pytest.raises(talon_async.APIStatusError) as caught:
        await track_event(talon)
    assert server.request_count == 1
    assert caught.value.status_code == answer.status


async def test_refused_connection_is_a_typed_connection_error(anyio_backend: str) -> None:
    """Nothing listening: APIConnectionError (not a timeout), for a read and for a write."""
    async with TalonClient(f"http://127.0.0.1:{free_port()}", "tk_" + "x" * 20, max_retries=2) as talon:
        for call in (get_session, track_event):
            with pytest.raises(talon_async.APIConnectionError) as caught:
                await call(talon)
            assert not isinstance(caught.value, talon_async.APITimeoutError)


BROKEN: dict[str, Action] = {
    "reset-before-response": Reset(),
    "close-before-response": Close(),
    "reset-mid-body": ResetMidBody(),
    "truncated-body": Truncate(),
}


@pytest.mark.parametrize("kind", BROKEN)
async def test_broken_answer_to_a_post_is_one_request_and_a_connection_error(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, kind: str
) -> None:
    """A POST whose connection breaks after sending is never replayed: one request, APIConnectionError."""
    server.script(BROKEN[kind])
    with pytest.raises(talon_async.APIConnectionError):
        await track_event(talon)
    assert server.request_count == 1


@pytest.mark.parametrize("kind", ["reset-mid-body", "truncated-body"])
async def test_broken_body_of_a_read_is_retried_then_recovers(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, kind: str
) -> None:
    """A GET is safe to repeat: a broken body is retried on a new connection and the call succeeds."""
    server.script(BROKEN[kind], SESSION_OK)
    result = await get_session(talon)
    assert result.to_dict() == SESSION_BODY
    assert server.request_count == 2


STALLS: dict[str, Action] = {
    "stalled-headers": SlowHeaders(interval=5.0, max_seconds=5.0),
    "stalled-body": SlowBody(interval=5.0),
    # Slowloris: each drip comes well inside the read timeout, so only a whole-attempt bound helps.
    "slowloris-headers": SlowHeaders(interval=0.2, max_seconds=8.0),
    "slowloris-body": SlowBody(interval=0.2, max_seconds=8.0, length=1000),
}


@pytest.mark.parametrize("kind", STALLS)
async def test_slow_server_ends_in_timeout_error_within_the_timeout(
    anyio_backend: str, server: FaultyServer, kind: str
) -> None:
    """A stalled or dripping server ends the call in APITimeoutError within timeout + margin; no hang."""
    server.script(STALLS[kind])
    async with client_for(server, timeout=0.5, max_retries=0) as talon:
        started = anyio.current_time()
        with anyio.fail_after(20), pytest.raises(talon_async.APITimeoutError):
            await track_event(talon)
        assert anyio.current_time() - started < 0.5 + 2.0
    assert server.request_count == 1


NOT_REPLAYABLE: dict[str, Call] = {
    "put-closing-session": lambda t: t.update_customer_session(
        "s-1", body={"customerSession": {"state": "closed"}}
    ),
    "delete-customer-data": lambda t: t.delete_customer_data("p-1"),
    "post-event": track_event,
}


@pytest.mark.parametrize("kind", ["reset-before-response", "close-before-response"])
@pytest.mark.parametrize("call", NOT_REPLAYABLE)
async def test_write_cut_off_before_the_answer_is_never_replayed(
    anyio_backend: str, server: FaultyServer, call: str, kind: str
) -> None:
    """A non-idempotent write whose connection drops before the answer reaches the server exactly once.

    The next scripted answer is a success, so a replay by any layer (ours or the transport's) would
    be counted and would turn the error into a result.
    """
    server.script(BROKEN[kind], Respond(200, STATE), Respond(204, b"", content_type=None))
    async with client_for(server, max_retries=2) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await NOT_REPLAYABLE[call](talon)
    assert server.request_count == 1


@pytest.mark.parametrize("kind", ["reset-before-response", "close-before-response"])
async def test_read_retries_are_counted_exactly(anyio_backend: str, server: FaultyServer, kind: str) -> None:
    """A GET cut off every time costs exactly max_retries + 1 requests: no hidden transport retry."""
    server.script(*[BROKEN[kind]] * 6)
    async with client_for(server, max_retries=2) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await get_session(talon)
    assert server.request_count == 3


EFFECT = {"campaignId": 1, "rulesetId": 2, "ruleIndex": 0, "ruleName": "r", "effectType": "acceptCoupon"}
COUPON = {
    "id": 7,
    "created": "2024-05-14T09:30:00+00:00",
    "campaignId": 1,
    "value": "C-7",
    "usageLimit": 1,
    "usageCounter": 0,
}
BAD_ANSWERS: dict[str, Respond] = {
    "malformed-json": Respond(200, b'{"effects": [{"campaignId": '),
    "html-instead-of-json": Respond(200, b"<html><body>Maintenance</body></html>", content_type="text/html"),
    "empty-200": Respond(200, b"", content_type=None),
    "missing-required-field": Respond(200, {"effects": [], "createdCoupons": []}),
    "wrong-container-type": Respond(200, {**STATE, "effects": "none"}),
    "wrong-nested-type": Respond(200, {**STATE, "effects": [{"campaignId": 1, "effectType": 5}]}),
    "not-an-object": Respond(200, [STATE]),
    "string-for-integer": Respond(200, {**STATE, "effects": [{**EFFECT, "campaignId": "one", "props": {}}]}),
    "string-for-nested-integer": Respond(200, {**STATE, "createdCoupons": [{**COUPON, "id": "seven"}]}),
    "list-for-integer": Respond(200, {**STATE, "createdCoupons": [{**COUPON, "usageCounter": [0]}]}),
    "integer-for-string": Respond(200, {**STATE, "effects": [{**EFFECT, "ruleName": 5, "props": {}}]}),
}
# The JSON path of the field each wrong-scalar answer above gets wrong, as the validation error's
# cause names it.
WRONG_FIELD = {
    "string-for-integer": "effects[0].campaignId: expected integer, got str",
    "string-for-nested-integer": "createdCoupons[0].id: expected integer, got str",
    "list-for-integer": "createdCoupons[0].usageCounter: expected integer, got list",
    "integer-for-string": "effects[0].ruleName: expected string, got int",
}


@pytest.mark.parametrize("kind", BAD_ANSWERS)
async def test_bad_answer_is_a_validation_error_with_the_raw_body(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, kind: str
) -> None:
    """Malformed, wrong-typed, empty or non-JSON 200 bodies give APIResponseValidationError with the bytes."""
    answer = BAD_ANSWERS[kind]
    server.script(answer)
    with pytest.raises(talon_async.APIResponseValidationError) as caught:
        await update_session(talon)
    assert caught.value.content == answer.payload()
    assert caught.value.status_code == 200
    assert not isinstance(caught.value.cause, talon_async.TalonError)
    assert server.request_count == 1
    if kind in WRONG_FIELD:
        assert str(caught.value.cause) == WRONG_FIELD[kind]
        assert WRONG_FIELD[kind] in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            Respond(520, b"<html>origin error</html>", content_type="text/html"),
            talon_async.InternalServerError,
        ),
        (Respond(599, b"", content_type=None), talon_async.InternalServerError),
        (Respond(418, {"message": "teapot"}), talon_async.APIStatusError),
        (Respond(400, b"not json at all", content_type="text/plain"), talon_async.BadRequestError),
        (Respond(401, {"unexpected": ["shape"]}), talon_async.AuthenticationError),
        (Respond(404, [1, 2, 3]), talon_async.NotFoundError),
    ],
    ids=["520", "599", "418", "400-text", "401-odd-json", "404-list"],
)
async def test_unexpected_status_is_a_typed_status_error_with_the_raw_body(
    anyio_backend: str,
    server: FaultyServer,
    talon: TalonClient,
    answer: Respond,
    error: type[talon_async.APIStatusError],
) -> None:
    """Non-standard or oddly-bodied error statuses map to the status error class and keep the bytes."""
    server.script(answer)
    with pytest.raises(error) as caught:
        await update_session(talon)
    assert type(caught.value) is error
    assert caught.value.status_code == answer.status
    assert caught.value.content == answer.payload()
    assert server.request_count == 1


@pytest.mark.parametrize("status", [203, 299])
async def test_undocumented_success_status_is_a_validation_error(
    anyio_backend: str, server: FaultyServer, talon: TalonClient, status: int
) -> None:
    """A 2xx the spec does not list for the operation is not mistaken for a result."""
    answer = Respond(status, STATE)
    server.script(answer)
    with pytest.raises(talon_async.APIResponseValidationError) as caught:
        await update_session(talon)
    assert caught.value.status_code == status
    assert caught.value.content == answer.payload()


async def test_waiting_for_a_slot_is_not_part_of_the_attempt_deadline(
    anyio_backend: str, server: FaultyServer
) -> None:
    """Three calls through one slot, each 0.3 s of a 0.5 s timeout, all succeed; the last waits 0.6 s."""
    server.script(*[SlowHeaders(interval=0.1, max_seconds=0.3) for _ in range(3)])
    async with client_for(server, timeout=0.5, max_retries=0, max_concurrency=1) as talon:
        started = anyio.current_time()
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(talon.get_customer_inventory, "p-1")
        assert anyio.current_time() - started > 0.5  # the last call waited longer than the timeout
    assert server.request_count == 3
