"""Date-times go out as RFC 3339 with an offset; a naive one is refused before anything is sent."""

from __future__ import annotations

import datetime

import httpx
import pytest

from talon_async._generated.api.loyalty import get_loyalty_card_transactions
from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.models import NewReferral

pytestmark = pytest.mark.anyio


def _client(seen: list[httpx.Request]) -> AuthenticatedClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"hasMore": False, "data": []})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://talon.test")
    return AuthenticatedClient(async_client=http)


def test_naive_body_datetime_is_refused_naming_the_field() -> None:
    """A naive datetime in a model field cannot be serialised, and the error names the JSON field."""
    referral = NewReferral(
        campaign_id=1, advocate_profile_integration_id="a", start_date=datetime.datetime(2030, 1, 1)
    )
    with pytest.raises(ValueError, match="startDate"):
        referral.to_dict()


def test_aware_body_datetime_keeps_its_offset() -> None:
    """An aware datetime is written with its UTC offset, as RFC 3339 requires."""
    tz = datetime.timezone(datetime.timedelta(hours=2))
    referral = NewReferral(
        campaign_id=1,
        advocate_profile_integration_id="a",
        start_date=datetime.datetime(2030, 1, 1, 12, tzinfo=tz),
    )
    assert referral.to_dict()["startDate"] == "2030-01-01T12:00:00+02:00"


async def test_naive_query_datetime_is_refused_before_sending() -> None:
    """A naive query date-time raises naming the parameter, and no request reaches the server."""
    seen: list[httpx.Request] = []
    async with _client(seen) as client:
        with pytest.raises(ValueError, match="startDate"):
            await get_loyalty_card_transactions.asyncio_detailed(
                1, "card-1", client=client, start_date=datetime.datetime(2030, 1, 1)
            )
    assert seen == []


async def test_aware_query_datetime_is_sent_with_offset() -> None:
    """An aware query date-time reaches the wire with its offset."""
    seen: list[httpx.Request] = []
    async with _client(seen) as client:
        await get_loyalty_card_transactions.asyncio_detailed(
            1, "card-1", client=client, start_date=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
        )
    assert seen[0].url.params["startDate"] == "2030-01-01T00:00:00+00:00"
