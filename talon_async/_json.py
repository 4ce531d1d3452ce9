"""``decode_json``: answer bodies as Python values, with orjson when the ``orjson`` extra is installed."""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # the ``orjson`` extra is optional; the standard library decodes the same documents
    _orjson = None  # type: ignore[assignment]

__all__ = ["decode_json"]

_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def decode_json(content: bytes) -> Any:
    """An answer body as Python values, exactly as ``json.loads`` gives them.

    With the ``orjson`` extra installed, orjson parses (2-3x faster on the answers measured in
    bench/micro.py). Where the two would differ, ``json.loads`` decides: orjson turns an integer
    beyond 64 bits into a float, so a body with a run of 19 digits anywhere goes to ``json.loads``
    (digits are mapped to one byte in C, then searched for); every document orjson refuses
    (``NaN``, a lone surrogate, a byte-order mark, an overflowing exponent) is parsed, or refused
    with the same error as before, by ``json.loads``.
    """
    if _orjson is not None and content.translate(_DIGITS).find(_LONG_NUMBER) < 0:
        try:
            return _orjson.loads(content)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(content)
