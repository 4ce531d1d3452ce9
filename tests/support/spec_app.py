"""An ASGI app that stands in for Talon.One and holds every request to our OpenAPI document.

It routes on the RAW path (percent-encoded, as sent on the wire), decodes each path parameter
itself, validates the request with openapi-core (parameters, security, body; unknown body properties
are errors), adds the wire checks openapi-core is lenient about (exact ``ApiKey-v1 <key>``,
booleans spelled ``true``/``false``, date-times with an offset, no undeclared query keys), records
everything in ``received``, and answers with whatever the test told it to via ``answer()``.
Answers are validated against the spec too, with every documented property required, so a test
cannot pass on a thin document.

Mount it with ``httpx.ASGITransport(app=app)`` or serve it with ``tests.support.servers``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.testing import MockResponse
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.support.spec import Operation, load_spec, operations, resolve

BASE_URL = "https://yourbaseurl.talon.one"
# RFC 3339 date-time: a full time and an explicit offset (Z or +hh:mm / -hh:mm).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@functools.cache
def _openapi() -> OpenAPI:
    config = Config(
        additional_properties_default_policy="forbid",
        response_properties_default_policy="required",
    )
    return OpenAPI.from_dict(load_spec(), config=config)


@dataclass
class ReceivedRequest:
    """What the app saw: the raw wire form and the outcome of validating it."""

    method: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    operation: Operation | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    response_errors: list[str] = field(default_factory=list)

    def query_values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _CoreRequest:
    """openapi-core's Request protocol, fed with our own routing and decoding."""

    host_url: str
    path: str
    path_pattern: str
    method: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str


def _describe(error: BaseException) -> str:
    parts = [repr(error)]
    cause = error.__cause__
    while cause is not None:
        parts.append(repr(cause))
        for schema_error in getattr(cause, "schema_errors", ()):
            parts.append(f"  {schema_error.message} at {list(schema_error.absolute_path)}")
        cause = cause.__cause__
    return "\n".join(parts)


def _match(template: str, raw_path: str) -> dict[str, str] | None:
    """Raw (still encoded) parameter segments if ``raw_path`` fits ``template`` segment by segment."""
    want, got = template.split("/"), raw_path.split("/")
    if len(want) != len(got):
        return None
    found = {}
    for pattern, segment in zip(want, got, strict=True):
        if pattern.startswith("{") and pattern.endswith("}"):
            if not segment:
                return None
            found[pattern[1:-1]] = segment
        elif pattern != segment:
            return None
    return found


class SpecApp:
    """Validating stand-in for the Talon.One Integration API (see the module docstring)."""

    def __init__(self, *, api_key: str, spec: Mapping[str, Any] | None = None) -> None:
        self.api_key = api_key
        self.operations = operations(spec)
        self.received: list[ReceivedRequest] = []
        self._answer: tuple[int, Any, dict[str, str]] | None = None
        self._openapi = _openapi() if spec is None else OpenAPI.from_dict(dict(spec))

    def answer(self, status: int, document: Any = None, *, headers: Mapping[str, str] | None = None) -> None:
        """Answer every following request with ``status`` and ``document`` (JSON; None for no body)."""
        self._answer = (status, document, dict(headers or {}))

    @property
    def last(self) -> ReceivedRequest:
        return self.received[-1]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = ReceivedRequest(
            method=scope["method"].lower(),
            raw_path=scope["raw_path"].decode("ascii"),
            query=parse_qsl(scope["query_string"].decode("ascii"), keep_blank_values=True),
            headers=[(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]],
            body=body,
        )
        self.received.append(request)
        core_request = self._check(request)
        status, payload, extra_headers = self._answer or (501, {"message": "no answer()"}, {})
        data = b"" if payload is None else json.dumps(payload).encode()
        headers = {"content-type": "application/json", **extra_headers} if payload is not None else {}
        if core_request is not None and request.operation is not None:
            self._check_response(request, core_request, status, data)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": data})

    def _route(self, request: ReceivedRequest) -> None:
        for op in self.operations:
            if op.method != request.method:
                continue
            raw = _match(op.path, request.raw_path)
            if raw is not None:
                request.operation = op
                try:
                    request.path_params = {k: unquote(v, errors="strict") for k, v in raw.items()}
                except UnicodeDecodeError as exc:
                    request.errors.append(f"path parameter is not UTF-8 once decoded: {exc}")
                return
        request.errors.append(f"no operation for {request.method.upper()} {request.raw_path}")

    def _check(self, request: ReceivedRequest) -> _CoreRequest | None:
        self._route(request)
        op = request.operation
        if op is None:
            return None
        auth = request.header_values("authorization")
        if auth != [f"ApiKey-v1 {self.api_key}"]:
            request.errors.append(f"Authorization is not exactly 'ApiKey-v1 <key>' ({len(auth)} value(s))")
        declared = {p["name"]: resolve(p["schema"]) for p in op.params_in("query")}
        for key, value in request.query:
            schema = declared.get(key)
            if schema is None:
                request.errors.append(f"undeclared query parameter {key!r}")
                continue
            if schema.get("type") != "array" and len(request.query_values(key)) != 1:
                request.errors.append(f"scalar query parameter {key!r} repeated")
            item = resolve(schema["items"]) if schema.get("type") == "array" else schema
            if item.get("type") == "boolean" and value not in ("true", "false"):
                request.errors.append(f"boolean {key}={value!r} is not spelled true/false")
            if item.get("format") == "date-time" and not RFC3339.match(value):
                request.errors.append(f"date-time {key}={value!r} is not RFC 3339 with an offset")
        content_type = (request.header_values("content-type") or [""])[0]
        if op.body is not None:
            if content_type.split(";")[0].strip() != "application/json":
                request.errors.append(f"body sent as {content_type!r}, not application/json")
        elif request.body:
            request.errors.append("a body was sent to an operation that takes none")
        core_request = _CoreRequest(
            host_url=BASE_URL,
            path=request.raw_path,
            path_pattern=op.path,
            method=request.method,
            parameters=RequestParameters(
                query=ImmutableMultiDict(request.query),
                header=Headers(request.headers),
                path=dict(request.path_params),
            ),
            body=request.body or None,
            content_type=content_type or "application/octet-stream",
        )
        request.errors += [_describe(e) for e in self._openapi.iter_request_errors(core_request)]
        return core_request

    def _check_response(self, request: ReceivedRequest, core: _CoreRequest, status: int, data: bytes) -> None:
        response = MockResponse(data, status_code=status, content_type="application/json" if data else "")
        request.response_errors += [_describe(e) for e in self._openapi.iter_response_errors(core, response)]
