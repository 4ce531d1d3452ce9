"""Every exception ``talon_async`` raises, in one tree.

::

    TalonError
    ├── InvalidRequestError (also a ValueError): caught before anything is sent
    │   └── DryRunUnsupportedError: an operation with no dry mode, called on a dry-run view
    ├── APIConnectionError: no answer (refused, reset, truncated)
    │   └── APITimeoutError
    ├── APIResponseValidationError: an answer whose body does not match the spec
    │   └── ResponseTooLargeError: a body over ``max_response_size`` once decompressed
    └── APIStatusError: an error status (also non-standard ones such as 520)
        ├── BadRequestError (400)
        ├── AuthenticationError (401)
        ├── PermissionDeniedError (403)
        ├── NotFoundError (404)
        ├── ConflictError (409): ``is_busy`` tells a concurrent-update rejection from "already exists"
        ├── RateLimitError (429)
        └── InternalServerError (>= 500)

Errors carry the request's method and URL (``RequestInfo``), never its headers, so the API key
cannot travel with an exception into logs or error trackers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DryRunUnsupportedError",
    "ErrorDetail",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestInfo",
    "ResponseTooLargeError",
    "TalonError",
]


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The method and URL of the request an error belongs to; deliberately no headers."""

    method: str
    url: str

    @classmethod
    def of(cls, request: httpx.Request) -> RequestInfo:
        return cls(method=request.method, url=str(request.url))

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One entry of a Talon error body's ``errors[]``."""

    title: str
    details: str | None = None
    source: dict[str, Any] | None = None


class TalonError(Exception):
    """Base class of every error this SDK raises."""


class InvalidRequestError(TalonError, ValueError):
    """A call the API would reject, caught before sending; the message names the field."""


class DryRunUnsupportedError(InvalidRequestError):
    """An operation without a dry mode was called on a ``dry_run()`` view, so it was not sent."""


class APIConnectionError(TalonError):
    """The request got no HTTP answer: refused, reset, truncated or otherwise broken."""

    def __init__(self, message: str, *, request: RequestInfo) -> None:
        super().__init__(f"{message} ({request})")
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, writing, reading or waiting for a pooled connection)."""


class _ResponseError(TalonError):
    """Strictly private: the fields shared by errors raised on an HTTP answer."""

    def __init__(
        self, message: str, *, status_code: int, content: bytes, headers: httpx.Headers, request: RequestInfo
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.content = content
        """The raw response body."""
        self.headers = headers
        """The response headers (the request's headers are never kept)."""
        self.request = request
        self.body: Any = _decode_body(content)
        """The body decoded as JSON, else as text, else ``None`` when empty."""

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.headers.get("x-request-id")
        return request_id


class APIResponseValidationError(_ResponseError):
    """The server answered, but the body does not match the spec (bad JSON, missing or mistyped field)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        content: bytes,
        headers: httpx.Headers,
        request: RequestInfo,
        cause: Exception,
    ) -> None:
        super().__init__(message, status_code=status_code, content=content, headers=headers, request=request)
        self.cause = cause


class ResponseTooLargeError(APIResponseValidationError):
    """The answer's body, once decompressed, is over the client's ``max_response_size``.

    Reading stopped at the limit, so ``content`` is empty; ``status_code`` and ``headers`` are the
    answer's. It is not retried: the same request would bring the same answer.
    """


class APIStatusError(_ResponseError):
    """The server answered with an error status; ``message`` and ``errors`` come from Talon's error body."""

    def __init__(
        self, message: str, *, status_code: int, content: bytes, headers: httpx.Headers, request: RequestInfo
    ) -> None:
        super().__init__(message, status_code=status_code, content=content, headers=headers, request=request)
        self.message, self.errors = _talon_error_fields(self.body)


class BadRequestError(APIStatusError):
    """400: the request is invalid; ``errors`` names the offending fields."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not perform this operation."""


class NotFoundError(APIStatusError):
    """404: the entity (session, profile, card, coupon, audience...) does not exist."""


class ConflictError(APIStatusError):
    """409: either a concurrent update of the same session/profile (``is_busy``) or a duplicate."""

    @property
    def is_busy(self) -> bool:
        """True when Talon rejected a concurrent update ("too many requests are updating this ...").

        A busy rejection is safe to retry; a conflict such as "already exists" is not.
        """
        return _BUSY_MARKER in (self.message or "").lower()


class RateLimitError(APIStatusError):
    """429: too many requests; ``headers['retry-after']`` says when to come back."""


class InternalServerError(APIStatusError):
    """A 5xx answer, including non-standard ones such as 520."""


_BUSY_MARKER = "too many requests"


def status_error(
    status: int, reason: str, content: bytes, headers: httpx.Headers, request: RequestInfo
) -> APIStatusError:
    """Build the typed error for an error answer: one flat ladder keyed by status."""
    body_message, details = _talon_error_fields(_decode_body(content))
    reason = reason or "Error"
    message = (
        f"{status} {reason}: {body_message or 'no message'}{_explained(details, body_message)} ({request})"
    )
    cls: type[APIStatusError]
    if status == 400:
        cls = BadRequestError
    elif status == 401:
        cls = AuthenticationError
    elif status == 403:
        cls = PermissionDeniedError
    elif status == 404:
        cls = NotFoundError
    elif status == 409:
        cls = ConflictError
    elif status == 429:
        cls = RateLimitError
    elif status >= 500:
        cls = InternalServerError
    else:
        cls = APIStatusError
    return cls(message, status_code=status, content=content, headers=headers, request=request)


# Enough to name the fields at fault in a log line, never a wall of text from a hostile server.
_SHOWN_DETAILS = 3
_DETAIL_CHARS = 160


def _explained(details: list[ErrorDetail], message: str | None) -> str:
    """`` [/pointer: details; ...]`` for the first few entries of Talon's ``errors[]``, if any.

    An entry that only repeats ``message`` and points nowhere adds nothing and is left out.
    """
    parts = []
    for detail in details[:_SHOWN_DETAILS]:
        pointer = (detail.source or {}).get("pointer") or (detail.source or {}).get("parameter")
        text = detail.details or detail.title
        if not pointer and text == message:
            continue
        part = f"{pointer}: {text}" if isinstance(pointer, str) and pointer else text
        if part:
            parts.append(part if len(part) <= _DETAIL_CHARS else part[: _DETAIL_CHARS - 3] + "...")
    if not parts:
        return ""
    more = len(details) - _SHOWN_DETAILS
    return " [" + "; ".join(parts) + (f"; and {more} more" if more > 0 else "") + "]"


def _decode_body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return content.decode("utf-8", errors="replace")


def _talon_error_fields(body: Any) -> tuple[str | None, list[ErrorDetail]]:
    """Read ``message`` and ``errors[]`` from whatever the server sent, never failing."""
    if not isinstance(body, dict):
        return (body[:500] if isinstance(body, str) and body else None), []
    message = body.get("message")
    details: list[ErrorDetail] = []
    raw_errors = body.get("errors")
    if isinstance(raw_errors, list):
        for item in raw_errors:
            if isinstance(item, dict):
                source = item.get("source")
                detail = item.get("details")
                details.append(
                    ErrorDetail(
                        title=str(item.get("title", "")),
                        details=detail if isinstance(detail, str) else None,
                        source=source if isinstance(source, dict) else None,
                    )
                )
            elif isinstance(item, str):
                details.append(ErrorDetail(title=item))
    if not isinstance(message, str):
        message = details[0].title if details else None
    return message, details


def is_busy_response(content: bytes) -> bool:
    """A 409 body saying that too many requests are updating the session or profile."""
    message, _ = _talon_error_fields(_decode_body(content))
    return _BUSY_MARKER in (message or "").lower()
