"""Type-checked, never run: mypy --strict catches mistakes in dict bodies typed with talon_async.types.

Each ``type: ignore[code]`` below must be needed (``warn_unused_ignores`` is on under ``--strict``),
so this file fails ``make check`` the day mypy stops seeing one of these mistakes.
"""

from __future__ import annotations

from talon_async.types import IntegrationRequestDict, MultipleCustomerProfileIntegrationRequestDict

good: IntegrationRequestDict = {
    "customerSession": {"profileId": "alice", "cartItems": [{"sku": "a", "quantity": 2, "price": 8}]},
}
typo: IntegrationRequestDict = {"customerSession": {"profileID": "alice"}}  # type: ignore[typeddict-unknown-key]
wrong_type: IntegrationRequestDict = {
    "customerSession": {"cartItems": [{"sku": "a", "quantity": "2"}]}  # type: ignore[typeddict-item]
}
missing: MultipleCustomerProfileIntegrationRequestDict = {
    "customerProfiles": [{"attributes": {}}]  # type: ignore[typeddict-item]
}
