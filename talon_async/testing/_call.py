"""What a handler gets (``Call``) and gives back (``Reply``).

Strictly private.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._fake import FakeTalon
    from ._state import Store

__all__ = ["Call", "Handler", "Reply", "page"]


@attrs.frozen
class Call:
    """One validated request: path values, typed query values and the parsed JSON body."""

    fake: FakeTalon
    # The fake's store, or a throwaway copy of it on a dry run: handlers change only this one.
    store: Store
    operation_id: str
    path: Mapping[str, str]
    query: Mapping[str, Any]
    body: Any
    now: datetime

    @property
    def dry(self) -> bool:
        return bool(self.query.get("dry"))

    @property
    def silent(self) -> bool:
        return bool(self.query.get("silent", "yes") != "no")


@attrs.frozen
class Reply:
    """The answer: a status and a JSON-ready body (None for no body)."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = attrs.Factory(dict)


Handler = Callable[[Call], Awaitable[Reply]]


def page(items: Sequence[Any], skip: int | None, page_size: int) -> tuple[list[Any], bool]:
    """One page of ``items`` and whether more follow, the way ``skip``/``pageSize`` paging works."""
    start = skip or 0
    chunk = list(items[start : start + page_size])
    return chunk, start + page_size < len(items)
