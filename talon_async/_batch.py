"""Batches: split any (async) iterable into requests of at most 1000 items, run them concurrently."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

import anyio

from ._errors import InvalidRequestError, TalonError
from ._flags import MAX_ITEMS

__all__ = ["BatchResult", "ChunkResult", "run_batches"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChunkResult(Generic[T]):
    """One request of a batch: its position, its items, and what happened to it."""

    index: int
    items: list[T]
    outcome: Literal["ok", "failed"]
    error: TalonError | None = None
    """Why the chunk failed; its items were not (or not certainly) applied."""
    response: object = None
    """The parsed answer when the operation returns one (``silent=False``), else ``None``."""


@dataclass(frozen=True, slots=True)
class BatchResult(Generic[T]):
    """Every chunk of a batch, in input order. Nothing is dropped: each input item is in one chunk."""

    chunks: list[ChunkResult[T]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(chunk.outcome == "ok" for chunk in self.chunks)

    @property
    def failed_chunks(self) -> list[ChunkResult[T]]:
        return [chunk for chunk in self.chunks if chunk.outcome == "failed"]

    @property
    def failed_items(self) -> list[T]:
        return [item for chunk in self.failed_chunks for item in chunk.items]

    @property
    def item_count(self) -> int:
        return sum(len(chunk.items) for chunk in self.chunks)


async def run_batches(
    items: Iterable[T] | AsyncIterable[T],
    send: Callable[[list[T]], Awaitable[object]],
    *,
    concurrency: int,
    on_progress: Callable[[ChunkResult[T]], object] | None = None,
    chunk_size: int = MAX_ITEMS,
    group_by: Callable[[T], Hashable] | None = None,
) -> BatchResult[T]:
    """Send ``items`` in chunks, at most ``concurrency`` chunks in flight.

    Input is read only as fast as chunks are sent, so a generator of a million items never sits
    in memory at once. A chunk that fails is recorded with its error and the rest carry on;
    each chunk is sent through one call, so no item is sent by two chunks. If the input itself
    raises, the chunks already sent are awaited and the error is raised.
    """
    if concurrency < 1:
        raise InvalidRequestError(f"concurrency: {concurrency} is less than 1")
    if not 1 <= chunk_size <= MAX_ITEMS:
        raise InvalidRequestError(f"chunk_size: {chunk_size} is outside 1..{MAX_ITEMS}")
    results: list[ChunkResult[T]] = []
    slots = anyio.Semaphore(concurrency)

    async def run(index: int, chunk: list[T]) -> None:
        try:
            try:
                response = await send(chunk)
            except TalonError as exc:
                result = ChunkResult(index, chunk, "failed", exc)
            else:
                result = ChunkResult(index, chunk, "ok", None, response)
            results.append(result)
            if on_progress is not None:
                on_progress(result)
        finally:
            slots.release()

    input_error: Exception | None = None
    async with anyio.create_task_group() as tg:
        index = 0
        try:
            # Take a slot before reading the next chunk, so input is consumed at the sending pace.
            await slots.acquire()
            async for chunk in _chunks(items, chunk_size, group_by):
                tg.start_soon(run, index, chunk)
                index += 1
                await slots.acquire()
            slots.release()
        except Exception as exc:
            # The caller's iterable failed: let chunks already in flight finish (cancelling them
            # would leave their outcome unknown), then raise.
            input_error = exc
    if input_error is not None:
        raise input_error
    results.sort(key=lambda chunk: chunk.index)
    return BatchResult(results)


async def _chunks(
    items: Iterable[T] | AsyncIterable[T], size: int, group_by: Callable[[T], Hashable] | None
) -> AsyncIterator[list[T]]:
    chunk: list[T] = []
    key: Hashable = None
    async for item in _aiter(items):
        if group_by is not None:
            item_key = group_by(item)
            if chunk and item_key != key:
                yield chunk
                chunk = []
            key = item_key
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _aiter(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
