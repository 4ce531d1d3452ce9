"""Check that the sdist in dist/ stands alone: it ships every tracked file, regenerates its own
generated layer, and its test suite collects and runs from the unpacked tree.

Usage:
    python scripts/check_sdist.py [dist/talon_async-X.Y.Z.tar.gz]

Runs with the current interpreter (the project's .venv), whose packages match the sdist's pins;
the unpacked tree comes first on sys.path, so its own ``talon_async`` is the one imported.
`make dist` runs it; building a fresh virtualenv from the sdist is what `make install` there does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Repository metadata that means nothing outside a git checkout.
NOT_SHIPPED = {".gitattributes"}
# Tests that read the vendored spec, references and templates from disk: they fail first when the
# sdist leaves a data file out. The full suite runs with `make test` in an unpacked sdist.
SMOKE_TESTS = [
    "tests/test_spec.py",
    "tests/test_descriptions.py",
    "tests/test_packaging.py",
    "tests/test_official_fidelity.py",
]


def shipped_files(sdist: Path) -> tuple[str, set[str]]:
    with tarfile.open(sdist) as archive:
        names = [member.name for member in archive.getmembers() if member.isfile()]
    top = names[0].split("/", 1)[0]
    return top, {name.split("/", 1)[1] for name in names}


def tracked_files() -> set[str] | None:
    if not (ROOT / ".git").exists():
        return None  # already unpacked from an sdist: nothing to compare with
    listing = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return {line for line in listing.stdout.splitlines() if (ROOT / line).is_file()}


def run(command: list[str], cwd: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "TALON_BASE_URL"}}
    print("$", " ".join(command[1:]), flush=True)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(done.returncode)
    print("  " + (done.stdout.strip().splitlines() or [""])[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", type=Path, nargs="?", help="default: the one .tar.gz in dist/")
    args = parser.parse_args()
    sdist = args.sdist or next(iter(sorted((ROOT / "dist").glob("*.tar.gz"))), None)
    if sdist is None:
        print("no sdist in dist/: run `make dist`", file=sys.stderr)
        return 1
    top, shipped = shipped_files(sdist)
    tracked = tracked_files()
    if tracked is not None:
        missing = sorted(tracked - shipped - NOT_SHIPPED)
        if missing:
            print(f"{sdist.name} leaves out tracked files: {', '.join(missing)}", file=sys.stderr)
            print("add them to [tool.hatch.build.targets.sdist] include in pyproject.toml", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(sdist) as archive:
            archive.extractall(scratch, filter="data")
        tree = Path(scratch) / top
        where = subprocess.run(
            [sys.executable, "-c", "import talon_async; print(talon_async.__file__)"],
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(where).is_relative_to(tree):
            print(f"the unpacked sdist imports talon_async from {where}, not from itself", file=sys.stderr)
            return 1
        run([sys.executable, "scripts/generate.py", "--check"], tree)
        run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"], tree)
        run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SMOKE_TESTS], tree)
    print(f"{sdist.name}: ships every tracked file, regenerates its code, collects and runs its tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
