"""``Transport`` on httpcore's public API: the path under trio, or when aiohttp is not installed."""

from __future__ import annotations

import httpcore
import httpx

from . import (
    DEFAULT_MAX_ANSWER_BYTES,
    Answer,
    BodyReader,
    PreparedRequest,
    Timeouts,
    check_header_size,
    connection_failure,
    too_large,
)
from . import MAX_HEADER_BYTES as _HEADER_LIMIT

__all__ = ["HttpcoreTransport", "mapped_httpcore_error"]


class HttpcoreTransport:
    """Strictly private. An httpcore connection pool (or proxy pool), with no resend of its own."""

    def __init__(
        self, *, max_connections: int, proxy: str | None, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    ) -> None:
        self._max_answer_bytes = max_answer_bytes
        self._pool: httpcore.AsyncConnectionPool
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(
                max_connections=max_connections, max_keepalive_connections=max_connections, retries=0
            )
        else:
            self._pool = httpcore.AsyncHTTPProxy(
                proxy_url=proxy, max_connections=max_connections, max_keepalive_connections=max_connections
            )

    def __repr__(self) -> str:
        return "HttpcoreTransport()"

    async def send(self, request: PreparedRequest, timeouts: Timeouts) -> Answer:
        core_request = httpcore.Request(
            request.method,
            request.url,
            # ``ApiKey.encode`` gives the Authorization value: the key is never a str in these frames.
            headers=[(name.encode("latin-1"), value.encode("latin-1")) for name, value in request.headers],
            content=request.body,
            extensions={"timeout": timeouts},
        )
        try:
            response = await self._pool.handle_async_request(core_request)
            try:
                raw_headers = response.headers
                check_header_size(raw_headers)
                reason = response.extensions.get("reason_phrase", b"")
                reason = reason.decode("latin-1") if isinstance(reason, bytes) else ""
                encoding = None
                for name, value in raw_headers:
                    if name.lower() == b"content-encoding":
                        encoding = value.decode("latin-1").strip().lower()
                reader = BodyReader(response.status, reason, raw_headers, encoding, self._max_answer_bytes)
                async for chunk in response.aiter_stream():
                    reader.feed(chunk)
            finally:
                # Unread (over the cap, or a failure): httpcore closes the connection instead of reusing it.
                await response.aclose()
        except httpcore.TimeoutException as exc:
            raise mapped_httpcore_error(exc) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError) as exc:
            raise mapped_httpcore_error(exc) from exc
        except httpcore.UnsupportedProtocol as exc:
            raise httpx.UnsupportedProtocol(str(exc)) from exc
        return Answer(response.status, reason, raw_headers, reader.content())

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
