"""Every operation of the generated layer, over HTTP, against a server that validates with our spec.

For each operation the generated ``asyncio_detailed`` is called with every parameter (non-default
values, so a default sent implicitly cannot fake a pass) and a full body; the ASGI stand-in checks the
request with openapi-core plus the wire rules, and answers with a full response document.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from talon_async._generated.client import AuthenticatedClient
from tests.support.documents import DocumentFactory
from tests.support.generated import endpoint_module, model_class, python_name, to_python
from tests.support.spec import Operation, operations, referenced_name, resolve
from tests.support.spec_app import BASE_URL, RFC3339, SpecApp

pytestmark = pytest.mark.anyio

API_KEY = "tk-test-0123456789abcdef"
OPERATIONS = operations()
FACTORY = DocumentFactory()
# Query arrays get two items, so repeated keys can be told apart from one comma-joined value.
PARAM_FACTORY = DocumentFactory(array_length=2)


@pytest.fixture
def app() -> SpecApp:
    return SpecApp(api_key=API_KEY)


@pytest.fixture
async def client(app: SpecApp) -> AsyncIterator[AuthenticatedClient]:
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        # The generated layer holds no secret: auth lives on the httpx client, as the facade does it.
        headers={"Authorization": f"ApiKey-v1 {API_KEY}"},
    )
    async with AuthenticatedClient(async_client=http) as generated_client:
        yield generated_client


def _parameter_value(parameter: dict[str, Any]) -> Any:
    """A JSON value for ``parameter`` that differs from its default."""
    schema = resolve(parameter["schema"])
    value = PARAM_FACTORY.document(schema, hint=parameter["name"])
    default = schema.get("default")
    if default is not None and value == default:
        if "enum" in schema:
            value = next(v for v in schema["enum"] if v != default)
        elif schema.get("type") == "integer":
            value = default - 1 if schema.get("maximum") == default else default + 1
    return value


def _wire(value: Any) -> list[str]:
    """How a query value must look on the wire: repeated keys for lists, true/false for booleans."""
    if isinstance(value, list):
        return [v for item in value for v in _wire(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, enum.Enum):
        return [str(value.value)]
    return [str(value)]


def _success(op: Operation) -> int:
    """The success status the full call expects: the first one that carries a body, if any."""
    with_body = [s for s in op.success_statuses if op.responses[s] is not None]
    return (with_body or op.success_statuses)[0]


def _required_arguments(op: Operation, function: Any, *, body: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for parameter in op.params_in("path"):
        name = python_name(function, parameter["name"])
        arguments[name] = to_python(function, name, _parameter_value(parameter))
    if op.body is not None:
        arguments["body"] = to_python(function, "body", body)
    return arguments


def _check_parsed(op: Operation, status: int, response: Any, document: Any) -> None:
    assert response.status_code == status
    schema = op.responses[status]
    if schema is None:
        assert response.parsed is None
        assert response.content == b""
        return
    name = referenced_name(schema)
    assert name is not None, f"{op} {status}: inline response schema"
    assert type(response.parsed) is model_class(name)
    assert response.parsed.to_dict() == document


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
async def test_operation_round_trip(op: Operation, app: SpecApp, client: AuthenticatedClient) -> None:
    """A call with every parameter and a full body passes the wire checks; its answer parses losslessly."""
    module = endpoint_module(op)
    function = module.asyncio_detailed
    body = FACTORY.document(op.body, hint="body") if op.body is not None else None
    arguments = _required_arguments(op, function, body=body)
    sent_query: dict[str, Any] = {}
    for parameter in op.params_in("query"):
        name = python_name(function, parameter["name"])
        arguments[name] = sent_query[parameter["name"]] = to_python(
            function, name, _parameter_value(parameter)
        )
    status = _success(op)
    schema = op.responses[status]
    document = FACTORY.document(schema) if schema is not None else None
    app.answer(status, document)

    response = await function(client=client, **arguments)

    received = app.last
    assert received.errors == [], "\n".join(received.errors)
    assert received.response_errors == [], "\n".join(received.response_errors)
    assert received.operation == op
    for parameter in op.params_in("path"):
        assert received.path_params[parameter["name"]] == str(
            arguments[python_name(function, parameter["name"])]
        )
    assert {key for key, _ in received.query} == set(sent_query)
    for key, value in sent_query.items():
        wire = received.query_values(key)
        if isinstance(value, dt.datetime):
            (text,) = wire
            assert RFC3339.match(text), text
            parsed = dt.datetime.fromisoformat(text)
            assert (parsed, parsed.utcoffset()) == (value, value.utcoffset())
        else:
            assert wire == _wire(value), key
    if body is not None:
        assert received.json() == body
    _check_parsed(op, status, response, document)
    parsed_only = await module.asyncio(client=client, **arguments)
    assert (parsed_only.to_dict() if schema is not None else parsed_only) == document


STATUS_CASES = [pytest.param(op, status, id=f"{op}-{status}") for op in OPERATIONS for status in op.responses]


@pytest.mark.parametrize(("op", "status"), STATUS_CASES)
async def test_every_documented_status_parses(
    op: Operation, status: int, app: SpecApp, client: AuthenticatedClient
) -> None:
    """Each documented status of each operation, errors included, parses losslessly into its model."""
    function = endpoint_module(op).asyncio_detailed
    body = FACTORY.document(op.body, hint="body", required_only=True) if op.body is not None else None
    schema = op.responses[status]
    document = FACTORY.document(schema) if schema is not None else None
    app.answer(status, document)

    response = await function(client=client, **_required_arguments(op, function, body=body))

    assert app.last.errors == [], "\n".join(app.last.errors)
    assert app.last.response_errors == [], "\n".join(app.last.response_errors)
    if body is not None:
        assert app.last.json() == body
    _check_parsed(op, status, response, document)
