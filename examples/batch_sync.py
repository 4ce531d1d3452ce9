"""An anyio batch job: sync customer profiles from a JSONL or CSV file into Talon.One.

    python examples/batch_sync.py profiles.jsonl [--concurrency 4] [--failed-out failed.jsonl]
    python examples/batch_sync.py --sample 5000 profiles.jsonl    # write a sample file, then sync it

JSONL has one ``{"integrationId": "...", "attributes": {...}}`` per line and is streamed: the
batch helper reads rows only as fast as it sends them, so a file of millions never sits in
memory. CSV has a header with ``integrationId`` and one column per attribute (values stay
strings, empty cells are left out); it is parsed whole in a worker thread.

Rows that cannot be sent (bad JSON, no ``integrationId``) are reported with their line and
skipped; requests Talon.One rejects are reported with their lines, and their profiles are
written to ``--failed-out`` to run again once the cause is fixed. The exit status is 0 only when
every row was synced. Without ``TALON_BASE_URL``/``TALON_API_KEY`` it syncs into the embedded fake.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio
from _console import Progress
from _target import connect

from talon_async import ChunkResult, InvalidRequestError, TalonClient

__all__ = ["FailedRequest", "InvalidRow", "SyncReport", "main", "sync_profiles", "write_sample"]

MAX_ID_LENGTH = 1000


@dataclass(frozen=True)
class InvalidRow:
    """A row that was never sent, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class FailedRequest:
    """A request Talon.One (or the network) rejected: its rows were not, or not certainly, synced."""

    lines: list[int]
    profiles: list[dict[str, Any]]
    error: str


@dataclass
class SyncReport:
    """The outcome of one run; ``ok`` only when every row was synced."""

    rows: int = 0
    synced: int = 0
    requests: int = 0
    invalid: list[InvalidRow] = field(default_factory=list)
    failed: list[FailedRequest] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.invalid and not self.failed


def parse_profile(raw: object) -> dict[str, Any]:
    """Check one row's shape; raise ``ValueError`` with the reason it cannot be sent."""
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    unknown = sorted(set(raw) - {"integrationId", "attributes"})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    integration_id = raw.get("integrationId")
    if not isinstance(integration_id, str) or not integration_id.strip():
        raise ValueError("integrationId is missing or empty")
    if len(integration_id) > MAX_ID_LENGTH:
        raise ValueError(f"integrationId is longer than {MAX_ID_LENGTH} characters")
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, dict):
        raise ValueError("attributes is not an object")
    return {"integrationId": integration_id, "attributes": attributes}


async def _lines(path: Path, block: int = 1 << 16) -> AsyncIterator[str]:
    """The file's lines, read a block at a time: one worker-thread hop per 64 KiB, not per line."""
    async with await anyio.open_file(path, encoding="utf-8") as file:
        pending = ""
        while chunk := await file.read(block):
            lines = (pending + chunk).split("\n")
            pending = lines.pop()
            for line in lines:
                yield line
        if pending:
            yield pending


async def _jsonl_rows(path: Path) -> AsyncIterator[tuple[int, dict[str, Any] | InvalidRow]]:
    number = 0
    async for line in _lines(path):
        number += 1
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            yield number, InvalidRow(number, f"not valid JSON: {exc}")
            continue
        try:
            yield number, parse_profile(raw)
        except ValueError as exc:
            yield number, InvalidRow(number, str(exc))


def _read_csv(path: Path) -> list[tuple[int, dict[str, Any] | InvalidRow]]:
    rows: list[tuple[int, dict[str, Any] | InvalidRow]] = []
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if "integrationId" not in (reader.fieldnames or []):
            raise InvalidRequestError(f"{path}: the CSV header has no integrationId column")
        for row in reader:
            attributes = {k: v for k, v in row.items() if k != "integrationId" and k is not None and v != ""}
            try:
                parsed: dict[str, Any] | InvalidRow = parse_profile(
                    {"integrationId": row["integrationId"] or "", "attributes": attributes}
                )
            except ValueError as exc:
                parsed = InvalidRow(reader.line_num, str(exc))
            rows.append((reader.line_num, parsed))
    return rows


async def read_rows(path: Path) -> AsyncIterator[tuple[int, dict[str, Any] | InvalidRow]]:
    """(line, profile or the reason it is invalid) for every row of a .jsonl or .csv file."""
    if path.suffix == ".csv":
        for row in await anyio.to_thread.run_sync(_read_csv, path):
            yield row
    else:
        async for row in _jsonl_rows(path):
            yield row


async def count_rows(path: Path) -> int:
    # A first pass just for the progress bar's total: cheap next to sending the rows.
    return sum([1 async for _ in read_rows(path)])


async def sync_profiles(
    talon: TalonClient, path: Path, *, concurrency: int = 4, out: TextIO | None = None
) -> SyncReport:
    """Send every valid row of ``path`` through ``batch_update_customer_profiles``."""
    report = SyncReport()
    progress = Progress("synced", total=await count_rows(path), unit="rows", stream=out)
    line_of: dict[int, int] = {}

    async def profiles() -> AsyncIterator[dict[str, Any]]:
        async for line, row in read_rows(path):
            report.rows += 1
            if isinstance(row, InvalidRow):
                report.invalid.append(row)
                progress.advance(1, failed=1)
                continue
            # Keyed by identity: the same dict comes back in the chunk that carried it.
            line_of[id(row)] = line
            yield row

    def on_progress(chunk: ChunkResult[Any]) -> None:
        report.requests += 1
        if chunk.outcome == "ok":
            report.synced += len(chunk.items)
        else:
            lines = [line_of[id(item)] for item in chunk.items]
            report.failed.append(FailedRequest(lines, list(chunk.items), str(chunk.error)))
        progress.advance(len(chunk.items), failed=0 if chunk.outcome == "ok" else len(chunk.items))

    await talon.batch_update_customer_profiles(profiles(), concurrency=concurrency, on_progress=on_progress)
    progress.finish()
    report.failed.sort(key=lambda failure: failure.lines[0])
    return report


def print_report(report: SyncReport, elapsed: float, out: TextIO) -> None:
    valid = report.rows - len(report.invalid)
    print(f"\nRead {report.rows} rows: {valid} valid, {len(report.invalid)} invalid.", file=out)
    print(
        f"Synced {report.synced} of {valid} profiles in {report.requests} request(s) ({elapsed:.1f} s).",
        file=out,
    )
    if report.ok:
        return
    print("Failures:", file=out)
    for row in report.invalid:
        print(f"  line {row.line}: {row.reason}", file=out)
    for failure in report.failed:
        span = f"lines {min(failure.lines)}-{max(failure.lines)}"
        print(f"  {span} ({len(failure.profiles)} profiles): {failure.error}", file=out)


def write_failed(report: SyncReport, path: Path) -> int:
    """Write the profiles of failed requests as JSONL, ready to run again; returns how many."""
    profiles = [profile for failure in report.failed for profile in failure.profiles]
    path.write_text("".join(json.dumps(p) + "\n" for p in profiles), encoding="utf-8")
    return len(profiles)


def write_sample(path: Path, count: int) -> None:
    """A sample JSONL file of ``count`` profiles, plus two rows that cannot be sent."""
    tiers = ("bronze", "silver", "gold")
    lines = [
        json.dumps({"integrationId": f"customer-{i:06d}", "attributes": {"Tier": tiers[i % 3]}})
        for i in range(count)
    ]
    lines.insert(min(2, len(lines)), '{"integrationId": "customer-broken", ')
    lines.insert(min(7, len(lines)), json.dumps({"attributes": {"Tier": "gold"}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _main(args: argparse.Namespace, out: TextIO) -> int:
    path: Path = args.file
    async with connect() as target:
        print(f"Syncing {path} into {target.description}", file=out)
        started = time.perf_counter()
        report = await sync_profiles(target.talon, path, concurrency=args.concurrency, out=out)
        print_report(report, time.perf_counter() - started, out)
    if report.failed and args.failed_out:
        count = write_failed(report, args.failed_out)
        print(
            f"Wrote {count} profiles of failed requests to {args.failed_out}; run it again later.", file=out
        )
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync customer profiles from a .jsonl or .csv file.")
    parser.add_argument("file", type=Path, help="profiles as .jsonl (streamed) or .csv")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    parser.add_argument("--failed-out", type=Path, help="write the profiles of failed requests here")
    parser.add_argument("--sample", type=int, metavar="N", help="first write N sample profiles to FILE")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    if args.sample:
        write_sample(args.file, args.sample)
        print(f"Wrote {args.sample} sample profiles (and 2 broken rows) to {args.file}", file=out)
    if not args.file.exists():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    try:
        code: int = anyio.run(_main, args, out)
    except InvalidRequestError as exc:
        print(f"cannot sync: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
