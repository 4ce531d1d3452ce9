"""A raw HTTP/1.1 server on 127.0.0.1 that misbehaves on command, and records what it receives.

It runs its own asyncio loop in a background thread, so a test on any async library (asyncio or
trio) can talk to it over real sockets, and a client that hangs cannot stall the server.

What the server does for each request is an ``Action``: a normal ``Respond``, or a fault
(``Reset``, ``Close``, ``ResetMidBody``, ``Truncate``, ``SlowHeaders``, ``SlowBody``). Actions come
from a script (``server.script(a, b, ...)``: one per request, in order) and then from the handler
(``server.handler = fn``, called with the ``Recorded`` request). Everything is bounded: a slow
action drips for at most its ``max_seconds``, a request line or header block may not exceed 64 KiB,
and ``stop()`` cancels whatever is still running.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Recorded:
    """One request as it arrived on the wire."""

    connection: int
    method: str
    target: str
    """The raw request target (path and query) exactly as sent, still percent-encoded."""
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Respond:
    """A complete, well-formed answer."""

    status: int = 200
    body: bytes | Any = b""
    """Bytes as they are; anything else is sent as JSON."""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = "application/json"
    reason: str = "Whatever"

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Reset:
    """Read the request, then reset the connection (RST) without a byte of answer."""


@dataclass(frozen=True)
class Close:
    """Read the request, then close the connection cleanly (FIN) without a byte of answer."""


@dataclass(frozen=True)
class ResetMidBody:
    """Send the headers and half of the body, then reset the connection."""

    body: bytes = b'{"effects": [], "customerSession": {"integrationId": "s-1"}}'


@dataclass(frozen=True)
class Truncate:
    """Announce ``body`` in Content-Length, send only part of it, then close cleanly."""

    body: bytes = b'{"effects": [], "customerSession": {"integrationId": "s-1"}}'
    sent: int = 10


@dataclass(frozen=True)
class SlowHeaders:
    """Send the status line, then one header line every ``interval`` seconds (slowloris style)."""

    interval: float = 0.2
    max_seconds: float = 10.0


@dataclass(frozen=True)
class SlowBody:
    """Send the headers at once, then one body byte every ``interval`` seconds."""

    interval: float = 0.2
    max_seconds: float = 10.0
    length: int = 1000


@dataclass(frozen=True)
class Flood:
    """Send ``total`` body bytes (``chunk`` over and over) as fast as the client reads them.

    Without ``length`` the body is chunked, so nothing announces its size; with it, the header
    states ``length`` whatever is sent. The flood stops when the client hangs up.
    """

    total: int = 2 << 30
    chunk: bytes = b" " * 65536
    length: int | None = None
    headers: tuple[tuple[str, str], ...] = ()


Action = Respond | Reset | Close | ResetMidBody | Truncate | SlowHeaders | SlowBody | Flood
Handler = Callable[[Recorded], Action]


def ok_handler(request: Recorded) -> Action:
    """The default: a 200 with an empty JSON object."""
    return Respond(200, {})


@dataclass
class _Stats:
    accepted: int = 0
    open: int = 0
    max_open: int = 0
    closed: int = 0


class FaultyServer:
    """A misbehaving HTTP/1.1 server on 127.0.0.1; see the module docstring."""

    def __init__(self, handler: Handler = ok_handler, *, host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError(f"{host}: the faulty server listens on loopback addresses only")
        self.handler: Handler = handler
        self.host = host
        self.requests: list[Recorded] = []
        self.request_count = 0
        self.recording = True
        """False keeps only ``request_count``, for load runs that must not grow memory."""
        self._script: deque[Action] = deque()
        self._stats = _Stats()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FaultyServer:
        started = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, 0, limit=MAX_HEAD_BYTES, backlog=512)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:
                errors.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="faulty-server", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("faulty server did not start within 10 s")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.wait(list(self._tasks), timeout=5)

        with suppress(RuntimeError):  # loop already gone
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> FaultyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def script(self, *actions: Action) -> None:
        """Queue one action per coming request; the handler answers once the script runs out."""
        with self._lock:
            self._script.extend(actions)

    def reset(self, handler: Handler = ok_handler) -> None:
        """Forget recorded requests, the script and the connection statistics."""
        with self._lock:
            self.handler = handler
            self._script.clear()
            self.requests.clear()
            self.request_count = 0
            self.recording = True
            self._stats = _Stats(open=self._stats.open)
            # Connections that outlive a reset still count as open, so statistics stay truthful.

    def disconnect_all(self) -> None:
        """Close every open connection (a stalled answer included), so the next test starts with none."""
        loop = self._loop
        if loop is None:
            return

        async def close_all() -> None:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=5)

        asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout=10)

    @property
    def accepted_connections(self) -> int:
        return self._stats.accepted

    @property
    def open_connections(self) -> int:
        return self._stats.open

    @property
    def max_open_connections(self) -> int:
        return self._stats.max_open

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- serving ---------------------------------------------------------------------------------

    def _next_action(self, request: Recorded) -> Action:
        with self._lock:
            self.request_count += 1
            if self.recording:
                self.requests.append(request)
            if self._script:
                return self._script.popleft()
            handler = self.handler
        return handler(request)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._lock:
            self._stats.accepted += 1
            connection = self._stats.accepted
            self._stats.open += 1
            self._stats.max_open = max(self._stats.max_open, self._stats.open)
        try:
            keep_going = True
            while keep_going:
                request = await _read_request(reader, connection)
                if request is None:
                    break
                keep_going = await _perform(self._next_action(request), request, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the client went away or sent garbage: this connection is done
        except asyncio.CancelledError:
            # Only stop() cancels; ending quietly keeps asyncio from logging every cancelled connection.
            pass
        finally:
            with suppress(Exception):
                writer.close()
            with self._lock:
                self._stats.open -= 1
                self._stats.closed += 1
            self._tasks.discard(task)


async def _read_request(reader: asyncio.StreamReader, connection: int) -> Recorded | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise
        return None  # a clean close between requests
    lines = head[:-4].decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = tuple((k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in lines[1:] if line))
    lowered = {k.lower(): v for k, v in headers}
    body = b""
    if lowered.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    elif "content-length" in lowered:
        body = await reader.readexactly(int(lowered["content-length"]))
    return Recorded(connection=connection, method=method, target=target, headers=headers, body=body)


def _head(status: int, reason: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # Linger 0 makes close() send RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _perform(action: Action, request: Recorded, writer: asyncio.StreamWriter) -> bool:
    """Carry out ``action``; True when the connection may serve another request."""
    match action:
        case Respond():
            payload = action.payload()
            headers = [("Content-Length", str(len(payload)))]
            if action.content_type is not None:
                headers.append(("Content-Type", action.content_type))
            headers.extend(action.headers)
            writer.write(_head(action.status, action.reason, headers) + payload)
            await writer.drain()
            return (request.header("connection") or "").lower() != "close"
        case Reset():
            _abort_with_rst(writer)
        case Close():
            writer.close()
        case ResetMidBody():
            writer.write(_head(200, "OK", [("Content-Length", str(len(action.body)))]))
            writer.write(action.body[: len(action.body) // 2])
            await writer.drain()
            await asyncio.sleep(0.05)  # let the client start reading the body before the reset
            _abort_with_rst(writer)
        case Truncate():
            writer.write(_head(200, "OK", [("Content-Length", str(len(action.body)))]))
            writer.write(action.body[: action.sent])
            await writer.drain()
            writer.close()
        case SlowHeaders():
            writer.write(b"HTTP/1.1 200 OK\r\n")
            for n in _drips(action.interval, action.max_seconds):
                await asyncio.sleep(action.interval)
                writer.write(f"X-Drip-{n}: x\r\n".encode())
                await writer.drain()
            # The connection closes after this answer: say so, or a client reuses a dying connection.
            writer.write(b"Content-Length: 2\r\nContent-Type: application/json\r\n")
            writer.write(b"Connection: close\r\n\r\n{}")
            await writer.drain()
        case Flood():
            framing = (
                ("Transfer-Encoding", "chunked")
                if action.length is None
                else ("Content-Length", str(action.length))
            )
            writer.write(_head(200, "OK", [framing, ("Content-Type", "application/json"), *action.headers]))
            prefix = b"%x\r\n" % len(action.chunk) if action.length is None else b""
            suffix = b"\r\n" if action.length is None else b""
            piece = prefix + action.chunk + suffix
            for _ in range(action.total // len(action.chunk)):
                writer.write(piece)
                await writer.drain()
            writer.close()
        case SlowBody():
            writer.write(_head(200, "OK", [("Content-Length", str(action.length))]))
            await writer.drain()
            for _ in range(min(action.length, len(_drips(action.interval, action.max_seconds)))):
                await asyncio.sleep(action.interval)
                writer.write(b" ")
                await writer.drain()
            writer.close()
    return False


def _drips(interval: float, max_seconds: float) -> range:
    return range(max(1, int(max_seconds / interval)))


def free_port() -> int:
    """A loopback port that nothing listens on (bound, then released), for "connection refused"."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def running(handler: Handler = ok_handler, *, host: str = "127.0.0.1") -> Iterator[FaultyServer]:
    server = FaultyServer(handler, host=host).start()
    try:
        yield server
    finally:
        server.stop()


__all__ = [
    "Action",
    "Close",
    "FaultyServer",
    "Flood",
    "Recorded",
    "Reset",
    "ResetMidBody",
    "Respond",
    "SlowBody",
    "SlowHeaders",
    "Truncate",
    "free_port",
    "ok_handler",
    "running",
]
