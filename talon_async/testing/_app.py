"""The fake as a plain ASGI 3 application, with no web framework underneath."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from ._fake import FakeTalon

__all__ = ["FakeTalonApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# A sync of 1000 catalog items or profiles is well under this; anything larger is a client bug.
_MAX_BODY = 32 * 1024 * 1024


class FakeTalonApp:
    """``fake.app``: serve a ``FakeTalon`` from any ASGI server or transport."""

    def __init__(self, fake: FakeTalon) -> None:
        self.fake = fake

    def __repr__(self) -> str:
        return f"<FakeTalonApp {self.fake!r}>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"FakeTalonApp serves HTTP only, not {scope['type']!r}")
        body = await _read_body(receive)
        if body is None:
            await _send(send, 413, {"Content-Type": "application/json"}, b'{"message":"request too large"}')
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        status, out_headers, content = await self.fake.handle(scope["method"], path, query, headers, body)
        await _send(send, status, out_headers, content)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > _MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send: Send, status: int, headers: dict[str, str], content: bytes) -> None:
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    if status != 204:
        raw_headers.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": b"" if status == 204 else content})
