"""Customer sessions: update (evaluate), read, reopen and return items."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from .._argument_converters import CLOSING_STATES, as_model
from .._base import BaseClient, TimeoutTypes, describe
from .._generated import models
from .._generated.api import sessions as sessions_api
from .._generated.types import UNSET
from .._request_checks import check_dry_preconditions, check_max_items, check_path

if TYPE_CHECKING:
    from .._generated.models import (
        IntegrationCustomerSessionResponse,
        IntegrationRequest,
        IntegrationStateV2,
        ReopenSessionResponse,
        ReturnIntegrationRequest,
    )
    from .._generated.typed_dicts import IntegrationRequestDict, ReturnIntegrationRequestDict

__all__ = ["SessionOperations"]


class SessionOperations(BaseClient):
    """Strictly private. The customer session operations of ``TalonClient``."""

    async def get_customer_session(
        self, customer_session_id: str, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> IntegrationCustomerSessionResponse:
        """Get a customer session (``GET /v2/customer_sessions/{id}``)."""
        check_path("customer_session_id", customer_session_id)
        return await self._send(
            describe(sessions_api.get_customer_session.describe, customer_session_id),
            timeout=timeout,
            total_timeout=total_timeout,
        )

    async def update_customer_session(
        self,
        customer_session_id: str,
        *,
        body: IntegrationRequest | IntegrationRequestDict,
        dry: bool = False,
        now: datetime.datetime | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> IntegrationStateV2:
        """Create or update a customer session and evaluate the rules (``PUT /v2/customer_sessions/{id}``).

        Calls for the same session are serialized within this client. ``now`` (dry only, in the
        future) evaluates the session as of that moment.
        """
        check_path("customer_session_id", customer_session_id)
        request = as_model(models.IntegrationRequest, body, "body")
        check_max_items("body.customerSession.cartItems", request.customer_session.cart_items)
        dry = dry or self._dry
        check_dry_preconditions(dry=dry, now=now)
        operation = describe(
            sessions_api.update_customer_session_v2.describe,
            customer_session_id,
            body=request,
            dry=True if dry else UNSET,
            now=UNSET if now is None else now,
        )
        # Closing a session settles it (coupons redeemed, points added): never replay it blindly.
        # Any other update only sets the session's state, so repeating it changes nothing more.
        closes = not dry and str(request.customer_session.state) in CLOSING_STATES
        return await self._send(
            operation,
            timeout=timeout,
            total_timeout=total_timeout,
            idempotent=not closes,
            lock=("session", customer_session_id),
        )

    async def reopen_customer_session(
        self, customer_session_id: str, *, timeout: TimeoutTypes = None, total_timeout: float | None = None
    ) -> ReopenSessionResponse:
        """Reopen a closed customer session, rolling back its effects (``PUT .../reopen``)."""
        check_path("customer_session_id", customer_session_id)
        return await self._send(
            describe(sessions_api.reopen_customer_session.describe, customer_session_id),
            timeout=timeout,
            total_timeout=total_timeout,
            lock=("session", customer_session_id),
        )

    async def return_cart_items(
        self,
        customer_session_id: str,
        *,
        body: ReturnIntegrationRequest | ReturnIntegrationRequestDict,
        dry: bool = False,
        run_rule_engine: bool | None = None,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> IntegrationStateV2:
        """Return items of a closed session (``POST /v2/customer_sessions/{id}/returns``).

        ``run_rule_engine`` is sent only when given; without it Talon.One applies its own default.
        """
        check_path("customer_session_id", customer_session_id)
        request = as_model(models.ReturnIntegrationRequest, body, "body")
        dry = dry or self._dry
        return await self._send(
            describe(
                sessions_api.return_cart_items.describe,
                customer_session_id,
                body=request,
                dry=True if dry else UNSET,
                run_rule_engine=UNSET if run_rule_engine is None else run_rule_engine,
            ),
            timeout=timeout,
            total_timeout=total_timeout,
            lock=("session", customer_session_id),
        )
