"""Hostile input through ``TalonClient``: caller mistakes, hostile path values, hostile answers.

Caller mistakes must fail before the network with a message naming the field (the loopback
server proves nothing was sent); hostile path values must arrive as one encoded segment of the
right route with no header added; hostile JSON answers must raise only APIResponseValidationError.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import talon_async
from talon_async import TalonClient
from tests.properties.strategies import JSON, mutations
from tests.reliability.conftest import API_KEY, STATE
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond
from tests.support.documents import DocumentFactory

NAIVE = dt.datetime(2030, 5, 14, 9, 30)
PROFILE = {"integrationId": "p-1", "attributes": {}}
CART_ITEM = {"sku": "SKU-1", "quantity": 1, "price": 9.5}

Call = Callable[[TalonClient], Awaitable[Any]]

MISTAKES: dict[str, tuple[Call, str]] = {
    "1001-profiles": (
        lambda t: t.update_customer_profiles(body={"customerProfiles": [PROFILE] * 1001}),
        "customerProfiles",
    ),
    "1001-cart-items": (
        lambda t: t.update_customer_session(
            "s-1", body={"customerSession": {"cartItems": [CART_ITEM] * 1001}}
        ),
        "cartItems",
    ),
    "naive-start-date": (
        lambda t: t.get_loyalty_card_transactions(1, "CARD-0001", start_date=NAIVE),
        "start_date",
    ),
    "naive-end-date": (lambda t: t.get_loyalty_balances(1, "p-1", end_date=NAIVE), "end_date"),
    "naive-now": (
        lambda t: t.update_customer_session("s-1", body={"customerSession": {}}, dry=True, now=NAIVE),
        "now",
    ),
    "naive-in-body": (
        lambda t: t.update_customer_session(
            "s-1",
            body={
                "customerSession": {
                    "cartItems": [{**CART_ITEM, "adjustmentEffectiveFrom": NAIVE.isoformat()}]
                }
            },
        ),
        "adjustment_effective_from",
    ),
    "page-size-0": (lambda t: t.get_loyalty_card_points(1, "CARD-0001", page_size=0), "page_size"),
    "page-size-1001": (
        lambda t: t.get_loyalty_card_transactions(1, "CARD-0001", page_size=1001),
        "page_size",
    ),
    "page-size-iterator": (
        lambda t: t.get_loyalty_program_profile_points(1, "p-1", page_size=5000).pages().__anext__(),
        "page_size",
    ),
    "card-id-3-chars": (lambda t: t.get_loyalty_card_balances(1, "abc"), "loyalty_card_id"),
    "card-id-109-chars": (lambda t: t.get_loyalty_card_points(1, "C" * 109), "loyalty_card_id"),
    "card-id-link": (
        lambda t: t.link_loyalty_card_to_profile(1, "x", body={"integrationId": "p-1"}),
        "loyalty_card_id",
    ),
    "empty-path-value": (lambda t: t.get_customer_session(""), "customer_session_id"),
}


@pytest.mark.anyio
@pytest.mark.parametrize("kind", MISTAKES)
async def test_caller_mistake_fails_before_the_network(
    anyio_backend: str, server: FaultyServer, kind: str
) -> None:
    """A mistake Talon.One would reject raises InvalidRequestError naming the field, and sends nothing."""
    call, field = MISTAKES[kind]
    async with TalonClient(server.url, API_KEY) as talon:
        with pytest.raises(talon_async.InvalidRequestError, match=re.escape(field)):
            await call(talon)
    assert server.request_count == 0


DOT_SEGMENTS = ["..", "."]
"""No encoding survives every hop (yarl under aiohttp, many proxies decode %2E and drop the segment)."""

HOSTILE_VALUES = [
    "../",
    "../../v1/customer_data/victim",
    "%2e%2e",
    "%2E%2E%2Fadmin",
    "?admin=1",
    "#fragment",
    "a/b",
    "\r\nX-Injected: 1",
    "line\nbreak",
    "nul\x00byte",
    " ",
    "\u00fc\U0001f389\U0001d518",
    "A" * 5000,
]

PathCall = tuple[str, Callable[[TalonClient, str], Awaitable[Any]], Respond]
PATH_CALLS: list[PathCall] = [
    (
        "/v2/customer_sessions/{}",
        lambda t, v: t.get_customer_session(v),
        Respond(200, DocumentFactory().document("IntegrationCustomerSessionResponse")),
    ),
    (
        "/v2/customer_sessions/{}",
        lambda t, v: t.update_customer_session(v, body={"customerSession": {}}),
        Respond(200, STATE),
    ),
    ("/v1/customer_data/{}", lambda t, v: t.delete_customer_data(v), Respond(204, b"", content_type=None)),
    (
        "/v2/customer_profiles/{}",
        lambda t, v: t.update_customer_profile(v, body={"attributes": {}}),
        Respond(200, DocumentFactory().document("CustomerProfileIntegrationResponseV2")),
    ),
    (
        "/v1/loyalty_programs/7/cards/{}/balances",
        lambda t, v: t.get_loyalty_card_balances(7, v.ljust(4, "_")[:108]),
        Respond(200, DocumentFactory().document("LoyaltyCardBalances")),
    ),
    (
        "/v1/coupon_reservations/customerprofiles/{}",
        lambda t, v: t.get_reserved_customers(v),
        Respond(200, DocumentFactory().document("ReservedCustomersPage")),
    ),
]


def sent_value(template: str, value: str) -> str:
    return value.ljust(4, "_")[:108] if "cards" in template else value


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("template", "call", "answer"), PATH_CALLS, ids=lambda x: x if isinstance(x, str) else ""
)
async def test_hostile_path_values_arrive_as_one_segment_of_the_route(
    anyio_backend: str,
    server: FaultyServer,
    template: str,
    call: Callable[..., Awaitable[Any]],
    answer: Respond,
) -> None:
    """Traversal, encoded dots, ?, #, CR/LF, NUL, long and unicode values arrive inside their route."""
    await assert_values_stay_in_route(server, template, call, answer, HOSTILE_VALUES)


async def assert_values_stay_in_route(
    server: FaultyServer,
    template: str,
    call: Callable[..., Awaitable[Any]],
    answer: Respond,
    values: list[str],
) -> None:
    server.handler = lambda request: answer
    async with TalonClient(server.url, API_KEY, max_retries=0) as talon:
        await call(talon, "benign-value")
        baseline = _header_names(server.requests[-1])
        for value in values:
            await call(talon, value)
            request = server.requests[-1]
            route = re.escape(template).replace(re.escape("{}"), "([^/?#]+)")
            match = re.fullmatch(route, request.path)
            assert match is not None, f"{value!r} arrived as {request.path!r}"
            assert unquote(match.group(1)) == sent_value(template, value)
            assert "?" not in request.target or request.target.index("?") == len(request.path)
            assert _header_names(request) == baseline
            assert request.header("x-injected") is None
    assert server.request_count == len(values) + 1


@pytest.mark.anyio
@pytest.mark.parametrize("value", DOT_SEGMENTS)
@pytest.mark.parametrize(
    ("template", "call", "answer"),
    # A card id is padded to its 4-character minimum by PATH_CALLS; "card-id-3-chars" covers short ones.
    [c for c in PATH_CALLS if "cards" not in c[0]],
    ids=lambda x: x if isinstance(x, str) else "",
)
async def test_dot_segment_path_values_are_refused_before_the_network(
    anyio_backend: str,
    server: FaultyServer,
    template: str,
    call: Callable[..., Awaitable[Any]],
    answer: Respond,
    value: str,
) -> None:
    """A path value of "." or ".." raises InvalidRequestError, so no request lands on a parent route."""
    async with TalonClient(server.url, API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.InvalidRequestError, match="cannot be sent as a path value"):
            await call(talon, value)
    assert server.request_count == 0


def _header_names(request: Recorded) -> set[str]:
    return {name.lower() for name, _ in request.headers} - {"content-length"}


SESSION_DOC = DocumentFactory().document("IntegrationCustomerSessionResponse")
STATE_DOC = DocumentFactory().document("IntegrationStateV2")
PAGE_DOC = DocumentFactory().document("LoyaltyCardTransactionsPage")

ANSWERED_CALLS: dict[str, tuple[Call, Any]] = {
    "get_customer_session": (lambda t: t.get_customer_session("s-1"), SESSION_DOC),
    "update_customer_session": (
        lambda t: t.update_customer_session("s-1", body={"customerSession": {}}),
        STATE_DOC,
    ),
    "get_loyalty_card_transactions": (lambda t: t.get_loyalty_card_transactions(1, "CARD-0001"), PAGE_DOC),
}


@pytest.mark.parametrize("name", ANSWERED_CALLS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_answer_raises_only_the_validation_error(name: str, data: st.DataObject) -> None:
    """Arbitrary JSON, or a valid answer with one hostile spot, gives a result or the validation error."""
    call, valid = ANSWERED_CALLS[name]
    body = json.dumps(data.draw(JSON | mutations(valid))).encode()

    rejected: list[talon_async.APIResponseValidationError] = []

    async def run() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
        async with TalonClient("https://talon.example.com", API_KEY, transport=transport) as talon:
            try:
                await call(talon)
            except talon_async.APIResponseValidationError as exc:
                rejected.append(exc)

    anyio.run(run)
    for exc in rejected:
        assert exc.content == body
        assert exc.status_code == 200
