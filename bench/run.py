"""Run the whole benchmark suite and print one table: `make bench`.

Starts bench/server.py in its own process, then runs every client (bench/clients/) once per workload
and concurrency, each in a fresh process; then the in-process micro-benchmarks (bench/micro.py) and
the memory walk (bench/walk.py). With `taskset` on the machine, the server is pinned to the first
CPU and everything else to the last one, so the two never share a core. See bench/README.md.

    python bench/run.py            # the full suite, about three minutes on 2 cores
    python bench/run.py --scale 0.2 --clients raw_aiohttp,facade   # a quick partial run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# (key, label, script and extra arguments)
CLIENTS: list[tuple[str, str, list[str]]] = [
    ("raw_aiohttp", "raw aiohttp", ["raw_aiohttp.py"]),
    ("raw_httpx", "raw httpx (httpcore)", ["raw_httpx.py"]),
    ("raw_httpx_aiohttp", "raw httpx + aiohttp transport", ["raw_httpx.py", "--aiohttp"]),
    ("generated", "generated layer", ["generated.py"]),
    ("facade", "facade (TalonClient)", ["facade.py"]),
    ("facade_trio", "facade under trio (httpcore)", ["facade.py", "--trio"]),
    ("facade_described", "facade, calls described in advance", ["facade.py", "--described"]),
    ("official", "official talon-one-sdk", ["official.py"]),
]
WORKLOADS = {
    "w1": "W1 session update (19 KB answer)",
    "w2": "W2 silent event (204)",
    "w3": "W3 page of 1,000 transactions",
    "w4": "W4 10,000 profiles (10 requests)",
}
# Measured units per cell (requests; batches for W4) and warm-up units, at scale 1.
UNITS = {("w1", 1): 200, ("w1", 32): 400, ("w2", 1): 400, ("w2", 32): 1000,
         ("w3", 1): 15, ("w3", 32): 25, ("w4", 1): 1, ("w4", 32): 1}  # fmt: skip
WARMUP = {"w1": 30, "w2": 50, "w3": 3, "w4": 1}
CONCURRENCY = (1, 32)
# Workloads a client runs; any other is skipped (these columns are about the small calls).
ONLY = {"facade_trio": {"w1", "w2"}, "facade_described": {"w1", "w2"}}
TRANSACTIONS = 100_000


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *argv] if cpu is not None else argv


def cpus() -> tuple[int | None, int | None]:
    """(server CPU, client CPU), or Nones when pinning is impossible."""
    if shutil.which("taskset") is None or not hasattr(os, "sched_getaffinity"):
        return None, None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None, None
    return allowed[0], allowed[-1]


def start_server(cpu: int | None) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, str(BENCH / "server.py"), "--port", "0", "--transactions", str(TRANSACTIONS)]
    server = subprocess.Popen(pinned(cpu, argv), stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("PORT "):
        server.kill()
        raise SystemExit(f"bench server did not start: {line!r}")
    return server, f"http://127.0.0.1:{int(line.split()[1])}"


def run_json(argv: list[str], timeout: float) -> dict[str, Any] | None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    if done.returncode != 0:
        print(f"  failed: {' '.join(argv[-8:])}\n{done.stderr[-1500:]}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def facade_available() -> bool:
    probe = [sys.executable, "-c", "from talon_async import TalonClient"]
    return subprocess.run(probe, capture_output=True, cwd=ROOT, check=False).returncode == 0


def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "-"


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every request count")
    parser.add_argument("--clients", default=",".join(key for key, _, _ in CLIENTS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--passes", type=int, default=3, help="run every cell this often, keep the cheapest")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    opts = parser.parse_args()
    wanted = opts.clients.split(",")
    if "facade" in wanted and not facade_available():
        print("talon_async.TalonClient is not importable: skipping the facade", file=sys.stderr)
        wanted.remove("facade")
    clients = [client for client in CLIENTS if client[0] in wanted]
    workloads = [w for w in WORKLOADS if w in opts.workloads.split(",")]

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    server_cpu, client_cpu = cpus()
    server, base_url = start_server(server_cpu)
    cells: dict[tuple[str, int, str], dict[str, Any]] = {}
    try:
        # Whole passes, not repeats of one cell in a row: a burst of other work on the host
        # then inflates one pass of a cell, and the cheaper pass is kept.
        for number in range(1, opts.passes + 1):
            for workload in workloads:
                for concurrency in CONCURRENCY:
                    units = max(1, round(UNITS[workload, concurrency] * opts.scale))
                    for key, label, script in clients:
                        if workload not in ONLY.get(key, WORKLOADS):
                            continue
                        print(
                            f"pass {number}: {workload} c={concurrency} {label}", file=sys.stderr, flush=True
                        )
                        argv = [sys.executable, str(BENCH / "clients" / script[0]), *script[1:]]
                        argv += ["--base-url", base_url, "--workload", workload]
                        argv += ["--concurrency", str(concurrency), "--units", str(units)]
                        argv += ["--warmup", str(WARMUP[workload])]
                        result = run_json(pinned(client_cpu, argv), timeout=240)
                        best = cells.get((workload, concurrency, key))
                        if result is not None and (best is None or result["cpu_s"] < best["cpu_s"]):
                            cells[workload, concurrency, key] = result
        print("memory walk ...", file=sys.stderr, flush=True)
        walk = {}
        for mode in ("one", "walk"):
            argv = [sys.executable, str(BENCH / "walk.py"), "--base-url", base_url, "--mode", mode]
            walk[mode] = run_json(pinned(client_cpu, argv), timeout=240)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print("micro-benchmarks ...", file=sys.stderr, flush=True)
    micro = run_json(pinned(client_cpu, [sys.executable, str(BENCH / "micro.py")]), timeout=240) or {}

    elapsed = time.perf_counter() - started
    load = (load_before, os.getloadavg()[0])
    print(render(clients, workloads, cells, micro, walk, elapsed, server_cpu is not None, load))
    if opts.json:
        rows = [{"key": list(k), **v} for k, v in cells.items()]
        opts.json.write_text(json.dumps({"cells": rows, "micro": micro, "walk": walk}, indent=1) + "\n")
    return 0


def render(
    clients: list[tuple[str, str, list[str]]],
    workloads: list[str],
    cells: dict[tuple[str, int, str], dict[str, Any]],
    micro: dict[str, Any],
    walk: dict[str, Any],
    elapsed: float,
    pinned_cores: bool,
    load: tuple[float, float],
) -> str:
    def cpu_us(workload: str, concurrency: int, key: str) -> float | None:
        cell = cells.get((workload, concurrency, key))
        return cell["cpu_s"] / cell["requests"] * 1e6 if cell else None

    lines = [
        f"Machine: {machine()}; server and clients on separate cores: {'yes' if pinned_cores else 'no'}; "
        f"suite took {elapsed:.0f} s; 1-minute load average {load[0]:.1f} before, {load[1]:.1f} after "
        "(above ~1, other work shared the client's core).",
        "",
        "| workload | conc. | client | CPU µs/request | requests/s | peak RSS MB "
        "| vs raw aiohttp | vs official | SDK overhead over floor µs |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for workload in workloads:
        for concurrency in CONCURRENCY:
            floor = cpu_us(workload, concurrency, "raw_aiohttp")
            official = cpu_us(workload, concurrency, "official")
            for key, label, _ in clients:
                if workload not in ONLY.get(key, WORKLOADS):
                    continue
                cell = cells.get((workload, concurrency, key))
                if cell is None:
                    lines.append(f"| {WORKLOADS[workload]} | {concurrency} | {label} | failed | | | | | |")
                    continue
                us = cpu_us(workload, concurrency, key)
                over = f"{us - floor:,.0f}" if floor and key != "raw_aiohttp" else "-"
                lines.append(
                    f"| {WORKLOADS[workload]} | {concurrency} | {label} | {us:,.0f} | "
                    f"{cell['requests'] / cell['wall_s']:,.0f} | {cell['maxrss_kb'] / 1024:.0f} | "
                    f"{ratio(us, floor)} | {ratio(us, official)} | {over} |"
                )
    lines += ["", *summary(workloads, cpu_us)]

    def m(key: str) -> float | None:
        value = micro.get(key)
        return float(value) if value is not None else None

    def fmt(value: float | None, unit: str) -> str:
        return f"{value:,.0f} {unit}" if value is not None else "-"

    lines += [
        "",
        "| micro-benchmark (in-process, best of 15 interleaved rounds) | ours | baseline | ratio |",
        "|---|---:|---:|---:|",
        f"| decode W1 answer: `from_dict` vs `json.loads` | {fmt(m('w1_from_dict_us'), 'µs')} | "
        f"{fmt(m('w1_json_loads_us'), 'µs')} | {ratio(m('w1_from_dict_us'), m('w1_json_loads_us'))} |",
        f"| decode W1 answer: `decode_json` vs `json.loads` | {fmt(m('w1_decode_json_us'), 'µs')} | "
        f"{fmt(m('w1_json_loads_us'), 'µs')} | {ratio(m('w1_decode_json_us'), m('w1_json_loads_us'))} |",
        f"| decode W1 answer: `orjson.loads` vs `json.loads` | {fmt(m('w1_orjson_loads_us'), 'µs')} | "
        f"{fmt(m('w1_json_loads_us'), 'µs')} | {ratio(m('w1_orjson_loads_us'), m('w1_json_loads_us'))} |",
        f"| decode W1 answer: bytes → models vs `json.loads` | {fmt(m('w1_bytes_to_model_us'), 'µs')} | "
        f"{fmt(m('w1_json_loads_us'), 'µs')} | {ratio(m('w1_bytes_to_model_us'), m('w1_json_loads_us'))} |",
        f"| decode W1 answer: `from_dict` vs official SDK's | {fmt(m('w1_from_dict_us'), 'µs')} | "
        f"{fmt(m('official_w1_from_dict_us'), 'µs')} | "
        f"{ratio(m('w1_from_dict_us'), m('official_w1_from_dict_us'))} |",
        f"| encode W1 request: model → JSON bytes vs `json.dumps(dict)` | "
        f"{fmt(m('w1_request_encode_us'), 'µs')} | {fmt(m('w1_request_json_dumps_us'), 'µs')} | "
        f"{ratio(m('w1_request_encode_us'), m('w1_request_json_dumps_us'))} |",
        f"| encode W1 request: `orjson.dumps` vs `json.dumps(dict)` | "
        f"{fmt(m('w1_request_orjson_dumps_us'), 'µs')} | {fmt(m('w1_request_json_dumps_us'), 'µs')} | "
        f"{ratio(m('w1_request_orjson_dumps_us'), m('w1_request_json_dumps_us'))} |",
        f"| decode W3 page: `decode_json` vs `json.loads` | {fmt(m('w3_decode_json_us'), 'µs')} | "
        f"{fmt(m('w3_json_loads_us'), 'µs')} | {ratio(m('w3_decode_json_us'), m('w3_json_loads_us'))} |",
        f"| decode W3 page: bytes → models vs `json.loads` | {fmt(m('w3_bytes_to_model_us'), 'µs')} | "
        f"{fmt(m('w3_json_loads_us'), 'µs')} | {ratio(m('w3_bytes_to_model_us'), m('w3_json_loads_us'))} |",
        f"| decode W3 page: `from_dict` vs `json.loads` | {fmt(m('w3_from_dict_us'), 'µs')} | "
        f"{fmt(m('w3_json_loads_us'), 'µs')} | {ratio(m('w3_from_dict_us'), m('w3_json_loads_us'))} |",
        f"| decode W3 page: `from_dict` vs official SDK's | {fmt(m('w3_from_dict_us'), 'µs')} | "
        f"{fmt(m('official_w3_from_dict_us'), 'µs')} | "
        f"{ratio(m('w3_from_dict_us'), m('official_w3_from_dict_us'))} |",
        f"| cold `import talon_async` vs `import talon_one` | {fmt(m('import_talon_async_ms'), 'ms')} | "
        f"{fmt(m('official_import_ms'), 'ms')} | "
        f"{ratio(m('import_talon_async_ms'), m('official_import_ms'))} |",
    ]
    one, whole = walk.get("one"), walk.get("walk")
    if one and whole:
        lines.append(
            f"| peak RSS growth: walk {whole['items']:,} transactions ({whole['via']}) vs hold one page | "
            f"{whole['growth_kb'] / 1024:.1f} MB | {one['growth_kb'] / 1024:.1f} MB | "
            f"{ratio(whole['growth_kb'], one['growth_kb'])} |"
        )
    lines += ["", *targets(workloads, cpu_us, m, walk)]
    return "\n".join(lines)


def summary(workloads: list[str], cpu_us: Any) -> list[str]:
    """TalonClient per cell: against the official SDK and the floor, the SDK's own µs, and under trio."""
    out = [
        "| workload | conc. | TalonClient µs | / official SDK | / aiohttp floor "
        "| SDK overhead over floor µs | under trio µs | trio / asyncio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for workload in workloads:
        for concurrency in CONCURRENCY:
            ours = cpu_us(workload, concurrency, "facade")
            floor = cpu_us(workload, concurrency, "raw_aiohttp")
            official = cpu_us(workload, concurrency, "official")
            trio = cpu_us(workload, concurrency, "facade_trio")
            out.append(
                f"| {WORKLOADS[workload]} | {concurrency} | {f'{ours:,.0f}' if ours else '-'} | "
                f"{ratio(ours, official)} | {ratio(ours, floor)} | "
                f"{f'{ours - floor:,.0f}' if ours and floor else '-'} | "
                f"{f'{trio:,.0f}' if trio else '-'} | {ratio(trio, ours)} |"
            )
    return out


# (workload, concurrency, ceiling) per target; ratios are within one run.
OFFICIAL_CEILING = 0.6
FLOOR_CEILINGS = {("w2", 1): 1.6, ("w2", 32): 1.6, ("w1", 32): 2.0, ("w3", 1): 1.3, ("w3", 32): 1.3}
TRIO_CEILING = 2.0


def targets(workloads: list[str], cpu_us: Any, m: Any, walk: dict[str, Any]) -> list[str]:
    out = ["Targets (ratios from this run):"]

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "MISSED")

    for workload in (w for w in ("w1", "w2", "w3") if w in workloads):
        for concurrency in CONCURRENCY:
            ours = cpu_us(workload, concurrency, "facade")
            official = cpu_us(workload, concurrency, "official")
            value = ours / official if ours and official else None
            out.append(
                f"- {workload} c={concurrency} facade ≤ {OFFICIAL_CEILING}x official: "
                f"{verdict(value <= OFFICIAL_CEILING if value else None)}"
                + (f" ({value:.2f}x)" if value else "")
            )
    for (workload, concurrency), ceiling in FLOOR_CEILINGS.items():
        if workload not in workloads:
            continue
        ours, floor = cpu_us(workload, concurrency, "facade"), cpu_us(workload, concurrency, "raw_aiohttp")
        value = ours / floor if ours and floor else None
        out.append(
            f"- {workload} c={concurrency} facade ≤ {ceiling}x raw aiohttp: "
            f"{verdict(value <= ceiling if value else None)}" + (f" ({value:.2f}x)" if value else "")
        )
    for workload in (w for w in ("w1", "w2") if w in workloads):
        trio, ours = cpu_us(workload, 32, "facade_trio"), cpu_us(workload, 32, "facade")
        value = trio / ours if trio and ours else None
        out.append(
            f"- {workload} c=32 under trio ≤ {TRIO_CEILING}x asyncio: "
            f"{verdict(value <= TRIO_CEILING if value else None)}" + (f" ({value:.2f}x)" if value else "")
        )
    fd, loads, full = m("w1_from_dict_us"), m("w1_json_loads_us"), m("w1_bytes_to_model_us")
    if fd and loads and full:
        out.append(
            f"- decode W1 ≤ 2x json.loads: {verdict(fd / loads <= 2)} for `from_dict` ({fd / loads:.2f}x); "
            f"{verdict(full / loads <= 2)} counting the JSON parse too ({full / loads:.2f}x)"
        )
    one, whole = walk.get("one"), walk.get("walk")
    if one and whole:
        r = whole["growth_kb"] / one["growth_kb"]
        out.append(f"- walking 100,000 transactions ≤ 2x one page's peak RSS: {verdict(r <= 2)} ({r:.2f}x)")
    imp = m("import_talon_async_ms")
    out.append(
        f"- cold import < 300 ms: {verdict(imp < 300 if imp else None)}" + (f" ({imp:.0f} ms)" if imp else "")
    )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
