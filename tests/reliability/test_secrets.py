"""The API key never shows: not in logs at DEBUG, reprs, messages or tracebacks, nor on a redirect.

Every error path the SDK has is triggered against the faulty server with every logger at DEBUG;
then all the text a user or an error tracker could see is searched for the key.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
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
    SlowBody,
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


# --- frame locals, the way an error tracker records them ------------------------------------------


def _shown(value: object) -> list[str]:
    """What an error tracker stores for one local: its repr, and a string's own text."""
    texts = []
    with contextlib.suppress(Exception):  # a tracker records a failing repr as a placeholder
        texts.append(repr(value))
    if isinstance(value, str | bytes | bytearray):
        texts.append(str(bytes(value) if not isinstance(value, str) else str.__str__(value)))
    return texts


def _members(value: object) -> list[object]:
    """A container's keys and values, as a tracker serializes any mapping, sequence or set."""
    if isinstance(value, Mapping):
        return [item for pair in value.items() for item in pair]
    if isinstance(value, Sequence | AbstractSet) and not isinstance(value, str | bytes | bytearray):
        return list(value)
    return []


def leaked_locals(exc: BaseException) -> list[str]:
    """``name=kind`` of every frame local of ``exc``'s chain that shows the key (itself or one level in)."""
    leaks = []
    pending, seen = [exc], set()
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        pending.extend(e for e in (error.__cause__, error.__context__) if e is not None)
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)
        tb = error.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            for name, value in frame.f_locals.items():
                for item in [value, *_members(value)]:
                    if any(SECRET_PART in text for text in _shown(item)):
                        leaks.append(f"{frame.f_code.co_qualname}:{name}={type(item).__name__}")
            tb = tb.tb_next
    return leaks


BAD_BASE_URLS = ["htp://talon.example", "https://talon.example/v2", "http://talon.example", ""]


@pytest.mark.parametrize("base_url", BAD_BASE_URLS)
def test_constructor_errors_hold_no_key_in_frame_locals(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistyped base URL with the key in TALON_API_KEY raises with no frame local showing the key."""
    monkeypatch.setenv("TALON_API_KEY", API_KEY)
    monkeypatch.setenv("TALON_BASE_URL", base_url)
    with pytest.raises(talon_async.InvalidRequestError) as caught:
        TalonClient()
    assert leaked_locals(caught.value) == []
    with pytest.raises(talon_async.InvalidRequestError) as caught:
        TalonClient(base_url, API_KEY)
    assert leaked_locals(caught.value) == []


@pytest.mark.parametrize("padding", ["\n", "\r\n", "  ", "\t", " \n"])
async def test_key_from_a_secret_file_is_stripped(
    anyio_backend: str, server: FaultyServer, padding: str
) -> None:
    """A key with surrounding whitespace (a secret file's final newline) is sent without it."""
    server.script(Respond(200, STATE))
    async with TalonClient(server.url, padding + API_KEY + padding, max_retries=0) as talon:
        await talon.update_customer_session("s-1", body=UPDATE_BODY)
    assert server.requests[0].header("authorization") == f"ApiKey-v1 {API_KEY}"


@pytest.mark.parametrize("inside", ["\n", "\r", "\x00", "\t", "\x7f", "\x1b", "\u200b", "\u2028"])
def test_key_with_a_control_character_is_refused_without_showing_it(
    inside: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A control character inside the key is refused at construction; neither message nor frames show it."""
    key = API_KEY[:10] + inside + API_KEY[10:]
    with pytest.raises(talon_async.InvalidRequestError) as caught:
        TalonClient("https://talon.example", key)
    errors = [caught.value]
    if "\x00" not in key:  # the environment cannot hold a NUL
        monkeypatch.setenv("TALON_API_KEY", key)
        with pytest.raises(talon_async.InvalidRequestError) as from_env:
            TalonClient("https://talon.example")
        errors.append(from_env.value)
    for error in errors:
        assert "api_key" in str(error)
        assert SECRET_PART not in all_text_of(error)
        assert SECRET_PART[:6] not in str(error)
        assert leaked_locals(error) == []


async def test_send_and_retry_errors_hold_no_key_in_frame_locals(
    anyio_backend: str, server: FaultyServer
) -> None:
    """Every error answer, retried or not, leaves no frame local that shows the key, one level in."""
    async with client_for(server, max_retries=2) as talon:
        errors = await collect_errors(talon, server)
    assert len(errors) == len(ERROR_ANSWERS) + 4
    for exc in errors:
        assert leaked_locals(exc) == [], type(exc).__name__


CANCEL_POINTS: dict[str, Action] = {
    "waiting for headers": SlowHeaders(interval=5.0, max_seconds=5.0),
    "reading the body": SlowBody(interval=0.05, max_seconds=5.0, length=10_000),
}


@pytest.mark.parametrize("point", sorted(CANCEL_POINTS))
async def test_cancellation_holds_no_key_in_frame_locals(
    anyio_backend: str, server: FaultyServer, point: str
) -> None:
    """A call cancelled mid-flight raises the cancellation with no frame local showing the key."""
    caught: list[BaseException] = []
    async with client_for(server, max_retries=2, timeout=30.0) as talon:
        for _ in range(2):  # a fresh connection, then a reused one
            server.script(CANCEL_POINTS[point])
            with anyio.move_on_after(0.4):
                try:
                    await talon.get_customer_session("s-1")
                except BaseException as exc:  # the cancellation itself, re-raised at once
                    caught.append(exc)
                    raise
            server.disconnect_all()
            server.reset()
    assert len(caught) == 2
    for exc in caught:
        assert leaked_locals(exc) == [], type(exc).__name__


async def test_timeout_holds_no_key_in_frame_locals(anyio_backend: str, server: FaultyServer) -> None:
    """An attempt cut by the deadline, then retried, leaves no frame local showing the key."""
    server.script(*[SlowHeaders(interval=5.0, max_seconds=5.0)] * 3)
    async with client_for(server, max_retries=2, timeout=0.3) as talon:
        with pytest.raises(talon_async.APITimeoutError) as caught:
            await talon.get_customer_session("s-1")
    assert leaked_locals(caught.value) == []


@pytest.mark.parametrize("way", ["http_client", "transport"])
async def test_a_callers_httpx_stack_holds_no_key_in_frame_locals(
    anyio_backend: str, server: FaultyServer, way: str
) -> None:
    """Through a caller's AsyncClient or transport, every error leaves no frame local or text with the key."""
    async with contextlib.AsyncExitStack() as stack:
        if way == "http_client":
            shared = await stack.enter_async_context(httpx.AsyncClient())
            talon = client_for(server, max_retries=2, http_client=shared)
        else:
            talon = client_for(server, max_retries=2, transport=httpx.AsyncHTTPTransport())
        async with talon:
            errors = await collect_errors(talon, server)
    assert len(errors) == len(ERROR_ANSWERS) + 4
    for exc in errors:
        assert SECRET_PART not in all_text_of(exc), type(exc).__name__
        assert leaked_locals(exc) == [], type(exc).__name__
