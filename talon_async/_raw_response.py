"""``RawResponse``: the HTTP answer behind a call, for callers who need status and headers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from ._transports import Answer

try:
    import orjson as _orjson
except ImportError:  # the ``orjson`` extra is optional; the standard library decodes the same documents
    _orjson = None  # type: ignore[assignment]

__all__ = ["RawCapture", "RawResponse", "decode_json"]

T = TypeVar("T")

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


class RawCapture:
    """Strictly private. Receives the final answer of the one request a ``with_raw_response`` call makes.

    A second request through the same capture is refused before it is sent: with several
    answers, which one is "the" raw response would be arbitrary.
    """

    __slots__ = ("answer", "attempts", "claimed")

    def __init__(self) -> None:
        self.claimed = False
        self.answer: Answer | None = None
        self.attempts = 0

    def claim(self) -> None:
        if self.claimed:
            raise TypeError(
                "with_raw_response wraps one call of one operation method, and this one sent a "
                "second request; call with_raw_response once per operation call"
            )
        self.claimed = True


@dataclass(frozen=True, slots=True)
class RawResponse(Generic[T]):
    """The final HTTP answer of a call, with the parsed model the method returned."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: T
    attempts: int
    """How many requests the call took (1 when not retried)."""

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.headers.get("x-request-id")
        return request_id
