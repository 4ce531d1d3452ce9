"""pytest fixtures for testing code that talks to Talon.One, against the fake.

Enable in a ``conftest.py``::

    pytest_plugins = ["talon_async.testing.pytest_plugin"]

``fake_talon`` is a fresh ``FakeTalon`` per test (use ``fake_talon.transport()`` in-process);
``fake_talon_server`` serves one on a free loopback port (``.base_url``, ``.api_key``, ``.fake``),
which needs uvicorn (``talon-async[testing]``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._fake import FakeTalon
from ._server import FakeTalonServer

__all__ = ["fake_talon", "fake_talon_server"]


@pytest.fixture
def fake_talon() -> FakeTalon:
    """A fresh, empty fake with the example rules."""
    return FakeTalon()


@pytest.fixture
def fake_talon_server(fake_talon: FakeTalon) -> Iterator[FakeTalonServer]:
    """``fake_talon`` served over HTTP on 127.0.0.1, stopped after the test."""
    with FakeTalonServer(fake_talon) as server:
        yield server
