"""A griffe extension for the API reference: every public object is documented under its public path.

Classes and functions are written in private modules (``talon_async._errors``,
``talon_async.testing._fake``, ``talon_async._generated.models``...) and re-exported by the public
ones. Left alone, griffe names them by where they are written, so titles, base classes and
cross-references in the reference would show the private path. This extension moves each object
re-exported through a public module's ``__all__`` under that module (as ``__module__`` is set at
runtime), so every path the reference shows is one a user can import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import griffe

# The first public module that exports an object becomes its home: the errors live in
# talon_async.errors (their reference page) though the package root re-exports them too.
PUBLIC_MODULES = ("talon_async.errors", "talon_async.testing", "talon_async.models", "talon_async")


def is_private(path: str) -> bool:
    """Whether a dotted path crosses a private (single-underscore) module or object."""
    return any(part.startswith("_") and not part.startswith("__") for part in path.split("."))


class PublicPaths(griffe.Extension):
    """Re-parents privately defined, publicly exported objects onto their public module."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if pkg.path != "talon_async":
            return
        moved: dict[str, griffe.Object] = {}
        for module_path in PUBLIC_MODULES:
            module = pkg if module_path == pkg.path else pkg.get_member(module_path.split(".", 1)[1])
            _borrow_exports(module)
            for name in sorted(name for name in module.exports or () if isinstance(name, str)):
                member = module.members.get(name)
                if not isinstance(member, griffe.Alias):
                    continue
                try:
                    target = member.final_target
                except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                    continue
                if target.is_module or not is_private(target.path) or target.path in moved:
                    continue
                scope = target.parent
                if scope is None:
                    continue
                moved[target.path] = target
                target.parent = module
                module.members[name] = target
                # Names the object uses (its bases, annotations) are still looked up where it
                # is written, and any answer naming a moved object is given by its public path.
                target.resolve = _resolving_in(target, scope, moved)  # type: ignore[method-assign,assignment]


def _borrow_exports(module: griffe.Module) -> None:
    """Give a module whose ``__all__`` is imported from another (``talon_async.models``) those members.

    griffe reads ``__all__`` statically, and the lazy models module takes it from the generated
    package; its members are aliases of the generated package's, as at runtime.
    """
    borrowed = module.members.get("__all__")
    if module.exports is not None or not isinstance(borrowed, griffe.Alias):
        return
    source = module.modules_collection.get_member(borrowed.target_path.rsplit(".", 1)[0])
    names = [name for name in source.exports or () if isinstance(name, str)]
    module.exports = list(names)
    for name in names:
        if name not in module.members:
            module.set_member(name, griffe.Alias(name, f"{source.path}.{name}", parent=module))


def _resolving_in(
    moved_object: griffe.Object, scope: griffe.Object, moved: dict[str, griffe.Object]
) -> Callable[[str], str]:
    """A ``resolve`` for ``moved_object``: its own names, then those of the module it is written in."""

    def resolve(name: str) -> str:
        if name in moved_object.members or name in moved_object.type_parameters:
            path = griffe.Object.resolve(moved_object, name)
        else:
            path = scope.resolve(name)
        return _public(path, moved)

    return resolve


def _public(path: str, moved: dict[str, griffe.Object]) -> str:
    """``path`` with its longest prefix that names a moved object replaced by the public path."""
    parts = path.split(".")
    for end in range(len(parts), 1, -1):
        target = moved.get(".".join(parts[:end]))
        if target is not None:
            return ".".join([target.path, *parts[end:]])
    return path
