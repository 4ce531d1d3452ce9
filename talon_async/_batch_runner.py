"""Batches: split any (async) iterable into requests of at most 1000 items, run them concurrently."""

from __future__ import annotations

import inspect
import re
import secrets
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Iterator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import anyio

from ._checkpoint import (
    APPLIED,
    IN_DOUBT,
    Checkpoint,
    CheckpointEvent,
    EventKind,
    ResumeState,
    parse_shard,
    runs,
    shard_of,
)
from ._errors import APIStatusError, InvalidRequestError, TalonError
from ._request_checks import MAX_ITEMS

__all__ = [
    "BatchResult",
    "Boundary",
    "ChunkResult",
    "ItemFailure",
    "Operation",
    "UncertainItem",
    "run_batches",
]

T = TypeVar("T")

# "/customerProfiles/17/attributes/x": the list a request carries, one item's place, and within it.
_ITEM_POINTER = re.compile(r"^/[A-Za-z]+/(?P<item>\d+)(?P<rest>/.*)?$")


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
    positions: list[int] = field(default_factory=list)
    """The input index of each item (items skipped as invalid, resumed or off-shard leave gaps)."""

    @property
    def rejected_items(self) -> list[tuple[int, str]]:
        """The input index and reason of each item the server's error names, in the order it names them.

        Talon.One points at a bad item as ``/customerProfiles/17/attributes``: the 17th item of
        this request, which is input item ``positions[17]``. Errors that name no item are left out.
        """
        if not isinstance(self.error, APIStatusError):
            return []
        found = []
        for detail in self.error.errors:
            pointer = (detail.source or {}).get("pointer")
            match = _ITEM_POINTER.match(pointer) if isinstance(pointer, str) else None
            if match is None or int(match["item"]) >= len(self.positions):
                continue
            reason = detail.details or detail.title
            found.append((self.positions[int(match["item"])], f"{match['rest'] or '/'}: {reason}"))
        return found

    @property
    def applied(self) -> bool | None:
        """True: applied. False: certainly not applied (refused before or by the server). None: unknown.

        Unknown covers timeouts, connection errors, 5xx answers, cancellation and unexpected
        errors: the server may have applied the chunk before the answer was lost.
        """
        return applied(self.outcome, self.error)


def applied(outcome: str, error: BaseException | None) -> bool | None:
    if outcome == "ok":
        return True
    if isinstance(error, InvalidRequestError):
        return False
    if isinstance(error, APIStatusError) and 400 <= error.status_code < 500 and error.status_code != 408:
        return False
    return None


@dataclass(frozen=True, slots=True)
class ItemFailure(Generic[T]):
    """An input item that failed validation as it was read: never sent, the batch went on without it."""

    index: int
    item: T
    error: InvalidRequestError


@dataclass(frozen=True, slots=True)
class UncertainItem(Generic[T]):
    """An item a checkpoint records in a chunk of unknown outcome, not re-sent on resume.

    Only for operations that are unsafe to repeat (creating referrals): check the server and
    send what is missing yourself.
    """

    index: int
    key: str | None
    item: T


@dataclass(frozen=True, slots=True)
class BatchResult(Generic[T]):
    """Every chunk of a batch, in input order, plus the items that were never put in a chunk.

    Each input item is in exactly one place: a chunk, ``invalid``, ``uncertain``, counted in
    ``resumed`` (applied by an earlier run) or left to another shard.
    """

    chunks: list[ChunkResult[T]] = field(default_factory=list)
    invalid: list[ItemFailure[T]] = field(default_factory=list)
    """Items that failed validation, with their input index and the field at fault."""
    uncertain: list[UncertainItem[T]] = field(default_factory=list)
    """Items of chunks whose outcome a checkpoint left unknown and that are unsafe to re-send."""
    resumed: int = 0
    """Items skipped because the checkpoint records them applied."""
    unlisted_ok_items: int = 0
    """Items of successful chunks not kept in ``chunks`` (``keep_ok_chunks=False``)."""

    @property
    def ok(self) -> bool:
        return all(chunk.outcome == "ok" for chunk in self.chunks) and not self.invalid and not self.uncertain

    @property
    def failed_chunks(self) -> list[ChunkResult[T]]:
        return [chunk for chunk in self.chunks if chunk.outcome == "failed"]

    @property
    def failed_items(self) -> list[T]:
        """Items of failed chunks (invalid items are in ``invalid``)."""
        return [item for chunk in self.failed_chunks for item in chunk.items]

    @property
    def item_count(self) -> int:
        """Items sent in chunks, successful or not."""
        return sum(len(chunk.items) for chunk in self.chunks) + self.unlisted_ok_items


Boundary = Callable[[T, bool], bool]
"""``boundary(item, chunk_is_empty)``: True when ``item`` cannot join the current chunk.

Called once per item in order, so a stateful boundary sees where every chunk starts.
"""


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """How a batch handles the items of one operation.

    ``prepare(item, index)`` validates an item as it is read and returns what ``send`` takes
    (raising ``InvalidRequestError`` naming the field); ``key(item)`` names the item for shards
    and checkpoints (None if it has none); ``repeatable`` says whether a chunk of unknown outcome
    may be sent again on resume.
    """

    name: str
    prepare: Callable[[T, int], object] | None = None
    key: Callable[[T], str | None] | None = None
    repeatable: bool = True


async def run_batches(
    items: Iterable[T] | AsyncIterable[T],
    send: Callable[[list[Any]], Awaitable[object]],
    *,
    concurrency: int,
    on_progress: Callable[[ChunkResult[T]], object] | None = None,
    chunk_size: int = MAX_ITEMS,
    boundary: Boundary[T] | None = None,
    operation: Operation[T] | None = None,
    checkpoint: Checkpoint | None = None,
    shard: tuple[int, int] | str | None = None,
    keep_ok_chunks: bool = True,
) -> BatchResult[T]:
    """Send ``items`` in chunks, at most ``concurrency`` chunks in flight.

    ``on_progress(chunk)`` (a function or a coroutine function) is called after each chunk.

    Input is read only as fast as chunks are sent, so a generator of a million items never sits
    in memory at once. Each item is validated as it is read (``operation.prepare``): an invalid
    one goes to ``BatchResult.invalid`` and the rest flow on. A chunk whose request fails (any
    ``TalonError``) is recorded with its error and the rest carry on; each chunk is sent through
    one call, so no item is sent by two chunks.

    With ``shard=(i, n)`` only items whose key hashes to ``i`` are taken. With a ``checkpoint``,
    each chunk is recorded before it is sent and again when it ends, and items an earlier run
    applied are skipped (see docs/bulk-jobs.md).

    Anything else stops the batch: the caller's iterable raising, ``on_progress`` raising (a
    progress bar bug, or a deliberate "stop after the first failure"), or an unexpected error
    from sending. Then no further input is read and no new chunk starts, the chunks already in
    flight finish and are reported (to ``on_progress`` and the checkpoint) like any other, and
    the first such error is raised as is, with a note saying which chunks were sent and how they
    ended. Cancelled from outside, the chunks in flight are recorded with an unknown outcome.
    """
    if concurrency < 1:
        raise InvalidRequestError(f"concurrency: {concurrency} is less than 1")
    if not 1 <= chunk_size <= MAX_ITEMS:
        raise InvalidRequestError(f"chunk_size: {chunk_size} is outside 1..{MAX_ITEMS}")
    op = operation or Operation[T]("batch")
    shard = parse_shard(shard)
    if shard is not None and op.key is None:
        raise InvalidRequestError(f"shard: {op.name} items have no key to shard by")
    resume = _resume_state(checkpoint, op.name, shard)
    run_id = secrets.token_hex(4)
    if checkpoint is not None:
        await checkpoint.write(CheckpointEvent("run", chunk=run_id, operation=op.name, shard=shard))
    reader = _Reader(op, shard, resume)
    results: list[ChunkResult[T]] = []
    ok_unlisted = 0
    slots = anyio.Semaphore(concurrency)
    stop: list[Exception] = []

    async def report(result: ChunkResult[T]) -> None:
        nonlocal ok_unlisted
        if keep_ok_chunks or result.outcome != "ok":
            results.append(result)
        else:
            ok_unlisted += len(result.items)
        if checkpoint is not None:
            known = result.applied
            kind: EventKind = "applied" if known else "rejected" if known is False else "unknown"
            error = None if result.error is None else str(result.error)[:500]
            try:
                await checkpoint.write(CheckpointEvent(kind, chunk=f"{run_id}.{result.index}", error=error))
            except Exception as exc:
                stop.append(exc)
        if on_progress is not None:
            try:
                # An async callback is awaited; calling it and dropping the coroutine would
                # silently report nothing.
                if inspect.isawaitable(reported := on_progress(result)):
                    await reported
            except Exception as exc:
                stop.append(exc)

    async def run(index: int, entries: list[_Entry[T]]) -> None:
        chunk = [entry.item for entry in entries]
        positions = [entry.index for entry in entries]
        result: ChunkResult[T] | None = None
        try:
            if checkpoint is not None:
                keys = tuple(entry.key or "" for entry in entries)
                event = CheckpointEvent(
                    "sending", chunk=f"{run_id}.{index}", positions=runs(positions), keys=keys
                )
                try:
                    await checkpoint.write(event)
                except Exception as exc:
                    # Unrecorded, the chunk must not be sent: a crash would leave no trace of it.
                    stop.append(exc)
                    return
            try:
                response = await send([entry.prepared for entry in entries])
            except TalonError as exc:
                result = ChunkResult(index, chunk, "failed", exc, positions=positions)
            except Exception as exc:
                # Not an API outcome but a bug or an unexpected failure: record the chunk as
                # failed so it is not lost, and stop the batch.
                result = ChunkResult(index, chunk, "failed", None, positions=positions)
                stop.append(exc)
            else:
                result = ChunkResult(index, chunk, "ok", None, response, positions=positions)
            await report(result)
        except anyio.get_cancelled_exc_class():
            if result is None:
                result = ChunkResult(index, chunk, "failed", None, positions=positions)
            # Cancelled mid-request: the server may or may not have applied the chunk. Say so
            # before unwinding, so a checkpoint never misses a chunk that was sent.
            with anyio.CancelScope(shield=True), anyio.move_on_after(_REPORT_GRACE):
                await report(result)
            raise
        finally:
            slots.release()

    async with (
        anyio.create_task_group() as tg,
        aclosing(_chunks(reader, items, chunk_size, boundary)) as chunks,
    ):
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
    return BatchResult(results, reader.invalid, reader.uncertain, reader.resumed, ok_unlisted)


# Seconds a cancelled batch may spend recording its chunks in flight.
_REPORT_GRACE = 5.0


def _resume_state(
    checkpoint: Checkpoint | None, operation: str, shard: tuple[int, int] | None
) -> ResumeState:
    if checkpoint is None:
        return ResumeState()
    state = ResumeState.of(checkpoint.replay())
    if state.runs and state.operation != operation:
        raise InvalidRequestError(
            f"checkpoint: it records a {state.operation} batch, not {operation}; use a checkpoint per job"
        )
    if state.runs and state.shard != shard:
        raise InvalidRequestError(
            f"checkpoint: it records shard {_shard_text(state.shard)}, not {_shard_text(shard)}; "
            "use a checkpoint per shard"
        )
    return state


def _shard_text(shard: tuple[int, int] | None) -> str:
    return "none" if shard is None else f"{shard[0]}/{shard[1]}"


@dataclass(slots=True)
class _Entry(Generic[T]):
    index: int
    item: T
    prepared: object
    key: str | None


class _Reader(Generic[T]):
    """Admits input items one by one: off-shard, already applied, in doubt, invalid, or to send."""

    __slots__ = ("invalid", "op", "resume", "resumed", "shard", "uncertain")

    def __init__(self, op: Operation[T], shard: tuple[int, int] | None, resume: ResumeState) -> None:
        self.op = op
        self.shard = shard
        self.resume = resume
        self.invalid: list[ItemFailure[T]] = []
        self.uncertain: list[UncertainItem[T]] = []
        self.resumed = 0

    def admit(self, index: int, item: T) -> _Entry[T] | None:
        op = self.op
        key = _key(op, item)
        if (
            self.shard is not None
            and shard_of(key if key is not None else f"#{index}", self.shard[1]) != self.shard[0]
        ):
            return None
        known = self.resume[index]
        if known == APPLIED:
            self.resumed += 1
            return None
        if known == IN_DOUBT and not op.repeatable:
            self.uncertain.append(UncertainItem(index, key, item))
            return None
        if op.prepare is None:
            return _Entry(index, item, item, key)
        try:
            prepared = op.prepare(item, index)
        except InvalidRequestError as exc:
            self.invalid.append(ItemFailure(index, item, exc))
            return None
        return _Entry(index, item, prepared, key)


def _key(op: Operation[T], item: T) -> str | None:
    if op.key is None:
        return None
    try:
        return op.key(item)
    except Exception:
        # An item too broken to name is still read (and reported invalid) rather than crashing.
        return None


def _stopped_note(results: list[ChunkResult[T]]) -> str:
    def indexes(outcome: str) -> str:
        return ", ".join(str(chunk.index) for chunk in results if chunk.outcome == outcome) or "none"

    return (
        f"talon_async: the batch stopped after sending {len(results)} chunk(s) "
        f"(ok: {indexes('ok')}; failed: {indexes('failed')}); the rest of the input was not sent"
    )


async def _chunks(
    reader: _Reader[T], items: Iterable[T] | AsyncIterable[T], size: int, boundary: Boundary[T] | None
) -> AsyncGenerator[list[_Entry[T]]]:
    cutter = _Cutter[T](size, boundary)
    if not isinstance(items, AsyncIterable):
        # A plain iterable is cut without an await per item (10,000 of those cost about 5 ms).
        for chunk in _sync_chunks(reader, iter(items), cutter):
            yield chunk
        return
    index = 0
    async for item in items:
        entry = reader.admit(index, item)
        index += 1
        if entry is not None:
            for chunk in cutter.push(entry):
                yield chunk
    for chunk in cutter.flush():
        yield chunk


def _sync_chunks(reader: _Reader[T], items: Iterator[T], cutter: _Cutter[T]) -> Iterator[list[_Entry[T]]]:
    admit = reader.admit
    push = cutter.push
    for index, item in enumerate(items):
        entry = admit(index, item)
        if entry is not None:
            yield from push(entry)
    yield from cutter.flush()


class _Cutter(Generic[T]):
    """Cuts a stream of items into chunks of at most ``size``, also before each item ``boundary`` marks."""

    __slots__ = ("boundary", "chunk", "size")

    def __init__(self, size: int, boundary: Boundary[T] | None) -> None:
        self.size = size
        self.boundary = boundary
        self.chunk: list[_Entry[T]] = []

    def push(self, entry: _Entry[T]) -> tuple[list[_Entry[T]], ...]:
        """Add ``entry``; return the chunks it closed (none, one, or two when ``size`` is 1)."""
        closed: tuple[list[_Entry[T]], ...] = ()
        if self.boundary is not None and self.boundary(entry.item, not self.chunk) and self.chunk:
            closed = (self.chunk,)
            self.chunk = []
        self.chunk.append(entry)
        if len(self.chunk) == self.size:
            closed = (*closed, self.chunk)
            self.chunk = []
        return closed

    def flush(self) -> tuple[list[_Entry[T]], ...]:
        """The last, partly filled chunk, if any."""
        return (self.chunk,) if self.chunk else ()
