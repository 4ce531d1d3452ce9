"""examples/error_handling.py: each staged failure surfaces as the typed error the example names."""

from __future__ import annotations

import io

import error_handling
import pytest

from talon_async import BadRequestError
from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


async def test_every_scenario_raises_its_typed_error(anyio_backend: str) -> None:
    """The scenarios produce, in order, the outcomes the example's comments explain."""
    outcomes = dict(await error_handling.run(out=io.StringIO()))

    expected_prefixes = {
        "a call Talon.One would reject": "InvalidRequestError, nothing sent (0 requests)",
        "an unknown profile": "NotFoundError 404",
        "an invalid body": "BadRequestError 400",
        "a wrong API key": "AuthenticationError: 401",
        "a short rate limit": "429 with Retry-After 0.1 s, retried for us: status 200 after 2 attempts",
        "a long rate limit": "RateLimitError after 3 attempts, retry-after 0.1",
        "a session busy with other updates": "ConflictError, is_busy=True",
        "an answer that is not JSON": "APIResponseValidationError",
        "Talon.One is down": "price_cart: discount 12.00 when healthy, 0.00 during a 503 outage",
        "a slow answer": "APITimeoutError after 0.2 s, not retried",
    }
    assert list(outcomes) == list(expected_prefixes)
    for title, prefix in expected_prefixes.items():
        assert outcomes[title].startswith(prefix), (title, outcomes[title])
    assert "not-the-key" not in outcomes["a wrong API key"]


async def test_price_cart_raises_our_own_mistakes(anyio_backend: str) -> None:
    """price_cart swallows outages only: an invalid request of ours still raises."""
    fake = FakeTalon()
    async with fake.client() as talon:
        with pytest.raises(BadRequestError):
            await error_handling.price_cart(
                talon, "s1", {"customerSession": {"profileId": "alice", "state": "cancelled"}}
            )


def test_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """`python examples/error_handling.py` prints one line per scenario."""
    assert error_handling.main([]) == 0
    out = capsys.readouterr().out
    assert out.count("\n- ") + out.startswith("- ") == len(error_handling.SCENARIOS) + 1
