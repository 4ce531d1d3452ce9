"""Which httpx transport carries requests when the caller does not choose one."""

from __future__ import annotations

import httpx
import sniffio

__all__ = ["AutoTransport", "pick_transport"]


def pick_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The one place the default transport is chosen (the benchmarks measure this choice).

    Under asyncio, aiohttp underneath httpx costs far less CPU per request than httpcore, so it
    is used when the optional ``httpx-aiohttp`` package is installed. Trio always gets httpcore.
    """
    if sniffio.current_async_library() == "asyncio":
        try:
            from httpx_aiohttp import AiohttpTransport
        except ImportError:
            pass
        else:
            return AiohttpTransport(limits=limits)
    return httpx.AsyncHTTPTransport(limits=limits)


class AutoTransport(httpx.AsyncBaseTransport):
    """Strictly private. Defers ``pick_transport`` to the first request.

    A ``TalonClient`` is often built before any event loop runs, so the async library is only
    known once a request is made.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._inner: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner
        if inner is None:
            inner = self._inner = pick_transport(self._limits)
            _no_silent_replays(inner)
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


def _no_silent_replays(transport: httpx.AsyncBaseTransport) -> None:
    """Stop aiohttp from resending a request on its own; the facade's retry policy decides that.

    aiohttp resends a GET, PUT or DELETE once when the connection drops before the answer
    (``ClientSession._retry_connection``, which aiohttp's own test client turns off the same
    way). That would replay a PUT that closes a session, and double every counted retry. The
    session is built here, inside the running loop, so the transport keeps using this one.
    """
    get_client = getattr(transport, "get_client", None)
    if get_client is None or getattr(transport, "client", None) is not None:
        return
    session = get_client()
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    transport.client = session  # type: ignore[attr-defined]
