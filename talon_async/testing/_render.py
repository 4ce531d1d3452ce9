"""Records to the JSON shapes of the OpenAPI document.

Strictly private. Every function returns plain dicts ready for ``json.dumps``; the fake validates
what they produce against the document before sending it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from . import _ledger
from ._spec import load_spec
from ._state import (
    Audience,
    Catalog,
    Coupon,
    Event,
    LedgerTransaction,
    LoyaltyCard,
    LoyaltyProgram,
    Profile,
    Referral,
    ReturnRecord,
    Session,
    Store,
    Tier,
)

__all__ = [
    "audience",
    "card",
    "cart_totals",
    "catalog",
    "coupon",
    "event",
    "ledger_info",
    "loyalty",
    "points_entry",
    "profile",
    "referral",
    "return_record",
    "session",
    "timestamp",
    "transaction",
]


def timestamp(value: datetime) -> str:
    """RFC 3339 in UTC, as the API writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def profile(store: Store, p: Profile) -> dict[str, Any]:
    """A ``CustomerProfile``; ``loyaltyMemberships`` stays null, as Talon.One sends it."""
    memberships = [
        {"id": a.id, "name": a.name} for a in store.audiences.values() if p.integration_id in a.members
    ]
    out = {
        "id": p.id,
        "created": timestamp(p.created),
        "integrationId": p.integration_id,
        "attributes": dict(p.attributes),
        "accountId": store.account_id,
        "closedSessions": p.closed_sessions,
        "totalSales": p.total_sales,
        # Talon.One documents this field as always null: memberships are read from the ledgers.
        "loyaltyMemberships": None,
        "audienceMemberships": memberships,
        "lastActivity": timestamp(p.last_activity),
        "sandbox": False,
    }
    if not load_spec().memberships_nullable:
        del out["loyaltyMemberships"]
    return out


def remaining_quantity(item: dict[str, Any]) -> int:
    return int(item["quantity"]) - int(item.get("returnedQuantity", 0))


def cart_totals(s: Session) -> tuple[float, float]:
    """(cart item total, additional cost total) of what the customer still keeps."""
    items = sum(float(i.get("price") or 0) * remaining_quantity(i) for i in s.cart_items)
    costs = sum(float(c.get("price") or 0) for c in s.additional_costs.values())
    return round(items, 6), round(costs, 6)


def session(store: Store, s: Session) -> dict[str, Any]:
    cart_total, cost_total = cart_totals(s)
    # Required in every session answer: what the items' own additional costs add up to.
    item_costs = sum(
        float(cost.get("price") or 0) * remaining_quantity(item)
        for item in s.cart_items
        for cost in (item.get("additionalCosts") or {}).values()
    )
    items = []
    for position, item in enumerate(s.cart_items):
        rendered = dict(item)
        rendered.setdefault("position", position)
        rendered["returnedQuantity"] = int(item.get("returnedQuantity", 0))
        rendered["remainingQuantity"] = remaining_quantity(item)
        items.append(rendered)
    return _drop_none(
        {
            "id": s.id,
            "created": timestamp(s.created),
            "integrationId": s.integration_id,
            "applicationId": store.application_id,
            # An anonymous session has the empty profile ID, as it was created with.
            "profileId": s.profile_id or "",
            "storeIntegrationId": s.store_integration_id,
            "evaluableCampaignIds": s.evaluable_campaign_ids,
            "couponCodes": list(s.coupon_codes),
            "referralCode": s.referral_code,
            "loyaltyCards": list(s.loyalty_cards),
            "state": s.state,
            "cartItems": items,
            "additionalCosts": dict(s.additional_costs),
            "identifiers": list(s.identifiers),
            "attributes": dict(s.attributes),
            "firstSession": s.first_session,
            "updateCount": s.update_count,
            "total": round(cart_total + cost_total, 6),
            "cartItemTotal": cart_total,
            "additionalCostTotal": cost_total,
            "cartItemAdditionalCostTotal": round(item_costs, 6),
            "updated": timestamp(s.updated),
        }
    )


def coupon(c: Coupon, *, integration: bool = False, state: str | None = None) -> dict[str, Any]:
    """A ``Coupon``; ``integration`` adds ``IntegrationCoupon``'s fields, ``state`` ``InventoryCoupon``'s."""
    out = _drop_none(
        {
            "id": c.id,
            "created": timestamp(c.created),
            "campaignId": c.campaign_id,
            "value": c.value,
            "usageLimit": c.usage_limit,
            "reservationLimit": c.reservation_limit,
            "startDate": timestamp(c.start_date) if c.start_date else None,
            "expiryDate": timestamp(c.expiry_date) if c.expiry_date else None,
            "usageCounter": c.usage_counter,
            "reservationCounter": float(len(c.reserved_by)),
            "attributes": dict(c.attributes),
            "recipientIntegrationId": c.recipient_integration_id,
            "reservation": True,
            "isReservationMandatory": c.is_reservation_mandatory,
            "implicitlyReserved": c.implicitly_reserved,
        }
    )
    if integration or state is not None:
        out["profileRedemptionCount"] = 0
    if state is not None:
        out["state"] = state
    return out


def referral(r: Referral, *, inventory: bool = False) -> dict[str, Any]:
    out = _drop_none(
        {
            "id": r.id,
            "created": timestamp(r.created),
            "startDate": timestamp(r.start_date) if r.start_date else None,
            "expiryDate": timestamp(r.expiry_date) if r.expiry_date else None,
            # Always present in a referral answer; 0 is Talon.One's "no limit".
            "usageLimit": r.usage_limit if r.usage_limit is not None else 0,
            "campaignId": r.campaign_id,
            "advocateProfileIntegrationId": r.advocate,
            "friendProfileIntegrationId": r.friend,
            "attributes": dict(r.attributes),
            "code": r.code,
            "usageCounter": r.usage_counter,
            "batchId": r.batch_id,
        }
    )
    if inventory:
        out["referredCustomers"] = [r.friend] if r.friend else []
    return out


def audience(store: Store, a: Audience) -> dict[str, Any]:
    return _drop_none(
        {
            "accountId": store.account_id,
            "id": a.id,
            "created": timestamp(a.created),
            "name": a.name,
            "sandbox": a.sandbox,
            "description": a.description,
            "integration": a.integration,
            "integrationId": a.integration_id,
            "createdIn3rdParty": a.created_in_3rd_party,
            "lastUpdate": timestamp(a.last_update) if a.last_update else None,
        }
    )


def _tiers(tiers: tuple[Tier, ...], points: float) -> tuple[Tier | None, Tier | None]:
    current: Tier | None = None
    following: Tier | None = None
    for tier in sorted(tiers, key=lambda t: t.min_points):
        if tier.min_points <= points:
            current = tier
        elif following is None:
            following = tier
    return current, following


def tier_fields(program: LoyaltyProgram, points: float) -> dict[str, Any]:
    current, following = _tiers(program.tiers, points)
    out: dict[str, Any] = {}
    if current is not None:
        out["currentTier"] = {"id": program.tiers.index(current) + 1, "name": current.name}
    if following is not None:
        out["pointsToNextTier"] = round(following.min_points - points, 6)
        out["nextTierName"] = following.name
    return out


def ledger_info(program: LoyaltyProgram, b: _ledger.Balance) -> dict[str, Any]:
    info: dict[str, Any] = {
        "currentBalance": b.active,
        "pendingBalance": b.pending,
        "negativeBalance": b.negative,
        "expiredBalance": b.expired,
        "spentBalance": b.spent,
        "tentativeCurrentBalance": b.active,
        "tentativePendingBalance": b.pending,
        "tentativeNegativeBalance": b.negative,
    }
    fields = tier_fields(program, b.active)
    info.update({k: v for k, v in fields.items() if k in ("currentTier", "pointsToNextTier")})
    return info


def _subledger_ids(transactions: Iterable[LedgerTransaction]) -> list[str]:
    return sorted({tx.subledger_id for tx in transactions if tx.subledger_id})


def _ledgers(
    store: Store, program: LoyaltyProgram, kind: Literal["profile", "card"], owner: str, now: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    txs = _ledger.ledger(store, program.id, kind, owner)
    main = ledger_info(program, _ledger.balance([t for t in txs if not t.subledger_id], now))
    subs = {
        sub: ledger_info(program, _ledger.balance([t for t in txs if t.subledger_id == sub], now))
        for sub in _subledger_ids(txs)
    }
    return main, subs


def card(store: Store, c: LoyaltyCard, now: datetime) -> dict[str, Any]:
    program = store.programs[c.program_id]
    main, subs = _ledgers(store, program, "card", c.identifier, now)
    return _drop_none(
        {
            "id": c.id,
            "created": timestamp(c.created),
            "programID": program.id,
            "programName": program.name,
            "programTitle": program.title,
            "status": c.status,
            "identifier": c.identifier,
            "usersPerCardLimit": program.users_per_card_limit,
            "profiles": [
                {"integrationId": pid, "timestamp": timestamp(when)} for pid, when in c.profiles.items()
            ],
            "ledger": main,
            "subledgers": subs,
            "modified": timestamp(c.modified) if c.modified else None,
            "batchId": c.batch_id,
        }
    )


def loyalty(store: Store, p: Profile, now: datetime) -> dict[str, Any]:
    programs: dict[str, Any] = {}
    for pid, joined in p.loyalty_joined.items():
        program = store.programs.get(pid)
        if program is None or program.card_based:
            continue
        main, subs = _ledgers(store, program, "profile", p.integration_id, now)
        programs[str(pid)] = {
            "id": pid,
            "title": program.title,
            "name": program.name,
            "joinDate": timestamp(joined),
            "ledger": main,
            "subLedgers": subs,
        }
    cards = [card(store, c, now) for c in store.cards.values() if p.integration_id in c.profiles]
    return {"programs": programs, "cards": cards}


def _date_text(value: datetime | None, fallback: str) -> str:
    return timestamp(value) if value is not None else fallback


def points_entry(lot: _ledger.Lot, *, card_entry: bool = False) -> dict[str, Any]:
    tx = lot.tx
    out = _drop_none(
        {
            "id": tx.id,
            "transactionUUID": tx.uuid,
            "created": timestamp(tx.created),
            "programId": tx.program_id,
            "customerSessionId": tx.session_id,
            "name": tx.name,
            "startDate": _date_text(tx.start_date, "immediate"),
            "expiryDate": _date_text(tx.expiry_date, "unlimited"),
            "subledgerId": tx.subledger_id,
            "amount": lot.remaining,
        }
    )
    if card_entry and tx.profile_integration_id:
        out["customerProfileID"] = tx.profile_integration_id
    return out


def transaction(tx: LedgerTransaction, *, card_entry: bool = False) -> dict[str, Any]:
    out = _drop_none(
        {
            "transactionUUID": tx.uuid,
            "created": timestamp(tx.created),
            "programId": tx.program_id,
            "customerSessionId": tx.session_id,
            "type": tx.type,
            "name": tx.name,
            "startDate": _date_text(tx.start_date, "immediate"),
            "expiryDate": _date_text(tx.expiry_date, "unlimited"),
            "subledgerId": tx.subledger_id,
            "amount": tx.amount,
            "id": tx.id,
            "rulesetId": tx.ruleset_id,
            "ruleName": tx.rule_name,
        }
    )
    if card_entry:
        out["cardIdentifier"] = tx.owner
    return out


def catalog(store: Store, c: Catalog) -> dict[str, Any]:
    return {
        "id": c.id,
        "created": timestamp(c.created),
        "accountId": store.account_id,
        "modified": timestamp(c.modified),
        "name": c.name,
        "description": c.description,
        "subscribedApplicationsIds": [store.application_id],
        "version": c.version,
        "createdBy": 1,
    }


def event(store: Store, e: Event) -> dict[str, Any]:
    return _drop_none(
        {
            "id": e.id,
            "created": timestamp(e.created),
            "applicationId": store.application_id,
            "profileId": e.profile_id,
            "storeIntegrationId": e.store_integration_id,
            "type": e.type,
            "attributes": dict(e.attributes),
            "sessionId": e.session_id,
            # Events keep effects in Talon's compact form: one array per effect.
            "effects": [_compact_effect(x) for x in e.effects],
        }
    )


def _compact_effect(effect: dict[str, Any]) -> list[Any]:
    """``[campaignId, rulesetId, ruleIndex, effectType, props]``: how an event lists an effect."""
    return [
        effect.get("campaignId", 0),
        effect.get("rulesetId", 0),
        effect.get("ruleIndex", 0),
        effect["effectType"],
        dict(effect.get("props") or {}),
    ]


def return_record(store: Store, r: ReturnRecord) -> dict[str, Any]:
    return _drop_none(
        {
            "id": r.id,
            "created": timestamp(r.created),
            "applicationId": store.application_id,
            "accountId": store.account_id,
            "returnedCartItems": [dict(i) for i in r.returned_cart_items],
            "eventId": r.event_id,
            "sessionId": r.session_id,
            "sessionIntegrationId": r.session_integration_id,
            "profileId": r.profile_id,
            "profileIntegrationId": r.profile_integration_id,
        }
    )
