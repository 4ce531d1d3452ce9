"""httpx sending pre-serialised bytes and calling ``json.loads``; ``--aiohttp`` swaps its transport.

Without the flag this is httpx's default transport (httpcore's pool); with it, httpx-aiohttp's
``AiohttpTransport``, so the two rows together show what that optional dependency is worth.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable

import _common as c
import httpx

AIOHTTP = "--aiohttp" in sys.argv
if AIOHTTP:
    sys.argv.remove("--aiohttp")


async def main() -> None:
    opts = c.args()
    headers = {**c.AUTH, "Content-Type": "application/json"}
    w1 = json.dumps(c.W1_REQUEST).encode()
    w1_path = c.rotate(c.W1_PATHS)
    w2 = c.rotate([json.dumps(body).encode() for body in c.W2_REQUESTS])
    bodies = [json.dumps({"customerProfiles": chunk}).encode() for chunk in c.chunks(c.profiles())]
    limits = httpx.Limits(
        max_connections=max(opts.concurrency, 1), max_keepalive_connections=opts.concurrency
    )
    transport: httpx.AsyncBaseTransport
    if AIOHTTP:
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits)
    else:
        transport = httpx.AsyncHTTPTransport(limits=limits)
    async with httpx.AsyncClient(base_url=opts.base_url, headers=headers, transport=transport) as client:

        async def send(method: str, path: str, body: bytes | None, expect: int) -> object:
            response = await client.request(method, path, content=body)
            if response.status_code != expect:
                c.fail(f"{method} {path}: {response.status_code}")
            return json.loads(response.content) if response.content else None

        def put_chunk(body: bytes) -> Callable[[], Awaitable[object]]:
            return lambda: send("PUT", c.W4_PATH, body, 204)

        async def w4() -> None:
            await c.gather_limited([put_chunk(body) for body in bodies], opts.concurrency)

        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "w1": lambda: send("PUT", w1_path(), w1, 200),
            "w2": lambda: send("POST", c.W2_PATH, w2(), 204),
            "w3": lambda: send("GET", c.W3_PATH, None, 200),
            "w4": w4,
        }
        name = "raw httpx + aiohttp transport" if AIOHTTP else "raw httpx (httpcore)"
        await c.measure_async(name, opts, calls[opts.workload])


if __name__ == "__main__":
    asyncio.run(main())
