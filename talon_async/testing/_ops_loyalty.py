"""Loyalty programs: cards, links to profiles, balances, unused points and transactions.

Strictly private. Lists page with ``skip``/``pageSize`` and say ``hasMore``; transactions are
listed newest first, unused points oldest first (or by ``sort``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from . import _ledger, _render
from ._call import Call, Handler, Reply, page
from ._errors import bad_request, not_found
from ._state import LedgerTransaction, LoyaltyCard, LoyaltyProgram

__all__ = ["HANDLERS"]

Owner = tuple[Literal["profile", "card"], str]


def _program(call: Call) -> LoyaltyProgram:
    program_id = int(call.path["loyaltyProgramId"])
    program = call.store.programs.get(program_id)
    if program is None:
        raise not_found("loyalty program", program_id)
    return program


def _card(call: Call) -> tuple[LoyaltyProgram, LoyaltyCard]:
    program = _program(call)
    identifier = call.path["loyaltyCardId"]
    card = call.store.cards.get((program.id, identifier))
    if card is None:
        raise not_found("loyalty card", identifier)
    return program, card


def _profile_owner(call: Call) -> tuple[LoyaltyProgram, Owner]:
    program = _program(call)
    integration_id = call.path["integrationId"]
    if integration_id not in call.store.profiles:
        raise not_found("customer profile", integration_id)
    return program, ("profile", integration_id)


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _subledgers(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _transactions(call: Call, program: LoyaltyProgram, owner: Owner) -> list[LedgerTransaction]:
    q = call.query
    start, end = _date(q.get("startDate")), _date(q.get("endDate"))
    sessions = set(q.get("customerSessionIDs") or [])
    uuids = set(q.get("transactionUUIDs") or [])
    kind = q.get("loyaltyTransactionType")
    if q.get("awaitsActivation") is False:
        raise bad_request("awaitsActivation can only be true", parameter="awaitsActivation")
    if q.get("awaitsActivation"):
        # The fake never holds points back for activation, so nothing awaits it.
        return []
    txs = _ledger.ledger(
        call.store, program.id, owner[0], owner[1], subledgers=_subledgers(q.get("subledgerId"))
    )
    found = [
        tx
        for tx in txs
        if (start is None or tx.created >= start)
        and (end is None or tx.created <= end)
        and (not sessions or tx.session_id in sessions)
        and (not uuids or tx.uuid in uuids)
        and (kind is None or tx.source == kind)
    ]
    found.sort(key=lambda tx: (tx.created, tx.id), reverse=True)
    return found


def _transactions_page(call: Call, program: LoyaltyProgram, owner: Owner) -> Reply:
    items, more = page(_transactions(call, program, owner), call.query.get("skip"), call.query["pageSize"])
    card_entry = owner[0] == "card"
    return Reply(
        200, {"hasMore": more, "data": [_render.transaction(tx, card_entry=card_entry) for tx in items]}
    )


def _points_page(call: Call, program: LoyaltyProgram, owner: Owner) -> Reply:
    q = call.query
    txs = _ledger.ledger(
        call.store, program.id, owner[0], owner[1], subledgers=_subledgers(q.get("subledgerId"))
    )
    sessions = set(q.get("customerSessionIDs") or [])
    uuids = set(q.get("transactionUUIDs") or [])
    lots = [
        lot
        for lot in _ledger.lots(txs)
        if lot.status(call.now) == q["status"]
        and (not sessions or lot.tx.session_id in sessions)
        and (not uuids or lot.tx.uuid in uuids)
    ]
    if q.get("sort") == "startDate":
        # "immediate" points start when they were written.
        lots.sort(key=lambda lot: lot.tx.start_date or lot.tx.created)
    elif q.get("sort") == "expiryDate":
        # "unlimited" points expire after every dated one.
        lots.sort(key=lambda lot: (lot.tx.expiry_date is None, lot.tx.expiry_date or lot.tx.created))
    items, more = page(lots, q.get("skip"), q["pageSize"])
    card_entry = owner[0] == "card"
    return Reply(
        200, {"hasMore": more, "data": [_render.points_entry(lot, card_entry=card_entry) for lot in items]}
    )


def _balance(
    call: Call, program: LoyaltyProgram, owner: Owner, subledgers: Iterable[str], at: datetime
) -> _ledger.Balance:
    until = _date(call.query.get("endDate"))
    txs = _ledger.ledger(call.store, program.id, owner[0], owner[1], subledgers=subledgers, until=until)
    return _ledger.balance(txs, until or at)


def _all_subledgers(call: Call, program: LoyaltyProgram, owner: Owner) -> list[str]:
    txs = _ledger.ledger(call.store, program.id, owner[0], owner[1])
    return sorted({tx.subledger_id for tx in txs if tx.subledger_id})


def _loyalty_balance(b: _ledger.Balance) -> dict[str, Any]:
    return {
        "activePoints": b.active,
        "pendingPoints": b.pending,
        "spentPoints": b.spent,
        "expiredPoints": b.expired,
        "negativePoints": b.negative,
    }


def _with_tiers(call: Call, program: LoyaltyProgram, b: _ledger.Balance) -> dict[str, Any]:
    out = _loyalty_balance(b)
    if call.query.get("includeTiers"):
        out.update(_render.tier_fields(program, b.active))
    if call.query.get("includeProjectedTier"):
        projected = b.active + b.pending
        current = _render.tier_fields(program, projected).get("currentTier")
        out["projectedTier"] = {"projectedActivePoints": projected}
        if current is not None:
            out["projectedTier"]["projectedTierName"] = current["name"]
    return out


async def get_loyalty_balances(call: Call) -> Reply:
    program, owner = _profile_owner(call)
    wanted = _subledgers(call.query.get("subledgerId"))
    subs = wanted if wanted is not None else _all_subledgers(call, program, owner)
    return Reply(
        200,
        {
            "balance": _with_tiers(call, program, _balance(call, program, owner, [""], call.now)),
            "subledgerBalances": {
                s: _with_tiers(call, program, _balance(call, program, owner, [s], call.now))
                for s in subs
                if s
            },
        },
    )


async def get_loyalty_card_balances(call: Call) -> Reply:
    program, card = _card(call)
    owner: Owner = ("card", card.identifier)
    wanted = _subledgers(call.query.get("subledgerId"))
    subs = wanted if wanted is not None else _all_subledgers(call, program, owner)
    rendered = _render.card(call.store, card, call.now)
    return Reply(
        200,
        {
            "balance": _loyalty_balance(_balance(call, program, owner, [""], call.now)),
            "subledgerBalances": {
                s: _loyalty_balance(_balance(call, program, owner, [s], call.now)) for s in subs if s
            },
            "profiles": rendered["profiles"],
        },
    )


async def get_profile_points(call: Call) -> Reply:
    program, owner = _profile_owner(call)
    return _points_page(call, program, owner)


async def get_profile_transactions(call: Call) -> Reply:
    program, owner = _profile_owner(call)
    return _transactions_page(call, program, owner)


async def get_card_points(call: Call) -> Reply:
    program, card = _card(call)
    return _points_page(call, program, ("card", card.identifier))


async def get_card_transactions(call: Call) -> Reply:
    program, card = _card(call)
    return _transactions_page(call, program, ("card", card.identifier))


def _check_card_program(program: LoyaltyProgram) -> None:
    if not program.card_based:
        raise bad_request(f"loyalty program {program.id} is not card-based")


async def generate_loyalty_card(call: Call) -> Reply:
    program = _program(call)
    _check_card_program(program)
    body = call.body
    profiles = list(dict.fromkeys(body.get("customerProfileIds") or []))
    if len(profiles) > program.users_per_card_limit:
        raise bad_request(
            f"a card of this program links at most {program.users_per_card_limit} profiles",
            pointer="/customerProfileIds",
        )
    identifier = body.get("cardIdentifier") or program.card_code_prefix + call.store.code(10)
    if (program.id, identifier) in call.store.cards:
        raise bad_request(f"card {identifier!r} already exists", pointer="/cardIdentifier")
    card = LoyaltyCard(
        call.store.next_id("card"), call.now, program.id, identifier, body.get("status", "active")
    )
    for integration_id in profiles:
        call.store.profile(integration_id, call.now)
        card.profiles[integration_id] = call.now
    call.store.cards[(program.id, identifier)] = card
    return Reply(200, _render.card(call.store, card, call.now))


async def link_loyalty_card(call: Call) -> Reply:
    program, card = _card(call)
    integration_id = call.body["integrationId"]
    if integration_id not in card.profiles:
        if len(card.profiles) >= program.users_per_card_limit:
            raise bad_request(
                f"card {card.identifier!r} already links {program.users_per_card_limit} profiles",
                pointer="/integrationId",
            )
        call.store.profile(integration_id, call.now)
        card.profiles[integration_id] = call.now
        card.modified = call.now
    return Reply(200, _render.card(call.store, card, call.now))


async def unlink_loyalty_card(call: Call) -> Reply:
    _, card = _card(call)
    integration_id = call.body["integrationId"]
    if card.profiles.pop(integration_id, None) is None:
        raise bad_request(f"profile {integration_id!r} is not linked to this card", pointer="/integrationId")
    card.modified = call.now
    return Reply(200, _render.card(call.store, card, call.now))


HANDLERS: dict[str, Handler] = {
    "generateLoyaltyCard": generate_loyalty_card,
    "getLoyaltyBalances": get_loyalty_balances,
    "getLoyaltyCardBalances": get_loyalty_card_balances,
    "getLoyaltyCardPoints": get_card_points,
    "getLoyaltyCardTransactions": get_card_transactions,
    "getLoyaltyProgramProfilePoints": get_profile_points,
    "getLoyaltyProgramProfileTransactions": get_profile_transactions,
    "linkLoyaltyCardToProfile": link_loyalty_card,
    "unlinkLoyaltyCardFromProfile": unlink_loyalty_card,
}
