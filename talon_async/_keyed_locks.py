"""Per-entity serialization and the concurrency limit: what a call may have to wait for before it is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Generator, Hashable
from typing import Any

import anyio

__all__ = ["ConcurrencyLimit", "KeyedLocks"]


class _Done:
    """An awaitable that is already complete: ``async with`` on a free lock or slot builds no coroutine.

    Most calls find their lock and a slot free. Entering and leaving them synchronously, and
    handing ``async with`` this instead of a coroutine, saves four coroutine frames per call.
    """

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        yield from ()


_DONE = _Done()


class ConcurrencyLimit:
    """Strictly private. At most ``slots`` holders at once; the rest wait in turn, first come first served."""

    __slots__ = ("_semaphore",)

    def __init__(self, slots: int) -> None:
        self._semaphore = anyio.Semaphore(slots, fast_acquire=True)

    def __aenter__(self) -> Awaitable[None]:
        try:
            # Refused while others wait: a released slot goes to the first waiter, never to a newcomer.
            self._semaphore.acquire_nowait()
        except anyio.WouldBlock:
            return self._semaphore.acquire()
        return _DONE

    def __aexit__(self, *exc_info: object) -> Awaitable[None]:
        self._semaphore.release()
        return _DONE


class _Entry:
    __slots__ = ("turns", "users")

    def __init__(self) -> None:
        # Created by the first caller that has to wait: an uncontended key (the usual case) then
        # costs a dict entry, not an anyio primitive and its acquire/release.
        self.turns: anyio.Semaphore | None = None
        self.users = 0


class KeyedLocks:
    """Strictly private. Serializes work per key; a key's entry is dropped when no one holds or awaits it.

    Talon.One answers 409 when two requests update one session or profile at once, so calls for
    the same key queue up here while calls for different keys run in parallel. Dropping idle
    entries keeps the dict as small as the number of keys in flight.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def hold(self, key: Hashable) -> _Hold:
        """``async with locks.hold(key):`` runs the block while no other holder of ``key`` does."""
        return _Hold(self._entries, key)


class _Hold:
    """One ``hold()``: a plain class, since ``@asynccontextmanager`` costs a generator per call.

    The first holder of a key goes in without a lock. A second one creates the key's semaphore,
    takes its one permit on behalf of that first holder, and waits; each holder hands the permit
    on when it leaves (a semaphore, not a lock, because the permit changes tasks).
    """

    __slots__ = ("_entries", "_entry", "_key")

    def __init__(self, entries: dict[Hashable, _Entry], key: Hashable) -> None:
        self._entries = entries
        self._key = key

    def __aenter__(self) -> Awaitable[None]:
        entry = self._entries.get(self._key)
        if entry is None:
            entry = self._entries[self._key] = _Entry()
            entry.users = 1
            self._entry = entry
            return _DONE
        entry.users += 1
        self._entry = entry
        if entry.turns is None:
            entry.turns = anyio.Semaphore(1, fast_acquire=True)
            entry.turns.acquire_nowait()  # the permit the first holder went in without
        return self._wait(entry.turns)

    async def _wait(self, turns: anyio.Semaphore) -> None:
        try:
            await turns.acquire()
        except BaseException:
            self._leave()
            raise

    def __aexit__(self, *exc_info: object) -> Awaitable[None]:
        if self._entry.turns is not None:
            self._entry.turns.release()
        self._leave()
        return _DONE

    def _leave(self) -> None:
        entry = self._entry
        entry.users -= 1
        if entry.users == 0:
            del self._entries[self._key]
