"""One call in a child process with bounded memory, reporting as JSON what it cost.

``python -m tests.reliability.bounded_client URL BACKEND [timeout] [max_response_size]`` makes a
warm-up call (the transport imported, the connection open), then the call under test, and prints
its outcome, its wall time and how far the process's peak RSS rose above the RSS measured just
before it. The address space is capped, so an unbounded read ends in ``MemoryError`` instead of
swapping the machine; the parent bounds the time.
"""

from __future__ import annotations

import json
import resource
import sys
import time

ADDRESS_SPACE = 3 << 30
"""Room for the interpreter, both event loops and the cap several times over, far from 1 GiB twice."""


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def start_peak() -> int:
    """The RSS now, from which the peak is counted again (Linux resets VmHWM on ``5 > clear_refs``)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    return _status_kib("VmRSS") * 1024


def peak_rss_bytes() -> int:
    """The highest RSS since ``start_peak``: an earlier, higher peak (imports, GC) does not count."""
    return _status_kib("VmHWM") * 1024


def main() -> None:
    url, backend = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    options = {"max_response_size": int(sys.argv[4])} if len(sys.argv) > 4 else {}
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    import anyio

    from talon_async import TalonClient

    async def run() -> dict[str, object]:
        async with TalonClient(url, "tk_bounded_child", timeout=timeout, max_retries=0, **options) as talon:
            await talon.get_customer_session("warm-up")
            before = start_peak()
            started = time.monotonic()
            try:
                await talon.get_customer_session("under-test")
            except Exception as exc:
                outcome, message = type(exc).__name__, str(exc)[:300]
            else:
                outcome, message = "ok", ""
            elapsed = time.monotonic() - started
            return {
                "outcome": outcome,
                "message": message,
                "seconds": elapsed,
                "rss_growth": peak_rss_bytes() - before,
                "max_response_size": getattr(
                    talon, "max_response_size", None
                ),  # absent before the cap existed
            }

    print(json.dumps(anyio.run(run, backend=backend)))


if __name__ == "__main__":
    main()
