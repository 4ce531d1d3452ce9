"""examples/dry_run.py: previews report effects and never change what is stored."""

from __future__ import annotations

import io

import dry_run
import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


async def test_previews_change_nothing(anyio_backend: str) -> None:
    """dry=True, now= and the dry_run() view all answer effects, and the stored session stays open."""
    fake = FakeTalon()
    dry_run.seed_fake(fake, "SUMMER25")
    async with fake.client() as talon:
        result = await dry_run.run(talon, out=io.StringIO())

    assert result.preview_points == 160.0
    assert result.next_month_rejections == ["CouponExpired"]
    assert result.refused == ["delete_customer_data"]
    assert result.stored_state == "open"
    session = fake.session("alice-order-1")
    assert session is not None
    assert session["state"] == "open"
    assert fake.points(1, integration_id="alice") == 0.0
    tracked = [e["type"] for e in fake.events()]
    assert "newsletter_signup" not in tracked
    assert "checkout_completed" not in tracked
    assert fake.profile("alice") is not None  # deleting was refused


async def test_checkout_for_real_is_the_same_code(anyio_backend: str) -> None:
    """The production checkout given the real client closes the session and credits the points."""
    fake = FakeTalon()
    dry_run.seed_fake(fake, "SUMMER25")
    async with fake.client() as talon:
        state = await dry_run.checkout(talon, "s1", "bob", "SUMMER25")
    assert state.effects[0].effect_type == "acceptCoupon"
    session = fake.session("s1")
    assert session is not None
    assert session["state"] == "closed"
    assert fake.points(1, integration_id="bob") == 160.0


def test_script_runs_on_the_fake(no_talon_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    """`python examples/dry_run.py` prints the three previews and the unchanged state."""
    assert dry_run.main([]) == 0
    out = capsys.readouterr().out
    assert "rejections on " in out
    assert "CouponExpired" in out
    assert "closing would add 160 loyalty points" in out
    assert "The stored session is still open" in out
