"""Coupon reservations and referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast, overload

from ._base import BaseClient, TimeoutTypes
from ._flags import check_max_items, check_path
from ._pagination import Paginator
from ._params import Body, as_model, expect, no_content, silent_mode

if TYPE_CHECKING:
    from ._generated.models import (
        AdvocateReferralsPage,
        Coupon,
        CouponReservations,
        CustomerProfile,
        NewReferral,
        NewReferralsForMultipleAdvocates,
        Referral,
        ReservedCustomersPage,
    )


__all__ = ["CouponMethods"]


class CouponMethods(BaseClient):
    """Strictly private. The coupon and referral operations of ``TalonClient``."""

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
            body=request,
        )
        return cast("Coupon", expect(response, 201))

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
        no_content(
            await self._send(
                lambda c: op.asyncio_detailed(coupon_value, client=c, body=request),
                method="DELETE",
                idempotent=False,
                timeout=timeout,
                body=request,
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
        return cast("ReservedCustomersPage", expect(response, 200))

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
            body=request,
        )
        return cast("Referral", expect(response, 201))

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
            body=request,
        )
        if silent:
            return None
        return cast("AdvocateReferralsPage", expect(response, 201))

    # --- iterators -----------------------------------------------------------------------------
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
