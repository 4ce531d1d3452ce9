"""examples/demo.py, what `make demo` runs: on the fake, in a fresh process, and against a deployment."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import demo
import pytest

from talon_async.testing import FakeTalon, FakeTalonServer

from .conftest import EXAMPLES

RAW_REPR_MARKERS = ("object at 0x", "UNSET", "additional_properties", "Effect(", "{'")


@pytest.mark.anyio
async def test_the_story_on_the_seeded_fake(anyio_backend: str) -> None:
    """Every step of the story happens on the fake, with the effects and state the output describes."""
    config = demo.DemoConfig()
    fake = FakeTalon()
    demo.seed_fake(fake, config)
    out = io.StringIO()
    async with fake.client() as talon:
        result = await demo.run_demo(talon, config, out=out)

    assert result.session_effects == ["acceptCoupon", "setDiscount", "setDiscount", "addLoyaltyPoints"]
    assert result.dry_run_effects == result.session_effects
    assert result.close_effects == result.session_effects
    assert result.return_effects == ["rollbackAddedLoyaltyPoints", "rollbackDiscount", "rollbackDiscount"]
    assert result.reserved_for == ["alice"]
    # The seeded history, plus the points the closed session earned and the return took back.
    assert (result.transactions, result.pages) == (demo.FAKE_HISTORY + 2, 5)
    assert result.bulk is not None
    assert result.bulk.ok
    assert (result.bulk.item_count, len(result.bulk.chunks)) == (3000, 3)
    assert result.skipped == []

    session = fake.session("order-1001")
    assert session is not None
    assert session["state"] == "partially_returned"
    assert [item["sku"] for item in session["cartItems"]] == ["SKU-SHOE", "SKU-SOCK"]  # no dry-run hat
    assert fake.session("order-1002") is None  # the reservation check was a dry run
    assert fake.profile("customer-02999") is not None
    assert any(e["type"] == "wishlist_item_added" for e in fake.events())


@pytest.mark.anyio
async def test_the_output_is_for_people(anyio_backend: str) -> None:
    """The demo prints numbered steps, tables and progress lines, never a raw repr of a model."""
    config = demo.DemoConfig(bulk_profiles=2500)
    fake = FakeTalon()
    demo.seed_fake(fake, config)
    out = io.StringIO()
    async with fake.client() as talon:
        await demo.run_demo(talon, config, out=out)
    text = out.getvalue()
    for marker in RAW_REPR_MARKERS:
        assert marker not in text
    for step in range(1, 9):
        assert f"\n{step}. " in text
    assert "setDiscount       Coupon WELCOME10        -17.50" in text
    assert "fetched: 242 transactions in 5 pages" in text
    assert "updated [##############################] 2500/2500 profiles" in text


def test_make_demo_runs_in_a_fresh_process(tmp_path: Path) -> None:
    """`python examples/demo.py`, as `make demo` runs it, succeeds from any directory with no TALON_* set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALON_")}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "demo.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("talon_async demo against the embedded fake Talon.One")
    assert "8. Bulk-update 3000 profiles" in proc.stdout
    assert "3000 updated, 0 failed" in proc.stdout
    assert proc.stderr == ""


def test_the_makefile_demo_target_runs_this_script() -> None:
    """`make demo` runs examples/demo.py with the project's interpreter."""
    makefile = (EXAMPLES.parent / "Makefile").read_text()
    assert "demo: $(STAMP)\n\t$(PY) examples/demo.py\n" in makefile


def test_against_a_deployment_it_creates_its_own_data(
    fake_talon_server: FakeTalonServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With TALON_* set, nothing is seeded: the demo creates its data through the API under a run prefix."""
    fake = fake_talon_server.fake
    fake.add_example_data()  # what an account would already hold: coupons and a program
    monkeypatch.setenv("TALON_BASE_URL", fake_talon_server.base_url)
    monkeypatch.setenv("TALON_API_KEY", fake_talon_server.api_key)
    monkeypatch.setenv("TALON_DEMO_LOYALTY_PROGRAM_ID", "1")
    monkeypatch.setenv("TALON_DEMO_BULK_PROFILES", "1500")
    monkeypatch.setenv("TALON_DEMO_RUN_ID", "run7-")
    out = io.StringIO()

    assert demo.main([], out=out) == 0

    text = out.getvalue()
    assert f"against your deployment at {fake_talon_server.base_url}" in text
    assert "Seeded" not in text
    assert fake.profile("run7-alice") is not None
    assert fake.profile("run7-customer-01499") is not None
    assert fake.profile("alice") is None
    assert "fetched: 2 transactions in 1 page" in text  # only what the demo's own session earned
    assert "reserved for: run7-alice" in text


def test_on_an_empty_deployment_it_skips_what_it_cannot_create(
    fake_talon_server: FakeTalonServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the coupons or a loyalty program id, those steps are reported as skipped; the demo ends."""
    monkeypatch.setenv("TALON_BASE_URL", fake_talon_server.base_url)
    monkeypatch.setenv("TALON_API_KEY", fake_talon_server.api_key)
    monkeypatch.setenv("TALON_DEMO_BULK_PROFILES", "10")
    monkeypatch.delenv("TALON_DEMO_LOYALTY_PROGRAM_ID", raising=False)
    out = io.StringIO()

    assert demo.main([], out=out) == 0

    text = out.getvalue()
    assert "rejectCoupon" in text
    assert "CouponNotFound" in text
    assert "skipped: no coupon VIP-ONLY here" in text
    assert "skipped: set TALON_DEMO_LOYALTY_PROGRAM_ID" in text
    assert "10 updated, 0 failed" in text


def test_a_wrong_key_stops_the_demo_without_showing_the_key(
    fake_talon_server: FakeTalonServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rejected key ends the demo with status 1 and the API's message, which does not contain the key."""
    monkeypatch.setenv("TALON_BASE_URL", fake_talon_server.base_url)
    monkeypatch.setenv("TALON_API_KEY", "wrong-key-0123456789")

    assert demo.main([], out=io.StringIO()) == 1

    err = capsys.readouterr().err
    assert "401 Unauthorized" in err
    assert "wrong-key-0123456789" not in err


def test_half_a_configuration_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TALON_BASE_URL without TALON_API_KEY is named as the mistake, not silently replaced by the fake."""
    monkeypatch.setenv("TALON_BASE_URL", "https://acme.talon.one")
    monkeypatch.delenv("TALON_API_KEY", raising=False)

    assert demo.main([], out=io.StringIO()) == 2

    assert "TALON_API_KEY is not set" in capsys.readouterr().err


def test_fake_flag_ignores_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--fake` runs the story on the embedded fake even when a deployment is configured."""
    monkeypatch.setenv("TALON_BASE_URL", "https://acme.talon.one")
    monkeypatch.setenv("TALON_API_KEY", "not-used")
    out = io.StringIO()

    assert demo.main(["--fake", "--backend", "trio"], out=out) == 0

    assert out.getvalue().startswith("talon_async demo against the embedded fake Talon.One")
