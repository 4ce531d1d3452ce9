"""Ledger arithmetic: which points are unused and what the balances add up to."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from talon_async.testing._effects import write_points
from talon_async.testing._ledger import balance, ledger, lots
from talon_async.testing._state import Store

T0 = datetime(2030, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def store() -> Store:
    return Store(clock=lambda: T0, rng=random.Random(0))


def add(s: Store, amount: float, at: datetime, kind: str = "addition", **extra: object) -> None:
    write_points(s, program_id=1, amount=amount, now=at, kind=kind, name="t", integration_id="p", **extra)  # type: ignore[arg-type]


def test_subtraction_spends_the_soonest_expiring_points_first() -> None:
    """A subtraction takes from points that expire soonest, unlimited ones last."""
    s = store()
    add(s, 10, T0)
    add(s, 10, T0, expiry_date=T0 + 5 * DAY)
    add(s, 15, T0 + DAY, kind="subtraction")
    left = lots(ledger(s, 1, "profile", "p"))
    assert [(lot.remaining, lot.tx.expiry_date) for lot in left] == [(5, None)]
    assert balance(ledger(s, 1, "profile", "p"), T0 + DAY).spent == 15


def test_expired_and_pending_points_are_not_spendable() -> None:
    """Expired and not yet started points count separately and cannot be spent."""
    s = store()
    add(s, 10, T0, expiry_date=T0 + DAY)
    add(s, 20, T0, start_date=T0 + 10 * DAY)
    add(s, 5, T0 + 2 * DAY, kind="subtraction")
    b = balance(ledger(s, 1, "profile", "p"), T0 + 3 * DAY)
    assert (b.active, b.pending, b.expired, b.spent, b.negative) == (0, 20, 10, 0, 5)


def test_later_additions_pay_back_a_negative_balance() -> None:
    """Points added after an overdraft first cover the negative balance."""
    s = store()
    add(s, 8, T0, kind="subtraction")
    add(s, 10, T0 + DAY)
    b = balance(ledger(s, 1, "profile", "p"), T0 + 2 * DAY)
    assert (b.active, b.negative) == (2, 0)


def test_ledger_filters_by_subledger_and_cut_off() -> None:
    """A ledger can be limited to subledgers and to transactions up to a moment."""
    s = store()
    add(s, 1, T0)
    add(s, 2, T0 + DAY, subledger_id="travel")
    assert [t.amount for t in ledger(s, 1, "profile", "p", subledgers=["travel"])] == [2]
    assert [t.amount for t in ledger(s, 1, "profile", "p", until=T0)] == [1]
    assert s.profiles["p"].loyalty_joined == {1: T0}
