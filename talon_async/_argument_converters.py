"""Small converters from the facade's Python arguments to what the generated functions take."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Protocol, TypeVar

from ._body_errors import refused_content, undecodable, unserializable
from ._errors import InvalidRequestError
from ._generated.types import UNSET, Unset
from ._request_checks import check_aware, check_int, check_page_size

__all__ = [
    "CLOSING_STATES",
    "Body",
    "as_model",
    "date_param",
    "enum_param",
    "flag",
    "page_params",
    "silent_mode",
    "strings_param",
]

E = TypeVar("E", bound=Enum)
Body = Mapping[str, Any]
"""A request body as the plain dict of the API's JSON (camelCase keys)."""

CLOSING_STATES = frozenset({"closed", "cancelled", "partially_returned"})


def enum_param(cls: type[E], value: E | str | None, field: str) -> E | Unset:
    if value is None:
        return UNSET
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in cls)
        raise InvalidRequestError(f"{field}: {value!r} is not one of {allowed}") from None


def date_param(value: datetime.datetime | None, field: str) -> datetime.datetime | Unset:
    if value is None:
        return UNSET
    check_aware(field, value)
    return value


def strings_param(value: Sequence[str] | None, field: str) -> list[str] | Unset:
    if value is None:
        return UNSET
    if isinstance(value, str):
        raise InvalidRequestError(f"{field}: expected a list of strings, got a single string")
    return list(value)


def page_params(page_size: int | None, skip: int | None) -> tuple[int | Unset, int | Unset]:
    if page_size is not None:
        check_page_size(page_size)
    if skip is not None:
        check_int("skip", skip)
    if skip is not None and skip < 0:
        raise InvalidRequestError(f"skip: {skip} is negative")
    return (UNSET if page_size is None else page_size), (UNSET if skip is None else skip)


def flag(value: bool) -> bool | Unset:
    return True if value else UNSET


class _FromDict(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any], strict: bool = ...) -> Any: ...


M = TypeVar("M", bound=_FromDict)


def as_model(cls: type[M], value: M | Mapping[str, Any], field: str) -> M:
    """Accept a model or the plain dict a user already has, converting with ``from_dict``.

    Both forms pass the same checks: a model is read back through ``from_dict``, so
    ``CartItem(quantity="2")`` fails here, named by its JSON path, exactly as the dict would.
    """
    if isinstance(value, cls):
        check_model(cls, value, field)
        return value
    # A plain dict, by far the usual input, skips the ABC check (a batch makes 10,000 of these).
    if type(value) is not dict and not isinstance(value, Mapping):
        raise InvalidRequestError(f"{field}: expected {cls.__name__} or a dict, got {type(value).__name__}")
    try:
        # Strict: what we send must match the contract, even where answers are read tolerantly.
        model: M = cls.from_dict(value, strict=True)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        # A misspelt required key shows up as that key missing: name the typo instead.
        raise (refused_content(cls, value, field) or undecodable(cls, value, exc, field)) from exc
    if problem := refused_content(cls, value, field):
        raise problem
    return model


def check_model(cls: type[_FromDict], value: Any, field: str) -> None:
    """Refuse a model whose values break the spec's JSON types, enums or value rules, naming the JSON path."""
    try:
        data = value.to_dict()
    except Exception as exc:
        raise unserializable(value, exc, field) from exc
    try:
        cls.from_dict(data, strict=True)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise undecodable(cls, data, exc, field) from exc
    if problem := refused_content(cls, data, field, undeclared_ok=True):
        raise problem


def silent_mode(silent: bool) -> str:
    """``silent`` is a bool for callers and ``yes``/``no`` on the wire (Talon.One knows no other value)."""
    return "yes" if silent else "no"
