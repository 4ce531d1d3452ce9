"""examples/batch_sync.py: the anyio batch job syncing profiles from JSONL or CSV, with a failure report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import batch_sync
import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


async def test_jsonl_sample_is_synced_and_broken_rows_reported(
    tmp_path: Path, fake_talon: FakeTalon, anyio_backend: str
) -> None:
    """Every valid row reaches the fake in chunks of 1000; the two broken rows are reported by line."""
    path = tmp_path / "profiles.jsonl"
    batch_sync.write_sample(path, 2500)
    async with fake_talon.client() as talon:
        report = await batch_sync.sync_profiles(talon, path, out=io.StringIO())

    assert (report.rows, report.synced, report.requests) == (2502, 2500, 3)
    assert [(row.line, row.reason.split(":")[0]) for row in report.invalid] == [
        (3, "not valid JSON"),
        (8, "integrationId is missing or empty"),
    ]
    assert report.failed == []
    assert not report.ok
    profile = fake_talon.profile("customer-002499")
    assert profile is not None
    assert profile["attributes"] == {"Tier": "bronze"}


async def test_csv_columns_become_attributes(
    tmp_path: Path, fake_talon: FakeTalon, anyio_backend: str
) -> None:
    """CSV columns other than integrationId become string attributes; empty cells are left out."""
    path = tmp_path / "profiles.csv"
    path.write_text('integrationId,Tier,City\nc1,gold,Berlin\n,silver,\nc3,,"Paris, TX"\n')
    async with fake_talon.client() as talon:
        report = await batch_sync.sync_profiles(talon, path, out=io.StringIO())

    assert (report.rows, report.synced) == (3, 2)
    assert [(row.line, row.reason) for row in report.invalid] == [(3, "integrationId is missing or empty")]
    c1, c3 = fake_talon.profile("c1"), fake_talon.profile("c3")
    assert c1 is not None
    assert c3 is not None
    assert c1["attributes"] == {"Tier": "gold", "City": "Berlin"}
    assert c3["attributes"] == {"City": "Paris, TX"}


async def test_a_rejected_request_is_reported_with_its_lines(
    tmp_path: Path, fake_talon: FakeTalon, anyio_backend: str
) -> None:
    """A rejected request fails alone: its rows are listed by line and can be written out for a re-run."""
    path = tmp_path / "profiles.jsonl"
    path.write_text("".join(json.dumps({"integrationId": f"p{i}"}) + "\n" for i in range(1500)))
    fake_talon.faults.status(400, operation="updateCustomerProfilesV2", message="attribute Tier is unknown")
    async with fake_talon.client() as talon:
        report = await batch_sync.sync_profiles(talon, path, concurrency=1, out=io.StringIO())

    assert report.synced == 500
    [failure] = report.failed
    assert failure.lines == list(range(1, 1001))
    assert "attribute Tier is unknown" in failure.error
    assert fake_talon.profile("p0") is None
    assert fake_talon.profile("p1000") is not None

    retry = tmp_path / "failed.jsonl"
    assert batch_sync.write_failed(report, retry) == 1000
    async with fake_talon.client() as talon:
        second = await batch_sync.sync_profiles(talon, retry, out=io.StringIO())
    assert second.ok
    assert second.synced == 1000
    assert fake_talon.profile("p0") is not None


def test_main_prints_the_report_and_exits_1_on_failures(
    tmp_path: Path, no_talon_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script writes a sample, syncs it into the fake and ends with a failure report and status 1."""
    path = tmp_path / "sample.jsonl"
    out = io.StringIO()

    assert batch_sync.main(["--sample", "1200", str(path)], out=out) == 1

    text = out.getvalue()
    assert "Syncing" in text
    assert "the embedded fake Talon.One" in text
    assert "Read 1202 rows: 1200 valid, 2 invalid." in text
    assert "Synced 1200 of 1200 profiles in 2 request(s)" in text
    assert "  line 3: not valid JSON" in text
    assert "  line 8: integrationId is missing or empty" in text
    assert "synced [##############################] 1202/1202 rows, 2 failed" in text


def test_main_exits_0_when_every_row_synced(tmp_path: Path, no_talon_env: None) -> None:
    """A clean file syncs with exit status 0 and no failure section."""
    path = tmp_path / "clean.jsonl"
    path.write_text('{"integrationId": "a"}\n\n{"integrationId": "b", "attributes": {"Tier": "gold"}}\n')
    out = io.StringIO()

    assert batch_sync.main([str(path)], out=out) == 0

    assert "Synced 2 of 2 profiles" in out.getvalue()
    assert "Failures" not in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [("Tier,City\ngold,Berlin\n", "no integrationId column"), (None, "no such file")],
)
def test_main_refuses_unusable_input(
    tmp_path: Path, no_talon_env: None, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    """A CSV without an integrationId column, or a missing file, stops with status 2 and says why."""
    path = tmp_path / "profiles.csv"
    if content is not None:
        path.write_text(content)

    assert batch_sync.main([str(path)], out=io.StringIO()) == 2

    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ([], "not a JSON object"),
        ({"integrationId": "a", "atributes": {}}, "unknown field(s) atributes"),
        ({"integrationId": "  "}, "integrationId is missing or empty"),
        ({"integrationId": "x" * 1001}, "integrationId is longer than 1000 characters"),
        ({"integrationId": "a", "attributes": ["gold"]}, "attributes is not an object"),
    ],
)
def test_rows_that_cannot_be_sent_are_named(row: object, reason: str) -> None:
    """Each shape Talon.One would reject is caught per row, with the reason the report prints."""
    with pytest.raises(ValueError, match="^" + reason.replace("(", r"\(").replace(")", r"\)") + "$"):
        batch_sync.parse_profile(row)


async def test_lines_survive_block_boundaries(tmp_path: Path, anyio_backend: str) -> None:
    """Reading in blocks yields the same lines as reading whole, whatever the block size and line endings."""
    path = tmp_path / "lines.jsonl"
    text = 'first\r\n{"a": 1}\n\nlast-without-newline'
    path.write_bytes(text.encode())
    for block in (1, 3, 7, 64):
        lines = [line async for line in batch_sync._lines(path, block=block)]
        assert lines == ["first", '{"a": 1}', "", "last-without-newline"]
