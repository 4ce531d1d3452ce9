"""Checkpoints: what a batch sent and how each chunk ended, durable enough to resume after SIGKILL.

A checkpoint is a sequence of events. Before a chunk is sent, a ``sending`` event lists the input
positions (and the keys) of its items; after it ends, one of ``applied``, ``rejected`` or
``unknown`` says what became of it. A chunk with a ``sending`` event and no ending one was in flight
when the process died: its outcome is unknown too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, Protocol

import anyio.to_thread

from ._errors import InvalidRequestError

__all__ = [
    "Checkpoint",
    "CheckpointEvent",
    "JsonlCheckpoint",
    "ResumeState",
    "parse_shard",
    "shard_of",
]

EventKind = Literal["run", "sending", "applied", "rejected", "unknown"]


@dataclass(frozen=True, slots=True)
class CheckpointEvent:
    """One line of a checkpoint.

    ``run`` events open a run and carry ``operation`` and ``shard``; chunk events carry ``chunk``
    (unique across runs), and ``sending`` also ``positions`` (input indexes as ``(start, stop)``
    runs) and ``keys``; ending events may carry ``error``.
    """

    kind: EventKind
    chunk: str = ""
    positions: tuple[tuple[int, int], ...] = ()
    keys: tuple[str, ...] = ()
    error: str | None = None
    operation: str | None = None
    shard: tuple[int, int] | None = None


class Checkpoint(Protocol):
    """Where a batch records its chunks. ``JsonlCheckpoint`` is the file-backed default."""

    def replay(self) -> Iterable[CheckpointEvent]:
        """The events earlier runs recorded, oldest first (none for a new checkpoint)."""
        ...

    async def write(self, event: CheckpointEvent) -> None:
        """Record ``event`` durably: once this returns, a crash must not lose it."""
        ...


class JsonlCheckpoint:
    """A checkpoint file of JSON lines, appended to and fsync'd once per event.

    Safe to read after the writer was killed at any instant: a torn last line (the only kind of
    damage an append can leave) is ignored, and so is its event, which never completed.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None

    def __repr__(self) -> str:
        return f"JsonlCheckpoint({str(self.path)!r})"

    def replay(self) -> Iterator[CheckpointEvent]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    return  # torn by a crash mid-append: the event was never recorded
                try:
                    yield _decode(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InvalidRequestError(
                        f"checkpoint {self.path}: unreadable line {line[:80]!r}"
                    ) from exc

    async def write(self, event: CheckpointEvent) -> None:
        line = json.dumps(_encode(event), separators=(",", ":")).encode() + b"\n"
        # fsync blocks for milliseconds; a worker thread keeps the event loop serving other chunks.
        await anyio.to_thread.run_sync(self._append, line)

    def _append(self, line: bytes) -> None:
        if self._file is None:
            _drop_torn_line(self.path)
            self._file = self.path.open("ab")
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _drop_torn_line(path: Path) -> None:
    """Cut a line a killed run left half-written, so the next event does not glue onto it."""
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        return
    with handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # A torn line is at most one event long; scan back for the newline that ends the last whole one.
        keep = 0
        position = size
        while position > 0:
            step = min(1 << 16, position)
            position -= step
            handle.seek(position)
            block = handle.read(step)
            newline = block.rfind(b"\n")
            if newline >= 0:
                keep = position + newline + 1
                break
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())


def _encode(event: CheckpointEvent) -> dict[str, object]:
    data: dict[str, object] = {"e": event.kind}
    if event.chunk:
        data["c"] = event.chunk
    if event.positions:
        data["p"] = [list(run) for run in event.positions]
    if event.keys:
        data["k"] = list(event.keys)
    if event.error is not None:
        data["err"] = event.error
    if event.operation is not None:
        data["op"] = event.operation
    if event.shard is not None:
        data["shard"] = list(event.shard)
    return data


def _decode(data: dict[str, object]) -> CheckpointEvent:
    kind = data["e"]
    if kind not in ("run", "sending", "applied", "rejected", "unknown"):
        raise ValueError(f"unknown event {kind!r}")
    positions = data.get("p", [])
    shard = data.get("shard")
    error = data.get("err")
    operation = data.get("op")
    return CheckpointEvent(
        kind=kind,
        chunk=str(data.get("c", "")),
        positions=tuple((int(a), int(b)) for a, b in positions),  # type: ignore[attr-defined]
        keys=(),  # keys are for people reading the file; resuming goes by position
        error=None if error is None else str(error),
        operation=None if operation is None else str(operation),
        shard=None if shard is None else (int(shard[0]), int(shard[1])),  # type: ignore[index]
    )


def runs(positions: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Ascending positions as ``(start, stop)`` runs: a 1000-item chunk is usually one pair."""
    out: list[tuple[int, int]] = []
    for position in positions:
        if out and out[-1][1] == position:
            out[-1] = (out[-1][0], position + 1)
        else:
            out.append((position, position + 1))
    return tuple(out)


# Per input position, what earlier runs know about it.
NOT_SENT, APPLIED, IN_DOUBT = 0, 1, 2


class ResumeState:
    """What a checkpoint says about each input position: not sent (or rejected), applied, or in doubt."""

    def __init__(self) -> None:
        self._state = bytearray()
        self.operation: str | None = None
        self.shard: tuple[int, int] | None = None
        self.runs = 0

    @classmethod
    def of(cls, events: Iterable[CheckpointEvent]) -> ResumeState:
        state = cls()
        pending: dict[str, tuple[tuple[int, int], ...]] = {}
        for event in events:
            if event.kind == "run":
                state.runs += 1
                state.operation = state.operation or event.operation
                state.shard = state.shard or event.shard
            elif event.kind == "sending":
                pending[event.chunk] = event.positions
                state._mark(event.positions, IN_DOUBT, keep_applied=True)
            elif event.kind == "applied":
                state._mark(pending.pop(event.chunk, ()), APPLIED, keep_applied=False)
            elif event.kind == "rejected":
                state._mark(pending.pop(event.chunk, ()), NOT_SENT, keep_applied=True)
            else:  # unknown: stays in doubt
                pending.pop(event.chunk, None)
        return state

    def _mark(self, positions: Iterable[tuple[int, int]], value: int, *, keep_applied: bool) -> None:
        for start, stop in positions:
            if stop > len(self._state):
                self._state.extend(bytes(stop - len(self._state)))
            for position in range(start, stop):
                if not (keep_applied and self._state[position] == APPLIED):
                    self._state[position] = value

    def __getitem__(self, position: int) -> int:
        return self._state[position] if position < len(self._state) else NOT_SENT


def shard_of(key: str, shards: int) -> int:
    """The shard (0..shards-1) that owns ``key``: the same on every machine and Python process.

    Python's ``hash`` of a str is salted per process, so it cannot split work between processes.
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def parse_shard(value: tuple[int, int] | str | None) -> tuple[int, int] | None:
    """``(i, n)`` or ``"i/n"`` checked to ``0 <= i < n``."""
    if value is None:
        return None
    if isinstance(value, str):
        head, sep, tail = value.partition("/")
        if not sep or not head.strip().isdigit() or not tail.strip().isdigit():
            raise InvalidRequestError(f"shard: {value!r} is not i/n (say 0/4)")
        value = (int(head), int(tail))
    index, count = value
    if count < 1 or not 0 <= index < count:
        raise InvalidRequestError(f"shard: ({index}, {count}) needs 0 <= i < n")
    return index, count
