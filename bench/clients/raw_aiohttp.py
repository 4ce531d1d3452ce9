"""The floor: aiohttp sending pre-serialised bytes and calling ``json.loads`` on the answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import _common as c
import aiohttp


async def main() -> None:
    opts = c.args()
    headers = {**c.AUTH, "Content-Type": "application/json"}
    w1 = json.dumps(c.W1_REQUEST).encode()
    w1_path = c.rotate(c.W1_PATHS)
    w2 = c.rotate([json.dumps(body).encode() for body in c.W2_REQUESTS])
    bodies = [json.dumps({"customerProfiles": chunk}).encode() for chunk in c.chunks(c.profiles())]
    connector = aiohttp.TCPConnector(limit=max(opts.concurrency, 1))
    async with aiohttp.ClientSession(opts.base_url, connector=connector, headers=headers) as session:

        async def send(method: str, path: str, body: bytes | None, expect: int) -> object:
            async with session.request(method, path, data=body) as response:
                content = await response.read()
                if response.status != expect:
                    c.fail(f"{method} {path}: {response.status}")
                return json.loads(content) if content else None

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
        await c.measure_async("raw aiohttp", opts, calls[opts.workload])


if __name__ == "__main__":
    asyncio.run(main())
