"""Where a small request's client CPU goes, layer by layer (W2: a 204 to a silent event).

Not part of `make bench`; run it when the facade misses its targets on W1/W2:

    python bench/layers.py

It starts bench/server.py (pinned like bench/run.py) and measures, at concurrency 32, the client
CPU per request of: raw aiohttp (the floor); the facade's aiohttp transport called directly with a
prepared request (what the transport adds); ``TalonClient.track_event`` over a transport that
answers at once, no network (what the pipeline adds: body validation, the description, headers,
JSON encoding, locks, limits, the deadline, parsing); and ``TalonClient.track_event`` in full.
Last, the pipeline again, one call at a time with the loop idle for 100 µs after each (as at
concurrency 1, where the loop waits for every answer), less what the idle wait costs alone: the
same code run "cold", after the CPU has been idle.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent / "clients"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c
from run import cpus, start_server

from talon_async import TalonClient
from talon_async._transports import Answer, PreparedRequest, Timeouts
from talon_async._transports._aiohttp import AiohttpTransport

BODY = json.dumps(c.W2_REQUEST).encode()
HEADERS = {**c.AUTH, "Content-Type": "application/json"}
IDLE_S = 0.0001


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def per_request_us(
    call: Callable[[], Awaitable[object]], requests: int = 3000, concurrency: int = 32
) -> float:
    async def burst(count: int) -> None:
        remaining = iter(range(count))

        async def worker() -> None:
            for _ in remaining:
                await call()

        async with asyncio.TaskGroup() as group:
            for _ in range(concurrency):
                group.create_task(worker())

    await burst(300)
    best = float("inf")
    for _ in range(3):
        start = _cpu()
        await burst(requests)
        best = min(best, (_cpu() - start) / requests * 1e6)
    return best


class _AtOnce:
    """A transport that answers every request with a 204 at once: the pipeline's cost alone."""

    async def send(self, request: PreparedRequest, timeouts: Timeouts, deadline: float | None) -> Answer:
        return Answer(204, "No Content", [], b"")

    async def aclose(self) -> None:
        pass


async def measure(base_url: str) -> dict[str, float]:
    out: dict[str, float] = {}
    async with aiohttp.ClientSession(base_url, headers=HEADERS) as session:

        async def raw() -> None:
            async with session.post(c.W2_PATH, data=BODY) as response:
                await response.read()

        out["raw aiohttp (the floor)"] = await per_request_us(raw)

    transport = AiohttpTransport(max_connections=64, proxy=None)
    headers = [("Host", base_url.split("//", 1)[1]), *HEADERS.items(), ("Content-Length", str(len(BODY)))]
    request = PreparedRequest("POST", base_url + c.W2_PATH + "?silent=yes", headers, BODY)
    timeouts = {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}
    out["the facade's aiohttp transport, called directly"] = await per_request_us(
        lambda: transport.send(request, timeouts, 10.0)
    )
    await transport.aclose()

    event = c.rotate(c.W2_REQUESTS)
    talon = TalonClient(base_url, c.API_KEY)
    talon._wire.transport = _AtOnce()
    out["TalonClient.track_event over a transport answering at once (no network)"] = await per_request_us(
        lambda: talon.track_event(body=event())
    )

    async def idle() -> None:
        await asyncio.sleep(IDLE_S)

    async def call_then_idle() -> None:
        await talon.track_event(body=event())
        await asyncio.sleep(IDLE_S)

    idle_alone = await per_request_us(idle, 2000, concurrency=1)
    cold = await per_request_us(call_then_idle, 2000, concurrency=1) - idle_alone
    out["the same, one at a time, 100 µs of idle loop after each (less the idle wait's own cost)"] = cold
    async with TalonClient(base_url, c.API_KEY) as talon:
        out["TalonClient.track_event"] = await per_request_us(lambda: talon.track_event(body=event()))
    return out


def main() -> None:
    server_cpu, client_cpu = cpus()
    if client_cpu is not None:
        pin = ["taskset", "-p", "-c", str(client_cpu), str(os.getpid())]
        subprocess.run(pin, check=False, capture_output=True)
    server, base_url = start_server(server_cpu)
    try:
        results = asyncio.run(measure(base_url))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("| layer (W2, concurrency 32 unless stated, best of 3) | client CPU µs/request |\n|---|---:|")
    for label, value in results.items():
        print(f"| {label} | {value:,.0f} |")


if __name__ == "__main__":
    main()
