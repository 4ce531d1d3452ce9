"""Pluggable rules: the example rules, custom rules, and effects checked against the document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from talon_async.testing import (
    CouponCodes,
    FakeTalon,
    PercentOffCart,
    PointsPerCurrencyUnit,
    RuleContext,
    RuleError,
    example_rules,
)

from .conftest import cart, effect_types, session_body

pytestmark = pytest.mark.anyio


async def put_session(fake: FakeTalon, **session: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        r = await http.put("/v2/customer_sessions/s1", json=session_body(**session))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_example_rules_are_the_default() -> None:
    """A new fake runs the three example rules."""
    assert FakeTalon().rules == example_rules() == [CouponCodes(), PercentOffCart(), PointsPerCurrencyUnit()]


async def test_percent_off_is_configurable() -> None:
    """PercentOffCart applies its own percentage and threshold, and nothing at or below it."""
    fake = FakeTalon(rules=[PercentOffCart(percent=25, over=40)])
    body = await put_session(fake, cartItems=cart(("a", 1, 40.0)))
    assert body["effects"] == []
    body = await put_session(fake, cartItems=cart(("a", 2, 40.0)))
    assert body["effects"][0]["props"] == {"name": "25% off carts over 40", "value": 20.0}
    assert body["effects"][0]["campaignId"] == 1


async def test_points_rule_targets_one_program_and_subledger() -> None:
    """PointsPerCurrencyUnit can credit one program's subledger at a custom rate."""
    fake = FakeTalon(rules=[PointsPerCurrencyUnit(points=2, program_id=2, subledger_id="bonus")])
    fake.add_loyalty_program(1)
    fake.add_loyalty_program(2)
    body = await put_session(fake, profileId="p1", cartItems=cart(("a", 1, 9.99)), state="closed")
    (effect,) = body["effects"]
    assert (effect["props"]["programId"], effect["props"]["value"], effect["props"]["subLedgerId"]) == (
        2,
        18,
        "bonus",
    )
    assert effect["ruleName"] == "2 points per currency unit"
    assert fake.points(2, integration_id="p1", subledger_id="bonus") == 18


async def test_points_rule_needs_a_recipient() -> None:
    """Without a profile (or a card for card programs) no points are promised."""
    fake = FakeTalon(rules=[PointsPerCurrencyUnit()])
    fake.add_loyalty_program(1)
    fake.add_loyalty_program(2, card_based=True)
    assert (await put_session(fake, cartItems=cart(("a", 1, 50.0))))["effects"] == []


@pytest.mark.parametrize(
    ("coupon", "reason"),
    [
        ({"expiry_date": -1}, "CouponExpired"),
        ({"start_date": 1}, "CouponStartDateInFuture"),
        ({"recipient_integration_id": "someone"}, "CouponRecipientDoesNotMatch"),
    ],
)
async def test_coupon_rejections(coupon: dict[str, Any], reason: str) -> None:
    """CouponCodes rejects expired, not yet valid and someone else's coupons with the API's reasons."""
    fake = FakeTalon(rules=[CouponCodes()])
    dated = {k: fake.now() + timedelta(days=v) if k.endswith("_date") else v for k, v in coupon.items()}
    fake.add_coupon("CODE1", **dated)
    body = await put_session(fake, profileId="p1", couponCodes=["CODE1"])
    assert body["effects"][0]["props"] == {"value": "CODE1", "rejectionReason": reason}
    assert body["effects"][0]["triggeredByCoupon"] == 1


async def test_custom_rule_sees_session_profile_and_coupons() -> None:
    """A plain function rule sees the session and profile in the API's JSON shapes."""
    seen: list[RuleContext] = []

    def vip_notice(ctx: RuleContext) -> list[dict[str, Any]]:
        seen.append(ctx)
        if ctx.profile and ctx.profile["attributes"].get("vip"):
            return [
                {
                    "effectType": "showNotification",
                    "props": {"notificationType": "info", "title": "VIP", "body": "Hi"},
                }
            ]
        return []

    fake = FakeTalon(rules=[vip_notice])
    fake.add_profile("p1", {"vip": True})
    fake.add_coupon("SEEN")
    body = await put_session(fake, profileId="p1", cartItems=cart(("a", 3, 2.5)))
    assert effect_types(body) == ["showNotification"]
    assert body["effects"][0]["ruleName"] == "vip_notice"
    ctx = seen[0]
    assert (ctx.session["cartItemTotal"], ctx.cart_total) == (7.5, 7.5)  # type: ignore[index]
    assert ctx.coupon("SEEN") is not None
    assert ctx.coupon("MISSING") is None
    assert ctx.new_uuid() != ctx.new_uuid()


async def test_rule_returning_invalid_props_raises() -> None:
    """An effect whose props break its schema raises RuleError instead of being sent."""

    def broken(ctx: RuleContext) -> list[dict[str, Any]]:
        return [{"effectType": "setDiscount", "props": {"name": "x"}}]

    fake = FakeTalon(rules=[broken])
    with pytest.raises(RuleError, match="value"):
        await put_session(fake)


async def test_rule_returning_an_invalid_effect_raises() -> None:
    """An effect missing what Effect requires (or with a wrong type) raises RuleError."""

    def broken(ctx: RuleContext) -> list[dict[str, Any]]:
        return [{"effectType": "custom", "props": {}, "campaignId": "one"}]

    with pytest.raises(RuleError, match="campaignId"):
        await put_session(FakeTalon(rules=[broken]))


async def test_unknown_effect_types_pass_with_any_props() -> None:
    """Effect types the document does not map (custom effects) only need the Effect fields."""

    def custom(ctx: RuleContext) -> list[dict[str, Any]]:
        return [{"effectType": "myEffect", "props": {"anything": [1, 2]}, "ruleName": "mine"}]

    body = await put_session(FakeTalon(rules=[custom]))
    assert body["effects"][0]["props"] == {"anything": [1, 2]}
