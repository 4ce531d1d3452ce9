"""Hypothesis strategies for the JSON Schema subset that ``tests.support.official_contract.prepare`` emits.

hypothesis-jsonschema 0.23.1, the latest release, cannot run on the Hypothesis this project pins
(its object strategy calls ``many.more()``, which Hypothesis 6.1xx no longer has), so generation is
done here, for exactly the keywords the prepared official contract uses. Any other keyword raises
``UnsupportedSchema`` instead of being ignored, so a contract update cannot silently widen or
narrow what is generated. Sizes are bounded by ``Bounds`` so examples stay small and fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.support.official_contract import DATE_TIME_FORMAT, date_time_strings

JSON = Any

_KNOWN = frozenset(
    {
        "type",
        "enum",
        "const",
        "default",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "anyOf",
        "format",
    }
)
_INT64 = 2**63 - 1


class UnsupportedSchema(ValueError):
    """A keyword this generator does not implement (see the module docstring)."""


@dataclass(frozen=True)
class Bounds:
    """Size limits for generated documents."""

    max_items: int = 3
    max_string: int = 12
    max_free_keys: int = 3
    max_free_depth: int = 2


_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def _free_json(depth: int, bounds: Bounds) -> st.SearchStrategy[JSON]:
    """Any JSON value, for schemas that say nothing (free-form attributes)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-_INT64, _INT64),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(_TEXT, max_size=bounds.max_string),
    )
    if depth <= 0:
        return scalars
    inner = _free_json(depth - 1, bounds)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=bounds.max_items),
        st.dictionaries(st.text(_TEXT, min_size=1, max_size=8), inner, max_size=bounds.max_free_keys),
    )


def strategy(schema: Mapping[str, Any] | bool, bounds: Bounds = Bounds()) -> st.SearchStrategy[JSON]:
    """Values valid against ``schema`` (a prepared official schema)."""
    if schema is True or schema == {}:
        return _free_json(bounds.max_free_depth, bounds)
    if schema is False:
        return st.nothing()
    assert isinstance(schema, Mapping)
    unknown = set(schema) - _KNOWN
    if unknown:
        raise UnsupportedSchema(f"keywords {sorted(unknown)} in {json.dumps(schema)[:200]}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    if "anyOf" in schema:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return st.one_of([strategy(_conjoin(rest, branch), bounds) for branch in schema["anyOf"]])
    types = schema.get("type")
    if types is None:
        types = ["object"] if "properties" in schema else None
    if types is None:
        return _free_json(bounds.max_free_depth, bounds)
    if isinstance(types, str):
        types = [types]
    return st.one_of([_typed(t, schema, bounds) for t in types])


def _conjoin(shared: Mapping[str, Any], branch: Mapping[str, Any]) -> dict[str, Any]:
    """One ``anyOf`` branch with the keywords beside the ``anyOf`` folded in (objects merged)."""
    merged = {**shared, **branch}
    if "properties" in shared and "properties" in branch:
        merged["properties"] = {**shared["properties"], **branch["properties"]}
    if "required" in shared and "required" in branch:
        merged["required"] = sorted({*shared["required"], *branch["required"]})
    return merged


def _typed(kind: str, schema: Mapping[str, Any], bounds: Bounds) -> st.SearchStrategy[JSON]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -_INT64), schema.get("maximum", _INT64))
    if kind == "number":
        return _numbers(schema)
    if kind == "string":
        return _strings(schema, bounds)
    if kind == "array":
        return _arrays(schema, bounds)
    if kind == "object":
        return _objects(schema, bounds)
    raise UnsupportedSchema(f"type {kind!r}")


def _numbers(schema: Mapping[str, Any]) -> st.SearchStrategy[JSON]:
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    floats = st.floats(
        min_value=low if ex_low is None else ex_low,
        max_value=high if ex_high is None else ex_high,
        exclude_min=ex_low is not None,
        exclude_max=ex_high is not None,
        allow_nan=False,
        allow_infinity=False,
    )
    int_low = None if low is None and ex_low is None else int(low if ex_low is None else ex_low + 1)
    int_high = None if high is None and ex_high is None else int(high if ex_high is None else ex_high - 1)
    # JSON Schema's "number" includes integers, and the API writes whole amounts as 5, not 5.0.
    integers = st.integers(-_INT64 if int_low is None else int_low, _INT64 if int_high is None else int_high)
    return st.one_of(integers, floats)


def _strings(schema: Mapping[str, Any], bounds: Bounds) -> st.SearchStrategy[JSON]:
    fmt = schema.get("format")
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", max(low, bounds.max_string))
    high = min(high, max(low, bounds.max_string))
    if fmt == DATE_TIME_FORMAT:
        return date_time_strings()
    if fmt == "uuid":
        return st.uuids().map(str)
    if fmt is not None:
        raise UnsupportedSchema(f"string format {fmt!r}")
    if "pattern" in schema:
        pattern = schema["pattern"]
        full_high = schema.get("maxLength", 1_000_000)
        return st.from_regex(re.compile(pattern), fullmatch=False).filter(
            lambda s: low <= len(s) <= full_high
        )
    return st.text(_TEXT, min_size=low, max_size=high)


def _arrays(schema: Mapping[str, Any], bounds: Bounds) -> st.SearchStrategy[JSON]:
    items = strategy(schema.get("items", True), bounds)
    low = schema.get("minItems", 0)
    high = min(schema.get("maxItems", bounds.max_items), max(low, bounds.max_items))
    if schema.get("uniqueItems"):
        return st.lists(items, min_size=low, max_size=high, unique_by=lambda v: json.dumps(v, sort_keys=True))
    return st.lists(items, min_size=low, max_size=high)


def _objects(schema: Mapping[str, Any], bounds: Bounds) -> st.SearchStrategy[JSON]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    if not properties:
        if extra is False:
            return st.just({})
        values = _free_json(bounds.max_free_depth - 1, bounds) if extra is True else strategy(extra, bounds)
        return st.dictionaries(st.text(_TEXT, min_size=1, max_size=8), values, max_size=bounds.max_free_keys)
    if extra not in (False, True):
        raise UnsupportedSchema("declared properties beside a schema for additional ones")
    missing = required - set(properties)
    if missing:
        raise UnsupportedSchema(f"required but undeclared: {sorted(missing)}")
    fixed = {name: strategy(properties[name], bounds) for name in properties if name in required}
    optional = {name: strategy(properties[name], bounds) for name in properties if name not in required}
    return st.fixed_dictionaries(fixed, optional=optional)  # type: ignore[arg-type]
