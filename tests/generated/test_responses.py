"""How the generated layer treats answers the spec does not describe: undocumented statuses and bodies
that do not fit the documented model."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from talon_async._generated import errors
from talon_async._generated.api.audiences import create_audience_v2
from talon_async._generated.api.customer_data import delete_customer_data
from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.models import NewAudience
from tests.support.documents import DocumentFactory

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()
SECRETISH_BODY = b'{"message": "card CARD-9999 of jane@example.com"}'


def _client(
    answer: Callable[[httpx.Request], httpx.Response], *, strict: bool = False
) -> AuthenticatedClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://yourbaseurl.talon.one")
    return AuthenticatedClient(async_client=http, raise_on_unexpected_status=strict)


async def _create_audience(client: AuthenticatedClient) -> object:
    async with client:
        return await create_audience_v2.asyncio_detailed(client=client, body=NewAudience(name="VIP"))


@pytest.mark.parametrize("status", [202, 418, 429, 500, 503, 520])
async def test_undocumented_status_is_returned_unparsed(status: int) -> None:
    """A status the spec does not list comes back as a plain int with the raw body and no parsed model."""
    client = _client(lambda request: httpx.Response(status, content=SECRETISH_BODY))
    response = await _create_audience(client)
    assert response.status_code == status
    assert type(response.status_code) is int
    assert response.parsed is None
    assert response.content == SECRETISH_BODY
    assert response.http_response.request.url.path == "/v2/audiences"


async def test_undocumented_status_raises_when_strict() -> None:
    """When strict, an undocumented status raises UnexpectedStatus, and the body is not in its text."""
    client = _client(lambda request: httpx.Response(520, content=SECRETISH_BODY), strict=True)
    with pytest.raises(errors.UnexpectedStatus) as caught:
        await _create_audience(client)
    assert caught.value.status_code == 520
    assert caught.value.content == SECRETISH_BODY
    assert "jane@example.com" not in str(caught.value)


BAD_BODIES = {
    "not-json": b"<html>502 Bad Gateway</html>",
    "missing-required": json.dumps({"id": 1, "name": "VIP"}).encode(),
    "bad-date-time": json.dumps({**FACTORY.document("Audience"), "created": "yesterday"}).encode(),
    "list-not-object": b"[]",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_body_that_does_not_fit_raises_unparsable_response(body: bytes) -> None:
    """A documented status whose body does not fit its model raises UnparsableResponse with the response."""
    client = _client(lambda request: httpx.Response(201, content=body))
    with pytest.raises(errors.UnparsableResponse) as caught:
        await _create_audience(client)
    assert caught.value.response.status_code == 201
    assert caught.value.response.content == body
    assert caught.value.cause is caught.value.__cause__
    assert "/v2/audiences" in str(caught.value)


async def test_no_content_status_parses_to_none() -> None:
    """A documented 204 parses to None whatever the server put in the body."""
    client = _client(lambda request: httpx.Response(204))
    async with client:
        response = await delete_customer_data.asyncio_detailed("customer-1", client=client)
    assert (response.status_code, response.parsed) == (204, None)


async def test_client_repr_holds_no_secret() -> None:
    """The generated client's repr shows no header of the httpx client it carries (no API key)."""
    http = httpx.AsyncClient(headers={"Authorization": "ApiKey-v1 very-secret-key"})
    async with AuthenticatedClient(async_client=http) as client:
        assert "very-secret-key" not in repr(client)
