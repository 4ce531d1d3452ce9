"""scripts/audit.py: OSV range matching, the snapshot's shape, and a real pip-audit run against it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = _load()


def installed_packages() -> set[str]:
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return {audit.canonicalize_name(entry["name"]) for entry in json.loads(listed.stdout)} - {"talon-async"}


def run_audit(snapshot: Path) -> subprocess.CompletedProcess[str]:
    """``scripts/audit.py`` against ``snapshot``, as ``make audit`` runs it."""
    command = [sys.executable, str(ROOT / "scripts" / "audit.py"), "--snapshot", str(snapshot)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def advisory(name: str, *ranges: list[dict[str, str]], versions: list[str] | None = None) -> dict[str, Any]:
    affected: dict[str, Any] = {
        "package": {"name": name, "ecosystem": "PyPI"},
        "ranges": [{"type": "ECOSYSTEM", "events": events} for events in ranges],
    }
    if versions is not None:
        affected["versions"] = versions
    return {
        "id": f"PYSEC-TEST-{name}",
        "aliases": [],
        "modified": "2026-01-01T00:00:00Z",
        "affected": [affected],
    }


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.9", False),
        ("1.0", True),
        ("1.4.2", True),
        ("1.5", False),
        ("2.0", False),
        ("2.1", True),
        ("2.3", True),
    ],
)
def test_ranges_follow_osv_semantics(version: str, expected: bool) -> None:
    """introduced is inclusive, fixed exclusive, last_affected inclusive; several ranges each count."""
    record = advisory(
        "Some_Package",
        [{"introduced": "1.0"}, {"fixed": "1.5"}],
        [{"introduced": "2.1"}, {"last_affected": "2.3"}],
    )
    assert audit.affects(record, "some-package", version) is expected


def test_enumerated_versions_count_without_a_range() -> None:
    """A record that lists versions instead of ranges matches exactly those versions."""
    record = advisory("pkg", versions=["0.3.1"])
    assert audit.affects(record, "pkg", "0.3.1")
    assert not audit.affects(record, "pkg", "0.3.2")


def test_query_answers_only_the_asked_package() -> None:
    """An OSV query returns the matching records of that package only, and an empty object otherwise."""
    advisories = audit.Advisories(
        {
            "snapshot": "t",
            "packages_checked": ["a", "b"],
            "advisories": [advisory("a", [{"introduced": "0"}, {"fixed": "2"}]), advisory("b")],
        }
    )
    answer = advisories.query({"package": {"name": "A", "ecosystem": "PyPI"}, "version": "1.9"})
    assert [vuln["id"] for vuln in answer["vulns"]] == ["PYSEC-TEST-a"]
    assert advisories.query({"package": {"name": "a", "ecosystem": "PyPI"}, "version": "2.0"}) == {}


def test_snapshot_covers_every_installed_package_and_parses() -> None:
    """Every range bound in the snapshot is a valid version; every installed package was looked up."""
    document = json.loads((ROOT / "scripts" / "advisories.json").read_text())
    for record in document["advisories"]:
        for affected in record["affected"]:
            for entry in affected.get("ranges", []):
                if entry["type"] != "ECOSYSTEM":
                    continue  # GIT ranges name commits; pip-audit reads ECOSYSTEM ones only
                assert any("introduced" in event for event in entry["events"]), record["id"]
                for event in entry["events"]:
                    audit.Version(next(iter(event.values())))
    checked = {audit.canonicalize_name(name) for name in document["packages_checked"]}
    installed = installed_packages()
    assert installed <= checked, f"not in the snapshot: {sorted(installed - checked)}"


def test_pip_audit_fails_on_a_vulnerable_package(tmp_path: Path) -> None:
    """pip-audit, served a record that covers an installed version, exits non-zero and names it."""
    record = advisory("pytest", [{"introduced": "0"}, {"fixed": "999"}])
    snapshot = tmp_path / "snapshot.json"
    document = {"snapshot": "test", "packages_checked": sorted(installed_packages()), "advisories": [record]}
    snapshot.write_text(json.dumps(document))
    done = run_audit(snapshot)
    assert done.returncode == 1
    assert "PYSEC-TEST-pytest" in done.stdout
    assert "installed packages checked" in done.stdout
    assert "not audited" not in done.stderr  # the failure is the finding, not a coverage gap


def test_package_missing_from_the_snapshot_fails_the_audit(tmp_path: Path) -> None:
    """An installed package the snapshot never looked up fails the audit instead of passing unexamined."""
    snapshot = tmp_path / "snapshot.json"
    checked = sorted(installed_packages() - {"pytest"})
    snapshot.write_text(json.dumps({"snapshot": "test", "packages_checked": checked, "advisories": []}))
    done = run_audit(snapshot)
    assert done.returncode == 1
    assert "so not audited: pytest" in done.stderr


def test_pinned_releases_after_the_snapshot_are_named() -> None:
    """Packages released after the advisory data are listed for the warning; older or undated ones are not."""
    releases = {
        "new": {"version": "2.0", "released": "2026-01-02"},
        "old": {"version": "1.0", "released": "2020-01-01"},
        "undated": {"version": "1.0", "released": None},
    }
    assert audit.newer_than_snapshot("2024-10-10", releases) == ["new 2.0 (2026-01-02)"]
