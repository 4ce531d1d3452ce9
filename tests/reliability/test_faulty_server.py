"""The faulty server does exactly the fault it is told to, seen from a raw socket (no HTTP client).

The fault tests trust these behaviours, so they are checked here without httpx in the way.
"""

from __future__ import annotations

import socket

import pytest

from tests.reliability.faulty_server import (
    Close,
    FaultyServer,
    Reset,
    ResetMidBody,
    Respond,
    SlowBody,
    SlowHeaders,
    Truncate,
    free_port,
)

REQUEST = b"PUT /v2/x%2Fy?silent=yes HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nX-Test: 1\r\n\r\n{}"


def exchange(server: FaultyServer, request: bytes = REQUEST) -> tuple[bytes, BaseException | None]:
    """Send ``request`` on a fresh connection; return every byte received and how reading ended."""
    received = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if received.endswith(b"\r\n\r\n{}"):
                    break  # a complete kept-alive answer with the "{}" body: nothing more comes
        except OSError as exc:
            return received, exc
    return received, None


def test_records_the_request_as_sent(server: FaultyServer) -> None:
    """Method, raw target, headers and body are recorded verbatim, percent-encoding included."""
    server.script(Respond(200, {}))
    exchange(server)
    (recorded,) = server.requests
    assert (recorded.method, recorded.target, recorded.path) == ("PUT", "/v2/x%2Fy?silent=yes", "/v2/x%2Fy")
    assert recorded.header("x-test") == "1"
    assert recorded.json() == {}
    assert server.request_count == 1


def test_reads_a_chunked_body(server: FaultyServer) -> None:
    """A chunked request body is reassembled before recording."""
    server.script(Respond(200, {}))
    exchange(server, b"POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    assert server.requests[0].body == b"{}"


def test_respond_sends_a_complete_answer(server: FaultyServer) -> None:
    """Respond writes the status, Content-Length, Content-Type, extra headers and the JSON body."""
    server.script(Respond(429, {"a": 1}, headers=(("Retry-After", "3"),), reason="Too Many"))
    received, ended = exchange(server, REQUEST.replace(b"X-Test: 1", b"Connection: close"))
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429 Too Many\r\n")
    assert b"Retry-After: 3" in head
    assert b"Content-Length: 8" in head
    assert body == b'{"a": 1}'
    assert ended is None


def test_reset_sends_rst_before_any_byte(server: FaultyServer) -> None:
    """Reset answers nothing and the client sees ECONNRESET."""
    server.script(Reset())
    received, ended = exchange(server)
    assert received == b""
    assert isinstance(ended, ConnectionResetError)


def test_close_sends_fin_before_any_byte(server: FaultyServer) -> None:
    """Close answers nothing and the client sees a clean end of stream."""
    server.script(Close())
    assert exchange(server) == (b"", None)


def test_reset_mid_body_sends_half_then_rst(server: FaultyServer) -> None:
    """ResetMidBody sends the headers and half the announced body, then resets."""
    action = ResetMidBody()
    server.script(action)
    received, ended = exchange(server)
    head, _, body = received.partition(b"\r\n\r\n")
    assert f"Content-Length: {len(action.body)}".encode() in head
    assert body == action.body[: len(action.body) // 2]
    assert isinstance(ended, ConnectionResetError)


def test_truncate_sends_less_than_content_length_then_fin(server: FaultyServer) -> None:
    """Truncate announces the whole body, sends ``sent`` bytes of it and closes cleanly."""
    action = Truncate(sent=10)
    server.script(action)
    received, ended = exchange(server)
    head, _, body = received.partition(b"\r\n\r\n")
    assert f"Content-Length: {len(action.body)}".encode() in head
    assert body == action.body[:10]
    assert ended is None


def test_slow_headers_drip_then_complete(server: FaultyServer) -> None:
    """SlowHeaders sends one header line per interval, then ends the head and a 2-byte body."""
    server.script(SlowHeaders(interval=0.02, max_seconds=0.1))
    received, _ = exchange(server)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.count(b"X-Drip-") == 5
    assert received.endswith(b"\r\n\r\n{}")


def test_slow_body_drips_bytes_then_closes(server: FaultyServer) -> None:
    """SlowBody announces ``length`` bytes, drips fewer within ``max_seconds``, then closes."""
    server.script(SlowBody(interval=0.02, max_seconds=0.1, length=100))
    received, ended = exchange(server)
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Content-Length: 100" in head
    assert body == b" " * 5
    assert ended is None


def test_script_then_handler_and_connection_statistics(server: FaultyServer) -> None:
    """Scripted actions go first, then the handler; connections are counted as accepted and open."""
    server.script(Respond(201, {}))
    server.handler = lambda request: Respond(202, {})
    first, _ = exchange(server)
    second, _ = exchange(server)
    assert first.startswith(b"HTTP/1.1 201")
    assert second.startswith(b"HTTP/1.1 202")
    assert server.accepted_connections == 2
    server.disconnect_all()
    assert server.open_connections == 0


def test_refuses_non_loopback_hosts() -> None:
    """The server cannot be pointed at anything but a loopback address."""
    with pytest.raises(ValueError, match="loopback"):
        FaultyServer(host="10.0.0.1")


def test_free_port_has_no_listener() -> None:
    """free_port gives a port where a connection is refused."""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", free_port()), timeout=5)
