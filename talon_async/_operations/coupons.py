"""Coupon reservations and referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from .._argument_converters import as_model, silent_mode
from .._base import BaseClient, TimeoutTypes, describe
from .._generated import models
from .._generated.api import coupons as coupons_api
from .._generated.api import referrals as referrals_api
from .._pagination import Paginator
from .._request_checks import check_max_items, check_path

if TYPE_CHECKING:
    from .._generated.models import (
        AdvocateReferralsPage,
        Coupon,
        CouponReservations,
        CustomerProfile,
        NewReferral,
        NewReferralsForMultipleAdvocates,
        Referral,
        ReservedCustomersPage,
    )
    from .._generated.typed_dicts import (
        CouponReservationsDict,
        NewReferralDict,
        NewReferralsForMultipleAdvocatesDict,
    )

__all__ = ["CouponOperations"]


class CouponOperations(BaseClient):
    """Strictly private. The coupon and referral operations of ``TalonClient``."""

    async def create_coupon_reservation(
        self,
        coupon_value: str,
        *,
        body: CouponReservations | CouponReservationsDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Coupon:
        """Reserve a coupon for up to 1000 profiles (``POST /v1/coupon_reservations/{couponValue}``)."""
        check_path("coupon_value", coupon_value)
        request = as_model(models.CouponReservations, body, "body")
        check_max_items("body.integrationIDs", request.integration_ids)
        return await self._send(
            describe(coupons_api.create_coupon_reservation.describe, coupon_value, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def delete_coupon_reservation(
        self,
        coupon_value: str,
        *,
        body: CouponReservations | CouponReservationsDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> None:
        """Remove coupon reservations for up to 1000 profiles (``DELETE /v1/coupon_reservations/{value}``)."""
        check_path("coupon_value", coupon_value)
        request = as_model(models.CouponReservations, body, "body")
        check_max_items("body.integrationIDs", request.integration_ids)
        await self._send(
            describe(coupons_api.delete_coupon_reservation.describe, coupon_value, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def get_reserved_customers(
        self, coupon_value: str, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> ReservedCustomersPage:
        """The profiles that reserved a coupon (``GET /v1/coupon_reservations/customerprofiles/{value}``)."""
        check_path("coupon_value", coupon_value)
        return await self._send(
            describe(coupons_api.get_reserved_customers.describe, coupon_value),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def create_referral(
        self,
        *,
        body: NewReferral | NewReferralDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Referral:
        """Create a referral code for an advocate (``POST /v1/referrals``)."""
        request = as_model(models.NewReferral, body, "body")
        return await self._send(
            describe(referrals_api.create_referral.describe, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | NewReferralsForMultipleAdvocatesDict,
        silent: Literal[True] = ...,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> None: ...
    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | NewReferralsForMultipleAdvocatesDict,
        silent: Literal[False],
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> AdvocateReferralsPage: ...
    @overload
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | NewReferralsForMultipleAdvocatesDict,
        silent: bool,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> AdvocateReferralsPage | None: ...
    async def create_referrals_for_multiple_advocates(
        self,
        *,
        body: NewReferralsForMultipleAdvocates | NewReferralsForMultipleAdvocatesDict,
        silent: bool = True,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> AdvocateReferralsPage | None:
        """Create referral codes for up to 1000 advocates (``POST /v1/referrals_for_multiple_advocates``)."""
        request = as_model(models.NewReferralsForMultipleAdvocates, body, "body")
        check_max_items("body.advocateProfileIntegrationIds", request.advocate_profile_integration_ids)
        operation = describe(
            referrals_api.create_referrals_for_multiple_advocates.describe,
            body=request,
            silent=silent_mode(silent),
        )
        result = await self._send(
            operation, timeout=timeout, total_timeout=total_timeout, require_body=not silent
        )
        return None if silent else result

    def iter_reserved_customers(
        self,
        coupon_value: str,
        *,
        max_items: int | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Paginator[CustomerProfile]:
        """The profiles that reserved a coupon, with the same iterator interface.

        The endpoint answers everything at once (``totalResultSize``), so this is one page.
        """
        check_path("coupon_value", coupon_value)

        async def fetch(skip: int, size: int) -> tuple[list[CustomerProfile], bool]:
            page = await self.get_reserved_customers(
                coupon_value, timeout=timeout, total_timeout=total_timeout
            )
            return page.data, False

        return Paginator(fetch, max_items=max_items)
