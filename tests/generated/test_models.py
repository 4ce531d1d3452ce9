"""Every generated model against documents of its schema: full, minimal and with nulls, plus every variant
the spec's extensions name (each Effect type, each catalog action payload)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from tests.support.documents import DocumentFactory
from tests.support.generated import model_class
from tests.support.spec import schemas

FACTORY = DocumentFactory()
OBJECT_SCHEMAS = sorted(name for name, schema in schemas().items() if "properties" in schema)
NULLABLE_SCHEMAS = sorted(
    name
    for name in OBJECT_SCHEMAS
    if any(prop.get("nullable") for prop in schemas()[name]["properties"].values())
)


def _round_trip(name: str, document: Any) -> Any:
    original = copy.deepcopy(document)
    result = model_class(name).from_dict(document).to_dict()
    assert document == original, "from_dict changed its input"
    return result


def test_every_component_has_a_model() -> None:
    """Each component schema, object or enum, is generated as a class of the same name."""
    for name in schemas():
        assert model_class(name).__name__ == name


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_full_document_round_trips(name: str) -> None:
    """A document with every property filled comes back from from_dict/to_dict unchanged."""
    document = FACTORY.document(name)
    assert _round_trip(name, document) == document


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_minimal_document_round_trips(name: str) -> None:
    """A document with only required properties comes back without any optional key added (no defaults)."""
    document = FACTORY.document(name, required_only=True)
    assert _round_trip(name, document) == document


@pytest.mark.parametrize("name", NULLABLE_SCHEMAS)
def test_nulls_round_trip(name: str) -> None:
    """An explicit null in a nullable property is kept as null, neither dropped nor replaced."""
    document = FACTORY.document(name, nulls=True)
    assert None in [document[k] for k, prop in schemas()[name]["properties"].items() if prop.get("nullable")]
    assert _round_trip(name, document) == document


@pytest.mark.parametrize("effect_type", sorted(FACTORY.effect_types))
def test_effect_of_each_type_round_trips(effect_type: str) -> None:
    """An Effect of each effectType (props from its *EffectProps schema) round-trips, and so do its props."""
    document = FACTORY.document("Effect", effect_type=effect_type)
    assert document["effectType"] == effect_type
    assert _round_trip("Effect", document) == document
    props_model = FACTORY.effect_types[effect_type]
    assert _round_trip(props_model, document["props"]) == document["props"]


@pytest.mark.parametrize("action_type", sorted(schemas()["CatalogAction"]["x-payload-by-type"]))
def test_catalog_action_of_each_type_round_trips(action_type: str) -> None:
    """A CatalogAction of each type, payload filled from the schema x-payload-by-type names, round-trips."""
    payload_schema = schemas()["CatalogAction"]["x-payload-by-type"][action_type]
    document = {"type": action_type, "payload": FACTORY.document(payload_schema)}
    assert _round_trip("CatalogAction", document) == document
    assert _round_trip(payload_schema, document["payload"]) == document["payload"]


def test_numbers_keep_their_json_type() -> None:
    """An integral JSON number in a number field stays an int and a fraction stays a float (no coercion)."""
    document = FACTORY.document("CartItem")
    document["price"], document["weight"] = 10, 0.1
    result = _round_trip("CartItem", document)
    assert (type(result["price"]), type(result["weight"])) == (int, float)
    assert result == document


def test_date_times_keep_instant_and_offset() -> None:
    """A date-time with Z, an offset or fractional seconds parses aware and keeps instant and offset."""
    cls = model_class("Audience")
    base = FACTORY.document("Audience", required_only=True)
    for text in ("2024-05-14T09:30:00Z", "2024-05-14T11:30:00.123456+02:00", "2024-05-14T04:00:00-05:30"):
        created = cls.from_dict({**base, "created": text}).created
        assert created.utcoffset() is not None, text
        assert created == dt.datetime.fromisoformat(text)
        assert created.utcoffset() == dt.datetime.fromisoformat(text).utcoffset()
