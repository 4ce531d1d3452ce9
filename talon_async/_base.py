"""The machinery under every ``TalonClient`` method: configuration, one request loop, retries."""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import logging
import os
import platform
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, Self, TypeVar

import anyio
import httpx
import sniffio

from ._auth import ApiKeyAuth, CallContext, current_call
from ._bodies import unserializable
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    DryRunUnsupportedError,
    InvalidRequestError,
    RequestInfo,
    is_busy_response,
    status_error,
)
from ._generated.client import AuthenticatedClient
from ._generated.errors import UnparsableResponse
from ._generated.types import Response
from ._locks import KeyedLocks
from ._logging import log_attempt, logger
from ._pacing import RateLimit
from ._response import RawResponse, RawSink, raw_sink
from ._retry import is_timeout, retry_delay, should_retry, sleep
from ._transport import AutoTransport, DirectSender
from ._version import __version__

__all__ = ["DEFAULT_MAX_CONCURRENCY", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "BaseClient", "TimeoutTypes"]

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_CONCURRENCY = 64

TimeoutTypes = float | httpx.Timeout | None
"""Seconds, or an ``httpx.Timeout`` for connect/read/write/pool separately; ``None``: the default."""

USER_AGENT = (
    f"talon-async/{__version__} python/{platform.python_version_tuple()[0]}."
    f"{platform.python_version_tuple()[1]} httpx/{httpx.__version__}"
)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _timeout_dict(timeout: float | httpx.Timeout) -> dict[str, Any]:
    return (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)).as_dict()


def attempt_deadline(timeouts: dict[str, Any]) -> float | None:
    """Seconds one attempt may take in all: the largest phase timeout (a float timeout itself).

    httpx times each read separately, so a server dripping a byte at a time could hold a call
    forever; this bounds the whole attempt. With no read timeout there is no bound either.
    """
    if timeouts["read"] is None:
        return None
    return max(value for value in timeouts.values() if value is not None)  # type: ignore[no-any-return]


def arm_deadline(scope: anyio.CancelScope, seconds: float | None) -> asyncio.TimerHandle | None:
    """Cancel ``scope`` after ``seconds``; under asyncio, return the timer to disarm on exit.

    ``anyio.move_on_after`` costs about 35 µs per call on asyncio (its deadline is re-armed
    through the backend on entry and exit), a quarter of the facade's own cost for a 204; a plain
    loop timer that cancels the scope costs 3 µs and ends the attempt the same way.
    """
    if seconds is None:
        return None
    if sniffio.current_async_library() != "asyncio":
        scope.deadline = anyio.current_time() + seconds
        return None
    return asyncio.get_running_loop().call_later(seconds, scope.cancel)


class BaseClient:
    """Strictly private. Configuration and the request loop that ``TalonClient`` builds on."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        strict_responses: bool = False,
        rate_limit: float | RateLimit | None = None,
    ) -> None:
        base_url = base_url if base_url is not None else os.environ.get("TALON_BASE_URL", "")
        api_key = api_key if api_key is not None else os.environ.get("TALON_API_KEY", "")
        if not base_url.strip():
            raise InvalidRequestError(
                "No Talon.One base URL: pass base_url=... or set the TALON_BASE_URL environment variable"
            )
        if not api_key.strip():
            raise InvalidRequestError(
                "No Talon.One API key: pass api_key=... or set the TALON_API_KEY environment variable"
            )
        url = httpx.URL(base_url.strip().rstrip("/") + "/")
        if url.scheme not in ("http", "https") or not url.host:
            raise InvalidRequestError(f"base_url: {base_url!r} is not an http(s) URL")
        if re.fullmatch(r"v\d+", url.path.rstrip("/").rsplit("/", 1)[-1]):
            # Every operation's path starts with its own /v1 or /v2, so this would request /v2/v2/...
            raise InvalidRequestError(
                f"base_url: {base_url!r} ends in an API version; pass the deployment's root URL, "
                "such as https://mycompany.europe-west1.talon.one (each operation adds /v1 or /v2 itself)"
            )
        if url.scheme == "http" and not (_is_loopback(url.host) or allow_insecure_http):
            raise InvalidRequestError(
                f"base_url: refusing to send the API key over plain http to {url.host}; "
                "use https, or pass allow_insecure_http=True"
            )
        if max_retries < 0:
            raise InvalidRequestError(f"max_retries: {max_retries} is negative")
        if max_concurrency < 1:
            raise InvalidRequestError(f"max_concurrency: {max_concurrency} is less than 1")
        if http_client is not None and transport is not None:
            raise InvalidRequestError("pass either http_client or transport, not both")

        self._base_url = url
        self._timeout = _timeout_dict(timeout)
        self._deadline = attempt_deadline(self._timeout)
        self._max_retries = max_retries
        self._max_concurrency = max_concurrency
        self._dry = False
        auth = ApiKeyAuth(api_key, url)
        all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if http_client is None:
            limits = httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency)
            transport = transport or AutoTransport(limits)
            http_client = httpx.AsyncClient(
                base_url=url,
                auth=auth,
                headers=all_headers,
                timeout=timeout,
                transport=transport,
                follow_redirects=False,
            )
            # The httpx client still owns (and closes) the transport; requests skip its send path.
            sender: DirectSender | None = DirectSender(http_client, auth, transport)
            self._owns_http_client = True
        else:
            # The generated functions send relative paths with no auth, so the caller's client
            # must carry our base URL and auth; its transport, limits and hooks stay its own.
            http_client.base_url = url
            http_client.auth = auth
            http_client.headers.update(all_headers)
            sender = None
            self._owns_http_client = False
        self._http = http_client
        # Tolerant by default: a null, an enum value or a key the spec does not know must not fail a
        # call in production; strict_responses=True (the default of talon_async.testing) refuses them.
        self._generated = AuthenticatedClient(
            async_client=http_client, sender=sender, strict_responses=strict_responses
        )
        # fast_acquire: an uncontended slot or lock costs no extra trip through the event loop,
        # which is most of a request's overhead here; the HTTP call itself is the checkpoint.
        self._limiter = anyio.Semaphore(max_concurrency, fast_acquire=True)
        self._locks = KeyedLocks()
        # Shared by every request of this client (and its dry_run() views), so all batches pace together.
        self._pacer = RateLimit(rate_limit) if isinstance(rate_limit, int | float) else rate_limit

    def __repr__(self) -> str:
        dry = ", dry_run=True" if self._dry else ""
        return (
            f"{type(self).__name__}(base_url={str(self._base_url).rstrip('/')!r}, "
            f"max_retries={self._max_retries}, max_concurrency={self._max_concurrency}{dry})"
        )

    @property
    def base_url(self) -> str:
        return str(self._base_url).rstrip("/")

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def strict_responses(self) -> bool:
        """Whether answers are decoded strictly (see docs/compatibility.md)."""
        return self._generated.strict_responses

    @property
    def is_dry_run(self) -> bool:
        return self._dry

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections (a caller-supplied ``http_client`` is left to its owner)."""
        if self._owns_http_client:
            await self._http.aclose()

    def dry_run(self) -> Self:
        """A view of this client on which every dry-capable operation is sent with ``dry=true``.

        Operations with no dry mode raise ``DryRunUnsupportedError`` instead of changing data;
        reads pass through. The view shares this client's connections, locks and limits, and
        closing it closes nothing.
        """
        view = copy.copy(self)
        view._dry = True
        view._owns_http_client = False
        return view

    async def with_raw_response(
        self, method: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Call one operation method and return its final HTTP answer along with the parsed result.

        ``raw = await talon.with_raw_response(talon.get_customer_session, "s1")`` gives
        ``raw.status_code``, ``raw.headers``, ``raw.content``, ``raw.attempts`` and ``raw.parsed``.
        Error statuses still raise. It wraps exactly one request: a ``batch_*`` method is refused
        before it reads any input (each ``ChunkResult.response`` holds that chunk's answer), and
        a callable that tries a second request gets ``TypeError`` before that request is sent.
        """
        sink = RawSink()
        token = raw_sink.set(sink)
        try:
            parsed = await method(*args, **kwargs)
        finally:
            raw_sink.reset(token)
        if sink.response is None:
            raise TypeError(f"{method!r} sent no request; pass a TalonClient operation method")
        return RawResponse(
            status_code=sink.response.status_code,
            headers=sink.response.headers,
            content=sink.response.content,
            parsed=parsed,
            attempts=sink.attempts,
        )

    def _no_dry(self, operation: str) -> None:
        """Refuse, on a dry-run view, an operation that would change data for real."""
        if self._dry:
            raise DryRunUnsupportedError(
                f"{operation} has no dry mode in Talon.One, so it was not sent from a dry_run() view"
            )

    async def _send(
        self,
        call: Callable[[AuthenticatedClient], Awaitable[Response[Any]]],
        *,
        method: str,
        idempotent: bool,
        timeout: TimeoutTypes,
        lock: tuple[str, str] | None = None,
        body: object = None,
    ) -> Response[Any]:
        """Send one operation: per-entity lock, then attempts until success or a final error.

        ``body`` is the request model, used only to name the field at fault if it cannot be
        serialized.
        """
        sink = raw_sink.get()
        if sink is not None:
            sink.claim()
        if lock is None:
            return await self._attempts(call, method, idempotent, timeout, body)
        async with self._locks.hold(lock):
            return await self._attempts(call, method, idempotent, timeout, body)

    async def _attempts(
        self,
        call: Callable[[AuthenticatedClient], Awaitable[Response[Any]]],
        method: str,
        idempotent: bool,
        timeout: TimeoutTypes,
        body: object,
    ) -> Response[Any]:
        if timeout is None:
            context, deadline = CallContext(self._timeout), self._deadline
        else:
            context = CallContext(_timeout_dict(timeout))
            deadline = attempt_deadline(context.timeout)
        token = current_call.set(context)
        try:
            attempt = 0
            while True:
                started = time.perf_counter()
                context.request = None
                response: Response[Any] | None = None
                try:
                    if self._pacer is not None:
                        await self._pacer.acquire()
                    async with self._limiter:
                        # Armed once a slot is ours: waiting for one is not part of the attempt.
                        scope = anyio.CancelScope()
                        timer = arm_deadline(scope, deadline)
                        try:
                            with scope:
                                response = await call(self._generated)
                                http_response = response.http_response
                        finally:
                            if timer is not None:
                                timer.cancel()
                    if scope.cancelled_caught:
                        raise httpx.ReadTimeout(
                            f"no complete answer within {deadline:g} s", request=context.request
                        )
                except UnparsableResponse as exc:
                    http_response = exc.response
                    if http_response.status_code < 400:
                        _log(http_response, started, attempt)
                        raise _validation_error(exc) from exc
                except (AttributeError, TypeError, ValueError, KeyError) as exc:
                    if context.request is not None:
                        raise
                    # Nothing was sent: the model could not be serialized (a str where an enum
                    # belongs, say). Report it as the caller's mistake rather than a crash.
                    raise unserializable(body, exc) from exc
                except httpx.TransportError as exc:
                    retry = should_retry(
                        attempt=attempt,
                        max_retries=self._max_retries,
                        method=method,
                        idempotent=idempotent,
                        error=exc,
                    )
                    delay = retry_delay(attempt) if retry else None
                    request = RequestInfo.of(context.request) if context.request else RequestInfo(method, "?")
                    log_attempt(
                        method=method,
                        path=_path(context.request),
                        status=type(exc).__name__,
                        duration=time.perf_counter() - started,
                        attempt=attempt + 1,
                        request_id=None,
                        retry_in=delay,
                    )
                    if delay is None:
                        raise _connection_error(exc, request) from _without_frames(exc)
                    await sleep(delay)
                    attempt += 1
                    continue

                status = http_response.status_code
                if self._pacer is not None:
                    self._pacer.observe(status)
                if status < 400 and response is not None:
                    _log(http_response, started, attempt)
                    sink = raw_sink.get()
                    if sink is not None:
                        sink.response, sink.attempts = http_response, attempt + 1
                    return response
                retry = should_retry(
                    attempt=attempt,
                    max_retries=self._max_retries,
                    method=method,
                    idempotent=idempotent,
                    status_code=status,
                    busy=status == 409 and is_busy_response(http_response),
                )
                delay = retry_delay(attempt, http_response.headers.get("retry-after")) if retry else None
                _log(http_response, started, attempt, delay)
                if delay is None:
                    raise status_error(http_response)
                await sleep(delay)
                attempt += 1
        finally:
            current_call.reset(token)


def _path(request: httpx.Request | None) -> str:
    return request.url.path if request is not None else "?"


def _log(response: httpx.Response, started: float, attempt: int, retry_in: float | None = None) -> None:
    # Checked here too: the arguments below would build the request a fast send never needed.
    if not logger.isEnabledFor(logging.DEBUG):
        return
    log_attempt(
        method=response.request.method,
        path=response.request.url.path,
        status=response.status_code,
        duration=time.perf_counter() - started,
        attempt=attempt + 1,
        request_id=response.headers.get("x-request-id"),
        retry_in=retry_in,
    )


def _without_frames(exc: BaseException) -> BaseException:
    """``exc`` and the errors chained to it, stripped of their tracebacks.

    The transport's frames hold the request headers in their locals (aiohttp keeps a plain
    ``headers`` mapping), and error trackers that record frame locals would store the API key.
    Types and messages stay, which is what diagnosing a connection error needs.
    """
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        error.__traceback__ = None
        pending.extend(e for e in (error.__cause__, error.__context__) if e is not None)
    return exc


def _connection_error(exc: httpx.TransportError, request: RequestInfo) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__
    if is_timeout(exc):
        return APITimeoutError(f"Request timed out: {detail}", request=request)
    return APIConnectionError(f"Connection error: {type(exc).__name__}: {detail}", request=request)


def _validation_error(exc: UnparsableResponse) -> APIResponseValidationError:
    response = exc.response
    request = RequestInfo.of(response.request)
    return APIResponseValidationError(
        f"{response.status_code} answer does not match the spec: {exc.cause!r} ({request})",
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        request=request,
        cause=exc.cause,
    )


def unexpected_answer(response: Response[Any], expected: str) -> APIResponseValidationError:
    """A success status the spec does not document for this operation (say a 204 where a body is due)."""
    http_response = response.http_response
    request = RequestInfo.of(http_response.request)
    cause = ValueError(f"expected {expected}, got status {response.status_code}")
    return APIResponseValidationError(
        f"{response.status_code} answer does not match the spec: {cause} ({request})",
        status_code=response.status_code,
        content=response.content,
        headers=http_response.headers,
        request=request,
        cause=cause,
    )
