"""A body model that cannot be serialized fails before sending, naming the attribute at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import httpx
import pytest

from talon_async import InvalidRequestError, TalonClient
from talon_async._body_errors import _broken_rule, _rule_test, undecodable, unserializable
from talon_async._generated.request_rules import RULES
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


DICT_CASES: dict[str, tuple[Call, str]] = {
    "missing key in a list item": (
        lambda t: t.update_customer_session(
            "s1", body={"customerSession": {"cartItems": [{"sku": "a", "quantity": 1}, {"name": "x"}]}}
        ),
        "body.customerSession.cartItems[1]: missing required key 'sku'",
    ),
    "missing key at the top": (
        lambda t: t.update_customer_session("s1", body={"responseContent": []}),
        "body: missing required key 'customerSession'",
    ),
    "unknown enum value": (
        lambda t: t.update_customer_session("s1", body={"customerSession": {"state": "bogus"}}),
        "body.customerSession.state: 'bogus' is not one of "
        "'cancelled', 'closed', 'open', 'partially_returned'",
    ),
    "unknown enum value in a list": (
        lambda t: t.update_customer_session("s1", body={"customerSession": {}, "responseContent": ["x"]}),
        "body.responseContent[0]: 'x' is not one of 'awardedGiveaways', 'campaignEligibility', 'coupons', "
        "'customerProfile', 'customerSession', 'event', 'loyalty', 'previousReturns', 'referral', "
        "'ruleFailureReasons', 'triggeredCampaigns'",
    ),
    "string where an object belongs": (
        lambda t: t.update_customer_session("s1", body={"customerSession": "s1"}),
        "body.customerSession: expected an object (NewCustomerSessionV2), got str",
    ),
    "string where a list of objects belongs": (
        lambda t: t.update_customer_session("s1", body={"customerSession": {"cartItems": "none"}}),
        "body.customerSession.cartItems: expected a list, got str",
    ),
    "date-time that is not ISO 8601": (
        lambda t: t.create_referral(
            body={"campaignId": 1, "advocateProfileIntegrationId": "p1", "startDate": "tomorrow"}
        ),
        "body.startDate: 'tomorrow' is not an ISO 8601 date-time",
    ),
    "key spelled with an acronym": (
        lambda t: t.sync_catalog(1, body={"actions": [{"type": "ADDD", "payload": {}}]}),
        "body.actions[0].type: 'ADDD' is not one of 'ADD', 'ADD_PRICE_ADJUSTMENT', 'PATCH', 'PATCH_MANY', "
        "'REMOVE', 'REMOVE_MANY'",
    ),
}


@pytest.mark.parametrize("case", sorted(DICT_CASES))
async def test_invalid_dict_body_names_the_json_path(case: str) -> None:
    """A dict body that does not load is reported by the JSON keys the caller wrote, before sending."""
    call, message = DICT_CASES[case]
    async with make_client(never) as talon:
        with pytest.raises(InvalidRequestError) as caught:
            await call(talon)
    assert str(caught.value) == message


def test_unlocatable_fault_keeps_the_original_message_without_repr_noise() -> None:
    """When no field can be blamed, the message is the original error's text, not its repr."""
    error = unserializable(object(), TypeError("Object of type set is not JSON serializable"))
    assert str(error) == "body: cannot be serialized: Object of type set is not JSON serializable"
    error = undecodable(NewReferral, {"campaignId": 1}, ValueError("odd"), "body")
    assert str(error) == "body: not a valid NewReferral: odd"


def _rule_probes(rule: dict[str, object]) -> list[object]:
    """Values at, just inside and just outside each bound of ``rule``, of every JSON kind."""
    bounds = [value for key, value in rule.items() if isinstance(value, int) and key != "items"]
    sizes = sorted({0, 1, 2, *bounds, *(b - 1 for b in bounds), *(b + 1 for b in bounds)} - {-1})
    numbers: list[object] = [float("nan"), float("inf"), -float("inf"), 0.5, True, False]
    for bound in bounds:
        numbers += [bound - 1, bound, bound + 1, bound - 0.5, bound + 0.5]
    return [
        *("x" * size for size in sizes),
        *("%" * size for size in sizes),
        "A.b@c",
        "has space",
        *numbers,
        *([("y" * size) for _ in range(items)] for size in (0, 1, 100, 101) for items in sizes),
        None,
        {"k": "v"},
    ]


def test_each_rule_test_passes_exactly_what_its_message_finder_accepts() -> None:
    """Every spec value rule's precompiled test agrees with ``_broken_rule`` on values around its bounds."""
    checked = 0
    for properties in RULES.values():
        for rule in properties.values():
            passes = _rule_test(rule)
            for value in _rule_probes(rule):
                assert passes(value) is (_broken_rule(value, rule, "p") is None), (rule, value)
                checked += 1
    assert checked > 1000
