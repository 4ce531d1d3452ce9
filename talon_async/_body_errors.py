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
import difflib
import enum
import functools
import math
import re
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, cast

import attrs

from ._errors import InvalidRequestError
from ._generated.request_rules import RULES
from ._generated.types import Unset
from ._json import as_json_value

__all__ = ["refused_content", "undecodable", "unencodable", "unserializable"]


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


def unencodable(document: object, error: Exception, field: str = "body") -> InvalidRequestError:
    """The caller's error for a JSON document that ``json.dumps`` refused: the first value at fault.

    Only free-form values (``attributes``) can get this far: NaN and infinities have no JSON form,
    and neither do sets, bytes or arbitrary objects.
    """
    try:
        found = _first_non_json(document, field)
    except RecursionError:
        # A container that holds itself, or nesting deeper than any JSON parser would take.
        found = None
    return InvalidRequestError(found or f"{field}: cannot be encoded as JSON: {error}")


def _first_non_json(value: object, path: str) -> str | None:
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path}: {value} is not a JSON number"
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if found := _first_non_json(item, f"{path}[{index}]"):
                return found
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path}: key {key!r} is not a string"
            if found := _first_non_json(item, f"{path}.{key}"):
                return found
        return None
    try:
        # The few other types both encoders write (a UUID, an enum member) are judged by that form.
        written_as = as_json_value(value)
    except TypeError:
        return f"{path}: a {type(value).__name__} has no JSON form"
    return _first_non_json(written_as, path)


# The generated layer's wrong-type message: "<jsonKey>: expected integer, got str".
_WRONG_TYPE = re.compile(r"^(?P<key>[A-Za-z0-9_]+)(?P<item>\[\])?: (?P<why>expected .+)$")


def _plain(cls: type[Any], error: Exception, path: str) -> str:
    if isinstance(error, KeyError):
        return f"{path}: missing required key {error.args[0]!r}"
    if isinstance(error, TypeError) and (match := _WRONG_TYPE.match(str(error))):
        item = "[]" if match["item"] else ""
        return f"{path}.{match['key']}{item}: {match['why']}"
    return f"{path}: not a valid {cls.__name__}: {error}"


def refused_content(
    cls: type[Any], data: Mapping[str, Any], field: str, *, undeclared_ok: bool = False
) -> InvalidRequestError | None:
    """The caller's error for the first key ``cls`` does not declare or value breaking a spec rule.

    ``from_dict`` keeps unknown keys in ``additional_properties`` (right for answers, where Talon may
    add fields), so a typo such as ``profileID`` would otherwise be sent, ignored by Talon, and the
    session stored anonymously. Free-form objects (``attributes``) declare no keys and take any.
    The rules (bounds, lengths, patterns, item counts) are those the generated models do not check.
    Also runs on ``from_dict``'s failure path, so a value of the wrong type is skipped, not judged.
    ``undeclared_ok``: for a model's own ``to_dict()``, where an undeclared key was put in
    ``additional_properties`` on purpose (the documented way to send a field newer than the SDK).
    """
    if _clean(cls, data, undeclared_ok):
        return None
    plan = _key_plan(cls)
    if plan is None:
        return None
    known, nested, rules = plan
    for key, value in data.items():
        if key not in known:
            if undeclared_ok:
                continue
            return InvalidRequestError(f"{field}: unknown key {key!r}{_suggestion(key, known)}")
        if value is None:
            continue
        if (rule := rules.get(key)) and (broken := _broken_rule(value, rule, f"{field}.{key}")):
            return InvalidRequestError(broken)
        candidates = nested.get(key)
        if candidates is None:
            continue
        models, is_list = candidates
        if is_list and isinstance(value, list):
            for index, item in enumerate(value):
                if found := _refused_in_any(models, item, f"{field}.{key}[{index}]", undeclared_ok):
                    return found
        elif not is_list and (found := _refused_in_any(models, value, f"{field}.{key}", undeclared_ok)):
            return found
    return None


def _clean(cls: type[Any], data: Mapping[str, Any], undeclared_ok: bool) -> bool:
    """``refused_content`` finds nothing: the same judgement, without building a path per value.

    Runs on every request body, so it visits only the keys that carry a rule or a nested model
    (a body's other keys are matched against the declared ones in one set operation).
    """
    plan = _fast_plan(cls)
    if plan is None:
        return True
    known, checks = plan
    if not undeclared_ok and not known.issuperset(data):
        return False
    for key, passes, models, is_list in checks:
        value = data.get(key)
        if value is None:
            continue
        if passes is not None and not passes(value):
            return False
        if not models:
            continue
        items = (value if type(value) is list else ()) if is_list else (value,)
        for item in items:
            if type(item) is dict or isinstance(item, Mapping):
                # Any one candidate (of a oneOf) accepting the item will do.
                for model in models:
                    if _clean(model, item, undeclared_ok):
                        break
                else:
                    return False
    return True


_Passes = typing.Callable[[object], bool]
_FastCheck = tuple[str, _Passes | None, tuple[type[Any], ...], bool]
_FastPlan = tuple[frozenset[str], tuple[_FastCheck, ...]] | None
_fast: dict[type[Any], _FastPlan] = {}


def _fast_plan(cls: type[Any]) -> _FastPlan:
    """The declared keys, and per key with something to check: its rule as a test and nested models.

    ``None`` for a free-form object. A nested value that may be a free-form object is accepted
    by it whatever it holds, so such a key needs no walk; a rule becomes one precompiled test.
    """
    try:
        return _fast[cls]
    except KeyError:
        pass
    plan = _key_plan(cls)
    fast: _FastPlan = None
    if plan is not None:
        known, nested, rules = plan
        checks: list[_FastCheck] = []
        for key in sorted(known):
            models, is_list = nested.get(key, ((), False))
            if any(_key_plan(model) is None for model in models):
                models = ()
            rule = rules.get(key)
            if rule or models:
                checks.append((key, _rule_test(rule) if rule else None, models, is_list))
        fast = (known, tuple(checks))
    _fast[cls] = fast
    return fast


def _rule_test(rule: Mapping[str, Any]) -> _Passes:
    """``rule`` as one test: true exactly when ``_broken_rule`` finds nothing wrong with the value."""
    min_length, max_length = rule.get("minLength"), rule.get("maxLength")
    pattern = rule.get("pattern")
    regex = re.compile(pattern) if pattern is not None else None
    minimum, maximum = rule.get("minimum"), rule.get("maximum")
    above, below = rule.get("exclusiveMinimum"), rule.get("exclusiveMaximum")
    min_items, max_items = rule.get("minItems"), rule.get("maxItems")
    item_test = _rule_test(rule["items"]) if rule.get("items") else None

    # Each comparison is written as _broken_rule's, negated: a NaN breaks no bound there, nor here.
    def passes(value: object) -> bool:
        if isinstance(value, str):
            size = len(value)
            return (
                (min_length is None or not size < min_length)
                and (max_length is None or not size > max_length)
                and (regex is None or regex.search(value) is not None)
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                (minimum is None or not value < minimum)
                and (maximum is None or not value > maximum)
                and (above is None or not value <= above)
                and (below is None or not value >= below)
            )
        if isinstance(value, list):
            size = len(value)
            return (
                (min_items is None or not size < min_items)
                and (max_items is None or not size > max_items)
                and (item_test is None or all(item_test(item) for item in value))
            )
        return True

    return passes


def _broken_rule(value: object, rule: Mapping[str, Any], path: str) -> str | None:
    """Why ``value`` breaks ``rule`` (a property's keywords from the spec), or ``None``.

    A string value is never echoed: it may be personal data, and its length says enough.
    """
    if isinstance(value, str):
        if (low := rule.get("minLength")) is not None and len(value) < low:
            return f"{path}: {len(value)} characters, fewer than the minimum {low}"
        if (high := rule.get("maxLength")) is not None and len(value) > high:
            return f"{path}: {len(value)} characters, more than the maximum {high}"
        if (pattern := rule.get("pattern")) is not None and not re.search(pattern, value):
            return f"{path}: does not match the pattern {pattern}"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if (low := rule.get("minimum")) is not None and value < low:
            return f"{path}: {value} is below the minimum {low}"
        if (high := rule.get("maximum")) is not None and value > high:
            return f"{path}: {value} is above the maximum {high}"
        if (low := rule.get("exclusiveMinimum")) is not None and value <= low:
            return f"{path}: {value} must be greater than {low}"
        if (high := rule.get("exclusiveMaximum")) is not None and value >= high:
            return f"{path}: {value} must be less than {high}"
    elif isinstance(value, list):
        if (low := rule.get("minItems")) is not None and len(value) < low:
            return f"{path}: {len(value)} items, fewer than the minimum {low}"
        if (high := rule.get("maxItems")) is not None and len(value) > high:
            return f"{path}: {len(value)} items, Talon.One accepts at most {high} per request"
        if items := rule.get("items"):
            for index, item in enumerate(value):
                if broken := _broken_rule(item, items, f"{path}[{index}]"):
                    return broken
    return None


def _refused_in_any(
    models: tuple[type[Any], ...], value: object, field: str, undeclared_ok: bool
) -> InvalidRequestError | None:
    """The error of the first candidate model when no candidate (of a ``oneOf``) accepts the value."""
    if not isinstance(value, Mapping):
        return None
    first: InvalidRequestError | None = None
    for model in models:
        found = refused_content(model, value, field, undeclared_ok=undeclared_ok)
        if found is None:
            return None
        first = first or found
    return first


def _suggestion(key: object, known: frozenset[str]) -> str:
    if not isinstance(key, str):
        return ""
    by_case = [name for name in known if name.lower() == key.lower()]
    close = by_case or difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; {_cls_keys_hint(known)}"


def _cls_keys_hint(known: frozenset[str]) -> str:
    names = sorted(known)
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"known keys: {shown}"


_Nested = dict[str, tuple[tuple[type[Any], ...], bool]]


_Plan = tuple[frozenset[str], _Nested, Mapping[str, Mapping[str, Any]]] | None
_plans: dict[type[Any], _Plan] = {}


def _key_plan(cls: type[Any]) -> _Plan:
    """The JSON keys ``cls`` declares and, per key, the model classes its value (or items) load as.

    ``None`` for a free-form object: a model with no declared keys of its own.
    """
    if cls not in _plans:
        _plans[cls] = _make_key_plan(cls)
    return _plans[cls]


def _make_key_plan(cls: type[Any]) -> _Plan:
    # The generated module, not the public one ``__module__`` names (see ``_hints``).
    known: frozenset[str] | None = getattr(sys.modules[cls.from_dict.__module__], "_JSON_KEYS", None)
    if not known:
        return None
    hints = _hints(cls)
    by_squashed = {_squash(name): name for name in _fields(cls)}
    nested: _Nested = {}
    for key in known:
        name = by_squashed.get(_squash(key))
        if name is None:
            continue
        hint = hints[name]
        for item_hint in _list_items(hint):
            if models := tuple(option for option in _classes(item_hint) if hasattr(option, "from_dict")):
                nested[key] = (models, True)
        if models := tuple(option for option in _classes(hint) if hasattr(option, "from_dict")):
            nested[key] = (models, False)
    return known, nested, RULES.get(cls.__name__, {})


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
    # may not have happened yet for a nested model: bind them, so the globals resolve every
    # annotation. The class's own __module__ is its public home (talon_async.models); its
    # methods still name the defining module.
    module = sys.modules[cls.from_dict.__module__]
    if getattr(module, "_models_bound", True) is False:
        module._bind_models()
    return typing.get_type_hints(cls, vars(module))


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
