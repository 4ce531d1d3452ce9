"""``talon_async.types`` gives every request body a TypedDict that mypy checks in the caller's code."""

from __future__ import annotations

import os
import typing
from pathlib import Path

import pytest
from mypy import api as mypy_api

import talon_async.types
from tests.support.spec import REPO_ROOT, load_spec

SNIPPET = """\
from talon_async.types import IntegrationRequestDict, MultipleCustomerProfileIntegrationRequestDict

good: IntegrationRequestDict = {
    "customerSession": {"profileId": "alice", "cartItems": [{"sku": "a", "quantity": 2, "price": 8}]},
    "responseContent": ["customerSession"],
}
typo: IntegrationRequestDict = {"customerSession": {"profileID": "alice"}}
wrong_type: IntegrationRequestDict = {"customerSession": {"cartItems": [{"sku": "a", "quantity": "2"}]}}
missing: MultipleCustomerProfileIntegrationRequestDict = {"customerProfiles": [{"attributes": {}}]}
bad_enum: IntegrationRequestDict = {"customerSession": {"state": "shut"}}
"""


def _request_roots() -> set[str]:
    roots = set()
    for item in load_spec()["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            schema = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            )
            # A free-form body (audience attributes) is a plain dict[str, Any]: nothing to declare.
            if schema and "$ref" in schema:
                roots.add(schema["$ref"].rsplit("/", 1)[-1])
    return roots


def test_every_request_body_has_a_typed_dict() -> None:
    """Each schema an operation takes as its body is exported as ``<Schema>Dict``."""
    assert {f"{root}Dict" for root in _request_roots()} <= set(talon_async.types.__all__)


@pytest.mark.parametrize("name", talon_async.types.__all__)
def test_typed_dict_annotations_resolve(name: str) -> None:
    """Every TypedDict's annotations resolve at run time, so tools that introspect them work too."""
    hints = typing.get_type_hints(getattr(talon_async.types, name), include_extras=True)
    assert hints


def test_mypy_reports_typos_and_wrong_types_in_dict_bodies(tmp_path: Path) -> None:
    """mypy --strict flags a misspelt key, a wrong value type, a missing required key and a bad enum value."""
    # A module name of its own: mypy's cache is keyed by module name, and a reused name can
    # answer with an earlier run's results.
    snippet = tmp_path / f"caller_{tmp_path.name.replace('-', '_')}_{os.getpid()}.py"
    snippet.write_text(SNIPPET)
    out, err, status = mypy_api.run(
        ["--strict", "--cache-dir", str(REPO_ROOT / ".mypy_cache"), "--no-error-summary", str(snippet)]
    )
    lines = {int(line.split(":")[1]): line for line in out.splitlines() if line.startswith(str(snippet))}
    assert status == 1, err
    assert sorted(lines) == [7, 8, 9, 10]
    assert 'Extra key "profileID"' in lines[7]
    assert '"quantity" has type "int"' in lines[8]
    assert 'Missing key "integrationId"' in lines[9]
    assert "shut" in lines[10]
