"""Loyalty programs: cards, balances, points and transaction ledgers."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._argument_converters import as_model, date_param, enum_param, flag, page_params, strings_param
from .._base import BaseClient, TimeoutTypes, describe
from .._generated import models
from .._generated.api import loyalty as loyalty_api
from .._generated.types import UNSET, Unset
from .._pagination import AsyncPaginator, Paginator
from .._request_checks import MAX_ITEMS, check_card_id, check_path

if TYPE_CHECKING:
    from .._generated.models import (
        CardLedgerPointsEntryIntegrationAPI,
        CardLedgerTransactionLogEntryIntegrationAPI,
        GenerateLoyaltyCard,
        LedgerPointsEntryIntegrationAPI,
        LedgerTransactionLogEntryIntegrationAPI,
        LoyaltyBalancesWithTiers,
        LoyaltyCard,
        LoyaltyCardBalances,
        LoyaltyCardPointsPage,
        LoyaltyCardRegistration,
        LoyaltyCardTransactionsPage,
        LoyaltyPointsSort,
        LoyaltyPointsStatus,
        LoyaltyTransactionType,
        ProfilePointsPage,
        ProfileTransactionsPage,
    )
    from .._generated.typed_dicts import GenerateLoyaltyCardDict, LoyaltyCardRegistrationDict

__all__ = ["LoyaltyOperations"]

ItemT = TypeVar("ItemT")


class _LedgerPage(Protocol[ItemT]):
    @property
    def data(self) -> list[ItemT]: ...
    @property
    def has_more(self) -> bool: ...


def _items_and_more(page: _LedgerPage[ItemT]) -> tuple[list[ItemT], bool]:
    return page.data, page.has_more


def _size(value: int | None) -> int | Unset:
    return UNSET if value is None else value


def _deprecated(replacement: Callable[..., object]) -> None:
    """Warn that the ``iter_`` twin of ``replacement`` (a paged ``get_`` method) is deprecated."""
    new = replacement.__name__
    old = "iter_" + new.removeprefix("get_")
    warnings.warn(
        f"{old} is deprecated: iterate {new}(...) instead (async for), which takes the same arguments",
        DeprecationWarning,
        stacklevel=3,
    )


class LoyaltyOperations(BaseClient):
    """Strictly private. The loyalty operations of ``TalonClient``."""

    async def generate_loyalty_card(
        self,
        loyalty_program_id: int,
        *,
        body: GenerateLoyaltyCard | GenerateLoyaltyCardDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> LoyaltyCard:
        """Create a loyalty card (``POST /v1/loyalty_programs/{id}/cards``)."""
        request = as_model(models.GenerateLoyaltyCard, body, "body")
        return await self._send(
            describe(loyalty_api.generate_loyalty_card.describe, loyalty_program_id, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def get_loyalty_balances(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        end_date: datetime.datetime | None = None,
        subledger_id: str | None = None,
        include_tiers: bool = False,
        include_projected_tier: bool = False,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> LoyaltyBalancesWithTiers:
        """A profile's balances in a loyalty program."""
        check_path("integration_id", integration_id)
        operation = describe(
            loyalty_api.get_loyalty_balances.describe,
            loyalty_program_id,
            integration_id,
            end_date=date_param(end_date, "end_date"),
            subledger_id=UNSET if subledger_id is None else subledger_id,
            include_tiers=flag(include_tiers),
            include_projected_tier=flag(include_projected_tier),
        )
        return await self._send(operation, timeout=timeout, total_timeout=total_timeout)

    async def get_loyalty_card_balances(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        end_date: datetime.datetime | None = None,
        subledger_id: Sequence[str] | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> LoyaltyCardBalances:
        """A loyalty card's balances."""
        check_card_id(loyalty_card_id)
        operation = describe(
            loyalty_api.get_loyalty_card_balances.describe,
            loyalty_program_id,
            loyalty_card_id,
            end_date=date_param(end_date, "end_date"),
            subledger_id=strings_param(subledger_id, "subledger_id"),
        )
        return await self._send(operation, timeout=timeout, total_timeout=total_timeout)

    def get_loyalty_card_points(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        status: LoyaltyPointsStatus | str | None = None,
        subledger_id: Sequence[str] | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        page_size: int | None = None,
        skip: int | None = None,
        sort: LoyaltyPointsSort | str | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> AsyncPaginator[CardLedgerPointsEntryIntegrationAPI, LoyaltyCardPointsPage]:
        """A loyalty card's points: ``await`` for one page, ``async for`` for every entry."""
        check_card_id(loyalty_card_id)
        page_params(page_size, skip)
        filters: dict[str, Any] = {
            "status": enum_param(models.LoyaltyPointsStatus, status, "status"),
            "sort": enum_param(models.LoyaltyPointsSort, sort, "sort"),
            "subledger_id": strings_param(subledger_id, "subledger_id"),
            "customer_session_ids": strings_param(customer_session_ids, "customer_session_ids"),
            "transaction_uuids": strings_param(transaction_uuids, "transaction_uuids"),
        }

        def fetch(offset: int | None, size: int | None) -> Awaitable[LoyaltyCardPointsPage]:
            operation = describe(
                loyalty_api.get_loyalty_card_points.describe,
                loyalty_program_id,
                loyalty_card_id,
                page_size=_size(size),
                skip=_size(offset),
                **filters,
            )
            return self._send(operation, timeout=timeout, total_timeout=total_timeout)

        return AsyncPaginator(fetch, _items_and_more, page_size=page_size, skip=skip)

    def get_loyalty_card_transactions(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        subledger_id: Sequence[str] | None = None,
        loyalty_transaction_type: LoyaltyTransactionType | str | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        page_size: int | None = None,
        skip: int | None = None,
        awaits_activation: bool | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> AsyncPaginator[CardLedgerTransactionLogEntryIntegrationAPI, LoyaltyCardTransactionsPage]:
        """A loyalty card's ledger: ``await`` for one page, ``async for`` for every entry."""
        check_card_id(loyalty_card_id)
        page_params(page_size, skip)
        filters: dict[str, Any] = {
            "subledger_id": strings_param(subledger_id, "subledger_id"),
            "loyalty_transaction_type": enum_param(
                models.LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type"
            ),
            "start_date": date_param(start_date, "start_date"),
            "end_date": date_param(end_date, "end_date"),
            "customer_session_ids": strings_param(customer_session_ids, "customer_session_ids"),
            "transaction_uuids": strings_param(transaction_uuids, "transaction_uuids"),
            "awaits_activation": UNSET if awaits_activation is None else awaits_activation,
        }

        def fetch(offset: int | None, size: int | None) -> Awaitable[LoyaltyCardTransactionsPage]:
            operation = describe(
                loyalty_api.get_loyalty_card_transactions.describe,
                loyalty_program_id,
                loyalty_card_id,
                page_size=_size(size),
                skip=_size(offset),
                **filters,
            )
            return self._send(operation, timeout=timeout, total_timeout=total_timeout)

        return AsyncPaginator(fetch, _items_and_more, page_size=page_size, skip=skip)

    def get_loyalty_program_profile_points(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        status: LoyaltyPointsStatus | str | None = None,
        subledger_id: Sequence[str] | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        page_size: int | None = None,
        skip: int | None = None,
        sort: LoyaltyPointsSort | str | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> AsyncPaginator[LedgerPointsEntryIntegrationAPI, ProfilePointsPage]:
        """A profile's points in a program: ``await`` for one page, ``async for`` for every entry."""
        check_path("integration_id", integration_id)
        page_params(page_size, skip)
        filters: dict[str, Any] = {
            "status": enum_param(models.LoyaltyPointsStatus, status, "status"),
            "sort": enum_param(models.LoyaltyPointsSort, sort, "sort"),
            "subledger_id": strings_param(subledger_id, "subledger_id"),
            "customer_session_ids": strings_param(customer_session_ids, "customer_session_ids"),
            "transaction_uuids": strings_param(transaction_uuids, "transaction_uuids"),
        }

        def fetch(offset: int | None, size: int | None) -> Awaitable[ProfilePointsPage]:
            operation = describe(
                loyalty_api.get_loyalty_program_profile_points.describe,
                loyalty_program_id,
                integration_id,
                page_size=_size(size),
                skip=_size(offset),
                **filters,
            )
            return self._send(operation, timeout=timeout, total_timeout=total_timeout)

        return AsyncPaginator(fetch, _items_and_more, page_size=page_size, skip=skip)

    def get_loyalty_program_profile_transactions(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        subledger_id: str | None = None,
        loyalty_transaction_type: LoyaltyTransactionType | str | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        page_size: int | None = None,
        skip: int | None = None,
        awaits_activation: bool | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> AsyncPaginator[LedgerTransactionLogEntryIntegrationAPI, ProfileTransactionsPage]:
        """A profile's ledger in a program: ``await`` for one page, ``async for`` for every entry."""
        check_path("integration_id", integration_id)
        page_params(page_size, skip)
        filters: dict[str, Any] = {
            "customer_session_ids": strings_param(customer_session_ids, "customer_session_ids"),
            "transaction_uuids": strings_param(transaction_uuids, "transaction_uuids"),
            "subledger_id": UNSET if subledger_id is None else subledger_id,
            "loyalty_transaction_type": enum_param(
                models.LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type"
            ),
            "start_date": date_param(start_date, "start_date"),
            "end_date": date_param(end_date, "end_date"),
            "awaits_activation": UNSET if awaits_activation is None else awaits_activation,
        }

        def fetch(offset: int | None, size: int | None) -> Awaitable[ProfileTransactionsPage]:
            operation = describe(
                loyalty_api.get_loyalty_program_profile_transactions.describe,
                loyalty_program_id,
                integration_id,
                page_size=_size(size),
                skip=_size(offset),
                **filters,
            )
            return self._send(operation, timeout=timeout, total_timeout=total_timeout)

        return AsyncPaginator(fetch, _items_and_more, page_size=page_size, skip=skip)

    async def link_loyalty_card_to_profile(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        body: LoyaltyCardRegistration | LoyaltyCardRegistrationDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> LoyaltyCard:
        """Link a loyalty card to a customer profile."""
        check_card_id(loyalty_card_id)
        request = as_model(models.LoyaltyCardRegistration, body, "body")
        operation = describe(
            loyalty_api.link_loyalty_card_to_profile.describe,
            loyalty_program_id,
            loyalty_card_id,
            body=request,
        )
        return await self._send(operation, timeout=timeout, total_timeout=total_timeout)

    async def unlink_loyalty_card_from_profile(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        body: LoyaltyCardRegistration | LoyaltyCardRegistrationDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> LoyaltyCard:
        """Unlink a loyalty card from a customer profile."""
        check_card_id(loyalty_card_id)
        request = as_model(models.LoyaltyCardRegistration, body, "body")
        operation = describe(
            loyalty_api.unlink_loyalty_card_from_profile.describe,
            loyalty_program_id,
            loyalty_card_id,
            body=request,
        )
        return await self._send(operation, timeout=timeout, total_timeout=total_timeout)

    # --- deprecated aliases: the get_* methods above iterate ----------------------------------------

    def iter_loyalty_card_points(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
        **filters: Any,
    ) -> Paginator[CardLedgerPointsEntryIntegrationAPI]:
        """Deprecated: ``async for entry in get_loyalty_card_points(...)``."""
        _deprecated(self.get_loyalty_card_points)
        paginator = self.get_loyalty_card_points(
            loyalty_program_id,
            loyalty_card_id,
            page_size=page_size,
            timeout=timeout,
            total_timeout=total_timeout,
            **filters,
        )
        return paginator.limit(max_items)

    def iter_loyalty_card_transactions(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
        **filters: Any,
    ) -> Paginator[CardLedgerTransactionLogEntryIntegrationAPI]:
        """Deprecated: ``async for entry in get_loyalty_card_transactions(...)``."""
        _deprecated(self.get_loyalty_card_transactions)
        paginator = self.get_loyalty_card_transactions(
            loyalty_program_id,
            loyalty_card_id,
            page_size=page_size,
            timeout=timeout,
            total_timeout=total_timeout,
            **filters,
        )
        return paginator.limit(max_items)

    def iter_loyalty_program_profile_points(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
        **filters: Any,
    ) -> Paginator[LedgerPointsEntryIntegrationAPI]:
        """Deprecated: ``async for entry in get_loyalty_program_profile_points(...)``."""
        _deprecated(self.get_loyalty_program_profile_points)
        paginator = self.get_loyalty_program_profile_points(
            loyalty_program_id,
            integration_id,
            page_size=page_size,
            timeout=timeout,
            total_timeout=total_timeout,
            **filters,
        )
        return paginator.limit(max_items)

    def iter_loyalty_program_profile_transactions(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
        **filters: Any,
    ) -> Paginator[LedgerTransactionLogEntryIntegrationAPI]:
        """Deprecated: ``async for entry in get_loyalty_program_profile_transactions(...)``."""
        _deprecated(self.get_loyalty_program_profile_transactions)
        paginator = self.get_loyalty_program_profile_transactions(
            loyalty_program_id,
            integration_id,
            page_size=page_size,
            timeout=timeout,
            total_timeout=total_timeout,
            **filters,
        )
        return paginator.limit(max_items)
