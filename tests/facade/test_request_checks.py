"""Checks made before sending: Talon's limits, the dry-run view and the dry-only parameters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from talon_async import DryRunUnsupportedError, InvalidRequestError, TalonClient
from tests.facade.conftest import make_client, state_doc

pytestmark = pytest.mark.anyio

FUTURE = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


def cart(n: int) -> dict[str, Any]:
    items = [{"name": "x", "sku": f"S{i}", "quantity": 1} for i in range(n)]
    return {"customerSession": {"cartItems": items}}


Call = Callable[[TalonClient], Awaitable[object]]
OVER_LIMIT: dict[str, tuple[Call, str]] = {
    "cart items": (lambda t: t.update_customer_session("s1", body=cart(1001)), "cartItems"),
    "profiles": (
        lambda t: t.update_customer_profiles(
            body={"customerProfiles": [{"integrationId": f"p{i}"} for i in range(1001)]}
        ),
        "customerProfiles",
    ),
    "audience changes": (
        lambda t: t.update_customer_profile_audiences(
            body={"data": [{"action": "add", "profileIntegrationId": "p", "audienceId": 1}] * 1001}
        ),
        "body.data",
    ),
    "catalog actions": (
        lambda t: t.sync_catalog(1, body={"actions": [{"type": "REMOVE", "payload": {"sku": "s"}}] * 1001}),
        "actions",
    ),
    "coupon reservations": (
        lambda t: t.create_coupon_reservation("C", body={"integrationIDs": ["p"] * 1001}),
        "integrationIDs",
    ),
    "coupon reservation deletes": (
        lambda t: t.delete_coupon_reservation("C", body={"integrationIDs": ["p"] * 1001}),
        "integrationIDs",
    ),
    "advocates": (
        lambda t: t.create_referrals_for_multiple_advocates(
            body={"campaignId": 1, "usageLimit": 1, "advocateProfileIntegrationIds": ["p"] * 1001}
        ),
        "advocateProfileIntegrationIds",
    ),
}


@pytest.mark.parametrize("case", sorted(OVER_LIMIT))
async def test_more_than_1000_items_rejected_before_sending(case: str) -> None:
    """A single-request method given 1001 items raises InvalidRequestError naming the list."""
    call, field = OVER_LIMIT[case]
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match=field):
            await call(talon)


async def test_exactly_1000_items_are_sent() -> None:
    """The limit is inclusive: 1000 cart items go through."""
    async with make_client(lambda r: httpx.Response(200, json=state_doc())) as talon:
        await talon.update_customer_session("s1", body=cart(1000))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.get_loyalty_card_points(1, "CARD-1", page_size=0), "page_size"),
        (lambda t: t.get_loyalty_card_points(1, "CARD-1", page_size=1001), "page_size"),
        (lambda t: t.get_loyalty_program_profile_transactions(1, "p", page_size=5000), "page_size"),
        (lambda t: t.get_loyalty_card_transactions(1, "CARD-1", skip=-1), "skip"),
        (lambda t: t.get_loyalty_card_balances(1, "abc"), "loyalty_card_id"),
        (lambda t: t.get_loyalty_card_balances(1, "x" * 109), "loyalty_card_id"),
        (lambda t: t.link_loyalty_card_to_profile(1, "abc", body={"integrationId": "p"}), "loyalty_card_id"),
        (lambda t: t.get_loyalty_balances(1, "p", end_date=dt.datetime(2030, 1, 1)), "end_date"),
        (
            lambda t: t.get_loyalty_card_transactions(1, "CARD-1", start_date=dt.datetime(2024, 1, 1)),
            "start_date",
        ),
        (lambda t: t.get_loyalty_card_points(1, "CARD-1", subledger_id="one"), "subledger_id"),
    ],
)
async def test_out_of_range_parameters_rejected(call: Call, field: str) -> None:
    """Out-of-range page sizes, card ids outside 4..108, naive datetimes: rejected naming the field."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match=field):
            await call(talon)


async def test_card_id_length_bounds_are_inclusive() -> None:
    """Card ids of exactly 4 and 108 characters are accepted."""
    doc = {"balance": {}, "subledgerBalances": {}}
    async with make_client(lambda r: httpx.Response(200, json=doc)) as talon:
        await talon.get_loyalty_card_balances(1, "abcd")
        await talon.get_loyalty_card_balances(1, "x" * 108)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"now": FUTURE}, "now: only allowed with dry=True"),
        ({"now": FUTURE.replace(tzinfo=None), "dry": True}, "timezone-aware"),
        ({"now": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), "dry": True}, "in the future"),
    ],
)
async def test_now_preconditions(kwargs: dict[str, Any], message: str) -> None:
    """'now' needs dry=True, a timezone and a future moment; otherwise nothing is sent."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match=message):
            await talon.update_customer_session("s1", body={"customerSession": {}}, **kwargs)


async def test_now_with_dry_is_sent_as_rfc3339() -> None:
    """A valid 'now' goes out with dry=true as an RFC 3339 timestamp with offset."""
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=state_doc())

    async with make_client(handler) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}}, dry=True, now=FUTURE)
    assert seen[0].params["dry"] == "true"
    assert seen[0].params["now"] == FUTURE.isoformat()


async def test_force_complete_evaluation_needs_dry() -> None:
    """force_complete_evaluation without dry is refused before sending."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match="force_complete_evaluation"):
            await talon.track_event(body={"type": "click"}, force_complete_evaluation=True)


async def test_profile_dry_needs_rule_engine() -> None:
    """A dry profile update without run_rule_engine=True is refused, also on the dry-run view."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match="run_rule_engine"):
            await talon.update_customer_profile("p1", body={}, dry=True)
        with pytest.raises(InvalidRequestError, match="run_rule_engine"):
            await talon.dry_run().update_customer_profile("p1", body={})


async def test_dry_run_view_sends_dry_for_dry_capable_operations() -> None:
    """On talon.dry_run(), session, profile, event and return calls all carry dry=true."""
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.url.params.get("dry")))
        if request.url.path.startswith("/v2/customer_profiles"):
            return httpx.Response(200, json=state_doc())
        if request.url.path == "/v2/events":
            return httpx.Response(204)
        return httpx.Response(200, json=state_doc())

    async with make_client(handler) as talon:
        dry = talon.dry_run()
        assert dry.is_dry_run
        assert not talon.is_dry_run
        await dry.update_customer_session("s1", body={"customerSession": {}})
        await dry.update_customer_profile("p1", body={}, run_rule_engine=True)
        await dry.track_event(body={"type": "click"})
        await dry.return_cart_items("s1", body={"return": {"returnedCartItems": []}})
        await talon.update_customer_session("s1", body={"customerSession": {}})
    assert seen == [
        ("/v2/customer_sessions/s1", "true"),
        ("/v2/customer_profiles/p1", "true"),
        ("/v2/events", "true"),
        ("/v2/customer_sessions/s1/returns", "true"),
        ("/v2/customer_sessions/s1", None),
    ]


NO_DRY_MODE: dict[str, Call] = {
    "delete_customer_data": lambda t: t.delete_customer_data("p1"),
    "reopen_customer_session": lambda t: t.reopen_customer_session("s1"),
    "update_customer_profiles": lambda t: t.update_customer_profiles(body={"customerProfiles": []}),
    "create_audience": lambda t: t.create_audience(body={"name": "a"}),
    "update_audience": lambda t: t.update_audience(1, body={"name": "a"}),
    "delete_audience": lambda t: t.delete_audience(1),
    "delete_audience_memberships": lambda t: t.delete_audience_memberships(1),
    "update_audience_customers_attributes": lambda t: t.update_audience_customers_attributes(1, body={}),
    "update_customer_profile_audiences": lambda t: t.update_customer_profile_audiences(body={"data": []}),
    "sync_catalog": lambda t: t.sync_catalog(
        1, body={"actions": [{"type": "REMOVE", "payload": {"sku": "s"}}]}
    ),
    "create_coupon_reservation": lambda t: t.create_coupon_reservation("C", body={"integrationIDs": []}),
    "delete_coupon_reservation": lambda t: t.delete_coupon_reservation("C", body={"integrationIDs": []}),
    "generate_loyalty_card": lambda t: t.generate_loyalty_card(1, body={}),
    "link_loyalty_card_to_profile": lambda t: t.link_loyalty_card_to_profile(
        1, "CARD-1", body={"integrationId": "p"}
    ),
    "unlink_loyalty_card_from_profile": lambda t: t.unlink_loyalty_card_from_profile(
        1, "CARD-1", body={"integrationId": "p"}
    ),
    "create_referral": lambda t: t.create_referral(
        body={"campaignId": 1, "advocateProfileIntegrationId": "p"}
    ),
    "create_referrals_for_multiple_advocates": lambda t: t.create_referrals_for_multiple_advocates(
        body={"campaignId": 1, "usageLimit": 1, "advocateProfileIntegrationIds": ["p"]}
    ),
    "batch_update_customer_profiles": lambda t: t.batch_update_customer_profiles([{"integrationId": "p"}]),
    "batch_update_customer_profile_audiences": lambda t: t.batch_update_customer_profile_audiences([]),
    "batch_sync_catalog": lambda t: t.batch_sync_catalog(1, []),
    "batch_create_referrals": lambda t: t.batch_create_referrals(["p"], campaign_id=1, usage_limit=1),
}


@pytest.mark.parametrize("name", sorted(NO_DRY_MODE))
async def test_dry_run_view_refuses_operations_without_dry_mode(name: str) -> None:
    """On the dry-run view, a mutating operation with no dry mode raises and sends nothing."""
    async with make_client(never) as talon:
        with pytest.raises(DryRunUnsupportedError, match=name):
            await NO_DRY_MODE[name](talon.dry_run())


async def test_dry_run_view_passes_reads_through() -> None:
    """Reads work unchanged on the dry-run view."""
    async with make_client(lambda r: httpx.Response(200, json={})) as talon:
        await talon.dry_run().get_customer_session("s1")


async def test_closing_the_dry_view_leaves_the_client_open() -> None:
    """The view shares the client's pool; closing the view does not close it."""
    async with make_client(lambda r: httpx.Response(200, json={})) as talon:
        async with talon.dry_run() as dry:
            await dry.get_customer_session("s1")
        await talon.get_customer_session("s1")


@pytest.mark.parametrize("value", [".", ".."])
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t, v: t.get_customer_session(v), "customer_session_id"),
        (lambda t, v: t.delete_customer_data(v), "integration_id"),
        (lambda t, v: t.update_customer_profile(v, body={}), "integration_id"),
        (lambda t, v: t.get_reserved_customers(v), "coupon_value"),
        (lambda t, v: t.get_loyalty_balances(1, v), "integration_id"),
    ],
)
async def test_dot_segment_path_values_rejected(
    call: Callable[[TalonClient, str], Awaitable[object]], field: str, value: str
) -> None:
    """'.' and '..' would be dropped from the URL by aiohttp or a proxy, so they are refused unsent."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match=f"{field}: '{re.escape(value)}' cannot be sent"):
            await call(talon, value)
