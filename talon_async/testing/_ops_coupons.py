"""Coupon reservations and referral codes.

Strictly private. A coupon made with ``reservation_mandatory=True`` is hard-reserved: only the
customers who reserved it may redeem it. Otherwise reservations are soft: they list the coupon in
the customer's inventory but anyone may redeem it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import _render
from ._call import Call, Handler, Reply
from ._errors import bad_request, not_found
from ._state import Coupon, Referral

__all__ = ["HANDLERS"]

_DEFAULT_CHARACTERS = list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _coupon(call: Call) -> Coupon:
    value = call.path["couponValue"]
    coupon = call.store.coupons.get(value)
    if coupon is None:
        raise not_found("coupon", value)
    return coupon


async def create_coupon_reservation(call: Call) -> Reply:
    coupon = _coupon(call)
    if coupon.recipient_integration_id:
        raise bad_request(
            f"coupon {coupon.value!r} was created for one customer and cannot be reserved",
            pointer="/integrationIDs",
        )
    # This endpoint overrides the coupon's reservation limit (only the reserveCoupon effect keeps
    # to it), so it adds every customer it is given.
    ids = [i for i in call.body["integrationIDs"] if i not in coupon.reserved_by]
    for integration_id in ids:
        call.store.profile(integration_id, call.now)
        coupon.reserved_by[integration_id] = None
    return Reply(201, _render.coupon(coupon))


async def delete_coupon_reservation(call: Call) -> Reply:
    coupon = _coupon(call)
    for integration_id in call.body["integrationIDs"]:
        coupon.reserved_by.pop(integration_id, None)
    return Reply(204)


async def get_reserved_customers(call: Call) -> Reply:
    coupon = _coupon(call)
    profiles = [call.store.profiles[i] for i in coupon.reserved_by if i in call.store.profiles]
    return Reply(
        200, {"totalResultSize": len(profiles), "data": [_render.profile(call.store, p) for p in profiles]}
    )


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _code(call: Call, pattern: str | None, characters: list[str] | None) -> str:
    """A referral code no other referral has: ``#`` in the pattern is one random character."""
    alphabet = "".join(characters or _DEFAULT_CHARACTERS)
    if not alphabet:
        raise bad_request(
            "validCharacters holds no character to build codes from", pointer="/validCharacters"
        )
    for _ in range(1000):
        if pattern:
            code = "".join(call.store.rng.choice(alphabet) if ch == "#" else ch for ch in pattern)
        else:
            code = call.store.code(8, alphabet)
        if code not in call.store.referrals and len(code) >= 4:
            return code
    raise bad_request("the referral pattern cannot make enough distinct codes", pointer="/referralPattern")


def _new_referral(
    call: Call, body: dict[str, Any], advocate: str, code: str, batch_id: str | None
) -> Referral:
    call.store.profile(advocate, call.now)
    referral = Referral(
        id=call.store.next_id("referral"),
        created=call.now,
        code=code,
        campaign_id=body["campaignId"],
        advocate=advocate,
        friend=body.get("friendProfileIntegrationId"),
        start_date=_date(body.get("startDate")),
        expiry_date=_date(body.get("expiryDate")),
        usage_limit=body.get("usageLimit"),
        attributes=dict(body.get("attributes") or {}),
        batch_id=batch_id,
    )
    call.store.referrals[code] = referral
    return referral


async def create_referral(call: Call) -> Reply:
    body = call.body
    referral = _new_referral(call, body, body["advocateProfileIntegrationId"], _code(call, None, None), None)
    return Reply(201, _render.referral(referral))


async def create_referrals_for_multiple_advocates(call: Call) -> Reply:
    body = call.body
    batch_id = call.store.code(6).lower()
    referrals = [
        _new_referral(
            call,
            body,
            advocate,
            _code(call, body.get("referralPattern"), body.get("validCharacters")),
            batch_id,
        )
        for advocate in dict.fromkeys(body["advocateProfileIntegrationIds"])
    ]
    if call.silent:
        return Reply(204)
    return Reply(201, {"totalResultSize": len(referrals), "data": [_render.referral(r) for r in referrals]})


HANDLERS: dict[str, Handler] = {
    "createCouponReservation": create_coupon_reservation,
    "deleteCouponReservation": delete_coupon_reservation,
    "getReservedCustomers": get_reserved_customers,
    "createReferral": create_referral,
    "createReferralsForMultipleAdvocates": create_referrals_for_multiple_advocates,
}
