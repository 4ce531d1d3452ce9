"""``RawResponse``: the HTTP answer behind a call, for callers who need status and headers."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

__all__ = ["RawResponse", "raw_sink"]

T = TypeVar("T")

raw_sink: ContextVar[list[tuple[httpx.Response, int]] | None] = ContextVar(
    "talon_async_raw_sink", default=None
)
"""Set by ``TalonClient.with_raw_response``; each finished call appends (response, attempts)."""


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
