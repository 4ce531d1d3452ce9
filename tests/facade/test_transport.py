"""The default transport sends each request once, and its errors carry no key in their frames."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.abc
import pytest

import talon_async
from talon_async import TalonClient
from tests.facade.conftest import API_KEY

pytestmark = pytest.mark.anyio


class HangUp:
    """A loopback server that reads each request and closes the connection without answering."""

    def __init__(self) -> None:
        self.requests = 0

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            try:
                await stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                return
            self.requests += 1

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, self.handle)
            yield f"http://127.0.0.1:{port}"
            tg.cancel_scope.cancel()


async def test_closing_put_is_sent_once_when_the_connection_drops(anyio_backend: str) -> None:
    """A PUT that closes a session, cut off before any answer, reaches the server exactly once.

    aiohttp (the asyncio default when installed) would resend a PUT or DELETE on its own.
    """
    server = HangUp()
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await talon.update_customer_session("s1", body={"customerSession": {"state": "closed"}})
    assert server.requests == 1


async def test_retried_get_costs_exactly_max_retries_plus_one_requests(anyio_backend: str) -> None:
    """A GET cut off every time is sent max_retries + 1 times: the transport adds no hidden attempt."""
    server = HangUp()
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=2) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await talon.get_customer_session("s1")
    assert server.requests == 3


async def test_connection_error_frames_hold_no_key(anyio_backend: str) -> None:
    """Error trackers that record frame locals find no key in a connection error or its causes."""
    server = HangUp()
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.APIConnectionError) as caught:
            await talon.delete_customer_data("p1")
    assert caught.value.__cause__ is not None  # the transport's error is kept, without its frames
    text = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert API_KEY not in text
    assert "ApiKey-v1" not in text
