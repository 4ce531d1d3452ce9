"""Fixtures for the differential suite: one loopback HTTP server that answers whatever a test scripts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.reliability.faulty_server import FaultyServer, ok_handler

API_KEY = "tk_diff_" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def _loopback_process() -> Iterator[FaultyServer]:
    with FaultyServer() as server:
        yield server


@pytest.fixture
def loopback(_loopback_process: FaultyServer) -> Iterator[FaultyServer]:
    """The loopback server with an empty record and the default handler, restored after the test."""
    _loopback_process.disconnect_all()
    _loopback_process.reset(ok_handler)
    yield _loopback_process
    _loopback_process.disconnect_all()
    _loopback_process.reset(ok_handler)
