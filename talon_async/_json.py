"""JSON both ways, request bodies to bytes and answers to values; orjson when its extra is installed."""

from __future__ import annotations

import enum
import json
import uuid
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # the ``orjson`` extra is optional; the standard library decodes the same documents
    _orjson = None  # type: ignore[assignment]

__all__ = ["as_json_value", "decode_json", "encode_json"]


def as_json_value(value: object) -> object:
    """The JSON form of the two non-JSON types orjson writes on its own, so both encoders agree."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# Built once: ``json.dumps`` with options other than the defaults constructs an encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=as_json_value)
# Datetimes and dataclasses have no JSON form here (json refuses them, so the caller hears which).
_ORJSON_OPTIONS = (
    0 if _orjson is None else _orjson.OPT_PASSTHROUGH_DATETIME | _orjson.OPT_PASSTHROUGH_DATACLASS
)


def encode_json(document: Any) -> bytes:
    """A request body as compact UTF-8 JSON; raises ``ValueError``/``TypeError`` for what has no JSON form.

    With the ``orjson`` extra, orjson writes it (about 15x faster than ``json`` on the W1 request
    in bench/micro.py). The two write the same document, except that a float with an exponent
    reads ``1e16`` from orjson and ``1e+16`` from ``json`` (the same number). orjson writes NaN
    and the infinities as ``null`` where ``json`` refuses them, so a body with a ``null`` in it is
    written again by ``json``, which decides; so is everything orjson refuses (an integer beyond
    64 bits, a key that is not a string, nesting deeper than 255), which ``json`` writes or refuses.
    """
    if _orjson is not None:
        try:
            encoded = _orjson.dumps(document, option=_ORJSON_OPTIONS)
        except _orjson.JSONEncodeError:
            pass
        else:
            if b"null" not in encoded:
                return encoded
    return _ENCODER.encode(document).encode()


def decode_json(content: bytes) -> Any:
    """An answer body as Python values: what ``json.loads`` gives, but for one kind of number.

    With the ``orjson`` extra installed, orjson parses (2-3x faster on the answers measured in
    bench/micro.py). Every document orjson refuses (``NaN``, a lone surrogate, a byte-order mark,
    an overflowing exponent) is parsed, or refused with the same error as before, by
    ``json.loads``. The one difference: an integer literal outside the 64-bit range becomes the
    nearest float, where ``json.loads`` makes an ``int`` of its digits. Talon.One keeps numbers
    as 64-bit integers or as doubles, so such a literal can only be a double written out in full
    (Go writes 2**64 as ``18446744073709552000``), and the float is the value the server holds.
    Looking for such literals first cost about 40 % of orjson's own parse on a 375 KB page.
    """
    if _orjson is not None:
        try:
            return _orjson.loads(content)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(content)
