"""Peak memory of walking all transactions of a card, against holding one page.

Run twice by bench/run.py, each time in a fresh process against bench/server.py:

    python bench/walk.py --base-url URL --mode one    # fetch and decode one page of 1,000, keep it
    python bench/walk.py --base-url URL --mode walk   # visit every transaction (100 pages by default)

Each prints the growth of the peak RSS (``ru_maxrss``) over a baseline taken after imports, client
set-up and a warm-up request for a one-item page. Walking must not hold on to pages already visited,
so its growth should stay close to one page's. It walks with the facade's iterator when
``talon_async.TalonClient`` exists, otherwise with the generated layer and ``skip``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "clients"))

import _common as c


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def via_facade(base_url: str, mode: str) -> tuple[int, int]:
    from talon_async import TalonClient

    async with TalonClient(base_url, c.API_KEY, allow_insecure_http=True) as talon:
        # Warm up with a one-item page: imports, transport and connection are in the baseline.
        await talon.get_loyalty_card_transactions(c.PROGRAM_ID, c.CARD_ID, page_size=1)
        gc.collect()
        baseline = peak_kb()
        seen = 0
        if mode == "one":
            page = await talon.get_loyalty_card_transactions(c.PROGRAM_ID, c.CARD_ID, page_size=1000)
            seen = len(page.data)
        else:
            async for _ in talon.get_loyalty_card_transactions(c.PROGRAM_ID, c.CARD_ID, page_size=1000):
                seen += 1
        return peak_kb() - baseline, seen


async def via_generated(base_url: str, mode: str) -> tuple[int, int]:
    import httpx

    from talon_async._generated.api.loyalty import get_loyalty_card_transactions
    from talon_async._generated.client import AuthenticatedClient
    from talon_async._generated.models import LoyaltyCardTransactionsPage

    async with AuthenticatedClient(
        async_client=httpx.AsyncClient(base_url=base_url, headers=c.AUTH)
    ) as client:
        await get_loyalty_card_transactions.asyncio(c.PROGRAM_ID, c.CARD_ID, client=client, page_size=1)
        gc.collect()
        baseline = peak_kb()
        seen, skip = 0, 0
        while True:
            page = await get_loyalty_card_transactions.asyncio(
                c.PROGRAM_ID, c.CARD_ID, client=client, page_size=1000, skip=skip
            )
            assert isinstance(page, LoyaltyCardTransactionsPage)
            for _ in page.data:
                seen += 1
            if mode == "one" or not page.has_more:
                break
            skip += len(page.data)
            del page
        return peak_kb() - baseline, seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--mode", choices=["one", "walk"], required=True)
    parser.add_argument("--via", choices=["auto", "facade", "generated"], default="auto")
    opts = parser.parse_args()
    via = opts.via
    if via == "auto":
        try:
            from talon_async import TalonClient  # noqa: F401
        except ImportError:
            via = "generated"
        else:
            via = "facade"
    walker = via_facade if via == "facade" else via_generated
    growth_kb, items = asyncio.run(walker(opts.base_url, opts.mode))
    print(json.dumps({"mode": opts.mode, "via": via, "growth_kb": growth_kb, "items": items}))


if __name__ == "__main__":
    main()
