"""Fixtures for the facade tests: a TalonClient wired to an in-memory httpx transport, or a served SpecApp."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from talon_async import TalonClient, set_testing
from tests.support.servers import serve
from tests.support.spec_app import SpecApp

API_KEY = "tk_live_0123456789abcdef_SECRET"
BASE_URL = "https://acme.europe-west1.talon.one"

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SpecApp, str]]:
    """One validating SpecApp over real HTTP on 127.0.0.1 for a test module: (app, base URL)."""
    app = SpecApp(api_key=API_KEY)
    with serve(app) as url:
        yield app, url


@pytest.fixture(autouse=True)
def _no_retry_sleep() -> Iterator[None]:
    """Retries are computed and logged but not slept, so retry tests take no wall time."""
    set_testing(True)
    yield
    set_testing(False)


def make_client(handler: Handler, **kwargs: Any) -> TalonClient:
    """A client for BASE_URL whose requests go to ``handler`` instead of the network."""
    return TalonClient(BASE_URL, API_KEY, transport=httpx.MockTransport(handler), **kwargs)


def state_doc(**extra: Any) -> dict[str, Any]:
    """A minimal valid IntegrationStateV2 body."""
    return {"effects": [], "createdCoupons": [], "createdReferrals": [], **extra}


def effect_doc(effect_type: str, props: Any) -> dict[str, Any]:
    """A valid Effect with the given type and props."""
    return {
        "campaignId": 1,
        "rulesetId": 2,
        "ruleIndex": 0,
        "ruleName": "rule",
        "effectType": effect_type,
        "props": props,
    }
