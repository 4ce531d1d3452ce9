"""The first request imports no aiohttp on the event loop: other tasks keep running while it is made."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# A fresh interpreter each time: the import under test happens only once per process.
PROBE = textwrap.dedent(
    """
    import asyncio, json, sys, threading, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    importers = {}

    def on_import(event, args):
        if event == "import" and args[0] == "aiohttp" and "aiohttp" not in importers:
            importers["aiohttp"] = threading.current_thread() is threading.main_thread()

    sys.addaudithook(on_import)

    class NoContent(BaseHTTPRequestHandler):
        def do_DELETE(self):
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NoContent)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def main():
        from talon_async import TalonClient

        talon = TalonClient(f"http://127.0.0.1:{server.server_address[1]}", "key")
        gaps = []
        done = asyncio.Event()

        async def ticker():
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.01)
        await talon.delete_customer_data("alice")
        done.set()
        await task
        await talon.aclose()
        print(json.dumps({"max_gap_ms": max(gaps) * 1000, "on_loop_thread": importers.get("aiohttp")}))

    asyncio.run(main())
    """
)


def _probe() -> dict[str, float | bool | None]:
    command = [sys.executable, "-c", PROBE]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    result: dict[str, float | bool | None] = json.loads(done.stdout)
    return result


def test_first_request_imports_aiohttp_off_the_loop() -> None:
    """A worker thread imports aiohttp, and the loop never stalls 100 ms (the import takes longer)."""
    runs = [_probe() for _ in range(3)]
    assert {run["on_loop_thread"] for run in runs} == {False}
    # The best of three runs, so that another process taking the CPU cannot fail the test.
    best = min(float(run["max_gap_ms"] or 0) for run in runs)
    assert best < 100, runs
