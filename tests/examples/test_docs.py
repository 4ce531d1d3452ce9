"""Every python block of README.md and docs/*.md runs as written; every relative link resolves.

Conventions (docs/index.md explains them to writers): blocks run in page order in one namespace
against a fake served on loopback, as `python -m talon_async.testing --api-key dev-key` would, with
TALON_BASE_URL and TALON_API_KEY exported; top-level ``await`` is allowed. ``# file: <path>``
blocks form a small project that pytest runs; ``# not run: <reason>`` blocks are shown only.
A page another test runs (docs/facade.md, in tests/facade/test_docs.py) is left to that test.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from talon_async.testing import FakeTalon, FakeTalonServer

from .conftest import ROOT

BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")
FILE_MARKER = re.compile(r"# file: (\S+)\n")
NOT_RUN = "# not run: "

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
THIS_FILE = Path(__file__).resolve()


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text())


def runner_elsewhere(page: Path) -> Path | None:
    """Another test module that names this page (as "<name>.md") and so runs it itself."""
    for test in sorted((ROOT / "tests").rglob("test_*.py")):
        if test.resolve() != THIS_FILE and f'"{page.name}"' in test.read_text():
            return test
    return None


def own_pages() -> list[Path]:
    return [page for page in PAGES if blocks(page) and runner_elsewhere(page) is None]


def script_blocks(page: Path) -> list[str]:
    return [b for b in blocks(page) if not b.startswith(NOT_RUN) and not FILE_MARKER.match(b)]


def project_files(page: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for block in blocks(page):
        marker = FILE_MARKER.match(block)
        if marker:
            files[marker.group(1)] = block[marker.end() :]
    return files


@pytest.fixture
def served_fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeTalon]:
    """What a reader has after `python -m talon_async.testing --api-key dev-key` and the exports."""
    fake = FakeTalon(api_key="dev-key")
    fake.add_example_data()
    with FakeTalonServer(fake) as server:
        monkeypatch.setenv("TALON_BASE_URL", server.base_url)
        monkeypatch.setenv("TALON_API_KEY", server.api_key)
        monkeypatch.chdir(tmp_path)
        yield fake


async def _await(code: CodeType, namespace: dict[str, Any]) -> None:
    await eval(code, namespace)  # our own documentation


def run_block(portal: BlockingPortal, code: CodeType, namespace: dict[str, Any]) -> None:
    """Blocks with top-level await run on one event loop (a portal thread), as in `python -m asyncio`;
    the rest run here, where a block may start its own loop with asyncio.run() or trio.run()."""
    if code.co_flags & inspect.CO_COROUTINE:
        portal.call(_await, code, namespace)
    else:
        exec(code, namespace)  # our own documentation


@pytest.mark.parametrize("page", own_pages(), ids=lambda page: page.name)
def test_python_blocks_run_in_order(page: Path, served_fake: FakeTalon) -> None:
    """The page's examples run top to bottom against the loopback fake, so none can rot unnoticed."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    with start_blocking_portal() as portal:
        for index, block in enumerate(script_blocks(page), start=1):
            code = compile(block, f"{page.name} block {index}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            run_block(portal, code, namespace)
    if "TalonClient()" in page.read_text():
        # A page that relies on TALON_BASE_URL must really have reached the served fake.
        assert served_fake.requests


@pytest.mark.parametrize("page", [p for p in own_pages() if project_files(p)], ids=lambda page: page.name)
def test_test_files_pass_under_pytest(page: Path, tmp_path: Path) -> None:
    """The test files a page shows pass when pytest runs them in a fresh project, as a user would."""
    for name, content in project_files(page).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALON_", "PYTEST_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert re.match(r"\d+ passed", summary), summary
    assert "skipped" not in summary


def test_the_conventions_are_followed() -> None:
    """README and the docs have runnable python; every shown-only block says why it is not run."""
    assert script_blocks(ROOT / "README.md")
    assert len(own_pages()) >= 3
    for page in PAGES:
        for block in blocks(page):
            if block.startswith("# not run"):
                assert block.startswith(NOT_RUN), page
                assert block.splitlines()[0][len(NOT_RUN) :].strip(), page
    assert runner_elsewhere(ROOT / "docs" / "facade.md") == ROOT / "tests" / "facade" / "test_docs.py"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link of the page points at a file or folder that exists in the repository."""
    targets = [m.group(1) for m in LINK.finditer(page.read_text()) if "://" not in m.group(1)]
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []


def test_the_index_links_every_page_and_the_readme_links_the_index() -> None:
    """docs/index.md lists every docs page, and the README points readers to it."""
    index = (ROOT / "docs" / "index.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"]({page.name})" in index, page.name
    index_url = "https://github.com/talon-async/talon-async/blob/main/docs/index.md"
    assert f"]({index_url})" in (ROOT / "README.md").read_text()
