"""Loyalty programs: cards, balances, points and transaction ledgers (with their iterators)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from ._base import BaseClient, TimeoutTypes
from ._flags import MAX_ITEMS, check_aware, check_card_id, check_path
from ._generated.types import UNSET
from ._pagination import Paginator
from ._params import Body, as_model, date_param, enum_param, expect, flag, page_params, strings_param

if TYPE_CHECKING:
    from ._generated.models import (
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


__all__ = ["LoyaltyMethods"]


class LoyaltyMethods(BaseClient):
    """Strictly private. The loyalty operations and ledger iterators of ``TalonClient``."""

    # --- loyalty -------------------------------------------------------------------------------

    async def generate_loyalty_card(
        self, loyalty_program_id: int, *, body: GenerateLoyaltyCard | Body, timeout: TimeoutTypes = None
    ) -> LoyaltyCard:
        """Create a loyalty card (``POST /v1/loyalty_programs/{id}/cards``)."""
        from ._generated.api.loyalty import generate_loyalty_card as op
        from ._generated.models.generate_loyalty_card import GenerateLoyaltyCard

        self._no_dry("generate_loyalty_card")
        request = as_model(GenerateLoyaltyCard, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(loyalty_program_id, client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
            body=request,
        )
        return cast("LoyaltyCard", expect(response, 200))

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
    ) -> LoyaltyBalancesWithTiers:
        """A profile's balances in a loyalty program."""
        from ._generated.api.loyalty import get_loyalty_balances as op

        check_path("integration_id", integration_id)
        end = date_param(end_date, "end_date")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                integration_id,
                client=c,
                end_date=end,
                subledger_id=UNSET if subledger_id is None else subledger_id,
                include_tiers=flag(include_tiers),
                include_projected_tier=flag(include_projected_tier),
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyBalancesWithTiers", expect(response, 200))

    async def get_loyalty_card_balances(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        end_date: datetime.datetime | None = None,
        subledger_id: Sequence[str] | None = None,
        timeout: TimeoutTypes = None,
    ) -> LoyaltyCardBalances:
        """A loyalty card's balances."""
        from ._generated.api.loyalty import get_loyalty_card_balances as op

        check_card_id(loyalty_card_id)
        end = date_param(end_date, "end_date")
        subledgers = strings_param(subledger_id, "subledger_id")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id, loyalty_card_id, client=c, end_date=end, subledger_id=subledgers
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyCardBalances", expect(response, 200))

    async def get_loyalty_card_points(
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
    ) -> LoyaltyCardPointsPage:
        """One page of a loyalty card's points; ``iter_loyalty_card_points`` walks them all."""
        from ._generated.api.loyalty import get_loyalty_card_points as op
        from ._generated.models.loyalty_points_sort import LoyaltyPointsSort
        from ._generated.models.loyalty_points_status import LoyaltyPointsStatus

        check_card_id(loyalty_card_id)
        size, offset = page_params(page_size, skip)
        status_ = enum_param(LoyaltyPointsStatus, status, "status")
        sort_ = enum_param(LoyaltyPointsSort, sort, "sort")
        subledgers = strings_param(subledger_id, "subledger_id")
        sessions = strings_param(customer_session_ids, "customer_session_ids")
        uuids = strings_param(transaction_uuids, "transaction_uuids")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                loyalty_card_id,
                client=c,
                status=status_,
                subledger_id=subledgers,
                customer_session_ids=sessions,
                transaction_uuids=uuids,
                page_size=size,
                skip=offset,
                sort=sort_,
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyCardPointsPage", expect(response, 200))

    async def get_loyalty_card_transactions(
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
    ) -> LoyaltyCardTransactionsPage:
        """One page of a loyalty card's ledger; ``iter_loyalty_card_transactions`` walks it all."""
        from ._generated.api.loyalty import get_loyalty_card_transactions as op
        from ._generated.models.loyalty_transaction_type import LoyaltyTransactionType

        check_card_id(loyalty_card_id)
        size, offset = page_params(page_size, skip)
        kind = enum_param(LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type")
        start = date_param(start_date, "start_date")
        end = date_param(end_date, "end_date")
        subledgers = strings_param(subledger_id, "subledger_id")
        sessions = strings_param(customer_session_ids, "customer_session_ids")
        uuids = strings_param(transaction_uuids, "transaction_uuids")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                loyalty_card_id,
                client=c,
                subledger_id=subledgers,
                loyalty_transaction_type=kind,
                start_date=start,
                end_date=end,
                customer_session_ids=sessions,
                transaction_uuids=uuids,
                page_size=size,
                skip=offset,
                awaits_activation=UNSET if awaits_activation is None else awaits_activation,
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyCardTransactionsPage", expect(response, 200))

    async def get_loyalty_program_profile_points(
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
    ) -> ProfilePointsPage:
        """One page of a profile's points; ``iter_loyalty_program_profile_points`` walks them all."""
        from ._generated.api.loyalty import get_loyalty_program_profile_points as op
        from ._generated.models.loyalty_points_sort import LoyaltyPointsSort
        from ._generated.models.loyalty_points_status import LoyaltyPointsStatus

        check_path("integration_id", integration_id)
        size, offset = page_params(page_size, skip)
        status_ = enum_param(LoyaltyPointsStatus, status, "status")
        sort_ = enum_param(LoyaltyPointsSort, sort, "sort")
        sessions = strings_param(customer_session_ids, "customer_session_ids")
        uuids = strings_param(transaction_uuids, "transaction_uuids")
        subledgers = strings_param(subledger_id, "subledger_id")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                integration_id,
                client=c,
                status=status_,
                subledger_id=subledgers,
                customer_session_ids=sessions,
                transaction_uuids=uuids,
                page_size=size,
                skip=offset,
                sort=sort_,
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("ProfilePointsPage", expect(response, 200))

    async def get_loyalty_program_profile_transactions(
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
    ) -> ProfileTransactionsPage:
        """One page of a profile's ledger; ``iter_loyalty_program_profile_transactions`` walks it all."""
        from ._generated.api.loyalty import get_loyalty_program_profile_transactions as op
        from ._generated.models.loyalty_transaction_type import LoyaltyTransactionType

        check_path("integration_id", integration_id)
        size, offset = page_params(page_size, skip)
        kind = enum_param(LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type")
        start = date_param(start_date, "start_date")
        end = date_param(end_date, "end_date")
        sessions = strings_param(customer_session_ids, "customer_session_ids")
        uuids = strings_param(transaction_uuids, "transaction_uuids")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                integration_id,
                client=c,
                customer_session_ids=sessions,
                transaction_uuids=uuids,
                subledger_id=UNSET if subledger_id is None else subledger_id,
                loyalty_transaction_type=kind,
                start_date=start,
                end_date=end,
                page_size=size,
                skip=offset,
                awaits_activation=UNSET if awaits_activation is None else awaits_activation,
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("ProfileTransactionsPage", expect(response, 200))

    async def link_loyalty_card_to_profile(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        body: LoyaltyCardRegistration | Body,
        timeout: TimeoutTypes = None,
    ) -> LoyaltyCard:
        """Link a loyalty card to a customer profile."""
        from ._generated.api.loyalty import link_loyalty_card_to_profile as op

        return await self._card_registration(op, loyalty_program_id, loyalty_card_id, body, timeout)

    async def unlink_loyalty_card_from_profile(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        body: LoyaltyCardRegistration | Body,
        timeout: TimeoutTypes = None,
    ) -> LoyaltyCard:
        """Unlink a loyalty card from a customer profile."""
        from ._generated.api.loyalty import unlink_loyalty_card_from_profile as op

        return await self._card_registration(op, loyalty_program_id, loyalty_card_id, body, timeout)

    async def _card_registration(
        self,
        op: Any,
        loyalty_program_id: int,
        loyalty_card_id: str,
        body: LoyaltyCardRegistration | Body,
        timeout: TimeoutTypes,
    ) -> LoyaltyCard:
        """Link and unlink share body, checks and answer; only the generated operation differs."""
        from ._generated.models.loyalty_card_registration import LoyaltyCardRegistration

        self._no_dry(op.__name__.rpartition(".")[2])
        check_card_id(loyalty_card_id)
        request = as_model(LoyaltyCardRegistration, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(loyalty_program_id, loyalty_card_id, client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
            body=request,
        )
        return cast("LoyaltyCard", expect(response, 200))

    # --- iterators -----------------------------------------------------------------------------

    def iter_loyalty_card_points(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        status: LoyaltyPointsStatus | str | None = None,
        subledger_id: Sequence[str] | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        sort: LoyaltyPointsSort | str | None = None,
        timeout: TimeoutTypes = None,
    ) -> Paginator[CardLedgerPointsEntryIntegrationAPI]:
        """Every points entry of a loyalty card, fetched page by page as you iterate."""
        check_card_id(loyalty_card_id)

        async def fetch(skip: int, size: int) -> tuple[list[CardLedgerPointsEntryIntegrationAPI], bool]:
            page = await self.get_loyalty_card_points(
                loyalty_program_id,
                loyalty_card_id,
                status=status,
                subledger_id=subledger_id,
                customer_session_ids=customer_session_ids,
                transaction_uuids=transaction_uuids,
                sort=sort,
                page_size=size,
                skip=skip,
                timeout=timeout,
            )
            return page.data, page.has_more

        return Paginator(fetch, page_size=page_size, max_items=max_items)

    def iter_loyalty_card_transactions(
        self,
        loyalty_program_id: int,
        loyalty_card_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        subledger_id: Sequence[str] | None = None,
        loyalty_transaction_type: LoyaltyTransactionType | str | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        awaits_activation: bool | None = None,
        timeout: TimeoutTypes = None,
    ) -> Paginator[CardLedgerTransactionLogEntryIntegrationAPI]:
        """Every ledger entry of a loyalty card, fetched page by page as you iterate."""
        check_card_id(loyalty_card_id)
        check_aware("start_date", start_date)
        check_aware("end_date", end_date)

        async def fetch(
            skip: int, size: int
        ) -> tuple[list[CardLedgerTransactionLogEntryIntegrationAPI], bool]:
            page = await self.get_loyalty_card_transactions(
                loyalty_program_id,
                loyalty_card_id,
                subledger_id=subledger_id,
                loyalty_transaction_type=loyalty_transaction_type,
                start_date=start_date,
                end_date=end_date,
                customer_session_ids=customer_session_ids,
                transaction_uuids=transaction_uuids,
                awaits_activation=awaits_activation,
                page_size=size,
                skip=skip,
                timeout=timeout,
            )
            return page.data, page.has_more

        return Paginator(fetch, page_size=page_size, max_items=max_items)

    def iter_loyalty_program_profile_points(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        status: LoyaltyPointsStatus | str | None = None,
        subledger_id: Sequence[str] | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        sort: LoyaltyPointsSort | str | None = None,
        timeout: TimeoutTypes = None,
    ) -> Paginator[LedgerPointsEntryIntegrationAPI]:
        """Every points entry of a profile in a program, fetched page by page as you iterate."""
        check_path("integration_id", integration_id)

        async def fetch(skip: int, size: int) -> tuple[list[LedgerPointsEntryIntegrationAPI], bool]:
            page = await self.get_loyalty_program_profile_points(
                loyalty_program_id,
                integration_id,
                status=status,
                subledger_id=subledger_id,
                customer_session_ids=customer_session_ids,
                transaction_uuids=transaction_uuids,
                sort=sort,
                page_size=size,
                skip=skip,
                timeout=timeout,
            )
            return page.data, page.has_more

        return Paginator(fetch, page_size=page_size, max_items=max_items)

    def iter_loyalty_program_profile_transactions(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        page_size: int = MAX_ITEMS,
        max_items: int | None = None,
        customer_session_ids: Sequence[str] | None = None,
        transaction_uuids: Sequence[str] | None = None,
        subledger_id: str | None = None,
        loyalty_transaction_type: LoyaltyTransactionType | str | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        awaits_activation: bool | None = None,
        timeout: TimeoutTypes = None,
    ) -> Paginator[LedgerTransactionLogEntryIntegrationAPI]:
        """Every ledger entry of a profile in a program, fetched page by page as you iterate."""
        check_path("integration_id", integration_id)
        check_aware("start_date", start_date)
        check_aware("end_date", end_date)

        async def fetch(skip: int, size: int) -> tuple[list[LedgerTransactionLogEntryIntegrationAPI], bool]:
            page = await self.get_loyalty_program_profile_transactions(
                loyalty_program_id,
                integration_id,
                customer_session_ids=customer_session_ids,
                transaction_uuids=transaction_uuids,
                subledger_id=subledger_id,
                loyalty_transaction_type=loyalty_transaction_type,
                start_date=start_date,
                end_date=end_date,
                awaits_activation=awaits_activation,
                page_size=size,
                skip=skip,
                timeout=timeout,
            )
            return page.data, page.has_more

        return Paginator(fetch, page_size=page_size, max_items=max_items)
