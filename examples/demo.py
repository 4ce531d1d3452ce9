"""``make demo``: a shop's day with Talon.One, told through talon_async.

By default the story runs against the embedded fake Talon.One, in-process: no account, no
network, a couple of seconds. With ``TALON_BASE_URL`` and ``TALON_API_KEY`` set, the same script
runs against that deployment instead (``--fake`` forces the fake anyway).

On the fake, ``seed_fake`` creates what the story needs: the example shop (loyalty programs,
the coupons WELCOME10 and VIP-ONLY, a catalog) and a loyalty history for the customer. A real
deployment cannot be seeded from here, so the demo creates everything it can through the API
(profiles, sessions, events, reservations) under ids prefixed with a fresh run id, and reads
the rest from the environment:

    TALON_DEMO_COUPON              coupon code applied in the session (default WELCOME10)
    TALON_DEMO_RESERVE_COUPON      coupon code to reserve for the customer (default VIP-ONLY)
    TALON_DEMO_LOYALTY_PROGRAM_ID  profile-based loyalty program to page through (step skipped if unset)
    TALON_DEMO_BULK_PROFILES       profiles to bulk-update (default 3000 on the fake, 200 on a deployment)
    TALON_DEMO_RUN_ID              prefix of every id the demo creates (default: random on a deployment)

A step whose data does not exist on the deployment (an unknown coupon, say) is reported and
skipped; any other error stops the demo with the API's message.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import anyio
from _console import Progress, table
from _target import connect

from talon_async import (
    BatchResult,
    ChunkResult,
    InvalidRequestError,
    NotFoundError,
    TalonClient,
    TalonError,
    Unset,
    typed_props,
)
from talon_async.models import (
    AcceptCouponEffectProps,
    AddLoyaltyPointsEffectProps,
    CartItem,
    Effect,
    IntegrationRequest,
    IntegrationRequestResponseContentItem,
    NewCustomerSessionV2,
    NewCustomerSessionV2State,
    RejectCouponEffectProps,
    RollbackAddedLoyaltyPointsEffectProps,
    RollbackDiscountEffectProps,
    SetDiscountEffectProps,
)
from talon_async.testing import FakeTalon

__all__ = ["DemoConfig", "DemoResult", "main", "run_demo", "seed_fake"]

# On the fake: this many ledger transactions for the customer, so paging shows several pages.
FAKE_HISTORY = 240


@dataclass(frozen=True)
class DemoConfig:
    """What the story uses. ``from_env`` reads the ``TALON_DEMO_*`` variables."""

    prefix: str = ""
    coupon: str = "WELCOME10"
    reserve_coupon: str = "VIP-ONLY"
    loyalty_program_id: int | None = 1
    bulk_profiles: int = 3000
    page_size: int = 50

    @property
    def customer(self) -> str:
        return f"{self.prefix}alice"

    def session(self, number: int) -> str:
        return f"{self.prefix}order-{number}"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, fake: bool) -> DemoConfig:
        if fake:
            return cls(prefix=env.get("TALON_DEMO_RUN_ID", ""))
        program = env.get("TALON_DEMO_LOYALTY_PROGRAM_ID")
        return cls(
            prefix=env.get("TALON_DEMO_RUN_ID") or f"demo-{secrets.token_hex(3)}-",
            coupon=env.get("TALON_DEMO_COUPON", "WELCOME10"),
            reserve_coupon=env.get("TALON_DEMO_RESERVE_COUPON", "VIP-ONLY"),
            loyalty_program_id=int(program) if program else None,
            bulk_profiles=int(env.get("TALON_DEMO_BULK_PROFILES", "200")),
        )


@dataclass
class DemoResult:
    """What happened, step by step (the effect types each call returned), for tests and callers."""

    session_effects: list[str] = field(default_factory=list)
    dry_run_effects: list[str] = field(default_factory=list)
    close_effects: list[str] = field(default_factory=list)
    return_effects: list[str] = field(default_factory=list)
    reserved_for: list[str] = field(default_factory=list)
    transactions: int = 0
    pages: int = 0
    bulk: BatchResult[Any] | None = None
    skipped: list[str] = field(default_factory=list)


def seed_fake(fake: FakeTalon, config: DemoConfig) -> list[str]:
    """Fake only: the example shop, plus a loyalty history for the demo's customer."""
    lines = fake.add_example_data()
    if config.loyalty_program_id is not None:
        fake.seed_transactions(
            config.loyalty_program_id, FAKE_HISTORY, integration_id=config.customer, deduct_every=7
        )
        lines.append(f"{FAKE_HISTORY} loyalty transactions for {config.customer}")
    return lines


SHOE, SOCKS, HAT = "running shoe", "sports socks", "sun hat"
CART = [
    CartItem(sku="SKU-SHOE", name=SHOE, quantity=2, price=80.0),
    CartItem(sku="SKU-SOCK", name=SOCKS, quantity=3, price=5.0),
]
HAT_ITEM = CartItem(sku="SKU-HAT", name=HAT, quantity=1, price=25.0)


def session_request(
    customer: str,
    cart: Sequence[CartItem],
    coupons: Sequence[str],
    state: NewCustomerSessionV2State = NewCustomerSessionV2State.OPEN,
) -> IntegrationRequest:
    """The typed body of a session update, asking for the stored session back."""
    return IntegrationRequest(
        customer_session=NewCustomerSessionV2(
            profile_id=customer, coupon_codes=list(coupons), cart_items=list(cart), state=state
        ),
        response_content=[IntegrationRequestResponseContentItem.CUSTOMERSESSION],
    )


def describe(effect: Effect) -> tuple[str, str, str]:
    """One table row for an effect: its type, what it is about, and what it changes."""
    props = typed_props(effect)
    if isinstance(props, SetDiscountEffectProps):
        return effect.effect_type, props.name, f"-{props.value:.2f}"
    if isinstance(props, RollbackDiscountEffectProps):
        return effect.effect_type, props.name, f"+{props.value:.2f}"
    if isinstance(props, AcceptCouponEffectProps):
        return effect.effect_type, props.value, "accepted"
    if isinstance(props, RejectCouponEffectProps):
        return effect.effect_type, props.value, props.rejection_reason
    if isinstance(props, AddLoyaltyPointsEffectProps):
        where = f"program {props.program_id}, {props.recipient_integration_id}"
        return effect.effect_type, where, f"+{props.value:g} points"
    if isinstance(props, RollbackAddedLoyaltyPointsEffectProps):
        where = f"program {props.program_id}, {props.recipient_integration_id}"
        return effect.effect_type, where, f"-{props.value:g} points"
    return effect.effect_type, effect.rule_name, ""


class Story:
    """Strictly private. Prints numbered steps and effect tables to one stream."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        print(f"\n{self.number}. {title}", file=self.out)

    def say(self, text: str) -> None:
        print(f"   {text}", file=self.out)

    def effects(self, effects: Sequence[Effect]) -> list[str]:
        if not effects:
            self.say("no effects")
        table([describe(e) for e in effects], indent=5, stream=self.out)
        return [e.effect_type for e in effects]


async def run_demo(talon: TalonClient, config: DemoConfig, *, out: TextIO | None = None) -> DemoResult:
    """Tell the whole story with ``talon``; see the module docstring for what each step needs."""
    story = Story(out or sys.stdout)
    result = DemoResult()
    customer = config.customer
    order = config.session(1001)

    story.step("Create a customer profile")
    created = await talon.update_customer_profile(
        customer,
        body={
            "attributes": {"Name": "Alice Example", "Email": "alice@example.com"},
            "responseContent": ["customerProfile"],
        },
    )
    profile = created.customer_profile
    if profile:
        given = {} if isinstance(profile.attributes, Unset) else profile.attributes.to_dict()
        attributes = ", ".join(f"{k}={v}" for k, v in sorted(given.items()))
        story.say(f"{profile.integration_id} (id {profile.id}): {attributes or 'no attributes'}")

    story.step(f"Open session {order} with a cart and the coupon {config.coupon}")
    rows: list[tuple[object, ...]] = [(item.sku, item.name, item.quantity, "x", item.price) for item in CART]
    table(rows, indent=5, stream=story.out)
    state = await talon.update_customer_session(order, body=session_request(customer, CART, [config.coupon]))
    if state.customer_session:
        story.say(f"cart total {state.customer_session.cart_item_total:.2f}; effects:")
    result.session_effects = story.effects(state.effects)

    story.step(f"Dry run: what if {customer} also took a {HAT}?")
    what_if = await talon.dry_run().update_customer_session(
        order, body=session_request(customer, [*CART, HAT_ITEM], [config.coupon])
    )
    result.dry_run_effects = story.effects(what_if.effects)
    stored = await talon.get_customer_session(order)
    if stored.customer_session and stored.customer_session.cart_items:
        lines = len(stored.customer_session.cart_items)
        story.say(f"stored session unchanged: {lines} cart lines, nothing was persisted")

    story.step(f"Close {order}, then return one {SHOE}")
    closed = await talon.update_customer_session(
        order, body=session_request(customer, CART, [config.coupon], NewCustomerSessionV2State.CLOSED)
    )
    result.close_effects = story.effects(closed.effects)
    story.say("closing settled them: the points are on the ledger, the coupon counts as used")
    returned = await talon.return_cart_items(
        order, body={"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}}
    )
    story.say("return answered with:")
    result.return_effects = story.effects(returned.effects)

    story.step("Track an event")
    tracked = await talon.track_event(
        body={"profileId": customer, "type": "wishlist_item_added", "responseContent": ["event"]},
        silent=False,
    )
    event_id = f" (event id {tracked.event.id})" if tracked.event else ""
    story.say(f"wishlist_item_added for {customer}{event_id}, {len(tracked.effects)} effects")

    story.step(f"Reserve the coupon {config.reserve_coupon} for {customer}")
    try:
        await talon.create_coupon_reservation(config.reserve_coupon, body={"integrationIDs": [customer]})
    except NotFoundError:
        result.skipped.append("reserve coupon")
        story.say(f"skipped: no coupon {config.reserve_coupon} here (set TALON_DEMO_RESERVE_COUPON)")
    else:
        result.reserved_for = [
            p.integration_id async for p in talon.iter_reserved_customers(config.reserve_coupon)
        ]
        story.say(f"reserved for: {', '.join(result.reserved_for)}")
        check = await talon.dry_run().update_customer_session(
            config.session(1002), body=session_request(customer, CART, [config.reserve_coupon])
        )
        verdicts = [describe(e) for e in check.effects if e.effect_type in ("acceptCoupon", "rejectCoupon")]
        story.say("a dry-run session with it now says: " + "; ".join(f"{c} {v}" for _, c, v in verdicts))

    story.step(f"Page through {customer}'s loyalty transactions")
    if config.loyalty_program_id is None:
        result.skipped.append("loyalty transactions")
        story.say("skipped: set TALON_DEMO_LOYALTY_PROGRAM_ID to a profile-based program")
    else:
        await _page_ledger(talon, config, config.loyalty_program_id, story, result)

    story.step(f"Bulk-update {config.bulk_profiles} profiles with the batch helper")
    result.bulk = await _bulk_update(talon, config, story)
    return result


async def _page_ledger(
    talon: TalonClient, config: DemoConfig, program_id: int, story: Story, result: DemoResult
) -> None:
    progress = Progress("fetched", unit="transactions", stream=story.out)
    added = spent = 0.0
    latest: list[tuple[object, ...]] = []
    pages = talon.get_loyalty_program_profile_transactions(
        program_id, config.customer, page_size=config.page_size
    ).pages()
    async for page in pages:
        progress.advance(len(page))
        for entry in page:
            if str(entry.type_) == "addition":
                added += entry.amount
            else:
                spent += entry.amount
            if len(latest) < 3:
                latest.append(
                    (
                        entry.created.strftime("%Y-%m-%d %H:%M"),
                        str(entry.type_),
                        f"{entry.amount:g}",
                        entry.name,
                    )
                )
    progress.finish()
    result.transactions, result.pages = progress.done, progress.steps
    table(
        [
            ("added", f"{added:,.0f} points"),
            ("deducted", f"{spent:,.0f} points"),
            ("net", f"{added - spent:,.0f} points"),
        ],
        indent=5,
        stream=story.out,
    )
    story.say("first entries of the first page:")
    table(latest, indent=5, stream=story.out)
    balances = await talon.get_loyalty_balances(program_id, config.customer)
    if balances.balance and balances.balance.active_points is not None:
        story.say(f"active balance: {balances.balance.active_points:,.0f} points")


async def _bulk_update(talon: TalonClient, config: DemoConfig, story: Story) -> BatchResult[Any]:
    def profiles() -> Iterator[dict[str, Any]]:
        # A generator: the batch helper reads it as fast as it sends, never all at once.
        for i in range(config.bulk_profiles):
            yield {
                "integrationId": f"{config.prefix}customer-{i:05d}",
                "attributes": {"Name": f"Customer {i}"},
            }

    progress = Progress("updated", total=config.bulk_profiles, unit="profiles", stream=story.out)

    def on_progress(chunk: ChunkResult[Any]) -> None:
        progress.advance(len(chunk.items), failed=len(chunk.items) if chunk.outcome == "failed" else 0)

    started = time.perf_counter()
    bulk = await talon.batch_update_customer_profiles(profiles(), concurrency=4, on_progress=on_progress)
    progress.finish()
    elapsed = time.perf_counter() - started
    failed = len(bulk.failed_items)
    story.say(
        f"{bulk.item_count} profiles in {_plural(len(bulk.chunks), 'request')} of up to 1000: "
        f"{bulk.item_count - failed} updated, {failed} failed, {elapsed:.2f} s"
    )
    for chunk in bulk.failed_chunks:
        story.say(f"request {chunk.index + 1} failed: {chunk.error}")
    return bulk


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


async def _main(env: Mapping[str, str], out: TextIO) -> int:
    fake_mode = not (env.get("TALON_BASE_URL") and env.get("TALON_API_KEY"))
    config = DemoConfig.from_env(env, fake=fake_mode)
    seeded: list[str] = []
    started = time.perf_counter()
    try:
        async with connect(seed=lambda fake: seeded.extend(seed_fake(fake, config)), env=env) as target:
            print(f"talon_async demo against {target.description}", file=out)
            if seeded:
                print("Seeded the fake with:", file=out)
                table([(line,) for line in seeded], stream=out)
            await run_demo(target.talon, config, out=out)
            requests = f", {len(target.fake.requests)} requests" if target.fake else ""
    except InvalidRequestError as exc:
        print(f"\nThe demo cannot start: {exc}", file=sys.stderr)
        return 2
    except TalonError as exc:
        print(f"\nThe demo stopped: {exc}", file=sys.stderr)
        return 1
    checked = " (each one checked against openapi/integration-api.yaml by the fake)" if target.fake else ""
    print(f"\nDone in {time.perf_counter() - started:.1f} s{requests}{checked}.", file=out)
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--fake", action="store_true", help="use the embedded fake even if TALON_* are set")
    parser.add_argument(
        "--backend", choices=["asyncio", "trio"], default="asyncio", help="event loop to run on"
    )
    args = parser.parse_args(argv)
    env: Mapping[str, str] = (
        {k: v for k, v in os.environ.items() if k.startswith("TALON_DEMO_")} if args.fake else os.environ
    )
    code: int = anyio.run(_main, env, out or sys.stdout, backend=args.backend)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
