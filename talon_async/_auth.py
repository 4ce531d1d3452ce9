"""The API key, attached only to requests bound for the configured Talon.One deployment."""

from __future__ import annotations

from collections.abc import Generator
from contextvars import ContextVar
from typing import Any

import httpx

__all__ = ["ApiKeyAuth", "CallContext", "current_call"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class CallContext:
    """Strictly private. What one facade call tells the request it is about to make, and learns back.

    The generated functions take no timeout and hide the request they build, so both travel
    through this context: the auth hook applies ``timeout`` and records ``request``.
    """

    __slots__ = ("_request", "_target", "timeout")

    def __init__(self, timeout: dict[str, Any]) -> None:
        self.timeout = timeout
        self._request: httpx.Request | None = None
        self._target: tuple[str, str] | None = None

    @property
    def request(self) -> httpx.Request | None:
        """The request being made, if one was built; ``None`` until then."""
        if self._request is None and self._target is not None:
            self._request = httpx.Request(*self._target)
        return self._request

    @request.setter
    def request(self, request: httpx.Request | None) -> None:
        self._request, self._target = request, None

    def sending(self, method: str, url: str) -> None:
        """Record a request sent without an ``httpx.Request``; one is built only if an error needs it."""
        self._request, self._target = None, (method, url)


current_call: ContextVar[CallContext | None] = ContextVar("talon_async_current_call", default=None)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


class _Secret(str):
    """Strictly private. A header value whose repr hides it, so ``vars()`` or locals dumps do not leak it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


class ApiKeyAuth(httpx.Auth):
    """Strictly private. Adds ``Authorization: ApiKey-v1 <key>`` for the base URL's origin only.

    Matching scheme, host and port means a redirect, or a request the user points elsewhere,
    never carries the key. It is also the one hook that sees every request on any httpx client,
    including one the user supplies, so it applies the call's timeout.
    """

    def __init__(self, api_key: str, base_url: httpx.URL) -> None:
        self._header = _Secret(f"ApiKey-v1 {api_key}")
        self._origin = _origin(base_url)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(origin='{self._origin[0]}://{self._origin[1]}', api_key='***')"

    def header_for(self, url: httpx.URL) -> str | None:
        """The ``Authorization`` value for a request to ``url``: the key's, for the base URL's origin only."""
        return self._header if _origin(url) == self._origin else None

    def prepare(self, request: httpx.Request) -> None:
        """Add the key if the request goes to the base URL's origin; apply and record the call's timeout."""
        header = self.header_for(request.url)
        if header is not None:
            request.headers["Authorization"] = header
        call = current_call.get()
        if call is not None:
            call.request = request
            request.extensions["timeout"] = call.timeout

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.prepare(request)
        yield request
