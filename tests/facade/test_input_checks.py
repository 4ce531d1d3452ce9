"""Caller mistakes in any input form (dict, model, query value) fail before sending, naming the JSON path."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from talon_async import InvalidRequestError
from talon_async.models import (
    CartItem,
    CustomerProfileIntegrationRequestV2,
    IntegrationRequest,
    NewCustomerSessionV2,
)
from tests.facade.conftest import make_client, state_doc

pytestmark = pytest.mark.anyio


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"customerSession": {"profileID": "alice"}},
            "body.customerSession: unknown key 'profileID'; did you mean 'profileId'?",
        ),
        (
            {"customerSession": {"cartItems": [{"sku": "a", "quantity": 1}, {"sku": "b", "quanity": 2}]}},
            "body.customerSession.cartItems[1]: unknown key 'quanity'; did you mean 'quantity'?",
        ),
        (
            {"customerSesion": {"profileId": "alice"}},
            "body: unknown key 'customerSesion'; did you mean 'customerSession'?",
        ),
        (
            {"customerSession": {"zzz": 1}},
            "body.customerSession: unknown key 'zzz'; known keys: ",
        ),
    ],
    ids=["wrong case", "typo in a list item", "misspelt required key", "nothing close"],
)
async def test_unknown_key_in_dict_body_is_refused_before_sending(body: dict[str, Any], message: str) -> None:
    """A misspelt key at any depth raises InvalidRequestError with its path and the closest declared key."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.update_customer_session("s1", body=body)
    assert str(caught.value).startswith(message)


async def test_free_form_attributes_take_any_key() -> None:
    """Keys inside free-form maps such as ``attributes`` are the caller's own and are sent as written."""
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=state_doc())

    body = {"customerSession": {"profileId": "alice", "attributes": {"ShoeSize": 42, "profileID": "x"}}}
    async with make_client(handler) as talon:
        await talon.update_customer_session("s1", body=body)
    assert sent[0]["customerSession"]["attributes"] == {"ShoeSize": 42, "profileID": "x"}


async def test_additional_properties_on_a_model_are_the_escape_for_newer_fields() -> None:
    """A field newer than the SDK goes out when set explicitly on a model's ``additional_properties``."""
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=state_doc())

    session = NewCustomerSessionV2(profile_id="alice")
    session.additional_properties["fieldFromTheFuture"] = True
    async with make_client(handler) as talon:
        await talon.update_customer_session("s1", body=IntegrationRequest(customer_session=session))
        profile = CustomerProfileIntegrationRequestV2()
        profile.additional_properties["newProfileOption"] = "on"
        with pytest.raises(InvalidRequestError, match="unknown key 'fieldFromTheFuture'"):
            # The same key in a plain dict is indistinguishable from a typo, so it is refused.
            await talon.update_customer_session("s1", body={"customerSession": session.to_dict()})
        await talon.update_customer_profile("alice", body=profile)
    assert sent[0]["customerSession"]["fieldFromTheFuture"] is True
    assert sent[1]["newProfileOption"] == "on"


def _cart(item: CartItem) -> IntegrationRequest:
    return IntegrationRequest(
        customer_session=NewCustomerSessionV2(cart_items=[CartItem(sku="ok", quantity=1), item])
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _cart(CartItem(sku="a", quantity="2")),
            "body.customerSession.cartItems[1].quantity: expected integer, got str",
        ),  # type: ignore[arg-type]
        (
            _cart(CartItem(sku="a", quantity=True)),
            "body.customerSession.cartItems[1].quantity: expected integer, got bool",
        ),
        (
            {"customerSession": {"cartItems": [{"sku": "ok", "quantity": 1}, {"sku": "a", "quantity": "2"}]}},
            "body.customerSession.cartItems[1].quantity: expected integer, got str",
        ),
        (
            {
                "customerSession": {
                    "cartItems": [{"sku": "ok", "quantity": 1}, {"sku": "a", "quantity": True}]
                }
            },
            "body.customerSession.cartItems[1].quantity: expected integer, got bool",
        ),
    ],
    ids=[
        "model: string for integer",
        "model: bool for integer",
        "dict: string for integer",
        "dict: bool for integer",
    ],
)
async def test_models_and_dicts_are_checked_alike(body: object, message: str) -> None:
    """A wrong JSON type is refused with the same message whether the body is a model or a dict."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.update_customer_session("s1", body=body)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize("page_size", [True, 2.5, "10"])
async def test_page_size_must_be_an_integer(page_size: object) -> None:
    """``page_size`` of True, 2.5 or "10" is refused before sending instead of reaching the query string."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match="page_size: expected integer"):
            await talon.get_loyalty_card_transactions(1, "card-1", page_size=page_size)  # type: ignore[arg-type]


def _cart_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"customerSession": {"cartItems": [{"sku": "ok", "quantity": 1}, item]}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _cart_of({"sku": "a", "quantity": 0}),
            "body.customerSession.cartItems[1].quantity: 0 is below the minimum 1",
        ),
        (
            _cart(CartItem(sku="a", quantity=0)),
            "body.customerSession.cartItems[1].quantity: 0 is below the minimum 1",
        ),
        (
            _cart_of({"sku": "", "quantity": 1}),
            "body.customerSession.cartItems[1].sku: 0 characters, fewer than the minimum 1",
        ),
        (
            _cart(CartItem(sku="", quantity=1)),
            "body.customerSession.cartItems[1].sku: 0 characters, fewer than the minimum 1",
        ),
        (
            {"customerSession": {"identifiers": ["a", "b", "c", "d", "e", "f"]}},
            "body.customerSession.identifiers: 6 items, Talon.One accepts at most 5 per request",
        ),
        (
            {"customerSession": {"couponCodes": ["ok", "x" * 101]}},
            "body.customerSession.couponCodes[1]: 101 characters, more than the maximum 100",
        ),
    ],
    ids=[
        "dict: minimum",
        "model: minimum",
        "dict: minLength",
        "model: minLength",
        "maxItems",
        "item maxLength",
    ],
)
async def test_value_rules_of_the_spec_are_checked_on_dicts_and_models(body: object, message: str) -> None:
    """Bounds, lengths and item counts the spec states are refused before sending, in either body form."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.update_customer_session("s1", body=body)  # type: ignore[arg-type]
    assert str(caught.value) == message


async def test_pattern_of_a_card_identifier_is_checked_in_the_body() -> None:
    """A generated card identifier outside the spec's character pattern is refused, without echoing it."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.generate_loyalty_card(1, body={"status": "active", "cardIdentifier": "card 1 secret"})
    assert str(caught.value).startswith("body.cardIdentifier: does not match the pattern")
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "body.customerSession.attributes.score: nan is not a JSON number"),
        (float("inf"), "body.customerSession.attributes.score: inf is not a JSON number"),
        ({1, 2}, "body.customerSession.attributes.score: a set has no JSON form"),
        ([1, b"x"], "body.customerSession.attributes.score[1]: a bytes has no JSON form"),
    ],
    ids=["nan", "infinity", "set", "bytes in a list"],
)
async def test_free_form_values_without_a_json_form_are_named(value: object, message: str) -> None:
    """NaN, infinities and non-JSON objects in free-form attributes raise InvalidRequestError with a path."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.update_customer_session(
                "s1", body={"customerSession": {"attributes": {"score": value}}}
            )
    assert str(caught.value) == message


@pytest.mark.parametrize("audience_id", ["..", "7", True, 7.0])
async def test_integer_path_values_must_be_integers(audience_id: object) -> None:
    """An integer path parameter refuses strings (so ``..`` cannot reach the URL), booleans and floats."""
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError, match=r"^audience_id: expected integer, got "):
            await talon.delete_audience(audience_id)  # type: ignore[arg-type]


async def test_a_dict_where_a_model_belongs_is_named_not_an_attribute_error() -> None:
    """A dict put into a model-typed field of a model is refused with the field's path and the fix."""
    body = IntegrationRequest(customer_session={"profileId": "alice"})  # type: ignore[arg-type]
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await talon.update_customer_session("s1", body=body)
    assert str(caught.value) == (
        "body.customer_session: expected NewCustomerSessionV2, got dict; "
        "use NewCustomerSessionV2.from_dict(...)"
    )
