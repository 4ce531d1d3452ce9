"""Names the generator scripts derive from the spec: a ``$ref``'s schema, a schema's class."""

from __future__ import annotations

import re

__all__ = ["class_name", "ref_name"]


def ref_name(ref: str) -> str:
    """``#/components/schemas/CartItem`` → ``CartItem``."""
    return ref.rsplit("/", 1)[-1]


def class_name(name: str) -> str:
    """A schema name as the generated class spells it (PascalCase, separators dropped)."""
    words = re.split(r"[^0-9A-Za-z]+", name)
    return "".join(word[:1].upper() + word[1:] for word in words if word)
