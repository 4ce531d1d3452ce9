"""A base URL that already ends in the API version is refused with a reason, before any request."""

from __future__ import annotations

import pytest

from talon_async import InvalidRequestError, TalonClient
from tests.facade.conftest import API_KEY


@pytest.mark.parametrize(
    "base_url",
    ["https://mycompany.talon.one/v1", "https://mycompany.talon.one/v2/", "https://proxy.example/talon/v2"],
)
def test_a_versioned_base_url_is_refused(base_url: str) -> None:
    """Operations add /v1 or /v2 themselves, so a base URL ending in one would double it: refused."""
    with pytest.raises(InvalidRequestError, match="ends in an API version"):
        TalonClient(base_url, API_KEY)


@pytest.mark.parametrize(
    "base_url", ["https://mycompany.talon.one", "https://proxy.example/talon/", "https://proxy.example/v2x"]
)
def test_an_unversioned_base_url_is_accepted(base_url: str) -> None:
    """A root URL, or a proxy prefix whose last segment is not a version, is kept as given."""
    assert TalonClient(base_url, API_KEY).base_url == base_url.rstrip("/")
