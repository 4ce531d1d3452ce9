"""``TalonClient``: one method per Integration API operation, plus iterators and batch helpers.

Each group of operations lives in its own module as a mixin (``_sessions``, ``_profiles``,
``_audiences``, ``_loyalty``, ``_coupons``, ``_catalogs``, ``_batches``). Every method is thin:
it checks what Talon.One would reject, converts dicts to models, calls the generated
``asyncio_detailed`` function through ``BaseClient._send`` (locks, limits, retries, typed errors)
and returns the parsed model.
"""

from __future__ import annotations

from ._batches import BatchMethods
from ._loyalty import LoyaltyMethods
from ._sessions import SessionMethods

__all__ = ["TalonClient"]


class TalonClient(SessionMethods, LoyaltyMethods, BatchMethods):
    """An async client for the Talon.One Integration API.

    ``base_url`` and ``api_key`` default to the ``TALON_BASE_URL`` and ``TALON_API_KEY``
    environment variables. Use it as ``async with TalonClient() as talon: ...`` or call
    ``await talon.aclose()``. Path values are positional, everything else keyword-only; bodies
    are models or plain dicts; every method takes a per-call ``timeout=``.

    Answers are read tolerantly: a ``null`` in a property that is not nullable reads as absent, an
    enum value this SDK does not list is kept (``member.is_known`` is False). Pass
    ``strict_responses=True`` to have such answers raise ``APIResponseValidationError`` instead
    (docs/compatibility.md).
    """
