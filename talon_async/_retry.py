"""When to retry, and how long to wait: one policy function and one delay function.

The rule behind the policy: a request is replayed only when the server cannot have acted on it,
or when acting on it twice changes nothing. An answered rejection (409 busy, 429, 503) means the
server did nothing; a connect error means nothing was sent. A read timeout or a reset after
sending leaves the outcome unknown, so only requests that are safe to repeat go again.
"""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

import anyio
import httpx

__all__ = [
    "is_testing",
    "is_timeout",
    "request_was_sent",
    "retry_delay",
    "set_testing",
    "should_retry",
    "sleep",
]

INITIAL_DELAY = 0.5
"""Seconds before the first retry (before jitter)."""
MAX_DELAY = 8.0
"""Cap on the exponential backoff."""
MAX_RETRY_AFTER = 60.0
"""A longer ``Retry-After`` is capped: a checkout must not hang for minutes."""

_testing = False


def set_testing(testing: bool) -> None:
    """Turn retry sleeping off (``True``) or back on, so retry tests run instantly.

    Delays are still computed and logged; only the sleep is skipped.
    """
    global _testing
    _testing = testing


def is_testing() -> bool:
    return _testing


async def sleep(seconds: float) -> None:
    if not _testing:
        await anyio.sleep(seconds)


def should_retry(
    *,
    attempt: int,
    max_retries: int,
    method: str,
    idempotent: bool,
    status_code: int | None = None,
    busy: bool = False,
    error: httpx.TransportError | None = None,
) -> bool:
    """Decide whether attempt number ``attempt`` (0-based) may be followed by another.

    ``idempotent`` means sending the request twice has the effect of sending it once (GETs, and
    PUTs other than one that closes a session).
    """
    if attempt >= max_retries:
        return False
    if error is not None:
        if not request_was_sent(error):
            return True
        if is_timeout(error):
            # A slow server may still be working on it; only a read can safely pile on.
            return method == "GET"
        # A reset or truncated answer after sending: only a repeatable request goes again.
        return idempotent and not isinstance(error, httpx.LocalProtocolError | httpx.UnsupportedProtocol)
    if status_code == 409:
        return busy
    if status_code in (429, 503):
        return True
    if status_code in (502, 504):
        # A gateway error may hide a request the backend did process.
        return idempotent
    return False


def request_was_sent(error: httpx.TransportError) -> bool:
    """False only when the request certainly never reached the server.

    Every transport reports a failure to connect (refused, DNS, TLS, connect or pool timeout) as
    one of these classes and a connection lost after sending as another (``_transports``).
    """
    return not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def is_timeout(error: httpx.TransportError) -> bool:
    return isinstance(error, httpx.TimeoutException)


def retry_delay(attempt: int, retry_after: str | None = None) -> float:
    """Seconds to wait after attempt ``attempt`` (0-based) failed.

    ``Retry-After`` (seconds or an HTTP-date) wins when present, capped at ``MAX_RETRY_AFTER``;
    otherwise capped exponential backoff with full jitter.
    """
    from_header = parse_retry_after(retry_after)
    if from_header is not None:
        return min(from_header, MAX_RETRY_AFTER)
    return random.uniform(0, min(MAX_DELAY, INITIAL_DELAY * 2**attempt))  # noqa: S311 - jitter, not crypto


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds or seconds < 0:  # NaN or in the past: retry without waiting
        return 0.0
    return seconds
