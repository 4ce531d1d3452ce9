"""Paginators walk skip/pageSize pages lazily, stop on hasMore=false, and honour max_items."""

from __future__ import annotations

import copy
import gc
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from talon_async import InvalidRequestError, Paginator
from tests.facade.conftest import make_client
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()
CARD = "CARD-0001"
TOTAL = 2345


class Ledger:
    """A server holding TOTAL card transactions, answering skip/pageSize pages and counting requests."""

    def __init__(self, total: int = TOTAL) -> None:
        template = FACTORY.document("CardLedgerTransactionLogEntryIntegrationAPI", required_only=True)
        self.items = []
        for i in range(total):
            item = copy.deepcopy(template)
            item["id"] = i
            self.items.append(item)
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.requests.append(params)
        skip = int(params.get("skip", 0))
        size = int(params.get("pageSize", 50))
        page = self.items[skip : skip + size]
        return httpx.Response(200, json={"hasMore": skip + size < len(self.items), "data": page})


async def test_walks_2345_items_in_pages_of_1000() -> None:
    """Iteration yields all 2,345 items in order from three requests of pageSize=1000."""
    ledger = Ledger()
    async with make_client(ledger) as talon:
        ids = [item.id async for item in talon.iter_loyalty_card_transactions(1, CARD)]
    assert ids == list(range(TOTAL))
    assert [(r["skip"], r["pageSize"]) for r in ledger.requests] == [
        ("0", "1000"),
        ("1000", "1000"),
        ("2000", "1000"),
    ]


async def test_early_break_stops_fetching() -> None:
    """Breaking out after the first page's items fetches no further page."""
    ledger = Ledger()
    async with make_client(ledger) as talon:
        seen = 0
        async for _ in talon.iter_loyalty_card_transactions(1, CARD):
            seen += 1
            if seen == 10:
                break
    assert seen == 10
    assert len(ledger.requests) == 1


async def test_pages_are_fetched_only_when_needed() -> None:
    """The second page is requested only once the first page's last item has been consumed."""
    ledger = Ledger()
    async with make_client(ledger) as talon:
        items = talon.iter_loyalty_card_transactions(1, CARD).__aiter__()
        assert ledger.requests == []
        for _ in range(1000):
            await items.__anext__()
        assert len(ledger.requests) == 1
        await items.__anext__()
        assert len(ledger.requests) == 2
        await items.aclose()  # type: ignore[attr-defined]


async def test_pages_yields_whole_pages() -> None:
    """.pages() yields lists of 1000, 1000 and 345 items."""
    ledger = Ledger()
    async with make_client(ledger) as talon:
        sizes = [len(page) async for page in talon.iter_loyalty_card_transactions(1, CARD).pages()]
    assert sizes == [1000, 1000, 345]


async def test_max_items_caps_the_walk_and_the_last_page_size() -> None:
    """max_items=1500 yields 1500 items and asks the last page for only 500."""
    ledger = Ledger()
    async with make_client(ledger) as talon:
        ids = [item.id async for item in talon.iter_loyalty_card_transactions(1, CARD, max_items=1500)]
    assert ids == list(range(1500))
    assert [(r["skip"], r["pageSize"]) for r in ledger.requests] == [("0", "1000"), ("1000", "500")]


async def test_custom_page_size_and_filters_are_sent() -> None:
    """page_size and filters travel with every page request."""
    ledger = Ledger(total=25)
    async with make_client(ledger) as talon:
        paginator = talon.iter_loyalty_card_transactions(1, CARD, page_size=10, subledger_id=["sub"])
        assert len([item async for item in paginator]) == 25
    assert [r["pageSize"] for r in ledger.requests] == ["10", "10", "10"]
    assert all(r["subledgerId"] == "sub" for r in ledger.requests)


async def test_a_paginator_can_be_walked_twice() -> None:
    """Each async-for starts again from the first page."""
    ledger = Ledger(total=3)
    async with make_client(ledger) as talon:
        paginator = talon.iter_loyalty_card_transactions(1, CARD)
        first = [item.id async for item in paginator]
        second = [item.id async for item in paginator]
    assert first == second == [0, 1, 2]


async def test_empty_page_with_has_more_stops() -> None:
    """A server that says hasMore but sends nothing cannot make the iterator spin."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"hasMore": True, "data": []})

    async with make_client(handler) as talon:
        assert [item async for item in talon.iter_loyalty_program_profile_points(1, "p1")] == []
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("method", "args", "schema"),
    [
        ("iter_loyalty_card_points", [1, CARD], "CardLedgerPointsEntryIntegrationAPI"),
        ("iter_loyalty_program_profile_points", [1, "p1"], "LedgerPointsEntryIntegrationAPI"),
        ("iter_loyalty_program_profile_transactions", [1, "p1"], "LedgerTransactionLogEntryIntegrationAPI"),
    ],
)
async def test_other_paged_endpoints_iterate(method: str, args: list[Any], schema: str) -> None:
    """The points and profile ledgers page the same way, with pageSize 1000 by default."""
    item = FACTORY.document(schema, required_only=True)
    requests: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url)
        skip = int(request.url.params["skip"])
        return httpx.Response(200, json={"hasMore": skip == 0, "data": [item, item] if skip == 0 else [item]})

    async with make_client(handler) as talon:
        items = [i async for i in getattr(talon, method)(*args)]
    assert len(items) == 3
    assert [u.params["pageSize"] for u in requests] == ["1000", "1000"]
    assert [u.params["skip"] for u in requests] == ["0", "2"]


async def test_reserved_customers_iterate_as_one_page() -> None:
    """iter_reserved_customers yields every profile of the totalResultSize answer from one request."""
    profile = FACTORY.document("CustomerProfile", required_only=True)
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"totalResultSize": 3, "data": [profile] * 3})

    async with make_client(handler) as talon:
        assert len([p async for p in talon.iter_reserved_customers("SUMMER")]) == 3
        assert len([p async for p in talon.iter_reserved_customers("SUMMER", max_items=2)]) == 2
        pages = [page async for page in talon.iter_reserved_customers("SUMMER").pages()]
    assert [len(p) for p in pages] == [3]
    assert len(calls) == 3


async def test_invalid_paging_arguments_fail_at_creation() -> None:
    """page_size outside 1..1000 or a negative max_items is refused when the paginator is made."""

    async def fetch(skip: int, size: int) -> tuple[list[int], bool]:
        raise AssertionError("must not fetch")

    with pytest.raises(InvalidRequestError, match="page_size"):
        Paginator(fetch, page_size=0)
    with pytest.raises(InvalidRequestError, match="max_items"):
        Paginator(fetch, max_items=-1)
    async with make_client(lambda r: httpx.Response(500)) as talon:
        with pytest.raises(InvalidRequestError, match="page_size"):
            talon.iter_loyalty_card_points(1, CARD, page_size=1001)


class Entry:
    """A ledger entry that can be watched with a weak reference."""

    __slots__ = ("__weakref__", "page")

    def __init__(self, page: int) -> None:
        self.page = page


async def test_only_one_page_is_alive_at_a_time() -> None:
    """When a page is fetched, no item of the earlier pages is still referenced by the iterator."""
    alive: weakref.WeakSet[Entry] = weakref.WeakSet()
    leftovers: list[int] = []

    async def fetch(skip: int, size: int) -> tuple[list[Entry], bool]:
        gc.collect()
        leftovers.append(len(alive))
        page = [Entry(skip // size) for _ in range(size)]
        alive.update(page)
        return page, skip < 4 * size

    items = Paginator(fetch, page_size=100).__aiter__()
    count = 0
    async for _ in _drain(items):
        count += 1
    assert count == 500
    assert leftovers == [0, 0, 0, 0, 0]


async def _drain(items: AsyncIterator[Entry]) -> AsyncIterator[None]:
    """Consume items without keeping a reference to any of them."""
    while True:
        try:
            await items.__anext__()
        except StopAsyncIteration:
            return
        yield None
