"""Checkpoints survive torn writes, record every chunk that ends or is cut off, and shards are disjoint."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import httpx
import pytest

from talon_async import ChunkResult, JsonlCheckpoint, shard_of
from talon_async._checkpoint import APPLIED, IN_DOUBT, NOT_SENT, CheckpointEvent, ResumeState, parse_shard
from talon_async._errors import InvalidRequestError
from tests.facade.conftest import make_client

pytestmark = pytest.mark.anyio


def profiles(n: int) -> list[dict[str, str]]:
    return [{"integrationId": f"p{i}"} for i in range(n)]


async def test_torn_last_line_is_ignored_and_the_next_write_starts_a_new_line(tmp_path: Path) -> None:
    """A line cut off by a crash is dropped on replay, and appending after it still yields readable lines."""
    path = tmp_path / "cp.jsonl"
    checkpoint = JsonlCheckpoint(path)
    await checkpoint.write(CheckpointEvent("sending", chunk="r.0", positions=((0, 3),), keys=("a", "b", "c")))
    checkpoint.close()
    with path.open("ab") as handle:
        handle.write(b'{"e":"applied","c":"r.')
    assert [event.kind for event in JsonlCheckpoint(path).replay()] == ["sending"]
    again = JsonlCheckpoint(path)
    await again.write(CheckpointEvent("applied", chunk="r.0"))
    again.close()
    state = ResumeState.of(JsonlCheckpoint(path).replay())
    assert [state[i] for i in range(4)] == [APPLIED, APPLIED, APPLIED, NOT_SENT]


def test_resume_state_keeps_applied_items_applied() -> None:
    """A later unknown or rejected chunk never un-applies an item an earlier chunk applied."""
    events = [
        CheckpointEvent("sending", chunk="a.0", positions=((0, 2),)),
        CheckpointEvent("applied", chunk="a.0"),
        CheckpointEvent("sending", chunk="b.0", positions=((1, 3),)),
        CheckpointEvent("sending", chunk="b.1", positions=((3, 4),)),
        CheckpointEvent("rejected", chunk="b.1"),
    ]
    state = ResumeState.of(events)
    assert [state[i] for i in range(4)] == [APPLIED, APPLIED, IN_DOUBT, NOT_SENT]


async def test_cancelled_batch_records_its_chunks_in_flight_as_unknown(tmp_path: Path) -> None:
    """Cancelled from outside, a batch records and reports each chunk in flight as of unknown outcome."""
    entered = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        entered.set()
        await anyio.sleep(30)
        return httpx.Response(204)

    reported: list[ChunkResult[object]] = []
    path = tmp_path / "cp.jsonl"
    async with make_client(handler) as talon:
        with anyio.move_on_after(5):
            async with anyio.create_task_group() as tg:

                async def batch() -> None:
                    await talon.batch_update_customer_profiles(
                        profiles(1500), concurrency=2, checkpoint=path, on_progress=reported.append
                    )

                tg.start_soon(batch)
                await entered.wait()
                await anyio.sleep(0.05)
                tg.cancel_scope.cancel()
    kinds = [json.loads(line)["e"] for line in path.read_text().splitlines()]
    assert kinds.count("sending") == 2
    assert kinds.count("unknown") == 2
    assert sorted(len(chunk.items) for chunk in reported) == [500, 1000]
    assert all(chunk.applied is None for chunk in reported)


async def test_chunks_in_flight_when_a_batch_stops_reach_on_progress(tmp_path: Path) -> None:
    """When the input raises, the chunk already being sent still reaches on_progress and the checkpoint."""

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.05)
        return httpx.Response(204)

    def source():  # type: ignore[no-untyped-def]
        yield from profiles(1000)
        raise RuntimeError("database went away")

    reported: list[int] = []
    path = tmp_path / "cp.jsonl"
    async with make_client(handler) as talon:
        with pytest.raises(RuntimeError, match="database went away"):
            await talon.batch_update_customer_profiles(
                source(), concurrency=2, checkpoint=path, on_progress=lambda c: reported.append(len(c.items))
            )
    assert reported == [1000]
    state = ResumeState.of(JsonlCheckpoint(path).replay())
    assert all(state[i] == APPLIED for i in range(1000))


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_shards_partition_the_input_disjointly() -> None:
    """Four shards of 3,000 profiles send each profile exactly once between them."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.extend(p["integrationId"] for p in json.loads(request.content)["customerProfiles"])
        return httpx.Response(204)

    async with make_client(handler) as talon:
        for index in range(4):
            await talon.batch_update_customer_profiles(profiles(3000), shard=(index, 4))
    assert sorted(sent) == sorted(p["integrationId"] for p in profiles(3000))
    assert shard_of("p1", 4) == shard_of("p1", 4)


def test_shard_arguments_are_checked() -> None:
    """i/n must satisfy 0 <= i < n."""
    assert parse_shard("1/3") == (1, 3)
    for bad in ("3/3", "x/2", "1", (0, 0)):
        with pytest.raises(InvalidRequestError, match="shard"):
            parse_shard(bad)  # type: ignore[arg-type]
