"""httpcore's network backend on trio's public API, for the httpcore transport while trio runs.

httpcore's own trio backend enters a cancel scope and an exception-mapping context manager around
every read and write, with or without a timeout: about 7 µs per read in a tight loop, twice per
request. Here a read or write enters a scope only when it has a timeout of its own (the attempt's
deadline already surrounds the whole exchange), and failures are mapped in an ``except`` that costs
nothing until something fails. The exceptions raised are httpcore's, with the same causes, so the
transport maps them exactly as it maps httpcore's own backend's.

trio is not a dependency of the SDK; this module is imported only while trio runs, so trio is there.
"""

from __future__ import annotations

import contextlib
import errno
import math
import ssl
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

import httpcore
import trio

__all__ = ["TrioBackend"]

# The errors for which trio's SocketStream calls the socket closed rather than broken.
_CLOSED_ERRNOS = frozenset({errno.EBADF, errno.ENOTSOCK})


class TrioStream(httpcore.AsyncNetworkStream):
    """Strictly private. One trio stream (a socket, or TLS over one) as httpcore reads and writes it.

    A plain TCP connection is read and written through its trio socket: ``SocketStream`` wraps
    each call in a conflict detector and an error-translating generator context manager, which
    cost more than the system call. Its errors are translated here exactly as it would.
    """

    __slots__ = ("_socket", "_stream")

    def __init__(self, stream: trio.SocketStream | trio.SSLStream[Any]) -> None:
        self._stream = stream
        self._socket = stream.socket if isinstance(stream, trio.SocketStream) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            if timeout is None:
                return await self._receive(max_bytes)
            with trio.fail_after(timeout):
                return await self._receive(max_bytes)
        except trio.TooSlowError as exc:
            raise httpcore.ReadTimeout(exc) from exc
        except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
            raise httpcore.ReadError(exc) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            if timeout is None:
                await self._send(buffer)
                return
            with trio.fail_after(timeout):
                await self._send(buffer)
        except trio.TooSlowError as exc:
            raise httpcore.WriteTimeout(exc) from exc
        except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
            raise httpcore.WriteError(exc) from exc

    async def _receive(self, max_bytes: int) -> bytes:
        sock = self._socket
        if sock is None:
            data = await self._stream.receive_some(max_bytes)
            # Typed as bytes-like by trio's stream interface; its TLS stream gives bytes.
            return data if isinstance(data, bytes) else bytes(data)
        try:
            return await sock.recv(max_bytes)
        except OSError as exc:
            _raise_stream_error(exc)

    async def _send(self, buffer: bytes) -> None:
        sock = self._socket
        if sock is None:
            await self._stream.send_all(buffer)
            return
        try:
            with memoryview(buffer) as data:
                sent = await sock.send(data)
                while sent < len(data):
                    with data[sent:] as rest:
                        sent += await sock.send(rest)
        except OSError as exc:
            _raise_stream_error(exc)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        tls = trio.SSLStream(
            self._stream,
            ssl_context=ssl_context,
            server_hostname=server_hostname,
            https_compatible=True,
            server_side=False,
        )
        try:
            with trio.fail_after(math.inf if timeout is None else timeout):
                await tls.do_handshake()
        except Exception as exc:
            await self.aclose()
            if isinstance(exc, trio.TooSlowError):
                raise httpcore.ConnectTimeout(exc) from exc
            if isinstance(exc, trio.BrokenResourceError):
                raise httpcore.ConnectError(exc) from exc
            raise
        return TrioStream(tls)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            # The TLS stream itself, not its SSLObject: trio keeps that private, and re-exports its
            # methods (``selected_alpn_protocol``, ``version``, ``getpeercert``), which is what
            # httpcore asks this for.
            return self._stream if isinstance(self._stream, trio.SSLStream) else None
        if info == "client_addr":
            return self._socket_below().getsockname()
        if info == "server_addr":
            return self._socket_below().getpeername()
        if info == "socket":
            return self._socket_below()
        if info == "is_readable":
            return self._socket_below().is_readable()
        return None

    def _socket_below(self) -> trio.socket.SocketType:
        if self._socket is not None:
            return self._socket
        stream: trio.abc.Stream = self._stream
        while isinstance(stream, trio.SSLStream):
            stream = stream.transport_stream
        if not isinstance(stream, trio.SocketStream):
            raise TypeError(f"no socket under a {type(stream).__name__}")
        return stream.socket


class TrioBackend(httpcore.AsyncNetworkBackend):
    """Strictly private. Opens ``TrioStream`` connections, failing as httpcore's own trio backend does."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _connecting(timeout):
            # trio's socket streams set TCP_NODELAY themselves.
            stream = await trio.open_tcp_stream(host=host, port=port, local_address=local_address)
            for option in socket_options or ():
                stream.setsockopt(*option)
        return TrioStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _connecting(timeout):
            stream = await trio.open_unix_socket(path)
            for option in socket_options or ():
                stream.setsockopt(*option)
        return TrioStream(stream)

    async def sleep(self, seconds: float) -> None:
        await trio.sleep(seconds)


def _raise_stream_error(exc: OSError) -> NoReturn:
    """Raise what trio's ``SocketStream`` raises for a socket's ``OSError``, chained as it chains it."""
    if exc.errno in _CLOSED_ERRNOS:
        raise trio.ClosedResourceError("this socket was already closed") from None
    raise trio.BrokenResourceError(f"socket connection broken: {exc}") from exc


@contextlib.contextmanager
def _connecting(timeout: float | None) -> Iterator[None]:
    """Opening a connection within ``timeout``, its failures as httpcore's connect errors."""
    try:
        with trio.fail_after(math.inf if timeout is None else timeout):
            yield
    except trio.TooSlowError as exc:
        raise httpcore.ConnectTimeout(exc) from exc
    except (trio.BrokenResourceError, OSError) as exc:
        raise httpcore.ConnectError(exc) from exc
