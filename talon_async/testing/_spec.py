"""The OpenAPI document the fake checks every request and response against.

Strictly private. The document is parsed once per process (``load_spec`` is cached) and each
schema is compiled into a jsonschema-rs validator the first time a request or response needs it,
then reused: compiling costs milliseconds, checking a 10-item session a few microseconds.

OpenAPI 3.0 schemas are JSON Schema with a few differences; ``_json_schema`` rewrites the one the
document uses (``nullable``) so a plain JSON Schema 2020-12 validator can check them.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

import attrs
import jsonschema_rs
import yaml

__all__ = ["Operation", "QueryParam", "Spec", "load_spec", "spec_path"]

QueryKind = Literal["string", "integer", "number", "boolean", "array"]


@attrs.frozen
class QueryParam:
    """One path or query parameter: how to cast its raw text, its default and its schema."""

    name: str
    kind: QueryKind
    default: Any = None
    required: bool = False
    schema: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Operation:
    """One operation of the document, with what the fake needs to route, cast and check requests."""

    operation_id: str
    method: str
    path_pattern: str
    regex: re.Pattern[str] = attrs.field(repr=False)
    path_params: tuple[str, ...]
    query: Mapping[str, QueryParam] = attrs.field(repr=False)
    statuses: frozenset[int]
    path_schemas: Mapping[str, QueryParam] = attrs.field(factory=dict, repr=False)
    body_schema: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    body_required: bool = False
    # status -> the JSON schema of its body, or None for a status without one
    response_schemas: Mapping[int, Mapping[str, Any] | None] = attrs.field(factory=dict, repr=False)


def spec_path() -> Path:
    """Where the OpenAPI document lives: inside the installed wheel, else in the source checkout."""
    shipped = importlib.resources.files("talon_async.testing").joinpath("openapi.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "openapi" / "integration-api.yaml"


@functools.cache
def load_spec() -> Spec:
    """Parse the document, once per process; validators are compiled when first needed."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(spec_path().read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return Spec(document)


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: ``nullable: true`` becomes an allowed ``null``."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        elif kind is None and len(out) > 0:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


# Where Talon.One's official contract accepts more than the SDK's document, the fake accepts what
# Talon.One accepts (it is a fake of the API, not of the SDK). Each entry widens the parsed document
# in memory; on a document that already agrees, it changes nothing.
CONTRACT_WIDENINGS: dict[str, str] = {
    "card-identifier-characters": "card identifiers may also hold . % + @ (^[A-Za-z0-9._%+@-]+$)",
    "campaign-eligibility": "responseContent may ask for campaignEligibility",
    "silent-any-string": "silent is any string; only 'no' turns the answer on",
    "returns-run-rule-engine": "returnCartItems takes runRuleEngine",
    "profile-points-subledgers": "getLoyaltyProgramProfilePoints takes subledgerId more than once",
    "card-transactions-page-size": "getLoyaltyCardTransactions pages 50 by default",
    "loyalty-memberships-null": "a profile's loyaltyMemberships is always null",
    "event-effects-arrays": "an event's effects are arrays (an effect in Talon's compact form)",
}

_NARROW_CARD_PATTERN = "^[A-Za-z0-9_-]*$"
_CONTRACT_CARD_PATTERN = "^[A-Za-z0-9._%+@-]+$"


def _widened(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with ``CONTRACT_WIDENINGS`` applied."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        out = {key: walk(value) for key, value in node.items()}
        properties = out.get("properties")
        if isinstance(properties, dict) and isinstance(properties.get("loyaltyMemberships"), dict):
            properties["loyaltyMemberships"] = {**properties["loyaltyMemberships"], "nullable": True}
        if out.get("pattern") == _NARROW_CARD_PATTERN:
            out["pattern"] = _CONTRACT_CARD_PATTERN
        enum = out.get("enum")
        if isinstance(enum, list) and "ruleFailureReasons" in enum and "campaignEligibility" not in enum:
            out["enum"] = [*enum, "campaignEligibility"]
        return out

    widened: dict[str, Any] = walk(document)
    for item in widened["paths"].values():
        for op in item.values():
            params = op.setdefault("parameters", [])
            for param in params:
                if param["name"] == "silent":
                    param["schema"] = {"type": "string", "default": "yes"}
                elif op["operationId"] == "getLoyaltyProgramProfilePoints" and param["name"] == "subledgerId":
                    param["schema"] = {"type": "array", "items": {"type": "string"}}
                    param["style"], param["explode"] = "form", True
                elif op["operationId"] == "getLoyaltyCardTransactions" and param["name"] == "pageSize":
                    param["schema"] = {**param["schema"], "default": 50}
            names = {param["name"] for param in params}
            if op["operationId"] == "returnCartItems" and "runRuleEngine" not in names:
                params.append({"name": "runRuleEngine", "in": "query", "schema": {"type": "boolean"}})
    event = widened["components"]["schemas"].get("Event", {}).get("properties", {}).get("effects")
    if isinstance(event, dict) and isinstance(event.get("items"), dict):
        event["items"] = {"anyOf": [event["items"], {"type": "array"}]}
    return widened


class Spec:
    """Routing, casting and validation against one parsed OpenAPI document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        memberships = document["components"]["schemas"].get("CustomerProfile", {}).get("properties", {})
        # Talon.One sends a profile's loyaltyMemberships as null. Where the SDK's document does not
        # allow null there yet, the fake leaves the (optional) key out, which reads the same.
        self.memberships_nullable = bool(
            (memberships.get("loyaltyMemberships") or {}).get("nullable")
        ) or bool((memberships.get("loyaltyMemberships") or {}).get("x-always-null"))
        document = _widened(document)
        self.document = document
        self._schemas: Mapping[str, Any] = document["components"]["schemas"]
        self._components = {"schemas": _json_schema(self._schemas)}
        self.operations: dict[str, Operation] = {}
        for path_pattern, item in document["paths"].items():
            for method, raw in item.items():
                op = self._operation(path_pattern, method, raw)
                self.operations[op.operation_id] = op
        # Literal paths first, so a fixed segment never loses to a `{param}` one.
        self._routes = sorted(self.operations.values(), key=lambda o: o.path_pattern.count("{"))
        self.effect_props_schema: dict[str, str] = {
            schema["x-effect-type"]: name
            for name, schema in self._schemas.items()
            if isinstance(schema, Mapping) and schema.get("x-effect-type")
        }
        self.catalog_payload_schema: dict[str, str] = dict(
            self._schemas["CatalogAction"].get("x-payload-by-type", {})
        )
        self._validators: dict[str, Any] = {}

    def _operation(self, path_pattern: str, method: str, raw: Mapping[str, Any]) -> Operation:
        names = tuple(re.findall(r"{(\w+)}", path_pattern))
        regex = re.compile("^" + re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", path_pattern) + "$")
        query: dict[str, QueryParam] = {}
        path_schemas: dict[str, QueryParam] = {}
        for param in raw.get("parameters", []):
            flat = self._resolve(param["schema"])
            entry = QueryParam(
                param["name"],
                flat.get("type", "string"),
                flat.get("default"),
                bool(param.get("required")),
                _json_schema(param["schema"]),
            )
            if param["in"] == "query":
                query[param["name"]] = entry
            elif param["in"] == "path":
                path_schemas[param["name"]] = entry
        body = raw.get("requestBody")
        body_schema = None
        if body is not None:
            body_schema = _json_schema(body["content"]["application/json"]["schema"])
        responses: dict[int, Mapping[str, Any] | None] = {}
        for code, response in raw["responses"].items():
            content = (response.get("content") or {}).get("application/json")
            responses[int(code)] = _json_schema(content["schema"]) if content else None
        return Operation(
            operation_id=raw["operationId"],
            method=method,
            path_pattern=path_pattern,
            regex=regex,
            path_params=names,
            query=query,
            statuses=frozenset(responses),
            path_schemas=path_schemas,
            body_schema=body_schema,
            body_required=bool(body and body.get("required")),
            response_schemas=responses,
        )

    def _resolve(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """Flatten `$ref` and single-`allOf` wrappers of a parameter schema, keeping its default."""
        merged: dict[str, Any] = {}
        if "$ref" in schema:
            merged.update(self._resolve(self._schemas[schema["$ref"].rsplit("/", 1)[1]]))
        for part in schema.get("allOf", []):
            merged.update(self._resolve(part))
        merged.update({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
        return merged

    def _validator(self, key: str, schema: Mapping[str, Any]) -> Any:
        """The compiled validator for ``schema``, built on first use and cached under ``key``."""
        validator = self._validators.get(key)
        if validator is None:
            root = {**schema, "components": self._components} if "$ref" in json.dumps(schema) else schema
            validator = jsonschema_rs.validator_for(dict(root), validate_formats=True)
            self._validators[key] = validator
        return validator

    # -- routing -----------------------------------------------------------------------------

    def match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | list[str] | None:
        """The operation for a request with its percent-decoded path values; the methods the path
        allows if the method is wrong; None for an unknown path."""
        method = method.lower()
        allowed: list[str] = []
        for op in self._routes:
            found = op.regex.match(raw_path)
            if found is None:
                continue
            if op.method == method:
                return op, {name: unquote(value) for name, value in found.groupdict().items()}
            allowed.append(op.method.upper())
        return sorted(set(allowed)) if allowed else None

    def cast_query(self, op: Operation, items: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Query values typed per the document, with documented defaults; call after validation."""
        raw: dict[str, list[str]] = {}
        for name, value in items:
            raw.setdefault(name, []).append(value)
        out: dict[str, Any] = {}
        for name, param in op.query.items():
            values = raw.get(name)
            out[name] = param.default if not values else _cast(param, values)
        return out

    # -- validation ----------------------------------------------------------------------------

    def request_errors(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: Any,
        raw_body: bytes,
    ) -> list[dict[str, Any]]:
        """Every way a request breaks the document, each as a Talon ``APIError`` dict.

        ``body`` is the already parsed JSON body (None when ``raw_body`` is empty).
        """
        errors: list[dict[str, Any]] = []
        for name, param in op.path_schemas.items():
            errors += self._param_errors(op, param, [path_params.get(name, "")])
        given: dict[str, list[str]] = {}
        for name, value in query:
            given.setdefault(name, []).append(value)
        for name, param in op.query.items():
            values = given.get(name)
            if values is None:
                if param.required:
                    errors.append(_param_error(name, "the parameter is required"))
                continue
            errors += self._param_errors(op, param, values)
        if op.body_schema is None:
            return errors
        if not raw_body:
            if op.body_required:
                errors.append(_body_error("the request body is required", ()))
            return errors
        content_type = headers.get("content-type", "application/json").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            errors.append(_body_error(f"the content type {content_type!r} is not application/json", ()))
            return errors
        validator = self._validator(f"{op.operation_id} request", op.body_schema)
        errors += [_body_error(e.message, e.instance_path) for e in validator.iter_errors(body)]
        return errors

    def _param_errors(self, op: Operation, param: QueryParam, values: list[str]) -> list[dict[str, Any]]:
        try:
            value = _cast(param, values)
        except ValueError:
            return [_param_error(param.name, f"{values[-1]!r} is not a valid {param.kind}")]
        validator = self._validator(f"{op.operation_id} {param.name}", param.schema)
        return [_param_error(param.name, e.message) for e in validator.iter_errors(value)]

    def response_errors(self, op: Operation, status: int, body: bytes, parsed: Any = None) -> list[str]:
        """Every way a response the fake built breaks the document (a bug in the fake if any).

        ``parsed`` is the value ``body`` was dumped from, if the caller has it: no second parse.
        """
        if status not in op.statuses:
            return [f"{op.operation_id} does not document status {status}"]
        schema = op.response_schemas[status]
        if schema is None:
            return [] if not body else [f"status {status} has no body in the document"]
        if not body:
            return [f"status {status} needs a JSON body"]
        validator = self._validator(f"{op.operation_id} {status}", schema)
        value = json.loads(body) if parsed is None else parsed
        return [_error_text(e) for e in validator.iter_errors(value)]

    def schema_errors(self, schema_name: str, value: Any) -> list[str]:
        """Every way ``value`` breaks the named component schema."""
        validator = self._validator(schema_name, {"$ref": f"#/components/schemas/{schema_name}"})
        return [_error_text(e) for e in validator.iter_errors(value)]

    def schema_api_errors(self, schema_name: str, value: Any, pointer: str) -> list[dict[str, Any]]:
        """Like ``schema_errors``, as Talon ``APIError`` dicts pointing below ``pointer``."""
        validator = self._validator(schema_name, {"$ref": f"#/components/schemas/{schema_name}"})
        return [_body_error(e.message, e.instance_path, prefix=pointer) for e in validator.iter_errors(value)]


def _cast(param: QueryParam, values: list[str]) -> Any:
    """Raw query text typed per the parameter's schema; ValueError for text that is not that type."""
    if param.kind == "array":
        item_kind = (param.schema.get("items") or {}).get("type")
        if item_kind == "integer":
            return [int(v) for v in values]
        return list(values)
    text = values[-1]
    if param.kind == "integer":
        return int(text)
    if param.kind == "number":
        return float(text)
    if param.kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    return text


def _param_error(name: str, details: str) -> dict[str, Any]:
    return {"title": "Invalid parameter", "details": details, "source": {"parameter": name}}


def _body_error(details: str, path: Sequence[str | int], prefix: str = "") -> dict[str, Any]:
    pointer = prefix + "".join(f"/{p}" for p in path)
    return {"title": "Invalid request body", "details": details, "source": {"pointer": pointer or "/"}}


def _error_text(err: Any) -> str:
    where = "/".join(str(p) for p in err.instance_path)
    return f"/{where}: {err.message}"
