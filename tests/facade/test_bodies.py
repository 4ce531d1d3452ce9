"""A body model that cannot be serialized fails before sending, naming the attribute at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import httpx
import pytest

from talon_async import InvalidRequestError, TalonClient
from talon_async._bodies import unserializable
from talon_async.models import (
    CartItem,
    IntegrationRequest,
    NewCustomerSessionV2,
    NewCustomerSessionV2State,
    NewReferral,
)
from tests.facade.conftest import make_client

pytestmark = pytest.mark.anyio

NAIVE = dt.datetime(2030, 1, 1, 12, 0)


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


def session(**fields: object) -> IntegrationRequest:
    return IntegrationRequest(customer_session=NewCustomerSessionV2(**fields))  # type: ignore[arg-type]


Call = Callable[[TalonClient], Awaitable[object]]
CASES: dict[str, tuple[Call, str]] = {
    "enum as its plain value": (
        lambda t: t.update_customer_session("s1", body=session(state="closed")),
        "body.customer_session.state: 'closed' is a plain value; pass NewCustomerSessionV2State.CLOSED",
    ),
    "enum value that does not exist": (
        lambda t: t.update_customer_session("s1", body=session(state="shut")),
        "body.customer_session.state: 'shut' is not a NewCustomerSessionV2State "
        "(one of 'cancelled', 'closed', 'open', 'partially_returned')",
    ),
    "enum inside a list": (
        lambda t: t.update_customer_session(
            "s1",
            body=IntegrationRequest(
                customer_session=NewCustomerSessionV2(),
                response_content=["customerSession"],  # type: ignore[list-item]
            ),
        ),
        "body.response_content[0]: 'customerSession' is a plain value; pass "
        "IntegrationRequestResponseContentItem.CUSTOMERSESSION",
    ),
    "dict where a model belongs": (
        lambda t: t.update_customer_session(
            "s1", body=session(cart_items=[CartItem(sku="a", quantity=1), {"sku": "b", "quantity": 1}])
        ),
        "body.customer_session.cart_items[1]: expected CartItem, got dict; use CartItem.from_dict(...)",
    ),
    "naive datetime in a nested model": (
        lambda t: t.update_customer_session(
            "s1",
            body=session(
                cart_items=[
                    CartItem(sku="a", quantity=1),
                    CartItem(sku="b", quantity=1, adjustment_effective_from=NAIVE),
                ]
            ),
        ),
        "body.customer_session.cart_items[1].adjustment_effective_from: 2030-01-01T12:00:00 has no "
        "timezone; pass a timezone-aware datetime",
    ),
    "naive datetime in a model": (
        lambda t: t.create_referral(
            body=NewReferral(campaign_id=1, advocate_profile_integration_id="p1", start_date=NAIVE)
        ),
        "body.start_date: 2030-01-01T12:00:00 has no timezone; pass a timezone-aware datetime",
    ),
    "naive datetime from a dict body": (
        lambda t: t.create_referral(
            body={"campaignId": 1, "advocateProfileIntegrationId": "p1", "startDate": "2030-01-01T12:00:00"}
        ),
        "body.start_date: 2030-01-01T12:00:00 has no timezone; pass a timezone-aware datetime",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_unserializable_body_names_the_attribute(case: str) -> None:
    """The error is an InvalidRequestError whose whole message is the path to the bad value and why."""
    call, message = CASES[case]
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await call(talon)
    assert str(caught.value) == message
    assert isinstance(caught.value.__cause__, AttributeError | ValueError)


async def test_valid_enum_member_is_sent() -> None:
    """The advice in the message works: the enum member serializes and is sent."""
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, json={"effects": [], "createdCoupons": [], "createdReferrals": []})

    async with make_client(handler) as talon:
        await talon.update_customer_session("s1", body=session(state=NewCustomerSessionV2State.CLOSED))
    assert b'"state":"closed"' in seen[0].replace(b" ", b"")


def test_unlocatable_fault_keeps_the_original_message_without_repr_noise() -> None:
    """When no attribute can be blamed, the message is the original error's text, not its repr."""
    error = unserializable(object(), TypeError("Object of type set is not JSON serializable"))
    assert str(error) == "body: cannot be serialized: Object of type set is not JSON serializable"
