"""Typed effect props: decode ``Effect.props`` by its ``effectType``, never by trial and error."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from ._logging import logger

if TYPE_CHECKING:
    from ._generated.models.effect import Effect

__all__ = ["PROPS_BY_EFFECT_TYPE", "effects_of", "matching_effects", "typed_props"]

# effectType -> props model, as the spec's `x-effect-type` on each *EffectProps schema says
# (tests/facade/test_effects.py checks this against the spec). Props schemas without an
# effect type name (the strikethrough ones) cannot be dispatched to.
PROPS_BY_EFFECT_TYPE: dict[str, str] = {
    "acceptCoupon": "AcceptCouponEffectProps",
    "acceptReferral": "AcceptReferralEffectProps",
    "addFreeItem": "AddFreeItemEffectProps",
    "addLoyaltyPoints": "AddLoyaltyPointsEffectProps",
    "addToAudience": "AddToAudienceEffectProps",
    "awardGiveaway": "AwardGiveawayEffectProps",
    "changeLoyaltyTierLevel": "ChangeLoyaltyTierLevelEffectProps",
    "couponCreated": "CouponCreatedEffectProps",
    "customEffect": "CustomEffectProps",
    "deductLoyaltyPoints": "DeductLoyaltyPointsEffectProps",
    "error": "ErrorEffectProps",
    "extendLoyaltyPointsExpiryDate": "ExtendLoyaltyPointsExpiryDateEffectProps",
    "increaseAchievementProgress": "IncreaseAchievementProgressEffectProps",
    "redeemReferral": "RedeemReferralEffectProps",
    "referralCreated": "ReferralCreatedEffectProps",
    "rejectCoupon": "RejectCouponEffectProps",
    "rejectReferral": "RejectReferralEffectProps",
    "removeFromAudience": "RemoveFromAudienceEffectProps",
    "reserveCoupon": "ReserveCouponEffectProps",
    "rollbackAddedLoyaltyPoints": "RollbackAddedLoyaltyPointsEffectProps",
    "rollbackCoupon": "RollbackCouponEffectProps",
    "rollbackDeductedLoyaltyPoints": "RollbackDeductedLoyaltyPointsEffectProps",
    "rollbackDiscount": "RollbackDiscountEffectProps",
    "rollbackIncreasedAchievementProgress": "RollbackIncreasedAchievementProgressEffectProps",
    "rollbackReferral": "RollbackReferralEffectProps",
    "setDiscount": "SetDiscountEffectProps",
    "setDiscountPerAdditionalCost": "SetDiscountPerAdditionalCostEffectProps",
    "setDiscountPerAdditionalCostPerItem": "SetDiscountPerAdditionalCostPerItemEffectProps",
    "setDiscountPerItem": "SetDiscountPerItemEffectProps",
    "setLoyaltyPointsExpiryDate": "SetLoyaltyPointsExpiryDateEffectProps",
    "showBundleMetadata": "ShowBundleMetadataEffectProps",
    "showNotification": "ShowNotificationEffectProps",
    "triggerWebhook": "TriggerWebhookEffectProps",
    "updateAttribute": "UpdateAttributeEffectProps",
    "willAwardGiveaway": "WillAwardGiveawayEffectProps",
}


class _HasEffects(Protocol):
    @property
    def effects(self) -> Any: ...


P = TypeVar("P")


@cache
def _props_class(effect_type: str) -> Any:
    name = PROPS_BY_EFFECT_TYPE.get(effect_type)
    if name is None:
        return None
    from ._generated import models

    return getattr(models, name)


_EFFECT_TYPE_BY_PROPS = {name: effect_type for effect_type, name in PROPS_BY_EFFECT_TYPE.items()}


def _effect_type_of(props_class: type[Any]) -> str:
    effect_type = _EFFECT_TYPE_BY_PROPS.get(props_class.__name__)
    if effect_type is None:
        known = ", ".join(sorted(_EFFECT_TYPE_BY_PROPS))
        raise TypeError(f"{props_class.__name__} has no effect type; known props types: {known}")
    return effect_type


@overload
def typed_props(effect: Effect) -> Any: ...
@overload
def typed_props(effect: Effect, props_type: type[P]) -> P | None: ...
def typed_props(effect: Effect, props_type: type[Any] | None = None) -> Any:
    """The effect's props as their typed model, chosen by ``effect.effect_type``.

    Props are read as tolerantly as answers are (a ``null`` in an optional prop reads as absent,
    an unknown enum value is kept). An unknown effect type comes back unchanged (a dict); so do
    props that still do not fit their model (a required prop missing, a wrong type), with a
    warning on the ``talon_async`` logger. Never raises: a new or changed effect on the server
    must not break a checkout.

    With ``props_type`` (``typed_props(effect, SetDiscountEffectProps)``) the answer is typed
    ``SetDiscountEffectProps | None``: the props when the effect is of that kind and they fit,
    else ``None``.
    """
    if props_type is not None:
        if effect.effect_type != _effect_type_of(props_type):
            return None
        props = typed_props(effect)
        return props if isinstance(props, props_type) else None
    props = effect.props
    if not isinstance(props, dict):
        return props
    cls = _props_class(effect.effect_type)
    if cls is None:
        return props
    try:
        return cls.from_dict(props)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        if logger.isEnabledFor(logging.WARNING):
            logger.warning(
                "%s effect props do not match %s, kept as a dict: %r", effect.effect_type, cls.__name__, exc
            )
        return props


def matching_effects(source: _HasEffects | Iterable[Effect], props_type: type[P]) -> list[tuple[Effect, P]]:
    """Each effect of the kind ``props_type`` stands for, paired with its typed props.

    An effect of that kind whose props do not fit ``props_type`` cannot be typed and is left out
    of the result, never silently: ``typed_props`` logs a warning for it, and it stays in
    ``source`` (``typed_props(effect)`` gives its props as a dict).
    """
    effect_type = _effect_type_of(props_type)
    effects: Iterable[Effect] = source if isinstance(source, Iterable) else (source.effects or [])
    pairs: list[tuple[Effect, P]] = []
    for effect in effects:
        if effect.effect_type != effect_type:
            continue
        props = typed_props(effect)
        if isinstance(props, props_type):
            pairs.append((effect, props))
        elif not isinstance(props, dict) and logger.isEnabledFor(logging.WARNING):
            # typed_props has already warned about a dict that does not fit.
            logger.warning("%s effect has %s for props, left out", effect_type, type(props).__name__)
    return pairs


def effects_of(source: _HasEffects | Iterable[Effect], props_type: type[P]) -> list[P]:
    """The typed props of every effect of one kind, e.g. ``effects_of(state, SetDiscountEffectProps)``.

    ``source`` is a response with ``effects`` (session, event, profile) or a list of effects. As
    in ``matching_effects``, an effect whose props do not fit is left out with a warning logged.
    """
    return [props for _, props in matching_effects(source, props_type)]
