"""How to call each in-scope operation through ``TalonClient``: the method, its path values, a body.

The body is a minimal valid one for our spec (``tests.support.documents``): the response tests do not
care what is sent, only that the facade sends something and reads the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from talon_async import TalonClient
from tests.support.documents import DocumentFactory
from tests.support.spec import operations

CARD = "CARD-0001-7Q"

# operationId -> (TalonClient method, positional path values)
METHODS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "updateCustomerSessionV2": ("update_customer_session", ("session-1",)),
    "getCustomerSession": ("get_customer_session", ("session-1",)),
    "returnCartItems": ("return_cart_items", ("session-1",)),
    "reopenCustomerSession": ("reopen_customer_session", ("session-1",)),
    "updateCustomerProfileV2": ("update_customer_profile", ("customer-1",)),
    "updateCustomerProfilesV2": ("update_customer_profiles", ()),
    "createAudienceV2": ("create_audience", ()),
    "deleteAudienceV2": ("delete_audience", (7,)),
    "updateAudienceV2": ("update_audience", (7,)),
    "deleteAudienceMembershipsV2": ("delete_audience_memberships", (7,)),
    "updateCustomerProfileAudiences": ("update_customer_profile_audiences", ()),
    "updateAudienceCustomersAttributes": ("update_audience_customers_attributes", (7,)),
    "linkLoyaltyCardToProfile": ("link_loyalty_card_to_profile", (5, CARD)),
    "unlinkLoyaltyCardFromProfile": ("unlink_loyalty_card_from_profile", (5, CARD)),
    "trackEventV2": ("track_event", ()),
    "createReferral": ("create_referral", ()),
    "createReferralsForMultipleAdvocates": ("create_referrals_for_multiple_advocates", ()),
    "deleteCustomerData": ("delete_customer_data", ("customer-1",)),
    "createCouponReservation": ("create_coupon_reservation", ("SUMMER-1",)),
    "deleteCouponReservation": ("delete_coupon_reservation", ("SUMMER-1",)),
    "getReservedCustomers": ("get_reserved_customers", ("SUMMER-1",)),
    "getCustomerInventory": ("get_customer_inventory", ("customer-1",)),
    "getLoyaltyCardBalances": ("get_loyalty_card_balances", (5, CARD)),
    "getLoyaltyBalances": ("get_loyalty_balances", (5, "customer-1")),
    "getLoyaltyCardTransactions": ("get_loyalty_card_transactions", (5, CARD)),
    "getLoyaltyProgramProfileTransactions": ("get_loyalty_program_profile_transactions", (5, "customer-1")),
    "getLoyaltyCardPoints": ("get_loyalty_card_points", (5, CARD)),
    "getLoyaltyProgramProfilePoints": ("get_loyalty_program_profile_points", (5, "customer-1")),
    "generateLoyaltyCard": ("generate_loyalty_card", (5,)),
    "syncCatalog": ("sync_catalog", (3,)),
}
SILENT_OPERATIONS = frozenset(
    {"updateCustomerProfilesV2", "trackEventV2", "createReferralsForMultipleAdvocates"}
)
"""Operations whose answer is empty unless ``silent=False`` is passed."""


@dataclass(frozen=True)
class Call:
    operation_id: str
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def send(self, talon: TalonClient) -> Awaitable[Any]:
        result: Awaitable[Any] = getattr(talon, self.method)(*self.args, **self.kwargs)
        return result


@functools.cache
def _our_bodies() -> dict[str, Any]:
    factory = DocumentFactory()
    return {
        op.operation_id: factory.document(op.body, required_only=True)
        for op in operations()
        if op.body is not None
    }


def minimal_call(operation_id: str) -> Call:
    """A call of the operation that the facade accepts and that asks for the answer's body."""
    method, args = METHODS[operation_id]
    kwargs: dict[str, Any] = {}
    body = _our_bodies().get(operation_id)
    if body is not None:
        kwargs["body"] = body
    if operation_id in SILENT_OPERATIONS:
        kwargs["silent"] = False
    return Call(operation_id, method, args, kwargs)
