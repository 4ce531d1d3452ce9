"""Per-entity serialization: one lock per session or profile, held only while someone needs it."""

from __future__ import annotations

from collections.abc import Hashable

import anyio

__all__ = ["KeyedLocks"]


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

    async def __aenter__(self) -> None:
        entry = self._entries.get(self._key)
        if entry is None:
            entry = self._entries[self._key] = _Entry()
            entry.users = 1
            self._entry = entry
            return
        entry.users += 1
        self._entry = entry
        if entry.turns is None:
            entry.turns = anyio.Semaphore(1, fast_acquire=True)
            entry.turns.acquire_nowait()  # the permit the first holder went in without
        try:
            await entry.turns.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        if self._entry.turns is not None:
            self._entry.turns.release()
        self._leave()

    def _leave(self) -> None:
        entry = self._entry
        entry.users -= 1
        if entry.users == 0:
            del self._entries[self._key]
