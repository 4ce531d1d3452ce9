"""Both transports (aiohttp, httpcore) put the same bytes on the wire and fail the same way.

Every case below runs once per transport against loopback servers, each transport under the event
loop it serves (aiohttp under asyncio, httpcore under trio), and compares what the two did:
request bytes, exception class and message, how often a request arrived.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import anyio
import anyio.abc
import httpcore
import httpx
import pytest

import talon_async
from talon_async import TalonClient
from talon_async._transports import connection_failure
from talon_async._transports._aiohttp import AiohttpTransport
from talon_async._transports._httpcore import HttpcoreTransport
from tests.facade.conftest import API_KEY
from tests.facade.test_operations import CASES, OPERATIONS, body_of
from tests.support.documents import DocumentFactory
from tests.support.spec import load_spec

pytestmark = pytest.mark.anyio

KINDS = ["aiohttp", "httpcore"]
BACKEND = {"aiohttp": "asyncio", "httpcore": "trio"}
"""The loop each transport serves: aiohttp exists only under asyncio, httpcore is trio's only path."""
# For tests of the trio backend itself: ``kind=httpcore`` is what makes ``anyio_backend`` pick trio.
UNDER_TRIO = pytest.mark.parametrize("kind", ["httpcore"])

T = TypeVar("T")


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """A test parametrized by ``kind`` runs under that transport's loop; any other under asyncio."""
    callspec = getattr(request.node, "callspec", None)
    kind = callspec.params.get("kind") if callspec is not None else None
    return BACKEND.get(str(kind), "asyncio")


def on_each_transport(run: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """``run(kind)`` once per transport, each in a fresh event loop of the backend it serves."""
    return {kind: anyio.run(run, kind, backend=BACKEND[kind]) for kind in KINDS}


def client(kind: str, url: str, **kwargs: Any) -> TalonClient:
    """A TalonClient for ``url`` whose transport is ``kind``, whatever the default would be."""
    talon = TalonClient(url, API_KEY, **kwargs)
    wire = talon._wire
    make = AiohttpTransport if kind == "aiohttp" else HttpcoreTransport
    wire.transport = make(max_connections=wire.max_connections, proxy=wire.proxy)
    return talon


class Loopback:
    """A raw TCP server on 127.0.0.1 that records each request's bytes and answers with ``answer``."""

    def __init__(self, answer: bytes = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n") -> None:
        self.answer = answer
        self.requests: list[bytes] = []

    async def read_request(self, stream: anyio.abc.SocketStream) -> bytes | None:
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                data += await stream.receive()
            head, _, body = data.partition(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length: *(\d+)", head)
            length = int(match.group(1)) if match else 0
            while len(body) < length:
                body += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return None
        request = head + b"\r\n\r\n" + body
        self.requests.append(request)
        return request

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            if await self.read_request(stream) is not None:
                await stream.send(self.answer)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, self.handle)
            yield f"http://127.0.0.1:{port}"
            tg.cancel_scope.cancel()


class Fault(Loopback):
    """Reads each request, then misbehaves: ``hang_up``, ``reset``, ``truncate`` or ``stall``."""

    def __init__(self, fault: str) -> None:
        super().__init__()
        self.fault = fault

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            if await self.read_request(stream) is None:
                return
            if self.fault == "reset":
                sock = stream.extra(anyio.abc.SocketAttribute.raw_socket)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif self.fault == "truncate":
                await stream.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
            elif self.fault == "stall":
                await anyio.sleep(5)


async def call(talon: TalonClient, name: str, *, writes: bool = False) -> Any:
    """Call operation ``name`` with the arguments the operation tests use.

    ``writes``: pick the arguments under which the two operations whose safety depends on them
    are not safe to repeat (a session update that closes it, a profile update with the rule engine).
    """
    operation_id, args, needs_body, _, _ = CASES[name]
    kwargs: dict[str, Any] = {"body": body_of(operation_id)} if needs_body else {}
    if writes and name == "update_customer_session":
        kwargs["body"] = {"customerSession": {"state": "closed"}}
    if writes and name == "update_customer_profile":
        kwargs["run_rule_engine"] = True
    result = getattr(talon, name)(*args, **kwargs)
    return await result


async def outcome(action: Callable[[], Awaitable[Any]]) -> tuple[str, str]:
    """The exception class and message ``action`` ends with (host, port, elapsed time masked), or ``ok``."""
    try:
        await action()
    except talon_async.TalonError as error:
        message = re.sub(r" \([A-Z]+ https?://[^ ]+\)$", "", str(error))
        message = re.sub(r"\d+\.\d\d s in all", "T s in all", message)
        return type(error).__name__, re.sub(r"127\.0\.0\.1:\d+", "HOST", message)
    return "ok", ""


# --- bytes on the wire ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_operation_puts_the_same_bytes_on_the_wire(name: str) -> None:
    """Request line, every header (in order) and body are byte for byte the same on both transports."""

    async def run(kind: str) -> list[bytes]:
        server = Loopback()
        async with server.serving() as url, client(kind, url, max_retries=0) as talon:
            await outcome(lambda: call(talon, name))
        return [request.replace(url.removeprefix("http://").encode(), b"HOST") for request in server.requests]

    seen = on_each_transport(run)
    assert len(seen["aiohttp"]) == 1
    assert seen["aiohttp"] == seen["httpcore"]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("kind", ["httpcore"])
async def test_every_operation_sends_the_method_and_path_its_spec_declares(name: str, kind: str) -> None:
    """The request line carries the spec operation's method and a path matching its template."""
    operation = OPERATIONS[CASES[name][0]]
    server = Loopback()
    async with server.serving() as url, client(kind, url, max_retries=0) as talon:
        await outcome(lambda: call(talon, name))
    method, target, _ = server.requests[0].split(b"\r\n", 1)[0].decode().split(" ")
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(operation.path))
    assert method == operation.method.upper()
    assert re.fullmatch(pattern, target.split("?")[0]), (target, operation.path)


# --- faults --------------------------------------------------------------------------------------


def both(make: Callable[[str], Awaitable[tuple[str, str]]]) -> tuple[str, str]:
    """The one outcome ``make`` has on both transports (the test fails if they differ)."""
    results = on_each_transport(make)
    assert results["aiohttp"] == results["httpcore"], results
    return results["aiohttp"]


def test_refused_connection_reads_the_same() -> None:
    """A refused connection is APIConnectionError: ConnectError: connection refused on both."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def run(kind: str) -> tuple[str, str]:
        async with client(kind, f"http://127.0.0.1:{port}", max_retries=0) as talon:
            return await outcome(lambda: talon.get_customer_session("s1"))

    assert both(run) == ("APIConnectionError", "Connection error: ConnectError: connection refused")


def test_dns_failure_reads_the_same() -> None:
    """A host name that cannot resolve gives the same error on both, whatever the resolver says."""

    async def run(kind: str) -> tuple[str, str]:
        async with client(kind, "https://nonexistent.invalid", max_retries=0, timeout=5) as talon:
            return await outcome(lambda: talon.get_customer_session("s1"))

    assert both(run) == (
        "APIConnectionError",
        "Connection error: ConnectError: could not resolve the host name",
    )


class PlainText(Loopback):
    """Answers in plain text as soon as a client connects, as a plain HTTP server does to a TLS hello."""

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await stream.send(self.answer)


def test_tls_failure_reads_the_same() -> None:
    """A plain-text server answering a TLS client fails the handshake the same way on both."""
    server = PlainText(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")

    async def run(kind: str) -> tuple[str, str]:
        async with server.serving() as url:
            tls_url = url.replace("http://", "https://")
            async with client(kind, tls_url, max_retries=0) as talon:
                return await outcome(lambda: talon.get_customer_session("s1"))

    kind, message = both(run)
    assert kind == "APIConnectionError"
    assert message.startswith("Connection error: ConnectError: TLS handshake failed (SSL")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (
            "hang_up",
            (
                "APIConnectionError",
                "Connection error: ReadError: connection lost before the answer was complete",
            ),
        ),
        (
            "reset",
            (
                "APIConnectionError",
                "Connection error: ReadError: connection lost before the answer was complete",
            ),
        ),
        (
            "truncate",
            (
                "APIConnectionError",
                "Connection error: ReadError: connection lost before the answer was complete",
            ),
        ),
        (
            "stall",
            ("APITimeoutError", "Request timed out: timed out waiting for the answer; 1 attempt, T s in all"),
        ),
    ],
)
def test_faults_after_sending_read_the_same(fault: str, expected: tuple[str, str]) -> None:
    """Hang-up, reset, truncated body and read timeout each give one class and message on both."""

    async def run(kind: str) -> tuple[str, str]:
        server = Fault(fault)
        timeout = httpx.Timeout(2.0, read=0.3)
        async with server.serving() as url, client(kind, url, max_retries=0, timeout=timeout) as talon:
            return await outcome(lambda: talon.get_customer_session("s1"))

    assert both(run) == expected


@contextmanager
def unanswered_port() -> Iterator[int]:
    """A loopback port whose accept queue is full, so the kernel drops new SYNs and connecting hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            yield port
        finally:
            for filler in fillers:
                filler.close()


class Unread(Loopback):
    """Accepts and never reads, so a large request body fills the socket buffers and stops."""

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await anyio.sleep(5)


def test_connect_timeout_reads_the_same() -> None:
    """A connection the server never completes times out after ``connect`` seconds, the same on both."""

    async def run(kind: str) -> tuple[str, str]:
        timeout = httpx.Timeout(5.0, connect=0.2)
        with unanswered_port() as port:
            async with client(kind, f"http://127.0.0.1:{port}", max_retries=0, timeout=timeout) as talon:
                with anyio.fail_after(2):
                    return await outcome(lambda: talon.get_customer_session("s1"))

    assert both(run) == ("APITimeoutError", "Request timed out: timed out connecting; 1 attempt, T s in all")


def test_write_timeout_reads_as_a_timeout_on_both() -> None:
    """A body the server never reads ends in APITimeoutError within the attempt's deadline on both.

    httpcore under trio stops after ``write`` seconds; aiohttp has no write timeout, so the
    attempt deadline (the largest phase timeout) ends it: same class, same message shape.
    """
    body = {"type": "click", "profileId": "p1", "attributes": {"blob": "x" * 16_000_000}}

    async def run(kind: str) -> tuple[str, str]:
        server = Unread()
        timeout = httpx.Timeout(1.0, write=0.2)
        async with server.serving() as url, client(kind, url, max_retries=0, timeout=timeout) as talon:
            with anyio.fail_after(3):
                return await outcome(lambda: talon.track_event(body=body))

    for kind, (name, message) in on_each_transport(run).items():
        assert name == "APITimeoutError", kind
        assert re.fullmatch(
            r"Request timed out: (timed out sending the request|no complete answer within 1 s per attempt)"
            r"; 1 attempt, T s in all",
            message,
        ), (kind, message)


def test_pool_wait_reads_the_same() -> None:
    """With every connection busy, a second call waits for a slot and ends the same way on both."""

    async def run(kind: str) -> tuple[str, str]:
        server = Fault("stall")
        outcomes: list[tuple[str, str]] = []
        timeout = httpx.Timeout(0.3, pool=0.1)
        async with (
            server.serving() as url,
            client(kind, url, max_retries=0, max_concurrency=1, timeout=timeout) as talon,
        ):

            async def one() -> None:
                outcomes.append(await outcome(lambda: talon.get_customer_session("s1")))

            async with anyio.create_task_group() as group:
                group.start_soon(one)
                group.start_soon(one)
        assert outcomes[0] == outcomes[1]
        return outcomes[1]

    assert both(run)[0] == "APITimeoutError"


@pytest.mark.parametrize("name", sorted(n for n in CASES if OPERATIONS[CASES[n][0]].method != "get"))
@pytest.mark.parametrize("fault", ["hang_up", "reset", "truncate", "stall"])
def test_non_idempotent_operation_arrives_at_most_once_on_every_fault(name: str, fault: str) -> None:
    """A write the spec does not call idempotent reaches the server once, however the exchange fails."""

    async def run(kind: str) -> int:
        server = Fault(fault)
        timeout = httpx.Timeout(2.0, read=0.2)
        async with server.serving() as url, client(kind, url, max_retries=2, timeout=timeout) as talon:
            await outcome(lambda: call(talon, name, writes=True))
        return len(server.requests)

    idempotent = _spec_idempotent(CASES[name][0])
    expected = 1 if not idempotent or fault == "stall" else 3
    assert on_each_transport(run) == dict.fromkeys(KINDS, expected)


def _spec_idempotent(operation_id: str) -> bool:
    # Parsed once per session: a parse per case took more time than the faults themselves.
    spec = load_spec()
    for path in spec["paths"].values():
        for operation in path.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return bool(operation["x-idempotent"])
    raise AssertionError(operation_id)


class KeptAliveThenDropped(Loopback):
    """Answers the first request on a connection and keeps it open, then drops the next unanswered."""

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            if await self.read_request(stream) is None:
                return
            body = json.dumps(DocumentFactory().document("IntegrationStateV2")).encode()
            await stream.send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
                + body
            )
            await self.read_request(stream)


@pytest.mark.parametrize("kind", KINDS)
async def test_closing_put_on_a_reused_connection_is_never_resent_by_the_library(kind: str) -> None:
    """Regression: aiohttp resent a session-closing PUT after a kept-alive connection dropped."""
    server = KeptAliveThenDropped()
    closing = {"customerSession": {"state": "closed"}}
    async with server.serving() as url, client(kind, url, max_retries=2) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
        with pytest.raises(talon_async.APIConnectionError):
            await talon.update_customer_session("s1", body=closing)
    assert len(server.requests) == 2


def _answer_with_headers(headers: list[tuple[str, str]]) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers)
    body = json.dumps(DocumentFactory().document("IntegrationCustomerSessionResponse"))
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{lines}Content-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n{body}"
    ).encode()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(f"X-Header-{i}", "v") for i in range(200)], ("ok", "")),
        ([("X-Big", "v" * 9000)], ("ok", "")),
        (
            [(f"X-Header-{i}", "v" * 100) for i in range(300)],
            (
                "APIConnectionError",
                "Connection error: RemoteProtocolError: answer headers exceed 16384 bytes",
            ),
        ),
    ],
    ids=["200-headers", "one-9kb-header", "40kb-of-headers"],
)
def test_answer_header_limits_are_the_same(headers: list[tuple[str, str]], expected: tuple[str, str]) -> None:
    """200 headers and one 9 KB header pass on both; a header block over 16 KB fails on both."""

    async def run(kind: str) -> tuple[str, str]:
        server = Loopback(_answer_with_headers(headers))
        async with server.serving() as url, client(kind, url, max_retries=0) as talon:
            return await outcome(lambda: talon.get_customer_session("s1"))

    assert both(run) == expected


@pytest.mark.parametrize("kind", KINDS)
async def test_line_break_in_a_header_is_refused_before_sending(kind: str) -> None:
    """CR/LF in a custom header is InvalidRequestError, on either transport, before any connection."""
    with pytest.raises(talon_async.InvalidRequestError, match="line break"):
        client(kind, "http://127.0.0.1:9", headers={"X-Tenant": "a\r\nX-Evil: 1"})


def test_over_long_url_is_refused_the_same() -> None:
    """A 70,000-character id is refused before sending on both transports."""

    async def run(kind: str) -> tuple[str, str]:
        server = Loopback()
        async with server.serving() as url, client(kind, url, max_retries=0) as talon:
            result = await outcome(lambda: talon.get_customer_session("x" * 70_000))
        assert server.requests == []
        return result

    kind, message = both(run)
    assert kind == "InvalidRequestError"
    assert "over the limit of 65536" in message


@pytest.mark.parametrize("kind", KINDS)
async def test_gzip_answer_is_decoded(kind: str) -> None:
    """A gzip-encoded answer is decompressed before parsing, on either transport."""
    document = DocumentFactory().document("IntegrationCustomerSessionResponse")
    body = gzip.compress(json.dumps(document).encode())
    server = Loopback(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        + body
    )
    async with server.serving() as url, client(kind, url, max_retries=0) as talon:
        raw = await talon.with_raw_response(talon.get_customer_session, "s1")
    assert raw.parsed.to_dict() == document
    assert json.loads(raw.content) == document


@pytest.mark.parametrize("kind", KINDS)
async def test_status_error_names_its_request(kind: str) -> None:
    """A status error carries the method and full URL, and never the key."""
    server = Loopback(
        b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n"
        b'{"message": "gone"}'
    )
    async with server.serving() as url, client(kind, url, max_retries=0) as talon:
        with pytest.raises(talon_async.NotFoundError) as caught:
            await talon.get_customer_session("s 1", timeout=5)
    assert (caught.value.request.method, caught.value.request.url) == (
        "GET",
        f"{url}/v2/customer_sessions/s%201",
    )
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("head", [b"NOT HTTP AT ALL\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n"])
def test_malformed_answer_reads_the_same(head: bytes) -> None:
    """A garbled status line or length gives the same APIConnectionError on both transports."""

    async def run(kind: str) -> tuple[str, str]:
        server = Loopback(head + b"\r\n{}")
        async with server.serving() as url, client(kind, url, max_retries=0) as talon:
            return await outcome(lambda: talon.track_event(body={"type": "click", "profileId": "customer-1"}))

    assert both(run) == (
        "APIConnectionError",
        "Connection error: RemoteProtocolError: malformed answer",
    )


@pytest.mark.parametrize("kind", KINDS)
async def test_connection_error_frames_hold_no_key(kind: str) -> None:
    """Error trackers that record frame locals find no key in a connection error or its causes."""
    server = Fault("hang_up")
    async with server.serving() as url, client(kind, url, max_retries=0) as talon:
        with pytest.raises(talon_async.APIConnectionError) as caught:
            await talon.delete_customer_data("p1")
    assert caught.value.__cause__ is not None  # the transport's error is kept, without its frames
    text = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert API_KEY not in text
    assert "ApiKey-v1" not in text


# --- proxies -------------------------------------------------------------------------------------


class Counting(Loopback):
    """A loopback server that also counts connections, whatever arrives on them (a TLS hello too)."""

    def __init__(self, answer: bytes = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n") -> None:
        super().__init__(answer)
        self.connections = 0

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        self.connections += 1
        await super().handle(stream)


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize(
    ("trust_env", "no_proxy", "via_proxy"),
    [(False, "", False), (True, "", True), (True, "127.0.0.1", False)],
    ids=["env-ignored-by-default", "trust_env-honours-the-proxy", "NO_PROXY-exempts"],
)
def test_proxy_environment_is_honoured_only_on_request(
    scheme: str, trust_env: bool, no_proxy: str, via_proxy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP(S)_PROXY/NO_PROXY are ignored unless trust_env=True, then honoured the same on both transports."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)

    async def run(kind: str) -> tuple[list[bytes], int, tuple[str, str]]:
        target, proxy = Counting(), Counting()
        async with target.serving() as target_url, proxy.serving() as proxy_url:
            monkeypatch.setenv(f"{scheme.upper()}_PROXY", proxy_url)
            monkeypatch.setenv("NO_PROXY", no_proxy)
            url = target_url.replace("http://", f"{scheme}://")
            # A TLS hello sent straight to the plain target gets no answer: end that case quickly.
            async with client(kind, url, max_retries=0, trust_env=trust_env, timeout=0.5) as talon:
                result = await outcome(lambda: talon.delete_customer_data("p1"))
        port = target_url.rsplit(":", 1)[1].encode()
        lines = [request.split(b"\r\n", 1)[0].replace(port, b"PORT") for request in proxy.requests]
        return lines, target.connections, result

    results = on_each_transport(run)
    assert results["aiohttp"] == results["httpcore"], results
    lines, target_connections, _ = results["aiohttp"]
    if not via_proxy:
        assert (lines, target_connections) == ([], 1)
    elif scheme == "http":
        assert (lines, target_connections) == (
            [b"DELETE http://127.0.0.1:PORT/v1/customer_data/p1 HTTP/1.1"],
            0,
        )
    else:
        assert (lines, target_connections) == ([b"CONNECT 127.0.0.1:PORT HTTP/1.1"], 0)


# --- the caller's own client ---------------------------------------------------------------------


async def test_caller_client_is_never_changed_and_its_own_requests_carry_no_key() -> None:
    """Regression: passing http_client=shared made shared's later requests carry the Talon key."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    shared = httpx.AsyncClient(transport=httpx.MockTransport(handler), headers={"X-Mine": "1"})
    before = (shared.base_url, dict(shared.headers), shared.auth, shared.timeout)
    async with shared:
        async with TalonClient("https://acme.talon.one", API_KEY, http_client=shared) as talon:
            await talon.delete_customer_data("p1")
        await shared.get("https://acme.talon.one/v1/customer_data/p1")
        await shared.get("https://elsewhere.example/")
    assert (shared.base_url, dict(shared.headers), shared.auth, shared.timeout) == before
    assert seen[0].headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    assert "authorization" not in seen[1].headers
    assert "authorization" not in seen[2].headers


@pytest.mark.parametrize(
    "how", ["HttpxAiohttpClient", "AsyncClient-transport", "AsyncClient-mounts", "TalonClient-transport"]
)
async def test_client_or_transport_that_resends_on_its_own_is_refused(how: str) -> None:
    """Regression: aiohttp's hidden resend sent a closing PUT twice; every way to bring it in is refused."""
    from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient

    resending = AiohttpTransport()
    kwargs: dict[str, Any] = {}
    if how == "HttpxAiohttpClient":
        kwargs["http_client"] = HttpxAiohttpClient()
    elif how == "AsyncClient-transport":
        kwargs["http_client"] = httpx.AsyncClient(transport=resending)
    elif how == "AsyncClient-mounts":
        kwargs["http_client"] = httpx.AsyncClient(mounts={"https://acme.talon.one": resending})
    else:
        kwargs["transport"] = resending
    try:
        # Refused when the client is built, so not one request can go out through it.
        with pytest.raises(talon_async.InvalidRequestError, match="resend"):
            TalonClient("https://acme.talon.one", API_KEY, **kwargs)
    finally:
        if "http_client" in kwargs:
            await kwargs["http_client"].aclose()
        await resending.aclose()


# --- error classification ------------------------------------------------------------------------


def test_connection_failure_reads_the_cause_not_the_library() -> None:
    """The same OS or ssl error underneath gives the same class and message, wrapped however."""
    import ssl

    def wrapped(cause: BaseException) -> Exception:
        outer = RuntimeError("library wrapper")
        outer.__cause__ = cause
        return outer

    refused = connection_failure(wrapped(ConnectionRefusedError(111, "refused")), connecting=True)
    dns = connection_failure(wrapped(socket.gaierror(-2, "Name or service not known")), connecting=True)
    tls = connection_failure(wrapped(ssl.SSLError(1, "WRONG_VERSION_NUMBER")), connecting=True)
    reset = connection_failure(wrapped(ConnectionResetError(104, "reset")), connecting=False)
    grouped = connection_failure(ExceptionGroup("all attempts", [ConnectionRefusedError()]), connecting=True)
    assert (type(refused), str(refused)) == (httpx.ConnectError, "connection refused")
    assert (type(dns), str(dns)) == (httpx.ConnectError, "could not resolve the host name")
    assert (type(tls), str(tls)) == (httpx.ConnectError, "TLS handshake failed (SSLError)")
    assert (type(reset), str(reset)) == (httpx.ReadError, "connection lost before the answer was complete")
    assert str(grouped) == "connection refused"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v2/events?silent=yes",
        "https://acme.europe-west1.talon.one/v1/x/%2E%2E/y?a=b%20c",
        "https://host/prefix/v2/customer_sessions/s1",
        "http://[::1]:9000/v1/a",
        "https://user:secret@host/v1/a",
        "http://HOST:80/a",
    ],
)
def test_httpcore_urls_built_from_parts_equal_httpcores_own_parse(url: str) -> None:
    """The httpcore transport's URL from a cached origin is the URL httpcore parses from the whole string."""
    transport = HttpcoreTransport(max_connections=1, proxy=None)
    for _ in range(2):  # the first builds the cache, the second uses it
        assert transport._core_url(url) == httpcore.URL(url)


def test_a_phase_timeout_the_deadline_covers_is_left_to_the_deadline() -> None:
    """A read or write timeout as long as the attempt's deadline is not armed per read; shorter ones are."""
    equal = {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}
    shorter = {"connect": 10.0, "read": 2.0, "write": 10.0, "pool": 10.0}
    httpcore_transport = HttpcoreTransport(max_connections=1, proxy=None)
    assert httpcore_transport._phase_timeouts(equal, 10.0) == {**equal, "read": None, "write": None}
    assert httpcore_transport._phase_timeouts(shorter, 10.0) == {**shorter, "write": None}
    assert httpcore_transport._phase_timeouts(equal, None) == equal
    aiohttp_transport = AiohttpTransport(max_connections=1, proxy=None)
    assert aiohttp_transport._client_timeout(equal, 10.0).sock_read is None
    assert aiohttp_transport._client_timeout(shorter, 10.0).sock_read == 2.0
    assert aiohttp_transport._client_timeout(shorter, 10.0).total == 10.0


@UNDER_TRIO
async def test_an_exchange_over_tls_reads_and_writes_through_the_trio_backend(kind: str) -> None:
    """Under trio, httpcore's connections run on the SDK's own trio backend: TLS included, kept alive."""
    import ssl

    import trustme
    from anyio.streams.tls import TLSListener

    from talon_async._transports._httpcore import _CoalescingBackend
    from talon_async._transports._trio import TrioBackend

    assert isinstance(_CoalescingBackend()._inner, TrioBackend)  # chosen here, under trio
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    server = KeptAlive(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    tcp = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = tcp.extra(anyio.abc.SocketAttribute.local_port)
    listener = TLSListener(tcp, server_context)
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, server.handle)
        origin = httpcore.Origin(b"https", b"localhost", port)
        async with httpcore.AsyncHTTPConnection(
            origin, ssl_context=client_context, network_backend=_CoalescingBackend()
        ) as connection:
            for _ in range(2):
                response = await connection.request("GET", f"https://localhost:{port}/v1/x", content=b"")
                assert (response.status, response.content) == (200, b"{}")
            stream = response.extensions["network_stream"]
            assert stream.get_extra_info("ssl_object").version().startswith("TLS")
            assert stream.get_extra_info("server_addr")[1] == port
        tg.cancel_scope.cancel()
    assert (server.connections, len(server.requests)) == (1, 2)
    assert server.requests[1].startswith(b"GET /v1/x HTTP/1.1\r\nHost: localhost:")


@UNDER_TRIO
async def test_the_trio_backend_fails_as_httpcores_own_trio_backend(kind: str) -> None:
    """A read from a reset connection, a write to it, and a read and a write after closing raise what
    httpcore's own trio backend raises: the same exception types, messages and causes, all the way down."""
    from talon_async._transports._trio import TrioBackend

    def chain(exc: BaseException | None) -> list[tuple[str, str, str, bool]]:
        """Each error down the ``__cause__`` chain: type, message, its context's type, whether it shows."""
        links = []
        while exc is not None:
            context = type(exc.__context__).__name__
            links.append((type(exc).__name__, str(exc), context, exc.__suppress_context__))
            exc = exc.__cause__
        return links

    async def read_to_the_end(stream: httpcore.AsyncNetworkStream) -> None:
        while await stream.read(65536):
            pass

    async def failures(backend: httpcore.AsyncNetworkBackend, port: int) -> list[Any]:
        seen = []
        stream = await backend.connect_tcp("127.0.0.1", port)
        await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(httpcore.ReadError) as reset:
            await read_to_the_end(stream)
        seen.append(chain(reset.value))
        with pytest.raises(httpcore.WriteError) as broken:
            await stream.write(b"x" * 65536)
        seen.append(chain(broken.value))
        await stream.aclose()
        with pytest.raises(httpcore.ReadError) as closed:
            await stream.read(65536)
        seen.append(chain(closed.value))
        with pytest.raises(httpcore.WriteError) as closed_write:
            await stream.write(b"x")
        seen.append(chain(closed_write.value))
        return seen

    async with Fault("reset").serving() as url:
        port = int(url.rsplit(":", 1)[1])
        ours = await failures(TrioBackend(), port)
        theirs = await failures(httpcore.TrioBackend(), port)
    assert ours == theirs
    reset_read, broken_write, closed_read, closed_write = ours
    assert reset_read[-1][0] == "ConnectionResetError", ours
    assert broken_write[1][0] == "BrokenResourceError", ours
    assert [link[:2] for link in closed_read] == [
        ("ReadError", "this socket was already closed"),
        ("ClosedResourceError", "this socket was already closed"),
    ], ours
    assert closed_write[0][0] == "WriteError", ours


class KeptAlive(Counting):
    """Answers every request on a connection in turn, keeping the connection open."""

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        self.connections += 1
        async with stream:
            while await self.read_request(stream) is not None:
                await stream.send(self.answer)


@pytest.mark.parametrize(
    "answer",
    [b"HTTP/1.1 204 No Content\r\n\r\n", b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"],
    ids=["204-as-the-rfc-has-it", "204-with-length-0"],
)
def test_an_empty_answer_leaves_its_connection_reusable(answer: bytes) -> None:
    """Silent calls answered 204, with or without ``Content-Length: 0``, share one kept-alive connection."""

    async def run(kind: str) -> tuple[int, int]:
        server = KeptAlive(answer)
        async with server.serving() as url, client(kind, url, max_retries=0) as talon:
            for number in range(3):
                await talon.track_event(body={"type": "click", "profileId": f"p{number}"})
        return server.connections, len(server.requests)

    assert on_each_transport(run) == dict.fromkeys(KINDS, (1, 3))


@UNDER_TRIO
async def test_the_trio_backend_sends_a_write_larger_than_the_socket_buffer_whole(kind: str) -> None:
    """One write of 8 MB, far more than a socket accepts at once, arrives complete and in order."""
    from talon_async._transports._trio import TrioBackend

    payload = bytes(range(256)) * (8 * 4096)
    received = bytearray()
    ended = anyio.Event()

    async def drain(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            try:
                while True:
                    received.extend(await stream.receive())
                    await anyio.sleep(0.001)  # a slow reader: the sender meets a full buffer
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                ended.set()

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, drain)
        stream = await TrioBackend().connect_tcp("127.0.0.1", port)
        with anyio.fail_after(10):
            await stream.write(payload)
        await stream.aclose()
        with anyio.fail_after(10):
            await ended.wait()
        tg.cancel_scope.cancel()
    assert bytes(received) == payload
