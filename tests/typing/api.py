"""Pins the public signatures for mypy: type-checked by `make check`, never run.

If a change to the facade breaks one of these lines, it breaks users' type checking too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, assert_type

import httpx

import talon_async
from talon_async import (
    AsyncPaginator,
    BatchResult,
    ChunkResult,
    Paginator,
    RawResponse,
    TalonClient,
    catalog_action,
    effects_of,
    matching_effects,
)
from talon_async.models import (
    AddItemCatalogAction,
    AdvocateReferralsPage,
    CardLedgerPointsEntryIntegrationAPI,
    CardLedgerTransactionLogEntryIntegrationAPI,
    CatalogAction,
    CustomerProfile,
    CustomerProfileAudienceRequestItem,
    CustomerProfileIntegrationResponseV2,
    CustomerSessionV2,
    Effect,
    IntegrationCustomerSessionResponse,
    IntegrationRequest,
    IntegrationStateV2,
    LedgerPointsEntryIntegrationAPI,
    LedgerTransactionLogEntryIntegrationAPI,
    LoyaltyCardPointsPage,
    LoyaltyCardTransactionsPage,
    MultipleCustomerProfileIntegrationRequestItem,
    MultipleCustomerProfileIntegrationResponseV2,
    NewCustomerSessionV2,
    SetDiscountEffectProps,
    TrackEventV2Response,
)
from talon_async.types import NewReferralsForMultipleAdvocatesDict, ReturnIntegrationRequestDict


async def construction() -> None:
    talon = TalonClient(
        "https://acme.talon.one",
        "key",
        timeout=5.0,
        max_retries=3,
        transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        max_concurrency=8,
        headers={"X-Tenant": "eu"},
        allow_insecure_http=False,
    )
    async with talon as same:
        assert_type(same, TalonClient)
    assert_type(talon.dry_run(), TalonClient)
    await talon.aclose()
    TalonClient(http_client=httpx.AsyncClient(), timeout=httpx.Timeout(3.0, connect=1.0))


async def sessions(talon: TalonClient) -> None:
    body = IntegrationRequest(customer_session=NewCustomerSessionV2(profile_id="p1"))
    assert_type(await talon.update_customer_session("s1", body=body), IntegrationStateV2)
    assert_type(
        await talon.update_customer_session(
            "s1", body={"customerSession": {}}, dry=True, now=dt.datetime.now(dt.UTC), timeout=2.0
        ),
        IntegrationStateV2,
    )
    returned: ReturnIntegrationRequestDict = {"return": {"returnedCartItems": [{"position": 0}]}}
    assert_type(await talon.return_cart_items("s1", body=returned, run_rule_engine=True), IntegrationStateV2)
    assert_type(await talon.get_customer_session("s1"), IntegrationCustomerSessionResponse)
    raw = await talon.with_raw_response(talon.get_customer_session, "s1")
    assert_type(raw, RawResponse[IntegrationCustomerSessionResponse])
    assert_type(raw.status_code, int)
    assert_type(raw.headers, httpx.Headers)


async def silent_overloads(talon: TalonClient, flag: bool) -> None:
    assert_type(await talon.track_event(body={"type": "click"}), None)
    assert_type(await talon.track_event(body={"type": "click"}, silent=True), None)
    assert_type(await talon.track_event(body={"type": "click"}, silent=False), TrackEventV2Response)
    assert_type(await talon.track_event(body={"type": "click"}, silent=flag), TrackEventV2Response | None)
    assert_type(await talon.update_customer_profiles(body={"customerProfiles": []}), None)
    assert_type(
        await talon.update_customer_profiles(body={"customerProfiles": []}, silent=False),
        MultipleCustomerProfileIntegrationResponseV2,
    )
    assert_type(
        await talon.update_customer_profiles(body={"customerProfiles": []}, silent=flag),
        MultipleCustomerProfileIntegrationResponseV2 | None,
    )
    referrals: NewReferralsForMultipleAdvocatesDict = {
        "campaignId": 1,
        "usageLimit": 1,
        "advocateProfileIntegrationIds": ["a"],
    }
    assert_type(await talon.create_referrals_for_multiple_advocates(body=referrals), None)
    assert_type(
        await talon.create_referrals_for_multiple_advocates(body=referrals, silent=False),
        AdvocateReferralsPage,
    )
    assert_type(
        await talon.create_referrals_for_multiple_advocates(body=referrals, silent=flag),
        AdvocateReferralsPage | None,
    )
    assert_type(
        await talon.update_customer_profile("p1", body={}, run_rule_engine=True, dry=True),
        CustomerProfileIntegrationResponseV2,
    )


async def paging(talon: TalonClient) -> None:
    transactions = talon.iter_loyalty_card_transactions(1, "CARD-1", max_items=10)
    assert_type(transactions, Paginator[CardLedgerTransactionLogEntryIntegrationAPI])
    async for entry in transactions:
        assert_type(entry, CardLedgerTransactionLogEntryIntegrationAPI)
    async for page in transactions.pages():
        assert_type(page, list[CardLedgerTransactionLogEntryIntegrationAPI])
    async for profile in talon.iter_reserved_customers("SUMMER"):
        assert_type(profile, CustomerProfile)
    assert_type(talon.iter_loyalty_card_points(1, "CARD-1"), Paginator[CardLedgerPointsEntryIntegrationAPI])
    assert_type(
        talon.iter_loyalty_program_profile_points(1, "p1", page_size=500),
        Paginator[LedgerPointsEntryIntegrationAPI],
    )
    assert_type(
        talon.iter_loyalty_program_profile_transactions(1, "p1", timeout=2.0),
        Paginator[LedgerTransactionLogEntryIntegrationAPI],
    )
    assert_type(
        await talon.get_loyalty_card_transactions(1, "CARD-1", page_size=100, skip=0),
        LoyaltyCardTransactionsPage,
    )
    # One method, one parameter list: awaited for a page, iterated for every entry.
    ledger = talon.get_loyalty_card_transactions(1, "CARD-1", loyalty_transaction_type="loyalty_card")
    assert_type(
        ledger, AsyncPaginator[CardLedgerTransactionLogEntryIntegrationAPI, LoyaltyCardTransactionsPage]
    )
    async for card_entry in ledger.limit(5):
        assert_type(card_entry, CardLedgerTransactionLogEntryIntegrationAPI)
    assert_type(await talon.get_loyalty_card_points(1, "CARD-1"), LoyaltyCardPointsPage)
    async for points in talon.get_loyalty_program_profile_points(1, "p1"):
        assert_type(points, LedgerPointsEntryIntegrationAPI)
    async for transaction in talon.get_loyalty_program_profile_transactions(1, "p1", page_size=100):
        assert_type(transaction, LedgerTransactionLogEntryIntegrationAPI)


async def batches(talon: TalonClient) -> None:
    def progress(chunk: ChunkResult[object]) -> None:
        assert_type(chunk.outcome, Literal["ok", "failed"])

    result = await talon.batch_create_referrals(
        ["a", "b"], campaign_id=1, usage_limit=1, on_progress=progress
    )
    assert_type(result, BatchResult[str])
    profiles = await talon.batch_update_customer_profiles([{"integrationId": "p1"}], timeout=30.0)
    assert_type(profiles, BatchResult[MultipleCustomerProfileIntegrationRequestItem | Mapping[str, Any]])
    changes = await talon.batch_update_customer_profile_audiences([])
    assert_type(changes, BatchResult[CustomerProfileAudienceRequestItem | Mapping[str, Any]])
    assert_type(result.failed_items, list[str])
    assert_type(result.ok, bool)
    actions = [catalog_action(AddItemCatalogAction(sku="s"))]
    assert_type(actions[0], CatalogAction)
    await talon.batch_sync_catalog(1, actions, concurrency=1)


def effects(state: IntegrationStateV2, items: list[Effect]) -> None:
    assert_type(effects_of(state, SetDiscountEffectProps), list[SetDiscountEffectProps])
    assert_type(effects_of(items, SetDiscountEffectProps), list[SetDiscountEffectProps])
    assert_type(matching_effects(state, SetDiscountEffectProps), list[tuple[Effect, SetDiscountEffectProps]])
    assert_type(talon_async.typed_props(items[0], SetDiscountEffectProps), SetDiscountEffectProps | None)
    assert_type(talon_async.typed_props(items[0]), Any)


def values(state: IntegrationStateV2) -> None:
    assert_type(talon_async.value(state.customer_session), CustomerSessionV2 | None)
    assert_type(talon_async.value(state.customer_session, None), CustomerSessionV2 | None)
    session = talon_async.value(state.customer_session)
    if session is not None:
        assert_type(talon_async.value(session.total, 0.0), float)
        assert_type(talon_async.value(session.coupon_codes, []), list[str])


def errors(error: talon_async.APIStatusError, conflict: talon_async.ConflictError) -> None:
    assert_type(error.status_code, int)
    assert_type(error.message, str | None)
    assert_type(error.errors, list[talon_async.ErrorDetail])
    assert_type(error.request, talon_async.RequestInfo)
    assert_type(conflict.is_busy, bool)
    talon_async.set_testing(True)
