"""Where the examples send their requests: your deployment, or an embedded fake Talon.One.

With ``TALON_BASE_URL`` and ``TALON_API_KEY`` set, ``connect()`` yields a client for that
deployment. Otherwise it builds a ``FakeTalon``, lets the example seed it, and yields a client
whose requests go straight into the fake in-process (no port, no network).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from talon_async import InvalidRequestError, TalonClient
from talon_async.testing import FakeTalon

__all__ = ["Target", "connect"]


@dataclass(frozen=True)
class Target:
    """The client an example uses, and the fake behind it (``None`` for a real deployment)."""

    talon: TalonClient
    fake: FakeTalon | None
    description: str


@asynccontextmanager
async def connect(
    *, seed: Callable[[FakeTalon], object] | None = None, env: Mapping[str, str] | None = None
) -> AsyncIterator[Target]:
    """A client for the deployment in the environment, else for a fresh fake seeded by ``seed``."""
    env = os.environ if env is None else env
    base_url, api_key = env.get("TALON_BASE_URL", ""), env.get("TALON_API_KEY", "")
    if base_url and api_key:
        async with TalonClient(base_url, api_key) as talon:
            yield Target(talon, None, f"your deployment at {talon.base_url}")
        return
    if base_url or api_key:
        # Half a configuration is a mistake; quietly falling back to the fake would hide it.
        missing = "TALON_API_KEY" if base_url else "TALON_BASE_URL"
        raise InvalidRequestError(
            f"{missing} is not set: set both TALON_BASE_URL and TALON_API_KEY, or neither"
        )
    fake = FakeTalon()
    if seed is not None:
        seed(fake)
    async with fake.client() as talon:
        yield Target(talon, fake, "the embedded fake Talon.One")
