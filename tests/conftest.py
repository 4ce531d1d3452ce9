"""Fixtures every test folder may use. Folder-specific fixtures belong in that folder's conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each ``@pytest.mark.anyio`` test on asyncio and on trio: the SDK promises both."""
    backend: str = request.param
    return backend
