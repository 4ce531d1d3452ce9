"""The fake's in-memory store: plain records for every entity the 30 operations touch.

Strictly private. Records hold Python values (datetimes, floats); ``_render`` turns them into the
JSON shapes of the OpenAPI document.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import attrs

__all__ = [
    "Audience",
    "Catalog",
    "CatalogItem",
    "Coupon",
    "Event",
    "LedgerTransaction",
    "LoyaltyCard",
    "LoyaltyProgram",
    "Profile",
    "Referral",
    "ReturnRecord",
    "Session",
    "Store",
    "Tier",
]

SessionState = Literal["open", "closed", "partially_returned", "cancelled"]
TransactionSource = Literal["manual", "session", "import"]


@attrs.define
class Profile:
    id: int
    integration_id: str
    created: datetime
    last_activity: datetime
    attributes: dict[str, Any] = attrs.Factory(dict)
    closed_sessions: int = 0
    total_sales: float = 0.0
    # loyalty program id -> when the profile joined it
    loyalty_joined: dict[int, datetime] = attrs.Factory(dict)


@attrs.define
class Session:
    id: int
    integration_id: str
    created: datetime
    updated: datetime
    profile_id: str | None = None
    store_integration_id: str | None = None
    evaluable_campaign_ids: list[int] | None = None
    coupon_codes: list[str] = attrs.Factory(list)
    referral_code: str | None = None
    loyalty_cards: list[str] = attrs.Factory(list)
    state: SessionState = "open"
    # CartItem dicts as sent, plus the fake's returnedQuantity bookkeeping
    cart_items: list[dict[str, Any]] = attrs.Factory(list)
    additional_costs: dict[str, dict[str, Any]] = attrs.Factory(dict)
    identifiers: list[str] = attrs.Factory(list)
    attributes: dict[str, Any] = attrs.Factory(dict)
    first_session: bool = True
    update_count: int = 0
    effects: list[dict[str, Any]] = attrs.Factory(list)
    # ledger transaction ids written when the session closed, so cancel and returns can undo them
    committed_transactions: list[int] = attrs.Factory(list)
    return_ids: list[int] = attrs.Factory(list)


@attrs.define
class Audience:
    id: int
    created: datetime
    name: str
    description: str | None = None
    integration: str | None = None
    integration_id: str | None = None
    created_in_3rd_party: bool | None = None
    sandbox: bool = False
    last_update: datetime | None = None
    # insertion-ordered set of profile integration ids
    members: dict[str, None] = attrs.Factory(dict)


@attrs.define
class Coupon:
    id: int
    created: datetime
    value: str
    campaign_id: int
    usage_limit: int = 0
    reservation_limit: int = 0
    is_reservation_mandatory: bool = False
    implicitly_reserved: bool = False
    discount_percent: float | None = None
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    recipient_integration_id: str | None = None
    attributes: dict[str, Any] = attrs.Factory(dict)
    usage_counter: int = 0
    reserved_by: dict[str, None] = attrs.Factory(dict)


@attrs.define
class Referral:
    id: int
    created: datetime
    code: str
    campaign_id: int
    advocate: str
    friend: str | None = None
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    usage_limit: int | None = None
    attributes: dict[str, Any] = attrs.Factory(dict)
    usage_counter: int = 0
    batch_id: str | None = None


@attrs.frozen
class Tier:
    name: str
    min_points: float


@attrs.define
class LoyaltyProgram:
    id: int
    name: str
    title: str
    card_based: bool = False
    users_per_card_limit: int = 1
    tiers: tuple[Tier, ...] = ()
    card_code_prefix: str = "CARD-"


@attrs.define
class LoyaltyCard:
    id: int
    created: datetime
    program_id: int
    identifier: str
    status: str = "active"
    # profile integration id -> when it was linked
    profiles: dict[str, datetime] = attrs.Factory(dict)
    modified: datetime | None = None
    batch_id: str | None = None


@attrs.define
class LedgerTransaction:
    """One points addition or subtraction on a profile's or a card's ledger."""

    id: int
    uuid: str
    created: datetime
    program_id: int
    owner_kind: Literal["profile", "card"]
    owner: str
    type: Literal["addition", "subtraction"]
    name: str
    amount: float
    subledger_id: str = ""
    # None means "immediate" / "unlimited", as the API spells them
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    session_id: str | None = None
    source: TransactionSource = "manual"
    ruleset_id: int | None = None
    rule_name: str | None = None
    profile_integration_id: str | None = None


@attrs.define
class CatalogItem:
    id: int
    sku: str
    price: float | None = None
    attributes: dict[str, Any] = attrs.Factory(dict)
    product: dict[str, Any] | None = None
    adjustments: list[dict[str, Any]] = attrs.Factory(list)


@attrs.define
class Catalog:
    id: int
    created: datetime
    modified: datetime
    name: str
    description: str = ""
    version: int = 1
    items: dict[str, CatalogItem] = attrs.Factory(dict)


@attrs.define
class Event:
    id: int
    created: datetime
    type: str
    profile_id: str | None
    attributes: dict[str, Any]
    session_id: str | None = None
    store_integration_id: str | None = None
    effects: list[dict[str, Any]] = attrs.Factory(list)


@attrs.define
class ReturnRecord:
    id: int
    created: datetime
    event_id: int
    session_id: int
    session_integration_id: str
    returned_cart_items: list[dict[str, Any]]
    profile_id: int | None = None
    profile_integration_id: str | None = None


@attrs.define
class Store:
    """Every entity, keyed the way the API addresses it, plus id counters and the clock."""

    clock: Callable[[], datetime]
    rng: random.Random
    account_id: int = 1
    application_id: int = 1
    profiles: dict[str, Profile] = attrs.Factory(dict)
    sessions: dict[str, Session] = attrs.Factory(dict)
    audiences: dict[int, Audience] = attrs.Factory(dict)
    coupons: dict[str, Coupon] = attrs.Factory(dict)
    referrals: dict[str, Referral] = attrs.Factory(dict)
    programs: dict[int, LoyaltyProgram] = attrs.Factory(dict)
    # (program id, identifier) -> card
    cards: dict[tuple[int, str], LoyaltyCard] = attrs.Factory(dict)
    transactions: list[LedgerTransaction] = attrs.Factory(list)
    catalogs: dict[int, Catalog] = attrs.Factory(dict)
    events: list[Event] = attrs.Factory(list)
    returns: dict[int, ReturnRecord] = attrs.Factory(dict)
    _counters: dict[str, int] = attrs.Factory(dict)

    def next_id(self, kind: str) -> int:
        value = self._counters.get(kind, 0) + 1
        self._counters[kind] = value
        return value

    def uuid(self) -> str:
        """A UUID4 from the seeded generator, so a seeded fake answers the same every run."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def code(self, length: int = 8, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def profile(self, integration_id: str, now: datetime | None = None) -> Profile:
        """The profile with this integration id, created empty if it is new (as the API does)."""
        found = self.profiles.get(integration_id)
        if found is None:
            now = now or self.clock()
            found = Profile(self.next_id("profile"), integration_id, created=now, last_activity=now)
            self.profiles[integration_id] = found
        return found
