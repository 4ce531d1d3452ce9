"""examples/dask_sync.py: one sync sharded over a Dask LocalCluster applies every profile exactly once."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import dask_sync
import pytest
from distributed import Client, LocalCluster

from talon_async import JsonlCheckpoint, shard_of
from tests.support.bulk import API_KEY, recording_server

SHARDS = 4
VALID = 4000
BROKEN = {2: "{not json", 7: json.dumps({"attributes": {"Tier": "gold"}})}


def write_input(path: Path) -> dict[int, str]:
    """``VALID`` profiles plus the BROKEN lines at their positions; return each valid line's key by line."""
    keys: dict[int, str] = {}
    with path.open("w") as out:
        for position in range(VALID + len(BROKEN)):
            if position in BROKEN:
                out.write(BROKEN[position] + "\n")
                continue
            keys[position + 1] = key = f"customer-{position}"
            out.write(json.dumps({"integrationId": key, "attributes": {"n": position}}) + "\n")
    return keys


def test_shards_on_a_local_cluster_apply_every_profile_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four shards on two worker processes apply each valid profile exactly once between them, across a
    rejected request and a second run of the same sync; each broken line is reported by one shard only."""
    source = tmp_path / "profiles.jsonl"
    key_at = write_input(source)
    state = tmp_path / "state"
    with recording_server() as (recording, url):
        # The worker processes inherit the environment: the key never goes into the task graph.
        monkeypatch.setenv("TALON_BASE_URL", url)
        monkeypatch.setenv("TALON_API_KEY", API_KEY)
        recording.fake.faults.status(400, operation="updateCustomerProfilesV2", message="rejected request")
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.wait_for_workers(2)
            first = dask_sync.run_on_cluster(client, source, SHARDS, state)
            after_first = Counter(recording.profiles)
            second = dask_sync.run_on_cluster(client, source, SHARDS, state)

    assert [report.shard for report in first] == list(range(SHARDS))
    assert len({report.worker for report in first}) == 2
    [(rejected_lines, error)] = [failure for report in first for failure in report.failed]
    assert "rejected request" in error
    rejected = {key_at[line] for line in rejected_lines}
    assert after_first == Counter(set(key_at.values()) - rejected)
    assert sum(report.applied for report in first) == VALID - len(rejected)
    invalid = sorted((line, reason) for report in first for line, reason in report.invalid)
    assert invalid == [(3, "not valid JSON"), (8, "profiles[7]: missing required key 'integrationId'")]

    # The second run resumes every shard from its own checkpoint: only the rejected request is sent again.
    assert sum(report.applied for report in second) == len(rejected)
    assert sum(report.resumed for report in second) == VALID - len(rejected)
    assert not any(report.failed for report in second)
    assert recording.profiles == Counter(key_at.values())

    for shard in range(SHARDS):
        events = JsonlCheckpoint(dask_sync.checkpoint_path(state, shard, SHARDS)).replay()
        lines = {p + 1 for event in events for start, stop in event.positions for p in range(start, stop)}
        sent = {key_at[line] for line in lines}
        assert sent
        assert {shard_of(key, SHARDS) for key in sent} == {shard}


def test_main_syncs_a_sample_into_the_fake(
    tmp_path: Path, no_talon_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a deployment configured, the script serves the fake, runs a LocalCluster, prints each shard's
    counts and the broken lines, and exits 1 because two lines could not be sent."""
    path = tmp_path / "sample.jsonl"
    out = io.StringIO()

    code = dask_sync.main(["--sample", "1500", "--shards", "2", "--workers", "1", str(path)], out=out)

    text = out.getvalue()
    assert code == 1, capsys.readouterr().err
    assert "Syncing into the fake Talon.One at http://127.0.0.1:" in text
    assert "Applied 1500 profiles, 0 already applied earlier" in text
    assert "  line 3: not valid JSON" in text
    assert "  line 8: profiles[7]: missing required key 'integrationId'" in text
    assert sorted(p.name for p in (tmp_path / "sample.jsonl.shards").iterdir()) == [
        "profiles-0-of-2.checkpoint",
        "profiles-1-of-2.checkpoint",
    ]
