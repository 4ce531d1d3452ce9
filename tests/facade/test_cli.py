"""``python -m talon_async batch``: SIGKILL mid-run, resume, and the server's record of what was applied."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from talon_async import JsonlCheckpoint, shard_of
from talon_async._checkpoint import APPLIED, ResumeState
from tests.support.bulk import API_KEY, RecordingFake, recording_server

VALID = 5000
INVALID_AT = {2500: "{not json", 4201: json.dumps({"nope": 1})}
OPERATION_ID = {"profiles": "updateCustomerProfilesV2", "referrals": "createReferralsForMultipleAdvocates"}


def write_input(path: Path, operation: str, valid: int = VALID) -> list[str]:
    """``valid`` records plus the INVALID_AT lines at their positions; return the valid keys in order."""
    keys: list[str] = []
    with path.open("w") as out:
        for position in range(valid + len(INVALID_AT)):
            if position in INVALID_AT:
                bad = INVALID_AT[position]
                out.write(("5" if operation == "referrals" and bad.startswith('{"') else bad) + "\n")
                continue
            key = f"k{position}"
            keys.append(key)
            record: Any = {"integrationId": key, "attributes": {"n": position}}
            out.write(json.dumps(record if operation == "profiles" else key) + "\n")
    return keys


def cli(url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TALON_BASE_URL": url, "TALON_API_KEY": API_KEY}
    command = [sys.executable, "-m", "talon_async", "batch", *args, "--progress", "none"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def applied_counts(recording: RecordingFake, operation: str) -> Counter[str]:
    return recording.profiles if operation == "profiles" else recording.referrals()


@pytest.mark.parametrize("apply_held", [False, True], ids=["in-flight-not-applied", "in-flight-applied"])
@pytest.mark.parametrize("operation", ["profiles", "referrals"])
def test_sigkill_then_resume_applies_each_valid_item_once_or_reports_it(
    tmp_path: Path, operation: str, apply_held: bool
) -> None:
    """Killed with two chunks in flight, one chunk rejected and two invalid lines, a resumed run leaves the
    server with every valid item applied exactly once, except that in-flight chunks the server had applied
    are applied again for profile updates (safe to repeat) and reported, never re-sent, for referrals."""
    source = tmp_path / "input.jsonl"
    keys = write_input(source, operation)
    checkpoint = tmp_path / "job.checkpoint"
    failed = tmp_path / "failed.jsonl"
    extra = ["--campaign-id", "7", "--usage-limit", "1"] if operation == "referrals" else []
    args = [operation, str(source), "--checkpoint", str(checkpoint), "--concurrency", "2", *extra]
    with recording_server() as (recording, url):
        recording.fake.faults.status(400, operation=OPERATION_ID[operation], message="rejected chunk")
        recording.hold_after, recording.apply_held = 3, apply_held

        first = cli(url, *args)
        recording.wait_held(2)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        assert first.returncode == -signal.SIGKILL
        held = {key for chunk in recording.held for key in chunk}
        assert len(held) == 2000
        state = ResumeState.of(JsonlCheckpoint(checkpoint).replay())
        assert (
            sum(state[i] == APPLIED for i in range(VALID + 2)) == 2000
        )  # chunks 1 and 2; chunk 0 was rejected

        recording.hold_after = None
        second = cli(url, *args, "--resume", "--failed-out", str(failed))
        _, err = second.communicate(timeout=120)
        recording.release()

    assert second.returncode == 1, err
    reports = [json.loads(line) for line in failed.read_text().splitlines()]
    invalid = {r["index"]: r["error"] for r in reports if r["reason"] == "invalid"}
    assert sorted(invalid) == sorted(INVALID_AT)
    assert "not JSON" in invalid[2500]
    in_doubt = {r["item"] for r in reports if r["reason"] == "in_doubt"}
    assert {r["reason"] for r in reports} <= {"invalid", "in_doubt"}

    counts = applied_counts(recording, operation)
    assert set(counts) <= set(keys)  # nothing invalid ever reached the server
    if operation == "profiles":
        assert not in_doubt
        twice = {key for key, count in counts.items() if count == 2}
        assert twice == (held if apply_held else set())
        assert all(counts[key] == 1 for key in keys if key not in twice)
    else:
        # Referrals are never re-sent when in doubt: the user gets exactly the in-flight ones to check.
        assert in_doubt == held
        assert "in doubt" in err
        assert all(counts[key] == 1 for key in keys if key not in held)
        assert all(counts[key] == (1 if apply_held else 0) for key in held)


def test_resume_needs_the_flag_and_the_same_operation(tmp_path: Path) -> None:
    """An existing checkpoint is only continued with --resume, and only by the operation that wrote it."""
    source = tmp_path / "input.jsonl"
    write_input(source, "profiles", valid=4300)
    checkpoint = tmp_path / "job.checkpoint"
    with recording_server() as (recording, url):
        done = cli(url, "profiles", str(source), "--checkpoint", str(checkpoint))
        assert done.communicate(timeout=60)
        assert done.returncode == 1
        again = cli(url, "profiles", str(source), "--checkpoint", str(checkpoint))
        _, err = again.communicate(timeout=60)
        assert again.returncode == 2
        assert "--resume" in err
        other = cli(
            url,
            "referrals",
            str(source),
            "--checkpoint",
            str(checkpoint),
            "--resume",
            "--campaign-id",
            "1",
            "--usage-limit",
            "1",
        )
        _, err = other.communicate(timeout=60)
        assert other.returncode == 2
        assert "update_customer_profiles" in err
        resumed = cli(url, "profiles", str(source), "--checkpoint", str(checkpoint), "--resume")
        _, err = resumed.communicate(timeout=60)
    assert "already applied (checkpoint): 4,300" in err
    assert sum(recording.profiles.values()) == 4300


def test_referrals_need_a_usage_limit(tmp_path: Path) -> None:
    """Referrals without --usage-limit stop with a usage error before sending, since Talon.One requires it."""
    source = tmp_path / "advocates.jsonl"
    write_input(source, "referrals", valid=3)
    with recording_server() as (recording, url):
        run = cli(url, "referrals", str(source), "--campaign-id", "7")
        _, err = run.communicate(timeout=60)
        assert run.returncode == 2
        assert "--usage-limit" in err
        assert recording.batch_requests == 0


def test_shard_takes_exactly_its_keys_and_dry_run_sends_nothing(tmp_path: Path) -> None:
    """--shard 1/3 applies exactly the valid items whose key hashes to shard 1; --dry-run sends no request."""
    source = tmp_path / "input.jsonl"
    keys = write_input(source, "profiles", valid=3000)
    with recording_server() as (recording, url):
        dry = cli(url, "profiles", str(source), "--dry-run", "--shard", "0/3")
        _, err = dry.communicate(timeout=60)
        assert "would send" in err
        assert "left to other shards" in err
        assert recording.batch_requests == 0
        run = cli(url, "profiles", str(source), "--shard", "1/3", "--checkpoint", str(tmp_path / "1.cp"))
        run.communicate(timeout=120)
    assert recording.profiles == Counter({key: 1 for key in keys if shard_of(key, 3) == 1})


def test_csv_input_nests_dotted_columns_and_types_cells(tmp_path: Path) -> None:
    """CSV headers like attributes.n:int become nested, typed fields; a bad cell is reported by position."""
    source = tmp_path / "input.csv"
    source.write_text("integrationId,attributes.n:int,attributes.tier\na,1,gold\nb,x,silver\nc,3,\n")
    failed = tmp_path / "failed.jsonl"
    with recording_server() as (recording, url):
        run = cli(url, "profiles", str(source), "--failed-out", str(failed))
        run.communicate(timeout=60)
        assert recording.fake.profile("a") is not None
        profile_a = recording.fake.profile("a")
    assert run.returncode == 1
    assert profile_a is not None
    assert profile_a["attributes"] == {"n": 1, "tier": "gold"}
    assert sorted(recording.profiles) == ["a", "c"]
    [report] = [json.loads(line) for line in failed.read_text().splitlines()]
    assert report["index"] == 1
    assert report["reason"] == "invalid"


def invocation(how: str) -> tuple[list[str], str]:
    """The command line that starts the tool ``how`` the user may, and the name usage should show."""
    if how == "module":
        return [sys.executable, "-m", "talon_async"], f"{Path(sys.executable).name} -m talon_async"
    script = Path(sys.executable).parent / ("talon-async.exe" if os.name == "nt" else "talon-async")
    assert script.is_file(), f"{script} missing: install the package (make install) for the console script"
    return [str(script)], "talon-async"


@pytest.mark.parametrize("how", ["console-script", "module"])
def test_usage_and_messages_name_the_program_as_invoked(tmp_path: Path, how: str) -> None:
    """--help, argparse errors and the tool's own messages name the command the user typed."""
    command, prog = invocation(how)
    env = {**os.environ, "TALON_BASE_URL": "http://127.0.0.1:9", "TALON_API_KEY": API_KEY}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )

    shown = run("--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"usage: {prog} [-h]")
    assert "__main__" not in shown.stdout
    assert run("batch", "--help").stdout.startswith(f"usage: {prog} batch [-h]")
    refused = run("batch")
    assert refused.returncode == 2
    assert f"{prog} batch: error: the following arguments are required" in refused.stderr
    missing = tmp_path / "missing.jsonl"
    not_found = run("batch", "profiles", str(missing))
    assert not_found.returncode == 2
    assert not_found.stderr == f"{prog}: {missing}: no such file\n"
