"""Four shapes the official contract documents and the live API sends, end to end through TalonClient.

Each starts from the complete official document of its operation (``tests.differential.variants``),
changes one field, and serves it over loopback HTTP on asyncio (aiohttp) and on trio (httpcore).
"""

from __future__ import annotations

from typing import Any

import pytest

from talon_async import APIResponseValidationError, TalonClient
from tests.differential.calls import minimal_call
from tests.differential.cases import response_cases
from tests.differential.conftest import API_KEY
from tests.differential.lossless import first_difference, normal
from tests.differential.variants import complete_document
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond

pytestmark = pytest.mark.anyio


def official_document(case_id: str) -> dict[str, Any]:
    (case,) = [c for c in response_cases() if c.id == case_id]
    document, _ = complete_document(case.schema)
    assert isinstance(document, dict)
    return document


async def served(
    loopback: FaultyServer, operation_id: str, status: int, document: Any, **options: Any
) -> Any:
    """What TalonClient (with ``options``) returns when the loopback server answers ``document``."""

    def respond(request: Recorded) -> Respond:
        return Respond(status, document)

    loopback.handler = respond
    async with TalonClient(loopback.url, API_KEY, max_retries=0, timeout=5.0, **options) as talon:
        return await minimal_call(operation_id).send(talon)


async def test_customer_profile_with_null_loyalty_memberships(loopback: FaultyServer) -> None:
    """A customer profile whose loyaltyMemberships is null is read, and writes back with the key unset."""
    document = official_document("updateCustomerProfileV2-200")
    document["customerProfile"]["loyaltyMemberships"] = None
    result = await served(loopback, "updateCustomerProfileV2", 200, document)
    assert not result.customer_profile.loyalty_memberships
    written = result.to_dict()
    assert normal(written, absent_nulls=True) == normal(document, absent_nulls=True)


async def test_campaign_features_with_advanced_events(loopback: FaultyServer) -> None:
    """A triggered campaign whose features include advancedEvents is read and written back as sent."""
    document = official_document("updateCustomerSessionV2-200")
    document["triggeredCampaigns"][0]["features"] = ["coupons", "advancedEvents"]
    result = await served(loopback, "updateCustomerSessionV2", 200, document)
    assert [str(f.value) for f in result.triggered_campaigns[0].features] == ["coupons", "advancedEvents"]
    written = result.to_dict()
    assert written["triggeredCampaigns"][0]["features"] == ["coupons", "advancedEvents"]
    assert normal(written) == normal(document), first_difference(written, document)


async def test_customer_session_with_unknown_state(loopback: FaultyServer) -> None:
    """A customer session in a state the contract does not list keeps it unchanged (tolerant mode)."""
    document = official_document("getCustomerSession-200")
    document["customerSession"]["state"] = "zzFutureState"
    result = await served(loopback, "getCustomerSession", 200, document)
    assert result.customer_session.state == "zzFutureState"
    written = result.to_dict()
    assert written["customerSession"]["state"] == "zzFutureState"
    assert normal(written) == normal(document), first_difference(written, document)


async def test_event_effects_as_arrays_come_back_unchanged(loopback: FaultyServer) -> None:
    """Event.effects as arrays of arrays ([[], ["ab"]]) comes back exactly so, never rewritten to objects."""
    document = official_document("trackEventV2-200")
    document["event"]["effects"] = [[], ["ab"]]
    result = await served(loopback, "trackEventV2", 200, document)
    written = result.to_dict()
    assert written["event"]["effects"] == [[], ["ab"]]
    assert normal(written) == normal(document), first_difference(written, document)


async def test_strict_client_refuses_an_unknown_state_naming_the_field(loopback: FaultyServer) -> None:
    """With strict_responses=True, the unknown session state raises APIResponseValidationError naming it."""
    document = official_document("getCustomerSession-200")
    document["customerSession"]["state"] = "zzFutureState"
    with pytest.raises(APIResponseValidationError) as raised:
        await served(loopback, "getCustomerSession", 200, document, strict_responses=True)
    assert "customerSession.state" in str(raised.value)


async def test_strict_client_refuses_a_null_optional_field_naming_it(loopback: FaultyServer) -> None:
    """With strict_responses=True, null in a non-nullable optional property raises, naming the property."""
    document = official_document("getCustomerSession-200")
    document["customerSession"]["couponCodes"] = None
    with pytest.raises(APIResponseValidationError) as raised:
        await served(loopback, "getCustomerSession", 200, document, strict_responses=True)
    assert "customerSession.couponCodes" in str(raised.value)
