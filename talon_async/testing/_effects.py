"""Applying effects to the store, and undoing them.

Strictly private. Rules only describe effects; this is where they change state, in two stages as
Talon.One documents them:

- ``apply_now``: attribute updates, coupon reservations and audience changes take effect with the
  request that produced them (a dry run aside), and cancelling a session does not undo them.
- ``apply``: points added or deducted and coupons redeemed only count once a session closes (an open
  session's balances are tentative); cancelling, reopening or returning rolls them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from . import _ledger
from ._state import LedgerTransaction, Session, Store, TransactionSource

__all__ = ["apply", "apply_now", "points_by_recipient", "rollback", "rollback_points"]


def _when(value: Any) -> datetime | None:
    """An effect's optional RFC 3339 date (already checked against the document), as a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _attribute_target(path: str) -> tuple[str, str] | None:
    """(entity, attribute name) for an ``updateAttribute`` path such as ``Profile.Tier``.

    The first segment names the entity (profile or session, any case); an optional
    ``attributes`` segment may follow; the rest is the attribute name.
    """
    entity, _, rest = path.partition(".")
    entity = entity.lower()
    if entity in ("customerprofile",):
        entity = "profile"
    elif entity in ("customersession",):
        entity = "session"
    if rest.lower().startswith("attributes."):
        rest = rest[len("attributes.") :]
    if entity not in ("profile", "session") or not rest:
        return None
    return entity, rest


def apply_now(
    store: Store,
    effects: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    profile_id: str | None,
    session: Session | None = None,
) -> None:
    """Apply the effects that change state at once: attributes, reservations and audiences."""
    for effect in effects:
        kind = effect["effectType"]
        props = effect["props"]
        if kind == "updateAttribute":
            target = _attribute_target(str(props["path"]))
            if target is None:
                continue
            entity, name = target
            if entity == "profile" and profile_id:
                store.profile(profile_id, now).attributes[name] = props["value"]
            elif entity == "session" and session is not None:
                session.attributes[name] = props["value"]
        elif kind == "reserveCoupon":
            coupon = store.coupons.get(props["couponValue"])
            holder = props["profileIntegrationId"]
            if coupon is None or not holder or holder in coupon.reserved_by:
                continue
            # Unlike the reservation endpoint, the effect honours the coupon's reservation limit.
            if coupon.reservation_limit and len(coupon.reserved_by) >= coupon.reservation_limit:
                continue
            store.profile(holder, now)
            coupon.reserved_by[holder] = None
        elif kind in ("addToAudience", "removeFromAudience"):
            audience = store.audiences.get(props.get("audienceId", -1))
            member = props.get("profileIntegrationId") or profile_id
            if audience is None or not member:
                continue
            if kind == "addToAudience":
                store.profile(member, now)
                audience.members[member] = None
            else:
                audience.members.pop(member, None)
            audience.last_update = now


def _effect_like(original: Mapping[str, Any], effect_type: str, props: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in original.items() if k not in ("effectType", "props")}
    out["effectType"] = effect_type
    out["props"] = props
    return out


def write_points(
    store: Store,
    *,
    program_id: int,
    amount: float,
    now: datetime,
    kind: str,
    name: str,
    integration_id: str | None = None,
    card_identifier: str | None = None,
    subledger_id: str = "",
    uuid: str | None = None,
    session_id: str | None = None,
    source: TransactionSource = "manual",
    rule_name: str | None = None,
    ruleset_id: int | None = None,
    start_date: datetime | None = None,
    expiry_date: datetime | None = None,
) -> LedgerTransaction:
    """Append one addition or subtraction to a profile's or a card's ledger."""
    owner_kind: Literal["profile", "card"] = "card" if card_identifier else "profile"
    owner = card_identifier or integration_id or ""
    if owner_kind == "profile":
        profile = store.profile(owner, now)
        profile.loyalty_joined.setdefault(program_id, now)
    tx = LedgerTransaction(
        id=store.next_id("transaction"),
        uuid=uuid or store.uuid(),
        created=now,
        program_id=program_id,
        owner_kind=owner_kind,
        owner=owner,
        type="addition" if kind == "addition" else "subtraction",
        name=name,
        amount=float(amount),
        subledger_id=subledger_id,
        start_date=start_date,
        expiry_date=expiry_date,
        session_id=session_id,
        source=source,
        ruleset_id=ruleset_id,
        rule_name=rule_name,
        profile_integration_id=integration_id,
    )
    store.transactions.append(tx)
    return tx


def apply(
    store: Store,
    effects: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    session_id: str | None = None,
    profile_id: str | None = None,
) -> list[int]:
    """Write points and count redemptions; returns the ids of the ledger transactions written."""
    written: list[int] = []
    for effect in effects:
        kind = effect["effectType"]
        props = effect["props"]
        if kind == "deductLoyaltyPoints" and props["programId"] in store.programs:
            card = props.get("cardIdentifier")
            if not card and not profile_id:
                continue  # an anonymous session has no ledger to deduct from
            tx = write_points(
                store,
                program_id=props["programId"],
                amount=props["value"],
                now=now,
                kind="subtraction",
                name=props["name"],
                integration_id=profile_id,
                card_identifier=card,
                subledger_id=props["subLedgerId"],
                uuid=props["transactionUUID"],
                session_id=session_id,
                source="session",
                rule_name=effect.get("ruleName"),
                ruleset_id=effect.get("rulesetId"),
            )
            written.append(tx.id)
        elif kind == "addLoyaltyPoints" and props["programId"] in store.programs:
            tx = write_points(
                store,
                program_id=props["programId"],
                amount=props["value"],
                now=now,
                kind="addition",
                name=props["name"],
                integration_id=props["recipientIntegrationId"] or None,
                card_identifier=props.get("cardIdentifier"),
                subledger_id=props["subLedgerId"],
                uuid=props["transactionUUID"],
                session_id=session_id,
                source="session",
                rule_name=effect.get("ruleName"),
                ruleset_id=effect.get("rulesetId"),
                start_date=_when(props.get("startDate")),
                expiry_date=_when(props.get("expiryDate")),
            )
            written.append(tx.id)
        elif kind == "acceptCoupon" and props["value"] in store.coupons:
            store.coupons[props["value"]].usage_counter += 1
    return written


def rollback_points(store: Store, tx_ids: Iterable[int], *, now: datetime) -> list[dict[str, Any]]:
    """Undo earlier ledger writes: subtract what is left of additions, give deductions back.

    Returns the ``rollbackAddedLoyaltyPoints`` and ``rollbackDeductedLoyaltyPoints`` effects.
    """
    wanted = set(tx_ids)
    effects: list[dict[str, Any]] = []
    for tx in [t for t in store.transactions if t.id in wanted]:
        if tx.type == "addition":
            txs = _ledger.ledger(store, tx.program_id, tx.owner_kind, tx.owner)
            amount = next((lot.remaining for lot in _ledger.lots(txs) if lot.tx.id == tx.id), 0.0)
            undo: Literal["addition", "subtraction"] = "subtraction"
            kind = "rollbackAddedLoyaltyPoints"
        else:
            amount, undo, kind = tx.amount, "addition", "rollbackDeductedLoyaltyPoints"
        if amount <= 0:
            continue
        write_points(
            store,
            program_id=tx.program_id,
            amount=amount,
            now=now,
            kind=undo,
            name=f"Rollback: {tx.name}",
            integration_id=tx.profile_integration_id if tx.owner_kind == "card" else tx.owner,
            card_identifier=tx.owner if tx.owner_kind == "card" else None,
            subledger_id=tx.subledger_id,
            session_id=tx.session_id,
            source="session",
        )
        props: dict[str, Any] = {
            "programId": tx.program_id,
            "subLedgerId": tx.subledger_id,
            "value": amount,
            "recipientIntegrationId": tx.profile_integration_id or "",
            "transactionUUID": tx.uuid,
        }
        if tx.owner_kind == "card":
            props["cardIdentifier"] = tx.owner
        base = {"campaignId": tx.ruleset_id or 0, "rulesetId": tx.ruleset_id or 0, "ruleIndex": 0}
        effects.append({**base, "ruleName": tx.rule_name or "", "effectType": kind, "props": props})
    return effects


def rollback(store: Store, session: Session, *, now: datetime, points: bool = True) -> list[dict[str, Any]]:
    """Undo a closed session's discounts, coupon redemptions and (optionally) points."""
    effects: list[dict[str, Any]] = []
    for effect in session.effects:
        props = effect["props"]
        if effect["effectType"] == "setDiscount":
            effects.append(
                _effect_like(effect, "rollbackDiscount", {"name": props["name"], "value": props["value"]})
            )
        elif effect["effectType"] == "acceptCoupon":
            coupon = store.coupons.get(props["value"])
            if coupon is not None and coupon.usage_counter > 0:
                coupon.usage_counter -= 1
            effects.append(_effect_like(effect, "rollbackCoupon", {"value": props["value"]}))
    if points:
        effects.extend(rollback_points(store, session.committed_transactions, now=now))
        session.committed_transactions = []
    return effects


def points_by_recipient(effects: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str, str, str], float]:
    """Total ``addLoyaltyPoints`` per (program, recipient, card, subledger)."""
    totals: dict[tuple[int, str, str, str], float] = {}
    for effect in effects:
        if effect["effectType"] != "addLoyaltyPoints":
            continue
        p = effect["props"]
        key = (p["programId"], p["recipientIntegrationId"], p.get("cardIdentifier", ""), p["subLedgerId"])
        totals[key] = totals.get(key, 0.0) + float(p["value"])
    return totals
