"""Response fields the spec does not know yet are kept, at the top level and nested, and survive to_dict."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from talon_async._generated.api.sessions import update_customer_session_v2
from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.models import (
    IntegrationRequest,
    IntegrationStateV2,
    NewCustomerSessionV2,
    NewCustomerSessionV2State,
)
from tests.support.documents import UNKNOWN_FIELDS, DocumentFactory, with_unknown_fields
from tests.support.generated import endpoint_module, python_name, to_python
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
