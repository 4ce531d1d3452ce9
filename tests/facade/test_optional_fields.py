"""talon_async.value folds UNSET into a default and passes every present value through, None included."""

from __future__ import annotations

import talon_async
from talon_async import UNSET
from talon_async.models import CartItem


def test_unset_becomes_the_default() -> None:
    """A field the answer left out reads as None, or as the default given."""
    item = CartItem(sku="A", quantity=1, price=2.0)
    assert item.name is UNSET
    assert talon_async.value(item.name) is None
    assert talon_async.value(item.name, "") == ""


def test_present_values_pass_through_unchanged() -> None:
    """A present value, even a falsy one or an explicit None, is returned as it is, not the default."""
    assert talon_async.value(0, 5) == 0
    assert talon_async.value("", "x") == ""
    assert talon_async.value(None, "x") is None
    item = CartItem(sku="A", quantity=1, price=2.0, name="shoe")
    assert talon_async.value(item.name, "") == "shoe"
