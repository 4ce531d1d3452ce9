"""Fixtures for the examples' tests: examples/ on sys.path, the fake's pytest plugin, no retry sleep."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from talon_async import set_testing

# What users get from `pytest_plugins = ["talon_async.testing.pytest_plugin"]`; only the root
# conftest may declare plugins, so the fixtures are imported here instead.
from talon_async.testing.pytest_plugin import fake_talon, fake_talon_server

__all__ = ["EXAMPLES", "ROOT", "fake_talon", "fake_talon_server"]

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"

# The examples are scripts, not a package: they import their helpers (`_console`, `_target`)
# the way `python examples/x.py` does, from their own folder.
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


@pytest.fixture(autouse=True)
def _no_retry_sleep() -> Iterator[None]:
    """Retry waits (Retry-After, backoff) are computed but not slept."""
    set_testing(True)
    yield
    set_testing(False)


@pytest.fixture
def no_talon_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples pick the fake only when no deployment is configured."""
    for name in ("TALON_BASE_URL", "TALON_API_KEY"):
        monkeypatch.delenv(name, raising=False)
