"""Every model of the Integration API (attrs classes with ``to_dict``/``from_dict``).

``from talon_async.models import CartItem`` imports just that model: the rest load on first use.
"""

from typing import TYPE_CHECKING, Any

from ._generated import models as _models
from ._generated.models import __all__ as __all__

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_models, name)


def __dir__() -> list[str]:
    return sorted(__all__)
