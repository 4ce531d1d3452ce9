"""Hostile path parameters are percent-encoded: the request stays on its route and decodes back intact."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from talon_async._generated.api.customer_data import delete_customer_data
from talon_async._generated.api.loyalty import get_loyalty_balances
from talon_async._generated.api.sessions import reopen_customer_session
from talon_async._generated.client import AuthenticatedClient
from tests.support.documents import DocumentFactory
from tests.support.servers import serve
from tests.support.spec import operation
from tests.support.spec_app import BASE_URL, SpecApp

pytestmark = pytest.mark.anyio

API_KEY = "tk-test-path-escaping"

HOSTILE = [
    "a/b",
    "../../v1/customer_data/victim",
    "../",
    "..",
    ".",
    "what?silent=no",
    "frag#ment",
    "100%",
    "%2F",
    "%",
    "with space",
    "tab\tnew\nline",
    "ünïcødé-客户-😀",
    "semi;colon,comma",
    "a&b=c+d",
    "back\\slash",
    "~tilde'quote\"",
]

FACTORY = DocumentFactory()


def _call(operation_id: str, value: str) -> tuple[Any, dict[str, Any], str]:
    """The generated function, its arguments with ``value`` in the string path slot, and that slot's name."""
    if operation_id == "deleteCustomerData":
        return delete_customer_data.asyncio_detailed, {"integration_id": value}, "integrationId"
    if operation_id == "getLoyaltyBalances":
        arguments = {"loyalty_program_id": 7, "integration_id": value}
        return get_loyalty_balances.asyncio_detailed, arguments, "integrationId"
    return reopen_customer_session.asyncio_detailed, {"customer_session_id": value}, "customerSessionId"


# A trailing slot, a slot followed by a literal segment, and a slot after an integer one.
ROUTES = ["deleteCustomerData", "getLoyaltyBalances", "reopenCustomerSession"]


@pytest.fixture(scope="module")
def app() -> SpecApp:
    return SpecApp(api_key=API_KEY)


# Module scope: one loopback server for all cases (each test reads only the request it just sent).
@pytest.fixture(scope="module", params=["asgi", "uvicorn"])
def base_url(request: pytest.FixtureRequest, app: SpecApp) -> Iterator[str | None]:
    """None for the in-process ASGI transport, or the URL of a real loopback server."""
    if request.param == "asgi":
        yield None
        return
    with serve(app) as url:
        yield url


@pytest.fixture
async def client(app: SpecApp, base_url: str | None) -> AsyncIterator[AuthenticatedClient]:
    headers = {"Authorization": f"ApiKey-v1 {API_KEY}"}
    if base_url is None:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=headers)
    else:
        http = httpx.AsyncClient(base_url=base_url, headers=headers)
    async with AuthenticatedClient(async_client=http) as generated_client:
        yield generated_client


@pytest.mark.parametrize("operation_id", ROUTES)
@pytest.mark.parametrize("value", HOSTILE, ids=ascii)
async def test_hostile_path_parameter_stays_on_route(
    operation_id: str, value: str, app: SpecApp, client: AuthenticatedClient
) -> None:
    """A path value with /, ?, #, %, spaces, unicode or ../ reaches the same route and decodes to itself."""
    op = operation(operation_id)
    status = op.success_statuses[0]
    schema = op.responses[status]
    app.answer(status, FACTORY.document(schema) if schema is not None else None)
    function, arguments, slot = _call(operation_id, value)

    response = await function(client=client, **arguments)

    received = app.last
    assert received.operation == op, f"{value!r} sent {received.method.upper()} {received.raw_path}"
    assert received.path_params[slot] == value
    assert received.errors == [], "\n".join(received.errors)
    assert response.status_code == status


async def test_empty_path_parameter_is_refused_before_sending(client: AuthenticatedClient) -> None:
    """An empty path value would change the route, so it fails before the network, naming the field."""
    from talon_async._generated.api.customer_data import delete_customer_data

    with pytest.raises(ValueError, match="integrationId"):
        await delete_customer_data.asyncio_detailed("", client=client)
