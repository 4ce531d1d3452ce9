"""The facade's request path under asyncio when aiohttp is installed: straight to aiohttp."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._auth import current_call

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpSender", "LazyRequestResponse", "query_string", "with_headers"]


_QUERIES: dict[tuple[tuple[tuple[str, Any], ...], tuple[type, ...]], str] = {}


def query_string(params: Mapping[str, Any]) -> str:
    """``params`` exactly as httpx encodes them: booleans as ``true``/``false``, lists as repeated keys.

    Most calls repeat a handful of flag combinations (``silent=yes``, ``dry=true``), so encoded
    strings of hashable parameter sets are kept, up to a bound.
    """
    try:
        # The value types are part of the key: True == 1, but "true" is not "1".
        key = (tuple(params.items()), tuple(map(type, params.values())))
        cached = _QUERIES.get(key)
    except TypeError:  # a list value: not hashable, encoded every time
        return _encode(params)
    if cached is None:
        if len(_QUERIES) >= 512:
            _QUERIES.clear()
        cached = _QUERIES[key] = _encode(params)
    return cached


def _encode(params: Mapping[str, Any]) -> str:
    return str(httpx.QueryParams(params))


def with_headers(base: dict[str, str], extra: Mapping[str, str] | None) -> dict[str, str]:
    """``base`` (lower-case names) with an endpoint's own headers on top, names compared case-blind."""
    return {**base, **{name.lower(): value for name, value in extra.items()}} if extra else base


_READ = httpx.ByteStream(b"")


class LazyRequestResponse(httpx.Response):
    """Strictly private. An ``httpx.Response`` for a body already read; ``request`` is built on first use.

    Building an ``httpx.Request`` (URL parsing, header normalisation) costs about 25 µs, and a
    successful call never reads it unless debug logging is on; errors and logs still get one.
    """

    _target: tuple[str, str] | None = None

    @classmethod
    def read_from(
        cls, status: int, headers: Any, content: bytes, reason: str | None, target: tuple[str, str]
    ) -> LazyRequestResponse:
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode()
        response = cls(status, headers=headers, stream=_READ, extensions=extensions)
        # The body is complete and already decoded (aiohttp decompresses), so it is stored as
        # read: ``content=`` would wrap it in a stream and feed it through a decoder again.
        response._content = content
        response.is_stream_consumed = response.is_closed = True
        response._target = target
        return response

    @property
    def request(self) -> httpx.Request:
        if self._request is None and self._target is not None:
            self._request = httpx.Request(*self._target)
        return super().request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value


class AiohttpSender:
    """Strictly private. Sends a generated function's request on the transport's aiohttp session.

    httpx-aiohttp's transport takes an ``httpx.Request`` and returns a streamed ``httpx.Response``;
    between them it re-parses the URL, converts the headers and reads the body chunk by chunk
    through an async generator. Here the body is serialised once, the prepared headers and
    timeout are reused, the URL is passed already encoded (``path_segment`` escaped it; requoting
    would turn ``%2E%2E`` back into ``..``) and the body is read in one call. Failures are mapped
    to httpx's exceptions by the same table httpx-aiohttp uses, so retries and errors behave alike.
    """

    __slots__ = ("_aiohttp", "_headers", "_map_errors", "_prefix", "_session", "_timeouts")

    def __init__(self, session: aiohttp.ClientSession, prefix: str, headers: dict[str, str]) -> None:
        import aiohttp
        import yarl
        from httpx_aiohttp.transport import map_aiohttp_exceptions

        self._aiohttp = (aiohttp, yarl)
        self._map_errors = map_aiohttp_exceptions
        self._session = session
        self._prefix = prefix
        self._headers = headers
        self._timeouts: tuple[dict[str, Any], aiohttp.ClientTimeout] | None = None

    def __repr__(self) -> str:
        return f"AiohttpSender({self._prefix!r})"

    def _client_timeout(self, timeout: dict[str, Any]) -> aiohttp.ClientTimeout:
        cached = self._timeouts
        if cached is not None and cached[0] is timeout:
            return cached[1]
        client_timeout: aiohttp.ClientTimeout = self._aiohttp[0].ClientTimeout(
            sock_connect=timeout.get("connect"), sock_read=timeout.get("read"), connect=timeout.get("pool")
        )
        self._timeouts = (timeout, client_timeout)
        return client_timeout

    async def __call__(self, kwargs: dict[str, Any], default_timeout: dict[str, Any]) -> httpx.Response:
        method = kwargs["method"].upper()
        url = self._prefix + kwargs["url"]
        params = kwargs.get("params")
        if params:
            url = f"{url}?{query_string(params)}"
        headers = with_headers(self._headers, kwargs.get("headers"))
        payload = kwargs.get("json")
        body = (
            None
            if payload is None
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        )
        call = current_call.get()
        timeout = default_timeout
        if call is not None:
            call.sending(method, url)
            timeout = call.timeout
        try:
            async with self._session.request(
                method,
                self._aiohttp[1].URL(url, encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,
                compress=False,
                timeout=self._client_timeout(timeout),
            ) as answer:
                content = await answer.read()
        except self._aiohttp[0].ClientResponseError as exc:
            # A malformed answer (bad status line or length); httpx-aiohttp's table leaves it raw.
            raise httpx.RemoteProtocolError(f"{type(exc).__name__}: {exc.message}") from exc
        except Exception:
            # Mapped only on failure: entering the mapping context on every call costs a generator.
            with self._map_errors():
                raise
        return LazyRequestResponse.read_from(
            answer.status, answer.raw_headers, content, answer.reason, (method, url)
        )
