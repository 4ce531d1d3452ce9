"""``Transport`` on aiohttp's public API: the cheapest path per request under asyncio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import httpx
import yarl

from . import (
    DEFAULT_MAX_ANSWER_BYTES,
    MAX_HEADER_BYTES,
    Answer,
    BodyReader,
    PreparedRequest,
    RequestHeaders,
    Timeouts,
    UnreadableAnswer,
    attempt_timed_out,
    check_header_size,
    connection_failure,
    covered_by_deadline,
    revealed,
    too_large,
)

if TYPE_CHECKING:
    from aiohttp import ClientHandlerType

__all__ = ["AiohttpTransport"]


_NO_AUTO_HEADERS = frozenset({"Content-Type"})
# The methods aiohttp sends again on its own after a kept-alive connection drops; never POST or PATCH.
_RESENT_BY_AIOHTTP = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_READ_CHUNK = 256 * 1024
# Answers that never have a body, whatever their headers say (RFC 9110 §15.3.5, §15.4.5).
_NO_BODY = frozenset({204, 304})


class _LostAfterSending(Exception):
    """Strictly private. A dropped connection, re-raised as a type aiohttp's resend loop does not catch."""


async def _never_resend(request: aiohttp.ClientRequest, handler: ClientHandlerType) -> aiohttp.ClientResponse:
    """Stop aiohttp resending a GET, PUT or DELETE on its own when a kept-alive connection drops.

    aiohttp catches ``ClientOSError``/``ServerDisconnectedError`` around this middleware chain and
    sends the request again; a PUT that closes a session would be applied twice, and every
    counted retry doubled. Re-raised as another type, the failure reaches the pipeline, whose
    retry policy is the only one.
    """
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _LostAfterSending(str(exc)) from exc


# Passed per request, and only with the methods aiohttp resends: a middleware costs each request
# two more coroutines, and a POST (an event, an audience change) has nothing to guard against.
_NEVER_RESEND = (_never_resend,)


class AiohttpTransport:
    """Strictly private. One ``aiohttp.ClientSession``, built on first use inside the running loop."""

    def __init__(
        self, *, max_connections: int, proxy: str | None, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    ) -> None:
        self._max_connections = max_connections
        self._max_answer_bytes = max_answer_bytes
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: tuple[Timeouts, float | None, aiohttp.ClientTimeout] | None = None

    def __repr__(self) -> str:
        return "AiohttpTransport()"

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0)
        self._session = aiohttp.ClientSession(
            connector=connector,
            # Decoding is shared with the other transports (``decoded``), so both accept the same encodings.
            auto_decompress=False,
            # One header may take the whole budget; the total is checked after reading, as h11 does.
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
            max_headers=MAX_HEADER_BYTES // 4,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        return self._session

    def _client_timeout(self, timeouts: Timeouts, deadline: float | None) -> aiohttp.ClientTimeout:
        """The phase timeouts and the attempt's deadline as aiohttp's own timeouts.

        The deadline is aiohttp's ``total``: one timer per request, where a timer of ours around
        the call would be a second. A read timeout the deadline covers is left out
        (``covered_by_deadline``): aiohttp re-arms that one on every chunk received.
        """
        cached = self._timeouts
        if cached is not None and cached[0] is timeouts and cached[1] == deadline:
            return cached[2]
        timeout = aiohttp.ClientTimeout(
            total=deadline,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=covered_by_deadline(timeouts.get("read"), deadline),
            # aiohttp rounds timeouts over 5 s up to the next whole second; a deadline is kept to the letter.
            ceil_threshold=float("inf"),
        )
        self._timeouts = (timeouts, deadline, timeout)
        return timeout

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer:
        session = self._session or self._open()
        limit = self._max_answer_bytes
        try:
            async with session.request(
                request.method,
                # Already encoded: requoting would turn %2E%2E back into "..".
                yarl.URL(request.url, encoded=True),
                # The key becomes text only here, inside the library's call (see ``revealed``).
                headers=revealed(request.headers),
                data=request.body,
                allow_redirects=False,
                compress=False,
                # The request's headers are complete; an empty PUT must not gain a Content-Type.
                skip_auto_headers=None if _has_content_type(request.headers) else _NO_AUTO_HEADERS,
                proxy=self._proxy,
                timeout=self._client_timeout(timeouts, deadline),
                middlewares=_NEVER_RESEND if request.method in _RESENT_BY_AIOHTTP else None,
            ) as response:
                raw_headers = response.raw_headers
                status, reason = response.status, response.reason or ""
                check_header_size(raw_headers)
                encoding = _header(raw_headers, b"content-encoding")
                length = response.content_length
                if encoding is None and (length == 0 or status in _NO_BODY):
                    # Empty by its status or its Content-Length: nothing to read, count or decode.
                    return Answer(status, reason, raw_headers, b"")
                reader = BodyReader(status, reason, raw_headers, encoding, limit)
                if length is not None and length > limit:
                    response.close()
                    raise reader.too_large()
                try:
                    if length is not None:
                        # The announced length is within the cap: one read, as cheap as aiohttp allows.
                        reader.feed(await response.read())
                    else:
                        # No length (chunked, or until the connection closes): counted as it arrives.
                        async for chunk in response.content.iter_chunked(_READ_CHUNK):
                            reader.feed(chunk)
                    content = reader.content()
                except UnreadableAnswer:
                    # The rest of the body is never read: this connection cannot be reused.
                    response.close()
                    raise
        except (httpx.TransportError, UnreadableAnswer):
            raise
        except Exception as exc:
            mapped = _mapped(exc, deadline)
            if mapped is exc:
                raise
            raise mapped from exc
        return Answer(status, reason, raw_headers, content)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _has_content_type(headers: RequestHeaders) -> bool:
    """Whether the request states its Content-Type, so that aiohttp has none to add.

    With one present, skipping aiohttp's automatic Content-Type changes nothing on the wire (its
    other automatic headers are in every request already), and not asking for the skip saves
    aiohttp building a header multidict and copying the request's headers into it per request.
    """
    # A loop, not any() over a generator: this runs on every request.
    for name, _ in headers:  # noqa: SIM110
        if len(name) == 12 and name.lower() == "content-type":
            return True
    return False


def _header(raw_headers: Any, name: bytes) -> str | None:
    for key, value in raw_headers:
        if key.lower() == name:
            return str(value.decode("latin-1")).strip().lower()
    return None


def _mapped(exc: Exception, deadline: float | None) -> Exception:
    """aiohttp's failure as the library-independent error (see ``connection_failure``)."""
    if type(exc) is TimeoutError and deadline is not None:
        # Its phase timeouts raise subclasses; a bare TimeoutError is the ``total`` that holds the deadline.
        return attempt_timed_out(deadline)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout("timed out connecting")
    if isinstance(exc, aiohttp.SocketTimeoutError | aiohttp.ServerTimeoutError | TimeoutError):
        return httpx.ReadTimeout("timed out waiting for the answer")
    if isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        return httpx.ProxyError("the proxy refused or failed the connection")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return connection_failure(exc, connecting=True)
    if isinstance(exc, aiohttp.ClientResponseError):
        # A status line or header aiohttp's parser refused: too long, too many, or malformed.
        text = str(exc)
        if "Got more than" in text or "Too many headers" in text or "too long" in text.lower():
            return too_large("headers", MAX_HEADER_BYTES)
        return httpx.RemoteProtocolError("malformed answer")
    if isinstance(exc, _LostAfterSending | aiohttp.ClientPayloadError | aiohttp.ClientConnectionError):
        return connection_failure(exc, connecting=False)
    if isinstance(exc, ValueError | aiohttp.InvalidURL):
        return httpx.LocalProtocolError(f"request refused before sending: {type(exc).__name__}")
    return exc
