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


def exported_classes() -> list[tuple[str, str, type]]:
    """Every class the public modules export, as (module, name, class)."""
    import talon_async.testing

    modules = [talon_async, errors, models, talon_async.testing]
    return [
        (module.__name__, name, cls)
        for module in modules
        for name in module.__all__
        if isinstance(cls := getattr(module, name), type)
    ]


def test_every_exported_class_names_a_public_home() -> None:
    """Each exported class's __module__ is a public module that exports it by that name, as repr shows."""
    import importlib
    import pickle

    classes = exported_classes()
    assert len(classes) > 250  # the package root, errors, every model and the fake's helpers
    for module_name, name, cls in classes:
        home = cls.__module__
        assert not any(p.startswith("_") for p in home.split(".")), (module_name, name, home)
        assert getattr(importlib.import_module(home), cls.__qualname__) is cls, (module_name, name)
        assert "._" not in repr(cls), (module_name, name)
        assert pickle.loads(pickle.dumps(cls)) is cls


def test_moved_classes_keep_their_type_hints() -> None:
    """A class moved out of its private module still has every annotation resolvable by get_type_hints."""
    import inspect
    import typing

    import talon_async.testing

    checked = 0
    for module in (talon_async, talon_async.testing):
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and inspect.get_annotations(cls):
                hints = typing.get_type_hints(cls, include_extras=True)
                assert set(cls.__annotations__) <= set(hints), name
                checked += 1
    assert checked >= 10


def test_moved_instances_pickle_and_print_publicly() -> None:
    """An instance of a moved dataclass round-trips through pickle and prints its public class name."""
    import pickle

    from talon_async.testing import Fault

    fault = Fault(kind="status", remaining=1, status=503)
    assert pickle.loads(pickle.dumps(fault)) == fault
    assert "._" not in repr(type(fault))
