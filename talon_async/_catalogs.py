"""Cart item catalogs: the sync operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ._base import BaseClient, TimeoutTypes
from ._catalog import check_catalog_actions
from ._flags import check_max_items
from ._params import Body, as_model, expect

if TYPE_CHECKING:
    from ._generated.models import Catalog, CatalogSyncRequest


__all__ = ["CatalogMethods"]


class CatalogMethods(BaseClient):
    """Strictly private. The catalog operation of ``TalonClient``."""

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
        check_catalog_actions(request.actions)
        response = await self._send(
            lambda c: op.asyncio_detailed(catalog_id, client=c, body=request),
            method="PUT",
            # An ADD replayed after it landed fails as a duplicate: not safe to repeat.
            idempotent=False,
            timeout=timeout,
            body=request,
        )
        return cast("Catalog", expect(response, 200))
