"""Points ledgers: which points are still unused, and the balances they add up to.

Strictly private. A ledger is the list of transactions of one profile or card in one program;
subtractions spend the active points that expire first, and anything they cannot cover is a
negative balance that later additions pay back first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

import attrs

from ._state import LedgerTransaction, Store

__all__ = ["Balance", "Lot", "balance", "ledger", "lots"]

LotStatus = Literal["active", "pending", "expired"]


@attrs.define
class Lot:
    """An addition, with the part of it that no subtraction has spent yet."""

    tx: LedgerTransaction
    remaining: float

    def status(self, at: datetime) -> LotStatus:
        if self.tx.start_date is not None and self.tx.start_date > at:
            return "pending"
        if self.tx.expiry_date is not None and self.tx.expiry_date <= at:
            return "expired"
        return "active"


@attrs.frozen
class Balance:
    active: float = 0.0
    pending: float = 0.0
    expired: float = 0.0
    spent: float = 0.0
    negative: float = 0.0


def ledger(
    store: Store,
    program_id: int,
    owner_kind: Literal["profile", "card"],
    owner: str,
    *,
    subledgers: Iterable[str] | None = None,
    until: datetime | None = None,
) -> list[LedgerTransaction]:
    """One ledger's transactions, oldest first, optionally limited to subledgers and a cut-off."""
    wanted = None if subledgers is None else set(subledgers)
    return [
        tx
        for tx in store.transactions
        if tx.program_id == program_id
        and tx.owner_kind == owner_kind
        and tx.owner == owner
        and (wanted is None or tx.subledger_id in wanted)
        and (until is None or tx.created <= until)
    ]


def _replay(transactions: Iterable[LedgerTransaction]) -> tuple[list[Lot], float, float]:
    lots_: list[Lot] = []
    spent = 0.0
    negative = 0.0
    for tx in sorted(transactions, key=lambda t: (t.created, t.id)):
        if tx.type == "addition":
            payback = min(negative, tx.amount)
            negative -= payback
            lots_.append(Lot(tx, tx.amount - payback))
            continue
        due = tx.amount
        usable = [lot for lot in lots_ if lot.remaining > 0 and lot.status(tx.created) == "active"]
        usable.sort(key=lambda lot: (lot.tx.expiry_date is None, lot.tx.expiry_date or tx.created, lot.tx.id))
        for lot in usable:
            take = min(lot.remaining, due)
            lot.remaining -= take
            due -= take
            spent += take
            if due <= 0:
                break
        negative += due
    return lots_, spent, negative


def lots(transactions: Iterable[LedgerTransaction]) -> list[Lot]:
    """Additions with unspent points left, oldest first."""
    return [lot for lot in _replay(transactions)[0] if lot.remaining > 0]


def balance(transactions: Iterable[LedgerTransaction], at: datetime) -> Balance:
    """The balance of a ledger as it stands at ``at``."""
    lots_, spent, negative = _replay(transactions)
    totals = {"active": 0.0, "pending": 0.0, "expired": 0.0}
    for lot in lots_:
        totals[lot.status(at)] += lot.remaining
    return Balance(totals["active"], totals["pending"], totals["expired"], spent, negative)
