"""The ``batch_*`` methods: any number of items, split into requests of at most 1000."""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from .._argument_converters import Body, as_model, date_param
from .._base import BaseClient, TimeoutTypes
from .._batch_runner import BatchResult, Boundary, ChunkResult, Operation, run_batches
from .._body_errors import unserializable
from .._checkpoint import Checkpoint, JsonlCheckpoint
from .._errors import InvalidRequestError
from .._generated import models

if TYPE_CHECKING:
    from .._catalog_actions import CatalogPayload
    from .._generated.models import (
        AdvocateReferralsPage,
        Catalog,
        CatalogAction,
        CatalogSyncRequest,
        CustomerProfileAudienceRequest,
        CustomerProfileAudienceRequestItem,
        MultipleCustomerProfileIntegrationRequest,
        MultipleCustomerProfileIntegrationRequestItem,
        NewReferralsForMultipleAdvocates,
    )


__all__ = [
    "AUDIENCE_CHANGES",
    "CATALOG_ACTIONS",
    "PROFILE_UPDATES",
    "REFERRALS",
    "BatchOperations",
    "CheckpointArg",
    "ChunkSenders",
    "new_catalog_boundary",
]

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

CheckpointArg = Checkpoint | str | os.PathLike[str] | None
"""A ``Checkpoint``, or the path of a JSON-lines checkpoint file (created if missing)."""


class ChunkSenders(Protocol):
    """The one-request operations a batch sends each chunk through.

    ``TalonClient`` composes them from the other operation groups next to ``BatchOperations``
    (``_client`` checks that statically), so a chunk is checked and sent exactly as a direct call.
    """

    async def update_customer_profiles(
        self, *, body: MultipleCustomerProfileIntegrationRequest, silent: bool, timeout: TimeoutTypes
    ) -> object: ...

    async def update_customer_profile_audiences(
        self, *, body: CustomerProfileAudienceRequest, timeout: TimeoutTypes
    ) -> None: ...

    async def sync_catalog(
        self, catalog_id: int, *, body: CatalogSyncRequest, timeout: TimeoutTypes
    ) -> Catalog: ...

    async def create_referrals_for_multiple_advocates(
        self, *, body: NewReferralsForMultipleAdvocates, silent: bool, timeout: TimeoutTypes
    ) -> AdvocateReferralsPage | None: ...


def _refused_on_dry_views(
    method: Callable[Concatenate[BatchOperations, P], Awaitable[R]],
) -> Callable[Concatenate[BatchOperations, P], Awaitable[R]]:
    """Refuse the batch up front on a ``dry_run()`` view: no chunk of it could be dry."""

    @functools.wraps(method)
    async def refusing(self: BatchOperations, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._no_dry(method.__name__)
        return await method(self, *args, **kwargs)

    return refusing


class BatchOperations(BaseClient):
    """Strictly private. The batch helpers of ``TalonClient``."""

    @property
    def _chunk_senders(self) -> ChunkSenders:
        return cast("ChunkSenders", self)

    # --- batches -------------------------------------------------------------------------------

    @_refused_on_dry_views
    async def batch_update_customer_profiles(
        self,
        profiles: Iterable[MultipleCustomerProfileIntegrationRequestItem | Body]
        | AsyncIterable[MultipleCustomerProfileIntegrationRequestItem | Body],
        *,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
        checkpoint: CheckpointArg = None,
        shard: tuple[int, int] | str | None = None,
        keep_ok_chunks: bool = True,
    ) -> BatchResult[MultipleCustomerProfileIntegrationRequestItem | Body]:
        """Update any number of profiles, 1000 per request, ``concurrency`` requests at a time.

        ``checkpoint`` (a path or a ``Checkpoint``) records every chunk so a stopped batch can be
        resumed with the same input; ``shard=(i, n)`` takes only the profiles whose
        ``integrationId`` hashes to ``i``; ``keep_ok_chunks=False`` keeps memory flat on huge
        inputs by listing only failed chunks. See docs/bulk-jobs.md.
        """

        async def send(chunk: list[MultipleCustomerProfileIntegrationRequestItem]) -> None:
            body = models.MultipleCustomerProfileIntegrationRequest(customer_profiles=chunk)
            await self._chunk_senders.update_customer_profiles(body=body, silent=True, timeout=timeout)

        return await _run(
            profiles, send, PROFILE_UPDATES, concurrency, on_progress, checkpoint, shard, keep_ok_chunks
        )

    @_refused_on_dry_views
    async def batch_update_customer_profile_audiences(
        self,
        changes: Iterable[CustomerProfileAudienceRequestItem | Body]
        | AsyncIterable[CustomerProfileAudienceRequestItem | Body],
        *,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
        checkpoint: CheckpointArg = None,
        shard: tuple[int, int] | str | None = None,
        keep_ok_chunks: bool = True,
    ) -> BatchResult[CustomerProfileAudienceRequestItem | Body]:
        """Apply any number of audience additions/removals, 1000 per request.

        ``checkpoint``, ``shard`` (by ``profileIntegrationId``) and ``keep_ok_chunks`` work as for
        ``batch_update_customer_profiles``.
        """

        async def send(chunk: list[CustomerProfileAudienceRequestItem]) -> None:
            await self._chunk_senders.update_customer_profile_audiences(
                body=models.CustomerProfileAudienceRequest(data=chunk), timeout=timeout
            )

        return await _run(
            changes, send, AUDIENCE_CHANGES, concurrency, on_progress, checkpoint, shard, keep_ok_chunks
        )

    @_refused_on_dry_views
    async def batch_sync_catalog(
        self,
        catalog_id: int,
        actions: Iterable[CatalogAction | CatalogPayload | Body]
        | AsyncIterable[CatalogAction | CatalogPayload | Body],
        *,
        concurrency: int = 1,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
        checkpoint: CheckpointArg = None,
        shard: tuple[int, int] | str | None = None,
        keep_ok_chunks: bool = True,
    ) -> BatchResult[CatalogAction | CatalogPayload | Body]:
        """Apply any number of catalog actions: consecutive actions of one type share a request.

        A request also ends before an action whose SKU it already holds, since Talon.One rejects
        a sync request that names one SKU twice.

        Actions may be ``CatalogAction``s, typed payloads (``AddItemCatalogAction(...)``) or
        dicts. ``concurrency`` defaults to 1 because catalog actions depend on their order
        (an item is added before it is patched); raise it only for independent actions.
        Shards split by SKU, so each SKU's actions stay in order within one shard.
        """

        async def send(chunk: list[CatalogAction]) -> Catalog:
            return await self._chunk_senders.sync_catalog(
                catalog_id, body=models.CatalogSyncRequest(actions=chunk), timeout=timeout
            )

        return await _run(
            actions,
            send,
            CATALOG_ACTIONS,
            concurrency,
            on_progress,
            checkpoint,
            shard,
            keep_ok_chunks,
            boundary=_CatalogBoundary(),
        )

    @_refused_on_dry_views
    async def batch_create_referrals(
        self,
        advocate_profile_integration_ids: Iterable[str] | AsyncIterable[str],
        *,
        campaign_id: int,
        usage_limit: int,
        start_date: datetime.datetime | None = None,
        expiry_date: datetime.datetime | None = None,
        silent: bool = True,
        concurrency: int = 4,
        on_progress: Callable[[ChunkResult[Any]], object] | None = None,
        timeout: TimeoutTypes = None,
        checkpoint: CheckpointArg = None,
        shard: tuple[int, int] | str | None = None,
        keep_ok_chunks: bool = True,
    ) -> BatchResult[str]:
        """Create referral codes for any number of advocates, 1000 per request.

        With ``silent=False`` each chunk's ``response`` holds its ``AdvocateReferralsPage``.
        Creating referrals is not safe to repeat (each request makes new codes): on resume, a
        chunk whose outcome the checkpoint left unknown is not re-sent but listed in
        ``BatchResult.uncertain`` for you to reconcile.
        """

        start = date_param(start_date, "start_date")
        expiry = date_param(expiry_date, "expiry_date")

        async def send(chunk: list[str]) -> AdvocateReferralsPage | None:
            body = models.NewReferralsForMultipleAdvocates(
                campaign_id=campaign_id,
                advocate_profile_integration_ids=chunk,
                start_date=start,
                expiry_date=expiry,
                usage_limit=usage_limit,
            )
            return await self._chunk_senders.create_referrals_for_multiple_advocates(
                body=body, silent=silent, timeout=timeout
            )

        return await _run(
            advocate_profile_integration_ids,
            send,
            REFERRALS,
            concurrency,
            on_progress,
            checkpoint,
            shard,
            keep_ok_chunks,
        )


async def _run(
    items: Iterable[T] | AsyncIterable[T],
    send: Callable[[list[Any]], Awaitable[object]],
    operation: Operation[T],
    concurrency: int,
    on_progress: Callable[[ChunkResult[Any]], object] | None,
    checkpoint: CheckpointArg,
    shard: tuple[int, int] | str | None,
    keep_ok_chunks: bool,
    boundary: Boundary[T] | None = None,
) -> BatchResult[T]:
    owned = JsonlCheckpoint(checkpoint) if isinstance(checkpoint, str | os.PathLike) else None
    try:
        return await run_batches(
            items,
            send,
            concurrency=concurrency,
            on_progress=on_progress,
            boundary=boundary,
            operation=operation,
            checkpoint=owned or cast("Checkpoint | None", checkpoint),
            shard=shard,
            keep_ok_chunks=keep_ok_chunks,
        )
    finally:
        if owned is not None:
            owned.close()


M = TypeVar("M")


def checked(cls: type[M], item: M | Mapping[str, Any], field: str) -> M:
    """``item`` as a model, checked to serialize, so a bad one is caught before it joins a chunk."""
    model = as_model(cls, item, field)  # type: ignore[type-var]
    _serializable(model, field)
    return model


def _serializable(model: object, field: str) -> None:
    try:
        model.to_dict()  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        raise unserializable(model, exc, field) from exc


def _key(json_name: str, attribute: str) -> Callable[[object], str | None]:
    def key(item: object) -> str | None:
        value = item.get(json_name) if isinstance(item, Mapping) else getattr(item, attribute, None)
        return value if isinstance(value, str) else None

    return key


def _catalog_key(item: object) -> str | None:
    from .._catalog_actions import type_and_sku

    return type_and_sku(item)[1]


def _advocate_key(item: object) -> str | None:
    return item if isinstance(item, str) else None


def _advocate_id(item: str, index: int) -> str:
    if not isinstance(item, str) or not item:
        raise InvalidRequestError(
            f"advocate_profile_integration_ids[{index}]: expected a non-empty string, got {item!r:.80}"
        )
    return item


def _to_catalog_action(item: object, field: str = "actions[]") -> CatalogAction:
    from .._catalog_actions import catalog_action
    from .._generated.models.catalog_action import CatalogAction

    if isinstance(item, CatalogAction):
        return item
    if isinstance(item, Mapping):
        return as_model(CatalogAction, item, field)
    try:
        return catalog_action(cast("CatalogPayload", item))
    except (TypeError, AttributeError):
        raise InvalidRequestError(
            f"{field}: expected a CatalogAction, a catalog payload model or a dict, got {type(item).__name__}"
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
        from .._catalog_actions import type_and_sku

        action_type, sku = type_and_sku(item)
        starts = chunk_is_empty or action_type != self._type or (sku is not None and sku in self._skus)
        if starts:
            self._type, self._skus = action_type, set()
        if sku is not None:
            self._skus.add(sku)
        return starts


def _prepare_profile(item: MultipleCustomerProfileIntegrationRequestItem | Body, index: int) -> object:
    from .._generated.models.multiple_customer_profile_integration_request_item import (
        MultipleCustomerProfileIntegrationRequestItem,
    )

    return checked(MultipleCustomerProfileIntegrationRequestItem, item, f"profiles[{index}]")


def _prepare_audience_change(item: CustomerProfileAudienceRequestItem | Body, index: int) -> object:
    from .._generated.models.customer_profile_audience_request_item import CustomerProfileAudienceRequestItem

    return checked(CustomerProfileAudienceRequestItem, item, f"changes[{index}]")


def _prepare_catalog_action(item: CatalogAction | CatalogPayload | Body, index: int) -> object:
    action = _to_catalog_action(item, f"actions[{index}]")
    _serializable(action, f"actions[{index}]")
    return action


def new_catalog_boundary() -> Boundary[Any]:
    return _CatalogBoundary()


# What each batch operation checks per item, what names an item (for shards and checkpoints), and
# whether a chunk of unknown outcome may be sent again on resume (docs/bulk-jobs.md says why).
PROFILE_UPDATES: Operation[Any] = Operation(
    "update_customer_profiles", _prepare_profile, _key("integrationId", "integration_id")
)
AUDIENCE_CHANGES: Operation[Any] = Operation(
    "update_customer_profile_audiences",
    _prepare_audience_change,
    _key("profileIntegrationId", "profile_integration_id"),
)
CATALOG_ACTIONS: Operation[Any] = Operation("sync_catalog", _prepare_catalog_action, _catalog_key)
REFERRALS: Operation[Any] = Operation(
    "create_referrals_for_multiple_advocates", _advocate_id, _advocate_key, repeatable=False
)
