"""Generated models read answers tolerantly (nulls, unknown enum values, RFC 3339 variants) and refuse
the same deviations, naming the JSON path, when decoding with ``strict=True``."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import pickle
from typing import Any

import attrs
import pytest

from talon_async._generated.models import CustomerSessionV2State, IntegrationStateV2
from talon_async._generated.types import UNSET, unknown_member
from tests.support.documents import DocumentFactory
from tests.support.generated import model_class
from tests.support.spec import resolve, schemas

FACTORY = DocumentFactory()
UNKNOWN_VALUE = "zz_value_from_a_newer_talon"
OBJECT_SCHEMAS = sorted(name for name, schema in schemas().items() if "properties" in schema)


def _nullable(prop: dict[str, Any]) -> bool:
    return bool(prop.get("nullable") or resolve(prop).get("nullable"))


def _ids(fields: list[tuple[str, str]]) -> list[str]:
    return [f"{name}.{key}" for name, key in fields]


OPTIONAL_FIELDS = sorted(
    (name, key)
    for name in OBJECT_SCHEMAS
    for key in schemas()[name]["properties"]
    if key not in schemas()[name].get("required", [])
)


def _typed(prop: dict[str, Any]) -> bool:
    return "type" in prop or "$ref" in prop or "allOf" in prop


NON_NULLABLE_OPTIONAL = [
    (name, key) for name, key in OPTIONAL_FIELDS if not _nullable(schemas()[name]["properties"][key])
]
REQUIRED_NON_NULLABLE = sorted(
    (name, key)
    for name in OBJECT_SCHEMAS
    for key in schemas()[name].get("required", [])
    if not _nullable(schemas()[name]["properties"][key])
    # An untyped property (Effect.props) takes any JSON value, null included.
    and _typed(schemas()[name]["properties"][key])
)


def _enum_kind(prop: dict[str, Any]) -> str | None:
    """``"value"`` for a string enum property, ``"array"`` for an array of them, else None."""
    target = resolve(prop)
    if "enum" in target and target.get("type", "string") == "string":
        return "value"
    if target.get("type") == "array" and "enum" in resolve(target["items"]):
        return "array"
    return None


ENUM_FIELDS = sorted(
    (name, key)
    for name in OBJECT_SCHEMAS
    for key, prop in schemas()[name]["properties"].items()
    if _enum_kind(prop) is not None
)


def _attribute_values(model: Any) -> list[Any]:
    return [getattr(model, f.name) for f in attrs.fields(type(model)) if f.name != "additional_properties"]


@pytest.mark.parametrize(("name", "key"), OPTIONAL_FIELDS, ids=_ids(OPTIONAL_FIELDS))
def test_null_in_an_optional_property_is_accepted(name: str, key: str) -> None:
    """A null in any optional property decodes: as None where the spec allows null, else as absent."""
    document = {**FACTORY.document(name), key: None}
    model = model_class(name).from_dict(document)
    if _nullable(schemas()[name]["properties"][key]):
        assert model.to_dict() == document
    else:
        assert model.to_dict() == {k: v for k, v in document.items() if k != key}


@pytest.mark.parametrize(("name", "key"), NON_NULLABLE_OPTIONAL, ids=_ids(NON_NULLABLE_OPTIONAL))
def test_null_in_a_non_nullable_optional_property_is_refused_when_strict(name: str, key: str) -> None:
    """Under strict=True a null where the spec allows none raises a TypeError naming the field."""
    document = {**FACTORY.document(name), key: None}
    with pytest.raises(TypeError, match=rf"^{key}: "):
        model_class(name).from_dict(document, strict=True)


@pytest.mark.parametrize(("name", "key"), REQUIRED_NON_NULLABLE, ids=_ids(REQUIRED_NON_NULLABLE))
def test_null_in_a_required_property_is_refused_in_both_modes(name: str, key: str) -> None:
    """A null in a required, non-nullable property cannot be typed honestly, so it fails in both modes."""
    document = {**FACTORY.document(name), key: None}
    for strict in (False, True):
        with pytest.raises((TypeError, ValueError), match=rf"^{key}\b"):
            model_class(name).from_dict(document, strict=strict)


@pytest.mark.parametrize(("name", "key"), ENUM_FIELDS, ids=_ids(ENUM_FIELDS))
def test_unknown_enum_value_is_kept_and_round_trips(name: str, key: str) -> None:
    """A value the enum does not list decodes to a not-known enum instance that to_dict writes back."""
    kind = _enum_kind(schemas()[name]["properties"][key])
    wrong = UNKNOWN_VALUE if kind == "value" else [UNKNOWN_VALUE]
    document = {**FACTORY.document(name), key: wrong}
    model = model_class(name).from_dict(document)
    assert model.to_dict() == document
    found = [
        member
        for value in _attribute_values(model)
        for member in (value if isinstance(value, list) else [value])
        if isinstance(member, enum.Enum) and member.value == UNKNOWN_VALUE
    ]
    assert len(found) == 1
    assert not found[0].is_known
    assert found[0] == UNKNOWN_VALUE


@pytest.mark.parametrize(("name", "key"), ENUM_FIELDS, ids=_ids(ENUM_FIELDS))
def test_unknown_enum_value_is_refused_when_strict(name: str, key: str) -> None:
    """Under strict=True a value the enum does not list raises a ValueError naming the field."""
    kind = _enum_kind(schemas()[name]["properties"][key])
    document = {**FACTORY.document(name), key: UNKNOWN_VALUE if kind == "value" else [UNKNOWN_VALUE]}
    label = key if kind == "value" else rf"{key}\[\]"
    with pytest.raises(ValueError, match=rf"^{label}: not a known \w+ value$"):
        model_class(name).from_dict(document, strict=True)


def test_enum_checks_cover_values_and_arrays() -> None:
    """The enum tests above reach both single enum properties and arrays of enum values."""
    kinds = {_enum_kind(schemas()[name]["properties"][key]) for name, key in ENUM_FIELDS}
    assert kinds == {"value", "array"}
    assert len(ENUM_FIELDS) >= 15


def test_a_string_is_not_taken_for_an_array_of_enum_values() -> None:
    """A string where an array of enum values belongs is refused, not split into characters."""
    name, key = next((n, k) for n, k in ENUM_FIELDS if _enum_kind(schemas()[n]["properties"][k]) == "array")
    with pytest.raises(TypeError, match=rf"^{key}: expected array, got str$"):
        model_class(name).from_dict({**FACTORY.document(name), key: "abc"})


def test_enum_of_the_wrong_json_type_is_refused_in_both_modes() -> None:
    """An integer where a string enum belongs is a wrong type, not an unknown value, and fails either way."""
    document = {"effects": [], "createdCoupons": [], "createdReferrals": []}
    session = {**FACTORY.document("CustomerSessionV2"), "state": 5}
    for strict in (False, True):
        with pytest.raises(TypeError, match=r"^customerSession\.state: expected string, got int$"):
            IntegrationStateV2.from_dict({**document, "customerSession": session}, strict=strict)


def test_pseudo_member_is_shared_pickles_and_leaves_the_enum_strict() -> None:
    """One pseudo-member per unknown value, kept by pickle and copy; calling the enum still refuses it."""
    first = unknown_member(CustomerSessionV2State, "on_hold")
    assert first is unknown_member(CustomerSessionV2State, "on_hold")
    assert isinstance(first, CustomerSessionV2State)
    assert pickle.loads(pickle.dumps(first)) is first
    assert copy.deepcopy(first) is first
    assert (first.name, first.value, str(first)) == ("on_hold", "on_hold", "on_hold")
    assert list(CustomerSessionV2State) == [m for m in CustomerSessionV2State if m.is_known]
    assert first not in list(CustomerSessionV2State)
    with pytest.raises(ValueError, match="on_hold"):
        CustomerSessionV2State("on_hold")
    assert unknown_member(CustomerSessionV2State, 7) is None


def test_unknown_values_beyond_the_cache_still_decode() -> None:
    """Past the per-enum cache bound, new unknown values still decode (uncached), so memory stays bounded."""
    members = [unknown_member(CustomerSessionV2State, f"state_{n}") for n in range(200)]
    assert all(m is not None and m.value == f"state_{n}" and not m.is_known for n, m in enumerate(members))
    assert unknown_member(CustomerSessionV2State, "state_199") is not members[199]


# Each text, and the instant it stands for.
_UTC = dt.UTC
DATE_TIMES = {
    "2024-05-14T09:30:00Z": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2024-05-14t09:30:00z": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2024-05-14T09:30:00+00:00": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2024-05-14T09:30:00-00:00": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2024-05-14T09:30:00.5Z": dt.datetime(2024, 5, 14, 9, 30, 0, 500000, tzinfo=_UTC),
    "2024-05-14T09:30:00.12Z": dt.datetime(2024, 5, 14, 9, 30, 0, 120000, tzinfo=_UTC),
    "2024-05-14T09:30:00.1234Z": dt.datetime(2024, 5, 14, 9, 30, 0, 123400, tzinfo=_UTC),
    "2024-05-14T09:30:00.123456789Z": dt.datetime(2024, 5, 14, 9, 30, 0, 123456, tzinfo=_UTC),
    "2024-05-14t11:30:00.25+02:00": dt.datetime(2024, 5, 14, 9, 30, 0, 250000, tzinfo=_UTC),
    "2024-05-14T04:00:00-05:30": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2024-05-14 09:30:00Z": dt.datetime(2024, 5, 14, 9, 30, tzinfo=_UTC),
    "2016-12-31T23:59:60Z": dt.datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=_UTC),
}


@pytest.mark.parametrize("text", sorted(DATE_TIMES))
def test_every_rfc3339_form_parses_and_round_trips_the_instant(text: str) -> None:
    """Z or offset, either case, any fraction, a leap second: the instant and offset survive to_dict."""
    cls = model_class("Audience")
    document = {**FACTORY.document("Audience", required_only=True), "created": text}
    for strict in (False, True):
        created = cls.from_dict(document, strict=strict).created
        assert created == DATE_TIMES[text]
        assert created.utcoffset() is not None
        again = cls.from_dict(cls.from_dict(document).to_dict()).created
        assert (again, again.utcoffset()) == (created, created.utcoffset())


@pytest.mark.parametrize("text", ["2024-05-14T25:30:00Z", "yesterday", ""])
def test_a_date_time_that_is_not_rfc3339_is_refused_naming_the_field(text: str) -> None:
    """A text that is no date-time fails in both modes, and the message names the field, not the value."""
    document = {**FACTORY.document("Audience", required_only=True), "created": text}
    with pytest.raises(ValueError, match=r"^created: not an RFC 3339 date-time$"):
        model_class("Audience").from_dict(document)


def test_strict_error_names_the_json_path_through_nested_models() -> None:
    """A deviation deep in a document is reported with its full JSON path, list indexes included."""
    coupons = [FACTORY.document("Coupon"), {**FACTORY.document("Coupon"), "discountLimit": None}]
    document = {**FACTORY.document("IntegrationStateV2"), "createdCoupons": coupons}
    assert IntegrationStateV2.from_dict(document).created_coupons[1].discount_limit is UNSET
    with pytest.raises(
        TypeError, match=r"^createdCoupons\[1\]\.discountLimit: null in a property that is not nullable$"
    ):
        IntegrationStateV2.from_dict(document, strict=True)
    session = {**FACTORY.document("CustomerSessionV2"), "state": UNKNOWN_VALUE}
    document = {**FACTORY.document("IntegrationStateV2"), "customerSession": session}
    assert IntegrationStateV2.from_dict(document).customer_session.state.value == UNKNOWN_VALUE
    with pytest.raises(
        ValueError, match=r"^customerSession\.state: not a known CustomerSessionV2State value$"
    ):
        IntegrationStateV2.from_dict(document, strict=True)


def test_an_object_of_the_wrong_type_is_named_by_path() -> None:
    """A list where an object belongs, or a non-list where an array of objects belongs, names the field."""
    document = {**FACTORY.document("IntegrationStateV2"), "customerSession": ["x"]}
    with pytest.raises(TypeError, match=r"^customerSession: expected object, got list$"):
        IntegrationStateV2.from_dict(document)
    document = {**FACTORY.document("IntegrationStateV2"), "effects": "none"}
    with pytest.raises(TypeError, match=r"^effects: expected array, got str$"):
        IntegrationStateV2.from_dict(document)


def test_a_value_that_fits_no_branch_of_a_union_is_named() -> None:
    """An event effect that is neither an array nor an object, and a list where a number or null
    belongs, are refused naming the field instead of being kept under a type they do not have."""
    document = {**FACTORY.document("Event"), "effects": [[], "ab"]}
    for strict in (False, True):
        with pytest.raises(TypeError, match=r"^effects\[\]: expected array or object, got str$"):
            model_class("Event").from_dict(document, strict=strict)
    document = {**FACTORY.document("NewPriceAdjustment"), "price": [1.5]}
    with pytest.raises(TypeError, match=r"^price: expected number, got list$"):
        model_class("NewPriceAdjustment").from_dict(document)


def test_official_valid_document_round_trips_in_both_modes() -> None:
    """A document that follows the spec decodes the same either way and round-trips losslessly."""
    document = FACTORY.document("IntegrationStateV2")
    tolerant = IntegrationStateV2.from_dict(document)
    assert tolerant == IntegrationStateV2.from_dict(document, strict=True)
    assert tolerant.to_dict() == document
    assert tolerant.customer_session is not UNSET
