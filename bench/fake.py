"""How fast the embedded fake answers in-process, next to the same client on a canned transport.

The figure that matters is the ratio: ``TalonClient.update_customer_session`` with a 10-item cart
against ``FakeTalon().client()`` (validation on, the default) over the same client on an
``httpx.MockTransport`` that replays the fake's own answer, measured in one process, interleaved.
Also printed: the fake with validation off, and a cold ``import talon_async.testing`` plus the first
``FakeTalon()`` in a fresh interpreter.

    python bench/fake.py            # one JSON object on stdout
    python bench/fake.py --calls 200 --rounds 3   # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from talon_async import TalonClient  # noqa: E402
from talon_async.testing import FakeTalon  # noqa: E402
from talon_async.testing._fake import BASE_URL  # noqa: E402

CART = [{"sku": f"SKU-{i}", "quantity": 1 + i % 3, "price": 10.0 + i} for i in range(10)]
BODY: dict[str, Any] = {"customerSession": {"profileId": "bench", "cartItems": CART}}


async def _calls_per_second(client: TalonClient, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        await client.update_customer_session("bench-session", body=BODY)
    return calls / (time.perf_counter() - started)


async def measure(calls: int, rounds: int) -> dict[str, float]:
    validated = FakeTalon()
    unvalidated = FakeTalon(validate=False)
    async with validated.client() as talon:
        await talon.update_customer_session("bench-session", body=BODY)
    # Replay exactly what the fake answers, so both clients decode the same bytes.
    async with httpx.AsyncClient(
        transport=validated.transport(), base_url=BASE_URL, headers=validated.auth_headers
    ) as http:
        canned = (await http.put("/v2/customer_sessions/bench-session", json=BODY)).content

    def mock(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(200, content=canned, headers={"Content-Type": "application/json"})

    clients = {
        "fake": validated.client(),
        "fake_unvalidated": unvalidated.client(),
        "mock_transport": TalonClient(BASE_URL, "key", transport=httpx.MockTransport(mock)),
    }
    best = dict.fromkeys(clients, 0.0)
    for client in clients.values():
        await client.__aenter__()
        await _calls_per_second(client, 20)  # warm caches and compiled validators
    try:
        for _ in range(rounds):
            for name, client in clients.items():
                best[name] = max(best[name], await _calls_per_second(client, calls))
    finally:
        for client in clients.values():
            await client.__aexit__(None, None, None)
    return best


def cold_start_ms(runs: int = 5) -> float:
    """Best wall time of `import talon_async.testing` plus the first FakeTalon() in a new interpreter."""
    code = (
        "import time; t = time.perf_counter(); import talon_async.testing as t1; t1.FakeTalon(); "
        "print(time.perf_counter() - t)"
    )
    best = float("inf")
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
        )
        best = min(best, float(out.stdout.strip()) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per round and client")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the best counts")
    args = parser.parse_args()
    best = asyncio.run(measure(args.calls, args.rounds))
    result = {
        "fake_calls_per_s": round(best["fake"]),
        "fake_unvalidated_calls_per_s": round(best["fake_unvalidated"]),
        "mock_transport_calls_per_s": round(best["mock_transport"]),
        "ratio_fake_to_mock": round(best["fake"] / best["mock_transport"], 3),
        "ratio_unvalidated_to_mock": round(best["fake_unvalidated"] / best["mock_transport"], 3),
        "cold_import_and_first_fake_ms": round(cold_start_ms(), 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
