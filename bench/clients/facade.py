"""Our facade, ``talon_async.TalonClient``, as an application uses it: plain dicts in, models out.

Its transport is whatever the facade picks by default (``talon_async._base.pick_transport``),
and W4 is one ``batch_update_customer_profiles`` call per batch of 10,000 profiles. With
``--trio`` the same calls run under trio, where the default transport is httpcore's pool.

With ``--described`` (W1 and W2 only), each distinct call is made once through its facade method
while the pipeline call it makes is recorded; the measured calls then replay those recordings
straight into the pipeline (``BaseClient._send``). The difference from the plain facade is what
a method does before its request reaches the pipeline: checking the arguments and the body
against the contract, and describing the request (the body as JSON-ready data).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import _common as c

from talon_async import TalonClient

TRIO = "--trio" in sys.argv
if TRIO:
    sys.argv.remove("--trio")
DESCRIBED = "--described" in sys.argv
if DESCRIBED:
    sys.argv.remove("--described")


async def described(
    talon: TalonClient, call: Callable[[], Awaitable[object]], distinct: int
) -> Callable[[], Awaitable[object]]:
    """A callable that replays, round and round, the pipeline calls ``call`` makes ``distinct`` times."""
    recorded: list[tuple[Any, dict[str, Any]]] = []
    send = talon._send

    async def recording(operation: Any, **options: Any) -> Any:
        recorded.append((operation, options))
        return await send(operation, **options)

    talon._send = recording  # type: ignore[method-assign]
    for _ in range(distinct):
        await call()
    del talon._send
    replay = c.rotate(recorded)

    async def replayed() -> None:
        operation, options = replay()
        await send(operation, **options)

    return replayed


async def main() -> None:
    opts = c.args()
    items = c.profiles()
    session = c.rotate(c.SESSION_IDS)
    event = c.rotate(c.W2_REQUESTS)
    async with TalonClient(opts.base_url, c.API_KEY, max_concurrency=max(64, opts.concurrency)) as talon:

        async def w1() -> None:
            await talon.update_customer_session(session(), body=c.W1_REQUEST)

        async def w2() -> None:
            await talon.track_event(body=event())

        async def w3() -> None:
            await talon.get_loyalty_card_transactions(c.PROGRAM_ID, c.CARD_ID, page_size=1000, skip=0)

        async def w4() -> None:
            result = await talon.batch_update_customer_profiles(items, concurrency=opts.concurrency)
            if not result.ok:
                c.fail(f"w4: {result.failed_items[:1]!r}")

        calls: dict[str, Callable[[], Awaitable[object]]] = {"w1": w1, "w2": w2, "w3": w3, "w4": w4}
        if DESCRIBED:
            distinct = {"w1": len(c.SESSION_IDS), "w2": len(c.W2_REQUESTS)}[opts.workload]
            call = await described(talon, calls[opts.workload], distinct)
            await c.measure_async("facade, calls described in advance", opts, call)
        elif TRIO:
            await c.measure_trio("facade under trio (httpcore)", opts, calls[opts.workload])
        else:
            await c.measure_async("facade (TalonClient)", opts, calls[opts.workload])


if __name__ == "__main__":
    if TRIO:
        import trio

        trio.run(main)
    else:
        asyncio.run(main())
