"""Catalog actions are built from typed payloads and read back by their type."""

from __future__ import annotations

import httpx
import pytest

from talon_async import InvalidRequestError, catalog_action, catalog_payload, models
from talon_async._catalog_actions import PAYLOAD_BY_ACTION_TYPE
from talon_async.models import (
    AddItemCatalogAction,
    CatalogAction,
    CatalogSyncRequest,
    PatchItemCatalogAction,
    RemoveItemCatalogAction,
)
from tests.facade.conftest import make_client
from tests.support.documents import DocumentFactory
from tests.support.spec import schemas

FACTORY = DocumentFactory()


def test_mapping_equals_the_specs_x_payload_by_type() -> None:
    """The table is exactly CatalogAction's x-payload-by-type in the spec."""
    assert schemas()["CatalogAction"]["x-payload-by-type"] == PAYLOAD_BY_ACTION_TYPE


@pytest.mark.parametrize("action_type", sorted(PAYLOAD_BY_ACTION_TYPE))
def test_each_payload_builds_its_action_and_reads_back(action_type: str) -> None:
    """catalog_action picks the type from the payload class; catalog_payload decodes it again."""
    payload_cls = getattr(models, PAYLOAD_BY_ACTION_TYPE[action_type])
    payload = payload_cls.from_dict(FACTORY.document(PAYLOAD_BY_ACTION_TYPE[action_type]))
    action = catalog_action(payload)
    assert str(action.type_) == action_type
    assert action.payload.to_dict() == payload.to_dict()
    decoded = catalog_payload(action)
    assert type(decoded) is payload_cls
    assert decoded.to_dict() == payload.to_dict()


def test_actions_serialize_as_the_api_expects() -> None:
    """A sync request made of helper-built actions has the wire shape {type, payload}."""
    request = CatalogSyncRequest(
        actions=[
            catalog_action(AddItemCatalogAction(sku="SKU1", price=9.5)),
            catalog_action(PatchItemCatalogAction(sku="SKU1", price=8.0)),
            catalog_action(RemoveItemCatalogAction(sku="SKU1")),
        ]
    )
    assert request.to_dict()["actions"] == [
        {"type": "ADD", "payload": {"sku": "SKU1", "price": 9.5}},
        {"type": "PATCH", "payload": {"sku": "SKU1", "price": 8.0}},
        {"type": "REMOVE", "payload": {"sku": "SKU1"}},
    ]


def test_non_payload_is_rejected() -> None:
    """Passing something that is not a payload model is a TypeError naming it."""
    with pytest.raises(TypeError, match="CatalogAction"):
        catalog_action(CatalogAction.from_dict({"type": "ADD", "payload": {}}))  # type: ignore[arg-type]


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent: {request.url}")


BAD_PAYLOADS = {
    "ADD without sku": (
        {"type": "ADD", "payload": {}},
        "body.actions[0].payload: missing required key 'sku'",
    ),
    "PATCH with a string price": (
        {"type": "PATCH", "payload": {"sku": "S1", "price": "cheap"}},
        "body.actions[0].payload.price: expected number, got str",
    ),
    "PATCH_MANY with an unknown filter op": (
        {"type": "PATCH_MANY", "payload": {"filters": [{"attr": "a", "op": "NEAR", "value": 1}]}},
        "body.actions[0].payload.filters[0].op: 'NEAR' is not one of",
    ),
    "price adjustment without referenceId": (
        {"type": "ADD_PRICE_ADJUSTMENT", "payload": {"sku": "S1", "adjustments": [{"priceType": "p"}]}},
        "body.actions[0].payload.adjustments[0]: missing required key 'referenceId'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PAYLOADS))
@pytest.mark.anyio
async def test_payload_that_does_not_fit_its_type_fails_before_sending(case: str) -> None:
    """A sync action whose payload breaks its type's schema raises InvalidRequestError naming the field."""
    action, message = BAD_PAYLOADS[case]
    async with make_client(_never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.sync_catalog(1, body={"actions": [action]})
    assert str(caught.value).startswith(message)


@pytest.mark.anyio
async def test_typed_action_with_a_foreign_payload_fails_before_sending() -> None:
    """A CatalogAction built by hand with a payload of another type is refused like a dict body."""
    action = CatalogAction.from_dict({"type": "REMOVE", "payload": {"price": 1.0}})
    async with make_client(_never) as talon:
        with pytest.raises(
            InvalidRequestError, match=r"body\.actions\[0\]\.payload: missing required key 'sku'"
        ):
            await talon.sync_catalog(1, body=CatalogSyncRequest(actions=[action]))
