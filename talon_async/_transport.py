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
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
