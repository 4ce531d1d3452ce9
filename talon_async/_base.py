"""The request pipeline under every ``TalonClient`` method: configuration and ``_send``.

``_send`` takes an operation's description (``Operation``, built by the generated ``describe``)
and runs, in this order: pre-send checks, locks and limits, auth, the per-attempt deadline, the
transport call, parsing, error mapping, retries and raw-response capture. docs/facade.md draws it.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.util
import ipaddress
import json
import logging
import math
import os
import platform
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, Self, TypeVar

import anyio
import anyio.to_thread
import httpx
import sniffio

from ._auth import ApiKey, scrub
from ._body_errors import unencodable, unserializable
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    DryRunUnsupportedError,
    InvalidRequestError,
    RequestInfo,
    ResponseTooLargeError,
    is_busy_response,
    status_error,
)
from ._generated.types import Operation
from ._json import decode_json, encode_json
from ._keyed_locks import ConcurrencyLimit, KeyedLocks
from ._logging import log_attempt, logger
from ._pacing import RateLimit
from ._raw_response import RawCapture, RawResponse
from ._retry import is_timeout, retry_delay, should_retry, sleep
from ._transports import (
    DEFAULT_MAX_ANSWER_BYTES,
    MAX_URL_LENGTH,
    Answer,
    PreparedRequest,
    RequestHeaders,
    Timeouts,
    Transport,
    UnreadableAnswer,
    cancel_after,
    environment_proxy,
)
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "BaseClient",
    "TimeoutTypes",
    "describe",
]

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_CONCURRENCY = 64
DEFAULT_MAX_RESPONSE_SIZE = DEFAULT_MAX_ANSWER_BYTES

TimeoutTypes = float | httpx.Timeout | None
"""Seconds, or an ``httpx.Timeout`` for connect/read/write/pool separately; ``None``: the default."""

USER_AGENT = (
    f"talon-async/{__version__} python/{platform.python_version_tuple()[0]}."
    f"{platform.python_version_tuple()[1]} httpx/{httpx.__version__}"
)
# Every transport decodes these two (``_transports.decoded``); nothing else is asked for.
ACCEPT_ENCODING = "gzip, deflate"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _timeout_dict(timeout: float | httpx.Timeout) -> Timeouts:
    return (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)).as_dict()


def attempt_deadline(timeouts: Timeouts) -> float | None:
    """Seconds one attempt may take in all: the largest phase timeout (a float timeout itself).

    Transports time each read separately, so a server dripping a byte at a time could hold a call
    forever; this bounds the whole attempt. With no read timeout there is no bound either.
    """
    if timeouts["read"] is None:
        return None
    return max(value for value in timeouts.values() if value is not None)  # type: ignore[no-any-return]


def _check_header(name: str, value: str) -> None:
    if any(c in name for c in "\r\n:") or "\r" in value or "\n" in value:
        raise InvalidRequestError(f"headers: {name!r} holds a line break, which would split the request")


def describe(build: Callable[P, Operation[T]], /, *args: P.args, **kwargs: P.kwargs) -> Operation[T]:
    """``build(*args, **kwargs)`` (a generated ``describe``), its failures reported as the caller's mistake.

    Building the description serializes the body, so a model holding a plain string where an
    enum belongs, or a naive datetime, fails here, before anything is sent.
    """
    try:
        return build(*args, **kwargs)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        body = kwargs.get("body")
        if body is not None:
            raise unserializable(body, exc) from exc
        raise InvalidRequestError(str(exc)) from exc


class _Wire:
    """Strictly private. The transport, shared by a client and its ``dry_run()`` views.

    The default one is picked at the first request: only then is the async library known.
    """

    __slots__ = ("max_answer_bytes", "max_connections", "prebuild", "proxy", "transport")

    def __init__(
        self, transport: Transport | None, *, max_connections: int, proxy: str | None, max_answer_bytes: int
    ) -> None:
        self.transport = transport
        self.max_connections = max_connections
        self.proxy = proxy
        self.max_answer_bytes = max_answer_bytes
        self.prebuild = _start_prebuild() if transport is None else None

    async def resolve(self) -> Transport:
        transport = self.transport
        if transport is None:
            prebuild = self.prebuild
            if prebuild is not None and prebuild.is_alive():
                # Every concurrent first request waits here, off the loop: importing the module
                # on the loop's thread meanwhile would block it on the import lock.
                await anyio.to_thread.run_sync(prebuild.join)
            self.prebuild = None
            transport = self.transport
            if transport is None:
                transport = self.transport = pick_transport(
                    self.max_connections, self.proxy, self.max_answer_bytes
                )
        return transport


_AIOHTTP_TRANSPORT = f"{__package__}._transports._aiohttp"


class _Prebuild(threading.Thread):
    """Strictly private. Imports the aiohttp transport (and so aiohttp) away from the event loop.

    Importing aiohttp takes 0.15-0.4 s of CPU, and the import loads the system's CA certificates
    into its default SSL context. Done by the first request, either would stall every other task
    on the event loop for that long.
    """

    def __init__(self) -> None:
        super().__init__(name="talon-async-transport", daemon=True)

    def run(self) -> None:
        # A broken install is pick_transport's to handle: it falls back to httpcore, as without the extra.
        with contextlib.suppress(ImportError):
            importlib.import_module(_AIOHTTP_TRANSPORT)


def _start_prebuild() -> _Prebuild | None:
    """Start importing the aiohttp transport, unless it is loaded, absent, or this runs under trio."""
    if _AIOHTTP_TRANSPORT in sys.modules or importlib.util.find_spec("aiohttp") is None:
        return None
    try:
        if sniffio.current_async_library() != "asyncio":
            return None
    except sniffio.AsyncLibraryNotFoundError:
        pass  # built before any loop runs: most such clients end up on asyncio
    thread = _Prebuild()
    thread.start()
    return thread


def pick_transport(
    max_connections: int, proxy: str | None, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
) -> Transport:
    """The one place the default transport is chosen (the benchmarks measure this choice).

    Under asyncio, aiohttp costs far less CPU per request than httpcore, so it is used when
    installed (``pip install "talon-async[aiohttp]"``). Trio always gets httpcore.
    """
    if sniffio.current_async_library() == "asyncio":
        try:
            from ._transports._aiohttp import AiohttpTransport
        except ImportError:
            pass
        else:
            return AiohttpTransport(
                max_connections=max_connections, proxy=proxy, max_answer_bytes=max_answer_bytes
            )
    from ._transports._httpcore import HttpcoreTransport

    return HttpcoreTransport(max_connections=max_connections, proxy=proxy, max_answer_bytes=max_answer_bytes)


class BaseClient:
    """Strictly private. Configuration and the request pipeline that ``TalonClient`` builds on."""

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
        trust_env: bool = False,
        strict_responses: bool = False,
        rate_limit: float | RateLimit | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        total_timeout: float | None = None,
    ) -> None:
        # Wrapped before anything can raise: no frame of a constructor error holds the key.
        key = ApiKey.given(api_key)
        del api_key
        base_url = base_url if base_url is not None else os.environ.get("TALON_BASE_URL", "")
        if not base_url.strip():
            raise InvalidRequestError(
                "No Talon.One base URL: pass base_url=... or set the TALON_BASE_URL environment variable"
            )
        problem = key.problem()
        if problem is not None:
            raise InvalidRequestError(problem)
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
        if (
            isinstance(max_response_size, bool)
            or not isinstance(max_response_size, int)
            or max_response_size < 1
        ):
            raise InvalidRequestError(
                f"max_response_size: {max_response_size!r} is not a positive number of bytes"
            )
        _check_total_timeout(total_timeout)

        self._base_url = url
        self._prefix = str(url).rstrip("/")
        self._timeout = _timeout_dict(timeout)
        self._deadline = attempt_deadline(self._timeout)
        self._max_retries = max_retries
        self._max_concurrency = max_concurrency
        self._dry = False
        self._raw: RawCapture | None = None
        self._headers = _base_headers(url, key, headers or {})
        self._merged_headers: dict[tuple[tuple[str, str], ...], RequestHeaders] = {}
        self._total_timeout = total_timeout
        self._wire = _wire(
            http_client,
            transport,
            max_concurrency,
            environment_proxy(url) if trust_env else None,
            max_response_size,
        )
        # A caller's http_client stays open, and a dry_run() view closes nothing.
        self._closes_wire = http_client is None
        # A free slot or lock is taken without a trip through the event loop (see _keyed_locks);
        # the HTTP call itself is the checkpoint.
        self._limiter = ConcurrencyLimit(max_concurrency)
        self._locks = KeyedLocks()
        # Tolerant by default: a null, an enum value or a key the spec does not know must not fail a
        # call in production; strict_responses=True (the default of talon_async.testing) refuses them.
        self._strict = strict_responses
        # Shared by every request of this client (and its dry_run() views), so all batches pace together.
        self._pacer = RateLimit(rate_limit) if isinstance(rate_limit, int | float) else rate_limit

    def __repr__(self) -> str:
        dry = ", dry_run=True" if self._dry else ""
        return (
            f"{type(self).__name__}(base_url={self._prefix!r}, "
            f"max_retries={self._max_retries}, max_concurrency={self._max_concurrency}{dry})"
        )

    @property
    def base_url(self) -> str:
        return self._prefix

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def max_response_size(self) -> int:
        """The most bytes an answer's body may take once decompressed (``ResponseTooLargeError`` beyond)."""
        return self._wire.max_answer_bytes

    @property
    def total_timeout(self) -> float | None:
        """Seconds a whole call may take, retries and their waits included (``None``: no such bound)."""
        return self._total_timeout

    @property
    def strict_responses(self) -> bool:
        """Whether answers are decoded strictly (see docs/compatibility.md)."""
        return self._strict

    @property
    def is_dry_run(self) -> bool:
        return self._dry

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections (a caller-supplied ``http_client`` is left to its owner)."""
        wire = self._wire
        if self._closes_wire and wire.transport is not None:
            await wire.transport.aclose()

    def dry_run(self) -> Self:
        """A view of this client on which every dry-capable operation is sent with ``dry=true``.

        Operations with no dry mode raise ``DryRunUnsupportedError`` instead of changing data;
        reads pass through. The view shares this client's connections, locks and limits, and
        closing it closes nothing.
        """
        view = copy.copy(self)
        view._dry = True
        view._closes_wire = False
        return view

    async def with_raw_response(
        self, method: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Call one operation method and return its final HTTP answer along with the parsed result.

        ``raw = await talon.with_raw_response(talon.get_customer_session, "s1")`` gives
        ``raw.status_code``, ``raw.headers``, ``raw.content``, ``raw.attempts`` and ``raw.parsed``.
        Error statuses still raise. It wraps exactly one request: a ``batch_*`` method is refused
        before it reads any input (each ``ChunkResult.response`` holds that chunk's answer), and
        a method that tries a second request gets ``TypeError`` before that request is sent.
        """
        owner, function = getattr(method, "__self__", None), getattr(method, "__func__", None)
        if not isinstance(owner, BaseClient) or function is None:
            raise TypeError(
                f"{method!r} sent no request through a client; pass a TalonClient operation method"
            )
        if function.__name__.startswith("batch_"):
            raise TypeError(
                "with_raw_response cannot wrap a batch: it sends many requests; "
                "read each chunk's answer from BatchResult.chunks[i].response"
            )
        # The method runs on a view of its client that records the answer: explicit, per call,
        # and invisible to every other call running on the client meanwhile.
        view = copy.copy(owner)
        capture = view._raw = RawCapture()
        parsed = await function(view, *args, **kwargs)
        if capture.answer is None:
            raise TypeError(f"{method!r} sent no request; pass a TalonClient operation method")
        return RawResponse(
            status_code=capture.answer.status,
            headers=capture.answer.headers,
            content=capture.answer.content,
            parsed=parsed,
            attempts=capture.attempts,
        )

    def _no_dry(self, operation: str) -> None:
        """Refuse, on a dry-run view, an operation that would change data for real."""
        if self._dry:
            raise DryRunUnsupportedError(
                f"{operation} has no dry mode in Talon.One, so it was not sent from a dry_run() view"
            )

    # --- the pipeline ----------------------------------------------------------------------------

    async def _send(
        self,
        operation: Operation[T],
        *,
        timeout: TimeoutTypes,
        total_timeout: float | None = None,
        lock: tuple[str, str] | None = None,
        idempotent: bool | None = None,
        require_body: bool = True,
    ) -> T:
        """Send one described operation and return what its success status parses to.

        ``idempotent`` overrides the spec's ``x-idempotent`` when the arguments decide it (a
        session update that closes the session is not); ``require_body=False`` accepts a 204
        where the operation also documents a body (``silent`` mode).
        """
        begun = time.perf_counter()
        # 1. Pre-send checks: nothing below runs for a request that must not go out.
        if self._dry and not operation.dry_capable and operation.method != "GET":
            self._no_dry(operation.name)
        capture = self._raw
        if capture is not None:
            capture.claim()
        request = self._prepare(operation)
        if timeout is None:
            timeouts, deadline = self._timeout, self._deadline
        else:
            timeouts = _timeout_dict(timeout)
            deadline = attempt_deadline(timeouts)
        safe = operation.idempotent if idempotent is None else idempotent
        if total_timeout is None:
            total_timeout = self._total_timeout
        else:
            _check_total_timeout(total_timeout)
        call = _Call(begun, None if total_timeout is None else begun + total_timeout)
        if total_timeout is not None:
            return await self._within_total(
                total_timeout, call, operation, request, timeouts, deadline, safe, require_body, lock
            )
        # 2. Locks: calls updating one session or profile wait for each other.
        if lock is None:
            return await self._attempts(operation, request, timeouts, deadline, safe, require_body, call)
        async with self._locks.hold(lock):
            return await self._attempts(operation, request, timeouts, deadline, safe, require_body, call)

    async def _within_total(
        self,
        total_timeout: float,
        call: _Call,
        operation: Operation[T],
        request: PreparedRequest,
        timeouts: Timeouts,
        deadline: float | None,
        idempotent: bool,
        require_body: bool,
        lock: tuple[str, str] | None,
    ) -> T:
        """``_attempts`` (and the lock's wait) cut off ``total_timeout`` seconds after the call began."""
        with cancel_after(max(0.0, call.begun + total_timeout - time.perf_counter())):
            if lock is None:
                return await self._attempts(
                    operation, request, timeouts, deadline, idempotent, require_body, call
                )
            async with self._locks.hold(lock):
                return await self._attempts(
                    operation, request, timeouts, deadline, idempotent, require_body, call
                )
        within = f"no complete answer within total_timeout={total_timeout:g} s"
        raise APITimeoutError(
            f"Request timed out: {within}; {call.summary()}", request=RequestInfo(request.method, request.url)
        )

    def _prepare(self, operation: Operation[Any]) -> PreparedRequest:
        """3. Auth and the complete request: URL, every header in wire order, body bytes."""
        url = self._prefix + operation.target
        if len(url) > MAX_URL_LENGTH:
            raise InvalidRequestError(
                f"{operation.name}: the URL would be {len(url)} characters, over the limit of "
                f"{MAX_URL_LENGTH}; a path or query value is far too long"
            )
        headers: RequestHeaders = self._headers
        if operation.headers:
            # An operation's own headers are nearly always the same few (its Content-Type), so the
            # merged list is kept per set of them; a request only ever copies it.
            key = tuple(operation.headers.items())
            merged = self._merged_headers.get(key)
            if merged is None:
                merged = _merged(headers, operation.headers)
                if len(self._merged_headers) < 64:
                    self._merged_headers[key] = merged
            headers = merged
        body: bytes | None = None
        if operation.json is not None:
            try:
                body = encode_json(operation.json)
            except (ValueError, TypeError, RecursionError) as exc:
                raise unencodable(operation.json, exc) from exc
        if body is not None:
            headers = [*headers, ("Content-Length", str(len(body)))]
        elif operation.method != "GET":
            # Every transport states an empty body the same way (aiohttp always would).
            headers = [*headers, ("Content-Length", "0")]
        return PreparedRequest(operation.method, url, headers, body)

    async def _attempts(
        self,
        operation: Operation[T],
        request: PreparedRequest,
        timeouts: Timeouts,
        deadline: float | None,
        idempotent: bool,
        require_body: bool,
        call: _Call,
    ) -> T:
        transport = self._wire.transport or await self._wire.resolve()
        pacer = self._pacer
        # An error the caller is already handling is theirs: scrubbing leaves its frames alone.
        handling = sys.exception()
        attempt = 0
        while True:
            if pacer is not None:
                # Paced before the slot is taken: a request waiting for its turn holds no slot.
                await pacer.acquire()
            started = time.perf_counter()
            call.attempts = attempt + 1
            try:
                # 4. Limits: a slot among max_concurrency; the attempt's deadline starts once the
                # slot is ours (waiting for one is not part of the attempt).
                async with self._limiter:
                    # 5. The transport call, within the attempt's deadline. Whatever leaves it (a
                    # cancellation too) passed through the HTTP library's frames, which held the
                    # headers: scrubbed.
                    try:
                        answer = await transport.send(request, timeouts, deadline)
                    except BaseException as exc:
                        scrub(exc, handling)
                        raise
            except httpx.TransportError as exc:
                # 7 and 8. Error mapping and retries, for failures without an answer.
                retry = should_retry(
                    attempt=attempt,
                    max_retries=self._max_retries,
                    method=request.method,
                    idempotent=idempotent,
                    error=exc,
                )
                delay = call.fitting(retry_delay(attempt)) if retry else None
                log_attempt(
                    method=request.method,
                    path=operation.path,
                    status=type(exc).__name__,
                    duration=time.perf_counter() - started,
                    attempt=attempt + 1,
                    request_id=None,
                    retry_in=delay,
                )
                if delay is None:
                    raise _connection_error(
                        exc, RequestInfo(request.method, request.url), call
                    ) from _without_frames(exc)
                await sleep(delay)
                attempt += 1
                continue
            except UnreadableAnswer as exc:
                # An answer that cannot be read is the server's fault, and asking again would repeat it.
                raise _unreadable(exc, request) from None

            status = answer.status
            if pacer is not None:
                pacer.observe(status)
            if status < 400:
                # 6. Parse; 9. capture the raw answer for with_raw_response.
                if len(answer.content) <= _PARSE_INLINE_BYTES:
                    result = _parse(operation, answer, request, require_body, self._strict)
                else:
                    result = await self._parse_within(
                        deadline, started, operation, answer, request, require_body, call
                    )
                _log(request, operation, answer, started, attempt)
                capture = self._raw
                if capture is not None:
                    capture.answer, capture.attempts = answer, attempt + 1
                return result
            retry = should_retry(
                attempt=attempt,
                max_retries=self._max_retries,
                method=request.method,
                idempotent=idempotent,
                status_code=status,
                busy=status == 409 and is_busy_response(answer.content),
            )
            delay = call.fitting(retry_delay(attempt, answer.header(b"retry-after"))) if retry else None
            _log(request, operation, answer, started, attempt, delay)
            if delay is None:
                raise _status_error(answer, request)
            await sleep(delay)
            attempt += 1

    async def _parse_within(
        self,
        deadline: float | None,
        started: float,
        operation: Operation[T],
        answer: Answer,
        request: PreparedRequest,
        require_body: bool,
        call: _Call,
    ) -> T:
        """``_parse`` in a worker thread, so the attempt's deadline (and the call's) covers it too.

        Parsing is CPU work that no deadline can interrupt on the event loop; a body of several
        megabytes can take seconds to build into models. In a thread the wait can be cut: the
        call ends with ``APITimeoutError`` on time, and the abandoned parse finishes in the
        background, its size bounded by ``max_response_size``.
        """
        left = None if deadline is None else max(0.0, deadline - (time.perf_counter() - started))
        with cancel_after(left):
            return await anyio.to_thread.run_sync(
                _parse, operation, answer, request, require_body, self._strict, abandon_on_cancel=True
            )
        late = httpx.ReadTimeout(f"answer not read and parsed within {deadline:g} s per attempt")
        raise _connection_error(late, RequestInfo(request.method, request.url), call)


class _Call:
    """Strictly private. When a call began, its total deadline, and how many attempts it has made."""

    __slots__ = ("attempts", "begun", "end")

    def __init__(self, begun: float, end: float | None) -> None:
        self.begun = begun
        self.end = end
        self.attempts = 0

    def fitting(self, delay: float) -> float | None:
        """``delay``, or ``None`` when the next attempt would start after the total deadline."""
        end = self.end
        if end is not None and time.perf_counter() + delay >= end:
            return None
        return delay

    def summary(self) -> str:
        attempts = self.attempts
        elapsed = time.perf_counter() - self.begun
        return f"{attempts} attempt{'' if attempts == 1 else 's'}, {elapsed:.2f} s in all"


def _check_total_timeout(total_timeout: float | None) -> None:
    if total_timeout is None:
        return
    if (
        isinstance(total_timeout, bool)
        or not isinstance(total_timeout, int | float)
        or not math.isfinite(total_timeout)
        or total_timeout <= 0
    ):
        raise InvalidRequestError(f"total_timeout: {total_timeout!r} is not a positive number of seconds")


def _base_headers(url: httpx.URL, key: ApiKey, extra: Mapping[str, str]) -> RequestHeaders:
    """Every header a request carries before its own, in the order they go on the wire."""
    host = url.netloc.decode("ascii")
    headers: RequestHeaders = [
        ("Host", host),
        ("Accept", "*/*"),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Connection", "keep-alive"),
        ("User-Agent", USER_AGENT),
    ]
    for name, value in extra.items():
        _check_header(name, value)
        if name.lower() in ("host", "content-length", "authorization"):
            raise InvalidRequestError(f"headers: {name} is set by the client and cannot be overridden")
    return [*_merged(headers, extra), ("Authorization", key)]


def _merged(headers: RequestHeaders, extra: Mapping[str, str]) -> RequestHeaders:
    """``headers`` with ``extra`` on top; a name already present (case-blind) is replaced in place."""
    out: RequestHeaders = list(headers)
    for name, value in extra.items():
        lower = name.lower()
        for index, (present, _) in enumerate(out):
            if present.lower() == lower:
                out[index] = (present, value)
                break
        else:
            out.append((name, value))
    return out


def _wire(
    http_client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
    max_connections: int,
    proxy: str | None,
    max_answer_bytes: int,
) -> _Wire:
    chosen: Transport | None = None
    if http_client is not None:
        from ._transports._httpx import CallerClientTransport

        chosen = CallerClientTransport(http_client, max_answer_bytes)
    elif transport is not None:
        from ._transports._httpx import HttpxTransport

        chosen = HttpxTransport(transport, max_answer_bytes)
    return _Wire(chosen, max_connections=max_connections, proxy=proxy, max_answer_bytes=max_answer_bytes)


def _parse(
    operation: Operation[T], answer: Answer, request: PreparedRequest, require_body: bool, strict: bool
) -> T:
    """The success answer as the operation's model; an undocumented one is a validation error."""
    status = answer.status
    parsers = operation.parsers
    if status in parsers and 200 <= status < 300:
        parser = parsers[status]
        if parser is None:
            if require_body and any(p is not None for s, p in parsers.items() if 200 <= s < 300):
                raise _unexpected(answer, request, "a body", status)
            return None  # type: ignore[return-value]
        try:
            parsed: T = parser(decode_json(answer.content), strict)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise _validation_error(answer, request, exc) from exc
        except RecursionError:
            # Both parsers, and from_dict, recurse once per level: a few KB of "[" exhaust them.
            raise _validation_error(answer, request, ValueError(_TOO_DEEP)) from None
        return parsed
    if all(parsers[s] is None for s in parsers if 200 <= s < 300) and 200 <= status < 300:
        # An operation that answers with no body: any success will do, there is nothing to read.
        return None  # type: ignore[return-value]
    documented = ", ".join(str(s) for s in parsers if 200 <= s < 300)
    raise _unexpected(answer, request, f"status {documented}", status)


def _log(
    request: PreparedRequest,
    operation: Operation[Any],
    answer: Answer,
    started: float,
    attempt: int,
    retry_in: float | None = None,
) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    log_attempt(
        method=request.method,
        path=operation.path,
        status=answer.status,
        duration=time.perf_counter() - started,
        attempt=attempt + 1,
        request_id=answer.header(b"x-request-id"),
        retry_in=retry_in,
    )


def _without_frames(exc: BaseException) -> BaseException:
    """``exc`` and the errors chained to it, stripped of their tracebacks.

    The transport's frames hold the request headers in their locals, and error trackers that
    record frame locals would store the API key. Types and messages stay, which is what
    diagnosing a connection error needs.
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


def _connection_error(exc: httpx.TransportError, request: RequestInfo, call: _Call) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__
    if is_timeout(exc):
        return APITimeoutError(f"Request timed out: {detail}; {call.summary()}", request=request)
    return APIConnectionError(f"Connection error: {type(exc).__name__}: {detail}", request=request)


def _status_error(answer: Answer, request: PreparedRequest) -> APIResponseValidationError | APIStatusError:
    """The typed error for an error status; an error body whose JSON nests too deeply is unreadable."""
    error = status_error(
        answer.status, answer.reason, answer.content, answer.headers, RequestInfo(request.method, request.url)
    )
    if isinstance(error.body, str) and _nests_too_deeply(answer.content):
        return _validation_error(answer, request, ValueError(_TOO_DEEP))
    return error


_TOO_DEEP = "the answer's JSON nests too deeply to parse"

_PARSE_INLINE_BYTES = 1 << 20
"""Answers up to this size are parsed on the event loop (about 10 ms at most); larger ones in a thread."""


def _nests_too_deeply(content: bytes) -> bool:
    try:
        json.loads(content)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


def _unreadable(exc: UnreadableAnswer, request: PreparedRequest) -> APIResponseValidationError:
    """The error for an answer whose body is over the size cap, or broken in its encoding."""
    info = RequestInfo(request.method, request.url)
    headers = httpx.Headers(list(exc.raw_headers))
    cls = ResponseTooLargeError if exc.too_large else APIResponseValidationError
    return cls(
        f"{exc.status} answer could not be read: {exc.problem} ({info})",
        status_code=exc.status,
        content=b"",
        headers=headers,
        request=info,
        cause=ValueError(exc.problem),
    )


def _validation_error(
    answer: Answer, request: PreparedRequest, cause: Exception
) -> APIResponseValidationError:
    info = RequestInfo(request.method, request.url)
    return APIResponseValidationError(
        f"{answer.status} answer does not match the spec: {cause!r} ({info})",
        status_code=answer.status,
        content=answer.content,
        headers=answer.headers,
        request=info,
        cause=cause,
    )


def _unexpected(
    answer: Answer, request: PreparedRequest, expected: str, status: int
) -> APIResponseValidationError:
    """A success status the spec does not document for this operation (say a 204 where a body is due)."""
    return _validation_error(answer, request, ValueError(f"expected {expected}, got status {status}"))
