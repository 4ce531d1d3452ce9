"""The API key never shows: not in logs at DEBUG, reprs, messages or tracebacks, nor on a redirect.

Every error path the SDK has is triggered against the faulty server with every logger at DEBUG;
then all the text a user or an error tracker could see is searched for the key.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

import talon_async
from talon_async import TalonClient
from tests.reliability.conftest import API_KEY, STATE, client_for
from tests.reliability.faulty_server import (
    Action,
    FaultyServer,
    Reset,
    ResetMidBody,
    Respond,
    SlowHeaders,
    Truncate,
    free_port,
    running,
)

pytestmark = pytest.mark.anyio

SECRET_PART = API_KEY.removeprefix("tk_rel_")
"""The random part alone, so a leak that drops the prefix is still caught."""

UPDATE_BODY = {"customerSession": {"state": "open"}}

ERROR_ANSWERS: dict[str, Action] = {
    "400": Respond(400, {"message": "bad", "errors": [{"title": "bad field", "source": {"pointer": "/x"}}]}),
    "401": Respond(401, {"message": "Invalid API key", "errors": []}),
    "403": Respond(403, {"message": "forbidden"}),
    "404": Respond(404, {"message": "no such session"}),
    "409-busy": Respond(409, {"message": "too many requests are updating this customer session"}),
    "409": Respond(409, {"message": "already exists"}),
    "429": Respond(429, {"message": "slow down"}, headers=(("Retry-After", "1"),)),
    "500": Respond(500, {"message": "boom"}),
    "520": Respond(520, b"<html>origin</html>", content_type="text/html"),
    "malformed": Respond(200, b'{"effects": ['),
    "empty-200": Respond(200, b"", content_type=None),
    "reset": Reset(),
    "reset-mid-body": ResetMidBody(),
    "truncated": Truncate(),
    "stalled": SlowHeaders(interval=2.0, max_seconds=2.0),
}


def all_text_of(exc: BaseException) -> str:
    """Everything an exception shows: message, repr, traceback with causes, and its attributes."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    parts.extend(repr(value) for value in vars(exc).values())
    return "\n".join(parts)


def client_text(talon: TalonClient) -> str:
    """``str``/``repr`` of the client, its dry-run view and every attribute it holds."""
    parts = [str(talon), repr(talon), repr(talon.dry_run())]
    parts.extend(repr(value) for value in vars(talon).values())
    return "\n".join(parts)


async def collect_errors(talon: TalonClient, server: FaultyServer) -> list[BaseException]:
    errors: list[BaseException] = []

    async def expect_error(call: Callable[[], Awaitable[Any]]) -> None:
        try:
            await call()
        except talon_async.TalonError as exc:
            errors.append(exc)
        else:
            raise AssertionError("the call was expected to fail")

    for action in ERROR_ANSWERS.values():
        server.script(action, action, action)
        await expect_error(lambda: talon.update_customer_session("s-1", body=UPDATE_BODY, timeout=0.3))
        server.reset()
    await expect_error(lambda: talon.get_loyalty_card_points(1, "CARD-1", page_size=0))
    await expect_error(lambda: talon.dry_run().delete_customer_data("p-1"))
    await expect_error(lambda: talon.update_customer_session("", body=UPDATE_BODY))
    async with TalonClient(f"http://127.0.0.1:{free_port()}", API_KEY, max_retries=1) as refused:
        await expect_error(lambda: refused.get_customer_session("s-1"))
    return errors


async def test_key_appears_nowhere_on_any_error_path(
    anyio_backend: str, server: FaultyServer, caplog: pytest.LogCaptureFixture
) -> None:
    """With every logger at DEBUG and every error path taken, a grep for the key finds nothing."""
    with caplog.at_level(logging.DEBUG):
        async with client_for(server, max_retries=2) as talon:
            server.script(Respond(200, STATE))
            await talon.update_customer_session("s-1", body=UPDATE_BODY)
            assert server.requests[0].header("authorization") == f"ApiKey-v1 {API_KEY}"
            errors = await collect_errors(talon, server)
            texts = [client_text(talon), caplog.text]
        texts.append(client_text(talon))
    texts.extend(all_text_of(exc) for exc in errors)
    texts.extend(logging.Formatter().format(record) for record in caplog.records)

    assert len(errors) == len(ERROR_ANSWERS) + 4
    assert caplog.records  # the debug logging being searched exists
    for text in texts:
        assert SECRET_PART not in text


async def test_key_not_in_tracebacks_with_locals(anyio_backend: str, server: FaultyServer) -> None:
    """Error trackers that record frame locals (Sentry's default) find no key in any error's traceback."""
    async with client_for(server, max_retries=2) as talon:
        errors = await collect_errors(talon, server)
    assert len(errors) == len(ERROR_ANSWERS) + 4
    for exc in errors:
        text = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
        assert SECRET_PART not in text, type(exc).__name__


async def test_key_is_not_sent_to_another_host_on_redirect(anyio_backend: str, server: FaultyServer) -> None:
    """A redirect to another host or port arrives without the Authorization header; same origin keeps it."""
    with running(host="127.0.0.2") as elsewhere, running() as other_port:
        for target in (elsewhere, other_port, server):
            elsewhere.reset(lambda r: Respond(200, STATE))
            other_port.reset(lambda r: Respond(200, STATE))
            server.reset(lambda r: Respond(200, STATE))
            location = f"{target.url}/v2/customer_sessions/s-1"
            server.script(Respond(307, b"", content_type=None, headers=(("Location", location),)))
            async with httpx.AsyncClient(follow_redirects=True) as http:
                talon = TalonClient(server.url, API_KEY, http_client=http, max_retries=0)
                with anyio.fail_after(10):
                    state = await talon.update_customer_session("s-1", body=UPDATE_BODY)
            assert state.effects == []
            first, followed = server.requests[0], target.requests[-1]
            assert first.header("authorization") == f"ApiKey-v1 {API_KEY}"
            if target is server:
                assert followed.header("authorization") == f"ApiKey-v1 {API_KEY}"
            else:
                assert followed.header("authorization") is None
                assert all(SECRET_PART not in value for _, value in followed.headers)


async def test_default_client_does_not_follow_redirects(anyio_backend: str, server: FaultyServer) -> None:
    """The client the SDK builds never follows a redirect, so the other host gets no request at all."""
    with running(host="127.0.0.2") as elsewhere:
        location = f"{elsewhere.url}/v2/customer_sessions/s-1"
        server.script(Respond(302, b"", content_type=None, headers=(("Location", location),)))
        async with client_for(server, max_retries=0) as talon:
            with pytest.raises(talon_async.TalonError) as caught:
                await talon.update_customer_session("s-1", body=UPDATE_BODY)
        assert elsewhere.request_count == 0
    assert SECRET_PART not in all_text_of(caught.value)
