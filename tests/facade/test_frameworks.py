"""SDK models work as FastAPI (pydantic) types: returned and validated as JSON, documented as objects."""

from __future__ import annotations

import pickle
import warnings
from typing import Annotated

import pydantic
import pytest
from fastapi import Body, FastAPI

from talon_async.models import CartItem, CustomerSessionV2
from tests.support.documents import DocumentFactory

with warnings.catch_warnings():
    # Starlette suggests another HTTP client for its TestClient; the httpx one is what FastAPI documents.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/cart-item")
    async def cart_item() -> CartItem:
        return CartItem(sku="SKU-SHOE", quantity=2, price=80.0)

    @app.post("/echo")
    async def echo(item: Annotated[CartItem, Body()]) -> CartItem:
        assert isinstance(item, CartItem)
        return item

    return app


def test_an_sdk_model_returned_from_an_endpoint_is_its_json() -> None:
    """A CartItem returned from a FastAPI endpoint goes out as its to_dict() JSON."""
    with TestClient(_app()) as client:
        assert client.get("/cart-item").json() == {"sku": "SKU-SHOE", "quantity": 2, "price": 80.0}


def test_a_request_body_is_validated_into_the_model() -> None:
    """A JSON body becomes a CartItem through from_dict, and comes back unchanged."""
    body = {"sku": "SKU-SOCK", "quantity": 3, "price": 5.0, "position": 1}
    with TestClient(_app()) as client:
        assert client.post("/echo", json=body).json() == body


@pytest.mark.parametrize("body", [{"sku": "SKU-SOCK"}, [1, 2], {"sku": "S", "quantity": "many", "price": 1}])
def test_an_invalid_body_is_a_422_naming_the_model(body: object) -> None:
    """A body that is not a CartItem is the client's error (422), not a server crash (500)."""
    with TestClient(_app(), raise_server_exceptions=False) as client:
        answer = client.post("/echo", json=body)
    assert answer.status_code == 422
    assert "CartItem" in answer.text


def test_the_openapi_document_describes_models_as_objects() -> None:
    """FastAPI's OpenAPI document can be built: a model's request and response schemas are JSON objects."""
    with TestClient(_app()) as client:
        document = client.get("/openapi.json").json()
    response = document["paths"]["/cart-item"]["get"]["responses"]["200"]["content"]["application/json"]
    assert response["schema"]["type"] == "object"
    body = document["paths"]["/echo"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["type"] == "object"


def test_pydantic_dumps_nested_models_and_datetimes_as_json() -> None:
    """pydantic's own TypeAdapter serialises models (with nested models and datetimes) to the wire JSON."""
    session = CustomerSessionV2.from_dict(DocumentFactory().document("CustomerSessionV2"))
    dumped = pydantic.TypeAdapter(list[CustomerSessionV2]).dump_python([session], mode="json")
    assert dumped == [session.to_dict()]
    assert isinstance(dumped[0]["created"], str)


def test_models_and_errors_print_under_their_public_modules() -> None:
    """Models name talon_async.models and errors name talon_async, and both still pickle by that name."""
    import talon_async
    import talon_async.errors

    assert repr(CartItem) == "<class 'talon_async.models.CartItem'>"
    assert talon_async.APIStatusError.__module__ == "talon_async"
    assert talon_async.errors.NotFoundError.__module__ == "talon_async"
    item = CartItem(sku="A", quantity=1, price=2.0)
    assert pickle.loads(pickle.dumps(item)) == item  # our own bytes
    error = talon_async.InvalidRequestError("bad")
    assert type(pickle.loads(pickle.dumps(error))) is talon_async.InvalidRequestError


def test_client_and_enums_print_under_their_public_modules() -> None:
    """TalonClient names talon_async and every enum names talon_async.models, in reprs and tracebacks."""
    import enum
    import traceback

    import talon_async
    import talon_async.models
    from talon_async.models import CampaignState

    assert repr(talon_async.TalonClient) == "<class 'talon_async.TalonClient'>"
    enums = [getattr(talon_async.models, name) for name in talon_async.models.__all__]
    enums = [cls for cls in enums if isinstance(cls, enum.EnumMeta)]
    assert enums
    assert {cls.__module__ for cls in enums} == {"talon_async.models"}
    assert pickle.loads(pickle.dumps(CampaignState.ENABLED)) is CampaignState.ENABLED
    try:
        raise talon_async.InvalidRequestError("bad")
    except talon_async.InvalidRequestError as error:
        lines = traceback.format_exception(error)
    assert lines[-1].startswith("talon_async.InvalidRequestError: bad")
