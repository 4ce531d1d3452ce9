"""scripts/fidelity.py: our spec passes the official-contract gate, and the gate sees each kind of drift."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from talon_async.testing._contract import CONTRACT_DEFECTS
from tests.support.official import gate, load_official
from tests.support.spec import load_spec

fidelity = gate()
Spec = dict[str, Any]


def _operation(spec: Spec, operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for op in item.values():
            if op.get("operationId") == operation_id:
                result: dict[str, Any] = op
                return result
    raise KeyError(operation_id)


def _param(spec: Spec, operation_id: str, name: str) -> dict[str, Any]:
    return next(p for p in _operation(spec, operation_id)["parameters"] if p["name"] == name)


def _schema(spec: Spec, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _drop_operation(spec: Spec) -> None:
    del spec["paths"]["/v2/audiences"]["post"]


def _move_operation(spec: Spec) -> None:
    spec["paths"]["/v2/audiences-moved"] = spec["paths"].pop("/v2/audiences")


def _drop_parameter(spec: Spec) -> None:
    op = _operation(spec, "returnCartItems")
    op["parameters"] = [p for p in op["parameters"] if p["name"] != "runRuleEngine"]


def _require_parameter(spec: Spec) -> None:
    _param(spec, "getLoyaltyCardPoints", "pageSize")["required"] = True


def _string_parameter(spec: Spec) -> None:
    _param(spec, "getLoyaltyProgramProfilePoints", "subledgerId")["schema"] = {"type": "string"}


def _not_nullable(spec: Spec) -> None:
    del _schema(spec, "CustomerProfile")["properties"]["loyaltyMemberships"]["nullable"]


def _drop_enum_value(spec: Spec) -> None:
    items = _schema(spec, "Campaign")["properties"]["features"]["items"]
    items["enum"] = [v for v in items["enum"] if v != "advancedEvents"]


def _date_time_format(spec: Spec) -> None:
    _schema(spec, "Campaign")["properties"]["name"]["format"] = "date-time"


def _int64_format(spec: Spec) -> None:
    _schema(spec, "Campaign")["properties"]["id"]["format"] = "int64"


def _drop_constraint(spec: Spec) -> None:
    del _schema(spec, "NewAudience")["properties"]["name"]["minLength"]


def _tighter_constraint(spec: Spec) -> None:
    _schema(spec, "NewAudience")["properties"]["name"]["maxLength"] = 3


def _change_default(spec: Spec) -> None:
    _param(spec, "getLoyaltyCardPoints", "pageSize")["schema"]["default"] = 7


def _drop_required(spec: Spec) -> None:
    schema = _schema(spec, "NewReferralsForMultipleAdvocates")
    schema["required"] = [n for n in schema["required"] if n != "usageLimit"]


def _add_required(spec: Spec) -> None:
    _schema(spec, "Campaign")["required"].append("couponAttributes")


def _drop_property(spec: Spec) -> None:
    del _schema(spec, "CustomerSessionV2")["properties"]["cartItemAdditionalCostTotal"]


def _extra_property(spec: Spec) -> None:
    _schema(spec, "Campaign")["properties"]["giftWrap"] = {"type": "boolean"}


def _drop_status(spec: Spec) -> None:
    del _operation(spec, "deleteAudienceV2")["responses"]["404"]


def _untyped_property(spec: Spec) -> None:
    _schema(spec, "LedgerInfo")["properties"]["nextTierName"] = {}


def _drop_effect_props(spec: Spec) -> None:
    _schema(spec, "ErrorEffectProps")["x-effect-type"] = None


def _effect_props_type(spec: Spec) -> None:
    _schema(spec, "ErrorEffectProps")["properties"]["message"] = {"type": "integer"}


def _catalog_payload_type(spec: Spec) -> None:
    _schema(spec, "PatchItemCatalogAction")["properties"]["price"] = {"type": "string"}


def _drop_catalog_action(spec: Spec) -> None:
    del _schema(spec, "CatalogAction")["x-payload-by-type"]["REMOVE_MANY"]


def _drop_body(spec: Spec) -> None:
    del _operation(spec, "createAudienceV2")["requestBody"]


# name -> (how to plant it, the key the gate must report, its category)
PLANTED: dict[str, tuple[Callable[[Spec], None], str, str]] = {
    "operation missing": (_drop_operation, "createAudienceV2: operation", "breaking"),
    "route moved": (_move_operation, "createAudienceV2: route", "breaking"),
    "parameter missing": (
        _drop_parameter,
        "returnCartItems.param[query:runRuleEngine]: missing",
        "information-losing",
    ),
    "parameter required": (
        _require_parameter,
        "getLoyaltyCardPoints.param[query:pageSize]: required",
        "breaking",
    ),
    "parameter type": (
        _string_parameter,
        "getLoyaltyProgramProfilePoints.param[query:subledgerId]: type",
        "breaking",
    ),
    "nullability": (_not_nullable, "CustomerProfile.loyaltyMemberships: nullable", "breaking"),
    "enum value": (_drop_enum_value, "Campaign.features[]: enum", "breaking"),
    "typed format": (_date_time_format, "Campaign.name: format", "breaking"),
    "cosmetic format": (_int64_format, "Campaign.id: format", "cosmetic"),
    "constraint missing": (_drop_constraint, "NewAudience.name: minLength", "information-losing"),
    "constraint stricter": (_tighter_constraint, "NewAudience.name: maxLength", "breaking"),
    "default": (_change_default, "getLoyaltyCardPoints.param[query:pageSize]: default", "cosmetic"),
    "required dropped": (
        _drop_required,
        "NewReferralsForMultipleAdvocates.usageLimit: required",
        "information-losing",
    ),
    "required added": (_add_required, "Campaign.couponAttributes: required", "breaking"),
    "property missing": (
        _drop_property,
        "CustomerSessionV2.cartItemAdditionalCostTotal: missing",
        "information-losing",
    ),
    "property extra": (_extra_property, "Campaign.giftWrap: extra", "cosmetic"),
    "status missing": (_drop_status, "deleteAudienceV2.response[404]: missing", "information-losing"),
    "untyped slot": (_untyped_property, "LedgerInfo.nextTierName: untyped", "information-losing"),
    "effect props missing": (_drop_effect_props, "effectProps[error]: missing", "information-losing"),
    "effect props differ": (_effect_props_type, "ErrorEffectProps.message: type", "breaking"),
    "catalog payload differs": (_catalog_payload_type, "PatchItemCatalogAction.price: type", "breaking"),
    "catalog action missing": (
        _drop_catalog_action,
        "CatalogAction<REMOVE_MANY>: missing",
        "information-losing",
    ),
    "request body missing": (_drop_body, "createAudienceV2.request: body", "information-losing"),
}


def _allowlist() -> list[Any]:
    return list(fidelity.load_allowlist(fidelity.ALLOWLIST_PATH))


def test_committed_spec_passes_the_gate() -> None:
    """Every difference from the official contract is allowlisted, and no allowlist entry is stale."""
    verdict = fidelity.judge(fidelity.compare(load_official(), load_spec()), _allowlist())
    assert [d.key for d in verdict.unlisted] == []
    assert [e.key for e in verdict.stale] == []


def test_only_cosmetic_and_explained_breaks_remain() -> None:
    """Left-over differences are allowlisted contract defects; none is an unexplained break or loss."""
    verdict = fidelity.judge(fidelity.compare(load_official(), load_spec()), _allowlist())
    assert verdict.counts(verdict.unlisted) == {"breaking": 0, "information-losing": 0, "cosmetic": 0}
    assert [d.key for d in verdict.unexcused] == []
    assert {d.key for d in verdict.allowed if d.category != "cosmetic"} <= set(verdict.defects)


def test_named_contract_defects_are_documented() -> None:
    """Every contract defect an allowlist entry names is described in CONTRACT_DEFECTS."""
    named = {entry.contract_defect for entry in _allowlist() if entry.contract_defect is not None}
    assert named
    assert named <= set(CONTRACT_DEFECTS), sorted(named - set(CONTRACT_DEFECTS))


def test_break_allowlisted_without_a_contract_defect_fails() -> None:
    """Listing a breaking difference without naming the contract defect behind it fails the gate."""
    spec = copy.deepcopy(load_spec())
    _drop_enum_value(spec)
    entries = [*_allowlist(), fidelity.AllowEntry("Campaign.features[]: enum", "we chose to")]
    verdict = fidelity.judge(fidelity.compare(load_official(), spec), entries)
    assert [d.key for d in verdict.unlisted] == []
    assert [d.key for d in verdict.unexcused] == ["Campaign.features[]: enum"]
    assert not verdict.ok


def _one_operation(response: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A document with one in-scope operation answering ``response`` under status 204 and
    ``schema`` under 200."""
    return {
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "x-in-project-scope": True,
                    "responses": {
                        "200": {"content": {"application/json": {"schema": schema}}},
                        "204": response,
                    },
                }
            }
        }
    }


def test_classification_follows_what_each_difference_can_change() -> None:
    """A body on a 204 and an array bound on an object are cosmetic (they describe nothing a value
    can hold), while a required name the contract never declares is information-losing."""
    official = _one_operation(
        {"content": {"application/json": {"schema": {"type": "string"}}}},
        {
            "type": "object",
            "required": ["ghost"],
            "properties": {
                "single": {"type": "object", "minItems": 1, "maxItems": 5},
                "many": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
        },
    )
    ours = _one_operation(
        {"description": "no body"},
        {
            "type": "object",
            "properties": {
                "single": {"type": "object"},
                "many": {"type": "array", "items": {"type": "string"}},
            },
        },
    )
    found = {d.key: d.category for d in fidelity.compare(official, ours)}
    assert found == {
        "getX.response[204]: content[application/json]": "cosmetic",
        "getX.response[200].single: minItems": "cosmetic",
        "getX.response[200].single: maxItems": "cosmetic",
        "getX.response[200].many: minItems": "information-losing",
        "getX.response[200].ghost: required-undeclared": "information-losing",
    }


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_gate_detects_planted_difference(case: str) -> None:
    """A planted drift of this kind shows up under its stable key and category, and fails the gate."""
    plant, key, category = PLANTED[case]
    spec = copy.deepcopy(load_spec())
    plant(spec)
    found = {d.key: d for d in fidelity.compare(load_official(), spec)}
    assert key in found, sorted(set(found) - {d.key for d in fidelity.compare(load_official(), load_spec())})
    assert found[key].category == category
    assert not fidelity.judge(list(found.values()), _allowlist()).ok


def test_stale_allowlist_entry_fails() -> None:
    """An allowlist entry that matches no difference makes the gate fail."""
    entries = [*_allowlist(), fidelity.AllowEntry("Campaign.nothing: type", "no such difference")]
    verdict = fidelity.judge(fidelity.compare(load_official(), load_spec()), entries)
    assert [e.key for e in verdict.stale] == ["Campaign.nothing: type"]
    assert not verdict.ok


def test_star_matches_any_text_and_brackets_are_literal() -> None:
    """`*` in an allowlist key matches any text; regex and glob brackets match themselves only."""
    entry = fidelity.AllowEntry("*.integrationId: format", "reason")
    assert entry.matches("CustomerProfile.integrationId: format")
    assert not entry.matches("CustomerProfile.integrationId: type")
    assert fidelity.AllowEntry("Event.effects[]: variants", "r").matches("Event.effects[]: variants")
    assert not fidelity.AllowEntry("Event.effects[]: variants", "r").matches("Event.effects]: variants")


def test_allowlist_entry_needs_a_reason(tmp_path: Path) -> None:
    """An allowlist entry without a reason is rejected outright."""
    path = tmp_path / "allow.yaml"
    path.write_text(yaml.safe_dump({"differences": [{"key": "X: type", "reason": " "}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        fidelity.load_allowlist(path)


def test_command_line_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The script exits 0 on the committed files and 1 with an empty allowlist, printing the keys."""
    assert fidelity.main([]) == 0
    empty = tmp_path / "allow.yaml"
    empty.write_text("differences: []\n", encoding="utf-8")
    capsys.readouterr()
    assert fidelity.main(["--allowlist", str(empty)]) == 1
    assert "Event.effects[]: variants" in capsys.readouterr().out
