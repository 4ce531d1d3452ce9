"""The OpenAPI document as test data: load it, follow references, list its operations."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "openapi" / "integration-api.yaml"
SCHEMA_PREFIX = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

Schema = Mapping[str, Any]


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed document, parsed once per session; callers must not mutate it (deepcopy first)."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def schemas(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The component schemas by name."""
    components: dict[str, Any] = (spec or load_spec())["components"]["schemas"]
    return components


def ref_name(ref: str) -> str:
    """``#/components/schemas/Foo`` -> ``Foo``."""
    if not ref.startswith(SCHEMA_PREFIX):
        raise ValueError(f"not a component schema reference: {ref}")
    return ref.removeprefix(SCHEMA_PREFIX)


def resolve(schema: Schema, spec: Mapping[str, Any] | None = None) -> Schema:
    """Follow ``$ref`` and single-member ``allOf`` wrappers to the schema that carries the type.

    Keywords beside an ``allOf`` wrapper (``default``, ``description``, ``nullable``) are kept, so
    ``{allOf: [$ref: LoyaltyTransactionType], default: ...}`` resolves to the enum with that default.
    """
    components = schemas(spec)
    while True:
        if "$ref" in schema:
            schema = components[ref_name(schema["$ref"])]
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            siblings = {k: v for k, v in schema.items() if k != "allOf"}
            schema = {**resolve(schema["allOf"][0], spec), **siblings}
        else:
            return schema


def referenced_name(schema: Schema) -> str | None:
    """The component a property points at (directly or through a one-member ``allOf``), if any."""
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return referenced_name(schema["allOf"][0])
    return None


@dataclass(frozen=True)
class Operation:
    """One operation of the document, with its parameters, body and responses pre-digested."""

    operation_id: str
    method: str
    path: str
    tag: str
    parameters: tuple[Mapping[str, Any], ...]
    body: Schema | None
    # status -> response schema (None when the status carries no body)
    responses: Mapping[int, Schema | None]
    security: tuple[Mapping[str, Any], ...]

    def params_in(self, location: str) -> list[Mapping[str, Any]]:
        return [p for p in self.parameters if p["in"] == location]

    @property
    def success_statuses(self) -> list[int]:
        return [s for s in self.responses if 200 <= s < 300]

    @property
    def error_statuses(self) -> list[int]:
        return [s for s in self.responses if s >= 400]

    def __str__(self) -> str:
        return self.operation_id


def operations(spec: Mapping[str, Any] | None = None) -> list[Operation]:
    """Every operation, sorted by operationId so test ids are stable."""
    spec = spec or load_spec()
    found = []
    for path, item in spec["paths"].items():
        shared_params = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            body = None
            if "requestBody" in op:
                body = op["requestBody"]["content"]["application/json"]["schema"]
            responses: dict[int, Schema | None] = {}
            for status, response in op["responses"].items():
                content = response.get("content", {}).get("application/json")
                responses[int(status)] = content["schema"] if content else None
            found.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method,
                    path=path,
                    tag=op["tags"][0],
                    parameters=tuple(shared_params) + tuple(op.get("parameters", [])),
                    body=body,
                    responses=responses,
                    security=tuple(op.get("security", spec.get("security", []))),
                )
            )
    return sorted(found, key=lambda o: o.operation_id)


def operation(operation_id: str, spec: Mapping[str, Any] | None = None) -> Operation:
    """The operation with this operationId."""
    for op in operations(spec):
        if op.operation_id == operation_id:
            return op
    raise KeyError(operation_id)
