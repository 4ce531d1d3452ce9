"""Typed catalog sync actions: build a ``CatalogAction`` from its payload model, and back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequestError

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

__all__ = [
    "PAYLOAD_BY_ACTION_TYPE",
    "action_type_of",
    "catalog_action",
    "catalog_payload",
    "check_catalog_actions",
    "check_catalog_payload",
    "type_and_sku",
]

# CatalogAction.type -> payload model, as the spec's `x-payload-by-type` says
# (tests/facade/test_catalog_actions.py checks this against the spec).
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


def type_and_sku(item: object) -> tuple[str, str | None]:
    """The action type and SKU of a ``CatalogAction``, a payload model or a dict, validating nothing.

    Something that is no action at all gets its class name as type, so that it travels in a
    request of its own and fails there.
    """
    from ._generated.models.catalog_action import CatalogAction

    sku: object
    if isinstance(item, CatalogAction):
        action_type, sku = str(item.type_), item.payload.additional_properties.get("sku")
    elif isinstance(item, Mapping):
        payload = item.get("payload")
        action_type, sku = str(item.get("type")), payload.get("sku") if isinstance(payload, Mapping) else None
    else:
        try:
            action_type = action_type_of(type(item))
        except TypeError:
            return type(item).__name__, None
        sku = getattr(item, "sku", None)
    return action_type, sku if isinstance(sku, str) else None


def check_catalog_payload(action: CatalogAction, field: str) -> None:
    """Refuse a payload that does not fit its action type, naming the field at fault.

    The contract's action is a ``oneOf`` on ``type``, each with its own payload schema. The spec
    keeps ``CatalogAction`` one model (so ``catalog_action``/``catalog_payload`` and existing code
    keep working) and names each type's payload in ``x-payload-by-type``; this check applies it, so
    ``{"type": "ADD", "payload": {}}`` fails here rather than at Talon.One.
    """
    from ._body_errors import undecodable
    from ._generated import models

    name = PAYLOAD_BY_ACTION_TYPE.get(str(action.type_))
    if name is None:
        return
    cls = getattr(models, name)
    payload = action.payload.to_dict()
    try:
        cls.from_dict(payload, strict=True)
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        key, _, reason = str(error).partition(": ")
        if isinstance(error, TypeError) and reason and key in payload:
            # A wrong scalar type names its JSON key: put it on the path.
            raise InvalidRequestError(f"{field}.payload.{key}: {reason}") from None
        raise undecodable(cls, payload, error, f"{field}.payload") from None


def check_catalog_actions(actions: Sequence[CatalogAction]) -> None:
    """Talon.One's documented rules for one sync request: each payload fits its action type, one
    action type, no SKU twice."""
    for index, action in enumerate(actions):
        check_catalog_payload(action, f"body.actions[{index}]")
    types = sorted({str(action.type_) for action in actions})
    if len(types) > 1:
        raise InvalidRequestError(
            f"body.actions: Talon.One accepts one action type per sync request, got {', '.join(types)} "
            "(batch_sync_catalog splits them)"
        )
    seen: set[str] = set()
    for index, action in enumerate(actions):
        _, sku = type_and_sku(action)
        if sku is not None and sku in seen:
            raise InvalidRequestError(
                f"body.actions[{index}]: SKU {sku!r} appears twice; Talon.One rejects a sync request "
                "that names one SKU twice (batch_sync_catalog splits them)"
            )
        if sku is not None:
            seen.add(sku)
