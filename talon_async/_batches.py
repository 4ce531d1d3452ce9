"""The ``batch_*`` methods: any number of items, split into requests of at most 1000."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ._base import TimeoutTypes
from ._batch import BatchResult, ChunkResult, run_batches
from ._errors import InvalidRequestError
from ._generated.types import UNSET
from ._operations.audiences import AudienceOperations
from ._operations.catalogs import CatalogOperations
from ._operations.coupons import CouponOperations
from ._operations.profiles import ProfileOperations
from ._params import Body, as_model, date_param

if TYPE_CHECKING:
    from ._catalog_actions import CatalogPayload
    from ._generated.models import (
        AdvocateReferralsPage,
        Catalog,
        CatalogAction,
        CustomerProfileAudienceRequestItem,
        MultipleCustomerProfileIntegrationRequestItem,
    )


__all__ = ["BatchMethods"]


class BatchMethods(ProfileOperations, AudienceOperations, CatalogOperations, CouponOperations):
    """Strictly private. The batch helpers of ``TalonClient``."""

    # --- batches -------------------------------------------------------------------------------

    async def batch_update_customer_profiles(
        self,
        profiles: Iterable[MultipleCustomerProfileIntegrationRequestItem | Body]
        | AsyncIterable[MultipleCustomerProfileIntegrationRequestItem | Body],
        *,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
    ) -> BatchResult[MultipleCustomerProfileIntegrationRequestItem | Body]:
        """Update any number of profiles, 1000 per request, ``concurrency`` requests at a time."""
        from ._generated.models.multiple_customer_profile_integration_request import (
            MultipleCustomerProfileIntegrationRequest,
        )
        from ._generated.models.multiple_customer_profile_integration_request_item import (
            MultipleCustomerProfileIntegrationRequestItem,
        )

        self._no_dry("batch_update_customer_profiles")

        async def send(chunk: list[MultipleCustomerProfileIntegrationRequestItem | Body]) -> None:
            item_model = MultipleCustomerProfileIntegrationRequestItem
            items = [as_model(item_model, item, "profiles[]") for item in chunk]
            body = MultipleCustomerProfileIntegrationRequest(customer_profiles=items)
            await self.update_customer_profiles(body=body, silent=True, timeout=timeout)

        return await run_batches(profiles, send, concurrency=concurrency, on_progress=on_progress)

    async def batch_update_customer_profile_audiences(
        self,
        changes: Iterable[CustomerProfileAudienceRequestItem | Body]
        | AsyncIterable[CustomerProfileAudienceRequestItem | Body],
        *,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
    ) -> BatchResult[CustomerProfileAudienceRequestItem | Body]:
        """Apply any number of audience additions/removals, 1000 per request."""
        from ._generated.models.customer_profile_audience_request import CustomerProfileAudienceRequest
        from ._generated.models.customer_profile_audience_request_item import (
            CustomerProfileAudienceRequestItem,
        )

        self._no_dry("batch_update_customer_profile_audiences")

        async def send(chunk: list[CustomerProfileAudienceRequestItem | Body]) -> None:
            items = [as_model(CustomerProfileAudienceRequestItem, item, "changes[]") for item in chunk]
            await self.update_customer_profile_audiences(
                body=CustomerProfileAudienceRequest(data=items), timeout=timeout
            )

        return await run_batches(changes, send, concurrency=concurrency, on_progress=on_progress)

    async def batch_sync_catalog(
        self,
        catalog_id: int,
        actions: Iterable[CatalogAction | CatalogPayload | Body]
        | AsyncIterable[CatalogAction | CatalogPayload | Body],
        *,
        concurrency: int = 1,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
    ) -> BatchResult[CatalogAction | CatalogPayload | Body]:
        """Apply any number of catalog actions: consecutive actions of one type share a request.

        A request also ends before an action whose SKU it already holds, since Talon.One rejects
        a sync request that names one SKU twice.

        Actions may be ``CatalogAction``s, typed payloads (``AddItemCatalogAction(...)``) or
        dicts. ``concurrency`` defaults to 1 because catalog actions depend on their order
        (an item is added before it is patched); raise it only for independent actions.
        """
        from ._generated.models.catalog_sync_request import CatalogSyncRequest

        self._no_dry("batch_sync_catalog")

        async def send(chunk: list[CatalogAction | CatalogPayload | Body]) -> Catalog:
            body = CatalogSyncRequest(actions=[_to_catalog_action(item) for item in chunk])
            return await self.sync_catalog(catalog_id, body=body, timeout=timeout)

        return await run_batches(
            actions, send, concurrency=concurrency, on_progress=on_progress, boundary=_CatalogBoundary()
        )

    async def batch_create_referrals(
        self,
        advocate_profile_integration_ids: Iterable[str] | AsyncIterable[str],
        *,
        campaign_id: int,
        start_date: datetime.datetime | None = None,
        expiry_date: datetime.datetime | None = None,
        usage_limit: int | None = None,
        silent: bool = True,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
    ) -> BatchResult[str]:
        """Create referral codes for any number of advocates, 1000 per request.

        With ``silent=False`` each chunk's ``response`` holds its ``AdvocateReferralsPage``.
        """
        from ._generated.models.new_referrals_for_multiple_advocates import NewReferralsForMultipleAdvocates

        self._no_dry("batch_create_referrals")
        start = date_param(start_date, "start_date")
        expiry = date_param(expiry_date, "expiry_date")

        async def send(chunk: list[str]) -> AdvocateReferralsPage | None:
            body = NewReferralsForMultipleAdvocates(
                campaign_id=campaign_id,
                advocate_profile_integration_ids=chunk,
                start_date=start,
                expiry_date=expiry,
                usage_limit=UNSET if usage_limit is None else usage_limit,
            )
            return await self.create_referrals_for_multiple_advocates(
                body=body, silent=silent, timeout=timeout
            )

        return await run_batches(
            advocate_profile_integration_ids, send, concurrency=concurrency, on_progress=on_progress
        )


def _to_catalog_action(item: object) -> CatalogAction:
    from ._catalog_actions import catalog_action
    from ._generated.models.catalog_action import CatalogAction

    if isinstance(item, CatalogAction):
        return item
    if isinstance(item, Mapping):
        return as_model(CatalogAction, item, "actions[]")
    try:
        return catalog_action(cast("CatalogPayload", item))
    except (TypeError, AttributeError):
        raise InvalidRequestError(
            "actions[]: expected a CatalogAction, a catalog payload model or a dict, "
            f"got {type(item).__name__}"
        ) from None


class _CatalogBoundary:
    """Strictly private. Where a catalog batch starts a new request.

    Talon.One takes one action type per sync request and rejects a request naming a SKU twice,
    so a new request starts when the type changes or the SKU was already in this one.
    """

    def __init__(self) -> None:
        self._type: str | None = None
        self._skus: set[str] = set()

    def __call__(self, item: object, chunk_is_empty: bool) -> bool:
        from ._catalog_actions import type_and_sku

        action_type, sku = type_and_sku(item)
        starts = chunk_is_empty or action_type != self._type or (sku is not None and sku in self._skus)
        if starts:
            self._type, self._skus = action_type, set()
        if sku is not None:
            self._skus.add(sku)
        return starts
