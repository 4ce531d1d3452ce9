"""Where a small request's client CPU goes, layer by layer (W2: a 204 to a silent event).

Not part of `make bench`; run it when the facade misses the official SDK on W1/W2:

    python bench/layers.py

It starts bench/server.py (pinned like bench/run.py) and measures, at concurrency 32, the client
CPU per request of: raw aiohttp; httpx-aiohttp's transport called directly with a prepared
``httpx.Request``; ``httpx.AsyncClient`` over a ``MockTransport`` (httpx's own per-request work:
URL merging and parsing, headers, auth and cookie handling, no network); and the two together.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

sys.path.insert(0, str(Path(__file__).resolve().parent / "clients"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c
from run import cpus, start_server

BODY = json.dumps(c.W2_REQUEST).encode()
HEADERS = {**c.AUTH, "Content-Type": "application/json"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def per_request_us(call: Callable[[], Awaitable[object]], requests: int = 3000) -> float:
    async def burst(count: int) -> None:
        remaining = iter(range(count))

        async def worker() -> None:
            for _ in remaining:
                await call()

        async with asyncio.TaskGroup() as group:
            for _ in range(32):
                group.create_task(worker())

    await burst(300)
    best = float("inf")
    for _ in range(3):
        start = _cpu()
        await burst(requests)
        best = min(best, (_cpu() - start) / requests * 1e6)
    return best


async def measure(base_url: str) -> dict[str, float]:
    out: dict[str, float] = {}
    async with aiohttp.ClientSession(base_url, headers=HEADERS) as session:

        async def raw() -> None:
            async with session.post(c.W2_PATH, data=BODY) as response:
                await response.read()

        out["raw aiohttp"] = await per_request_us(raw)

    transport = AiohttpTransport()
    request = httpx.Request("POST", base_url + c.W2_PATH, headers=HEADERS, content=BODY)

    async def direct() -> None:
        response = await transport.handle_async_request(request)
        await response.aread()
        await response.aclose()

    out["httpx-aiohttp transport, called directly"] = await per_request_us(direct)
    await transport.aclose()

    mock = httpx.MockTransport(lambda _: httpx.Response(204))
    async with httpx.AsyncClient(
        base_url="https://yourbaseurl.talon.one", headers=c.AUTH, transport=mock
    ) as client:
        out["httpx.AsyncClient over MockTransport (no network)"] = await per_request_us(
            lambda: client.post(c.W2_PATH, json=c.W2_REQUEST, params={"silent": "yes"})
        )
    async with httpx.AsyncClient(base_url=base_url, headers=c.AUTH, transport=AiohttpTransport()) as client:
        out["httpx.AsyncClient + httpx-aiohttp transport"] = await per_request_us(
            lambda: client.post(c.W2_PATH, json=c.W2_REQUEST, params={"silent": "yes"})
        )
    return out


def main() -> None:
    server_cpu, client_cpu = cpus()
    if client_cpu is not None:
        subprocess.run(["taskset", "-p", "-c", str(client_cpu), str(__import__("os").getpid())], check=False,
                       capture_output=True)  # fmt: skip
    server, base_url = start_server(server_cpu)
    try:
        results = asyncio.run(measure(base_url))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("| layer (W2, concurrency 32, best of 3) | client CPU µs/request |\n|---|---:|")
    for label, value in results.items():
        print(f"| {label} | {value:,.0f} |")


if __name__ == "__main__":
    main()
