"""Our generated layer called directly: attrs models in, attrs models out, over httpx.

The httpx client uses httpx-aiohttp's transport when it is installed (the facade's choice on
asyncio), httpx's default otherwise. Each call builds its request model from a plain dict, as an
application building its request per checkout would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import _common as c
import httpx

from talon_async._generated.api.events import track_event_v2
from talon_async._generated.api.loyalty import get_loyalty_card_transactions
from talon_async._generated.api.profiles import update_customer_profiles_v2
from talon_async._generated.api.sessions import update_customer_session_v2
from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.models import (
    IntegrationEventV2Request,
    IntegrationRequest,
    IntegrationStateV2,
    LoyaltyCardTransactionsPage,
    MultipleCustomerProfileIntegrationRequest,
)


def transport(concurrency: int) -> httpx.AsyncBaseTransport:
    limits = httpx.Limits(max_connections=max(concurrency, 1), max_keepalive_connections=concurrency)
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return httpx.AsyncHTTPTransport(limits=limits)
    return AiohttpTransport(limits=limits)


async def main() -> None:
    opts = c.args()
    items = c.profiles()
    session = c.rotate(c.SESSION_IDS)
    event = c.rotate(c.W2_REQUESTS)
    http = httpx.AsyncClient(base_url=opts.base_url, headers=c.AUTH, transport=transport(opts.concurrency))
    async with AuthenticatedClient(async_client=http) as client:

        async def w1() -> None:
            body = IntegrationRequest.from_dict(c.W1_REQUEST)
            state = await update_customer_session_v2.asyncio(session(), client=client, body=body)
            if not isinstance(state, IntegrationStateV2):
                c.fail(f"w1: {state!r}")

        async def w2() -> None:
            body = IntegrationEventV2Request.from_dict(event())
            response = await track_event_v2.asyncio_detailed(client=client, body=body)
            if response.status_code != 204:
                c.fail(f"w2: {response.status_code}")

        async def w3() -> None:
            page = await get_loyalty_card_transactions.asyncio(
                c.PROGRAM_ID, c.CARD_ID, client=client, page_size=1000, skip=0
            )
            if not isinstance(page, LoyaltyCardTransactionsPage):
                c.fail(f"w3: {page!r}")

        def put_chunk(chunk: list[dict[str, object]]) -> Callable[[], Awaitable[object]]:
            async def put() -> None:
                body = MultipleCustomerProfileIntegrationRequest.from_dict({"customerProfiles": chunk})
                response = await update_customer_profiles_v2.asyncio_detailed(client=client, body=body)
                if response.status_code != 204:
                    c.fail(f"w4: {response.status_code}")

            return put

        async def w4() -> None:
            await c.gather_limited([put_chunk(chunk) for chunk in c.chunks(items)], opts.concurrency)

        calls: dict[str, Callable[[], Awaitable[object]]] = {"w1": w1, "w2": w2, "w3": w3, "w4": w4}
        await c.measure_async("generated layer", opts, calls[opts.workload])


if __name__ == "__main__":
    asyncio.run(main())
