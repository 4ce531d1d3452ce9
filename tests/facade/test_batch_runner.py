"""Batch helpers chunk any (async) iterable to 1000, bound concurrency and report each chunk exactly."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from itertools import pairwise
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from talon_async import BadRequestError, BatchResult, ChunkResult, InvalidRequestError, catalog_action
from talon_async._batch_runner import Operation, _chunks, _Reader
from talon_async._checkpoint import ResumeState
from talon_async.models import AddItemCatalogAction, MultipleCustomerProfileIntegrationRequestItem
from tests.facade.conftest import make_client
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

CATALOG = DocumentFactory().document("Catalog", required_only=True)


class ProfileServer:
    """Accepts PUT /v2/customer_profiles, records every integrationId received, fails chosen chunks."""

    def __init__(self, fail_when_first: set[str] | None = None, delay: float = 0.0) -> None:
        self.fail_when_first = fail_when_first or set()
        self.delay = delay
        self.received: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, object]] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await anyio.sleep(self.delay)
            body = json.loads(request.content)
            self.bodies.append(body)
            ids = [p["integrationId"] for p in body["customerProfiles"]]
            if ids[0] in self.fail_when_first:
                return httpx.Response(400, json={"message": "invalid attribute", "errors": []})
            self.received.update(ids)
            return httpx.Response(204)
        finally:
            self.in_flight -= 1


def profiles(n: int) -> list[dict[str, str]]:
    return [{"integrationId": f"p{i}"} for i in range(n)]


async def test_failure_in_middle_chunk_reports_exactly_its_items() -> None:
    """2,500 profiles, the middle chunk rejected: exactly items 1000..1999 fail, the rest arrive once."""
    server = ProfileServer(fail_when_first={"p1000"})
    items = profiles(2500)
    progress: list[ChunkResult[object]] = []
    async with make_client(server, max_retries=0) as talon:
        result = await talon.batch_update_customer_profiles(items, concurrency=2, on_progress=progress.append)
    assert [len(chunk.items) for chunk in result.chunks] == [1000, 1000, 500]
    assert [chunk.outcome for chunk in result.chunks] == ["ok", "failed", "ok"]
    assert [chunk.index for chunk in result.chunks] == [0, 1, 2]
    assert result.failed_items == items[1000:2000]
    assert isinstance(result.chunks[1].error, BadRequestError)
    assert not result.ok
    assert result.item_count == 2500
    assert sorted(c.index for c in progress) == [0, 1, 2]
    expected = {f"p{i}" for i in [*range(1000), *range(2000, 2500)]}
    assert set(server.received) == expected
    assert set(server.received.values()) == {1}


async def test_server_rejected_items_are_named_by_input_index() -> None:
    """Talon's pointers into a rejected chunk are mapped back to the input index of each bad item."""

    async def handler(request: httpx.Request) -> httpx.Response:
        ids = [p["integrationId"] for p in json.loads(request.content)["customerProfiles"]]
        if ids[0] != "p1000":
            return httpx.Response(204)
        errors = [
            {
                "title": "bad value",
                "details": "not a number",
                "source": {"pointer": "/customerProfiles/17/attributes/age"},
            },
            {"title": "bad request", "source": {"pointer": "/customerProfiles/999"}},
            {"title": "too far", "source": {"pointer": "/customerProfiles/5000"}},
            {"title": "no pointer"},
        ]
        return httpx.Response(400, json={"message": "invalid", "errors": errors})

    async with make_client(handler) as talon:
        result = await talon.batch_update_customer_profiles(profiles(2500), concurrency=3)
    [failed] = result.failed_chunks
    assert failed.rejected_items == [(1017, "/attributes/age: not a number"), (1999, "/: bad request")]
    assert [chunk.rejected_items for chunk in result.chunks if chunk.outcome == "ok"] == [[], []]


async def test_all_ok_result() -> None:
    """A batch with no failure is ok and has no failed items; models and dicts mix freely."""
    server = ProfileServer()
    items: list[object] = [MultipleCustomerProfileIntegrationRequestItem(integration_id="m0"), *profiles(3)]
    async with make_client(server) as talon:
        result = await talon.batch_update_customer_profiles(items)  # type: ignore[arg-type]
    assert result.ok
    assert result.failed_items == []
    assert sorted(server.received) == ["m0", "p0", "p1", "p2"]


async def test_concurrency_is_bounded() -> None:
    """With concurrency=3, never more than 3 chunk requests are in flight, yet they do overlap."""
    server = ProfileServer(delay=0.01)
    async with make_client(server) as talon:
        result = await talon.batch_update_customer_profiles(profiles(10 * 1000), concurrency=3)
    assert result.ok
    assert server.max_in_flight == 3


async def test_async_iterable_input_is_streamed() -> None:
    """An async generator is read only as fast as chunks are sent: 1000 items when the first request lands."""
    consumed = 0
    consumed_at_requests: list[int] = []

    async def source() -> AsyncIterator[dict[str, str]]:
        nonlocal consumed
        for item in profiles(3000):
            consumed += 1
            yield item

    async def handler(request: httpx.Request) -> httpx.Response:
        consumed_at_requests.append(consumed)
        await anyio.lowlevel.checkpoint()
        return httpx.Response(204)

    async with make_client(handler) as talon:
        result = await talon.batch_update_customer_profiles(source(), concurrency=1)
    assert result.ok
    assert consumed_at_requests == [1000, 2000, 3000]


async def test_invalid_item_is_reported_by_index_and_the_rest_flow_on() -> None:
    """A dict missing its required key is listed with its input index and field; every valid item is sent."""
    server = ProfileServer()
    items: list[dict[str, str]] = [*profiles(1000), {"nope": "x"}, *profiles(5)]
    async with make_client(server) as talon:
        result = await talon.batch_update_customer_profiles(items, concurrency=1)
    assert [c.outcome for c in result.chunks] == ["ok", "ok"]
    assert [(f.index, f.item) for f in result.invalid] == [(1000, {"nope": "x"})]
    assert "profiles[1000]" in str(result.invalid[0].error)
    assert "integrationId" in str(result.invalid[0].error)
    assert result.chunks[1].positions == [1001, 1002, 1003, 1004, 1005]
    assert not result.ok
    assert result.failed_items == []
    assert sum(server.received.values()) == 1005


async def test_invalid_nested_field_is_named() -> None:
    """A model value that cannot be serialized is caught as read, naming the item index and the field."""
    server = ProfileServer()
    bad = MultipleCustomerProfileIntegrationRequestItem(integration_id="p7")
    bad.attributes = 5  # type: ignore[assignment]
    async with make_client(server) as talon:
        result = await talon.batch_update_customer_profiles([*profiles(3), bad], concurrency=1)
    assert [f.index for f in result.invalid] == [3]
    assert str(result.invalid[0].error).startswith("profiles[3].attributes")
    assert sum(server.received.values()) == 3


async def test_bad_concurrency_is_refused() -> None:
    """concurrency below 1 is a caller mistake."""
    async with make_client(ProfileServer()) as talon:
        with pytest.raises(InvalidRequestError, match="concurrency"):
            await talon.batch_update_customer_profiles(profiles(1), concurrency=0)


async def test_catalog_batches_one_action_type_per_request() -> None:
    """Consecutive actions of one type share a request; a type change or 1000 actions start a new one."""
    bodies: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append([a["type"] for a in json.loads(request.content)["actions"]])
        return httpx.Response(200, json=CATALOG)

    actions: list[object] = [
        *[catalog_action(AddItemCatalogAction(sku=f"s{i}")) for i in range(1200)],
        {"type": "PATCH", "payload": {"sku": "s1", "price": 2.0}},
        AddItemCatalogAction(sku="late"),
        {"type": "REMOVE", "payload": {"sku": "s2"}},
        {"type": "REMOVE", "payload": {"sku": "s3"}},
    ]
    async with make_client(handler) as talon:
        result = await talon.batch_sync_catalog(7, actions)  # type: ignore[arg-type]
    assert result.ok
    assert [(b[0], len(b)) for b in bodies] == [
        ("ADD", 1000),
        ("ADD", 200),
        ("PATCH", 1),
        ("ADD", 1),
        ("REMOVE", 2),
    ]
    assert all(len(set(b)) == 1 for b in bodies)


async def test_referral_batch_chunks_advocates() -> None:
    """2,001 advocates become requests of 1000, 1000 and 1, each with the shared campaign fields."""
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        assert request.url.params["silent"] == "yes"
        return httpx.Response(204)

    ids = (f"adv{i}" for i in range(2001))
    async with make_client(handler) as talon:
        result = await talon.batch_create_referrals(ids, campaign_id=9, usage_limit=1)
    assert result.ok
    assert [len(b["advocateProfileIntegrationIds"]) for b in bodies] == [1000, 1000, 1]  # type: ignore[arg-type]
    assert {b["campaignId"] for b in bodies} == {9}


async def test_audience_batch_chunks_changes() -> None:
    """Audience changes are sent 1000 per request to the customer audiences endpoint."""
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v2/customer_audiences"
        sizes.append(len(json.loads(request.content)["data"]))
        return httpx.Response(204)

    changes = [{"action": "add", "profileIntegrationId": f"p{i}", "audienceId": 3} for i in range(1500)]
    async with make_client(handler) as talon:
        result = await talon.batch_update_customer_profile_audiences(changes)
    assert isinstance(result, BatchResult)
    assert result.ok
    assert sorted(sizes) == [500, 1000]


async def test_failing_input_lets_inflight_chunks_finish_then_raises() -> None:
    """An exception from the caller's iterable does not cancel a chunk already being sent."""
    finished: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.01)
        finished.append(len(json.loads(request.content)["customerProfiles"]))
        return httpx.Response(204)

    def source() -> Iterator[dict[str, str]]:
        yield from profiles(1000)
        raise RuntimeError("database went away")

    async with make_client(handler) as talon:
        with pytest.raises(RuntimeError, match="database went away"):
            await talon.batch_update_customer_profiles(source(), concurrency=2)
    assert finished == [1000]


class Stop(Exception):
    """The caller's own reason to stop a batch."""


async def test_raising_progress_callback_stops_the_batch_and_lets_inflight_chunks_finish() -> None:
    """on_progress raising: no new chunk starts, chunks in flight finish, the error comes back unwrapped."""
    started: list[int] = []
    finished: list[int] = []
    second_started = anyio.Event()
    release = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        first = int(json.loads(request.content)["customerProfiles"][0]["integrationId"][1:])
        started.append(first)
        with anyio.fail_after(5):
            if first == 0:  # chunk 0 answers only once chunk 1 is in flight
                await second_started.wait()
            else:  # chunk 1 is still in flight when chunk 0 reports and the callback raises
                second_started.set()
                await release.wait()
        finished.append(first)
        return httpx.Response(204)

    def on_progress(chunk: ChunkResult[object]) -> None:
        release.set()
        raise Stop(f"stop after chunk {chunk.index}")

    async with make_client(handler) as talon:
        with pytest.raises(Stop, match="stop after chunk 0") as caught:
            await talon.batch_update_customer_profiles(profiles(5000), concurrency=2, on_progress=on_progress)
    assert sorted(started) == sorted(finished) == [0, 1000]
    assert caught.value.__notes__ == [
        "talon_async: the batch stopped after sending 2 chunk(s) (ok: 0, 1; failed: none); "
        "the rest of the input was not sent"
    ]


async def test_unexpected_error_while_sending_stops_the_batch_unwrapped() -> None:
    """A non-API error from a chunk (a bug in a custom transport, say) is raised as is, not as a group."""

    def handler(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["customerProfiles"][0]["integrationId"] == "p1000":
            raise RuntimeError("transport bug")
        return httpx.Response(204)

    async with make_client(handler) as talon:
        with pytest.raises(RuntimeError, match="transport bug") as caught:
            await talon.batch_update_customer_profiles(profiles(5000), concurrency=1)
    assert caught.value.__notes__ == [
        "talon_async: the batch stopped after sending 2 chunk(s) (ok: 0; failed: 1); "
        "the rest of the input was not sent"
    ]


async def test_catalog_batches_never_repeat_a_sku_in_one_request() -> None:
    """Talon.One rejects a sync request naming a SKU twice, so a repeated SKU starts a new request."""
    bodies: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append([a["payload"]["sku"] for a in json.loads(request.content)["actions"]])
        return httpx.Response(200, json=CATALOG)

    actions = [
        {"type": "PATCH", "payload": {"sku": "a", "price": 1.0}},
        {"type": "PATCH", "payload": {"sku": "b", "price": 1.0}},
        {"type": "PATCH", "payload": {"sku": "a", "price": 2.0}},
        {"type": "PATCH", "payload": {"sku": "c", "price": 2.0}},
        {"type": "PATCH", "payload": {"sku": "b", "price": 3.0}},
    ]
    async with make_client(handler) as talon:
        result = await talon.batch_sync_catalog(7, actions)
    assert result.ok
    assert bodies == [["a", "b"], ["a", "c", "b"]]


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (
            [{"type": "ADD", "payload": {"sku": "a"}}, {"type": "REMOVE", "payload": {"sku": "b"}}],
            "body.actions: Talon.One accepts one action type per sync request, got ADD, REMOVE",
        ),
        (
            [{"type": "REMOVE", "payload": {"sku": "a"}}, {"type": "REMOVE", "payload": {"sku": "a"}}],
            "body.actions\\[1\\]: SKU 'a' appears twice",
        ),
    ],
)
async def test_single_sync_request_rules_are_checked_before_sending(
    actions: list[dict[str, object]], message: str
) -> None:
    """sync_catalog refuses mixed action types or a repeated SKU, naming the field, and sends nothing."""
    async with make_client(lambda r: pytest.fail("must not send")) as talon:
        with pytest.raises(InvalidRequestError, match=message):
            await talon.sync_catalog(1, body={"actions": actions})


async def test_async_progress_callback_is_awaited() -> None:
    """on_progress may be a coroutine function: it is awaited after each chunk, not dropped."""
    reported: list[int] = []

    async def on_progress(chunk: ChunkResult[object]) -> None:
        await anyio.lowlevel.checkpoint()
        reported.append(chunk.index)

    async with make_client(ProfileServer()) as talon:
        result = await talon.batch_update_customer_profiles(profiles(2500), on_progress=on_progress)
    assert result.ok
    assert sorted(reported) == [0, 1, 2]


def _reference_chunks(items: list[int], size: int, starts_new: set[int]) -> list[list[int]]:
    """The rule, spelled out: a chunk ends when it is full, or before an item in ``starts_new``."""
    chunks: list[list[int]] = []
    for item in items:
        if not chunks or len(chunks[-1]) == size or (item in starts_new and chunks[-1]):
            chunks.append([])
        chunks[-1].append(item)
    return [chunk for chunk in chunks if chunk]


@pytest.mark.parametrize("size", [1, 2, 3, 1000])
@pytest.mark.parametrize("with_boundary", [False, True])
@pytest.mark.parametrize("source", ["list", "generator", "async"])
async def test_chunks_are_cut_alike_from_any_source(size: int, with_boundary: bool, source: str) -> None:
    """Lists, generators and async iterables are cut into the same chunks, with and without a boundary."""
    items = list(range(23))
    starts_new = {4, 5, 11, 22} if with_boundary else set()
    calls: list[tuple[int, bool]] = []

    def boundary(item: int, first: bool) -> bool:
        calls.append((item, first))
        return item in starts_new

    async def agen() -> AsyncIterator[int]:
        for item in items:
            yield item

    given: Any = {"list": items, "generator": iter(items), "async": agen()}[source]
    reader = _Reader[int](Operation("test"), None, ResumeState())
    cut = _chunks(reader, given, size, boundary if with_boundary else None)
    chunks = [[entry.item for entry in chunk] async for chunk in cut]
    assert chunks == _reference_chunks(items, size, starts_new)
    if with_boundary:
        assert [item for item, _ in calls] == items  # asked once per item, in order
        # ...and told whether the chunk it joins is still empty: for the first item, and for an item
        # after a chunk that was cut because it was full (not one the boundary itself cut).
        empty_before = {chunks[0][0]} | {
            chunk[0] for before, chunk in pairwise(chunks) if len(before) == size
        }
        assert [first for _, first in calls] == [item in empty_before for item in items]
