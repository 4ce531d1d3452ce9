"""``TypedDict``s for request bodies written as plain dicts, one per request model.

Every body parameter of ``TalonClient`` takes either the attrs model or its dict form; annotate
the dict with the matching ``<Model>Dict`` and mypy reports a misspelt key (``profileID``) or a
wrong value type (``"quantity": "2"``) in your own code, before the SDK refuses it at run time.
"""

from ._generated.typed_dicts import *  # noqa: F403
from ._generated.typed_dicts import __all__ as __all__
