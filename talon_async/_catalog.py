"""Typed catalog sync actions: build a ``CatalogAction`` from its payload model, and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._generated.models.add_item_catalog_action import AddItemCatalogAction
    from ._generated.models.add_price_adjustment_catalog_action import AddPriceAdjustmentCatalogAction
    from ._generated.models.catalog_action import CatalogAction
    from ._generated.models.patch_item_catalog_action import PatchItemCatalogAction
    from ._generated.models.patch_many_items_catalog_action import PatchManyItemsCatalogAction
    from ._generated.models.remove_item_catalog_action import RemoveItemCatalogAction
    from ._generated.models.remove_many_items_catalog_action import RemoveManyItemsCatalogAction

    CatalogPayload = (
        AddItemCatalogAction
        | PatchItemCatalogAction
        | PatchManyItemsCatalogAction
        | RemoveItemCatalogAction
        | RemoveManyItemsCatalogAction
        | AddPriceAdjustmentCatalogAction
    )

__all__ = ["PAYLOAD_BY_ACTION_TYPE", "catalog_action", "catalog_payload"]

# CatalogAction.type -> payload model, as the spec's `x-payload-by-type` says
# (tests/facade/test_catalog.py checks this against the spec).
PAYLOAD_BY_ACTION_TYPE: dict[str, str] = {
    "ADD": "AddItemCatalogAction",
    "PATCH": "PatchItemCatalogAction",
    "PATCH_MANY": "PatchManyItemsCatalogAction",
    "REMOVE": "RemoveItemCatalogAction",
    "REMOVE_MANY": "RemoveManyItemsCatalogAction",
    "ADD_PRICE_ADJUSTMENT": "AddPriceAdjustmentCatalogAction",
}


_ACTION_TYPE_BY_PAYLOAD = {name: action_type for action_type, name in PAYLOAD_BY_ACTION_TYPE.items()}


def action_type_of(payload_class: type[Any]) -> str:
    action_type = _ACTION_TYPE_BY_PAYLOAD.get(payload_class.__name__)
    if action_type is None:
        raise TypeError(f"{payload_class.__name__} is not a catalog action payload")
    return action_type


def catalog_action(payload: CatalogPayload) -> CatalogAction:
    """Wrap a typed payload in a ``CatalogAction`` whose ``type`` matches it.

    ``catalog_action(AddItemCatalogAction(sku="SKU1", price=9.5))`` is an ``ADD`` action.
    """
    from ._generated.models.catalog_action import CatalogAction
    from ._generated.models.catalog_action_payload import CatalogActionPayload
    from ._generated.models.catalog_action_type import CatalogActionType

    action_type = CatalogActionType(action_type_of(type(payload)))
    return CatalogAction(type_=action_type, payload=CatalogActionPayload.from_dict(payload.to_dict()))


def catalog_payload(action: CatalogAction) -> CatalogPayload:
    """The action's payload as its typed model, chosen by ``action.type_``."""
    from ._generated import models

    cls = getattr(models, PAYLOAD_BY_ACTION_TYPE[str(action.type_)])
    payload: CatalogPayload = cls.from_dict(action.payload.to_dict())
    return payload
