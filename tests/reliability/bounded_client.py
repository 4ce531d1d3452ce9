"""One call in a child process with bounded memory, reporting as JSON what it cost.

``python -m tests.reliability.bounded_client URL BACKEND [timeout] [max_response_size]`` makes a
warm-up call (the transport imported, the connection open), then the call under test, and prints
its outcome, its wall time and how far the process's peak RSS rose above the RSS measured just
before it. The address space is capped, so an unbounded read ends in ``MemoryError`` instead of
swapping the machine; the parent bounds the time.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

ADDRESS_SPACE = 3 << 30
"""Room for the interpreter, both event loops and the cap several times over, far from 1 GiB twice."""


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


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
            before = rss_bytes()
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
