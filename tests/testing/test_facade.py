"""TalonClient against the fake: a shop's day, end to end, with typed results and errors."""

from __future__ import annotations

import pytest

from talon_async import BadRequestError, ChunkResult, NotFoundError, effects_of
from talon_async.models import CartItem, SetDiscountEffectProps
from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


@pytest.fixture
def shop(fake: FakeTalon) -> FakeTalon:
    """The fake seeded with the example shop: programs, coupons and a catalog."""
    fake.add_example_data()
    return fake


async def test_a_shops_day(shop: FakeTalon) -> None:
    """Profile, session with coupon, dry run, close, return, event, reservation: all typed, all stateful."""
    async with shop.client() as talon:
        await talon.update_customer_profile("ada", body={"attributes": {"Name": "Ada"}})
        items = [
            CartItem(sku="SKU-SHOE", quantity=1, price=80.0),
            CartItem(sku="SKU-SOCK", quantity=6, price=5.0),
        ]
        cart = [item.to_dict() for item in items]
        body = {"customerSession": {"profileId": "ada", "couponCodes": ["WELCOME10"], "cartItems": cart}}
        state = await talon.update_customer_session("order-1", body=body)
        assert sorted(e.effect_type for e in state.effects) == [
            "acceptCoupon",
            "addLoyaltyPoints",
            "setDiscount",
            "setDiscount",
        ]
        dry = await talon.dry_run().update_customer_session(
            "order-1",
            body={"customerSession": {"cartItems": [{"sku": "SKU-SOCK", "quantity": 1, "price": 5.0}]}},
        )
        assert [e.effect_type for e in dry.effects] == ["acceptCoupon", "setDiscount", "addLoyaltyPoints"]
        assert shop.session("order-1")["cartItemTotal"] == 110  # type: ignore[index]

        await talon.update_customer_session("order-1", body={"customerSession": {"state": "closed"}})
        assert shop.points(1, integration_id="ada") == 110
        returned = await talon.return_cart_items(
            "order-1", body={"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}}
        )
        assert "rollbackAddedLoyaltyPoints" in [e.effect_type for e in returned.effects]
        assert shop.points(1, integration_id="ada") == 30

        await talon.track_event(body={"profileId": "ada", "type": "reviewed", "attributes": {"stars": 5}})
        coupon = await talon.create_coupon_reservation("VIP-ONLY", body={"integrationIDs": ["ada"]})
        assert coupon.value == "VIP-ONLY"
        reserved = [p.integration_id async for p in talon.iter_reserved_customers("VIP-ONLY")]
        assert reserved == ["ada"]
    assert [e["type"] for e in shop.events()][-1] == "reviewed"


async def test_typed_effect_props(shop: FakeTalon) -> None:
    """Effects from the fake parse into the facade's typed props."""
    async with shop.client() as talon:
        body = {
            "customerSession": {"profileId": "ada", "cartItems": [{"sku": "x", "quantity": 2, "price": 60}]}
        }
        state = await talon.update_customer_session("s1", body=body)
    discounts = effects_of(state, SetDiscountEffectProps)
    assert [(d.name, d.value) for d in discounts] == [("10% off carts over 100", 12.0)]


async def test_paging_loyalty_transactions(shop: FakeTalon) -> None:
    """The facade's iterator walks every page of the fake's ledger, newest first."""
    shop.add_profile("ada")
    uuids = shop.seed_transactions(1, 23, integration_id="ada", amount=2)
    pages: list[int] = []
    async with shop.client() as talon:
        paginator = talon.get_loyalty_program_profile_transactions(1, "ada", page_size=10)
        async for page in paginator.pages():
            pages.append(len(page))
        seen = [t.transaction_uuid async for t in talon.get_loyalty_program_profile_transactions(1, "ada")]
    assert pages == [10, 10, 3]
    assert seen == list(reversed(uuids))


async def test_batch_update_of_3000_profiles_with_progress(fake: FakeTalon) -> None:
    """The batch helper sends 3,000 profiles in chunks of 1000 and reports each chunk."""
    progress: list[ChunkResult[object]] = []
    profiles = [{"integrationId": f"bulk-{i}", "attributes": {"n": i}} for i in range(3000)]
    async with fake.client() as talon:
        result = await talon.batch_update_customer_profiles(
            profiles, concurrency=3, on_progress=progress.append
        )
    assert result.ok
    assert (result.item_count, len(progress)) == (3000, 3)
    assert len(fake.store.profiles) == 3000
    assert fake.profile("bulk-2999")["attributes"] == {"n": 2999}  # type: ignore[index]


async def test_errors_map_to_typed_exceptions(fake: FakeTalon) -> None:
    """The fake's 404 and 400 bodies become NotFoundError and BadRequestError with Talon's details."""
    async with fake.client() as talon:
        with pytest.raises(NotFoundError) as missing:
            await talon.get_customer_inventory("nope")
        with pytest.raises(BadRequestError) as bad:
            await talon.track_event(body={"type": "no-profile"})
    assert missing.value.status_code == 404
    assert bad.value.status_code == 400
    assert "profileId is required" in str(bad.value)
    assert [(e.title, e.details) for e in bad.value.errors] == [("Bad request", "profileId is required")]
