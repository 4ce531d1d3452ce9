"""Checks made before anything is sent: Talon's documented limits, path values and dry-only rules.

Each failure raises ``InvalidRequestError`` naming the field, so a caller mistake never costs a
round trip or, worse, reaches the API half-valid.
"""

from __future__ import annotations

import datetime
from collections.abc import Sized

from ._errors import InvalidRequestError

__all__ = [
    "MAX_ITEMS",
    "check_aware",
    "check_card_id",
    "check_dry_preconditions",
    "check_int",
    "check_max_items",
    "check_page_size",
    "check_path",
]

MAX_ITEMS = 1000
"""The most items Talon.One accepts in one request's list (profiles, actions, ids, cart items)."""


def check_max_items(field: str, items: object) -> None:
    if isinstance(items, Sized) and not isinstance(items, str) and len(items) > MAX_ITEMS:
        raise InvalidRequestError(
            f"{field}: {len(items)} items, Talon.One accepts at most {MAX_ITEMS} per request "
            "(the batch_* helpers split larger inputs)"
        )


def check_aware(field: str, value: object) -> None:
    if isinstance(value, datetime.datetime) and value.utcoffset() is None:
        raise InvalidRequestError(f"{field}: needs a timezone-aware datetime (Talon.One expects RFC 3339)")


def check_int(field: str, value: object) -> None:
    """``value`` must be a JSON integer: ``True`` and ``2.5`` are not, and neither is ``"2"``."""
    if type(value) is not int:
        raise InvalidRequestError(f"{field}: expected integer, got {type(value).__name__}")


def check_page_size(page_size: int) -> None:
    check_int("page_size", page_size)
    if not 1 <= page_size <= MAX_ITEMS:
        raise InvalidRequestError(f"page_size: {page_size} is outside 1..{MAX_ITEMS}")


def check_card_id(loyalty_card_id: str) -> None:
    check_path("loyalty_card_id", loyalty_card_id)
    if not 4 <= len(loyalty_card_id) <= 108:
        raise InvalidRequestError(
            f"loyalty_card_id: length {len(loyalty_card_id)} is outside 4..108 characters"
        )


def check_path(field: str, value: object) -> None:
    # An empty path value would silently address a different route, and so would "." or "..":
    # sent as %2E they survive httpx, but aiohttp (yarl) and many proxies decode and drop them,
    # turning get_customer_session("..") into GET /v2/.
    if isinstance(value, str) and not value:
        raise InvalidRequestError(f"{field}: must not be empty")
    if value in (".", ".."):
        raise InvalidRequestError(f"{field}: {value!r} cannot be sent as a path value")


def check_dry_preconditions(
    *,
    dry: bool,
    now: datetime.datetime | None = None,
    force_complete_evaluation: bool = False,
    run_rule_engine: bool | None = None,
) -> None:
    """Talon.One's documented rules for the dry-only parameters."""
    if now is not None:
        if not dry:
            raise InvalidRequestError("now: only allowed with dry=True")
        check_aware("now", now)
        if now <= datetime.datetime.now(datetime.UTC):
            raise InvalidRequestError("now: must be in the future")
    if force_complete_evaluation and not dry:
        raise InvalidRequestError("force_complete_evaluation: only allowed with dry=True")
    if run_rule_engine is False and dry:
        raise InvalidRequestError("dry: a profile update can only be dry with run_rule_engine=True")
