"""Every facade method sends a spec-valid request for its operation and returns its typed model.

The server is ``tests.support.spec_app.SpecApp`` over an ASGI transport: it validates each request
against our OpenAPI document (path, query, body, auth) and answers with a full response document.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import talon_async
from talon_async import TalonClient
from tests.facade.conftest import API_KEY
from tests.support.documents import DocumentFactory
from tests.support.spec import REPO_ROOT, operations
from tests.support.spec_app import BASE_URL, SpecApp

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()
OPERATIONS = {op.operation_id: op for op in operations()}
CARD = "CARD-0001-7Q"


def body_of(operation_id: str) -> Any:
    schema = OPERATIONS[operation_id].body
    assert schema is not None
    return FACTORY.document(schema)


# method -> (operationId, positional args, needs a body, success status, returned model or None)
CASES: dict[str, tuple[str, list[Any], bool, int, str | None]] = {
    "get_customer_session": (
        "getCustomerSession",
        ["session-1"],
        False,
        200,
        "IntegrationCustomerSessionResponse",
    ),
    "update_customer_session": ("updateCustomerSessionV2", ["session-1"], True, 200, "IntegrationStateV2"),
    "reopen_customer_session": ("reopenCustomerSession", ["session-1"], False, 200, "ReopenSessionResponse"),
    "return_cart_items": ("returnCartItems", ["session-1"], True, 200, "IntegrationStateV2"),
    "update_customer_profile": (
        "updateCustomerProfileV2",
        ["customer-1"],
        True,
        200,
        "CustomerProfileIntegrationResponseV2",
    ),
    "update_customer_profiles": ("updateCustomerProfilesV2", [], True, 204, None),
    "track_event": ("trackEventV2", [], True, 204, None),
    "create_audience": ("createAudienceV2", [], True, 201, "Audience"),
    "update_audience": ("updateAudienceV2", [7], True, 200, "Audience"),
    "delete_audience": ("deleteAudienceV2", [7], False, 204, None),
    "delete_audience_memberships": ("deleteAudienceMembershipsV2", [7], False, 204, None),
    "update_audience_customers_attributes": ("updateAudienceCustomersAttributes", [7], True, 204, None),
    "update_customer_profile_audiences": ("updateCustomerProfileAudiences", [], True, 204, None),
    "sync_catalog": ("syncCatalog", [3], True, 200, "Catalog"),
    "create_coupon_reservation": ("createCouponReservation", ["SUMMER-1"], True, 201, "Coupon"),
    "delete_coupon_reservation": ("deleteCouponReservation", ["SUMMER-1"], True, 204, None),
    "get_reserved_customers": ("getReservedCustomers", ["SUMMER-1"], False, 200, "ReservedCustomersPage"),
    "delete_customer_data": ("deleteCustomerData", ["customer-1"], False, 204, None),
    "get_customer_inventory": ("getCustomerInventory", ["customer-1"], False, 200, "CustomerInventory"),
    "generate_loyalty_card": ("generateLoyaltyCard", [5], True, 200, "LoyaltyCard"),
    "get_loyalty_balances": ("getLoyaltyBalances", [5, "customer-1"], False, 200, "LoyaltyBalancesWithTiers"),
    "get_loyalty_card_balances": ("getLoyaltyCardBalances", [5, CARD], False, 200, "LoyaltyCardBalances"),
    "get_loyalty_card_points": ("getLoyaltyCardPoints", [5, CARD], False, 200, "LoyaltyCardPointsPage"),
    "get_loyalty_card_transactions": (
        "getLoyaltyCardTransactions",
        [5, CARD],
        False,
        200,
        "LoyaltyCardTransactionsPage",
    ),
    "get_loyalty_program_profile_points": (
        "getLoyaltyProgramProfilePoints",
        [5, "customer-1"],
        False,
        200,
        "ProfilePointsPage",
    ),
    "get_loyalty_program_profile_transactions": (
        "getLoyaltyProgramProfileTransactions",
        [5, "customer-1"],
        False,
        200,
        "ProfileTransactionsPage",
    ),
    "link_loyalty_card_to_profile": ("linkLoyaltyCardToProfile", [5, CARD], True, 200, "LoyaltyCard"),
    "unlink_loyalty_card_from_profile": ("unlinkLoyaltyCardFromProfile", [5, CARD], True, 200, "LoyaltyCard"),
    "create_referral": ("createReferral", [], True, 201, "Referral"),
    "create_referrals_for_multiple_advocates": ("createReferralsForMultipleAdvocates", [], True, 204, None),
}


# "asgi": an explicit httpx transport, so requests are built as httpx.Request objects.
# "loopback": the default transport over real HTTP, so under asyncio requests go straight to
# aiohttp (talon_async._aiohttp) and under trio straight to httpcore: every path the facade has.
@pytest.fixture(params=["asgi", "loopback"])
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(route: str, request: pytest.FixtureRequest) -> SpecApp:
    if route == "asgi":
        return SpecApp(api_key=API_KEY)
    served_app: SpecApp = request.getfixturevalue("served")[0]
    served_app.received.clear()
    served_app.answer(500, {"message": "no answer scripted"})
    return served_app


@pytest.fixture
async def talon(app: SpecApp, route: str, request: pytest.FixtureRequest) -> AsyncIterator[TalonClient]:
    if route == "asgi":
        client = TalonClient(BASE_URL, API_KEY, transport=httpx.ASGITransport(app=app), max_retries=0)
    else:
        client = TalonClient(request.getfixturevalue("served")[1], API_KEY, max_retries=0)
    async with client:
        yield client


def test_every_operation_has_a_method() -> None:
    """The facade has exactly one method per operation of the spec."""
    assert sorted(case[0] for case in CASES.values()) == sorted(OPERATIONS)
    for name in CASES:
        assert callable(getattr(TalonClient, name))


@pytest.mark.parametrize("name", sorted(CASES))
async def test_method_sends_valid_request_and_returns_model(
    app: SpecApp, talon: TalonClient, name: str
) -> None:
    """The method hits its operation with a request the spec accepts and returns the documented model."""
    operation_id, args, has_body, status, model = CASES[name]
    op = OPERATIONS[operation_id]
    schema = op.responses[status]
    app.answer(status, FACTORY.document(schema) if schema is not None else None)
    kwargs = {"body": body_of(operation_id)} if has_body else {}
    result = await getattr(talon, name)(*args, **kwargs)
    request = app.last
    assert request.operation is not None
    assert request.operation.operation_id == operation_id
    assert request.errors == []
    assert request.response_errors == []
    if model is None:
        assert result is None
    else:
        assert type(result) is getattr(talon_async.models, model)


@pytest.mark.parametrize(
    ("name", "operation_id", "status", "model"),
    [
        ("track_event", "trackEventV2", 200, "TrackEventV2Response"),
        (
            "update_customer_profiles",
            "updateCustomerProfilesV2",
            200,
            "MultipleCustomerProfileIntegrationResponseV2",
        ),
        (
            "create_referrals_for_multiple_advocates",
            "createReferralsForMultipleAdvocates",
            201,
            "AdvocateReferralsPage",
        ),
    ],
)
async def test_silent_false_returns_the_model(
    app: SpecApp, talon: TalonClient, name: str, operation_id: str, status: int, model: str
) -> None:
    """silent=False is sent as silent=no and returns the documented model."""
    app.answer(status, FACTORY.document(OPERATIONS[operation_id].responses[status]))
    result = await getattr(talon, name)(body=body_of(operation_id), silent=False)
    assert app.last.query_values("silent") == ["no"]
    assert app.last.errors == []
    assert type(result) is getattr(talon_async.models, model)


async def test_silent_default_is_sent_as_yes(app: SpecApp, talon: TalonClient) -> None:
    """The default silent=True travels as silent=yes, the API's own default."""
    app.answer(204)
    await talon.track_event(body={"type": "click", "profileId": "customer-1"})
    assert app.last.query_values("silent") == ["yes"]


async def test_query_parameters_reach_the_wire(app: SpecApp, talon: TalonClient) -> None:
    """Keyword filters are sent with the API's names and spellings (repeated keys, RFC 3339, true/false)."""
    op = OPERATIONS["getLoyaltyCardTransactions"]
    app.answer(200, FACTORY.document(op.responses[200]))
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    await talon.get_loyalty_card_transactions(
        5,
        CARD,
        subledger_id=["a", "b"],
        loyalty_transaction_type="manual",
        start_date=start,
        end_date=start + dt.timedelta(days=30),
        customer_session_ids=["s1", "s2"],
        page_size=250,
        skip=500,
        awaits_activation=True,
    )
    request = app.last
    assert request.errors == []
    assert request.query_values("subledgerId") == ["a", "b"]
    assert request.query_values("loyaltyTransactionType") == ["manual"]
    assert request.query_values("startDate") == ["2024-01-01T00:00:00+00:00"]
    assert request.query_values("customerSessionIDs") == ["s1", "s2"]
    assert request.query_values("pageSize") == ["250"]
    assert request.query_values("skip") == ["500"]
    assert request.query_values("awaitsActivation") == ["true"]


async def test_inventory_flags_and_profile_rule_engine(app: SpecApp, talon: TalonClient) -> None:
    """Boolean options are sent only when set, as true."""
    app.answer(200, FACTORY.document(OPERATIONS["getCustomerInventory"].responses[200]))
    await talon.get_customer_inventory("customer-1", loyalty=True, coupons=True)
    assert sorted(app.last.query) == [("coupons", "true"), ("loyalty", "true")]
    app.answer(200, FACTORY.document(OPERATIONS["updateCustomerProfileV2"].responses[200]))
    await talon.update_customer_profile("customer-1", body={"attributes": {}}, run_rule_engine=True, dry=True)
    assert sorted(app.last.query) == [("dry", "true"), ("runRuleEngine", "true")]
    assert app.last.errors == []


async def test_enum_strings_are_checked(talon: TalonClient) -> None:
    """An enum option given as a string outside the enum fails before sending, naming the field."""
    with pytest.raises(talon_async.InvalidRequestError, match="status: 'bogus' is not one of"):
        await talon.get_loyalty_card_points(5, CARD, status="bogus")


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


@pytest.mark.parametrize("name", sorted(CASES))
def test_signature_follows_the_operation(name: str) -> None:
    """Path values are the positional parameters, in path order; every other option is keyword-only."""
    op = OPERATIONS[CASES[name][0]]
    parameters = list(inspect.signature(getattr(TalonClient, name)).parameters.values())[1:]
    positional = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert len(positional) + len(keywords) == len(parameters)
    assert positional == [_snake(p["name"]) for p in op.parameters if p["in"] == "path"]
    expected = {_snake(p["name"]) for p in op.parameters if p["in"] == "query"} | {"timeout", "total_timeout"}
    if op.body is not None:
        expected.add("body")
    assert expected == keywords


PUBLIC_METHODS = sorted(
    name
    for name, member in inspect.getmembers(TalonClient, inspect.isfunction)
    if not name.startswith("_") and name not in {"aclose", "dry_run", "with_raw_response"}
)


def test_every_public_method_takes_a_keyword_timeout() -> None:
    """Operations, iterators and batch helpers all accept timeout= as a keyword."""
    assert len(PUBLIC_METHODS) == len(CASES) + 4 + 1 + 4  # 4 ledger iterators, reserved customers, 4 batches
    for name in PUBLIC_METHODS:
        parameter = inspect.signature(getattr(TalonClient, name)).parameters["timeout"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
        assert parameter.default is None


class TimeoutRecorder(httpx.AsyncBaseTransport):
    """Passes requests on to ``inner`` and records the timeout each one was sent with."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.timeouts: list[dict[str, float | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append(request.extensions["timeout"])
        return await self.inner.handle_async_request(request)


PER_CALL = httpx.Timeout(1.25, connect=0.5)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_per_call_timeout_reaches_the_request(app: SpecApp, name: str) -> None:
    """Each operation method sends its request with the timeout= it was given, not the client default."""
    operation_id, args, has_body, status, _ = CASES[name]
    schema = OPERATIONS[operation_id].responses[status]
    app.answer(status, FACTORY.document(schema) if schema is not None else None)
    recorder = TimeoutRecorder(httpx.ASGITransport(app=app))
    kwargs = {"body": body_of(operation_id)} if has_body else {}
    async with TalonClient(BASE_URL, API_KEY, transport=recorder, timeout=9.0) as talon:
        await getattr(talon, name)(*args, **kwargs, timeout=PER_CALL)
    assert recorder.timeouts == [PER_CALL.as_dict()]


async def test_per_call_timeout_reaches_every_page_and_chunk(app: SpecApp) -> None:
    """Iterators and batch helpers pass their timeout= to each request they make."""
    recorder = TimeoutRecorder(httpx.ASGITransport(app=app))
    async with TalonClient(BASE_URL, API_KEY, transport=recorder, timeout=9.0) as talon:
        app.answer(200, {"hasMore": False, "data": []})
        for name, args in [
            ("iter_loyalty_card_points", [5, CARD]),
            ("iter_loyalty_card_transactions", [5, CARD]),
            ("iter_loyalty_program_profile_points", [5, "customer-1"]),
            ("iter_loyalty_program_profile_transactions", [5, "customer-1"]),
        ]:
            assert [item async for item in getattr(talon, name)(*args, timeout=PER_CALL)] == []
        app.answer(200, {"totalResultSize": 0, "data": []})
        assert [p async for p in talon.iter_reserved_customers("SUMMER-1", timeout=PER_CALL)] == []
        app.answer(204)
        ids = [f"p{i}" for i in range(1001)]
        results = [
            await talon.batch_update_customer_profiles([{"integrationId": i} for i in ids], timeout=PER_CALL),
            await talon.batch_update_customer_profile_audiences(
                [{"action": "add", "profileIntegrationId": "p", "audienceId": 1}], timeout=PER_CALL
            ),
            await talon.batch_create_referrals(["a"], campaign_id=1, usage_limit=1, timeout=PER_CALL),
        ]
        app.answer(200, FACTORY.document("Catalog"))
        results.append(
            await talon.batch_sync_catalog(3, [{"type": "REMOVE", "payload": {"sku": "s"}}], timeout=PER_CALL)
        )
    assert all(result.ok for result in results)
    assert recorder.timeouts == [PER_CALL.as_dict()] * 10


@pytest.mark.parametrize("name", sorted(CASES))
async def test_dry_run_view_covers_every_operation(app: SpecApp, talon: TalonClient, name: str) -> None:
    """On dry_run(), reads pass, operations with a dry parameter send dry=true, all others raise unsent."""
    operation_id, args, has_body, status, _ = CASES[name]
    op = OPERATIONS[operation_id]
    schema = op.responses[status]
    app.answer(status, FACTORY.document(schema) if schema is not None else None)
    kwargs: dict[str, Any] = {"body": body_of(operation_id)} if has_body else {}
    if name == "update_customer_profile":
        kwargs["run_rule_engine"] = True  # Talon only accepts a dry profile update with the rule engine
    dry_capable = any(p["name"] == "dry" for p in op.parameters)
    view = talon.dry_run()
    if op.method == "get" or dry_capable:
        await getattr(view, name)(*args, **kwargs)
        assert app.last.errors == []
        assert app.last.query_values("dry") == (["true"] if dry_capable else [])
    else:
        with pytest.raises(talon_async.DryRunUnsupportedError, match=name):
            await getattr(view, name)(*args, **kwargs)
        assert app.received == []


# --- how the facade is put together ----------------------------------------------------------------

FACADE_SOURCES = sorted(
    [*(REPO_ROOT / "talon_async" / "_operations").glob("*.py"), REPO_ROOT / "talon_async" / "_client.py"]
)
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def test_operation_groups_are_composed_not_inherited() -> None:
    """Each operation group derives from BaseClient alone; only TalonClient brings them together."""
    from talon_async._base import BaseClient

    groups = TalonClient.__bases__
    assert len(groups) == 7
    for group in groups:
        assert group.__module__.startswith("talon_async._operations."), group
        assert group.__bases__ == (BaseClient,), group


@pytest.mark.parametrize("path", FACADE_SOURCES, ids=lambda path: path.name)
def test_no_facade_method_names_its_http_method_status_or_own_name(path: Path) -> None:
    """Facade code holds no HTTP method, status code, method= or status= argument, nor its own name."""
    tree = ast.parse(path.read_text())
    found: list[str] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.upper() in HTTP_METHODS or node.value == function.name:
                    found.append(f"{function.name}: {node.value!r}")
            elif isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value <= 599:
                found.append(f"{function.name}: {node.value}")
            elif isinstance(node, ast.keyword) and node.arg in {"method", "status", "status_code"}:
                found.append(f"{function.name}: {node.arg}=")
    assert found == []


def test_no_context_variable_carries_call_state() -> None:
    """No module of the package (generated layer included) uses a ContextVar."""
    users = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "talon_async").rglob("*.py")
        if "ContextVar" in path.read_text() or "contextvars" in path.read_text()
    ]
    assert users == []
