"""The fake over real HTTP on loopback: FakeTalonServer, the pytest fixtures and `python -m`."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from talon_async import BadRequestError, TalonClient
from talon_async.testing import FakeTalon, FakeTalonServer
from talon_async.testing.__main__ import main


@pytest.mark.anyio
async def test_fixture_serves_the_fake_on_loopback(
    fake_talon: FakeTalon, fake_talon_server: FakeTalonServer
) -> None:
    """`fake_talon_server` serves `fake_talon` on 127.0.0.1; the facade talks to it over real HTTP."""
    assert fake_talon_server.fake is fake_talon
    assert fake_talon_server.base_url.startswith("http://127.0.0.1:")
    async with TalonClient(fake_talon_server.base_url, fake_talon_server.api_key) as talon:
        await talon.update_customer_profile("p1", body={"attributes": {"Name": "Ada"}})
        with pytest.raises(BadRequestError):
            await talon.get_customer_session("missing")
    assert fake_talon.profile("p1")["attributes"] == {"Name": "Ada"}  # type: ignore[index]


def test_server_context_manager_starts_and_stops() -> None:
    """The server picks a free port, answers, and stops on exit."""
    with FakeTalonServer() as server:
        port = server.port
        r = httpx.get(f"{server.base_url}/v2/customer_sessions/x", headers=server.fake.auth_headers)
        assert r.status_code == 400
        assert "running" in repr(server)
    assert port != 0
    assert "stopped" in repr(server)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v2/customer_sessions/x")


def test_repr_hides_the_api_key() -> None:
    """Neither the fake's nor the server's repr shows the API key."""
    fake = FakeTalon(api_key="very-secret-key")
    assert "very-secret-key" not in repr(fake)
    assert "very-secret-key" not in repr(FakeTalonServer(fake))
    assert "very-secret-key" not in repr(fake.app)


def test_main_refuses_non_loopback_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m talon_async.testing` only binds loopback addresses."""
    assert main(["--host", "0.0.0.0"]) == 2
    assert "loopback only" in capsys.readouterr().err


def test_python_dash_m_prints_url_and_key_and_serves() -> None:
    """`python -m talon_async.testing --port 0` prints its URL and key, seeds the example shop and serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "talon_async.testing", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Fake Talon.One listening on http://127.0.0.1:")
        base_url = first.rsplit(" ", 1)[1].strip()
        assert process.stdout.readline().strip() == "API key: cli-key"
        r = httpx.post(
            f"{base_url}/v1/coupon_reservations/WELCOME10",
            json={"integrationIDs": ["p1"]},
            headers={"Authorization": "ApiKey-v1 cli-key"},
        )
        assert r.status_code == 201
    finally:
        process.terminate()
        process.wait(timeout=10)
