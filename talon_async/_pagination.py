"""``Paginator`` walks a paged list lazily; ``AsyncPaginator`` can also be awaited for one page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from ._errors import InvalidRequestError
from ._request_checks import MAX_ITEMS, check_page_size

__all__ = ["AsyncPaginator", "Fetch", "Paginator"]

T = TypeVar("T")
PageT = TypeVar("PageT")

Fetch = Callable[[int, int], Awaitable[tuple[list[T], bool]]]
"""``fetch(skip, page_size) -> (items, has_more)``: one request for one page."""


class Paginator(Generic[T]):
    """Every item of a paged Talon.One list: ``async for item in paginator``.

    Pages are requested with ``skip``/``pageSize`` only when the previous one is used up, and
    the walk stops when the server says ``hasMore`` is false (or sends an empty page), or when
    ``max_items`` items have been yielded. ``pages()`` yields each page's items as a list.
    A paginator can be iterated more than once; each walk starts again from the first page.
    """

    def __init__(
        self, fetch: Fetch[T], *, page_size: int = MAX_ITEMS, max_items: int | None = None, skip: int = 0
    ) -> None:
        check_page_size(page_size)
        if max_items is not None and max_items < 0:
            raise InvalidRequestError(f"max_items: {max_items} is negative")
        self._fetch = fetch
        self._page_size = page_size
        self._max_items = max_items
        self._start = skip

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
        skip = self._start
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


class AsyncPaginator(Paginator[T], Generic[T, PageT]):
    """What a paged operation method returns: ``await`` it for one page, ``async for`` it for every item.

    ``page = await talon.get_loyalty_card_points(1, "CARD")`` sends one request with exactly the
    arguments given (the server's default page size when none is). ``async for entry in
    talon.get_loyalty_card_points(1, "CARD")`` walks every entry from ``skip`` on, ``page_size``
    per request (1000, the API's maximum, when none is given).
    """

    def __init__(
        self,
        fetch_page: Callable[[int | None, int | None], Awaitable[PageT]],
        items_of: Callable[[PageT], tuple[list[T], bool]],
        *,
        page_size: int | None,
        skip: int | None,
        max_items: int | None = None,
    ) -> None:
        async def fetch(offset: int, size: int) -> tuple[list[T], bool]:
            return items_of(await fetch_page(offset, size))

        super().__init__(
            fetch,
            page_size=MAX_ITEMS if page_size is None else page_size,
            max_items=max_items,
            skip=skip or 0,
        )
        self._fetch_page = fetch_page
        self._items_of = items_of
        self._requested = (skip, page_size)

    def __repr__(self) -> str:
        return f"AsyncPaginator(page_size={self._page_size}, max_items={self._max_items})"

    def __await__(self) -> Generator[Any, None, PageT]:
        skip, page_size = self._requested
        return self._fetch_page(skip, page_size).__await__()

    def limit(self, max_items: int | None) -> AsyncPaginator[T, PageT]:
        """The same walk, stopping after ``max_items`` items."""
        skip, page_size = self._requested
        return AsyncPaginator(
            self._fetch_page, self._items_of, page_size=page_size, skip=skip, max_items=max_items
        )
