"""Our spec's models against the reference (talon_one 26.2): every model and property, with the same JSON
name, type/format, required-ness, enum values and constraints.

Where the SDK reference and Talon.One's official contract disagree, the official contract wins (it is
what the live API most likely does): a difference is excused when scripts/fidelity.py finds ours in
agreement with the official contract at that spot (tests/support/official.py). That covers, e.g.,
integers without int64 (the contract gives no format), properties and enum values the SDK lacks,
required lists, patterns and nullability.

The reference is vendored in openapi/reference/ (see tests/support/reference.py). Renamed schemas go
through the commented map REFERENCE_RENAMES there.
"""

from __future__ import annotations

import pytest

from tests.support.official import allowlisted, official_agrees, official_declares
from tests.support.reference import REFERENCE_RENAMES, load_reference, our_name, reference_models
from tests.support.spec import Schema, referenced_name, resolve, schemas

# Scalar keywords that must agree wherever both sides type a value.
COMPARED_KEYWORDS = (
    "type",
    "format",
    "nullable",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "default",
)
# Properties ours may declare beyond the reference, by schema. Empty: ours adds none today.
OUR_EXTRA_PROPERTIES: dict[str, set[str]] = {}


def _typed(reference: Schema) -> Schema:
    """The reference schema, with its ``x-typed-elsewhere`` hint (the typed version) applied."""
    hint = reference.get("x-typed-elsewhere")
    if not hint:
        return reference
    typed = {k: v for k, v in hint.items() if k != "sources"}
    if "$ref" in typed:
        return typed
    return {**{k: v for k, v in reference.items() if k != "x-typed-elsewhere"}, **typed}


def differences(reference: Schema, ours: Schema, where: str) -> list[str]:
    """Every way ``ours`` differs from ``reference`` in type, format, enum, constraints and shape."""
    reference = _typed(reference)
    if "$ref" in reference:
        want = our_name(reference["$ref"])
        got = referenced_name(ours)
        return [] if got == want else [f"{where}: refers to {got}, reference to {want}"]
    if reference.get("x-any"):
        shaped = {"type", "$ref", "allOf", "properties", "items", "enum", "additionalProperties"} & set(ours)
        found = [f"{where}: reference is any JSON value, ours has {sorted(shaped)}"] if shaped else []
        if bool(ours.get("nullable")) != bool(reference.get("nullable")):
            found.append(f"{where}: nullable {ours.get('nullable')} vs reference {reference.get('nullable')}")
        return found
    if referenced_name(ours) is not None:
        return [f"{where}: ours refers to {referenced_name(ours)}, reference is inline {reference}"]
    ours = resolve(ours)
    if "x-server-default" in ours:
        # A property default is what Talon.One assumes when the key is absent. Ours records it as
        # x-server-default so that the generator leaves the attribute UNSET instead of sending it.
        ours = {**ours, "default": ours["x-server-default"]}
    found = [
        f"{where}: {key} is {ours.get(key)!r}, reference {reference.get(key)!r}"
        for key in COMPARED_KEYWORDS
        if ours.get(key) != reference.get(key)
    ]
    if "enum" in reference or "enum" in ours:
        want_values, got_values = reference.get("enum", []), ours.get("enum", [])
        if sorted(got_values) != sorted(want_values) or len(set(got_values)) != len(got_values):
            found.append(f"{where}: enum {got_values} vs reference {want_values}")
    if reference.get("type") == "array":
        found += differences(reference["items"], ours.get("items", {}), f"{where}[]")
    extra = reference.get("additionalProperties")
    if isinstance(extra, dict):
        found += differences(extra, ours.get("additionalProperties") or {}, f"{where}{{}}")
    elif extra is True and (ours.get("additionalProperties") is not True or ours.get("properties")):
        found.append(f"{where}: reference is a free-form object, ours is {ours}")
    return found


def _model_names() -> list[str]:
    """Reference model names, read at collection time."""
    return sorted(reference_models())


@pytest.mark.parametrize("reference_name", _model_names())
def test_model_matches_reference(reference_name: str) -> None:
    """The model exists (renamed if mapped) with the same properties, required set, types, enums, limits."""
    model = reference_models()[reference_name]
    name = our_name(reference_name)
    assert name in schemas(), f"{reference_name} is missing (as {name})"
    ours = schemas()[name]
    assert ours.get("type") == model.get("type") == "object"
    required = set(ours.get("required", ())) ^ set(model.get("required", ()))
    assert {p for p in required if not official_agrees(f"{name}.{p}", "required")} == set(), "required differ"
    our_properties = ours.get("properties", {})
    missing = set(model["properties"]) - set(our_properties)
    assert missing == set(), f"properties missing from {name}"
    extra = set(our_properties) - set(model["properties"]) - OUR_EXTRA_PROPERTIES.get(name, set())
    extra = {p for p in extra if not official_declares(f"{name}.{p}")}
    assert extra == set(), f"properties of {name} neither the reference nor the official contract has"
    found: list[str] = []
    for prop, schema in model["properties"].items():
        found += differences(schema, our_properties[prop], f"{name}.{prop}")
    assert [f for f in found if not _official_wins(f)] == [], "\n".join(found)


def _official_wins(found: str) -> bool:
    """A difference from ``differences`` where ours agrees with the official contract instead."""
    where, _, rest = found.partition(": ")
    aspect = rest.split(" ", 1)[0]
    if allowlisted(f"{where.removesuffix('[]')}: untyped"):
        return True  # ours deliberately takes any value there (see the allowlist)
    if allowlisted(f"{where.removesuffix('[]')}[]: variants"):
        return True  # ours accepts both shapes the SDK and the contract give (see the allowlist)
    return aspect in (*COMPARED_KEYWORDS, "enum") and official_agrees(where, aspect)


def test_every_reference_model_and_property_is_covered() -> None:
    """The per-model test saw all reference models and properties (models AND supplementary_models)."""
    reference = load_reference()
    models = reference_models()
    assert len(models) == reference["counts"]["models"] + reference["counts"]["supplementary_models"]
    properties = sum(len(m["properties"]) for m in models.values())
    counts = reference["counts"]
    assert properties == counts["properties_total"] + counts["supplementary_properties_total"]
    ours = sum(
        1
        for n in models
        for p in schemas()[our_name(n)].get("properties", {})
        if p in models[n]["properties"] or not official_declares(f"{our_name(n)}.{p}")
    )
    assert ours == properties


def test_only_query_enums_are_schemas_beyond_the_reference() -> None:
    """Apart from renamed reference models and shapes only the official contract has (such as
    CampaignEligibility), our extra components are exactly the three query enums."""
    reference_names = {our_name(n) for n in reference_models()}
    query_enums = {"LoyaltyTransactionType", "LoyaltyPointsStatus", "LoyaltyPointsSort"}
    extra = set(schemas()) - reference_names
    assert {n for n in extra - query_enums if not official_declares(n)} == set()
    assert query_enums <= extra
    for name in query_enums:
        assert "enum" in schemas()[name]
        assert schemas()[name]["type"] == "string"


def test_renames_point_at_reference_models_and_our_schemas() -> None:
    """Each rename maps a real reference model to a real schema of ours, and no two share a target."""
    models = reference_models()
    assert set(REFERENCE_RENAMES) <= set(models)
    assert set(REFERENCE_RENAMES.values()) <= set(schemas())
    assert len(set(REFERENCE_RENAMES.values())) == len(REFERENCE_RENAMES)
    assert not set(REFERENCE_RENAMES.values()) & set(models)


def test_effect_props_variants_match_reference() -> None:
    """Each *EffectProps schema has the reference's effectType token in x-effect-type (none if unmapped)."""
    props = reference_models()["Effect"]["properties"]["props"]["x-variants-by-effectType"]
    for effect_type, model in props["mapping"].items():
        assert schemas()[our_name(model)].get("x-effect-type") == effect_type, model
    # The SDK leaves some props models unmapped; the official contract names their effect type
    # (error, customEffect, showBundleMetadata, willAwardGiveaway), and it wins.
    official = set()
    for model in props["unmapped_models"]:
        token = schemas()[our_name(model)].get("x-effect-type")
        if token is not None:
            assert official_agrees(our_name(model)), model
            official.add(token)
    tokens = [s["x-effect-type"] for s in schemas().values() if s.get("x-effect-type")]
    assert sorted(tokens) == sorted([*props["mapping"], *official])


def test_catalog_action_payload_variants_match_reference() -> None:
    """CatalogAction's x-payload-by-type maps each action type to the reference's payload schema."""
    expected = reference_models()["CatalogAction"]["x-payload-variants-by-type"]
    ours = schemas()["CatalogAction"]["x-payload-by-type"]
    assert ours == {action: our_name(model) for action, model in expected.items()}
    assert set(ours) == set(schemas()["CatalogAction"]["properties"]["type"]["enum"])
