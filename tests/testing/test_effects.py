"""Effects that change state: applied by the fake and visible to the next call, as Talon.One does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from talon_async.testing import FakeTalon, RuleContext

from .conftest import cart, effect_types, session_body

pytestmark = pytest.mark.anyio

T0 = datetime(2030, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at


def _attr(ctx: RuleContext, name: str) -> Any:
    return ((ctx.session or {}).get("attributes") or {}).get(name)


def _profile_id(ctx: RuleContext) -> str:
    return str(
        (ctx.session or ctx.profile or {}).get("profileId") or (ctx.profile or {}).get("integrationId") or ""
    )


def state_changing_rules(program: int) -> Any:
    """Effects chosen by session attributes (or, for events, by the event type)."""

    def rule(ctx: RuleContext) -> list[dict[str, Any]]:
        wanted = _attr(ctx, "want") or (ctx.event or {}).get("type")
        if wanted == "deduct":
            props = {"ruleTitle": "redeem", "programId": program, "subLedgerId": "", "value": 30.0}
            return [
                {
                    "effectType": "deductLoyaltyPoints",
                    "props": {**props, "transactionUUID": ctx.new_uuid(), "name": "redeem"},
                }
            ]
        if wanted == "tier":
            return [
                {"effectType": "updateAttribute", "props": {"path": "Profile.Tier", "value": "gold"}},
                {"effectType": "updateAttribute", "props": {"path": "Session.Channel", "value": "web"}},
            ]
        if wanted == "reserve":
            props = {
                "couponValue": "WALLET1",
                "profileIntegrationId": _profile_id(ctx),
                "isNewReservation": True,
            }
            return [{"effectType": "reserveCoupon", "props": props}]
        if wanted in ("join", "leave"):
            kind = "addToAudience" if wanted == "join" else "removeFromAudience"
            return [
                {"effectType": kind, "props": {"audienceId": 1, "profileIntegrationId": _profile_id(ctx)}}
            ]
        if wanted == "dated":
            base = {"programId": program, "subLedgerId": "", "recipientIntegrationId": _profile_id(ctx)}
            later = {"startDate": (ctx.now + DAY).isoformat(), "name": "later", "value": 5.0}
            brief = {"expiryDate": (ctx.now + 2 * DAY).isoformat(), "name": "brief", "value": 7.0}
            return [
                {
                    "effectType": "addLoyaltyPoints",
                    "props": {**base, **later, "transactionUUID": ctx.new_uuid()},
                },
                {
                    "effectType": "addLoyaltyPoints",
                    "props": {**base, **brief, "transactionUUID": ctx.new_uuid()},
                },
            ]
        return []

    rule.__name__ = "state_changing"
    return rule


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeTalon:
    fake = FakeTalon(api_key="test-key", rules=[], clock=clock)
    fake.rules.append(state_changing_rules(fake.add_loyalty_program(1, name="points")))
    return fake


@pytest.fixture
async def http(fake: FakeTalon) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://fake", headers=fake.auth_headers
    ) as client:
        yield client


def want(what: str, **fields: Any) -> dict[str, Any]:
    return session_body(profileId="p1", attributes={"want": what}, **fields)


async def test_deducted_points_leave_the_ledger_at_close_and_come_back_on_cancel(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """Talon.One keeps an open session's deductions tentative, takes them off the balance when the
    session closes, and gives them back (rollbackDeductedLoyaltyPoints) when it is cancelled."""
    fake.add_points(1, 100, integration_id="p1")
    await http.put("/v2/customer_sessions/s1", json=want("deduct"))
    assert fake.points(1, integration_id="p1") == 100
    await http.put("/v2/customer_sessions/s1", json=want("deduct", state="closed"))
    assert fake.points(1, integration_id="p1") == 70
    ledger = (await http.get("/v1/loyalty_programs/1/profile/p1/transactions")).json()["data"]
    assert (ledger[0]["type"], ledger[0]["amount"]) == ("subtraction", 30.0)
    r = await http.put("/v2/customer_sessions/s1", json=session_body(state="cancelled"))
    assert "rollbackDeductedLoyaltyPoints" in effect_types(r.json())
    assert fake.points(1, integration_id="p1") == 100


async def test_update_attribute_sets_profile_and_session_attributes(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """Talon.One stores the value an updateAttribute effect sets on the profile or the session, so
    the next request reads it; a dry run stores nothing."""
    await http.put("/v2/customer_sessions/dry", params={"dry": "true"}, json=want("tier"))
    assert fake.profile("p1") is None
    await http.put("/v2/customer_sessions/s1", json=want("tier"))
    profile = (
        await http.put("/v2/customer_profiles/p1", json={"responseContent": ["customerProfile"]})
    ).json()
    assert profile["customerProfile"]["attributes"]["Tier"] == "gold"
    session = (await http.get("/v2/customer_sessions/s1")).json()["customerSession"]
    assert session["attributes"] == {"want": "tier", "Channel": "web"}


async def test_reserve_coupon_effect_reserves_the_code(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One records the reservation a reserveCoupon effect makes: the customer then appears
    among the code's reserved customers and holds it in their inventory."""
    fake.add_coupon("WALLET1")
    await http.put("/v2/customer_sessions/s1", json=want("reserve"))
    reserved = (await http.get("/v1/coupon_reservations/customerprofiles/WALLET1")).json()
    assert [p["integrationId"] for p in reserved["data"]] == ["p1"]
    inventory = (await http.get("/v1/customer_profiles/p1/inventory", params={"coupons": "true"})).json()
    assert [c["value"] for c in inventory["coupons"]] == ["WALLET1"]


async def test_audience_effects_change_memberships(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One adds the customer to the audience an addToAudience effect names and takes them out
    on removeFromAudience, so the profile's audience memberships follow."""
    audience = fake.add_audience("fans")
    await http.put("/v2/customer_sessions/s1", json=want("join"))
    assert fake.profile("p1")["audienceMemberships"] == [{"id": audience, "name": "fans"}]  # type: ignore[index]
    await http.post("/v2/events", json={"type": "leave", "profileId": "p1"})
    assert fake.profile("p1")["audienceMemberships"] == []  # type: ignore[index]


async def test_dated_points_are_pending_active_then_expired(
    fake: FakeTalon, http: httpx.AsyncClient, clock: Clock
) -> None:
    """Talon.One holds points with a future start date as pending until that date, and counts
    points past their expiry date as expired, in balances and in the points ledger alike."""
    await http.put(
        "/v2/customer_sessions/s1", json=want("dated", cartItems=cart(("a", 1, 1.0)), state="closed")
    )

    async def balance() -> tuple[float, float, float]:
        b = (await http.get("/v1/loyalty_programs/1/profile/p1/balances")).json()["balance"]
        return b["activePoints"], b["pendingPoints"], b["expiredPoints"]

    async def names(status: str) -> list[str]:
        points = (
            await http.get("/v1/loyalty_programs/1/profile/p1/points", params={"status": status})
        ).json()
        return [p["name"] for p in points["data"]]

    assert await balance() == (7.0, 5.0, 0.0)
    assert (await names("pending"), await names("active")) == (["later"], ["brief"])
    clock.at = T0 + DAY
    assert await balance() == (12.0, 0.0, 0.0)
    clock.at = T0 + 3 * DAY
    assert await balance() == (5.0, 0.0, 7.0)
    assert (await names("active"), await names("expired")) == (["later"], ["brief"])
    ledger = (await http.get("/v1/loyalty_programs/1/profile/p1/transactions")).json()["data"]
    assert {t["name"]: t["startDate"] for t in ledger}["later"] == "2030-01-02T00:00:00Z"
