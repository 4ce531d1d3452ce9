"""examples/pagination.py: the five ways to walk a ledger all see the same seeded history."""

from __future__ import annotations

import io

import pagination
import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio

TOTAL = pagination.FAKE_HISTORY + pagination.FAKE_ORDERS


async def test_every_way_of_paging_sees_the_whole_ledger(anyio_backend: str) -> None:
    """Item by item, page by page and by hand all count every entry; the filter and max_items narrow it."""
    fake = FakeTalon()
    pagination.seed_fake(fake, 1, "customer-1")
    async with fake.client() as talon:
        result = await pagination.run(talon, 1, "customer-1", out=io.StringIO())

    assert result.items == TOTAL
    assert result.net_points == fake.points(1, integration_id="customer-1")
    assert result.page_sizes == [250, 250, 250, 250, TOTAL - 1000]
    assert result.latest == [f"Order {n}" for n in range(34, 29, -1)]
    assert result.from_sessions == pagination.FAKE_ORDERS
    assert result.by_hand_pages == 3


async def test_max_items_costs_one_small_request(anyio_backend: str) -> None:
    """Asking for the latest five sends one request, not a walk through the whole ledger."""
    fake = FakeTalon()
    pagination.seed_fake(fake, 1, "customer-1")
    async with fake.client() as talon:
        before = len(fake.requests)
        latest = [e async for e in talon.get_loyalty_program_profile_transactions(1, "customer-1").limit(5)]
    assert len(latest) == 5
    assert len(fake.requests) - before == 1


def test_script_runs_on_the_fake(no_talon_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    """`python examples/pagination.py` seeds the fake and prints all five walks."""
    assert pagination.main([]) == 0
    out = capsys.readouterr().out
    assert f"{TOTAL} entries, net" in out
    assert f"fetched: {TOTAL} entries in 5 pages" in out
    assert f"{pagination.FAKE_ORDERS} entries from sessions" in out
    assert f"{TOTAL} entries in 3 requests" in out
