"""Hypothesis strategies for every generated model, built from the model classes themselves.

Each attrs field's type annotation (``int | Unset``, ``list[CartItem]``, ``datetime.datetime | None``,
an enum, a nested model, ``dict[str, PriceDetail]``, ``Any``) maps to a strategy, so a new model or
field is covered without touching this file. Models nest, so below ``MAX_DEPTH`` optional nested
models are left unset and lists stay empty; required ones are still built.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib
import os
import types
import typing
import uuid
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from talon_async._generated import models
from talon_async._generated.types import UNSET, Unset

MAX_DEPTH = 2

EXAMPLES = int(os.environ.get("TALON_HYPOTHESIS_EXAMPLES", "15"))
"""Examples per model and property; raise it (say to 500) for a thorough run."""

# No deadline: a 2-core machine shared with other test runs makes per-example timings noise, and
# speed is measured in bench/. Big nested models are slow to draw, which is expected here.
model_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
"""Any JSON value (what ``json.loads`` can return)."""

HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "../",
            "..",
            "%2e%2e",
            "%2E%2E%2F",
            "?x=1",
            "#frag",
            "a/b",
            "\r\nX-Injected: 1",
            "\n",
            "\x00",
            "\u2028",
            "\ud7ff",
            "\u00fc\U0001f389\U0001d518",  # u-umlaut, an emoji, a letter outside the BMP
            "A" * 5000,
        ]
    ),
    st.text(min_size=1, max_size=64),
    st.text(alphabet=st.sampled_from("./%?#\r\n\x00 &=;:@+\\"), min_size=1, max_size=12),
)
"""Strings built to break URLs and headers: traversal, encoded dots, delimiters, CR/LF, NUL, huge, unicode."""

_OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
DATETIMES = st.datetimes(timezones=_OFFSETS)
"""Aware date-times only: a model refuses to write a naive one (RFC 3339 needs the offset)."""


def model_classes() -> list[type[Any]]:
    """Every generated attrs model (enums excluded), sorted by name."""
    found = []
    for name in sorted(models.__all__):
        cls = getattr(models, name)
        if attrs.has(cls):
            found.append(cls)
    return found


def enum_classes() -> list[type[enum.Enum]]:
    """Every generated enum, sorted by name."""
    return [
        cls
        for name in sorted(models.__all__)
        if isinstance(cls := getattr(models, name), type) and issubclass(cls, enum.Enum)
    ]


@functools.cache
def type_hints(cls: type[Any]) -> dict[str, Any]:
    """The resolved annotations of a model (its referenced models are imported only under TYPE_CHECKING)."""
    module = defining_module(cls)
    bind = getattr(module, "_bind_models", None)
    if bind is not None:
        bind()
    return typing.get_type_hints(cls, vars(module))


def defining_module(cls: type[Any]) -> Any:
    """The generated module a model is defined in (its ``__module__`` is its public home instead)."""
    return importlib.import_module(cls.from_dict.__module__)


def json_keys(cls: type[Any]) -> frozenset[str]:
    """The JSON keys a model maps to attributes; other keys belong in ``additional_properties``."""
    keys: frozenset[str] = getattr(defining_module(cls), "_JSON_KEYS", frozenset())
    return keys


def _split_optional(tp: Any) -> tuple[Any, bool, bool]:
    """``X | None | Unset`` -> (X, nullable, optional)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        members = typing.get_args(tp)
        rest = [m for m in members if m not in (type(None), Unset)]
        if len(rest) != 1:
            raise NotImplementedError(f"union {tp!r}: teach tests/properties/strategies.py")
        return rest[0], type(None) in members, Unset in members
    return tp, False, False


def for_type(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """A strategy for one annotated type (not counting ``| None`` / ``| Unset``)."""
    if tp is Any:
        return JSON
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**31), 2**31)
    if tp is str:
        return st.text(max_size=30)
    if tp is dt.datetime:
        return DATETIMES
    if tp is dt.date:
        return st.dates()
    if tp is uuid.UUID:
        return st.uuids()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and attrs.has(tp):
        return instances(tp, depth + 1)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list:
        size = 0 if depth >= MAX_DEPTH else 2
        return st.lists(for_type(args[0], depth), max_size=size)
    if origin is dict:
        size = 0 if depth >= MAX_DEPTH else 2
        return st.dictionaries(st.text(max_size=10), for_type(args[1], depth), max_size=size)
    if isinstance(tp, types.UnionType) or origin is typing.Union:
        # A value the spec accepts in several shapes (oneOf), e.g. an event effect.
        return st.one_of(*(for_type(member, depth) for member in args))
    raise NotImplementedError(f"type {tp!r}: teach tests/properties/strategies.py")


def _field_strategy(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    inner, nullable, optional = _split_optional(tp)
    if optional and depth >= MAX_DEPTH and isinstance(inner, type) and attrs.has(inner):
        return st.just(UNSET)
    strategy = for_type(inner, depth)
    if nullable:
        strategy = st.none() | strategy
    if optional:
        strategy = st.just(UNSET) | strategy
    return strategy


@functools.cache
def instances(cls: type[Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Instances of a generated model with any mix of set, unset, null and extra properties."""
    hints = type_hints(cls)
    init_fields = {f.name: _field_strategy(hints[f.name], depth) for f in attrs.fields(cls) if f.init}
    extra: st.SearchStrategy[dict[str, Any]] = st.just({})
    if "additional_properties" in attrs.fields_dict(cls):
        # An extra key that collides with a declared one would be overwritten by to_dict: not a round trip.
        known = json_keys(cls)
        value_type = typing.get_args(hints["additional_properties"])[1]
        size = 0 if depth >= MAX_DEPTH else 2
        extra = st.dictionaries(
            st.text(max_size=12).filter(lambda k: k not in known), for_type(value_type, depth), max_size=size
        )

    def build(values: dict[str, Any], extra_values: dict[str, Any]) -> Any:
        instance = cls(**values)
        if extra_values:
            instance.additional_properties = extra_values
        return instance

    return st.builds(build, st.fixed_dictionaries(init_fields), extra)


def mutations(document: Any) -> st.SearchStrategy[Any]:
    """``document`` with one place in it replaced by arbitrary JSON, or one key removed.

    A random document rarely gets past a model's first required key; a valid one with a single
    hostile spot reaches the deep parsing code (dates, enums, nested models, lists).
    """
    spots = list(_spots(document, ()))
    if not spots:
        return JSON

    @st.composite
    def mutate(draw: st.DrawFn) -> Any:
        path = draw(st.sampled_from(spots))
        if path and draw(st.booleans()) and isinstance(_get(document, path[:-1]), dict):
            return _replace(document, path, _DELETE)
        return _replace(document, path, draw(JSON))

    return mutate()


_DELETE = object()


def _spots(value: Any, path: tuple[Any, ...]) -> typing.Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _spots(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _spots(item, (*path, index))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if not rest and new is _DELETE:
            del copy[head]
        else:
            copy[head] = _replace(value[head], rest, new)
        return copy
    items = list(value)
    items[head] = _replace(value[head], rest, new)
    return items
