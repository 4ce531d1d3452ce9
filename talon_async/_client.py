"""``TalonClient``: one method per Integration API operation, plus batch helpers.

Each group of operations lives in ``_operations`` (sessions, profiles, audiences, loyalty,
coupons, catalogs, batches), none inheriting another: ``TalonClient`` is where they meet. Every
method is thin: it checks what Talon.One would reject, converts dicts to models, asks the generated
``describe`` for the request and hands it to ``BaseClient._send`` (the pipeline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._operations.audiences import AudienceOperations
from ._operations.batches import BatchOperations
from ._operations.catalogs import CatalogOperations
from ._operations.coupons import CouponOperations
from ._operations.loyalty import LoyaltyOperations
from ._operations.profiles import ProfileOperations
from ._operations.sessions import SessionOperations

__all__ = ["TalonClient"]


class TalonClient(
    BatchOperations,
    SessionOperations,
    ProfileOperations,
    AudienceOperations,
    CatalogOperations,
    CouponOperations,
    LoyaltyOperations,
):
    """An async client for the Talon.One Integration API.

    ``base_url`` and ``api_key`` default to the ``TALON_BASE_URL`` and ``TALON_API_KEY``
    environment variables. Use it as ``async with TalonClient() as talon: ...`` or call
    ``await talon.aclose()``. Path values are positional, everything else keyword-only; bodies
    are models or plain dicts; every method takes a per-call ``timeout=`` (each attempt) and
    ``total_timeout=`` (the whole call, retries included). An answer's body may take
    ``max_response_size`` bytes once decompressed (32 MiB by default; ``ResponseTooLargeError``).

    Answers are read tolerantly: a ``null`` in a property that is not nullable reads as absent, an
    enum value this SDK does not list is kept (``member.is_known`` is False). Pass
    ``strict_responses=True`` to have such answers raise ``APIResponseValidationError`` instead
    (docs/compatibility.md).
    """


if TYPE_CHECKING:
    from ._operations.batches import ChunkSenders

    def _batches_find_their_chunk_senders(client: TalonClient) -> ChunkSenders:
        # BatchOperations reaches the one-request operations through this composition only.
        return client
