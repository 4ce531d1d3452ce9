"""Run the fake Talon.One as a loopback server: ``python -m talon_async.testing --port 8765``."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from ._fake import FakeTalon
from ._server import FakeTalonServer

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m talon_async.testing", description="Serve an in-memory fake Talon.One Integration API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to bind (default 8765; 0 picks a free one)"
    )
    parser.add_argument("--api-key", help="the API key clients must send (default: a random one)")
    parser.add_argument("--seed", type=int, default=0, help="seed for generated codes and UUIDs")
    parser.add_argument(
        "--empty", action="store_true", help="start without the example program, coupons and catalog"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl+C (or until ``stop`` is set, for tests)."""
    args = _parser().parse_args(argv)
    if args.host not in _LOOPBACK:
        # The fake has no real security, so it must never listen beyond the loopback interface.
        print(f"refusing to bind {args.host!r}: the fake serves loopback only", file=sys.stderr)
        return 2
    fake = FakeTalon(api_key=args.api_key, seed=args.seed)
    summary = [] if args.empty else fake.add_example_data()
    try:
        server = FakeTalonServer(fake, host=args.host, port=args.port).start()
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        print(f"Fake Talon.One listening on {server.base_url}")
        print(f"API key: {fake.api_key}")
        for line in summary:
            print(f"  {line}")
        print("Press Ctrl+C to stop.", flush=True)
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
