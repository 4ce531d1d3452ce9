"""Cart item catalog sync: ADD, PATCH, PATCH_MANY, REMOVE, REMOVE_MANY and ADD_PRICE_ADJUSTMENT.

Strictly private. A sync request applies all its actions or none; it carries one action type
only, as the API requires. Filters of the *_MANY actions are AND-ed; ``LT``/``LE``/``GT``/``GE``
compare numbers only and ``IN`` takes a list or a comma-separated string.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Mapping
from typing import Any

from . import _render
from ._call import Call, Handler, Reply
from ._errors import TalonHTTPError, bad_request, not_found
from ._state import CatalogItem

__all__ = ["HANDLERS", "matches"]

_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "LT": operator.lt,
    "LE": operator.le,
    "GT": operator.gt,
    "GE": operator.ge,
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def matches(item: CatalogItem, filters: list[Mapping[str, Any]]) -> bool:
    """Whether a catalog item passes every filter."""
    for f in filters:
        actual = item.attributes.get(f["attr"])
        op, wanted = f["op"], f["value"]
        if op == "EQ":
            a, w = _number(actual), _number(wanted)
            ok = a == w if a is not None and w is not None else actual == wanted
        elif op == "IN":
            options = wanted if isinstance(wanted, list) else str(wanted).split(",")
            ok = str(actual) in {str(o).strip() for o in options}
        else:
            a, w = _number(actual), _number(wanted)
            ok = a is not None and w is not None and _NUMERIC[op](a, w)
        if not ok:
            return False
    return True


def _check_filters(filters: list[Mapping[str, Any]], pointer: str) -> None:
    for index, f in enumerate(filters):
        if f["op"] in _NUMERIC and _number(f["value"]) is None:
            raise bad_request(
                f"{f['op']} compares numbers, not {f['value']!r}", pointer=f"{pointer}/{index}/value"
            )


def _apply(
    items: dict[str, CatalogItem], call: Call, kind: str, payload: Mapping[str, Any], pointer: str
) -> None:
    sku: str = payload.get("sku") or ""
    if kind == "ADD":
        if sku in items and not payload.get("replaceIfExists"):
            raise bad_request(
                f"item {sku!r} already exists; set replaceIfExists to replace it", pointer=pointer
            )
        existing = items.get(sku)
        if existing is not None:
            # Replacing swaps the attributes; a price left out keeps the old one, a product does not.
            existing.attributes = dict(payload.get("attributes") or {})
            if "price" in payload:
                existing.price = payload["price"]
            existing.product = payload.get("product")
            return
        items[sku] = CatalogItem(
            call.store.next_id("catalog_item"),
            sku,
            payload.get("price"),
            dict(payload.get("attributes") or {}),
            payload.get("product"),
        )
    elif kind == "PATCH":
        item = items.get(sku)
        if item is None:
            if not payload.get("createIfNotExists"):
                raise bad_request(
                    f"item {sku!r} does not exist; set createIfNotExists to create it", pointer=pointer
                )
            item = items[sku] = CatalogItem(call.store.next_id("catalog_item"), sku)
        _patch(item, payload)
    elif kind == "PATCH_MANY":
        filters = payload.get("filters") or []
        _check_filters(filters, pointer + "/filters")
        for item in items.values():
            if matches(item, filters):
                _patch(item, payload)
    elif kind == "REMOVE":
        if items.pop(sku, None) is None:
            raise bad_request(f"item {sku!r} does not exist", pointer=pointer)
    elif kind == "REMOVE_MANY":
        filters = payload.get("filters") or []
        _check_filters(filters, pointer + "/filters")
        for key in [k for k, item in items.items() if matches(item, filters)]:
            del items[key]
    else:  # ADD_PRICE_ADJUSTMENT
        item = items.get(sku)
        if item is None:
            raise bad_request(f"item {sku!r} does not exist", pointer=pointer)
        item.adjustments.extend(dict(a) for a in payload["adjustments"])


def _patch(item: CatalogItem, payload: Mapping[str, Any]) -> None:
    if "price" in payload:
        item.price = payload["price"]
    item.attributes.update(payload.get("attributes") or {})
    # As for ADD with replaceIfExists: an omitted price is kept, an omitted product cleared.
    item.product = payload.get("product")


async def sync_catalog(call: Call) -> Reply:
    catalog_id = int(call.path["catalogId"])
    catalog = call.store.catalogs.get(catalog_id)
    if catalog is None:
        raise not_found("catalog", catalog_id)
    actions = call.body["actions"]
    if len({a["type"] for a in actions}) > 1:
        raise bad_request("a sync request carries one type of action only", pointer="/actions")
    errors = []
    for index, action in enumerate(actions):
        schema = call.fake.spec.catalog_payload_schema[action["type"]]
        errors += call.fake.spec.schema_api_errors(schema, action["payload"], f"/actions/{index}/payload")
    if errors:
        raise TalonHTTPError(400, "Request validation failed", errors)
    version = call.body.get("version")
    if version is not None and version != catalog.version:
        raise bad_request(f"the catalog is at version {catalog.version}, not {version}", pointer="/version")
    skus = [a["payload"].get("sku") for a in actions if a["type"] in ("ADD", "PATCH", "REMOVE")]
    if len(skus) != len(set(skus)):
        raise bad_request("a sync request may name each SKU once", pointer="/actions")
    # All or nothing: apply to a copy, keep it only if every action succeeded.
    items = copy.deepcopy(catalog.items)
    for index, action in enumerate(actions):
        _apply(items, call, action["type"], action["payload"], f"/actions/{index}/payload")
    catalog.items = items
    catalog.version += 1
    catalog.modified = call.now
    return Reply(200, _render.catalog(call.store, catalog))


HANDLERS: dict[str, Handler] = {"syncCatalog": sync_catalog}
