"""``RawResponse``: the HTTP answer behind a call, for callers who need status and headers."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

__all__ = ["RawResponse", "RawSink", "raw_sink"]

T = TypeVar("T")


class RawSink:
    """Strictly private. Receives the final answer of the one request a ``with_raw_response`` call makes.

    A second request under the same sink is refused before it is sent: with several answers,
    which one is "the" raw response would be arbitrary.
    """

    __slots__ = ("attempts", "claimed", "response")

    def __init__(self) -> None:
        self.claimed = False
        self.response: httpx.Response | None = None
        self.attempts = 0

    def claim(self) -> None:
        if self.claimed:
            raise TypeError(
                "with_raw_response wraps one call of one operation method, and this one sent a "
                "second request; call with_raw_response once per operation call"
            )
        self.claimed = True


raw_sink: ContextVar[RawSink | None] = ContextVar("talon_async_raw_sink", default=None)
"""Set by ``TalonClient.with_raw_response`` for the duration of the wrapped call."""


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
