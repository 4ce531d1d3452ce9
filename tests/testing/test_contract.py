"""Schemathesis drives the fake over loopback HTTP with Talon.One's official contract.

The contract is ``openapi/reference/official/integration-api.openapi.json`` (OpenAPI 3.1), limited
to the 30 operations the SDK covers. Valid requests it generates must be accepted, and every answer
must have a status, content type and body the contract documents. Bounded and seeded: a few
examples per operation, no shrinking, so the run stays well under a minute.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from talon_async.testing import FakeTalon, FakeTalonServer
from talon_async.testing._contract import in_scope_contract

CONTRACT = (
    Path(__file__).resolve().parents[2]
    / "openapi"
    / "reference"
    / "official"
    / "integration-api.openapi.json"
)

FAKE = FakeTalon(api_key="contract-key")
FAKE.add_example_data()
FAKE.add_profile("p1")
FAKE.add_loyalty_card(2, "CARD-0001", profiles=["p1"])
FAKE.add_audience("seeded", members=["p1"])

DOCUMENT: dict[str, Any] = in_scope_contract(json.loads(CONTRACT.read_text(encoding="utf-8")))
schema = schemathesis.openapi.from_dict(DOCUMENT)


@schemathesis.check
def schema_valid_request_accepted(
    ctx: schemathesis.CheckContext, response: Any, case: schemathesis.Case
) -> None:
    """A request the contract allows may fail for what it refers to (an unknown program answers 400),
    never because the fake's own checks think it malformed."""
    if case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    if response.status_code == 400 and response.json().get("message") == "Request validation failed":
        raise AssertionError(f"the fake rejected a request the contract allows: {response.text}")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTalonServer]:
    with FakeTalonServer(FAKE) as running:
        yield running


def test_the_contract_covers_the_thirty_operations() -> None:
    """The trimmed contract keeps exactly the 30 in-scope operations, every one with an operationId."""
    ops = [op for item in DOCUMENT["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(ops) == 30
    assert all(op.get("x-in-project-scope") for op in ops)


def test_a_name_required_in_one_allof_member_and_declared_in_another_stays_required() -> None:
    """The referral body's usageLimit (declared in one allOf member, required in the other) stays required."""
    body = DOCUMENT["paths"]["/v1/referrals_for_multiple_advocates"]["post"]["requestBody"]
    members = body["content"]["application/json"]["schema"]["allOf"]
    assert "usageLimit" in [name for member in members for name in member.get("required", [])]


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_fake_answers_within_the_official_contract(case: schemathesis.Case, server: FakeTalonServer) -> None:
    """Requests generated from the official contract get answers whose status, content type and body
    the contract documents, and never a server error."""
    case.call_and_validate(
        base_url=server.base_url,
        headers={"Authorization": f"ApiKey-v1 {FAKE.api_key}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            schema_valid_request_accepted,
        ],
    )
