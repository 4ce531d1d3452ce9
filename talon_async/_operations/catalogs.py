"""Catalogs: one sync request of up to 1000 actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._argument_converters import as_model
from .._base import BaseClient, TimeoutTypes, describe
from .._catalog_actions import check_catalog_actions
from .._generated import models
from .._generated.api import catalogs as catalogs_api
from .._request_checks import check_max_items

if TYPE_CHECKING:
    from .._generated.models import Catalog, CatalogSyncRequest
    from .._generated.typed_dicts import CatalogSyncRequestDict

__all__ = ["CatalogOperations"]


class CatalogOperations(BaseClient):
    """Strictly private. The catalog operation of ``TalonClient``."""

    async def sync_catalog(
        self,
        catalog_id: int,
        *,
        body: CatalogSyncRequest | CatalogSyncRequestDict,
        timeout: TimeoutTypes = None,
        total_timeout: float | None = None,
    ) -> Catalog:
        """Apply up to 1000 catalog actions (``PUT /v1/catalogs/{catalogId}/sync``).

        Not safe to repeat (the spec says so): an ADD replayed after it landed fails as a duplicate.
        """
        request = as_model(models.CatalogSyncRequest, body, "body")
        check_max_items("body.actions", request.actions)
        check_catalog_actions(request.actions)
        return await self._send(
            describe(catalogs_api.sync_catalog.describe, catalog_id, body=request),
            timeout=timeout,
            total_timeout=total_timeout,
        )
