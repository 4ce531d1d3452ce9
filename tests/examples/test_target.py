"""examples/_target.py: the examples use the deployment in the environment, else a seeded fake."""

from __future__ import annotations

import pytest
from _target import connect

from talon_async import InvalidRequestError
from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


async def test_no_environment_means_a_seeded_fake(anyio_backend: str) -> None:
    """Without TALON_* the example gets a fake, seeded first, that answers in-process."""
    seeded: list[FakeTalon] = []
    async with connect(seed=seeded.append, env={}) as target:
        assert target.fake is seeded[0]
        assert target.description == "the embedded fake Talon.One"
        await target.talon.update_customer_profile("p1", body={"attributes": {}})
    assert target.fake.profile("p1") is not None


async def test_a_configured_deployment_is_used_and_never_seeded(anyio_backend: str) -> None:
    """With both variables set the client targets that deployment and the seed function is not called."""
    env = {"TALON_BASE_URL": "https://acme.europe-west1.talon.one/", "TALON_API_KEY": "k"}
    async with connect(seed=lambda fake: pytest.fail("seeded a real deployment"), env=env) as target:
        assert target.fake is None
        assert target.talon.base_url == "https://acme.europe-west1.talon.one"
        assert target.description == "your deployment at https://acme.europe-west1.talon.one"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"TALON_BASE_URL": "https://a.talon.one"}, "TALON_API_KEY"),
        ({"TALON_API_KEY": "k"}, "TALON_BASE_URL"),
    ],
)
async def test_half_a_configuration_is_an_error(
    anyio_backend: str, env: dict[str, str], missing: str
) -> None:
    """One variable without the other names the missing one instead of quietly using the fake."""
    with pytest.raises(InvalidRequestError, match=f"^{missing} is not set"):
        async with connect(env=env):
            pass
