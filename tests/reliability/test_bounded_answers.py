"""A hostile or broken server cannot exhaust the client: answers are capped while they are read.

The cap (``max_response_size``, 32 MiB by default) counts the bytes received and the bytes they
decompress to, on both transports (aiohttp under asyncio, httpcore under trio); JSON nested
deeper than Python's parser can go is a validation error for any status. The memory figures are
measured in a child process with a capped address space (``tests/reliability/bounded_client.py``).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from typing import Any

import pytest

import talon_async
from tests.reliability.conftest import client_for
from tests.reliability.faulty_server import Action, FaultyServer, Flood, Respond
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

MiB = 1 << 20
DEFAULT_CAP = 32 * MiB
SESSION_ANSWER = DocumentFactory().document("IntegrationCustomerSessionResponse")


@functools.cache
def gzip_bomb(expanded: int = 1 << 30) -> bytes:
    """About 1 MB of gzip that expands to ``expanded`` zero bytes (one member, valid CRC and size).

    Each MiB is compressed after a full flush, so every MiB after the first compresses to the same
    bytes: they are repeated rather than compressed 1,024 times.
    """
    block = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()[:-8]  # without the trailer, which covers only two blocks
    crc = 0
    for _ in range(expanded // MiB):
        crc = zlib.crc32(block, crc)
    trailer = struct.pack("<II", crc, expanded & 0xFFFFFFFF)
    return head + repeated * (expanded // MiB - 1) + final_block + trailer


def gzip_answer(body: bytes, status: int = 200) -> Respond:
    return Respond(status, body, headers=(("Content-Encoding", "gzip"),))


def run_bounded_child(server: FaultyServer, backend: str, *args: str) -> dict[str, Any]:
    """The child's report on one call under test (see bounded_client.py); at most 60 s."""
    command = [sys.executable, "-m", "tests.reliability.bounded_client", server.url, backend, *args]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, cwd=root)
    assert finished.returncode == 0, finished.stderr[-2000:]
    report: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return report


# --- memory and time, measured in a bounded child --------------------------------------------------


async def test_gzip_bomb_is_refused_with_memory_bounded_by_the_cap(
    anyio_backend: str, server: FaultyServer
) -> None:
    """1 MB of gzip expanding to 1 GiB ends in ResponseTooLargeError, peak RSS growing by under 2x the cap."""
    bomb = gzip_bomb()
    assert len(bomb) < 1_100_000
    server.script(Respond(200, SESSION_ANSWER), gzip_answer(bomb))
    report = run_bounded_child(server, anyio_backend)
    assert report["outcome"] == "ResponseTooLargeError", report
    assert f"over the {DEFAULT_CAP}-byte limit" in report["message"]
    assert report["max_response_size"] == DEFAULT_CAP
    assert report["rss_growth"] < 2 * DEFAULT_CAP, report
    assert server.request_count == 2  # the warm-up and one try: not retried


@pytest.mark.parametrize("length", [None, 2 << 30], ids=["chunked", "declared"])
async def test_endless_body_ends_within_the_timeout(
    anyio_backend: str, server: FaultyServer, length: int | None
) -> None:
    """A 2 GiB body, chunked or announced, is ResponseTooLargeError within timeout + 2 s and 2x the cap."""
    server.script(Respond(200, SESSION_ANSWER), Flood(total=2 << 30, length=length))
    report = run_bounded_child(server, anyio_backend, "10")
    assert report["outcome"] == "ResponseTooLargeError", report
    assert report["seconds"] < 10 + 2, report
    assert report["rss_growth"] < 2 * DEFAULT_CAP, report


# --- the cap, in process ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["identity", "gzip", "deflate", "raw-deflate"])
async def test_cap_is_configurable_and_counts_decoded_bytes(
    anyio_backend: str, server: FaultyServer, encoding: str
) -> None:
    """With max_response_size=4096, 4096 decoded bytes are read and 4097 refused, whatever the encoding."""
    padding = {**SESSION_ANSWER, "pad": ""}
    fits = json.dumps({**padding, "pad": "x" * (4096 - len(json.dumps(padding)))}).encode()
    over = fits[:-2] + b'x"}'
    assert (len(fits), len(over)) == (4096, 4097)

    def encoded(body: bytes) -> Action:
        if encoding == "identity":
            return Respond(200, body)
        if encoding == "gzip":
            return gzip_answer(gzip.compress(body))
        wbits = zlib.MAX_WBITS if encoding == "deflate" else -zlib.MAX_WBITS
        compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
        packed = compressor.compress(body) + compressor.flush()
        return Respond(200, packed, headers=(("Content-Encoding", "deflate"),))

    server.script(encoded(fits), encoded(over))
    async with client_for(server, max_response_size=4096) as talon:
        assert talon.max_response_size == 4096
        session = await talon.get_customer_session("s-1")
        assert session.to_dict() == json.loads(fits)  # unknown keys are kept
        with pytest.raises(talon_async.ResponseTooLargeError) as caught:
            await talon.get_customer_session("s-1")
        # The connection of the refused answer is not reused half-read: the next call succeeds.
        server.script(Respond(200, SESSION_ANSWER))
        await talon.get_customer_session("s-1")
    assert isinstance(caught.value, talon_async.APIResponseValidationError)
    assert caught.value.status_code == 200
    assert server.request_count == 3


@pytest.mark.parametrize("status", [200, 400, 404, 409, 500])
async def test_over_the_cap_is_refused_for_any_status_and_not_retried(
    anyio_backend: str, server: FaultyServer, status: int
) -> None:
    """An error answer over the cap is a ResponseTooLargeError too, sent once even where a retry was due."""
    server.script(*[Respond(status, b"[" + b"0," * 3000 + b"0]")] * 3)
    async with client_for(server, max_response_size=1000) as talon:
        with pytest.raises(talon_async.ResponseTooLargeError) as caught:
            await talon.get_customer_session("s-1")
    assert caught.value.status_code == status
    assert server.request_count == 1


@pytest.mark.parametrize("bad", ["not gzip at all", "truncated"])
async def test_broken_gzip_is_a_validation_error(anyio_backend: str, server: FaultyServer, bad: str) -> None:
    """A body not valid in its Content-Encoding is an APIResponseValidationError, not a library error."""
    body = (
        b"plain text"
        if bad == "not gzip at all"
        else gzip.compress(json.dumps(SESSION_ANSWER).encode())[:-12]
    )
    server.script(gzip_answer(body))
    async with client_for(server) as talon:
        with pytest.raises(talon_async.APIResponseValidationError) as caught:
            await talon.get_customer_session("s-1")
    assert "not valid gzip" in str(caught.value)
    assert not isinstance(caught.value, talon_async.ResponseTooLargeError)


# --- JSON nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 404, 409, 429, 500, 520])
async def test_json_nested_too_deeply_is_a_validation_error_for_any_status(
    anyio_backend: str, server: FaultyServer, status: int
) -> None:
    """5,000 nested "[" (or objects 5,000 deep) is an APIResponseValidationError, never RecursionError.

    Deeper than either parser follows: the standard library's about 1,000 levels, orjson's 1,024.
    """
    for body in (b"[" * 5000 + b"]" * 5000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
        server.reset()
        server.script(*[Respond(status, body)] * 3)
        async with client_for(server, max_retries=0) as talon:
            with pytest.raises(talon_async.APIResponseValidationError) as caught:
                await talon.get_customer_session("s-1")
        assert caught.value.status_code == status
        assert "nests too deeply" in str(caught.value)
        assert caught.value.content == body


async def test_reading_the_body_is_inside_the_attempt_deadline(
    anyio_backend: str, server: FaultyServer
) -> None:
    """A body dripping far slower than the cap allows is cut by the per-attempt deadline."""
    server.script(Flood(total=64 * MiB, chunk=b" " * 16, length=64 * MiB))
    started = time.monotonic()
    async with client_for(server, max_retries=0, timeout=0.5) as talon:
        with pytest.raises((talon_async.APITimeoutError, talon_async.ResponseTooLargeError)):
            await talon.get_customer_session("s-1")
    assert time.monotonic() - started < 0.5 + 2
