"""Per-entity serialization and the global concurrency limit."""

from __future__ import annotations

import json
from collections import Counter

import anyio
import anyio.abc
import anyio.lowlevel
import httpx
import pytest

from talon_async._keyed_locks import ConcurrencyLimit, KeyedLocks
from tests.facade.conftest import make_client, state_doc
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

REOPENED = DocumentFactory().document("ReopenSessionResponse", required_only=True)


class OverlapServer:
    """Tracks, per entity path, how many requests are being processed at once."""

    def __init__(self, delay: float = 0.01) -> None:
        self.delay = delay
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.total = 0
        self.peak_total = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        key = _entity(request)
        self.now[key] += 1
        self.total += 1
        self.peak[key] = max(self.peak[key], self.now[key])
        self.peak_total = max(self.peak_total, self.total)
        try:
            await anyio.sleep(self.delay)
        finally:
            self.now[key] -= 1
            self.total -= 1
        if request.url.path == "/v2/events":
            return httpx.Response(204)
        if request.url.path.endswith("/reopen"):
            return httpx.Response(200, json=REOPENED)
        return httpx.Response(200, json=state_doc())


def _entity(request: httpx.Request) -> str:
    if request.url.path == "/v2/events":
        return "profile:" + json.loads(request.content).get("profileId", "")
    if request.url.path.startswith("/v2/customer_profiles/"):
        return "profile:" + request.url.path.rsplit("/", 1)[-1]
    return "session:" + request.url.path.split("/")[3]


async def test_updates_of_one_session_never_overlap() -> None:
    """Five concurrent updates of session s1 reach the server one at a time."""
    server = OverlapServer()
    async with make_client(server) as talon, anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(lambda: talon.update_customer_session("s1", body={"customerSession": {}}))
    assert server.peak["session:s1"] == 1


async def test_updates_of_different_sessions_overlap() -> None:
    """Updates of s1 and s2 are in flight together: each handler waits until the other has arrived."""
    arrived = {"s1": anyio.Event(), "s2": anyio.Event()}

    async def handler(request: httpx.Request) -> httpx.Response:
        me = request.url.path.rsplit("/", 1)[-1]
        other = "s2" if me == "s1" else "s1"
        arrived[me].set()
        with anyio.fail_after(5):  # a deadlock here would mean the two were serialized
            await arrived[other].wait()
        return httpx.Response(200, json=state_doc())

    async with make_client(handler) as talon, anyio.create_task_group() as tg:
        for session in ("s1", "s2"):
            tg.start_soon(lambda s=session: talon.update_customer_session(s, body={"customerSession": {}}))


async def test_session_operations_share_the_session_lock() -> None:
    """An update, a reopen and a return for the same session are serialized together."""
    server = OverlapServer()

    async with make_client(server) as talon, anyio.create_task_group() as tg:
        tg.start_soon(lambda: talon.update_customer_session("s1", body={"customerSession": {}}))
        tg.start_soon(talon.reopen_customer_session, "s1")
        tg.start_soon(lambda: talon.return_cart_items("s1", body={"return": {"returnedCartItems": []}}))
    assert server.peak["session:s1"] == 1


async def test_profile_updates_and_events_for_one_profile_never_overlap() -> None:
    """Profile updates and events naming the same profile are serialized; other profiles run freely."""
    server = OverlapServer()
    async with make_client(server) as talon, anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(lambda: talon.update_customer_profile("p1", body={}))
            tg.start_soon(lambda: talon.track_event(body={"type": "click", "profileId": "p1"}))
            tg.start_soon(lambda: talon.track_event(body={"type": "click", "profileId": "p2"}))
    assert server.peak["profile:p1"] == 1


async def test_max_concurrency_bounds_requests_in_flight() -> None:
    """With max_concurrency=4, twenty updates of distinct sessions never have more than 4 in flight."""
    server = OverlapServer()
    async with make_client(server, max_concurrency=4) as talon, anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(lambda i=i: talon.update_customer_session(f"s{i}", body={"customerSession": {}}))
    assert server.peak_total == 4


async def test_locks_are_dropped_when_idle() -> None:
    """After many entities are served, no lock is left behind (no unbounded growth)."""
    server = OverlapServer(delay=0)
    async with make_client(server) as talon:
        async with anyio.create_task_group() as tg:
            for i in range(50):
                tg.start_soon(
                    lambda i=i: talon.update_customer_session(f"s{i % 5}", body={"customerSession": {}})
                )
        assert len(talon._locks) == 0


async def test_cancelled_call_releases_the_lock() -> None:
    """A call cancelled while holding a session's lock frees it for the next call."""
    release = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if not release.is_set():
            await anyio.sleep_forever()
        return httpx.Response(200, json=state_doc())

    async with make_client(handler) as talon:
        with anyio.move_on_after(0.05):
            await talon.update_customer_session("s1", body={"customerSession": {}})
        release.set()
        with anyio.fail_after(5):
            await talon.update_customer_session("s1", body={"customerSession": {}})
        assert len(talon._locks) == 0


async def test_keyed_locks_serialize_per_key() -> None:
    """KeyedLocks lets one holder per key in, and different keys in at once."""
    locks = KeyedLocks()
    order: list[str] = []

    async def hold(key: str, label: str) -> None:
        async with locks.hold(key):
            order.append(f"{label}+")
            await anyio.sleep(0.01)
            order.append(f"{label}-")

    async with anyio.create_task_group() as tg:
        tg.start_soon(hold, "a", "a1")
        tg.start_soon(hold, "a", "a2")
    assert order in (["a1+", "a1-", "a2+", "a2-"], ["a2+", "a2-", "a1+", "a1-"])
    assert len(locks) == 0


async def test_keyed_locks_hand_over_when_a_waiter_is_cancelled() -> None:
    """With a waiter cancelled in the queue, the next one still waits for the first holder, then goes in."""
    locks = KeyedLocks()
    events: list[str] = []
    release_first = anyio.Event()
    scopes: list[anyio.CancelScope] = []

    async def first(task_status: anyio.abc.TaskStatus[None]) -> None:
        async with locks.hold("k"):
            events.append("first+")
            task_status.started()
            await release_first.wait()
            events.append("first-")

    async def waiter(label: str) -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            async with locks.hold("k"):
                events.append(f"{label}+")
                await anyio.lowlevel.checkpoint()
                events.append(f"{label}-")

    async with anyio.create_task_group() as tg:
        await tg.start(first)
        tg.start_soon(waiter, "cancelled")
        await anyio.sleep(0.01)
        tg.start_soon(waiter, "second")
        await anyio.sleep(0.01)
        scopes[0].cancel()
        await anyio.sleep(0.01)
        assert events == ["first+"]  # the first holder still has the key to itself
        release_first.set()
    assert events == ["first+", "first-", "second+", "second-"]
    assert len(locks) == 0


async def test_the_concurrency_limit_admits_waiters_in_arrival_order() -> None:
    """With the one slot taken, waiters get it in the order they came."""
    limit = ConcurrencyLimit(1)
    order: list[str] = []
    release = anyio.Event()

    async def hold(name: str) -> None:
        async with limit:
            order.append(name)
            await release.wait()

    async with anyio.create_task_group() as group:
        # One at a time: trio runs tasks started together in no fixed order.
        for name in ("holder", "waiter-1", "waiter-2", "waiter-3"):
            group.start_soon(hold, name)
            await anyio.wait_all_tasks_blocked()
        assert order == ["holder"]
        release.set()
    assert order == ["holder", "waiter-1", "waiter-2", "waiter-3"]


async def test_a_waiter_cancelled_in_the_queue_takes_no_slot_with_it() -> None:
    """A call cancelled while waiting for a slot leaves the limit with every slot it had."""
    limit = ConcurrencyLimit(1)
    async with limit:
        with anyio.move_on_after(0.01) as waited:
            async with limit:
                pytest.fail("entered a full limit")
        assert waited.cancelled_caught
    with anyio.fail_after(1):
        async with limit:
            pass
