"""One profile sync split across a Dask cluster: each task takes one shard and keeps its own checkpoint.

    python examples/dask_sync.py profiles.jsonl --shards 8               # on a LocalCluster of 2 workers
    python examples/dask_sync.py profiles.jsonl --shards 64 --scheduler tcp://scheduler:8786 \\
        --state-dir /shared/profiles.shards
    python examples/dask_sync.py --sample 20000 profiles.jsonl          # write a sample file, then sync it

Every task reads the same JSONL file (one ``{"integrationId": ..., "attributes": {...}}`` per
line) and keeps only the profiles whose ``integrationId`` hashes to its shard
(``shard=(i, n)``), so the shards are disjoint and together cover the file. Each shard records its
requests in its own checkpoint, ``STATE/profiles-<i>-of-<n>.checkpoint``: run the same command
again after a crash, a lost worker or a rejected request and every shard skips what it already
applied, so each profile ends up applied once. The file and the state directory must be at the
same path on every worker (a shared volume); a cluster lock per shard keeps a task Dask runs twice
from sending the same shard twice at once.

Workers read ``TALON_BASE_URL`` and ``TALON_API_KEY`` from their own environment, so the key never
travels in the task graph. Without either variable, the sync runs on a LocalCluster against the
fake Talon.One served on loopback. The exit status is 0 only when every line was applied.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import anyio
from distributed import Client, LocalCluster, Lock, get_worker

from talon_async import InvalidRequestError, TalonClient

__all__ = ["ShardReport", "main", "profiles_in", "run_on_cluster", "sync_shard"]


@dataclass(frozen=True)
class ShardReport:
    """What one shard's task did: plain values, so it pickles back from the worker."""

    shard: int
    shards: int
    worker: str
    applied: int
    """Profiles this run applied."""
    resumed: int
    """Profiles skipped because an earlier run of this shard applied them."""
    invalid: tuple[tuple[int, str], ...]
    """(line, reason) of each line of this shard that could not be sent."""
    failed: tuple[tuple[tuple[int, ...], str], ...]
    """(lines, error) of each request that was not (or not certainly) applied; a re-run sends it."""

    @property
    def ok(self) -> bool:
        return not self.invalid and not self.failed


def profiles_in(lines: Iterable[str], not_json: set[int]) -> Iterator[Any]:
    """One item per line, so an item's position is its line number minus one in every shard.

    A line that is not JSON is passed on as it is (its position is added to ``not_json``): the
    batch reports it as invalid instead of sending it, and only the shard that owns it does.
    """
    for position, line in enumerate(lines):
        try:
            yield json.loads(line)
        except ValueError:
            not_json.add(position)
            yield line.rstrip("\n")


def checkpoint_path(state_dir: Path, shard: int, shards: int) -> Path:
    return state_dir / f"profiles-{shard}-of-{shards}.checkpoint"


def sync_shard(
    path: str, shard: int, shards: int, state_dir: str, *, base_url: str | None = None, concurrency: int = 4
) -> ShardReport:
    """Sync shard ``shard`` of ``shards`` of the JSONL file at ``path``: what one Dask task runs."""
    checkpoint = checkpoint_path(Path(state_dir), shard, shards)
    # Dask may run a task again while the first attempt still runs (a worker it lost touch with):
    # two writers on one checkpoint would send the shard twice, so one attempt at a time.
    with Lock(f"talon-async-sync:{checkpoint.resolve()}"):
        return anyio.run(_sync_shard, Path(path), shard, shards, checkpoint, base_url, concurrency)


async def _sync_shard(
    path: Path, shard: int, shards: int, checkpoint: Path, base_url: str | None, concurrency: int
) -> ShardReport:
    not_json: set[int] = set()
    with path.open(encoding="utf-8") as lines:
        async with TalonClient(base_url) as talon:
            result = await talon.batch_update_customer_profiles(
                profiles_in(lines, not_json),
                shard=(shard, shards),
                checkpoint=checkpoint,
                concurrency=concurrency,
                keep_ok_chunks=False,
            )
    return ShardReport(
        shard=shard,
        shards=shards,
        worker=get_worker().address,
        applied=result.item_count - len(result.failed_items),
        resumed=result.resumed,
        invalid=tuple(
            (failure.index + 1, "not valid JSON" if failure.index in not_json else str(failure.error))
            for failure in result.invalid
        ),
        failed=tuple(
            (tuple(position + 1 for position in chunk.positions), str(chunk.error))
            for chunk in result.failed_chunks
        ),
    )


def run_on_cluster(
    client: Client,
    path: Path,
    shards: int,
    state_dir: Path,
    *,
    base_url: str | None = None,
    concurrency: int = 4,
) -> list[ShardReport]:
    """Run every shard as one task on ``client``'s cluster; the reports come back in shard order."""
    state_dir.mkdir(parents=True, exist_ok=True)
    futures = client.map(
        sync_shard,
        [str(path.resolve())] * shards,
        range(shards),
        [shards] * shards,
        [str(state_dir.resolve())] * shards,
        base_url=base_url,
        concurrency=concurrency,
        # Not cached by arguments: running the same shards again must run them (and resume).
        pure=False,
    )
    reports: list[ShardReport] = client.gather(futures)
    return reports


def print_report(reports: Sequence[ShardReport], elapsed: float, out: TextIO) -> None:
    from _console import table

    rows: list[list[object]] = [["shard", "worker", "applied", "resumed", "invalid", "failed requests"]]
    rows += [
        [f"{r.shard}/{r.shards}", r.worker, r.applied, r.resumed, len(r.invalid), len(r.failed)]
        for r in reports
    ]
    table(rows, stream=out)
    applied, resumed = sum(r.applied for r in reports), sum(r.resumed for r in reports)
    print(f"Applied {applied} profiles, {resumed} already applied earlier ({elapsed:.1f} s).", file=out)
    invalid = sorted(line for report in reports for line in report.invalid)
    failed = sorted(request for report in reports for request in report.failed)
    if invalid or failed:
        print("Failures (fix them and run the same command again: applied lines are skipped):", file=out)
    for line, reason in invalid:
        print(f"  line {line}: {reason}", file=out)
    for lines, error in failed:
        # A shard's request holds the shard's profiles only, so its lines are spread over the file.
        print(f"  {len(lines)} profiles between lines {lines[0]} and {lines[-1]}: {error}", file=out)


@contextmanager
def talon_target(scheduler: str | None, out: TextIO) -> Iterator[None]:
    """Leave the environment's deployment to the workers, or serve a fake and point them at it."""
    base_url, api_key = os.environ.get("TALON_BASE_URL", ""), os.environ.get("TALON_API_KEY", "")
    if base_url and api_key:
        print(f"Syncing into your deployment at {base_url}", file=out)
        yield
        return
    if base_url or api_key:
        missing = "TALON_API_KEY" if base_url else "TALON_BASE_URL"
        raise InvalidRequestError(
            f"{missing} is not set: set both TALON_BASE_URL and TALON_API_KEY, or neither"
        )
    if scheduler is not None:
        raise InvalidRequestError(
            "a remote cluster cannot reach a local fake: set TALON_BASE_URL and TALON_API_KEY"
        )
    from talon_async.testing import FakeTalon, FakeTalonServer

    with FakeTalonServer(FakeTalon()) as server:
        # The LocalCluster's worker processes inherit this environment when they start.
        os.environ.update(TALON_BASE_URL=server.base_url, TALON_API_KEY=server.api_key)
        print(f"Syncing into the fake Talon.One at {server.base_url}", file=out)
        try:
            yield
        finally:
            del os.environ["TALON_BASE_URL"], os.environ["TALON_API_KEY"]


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    if scheduler is not None:
        with Client(scheduler) as client:
            # Remote workers import this module to run its tasks: hand them a copy. What the tasks
            # run needs only anyio, distributed and talon_async; the script's helpers load here.
            client.upload_file(__file__)
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync a JSONL file of profiles across a Dask cluster.")
    parser.add_argument("file", type=Path, help="profiles as JSONL, at the same path on every worker")
    parser.add_argument("--shards", type=int, default=4, help="tasks to split the file into (default 4)")
    parser.add_argument("--scheduler", help="a running cluster's scheduler address (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    parser.add_argument(
        "--state-dir", type=Path, help="where the shards' checkpoints go (default FILE.shards)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight per shard (default 4)")
    parser.add_argument("--sample", type=int, metavar="N", help="first write N sample profiles to FILE")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    if args.sample:
        from batch_sync import write_sample

        write_sample(args.file, args.sample)
        print(f"Wrote {args.sample} sample profiles (and 2 broken lines) to {args.file}", file=out)
    if not args.file.exists():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    if args.shards < 1:
        print(f"--shards: {args.shards} is less than 1", file=sys.stderr)
        return 2
    state_dir = args.state_dir or args.file.with_name(args.file.name + ".shards")
    try:
        with talon_target(args.scheduler, out), dask_client(args.scheduler, args.workers) as client:
            started = time.perf_counter()
            reports = run_on_cluster(client, args.file, args.shards, state_dir, concurrency=args.concurrency)
            print_report(reports, time.perf_counter() - started, out)
    except InvalidRequestError as exc:
        print(f"cannot sync: {exc}", file=sys.stderr)
        return 2
    return 0 if all(report.ok for report in reports) else 1


if __name__ == "__main__":
    # Imported under its own name, so the tasks it sends refer to `dask_sync.sync_shard`, which the
    # workers import, rather than to this run's `__main__`.
    import dask_sync

    raise SystemExit(dask_sync.main())
