"""``value()``: read an optional model field without an ``Unset`` check on every line."""

from __future__ import annotations

from typing import TypeVar, overload

from ._generated.types import Unset

__all__ = ["value"]

T = TypeVar("T")
D = TypeVar("D")


@overload
def value(field: T | Unset) -> T | None: ...
@overload
def value(field: T | Unset, default: D) -> T | D: ...
def value(field: object, default: object = None) -> object:
    """The field's value, or ``default`` (``None`` unless given) when the answer left it out.

    Optional model fields are typed ``T | Unset``: ``UNSET`` means the JSON had no such key, which
    differs from an explicit ``null``. Where that difference does not matter to you, ``value``
    folds ``UNSET`` into a default of your choice, and type checkers follow::

        total = value(session.total, 0.0)           # float
        profile_id = value(session.profile_id)      # str | None
    """
    return default if isinstance(field, Unset) else field
