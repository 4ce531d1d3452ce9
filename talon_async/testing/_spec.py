"""The OpenAPI document the fake checks every request and response against.

Strictly private. The document is parsed once per process (``load_spec`` is cached): building the
openapi-core and jsonschema validators costs far more than using them.
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
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator._format import oas30_format_checker
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = ["Operation", "QueryParam", "Spec", "load_spec", "spec_path"]

# openapi-core matches requests against a server URL; the fake routes by itself, so it always
# presents requests as if they had been sent to the document's first server.
_SPEC_HOST_FALLBACK = "https://yourbaseurl.talon.one"

# jsonschema ships no type information; its ValidationError is used for .message and .absolute_path.
SchemaError = Any

QueryKind = Literal["string", "integer", "number", "boolean", "array"]


@attrs.frozen
class QueryParam:
    """One query parameter: how to cast its raw text, and its documented default."""

    name: str
    kind: QueryKind
    default: Any = None


@attrs.frozen
class Operation:
    """One operation of the document, with what the fake needs to route and cast requests."""

    operation_id: str
    method: str
    path_pattern: str
    regex: re.Pattern[str] = attrs.field(repr=False)
    path_params: tuple[str, ...]
    query: Mapping[str, QueryParam] = attrs.field(repr=False)
    statuses: frozenset[int]


def spec_path() -> Path:
    """Where the OpenAPI document lives: inside the installed wheel, else in the source checkout."""
    shipped = importlib.resources.files("talon_async.testing").joinpath("openapi.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "openapi" / "integration-api.yaml"


@functools.cache
def load_spec() -> Spec:
    """Parse the document and build its validators, once per process."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(spec_path().read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return Spec(document)


class _Request:
    """openapi-core's request protocol over the pieces the fake has already parsed."""

    def __init__(
        self,
        host_url: str,
        op: Operation,
        path_params: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> None:
        self.host_url = host_url
        self.path = op.path_pattern
        self.path_pattern = op.path_pattern
        self.method = op.method
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(query)), header=Headers(dict(headers)), path=dict(path_params)
        )
        self.body = body or None
        self.content_type = headers.get("content-type", "application/json")


class _Response:
    """openapi-core's response protocol over a response the fake is about to send."""

    def __init__(self, status: int, content_type: str, body: bytes) -> None:
        self.status_code = status
        self.content_type = content_type
        self.headers = Headers({"Content-Type": content_type}) if content_type else Headers()
        self.data = body


class Spec:
    """Routing, casting and validation against one parsed OpenAPI document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._schemas: Mapping[str, Any] = document["components"]["schemas"]
        self._api = OpenAPI.from_dict(dict(document))
        servers = document.get("servers") or [{"url": _SPEC_HOST_FALLBACK}]
        self._host_url: str = servers[0]["url"]
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
        for param in raw.get("parameters", []):
            if param["in"] != "query":
                continue
            schema = self._resolve(param["schema"])
            kind = schema.get("type", "string")
            query[param["name"]] = QueryParam(param["name"], kind, schema.get("default"))
        return Operation(
            operation_id=raw["operationId"],
            method=method,
            path_pattern=path_pattern,
            regex=regex,
            path_params=names,
            query=query,
            statuses=frozenset(int(code) for code in raw["responses"]),
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

    # -- routing -----------------------------------------------------------------------------

    def match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | Literal[405] | None:
        """The operation for a request, with its percent-decoded path values; 405 or None if none."""
        method = method.lower()
        path_known = False
        for op in self._routes:
            found = op.regex.match(raw_path)
            if found is None:
                continue
            if op.method == method:
                return op, {name: unquote(value) for name, value in found.groupdict().items()}
            path_known = True
        return 405 if path_known else None

    def cast_query(self, op: Operation, items: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Query values typed per the document, with documented defaults; call after validation."""
        raw: dict[str, list[str]] = {}
        for name, value in items:
            raw.setdefault(name, []).append(value)
        out: dict[str, Any] = {}
        for name, param in op.query.items():
            values = raw.get(name)
            if not values:
                out[name] = param.default
            elif param.kind == "array":
                out[name] = values
            elif param.kind == "integer":
                out[name] = int(values[-1])
            elif param.kind == "number":
                out[name] = float(values[-1])
            elif param.kind == "boolean":
                out[name] = values[-1].lower() == "true"
            else:
                out[name] = values[-1]
        return out

    # -- validation ----------------------------------------------------------------------------

    def request_errors(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> list[dict[str, Any]]:
        """Every way a request breaks the document, each as a Talon ``APIError`` dict."""
        request = _Request(self._host_url, op, path_params, query, headers, body)
        return [api_error for err in self._api.iter_request_errors(request) for api_error in _api_errors(err)]

    def response_errors(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        status: int,
        body: bytes,
    ) -> list[str]:
        """Every way a response the fake built breaks the document (a bug in the fake if any)."""
        if status not in op.statuses:
            if status < 400:
                return [f"{op.operation_id} does not document status {status}"]
            # The real API answers 400/404/409 on operations whose document omits them; such a
            # body must still be a Talon error body.
            return self.schema_errors("ErrorResponseWithStatus", json.loads(body))
        request = _Request(self._host_url, op, path_params, query, headers, None)
        response = _Response(status, "application/json" if body else "", body)
        return [_describe(err) for err in self._api.iter_response_errors(request, response)]

    def schema_errors(self, schema_name: str, value: Any) -> list[str]:
        """Every way ``value`` breaks the named component schema."""
        validator = self._validators.get(schema_name)
        if validator is None:
            root = {"$ref": f"#/components/schemas/{schema_name}", "components": self.document["components"]}
            validator = OAS30Validator(root, format_checker=oas30_format_checker)
            self._validators[schema_name] = validator
        return [_schema_error_text(err) for err in validator.iter_errors(value)]

    def schema_api_errors(self, schema_name: str, value: Any, pointer: str) -> list[dict[str, Any]]:
        """Like ``schema_errors``, as Talon ``APIError`` dicts pointing below ``pointer``."""
        validator = self._validators.get(schema_name)
        if validator is None:
            self.schema_errors(schema_name, None)
            validator = self._validators[schema_name]
        return [_body_error(err, prefix=pointer) for err in validator.iter_errors(value)]


def _schema_error_text(err: SchemaError) -> str:
    where = "/".join(str(p) for p in err.absolute_path)
    return f"/{where}: {err.message}"


def _body_error(err: SchemaError, prefix: str = "") -> dict[str, Any]:
    pointer = prefix + "".join(f"/{p}" for p in err.absolute_path)
    return {"title": "Invalid request body", "details": err.message, "source": {"pointer": pointer or "/"}}


def _api_errors(err: Exception) -> list[dict[str, Any]]:
    cause = err.__cause__
    schema_errors: Sequence[SchemaError] = getattr(cause, "schema_errors", ()) or ()
    name = getattr(err, "name", None)
    if name is not None and getattr(err, "location", None) is not None:
        details = "; ".join(e.message for e in schema_errors) or str(cause or err)
        return [{"title": "Invalid parameter", "details": details, "source": {"parameter": name}}]
    if schema_errors:
        return [_body_error(e) for e in schema_errors]
    text = str(cause) if cause is not None else (str(err) or type(err).__name__)
    if "body" in type(err).__name__.lower():
        return [{"title": "Invalid request body", "details": text, "source": {"pointer": "/"}}]
    return [{"title": "Bad request", "details": text, "source": {}}]


def _describe(err: Exception) -> str:
    cause = err.__cause__
    schema_errors: Sequence[SchemaError] = getattr(cause, "schema_errors", ()) or ()
    if schema_errors:
        return "; ".join(_schema_error_text(e) for e in schema_errors)
    return f"{type(err).__name__}: {cause or err}"
