"""Errors of the fake: Talon error answers, and the fake's own bugs.

``TalonHTTPError`` is strictly private: handlers raise it and the fake turns it into a Talon error
body. ``SpecViolation`` and ``RuleError`` are public: they mean the fake (or a user's rule) built
something the OpenAPI document does not allow, and they are raised, never sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["RuleError", "SpecViolation", "TalonHTTPError", "bad_request", "not_found"]


class SpecViolation(AssertionError):
    """The fake was about to send a response that breaks the OpenAPI document."""


class RuleError(ValueError):
    """A rule returned an effect that breaks the OpenAPI document's ``Effect`` or props schema."""


class TalonHTTPError(Exception):
    """An error answer, with Talon's body: ``message``, ``errors[]`` and ``StatusCode``."""

    def __init__(self, status: int, message: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors)

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "errors": self.errors, "StatusCode": self.status}


def not_found(what: str, value: object) -> TalonHTTPError:
    return TalonHTTPError(
        404,
        f"{what} not found",
        [{"title": "Not found", "details": f"{what} {value!r} does not exist", "source": {"resource": what}}],
    )


def bad_request(details: str, *, pointer: str | None = None, parameter: str | None = None) -> TalonHTTPError:
    source: dict[str, str] = {}
    if pointer is not None:
        source["pointer"] = pointer
    if parameter is not None:
        source["parameter"] = parameter
    return TalonHTTPError(400, details, [{"title": "Bad request", "details": details, "source": source}])
