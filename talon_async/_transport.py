"""Which httpx transport carries requests when the caller does not choose one."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading
from typing import Any, Literal

import anyio.to_thread
import httpx
import sniffio

from ._aiohttp import AiohttpSender, with_headers
from ._auth import ApiKeyAuth

__all__ = ["AutoTransport", "DirectSender", "pick_transport"]


def pick_transport(limits: httpx.Limits, library: str | None = None) -> httpx.AsyncBaseTransport:
    """The one place the default transport is chosen (the benchmarks measure this choice).

    Under asyncio, aiohttp underneath httpx costs far less CPU per request than httpcore, so it
    is used when the optional ``httpx-aiohttp`` package is installed. Trio always gets httpcore.
    ``library`` is the running async library, for a caller outside the event loop's thread.
    """
    if (library or sniffio.current_async_library()) == "asyncio":
        try:
            from httpx_aiohttp import AiohttpTransport
        except ImportError:
            pass
        else:
            return AiohttpTransport(limits=limits)
    return httpx.AsyncHTTPTransport(limits=limits)


_AIOHTTP_MODULE = "httpx_aiohttp"


class _Prebuild(threading.Thread):
    """Strictly private. Imports the aiohttp extra and builds the asyncio transport, off the loop.

    Importing aiohttp takes 0.15-0.4 s of CPU, and building a transport loads the system's CA
    certificates (tens of ms). Done by the first request, either would stall every other task
    on the event loop for that long.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(name="talon-async-transport", daemon=True)
        self._limits = limits
        self.transport: httpx.AsyncBaseTransport | None = None

    def run(self) -> None:
        # A broken install is pick_transport's to handle: it falls back to httpcore, as without the extra.
        with contextlib.suppress(ImportError):
            importlib.import_module(_AIOHTTP_MODULE)
        self.transport = pick_transport(self._limits, "asyncio")


def _start_prebuild(limits: httpx.Limits) -> _Prebuild | None:
    """Start building the asyncio transport, unless this client runs under another library."""
    if importlib.util.find_spec(_AIOHTTP_MODULE) is None:
        return None
    try:
        if sniffio.current_async_library() != "asyncio":
            return None
    except sniffio.AsyncLibraryNotFoundError:
        pass  # built before any loop runs: most such clients end up on asyncio
    thread = _Prebuild(limits)
    thread.start()
    return thread


class AutoTransport(httpx.AsyncBaseTransport):
    """Strictly private. Defers ``pick_transport`` to the first request.

    A ``TalonClient`` is often built before any event loop runs, so the async library is only
    known once a request is made. The aiohttp extra's import starts at construction, in a thread,
    and the first request waits for it without blocking the loop (``prepare``).
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._inner: httpx.AsyncBaseTransport | None = None
        self._prebuild = _start_prebuild(limits)

    async def prepare(self) -> None:
        """Pick and build the transport off the event loop: both steps can take a tenth of a second.

        The aiohttp extra's import may still be running, and either transport loads the system's
        CA certificates into a new SSL context when built.
        """
        if self._inner is not None:
            return
        library = sniffio.current_async_library()
        prebuild, self._prebuild = self._prebuild, None
        if prebuild is not None and prebuild.is_alive():
            await anyio.to_thread.run_sync(prebuild.join)
        if library == "asyncio" and prebuild is not None and prebuild.transport is not None:
            inner = prebuild.transport
        else:
            inner = await anyio.to_thread.run_sync(pick_transport, self._limits, library)
        if self._inner is None:  # a concurrent first request may have finished first; keep its transport
            _no_silent_replays(inner)
            self._inner = inner

    def resolve(self) -> httpx.AsyncBaseTransport:
        """The transport for the running async library, picked on first use."""
        inner = self._inner
        if inner is None:
            inner = self._inner = pick_transport(self._limits)
            _no_silent_replays(inner)
        return inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.prepare()
        return await self.resolve().handle_async_request(request)

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


class DirectSender:
    """Strictly private. Sends the generated functions' requests straight to the transport.

    ``httpx.AsyncClient.send`` costs more CPU than the transport under it: about 220 of the 330 µs
    that a 204 costs at concurrency 32 (``bench/layers.py``), spent merging URLs, running the auth
    flow, cookies, hooks and redirect bookkeeping. The facade's own client needs none of that:
    every URL is the base URL plus a generated, escaped path; redirects are never followed; the
    key goes to that one origin (``ApiKeyAuth`` still checks). The request carries the same
    headers, timeouts and body encoding as through the client it stands in for. When the default
    transport turns out to be aiohttp, requests skip httpx's models too (``AiohttpSender``).
    """

    __slots__ = ("_auth", "_base_url", "_direct", "_headers", "_prefix", "_timeout", "_transport")

    def __init__(
        self, client: httpx.AsyncClient, auth: ApiKeyAuth, transport: httpx.AsyncBaseTransport
    ) -> None:
        self._base_url = client.base_url
        self._prefix = str(client.base_url).rstrip("/")
        self._headers = dict(client.headers.multi_items())
        self._timeout = client.timeout.as_dict()
        self._auth = auth
        self._transport = transport
        self._direct: AiohttpSender | Literal[False] | None = None

    def __repr__(self) -> str:
        return f"DirectSender({self._prefix!r})"

    async def __call__(self, kwargs: dict[str, Any]) -> httpx.Response:
        direct = self._direct
        if direct is None:
            # Decided once, at the first request: only then is the async library known.
            if isinstance(self._transport, AutoTransport):
                await self._transport.prepare()
            direct = self._direct = self._aiohttp_sender()
        if direct is not False:
            return await direct(kwargs, self._timeout)
        request = httpx.Request(
            kwargs["method"],
            self._prefix + kwargs["url"],
            params=kwargs.get("params"),
            headers=with_headers(self._headers, kwargs.get("headers")),
            json=kwargs.get("json"),
            extensions={"timeout": self._timeout},
        )
        self._auth.prepare(request)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _aiohttp_sender(self) -> AiohttpSender | Literal[False]:
        """The aiohttp path if the default transport resolved to httpx-aiohttp's, else False."""
        if not isinstance(self._transport, AutoTransport):
            return False
        transport = self._transport.resolve()
        try:
            from httpx_aiohttp import AiohttpTransport
        except ImportError:
            return False
        session = getattr(transport, "client", None)
        if session is None or not isinstance(transport, AiohttpTransport):
            return False
        headers = dict(self._headers)
        # httpx offers br/zstd when their packages are installed; aiohttp decodes them only with
        # its own optional packages, so ask for what it always decodes.
        headers["accept-encoding"] = "gzip, deflate"
        header = self._auth.header_for(self._base_url)
        if header is not None:
            headers["Authorization"] = header
        return AiohttpSender(session, self._prefix, headers)
