"""Per-entity serialization: one lock per session or profile, held only while someone needs it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager

import anyio

__all__ = ["KeyedLocks"]


class _Entry:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = anyio.Lock(fast_acquire=True)
        self.users = 0


class KeyedLocks:
    """Strictly private. Serializes work per key; a key's lock is dropped when no one holds or awaits it.

    Talon.One answers 409 when two requests update one session or profile at once, so calls for
    the same key queue up here while calls for different keys run in parallel. Dropping idle
    entries keeps the dict as small as the number of keys in flight.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]
