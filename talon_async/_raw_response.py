"""``RawResponse``: the HTTP answer behind a call, for callers who need status and headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from ._transports import Answer

__all__ = ["RawCapture", "RawResponse"]

T = TypeVar("T")


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
