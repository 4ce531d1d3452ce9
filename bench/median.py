"""The median of several ``run.py --json`` files: the figures the targets are judged on.

    python bench/run.py --json run1.json   # three times, then
    python bench/median.py run1.json run2.json run3.json

For each cell it prints the median CPU per request over the runs and the median of each run's own
ratios (a ratio compares clients measured in the same run, so a quiet or busy run moves both), with
the range over the runs; then, where the runs measured ``facade_described``, what the facade's
methods spend before the pipeline; then every target with its median verdict.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from run import CONCURRENCY, FLOOR_CEILINGS, OFFICIAL_CEILING, TRIO_CEILING, WORKLOADS


def load(path: Path) -> tuple[dict[tuple[str, int, str], float], dict[str, Any]]:
    document = json.loads(path.read_text())
    cells = {
        (row["key"][0], row["key"][1], row["key"][2]): row["cpu_s"] / row["requests"] * 1e6
        for row in document["cells"]
    }
    return cells, document.get("micro", {})


def main(paths: list[Path]) -> None:
    runs = [load(path) for path in paths]

    def values(workload: str, concurrency: int, key: str, base: str | None = None) -> list[float]:
        out = []
        for cells, _ in runs:
            ours = cells.get((workload, concurrency, key))
            other = cells.get((workload, concurrency, base)) if base else 1.0
            if ours and other:
                out.append(ours / other)
        return out

    def show(numbers: list[float], unit: str = "x") -> str:
        if not numbers:
            return "-"
        middle = statistics.median(numbers)
        if unit == "µs":
            return f"{middle:,.0f} ({min(numbers):,.0f}-{max(numbers):,.0f})"
        return f"{middle:.2f}x ({min(numbers):.2f}-{max(numbers):.2f})"

    print(f"Median of {len(runs)} runs (range over the runs in brackets).\n")
    print(
        "| workload | conc. | TalonClient µs | / official SDK | / aiohttp floor | SDK overhead over floor µs "
        "| under trio µs | trio / asyncio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for workload in ("w1", "w2", "w3", "w4"):
        for concurrency in CONCURRENCY:
            ours = values(workload, concurrency, "facade")
            if not ours:
                continue
            over = [
                cells[workload, concurrency, "facade"] - cells[workload, concurrency, "raw_aiohttp"]
                for cells, _ in runs
                if {(workload, concurrency, "raw_aiohttp"), (workload, concurrency, "facade")} <= cells.keys()
            ]
            print(
                f"| {WORKLOADS[workload]} | {concurrency} | {show(ours, 'µs')} | "
                f"{show(values(workload, concurrency, 'facade', 'official'))} | "
                f"{show(values(workload, concurrency, 'facade', 'raw_aiohttp'))} | {show(over, 'µs')} | "
                f"{show(values(workload, concurrency, 'facade_trio'), 'µs')} | "
                f"{show(values(workload, concurrency, 'facade_trio', 'facade'))} |"
            )

    described_cells = [
        (workload, concurrency)
        for workload in ("w1", "w2")
        for concurrency in CONCURRENCY
        if values(workload, concurrency, "facade_described")
    ]
    if described_cells:
        # The same calls, replayed straight into the pipeline: what is left once a method's own
        # work (argument and body checks, the request's description) is taken away.
        print(
            "\n| workload | conc. | TalonClient µs | calls described in advance µs "
            "| checks and description µs | described / official SDK |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for workload, concurrency in described_cells:
            pair = {(workload, concurrency, "facade"), (workload, concurrency, "facade_described")}
            before = [
                cells[workload, concurrency, "facade"] - cells[workload, concurrency, "facade_described"]
                for cells, _ in runs
                if pair <= cells.keys()
            ]
            print(
                f"| {WORKLOADS[workload]} | {concurrency} "
                f"| {show(values(workload, concurrency, 'facade'), 'µs')} "
                f"| {show(values(workload, concurrency, 'facade_described'), 'µs')} | {show(before, 'µs')} "
                f"| {show(values(workload, concurrency, 'facade_described', 'official'))} |"
            )

    def verdict(numbers: list[float], ceiling: float) -> str:
        if not numbers:
            return "not measured"
        middle = statistics.median(numbers)
        return f"{'met' if middle <= ceiling else 'MISSED'} ({show(numbers)})"

    print("\nTargets, on the medians:")
    for workload in ("w1", "w2", "w3"):
        for concurrency in CONCURRENCY:
            ratios = values(workload, concurrency, "facade", "official")
            met = verdict(ratios, OFFICIAL_CEILING)
            print(f"- {workload} c={concurrency} ≤ {OFFICIAL_CEILING}x official: {met}")
    for (workload, concurrency), ceiling in FLOOR_CEILINGS.items():
        ratios = values(workload, concurrency, "facade", "raw_aiohttp")
        print(f"- {workload} c={concurrency} ≤ {ceiling}x raw aiohttp: {verdict(ratios, ceiling)}")
    for workload in ("w1", "w2"):
        ratios = values(workload, 32, "facade_trio", "facade")
        print(f"- {workload} c=32 under trio ≤ {TRIO_CEILING}x asyncio: {verdict(ratios, TRIO_CEILING)}")
    imports = [micro["import_talon_async_ms"] for _, micro in runs if "import_talon_async_ms" in micro]
    if imports:
        middle = statistics.median(imports)
        print(
            f"- cold import < 300 ms: {'met' if middle < 300 else 'MISSED'} "
            f"({middle:.0f} ms; {min(imports):.0f}-{max(imports):.0f})"
        )


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
