"""Customer sessions in the fake: create, close, cancel, reopen, returns, dry runs and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
import pytest

from talon_async.testing import FakeTalon, RuleContext

from .conftest import cart, effect_types, session_body

pytestmark = pytest.mark.anyio


async def test_new_session_is_open_with_totals_and_a_new_profile(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """A first update creates an open session with computed totals, and the profile it names."""
    r = await http.put(
        "/v2/customer_sessions/s1",
        json=session_body(profileId="p1", cartItems=cart(("a", 2, 10.0), ("b", 1, 5.5))),
    )
    assert r.status_code == 200
    session = r.json()["customerSession"]
    assert (session["state"], session["cartItemTotal"], session["total"]) == ("open", 25.5, 25.5)
    assert session["firstSession"] is True
    assert [i["position"] for i in session["cartItems"]] == [0, 1]
    assert r.json()["customerProfile"]["integrationId"] == "p1"
    assert fake.profile("p1") is not None


async def test_response_content_controls_what_comes_back(http: httpx.AsyncClient) -> None:
    """Without responseContent only effects and created entities come back, as the API documents."""
    r = await http.put("/v2/customer_sessions/s1", json={"customerSession": {"profileId": "p1"}})
    assert set(r.json()) == {"effects", "createdCoupons", "createdReferrals"}


async def test_example_rules_discount_a_big_cart_and_award_points(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """Carts over 100 get 10% off and a point per currency unit in every profile program."""
    program = fake.add_loyalty_program(name="points")
    r = await http.put(
        "/v2/customer_sessions/s1", json=session_body(profileId="p1", cartItems=cart(("a", 1, 150.5)))
    )
    effects = {e["effectType"]: e["props"] for e in r.json()["effects"]}
    assert effects["setDiscount"] == {"name": "10% off carts over 100", "value": 15.05}
    assert effects["addLoyaltyPoints"]["value"] == 150
    assert effects["addLoyaltyPoints"]["programId"] == program
    # An open session only promises points; closing it writes them.
    assert fake.points(program, integration_id="p1") == 0


async def test_closing_applies_points_and_coupon_redemption(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Closing a session writes its points to the ledger, counts the coupon and updates the profile."""
    program = fake.add_loyalty_program(name="points")
    fake.add_coupon("SAVE5", discount_percent=5)
    body = session_body(profileId="p1", couponCodes=["SAVE5"], cartItems=cart(("a", 2, 30.0)))
    await http.put("/v2/customer_sessions/s1", json=body)
    r = await http.put("/v2/customer_sessions/s1", json=session_body(state="closed"))
    assert r.json()["customerSession"]["state"] == "closed"
    assert "acceptCoupon" in effect_types(r.json())
    assert fake.points(program, integration_id="p1") == 60
    assert fake.store.coupons["SAVE5"].usage_counter == 1
    profile = r.json()["customerProfile"]
    assert (profile["closedSessions"], profile["totalSales"]) == (1, 60.0)


async def test_a_closed_session_refuses_content_changes(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One documents that a closed session cannot be modified any more: a different cart or
    attribute answers 400 and changes nothing, while re-sending what it holds (to cancel it, say)
    is accepted."""
    body = session_body(cartItems=cart(("a", 1, 200.0)), state="closed")
    await http.put("/v2/customer_sessions/s1", json=body)
    r = await http.put(
        "/v2/customer_sessions/s1", json=session_body(cartItems=cart(("b", 1, 1.0)), state="closed")
    )
    assert (r.status_code, r.json()["errors"][0]["source"]) == (
        400,
        {"pointer": "/customerSession/cartItems"},
    )
    r = await http.put("/v2/customer_sessions/s1", json=session_body(attributes={"x": 1}, state="closed"))
    assert r.status_code == 400
    stored = fake.session("s1")
    assert stored is not None
    assert [i["sku"] for i in stored["cartItems"]] == ["a"]
    r = await http.put(
        "/v2/customer_sessions/s1",
        json={**body, "customerSession": {**body["customerSession"], "state": "cancelled"}},
    )
    assert r.json()["customerSession"]["state"] == "cancelled"


async def test_anonymous_sessions_are_always_first_sessions(http: httpx.AsyncClient) -> None:
    """Talon.One reports `firstSession` as always true for an anonymous session, while a profile's
    second session is not its first."""
    firsts = []
    for sid, profile in (("a1", ""), ("a2", ""), ("a3", None), ("p1", "p"), ("p2", "p")):
        fields = {} if profile is None else {"profileId": profile}
        r = await http.put(f"/v2/customer_sessions/{sid}", json=session_body(**fields))
        firsts.append(r.json()["customerSession"]["firstSession"])
    assert firsts == [True, True, True, True, False]


async def test_cancel_rolls_back_a_closed_session(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Cancelling a closed session rolls back discounts, coupons and points."""
    program = fake.add_loyalty_program(name="points")
    fake.add_coupon("SAVE5")
    body = session_body(
        profileId="p1", couponCodes=["SAVE5"], cartItems=cart(("a", 1, 120.0)), state="closed"
    )
    await http.put("/v2/customer_sessions/s1", json=body)
    r = await http.put("/v2/customer_sessions/s1", json=session_body(state="cancelled"))
    assert r.json()["customerSession"]["state"] == "cancelled"
    assert sorted(effect_types(r.json())) == [
        "rollbackAddedLoyaltyPoints",
        "rollbackCoupon",
        "rollbackDiscount",
    ]
    assert fake.points(program, integration_id="p1") == 0
    assert fake.store.coupons["SAVE5"].usage_counter == 0
    assert r.json()["customerProfile"]["closedSessions"] == 0


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("closed", "open"),
        ("closed", "partially_returned"),
        ("closed>cancelled", "open"),
        ("open", "partially_returned"),
    ],
)
async def test_forbidden_state_changes_answer_400(http: httpx.AsyncClient, first: str, then: str) -> None:
    """A session cannot jump between states the API does not allow (``first`` is the path there)."""
    for state in first.split(">"):
        await http.put("/v2/customer_sessions/s1", json=session_body(state=state))
    r = await http.put("/v2/customer_sessions/s1", json=session_body(state=then))
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/customerSession/state"}


async def test_dry_run_computes_effects_and_persists_nothing(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """dry=true answers with effects but creates no session, profile, event or points."""
    program = fake.add_loyalty_program(name="points")
    body = session_body(profileId="p1", cartItems=cart(("a", 1, 120.0)), state="closed")
    r = await http.put("/v2/customer_sessions/s1", params={"dry": "true"}, json=body)
    assert r.status_code == 200
    assert "addLoyaltyPoints" in effect_types(r.json())
    assert fake.session("s1") is None
    assert fake.profile("p1") is None
    assert fake.events() == []
    assert fake.points(program, integration_id="p1") == 0


async def test_get_session_returns_the_last_effects(http: httpx.AsyncClient) -> None:
    """GET returns the stored session and the effects of its last evaluation."""
    await http.put("/v2/customer_sessions/s1", json=session_body(cartItems=cart(("a", 1, 500.0))))
    r = await http.get("/v2/customer_sessions/s1")
    assert r.json()["customerSession"]["integrationId"] == "s1"
    assert effect_types(r.json()) == ["setDiscount"]


async def test_unknown_session_answers_400(http: httpx.AsyncClient) -> None:
    """Talon.One documents no 404 for reading, reopening or returning items of a session: an
    unknown session answers 400, its documented error, with Talon's body."""
    for r in (
        await http.get("/v2/customer_sessions/nope"),
        await http.put("/v2/customer_sessions/nope/reopen"),
        await http.post("/v2/customer_sessions/nope/returns", json={"return": {"returnedCartItems": []}}),
    ):
        assert r.status_code == 400
        assert r.json()["message"] == "customer session not found"
        assert r.json()["StatusCode"] == 400


async def test_reopen_rolls_back_discounts_but_keeps_points(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Reopening a closed session opens it, rolls back its discount and leaves earned points."""
    program = fake.add_loyalty_program(name="points")
    await http.put(
        "/v2/customer_sessions/s1",
        json=session_body(profileId="p1", cartItems=cart(("a", 1, 110.0)), state="closed"),
    )
    r = await http.put("/v2/customer_sessions/s1/reopen")
    assert r.status_code == 200
    assert effect_types(r.json()) == ["rollbackDiscount"]
    assert fake.session("s1")["state"] == "open"  # type: ignore[index]
    assert fake.points(program, integration_id="p1") == 110
    # Closing again replaces the earlier points instead of adding them twice.
    await http.put("/v2/customer_sessions/s1", json=session_body(state="closed"))
    assert fake.points(program, integration_id="p1") == 110


async def test_reopen_needs_a_closed_session(http: httpx.AsyncClient) -> None:
    """An open session cannot be reopened."""
    await http.put("/v2/customer_sessions/s1", json=session_body())
    r = await http.put("/v2/customer_sessions/s1/reopen")
    assert r.status_code == 400


async def test_return_marks_items_and_rolls_back_points(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Returning an item makes the session partially_returned and takes back the points it earned."""
    program = fake.add_loyalty_program(name="points")
    items = cart(("shoe", 1, 80.0), ("sock", 4, 5.0))
    await http.put(
        "/v2/customer_sessions/s1", json=session_body(profileId="p1", cartItems=items, state="closed")
    )
    r = await http.post(
        "/v2/customer_sessions/s1/returns",
        json={
            "return": {"returnedCartItems": [{"position": 1, "quantity": 2}]},
            "responseContent": ["customerSession"],
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["customerSession"]["state"] == "partially_returned"
    sock = body["customerSession"]["cartItems"][1]
    assert (sock["returnedQuantity"], sock["remainingQuantity"]) == (2, 2)
    assert body["return"]["returnedCartItems"] == [{"position": 1, "quantity": 2, "sku": "sock"}]
    rollback = next(e for e in body["effects"] if e["effectType"] == "rollbackAddedLoyaltyPoints")
    assert rollback["props"]["value"] == 10
    assert fake.points(program, integration_id="p1") == 90


@pytest.mark.parametrize(
    ("run_rule_engine", "discount_back"), [(None, 15.0), ("false", 15.0), ("true", 20.0)]
)
async def test_returns_reevaluate_only_with_run_rule_engine(
    fake: FakeTalon, http: httpx.AsyncClient, run_rule_engine: str | None, discount_back: float
) -> None:
    """Talon.One rolls back the effects that belong to the returned items, and re-evaluates the
    session only when `runRuleEngine=true`: returning 150 of a 200 cart gives back three quarters
    of its 10% discount, or all of it once the re-evaluated cart (50) no longer earns one."""
    program = fake.add_loyalty_program(name="points")
    items = cart(("shoe", 1, 150.0), ("hat", 1, 50.0))
    await http.put(
        "/v2/customer_sessions/s1", json=session_body(profileId="p1", cartItems=items, state="closed")
    )
    params = {} if run_rule_engine is None else {"runRuleEngine": run_rule_engine}
    r = await http.post(
        "/v2/customer_sessions/s1/returns",
        params=params,
        json={"return": {"returnedCartItems": [{"position": 0}]}},
    )
    rolled = {e["effectType"]: e["props"]["value"] for e in r.json()["effects"]}
    assert rolled == {"rollbackAddedLoyaltyPoints": 150, "rollbackDiscount": discount_back}
    assert fake.points(program, integration_id="p1") == 50


async def test_a_return_rolls_back_the_returned_items_own_effects() -> None:
    """Talon.One rolls back the effects tied to the returned cart items: an item's discount and
    points shrink with its returned quantity, and returning another item leaves them alone."""

    def per_item(ctx: RuleContext) -> list[dict[str, Any]]:
        points = {"name": "hat points", "programId": 1, "subLedgerId": "", "value": 8.0}
        points |= {"recipientIntegrationId": "p1", "transactionUUID": ctx.new_uuid(), "cartItemPosition": 1}
        return [
            {"effectType": "setDiscountPerItem", "props": {"name": "hat off", "value": 4.0, "position": 1}},
            {"effectType": "addLoyaltyPoints", "props": points},
        ]

    fake = FakeTalon(rules=[per_item])
    fake.add_loyalty_program(1)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        items = cart(("shoe", 1, 50.0), ("hat", 2, 10.0))
        await http.put(
            "/v2/customer_sessions/s1", json=session_body(profileId="p1", cartItems=items, state="closed")
        )
        r = await http.post(
            "/v2/customer_sessions/s1/returns", json={"return": {"returnedCartItems": [{"position": 0}]}}
        )
        assert r.json()["effects"] == []
        r = await http.post(
            "/v2/customer_sessions/s1/returns",
            json={"return": {"returnedCartItems": [{"position": 1, "quantity": 1}]}},
        )
    rolled = {
        e["effectType"]: (e["props"]["value"], e["props"]["cartItemPosition"]) for e in r.json()["effects"]
    }
    assert rolled == {"rollbackAddedLoyaltyPoints": (4.0, 1), "rollbackDiscount": (2.0, 1)}
    assert fake.points(1, integration_id="p1") == 4


async def test_return_by_sku_and_second_return_lists_previous(http: httpx.AsyncClient) -> None:
    """Items can be returned by SKU, and a later return lists the earlier ones when asked."""
    items = cart(("shoe", 2, 10.0))
    await http.put("/v2/customer_sessions/s1", json=session_body(cartItems=items, state="closed"))
    await http.post(
        "/v2/customer_sessions/s1/returns",
        json={"return": {"returnedCartItems": [{"sku": "shoe", "quantity": 1}]}},
    )
    r = await http.post(
        "/v2/customer_sessions/s1/returns",
        json={"return": {"returnedCartItems": [{"sku": "shoe"}]}, "responseContent": ["previousReturns"]},
    )
    assert r.json()["return"]["returnedCartItems"] == [{"position": 0, "quantity": 1, "sku": "shoe"}]
    assert len(r.json()["previousReturns"]) == 1


@pytest.mark.parametrize(
    ("item", "pointer"),
    [
        ({"position": 5}, "/return/returnedCartItems/0/position"),
        ({"position": 0, "quantity": 3}, "/return/returnedCartItems/0/quantity"),
        ({"position": 0, "sku": "other"}, "/return/returnedCartItems/0/sku"),
        ({"sku": "missing"}, "/return/returnedCartItems/0"),
    ],
)
async def test_impossible_returns_answer_400(
    http: httpx.AsyncClient, item: dict[str, object], pointer: str
) -> None:
    """Returning more than was bought, or what is not in the cart, answers 400 pointing at the item."""
    await http.put(
        "/v2/customer_sessions/s1", json=session_body(cartItems=cart(("shoe", 2, 10.0)), state="closed")
    )
    r = await http.post("/v2/customer_sessions/s1/returns", json={"return": {"returnedCartItems": [item]}})
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"]["pointer"] == pointer


async def test_returns_need_a_closed_session(http: httpx.AsyncClient) -> None:
    """An open session accepts no returns."""
    await http.put("/v2/customer_sessions/s1", json=session_body(cartItems=cart(("shoe", 1, 1.0))))
    r = await http.post(
        "/v2/customer_sessions/s1/returns", json={"return": {"returnedCartItems": [{"position": 0}]}}
    )
    assert r.status_code == 400


async def test_dry_return_changes_nothing(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A dry return answers with the rollback but leaves the session closed."""
    await http.put(
        "/v2/customer_sessions/s1", json=session_body(cartItems=cart(("shoe", 1, 150.0)), state="closed")
    )
    r = await http.post(
        "/v2/customer_sessions/s1/returns",
        params={"dry": "true"},
        json={"return": {"returnedCartItems": [{"position": 0}]}},
    )
    assert effect_types(r.json()) == ["rollbackDiscount"]
    assert fake.session("s1")["state"] == "closed"  # type: ignore[index]


async def test_concurrent_updates_of_one_session_answer_409(http: httpx.AsyncClient) -> None:
    """Two overlapping updates of the same session: one succeeds, the other gets Talon's 409 body."""
    statuses: list[int] = []
    bodies: list[dict[str, object]] = []

    async def update() -> None:
        r = await http.put("/v2/customer_sessions/s1", json=session_body())
        statuses.append(r.status_code)
        bodies.append(r.json())

    async with anyio.create_task_group() as tg:
        tg.start_soon(update)
        tg.start_soon(update)
    assert sorted(statuses) == [200, 409]
    conflict = bodies[statuses.index(409)]
    assert conflict["message"] == "too many requests are updating this customer session"


async def test_updates_of_different_sessions_do_not_conflict(http: httpx.AsyncClient) -> None:
    """Overlapping updates of different sessions all succeed."""
    statuses: list[int] = []

    async def update(sid: str) -> None:
        statuses.append((await http.put(f"/v2/customer_sessions/{sid}", json=session_body())).status_code)

    async with anyio.create_task_group() as tg:
        for i in range(5):
            tg.start_soon(update, f"s{i}")
    assert statuses == [200] * 5


async def test_clock_stamps_entities_and_now_evaluates_at_a_moment() -> None:
    """The fake's clock stamps what it creates; the `now` parameter evaluates a session at that moment."""
    fixed = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    fake = FakeTalon(clock=lambda: fixed)
    fake.add_coupon("LATER", start_date=datetime(2032, 1, 1, tzinfo=UTC))
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        r = await http.put("/v2/customer_sessions/s1", json=session_body(couponCodes=["LATER"]))
        assert r.json()["customerSession"]["created"] == "2031-05-06T07:08:09Z"
        assert r.json()["effects"][0]["props"]["rejectionReason"] == "CouponStartDateInFuture"
        r = await http.put(
            "/v2/customer_sessions/s2",
            params={"dry": "true", "now": "2032-02-01T00:00:00Z"},
            json=session_body(couponCodes=["LATER"]),
        )
    assert r.json()["effects"][0]["effectType"] == "acceptCoupon"


async def test_a_new_session_cannot_start_cancelled(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One's session states run open -> closed -> cancelled: a session that does not exist yet
    cannot be created already cancelled, so the request answers 400 and stores nothing."""
    r = await http.put("/v2/customer_sessions/new", json=session_body(state="cancelled"))
    assert r.status_code == 400
    assert fake.session("new") is None


async def test_now_is_a_future_moment_on_a_dry_run_only(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One documents `now` as a future moment usable only with `dry=true`: a `now` without
    `dry`, or one in the past, answers 400 naming the parameter and stores nothing."""
    past, future = {"now": "2020-01-01T00:00:00Z"}, {"now": "2999-01-01T00:00:00Z"}
    for params in (past, future, {**past, "dry": "true"}):
        r = await http.put("/v2/customer_sessions/s1", params=params, json=session_body())
        assert (r.status_code, r.json()["errors"][0]["source"]) == (400, {"parameter": "now"})
    r = await http.put("/v2/customer_sessions/s1", params={**future, "dry": "true"}, json=session_body())
    assert r.status_code == 200
    assert fake.session("s1") is None


async def test_an_empty_card_identifier_earns_nothing(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """An empty string among a session's loyalty cards names no card: card points are not given to
    it, and the session is still evaluated."""
    fake.add_loyalty_program(name="cards", card_based=True)
    body = session_body(loyaltyCards=[""], cartItems=cart(("a", 1, 50.0)))
    r = await http.put("/v2/customer_sessions/s1", json=body)
    assert r.status_code == 200
    assert "addLoyaltyPoints" not in effect_types(r.json())


async def test_a_cart_too_large_to_total_answers_400(http: httpx.AsyncClient) -> None:
    """Prices the schema allows can still overflow the cart total; that is the caller's bad request
    (400), never a server error."""
    r = await http.put("/v2/customer_sessions/s1", json=session_body(cartItems=cart(("a", 10, 1e308))))
    assert r.status_code == 400
