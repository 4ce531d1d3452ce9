"""The public surface: __all__ lists exactly the public names, and each one is importable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import talon_async
from talon_async import errors, models


def test_all_lists_every_public_member() -> None:
    """Every public attribute of talon_async is in __all__ and every name in __all__ exists."""
    public = {name for name in dir(talon_async) if not name.startswith("_")} - {
        # Submodules the import system binds on the package as a side effect of importing them.
        "errors",
        "testing",
        "types",
    }
    assert set(talon_async.__all__) - {"__version__"} == public
    for name in talon_async.__all__:
        assert getattr(talon_async, name) is not None


def test_all_has_no_duplicates() -> None:
    """Each public name is listed once (ruff's RUF022 keeps the list sorted)."""
    assert len(talon_async.__all__) == len(set(talon_async.__all__))


def test_errors_module_reexports_the_tree() -> None:
    """talon_async.errors holds every exception, the same objects as at the top level."""
    for name in errors.__all__:
        assert getattr(errors, name) is getattr(talon_async, name)


def test_models_module_reexports_every_generated_model() -> None:
    """talon_async.models exposes every generated model by name, lazily."""
    from talon_async._generated import models as generated

    assert set(models.__all__) == set(generated.__all__)
    assert models.CartItem is generated.CartItem
    assert "CartItem" in dir(models)


def test_version_matches_pyproject() -> None:
    """__version__ is the version pyproject.toml declares."""
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert talon_async.__version__ == pyproject["project"]["version"]
