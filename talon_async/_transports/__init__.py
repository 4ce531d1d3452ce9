"""The one interface every HTTP library sits behind, and what is shared by its implementations.

A transport takes a ``PreparedRequest`` (method, absolute encoded URL, the complete header list,
body bytes) and returns an ``Answer`` (status, headers, decoded body), within the phase timeouts,
the attempt's deadline and a size cap. It sends exactly the headers it is given, in that order,
sends each request at most once (no library-level resend: the retry policy is the pipeline's
alone), and reports every failure as one of httpx's exception classes with a message that does
not depend on the library, except an answer whose body cannot be accepted (over the size cap, or
not valid in its encoding): that is an ``UnreadableAnswer``, which the pipeline reports as a
response validation error.

The ``Authorization`` value stays an ``ApiKey`` in the header list; ``revealed`` turns the list
into plain strings as an argument of the library call itself, so no frame of ours holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
import urllib.request
import zlib
from collections.abc import Coroutine, Sequence
from typing import Any, Protocol

import anyio
import httpx
import sniffio

from .._auth import ApiKey

__all__ = [
    "DEFAULT_MAX_ANSWER_BYTES",
    "MAX_HEADER_BYTES",
    "MAX_URL_LENGTH",
    "Answer",
    "BodyReader",
    "PreparedRequest",
    "RequestHeaders",
    "Timeouts",
    "Transport",
    "UnreadableAnswer",
    "attempt_timed_out",
    "cancel_after",
    "check_header_size",
    "connection_failure",
    "covered_by_deadline",
    "environment_proxy",
    "revealed",
    "too_large",
    "within_deadline",
]

Timeouts = dict[str, Any]
"""Seconds per phase, keyed ``connect``, ``read``, ``write``, ``pool`` (``None``: no limit)."""

MAX_HEADER_BYTES = 16384
"""The most bytes an answer's headers may take, counted and enforced the same on every transport."""
DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""The most body bytes one answer may carry, after decompression, unless the client says otherwise.

The largest page Talon.One serves (1000 ledger entries) is well under 1 MB."""
MAX_URL_LENGTH = 65536
"""The longest URL sent; httpx refuses longer ones, so every transport does."""


RequestHeaders = list[tuple[str, str | ApiKey]]
"""A request's headers in wire order; the ``Authorization`` value is the ``ApiKey`` itself."""


def revealed(headers: RequestHeaders) -> list[tuple[str, str]]:
    """The header list as the HTTP library needs it: pass it straight into the library's call."""
    return [(name, value if isinstance(value, str) else value.header_value()) for name, value in headers]


class PreparedRequest:
    """Strictly private. One request exactly as it goes on the wire."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: RequestHeaders, body: bytes | None) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"PreparedRequest({self.method} {self.url})"


class Answer:
    """Strictly private. An HTTP answer with its body read and decoded."""

    __slots__ = ("_headers", "content", "raw_headers", "reason", "status")

    def __init__(
        self, status: int, reason: str, raw_headers: Sequence[tuple[bytes, bytes]], content: bytes
    ) -> None:
        self.status = status
        self.reason = reason
        self.raw_headers = raw_headers
        self.content = content
        self._headers: httpx.Headers | None = None

    @property
    def headers(self) -> httpx.Headers:
        headers = self._headers
        if headers is None:
            headers = self._headers = httpx.Headers(list(self.raw_headers))
        return headers

    def header(self, name: bytes) -> str | None:
        """One header's value, found without building the whole mapping (names lower-case)."""
        for key, value in self.raw_headers:
            if key.lower() == name:
                return value.decode("latin-1")
        return None


class Transport(Protocol):
    """Sends one prepared request and returns its answer; raises httpx's exception classes.

    ``deadline`` bounds the whole exchange, connecting to the last body byte (``None``: no bound),
    since the phase timeouts time each read on its own and a server dripping a byte at a time
    could hold an attempt forever. Running out of it raises ``attempt_timed_out(deadline)``.
    """

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer: ...

    async def aclose(self) -> None: ...


class UnreadableAnswer(Exception):
    """Strictly private. An answer arrived, but its body is over the size cap or not valid in its encoding."""

    def __init__(
        self,
        status: int,
        reason: str,
        raw_headers: Sequence[tuple[bytes, bytes]],
        problem: str,
        *,
        too_large: bool,
    ) -> None:
        super().__init__(problem)
        self.status = status
        self.reason = reason
        self.raw_headers = raw_headers
        self.problem = problem
        self.too_large = too_large


_STEP = 1 << 20
"""The most decompressed bytes one step produces: a bomb inflates in bounded steps, never past the cap."""


class BodyReader:
    """Strictly private. Collects an answer's body as it arrives, undoing its ``Content-Encoding``.

    Both the bytes received and the bytes they decode to are counted against ``limit`` while
    reading, so neither an endless body nor a small gzip that expands a thousandfold can take
    more memory than about the limit: reading stops at the first byte over it.
    """

    __slots__ = ("_chunks", "_decoder", "_encoding", "_limit", "_received", "_size", "_start", "_status")

    def __init__(
        self,
        status: int,
        reason: str,
        raw_headers: Sequence[tuple[bytes, bytes]],
        encoding: str | None,
        limit: int,
    ) -> None:
        self._status = (status, reason, raw_headers)
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self._received = 0
        self._start = b""
        self._decoder: Any = None
        self._encoding = None if not encoding or encoding == "identity" else encoding
        if self._encoding == "gzip":
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding is not None and self._encoding != "deflate":
            raise self._refused(f"answer body has an encoding that was not asked for: {self._encoding}")

    def _refused(self, problem: str, *, too_large: bool = False) -> UnreadableAnswer:
        return UnreadableAnswer(*self._status, problem, too_large=too_large)

    def too_large(self) -> UnreadableAnswer:
        return self._refused(
            f"answer body is over the {self._limit}-byte limit (max_response_size)", too_large=True
        )

    def feed(self, data: bytes) -> None:
        """Add the next bytes as received; raises ``UnreadableAnswer`` once over the limit."""
        if self._encoding is None:
            self._size += len(data)
            if self._size > self._limit:
                raise self.too_large()
            self._chunks.append(data)
            return
        self._received += len(data)
        if self._received > self._limit:
            raise self.too_large()
        decoder = self._decoder
        if decoder is None:
            # deflate is sent both with and without the zlib wrapper; its first two bytes tell which.
            data = self._start = self._start + data
            if len(data) < 2:
                return
            wrapped = data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            decoder = self._decoder = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        self._decode(decoder, data)

    def _decode(self, decoder: Any, data: bytes) -> None:
        try:
            # In steps: zlib builds each output in blocks joined at the end, so one step briefly
            # takes twice its size; a step as large as the room left would double the peak.
            self._add(decoder.decompress(data, min(_STEP, self._limit - self._size + 1)))
            while decoder.unconsumed_tail:
                self._add(
                    decoder.decompress(decoder.unconsumed_tail, min(_STEP, self._limit - self._size + 1))
                )
        except zlib.error as exc:
            raise self._refused(f"answer body is not valid {self._encoding}") from exc

    def _add(self, decoded: bytes) -> None:
        self._size += len(decoded)
        if self._size > self._limit:
            raise self.too_large()
        if decoded:
            self._chunks.append(decoded)

    def content(self) -> bytes:
        """The whole body, decoded; raises ``UnreadableAnswer`` when an encoded body ended early."""
        if self._encoding is not None and self._received:
            decoder = self._decoder
            if decoder is None:
                # A single byte arrived: too short for a zlib header, so it is raw deflate (or junk).
                decoder = self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                self._decode(decoder, self._start)
            try:
                self._add(decoder.flush())
            except zlib.error as exc:
                raise self._refused(f"answer body is not valid {self._encoding}") from exc
            if not decoder.eof:
                raise self._refused(f"answer body is not valid {self._encoding}: it ends early")
        chunks = self._chunks
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def check_header_size(raw_headers: Sequence[tuple[bytes, bytes]]) -> None:
    """Refuse an answer whose header block is over ``MAX_HEADER_BYTES``."""
    if sum(len(name) + len(value) + 4 for name, value in raw_headers) > MAX_HEADER_BYTES:
        raise too_large("headers", MAX_HEADER_BYTES)


def too_large(what: str, limit: int) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(f"answer {what} exceed {limit} bytes")


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, its causes and contexts, and the members of any exception group among them."""
    seen: list[BaseException] = []
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
    return seen


def connection_failure(exc: BaseException, *, connecting: bool) -> httpx.TransportError:
    """The library-independent error for a failure to connect (``connecting``) or to exchange.

    Both libraries raise the operating system's or the ``ssl`` module's error underneath; the
    class and message come from that cause, so the same fault reads the same on every transport.
    """
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, socket.gaierror):
            return httpx.ConnectError("could not resolve the host name")
    tls = [error for error in chain if isinstance(error, ssl.SSLError | ssl.CertificateError)]
    if tls:
        # aiohttp's own TLS errors subclass ssl's; name the one the ssl module raised.
        error = next((e for e in tls if type(e).__module__ == "ssl"), tls[-1])
        reason = getattr(error, "reason", None)
        detail = f"{type(error).__name__}: {reason}" if reason else type(error).__name__
        return httpx.ConnectError(f"TLS handshake failed ({detail})")
    for error in chain:
        if isinstance(error, ConnectionRefusedError):
            return httpx.ConnectError("connection refused")
    if connecting:
        return httpx.ConnectError("could not connect")
    return httpx.ReadError("connection lost before the answer was complete")


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment names for ``url`` (``HTTPS_PROXY``...), unless ``NO_PROXY`` exempts it."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy:
        return None
    if _exempt(url, proxies.get("no", "")):
        return None
    return proxy


def _exempt(url: httpx.URL, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names the host: ``*``, the host itself, or a domain it belongs to."""
    host = url.host.lower()
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, port = entry.partition(":")
        if port and url.port is not None and port != str(url.port):
            continue
        name = name.lstrip(".")
        if host == name or host.endswith("." + name):
            return True
    return False


def attempt_timed_out(deadline: float) -> httpx.ReadTimeout:
    """The error for an attempt that ran out of its deadline, worded the same by every transport."""
    return httpx.ReadTimeout(f"no complete answer within {deadline:g} s per attempt")


def cancel_after(seconds: float | None) -> contextlib.AbstractContextManager[object]:
    """Runs the ``with`` block for at most ``seconds`` (``None``: no limit); running out ends it quietly.

    Whoever uses it raises its own timeout error after the block when it did not return. Under
    trio it is trio's own cancel scope (anyio's wraps it, about 10 µs a call against 6); trio is
    running then, so it is loaded: it is not a dependency, so it is never imported here. Under
    asyncio a plain loop timer cancels an anyio scope (``anyio.move_on_after`` re-arms its
    deadline through the backend on entry and exit, about 35 µs a call against 3). Plain objects,
    not a generator: this runs once or twice on every call.
    """
    if seconds is None:
        return _NO_LIMIT
    if sniffio.current_async_library() == "trio":
        trio = sys.modules["trio"]
        scope: contextlib.AbstractContextManager[object] = trio.CancelScope(
            deadline=trio.current_time() + seconds
        )
        return scope
    return _TimerScope(seconds)


_NO_LIMIT = contextlib.nullcontext()


class _TimerScope:
    """Strictly private. An anyio cancel scope that a loop timer cancels ``seconds`` after entry."""

    __slots__ = ("_scope", "_seconds", "_timer")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._scope = anyio.CancelScope()

    def __enter__(self) -> None:
        self._scope.__enter__()
        self._timer = asyncio.get_running_loop().call_later(self._seconds, self._scope.cancel)

    def __exit__(self, *exc_info: Any) -> bool:
        self._timer.cancel()
        return self._scope.__exit__(*exc_info)


def covered_by_deadline(phase_timeout: float | None, deadline: float | None) -> float | None:
    """A read or write timeout, or ``None`` where it is as long as the deadline and so never fires first.

    Both HTTP libraries re-arm such a timeout around every read (or write); leaving it to the
    deadline saves that, and a stall then reads the same on every transport.
    """
    if phase_timeout is not None and deadline is not None and phase_timeout >= deadline:
        return None
    return phase_timeout


async def within_deadline(exchange: Coroutine[Any, Any, Answer], deadline: float | None) -> Answer:
    """``exchange`` awaited under the attempt's deadline, for a library with no total timeout of its own."""
    with cancel_after(deadline):
        return await exchange
    # Reached only when the deadline ran out: with none, the block returns or raises.
    raise attempt_timed_out(deadline)
