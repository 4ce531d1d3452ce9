"""Name the field at fault when a request body cannot be converted, in either direction.

Generated models check nothing in their constructors, and ``from_dict``/``to_dict`` fail with a
bare ``KeyError``, ``ValueError``, ``TypeError`` or ``AttributeError`` that names no field. These
functions run on that failure only, never on the happy path: they walk the body along the
models' type annotations to the innermost value at fault and name it by path.

- A model that will not serialize (a ``str`` where an enum belongs, a dict where a model
  belongs, a naive ``datetime``) is named by attribute: ``body.customer_session.state``.
- A dict that will not load (a missing key, an unknown enum value, a list where an object
  belongs) is named by the JSON keys the caller wrote: ``body.customerSession.cartItems[0]``.
"""

from __future__ import annotations

import datetime
import enum
import functools
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, cast

import attrs

from ._errors import InvalidRequestError
from ._generated.types import Unset

__all__ = ["undecodable", "unserializable"]


def unserializable(body: object, error: Exception, field: str = "body") -> InvalidRequestError:
    """The caller's error for a model ``body`` whose ``to_dict()`` raised ``error``."""
    try:
        found = _locate_in_model(body, field)
    except Exception:
        # A diagnosis must never hide the original error.
        found = None
    return InvalidRequestError(found or f"{field}: cannot be serialized: {error}")


def undecodable(cls: type[Any], data: Mapping[str, Any], error: Exception, field: str) -> InvalidRequestError:
    """The caller's error for a dict ``data`` that ``cls.from_dict`` rejected with ``error``."""
    try:
        found = _locate_in_dict(cls, data, error, field)
    except Exception:
        found = None
    return InvalidRequestError(found or _plain(cls, error, field))


def _plain(cls: type[Any], error: Exception, path: str) -> str:
    if isinstance(error, KeyError):
        return f"{path}: missing required key {error.args[0]!r}"
    return f"{path}: not a valid {cls.__name__}: {error}"


# --- models -> JSON ----------------------------------------------------------------------------


def _locate_in_model(value: object, path: str) -> str | None:
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if found := _locate_in_model(item, f"{path}[{index}]"):
                return found
        return None
    if not attrs.has(type(value)) or _error(value.to_dict) is None:  # type: ignore[attr-defined]
        return None
    fields = _fields(type(value))
    for name in fields:
        if found := _locate_in_model(getattr(value, name), f"{path}.{name}"):
            return found
    # No nested model fails on its own: one of this model's own values is the culprit.
    hints = _hints(type(value))
    for name in fields:
        if problem := _model_mismatch(getattr(value, name), hints[name], f"{path}.{name}"):
            return problem
    return None


def _model_mismatch(value: object, hint: Any, path: str) -> str | None:
    """Why ``value`` cannot be serialized as ``hint``: only the kinds ``to_dict`` relies on."""
    if isinstance(value, Unset) or value is None:
        return None
    if isinstance(value, datetime.datetime) and value.utcoffset() is None:
        return f"{path}: {value.isoformat()} has no timezone; pass a timezone-aware datetime"
    options = _classes(hint)
    if isinstance(value, list):
        for item_hint in _list_items(hint):
            for index, item in enumerate(value):
                if problem := _model_mismatch(item, item_hint, f"{path}[{index}]"):
                    return problem
        return None
    if any(isinstance(value, option) for option in options):
        return None
    for option in options:
        if issubclass(option, enum.Enum):
            return f"{path}: {_not_a_member(value, option)}"
        if hasattr(option, "from_dict"):
            advice = f"; use {option.__name__}.from_dict(...)" if isinstance(value, Mapping) else ""
            return f"{path}: expected {option.__name__}, got {type(value).__name__}{advice}"
        if option in (datetime.datetime, datetime.date):
            return f"{path}: expected {option.__name__}, got {type(value).__name__}"
    return None


def _not_a_member(value: object, cls: type[enum.Enum]) -> str:
    for member in cls:
        if member.value == value:
            return f"{value!r} is a plain value; pass {cls.__name__}.{member.name}"
    return f"{value!r} is not a {cls.__name__} (one of {_allowed(cls)})"


# --- JSON -> models ----------------------------------------------------------------------------


def _locate_in_dict(cls: type[Any], data: Mapping[str, Any], error: Exception, path: str) -> str | None:
    hints = _hints(cls)
    # Attribute names are the JSON keys snake-cased ("integrationIDs" -> "integration_ids",
    # "type" -> "type_"), so both sides agree once underscores and case are dropped.
    by_key = {_squash(name): name for name in _fields(cls)}
    for key, value in data.items():
        name = by_key.get(_squash(key)) if isinstance(key, str) else None
        if name is not None and (problem := _dict_mismatch(value, hints[name], f"{path}.{key}")):
            return problem
    if isinstance(error, KeyError):
        return f"{path}: missing required key {error.args[0]!r}"
    return None


def _dict_mismatch(value: Any, hint: Any, path: str) -> str | None:
    """Why ``from_dict`` cannot load ``value`` as ``hint``: only the kinds it decodes itself."""
    if value is None:
        return None
    options = _classes(hint)
    for item_hint in _list_items(hint):
        if not _decoded(_classes(item_hint)):
            continue
        if not isinstance(value, list):
            return f"{path}: expected a list, got {type(value).__name__}"
        for index, item in enumerate(value):
            if problem := _dict_mismatch(item, item_hint, f"{path}[{index}]"):
                return problem
        return None
    for option in options:
        if hasattr(option, "from_dict"):
            if not isinstance(value, Mapping):
                return f"{path}: expected an object ({option.__name__}), got {type(value).__name__}"
            error = _error(functools.partial(option.from_dict, value, strict=True))
            if error is None:
                return None
            return _locate_in_dict(option, value, error, path) or _plain(option, error, path)
        if issubclass(option, enum.Enum) and all(member.value != value for member in option):
            return f"{path}: {value!r} is not one of {_allowed(option)}"
        if option is datetime.datetime and _error(functools.partial(datetime.datetime.fromisoformat, value)):
            return f"{path}: {value!r} is not an ISO 8601 date-time"
    return None


def _decoded(options: list[type[Any]]) -> bool:
    """Whether ``from_dict`` decodes this type itself (other values are taken as they are)."""
    return any(
        hasattr(option, "from_dict") or issubclass(option, enum.Enum) or option is datetime.datetime
        for option in options
    )


# --- shared --------------------------------------------------------------------------------------


def _error(call: typing.Callable[[], object]) -> Exception | None:
    try:
        call()
    except Exception as exc:
        return exc
    return None


def _fields(cls: type[Any]) -> list[str]:
    all_fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    return [f.name for f in all_fields if f.name != "additional_properties"]


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Generated modules import the models they refer to on first use of to_dict/from_dict, which
    # has happened by now, so their globals resolve every annotation. The class's own __module__
    # is its public home (talon_async.models); its methods still name the defining module.
    return typing.get_type_hints(cls, vars(sys.modules[cls.from_dict.__module__]))


def _union(hint: Any) -> tuple[Any, ...]:
    return typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def _classes(hint: Any) -> list[type[Any]]:
    """The classes a hint allows, without ``Unset`` and ``None`` (``list[X]`` is not a class)."""
    return [
        option for option in _union(hint) if isinstance(option, type) and option not in (Unset, type(None))
    ]


def _list_items(hint: Any) -> list[Any]:
    """``X`` for each ``list[X]`` the hint allows."""
    return [typing.get_args(option)[0] for option in _union(hint) if typing.get_origin(option) is list]


def _allowed(cls: type[enum.Enum]) -> str:
    return ", ".join(repr(member.value) for member in cls)


def _squash(name: str) -> str:
    return name.replace("_", "").lower()
