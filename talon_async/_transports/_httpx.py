"""``Transport`` over httpx: a ``transport=`` given to the client, or the caller's ``http_client``."""

from __future__ import annotations

import httpx

from . import (
    DEFAULT_MAX_ANSWER_BYTES,
    Answer,
    BodyReader,
    PreparedRequest,
    Timeouts,
    revealed,
    within_deadline,
)

__all__ = ["CallerClientTransport", "HttpxTransport", "refuse_resending_client", "refuse_resending_transport"]


def _answer(response: httpx.Response, limit: int) -> Answer:
    raw_headers = response.headers.raw
    content = response.content
    if len(content) > limit:
        # httpx has read and decoded it already; the cap still decides what the caller gets.
        raise BodyReader(response.status_code, response.reason_phrase, raw_headers, None, limit).too_large()
    return Answer(response.status_code, response.reason_phrase, raw_headers, content)


class HttpxTransport:
    """Strictly private. Any ``httpx.AsyncBaseTransport`` (a mock, the embedded fake, a custom stack)."""

    def __init__(
        self, transport: httpx.AsyncBaseTransport, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    ) -> None:
        refuse_resending_transport(transport)
        self._transport = transport
        self._max_answer_bytes = max_answer_bytes

    def __repr__(self) -> str:
        return f"HttpxTransport({type(self._transport).__name__})"

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer:
        return await within_deadline(self._exchange(request, timeouts), deadline)

    async def _exchange(self, request: PreparedRequest, timeouts: Timeouts) -> Answer:
        http_request = httpx.Request(
            request.method,
            request.url,
            headers=revealed(request.headers),
            content=request.body,
            extensions={"timeout": timeouts},
        )
        response = await self._transport.handle_async_request(http_request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return _answer(response, self._max_answer_bytes)

    async def aclose(self) -> None:
        await self._transport.aclose()


class CallerClientTransport:
    """Strictly private. Sends through the caller's ``httpx.AsyncClient`` without changing it.

    The client keeps its own transport, proxies, hooks and cookies; the request carries the
    facade's complete header list (the API key included), so the key rides on these requests
    only and never on the caller's own.
    """

    def __init__(self, client: httpx.AsyncClient, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES) -> None:
        refuse_resending_client(client)
        self._client = client
        self._max_answer_bytes = max_answer_bytes

    def __repr__(self) -> str:
        return "CallerClientTransport()"

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer:
        return await within_deadline(self._exchange(request, timeouts), deadline)

    async def _exchange(self, request: PreparedRequest, timeouts: Timeouts) -> Answer:
        http_request = self._client.build_request(
            request.method,
            request.url,
            headers=revealed(request.headers),
            content=request.body,
            timeout=httpx.Timeout(**timeouts),
        )
        # The client's own redirect setting applies; httpx drops Authorization when leaving the origin.
        # auth=None: an ``auth`` the caller set up for other services must not replace the API key.
        response = await self._client.send(http_request, auth=None)
        return _answer(response, self._max_answer_bytes)

    async def aclose(self) -> None:
        """The caller's client stays open: it is theirs to close."""


_RESEND_CONSEQUENCE = (
    "lets aiohttp resend a GET, PUT or DELETE on its own after a dropped connection, which could "
    "apply a session close twice"
)


def _resends_on_its_own(transport: object) -> bool:
    """Whether ``transport`` is httpx-aiohttp's, under which aiohttp's hidden resend stays on."""
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return False
    return isinstance(transport, AiohttpTransport)


def refuse_resending_transport(transport: httpx.AsyncBaseTransport) -> None:
    """Refuse a ``transport=`` that resends requests on its own (httpx-aiohttp's)."""
    if _resends_on_its_own(transport):
        from .._errors import InvalidRequestError

        raise InvalidRequestError(
            f"transport: httpx-aiohttp's AiohttpTransport {_RESEND_CONSEQUENCE}; pass no transport "
            "(TalonClient then uses aiohttp with that resend off) or an httpx transport"
        )


def refuse_resending_client(client: httpx.AsyncClient) -> None:
    """Refuse a client whose transport resends requests on its own (httpx-aiohttp's).

    That is an ``HttpxAiohttpClient``, or any ``AsyncClient`` built with httpx-aiohttp's
    ``AiohttpTransport`` (as its transport or mounted for some URLs). httpx offers no public way
    to see a client's transports, so they are read, never changed, from its attributes.
    """
    try:
        from httpx_aiohttp import HttpxAiohttpClient
    except ImportError:
        return
    mounts = getattr(client, "_mounts", None)
    transports = [getattr(client, "_transport", None), *(mounts.values() if isinstance(mounts, dict) else ())]
    if isinstance(client, HttpxAiohttpClient) or any(_resends_on_its_own(t) for t in transports):
        from .._errors import InvalidRequestError

        raise InvalidRequestError(
            f"http_client: its transport is httpx-aiohttp's, which {_RESEND_CONSEQUENCE}; pass a plain "
            "httpx.AsyncClient, or no http_client (TalonClient then uses aiohttp with that resend off)"
        )
