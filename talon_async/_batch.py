"""Batches: split any (async) iterable into requests of at most 1000 items, run them concurrently."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Iterator
from contextlib import aclosing
from dataclasses import dataclass, field
from itertools import islice
from typing import Generic, Literal, TypeVar

import anyio

from ._checks import MAX_ITEMS
from ._errors import InvalidRequestError, TalonError

__all__ = ["BatchResult", "Boundary", "ChunkResult", "run_batches"]

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


Boundary = Callable[[T, bool], bool]
"""``boundary(item, chunk_is_empty)``: True when ``item`` cannot join the current chunk.

Called once per item in order, so a stateful boundary sees where every chunk starts.
"""


async def run_batches(
    items: Iterable[T] | AsyncIterable[T],
    send: Callable[[list[T]], Awaitable[object]],
    *,
    concurrency: int,
    on_progress: Callable[[ChunkResult[T]], object] | None = None,
    chunk_size: int = MAX_ITEMS,
    boundary: Boundary[T] | None = None,
) -> BatchResult[T]:
    """Send ``items`` in chunks, at most ``concurrency`` chunks in flight.

    ``on_progress(chunk)`` (a function or a coroutine function) is called after each chunk.

    Input is read only as fast as chunks are sent, so a generator of a million items never sits
    in memory at once. A chunk whose request fails (any ``TalonError``) is recorded with its
    error and the rest carry on; each chunk is sent through one call, so no item is sent by two
    chunks.

    Anything else stops the batch: the caller's iterable raising, ``on_progress`` raising (a
    progress bar bug, or a deliberate "stop after the first failure"), or an unexpected error
    from sending. Then no further input is read and no new chunk starts, the chunks already in
    flight finish (cancelling them would leave their outcome unknown; ``on_progress`` is not
    called again), and the first such error is raised as is, with a note saying which chunks
    were sent and how they ended.
    """
    if concurrency < 1:
        raise InvalidRequestError(f"concurrency: {concurrency} is less than 1")
    if not 1 <= chunk_size <= MAX_ITEMS:
        raise InvalidRequestError(f"chunk_size: {chunk_size} is outside 1..{MAX_ITEMS}")
    results: list[ChunkResult[T]] = []
    slots = anyio.Semaphore(concurrency)
    stop: list[Exception] = []

    async def run(index: int, chunk: list[T]) -> None:
        try:
            try:
                response = await send(chunk)
            except TalonError as exc:
                result = ChunkResult(index, chunk, "failed", exc)
            except Exception as exc:
                # Not an API outcome but a bug or an unexpected failure: record the chunk as
                # failed so it is not lost, and stop the batch.
                result = ChunkResult(index, chunk, "failed", None)
                stop.append(exc)
            else:
                result = ChunkResult(index, chunk, "ok", None, response)
            results.append(result)
            if on_progress is not None and not stop:
                try:
                    # An async callback is awaited; calling it and dropping the coroutine would
                    # silently report nothing.
                    if inspect.isawaitable(reported := on_progress(result)):
                        await reported
                except Exception as exc:
                    stop.append(exc)
        finally:
            slots.release()

    async with anyio.create_task_group() as tg, aclosing(_chunks(items, chunk_size, boundary)) as chunks:
        index = 0
        try:
            while True:
                # Take a slot before reading the next chunk, so input is consumed at the
                # sending pace, and so a stop seen here leaves the rest of the input unread.
                await slots.acquire()
                chunk = None if stop else await anext(chunks, None)
                if chunk is None or stop:
                    break
                tg.start_soon(run, index, chunk)
                index += 1
        except Exception as exc:
            stop.append(exc)
    results.sort(key=lambda chunk: chunk.index)
    if stop:
        error = stop[0]
        error.add_note(_stopped_note(results))
        raise error
    return BatchResult(results)


def _stopped_note(results: list[ChunkResult[T]]) -> str:
    def indexes(outcome: str) -> str:
        return ", ".join(str(chunk.index) for chunk in results if chunk.outcome == outcome) or "none"

    return (
        f"talon_async: the batch stopped after sending {len(results)} chunk(s) "
        f"(ok: {indexes('ok')}; failed: {indexes('failed')}); the rest of the input was not sent"
    )


async def _chunks(
    items: Iterable[T] | AsyncIterable[T], size: int, boundary: Boundary[T] | None
) -> AsyncGenerator[list[T]]:
    if not isinstance(items, AsyncIterable):
        # A plain iterable is cut without an await per item (10,000 of those cost about 5 ms).
        for chunk in _sync_chunks(iter(items), size, boundary):
            yield chunk
        return
    cutter = _Cutter[T](size, boundary)
    async for item in items:
        for chunk in cutter.push(item):
            yield chunk
    for chunk in cutter.flush():
        yield chunk


def _sync_chunks(items: Iterator[T], size: int, boundary: Boundary[T] | None) -> Iterator[list[T]]:
    if boundary is None:
        while chunk := list(islice(items, size)):
            yield chunk
        return
    cutter = _Cutter[T](size, boundary)
    for item in items:
        yield from cutter.push(item)
    yield from cutter.flush()


class _Cutter(Generic[T]):
    """Cuts a stream of items into chunks of at most ``size``, also before each item ``boundary`` marks."""

    __slots__ = ("boundary", "chunk", "size")

    def __init__(self, size: int, boundary: Boundary[T] | None) -> None:
        self.size = size
        self.boundary = boundary
        self.chunk: list[T] = []

    def push(self, item: T) -> tuple[list[T], ...]:
        """Add ``item``; return the chunks it closed (none, one, or two when ``size`` is 1)."""
        closed: tuple[list[T], ...] = ()
        if self.boundary is not None and self.boundary(item, not self.chunk) and self.chunk:
            closed = (self.chunk,)
            self.chunk = []
        self.chunk.append(item)
        if len(self.chunk) == self.size:
            closed = (*closed, self.chunk)
            self.chunk = []
        return closed

    def flush(self) -> tuple[list[T], ...]:
        """The last, partly filled chunk, if any."""
        return (self.chunk,) if self.chunk else ()
