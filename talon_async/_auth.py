"""The API key as a header value that never shows itself in a repr, a log or a locals dump."""

from __future__ import annotations

__all__ = ["Secret", "authorization"]


class Secret(str):
    """Strictly private. A header value whose repr hides it, so ``vars()`` or locals dumps do not leak it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


def authorization(api_key: str) -> Secret:
    """The ``Authorization`` value Talon.One expects for an Integration API key."""
    return Secret(f"ApiKey-v1 {api_key}")
