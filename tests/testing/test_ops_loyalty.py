"""Loyalty in the fake: cards, links, balances, points and transactions with real paging."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio


@pytest.fixture
def cards(fake: FakeTalon) -> int:
    """A card-based program whose cards link up to two profiles."""
    return fake.add_loyalty_program(name="cards", card_based=True, users_per_card_limit=2)


@pytest.fixture
def points(fake: FakeTalon) -> int:
    """A profile-based program with two tiers."""
    return fake.add_loyalty_program(name="points", tiers={"Silver": 0, "Gold": 100})


async def test_generate_card_with_profiles(fake: FakeTalon, http: httpx.AsyncClient, cards: int) -> None:
    """Generating a card links the given profiles and starts with an empty ledger."""
    r = await http.post(f"/v1/loyalty_programs/{cards}/cards", json={"customerProfileIds": ["p1"]})
    assert r.status_code == 200
    card = r.json()
    assert card["identifier"].startswith("CARD-")
    assert [p["integrationId"] for p in card["profiles"]] == ["p1"]
    assert card["ledger"]["currentBalance"] == 0
    r = await http.post(f"/v1/loyalty_programs/{cards}/cards", json={"cardIdentifier": card["identifier"]})
    assert r.status_code == 400


async def test_generate_card_rules(http: httpx.AsyncClient, cards: int, points: int) -> None:
    """Cards need a card-based program, respect the user limit, and need an existing program; the
    contract documents no 404 for generating a card, so an unknown program answers 400."""
    r = await http.post(f"/v1/loyalty_programs/{points}/cards", json={})
    assert r.status_code == 400
    r = await http.post(f"/v1/loyalty_programs/{cards}/cards", json={"customerProfileIds": ["a", "b", "c"]})
    assert r.status_code == 400
    r = await http.post("/v1/loyalty_programs/999/cards", json={})
    assert r.status_code == 400


async def test_link_and_unlink(fake: FakeTalon, http: httpx.AsyncClient, cards: int) -> None:
    """Profiles can be linked up to the card limit and unlinked again."""
    card = fake.add_loyalty_card(cards, "CARD-1234")
    base = f"/v2/loyalty_programs/{cards}/cards/{card}"
    for pid in ("p1", "p2"):
        assert (await http.post(f"{base}/link_profile", json={"integrationId": pid})).status_code == 200
    r = await http.post(f"{base}/link_profile", json={"integrationId": "p3"})
    assert r.status_code == 400
    r = await http.post(f"{base}/unlink_profile", json={"integrationId": "p1"})
    assert [p["integrationId"] for p in r.json()["profiles"]] == ["p2"]
    assert (await http.post(f"{base}/unlink_profile", json={"integrationId": "p1"})).status_code == 400
    r = await http.post(
        f"/v2/loyalty_programs/{cards}/cards/CARD-none/link_profile", json={"integrationId": "p1"}
    )
    assert r.status_code == 404


async def test_card_points_come_from_closed_sessions(
    fake: FakeTalon, http: httpx.AsyncClient, cards: int
) -> None:
    """A session with a loyalty card earns points on that card when it closes."""
    card = fake.add_loyalty_card(cards, "CARD-5678", profiles=["p1"])
    session = {
        "profileId": "p1",
        "loyaltyCards": [card],
        "cartItems": [{"sku": "a", "quantity": 1, "price": 42.9}],
    }
    await http.put("/v2/customer_sessions/s1", json={"customerSession": {**session, "state": "closed"}})
    r = await http.get(f"/v1/loyalty_programs/{cards}/cards/{card}/balances")
    assert r.json()["balance"]["activePoints"] == 42
    assert [p["integrationId"] for p in r.json()["profiles"]] == ["p1"]
    r = await http.get(f"/v1/loyalty_programs/{cards}/cards/{card}/transactions")
    assert [(t["cardIdentifier"], t["customerSessionId"], t["amount"]) for t in r.json()["data"]] == [
        (card, "s1", 42)
    ]


async def test_transactions_page_with_skip_and_has_more(
    fake: FakeTalon, http: httpx.AsyncClient, points: int
) -> None:
    """Transactions come newest first in pages of pageSize, hasMore until the last page."""
    fake.add_profile("p1")
    uuids = fake.seed_transactions(points, 25, integration_id="p1")
    url = f"/v1/loyalty_programs/{points}/profile/p1/transactions"
    seen: list[str] = []
    more = True
    skip = 0
    while more:
        r = await http.get(url, params={"pageSize": 10, "skip": skip})
        page = r.json()
        seen += [t["transactionUUID"] for t in page["data"]]
        more = page["hasMore"]
        skip += 10
    assert seen == list(reversed(uuids))
    assert skip == 30


async def test_transaction_filters(fake: FakeTalon, http: httpx.AsyncClient, points: int) -> None:
    """Transactions filter by type, subledger, UUID and date range."""
    fake.add_profile("p1")
    first = fake.add_points(
        points, 5, integration_id="p1", source="import", created=fake.now() - timedelta(days=3)
    )
    fake.add_points(points, 7, integration_id="p1", subledger_id="travel")
    url = f"/v1/loyalty_programs/{points}/profile/p1/transactions"

    async def amounts(**params: object) -> list[float]:
        return [t["amount"] for t in (await http.get(url, params=params)).json()["data"]]  # type: ignore[arg-type]

    assert await amounts(loyaltyTransactionType="import") == [5]
    assert await amounts(subledgerId="travel") == [7]
    assert await amounts(transactionUUIDs=[first]) == [5]
    assert await amounts(startDate=(fake.now() - timedelta(days=1)).isoformat()) == [7]
    assert await amounts(awaitsActivation="true") == []


async def test_points_spent_first_by_expiry(fake: FakeTalon, http: httpx.AsyncClient, points: int) -> None:
    """Unused points list what subtractions left, spending the soonest-expiring points first."""
    fake.add_profile("p1")
    now = fake.now()
    day = timedelta(days=1)
    fake.add_points(points, 50, integration_id="p1", created=now - 3 * day)
    fake.add_points(points, 30, integration_id="p1", created=now - 2 * day, expiry_date=now + 10 * day)
    fake.add_points(points, 40, integration_id="p1", created=now - day, deduct=True)
    fake.add_points(points, 99, integration_id="p1", start_date=now + day)
    url = f"/v1/loyalty_programs/{points}/profile/p1/points"
    active = (await http.get(url)).json()["data"]
    assert [(p["amount"], p["expiryDate"]) for p in active] == [(40, "unlimited")]
    pending = (await http.get(url, params={"status": "pending"})).json()["data"]
    assert [p["amount"] for p in pending] == [99]
    r = await http.get(f"/v1/loyalty_programs/{points}/profile/p1/balances")
    balance = r.json()["balance"]
    assert (balance["activePoints"], balance["pendingPoints"], balance["spentPoints"]) == (40, 99, 40)


async def test_points_page(fake: FakeTalon, http: httpx.AsyncClient, points: int) -> None:
    """Unused points page with skip/pageSize too."""
    fake.add_profile("p1")
    fake.seed_transactions(points, 7, integration_id="p1", amount=1)
    url = f"/v1/loyalty_programs/{points}/profile/p1/points"
    r = await http.get(url, params={"pageSize": 5})
    assert (len(r.json()["data"]), r.json()["hasMore"]) == (5, True)
    r = await http.get(url, params={"pageSize": 5, "skip": 5})
    assert (len(r.json()["data"]), r.json()["hasMore"]) == (2, False)


async def test_balances_with_tiers_and_subledgers(
    fake: FakeTalon, http: httpx.AsyncClient, points: int
) -> None:
    """Balances report tiers when asked, per subledger, and as of an end date."""
    fake.add_profile("p1")
    fake.add_points(points, 120, integration_id="p1", created=fake.now() - timedelta(days=2))
    fake.add_points(points, 10, integration_id="p1", subledger_id="travel")
    url = f"/v1/loyalty_programs/{points}/profile/p1/balances"
    r = await http.get(url, params={"includeTiers": "true", "includeProjectedTier": "true"})
    body = r.json()
    assert body["balance"]["currentTier"]["name"] == "Gold"
    assert body["balance"]["projectedTier"] == {"projectedActivePoints": 120, "projectedTierName": "Gold"}
    assert body["subledgerBalances"]["travel"]["activePoints"] == 10
    r = await http.get(url, params={"endDate": (fake.now() - timedelta(days=3)).isoformat()})
    assert r.json()["balance"]["activePoints"] == 0


async def test_unknown_program_card_or_profile_answers_404(
    fake: FakeTalon, http: httpx.AsyncClient, points: int
) -> None:
    """Loyalty reads answer 404 for an unknown program, card or profile."""
    for url in (
        "/v1/loyalty_programs/999/profile/p1/balances",
        f"/v1/loyalty_programs/{points}/profile/nobody/points",
        f"/v1/loyalty_programs/{points}/profile/nobody/transactions",
        f"/v1/loyalty_programs/{points}/cards/CARD-none/points",
        f"/v1/loyalty_programs/{points}/cards/CARD-none/balances",
    ):
        assert (await http.get(url)).status_code == 404, url


async def test_page_size_over_1000_answers_400(http: httpx.AsyncClient, points: int) -> None:
    """pageSize above the documented maximum fails request validation."""
    r = await http.get(f"/v1/loyalty_programs/{points}/profile/p1/transactions", params={"pageSize": 1001})
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"parameter": "pageSize"}


async def test_seeded_transactions_with_deductions(
    fake: FakeTalon, http: httpx.AsyncClient, points: int
) -> None:
    """seed_transactions can make every n-th transaction a subtraction, and the ledger shows both kinds."""
    fake.add_profile("p1")
    fake.seed_transactions(points, 6, integration_id="p1", amount=10, deduct_every=3)
    r = await http.get(f"/v1/loyalty_programs/{points}/profile/p1/transactions")
    assert [t["type"] for t in r.json()["data"]] == ["subtraction", "addition", "addition"] * 2
    assert fake.points(points, integration_id="p1") == 20


async def test_awaits_activation_false_is_refused(
    fake: FakeTalon, http: httpx.AsyncClient, points: int
) -> None:
    """Talon.One's `awaitsActivation` filter only selects points that wait for activation; asking
    for `false` is not a filter it offers, so the listing answers 400 naming the parameter."""
    fake.add_profile("p1")
    r = await http.get(
        f"/v1/loyalty_programs/{points}/profile/p1/transactions", params={"awaitsActivation": "false"}
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"parameter": "awaitsActivation"}


async def test_card_transactions_page_fifty_by_default(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One pages a card's transactions 50 at a time unless `pageSize` says otherwise, and
    `hasMore` tells whether another page follows."""
    cards = fake.add_loyalty_program(name="cards", card_based=True)
    card = fake.add_loyalty_card(cards, "CARD-0001")
    fake.seed_transactions(cards, 60, card_identifier=card)
    body = (await http.get(f"/v1/loyalty_programs/{cards}/cards/{card}/transactions")).json()
    assert (len(body["data"]), body["hasMore"]) == (50, True)
    body = (
        await http.get(f"/v1/loyalty_programs/{cards}/cards/{card}/transactions", params={"skip": 50})
    ).json()
    assert (len(body["data"]), body["hasMore"]) == (10, False)


@pytest.mark.parametrize("owner", ["profile/p1", "cards/CARD-0001"])
@pytest.mark.parametrize("listing", ["transactions", "points"])
async def test_paged_reads_follow_the_contract_page_size(
    fake: FakeTalon, http: httpx.AsyncClient, owner: str, listing: str
) -> None:
    """Talon.One's contract pages each ledger listing (transactions and unused points, of profiles
    and of cards) 50 entries at a time by default and at most 1000, with `hasMore` saying whether
    another page follows."""
    program = fake.add_loyalty_program(name="cards", card_based=owner.startswith("cards"))
    who = {"card_identifier": fake.add_loyalty_card(program, "CARD-0001")} if "cards" in owner else {}
    fake.seed_transactions(program, 1001, integration_id=None if who else "p1", **who)  # type: ignore[arg-type]
    url = f"/v1/loyalty_programs/{program}/{owner}/{listing}"
    pages = []
    for params in ({}, {"skip": 50}, {"pageSize": 1000}, {"pageSize": 1000, "skip": 1000}):
        body = (
            await http.get(url, params={**params, **({"status": "active"} if listing == "points" else {})})
        ).json()
        pages.append((len(body["data"]), body["hasMore"]))
    assert pages == [(50, True), (50, True), (1000, True), (1, False)]
    assert (await http.get(url, params={"pageSize": 1001})).status_code == 400


@pytest.mark.parametrize("listing", ["balances", "transactions", "points"])
async def test_a_repeated_subledger_id_selects_every_subledger_named(
    fake: FakeTalon, http: httpx.AsyncClient, cards: int, listing: str
) -> None:
    """Where Talon.One's contract takes `subledgerId` as a list (a card's balances, transactions
    and points), each repetition adds a subledger to the selection rather than replacing it."""
    card = fake.add_loyalty_card(cards, "CARD-0001")
    for subledger, amount in (("a", 1), ("b", 2), ("c", 4)):
        fake.add_points(cards, amount, card_identifier=card, subledger_id=subledger)
    url = f"/v1/loyalty_programs/{cards}/cards/{card}/{listing}"
    query = [("subledgerId", "a"), ("subledgerId", "b")] + (
        [("status", "active")] if listing == "points" else []
    )
    body = (await http.get(url, params=query)).json()
    if listing == "balances":
        assert sorted(body["subledgerBalances"]) == ["a", "b"]
    else:
        assert sorted(entry["subledgerId"] for entry in body["data"]) == ["a", "b"]
