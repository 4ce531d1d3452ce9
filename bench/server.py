"""A minimal HTTP/1.1 server on 127.0.0.1 that answers the benchmark workloads with canned bytes.

It parses with httptools and answers from bytes prepared at start-up, so that it costs far less
per request than any client under test and stays far from busy. Routes (anything else is 404):

    PUT  /v2/customer_sessions/{id}                               W1: 200, the canned IntegrationStateV2
    POST /v2/events                                               W2: 204 (silent)
    GET  /v1/loyalty_programs/{p}/cards/{c}/transactions          W3: 200, a page of pageSize (at most 1,000)
                                                                  transactions; hasMore is false once
                                                                  skip + pageSize >= --transactions
    PUT  /v2/customer_profiles                                    W4: 204 (silent)

    python bench/server.py --port 0 --transactions 100000   # prints "PORT <n>" once listening
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httptools

DOCUMENTS = Path(__file__).resolve().parent / "documents"
PAGE_SIZE = 1000


def _response(status: bytes, body: bytes = b"") -> bytes:
    head = b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(body)).encode()
    if body:
        head += b"\r\nContent-Type: application/json"
    return head + b"\r\n\r\n" + body


class Answers:
    """The canned responses, built once."""

    def __init__(self, transactions: int) -> None:
        self.transactions = transactions
        self.w1 = _response(b"200 OK", (DOCUMENTS / "w1_response.json").read_bytes().strip())
        self._page = json.loads((DOCUMENTS / "w3_page.json").read_bytes())
        self._pages: dict[tuple[int, bool], bytes] = {}
        self.no_content = _response(b"204 No Content")
        self.not_found = _response(b"404 Not Found", b'{"message":"not found","statusCode":404}')

    def answer(self, method: bytes, url: bytes) -> bytes:
        path, _, query = url.partition(b"?")
        if method == b"PUT" and path.startswith(b"/v2/customer_sessions/"):
            return self.w1
        if method == b"POST" and path == b"/v2/events":
            return self.no_content
        if method == b"PUT" and path == b"/v2/customer_profiles":
            return self.no_content
        if method == b"GET" and path.startswith(b"/v1/loyalty_programs/") and path.endswith(b"/transactions"):
            params = parse_qs(urlsplit(url.decode()).query) if query else {}
            size = min(int(params.get("pageSize", [PAGE_SIZE])[0]), PAGE_SIZE)
            skip = int(params.get("skip", ["0"])[0])
            return self.page(size, skip + size < self.transactions)
        return self.not_found

    def page(self, size: int, has_more: bool) -> bytes:
        key = (size, has_more)
        if key not in self._pages:
            document = {"hasMore": has_more, "data": self._page["data"][:size]}
            self._pages[key] = _response(b"200 OK", json.dumps(document, separators=(",", ":")).encode())
        return self._pages[key]


class _Protocol(asyncio.Protocol):
    """One keep-alive connection: parse requests, write the canned answer on message end."""

    def __init__(self, answers: Answers) -> None:
        self._answers = answers
        self._parser = httptools.HttpRequestParser(self)
        self._url = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            assert self._transport is not None
            self._transport.close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._url = b""

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_message_complete(self) -> None:
        assert self._transport is not None
        self._transport.write(self._answers.answer(self._parser.get_method(), self._url))
        if not self._parser.should_keep_alive():
            self._transport.close()


async def serve(port: int, transactions: int) -> None:
    answers = Answers(transactions)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(answers), "127.0.0.1", port, backlog=1024)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--transactions", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.transactions))


if __name__ == "__main__":
    main()
