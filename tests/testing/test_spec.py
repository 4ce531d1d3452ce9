"""The fake checks requests and responses against openapi/integration-api.yaml."""

from __future__ import annotations

import importlib.resources
import logging
import tomllib
from pathlib import Path

import httpx
import pytest

from talon_async.testing import FakeTalon, SpecViolation
from talon_async.testing._spec import load_spec, spec_path
from talon_async.testing._state import Coupon

pytestmark = pytest.mark.anyio

REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi" / "integration-api.yaml"


def test_spec_is_the_repository_document_and_parsed_once() -> None:
    """In a checkout the fake reads the repository's document, and parses it once per process."""
    assert spec_path().read_bytes() == REPO_SPEC.read_bytes()
    assert load_spec() is load_spec()
    assert len(load_spec().operations) == 30


def test_an_installed_wheels_copy_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed from a wheel, the fake reads talon_async/testing/openapi.yaml next to its code."""
    shipped = tmp_path / "openapi.yaml"
    shipped.write_text("openapi: 3.0.3\n")
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    assert spec_path() == shipped


def test_the_wheel_ships_the_document_where_the_fake_looks() -> None:
    """pyproject.toml force-includes the repository's document at the fake's package path."""
    config = tomllib.loads((REPO_SPEC.parents[1] / "pyproject.toml").read_text())
    force_include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include["openapi/integration-api.yaml"] == "talon_async/testing/openapi.yaml"


def test_routing_decodes_path_values_and_knows_methods() -> None:
    """Routing percent-decodes path values, lists the allowed methods for a known path with the
    wrong method, and says None for an unknown one."""
    spec = load_spec()
    routed = spec.match("GET", "/v2/customer_sessions/a%2Fb")
    assert routed not in (None, 405)
    op, params = routed  # type: ignore[misc]
    assert (op.operation_id, params) == ("getCustomerSession", {"customerSessionId": "a/b"})
    assert spec.match("POST", "/v2/customer_sessions/x") == ["GET", "PUT"]
    assert spec.match("GET", "/v9/nothing") is None


def test_query_values_are_typed_with_defaults() -> None:
    """Query strings become ints, bools and lists, and missing ones take the documented default."""
    spec = load_spec()
    op = spec.operations["getLoyaltyCardTransactions"]
    query = spec.cast_query(
        op, [("pageSize", "20"), ("subledgerId", "a"), ("subledgerId", "b"), ("awaitsActivation", "true")]
    )
    assert (query["pageSize"], query["subledgerId"], query["awaitsActivation"]) == (20, ["a", "b"], True)
    assert spec.cast_query(op, [])["pageSize"] == 50
    assert spec.cast_query(spec.operations["trackEventV2"], [])["silent"] == "yes"


async def test_invalid_body_answers_400_with_talon_error_shape(http: httpx.AsyncClient) -> None:
    """A body that breaks the schema answers 400 with message, errors[] and a JSON pointer per problem."""
    r = await http.put(
        "/v2/customer_sessions/s1", json={"customerSession": {"cartItems": [{"sku": "a", "quantity": 0}]}}
    )
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "Request validation failed"
    assert body["StatusCode"] == 400
    assert body["errors"] == [
        {
            "title": "Invalid request body",
            "details": "0 is less than the minimum of 1",
            "source": {"pointer": "/customerSession/cartItems/0/quantity"},
        }
    ]


async def test_missing_or_broken_body_answers_400(http: httpx.AsyncClient) -> None:
    """No body, or a body that is not JSON, answers 400."""
    r = await http.put("/v2/customer_sessions/s1")
    assert r.status_code == 400
    r = await http.put(
        "/v2/customer_sessions/s1", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400


async def test_invalid_query_value_answers_400(http: httpx.AsyncClient) -> None:
    """A query value of the wrong type answers 400 naming the parameter."""
    r = await http.post("/v2/events", params={"dry": "maybe"}, json={"type": "t", "profileId": "p"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"parameter": "dry"}


@pytest.mark.parametrize("header", [None, "ApiKey-v1 wrong", "Bearer test-key", "ApiKey-v1"])
async def test_wrong_or_missing_api_key_answers_401(fake: FakeTalon, header: str | None) -> None:
    """Only `Authorization: ApiKey-v1 <key>` with the fake's key gets in; the 401 never echoes the key."""
    headers = {"Authorization": header} if header is not None else {}
    async with httpx.AsyncClient(transport=fake.transport(), base_url="http://f", headers=headers) as http:
        r = await http.get("/v2/customer_sessions/s1")
    assert r.status_code == 401
    assert fake.api_key not in r.text
    assert r.json()["StatusCode"] == 401


async def test_unknown_path_and_method(http: httpx.AsyncClient) -> None:
    """An unknown path answers 404 and a wrong method 405 naming the allowed methods in `Allow`
    (as HTTP requires of a 405), both with Talon's error body."""
    assert (await http.get("/v2/nothing")).status_code == 404
    r = await http.delete("/v2/customer_sessions/s1")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, PUT"
    assert r.json()["message"] == "method not allowed"


async def test_response_breaking_the_spec_raises_in_strict_mode(
    fake: FakeTalon, http: httpx.AsyncClient
) -> None:
    """A response the document forbids is a bug in the fake: strict mode raises instead of sending it."""
    fake.store.coupons["BAD"] = Coupon(1, fake.now(), "BAD", 1)  # values are at least 4 characters
    with pytest.raises(SpecViolation, match=r"createCouponReservation answered 201.*shorter than 4"):
        await http.post("/v1/coupon_reservations/BAD", json={"integrationIDs": ["p1"]})


async def test_response_breaking_the_spec_is_logged_when_not_strict(caplog: pytest.LogCaptureFixture) -> None:
    """With strict=False the broken response is sent and a warning is logged."""
    fake = FakeTalon(strict=False)
    fake.store.coupons["BAD"] = Coupon(1, fake.now(), "BAD", 1)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        with caplog.at_level(logging.WARNING, logger="talon_async.testing"):
            r = await http.post("/v1/coupon_reservations/BAD", json={"integrationIDs": ["p1"]})
    assert r.status_code == 201
    assert "shorter than 4" in caplog.text


def test_response_validation_of_undocumented_statuses() -> None:
    """Only statuses the operation documents may be answered, each with the body the document gives it."""
    spec = load_spec()
    op = spec.operations["getCustomerSession"]
    assert spec.response_errors(op, 400, b'{"message": "x", "errors": [], "StatusCode": 400}') == []
    assert spec.response_errors(op, 400, b'{"message": 1}') != []
    assert spec.response_errors(op, 404, b'{"message": "x"}') != []
    assert spec.response_errors(op, 201, b"{}") != []


async def test_requests_are_recorded(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """The fake records each request's operation and status for assertions."""
    await http.get("/v2/customer_sessions/s1")
    await http.get("/v2/nothing")
    assert [(r.operation, r.status) for r in fake.requests] == [("getCustomerSession", 400), (None, 404)]


def test_loyalty_memberships_are_never_a_list(fake: FakeTalon) -> None:
    """Talon.One always sends a profile's loyaltyMemberships as null: the fake sends null where its
    document allows it, and otherwise leaves the optional key out, never a list."""
    fake.add_points(fake.add_loyalty_program(name="points"), 5, integration_id="p1")
    profile = fake.profile("p1")
    assert profile is not None
    expected = {None} if load_spec().memberships_nullable else {"absent"}
    assert {profile.get("loyaltyMemberships", "absent")} == expected
