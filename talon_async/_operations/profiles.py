"""Customer profiles, their events and their data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from .._argument_converters import as_model, flag, silent_mode
from .._base import BaseClient, TimeoutTypes, describe
from .._generated import models
from .._generated.api import customer_data as customer_data_api
from .._generated.api import events as events_api
from .._generated.api import profiles as profiles_api
from .._generated.types import UNSET
from .._request_checks import check_dry_preconditions, check_max_items, check_path

if TYPE_CHECKING:
    from .._generated.models import (
        CustomerInventory,
        CustomerProfileIntegrationRequestV2,
        CustomerProfileIntegrationResponseV2,
        IntegrationEventV2Request,
        MultipleCustomerProfileIntegrationRequest,
        MultipleCustomerProfileIntegrationResponseV2,
        TrackEventV2Response,
    )
    from .._generated.typed_dicts import (
        CustomerProfileIntegrationRequestV2Dict,
        IntegrationEventV2RequestDict,
        MultipleCustomerProfileIntegrationRequestDict,
    )

__all__ = ["ProfileOperations"]


class ProfileOperations(BaseClient):
    """Strictly private. The profile, event and customer data operations of ``TalonClient``."""

    async def update_customer_profile(
        self,
        integration_id: str,
        *,
        body: CustomerProfileIntegrationRequestV2 | CustomerProfileIntegrationRequestV2Dict,
        run_rule_engine: bool = False,
        dry: bool = False,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> CustomerProfileIntegrationResponseV2:
        """Create or update a customer profile (``PUT /v2/customer_profiles/{integrationId}``).

        ``dry`` needs ``run_rule_engine=True``. Calls for the same profile are serialized.
        """
        check_path("integration_id", integration_id)
        request = as_model(models.CustomerProfileIntegrationRequestV2, body, "body")
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, run_rule_engine=run_rule_engine)
        operation = describe(
            profiles_api.update_customer_profile_v2.describe,
            integration_id,
            body=request,
            run_rule_engine=True if run_rule_engine else UNSET,
            dry=True if dry else UNSET,
        )
        return await self._send(
            operation,
            timeout=timeout,
            total_timeout=total_timeout,
            # With the rule engine, an update can trigger effects (points, coupons) that a
            # replay would apply twice; without it, or dry, it only sets attributes.
            idempotent=dry or not run_rule_engine,
            lock=("profile", integration_id),
        )

    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | MultipleCustomerProfileIntegrationRequestDict,
        silent: Literal[True] = ...,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> None: ...
    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | MultipleCustomerProfileIntegrationRequestDict,
        silent: Literal[False],
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> MultipleCustomerProfileIntegrationResponseV2: ...
    @overload
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | MultipleCustomerProfileIntegrationRequestDict,
        silent: bool,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> MultipleCustomerProfileIntegrationResponseV2 | None: ...
    async def update_customer_profiles(
        self,
        *,
        body: MultipleCustomerProfileIntegrationRequest | MultipleCustomerProfileIntegrationRequestDict,
        silent: bool = True,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> MultipleCustomerProfileIntegrationResponseV2 | None:
        """Update up to 1000 profiles in one request (``PUT /v2/customer_profiles``).

        ``silent=True`` (the API's default) returns ``None``; ``batch_update_customer_profiles``
        takes any number of profiles.
        """
        request = as_model(models.MultipleCustomerProfileIntegrationRequest, body, "body")
        check_max_items("body.customerProfiles", request.customer_profiles)
        operation = describe(
            profiles_api.update_customer_profiles_v2.describe, body=request, silent=silent_mode(silent)
        )
        result = await self._send(
            operation, timeout=timeout, total_timeout=total_timeout, require_body=not silent
        )
        return None if silent else result

    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | IntegrationEventV2RequestDict,
        silent: Literal[True] = ...,
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> None: ...
    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | IntegrationEventV2RequestDict,
        silent: Literal[False],
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> TrackEventV2Response: ...
    @overload
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | IntegrationEventV2RequestDict,
        silent: bool,
        dry: bool = ...,
        force_complete_evaluation: bool = ...,
        timeout: TimeoutTypes = ...,
        total_timeout: float | None = ...,
    ) -> TrackEventV2Response | None: ...
    async def track_event(
        self,
        *,
        body: IntegrationEventV2Request | IntegrationEventV2RequestDict,
        silent: bool = True,
        dry: bool = False,
        force_complete_evaluation: bool = False,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> TrackEventV2Response | None:
        """Track an event (``POST /v2/events``); ``silent=False`` returns the evaluation result.

        Events for the same profile are serialized. ``force_complete_evaluation`` needs ``dry``.
        """
        request = as_model(models.IntegrationEventV2Request, body, "body")
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, force_complete_evaluation=force_complete_evaluation)
        operation = describe(
            events_api.track_event_v2.describe,
            body=request,
            silent=silent_mode(silent),
            dry=True if dry else UNSET,
            force_complete_evaluation=flag(force_complete_evaluation),
        )
        profile_id = request.profile_id
        result = await self._send(
            operation,
            timeout=timeout,
            total_timeout=total_timeout,
            require_body=not silent,
            lock=("profile", profile_id) if isinstance(profile_id, str) and profile_id else None,
        )
        return None if silent else result

    async def delete_customer_data(
        self, integration_id: str, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> None:
        """Delete a customer's personal data (``DELETE /v1/customer_data/{integrationId}``)."""
        check_path("integration_id", integration_id)
        await self._send(
            describe(customer_data_api.delete_customer_data.describe, integration_id),
            timeout=timeout,
            total_timeout=total_timeout,
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
        total_timeout: float | None = None,
    ) -> CustomerInventory:
        """What a customer holds: profile, referrals, coupons, loyalty, giveaways, achievements."""
        check_path("integration_id", integration_id)
        operation = describe(
            customer_data_api.get_customer_inventory.describe,
            integration_id,
            profile=flag(profile),
            referrals=flag(referrals),
            coupons=flag(coupons),
            loyalty=flag(loyalty),
            giveaways=flag(giveaways),
            achievements=flag(achievements),
        )
        return await self._send(operation, timeout=timeout, total_timeout=total_timeout)
