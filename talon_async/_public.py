"""Giving exported classes their public ``__module__``, without breaking ``typing.get_type_hints``.

A class written in a private module prints, pickles and shows in tracebacks under that module
unless its ``__module__`` names where users import it from. But ``get_type_hints`` evaluates a
class's string annotations (``from __future__ import annotations``) in the module ``__module__``
names, where the private helper types they mention do not exist. So the annotations are evaluated
once, in the module that wrote them, before the class moves.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterable

__all__ = ["is_private_module", "rehome"]


def is_private_module(name: str) -> bool:
    """Whether a dotted module name crosses a private (single-underscore) module."""
    return any(part.startswith("_") and not part.startswith("__") for part in name.split("."))


def rehome(module: str, namespace: dict[str, object], names: Iterable[str]) -> None:
    """Set ``__module__`` to ``module`` on each class among ``names`` that a private module defines."""
    for name in names:
        cls = namespace[name]
        if not isinstance(cls, type) or not is_private_module(cls.__module__):
            continue
        own = inspect.get_annotations(cls)
        if own:
            hints = typing.get_type_hints(cls, include_extras=True)
            cls.__annotations__ = {field: hints[field] for field in own}
        cls.__module__ = module
