"""``Transport`` on httpcore's public API: the path under trio, or when aiohttp is not installed."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
import httpx
import sniffio

from . import (
    DEFAULT_MAX_ANSWER_BYTES,
    Answer,
    BodyReader,
    PreparedRequest,
    Timeouts,
    check_header_size,
    connection_failure,
    covered_by_deadline,
    too_large,
    within_deadline,
)
from . import MAX_HEADER_BYTES as _HEADER_LIMIT

__all__ = ["HttpcoreTransport", "mapped_httpcore_error"]


class _CoalescedStream(httpcore.AsyncNetworkStream):
    """Strictly private. Holds a request's writes until its answer is read, then sends them at once.

    httpcore writes a request's head and its body separately: two system calls and, under trio,
    two trips through the scheduler per request. The bytes on the wire are the same.
    """

    __slots__ = ("_inner", "_pending", "_timeout")

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._pending: list[bytes] = []
        self._timeout: float | None = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)
            self._timeout = timeout

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            # As httpcore does for a failed write: the server may have answered and closed early,
            # and reading tells that apart from a connection that is gone.
            with contextlib.suppress(httpcore.WriteError):
                await self._inner.write(data, self._timeout)
        return await self._inner.read(max_bytes, timeout)

    async def aclose(self) -> None:
        self._pending.clear()
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _CoalescedStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _CoalescingBackend(httpcore.AsyncNetworkBackend):
    """Strictly private. A network backend for the running library, its streams ``_CoalescedStream``.

    Under asyncio it is httpcore's anyio backend; under trio, ours on trio's public API (``_trio``),
    which enters no cancel scope around a read or write that has no timeout of its own. The
    library is the one running at the first connection (as httpcore's own default decides), so
    the backend can be made before any loop runs, as the proxy pool's is.
    """

    def __init__(self) -> None:
        self._chosen: httpcore.AsyncNetworkBackend | None = None

    @property
    def _inner(self) -> httpcore.AsyncNetworkBackend:
        chosen = self._chosen
        if chosen is None:
            if sniffio.current_async_library() == "trio":
                from ._trio import TrioBackend

                chosen = TrioBackend()
            else:
                chosen = httpcore.AnyIOBackend()
            self._chosen = chosen
        return chosen

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _CoalescedStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _CoalescedStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_Exchanged = tuple[int, str, list[tuple[bytes, bytes]], bytes]
"""Status, reason phrase, headers and the whole decoded body of one answer."""


class _Pool:
    """Strictly private. Kept-alive HTTP/1.1 connections, handed out one request at a time.

    httpcore's own pool re-scans every connection and every queued request on each request
    and response, twice nested (``_assign_requests_to_connections``): under trio at 32 requests
    in flight that scan was 2/3 of the client's CPU. Here a request takes the most recently
    used idle connection off a stack, or opens one, and puts it back once its answer is read:
    constant work per request. The connections are httpcore's own (its public
    ``AsyncHTTPConnection``), so the bytes on the wire and every failure stay httpcore's.
    """

    __slots__ = ("_all", "_backend", "_idle", "_slots")

    def __init__(self, max_connections: int) -> None:
        self._slots = anyio.Semaphore(max_connections, fast_acquire=True)
        # Per origin as the URL states it: httpcore's Origin (built once) and its idle connections.
        self._idle: dict[
            tuple[bytes, bytes, int | None], tuple[httpcore.Origin, list[httpcore.AsyncHTTPConnection]]
        ] = {}
        self._all: set[httpcore.AsyncHTTPConnection] = set()
        self._backend = _CoalescingBackend()

    async def exchange(self, request: httpcore.Request, pool_timeout: float | None, limit: int) -> _Exchanged:
        slots = self._slots
        try:
            slots.acquire_nowait()
        except anyio.WouldBlock:
            try:
                with anyio.fail_after(pool_timeout):
                    await slots.acquire()
            except TimeoutError:
                raise httpcore.PoolTimeout("no connection became free in time") from None
        try:
            url = request.url
            key = (url.scheme, url.host, url.port)
            known = self._idle.get(key)
            if known is None:
                known = self._idle[key] = (url.origin, [])
            origin, idle = known
            while True:
                connection = await self._checkout(idle, origin)
                try:
                    response = await connection.handle_async_request(request)
                    exchanged = await _read(response, limit)
                except httpcore.ConnectionNotAvailable:
                    # Taken for idle, found busy or closed before a byte was sent: try another.
                    await self._discard(connection)
                    continue
                except BaseException:
                    await self._discard(connection)
                    raise
                if connection.is_idle():
                    idle.append(connection)
                else:
                    await self._discard(connection)
                return exchanged
        finally:
            slots.release()

    async def _checkout(
        self, idle: list[httpcore.AsyncHTTPConnection], origin: httpcore.Origin
    ) -> httpcore.AsyncHTTPConnection:
        while idle:
            connection = idle.pop()
            # has_expired also notices a connection the server has closed meanwhile.
            if connection.is_available() and not connection.has_expired():
                return connection
            await self._discard(connection)
        connection = httpcore.AsyncHTTPConnection(origin, retries=0, network_backend=self._backend)
        self._all.add(connection)
        return connection

    async def _discard(self, connection: httpcore.AsyncHTTPConnection) -> None:
        self._all.discard(connection)
        with anyio.CancelScope(shield=True):
            await connection.aclose()

    async def aclose(self) -> None:
        connections, self._all = self._all, set()
        self._idle.clear()
        with anyio.CancelScope(shield=True):
            for connection in connections:
                await connection.aclose()


async def _read(response: httpcore.Response, limit: int) -> _Exchanged:
    """The answer's status, reason phrase, headers and decoded body; the body never over ``limit``."""
    try:
        raw_headers = response.headers
        check_header_size(raw_headers)
        reason = response.extensions.get("reason_phrase", b"")
        reason = reason.decode("latin-1") if isinstance(reason, bytes) else ""
        encoding = None
        for name, value in raw_headers:
            if name.lower() == b"content-encoding":
                encoding = value.decode("latin-1").strip().lower()
        reader = BodyReader(response.status, reason, raw_headers, encoding, limit)
        async for chunk in response.aiter_stream():
            reader.feed(chunk)
    finally:
        # Unread (over the cap, or a failure): httpcore closes the connection instead of reusing it.
        await response.aclose()
    return response.status, reason, raw_headers, reader.content()


async def _through(proxy: httpcore.AsyncHTTPProxy, request: httpcore.Request, limit: int) -> _Exchanged:
    return await _read(await proxy.handle_async_request(request), limit)


class HttpcoreTransport:
    """Strictly private. httpcore connections in a pool of our own (or httpcore's proxy pool), no resend."""

    def __init__(
        self, *, max_connections: int, proxy: str | None, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    ) -> None:
        self._max_answer_bytes = max_answer_bytes
        self._origins: dict[str, tuple[bytes, bytes, int | None]] = {}
        self._timeouts: tuple[Timeouts, float | None, Timeouts] | None = None
        self._pool: _Pool | httpcore.AsyncHTTPProxy
        if proxy is None:
            self._pool = _Pool(max_connections)
        else:
            self._pool = httpcore.AsyncHTTPProxy(
                proxy_url=proxy,
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                network_backend=_CoalescingBackend(),
            )

    def __repr__(self) -> str:
        return "HttpcoreTransport()"

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer:
        return await within_deadline(
            self._exchange(request, self._phase_timeouts(timeouts, deadline)), deadline
        )

    def _phase_timeouts(self, timeouts: Timeouts, deadline: float | None) -> Timeouts:
        """The phase timeouts httpcore enforces, less those the deadline covers (``covered_by_deadline``).

        httpcore arms each (a cancel scope) around every single read and write.
        """
        cached = self._timeouts
        if cached is not None and cached[0] is timeouts and cached[1] == deadline:
            return cached[2]
        phases = {
            **timeouts,
            "read": covered_by_deadline(timeouts.get("read"), deadline),
            "write": covered_by_deadline(timeouts.get("write"), deadline),
        }
        self._timeouts = (timeouts, deadline, phases)
        return phases

    async def _exchange(self, request: PreparedRequest, timeouts: Timeouts) -> Answer:
        core_request = httpcore.Request(
            request.method,
            self._core_url(request.url),
            # ``ApiKey.encode`` gives the Authorization value: the key is never a str in these frames.
            # A dict (the names are distinct) passes httpcore's type check at its first test.
            headers={name.encode("latin-1"): value.encode("latin-1") for name, value in request.headers},
            content=request.body,
            extensions={"timeout": timeouts},
        )
        try:
            pool = self._pool
            if isinstance(pool, _Pool):
                exchanged = await pool.exchange(core_request, timeouts.get("pool"), self._max_answer_bytes)
            else:
                exchanged = await _through(pool, core_request, self._max_answer_bytes)
        except httpcore.TimeoutException as exc:
            raise mapped_httpcore_error(exc) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError) as exc:
            raise mapped_httpcore_error(exc) from exc
        except httpcore.UnsupportedProtocol as exc:
            raise httpx.UnsupportedProtocol(str(exc)) from exc
        return Answer(*exchanged)

    def _core_url(self, url: str) -> httpcore.URL:
        """``url`` as httpcore's URL, its origin parsed once per client instead of on every request.

        Every URL starts with the client's base URL, and parsing it whole cost about 4 µs a request;
        built from parts it is under 1 µs. The parts are the ones httpcore's own parser gives.
        """
        split = url.find("/", url.find("//") + 2)
        origin, target = (url, "/") if split < 0 else (url[:split], url[split:])
        parts = self._origins.get(origin)
        if parts is None:
            if "@" in origin or len(self._origins) >= 16:
                # Credentials in the URL, or many origins: parsed whole, as httpcore would.
                return httpcore.URL(url)
            parsed = httpcore.URL(origin)
            parts = self._origins[origin] = (parsed.scheme, parsed.host, parsed.port)
        return httpcore.URL(scheme=parts[0], host=parts[1], port=parts[2], target=target.encode("ascii"))

    async def aclose(self) -> None:
        await self._pool.aclose()


def mapped_httpcore_error(exc: Exception) -> httpx.TransportError:
    """httpcore's failure as the library-independent error (see ``connection_failure``)."""
    if isinstance(exc, httpcore.ConnectTimeout):
        return httpx.ConnectTimeout("timed out connecting")
    if isinstance(exc, httpcore.ReadTimeout):
        return httpx.ReadTimeout("timed out waiting for the answer")
    if isinstance(exc, httpcore.WriteTimeout):
        return httpx.WriteTimeout("timed out sending the request")
    if isinstance(exc, httpcore.PoolTimeout):
        return httpx.PoolTimeout("timed out waiting for a connection")
    if isinstance(exc, httpcore.ProxyError):
        return httpx.ProxyError("the proxy refused or failed the connection")
    if isinstance(exc, httpcore.ConnectError):
        return connection_failure(exc, connecting=True)
    if isinstance(exc, httpcore.LocalProtocolError):
        return httpx.LocalProtocolError(f"request refused before sending: {type(exc).__name__}")
    if isinstance(exc, httpcore.RemoteProtocolError):
        text = str(exc).lower()
        if "buffer too long" in text or "too long" in text:
            return too_large("headers", _HEADER_LIMIT)
        if "disconnected" in text or "peer closed" in text:
            return connection_failure(exc, connecting=False)
        return httpx.RemoteProtocolError("malformed answer")
    return connection_failure(exc, connecting=False)
