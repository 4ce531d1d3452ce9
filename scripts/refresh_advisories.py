"""Rebuild scripts/advisories.json from a local git copy of the PyPA advisory database.

    python scripts/refresh_advisories.py /path/to/advisory-database[.git]

Only the records of packages this environment installs (plus those already listed) are kept, and
of each record only the fields the audit reads. The snapshot date is the copy's last commit date.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

SNAPSHOT = Path(__file__).resolve().parent / "advisories.json"
FIELDS = ("id", "aliases", "modified", "published", "withdrawn", "affected")


def _git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def installed() -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format", "json"], check=True, capture_output=True, text=True
    ).stdout
    return {canonicalize_name(item["name"]) for item in json.loads(listing)}


def _kept(record: dict[str, Any]) -> dict[str, Any]:
    kept = {key: record[key] for key in FIELDS if key in record}
    for affected in kept.get("affected", []):
        for key in list(affected):
            if key not in ("package", "ranges", "versions"):
                del affected[key]
        affected["ranges"] = [r for r in affected.get("ranges", []) if r.get("type") in ("ECOSYSTEM", "GIT")]
    return kept


def _provisional(record: dict[str, Any]) -> bool:
    return str(record["id"]).startswith("PYSEC-0000-")


def main() -> int:
    repo = sys.argv[1]
    old = json.loads(SNAPSHOT.read_text())
    wanted = installed() | {canonicalize_name(name) for name in old["packages_checked"]}
    listing = _git(repo, "ls-tree", "--name-only", "HEAD", "vulns/").split()
    folders = {canonicalize_name(Path(p).name): p for p in listing}
    records: list[dict[str, Any]] = []
    for name in sorted(wanted):
        folder = folders.get(name)
        if folder is None:
            continue
        for path in _git(repo, "ls-tree", "--name-only", "HEAD", folder + "/").split():
            records.append(_kept(yaml.safe_load(_git(repo, "show", f"HEAD:{path}"))))
    final_cves = {a for r in records if not r["id"].startswith("PYSEC-0000-") for a in r.get("aliases", [])}
    records = [r for r in records if not (_provisional(r) and set(r.get("aliases", [])) & final_cves)]
    snapshot = _git(repo, "log", "-1", "--format=%cs", "HEAD").strip()
    document = {
        "source": "https://github.com/pypa/advisory-database (CC-BY 4.0), vulns/<package>/*.yaml; "
        "fields kept: id, aliases, modified, published, withdrawn, "
        "affected (package, ECOSYSTEM and GIT range events)",
        "snapshot": snapshot,
        "note": old["note"],
        "packages_checked": sorted(wanted),
        "advisories": sorted(records, key=lambda r: r["id"]),
    }
    SNAPSHOT.write_text(json.dumps(document, indent=1, default=str) + "\n")
    print(f"{len(records)} records for {len(wanted)} packages, snapshot {snapshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
