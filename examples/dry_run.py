"""Dry runs: ask Talon.One "what would happen?" without changing anything.

Three ways, from the narrowest to the broadest:

1. ``dry=True`` on one call (sessions, returns, events, and profiles with ``run_rule_engine``);
2. ``now=`` on a dry session update, to evaluate as of a later moment (a coupon's expiry, say);
3. ``talon.dry_run()``: a view of the client to hand to code you already have. Its session,
   profile, event and return calls are sent with ``dry=true``, reads pass through, and every
   operation with no dry mode raises ``DryRunUnsupportedError`` instead of changing data.

    python examples/dry_run.py        # the embedded fake, or your deployment with TALON_* set
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO

import anyio
from _target import connect

from talon_async import DryRunUnsupportedError, TalonClient, effects_of
from talon_async.models import AddLoyaltyPointsEffectProps, IntegrationStateV2, RejectCouponEffectProps
from talon_async.testing import FakeTalon

__all__ = ["DryRunResult", "checkout", "main", "run", "seed_fake"]

CART = [{"sku": "SKU-SHOE", "name": "Running shoe", "quantity": 2, "price": 80.0}]


@dataclass
class DryRunResult:
    """What the previews said, and what was stored afterwards."""

    preview_points: float = 0.0
    stored_state: str = ""
    next_month_rejections: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    event_effects: int = 0


def seed_fake(fake: FakeTalon, coupon: str) -> None:
    """Fake only: the example shop, plus a coupon that expires in ten days."""
    fake.add_example_data()
    fake.add_coupon(coupon, discount_percent=25, expiry_date=fake.now() + timedelta(days=10))


async def checkout(talon: TalonClient, session_id: str, customer: str, coupon: str) -> IntegrationStateV2:
    """Your production checkout: close the session and record the purchase.

    Handed a dry-run view, the same code becomes a preview: both calls are sent with dry=true.
    """
    body = {
        "customerSession": {
            "profileId": customer,
            "couponCodes": [coupon],
            "cartItems": CART,
            "state": "closed",
        }
    }
    state = await talon.update_customer_session(session_id, body=body)
    await talon.track_event(body={"profileId": customer, "type": "checkout_completed"})
    return state


async def run(
    talon: TalonClient, *, customer: str = "alice", coupon: str = "SUMMER25", out: TextIO | None = None
) -> DryRunResult:
    out = out or sys.stdout
    result = DryRunResult()
    session_id = f"{customer}-order-1"
    open_body = {"customerSession": {"profileId": customer, "couponCodes": [coupon], "cartItems": CART}}
    await talon.update_customer_session(session_id, body=open_body)
    print(f"Opened {session_id} for {customer} with the coupon {coupon} (a real write).", file=out)

    print("\n1. dry=True on one call: what would tracking an event do?", file=out)
    event = await talon.track_event(
        body={"profileId": customer, "type": "newsletter_signup"}, silent=False, dry=True
    )
    result.event_effects = len(event.effects)
    print(f"   {result.event_effects} effects, and no event was stored", file=out)

    print("\n2. now=: would the coupon still work in 30 days?", file=out)
    next_month = datetime.now(UTC) + timedelta(days=30)
    later = await talon.update_customer_session(session_id, body=open_body, dry=True, now=next_month)
    result.next_month_rejections = [r.rejection_reason for r in effects_of(later, RejectCouponEffectProps)]
    print(
        f"   rejections on {next_month:%Y-%m-%d}: {', '.join(result.next_month_rejections) or 'none'}",
        file=out,
    )

    print("\n3. talon.dry_run(): run the production checkout as a preview", file=out)
    preview = talon.dry_run()
    state = await checkout(preview, session_id, customer, coupon)
    result.preview_points = sum(p.value for p in effects_of(state, AddLoyaltyPointsEffectProps))
    print(f"   closing would add {result.preview_points:g} loyalty points", file=out)
    try:
        await preview.delete_customer_data(customer)
    except DryRunUnsupportedError as exc:
        result.refused.append("delete_customer_data")
        print(f"   refused, nothing deleted: {exc}", file=out)

    stored = await talon.get_customer_session(session_id)
    result.stored_state = str(stored.customer_session.state) if stored.customer_session else "?"
    print(f"\nThe stored session is still {result.stored_state}: no preview changed it.", file=out)
    return result


async def _main(customer: str, coupon: str) -> None:
    async with connect(seed=lambda fake: seed_fake(fake, coupon)) as target:
        print(f"Dry runs against {target.description}\n")
        await run(target.talon, customer=customer, coupon=coupon)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Preview Talon.One effects without persisting them.")
    parser.add_argument("--customer", default="alice", help="profile integration id to use")
    parser.add_argument(
        "--coupon", default="SUMMER25", help="coupon code to try (the fake's expires in 10 days)"
    )
    args = parser.parse_args(argv)
    anyio.run(_main, args.customer, args.coupon)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
