"""Every ``python`` block of docs/facade.md runs, in order, against the embedded fake Talon.One."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio

DOC = Path(__file__).parents[2] / "docs" / "facade.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def runnable_blocks() -> list[str]:
    blocks = BLOCK.findall(DOC.read_text())
    return [b for b in blocks if not b.startswith("# not run")]


def test_the_guide_has_runnable_examples() -> None:
    """The guide is mostly runnable code: at least a dozen blocks are executed below."""
    assert len(runnable_blocks()) >= 12


async def test_guide_examples_run() -> None:
    """The guide's examples run top to bottom against a seeded fake, so none can rot unnoticed."""
    fake = FakeTalon()
    fake.add_example_data()
    fake.add_profile("customer-1")
    fake.seed_transactions(1, 25, integration_id="customer-1")
    async with fake.client() as talon:
        await talon.update_customer_session(
            "session-1", body={"customerSession": {"profileId": "customer-1"}}
        )
        namespace: dict[str, Any] = {"talon": talon, "fake": fake, "print": lambda *a, **k: None}
        for index, block in enumerate(runnable_blocks()):
            code = compile(
                block, f"docs/facade.md block {index}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
            )
            result = eval(code, namespace)  # our own documentation
            if result is not None:
                await result


def test_every_module_the_guide_names_exists() -> None:
    """Each talon_async module or folder the guide points a reader to is where it says (renames included)."""
    package = DOC.parents[1] / "talon_async"
    text = DOC.read_text()
    named = set(re.findall(r"talon_async/([\w/]+(?:\.py)?)", text))
    named |= set(re.findall(r"`(_[\w/]*(?:\.py|/))`", text))
    missing = sorted(name for name in named if "*" not in name and not (package / name).exists())
    assert len(named) >= 15
    assert missing == []
