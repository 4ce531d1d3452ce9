"""openapi/descriptions.yaml: complete for the document, free of stale entries, merged as documented,
and visible as docstrings in the generated code."""

from __future__ import annotations

import ast
import copy
import functools
import importlib.util
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.spec import REPO_ROOT, load_spec

OFFICIAL_PATH = REPO_ROOT / "openapi" / "reference" / "official" / "integration-api.openapi.json"
MODELS_DIR = REPO_ROOT / "talon_async" / "_generated" / "models"


def _load_overlay_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_overlay", REPO_ROOT / "scripts" / "spec_overlay.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


spec_overlay = _load_overlay_module()


@functools.cache
def _overlay() -> dict[str, Any]:
    overlay: dict[str, Any] = spec_overlay.load_overlay()
    return overlay


@functools.cache
def _merged() -> dict[str, Any]:
    merged: dict[str, Any] = spec_overlay.apply_overlay(load_spec(), _overlay())
    return merged


def _undescribed(spec: Mapping[str, Any]) -> Iterator[str]:
    """Every operation, parameter, response, schema and property of ``spec`` without a description.

    All component schemas count: each serves the covered operations, some through ``$ref`` and the
    effect and catalog-action payloads through ``x-effect-type`` and ``x-payload-by-type``.
    """
    for operation in spec_overlay.operations(spec):
        where = operation["operationId"]
        for field in ("summary", "description"):
            if not str(operation.get(field) or "").strip():
                yield f"operation {where}: {field}"
        for parameter in operation.get("parameters", []):
            if not str(parameter.get("description") or "").strip():
                yield f"operation {where}: parameter {parameter['name']}"
        for status, response in operation.get("responses", {}).items():
            if not str(response.get("description") or "").strip():
                yield f"operation {where}: response {status}"
    for name, schema in spec["components"]["schemas"].items():
        if not str(schema.get("description") or "").strip():
            yield f"schema {name}"
        for prop, definition in (schema.get("properties") or {}).items():
            if not str(definition.get("description") or "").strip():
                yield f"schema {name}: property {prop}"


@functools.cache
def _official_objects() -> list[set[str]]:
    """The property names of each object the official contract declares for the covered operations."""
    official = json.loads(OFFICIAL_PATH.read_text(encoding="utf-8"))
    found: list[set[str]] = []

    def names(node: Mapping[str, Any]) -> set[str]:
        own = set(node.get("properties") or {})
        for member in node.get("allOf", []):
            own |= names(member)
        return own

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node or "allOf" in node:
                own = names(node)
                if own:
                    found.append(own)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in official["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("x-in-project-scope"):
                walk(operation)
    return found


@functools.cache
def _official_parameters() -> dict[str, set[str]]:
    official = json.loads(OFFICIAL_PATH.read_text(encoding="utf-8"))
    return {
        operation["operationId"]: {p["name"] for p in operation.get("parameters", [])}
        for item in official["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("x-in-project-scope")
    }


def awaiting_the_spec(key: tuple[str, ...], spec: Mapping[str, Any], overlay: Mapping[str, Any]) -> bool:
    """Whether an overlay entry absent from ``spec`` describes something the official contract has.

    A property counts when one official object holds it together with at least half of the
    properties our schema (or, for a schema ours lacks, the overlay entry) already lists; a model
    ours lacks counts when one official object has all the properties the overlay gives it; a
    parameter counts when the official operation of that id takes it.
    """
    if key[0] == "operations":
        taken = _official_parameters().get(key[1], set())
        return len(key) == 4 and key[2] == "parameters" and key[3] in taken
    schema = spec["components"]["schemas"].get(key[1])
    if len(key) == 2:
        # A model ours lacks: the official contract must have an object with all its properties.
        listed = set(overlay["schemas"][key[1]].get("properties") or {})
        return schema is None and bool(listed) and any(listed <= names for names in _official_objects())
    known = set((schema or {}).get("properties") or {}) or set(overlay["schemas"][key[1]]["properties"])
    needed = max(1, math.ceil(len(known) / 2))
    return any(key[2] in names and len(names & known) >= needed for names in _official_objects())


def _normalised(text: str) -> str:
    # The generator wraps docstrings (also after hyphens) and escapes backslashes and quotes.
    return "".join(text.replace("\\\\", "\\").replace('\\"', '"').split())


def _generated_docstrings(path: Path) -> tuple[str | None, set[str]]:
    """The class docstring of the model in ``path`` and the docstrings under its attributes."""
    module = ast.parse(path.read_text(encoding="utf-8"))
    (cls,) = (node for node in module.body if isinstance(node, ast.ClassDef))
    attributes: set[str] = set()
    for previous, node in zip(cls.body, cls.body[1:], strict=False):
        if (
            isinstance(previous, ast.AnnAssign)
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            attributes.add(_normalised(node.value.value))
    docstring = ast.get_docstring(cls, clean=False)
    return (_normalised(docstring) if docstring else None), attributes


def test_everything_the_operations_reach_is_described() -> None:
    """After the merge, every operation, parameter, response, schema and property has a description."""
    assert list(_undescribed(_merged())) == []


def test_overlay_names_nothing_that_does_not_exist() -> None:
    """Each overlay entry names a place in our spec, or one the official contract has and ours lacks."""
    spec, overlay = load_spec(), _overlay()
    stale = [
        ".".join(key)
        for key in spec_overlay.missing_from(spec, overlay)
        if not awaiting_the_spec(key, spec, overlay)
    ]
    assert stale == []


def test_stale_entries_are_caught() -> None:
    """A property that neither our spec nor the official contract has is reported as stale."""
    spec = load_spec()
    overlay = {"schemas": {"CartItem": {"properties": {"giftWrap": "Wrap it."}}}, "operations": {}}
    (key,) = spec_overlay.missing_from(spec, overlay)
    assert key == ("schemas", "CartItem", "giftWrap")
    assert not awaiting_the_spec(key, spec, overlay)


def test_overlay_wins_and_leaves_the_document_alone() -> None:
    """The overlay's text replaces a description the document has; the loaded document is not modified."""
    spec = load_spec()
    before = copy.deepcopy(spec)
    overlay = {
        "schemas": {"Coupon": {"properties": {"reservation": "  Reserved?\n  Yes.  "}}},
        "operations": {"getCustomerSession": {"parameters": {"customerSessionId": "The session."}}},
    }
    merged = spec_overlay.apply_overlay(spec, overlay)
    coupon = merged["components"]["schemas"]["Coupon"]
    assert coupon["properties"]["reservation"]["description"] == "Reserved? Yes."
    (operation,) = (op for op in spec_overlay.operations(merged) if op["operationId"] == "getCustomerSession")
    assert operation["parameters"][0]["description"] == "The session."
    assert spec == before


def test_parameter_descriptions_reach_the_generator() -> None:
    """for_generator copies each parameter's description onto its schema, where the generator reads it."""
    adapted = spec_overlay.for_generator(_merged())
    for operation in spec_overlay.operations(adapted):
        for parameter in operation.get("parameters", []):
            assert parameter["schema"]["description"] == parameter["description"]


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, schema in load_spec()["components"]["schemas"].items()
        if schema.get("type") == "object" and schema.get("properties")
    ),
)
def test_generated_model_carries_the_descriptions(name: str) -> None:
    """The generated model's class docstring and attribute docstrings are the merged descriptions."""
    from talon_async._generated import models

    # Classes print under talon_async.models; their methods keep the module they are defined in.
    module_name = getattr(models, name).from_dict.__module__.rsplit(".", 1)[-1]
    schema = _merged()["components"]["schemas"][name]
    docstring, attributes = _generated_docstrings(MODELS_DIR / f"{module_name}.py")
    assert docstring == _normalised(schema["description"])
    assert attributes == {_normalised(p["description"]) for p in schema["properties"].values()}
