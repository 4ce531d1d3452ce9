"""talon_async.testing's public names: `__all__` is exactly what the package exports."""

from __future__ import annotations

import talon_async.testing as testing


def test_all_lists_every_public_name() -> None:
    """Every public attribute is in __all__, and every name in __all__ exists."""
    public = {name for name in vars(testing) if not name.startswith("_")}
    # Submodules imported as a side effect of the package's own imports are not API.
    modules = {name for name in public if type(getattr(testing, name)).__name__ == "module"}
    assert set(testing.__all__) == public - modules
    assert testing.__all__ == sorted(testing.__all__)
