"""Hostile argument values through every generated endpoint function stay inside their route.

Each operation is called with hostile text in every string argument (path, query and the body's
required strings) through an ``httpx.MockTransport`` that captures the request exactly as it would
go on the wire. The raw path must match the operation's route with each path value one encoded
segment that decodes back to the value; the query must carry exactly the values passed; no header
may appear or change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import importlib
import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import anyio
import attrs
import httpx
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from talon_async._generated.client import AuthenticatedClient
from talon_async._generated.errors import UnparsableResponse
from talon_async._generated.types import Unset
from tests.properties.strategies import EXAMPLES, HOSTILE_TEXT

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "integration-api.yaml"
BASE = "https://talon.example.com"
BASELINE_HEADERS = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-length",
    "content-type",
}


@dataclass(frozen=True)
class Endpoint:
    operation_id: str
    route: str
    query_names: frozenset[str]
    function: Callable[..., Any]

    def route_pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{[^}]+\}", self.route)
        return re.compile("([^/?#]+)".join(re.escape(p) for p in parts))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _endpoints() -> list[Endpoint]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found = []
    for route, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete"):
                continue
            module = importlib.import_module(
                f"talon_async._generated.api.{op['tags'][0]}.{_snake(op['operationId'])}"
            )
            query = frozenset(p["name"] for p in op.get("parameters", []) if p["in"] == "query")
            found.append(Endpoint(op["operationId"], route, query, module.asyncio_detailed))
    return sorted(found, key=lambda e: e.operation_id)


ENDPOINTS = _endpoints()


def minimal(tp: Any, text: str) -> Any:
    """The smallest valid value of ``tp``, with ``text`` in every required string."""
    if tp is str:
        return text
    if tp is int:
        return 7
    if tp is float:
        return 1.5
    if tp is bool:
        return True
    if tp is dt.datetime:
        return dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if typing.get_origin(tp) is list:
        return [minimal(typing.get_args(tp)[0], text)]
    if typing.get_origin(tp) is dict or tp is Any:
        return {}
    if isinstance(tp, type) and attrs.has(tp):
        # The defining module, not the public talon_async.models the class names as its home.
        module = importlib.import_module(tp.from_dict.__module__)
        if hasattr(module, "_bind_models"):
            module._bind_models()
        hints = typing.get_type_hints(tp, vars(module))
        required = {
            f.name: minimal(hints[f.name], text)
            for f in attrs.fields(tp)
            if f.init and f.default is attrs.NOTHING
        }
        return tp(**required)
    raise NotImplementedError(f"type {tp!r}: teach minimal()")


def _is_str_like(tp: Any) -> bool:
    args = set(typing.get_args(tp)) - {Unset}
    return tp is str or args == {str} or args == {list[str]}


def call_arguments(endpoint: Endpoint, text: str, program_id: int) -> tuple[list[Any], dict[str, Any]]:
    """Positional path values and keyword arguments carrying ``text`` wherever a string goes."""
    hints = typing.get_type_hints(endpoint.function)
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for name, parameter in inspect.signature(endpoint.function).parameters.items():
        if name == "client":
            continue
        tp = hints[name]
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            positional.append(text if tp is str else program_id)
        elif name == "body":
            keywords[name] = minimal(tp, text)
        elif _is_str_like(tp):
            keywords[name] = [text, text + "&x=y"] if list[str] in typing.get_args(tp) else text
    return positional, keywords


async def send(
    endpoint: Endpoint, positional: list[Any], keywords: dict[str, Any], seen: list[httpx.Request]
) -> None:
    """Call the endpoint through a transport that records each request in ``seen`` and answers 204."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler)) as http:
        client = AuthenticatedClient(async_client=http)
        # Some operations expect a body where this answers 204; only the request matters here.
        with contextlib.suppress(UnparsableResponse):
            await endpoint.function(*positional, client=client, **keywords)


def capture(endpoint: Endpoint, positional: list[Any], keywords: dict[str, Any]) -> httpx.Request:
    seen: list[httpx.Request] = []
    anyio.run(send, endpoint, positional, keywords, seen)
    assert len(seen) == 1
    return seen[0]


def assert_stays_in_route(endpoint: Endpoint, request: httpx.Request, values: list[Any]) -> None:
    raw_path, _, _query = request.url.raw_path.partition(b"?")
    path = raw_path.decode("ascii")
    assert not re.search(r"[\x00-\x20\x7f]", path), path
    match = endpoint.route_pattern().fullmatch(path)
    assert match is not None, f"{path!r} left the route {endpoint.route!r}"
    for segment, value in zip(match.groups(), values, strict=True):
        assert unquote(segment) == str(value)
        assert segment not in (".", "..")


def assert_query_carries_exactly(
    endpoint: Endpoint, request: httpx.Request, keywords: dict[str, Any]
) -> None:
    pairs = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
    assert {k for k, _ in pairs} <= endpoint.query_names
    expected: list[str] = []
    for name, value in keywords.items():
        if name != "body":
            expected.extend(value if isinstance(value, list) else [value])
    got = [v for _, v in pairs]
    for value in expected:
        assert got.count(value) >= expected.count(value)


def assert_no_header_injected(request: httpx.Request) -> None:
    names = {name.lower() for name in request.headers}
    assert names <= BASELINE_HEADERS, names - BASELINE_HEADERS
    for name, value in request.headers.raw:
        assert b"\r" not in name + value
        assert b"\n" not in name + value


def test_every_operation_is_covered() -> None:
    """All 30 operations of the spec map to a generated function this test calls."""
    assert len(ENDPOINTS) == 30


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.operation_id)
@settings(max_examples=4 * EXAMPLES, deadline=None)
@example(text="..", program_id=1)
@example(text=".", program_id=-1)
@example(text="", program_id=0)
@example(text="%2e%2e/admin", program_id=2**63)
@given(
    text=HOSTILE_TEXT,
    program_id=st.integers(min_value=-(2**63), max_value=2**63),
)
def test_hostile_values_stay_in_route(endpoint: Endpoint, text: str, program_id: int) -> None:
    """Traversal, encoded dots, ?, #, CR/LF, NUL, huge and unicode values stay where they belong."""
    positional, keywords = call_arguments(endpoint, text, program_id)
    if text == "" and "" in positional:
        # No encoding turns an empty value into a segment: it must be refused before sending.
        seen: list[httpx.Request] = []
        with pytest.raises(ValueError, match="cannot be empty"):
            anyio.run(send, endpoint, positional, keywords, seen)
        assert seen == []
        return
    request = capture(endpoint, positional, keywords)
    assert_stays_in_route(endpoint, request, positional)
    assert_query_carries_exactly(endpoint, request, keywords)
    assert_no_header_injected(request)
    if "body" in keywords:
        assert request.content == httpx.Request("POST", BASE, json=keywords["body"].to_dict()).content


# Keeps the baseline honest: the generated layer itself adds no header we did not list.
def test_baseline_headers_are_what_httpx_sends() -> None:
    """A plain call sends only httpx's default headers, so the injection check is not vacuous."""
    endpoint = next(e for e in ENDPOINTS if e.operation_id == "getCustomerSession")
    request = capture(endpoint, ["session-1"], {})
    assert {n.lower() for n in request.headers} == BASELINE_HEADERS - {"content-length", "content-type"}
