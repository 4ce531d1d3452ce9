"""Load: 10,000 session updates at concurrency 64 against the loopback server, on asyncio and trio.

The run must finish without an error, open no more connections than the pool allows, leave no
task or file descriptor behind, and hold its resident memory flat from the first thousand
requests to the last. Every loop is bounded by count and by ``fail_after``.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass, field

import anyio
import pytest

from talon_async import TalonClient
from tests.reliability.conftest import API_KEY, STATE, wait_until
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond

pytestmark = pytest.mark.anyio

REQUESTS = 10_000
CONCURRENCY = 64
WINDOW = 1_000
RSS_GROWTH_LIMIT = 4 * 1024 * 1024
"""Allowed growth of peak RSS from the first window to the last: allocator noise, not a leak.

Keeping one response per request (~1 KiB each) over the 9,000 requests between the windows
would add about 9 MiB and fail this."""

_PAGE = os.sysconf("SC_PAGE_SIZE")
_STATE_ANSWER = Respond(200, STATE)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def current_rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE


@dataclass
class Run:
    done: int = 0
    errors: list[BaseException] = field(default_factory=list)
    peak_rss_first: int = 0
    peak_rss_last: int = 0

    def sample(self) -> None:
        rss = current_rss()
        if self.done <= WINDOW:
            self.peak_rss_first = max(self.peak_rss_first, rss)
        elif self.done > REQUESTS - WINDOW:
            self.peak_rss_last = max(self.peak_rss_last, rss)


def answer_state(request: Recorded) -> Respond:
    return _STATE_ANSWER


async def test_ten_thousand_requests_at_concurrency_64(anyio_backend: str, server: FaultyServer) -> None:
    """10,000 calls through a task group: no error, <= 64 open connections, no leaked task/fd, flat RSS."""
    server.handler = answer_state
    server.recording = False  # the record would grow with every request and hide a client leak
    fds_before = open_fds()
    tasks_before = len(anyio.get_running_tasks())
    run = Run()
    body = {"customerSession": {"state": "open"}}
    numbers = iter(range(REQUESTS))

    async def worker(talon: TalonClient) -> None:
        for n in numbers:
            try:
                state = await talon.update_customer_session(f"load-{n}", body=body)
                assert state.effects == []
            except Exception as exc:  # counted, so one error does not stop the run
                run.errors.append(exc)
            run.done += 1
            if run.done % 50 == 0:
                run.sample()

    with anyio.fail_after(240):
        talon = TalonClient(server.url, API_KEY, max_concurrency=CONCURRENCY, timeout=30.0)
        async with talon, anyio.create_task_group() as tg:
            for _ in range(CONCURRENCY):
                tg.start_soon(worker, talon)
        await wait_until(lambda: server.open_connections == 0, seconds=10)

    assert run.errors == []
    assert run.done == server.request_count == REQUESTS
    assert server.max_open_connections <= CONCURRENCY
    # Keep-alive works: connections are reused, not opened per request. The bound is loose so that
    # a transport replacing some idle connections along the way (as httpx's own pool does) passes.
    assert server.accepted_connections <= REQUESTS // 20
    assert open_fds() == fds_before
    assert len(anyio.get_running_tasks()) == tasks_before
    growth = run.peak_rss_last - run.peak_rss_first
    print(
        f"\n{anyio_backend}: {REQUESTS} requests, {server.accepted_connections} connections "
        f"(max {server.max_open_connections} open), fds {fds_before}->{open_fds()}, "
        f"peak RSS first/last thousand {run.peak_rss_first >> 10}/{run.peak_rss_last >> 10} KiB, "
        f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MiB"
    )
    assert growth < RSS_GROWTH_LIMIT
