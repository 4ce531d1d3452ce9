"""The document factory keeps its promise: valid, complete, deterministic, distinct documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.support.documents import UNKNOWN_FIELDS, DocumentFactory, with_unknown_fields
from tests.support.spec import Schema, load_spec, ref_name, schemas

FACTORY = DocumentFactory()
OBJECT_SCHEMAS = sorted(name for name, schema in schemas().items() if "properties" in schema)


def _validator(name: str) -> OAS30Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": load_spec()["components"]}
    return OAS30Validator(root, format_checker=oas30_format_checker)


def _missing(document: Any, schema: Schema, where: str) -> Iterator[str]:
    """Paths of declared properties absent from ``document``, at any depth."""
    while "$ref" in schema or "allOf" in schema:
        schema = schemas()[ref_name(schema["$ref"])] if "$ref" in schema else schema["allOf"][0]
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from _missing(item, schema.get("items", {}), f"{where}[{index}]")
    elif isinstance(document, dict):
        properties = schema.get("properties", {})
        for name, prop in properties.items():
            if name not in document:
                yield f"{where}.{name}"
            else:
                yield from _missing(document[name], prop, f"{where}.{name}")
        extra = schema.get("additionalProperties")
        if not properties and isinstance(extra, dict) and extra:
            for key, value in document.items():
                yield from _missing(value, extra, f"{where}[{key!r}]")


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_full_document_is_valid_and_complete(name: str) -> None:
    """The full document validates (formats included) and fills every property at every depth."""
    document = FACTORY.document(name)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(document)]
    assert errors == []
    assert list(_missing(document, {"$ref": f"#/components/schemas/{name}"}, name)) == []


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_minimal_document_is_valid_and_holds_only_required_keys(name: str) -> None:
    """The required-only document validates and its top level has exactly the required keys."""
    document = FACTORY.document(name, required_only=True)
    assert list(_validator(name).iter_errors(document)) == []
    assert set(document) == set(schemas()[name].get("required", ()))


def test_documents_are_deterministic() -> None:
    """Two factories build the same document for the same schema."""
    assert DocumentFactory().document("IntegrationStateV2") == FACTORY.document("IntegrationStateV2")


def test_scalar_values_are_distinct() -> None:
    """Sibling scalar properties hold different values, so a swapped pair of fields cannot go unnoticed."""
    document = FACTORY.document("CartItem")
    scalars = [v for v in document.values() if isinstance(v, str | int | float) and not isinstance(v, bool)]
    assert len(scalars) == len(set(scalars))


def test_effects_cycle_through_effect_types() -> None:
    """Successive effects in one document get successive effect types, each with its own props schema."""
    factory = DocumentFactory(array_length=3)
    effects = factory.document("IntegrationStateV2")["effects"]
    types = [effect["effectType"] for effect in effects]
    assert len(set(types)) == 3
    for effect in effects:
        props_schema = factory.effect_types[effect["effectType"]]
        assert list(_validator(props_schema).iter_errors(effect["props"])) == []


def test_unknown_fields_reach_every_typed_object() -> None:
    """with_unknown_fields adds the probe keys to the top object and to nested, listed and mapped ones."""
    schema = {"$ref": "#/components/schemas/CartItem"}
    document = with_unknown_fields(FACTORY.document(schema), schema)
    for obj in (document, document["product"], document["additionalCosts"]["shipping"]):
        assert UNKNOWN_FIELDS.items() <= obj.items()
    assert "futureFlag" not in document["attributes"]
