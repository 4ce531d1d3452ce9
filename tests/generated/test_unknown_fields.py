"""Response fields the spec does not know yet are kept, at the top level and nested, and survive to_dict."""

from __future__ import annotations

import copy
import gc
import json
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

from talon_async._generated.api.sessions import update_customer_session_v2
from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.models import (
    AdditionalCost,
    CartItemAdditionalCosts,
    IntegrationRequest,
    IntegrationStateV2,
    NewCustomerSessionV2,
    NewCustomerSessionV2State,
)
from tests.support.documents import UNKNOWN_FIELDS, DocumentFactory, with_unknown_fields
from tests.support.generated import endpoint_module, model_class, python_name, to_python
from tests.support.spec import operations, schemas

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()
CASES = [
    pytest.param(op, status, id=f"{op}-{status}")
    for op in operations()
    for status, schema in op.responses.items()
    if schema is not None
]


def _client(answer: Callable[[httpx.Request], httpx.Response]) -> AuthenticatedClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://yourbaseurl.talon.one")
    return AuthenticatedClient(async_client=http)


@pytest.mark.parametrize(("op", "status"), CASES)
async def test_unknown_fields_survive_every_response_model(op: Any, status: int) -> None:
    """Unknown keys added to every typed object of a full response come back out of to_dict unchanged."""
    schema = op.responses[status]
    document = with_unknown_fields(FACTORY.document(schema), schema)
    wire = json.dumps(document).encode()
    function = endpoint_module(op).asyncio_detailed
    arguments: dict[str, Any] = {}
    for parameter in op.params_in("path"):
        name = python_name(function, parameter["name"])
        arguments[name] = to_python(
            function, name, FACTORY.document(parameter["schema"], hint=parameter["name"])
        )
    if op.body is not None:
        arguments["body"] = to_python(function, "body", FACTORY.document(op.body, required_only=True))

    async with _client(lambda request: httpx.Response(status, content=wire)) as client:
        response = await function(client=client, **arguments)

    assert response.status_code == status
    assert response.parsed.to_dict() == json.loads(wire)


async def test_unknown_fields_land_in_additional_properties_at_each_level() -> None:
    """Unknown keys land in additional_properties of the top model, nested models, list items, map values."""
    schema = {"$ref": "#/components/schemas/IntegrationStateV2"}
    document = with_unknown_fields(FACTORY.document(schema), schema)
    wire = json.dumps(document).encode()
    body = IntegrationRequest(customer_session=NewCustomerSessionV2(state=NewCustomerSessionV2State.OPEN))

    async with _client(lambda request: httpx.Response(200, content=wire)) as client:
        state = await update_customer_session_v2.asyncio("session-1", client=client, body=body)

    assert isinstance(state, IntegrationStateV2)
    session = state.customer_session
    cart_item = session.cart_items[0]
    shipping = cart_item.additional_costs["shipping"]
    for model in (state, session, cart_item, shipping, state.effects[0]):
        assert model.additional_properties == UNKNOWN_FIELDS, type(model).__name__
        assert model["futureShape"] == UNKNOWN_FIELDS["futureShape"]
    assert state.to_dict() == json.loads(wire)


def test_unknown_field_names_are_unknown_to_every_schema() -> None:
    """No schema declares the probe keys, so finding them in additional_properties proves preservation."""
    declared = {name for schema in schemas().values() for name in schema.get("properties", {})}
    assert declared.isdisjoint(UNKNOWN_FIELDS)


LEDGER_ENTRY = "CardLedgerTransactionLogEntryIntegrationAPI"


def _tracked_allocations(decode: Callable[[], object], count: int) -> int:
    """How many GC-tracked objects ``count`` calls of ``decode`` leave behind (the results are kept)."""
    kept: list[object] = []
    gc.collect()
    gc.disable()
    try:
        before = gc.get_count()[0]
        for _ in range(count):
            kept.append(decode())
        return gc.get_count()[0] - before
    finally:
        gc.enable()


def test_a_model_without_unknown_keys_holds_no_dict() -> None:
    """Decoding and encoding an object without unknown keys allocates the model only, no dict of extras."""
    cls = model_class(LEDGER_ENTRY)
    document = FACTORY.document(LEDGER_ENTRY)
    with_extra = {**document, "futureField": 1}
    count = 1000

    plain = _tracked_allocations(lambda: cls.from_dict(document), count)
    extra = _tracked_allocations(lambda: cls.from_dict(with_extra), count)

    # One tracked object per model (plus a few for the list that keeps them), one more per dict of extras.
    assert plain < count + count // 10
    assert extra - plain >= count
    model = cls.from_dict(document)
    assert model.to_dict() == document
    assert getattr(model, "_additional_properties_if_any", None) is None


def test_a_map_model_decoded_from_an_empty_object_holds_no_dict() -> None:
    """A model that is only a map (additional costs by name) holds no dict for an empty object."""
    empty = CartItemAdditionalCosts.from_dict({})
    assert getattr(empty, "_additional_properties_if_any", None) is None
    assert empty.to_dict() == {}
    assert empty == CartItemAdditionalCosts()
    full = CartItemAdditionalCosts.from_dict({"shipping": {"price": 1.5}})
    assert full["shipping"] == AdditionalCost(price=1.5)
    assert full.to_dict() == {"shipping": {"price": 1.5}}


def test_unknown_keys_round_trip_through_every_access() -> None:
    """Unknown keys survive from_dict/to_dict, item access, assignment, deletion, copies and pickling."""
    cls = model_class(LEDGER_ENTRY)
    document = FACTORY.document(LEDGER_ENTRY)
    model = cls.from_dict({**document, "futureField": [1, 2]})
    assert model.additional_properties == {"futureField": [1, 2]}
    assert model["futureField"] == [1, 2]
    assert "futureField" in model
    assert model.additional_keys == ["futureField"]
    assert model.to_dict() == {**document, "futureField": [1, 2]}

    fresh = cls.from_dict(document)
    assert "futureField" not in fresh
    assert fresh.additional_keys == []
    fresh["futureField"] = [1, 2]
    assert fresh == model
    assert fresh.to_dict() == model.to_dict()
    del fresh["futureField"]
    with pytest.raises(KeyError):
        fresh["futureField"]
    assert fresh.to_dict() == document

    fresh.additional_properties = {"other": True}
    assert fresh.to_dict() == {**document, "other": True}
    fresh.additional_properties["more"] = None
    assert fresh.to_dict() == {**document, "other": True, "more": None}
    del fresh.additional_properties
    assert fresh.additional_properties == {}

    for clone in (copy.copy(model), copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert clone == model
        assert clone.to_dict() == model.to_dict()
    assert attrs.asdict(model, recurse=False)["additional_properties"] == {"futureField": [1, 2]}
    assert attrs.evolve(model).additional_properties == {}


def test_reading_empty_additional_properties_changes_nothing_visible() -> None:
    """A model that has read its empty extras equals, prints and encodes like one that has not."""
    cls = model_class(LEDGER_ENTRY)
    document = FACTORY.document(LEDGER_ENTRY)
    untouched, read = cls.from_dict(document), cls.from_dict(document)
    assert read.additional_properties == {}
    assert getattr(untouched, "_additional_properties_if_any", None) is None
    assert read == untouched
    assert untouched == read
    assert repr(read) == repr(untouched)
    assert repr(untouched).endswith("additional_properties={})")
    assert read.to_dict() == untouched.to_dict() == document
    assert [f.name for f in attrs.fields(cls)][-1] == "additional_properties"
