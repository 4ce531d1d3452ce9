"""Effect props are decoded by effectType into their typed models; unknown types stay dicts."""

from __future__ import annotations

import httpx
import pytest

from talon_async import effects_of, matching_effects, typed_props
from talon_async._effect_props import PROPS_BY_EFFECT_TYPE
from talon_async.models import (
    AcceptCouponEffectProps,
    AddLoyaltyPointsEffectProps,
    Effect,
    IntegrationStateV2,
    SetDiscountEffectProps,
)
from tests.facade.conftest import effect_doc, make_client, state_doc
from tests.support.documents import DocumentFactory
from tests.support.spec import schemas

pytestmark = pytest.mark.anyio

FACTORY = DocumentFactory()


def test_mapping_agrees_with_the_specs_x_effect_type() -> None:
    """The dispatch table holds every x-effect-type annotation of the spec, and names only *EffectProps
    schemas that carry no other effect type."""
    from_spec = {s["x-effect-type"]: name for name, s in schemas().items() if s.get("x-effect-type")}
    assert from_spec.items() <= PROPS_BY_EFFECT_TYPE.items()
    for effect_type, name in PROPS_BY_EFFECT_TYPE.items():
        assert name.endswith("EffectProps")
        assert schemas()[name].get("x-effect-type") in (None, effect_type)


@pytest.mark.parametrize("effect_type", sorted(PROPS_BY_EFFECT_TYPE))
def test_every_known_effect_type_decodes_to_its_model(effect_type: str) -> None:
    """A full props document of each type decodes to its model and round-trips."""
    name = PROPS_BY_EFFECT_TYPE[effect_type]
    props = FACTORY.document(name)
    effect = Effect.from_dict(effect_doc(effect_type, props))
    decoded = typed_props(effect)
    assert type(decoded).__name__ == name
    assert decoded.to_dict() == props


def test_unknown_effect_type_stays_a_dict() -> None:
    """A type the SDK does not know comes back as the raw dict."""
    effect = Effect.from_dict(effect_doc("brandNewEffect", {"foo": 1}))
    assert typed_props(effect) == {"foo": 1}


def test_props_not_matching_their_schema_stay_a_dict() -> None:
    """A known type whose props miss a required field is kept as the dict (never a crash)."""
    effect = Effect.from_dict(effect_doc("setDiscount", {"unexpected": True}))
    assert typed_props(effect) == {"unexpected": True}
    assert effects_of([effect], SetDiscountEffectProps) == []


def test_null_props_pass_through() -> None:
    """props: null (allowed by the spec) is returned as None."""
    assert typed_props(Effect.from_dict(effect_doc("setDiscount", None))) is None


def test_effects_of_picks_one_kind_from_a_response() -> None:
    """effects_of returns the typed props of every effect of the requested kind, in order."""
    state = IntegrationStateV2.from_dict(
        state_doc(
            effects=[
                effect_doc("setDiscount", {"name": "10% off", "value": 10.0}),
                effect_doc("acceptCoupon", {"value": "SUMMER"}),
                effect_doc("setDiscount", {"name": "shipping", "value": 4.5}),
                effect_doc("somethingNew", {"x": 1}),
            ]
        )
    )
    discounts = effects_of(state, SetDiscountEffectProps)
    assert [(d.name, d.value) for d in discounts] == [("10% off", 10.0), ("shipping", 4.5)]
    assert [c.value for c in effects_of(state.effects, AcceptCouponEffectProps)] == ["SUMMER"]
    assert effects_of(state, AddLoyaltyPointsEffectProps) == []
    pairs = matching_effects(state, SetDiscountEffectProps)
    assert [effect.rule_name for effect, _ in pairs] == ["rule", "rule"]
    assert all(isinstance(props, SetDiscountEffectProps) for _, props in pairs)


def test_effects_of_rejects_a_class_with_no_effect_type() -> None:
    """Asking for a class that is not an effect's props is a TypeError naming it."""
    with pytest.raises(TypeError, match="IntegrationStateV2"):
        effects_of([], IntegrationStateV2)


async def test_typed_effects_from_a_live_call() -> None:
    """A session update's effects can be read as typed discounts straight from the response."""
    body = state_doc(effects=[effect_doc("setDiscount", {"name": "10% off", "value": 12.5})])
    async with make_client(lambda r: httpx.Response(200, json=body)) as talon:
        state = await talon.update_customer_session("s1", body={"customerSession": {}})
    assert [d.value for d in effects_of(state, SetDiscountEffectProps)] == [12.5]


def test_null_in_an_optional_prop_keeps_the_effect() -> None:
    """A setDiscount whose optional prop is null is typed (the null read as absent), not dropped."""
    effect = Effect.from_dict(effect_doc("setDiscount", {"name": "10% off", "value": 10.0, "scope": None}))
    assert [(d.name, d.value) for d in effects_of([effect], SetDiscountEffectProps)] == [("10% off", 10.0)]


def test_props_that_do_not_fit_are_kept_untyped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Props missing a required field come back as the dict and are logged, never raised."""
    effect = Effect.from_dict(effect_doc("setDiscount", {"name": "10% off"}))
    with caplog.at_level("WARNING", logger="talon_async"):
        assert typed_props(effect) == {"name": "10% off"}
        assert effects_of([effect], SetDiscountEffectProps) == []
    assert len(caplog.records) == 2
    assert all("setDiscount" in record.getMessage() for record in caplog.records)


def test_null_props_of_a_known_type_are_logged_when_left_out(caplog: pytest.LogCaptureFixture) -> None:
    """A setDiscount with props: null cannot be typed; effects_of leaves it out and says so in the log."""
    effect = Effect.from_dict(effect_doc("setDiscount", None))
    with caplog.at_level("WARNING", logger="talon_async"):
        assert effects_of([effect], SetDiscountEffectProps) == []
    assert "setDiscount effect has NoneType for props" in caplog.text


def test_typed_props_with_a_type_answers_that_type_or_none() -> None:
    """typed_props(effect, X) is the decoded X for an effect of X's kind, else None."""
    props = FACTORY.document("SetDiscountEffectProps")
    discount = Effect.from_dict(effect_doc("setDiscount", props))
    decoded = typed_props(discount, SetDiscountEffectProps)
    assert isinstance(decoded, SetDiscountEffectProps)
    assert decoded.to_dict() == props
    other = Effect.from_dict(effect_doc("brandNewEffect", props))
    assert typed_props(other, SetDiscountEffectProps) is None
    misfit = Effect.from_dict(effect_doc("setDiscount", {"unexpected": True}))
    assert typed_props(misfit, SetDiscountEffectProps) is None
