"""Name the attribute at fault when a request body model cannot be serialized.

Generated models accept any value in their constructors, so a ``str`` where an enum belongs, a
dict where a model belongs or a naive ``datetime`` only fails inside ``to_dict()``, with an
``AttributeError`` or ``ValueError`` that names no field. This runs on that failure only (never
on the happy path): it finds the innermost model whose ``to_dict()`` fails, then the attribute
whose value does not fit its annotation, and reports it by path, e.g.
``body.customer_session.cart_items[2].state``.
"""

from __future__ import annotations

import datetime
import enum
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, cast

import attrs

from ._errors import InvalidRequestError
from ._generated.types import Unset

__all__ = ["unserializable"]


def unserializable(body: object, error: Exception, field: str = "body") -> InvalidRequestError:
    """The caller's error for ``body`` whose serialization raised ``error``."""
    try:
        found = _locate(body, field)
    except Exception:
        # A diagnosis must never hide the original error.
        found = None
    return InvalidRequestError(found or f"{field}: cannot be serialized: {error}")


def _locate(value: object, path: str) -> str | None:
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if found := _locate(item, f"{path}[{index}]"):
                return found
        return None
    if not attrs.has(type(value)) or _serializes(value):
        return None
    all_fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
    fields = [f for f in all_fields if f.name != "additional_properties"]
    for f in fields:
        if found := _locate(getattr(value, f.name), f"{path}.{f.name}"):
            return found
    # No nested model fails on its own: one of this model's own values is the culprit.
    cls = type(value)
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    for f in fields:
        if problem := _mismatch(getattr(value, f.name), hints.get(f.name), f"{path}.{f.name}"):
            return problem
    return f"{path}: cannot be serialized"


def _serializes(model: Any) -> bool:
    try:
        model.to_dict()
    except Exception:
        return False
    return True


def _mismatch(value: object, hint: Any, path: str) -> str | None:
    """Why ``value`` cannot be serialized as ``hint``; only the kinds ``to_dict`` itself relies on."""
    if isinstance(value, Unset) or value is None or hint is None:
        return None
    if isinstance(value, datetime.datetime) and value.utcoffset() is None:
        return f"{path}: {value.isoformat()} has no timezone; pass a timezone-aware datetime"
    union = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    options = [option for option in union if option not in (Unset, type(None))]
    if isinstance(value, list):
        for option in options:
            if typing.get_origin(option) is list:
                (item_hint,) = typing.get_args(option)
                for index, item in enumerate(value):
                    if problem := _mismatch(item, item_hint, f"{path}[{index}]"):
                        return problem
        return None
    if any(isinstance(option, type) and isinstance(value, option) for option in options):
        return None
    for option in options:
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return f"{path}: {_not_a_member(value, option)}"
        if isinstance(option, type) and hasattr(option, "from_dict"):
            advice = f"; use {option.__name__}.from_dict(...)" if isinstance(value, Mapping) else ""
            return f"{path}: expected {option.__name__}, got {type(value).__name__}{advice}"
        if option in (datetime.datetime, datetime.date):
            return f"{path}: expected {option.__name__}, got {type(value).__name__}"
    return None


def _not_a_member(value: object, cls: type[enum.Enum]) -> str:
    for member in cls:
        if member.value == value:
            return f"{value!r} is a plain value; pass {cls.__name__}.{member.name}"
    allowed = ", ".join(repr(member.value) for member in cls)
    return f"{value!r} is not a {cls.__name__} (one of {allowed})"
