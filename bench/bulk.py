"""Bulk-job benchmark: stream a JSONL file of profiles through the ``talon_async batch`` CLI.

    .venv/bin/python bench/bulk.py                       # 1,000,000 profiles, with a checkpoint
    .venv/bin/python bench/bulk.py --items 200000 --no-checkpoint --concurrency 8

The server is ``bench/server.py`` (204 for every ``PUT /v2/customer_profiles``, in its own process,
needs ``httptools`` from the ``bench`` group), so the figure is the CLI's own cost: reading and
parsing JSONL, validating each profile, building and sending 1,000-profile requests and, with
``--checkpoint``, two fsync'd checkpoint lines per request.

Memory is the CLI process's resident set (``VmRSS`` in ``/proc``), sampled at each progress line
(every second): the report compares the sample once 100,000 records were read with the last
one, which is the "flat memory" check (growth under 50 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRESS = re.compile(r"read ([\d,]+)")
FLAT_LIMIT_MB = 50.0


def write_profiles(path: Path, count: int) -> None:
    tiers = ("bronze", "silver", "gold")
    with path.open("w") as out:
        for i in range(count):
            profile = {"integrationId": f"bench-{i}", "attributes": {"tier": tiers[i % 3], "visits": i % 97}}
            out.write(json.dumps(profile, separators=(",", ":")) + "\n")


def start_server() -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("PORT "):
        server.kill()
        raise SystemExit(f"the canned server did not start: {line!r}")
    return server, int(line.split()[1])


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-checkpoint", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="talon-bulk-") as scratch:
        source = Path(scratch) / "profiles.jsonl"
        started = time.perf_counter()
        write_profiles(source, args.items)
        size_mb = source.stat().st_size / 1e6
        print(f"wrote {args.items:,} profiles ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f} s")
        server, port = start_server()
        try:
            command = [
                sys.executable,
                "-m",
                "talon_async",
                "batch",
                "profiles",
                str(source),
                "--concurrency",
                str(args.concurrency),
                "--progress",
                "log",
                "--log-every",
                "1",
                "--failed-out",
                str(Path(scratch) / "failed.jsonl"),
            ]
            if not args.no_checkpoint:
                command += ["--checkpoint", str(Path(scratch) / "job.checkpoint")]
            env = {**os.environ, "TALON_BASE_URL": f"http://127.0.0.1:{port}", "TALON_API_KEY": "bench-key"}
            samples: list[tuple[int, float]] = []
            started = time.perf_counter()
            cli = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
            assert cli.stderr is not None
            tail: list[str] = []

            def follow() -> None:
                assert cli.stderr is not None
                for line in cli.stderr:
                    tail.append(line.rstrip())
                    match = PROGRESS.search(line)
                    memory = rss_mb(cli.pid)
                    if match and memory is not None and line.startswith("talon-async: read"):
                        samples.append((int(match.group(1).replace(",", "")), memory))

            reader = threading.Thread(target=follow, daemon=True)
            reader.start()
            code = cli.wait()
            reader.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()

    summary = [line for line in tail if not line.startswith("talon-async: read")]
    print("\n".join(summary))
    if code != 0:
        print(f"the CLI exited with {code}")
        return 1
    first = next(((read, mb) for read, mb in samples if read >= 100_000), samples[0] if samples else None)
    last = samples[-1] if samples else None
    print(
        f"\nitems: {args.items:,}  concurrency: {args.concurrency}  "
        f"checkpoint: {'no' if args.no_checkpoint else 'yes'}"
    )
    print(f"wall time (process start to exit): {wall:.1f} s = {args.items / wall:,.0f} items/s")
    if first and last:
        growth = last[1] - first[1]
        verdict = "flat" if growth < FLAT_LIMIT_MB else "NOT flat"
        print(
            f"RSS: {first[1]:.1f} MB at {first[0]:,} read, {last[1]:.1f} MB at {last[0]:,} read, "
            f"growth {growth:+.1f} MB ({verdict}: limit {FLAT_LIMIT_MB:.0f} MB); "
            f"peak sampled {max(mb for _, mb in samples):.1f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
