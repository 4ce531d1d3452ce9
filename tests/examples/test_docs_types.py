"""Every python block of README.md and docs/*.md passes `mypy --strict`, as a reader's code would.

A page's runnable blocks share one namespace in page order (as tests/examples/test_docs.py runs
them), so they are checked as one function body; top-level ``await`` is fine there. The client
guide's blocks get the ``talon`` and ``fake`` its runner provides. ``# file:`` blocks are checked
as the small project they form; ``# not run:`` blocks are checked on their own when they are
complete Python. One mypy run covers everything, so the check costs seconds.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import ROOT
from .test_docs import NOT_RUN, PAGES, blocks, project_files, script_blocks

# Names a page's runner defines before its first block.
PROVIDED = {"facade": "talon: TalonClient, fake: FakeTalon"}


def _module_name(page: Path) -> str:
    return "doc_" + page.stem.replace("-", "_").lower()


def _page_module(page: Path) -> str:
    body = "".join(script_blocks(page))
    return (
        "from talon_async import TalonClient\n"
        "from talon_async.testing import FakeTalon\n\n\n"
        f"async def _page({PROVIDED.get(page.stem, '')}) -> None:\n" + textwrap.indent(body, "    ")
    )


def _is_python(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def write_sources(target: Path) -> list[Path]:
    written: list[Path] = []
    for page in PAGES:
        name = _module_name(page)
        if script_blocks(page):
            written.append(target / f"{name}.py")
            written[-1].write_text(_page_module(page))
        shown = [b for b in blocks(page) if b.startswith(NOT_RUN) and _is_python(b)]
        for index, block in enumerate(shown, start=1):
            written.append(target / f"{name}_shown_{index}.py")
            written[-1].write_text(block)
        files = project_files(page)
        if files:
            project = target / f"{name}_project"
            for file_name, content in files.items():
                (project / file_name).parent.mkdir(parents=True, exist_ok=True)
                (project / file_name).write_text(content)
            written.append(project)
    return written


def test_every_block_passes_mypy_strict(tmp_path: Path) -> None:
    """mypy --strict finds nothing in any page's examples: what the docs show type-checks for users."""
    sources = write_sources(tmp_path)
    assert len(sources) >= 5
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--explicit-package-bases"]
    # Shares the repo's mypy cache with `make check`, so the SDK itself is not re-analysed each run.
    done = subprocess.run(
        [*command, *map(str, sources)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
