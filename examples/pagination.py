"""Paging through a loyalty ledger: item by item, page by page, just the latest few, or by hand.

Talon.One pages ledgers with ``skip``, ``pageSize`` and ``hasMore``. The ``iter_*`` methods keep
that bookkeeping out of your code and fetch the next page only when you reach it.

    python examples/pagination.py                       # the embedded fake, with a seeded ledger
    python examples/pagination.py --program 7 --customer c-42   # with TALON_BASE_URL/TALON_API_KEY set
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

import anyio
from _console import Progress, table
from _target import connect

from talon_async import TalonClient
from talon_async.testing import FakeTalon

__all__ = ["PagingResult", "main", "run", "seed_fake"]

FAKE_HISTORY = 1200
FAKE_ORDERS = 34


@dataclass
class PagingResult:
    """What each way of paging saw."""

    items: int = 0
    net_points: float = 0.0
    page_sizes: list[int] = field(default_factory=list)
    latest: list[str] = field(default_factory=list)
    from_sessions: int = 0
    by_hand_pages: int = 0


def seed_fake(fake: FakeTalon, program_id: int, customer: str) -> None:
    """Fake only: a profile-based program and a long ledger for ``customer``."""
    fake.add_loyalty_program(program_id, name="points")
    fake.seed_transactions(program_id, FAKE_HISTORY, integration_id=customer, deduct_every=5)
    for order in range(1, FAKE_ORDERS + 1):
        fake.add_points(program_id, 25, integration_id=customer, source="session", name=f"Order {order}")


async def run(
    talon: TalonClient, program_id: int, customer: str, *, out: TextIO | None = None
) -> PagingResult:
    out = out or sys.stdout
    result = PagingResult()

    print("1. Every entry, one at a time (1000 per request behind the scenes):", file=out)
    async for entry in talon.get_loyalty_program_profile_transactions(program_id, customer):
        result.items += 1
        result.net_points += entry.amount if str(entry.type_) == "addition" else -entry.amount
    print(f"   {result.items} entries, net {result.net_points:,.0f} points", file=out)

    print("2. Page by page, 250 per request, with progress:", file=out)
    progress = Progress("fetched", unit="entries", stream=out)
    async for page in talon.get_loyalty_program_profile_transactions(
        program_id, customer, page_size=250
    ).pages():
        result.page_sizes.append(len(page))
        progress.advance(len(page))
    progress.finish()

    print("3. Only the latest five: limit() stops after one small request:", file=out)
    latest = talon.get_loyalty_program_profile_transactions(program_id, customer).limit(5)
    rows = [
        (e.created.strftime("%Y-%m-%d %H:%M"), str(e.type_), f"{e.amount:g}", e.name) async for e in latest
    ]
    result.latest = [str(row[3]) for row in rows]
    table(rows, indent=5, stream=out)

    print("4. Filtered by the server: only points earned in sessions (orders):", file=out)
    earned = talon.get_loyalty_program_profile_transactions(
        program_id, customer, loyalty_transaction_type="session"
    )
    result.from_sessions = len([e async for e in earned])
    print(f"   {result.from_sessions} entries from sessions", file=out)

    print("5. By hand, when you need skip and hasMore yourself:", file=out)
    skip = 0
    while True:
        one = await talon.get_loyalty_program_profile_transactions(
            program_id, customer, page_size=500, skip=skip
        )
        result.by_hand_pages += 1
        skip += len(one.data)
        if not one.has_more or not one.data:
            break
    print(f"   {skip} entries in {result.by_hand_pages} requests", file=out)
    return result


async def _main(program_id: int, customer: str) -> None:
    async with connect(seed=lambda fake: seed_fake(fake, program_id, customer)) as target:
        print(f"Paging {customer}'s ledger in program {program_id} on {target.description}\n")
        await run(target.talon, program_id, customer)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Page through a customer's loyalty ledger.")
    parser.add_argument("--program", type=int, default=1, help="profile-based loyalty program id")
    parser.add_argument("--customer", default="customer-1", help="the profile's integration id")
    args = parser.parse_args(argv)
    anyio.run(_main, args.program, args.customer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
