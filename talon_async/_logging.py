"""The ``talon_async`` logger and its one debug line per attempt (never a header, so never the key)."""

from __future__ import annotations

import logging

__all__ = ["log_attempt", "logger"]

logger = logging.getLogger("talon_async")


def log_attempt(
    *,
    method: str,
    path: str,
    status: int | str,
    duration: float,
    attempt: int,
    request_id: str | None,
    retry_in: float | None = None,
) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    retry = f" retry_in={retry_in:.3f}s" if retry_in is not None else ""
    logger.debug(
        "%s %s status=%s duration=%.1fms attempt=%d request_id=%s%s",
        method,
        path,
        status,
        duration * 1000,
        attempt,
        request_id or "-",
        retry,
    )
