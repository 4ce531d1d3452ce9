"""``TalonClient``: one method per Integration API operation, plus iterators and batch helpers.

Every method is thin: it checks what Talon.One would reject, converts dicts to models, calls the
generated ``asyncio_detailed`` function through ``BaseClient._send`` (locks, limits, retries,
typed errors) and returns the parsed model.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

from ._base import BaseClient, TimeoutTypes, unexpected_answer
from ._batch import BatchResult, ChunkResult, run_batches
from ._errors import DryRunUnsupportedError, InvalidRequestError
from ._flags import (
    MAX_ITEMS,
    as_model,
    check_aware,
    check_card_id,
    check_dry_preconditions,
    check_max_items,
    check_page_size,
    check_path,
    silent_mode,
)
from ._generated.types import UNSET, Response, Unset
from ._pagination import Paginator

if TYPE_CHECKING:
    from ._catalog import CatalogPayload
    from ._generated.models import (
        AdvocateReferralsPage,
        Audience,
        CardLedgerPointsEntryIntegrationAPI,
        CardLedgerTransactionLogEntryIntegrationAPI,
        Catalog,
        CatalogAction,
        CatalogSyncRequest,
        Coupon,
        CouponReservations,
        CustomerInventory,
        CustomerProfile,
        CustomerProfileAudienceRequest,
        CustomerProfileAudienceRequestItem,
        CustomerProfileIntegrationRequestV2,
        CustomerProfileIntegrationResponseV2,
        GenerateLoyaltyCard,
        IntegrationCustomerSessionResponse,
        IntegrationEventV2Request,
        IntegrationRequest,
        IntegrationStateV2,
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
        MultipleCustomerProfileIntegrationRequest,
        MultipleCustomerProfileIntegrationRequestItem,
        MultipleCustomerProfileIntegrationResponseV2,
        NewAudience,
        NewReferral,
        NewReferralsForMultipleAdvocates,
        ProfilePointsPage,
        ProfileTransactionsPage,
        Referral,
        ReopenSessionResponse,
        ReservedCustomersPage,
        ReturnIntegrationRequest,
        TrackEventV2Response,
        UpdateAudience,
        UpdateAudienceCustomersAttributesBody,
    )

__all__ = ["TalonClient"]

E = TypeVar("E", bound=Enum)
Body = Mapping[str, Any]
"""A request body as the plain dict of the API's JSON (camelCase keys)."""

_CLOSING_STATES = frozenset({"closed", "cancelled", "partially_returned"})


def _ok(response: Response[Any], status: int) -> Any:
    if response.status_code != status:
        raise unexpected_answer(response, f"status {status}")
    return response.parsed


def _none(response: Response[Any]) -> None:
    """Operations answering 204: any 2xx is fine, there is nothing to return."""


def _enum(cls: type[E], value: E | str | None, field: str) -> E | Unset:
    if value is None:
        return UNSET
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in cls)
        raise InvalidRequestError(f"{field}: {value!r} is not one of {allowed}") from None


def _date(value: datetime.datetime | None, field: str) -> datetime.datetime | Unset:
    if value is None:
        return UNSET
    check_aware(field, value)
    return value


def _strings(value: Sequence[str] | None, field: str) -> list[str] | Unset:
    if value is None:
        return UNSET
    if isinstance(value, str):
        raise InvalidRequestError(f"{field}: expected a list of strings, got a single string")
    return list(value)


def _page(page_size: int | None, skip: int | None) -> tuple[int | Unset, int | Unset]:
    if page_size is not None:
        check_page_size(page_size)
    if skip is not None and skip < 0:
        raise InvalidRequestError(f"skip: {skip} is negative")
    return (UNSET if page_size is None else page_size), (UNSET if skip is None else skip)


def _flag(value: bool) -> bool | Unset:
    return True if value else UNSET


class TalonClient(BaseClient):
    """An async client for the Talon.One Integration API.

    ``base_url`` and ``api_key`` default to the ``TALON_BASE_URL`` and ``TALON_API_KEY``
    environment variables. Use it as ``async with TalonClient() as talon: ...`` or call
    ``await talon.aclose()``. Path values are positional, everything else keyword-only; bodies
    are models or plain dicts; every method takes a per-call ``timeout=``.
    """

    def _no_dry(self, operation: str) -> None:
        if self._dry:
            raise DryRunUnsupportedError(
                f"{operation} has no dry mode in Talon.One, so it was not sent from a dry_run() view"
            )

    # --- customer sessions -------------------------------------------------------------------

    async def get_customer_session(
        self, customer_session_id: str, *, timeout: TimeoutTypes = None
    ) -> IntegrationCustomerSessionResponse:
        """Get a customer session (``GET /v2/customer_sessions/{id}``)."""
        from ._generated.api.sessions import get_customer_session as op

        check_path("customer_session_id", customer_session_id)
        response = await self._send(
            lambda c: op.asyncio_detailed(customer_session_id, client=c),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("IntegrationCustomerSessionResponse", _ok(response, 200))

    async def update_customer_session(
        self,
        customer_session_id: str,
        *,
        body: IntegrationRequest | Body,
        dry: bool = False,
        now: datetime.datetime | None = None,
        timeout: TimeoutTypes = None,
    ) -> IntegrationStateV2:
        """Create or update a customer session and evaluate the rules (``PUT /v2/customer_sessions/{id}``).

        Calls for the same session are serialized within this client. ``now`` (dry only, in the
        future) evaluates the session as of that moment.
        """
        from ._generated.api.sessions import update_customer_session_v2 as op
        from ._generated.models.integration_request import IntegrationRequest

        check_path("customer_session_id", customer_session_id)
        request = as_model(IntegrationRequest, body, "body")
        check_max_items("body.customerSession.cartItems", request.customer_session.cart_items)
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, now=now)
        # Closing a session settles it (coupons redeemed, points added): never replay it blindly.
        closes = str(request.customer_session.state) in _CLOSING_STATES
        response = await self._send(
            lambda c: op.asyncio_detailed(
                customer_session_id,
                client=c,
                body=request,
                dry=True if dry else UNSET,
                now=UNSET if now is None else now,
            ),
            method="PUT",
            idempotent=not closes,
            timeout=timeout,
            lock=("session", customer_session_id),
        )
        return cast("IntegrationStateV2", _ok(response, 200))

    async def reopen_customer_session(
        self, customer_session_id: str, *, timeout: TimeoutTypes = None
    ) -> ReopenSessionResponse:
        """Reopen a closed customer session, rolling back its effects (``PUT .../reopen``)."""
        from ._generated.api.sessions import reopen_customer_session as op

        self._no_dry("reopen_customer_session")
        check_path("customer_session_id", customer_session_id)
        response = await self._send(
            lambda c: op.asyncio_detailed(customer_session_id, client=c),
            method="PUT",
            idempotent=False,
            timeout=timeout,
            lock=("session", customer_session_id),
        )
        return cast("ReopenSessionResponse", _ok(response, 200))

    async def return_cart_items(
        self,
        customer_session_id: str,
        *,
        body: ReturnIntegrationRequest | Body,
        dry: bool = False,
        timeout: TimeoutTypes = None,
    ) -> IntegrationStateV2:
        """Return items of a closed session (``POST /v2/customer_sessions/{id}/returns``)."""
        from ._generated.api.sessions import return_cart_items as op
        from ._generated.models.return_integration_request import ReturnIntegrationRequest

        check_path("customer_session_id", customer_session_id)
        request = as_model(ReturnIntegrationRequest, body, "body")
        dry = dry or self._dry
        response = await self._send(
            lambda c: op.asyncio_detailed(
                customer_session_id, client=c, body=request, dry=True if dry else UNSET
            ),
            method="POST",
            idempotent=False,
            timeout=timeout,
            lock=("session", customer_session_id),
        )
        return cast("IntegrationStateV2", _ok(response, 200))

    # --- customer profiles -------------------------------------------------------------------

    async def update_customer_profile(
        self,
        integration_id: str,
        *,
        body: CustomerProfileIntegrationRequestV2 | Body,
        run_rule_engine: bool = False,
        dry: bool = False,
        timeout: TimeoutTypes = None,
    ) -> CustomerProfileIntegrationResponseV2:
        """Create or update a customer profile (``PUT /v2/customer_profiles/{integrationId}``).

        ``dry`` needs ``run_rule_engine=True``. Calls for the same profile are serialized.
        """
        from ._generated.api.profiles import update_customer_profile_v2 as op
        from ._generated.models.customer_profile_integration_request_v2 import (
            CustomerProfileIntegrationRequestV2,
        )

        check_path("integration_id", integration_id)
        request = as_model(CustomerProfileIntegrationRequestV2, body, "body")
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, run_rule_engine=run_rule_engine)
        response = await self._send(
            lambda c: op.asyncio_detailed(
                integration_id,
                client=c,
                body=request,
                run_rule_engine=True if run_rule_engine else UNSET,
                dry=True if dry else UNSET,
            ),
            method="PUT",
            idempotent=True,
            timeout=timeout,
            lock=("profile", integration_id),
        )
        return cast("CustomerProfileIntegrationResponseV2", _ok(response, 200))

    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | Body,
        silent: Literal[True] = ...,
        timeout: TimeoutTypes = ...,
    ) -> None: ...
    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | Body,
        silent: Literal[False],
        timeout: TimeoutTypes = ...,
    ) -> MultipleCustomerProfileIntegrationResponseV2: ...
    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | Body,
        silent: bool,
        timeout: TimeoutTypes = ...,
    ) -> MultipleCustomerProfileIntegrationResponseV2 | None: ...
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | Body,
        silent: bool = True,
        timeout: TimeoutTypes = None,
    ) -> MultipleCustomerProfileIntegrationResponseV2 | None:
        """Update up to 1000 profiles in one request (``PUT /v2/customer_profiles``).

        ``silent=True`` (the API's default) returns ``None``; ``batch_update_customer_profiles``
        takes any number of profiles.
        """
        from ._generated.api.profiles import update_customer_profiles_v2 as op
        from ._generated.models.multiple_customer_profile_integration_request import (
            MultipleCustomerProfileIntegrationRequest,
        )

        self._no_dry("update_customer_profiles")
        request = as_model(MultipleCustomerProfileIntegrationRequest, body, "body")
        check_max_items("body.customerProfiles", request.customer_profiles)
        mode = silent_mode(silent)
        response = await self._send(
            lambda c: op.asyncio_detailed(client=c, body=request, silent=mode),
            method="PUT",
            idempotent=True,
            timeout=timeout,
        )
        if silent:
            return None
        return cast("MultipleCustomerProfileIntegrationResponseV2", _ok(response, 200))

    # --- events --------------------------------------------------------------------------------

    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | Body,
        silent: Literal[True] = ...,
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
    ) -> None: ...
    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | Body,
        silent: Literal[False],
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
    ) -> TrackEventV2Response: ...
    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | Body,
        silent: bool,
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
    ) -> TrackEventV2Response | None: ...
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | Body,
        silent: bool = True,
        dry: bool = False,
        force_complete_evaluation: bool = False,
        timeout: TimeoutTypes = None,
    ) -> TrackEventV2Response | None:
        """Track an event (``POST /v2/events``); ``silent=False`` returns the evaluation result.

        Events for the same profile are serialized. ``force_complete_evaluation`` needs ``dry``.
        """
        from ._generated.api.events import track_event_v2 as op
        from ._generated.models.integration_event_v2_request import IntegrationEventV2Request

        request = as_model(IntegrationEventV2Request, body, "body")
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, force_complete_evaluation=force_complete_evaluation)
        mode = silent_mode(silent)
        profile_id = request.profile_id
        response = await self._send(
            lambda c: op.asyncio_detailed(
                client=c,
                body=request,
                silent=mode,
                dry=True if dry else UNSET,
                force_complete_evaluation=_flag(force_complete_evaluation),
            ),
            method="POST",
            idempotent=False,
            timeout=timeout,
            lock=("profile", profile_id) if isinstance(profile_id, str) and profile_id else None,
        )
        if silent:
            return None
        return cast("TrackEventV2Response", _ok(response, 200))

    # --- audiences -----------------------------------------------------------------------------

    async def create_audience(self, *, body: NewAudience | Body, timeout: TimeoutTypes = None) -> Audience:
        """Create an audience (``POST /v2/audiences``)."""
        from ._generated.api.audiences import create_audience_v2 as op
        from ._generated.models.new_audience import NewAudience

        self._no_dry("create_audience")
        request = as_model(NewAudience, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        return cast("Audience", _ok(response, 201))

    async def update_audience(
        self, audience_id: int, *, body: UpdateAudience | Body, timeout: TimeoutTypes = None
    ) -> Audience:
        """Rename an audience (``PUT /v2/audiences/{audienceId}``)."""
        from ._generated.api.audiences import update_audience_v2 as op
        from ._generated.models.update_audience import UpdateAudience

        self._no_dry("update_audience")
        request = as_model(UpdateAudience, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(audience_id, client=c, body=request),
            method="PUT",
            idempotent=True,
            timeout=timeout,
        )
        return cast("Audience", _ok(response, 200))

    async def delete_audience(self, audience_id: int, *, timeout: TimeoutTypes = None) -> None:
        """Delete an audience (``DELETE /v2/audiences/{audienceId}``)."""
        from ._generated.api.audiences import delete_audience_v2 as op

        self._no_dry("delete_audience")
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(audience_id, client=c),
                method="DELETE",
                idempotent=False,
                timeout=timeout,
            )
        )

    async def delete_audience_memberships(self, audience_id: int, *, timeout: TimeoutTypes = None) -> None:
        """Remove every member of an audience (``DELETE /v2/audiences/{audienceId}/memberships``)."""
        from ._generated.api.audiences import delete_audience_memberships_v2 as op

        self._no_dry("delete_audience_memberships")
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(audience_id, client=c),
                method="DELETE",
                idempotent=False,
                timeout=timeout,
            )
        )

    async def update_audience_customers_attributes(
        self,
        audience_id: int,
        *,
        body: UpdateAudienceCustomersAttributesBody | Body,
        timeout: TimeoutTypes = None,
    ) -> None:
        """Set attributes on every member of an audience (``PUT /v2/audience_customers/{id}/attributes``)."""
        from ._generated.api.audiences import update_audience_customers_attributes as op
        from ._generated.models.update_audience_customers_attributes_body import (
            UpdateAudienceCustomersAttributesBody,
        )

        self._no_dry("update_audience_customers_attributes")
        request = as_model(UpdateAudienceCustomersAttributesBody, body, "body")
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(audience_id, client=c, body=request),
                method="PUT",
                idempotent=True,
                timeout=timeout,
            )
        )

    async def update_customer_profile_audiences(
        self, *, body: CustomerProfileAudienceRequest | Body, timeout: TimeoutTypes = None
    ) -> None:
        """Add profiles to or remove them from audiences, up to 1000 changes per request."""
        from ._generated.api.audiences import update_customer_profile_audiences as op
        from ._generated.models.customer_profile_audience_request import CustomerProfileAudienceRequest

        self._no_dry("update_customer_profile_audiences")
        request = as_model(CustomerProfileAudienceRequest, body, "body")
        check_max_items("body.data", request.data)
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(client=c, body=request),
                method="POST",
                idempotent=False,
                timeout=timeout,
            )
        )

    # --- catalogs ------------------------------------------------------------------------------

    async def sync_catalog(
        self, catalog_id: int, *, body: CatalogSyncRequest | Body, timeout: TimeoutTypes = None
    ) -> Catalog:
        """Apply up to 1000 catalog actions (``PUT /v1/catalogs/{catalogId}/sync``)."""
        from ._generated.api.catalogs import sync_catalog as op
        from ._generated.models.catalog_sync_request import CatalogSyncRequest

        self._no_dry("sync_catalog")
        request = as_model(CatalogSyncRequest, body, "body")
        check_max_items("body.actions", request.actions)
        response = await self._send(
            lambda c: op.asyncio_detailed(catalog_id, client=c, body=request),
            method="PUT",
            # An ADD replayed after it landed fails as a duplicate: not safe to repeat.
            idempotent=False,
            timeout=timeout,
        )
        return cast("Catalog", _ok(response, 200))

    # --- coupons -------------------------------------------------------------------------------

    async def create_coupon_reservation(
        self, coupon_value: str, *, body: CouponReservations | Body, timeout: TimeoutTypes = None
    ) -> Coupon:
        """Reserve a coupon for up to 1000 profiles (``POST /v1/coupon_reservations/{couponValue}``)."""
        from ._generated.api.coupons import create_coupon_reservation as op
        from ._generated.models.coupon_reservations import CouponReservations

        self._no_dry("create_coupon_reservation")
        check_path("coupon_value", coupon_value)
        request = as_model(CouponReservations, body, "body")
        check_max_items("body.integrationIDs", request.integration_ids)
        response = await self._send(
            lambda c: op.asyncio_detailed(coupon_value, client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        return cast("Coupon", _ok(response, 201))

    async def delete_coupon_reservation(
        self, coupon_value: str, *, body: CouponReservations | Body, timeout: TimeoutTypes = None
    ) -> None:
        """Remove coupon reservations for up to 1000 profiles (``DELETE /v1/coupon_reservations/{value}``)."""
        from ._generated.api.coupons import delete_coupon_reservation as op
        from ._generated.models.coupon_reservations import CouponReservations

        self._no_dry("delete_coupon_reservation")
        check_path("coupon_value", coupon_value)
        request = as_model(CouponReservations, body, "body")
        check_max_items("body.integrationIDs", request.integration_ids)
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(coupon_value, client=c, body=request),
                method="DELETE",
                idempotent=False,
                timeout=timeout,
            )
        )

    async def get_reserved_customers(
        self, coupon_value: str, *, timeout: TimeoutTypes = None
    ) -> ReservedCustomersPage:
        """The profiles that reserved a coupon (``GET /v1/coupon_reservations/customerprofiles/{value}``)."""
        from ._generated.api.coupons import get_reserved_customers as op

        check_path("coupon_value", coupon_value)
        response = await self._send(
            lambda c: op.asyncio_detailed(coupon_value, client=c),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("ReservedCustomersPage", _ok(response, 200))

    # --- customer data -------------------------------------------------------------------------

    async def delete_customer_data(self, integration_id: str, *, timeout: TimeoutTypes = None) -> None:
        """Delete a customer's personal data (``DELETE /v1/customer_data/{integrationId}``)."""
        from ._generated.api.customer_data import delete_customer_data as op

        self._no_dry("delete_customer_data")
        check_path("integration_id", integration_id)
        _none(
            await self._send(
                lambda c: op.asyncio_detailed(integration_id, client=c),
                method="DELETE",
                idempotent=False,
                timeout=timeout,
            )
        )

    async def get_customer_inventory(
        self,
        integration_id: str,
        *,
        profile: bool = False,
        referrals: bool = False,
        coupons: bool = False,
        loyalty: bool = False,
        giveaways: bool = False,
        achievements: bool = False,
        timeout: TimeoutTypes = None,
    ) -> CustomerInventory:
        """What a customer holds: profile, referrals, coupons, loyalty, giveaways, achievements."""
        from ._generated.api.customer_data import get_customer_inventory as op

        check_path("integration_id", integration_id)
        response = await self._send(
            lambda c: op.asyncio_detailed(
                integration_id,
                client=c,
                profile=_flag(profile),
                referrals=_flag(referrals),
                coupons=_flag(coupons),
                loyalty=_flag(loyalty),
                giveaways=_flag(giveaways),
                achievements=_flag(achievements),
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("CustomerInventory", _ok(response, 200))

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
        )
        return cast("LoyaltyCard", _ok(response, 200))

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
        end = _date(end_date, "end_date")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                integration_id,
                client=c,
                end_date=end,
                subledger_id=UNSET if subledger_id is None else subledger_id,
                include_tiers=_flag(include_tiers),
                include_projected_tier=_flag(include_projected_tier),
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyBalancesWithTiers", _ok(response, 200))

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
        end = _date(end_date, "end_date")
        subledgers = _strings(subledger_id, "subledger_id")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id, loyalty_card_id, client=c, end_date=end, subledger_id=subledgers
            ),
            method="GET",
            idempotent=True,
            timeout=timeout,
        )
        return cast("LoyaltyCardBalances", _ok(response, 200))

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
        size, offset = _page(page_size, skip)
        status_ = _enum(LoyaltyPointsStatus, status, "status")
        sort_ = _enum(LoyaltyPointsSort, sort, "sort")
        subledgers = _strings(subledger_id, "subledger_id")
        sessions = _strings(customer_session_ids, "customer_session_ids")
        uuids = _strings(transaction_uuids, "transaction_uuids")
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
        return cast("LoyaltyCardPointsPage", _ok(response, 200))

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
        size, offset = _page(page_size, skip)
        kind = _enum(LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type")
        start = _date(start_date, "start_date")
        end = _date(end_date, "end_date")
        subledgers = _strings(subledger_id, "subledger_id")
        sessions = _strings(customer_session_ids, "customer_session_ids")
        uuids = _strings(transaction_uuids, "transaction_uuids")
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
        return cast("LoyaltyCardTransactionsPage", _ok(response, 200))

    async def get_loyalty_program_profile_points(
        self,
        loyalty_program_id: int,
        integration_id: str,
        *,
        status: LoyaltyPointsStatus | str | None = None,
        subledger_id: str | None = None,
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
        size, offset = _page(page_size, skip)
        status_ = _enum(LoyaltyPointsStatus, status, "status")
        sort_ = _enum(LoyaltyPointsSort, sort, "sort")
        sessions = _strings(customer_session_ids, "customer_session_ids")
        uuids = _strings(transaction_uuids, "transaction_uuids")
        response = await self._send(
            lambda c: op.asyncio_detailed(
                loyalty_program_id,
                integration_id,
                client=c,
                status=status_,
                subledger_id=UNSET if subledger_id is None else subledger_id,
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
        return cast("ProfilePointsPage", _ok(response, 200))

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
        size, offset = _page(page_size, skip)
        kind = _enum(LoyaltyTransactionType, loyalty_transaction_type, "loyalty_transaction_type")
        start = _date(start_date, "start_date")
        end = _date(end_date, "end_date")
        sessions = _strings(customer_session_ids, "customer_session_ids")
        uuids = _strings(transaction_uuids, "transaction_uuids")
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
        return cast("ProfileTransactionsPage", _ok(response, 200))

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
        from ._generated.models.loyalty_card_registration import LoyaltyCardRegistration

        self._no_dry("link_loyalty_card_to_profile")
        check_card_id(loyalty_card_id)
        request = as_model(LoyaltyCardRegistration, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(loyalty_program_id, loyalty_card_id, client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        return cast("LoyaltyCard", _ok(response, 200))

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
        from ._generated.models.loyalty_card_registration import LoyaltyCardRegistration

        self._no_dry("unlink_loyalty_card_from_profile")
        check_card_id(loyalty_card_id)
        request = as_model(LoyaltyCardRegistration, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(loyalty_program_id, loyalty_card_id, client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        return cast("LoyaltyCard", _ok(response, 200))

    # --- referrals -----------------------------------------------------------------------------

    async def create_referral(self, *, body: NewReferral | Body, timeout: TimeoutTypes = None) -> Referral:
        """Create a referral code for an advocate (``POST /v1/referrals``)."""
        from ._generated.api.referrals import create_referral as op
        from ._generated.models.new_referral import NewReferral

        self._no_dry("create_referral")
        request = as_model(NewReferral, body, "body")
        response = await self._send(
            lambda c: op.asyncio_detailed(client=c, body=request),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        return cast("Referral", _ok(response, 201))

    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | Body,
        silent: Literal[True] = ...,
        timeout: TimeoutTypes = ...,
    ) -> None: ...
    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | Body,
        silent: Literal[False],
        timeout: TimeoutTypes = ...,
    ) -> AdvocateReferralsPage: ...
    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | Body,
        silent: bool,
        timeout: TimeoutTypes = ...,
    ) -> AdvocateReferralsPage | None: ...
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | Body,
        silent: bool = True,
        timeout: TimeoutTypes = None,
    ) -> AdvocateReferralsPage | None:
        """Create referral codes for up to 1000 advocates (``POST /v1/referrals_for_multiple_advocates``)."""
        from ._generated.api.referrals import create_referrals_for_multiple_advocates as op
        from ._generated.models.new_referrals_for_multiple_advocates import NewReferralsForMultipleAdvocates

        self._no_dry("create_referrals_for_multiple_advocates")
        request = as_model(NewReferralsForMultipleAdvocates, body, "body")
        check_max_items("body.advocateProfileIntegrationIds", request.advocate_profile_integration_ids)
        mode = silent_mode(silent)
        response = await self._send(
            lambda c: op.asyncio_detailed(client=c, body=request, silent=mode),
            method="POST",
            idempotent=False,
            timeout=timeout,
        )
        if silent:
            return None
        return cast("AdvocateReferralsPage", _ok(response, 201))

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
        subledger_id: str | None = None,
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

    def iter_reserved_customers(
        self, coupon_value: str, *, max_items: int | None = None, timeout: TimeoutTypes = None
    ) -> Paginator[CustomerProfile]:
        """The profiles that reserved a coupon, with the same iterator interface.

        The endpoint answers everything at once (``totalResultSize``), so this is one page.
        """
        check_path("coupon_value", coupon_value)

        async def fetch(skip: int, size: int) -> tuple[list[CustomerProfile], bool]:
            page = await self.get_reserved_customers(coupon_value, timeout=timeout)
            return page.data, False

        return Paginator(fetch, max_items=max_items)

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
            actions, send, concurrency=concurrency, on_progress=on_progress, group_by=_catalog_action_type
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
        start = _date(start_date, "start_date")
        expiry = _date(expiry_date, "expiry_date")

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
    from ._catalog import catalog_action
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


def _catalog_action_type(item: object) -> str:
    from ._catalog import action_type_of
    from ._generated.models.catalog_action import CatalogAction

    if isinstance(item, CatalogAction):
        return str(item.type_)
    if isinstance(item, Mapping):
        return str(item.get("type"))
    try:
        return action_type_of(type(item))
    except TypeError:
        # Not a payload: _to_catalog_action reports it when the chunk is sent.
        return type(item).__name__
