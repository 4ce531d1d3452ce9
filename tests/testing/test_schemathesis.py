"""Schemathesis drives the fake with generated requests; every answer must fit the OpenAPI document.

Bounded: a few examples per operation, no shrinking, so the whole run stays well under a minute.
The fake itself raises SpecViolation on a response that breaks the document, so any drift fails here.
"""

from __future__ import annotations

import copy
import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from talon_async.testing import FakeTalon
from talon_async.testing._spec import load_spec

FAKE = FakeTalon(api_key="schemathesis-key")
FAKE.add_example_data()
FAKE.add_profile("p1")
FAKE.add_loyalty_card(2, "CARD-0001", profiles=["p1"])
FAKE.add_audience("seeded", members=["p1"])

schema = schemathesis.openapi.from_dict(copy.deepcopy(dict(load_spec().document)))
schema.app = FAKE.app


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_fake_answers_within_the_document(case: schemathesis.Case) -> None:
    """Generated requests get answers whose status (a documented one), content type and body fit the
    document, never a 5xx."""
    checks = [
        not_a_server_error,
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    ]
    case.call_and_validate(headers={"Authorization": f"ApiKey-v1 {FAKE.api_key}"}, checks=checks)


@pytest.mark.anyio
async def test_wrong_key_is_refused_for_every_operation() -> None:
    """Every one of the 30 operations answers 401 to a wrong key before looking at the request."""
    statuses = {}
    async with httpx.AsyncClient(
        transport=FAKE.transport(), base_url="http://fake", headers={"Authorization": "ApiKey-v1 wrong"}
    ) as http:
        for op in load_spec().operations.values():
            path = re.sub(r"{\w+}", "1234", op.path_pattern)
            statuses[op.operation_id] = (await http.request(op.method.upper(), path)).status_code
    assert len(statuses) == 30
    assert set(statuses.values()) == {401}
