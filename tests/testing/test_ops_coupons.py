"""Coupon reservations (hard and soft) and referral codes in the fake."""

from __future__ import annotations

import httpx
import pytest

from talon_async.testing import FakeTalon

from .conftest import cart, session_body

pytestmark = pytest.mark.anyio


async def test_reserve_list_and_release(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Reservations list their customers and can be deleted again."""
    fake.add_coupon("SPRING")
    r = await http.post("/v1/coupon_reservations/SPRING", json={"integrationIDs": ["p1", "p2"]})
    assert r.status_code == 201
    assert r.json()["value"] == "SPRING"
    r = await http.get("/v1/coupon_reservations/customerprofiles/SPRING")
    assert r.json()["totalResultSize"] == 2
    assert [p["integrationId"] for p in r.json()["data"]] == ["p1", "p2"]
    r = await http.request("DELETE", "/v1/coupon_reservations/SPRING", json={"integrationIDs": ["p1"]})
    assert r.status_code == 204
    r = await http.get("/v1/coupon_reservations/customerprofiles/SPRING")
    assert [p["integrationId"] for p in r.json()["data"]] == ["p2"]


async def test_unknown_coupon_answers_404(http: httpx.AsyncClient) -> None:
    """Every reservation endpoint answers 404 for a coupon that does not exist."""
    body = {"integrationIDs": ["p1"]}
    for r in (
        await http.post("/v1/coupon_reservations/NOPE", json=body),
        await http.request("DELETE", "/v1/coupon_reservations/NOPE", json=body),
        await http.get("/v1/coupon_reservations/customerprofiles/NOPE"),
    ):
        assert r.status_code == 404


async def test_the_reservation_endpoint_overrides_the_limit(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One documents that the reservation endpoint overrides a coupon's reservation limit
    (only the reservation effect keeps to it): a coupon limited to one reservation takes two."""
    fake.add_coupon("LIMITED", reservation_limit=1)
    for holder in ("p1", "p2"):
        r = await http.post("/v1/coupon_reservations/LIMITED", json={"integrationIDs": [holder]})
        assert r.status_code == 201
    reserved = (await http.get("/v1/coupon_reservations/customerprofiles/LIMITED")).json()
    assert [p["integrationId"] for p in reserved["data"]] == ["p1", "p2"]


async def test_a_coupon_for_one_recipient_cannot_be_reserved(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """Talon.One documents that only regular coupons are reservable, not those created for a
    specific customer: reserving one answers 400 and reserves nothing."""
    fake.add_coupon("JUST-FOR-P1", recipient_integration_id="p1")
    r = await http.post("/v1/coupon_reservations/JUST-FOR-P1", json={"integrationIDs": ["p1"]})
    assert (r.status_code, r.json()["errors"][0]["source"]) == (400, {"pointer": "/integrationIDs"})
    assert (await http.get("/v1/coupon_reservations/customerprofiles/JUST-FOR-P1")).json()["data"] == []


async def test_hard_reservation_only_lets_holders_redeem(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A reservation-mandatory coupon is accepted for holders and rejected for anyone else."""
    fake.add_coupon("VIP1", reservation_mandatory=True, discount_percent=20)
    await http.post("/v1/coupon_reservations/VIP1", json={"integrationIDs": ["holder"]})
    r = await http.put(
        "/v2/customer_sessions/s1",
        json=session_body(profileId="other", couponCodes=["VIP1"], cartItems=cart(("a", 1, 50.0))),
    )
    assert r.json()["effects"][0]["props"] == {
        "value": "VIP1",
        "rejectionReason": "CouponReservationRequired",
    }
    r = await http.put(
        "/v2/customer_sessions/s2",
        json=session_body(profileId="holder", couponCodes=["VIP1"], cartItems=cart(("a", 1, 50.0))),
    )
    assert [(e["effectType"], e["props"]["value"]) for e in r.json()["effects"]] == [
        ("acceptCoupon", "VIP1"),
        ("setDiscount", 10.0),
    ]


async def test_soft_reservation_lets_anyone_redeem(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A soft-reserved coupon is still accepted for a customer who did not reserve it."""
    fake.add_coupon("SOFT")
    await http.post("/v1/coupon_reservations/SOFT", json={"integrationIDs": ["holder"]})
    r = await http.put("/v2/customer_sessions/s1", json=session_body(profileId="other", couponCodes=["SOFT"]))
    assert r.json()["effects"][0]["effectType"] == "acceptCoupon"


async def test_used_up_coupon_is_rejected(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A coupon that reached its usage limit is rejected with CouponLimitReached."""
    fake.add_coupon("ONCE", usage_limit=1)
    await http.put("/v2/customer_sessions/s1", json=session_body(couponCodes=["ONCE"], state="closed"))
    r = await http.put("/v2/customer_sessions/s2", json=session_body(couponCodes=["ONCE"]))
    assert r.json()["effects"][0]["props"]["rejectionReason"] == "CouponLimitReached"


async def test_create_referral(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A referral code is created for the advocate, unique and at least 4 characters long."""
    r = await http.post("/v1/referrals", json={"campaignId": 4, "advocateProfileIntegrationId": "adv"})
    assert r.status_code == 201
    body = r.json()
    assert (body["campaignId"], body["advocateProfileIntegrationId"], body["usageCounter"]) == (4, "adv", 0)
    assert len(body["code"]) >= 4
    assert fake.profile("adv") is not None


async def test_referrals_for_many_advocates(http: httpx.AsyncClient) -> None:
    """Codes for many advocates follow the pattern, one per advocate; silent by default."""
    body = {
        "campaignId": 4,
        "advocateProfileIntegrationIds": ["a", "b", "c"],
        "usageLimit": 1,
        "referralPattern": "REF-###",
        "validCharacters": ["X", "Y", "Z"],
    }
    assert (await http.post("/v1/referrals_for_multiple_advocates", json=body)).status_code == 204
    r = await http.post("/v1/referrals_for_multiple_advocates", params={"silent": "no"}, json=body)
    assert r.status_code == 201
    codes = [ref["code"] for ref in r.json()["data"]]
    assert r.json()["totalResultSize"] == 3
    assert len(set(codes)) == 3
    assert all(code.startswith("REF-") and set(code[4:]) <= set("XYZ") for code in codes)


async def test_seeded_fakes_generate_the_same_codes() -> None:
    """Two fakes with the same seed generate the same referral codes."""
    codes = []
    for _ in range(2):
        fake = FakeTalon(seed=42)
        async with httpx.AsyncClient(
            transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
        ) as http:
            r = await http.post("/v1/referrals", json={"campaignId": 1, "advocateProfileIntegrationId": "a"})
            codes.append(r.json()["code"])
    assert codes[0] == codes[1]


async def test_no_valid_characters_answers_400(http: httpx.AsyncClient) -> None:
    """Referral codes are built from `validCharacters`; a list of empty strings offers none, which
    is a bad request (400), not a server error."""
    body = {"campaignId": 4, "advocateProfileIntegrationIds": ["a"], "validCharacters": [""], "usageLimit": 1}
    r = await http.post("/v1/referrals_for_multiple_advocates", json=body)
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/validCharacters"}
