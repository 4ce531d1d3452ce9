"""Talon.One's official contract as the tie-breaker: where the seed docs or the SDK-derived reference
disagree with our spec, the spot is excused when the official contract agrees with ours there.

The official contract is what the live API most likely does (openapi/reference/README.md), and
scripts/fidelity.py compares our spec with it in full; these helpers reuse that comparison.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

from tests.support.spec import REPO_ROOT, load_spec


@functools.cache
def gate() -> ModuleType:
    """scripts/fidelity.py, loaded as a module."""
    name = "scripts_fidelity"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "fidelity.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class body runs.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def load_official() -> dict[str, Any]:
    contract: dict[str, Any] = json.loads(gate().OFFICIAL_PATH.read_text(encoding="utf-8"))
    return contract


@functools.cache
def _comparison() -> tuple[frozenset[str], frozenset[str]]:
    """(anchors both sides declare, keys of every difference) for the committed spec."""
    comparison = gate().Comparison(load_official(), load_spec())
    differences = comparison.run()
    return frozenset(comparison.visited), frozenset(d.key for d in differences)


def official_agrees(anchor: str, aspect: str | None = None) -> bool:
    """True when the official contract declares ``anchor`` and agrees with ours there.

    ``anchor`` is the gate's: ``Schema.property`` or ``operationId.param[query:name]``. With an
    ``aspect`` (``format``, ``required``, ...) only that aspect must agree; without, every aspect.
    """
    visited, keys = _comparison()
    if anchor not in visited:
        return False
    if aspect is not None:
        return f"{anchor}: {aspect}" not in keys
    return not any(key.startswith(f"{anchor}: ") for key in keys)


def official_declares(anchor: str) -> bool:
    """True when the official contract has this schema, property or parameter too."""
    return anchor in _comparison()[0]


def allowlisted(key: str) -> bool:
    """True when openapi/fidelity-allowlist.yaml explains this difference key."""
    module = gate()
    return any(entry.matches(key) for entry in module.load_allowlist(module.ALLOWLIST_PATH))
