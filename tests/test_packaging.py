"""pyproject.toml's dependencies and extras match the package's imports, so an install that follows the
README has every module the feature it chose imports."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "talon_async"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9._-]+", requirement)
        assert match, requirement
        names.add(_canonical(match.group()))
    return names


def _with_their_requirements(names: set[str]) -> set[str]:
    """The distributions and what they require themselves (an extra brings both)."""
    closure = set(names)
    for name in names:
        closure |= _requirement_names(requires(name) or [])
    return closure


def _guarded(tree: ast.AST) -> set[int]:
    """Line numbers of imports inside a ``try`` that catches ImportError: optional by construction."""
    lines = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = any(
            isinstance(handler.type, ast.Name) and handler.type.id in {"ImportError", "ModuleNotFoundError"}
            for handler in node.handlers
        )
        # A guard whose handler raises (talon_async.testing's, naming the extra) makes the import
        # required, not optional: its imports count.
        reraises = any(isinstance(h.body[0], ast.Raise) for h in node.handlers if h.body)
        if catches and not reraises:
            lines |= {n.lineno for stmt in node.body for n in ast.walk(stmt) if hasattr(n, "lineno")}
    return lines


def _third_party_imports(paths: list[Path]) -> dict[str, set[str]]:
    """Distribution name -> the files importing it, for unguarded imports of non-stdlib modules."""
    distributions = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text())
        optional = _guarded(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            if node.lineno in optional:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top in sys.stdlib_module_names or top in {"talon_async", "__future__"}:
                    continue
                for distribution in distributions.get(top, [top]):
                    found.setdefault(_canonical(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


BASE = _requirement_names(PROJECT["dependencies"])
EXTRAS = {name: _requirement_names(reqs) for name, reqs in PROJECT["optional-dependencies"].items()}


def test_the_testing_extra_covers_every_import_of_the_fake() -> None:
    """Every third-party module talon_async.testing imports (its import guard included) comes with
    the SDK or the 'testing' extra; only the pytest plugin may rely on pytest, which loads it."""
    paths = [p for p in sorted((PACKAGE / "testing").rglob("*.py")) if p.name != "pytest_plugin.py"]
    imported = _third_party_imports(paths)
    assert imported  # the scan sees the fake's dependencies at all
    missing = {name: files for name, files in imported.items() if name not in BASE | EXTRAS["testing"]}
    assert missing == {}


# Modules imported only while the library they name is running the event loop: that library is
# the caller's, installed by definition, and never a dependency of the SDK.
RUNS_UNDER = {"talon_async/_transports/_trio.py": "trio"}


def test_the_sdk_imports_only_its_dependencies_and_the_aiohttp_extra() -> None:
    """Outside talon_async.testing, an unguarded third-party import is a runtime dependency or comes
    with the 'aiohttp' extra (imported only when aiohttp is installed), or is the event loop library
    of a module only that loop imports."""
    paths = [p for p in sorted(PACKAGE.rglob("*.py")) if "testing" not in p.relative_to(PACKAGE).parts]
    imported = _third_party_imports(paths)
    allowed = BASE | _with_their_requirements(EXTRAS["aiohttp"])
    assert set(imported) >= {"httpx", "attrs"}
    unexplained = {
        name: files - {path for path, library in RUNS_UNDER.items() if library == name}
        for name, files in imported.items()
        if name not in allowed
    }
    assert {name: files for name, files in unexplained.items() if files} == {}


def test_a_module_for_one_event_loop_is_imported_only_under_it() -> None:
    """A request through the httpcore transport under asyncio never loads its trio backend."""
    probe = (
        "import asyncio, sys\n"
        "from talon_async._transports import PreparedRequest\n"
        "from talon_async._transports._httpcore import HttpcoreTransport\n"
        "async def main():\n"
        "    transport = HttpcoreTransport(max_connections=1, proxy=None)\n"
        "    request = PreparedRequest('GET', 'http://127.0.0.1:9/', [('Host', '127.0.0.1:9')], None)\n"
        "    try:\n"
        "        await transport.send(request, {'connect': 1.0}, 2.0)\n"
        "    except Exception:\n"
        "        pass\n"
        "    await transport.aclose()\n"
        "asyncio.run(main())\n"
        "assert 'talon_async._transports._trio' not in sys.modules\n"
        "assert 'talon_async._transports._httpcore' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT)


def test_every_extra_the_readme_names_exists() -> None:
    """The extras README.md tells users to install are exactly the ones pyproject.toml defines."""
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"talon-async\[(\w+)\]", readme)) | set(re.findall(r'"\.\[(\w+)\]"', readme))
    assert named == set(EXTRAS)


def test_the_install_instructions_name_the_wheel_of_this_version() -> None:
    """The wheel file the README and guides tell users to install is the one `make dist` builds now."""
    wheel = f"talon_async-{PROJECT['version']}-py3-none-any.whl"
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for named in re.findall(r"talon_async-[^\s\"\[]+\.whl", page.read_text()):
            assert named == wheel, page.name
