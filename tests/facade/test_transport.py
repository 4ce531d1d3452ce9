"""The default transport sends each request once, straight from the facade, the same bytes as httpx would;
its errors carry no key in their frames."""

from __future__ import annotations

import gzip
import json
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import httpx
import pytest

import talon_async
from talon_async import TalonClient
from talon_async._aiohttp import AiohttpSender, query_string
from talon_async._transport import DirectSender
from tests.facade.conftest import API_KEY
from tests.support.documents import DocumentFactory
from tests.support.spec_app import SpecApp

pytestmark = pytest.mark.anyio


class Loopback:
    """A raw TCP server on 127.0.0.1, serving each connection with ``handle`` while ``serving()`` runs."""

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        raise NotImplementedError

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, self.handle)
            yield f"http://127.0.0.1:{port}"
            tg.cancel_scope.cancel()


class HangUp(Loopback):
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


class Canned(Loopback):
    """A loopback server that answers every request with one fixed raw HTTP response."""

    def __init__(self, head: bytes, body: bytes) -> None:
        self.answer = head + b"Content-Length: %d\r\n\r\n" % len(body) + body

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            request = b""
            while b"\r\n\r\n" not in request:
                request += await stream.receive()
            await stream.send(self.answer)


async def test_default_client_sends_straight_to_aiohttp_under_asyncio_only(
    anyio_backend: str, served: tuple[SpecApp, str]
) -> None:
    """Under asyncio (aiohttp installed) requests go to aiohttp directly; under trio, to httpcore."""
    app, url = served
    app.answer(204)
    async with TalonClient(url, API_KEY) as talon:
        await talon.track_event(body={"type": "click", "profileId": "customer-1"})
        sender = talon._generated.sender
    assert isinstance(sender, DirectSender)
    assert isinstance(sender._direct, AiohttpSender) is (anyio_backend == "asyncio")
    assert app.last.errors == []


async def test_direct_request_is_the_one_httpx_would_send(
    anyio_backend: str, served: tuple[SpecApp, str]
) -> None:
    """Method, path, query, body bytes and every header match what httpx.AsyncClient sends for a call."""
    app, url = served
    app.answer(200, DocumentFactory().document("IntegrationStateV2"))
    body = {
        "customerSession": {
            "profileId": "ünïcode-1",
            "cartItems": [{"sku": "S", "quantity": 1, "price": 2.5}],
        }
    }
    seen = []
    async with TalonClient(url, API_KEY) as direct:
        await direct.update_customer_session("s/1 ..", body=body, dry=True)
        seen.append(app.last)
    async with httpx.AsyncClient() as http_client, TalonClient(url, API_KEY, http_client=http_client) as full:
        await full.update_customer_session("s/1 ..", body=body, dry=True)
        seen.append(app.last)
    fast, reference = seen
    assert (fast.method, fast.raw_path, fast.query, fast.body) == (
        reference.method,
        reference.raw_path,
        reference.query,
        reference.body,
    )
    assert sorted(fast.headers) == sorted(reference.headers)
    assert fast.errors == []


@pytest.mark.parametrize(
    "params",
    [
        {"silent": "yes"},
        {"dry": True, "now": "2024-05-14T09:30:00+00:00"},
        {"awaitsActivation": False, "pageSize": 50, "skip": 0},
        {"subledgerId": ["a b", "ü&=?#"], "customerSessionIds": ["s1"]},
    ],
)
def test_query_string_matches_httpx_encoding(params: dict[str, Any]) -> None:
    """Booleans, numbers, lists and reserved characters encode to exactly the query httpx writes."""
    assert query_string(params) == httpx.URL("http://h/p", params=params).query.decode()
    assert query_string(dict(params)) == query_string(params)  # a cache hit gives the same string


def test_query_cache_tells_true_from_one() -> None:
    """True and 1 are equal in Python but not on the wire: the cache keeps them apart."""
    assert query_string({"skip": 1}) == "skip=1"
    assert query_string({"skip": True}) == "skip=true"
    assert query_string({"skip": 1}) == "skip=1"


async def test_gzip_answer_is_decoded(anyio_backend: str) -> None:
    """A gzip-encoded answer is decompressed before parsing, whichever path sent the request."""
    document = DocumentFactory().document("IntegrationCustomerSessionResponse")
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    server = Canned(head, gzip.compress(json.dumps(document).encode()))
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=0) as talon:
        raw = await talon.with_raw_response(talon.get_customer_session, "s1")
    assert raw.parsed.to_dict() == document
    assert json.loads(raw.content) == document


async def test_error_from_the_direct_path_names_its_request(anyio_backend: str) -> None:
    """A status error raised from a direct send carries the method and full URL, built only then."""
    server = Canned(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n", b'{"message": "gone"}')
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.NotFoundError) as caught:
            await talon.get_customer_session("s 1", timeout=5)
    assert (caught.value.request.method, caught.value.request.url) == (
        "GET",
        f"{url}/v2/customer_sessions/s%201",
    )
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("head", [b"NOT HTTP AT ALL\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n"])
async def test_malformed_answer_is_a_typed_connection_error(anyio_backend: str, head: bytes) -> None:
    """A garbled status line or length gives APIConnectionError on both paths, never a raw aiohttp error."""
    server = Canned(head, b"{}")
    async with server.serving() as url, TalonClient(url, API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.APIConnectionError):
            await talon.track_event(body={"type": "click", "profileId": "customer-1"})
