"""Merge openapi/descriptions.yaml (our wording for every operation, parameter, schema and property)
into the loaded OpenAPI document before generation.

The overlay is kept apart from openapi/integration-api.yaml so that prose and structure change
independently: the structure follows Talon.One's contract, the prose is ours. Its shape:

    schemas:
      CartItem:
        description: ...                 # the model's class docstring
        properties:
          sku: ...                       # the attribute docstring of CartItem.sku
    operations:
      updateCustomerSessionV2:
        summary: ...                     # first line of the endpoint function's docstring
        description: ...
        parameters: {dry: ...}           # by parameter name
        responses: {'200': ...}          # by status code

The overlay wins over any description the document already has. An entry that names nothing in the
document is skipped here (it may describe a property the document has yet to gain);
tests/test_descriptions.py decides whether such an entry is legitimate.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "openapi" / "descriptions.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def load_overlay(path: Path = OVERLAY) -> dict[str, Any]:
    """The overlay as a mapping with ``schemas`` and ``operations`` (both possibly empty)."""
    overlay: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unexpected = set(overlay) - {"schemas", "operations"}
    if unexpected:
        raise ValueError(f"{path.name}: unexpected top-level keys {sorted(unexpected)}")
    overlay.setdefault("schemas", {})
    overlay.setdefault("operations", {})
    return overlay


def operations(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every operation object of the document that has an operationId."""
    for item in spec.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "operationId" in operation:
                yield operation


def overlay_keys(overlay: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Each place the overlay describes, as a key path such as ``("schemas", "CartItem", "sku")``."""
    for name, entry in overlay["schemas"].items():
        if "description" in entry:
            yield ("schemas", name)
        for prop in entry.get("properties") or {}:
            yield ("schemas", name, prop)
    for operation_id, entry in overlay["operations"].items():
        for field in ("summary", "description"):
            if field in entry:
                yield ("operations", operation_id, field)
        for parameter in entry.get("parameters") or {}:
            yield ("operations", operation_id, "parameters", parameter)
        for status in entry.get("responses") or {}:
            yield ("operations", operation_id, "responses", str(status))


def _target(spec: dict[str, Any], key: tuple[str, ...]) -> tuple[dict[str, Any], str] | None:
    """The object in ``spec`` whose field ``key`` describes, and that field's name; None if absent."""
    if key[0] == "schemas":
        schema = spec.get("components", {}).get("schemas", {}).get(key[1])
        if schema is None:
            return None
        if len(key) == 2:
            return schema, "description"
        prop = (schema.get("properties") or {}).get(key[2])
        return (prop, "description") if prop is not None else None
    operation = next((op for op in operations(spec) if op["operationId"] == key[1]), None)
    if operation is None:
        return None
    if key[2] in ("summary", "description"):
        return operation, key[2]
    if key[2] == "parameters":
        parameter = next((p for p in operation.get("parameters", []) if p.get("name") == key[3]), None)
        return (parameter, "description") if parameter is not None else None
    response = operation.get("responses", {}).get(key[3])
    return (response, "description") if response is not None else None


def _text(overlay: dict[str, Any], key: tuple[str, ...]) -> str:
    if key[0] == "schemas":
        entry = overlay["schemas"][key[1]]
        text = entry["description"] if len(key) == 2 else entry["properties"][key[2]]
    else:
        entry = overlay["operations"][key[1]]
        text = entry[key[2]] if len(key) == 3 else entry[key[2]][key[3]]
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"descriptions.yaml: {'.'.join(key)} is empty or not text")
    return " ".join(text.split())


def missing_from(spec: dict[str, Any], overlay: dict[str, Any]) -> list[tuple[str, ...]]:
    """The overlay's keys that name nothing in ``spec``."""
    return [key for key in overlay_keys(overlay) if _target(spec, key) is None]


def apply_overlay(spec: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with every overlay text written in place (the overlay wins)."""
    merged = copy.deepcopy(spec)
    for key in overlay_keys(overlay):
        target = _target(merged, key)
        if target is not None:
            holder, field = target
            holder[field] = _text(overlay, key)
    return merged


def for_generator(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with each parameter's description also on its schema, where the generator reads it.

    openapi-python-client documents an argument from the parameter's schema, not the parameter.
    """
    adapted = copy.deepcopy(spec)
    for operation in operations(adapted):
        for parameter in operation.get("parameters", []):
            if parameter.get("description") and "schema" in parameter:
                parameter["schema"] = {**parameter["schema"], "description": parameter["description"]}
    return adapted
