"""Run pip-audit over this environment, offline, against a committed snapshot of the PyPA advisories.

pip-audit asks a vulnerability service about each installed package. Where neither service it
knows can be reached (an offline CI, a package mirror without PyPI's per-version JSON), a run
"passes" having audited nothing. So this script
serves ``scripts/advisories.json`` (the PyPA advisory database's records for every package the
development environment installs) on 127.0.0.1 with the one OSV endpoint pip-audit uses, and runs
``pip-audit --strict`` against it. Which records affect an installed version is decided here, by
OSV's range rules (``affects``), as api.osv.dev would; the report and exit status are pip-audit's.

    python scripts/audit.py            # offline, against the snapshot (what `make check` runs)
    python scripts/audit.py --online   # against api.osv.dev, where it is reachable

Refresh the snapshot with ``scripts/refresh_advisories.py`` from a copy of
``https://github.com/pypa/advisory-database`` (CC-BY 4.0). The audit prints the date its data ends
and warns loudly when pinned packages (``scripts/pinned-releases.json``) were released after it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).resolve().parent / "advisories.json"
# The PyPI upload date of each exactly pinned package (dev, docs and bench groups).
PINNED_RELEASES = Path(__file__).resolve().parent / "pinned-releases.json"


def newer_than_snapshot(snapshot: str, releases: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Pinned packages released after the advisory data: advisories about them cannot be in it."""
    return sorted(
        f"{name} {info['version']} ({info['released']})"
        for name, info in releases.items()
        if info.get("released") and str(info["released"]) > snapshot
    )


def in_range(version: Version, events: Iterable[Mapping[str, str]]) -> bool:
    """Whether ``version`` falls in an OSV ECOSYSTEM range (introduced / fixed / last_affected events)."""
    affected = False
    ordered = sorted(events, key=lambda event: Version(next(iter(event.values()))))
    for event in ordered:
        kind, text = next(iter(event.items()))
        bound = Version(text)
        if kind == "introduced" and bound <= version:
            affected = True
        elif (kind == "fixed" and bound <= version) or (kind == "last_affected" and bound < version):
            affected = False
    return affected


def affects(advisory: Mapping[str, Any], name: str, version: str) -> bool:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) != name:
            continue
        if version in affected.get("versions", []):
            return True
        for entry in affected.get("ranges", []):
            if entry.get("type") == "ECOSYSTEM" and in_range(parsed, entry["events"]):
                return True
    return False


class Advisories:
    """The snapshot, indexed by canonical package name, answering OSV ``/v1/query`` requests."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.snapshot = str(document["snapshot"])
        self.by_package: dict[str, list[Mapping[str, Any]]] = {}
        for advisory in document["advisories"]:
            for affected in advisory.get("affected", []):
                name = canonicalize_name(affected["package"]["name"])
                bucket = self.by_package.setdefault(name, [])
                if advisory not in bucket:
                    bucket.append(advisory)
        self.checked = {canonicalize_name(name) for name in document["packages_checked"]}
        self.queries: list[tuple[str, str]] = []

    def query(self, body: Mapping[str, Any]) -> dict[str, Any]:
        name = canonicalize_name(body["package"]["name"])
        version = str(body["version"])
        self.queries.append((name, version))
        vulns = [
            {**advisory, "summary": f"{advisory['id']}: {name} {version} is in an affected range"}
            for advisory in self.by_package.get(name, [])
            if affects(advisory, name, version)
        ]
        return {"vulns": vulns} if vulns else {}


def serve(advisories: Advisories) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            try:
                answer = json.dumps(advisories.query(json.loads(self.rfile.read(length)))).encode()
                status = 200
            except (KeyError, ValueError, TypeError) as exc:
                answer, status = json.dumps({"message": str(exc)}).encode(), 400
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1/query"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--online", action="store_true", help="ask api.osv.dev instead of the snapshot")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="the advisory records to serve")
    args = parser.parse_args()
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off", "-s", "osv"]
    if args.online:
        return subprocess.run(command, check=False).returncode
    advisories = Advisories(json.loads(args.snapshot.read_text()))
    server, url = serve(advisories)
    try:
        with tempfile.TemporaryDirectory() as cache:
            done = subprocess.run([*command, "--osv-url", url, "--cache-dir", cache], check=False)
    finally:
        server.shutdown()
        server.server_close()
    audited = sorted(set(advisories.queries))
    print(
        f"pip-audit: {len(audited)} installed packages checked against the PyPA advisory snapshot of "
        f"{advisories.snapshot} ({sum(map(len, advisories.by_package.values()))} records, "
        f"{len(advisories.by_package)} packages with advisories)"
    )
    releases = json.loads(PINNED_RELEASES.read_text())["releases"] if PINNED_RELEASES.is_file() else {}
    newer = newer_than_snapshot(advisories.snapshot, releases)
    if newer:
        warning = (
            f"WARNING: the advisory data ends {advisories.snapshot}, older than {len(newer)} pinned "
            f"packages' releases. "
            "Vulnerabilities published since then are NOT checked; run `python scripts/audit.py --online` "
            "where api.osv.dev is reachable, or refresh the snapshot. Released after the data: "
            + ", ".join(newer)
        )
        # Framed, so a passing `make check` cannot bury it among the lines around it.
        frame = "!" * 100
        lines = textwrap.wrap(warning, width=100, break_on_hyphens=False)
        print(frame, *lines, frame, sep="\n", file=sys.stderr)
    if not audited:
        print("pip-audit asked nothing: the audit did not happen", file=sys.stderr)
        return 1
    # A package the snapshot never looked up would pass unexamined, like pip-audit's own skips.
    unknown = sorted({name for name, _ in audited} - advisories.checked - {"talon-async"})
    if unknown:
        print(f"not looked up for the snapshot, so not audited: {', '.join(unknown)}", file=sys.stderr)
        return 1
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
