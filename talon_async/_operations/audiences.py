"""Audiences and audience memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._argument_converters import Body, as_model
from .._base import BaseClient, TimeoutTypes, describe
from .._generated import models
from .._generated.api import audiences as audiences_api
from .._request_checks import check_max_items

if TYPE_CHECKING:
    from .._generated.models import (
        Audience,
        CustomerProfileAudienceRequest,
        NewAudience,
        UpdateAudience,
        UpdateAudienceCustomersAttributesBody,
    )
    from .._generated.typed_dicts import (
        CustomerProfileAudienceRequestDict,
        NewAudienceDict,
        UpdateAudienceDict,
    )

__all__ = ["AudienceOperations"]


class AudienceOperations(BaseClient):
    """Strictly private. The audience operations of ``TalonClient``."""

    async def create_audience(
        self,
        *,
        body: NewAudience | NewAudienceDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Audience:
        """Create an audience (``POST /v2/audiences``)."""
        request = as_model(models.NewAudience, body, "body")
        return await self._send(
            describe(audiences_api.create_audience_v2.describe, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def update_audience(
        self,
        audience_id: int,
        *,
        body: UpdateAudience | UpdateAudienceDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Audience:
        """Rename an audience (``PUT /v2/audiences/{audienceId}``)."""
        request = as_model(models.UpdateAudience, body, "body")
        return await self._send(
            describe(audiences_api.update_audience_v2.describe, audience_id, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def delete_audience(
        self, audience_id: int, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> None:
        """Delete an audience (``DELETE /v2/audiences/{audienceId}``)."""
        await self._send(
            describe(audiences_api.delete_audience_v2.describe, audience_id),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def delete_audience_memberships(
        self, audience_id: int, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> None:
        """Remove every member of an audience (``DELETE /v2/audiences/{audienceId}/memberships``)."""
        await self._send(
            describe(audiences_api.delete_audience_memberships_v2.describe, audience_id),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def update_audience_customers_attributes(
        self,
        audience_id: int,
        *,
        body: UpdateAudienceCustomersAttributesBody | Body,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> None:
        """Set attributes on every member of an audience (``PUT /v2/audience_customers/{id}/attributes``)."""
        request = as_model(models.UpdateAudienceCustomersAttributesBody, body, "body")
        await self._send(
            describe(audiences_api.update_audience_customers_attributes.describe, audience_id, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def update_customer_profile_audiences(
        self,
        *,
        body: CustomerProfileAudienceRequest | CustomerProfileAudienceRequestDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> None:
        """Add profiles to or remove them from audiences, up to 1000 changes per request."""
        request = as_model(models.CustomerProfileAudienceRequest, body, "body")
        check_max_items("body.data", request.data)
        await self._send(
            describe(audiences_api.update_customer_profile_audiences.describe, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )
