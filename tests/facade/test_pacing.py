"""RateLimit paces a client's requests and settles at the rate a server accepts, cutting on 429."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from talon_async import InvalidRequestError, RateLimit, TalonClient
from tests.facade.conftest import API_KEY
from tests.support.servers import serve

pytestmark = pytest.mark.anyio


class ThrottlingServer:
    """An ASGI app that answers 204 at up to ``rate`` requests/s (token bucket) and 429 above it."""

    def __init__(self, rate: float, burst: float = 3.0) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.last = time.monotonic()
        self.answers: list[tuple[float, int]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            status, headers = 204, []
        else:
            body = b'{"message":"too many requests","errors":[],"StatusCode":429}'
            status, headers = 429, [(b"retry-after", b"0.05"), (b"content-type", b"application/json")]
        self.answers.append((now, status))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if status == 204 else body})


async def test_token_bucket_spaces_requests() -> None:
    """Without 429s, 21 acquisitions at 40/s and burst 1 take at least half a second."""
    pacer = RateLimit(40)
    started = anyio.current_time()
    for _ in range(21):
        await pacer.acquire()
    assert anyio.current_time() - started >= 0.49


async def test_throttle_cuts_once_per_burst_then_recovers() -> None:
    """A volley of 429s cuts the rate once; successes recover it slowly up to the ceiling, never above."""
    pacer = RateLimit(100, recovery=10)
    for _ in range(5):
        pacer.observe(429)
    assert pacer.rate == 50
    assert pacer.throttled_count == 5
    for _ in range(50):
        pacer.observe(204)
    assert 55 < pacer.rate < 70
    for _ in range(10_000):
        pacer.observe(204)
    assert pacer.rate == 100


def test_rate_limit_arguments_are_checked() -> None:
    """A rate of zero or a burst below one is a caller mistake."""
    with pytest.raises(InvalidRequestError, match="rate"):
        RateLimit(0)
    with pytest.raises(InvalidRequestError, match="burst"):
        RateLimit(10, burst=0.5)


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_two_batches_of_one_client_settle_at_what_the_server_accepts() -> None:
    """Two senders sharing a client that asks 400/s of a 40/s server come down near 40/s, few 429s."""
    server = ThrottlingServer(rate=40)
    pacer = RateLimit(400, recovery=4)
    with serve(server) as url:
        async with TalonClient(url, API_KEY, rate_limit=pacer, max_retries=10) as talon:

            async def sender(prefix: str) -> None:
                for i in range(60):
                    body = {"customerProfiles": [{"integrationId": f"{prefix}{i}"}]}
                    await talon.update_customer_profiles(body=body)

            async with anyio.create_task_group() as tg:
                tg.start_soon(sender, "a")
                tg.start_soon(sender, "b")
    accepted = [at for at, status in server.answers if status == 204]
    assert len(accepted) == 120
    assert pacer.throttled_count > 0  # the server did push back
    assert pacer.rate < 80  # and the client came down to its pace instead of staying at 400/s
    # In the second half the client has settled: most requests are accepted first time.
    late = server.answers[len(server.answers) // 2 :]
    assert sum(status == 429 for _, status in late) <= len(late) // 4
