"""TalonClient reads answers tolerantly by default and strictly on request, end to end over a loopback
server on both transports; talon_async.testing clients are strict by default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import talon_async
from talon_async import TalonClient
from talon_async._generated.models import CustomerSessionV2State
from talon_async._generated.types import UNSET
from talon_async.testing import FakeTalon
from tests.facade.conftest import API_KEY
from tests.support.documents import DocumentFactory
from tests.support.servers import serve

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()
NEW_STATE = "on_hold"


class CannedApp:
    """An ASGI app that answers every request with 200 and the JSON document set last."""

    def __init__(self) -> None:
        self.document: Any = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        body = json.dumps(self.document).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def canned() -> Iterator[tuple[CannedApp, str]]:
    """One canned loopback server per module: (app, base URL)."""
    app = CannedApp()
    with serve(app) as url:
        yield app, url


def _profile_answer() -> dict[str, Any]:
    profile = {**FACTORY.document("CustomerProfile"), "loyaltyMemberships": None}
    return {**FACTORY.document("CustomerProfileIntegrationResponseV2"), "customerProfile": profile}


def _session_answer() -> dict[str, Any]:
    session = {**FACTORY.document("CustomerSessionV2"), "state": NEW_STATE}
    return {**FACTORY.document("IntegrationCustomerSessionResponse"), "customerSession": session}


async def test_always_null_loyalty_memberships_is_accepted(
    anyio_backend: str, canned: tuple[CannedApp, str]
) -> None:
    """A profile answer with loyaltyMemberships: null (as Talon documents it) decodes by default."""
    app, url = canned
    app.document = _profile_answer()
    async with TalonClient(url, API_KEY) as talon:
        assert not talon.strict_responses
        answer = await talon.update_customer_profile("alice", body={"attributes": {}})
    assert answer.customer_profile.loyalty_memberships in (None, UNSET)
    assert answer.customer_profile.integration_id == app.document["customerProfile"]["integrationId"]


async def test_unknown_session_state_is_kept(anyio_backend: str, canned: tuple[CannedApp, str]) -> None:
    """A customerSession.state this SDK does not list comes back as a not-known member of the enum."""
    app, url = canned
    app.document = _session_answer()
    async with TalonClient(url, API_KEY) as talon:
        answer = await talon.get_customer_session("s-1")
    state = answer.customer_session.state
    assert isinstance(state, CustomerSessionV2State)
    assert (state.value, state.is_known) == (NEW_STATE, False)
    assert answer.to_dict()["customerSession"]["state"] == NEW_STATE


async def test_strict_client_refuses_both_naming_the_path(
    anyio_backend: str, canned: tuple[CannedApp, str]
) -> None:
    """With strict_responses=True the same answers raise APIResponseValidationError naming the JSON path."""
    app, url = canned
    async with TalonClient(url, API_KEY, strict_responses=True) as talon:
        app.document = _session_answer()
        with pytest.raises(talon_async.APIResponseValidationError, match=r"customerSession\.state") as caught:
            await talon.get_customer_session("s-1")
        assert caught.value.content == json.dumps(app.document).encode()
        app.document = {**_profile_answer(), "customerProfile": {**_profile_answer()["customerProfile"]}}
        app.document["customerProfile"]["totalSales"] = None
        with pytest.raises(talon_async.APIResponseValidationError, match=r"customerProfile\.totalSales"):
            await talon.update_customer_profile("alice", body={"attributes": {}})


async def test_fake_clients_are_strict_unless_told_otherwise() -> None:
    """FakeTalon().client() decodes strictly, so a drifting fake fails a test, unless told otherwise."""
    fake = FakeTalon()
    async with fake.client() as strict, fake.client(strict_responses=False) as tolerant:
        assert strict.strict_responses
        assert not tolerant.strict_responses


async def test_requests_stay_strict() -> None:
    """An enum value the spec does not list is refused in a request body before anything is sent."""
    fake = FakeTalon()
    async with fake.client(strict_responses=False) as talon:
        with pytest.raises(talon_async.InvalidRequestError, match=r"customerSession\.state"):
            await talon.update_customer_session("s-1", body={"customerSession": {"state": NEW_STATE}})
    assert fake.requests == []
