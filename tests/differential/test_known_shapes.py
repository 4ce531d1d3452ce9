"""Shapes the official contract documents and the live API sends, end to end through TalonClient:
a profile's always-null ``loyaltyMemberships`` (and the list the contract types it as), the
``advancedEvents`` campaign feature, an unknown session state, array-shaped event effects; and
what strict mode refuses.

Each starts from the complete official document of its operation (``tests.differential.variants``),
changes one field, and serves it over loopback HTTP on asyncio (aiohttp) and on trio (httpcore).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from talon_async import UNSET, APIResponseValidationError, TalonClient
from talon_async.models import CustomerProfileIntegrationResponseV2, LoyaltyMembership
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


MEMBERSHIPS = [{"loyaltyProgramId": 7, "joined": "2024-02-29T13:14:15z"}, {"loyaltyProgramId": 8}]
LOYALTY_MEMBERSHIPS_SHAPES: dict[str, Any] = {"null": None, "absent": UNSET, "list": MEMBERSHIPS}


@pytest.mark.parametrize("strict", [False, True], ids=["tolerant", "strict"])
@pytest.mark.parametrize("shape", sorted(LOYALTY_MEMBERSHIPS_SHAPES))
async def test_customer_profile_loyalty_memberships(loopback: FaultyServer, shape: str, strict: bool) -> None:
    """A profile's loyaltyMemberships as null (what Talon.One sends), absent or a real list is read
    as None, UNSET or typed LoyaltyMembership models, and written back exactly, in both modes."""
    document = official_document("updateCustomerProfileV2-200")
    value = LOYALTY_MEMBERSHIPS_SHAPES[shape]
    if value is UNSET:
        del document["customerProfile"]["loyaltyMemberships"]
    else:
        document["customerProfile"]["loyaltyMemberships"] = copy.deepcopy(value)
    decoded = CustomerProfileIntegrationResponseV2.from_dict(document, strict)
    result = await served(loopback, "updateCustomerProfileV2", 200, document, strict_responses=strict)
    for read in (decoded, result):
        memberships = read.customer_profile.loyalty_memberships
        if shape == "list":
            assert all(isinstance(m, LoyaltyMembership) for m in memberships)
            assert [m.loyalty_program_id for m in memberships] == [7, 8]
            assert memberships[1].joined is UNSET
        else:
            assert memberships is value
        written = read.to_dict()
        assert ("loyaltyMemberships" in written["customerProfile"]) is (shape != "absent")
        assert normal(written) == normal(document), first_difference(written, document)


@pytest.mark.parametrize("strict", [False, True], ids=["tolerant", "strict"])
async def test_customer_profile_loyalty_memberships_of_the_wrong_type(
    loopback: FaultyServer, strict: bool
) -> None:
    """loyaltyMemberships holding neither null nor an array, or an item without its required id, is
    refused in both modes, naming the field."""
    document = official_document("updateCustomerProfileV2-200")
    for wrong, field in (
        ("all", "customerProfile.loyaltyMemberships"),
        ([{"joined": 1}], "loyaltyMemberships[0]"),
    ):
        document["customerProfile"]["loyaltyMemberships"] = wrong
        with pytest.raises(APIResponseValidationError) as raised:
            await served(loopback, "updateCustomerProfileV2", 200, document, strict_responses=strict)
        assert field in str(raised.value)


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
