"""``Paginator``: walk a paged list lazily, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

from ._errors import InvalidRequestError
from ._flags import MAX_ITEMS, check_page_size

__all__ = ["Fetch", "Paginator"]

T = TypeVar("T")

Fetch = Callable[[int, int], Awaitable[tuple[list[T], bool]]]
"""``fetch(skip, page_size) -> (items, has_more)``: one request for one page."""


class Paginator(Generic[T]):
    """Every item of a paged Talon.One list: ``async for item in paginator``.

    Pages are requested with ``skip``/``pageSize`` only when the previous one is used up, and
    the walk stops when the server says ``hasMore`` is false (or sends an empty page), or when
    ``max_items`` items have been yielded. ``pages()`` yields each page's items as a list.
    A paginator can be iterated more than once; each walk starts again from the first page.
    """

    def __init__(self, fetch: Fetch[T], *, page_size: int = MAX_ITEMS, max_items: int | None = None) -> None:
        check_page_size(page_size)
        if max_items is not None and max_items < 0:
            raise InvalidRequestError(f"max_items: {max_items} is negative")
        self._fetch = fetch
        self._page_size = page_size
        self._max_items = max_items

    def __repr__(self) -> str:
        return f"Paginator(page_size={self._page_size}, max_items={self._max_items})"

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            # Hold the page only through its iterator, which lets go of the list once exhausted,
            # so it can be freed while the next page is fetched.
            items = iter(page)
            del page
            for item in items:
                yield item
            del item  # pages() never yields an empty page

    async def pages(self) -> AsyncIterator[list[T]]:
        remaining = self._max_items
        skip = 0
        while remaining is None or remaining > 0:
            size = self._page_size if remaining is None else min(self._page_size, remaining)
            items, has_more = await self._fetch(skip, size)
            # Advance by what arrived: a server that caps pageSize lower must not make us skip items.
            received = len(items)
            skip += received
            if remaining is not None:
                items = items[:remaining]
                remaining -= len(items)
            if items:
                yield items
            # Not kept across the next fetch: only one page is alive at a time.
            del items
            if not has_more or not received:
                return
