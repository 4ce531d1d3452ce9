"""Catalog sync in the fake: every action type and every filter operator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio

ITEMS = [
    {"sku": "shoe-41", "price": 80.0, "attributes": {"color": "blue", "size": 41}},
    {"sku": "shoe-46", "price": 90.0, "attributes": {"color": "red", "size": 46}},
    {"sku": "hat", "price": 20.0, "attributes": {"color": "blue", "size": "L"}},
]


@pytest.fixture
def catalog(fake: FakeTalon) -> int:
    """A catalog with two shoes and a hat."""
    return fake.add_catalog(items=ITEMS)


def action(kind: str, **payload: Any) -> dict[str, Any]:
    return {"type": kind, "payload": payload}


async def sync(
    http: httpx.AsyncClient, catalog: int, *actions: dict[str, Any], **extra: Any
) -> httpx.Response:
    return await http.put(f"/v1/catalogs/{catalog}/sync", json={"actions": list(actions), **extra})


async def test_add_and_replace(fake: FakeTalon, http: httpx.AsyncClient, catalog: int) -> None:
    """ADD creates items and bumps the version; an existing SKU needs replaceIfExists."""
    r = await sync(http, catalog, action("ADD", sku="sock", price=5, attributes={"color": "red"}))
    assert r.status_code == 200
    assert r.json()["version"] == 2
    assert (await sync(http, catalog, action("ADD", sku="sock"))).status_code == 400
    r = await sync(http, catalog, action("ADD", sku="sock", price=6, replaceIfExists=True))
    assert r.status_code == 200
    assert next(i for i in fake.catalog_items(catalog) if i["sku"] == "sock")["price"] == 6


async def test_replacing_keeps_an_omitted_price_and_clears_an_omitted_product(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """Talon.One documents that ADD with replaceIfExists (and PATCH) keeps the item's price when the
    payload has none, replaces it when it has one, and sets an omitted product to null."""
    catalog = fake.add_catalog(items=[{"sku": "tee", "price": 12.5, "product": {"name": "shirts"}}])
    await sync(http, catalog, action("ADD", sku="tee", attributes={"size": "M"}, replaceIfExists=True))
    assert fake.catalog_items(catalog) == [
        {"sku": "tee", "price": 12.5, "attributes": {"size": "M"}, "product": None}
    ]
    await sync(http, catalog, action("ADD", sku="tee", price=9.0, replaceIfExists=True))
    await sync(http, catalog, action("PATCH", sku="tee", product={"name": "tops"}))
    await sync(http, catalog, action("PATCH", sku="tee", attributes={"fit": "slim"}))
    assert fake.catalog_items(catalog) == [
        {"sku": "tee", "price": 9.0, "attributes": {"fit": "slim"}, "product": None}
    ]


async def test_patch_and_create_if_not_exists(fake: FakeTalon, http: httpx.AsyncClient, catalog: int) -> None:
    """PATCH merges attributes into one item; an unknown SKU needs createIfNotExists."""
    await sync(http, catalog, action("PATCH", sku="hat", attributes={"season": "winter"}))
    hat = next(i for i in fake.catalog_items(catalog) if i["sku"] == "hat")
    assert hat["attributes"] == {"color": "blue", "size": "L", "season": "winter"}
    assert (await sync(http, catalog, action("PATCH", sku="new"))).status_code == 400
    assert (await sync(http, catalog, action("PATCH", sku="new", createIfNotExists=True))).status_code == 200
    assert "new" in {i["sku"] for i in fake.catalog_items(catalog)}


async def test_remove(fake: FakeTalon, http: httpx.AsyncClient, catalog: int) -> None:
    """REMOVE deletes one item; removing an unknown SKU answers 400."""
    await sync(http, catalog, action("REMOVE", sku="hat"))
    assert [i["sku"] for i in fake.catalog_items(catalog)] == ["shoe-41", "shoe-46"]
    assert (await sync(http, catalog, action("REMOVE", sku="hat"))).status_code == 400


@pytest.mark.parametrize(
    ("op", "value", "removed"),
    [
        ("EQ", "blue", ["shoe-41", "hat"]),
        ("EQ", "41", ["shoe-41"]),
        ("LT", 45, ["shoe-41"]),
        ("LE", "46", ["shoe-41", "shoe-46"]),
        ("GT", "45", ["shoe-46"]),
        ("GE", 41, ["shoe-41", "shoe-46"]),
        ("IN", "red,blue", ["shoe-41", "shoe-46", "hat"]),
        ("IN", ["L", "41"], ["shoe-41", "hat"]),
    ],
)
async def test_remove_many_filters(
    fake: FakeTalon, http: httpx.AsyncClient, catalog: int, op: str, value: Any, removed: list[str]
) -> None:
    """REMOVE_MANY removes exactly the items each filter operator selects."""
    attr = "color" if value in ("blue", "red,blue") else "size"
    r = await sync(http, catalog, action("REMOVE_MANY", filters=[{"attr": attr, "op": op, "value": value}]))
    assert r.status_code == 200
    left = {i["sku"] for i in fake.catalog_items(catalog)}
    assert left == {i["sku"] for i in ITEMS} - set(removed)


async def test_patch_many_with_combined_filters(
    fake: FakeTalon, http: httpx.AsyncClient, catalog: int
) -> None:
    """PATCH_MANY updates the items matching every filter."""
    filters = [{"attr": "color", "op": "EQ", "value": "blue"}, {"attr": "size", "op": "GE", "value": 40}]
    await sync(http, catalog, action("PATCH_MANY", filters=filters, price=1, attributes={"sale": True}))
    patched = {i["sku"]: (i["price"], i["attributes"].get("sale")) for i in fake.catalog_items(catalog)}
    assert patched == {"shoe-41": (1, True), "shoe-46": (90.0, None), "hat": (20.0, None)}


async def test_numeric_operator_needs_a_number(http: httpx.AsyncClient, catalog: int) -> None:
    """LT/LE/GT/GE with a non-numeric value answers 400."""
    r = await sync(
        http, catalog, action("REMOVE_MANY", filters=[{"attr": "size", "op": "GT", "value": "big"}])
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/actions/0/payload/filters/0/value"}


async def test_one_action_type_per_request(http: httpx.AsyncClient, catalog: int) -> None:
    """Mixing action types in one sync answers 400."""
    r = await sync(http, catalog, action("ADD", sku="a"), action("REMOVE", sku="hat"))
    assert r.status_code == 400


async def test_duplicate_skus_answer_400_and_change_nothing(
    fake: FakeTalon, http: httpx.AsyncClient, catalog: int
) -> None:
    """Naming a SKU twice answers 400 and leaves the catalog as it was."""
    r = await sync(http, catalog, action("ADD", sku="x"), action("ADD", sku="x"))
    assert r.status_code == 400
    assert len(fake.catalog_items(catalog)) == 3


async def test_sync_is_all_or_nothing(fake: FakeTalon, http: httpx.AsyncClient, catalog: int) -> None:
    """A failing action undoes the actions before it in the same request."""
    r = await sync(http, catalog, action("REMOVE", sku="hat"), action("REMOVE", sku="missing"))
    assert r.status_code == 400
    assert len(fake.catalog_items(catalog)) == 3


async def test_payload_is_checked_against_its_schema(http: httpx.AsyncClient, catalog: int) -> None:
    """A payload that breaks its action's schema answers 400 pointing into the payload."""
    r = await sync(http, catalog, action("ADD", price=3))
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/actions/0/payload"}
    assert "sku" in r.json()["errors"][0]["details"]


async def test_version_must_match(http: httpx.AsyncClient, catalog: int) -> None:
    """A sync naming a stale version answers 400; the current one succeeds."""
    assert (await sync(http, catalog, action("ADD", sku="a"), version=7)).status_code == 400
    assert (await sync(http, catalog, action("ADD", sku="a"), version=1)).status_code == 200


async def test_price_adjustments_and_unknown_catalog(
    fake: FakeTalon, http: httpx.AsyncClient, catalog: int
) -> None:
    """ADD_PRICE_ADJUSTMENT attaches adjustments to an item; an unknown catalog answers 404."""
    adjustment = {"priceType": "member", "price": 70, "referenceId": "r1"}
    r = await sync(http, catalog, action("ADD_PRICE_ADJUSTMENT", sku="shoe-41", adjustments=[adjustment]))
    assert r.status_code == 200
    assert fake.store.catalogs[catalog].items["shoe-41"].adjustments == [adjustment]
    assert (await sync(http, 999, action("ADD", sku="a"))).status_code == 404
