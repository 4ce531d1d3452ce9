"""Audiences and audience memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ._base import BaseClient, TimeoutTypes
from ._flags import check_max_items
from ._params import Body, as_model, expect, no_content

if TYPE_CHECKING:
    from ._generated.models import (
        Audience,
        CustomerProfileAudienceRequest,
        NewAudience,
        UpdateAudience,
        UpdateAudienceCustomersAttributesBody,
    )


__all__ = ["AudienceMethods"]


class AudienceMethods(BaseClient):
    """Strictly private. The audience operations of ``TalonClient``."""

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
            body=request,
        )
        return cast("Audience", expect(response, 201))

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
            body=request,
        )
        return cast("Audience", expect(response, 200))

    async def delete_audience(self, audience_id: int, *, timeout: TimeoutTypes = None) -> None:
        """Delete an audience (``DELETE /v2/audiences/{audienceId}``)."""
        from ._generated.api.audiences import delete_audience_v2 as op

        self._no_dry("delete_audience")
        no_content(
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
        no_content(
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
        no_content(
            await self._send(
                lambda c: op.asyncio_detailed(audience_id, client=c, body=request),
                method="PUT",
                idempotent=True,
                timeout=timeout,
                body=request,
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
        no_content(
            await self._send(
                lambda c: op.asyncio_detailed(client=c, body=request),
                method="POST",
                idempotent=False,
                timeout=timeout,
                body=request,
            )
        )
