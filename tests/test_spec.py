"""openapi/integration-api.yaml against the PHP SDK docs' tables and the reference: operations, parameters,
constraints, statuses and security."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.support.official import official_agrees, official_declares
from tests.support.reference import load_php_sdk_operations, load_reference, our_name
from tests.support.spec import Operation, load_spec, operations, ref_name, referenced_name, resolve, schemas

# The one operation beyond the PHP SDK docs' 29: the official API has it, the docs' table predates it.
EXTRA_OPERATIONS = {
    "unlinkLoyaltyCardFromProfile": (
        "post",
        "/v2/loyalty_programs/{loyaltyProgramId}/cards/{loyaltyCardId}/unlink_profile",
    )
}

# PHP SDK parameter type -> the schema ours must resolve to.
_PHP_TYPES = {
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "\\DateTime": {"type": "string", "format": "date-time"},
    "string[]": {"type": "array"},
}
_NO_DEFAULT = object()


@dataclass(frozen=True)
class PhpParameter:
    name: str
    type: str
    optional: bool
    default: Any


@dataclass(frozen=True)
class PhpOperation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[PhpParameter, ...]


@functools.cache
def php_operations() -> dict[str, PhpOperation]:
    """The PHP SDK docs' operation table, each with the parameter table of its own section."""
    return {
        op["operationId"]: PhpOperation(
            op["operationId"],
            op["method"].lower(),
            op["path"],
            tuple(
                PhpParameter(p["name"], p["type"], p["optional"], p.get("default", _NO_DEFAULT))
                for p in op["parameters"]
            ),
        )
        for op in load_php_sdk_operations()
    }


OURS = {op.operation_id: op for op in operations()}


def _param(op: Operation, name: str) -> dict[str, Any] | None:
    return next((dict(p) for p in op.parameters if p["name"] == name), None)


def test_document_is_valid_openapi() -> None:
    """The document passes openapi-spec-validator."""
    validate(copy.deepcopy(load_spec()))


def test_php_sdk_table_has_29_operations() -> None:
    """The PHP SDK facts hold all 29 rows of the docs' table and a parameter section for each one."""
    php = php_operations()
    assert len(php) == 29
    # Every operation takes at least a path parameter or a body, so an empty list means a missed section.
    assert all(op.parameters for op in php.values())


def test_operations_are_the_php_sdk_table_plus_unlink() -> None:
    """The PHP SDK docs' 29 operations plus unlinkLoyaltyCardFromProfile, each with its method and path."""
    expected = {op_id: (op.method, op.path) for op_id, op in php_operations().items()} | EXTRA_OPERATIONS
    assert {op_id: (op.method, op.path) for op_id, op in OURS.items()} == expected
    assert len(OURS) == 30


def test_unlink_operation_is_an_official_one() -> None:
    """unlinkLoyaltyCardFromProfile is an official operation the reference lists outside the PHP SDK docs."""
    official = {
        (o["method"].lower(), o["path"])
        for o in load_reference()["official_integration_operations_not_in_seed"]
    }
    assert set(EXTRA_OPERATIONS.values()) <= official


@pytest.mark.parametrize("operation_id", sorted(set(OURS) - set(EXTRA_OPERATIONS)))
def test_php_sdk_parameters_are_declared_alike(operation_id: str) -> None:
    """Each PHP SDK parameter is in the spec with the docs' location, optionality, type and default."""
    php = php_operations()[operation_id]
    ours = OURS[operation_id]
    path_names = set(re.findall(r"{(\w+)}", php.path))
    for parameter in php.parameters:
        if parameter.name == "body":
            assert ours.body is not None, "the PHP SDK sends a body"
            body_name = referenced_name(ours.body)
            if parameter.type == "object":
                assert body_name is None
                assert resolve(ours.body).get("additionalProperties") is True
            else:
                assert body_name == parameter.type.rsplit("\\", 1)[-1]
            continue
        declared = _param(ours, parameter.name)
        assert declared is not None, parameter.name
        if official_agrees(f"{operation_id}.param[{declared['in']}:{parameter.name}]"):
            # The official contract wins over the seed (e.g. getLoyaltyProgramProfilePoints'
            # subledgerId is an array, getLoyaltyCardTransactions' pageSize defaults to 50).
            continue
        assert declared["in"] == ("path" if parameter.name in path_names else "query"), parameter.name
        assert declared.get("required", False) is not parameter.optional, parameter.name
        schema = resolve(declared["schema"])
        for key, value in _PHP_TYPES[parameter.type].items():
            assert schema.get(key) == value, (parameter.name, key)
        if parameter.type == "string[]":
            assert resolve(schema["items"]).get("type") == "string"
        if parameter.default is _NO_DEFAULT:
            assert "default" not in schema, parameter.name
        else:
            assert schema.get("default", _NO_DEFAULT) == parameter.default, parameter.name
            assert type(schema["default"]) is type(parameter.default), parameter.name
    php_names = {p.name for p in php.parameters if p.name != "body"}
    if not any(p.name == "body" for p in php.parameters):
        assert ours.body is None
    # Anything beyond the PHP SDK docs must come from the reference's in_seed:false list.
    reference = {o["operationId"]: o for o in load_reference()["operations"]}[operation_id]
    extras = {p["name"] for p in reference["query_params"] if not p["in_seed"]}
    # Beyond both: parameters the official contract declares (returnCartItems' runRuleEngine).
    official = {
        p["name"]
        for p in ours.parameters
        if official_declares(f"{operation_id}.param[{p['in']}:{p['name']}]")
    }
    assert {p["name"] for p in ours.parameters} - php_names - official == extras - official


REFERENCE_SCHEMA_KEYS = ("type", "format", "enum", "minimum", "maximum", "minLength", "maxLength")


def _reference_operations() -> list[dict[str, Any]]:
    return list(load_reference()["operations"])


def test_reference_parameters_are_declared_alike() -> None:
    """Every reference path and query parameter (in_seed:false extras too) matches ours in schema, style."""
    for reference in _reference_operations():
        ours = OURS[reference["operationId"]]
        for expected in reference["path_params"] + reference["query_params"]:
            where = f"{ours}.{expected['name']}"
            declared = _param(ours, expected["name"])
            assert declared is not None, where
            if official_agrees(f"{reference['operationId']}.param[{declared['in']}:{expected['name']}]"):
                continue  # the official contract wins where it and the SDK reference disagree
            assert declared["in"] == ("path" if expected in reference["path_params"] else "query"), where
            assert declared.get("required", False) == expected["required"], where
            schema = resolve(declared["schema"])
            wanted = dict(expected["schema"])
            if "x-documented-values" in expected:
                # silent: only documented in prose upstream; ours makes the two values an enum.
                wanted["enum"] = expected["x-documented-values"]
            for key in REFERENCE_SCHEMA_KEYS:
                assert schema.get(key) == wanted.get(key), (where, key)
            assert schema.get("default") == expected.get("default"), where
            if expected.get("array"):
                assert resolve(schema["items"]).get("type") == expected["schema"]["items"]["type"], where
                assert (declared.get("style", "form"), declared.get("explode", True)) == ("form", True), where
        reference_names = {p["name"] for p in reference["path_params"] + reference["query_params"]}
        declared_names = {
            p["name"]
            for p in ours.parameters
            if p["name"] in reference_names
            or not official_declares(f"{reference['operationId']}.param[{p['in']}:{p['name']}]")
        }
        assert declared_names == {p["name"] for p in reference["path_params"] + reference["query_params"]}


def test_page_size_and_card_id_constraints() -> None:
    """Every pageSize is an integer 1..1000 and every loyaltyCardId path parameter a string of 4..108."""
    page_sizes = card_ids = 0
    for op in OURS.values():
        for parameter in op.parameters:
            schema = resolve(parameter["schema"])
            if parameter["name"] == "pageSize":
                page_sizes += 1
                assert (schema["type"], schema["minimum"], schema["maximum"]) == ("integer", 1, 1000), op
            if parameter["name"] == "loyaltyCardId":
                card_ids += 1
                assert (schema["type"], schema["minLength"], schema["maxLength"]) == ("string", 4, 108), op
    assert page_sizes == 4
    assert card_ids == 5


def test_batch_limits_are_schema_constraints() -> None:
    """Each batch limit the reference has as a schema constraint (maxItems 1000, minItems 1) is in ours."""
    checked = 0
    for reference in _reference_operations():
        limit = reference["batch_limit"]
        if not limit or "maxItems" not in limit["schema"]:
            continue
        model, prop = limit["where"].split(".")
        schema = schemas()[our_name(model)]["properties"][prop]
        assert schema["type"] == "array"
        assert schema["maxItems"] == limit["limit"] == 1000, limit["where"]
        if "minItems 1" in limit["schema"]:
            assert schema["minItems"] == 1, limit["where"]
        checked += 1
    assert checked >= 4


def test_reference_statuses_are_declared_with_their_models() -> None:
    """Every status of every reference operation is declared with the same (renamed) model or no body."""
    for reference in _reference_operations():
        ours = OURS[reference["operationId"]]
        for status, model in reference["responses"].items():
            assert int(status) in ours.responses, (ours, status)
            schema = ours.responses[int(status)]
            got = referenced_name(schema) if schema is not None else None
            assert got == (our_name(model) if model else None), (ours, status)
        extra = set(ours.responses) - {int(s) for s in reference["responses"]}
        # Only the silent variants add a status: the 204 that `silent=yes` answers with.
        assert extra <= {204}, ours
        if extra:
            assert _param(ours, "silent") is not None, ours


def test_silent_endpoints_declare_204() -> None:
    """Every operation with a silent parameter declares a bodyless 204 next to a success with a body."""
    silent = [op for op in OURS.values() if _param(op, "silent") is not None]
    assert {op.operation_id for op in silent} == {
        "createReferralsForMultipleAdvocates",
        "trackEventV2",
        "updateCustomerProfilesV2",
    }
    for op in silent:
        assert op.responses.get(204, "absent") is None, op
        assert any(op.responses[s] is not None for s in op.success_statuses), op
        schema = resolve(_param(op, "silent")["schema"])
        # A plain string, as in Talon.One's contract; the facade's bool sends only "yes" or "no".
        assert (schema["type"], schema["default"], "enum" in schema) == ("string", "yes", False), op
    for op in OURS.values():
        if 204 in op.responses:
            assert op.responses[204] is None, op


def test_one_api_key_v1_security_scheme_secures_every_operation() -> None:
    """The one security scheme is api_key_v1 (apiKey, Authorization header) and every operation uses it."""
    spec = load_spec()
    assert list(spec["components"]["securitySchemes"]) == ["api_key_v1"]
    scheme = spec["components"]["securitySchemes"]["api_key_v1"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    for op in OURS.values():
        assert list(op.security) == [{"api_key_v1": []}], op


def test_every_reference_is_to_a_component() -> None:
    """Every $ref in the document points at an existing component schema."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                found.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_spec())
    assert found
    missing = {ref for ref in found if ref_name(ref) not in schemas()}
    assert missing == set()
