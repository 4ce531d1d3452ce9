"""Requests generated from the official contract, sent through the facade, and checked on the wire.

A generated request is the official operation's path values, query parameters and JSON body, each
drawn from its official schema (``tests.support.official_contract.prepare(..., for_request=True)``: read-only
properties are never sent). A few preconditions Talon.One documents in prose but not in the
contract's schemas are applied after drawing, since the facade enforces them before sending:

- ``now`` only with ``dry=true`` and in the future (the drawn instant is moved past 2100);
- ``forceCompleteEvaluation=true`` only with ``dry=true``; a dry profile update only with
  ``runRuleEngine=true``;
- ``silent`` is ``yes`` or ``no`` (the contract types it as any string; those are its two values);
- a path value is never empty, ``.`` or ``..`` (no URL can carry those as a segment);
- ``skip`` is never negative (it counts entries to pass over; the drawn value's magnitude is kept);
- a catalog sync request holds one action type and names each SKU once (the actions of the first
  drawn type are kept, each SKU's first).

``deliver`` calls the facade method with the body as a dict, or as our request model built with
``from_dict``, and ``check_wire`` compares what the loopback server received with what was drawn:
every path value and query parameter arrives with the drawn value (a boolean ``false`` may be left
out: the API reads a missing flag as false), nothing else arrives but parameters the operation
declares, with valid values, and the body validates against the official schema (as open as the
original) and equals the drawn body losslessly (``tests.differential.lossless``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

import jsonschema
from hypothesis import strategies as st

import talon_async.models
from talon_async import TalonClient, TalonError
from tests.differential.budget import BOUNDS
from tests.differential.calls import METHODS
from tests.differential.lossless import first_difference, instant, normal
from tests.reliability.faulty_server import Recorded
from tests.support.json_strategies import strategy
from tests.support.official_contract import DATE_TIME_FORMAT, OfficialOperation, prepare

JSON = Any
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks(DATE_TIME_FORMAT)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or instant(value) is not None


@dataclass
class GeneratedRequest:
    """One request as the official contract describes it (wire names, JSON values)."""

    path: dict[str, JSON] = field(default_factory=dict)
    query: dict[str, JSON] = field(default_factory=dict)
    body: JSON = None
    has_body: bool = False


def _schema_strategy(schema: Mapping[str, Any]) -> st.SearchStrategy[JSON]:
    return strategy(prepare(schema, for_request=True), BOUNDS)


def request_strategy(op: OfficialOperation) -> st.SearchStrategy[GeneratedRequest]:
    """Requests for ``op`` (see the module docstring for the preconditions applied)."""
    path = {
        p["name"]: _schema_strategy(p["schema"]).filter(lambda v: str(v) not in ("", ".", ".."))
        for p in op.params_in("path")
    }
    query_required = {
        p["name"]: _schema_strategy(p["schema"]) for p in op.params_in("query") if p.get("required")
    }
    query_optional = {
        p["name"]: st.sampled_from(["yes", "no"]) if p["name"] == "silent" else _schema_strategy(p["schema"])
        for p in op.params_in("query")
        if not p.get("required")
    }
    body = _schema_strategy(op.body) if op.body is not None else st.none()
    return st.builds(
        _with_preconditions,
        st.just(op.operation_id),
        st.fixed_dictionaries(path),
        st.fixed_dictionaries(query_required, optional=query_optional),  # type: ignore[arg-type]
        body,
        st.just(op.body is not None),
    )


def _with_preconditions(
    operation_id: str, path: dict[str, JSON], query: dict[str, JSON], body: JSON, has_body: bool
) -> GeneratedRequest:
    if "now" in query:
        query["dry"] = True
        query["now"] = "2101" + query["now"][4:]
    if query.get("forceCompleteEvaluation") is True:
        query["dry"] = True
    if operation_id == "updateCustomerProfileV2" and query.get("dry") is True:
        query["runRuleEngine"] = True
    if isinstance(query.get("skip"), int):
        query["skip"] = abs(query["skip"])
    if operation_id == "syncCatalog" and isinstance(body, dict) and isinstance(body.get("actions"), list):
        body["actions"] = _one_type_each_sku_once(body["actions"])
    return GeneratedRequest(path, query, body, has_body)


def _one_type_each_sku_once(actions: list[JSON]) -> list[JSON]:
    if not actions:
        return actions
    first_type = actions[0].get("type") if isinstance(actions[0], dict) else None
    kept, skus = [], set()
    for action in actions:
        if not isinstance(action, dict) or action.get("type") != first_type:
            continue
        payload = action.get("payload")
        sku = payload.get("sku") if isinstance(payload, dict) else None
        if isinstance(sku, str):
            if sku in skus:
                continue
            skus.add(sku)
        kept.append(action)
    return kept


def _snake(wire: str) -> str:
    wire = wire.replace("UUIDs", "Uuids").replace("IDs", "Ids")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", wire).lower()


def _python_value(name: str, value: JSON, schema: Mapping[str, Any]) -> Any:
    if name == "silent":
        return value == "yes"
    if schema.get("format") == "date-time":
        return dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return value


def body_model(method: str) -> type[Any]:
    """The generated model a facade method takes as ``body`` (beside a plain dict)."""
    # The facade's annotations are strings naming talon_async.models classes: "NewAudience | Body".
    annotation = inspect.signature(getattr(TalonClient, method)).parameters["body"].annotation
    name = str(annotation).split("|")[0].strip()
    found: type[Any] = getattr(talon_async.models, name)
    return found


def facade_arguments(
    op: OfficialOperation, request: GeneratedRequest, *, as_model: bool
) -> tuple[str, list[Any], dict[str, Any]]:
    """The facade method, its positional path values and its keyword arguments for ``request``."""
    method, _ = METHODS[op.operation_id]
    args = [request.path[p["name"]] for p in op.params_in("path")]
    schemas = {p["name"]: p["schema"] for p in op.params_in("query")}
    kwargs = {
        _snake(name): _python_value(name, value, schemas[name]) for name, value in request.query.items()
    }
    if request.has_body:
        body = request.body
        if as_model:
            body = body_model(method).from_dict(request.body)
        kwargs["body"] = body
    return method, args, kwargs


async def deliver(
    talon: TalonClient, op: OfficialOperation, request: GeneratedRequest, *, as_model: bool
) -> str | None:
    """Send ``request``; None once it has reached the server, else why the SDK refused it locally."""
    try:
        method, args, kwargs = facade_arguments(op, request, as_model=as_model)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return f"refused by from_dict: {type(error).__name__}: {error}"
    try:
        await getattr(talon, method)(*args, **kwargs)
    except TypeError as error:
        return f"refused by the facade: TypeError: {error}"
    except TalonError as error:
        if getattr(error, "status_code", None) is not None:
            return None
        return f"refused by the facade: {type(error).__name__}: {error}"
    return None


def _template_values(template: str, raw_path: str) -> dict[str, str] | None:
    want, got = template.split("/"), raw_path.split("/")
    if len(want) != len(got):
        return None
    values = {}
    for pattern, segment in zip(want, got, strict=True):
        if pattern.startswith("{"):
            values[pattern[1:-1]] = unquote(segment)
        elif pattern != segment:
            return None
    return values


def _query_text(value: JSON) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_query_value(sent: str, drawn: JSON) -> bool:
    if isinstance(drawn, str) and instant(drawn) is not None:
        return instant(sent) == instant(drawn)
    return sent == _query_text(drawn)


def _valid_query_value(text: str, schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "array":
        return _valid_query_value(text, schema.get("items", {}))
    if kind == "boolean":
        return text in ("true", "false")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            return False
        number = int(text)
        return schema.get("minimum", number) <= number <= schema.get("maximum", number)
    if schema.get("format") == "date-time":
        return instant(text) is not None
    return "enum" not in schema or text in schema["enum"]


def check_wire(op: OfficialOperation, request: GeneratedRequest, received: Recorded) -> list[str]:
    """What is wrong with the request as it arrived (see the module docstring); empty when nothing is."""
    problems = []
    raw_path, _, raw_query = received.target.partition("?")
    if received.method.lower() != op.method:
        problems.append(f"method {received.method}, not {op.method.upper()}")
    values = _template_values(op.path, raw_path)
    if values is None:
        return [*problems, f"path {raw_path} does not fit {op.path}"]
    for name, drawn in request.path.items():
        if values[name] != str(drawn):
            problems.append(f"path value {name}: sent {values[name]!r}, drawn {drawn!r}")
    query = parse_qsl(raw_query, keep_blank_values=True)
    declared = {p["name"]: p["schema"] for p in op.params_in("query")}
    for key, text in query:
        if key not in declared:
            problems.append(f"query {key!r} is not a parameter of {op.operation_id}")
        elif not _valid_query_value(text, declared[key]):
            problems.append(f"query {key}={text!r} is not valid for {json.dumps(declared[key])}")
    for name, drawn in request.query.items():
        sent = [text for key, text in query if key == name]
        expected = drawn if isinstance(drawn, list) else [drawn]
        if not sent and expected == [False]:
            continue
        if len(sent) != len(expected) or not all(map(_same_query_value, sent, expected)):
            problems.append(f"query {name}: sent {sent!r}, drawn {drawn!r}")
    if request.has_body:
        content_type = (received.header("content-type") or "").split(";")[0].strip()
        if content_type != "application/json":
            problems.append(f"body sent as {content_type!r}, not application/json")
        try:
            body = json.loads(received.body)
        except ValueError:
            return [*problems, "body is not JSON"]
        assert op.body is not None
        validator = jsonschema.Draft202012Validator(
            prepare(op.body, for_request=True, close=False), format_checker=_FORMATS
        )
        for error in list(validator.iter_errors(body))[:3]:
            problems.append(f"body invalid at {list(error.absolute_path)}: {error.message[:120]}")
        if normal(body) != normal(request.body):
            problems.append(f"body changed: {first_difference(body, request.body)}")
    elif received.body:
        problems.append("a body was sent to an operation that takes none")
    return problems
