"""Cancellation from outside: cancelled calls give back their connections and limiter slots.

The server answers ``/v2/customer_sessions/slow`` with a status line and then nothing for 30 s
(bounded), and every other session update at once, so a call can be cancelled mid-flight.
"""

from __future__ import annotations

from functools import partial

import anyio
import pytest

import talon_async
from tests.reliability.conftest import STATE, client_for, wait_until
from tests.reliability.faulty_server import Action, FaultyServer, Recorded, Respond, SlowHeaders

pytestmark = pytest.mark.anyio

POOL = 4


def slow_or_fast(request: Recorded) -> Action:
    if "/slow" in request.path:
        return SlowHeaders(interval=30.0, max_seconds=30.0)
    if request.path.endswith("/bad"):
        return Respond(400, {"message": "bad session", "errors": []})
    return Respond(200, STATE)


async def test_cancelled_calls_leave_the_pool_healthy(anyio_backend: str, server: FaultyServer) -> None:
    """Calls cut off by move_on_after, fail_after and cancel() free the pool: the next 100 calls succeed."""
    server.handler = slow_or_fast
    body = {"customerSession": {}}
    async with client_for(server, max_concurrency=POOL, timeout=60.0) as talon:
        # More stuck calls than the pool has connections, cancelled three different ways.
        with anyio.move_on_after(0.5) as scope:
            async with anyio.create_task_group() as tg:
                for n in range(2 * POOL):
                    tg.start_soon(
                        partial(talon.update_customer_session, f"slow-{n}", body=body), name=f"stuck-{n}"
                    )
        assert scope.cancelled_caught
        with pytest.raises(TimeoutError):
            with anyio.fail_after(0.3):
                await talon.update_customer_session("slow", body=body)

        async def cancel_soon(scope: anyio.CancelScope) -> None:
            await anyio.sleep(0.3)
            scope.cancel()

        async with anyio.create_task_group() as tg:
            with anyio.CancelScope() as outer:
                tg.start_soon(cancel_soon, outer)
                await talon.update_customer_session("slow", body=body)
        assert outer.cancelled_caught

        with anyio.fail_after(60):
            results = [await talon.update_customer_session(f"s-{n}", body=body) for n in range(100)]
    assert len(results) == 100
    assert all(r.effects == [] for r in results)
    fast = [r for r in server.requests if "/slow" not in r.path]
    assert len(fast) == 100


async def test_failing_task_cancels_its_siblings_cleanly(anyio_backend: str, server: FaultyServer) -> None:
    """A call failing in a task group cancels its stuck siblings; only its error surfaces; the pool lives."""
    server.handler = slow_or_fast
    body = {"customerSession": {}}
    async with client_for(server, max_concurrency=POOL, timeout=60.0) as talon:
        tasks_before = len(anyio.get_running_tasks())

        # One slot stays free for the failing call; the stuck ones hold the rest of the pool.
        stuck = POOL - 1

        async def fail_after_the_others_started() -> None:
            await wait_until(lambda: server.request_count >= stuck)
            await talon.update_customer_session("bad", body=body)

        async def group() -> None:
            async with anyio.create_task_group() as tg:
                for n in range(stuck):
                    tg.start_soon(
                        partial(talon.update_customer_session, f"slow-{n}", body=body), name=f"stuck-{n}"
                    )
                tg.start_soon(fail_after_the_others_started)

        with anyio.fail_after(20), pytest.raises(ExceptionGroup) as caught:
            await group()
        errors = caught.value.exceptions
        assert len(errors) == 1
        assert isinstance(errors[0], talon_async.BadRequestError)
        assert len(anyio.get_running_tasks()) == tasks_before

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for n in range(20):
                    tg.start_soon(partial(talon.update_customer_session, f"s-{n}", body=body))
    assert sum(1 for r in server.requests if r.path.endswith("/s-19")) == 1
