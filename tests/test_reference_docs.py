"""The API reference site: every documented object appears under the path users import it by."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import talon_async
import talon_async.testing
from talon_async import errors, models

ROOT = Path(__file__).parents[1]
# A dotted talon_async path that crosses a single-underscore (private) module or class; dunders
# such as ``FakeTalon.__repr__`` are public API.
PRIVATE_PATH = re.compile(r"talon_async(?:\.\w+)*?\._(?!_)\w+")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The reference pages of a strict ``mkdocs build``, by page name."""
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
    )
    built = site.glob("reference/*/index.html")
    pages = {page.parent.name: page.read_text(encoding="utf-8") for page in built}
    assert pages, "the build wrote no reference pages"
    return pages


def anchors(html: str) -> set[str]:
    return set(re.findall(r'id="(talon_async[\w.]*)"', html))


def test_no_private_path_in_the_reference(reference: dict[str, str]) -> None:
    """No reference page names a private module, in headings, anchors, base classes or link titles."""
    leaks = {name: sorted(set(PRIVATE_PATH.findall(html)))[:5] for name, html in reference.items()}
    assert {name: found for name, found in leaks.items() if found} == {}


@pytest.mark.parametrize(
    ("page", "module"),
    [("errors", errors), ("models", models), ("testing", talon_async.testing)],
)
def test_each_export_is_documented_under_its_module(
    reference: dict[str, str], page: str, module: ModuleType
) -> None:
    """Each name a public module exports has its entry, anchored at ``<module>.<name>``."""
    exported = {f"{module.__name__}.{name}" for name in module.__all__}
    assert exported - anchors(reference[page]) == set()


def test_each_package_export_is_documented(reference: dict[str, str]) -> None:
    """Each name the package exports has an entry at ``talon_async.<name>`` (errors: on their page)."""
    documented = set().union(*(anchors(html) for html in reference.values()))
    missing = {
        name
        for name in talon_async.__all__
        if name not in {"models", "__version__"}
        and f"talon_async.{name}" not in documented
        and f"talon_async.errors.{name}" not in documented
    }
    assert missing == set()
    assert "talon_async.TalonClient.update_customer_session" in documented
