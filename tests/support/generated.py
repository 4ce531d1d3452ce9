"""Find the generated function and model for a spec operation or schema, and feed it JSON values."""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import pkgutil
import types
import typing
from collections.abc import Callable
from typing import Any

from tests.support.spec import Operation

GENERATED_PACKAGE = "talon_async._generated"


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


def endpoint_module(op: Operation, package: str = GENERATED_PACKAGE) -> types.ModuleType:
    """The generated module of ``op`` (``<package>.api.<tag>.<snake operationId>``)."""
    tag_package = importlib.import_module(f"{package}.api.{op.tag}")
    for info in pkgutil.iter_modules(tag_package.__path__):
        if _normal(info.name) == _normal(op.operation_id):
            return importlib.import_module(f"{tag_package.__name__}.{info.name}")
    raise LookupError(f"no generated module for {op.operation_id} in {tag_package.__name__}")


def model_class(schema_name: str, package: str = GENERATED_PACKAGE) -> type[Any]:
    """The generated attrs class of a component schema."""
    models = importlib.import_module(f"{package}.models")
    cls: type[Any] = getattr(models, schema_name)
    return cls


def argument_names(function: Callable[..., Any]) -> dict[str, str]:
    """Wire name (lower-cased, no underscores) -> Python argument name of a generated function."""
    return {_normal(name): name for name in typing.get_type_hints(function) if name != "return"}


def python_name(function: Callable[..., Any], wire_name: str) -> str:
    """The Python argument a generated function takes for a wire parameter name."""
    return argument_names(function)[_normal(wire_name)]


def _concrete(annotation: Any) -> Any:
    """``X | Unset`` (or ``X | None | Unset``) -> ``X``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None) and a.__name__ != "Unset"]
        if len(members) != 1:
            raise TypeError(f"ambiguous annotation {annotation}")
        return members[0]
    return annotation


def to_python(function: Callable[..., Any], argument: str, value: Any) -> Any:
    """Turn a JSON value into what ``function`` takes for ``argument``, guided by its annotation."""
    target = _concrete(typing.get_type_hints(function)[argument])
    origin = typing.get_origin(target)
    if origin is list:
        (item,) = typing.get_args(target)
        return [_convert(item, v) for v in value]
    return _convert(target, value)


def _convert(target: Any, value: Any) -> Any:
    if target is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if target is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return target(value)
    if isinstance(target, type) and hasattr(target, "from_dict"):
        return target.from_dict(value)
    return value
