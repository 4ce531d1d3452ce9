"""Customer sessions: update (open, close, cancel), get, reopen and cart item returns.

Strictly private. Every update applies the effects that take effect at once (attributes,
reservations, audiences); closing the session applies the rest (points added or deducted land on
the ledger, coupons count as redeemed), and cancelling, reopening or returning items rolls those
back the way the API documents.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import attrs

from . import _effects, _render
from ._call import Call, Handler, Reply
from ._errors import TalonHTTPError, bad_request, not_found
from ._state import Event, Profile, ReturnRecord, Session

__all__ = ["HANDLERS"]

_CONTENT_FIELDS = {
    "profileId": "profile_id",
    "storeIntegrationId": "store_integration_id",
    "evaluableCampaignIds": "evaluable_campaign_ids",
    "couponCodes": "coupon_codes",
    "referralCode": "referral_code",
    "loyaltyCards": "loyalty_cards",
    "cartItems": "cart_items",
    "additionalCosts": "additional_costs",
    "identifiers": "identifiers",
}

# state now -> states an update may move it to
_TRANSITIONS = {
    "open": {"open", "closed", "cancelled"},
    "closed": {"closed", "cancelled"},
    "partially_returned": {"partially_returned", "cancelled"},
    "cancelled": {"cancelled"},
}


def _session_time(call: Call) -> datetime:
    """The time the session is evaluated at: ``now`` may move it into the future, on a dry run only."""
    raw = call.query.get("now")
    if not raw:
        return call.now
    if not call.dry:
        raise bad_request("now is only accepted together with dry=true", parameter="now")
    when = datetime.fromisoformat(raw)
    if when < call.now:
        raise bad_request("now must be a moment in the future", parameter="now")
    return when


def _record_event(
    call: Call, kind: str, session: Session, effects: list[dict[str, Any]], now: datetime
) -> Event:
    event = Event(
        id=call.store.next_id("event"),
        created=now,
        type=kind,
        profile_id=session.profile_id,
        attributes={},
        session_id=session.integration_id,
        store_integration_id=session.store_integration_id,
        effects=effects,
    )
    call.store.events.append(event)
    return event


def _state_response(
    call: Call,
    session: Session,
    profile: Profile | None,
    effects: list[dict[str, Any]],
    event: Event | None,
    now: datetime,
) -> dict[str, Any]:
    store = call.store
    wanted = set((call.body or {}).get("responseContent") or [])
    out: dict[str, Any] = {"effects": effects, "createdCoupons": [], "createdReferrals": []}
    if "customerSession" in wanted:
        out["customerSession"] = _render.session(store, session)
    if "customerProfile" in wanted and profile is not None:
        out["customerProfile"] = _render.profile(store, profile)
    if "coupons" in wanted:
        out["coupons"] = [
            _render.coupon(store.coupons[c], integration=True)
            for c in session.coupon_codes
            if c in store.coupons
        ]
    if "referral" in wanted and session.referral_code in store.referrals:
        out["referral"] = _render.referral(store.referrals[session.referral_code or ""], inventory=True)
    if "loyalty" in wanted and profile is not None:
        out["loyalty"] = _render.loyalty(store, profile, now)
    if "event" in wanted and event is not None:
        out["event"] = _render.event(store, event)
    for name in ("triggeredCampaigns", "awardedGiveaways", "ruleFailureReasons"):
        if name in wanted:
            out[name] = []
    if "previousReturns" in wanted:
        out["previousReturns"] = [_render.return_record(store, store.returns[i]) for i in session.return_ids]
    return out


def _evaluate(call: Call, session: Session, profile: Profile | None, now: datetime) -> list[dict[str, Any]]:
    return call.fake.evaluate(
        now=now,
        session=_render.session(call.store, session),
        profile=_render.profile(call.store, profile) if profile is not None else None,
    )


def _close(call: Call, session: Session, profile: Profile | None, now: datetime) -> None:
    """Apply a closing session's effects; a reopened session first gives back what it earned."""
    if session.committed_transactions:
        _effects.rollback_points(call.store, session.committed_transactions, now=now)
    session.committed_transactions = _effects.apply(
        call.store, session.effects, now=now, session_id=session.integration_id, profile_id=session.profile_id
    )
    if profile is not None:
        profile.closed_sessions += 1
        profile.total_sales = round(profile.total_sales + sum(_render.cart_totals(session)), 6)


def _unclose(
    call: Call, session: Session, profile: Profile | None, now: datetime, *, points: bool
) -> list[dict[str, Any]]:
    """Roll back a closed session's effects (and its profile's sales figures)."""
    effects = _effects.rollback(call.store, session, now=now, points=points)
    if profile is not None:
        profile.closed_sessions = max(0, profile.closed_sessions - 1)
        profile.total_sales = round(max(0.0, profile.total_sales - sum(_render.cart_totals(session))), 6)
    return effects


def _transition_error(was: str, target: str) -> TalonHTTPError:
    hint = {"open": " (use the reopen endpoint)", "partially_returned": " (use the returns endpoint)"}
    return bad_request(
        f"a {was} session cannot become {target}{hint.get(target, '')}", pointer="/customerSession/state"
    )


def _without_bookkeeping(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    return [
        {k: v for k, v in i.items() if k != "returnedQuantity"} if isinstance(i, dict) else i for i in items
    ]


def _refuse_content_changes(session: Session, request: dict[str, Any]) -> None:
    """A session that is no longer open cannot be modified: only its state may still change.

    Re-sending the contents it already has is not a change, so an integration that always sends
    the whole session can still cancel it.
    """
    for key, attr in _CONTENT_FIELDS.items():
        if key not in request:
            continue
        stored = getattr(session, attr)
        sent = request[key]
        if key == "cartItems":
            stored, sent = _without_bookkeeping(stored), _without_bookkeeping(sent)
        if sent != stored and not (sent in (None, "", [], {}) and stored in (None, "", [], {})):
            raise bad_request(
                f"a {session.state} session cannot be modified; {key} differs from what it holds",
                pointer=f"/customerSession/{key}",
            )
    attributes = request.get("attributes") or {}
    if any(session.attributes.get(name) != value for name, value in attributes.items()):
        raise bad_request(
            f"a {session.state} session cannot be modified; its attributes differ",
            pointer="/customerSession/attributes",
        )


def _finite_cart(request: dict[str, Any]) -> bool:
    """Integers are unbounded in the contract: refuse a cart whose totals no float can hold."""
    try:
        total = 0.0
        for item in request.get("cartItems") or []:
            quantity = float(item.get("quantity") or 0)
            total += float(item.get("price") or 0) * quantity
            for cost in (item.get("additionalCosts") or {}).values():
                total += float(cost.get("price") or 0) * quantity
        for cost in (request.get("additionalCosts") or {}).values():
            total += float(cost.get("price") or 0)
    except (OverflowError, TypeError, ValueError, AttributeError):
        return False
    return math.isfinite(total)


async def update_customer_session(call: Call) -> Reply:
    sid = call.path["customerSessionId"]
    async with call.fake.updating("session", sid):
        now = _session_time(call)
        request = call.body["customerSession"]
        session = call.store.sessions.get(sid)
        was = session.state if session is not None else "open"
        target = request.get("state", was)
        if target not in _TRANSITIONS[was]:
            raise _transition_error(was, target)
        if session is None and target == "cancelled":
            # Only a session that exists can be cancelled: a new one starts open or closed.
            raise bad_request("a new session cannot start cancelled", pointer="/customerSession/state")
        if not _finite_cart(request):
            raise bad_request(
                "the cart adds up past the largest number a total can hold", pointer="/customerSession"
            )
        if session is None:
            session = Session(call.store.next_id("session"), sid, created=now, updated=now)
            new_profile = request.get("profileId")
            # An anonymous session is always a first session; a profile's first is its first.
            session.first_session = not new_profile or not any(
                s.profile_id == new_profile for s in call.store.sessions.values()
            )
            call.store.sessions[sid] = session
        elif was != "open":
            _refuse_content_changes(session, request)
        if was == "open":
            for key, attr in _CONTENT_FIELDS.items():
                if key in request:
                    # The body was parsed for this request alone, so the session may keep its objects.
                    setattr(session, attr, request[key])
            session.attributes.update(request.get("attributes") or {})
        session.state = target
        session.updated = now
        session.update_count += 1
        profile = call.store.profile(session.profile_id, now) if session.profile_id else None
        if profile is not None:
            profile.last_activity = now
        if was == "open" and target in ("open", "closed"):
            effects = _evaluate(call, session, profile, now)
            session.effects = effects
            _effects.apply_now(call.store, effects, now=now, profile_id=session.profile_id, session=session)
            if target == "closed":
                _close(call, session, profile, now)
        elif target == "cancelled" and was != "cancelled":
            effects = _unclose(call, session, profile, now, points=True) if was != "open" else []
            session.effects = []
        else:
            effects = session.effects
        kind = {"closed": "talon_session_closed", "cancelled": "talon_session_cancelled"}.get(
            target, "talon_session_updated"
        )
        event = _record_event(call, kind, session, effects, now)
        return Reply(200, _state_response(call, session, profile, effects, event, now))


async def get_customer_session(call: Call) -> Reply:
    sid = call.path["customerSessionId"]
    session = call.store.sessions.get(sid)
    if session is None:
        raise not_found("customer session", sid)
    return Reply(200, {"customerSession": _render.session(call.store, session), "effects": session.effects})


async def reopen_customer_session(call: Call) -> Reply:
    sid = call.path["customerSessionId"]
    async with call.fake.updating("session", sid):
        session = call.store.sessions.get(sid)
        if session is None:
            raise not_found("customer session", sid)
        if session.state != "closed":
            raise bad_request(f"only a closed session can be reopened; this one is {session.state}")
        profile = call.store.profiles.get(session.profile_id or "")
        # Points a closed session earned stay put: the API leaves non-pending points alone.
        effects = _unclose(call, session, profile, call.now, points=False)
        session.state = "open"
        session.updated = call.now
        session.effects = []
        _record_event(call, "talon_session_reopened", session, effects, call.now)
        return Reply(200, {"effects": effects})


def _returned_items(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resolve each returned item to a cart position and quantity, or answer 400."""
    resolved: list[dict[str, Any]] = []
    pending = [int(i.get("returnedQuantity", 0)) for i in session.cart_items]
    for index, item in enumerate(items):
        pointer = f"/return/returnedCartItems/{index}"
        position = item.get("position")
        sku = item.get("sku")
        if position is None:
            position = next(
                (
                    p
                    for p, c in enumerate(session.cart_items)
                    if c["sku"] == sku and c["quantity"] > pending[p]
                ),
                None,
            )
            if position is None:
                raise bad_request(f"no returnable cart item with sku {sku!r}", pointer=pointer)
        if not 0 <= position < len(session.cart_items):
            raise bad_request(f"there is no cart item at position {position}", pointer=pointer + "/position")
        cart_item = session.cart_items[position]
        if sku is not None and sku != cart_item["sku"]:
            raise bad_request(
                f"the cart item at position {position} is not {sku!r}", pointer=pointer + "/sku"
            )
        left = int(cart_item["quantity"]) - pending[position]
        quantity = item.get("quantity", left)
        if not 1 <= quantity <= left:
            raise bad_request(
                f"cannot return {quantity} of position {position}; {left} can still be returned",
                pointer=pointer + "/quantity",
            )
        pending[position] += quantity
        resolved.append({"position": position, "quantity": quantity, "sku": cart_item["sku"]})
    return resolved


@attrs.frozen
class _ReturnedShare:
    """How much of what the session still kept a return takes back: per cart position, and overall."""

    items: list[dict[str, Any]]
    kept_before: list[int]
    of_value: float

    def of(self, position: float | None) -> float:
        """The returned share of an effect: of its cart item if it names one, else of the cart value."""
        if position is None:
            return self.of_value
        position = int(position)
        quantity = sum(i["quantity"] for i in self.items if i["position"] == position)
        kept = self.kept_before[position] if 0 <= position < len(self.kept_before) else 0
        return quantity / kept if kept > 0 else 0.0


def _roll_back_returned_share(call: Call, session: Session, share: _ReturnedShare) -> list[dict[str, Any]]:
    """Without the rule engine, a return rolls back the effects that belong to the returned items:
    an item's own effects in proportion to its returned quantity, the session's in proportion to
    the returned value. What is left of each effect is what a later return can still take back."""
    effects: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for effect in session.effects:
        props = effect["props"]
        kind = effect["effectType"]
        if kind not in ("addLoyaltyPoints", "setDiscount", "setDiscountPerItem"):
            kept.append(effect)
            continue
        # Per-item discounts name their item as `position`, per-item points as `cartItemPosition`.
        position = props.get("position") if kind == "setDiscountPerItem" else props.get("cartItemPosition")
        value = float(props["value"])
        drop = round(value * share.of(position), 6 if kind == "addLoyaltyPoints" else 2)
        kept.append({**effect, "props": {**props, "value": round(value - drop, 6)}})
        if drop <= 0:
            continue
        meta = {k: v for k, v in effect.items() if k not in ("effectType", "props")}
        if kind != "addLoyaltyPoints":
            rolled: dict[str, Any] = {"name": props["name"], "value": drop}
            if position is not None:
                rolled["cartItemPosition"] = position
            effects.append({**meta, "effectType": "rollbackDiscount", "props": rolled})
            continue
        if props["programId"] not in call.store.programs:
            continue
        card = props.get("cardIdentifier") or None
        tx = _effects.write_points(
            call.store,
            program_id=props["programId"],
            amount=drop,
            now=call.now,
            kind="subtraction",
            name="Return of cart items",
            integration_id=props["recipientIntegrationId"] or None,
            card_identifier=card,
            subledger_id=props["subLedgerId"],
            session_id=session.integration_id,
            source="session",
        )
        rolled = {
            "programId": props["programId"],
            "subLedgerId": props["subLedgerId"],
            "value": drop,
            "recipientIntegrationId": props["recipientIntegrationId"],
            "transactionUUID": tx.uuid,
        }
        for optional in ("cardIdentifier", "cartItemPosition"):
            if props.get(optional) is not None:
                rolled[optional] = props[optional]
        effects.append({**meta, "effectType": "rollbackAddedLoyaltyPoints", "props": rolled})
    session.effects = kept
    # Points first, then discounts: the order the rule-engine path answers in too.
    return sorted(effects, key=lambda e: e["effectType"] != "rollbackAddedLoyaltyPoints")


def _return_effects(
    call: Call, session: Session, profile: Profile | None, before: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Roll back what the returned items earned: the drop in points and in discounts."""
    after = _evaluate(call, session, profile, call.now)
    effects: list[dict[str, Any]] = []
    new_points = _effects.points_by_recipient(after)
    for key, value in _effects.points_by_recipient(before).items():
        drop = round(value - new_points.get(key, 0.0), 6)
        if drop <= 0:
            continue
        program_id, recipient, card_id, subledger = key
        tx = _effects.write_points(
            call.store,
            program_id=program_id,
            amount=drop,
            now=call.now,
            kind="subtraction",
            name="Return of cart items",
            integration_id=recipient or None,
            card_identifier=card_id or None,
            subledger_id=subledger,
            session_id=session.integration_id,
            source="session",
        )
        props: dict[str, Any] = {
            "programId": program_id,
            "subLedgerId": subledger,
            "value": drop,
            "recipientIntegrationId": recipient,
            "transactionUUID": tx.uuid,
        }
        if card_id:
            props["cardIdentifier"] = card_id
        effect = {"campaignId": 0, "rulesetId": 0, "ruleIndex": 0, "ruleName": "Return of cart items"}
        effects.append({**effect, "effectType": "rollbackAddedLoyaltyPoints", "props": props})
    new_discounts = {
        e["props"]["name"]: e["props"]["value"] for e in after if e["effectType"] == "setDiscount"
    }
    for old in before:
        if old["effectType"] != "setDiscount":
            continue
        name = old["props"]["name"]
        drop = round(old["props"]["value"] - new_discounts.get(name, 0.0), 2)
        if drop > 0:
            keep = {k: v for k, v in old.items() if k not in ("effectType", "props")}
            effects.append({**keep, "effectType": "rollbackDiscount", "props": {"name": name, "value": drop}})
    session.effects = after
    return effects


async def return_cart_items(call: Call) -> Reply:
    sid = call.path["customerSessionId"]
    async with call.fake.updating("session", sid):
        session = call.store.sessions.get(sid)
        if session is None:
            raise not_found("customer session", sid)
        if session.state not in ("closed", "partially_returned"):
            raise bad_request(f"only closed sessions accept returns; this one is {session.state}")
        returned = _returned_items(session, call.body["return"]["returnedCartItems"])
        kept_before = [int(c["quantity"]) - int(c.get("returnedQuantity", 0)) for c in session.cart_items]
        kept_value = sum(
            float(c.get("price") or 0) * q for c, q in zip(session.cart_items, kept_before, strict=True)
        )
        returned_value = 0.0
        for item in returned:
            cart_item = session.cart_items[item["position"]]
            cart_item["returnedQuantity"] = int(cart_item.get("returnedQuantity", 0)) + item["quantity"]
            returned_value += float(cart_item.get("price") or 0) * item["quantity"]
        session.state = "partially_returned"
        session.updated = call.now
        session.update_count += 1
        profile = call.store.profiles.get(session.profile_id or "")
        if call.query.get("runRuleEngine"):
            effects = _return_effects(call, session, profile, session.effects)
        else:
            share = _ReturnedShare(
                returned, kept_before, returned_value / kept_value if kept_value > 0 else 0.0
            )
            effects = _roll_back_returned_share(call, session, share)
        if profile is not None:
            profile.total_sales = round(max(0.0, profile.total_sales - returned_value), 6)
        event = _record_event(call, "talon_cart_items_returned", session, effects, call.now)
        record = ReturnRecord(
            id=call.store.next_id("return"),
            created=call.now,
            event_id=event.id,
            session_id=session.id,
            session_integration_id=session.integration_id,
            returned_cart_items=returned,
            profile_id=profile.id if profile is not None else None,
            profile_integration_id=session.profile_id,
        )
        call.store.returns[record.id] = record
        previous = list(session.return_ids)
        session.return_ids.append(record.id)
        body = _state_response(call, session, profile, effects, event, call.now)
        if "previousReturns" in body:
            body["previousReturns"] = [
                _render.return_record(call.store, call.store.returns[i]) for i in previous
            ]
        body["return"] = _render.return_record(call.store, record)
        return Reply(200, body)


HANDLERS: dict[str, Handler] = {
    "updateCustomerSessionV2": update_customer_session,
    "getCustomerSession": get_customer_session,
    "reopenCustomerSession": reopen_customer_session,
    "returnCartItems": return_cart_items,
}
