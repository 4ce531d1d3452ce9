"""What "lossless" means when a generated model reads a JSON document and writes it back.

A document ``d`` survives a round trip when ``normal(model.to_dict()) == normal(d)``, where
``normal`` maps a JSON value to a comparable form:

- an object becomes a dict of its keys' normal values: key order does not matter, but every key
  must survive, with the same value (a key that disappears, or appears, is a loss);
- an array keeps its order and length, each element compared normally (``[[], ["ab"]]`` must come
  back as exactly that, never as objects or a flattened list);
- a string that is an RFC 3339 date-time (``T``/``t`` separator, ``Z``/``z`` or a numeric offset,
  any number of fractional digits) becomes the UTC instant it denotes, truncated to the
  microsecond: writing ``+00:00`` for ``Z``, or ``2024-01-01T05:00:00+05:00`` for
  ``2024-01-01T00:00:00Z``, loses nothing, and Python's datetime cannot hold the 7th to 9th
  fractional digits, so those are the one loss allowed. Any other string compares exactly;
- a number compares by value, so ``5`` and ``5.0`` are the same number; a boolean never equals a
  number (``true`` is not ``1``), and ``null`` equals only ``null``.

``absent_nulls=True`` additionally treats an object key whose value is ``null`` as absent on both
sides: a tolerant reader may turn a null it does not expect into "not set", which is no loss of
information. It is used only where a test injected such nulls itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def instant(text: str) -> dt.datetime | None:
    """The UTC instant of an RFC 3339 date-time, truncated to the microsecond; None for other text."""
    match = _RFC3339.match(text)
    if match is None:
        return None
    date, time, fraction, offset = match.groups()
    micro = (fraction or ".")[1:7].ljust(6, "0")
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        parsed = dt.datetime.fromisoformat(f"{date}T{time}.{micro}{offset}")
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC)


def normal(value: Any, *, absent_nulls: bool = False) -> Any:
    """The comparable form of a JSON value (see the module docstring)."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        moment = instant(value)
        return ("string", value) if moment is None else ("instant", moment)
    if isinstance(value, list):
        return ("array", tuple(normal(v, absent_nulls=absent_nulls) for v in value))
    if isinstance(value, dict):
        return (
            "object",
            frozenset(
                (k, normal(v, absent_nulls=absent_nulls))
                for k, v in value.items()
                if not (absent_nulls and v is None)
            ),
        )
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def first_difference(left: Any, right: Any, path: str = "$") -> str | None:
    """Where two JSON documents differ after normalisation (for failure messages), or None."""
    if normal(left) == normal(right):
        return None
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}.{key}: only on the {'right' if key not in left else 'left'}"
            found = first_difference(left[key], right[key], f"{path}.{key}")
            if found:
                return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
    return f"{path}: {str(left)[:80]!s} != {str(right)[:80]!s}"
