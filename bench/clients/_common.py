"""Shared by every benchmark client process: arguments, the documents, and the measurement.

A client module supplies, for each workload, a callable that performs one unit of work: one request
for W1-W3, one whole batch of 10,000 profiles (ten 1,000-profile requests) for W4. This module warms
up, then measures the client process's own CPU time (``resource.getrusage``: user + sys), the wall
time and the peak RSS, and prints one JSON line on stdout for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
DOCUMENTS = Path(__file__).resolve().parent.parent / "documents"
API_KEY = "bench-key-0000"
AUTH = {"Authorization": f"ApiKey-v1 {API_KEY}"}
PROGRAM_ID = 48
CARD_ID = "LC-7f3b9c21e4"
CHUNK = 1000
BATCH = 10_000
# Concurrent checkouts are different sessions and profiles: the facade serializes calls for one
# session or profile (as Talon.One asks), so a single ID would measure that lock, not the client.
SESSION_IDS = [f"session-{n:04d}" for n in range(64)]
W1_PATHS = [f"/v2/customer_sessions/{session}" for session in SESSION_IDS]
W2_PATH = "/v2/events"
W3_PATH = f"/v1/loyalty_programs/{PROGRAM_ID}/cards/{CARD_ID}/transactions?pageSize=1000&skip=0"
W4_PATH = "/v2/customer_profiles"


def load(name: str) -> Any:
    return json.loads((DOCUMENTS / name).read_bytes())


W1_REQUEST: dict[str, Any] = load("w1_request.json")
W2_REQUEST: dict[str, Any] = load("w2_request.json")
W2_REQUESTS = [{**W2_REQUEST, "profileId": f"customer-{n:04d}"} for n in range(64)]


def rotate(values: list[T]) -> Callable[[], T]:
    """A function returning the next of ``values`` on each call, round and round."""
    return itertools.cycle(values).__next__


def profiles() -> list[dict[str, Any]]:
    """The 10,000 profiles of one W4 batch, each with its own integration ID."""
    template = load("w4_chunk.json")["customerProfiles"]
    return [
        {"integrationId": f"import-{n:06d}", "attributes": template[n % CHUNK]["attributes"]}
        for n in range(BATCH)
    ]


def chunks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--workload", choices=["w1", "w2", "w3", "w4"], required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--units", type=int, required=True, help="requests (W1-W3) or batches (W4)")
    parser.add_argument("--warmup", type=int, default=20)
    return parser.parse_args()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(name: str, opts: argparse.Namespace, cpu: float, wall: float) -> None:
    requests = opts.units * (BATCH // CHUNK if opts.workload == "w4" else 1)
    result = {
        "client": name,
        "workload": opts.workload,
        "concurrency": opts.concurrency,
        "requests": requests,
        "cpu_s": cpu,
        "wall_s": wall,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(result), flush=True)


async def _run_async(call: Callable[[], Awaitable[object]], units: int, concurrency: int) -> None:
    remaining = iter(range(units))

    async def worker() -> None:
        for _ in remaining:
            await call()

    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(worker())


async def measure_async(name: str, opts: argparse.Namespace, call: Callable[[], Awaitable[object]]) -> None:
    """Warm up, then measure ``units`` calls of ``call`` with ``concurrency`` in flight (W4: one at a time,
    since a batch call brings its own concurrency)."""
    in_flight = 1 if opts.workload == "w4" else opts.concurrency
    await _run_async(call, opts.warmup, in_flight)
    cpu, wall = _cpu(), time.perf_counter()
    await _run_async(call, opts.units, in_flight)
    report(name, opts, _cpu() - cpu, time.perf_counter() - wall)


async def measure_trio(name: str, opts: argparse.Namespace, call: Callable[[], Awaitable[object]]) -> None:
    """``measure_async`` under trio: the same units and concurrency, run by a trio nursery."""
    import trio

    in_flight = 1 if opts.workload == "w4" else opts.concurrency

    async def run(units: int) -> None:
        remaining = iter(range(units))

        async def worker() -> None:
            for _ in remaining:
                await call()

        async with trio.open_nursery() as nursery:
            for _ in range(in_flight):
                nursery.start_soon(worker)

    await run(opts.warmup)
    cpu, wall = _cpu(), time.perf_counter()
    await run(opts.units)
    report(name, opts, _cpu() - cpu, time.perf_counter() - wall)


def measure_threads(
    name: str, opts: argparse.Namespace, call: Callable[[], object], pool: ThreadPoolExecutor
) -> None:
    """The synchronous counterpart of ``measure_async``: ``concurrency`` threads of a pool."""
    in_flight = 1 if opts.workload == "w4" else opts.concurrency

    def run(units: int) -> None:
        remaining = iter(range(units))

        def worker() -> None:
            for _ in remaining:
                call()

        for future in [pool.submit(worker) for _ in range(in_flight)]:
            future.result()

    run(opts.warmup)
    cpu, wall = _cpu(), time.perf_counter()
    run(opts.units)
    report(name, opts, _cpu() - cpu, time.perf_counter() - wall)


async def gather_limited(calls: list[Callable[[], Awaitable[object]]], concurrency: int) -> None:
    """Run ``calls`` with at most ``concurrency`` in flight: the raw clients' W4 batch."""
    pending = iter(calls)

    async def worker() -> None:
        for call in pending:
            await call()

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, len(calls))):
            group.create_task(worker())


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(1)
