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


# A value of each JSON type that is none of the scalar's accepted types, by the scalar's JSON type.
_WRONG_VALUES: dict[str, list[Any]] = {
    "integer": ["7", 7.5, True, [7], {"n": 7}],
    "number": ["7.5", True, [7.5]],
    "string": [7, 7.5, False, ["x"], {"x": 1}],
    "boolean": ["true", 1, 0, [True]],
}


def _scalar_kind(prop: dict[str, Any]) -> str | None:
    """The JSON type the generated code type-checks, or None (enums, dates and refs are decoded instead)."""
    kind = prop.get("type")
    if kind == "string" and ("enum" in prop or prop.get("format") in ("date-time", "date", "uuid")):
        return None
    return kind if kind in _WRONG_VALUES else None


def _field_ids(fields: list[tuple[str, str, str]]) -> list[str]:
    return [f"{name}.{key}" for name, key, _ in fields]


SCALAR_FIELDS = sorted(
    (name, key, kind)
    for name in OBJECT_SCHEMAS
    for key, prop in schemas()[name]["properties"].items()
    if (kind := _scalar_kind(prop)) is not None
)
LIST_FIELDS = sorted(
    (name, key, kind)
    for name in OBJECT_SCHEMAS
    for key, prop in schemas()[name]["properties"].items()
    if prop.get("type") == "array" and (kind := _scalar_kind(prop["items"])) is not None
)


@pytest.mark.parametrize(("name", "key", "kind"), SCALAR_FIELDS, ids=_field_ids(SCALAR_FIELDS))
def test_scalar_of_the_wrong_json_type_is_refused_naming_the_field(name: str, key: str, kind: str) -> None:
    """A string where an integer is due (or any other wrong JSON type) raises a TypeError naming the field."""
    cls = model_class(name)
    for wrong in _WRONG_VALUES[kind]:
        document = {**FACTORY.document(name), key: wrong}
        with pytest.raises(TypeError, match=rf"^{key}: expected {kind}, got {type(wrong).__name__}$"):
            cls.from_dict(document)


@pytest.mark.parametrize(("name", "key", "kind"), LIST_FIELDS, ids=_field_ids(LIST_FIELDS))
def test_list_of_scalars_with_a_wrong_item_or_no_list_is_refused(name: str, key: str, kind: str) -> None:
    """An array of plain values is refused when it is not an array or one item has the wrong JSON type."""
    cls = model_class(name)
    good = FACTORY.document(name)[key]
    for wrong in (_WRONG_VALUES[kind][0], [*good, _WRONG_VALUES[kind][0]]):
        with pytest.raises(TypeError, match=rf"^{key}: expected array of {kind}, got"):
            cls.from_dict({**FACTORY.document(name), key: wrong})


def test_scalar_checks_cover_every_kind() -> None:
    """The wrong-type tests above reach integers, numbers, strings, booleans and arrays of them."""
    assert {kind for _, _, kind in SCALAR_FIELDS} == set(_WRONG_VALUES)
    assert len(SCALAR_FIELDS) > 300
    assert LIST_FIELDS
