"""The one interface every HTTP library sits behind, and what is shared by its implementations.

A transport takes a ``PreparedRequest`` (method, absolute encoded URL, the complete header list,
body bytes) and returns an ``Answer`` (status, headers, decoded body), within the phase timeouts
and a size cap. It sends exactly the headers it is given, in that order, sends each request at
most once (no library-level resend: the retry policy is the pipeline's alone), and reports every
failure as one of httpx's exception classes with a message that does not depend on the library.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request
import zlib
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

__all__ = [
    "MAX_ANSWER_BYTES",
    "MAX_HEADER_BYTES",
    "MAX_URL_LENGTH",
    "Answer",
    "PreparedRequest",
    "Timeouts",
    "Transport",
    "check_header_size",
    "connection_failure",
    "decoded",
    "environment_proxy",
    "too_large",
]

Timeouts = dict[str, Any]
"""Seconds per phase, keyed ``connect``, ``read``, ``write``, ``pool`` (``None``: no limit)."""

MAX_HEADER_BYTES = 16384
"""The most bytes an answer's headers may take, counted and enforced the same on every transport."""
MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The most body bytes one answer may carry; the largest page of 1000 ledger entries is well under 1 MB."""
MAX_URL_LENGTH = 65536
"""The longest URL sent; httpx refuses longer ones, so every transport does."""


class PreparedRequest:
    """Strictly private. One request exactly as it goes on the wire."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes | None) -> None:
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
    """Sends one prepared request and returns its answer; raises httpx's exception classes."""

    async def send(self, request: PreparedRequest, timeouts: Timeouts) -> Answer: ...

    async def aclose(self) -> None: ...


def decoded(content: bytes, encoding: str | None) -> bytes:
    """The body with its ``Content-Encoding`` (gzip or deflate, the two every transport asks for) undone."""
    if not encoding or encoding == "identity":
        return content
    try:
        if encoding == "gzip":
            return zlib.decompress(content, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(content)
            except zlib.error:
                return zlib.decompress(content, -zlib.MAX_WBITS)
    except zlib.error as exc:
        raise httpx.DecodingError(f"answer body is not valid {encoding}") from exc
    raise httpx.DecodingError(f"answer body has an encoding that was not asked for: {encoding}")


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
