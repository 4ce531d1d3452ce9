"""Targeted deviations of one complete official document, and what each mode must make of them.

``complete_document`` builds, deterministically, a document for a prepared official schema with every
property present, one element per array and the first value of each enum, and records the places
where a variant applies. ``variants`` derives the documents of one category from it:

Each category, what it changes, what the contract says, and what tolerant / strict mode must do:

- ``null-optional``: one optional property is ``null`` (a variant per property). The contract forbids
  it unless the property's type lists ``null`` (or it is marked ``x-always-null``). Tolerant:
  parses, lossless with nulls as absent. Strict: raises, naming the field (reads it if allowed).
- ``null-all-optionals``: every optional property is ``null`` at once. Forbidden. Tolerant: parses,
  lossless with nulls as absent. Strict: raises.
- ``unknown-enum``: one enum field holds a value the contract does not list. Forbidden. Tolerant:
  parses and keeps the value. Strict: raises, naming the field (an array item may be named ``[]``).
- ``extra-property``: one object gains a property the contract does not name. Allowed everywhere
  but the objects the original closes (``ORIGINALLY_CLOSED``). Both modes: parse and keep it.
- ``int-for-number``: every ``number`` holds a whole number written as an integer. Allowed. Both
  modes: lossless.
- ``date-time-forms``: every date-time in one RFC 3339 form (``Z``, ``z``, ``t``, ``+00:00``,
  ``-05:30``, 0 to 9 fractional digits). Allowed. Both modes: lossless as instants.
- ``empty-arrays``: every array without ``minItems`` is empty. Allowed. Both modes: lossless.

Every official property is typed in our spec (the fidelity gate fails on an untyped one), so the
variants reach inside every value, the always-null ``loyaltyMemberships`` list included.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.support.official_contract import DATE_TIME_FORMAT

JSON = Any
Path = tuple[str | int, ...]

UNKNOWN_ENUM_TEXT = "zzUnknownValue"
UNKNOWN_ENUM_INTEGER = 987654
EXTRA_KEY = "zzUnknownProperty"
EXTRA_VALUE = {"nested": [1, "two", None], "flag": True}
BASE_DATE_TIME = "2024-02-29T13:14:15Z"
DATE_TIME_FORMS = {
    "upper-Z": "2024-02-29T13:14:15Z",
    "lower-z": "2024-02-29T13:14:15z",
    "lower-t": "2024-02-29t13:14:15Z",
    "plus-00:00": "2024-02-29T13:14:15+00:00",
    "minus-05:30": "2024-02-29T07:44:15-05:30",
    **{
        f"fraction-{n}": "2024-02-29T13:14:15" + ("." + "123456789"[:n] if n else "") + "Z" for n in range(10)
    },
}
CATEGORIES = (
    "null-optional",
    "null-all-optionals",
    "unknown-enum",
    "extra-property",
    "int-for-number",
    "date-time-forms",
    "empty-arrays",
)
ORIGINALLY_CLOSED = frozenset({"couponSettings", "referralSettings"})
"""The objects the original closes with ``additionalProperties: false`` (``prepare`` closes the
others only for generation); extra properties are allowed everywhere else."""
FORBIDDEN_BY_CONTRACT = frozenset({"null-optional", "null-all-optionals", "unknown-enum"})


@dataclass
class Sites:
    """The places of a complete document where a variant applies."""

    optional: list[tuple[Path, bool]] = field(default_factory=list)
    """(path of an optional property, whether its official type lists null)."""
    enums: list[tuple[Path, bool]] = field(default_factory=list)
    """(path of an enum value, whether the enum holds integers)."""
    objects: list[Path] = field(default_factory=list)
    numbers: list[Path] = field(default_factory=list)
    date_times: list[Path] = field(default_factory=list)
    arrays: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Variant:
    """One deviating document and what it exercises."""

    category: str
    label: str
    document: JSON
    path: Path = ()
    """The field a strict reader must name when it refuses the document (``()`` for no one field)."""
    forbidden: bool = False
    """Whether the official contract forbids this document."""


def json_path(path: Path) -> str:
    """``("a", 0, "b")`` -> ``a[0].b``: how decoding errors name a field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def names_field(message: str, path: tuple[str | int, ...]) -> bool:
    """Whether an error message names the field at ``path`` (an array item may be named as ``[]``)."""
    if json_path(path) in message:
        return True
    return isinstance(path[-1], int) and f"{json_path(path[:-1])}[]" in message


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return ["object"] if "properties" in schema else []
    return [kind] if isinstance(kind, str) else list(kind)


@functools.cache
def _pattern_example(pattern: str) -> str:
    from tests.differential.cases import sample

    (found,) = sample(st.from_regex(pattern, fullmatch=True), 1)
    text: str = found
    return text


def _build(schema: Mapping[str, Any] | bool, path: Path, sites: Sites) -> JSON:
    if not isinstance(schema, Mapping) or not schema:
        return {"key": "value"}
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        values = schema["enum"]
        sites.enums.append((path, isinstance(values[0], int)))
        return values[0]
    if "anyOf" in schema:
        return _build(schema["anyOf"][0], path, sites)
    kinds = [k for k in _types(schema) if k != "null"]
    kind = kinds[0] if kinds else "object"
    if kind == "boolean":
        return True
    if kind == "integer":
        return max(schema.get("minimum", 1), min(schema.get("maximum", 1), 1))
    if kind == "number":
        sites.numbers.append(path)
        low, high = schema.get("minimum", 1.5), schema.get("maximum", 1.5)
        return float(max(low, min(high, 1.5)))
    if kind == "string":
        if schema.get("format") == DATE_TIME_FORMAT:
            sites.date_times.append(path)
            return BASE_DATE_TIME
        if schema.get("format") == "uuid":
            return "123e4567-e89b-42d3-a456-426614174000"
        if "pattern" in schema:
            return _pattern_example(schema["pattern"])
        return "x" * max(schema.get("minLength", 0), min(schema.get("maxLength", 4), 4))
    if kind == "array":
        if not schema.get("minItems"):
            sites.arrays.append(path)
        count = max(schema.get("minItems", 1), 1)
        return [_build(schema.get("items", {}), (*path, i), sites) for i in range(count)]
    properties: Mapping[str, Any] = schema.get("properties", {})
    if not properties:
        extra = schema.get("additionalProperties", True)
        if isinstance(extra, Mapping) and extra:
            # A map: one entry whose value follows the schema for values.
            return {"key": _build(extra, (*path, "key"), sites)}
        return {"key": "value"}
    sites.objects.append(path)
    required = set(schema.get("required", ()))
    document = {}
    for name, prop in properties.items():
        if name not in required:
            nullable = isinstance(prop, Mapping) and "null" in _types(prop)
            sites.optional.append(((*path, name), nullable))
        document[name] = _build(prop, (*path, name), sites)
    return document


def complete_document(schema: Mapping[str, Any]) -> tuple[JSON, Sites]:
    """A document with every property present, and the places variants apply (module docstring)."""
    sites = Sites()
    document = _build(schema, (), sites)
    return document, sites


def _get(document: JSON, path: Path) -> JSON:
    for part in path:
        document = document[part]
    return document


def _set(document: JSON, path: Path, value: JSON) -> None:
    _get(document, path[:-1])[path[-1]] = value


def _exists(document: JSON, path: Path) -> bool:
    try:
        _get(document, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def variants(schema: Mapping[str, Any], category: str) -> Iterator[Variant]:
    """The documents of ``category`` for ``schema`` (see the module docstring's table)."""
    base, sites = complete_document(schema)

    def changed(paths_values: list[tuple[Path, JSON]]) -> JSON:
        document = copy.deepcopy(base)
        for path, value in paths_values:
            if _exists(document, path[:-1]) and isinstance(_get(document, path[:-1]), dict | list):
                _set(document, path, value)
        return document

    if category == "null-optional":
        for path, nullable in sites.optional:
            yield Variant(category, json_path(path), changed([(path, None)]), path, forbidden=not nullable)
    elif category == "null-all-optionals":
        if sites.optional:
            forbidden = not all(nullable for _, nullable in sites.optional)
            yield Variant(category, "all", changed([(p, None) for p, _ in sites.optional]), (), forbidden)
    elif category == "unknown-enum":
        for path, is_int in sites.enums:
            value = UNKNOWN_ENUM_INTEGER if is_int else UNKNOWN_ENUM_TEXT
            yield Variant(category, json_path(path), changed([(path, value)]), path, forbidden=True)
    elif category == "extra-property":
        for path in sites.objects:
            if path and path[-1] in ORIGINALLY_CLOSED:
                continue
            document = copy.deepcopy(base)
            _get(document, path)[EXTRA_KEY] = copy.deepcopy(EXTRA_VALUE)
            yield Variant(category, json_path(path) or "$", document, path)
    elif category == "int-for-number":
        if sites.numbers:
            yield Variant(category, "all", changed([(p, 2) for p in sites.numbers]))
    elif category == "date-time-forms":
        if sites.date_times:
            for label, text in DATE_TIME_FORMS.items():
                yield Variant(category, label, changed([(p, text) for p in sites.date_times]))
    elif category == "empty-arrays":
        if sites.arrays:
            # Deepest first, so emptying an outer array does not hide an inner one's path.
            ordered = sorted(sites.arrays, key=len, reverse=True)
            yield Variant(category, "all", changed([(p, []) for p in ordered]))
    else:
        raise ValueError(category)


def describe(document: JSON) -> str:
    return json.dumps(document)[:300]
