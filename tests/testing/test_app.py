"""The fake as a plain ASGI application."""

from __future__ import annotations

from typing import Any

import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


async def call(
    fake: FakeTalon, scope: dict[str, Any], messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Drive the ASGI app with ``messages`` and collect what it sends."""
    sent: list[dict[str, Any]] = []
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await fake.app(scope, receive, send)
    return sent


def http_scope(fake: FakeTalon, method: str, path: str, raw_path: bytes | None = None) -> dict[str, Any]:
    headers = [
        (b"authorization", f"ApiKey-v1 {fake.api_key}".encode()),
        (b"content-type", b"application/json"),
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers,
    }
    if raw_path is not None:
        scope["raw_path"] = raw_path
    return scope


async def test_lifespan_start_and_stop(fake: FakeTalon) -> None:
    """The app completes the ASGI lifespan handshake."""
    sent = await call(
        fake, {"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    )
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_chunked_body_is_reassembled(fake: FakeTalon) -> None:
    """A request body sent in several chunks is read whole."""
    chunks = [b'{"customerSession": ', b'{"profileId": "p1"}}']
    messages = [{"type": "http.request", "body": c, "more_body": i == 0} for i, c in enumerate(chunks)]
    sent = await call(fake, http_scope(fake, "PUT", "/v2/customer_sessions/s1"), messages)
    assert sent[0]["status"] == 200
    assert fake.session("s1") is not None


async def test_raw_path_keeps_escaped_slashes(fake: FakeTalon) -> None:
    """An escaped slash in a path value stays inside that value."""
    scope = http_scope(fake, "GET", "/v2/customer_sessions/a/b", raw_path=b"/v2/customer_sessions/a%2Fb")
    sent = await call(fake, scope, [{"type": "http.request", "body": b""}])
    assert sent[0]["status"] == 400
    assert b"'a/b'" in sent[1]["body"]


async def test_no_content_has_no_body(fake: FakeTalon) -> None:
    """A 204 answer sends an empty body and no content-length."""
    messages = [{"type": "http.request", "body": b'{"type": "t", "profileId": "p"}'}]
    sent = await call(fake, http_scope(fake, "POST", "/v2/events"), messages)
    assert sent[0]["status"] == 204
    assert b"content-length" not in dict(sent[0]["headers"])
    assert sent[1]["body"] == b""


async def test_websocket_scope_is_refused(fake: FakeTalon) -> None:
    """The app serves HTTP only."""
    with pytest.raises(RuntimeError, match="HTTP only"):
        await call(fake, {"type": "websocket"}, [])
