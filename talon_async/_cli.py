"""``python -m talon_async batch ...`` (or ``talon-async batch ...``): a file into a batch operation."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any, TextIO

import anyio

from ._batch_runner import BatchResult, ChunkResult, Operation, run_batches
from ._errors import TalonError
from ._operations.batches import (
    AUDIENCE_CHANGES,
    CATALOG_ACTIONS,
    PROFILE_UPDATES,
    REFERRALS,
    new_catalog_boundary,
)

__all__ = ["main"]


@dataclass(frozen=True)
class _Op:
    method: str
    operation: Operation[Any]
    what: str


OPERATIONS = {
    "profiles": _Op("batch_update_customer_profiles", PROFILE_UPDATES, "profile updates"),
    "audiences": _Op("batch_update_customer_profile_audiences", AUDIENCE_CHANGES, "audience changes"),
    "catalog": _Op("batch_sync_catalog", CATALOG_ACTIONS, "catalog actions"),
    "referrals": _Op("batch_create_referrals", REFERRALS, "advocates"),
}

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 130


def _program_name() -> str:
    """How the user started the tool: ``python -m talon_async`` when run as a module, else ``talon-async``.

    argparse (before Python 3.14) names the program after ``sys.argv[0]``, which under ``-m`` is
    ``__main__.py``; the console script and in-process callers get the installed command's name.
    """
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    package = __name__.rpartition(".")[0]
    if spec is not None and spec.name == f"{package}.__main__":
        return f"{Path(sys.executable).name or 'python'} -m {package}"
    return "talon-async"


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Talon.One bulk jobs. Reads TALON_BASE_URL and TALON_API_KEY like TalonClient.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser(
        "batch",
        help="stream a JSONL or CSV file into a batch operation",
        description=(
            "Stream records into one batch operation, 1000 per request. JSONL holds one JSON value per "
            "line; CSV has a header, dotted names nest (attributes.tier) and a :int, :float, :bool or "
            ":json suffix types a column (audienceId:int). Referrals take one advocate id per record "
            "(a JSON string, or an advocateProfileIntegrationId or integrationId field)."
        ),
    )
    batch.add_argument("operation", choices=sorted(OPERATIONS), help="what to do with each record")
    batch.add_argument("input", help="a .jsonl or .csv file, or - for JSONL on stdin")
    batch.add_argument("--format", choices=["jsonl", "csv"], help="input format (default: by file extension)")
    batch.add_argument("--catalog-id", type=int, help="the catalog to sync (catalog)")
    batch.add_argument("--campaign-id", type=int, help="the referral campaign (referrals)")
    batch.add_argument("--usage-limit", type=int, help="uses per referral code (referrals, required)")
    batch.add_argument("--concurrency", type=int, help="requests in flight (default 4, catalog 1)")
    batch.add_argument("--rate", type=float, help="at most this many requests per second (slows down on 429)")
    batch.add_argument("--checkpoint", help="record every chunk in this JSON-lines file (needed to resume)")
    batch.add_argument(
        "--resume",
        action="store_true",
        help="continue the job the --checkpoint file records; skip applied items",
    )
    batch.add_argument("--shard", help="i/n: take only the records whose key hashes to shard i of n")
    batch.add_argument(
        "--dry-run",
        action="store_true",
        help="validate, shard and cut into requests, send nothing (the four have no server-side dry mode)",
    )
    batch.add_argument("--failed-out", help="where to write failed records (default: INPUT.failed.jsonl)")
    batch.add_argument("--progress", choices=["auto", "bar", "log", "none"], default="auto")
    batch.add_argument("--log-every", type=float, default=10.0, help="seconds between progress log lines")
    batch.add_argument("--timeout", type=float, help="seconds per request attempt (default 10)")
    batch.add_argument("--base-url", help="override TALON_BASE_URL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prog = _program_name()
    args = _parser(prog).parse_args(argv)
    problem = _usage_problem(args)
    if problem:
        print(f"{prog}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    job = _Job(args, prog)
    previous = {sig: signal.signal(sig, job.on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return anyio.run(job.run)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; resume with --resume and the same --checkpoint", file=sys.stderr)
        return EXIT_STOPPED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.operation == "catalog" and args.catalog_id is None:
        return "catalog needs --catalog-id"
    if args.operation == "referrals" and args.campaign_id is None and not args.dry_run:
        return "referrals needs --campaign-id"
    if args.operation == "referrals" and args.usage_limit is None and not args.dry_run:
        # Talon.One requires usageLimit when creating referrals in bulk; a null is refused per chunk.
        return "referrals needs --usage-limit"
    if args.resume and not args.checkpoint:
        return "--resume needs --checkpoint"
    if args.checkpoint and not args.resume and not args.dry_run:
        path = Path(args.checkpoint)
        if path.exists() and path.stat().st_size > 0:
            return f"{path} already records a job: pass --resume to continue it, or choose a new file"
    if args.input != "-" and not Path(args.input).is_file():
        return f"{args.input}: no such file"
    return None


class _Stopped(Exception):
    """Raised from the input reader after SIGINT/SIGTERM: the batch stops reading, chunks in flight finish."""


class _BadRecord:
    """A record that could not be parsed; it keeps its place so positions stay stable across runs."""

    __slots__ = ("reason", "text")

    def __init__(self, reason: str, text: str) -> None:
        self.reason = reason
        self.text = text

    def __repr__(self) -> str:
        return f"<unparsable record: {self.reason}>"


class _Job:
    def __init__(self, args: argparse.Namespace, prog: str) -> None:
        self.args = args
        self.prog = prog
        self.op = OPERATIONS[args.operation]
        self.stopping = False
        self.read = 0
        self.ok_items = 0
        self.failed_items = 0
        self.started = time.monotonic()

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            raise KeyboardInterrupt
        # First signal: stop reading, let the requests in flight finish and be recorded.
        self.stopping = True
        print(
            f"\n{self.prog}: stopping after the requests in flight (signal again to abort)",
            file=sys.stderr,
            flush=True,
        )

    def records(self) -> Iterator[object]:
        stream: IO[str]
        stream = sys.stdin if self.args.input == "-" else open(self.args.input, encoding="utf-8", newline="")  # noqa: SIM115
        fmt = self.args.format or ("csv" if self.args.input.lower().endswith(".csv") else "jsonl")
        referrals = self.args.operation == "referrals"
        try:
            rows = _csv_records(stream) if fmt == "csv" else _jsonl_records(stream)
            for record in rows:
                if self.stopping:
                    raise _Stopped("stopped by signal")
                self.read += 1
                yield _advocate(record) if referrals else record
        finally:
            if stream is not sys.stdin:
                stream.close()

    async def run(self) -> int:
        args = self.args
        total = _count_records(args.input) if args.input != "-" else None
        progress = _Progress(sys.stderr, args.progress, args.log_every, total, self)
        result: BatchResult[Any] | None = None
        stopped: BaseException | None = None
        try:
            if args.dry_run:
                result = await self._dry_run(progress.chunk_done)
            else:
                result = await self._send(progress.chunk_done)
        except _Stopped as exc:
            stopped = exc
        except TalonError as exc:
            progress.finish()
            print(f"{self.prog}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        progress.finish()
        if result is None:
            print(
                f"{self.prog}: stopped after reading {self.read:,} records; {self.ok_items:,} applied in "
                "this run. Resume with --resume and the same --checkpoint.",
                file=sys.stderr,
            )
            del stopped
            return EXIT_STOPPED
        return self._summary(result)

    async def _dry_run(self, on_progress: Callable[[ChunkResult[Any]], object]) -> BatchResult[Any]:
        async def send(chunk: list[Any]) -> None:
            return None

        boundary = new_catalog_boundary() if self.args.operation == "catalog" else None
        return await run_batches(
            self.records(),
            send,
            concurrency=1,
            on_progress=on_progress,
            boundary=boundary,
            operation=self.op.operation,
            shard=self.args.shard,
            keep_ok_chunks=False,
        )

    async def _send(self, on_progress: Callable[[ChunkResult[Any]], object]) -> BatchResult[Any]:
        from ._client import TalonClient

        args = self.args
        options: dict[str, Any] = {}
        if args.timeout is not None:
            options["timeout"] = args.timeout
        if args.rate is not None:
            options["rate_limit"] = args.rate
        common: dict[str, Any] = {
            "on_progress": on_progress,
            "checkpoint": args.checkpoint,
            "shard": args.shard,
            "keep_ok_chunks": False,
        }
        if args.concurrency is not None:
            common["concurrency"] = args.concurrency
        async with TalonClient(args.base_url, **options) as talon:
            if args.operation == "profiles":
                return await talon.batch_update_customer_profiles(self.records(), **common)  # type: ignore[arg-type]
            if args.operation == "audiences":
                return await talon.batch_update_customer_profile_audiences(self.records(), **common)  # type: ignore[arg-type]
            if args.operation == "catalog":
                return await talon.batch_sync_catalog(args.catalog_id, self.records(), **common)  # type: ignore[arg-type]
            return await talon.batch_create_referrals(
                self.records(),  # type: ignore[arg-type]
                campaign_id=args.campaign_id,
                usage_limit=args.usage_limit,
                **common,
            )

    def _summary(self, result: BatchResult[Any]) -> int:
        failed_chunks = result.failed_chunks
        unknown = [chunk for chunk in failed_chunks if chunk.applied is None]
        elapsed = time.monotonic() - self.started
        verb = "would send" if self.args.dry_run else "applied"
        lines = [
            f"{self.op.what}: read {self.read:,} records in {_duration(elapsed)}",
            f"  {verb}: {self.ok_items:,} ({self.ok_items / max(elapsed, 1e-9):,.0f} items/s)",
        ]
        if result.resumed:
            lines.append(f"  already applied (checkpoint): {result.resumed:,}")
        others = self.read - self.ok_items - self.failed_items - result.resumed - len(result.invalid)
        others -= len(result.uncertain)
        if self.args.shard and others:
            lines.append(f"  left to other shards: {others:,}")
        if result.invalid:
            lines.append(f"  invalid, not sent: {len(result.invalid):,}")
        rejected = sum(len(chunk.items) for chunk in failed_chunks if chunk.applied is False)
        if rejected:
            lines.append(f"  rejected by the server: {rejected:,}")
        if unknown:
            lines.append(
                f"  outcome unknown: {sum(len(c.items) for c in unknown):,}"
                + (" (re-sent by --resume)" if self.op.operation.repeatable else " (check before re-sending)")
            )
        if result.uncertain:
            lines.append(
                f"  in doubt from an earlier run, not re-sent: {len(result.uncertain):,} "
                "(check the server, then send the missing ones as a new job)"
            )
        failures = len(result.invalid) + len(result.uncertain) + sum(len(c.items) for c in failed_chunks)
        if failures:
            path = self._failed_path()
            with open(path, "w", encoding="utf-8") as out:
                _write_failures(out, result)
            lines.append(f"  {failures:,} failed records with reasons: {path}")
        print("\n".join(lines), file=sys.stderr)
        return EXIT_FAILURES if failures else EXIT_OK

    def _failed_path(self) -> str:
        if self.args.failed_out:
            return str(self.args.failed_out)
        if self.args.input == "-":
            return "talon-batch.failed.jsonl"
        return f"{self.args.input}.failed.jsonl"


def _write_failures(out: TextIO, result: BatchResult[Any]) -> None:
    def line(index: int, reason: str, error: str, item: object) -> None:
        if isinstance(item, _BadRecord):
            error, item = item.reason, item.text
        out.write(
            json.dumps({"index": index, "reason": reason, "error": error, "item": item}, default=str) + "\n"
        )

    for failure in result.invalid:
        line(failure.index, "invalid", str(failure.error), failure.item)
    for chunk in result.failed_chunks:
        reason = {True: "applied", False: "rejected", None: "unknown"}[chunk.applied]
        for index, item in zip(chunk.positions, chunk.items, strict=True):
            line(index, reason, str(chunk.error or "outcome unknown"), item)
    for doubt in result.uncertain:
        line(doubt.index, "in_doubt", "an earlier run sent it and its outcome is unknown", doubt.item)


# --- input -------------------------------------------------------------------------------------


def _jsonl_records(stream: IO[str]) -> Iterator[object]:
    for line in stream:
        text = line.strip()
        if not text:
            yield _BadRecord("empty line", "")
            continue
        try:
            yield json.loads(text)
        except ValueError as exc:
            yield _BadRecord(f"not JSON: {exc}", text[:200])


_CASTS: dict[str, Callable[[str], object]] = {
    "int": int,
    "float": float,
    "bool": lambda cell: cell.strip().lower() in ("1", "true", "yes"),
    "json": json.loads,
}


def _csv_records(stream: IO[str]) -> Iterator[object]:
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
    columns: list[tuple[list[str], Callable[[str], object] | None]] = []
    for name in header:
        dotted, _, type_name = name.partition(":")
        columns.append((dotted.split("."), _CASTS.get(type_name)))
    for row in reader:
        record: dict[str, Any] = {}
        try:
            for (parts, convert), cell in zip(columns, row, strict=False):
                if cell == "":
                    continue
                target = record
                for part in parts[:-1]:
                    target = target.setdefault(part, {})
                target[parts[-1]] = convert(cell) if convert else cell
        except (ValueError, AttributeError) as exc:
            yield _BadRecord(f"bad cell: {exc}", ",".join(row)[:200])
            continue
        yield record


def _advocate(record: object) -> object:
    if isinstance(record, str | _BadRecord):
        return record
    if isinstance(record, dict):
        for name in ("advocateProfileIntegrationId", "integrationId"):
            if isinstance(record.get(name), str):
                return record[name]
        if len(record) == 1 and isinstance(value := next(iter(record.values())), str):
            return value
    return _BadRecord("expected an advocate id", json.dumps(record, default=str)[:200])


def _count_records(path: str) -> int | None:
    """Lines in the file (less the CSV header), for the ETA; None when that is not cheap to know."""
    try:
        with open(path, "rb") as handle:
            count = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                count += 1
    except OSError:
        return None
    return count - 1 if path.lower().endswith(".csv") else count


# --- progress ----------------------------------------------------------------------------------


class _Progress:
    """A one-line bar with count, rate and ETA on a terminal; a log line every few seconds otherwise."""

    def __init__(self, stream: TextIO, mode: str, log_every: float, total: int | None, job: _Job) -> None:
        if mode == "auto":
            mode = "bar" if stream.isatty() else "log"
        self.stream = stream
        self.mode = mode
        self.interval = 0.2 if mode == "bar" else log_every
        self.total = total
        self.job = job
        self.last = 0.0
        self.drawn = False

    def chunk_done(self, chunk: ChunkResult[Any]) -> None:
        if chunk.outcome == "ok":
            self.job.ok_items += len(chunk.items)
        else:
            self.job.failed_items += len(chunk.items)
        now = time.monotonic()
        if self.mode != "none" and now - self.last >= self.interval:
            self.last = now
            self.draw(now)

    def draw(self, now: float) -> None:
        job = self.job
        elapsed = max(now - job.started, 1e-9)
        rate = job.ok_items / elapsed
        read_rate = job.read / elapsed
        total = f"/{self.total:,}" if self.total else ""
        eta = ""
        if self.total and read_rate > 0:
            eta = f" ETA {_duration(max(self.total - job.read, 0) / read_rate)}"
        failed = f" failed {job.failed_items:,}" if job.failed_items else ""
        text = f"read {job.read:,}{total} applied {job.ok_items:,}{failed} {rate:,.0f} items/s{eta}"
        if self.mode == "bar":
            bar = ""
            if self.total:
                done = min(job.read / self.total, 1.0)
                filled = math.floor(done * 24)
                bar = f"[{'#' * filled}{'.' * (24 - filled)}] {done:4.0%} "
            self.stream.write(f"\r{bar}{text}\033[K")
            self.drawn = True
        else:
            self.stream.write(f"{job.prog}: {text}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.mode != "none":
            self.draw(time.monotonic())
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
