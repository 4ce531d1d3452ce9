"""Fault injection: answers the fake serves instead of (or before) the real one.

Every fault is bounded: it fires for the next ``times`` matching requests and is then spent.
Faults fire in the order they were added, so a scenario ("429, then 503, then success") is
deterministic.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

import attrs

__all__ = ["Fault", "Faults"]

FaultKind = Literal["status", "delay", "malformed"]

# A generous but finite bound: a fault that never runs out would hide a client's retry loop.
_MAX_TIMES = 10_000
_MAX_DELAY = 60.0


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"message": message, "errors": [], "StatusCode": status}).encode()


@attrs.define
class Fault:
    """One injected behaviour, for the next ``remaining`` requests that match ``operation``.

    ``kind`` is ``"status"`` (answer ``status`` with ``body`` and ``headers``), ``"delay"`` (wait
    ``delay`` seconds, then answer normally) or ``"malformed"`` (answer ``status`` with a body that
    is not valid JSON). ``operation`` is an operationId such as ``"updateCustomerSessionV2"``;
    None matches every operation.
    """

    kind: FaultKind
    remaining: int
    operation: str | None = None
    status: int = 200
    headers: Mapping[str, str] = attrs.Factory(dict)
    body: bytes = b""
    delay: float = 0.0

    def matches(self, operation_id: str) -> bool:
        return self.remaining > 0 and (self.operation is None or self.operation == operation_id)


@attrs.frozen
class ServedFault:
    """A record that a fault answered a request."""

    operation: str
    kind: FaultKind
    status: int


class Faults:
    """The fault-injection switch of one ``FakeTalon`` (``fake.faults``)."""

    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self.served: list[ServedFault] = []

    def __repr__(self) -> str:
        return f"<Faults pending={len(self.pending)} served={len(self.served)}>"

    @property
    def pending(self) -> list[Fault]:
        """Faults that have not fired as often as they were told to."""
        return [f for f in self._pending if f.remaining > 0]

    def add(self, fault: Fault) -> Fault:
        """Queue a fault; the building blocks below cover the usual cases."""
        if not 1 <= fault.remaining <= _MAX_TIMES:
            raise ValueError(f"a fault fires between 1 and {_MAX_TIMES} times, not {fault.remaining}")
        if not 0 <= fault.delay <= _MAX_DELAY:
            raise ValueError(f"a fault delays between 0 and {_MAX_DELAY} seconds, not {fault.delay}")
        self._pending.append(fault)
        return fault

    def clear(self) -> None:
        """Drop every pending fault."""
        self._pending.clear()

    def take(self, operation_id: str) -> Fault | None:
        """The first pending fault for this operation, counting one use of it."""
        for fault in self._pending:
            if fault.matches(operation_id):
                fault.remaining -= 1
                if fault.kind != "delay":
                    self.served.append(ServedFault(operation_id, fault.kind, fault.status))
                return fault
        return None

    # -- building blocks ---------------------------------------------------------------------

    def status(
        self,
        status: int,
        *,
        times: int = 1,
        operation: str | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer ``status`` with a Talon error body."""
        body = _error_body(status, message or f"injected fault: status {status}")
        return self.add(Fault("status", times, operation, status, dict(headers or {}), body))

    def rate_limit(
        self, *, retry_after: float | datetime = 1, times: int = 1, operation: str | None = None
    ) -> Fault:
        """429 with ``Retry-After``: seconds for a number, an HTTP-date for a datetime."""
        if isinstance(retry_after, datetime):
            header = email.utils.format_datetime(retry_after.astimezone(UTC), usegmt=True)
        else:
            header = f"{retry_after:g}"
        return self.status(
            429,
            times=times,
            operation=operation,
            message="too many requests",
            headers={"Retry-After": header},
        )

    def unavailable(
        self, *, times: int = 1, operation: str | None = None, retry_after: float | None = None
    ) -> Fault:
        """503, optionally with ``Retry-After`` seconds."""
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        return self.status(
            503, times=times, operation=operation, message="service unavailable", headers=headers
        )

    def conflict(self, *, times: int = 1, operation: str | None = None) -> Fault:
        """409 with Talon's concurrent-update body."""
        return self.status(
            409,
            times=times,
            operation=operation,
            message="too many requests are updating this customer session",
        )

    def slow(self, delay: float, *, times: int = 1, operation: str | None = None) -> Fault:
        """Wait ``delay`` seconds before answering normally (for client timeouts)."""
        return self.add(Fault("delay", times, operation, delay=delay))

    def malformed(self, *, status: int = 200, times: int = 1, operation: str | None = None) -> Fault:
        """Answer ``status`` with a truncated JSON body."""
        headers = {"Content-Type": "application/json"}
        return self.add(
            Fault("malformed", times, operation, status, headers, b'{"effects": [{"campaignId": ')
        )
