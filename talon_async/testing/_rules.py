"""Pluggable rules: plain callables that turn what the fake knows into effects.

A rule is ``rule(ctx) -> iterable of effect-like mappings``. Each mapping needs ``effectType`` and
``props``; the fake fills ``campaignId``, ``rulesetId``, ``ruleIndex`` and ``ruleName`` when the
rule leaves them out, then checks the effect and its props against the OpenAPI document. A rule
never changes state itself: the fake applies the effects (for example it writes ``addLoyaltyPoints``
to the ledger when the session closes) and skips that on dry runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

__all__ = [
    "CouponCodes",
    "CouponView",
    "PercentOffCart",
    "PointsPerCurrencyUnit",
    "ProgramView",
    "Rule",
    "RuleContext",
    "example_rules",
]

Effect = Mapping[str, Any]


class Rule(Protocol):
    """A callable that sees a ``RuleContext`` and returns effects."""

    def __call__(self, ctx: RuleContext, /) -> Iterable[Effect]: ...


@attrs.frozen
class CouponView:
    """A read-only view of a coupon, for rules that validate codes."""

    id: int
    value: str
    campaign_id: int
    usage_limit: int
    usage_counter: int
    is_reservation_mandatory: bool
    reserved_by: frozenset[str]
    recipient_integration_id: str | None
    start_date: datetime | None
    expiry_date: datetime | None
    discount_percent: float | None


@attrs.frozen
class ProgramView:
    """A read-only view of a loyalty program."""

    id: int
    name: str
    card_based: bool


@attrs.frozen
class RuleContext:
    """What a rule sees. ``session`` and ``profile`` have the document's JSON shapes
    (``CustomerSessionV2``, ``CustomerProfile``); ``event`` is set when an event is tracked."""

    session: Mapping[str, Any] | None
    profile: Mapping[str, Any] | None
    event: Mapping[str, Any] | None
    now: datetime
    programs: tuple[ProgramView, ...]
    _coupons: Callable[[str], CouponView | None] = attrs.field(alias="coupons", repr=False)
    _uuid: Callable[[], str] = attrs.field(alias="uuid", repr=False)

    def coupon(self, code: str) -> CouponView | None:
        """The coupon with this code, or None if the fake has no such coupon."""
        return self._coupons(code)

    def new_uuid(self) -> str:
        """A transaction UUID from the fake's seeded generator."""
        return self._uuid()

    @property
    def cart_total(self) -> float:
        """The session's cart item total (what is still kept), 0 without a session."""
        return float(self.session.get("cartItemTotal", 0.0)) if self.session else 0.0


@attrs.frozen
class PercentOffCart:
    """``setDiscount`` of ``percent`` of the cart when the cart item total exceeds ``over``."""

    percent: float = 10.0
    over: float = 100.0
    campaign_id: int = 1

    def __call__(self, ctx: RuleContext) -> list[Effect]:
        if ctx.cart_total <= self.over:
            return []
        name = f"{self.percent:g}% off carts over {self.over:g}"
        value = round(ctx.cart_total * self.percent / 100.0, 2)
        return [{"effectType": "setDiscount", "props": {"name": name, "value": value}, "ruleName": name}]


@attrs.frozen
class PointsPerCurrencyUnit:
    """``addLoyaltyPoints``: ``points`` per whole currency unit of the cart.

    Profile-based programs credit the session's profile; card-based programs credit the session's
    loyalty card. Without ``program_id`` every program that has a recipient is credited.
    """

    points: float = 1.0
    program_id: int | None = None
    subledger_id: str = ""
    campaign_id: int = 2

    def __call__(self, ctx: RuleContext) -> list[Effect]:
        # Integers are unbounded in the contract, so a cart can add up past what a float holds.
        if ctx.session is None or not math.isfinite(ctx.cart_total):
            return []
        value = math.floor(ctx.cart_total) * self.points
        if value <= 0:
            return []
        name = f"{self.points:g} point{'' if self.points == 1 else 's'} per currency unit"
        profile_id = ctx.session.get("profileId") or ""
        # An empty identifier names no card, so it earns nothing.
        cards = [card for card in ctx.session.get("loyaltyCards") or [] if card]
        effects: list[Effect] = []
        for program in ctx.programs:
            if self.program_id is not None and program.id != self.program_id:
                continue
            props: dict[str, Any] = {
                "name": name,
                "programId": program.id,
                "subLedgerId": self.subledger_id,
                "value": value,
                "recipientIntegrationId": profile_id,
                "transactionUUID": ctx.new_uuid(),
            }
            if program.card_based:
                if not cards:
                    continue
                props["cardIdentifier"] = cards[0]
            elif not profile_id:
                continue
            effects.append({"effectType": "addLoyaltyPoints", "props": props, "ruleName": name})
        return effects


def _rejection(ctx: RuleContext, coupon: CouponView | None) -> str | None:
    if coupon is None:
        return "CouponNotFound"
    if coupon.expiry_date is not None and coupon.expiry_date <= ctx.now:
        return "CouponExpired"
    if coupon.start_date is not None and coupon.start_date > ctx.now:
        return "CouponStartDateInFuture"
    if coupon.usage_limit and coupon.usage_counter >= coupon.usage_limit:
        return "CouponLimitReached"
    profile_id = (ctx.session or {}).get("profileId") or ""
    if coupon.recipient_integration_id and coupon.recipient_integration_id != profile_id:
        return "CouponRecipientDoesNotMatch"
    if coupon.is_reservation_mandatory and profile_id not in coupon.reserved_by:
        return "CouponReservationRequired"
    return None


@attrs.frozen
class CouponCodes:
    """``acceptCoupon`` or ``rejectCoupon`` for each code in the session, and the coupon's discount.

    A coupon added with ``discount_percent`` also yields a ``setDiscount`` when accepted.
    """

    campaign_id: int = 3

    def __call__(self, ctx: RuleContext) -> list[Effect]:
        effects: list[Effect] = []
        for code in (ctx.session or {}).get("couponCodes") or []:
            coupon = ctx.coupon(code)
            reason = _rejection(ctx, coupon)
            if coupon is None or reason is not None:
                rejected: dict[str, Any] = {
                    "effectType": "rejectCoupon",
                    "props": {"value": code, "rejectionReason": reason or "CouponNotFound"},
                    "ruleName": "Coupon",
                }
                if coupon is not None:
                    rejected["triggeredByCoupon"] = coupon.id
                effects.append(rejected)
                continue
            base = {"campaignId": coupon.campaign_id, "triggeredByCoupon": coupon.id, "ruleName": "Coupon"}
            effects.append({**base, "effectType": "acceptCoupon", "props": {"value": code}})
            if coupon.discount_percent:
                value = round(ctx.cart_total * coupon.discount_percent / 100.0, 2)
                discount = {"name": f"Coupon {code}", "value": value}
                effects.append({**base, "effectType": "setDiscount", "props": discount})
        return effects


def example_rules() -> list[Rule]:
    """The rules a new ``FakeTalon`` runs unless told otherwise."""
    return [CouponCodes(), PercentOffCart(), PointsPerCurrencyUnit()]
