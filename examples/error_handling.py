"""Handling Talon.One errors: what each typed error means, and what a shop should do about it.

Every scenario is staged on the embedded fake, whose fault switch serves 409, 429, 503, slow
and malformed answers on demand, so this example always runs on the fake.

    python examples/error_handling.py

The pattern at the end, ``price_cart``, is the one to copy: a checkout must not fail because
promotions are briefly unavailable, so transient errors (already retried by the client) degrade
to "no discounts", while mistakes in our own requests still surface.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TextIO

import anyio

from talon_async import (
    APIConnectionError,
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    TalonClient,
    effects_of,
)
from talon_async.models import SetDiscountEffectProps
from talon_async.testing import FakeTalon, FakeTalonServer

__all__ = ["main", "price_cart", "run"]

SESSION = {
    "customerSession": {"profileId": "alice", "cartItems": [{"sku": "SKU-1", "quantity": 2, "price": 60.0}]}
}


async def price_cart(talon: TalonClient, session_id: str, body: dict[str, Any]) -> float:
    """The discount for a cart, or 0.0 when Talon.One cannot answer right now.

    ``RateLimitError``, ``InternalServerError`` and ``APIConnectionError`` (timeouts included) have
    already been retried by the client when they get here. Anything else (400, 401, 404) is a bug
    on our side and is raised.
    """
    try:
        state = await talon.update_customer_session(session_id, body=body)
    except (RateLimitError, InternalServerError, APIConnectionError, APIResponseValidationError):
        return 0.0
    return sum(d.value for d in effects_of(state, SetDiscountEffectProps))


Scenario = Callable[[FakeTalon, TalonClient], Awaitable[str]]


async def caught_before_sending(fake: FakeTalon, talon: TalonClient) -> str:
    try:
        await talon.get_loyalty_program_profile_transactions(1, "alice", page_size=5000)
    except InvalidRequestError as exc:  # also a ValueError: a bug in the call, fix the code
        return f"InvalidRequestError, nothing sent ({len(fake.requests)} requests): {exc}"
    return "sent"


async def not_found(fake: FakeTalon, talon: TalonClient) -> str:
    try:
        await talon.get_customer_inventory("no-such-profile")
    except NotFoundError as exc:  # often expected: create the entity, or show "not found"
        return f"NotFoundError {exc.status_code}: {exc.message}"
    return "found"


async def bad_request(fake: FakeTalon, talon: TalonClient) -> str:
    # Well-formed, so it passes the SDK's own checks, but Talon.One refuses to start a session cancelled.
    body = {"customerSession": {"profileId": "alice", "state": "cancelled"}}
    try:
        await talon.update_customer_session("s-bad", body=body)
    except BadRequestError as exc:  # our request is wrong: log the fields and fix the code
        fields = "; ".join(f"{e.title}: {e.details or ''}".strip() for e in exc.errors)
        return f"BadRequestError {exc.status_code}: {exc.message} ({fields})"
    return "accepted"


async def wrong_key(fake: FakeTalon, talon: TalonClient) -> str:
    async with TalonClient(talon.base_url, "not-the-key", transport=fake.transport()) as other:
        try:
            await other.get_customer_session("s1")
        except AuthenticationError as exc:  # configuration: alert someone, do not retry
            return f"AuthenticationError: {exc}"
    return "authenticated"


async def rate_limited_then_fine(fake: FakeTalon, talon: TalonClient) -> str:
    fake.faults.rate_limit(retry_after=0.1)
    raw = await talon.with_raw_response(talon.update_customer_session, "s1", body=SESSION)
    return (
        f"429 with Retry-After 0.1 s, retried for us: status {raw.status_code} after {raw.attempts} attempts"
    )


async def rate_limited_for_too_long(fake: FakeTalon, talon: TalonClient) -> str:
    fake.faults.rate_limit(retry_after=0.1, times=3)
    try:
        await talon.update_customer_session("s1", body=SESSION)
    except RateLimitError as exc:  # retries exhausted: back off at the job level
        return (
            f"RateLimitError after {talon.max_retries + 1} attempts, retry-after {exc.headers['retry-after']}"
        )
    return "succeeded"


async def busy_session(fake: FakeTalon, talon: TalonClient) -> str:
    fake.faults.conflict(times=3)
    try:
        await talon.update_customer_session("s1", body=SESSION)
    except ConflictError as exc:  # busy: someone else updates this session; not busy: a real conflict
        return f"ConflictError, is_busy={exc.is_busy}: {exc.message}"
    return "succeeded"


async def malformed_answer(fake: FakeTalon, talon: TalonClient) -> str:
    fake.faults.malformed(operation="getCustomerSession")
    try:
        await talon.get_customer_session("s1")
    except APIResponseValidationError as exc:  # a proxy or an API change: log exc.content
        return f"APIResponseValidationError: {len(exc.content)} bytes that are not the documented JSON"
    return "parsed"


async def degraded_checkout(fake: FakeTalon, talon: TalonClient) -> str:
    healthy = await price_cart(talon, "s2", SESSION)
    fake.faults.unavailable(times=talon.max_retries + 1, retry_after=0.1)
    degraded = await price_cart(talon, "s2", SESSION)
    return f"price_cart: discount {healthy:.2f} when healthy, {degraded:.2f} during a 503 outage"


SCENARIOS: list[tuple[str, Scenario]] = [
    ("a call Talon.One would reject", caught_before_sending),
    ("an unknown profile", not_found),
    ("an invalid body", bad_request),
    ("a wrong API key", wrong_key),
    ("a short rate limit", rate_limited_then_fine),
    ("a long rate limit", rate_limited_for_too_long),
    ("a session busy with other updates", busy_session),
    ("an answer that is not JSON", malformed_answer),
    ("Talon.One is down", degraded_checkout),
]


async def timeout_over_http(out: TextIO) -> str:
    """Timeouts need a real socket: serve the fake on loopback and answer too slowly."""
    fake = FakeTalon()
    fake.faults.slow(0.6, operation="updateCustomerSessionV2")
    with FakeTalonServer(fake) as server:
        async with TalonClient(server.base_url, server.api_key, timeout=0.2) as talon:
            try:
                # Closing a session is never replayed after a timeout: it may have been applied.
                await talon.update_customer_session("s1", body={"customerSession": {"state": "closed"}})
            except APIConnectionError as exc:  # APITimeoutError is one: the outcome is unknown
                return f"{type(exc).__name__} after 0.2 s, not retried: {exc}"
    return "answered in time"


async def run(*, out: TextIO | None = None) -> list[tuple[str, str]]:
    """Run every scenario on one fake; returns (scenario, what happened)."""
    out = out or sys.stdout
    fake = FakeTalon()
    outcomes: list[tuple[str, str]] = []
    async with fake.client(max_retries=2) as talon:
        for title, scenario in SCENARIOS:
            outcomes.append((title, await scenario(fake, talon)))
            print(f"- {title}:\n    {outcomes[-1][1]}", file=out)
    outcomes.append(("a slow answer", await timeout_over_http(out)))
    print(f"- a slow answer:\n    {outcomes[-1][1]}", file=out)
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    anyio.run(run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
