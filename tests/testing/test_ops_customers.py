"""Profiles, events, audiences and customer data in the fake."""

from __future__ import annotations

import anyio
import httpx
import pytest

from talon_async.testing import FakeTalon

from .conftest import cart, session_body

pytestmark = pytest.mark.anyio


async def test_profile_update_merges_attributes(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Updating a profile creates it, then merges new attributes into the old ones."""
    await http.put("/v2/customer_profiles/p1", json={"attributes": {"Name": "Ada", "Tier": "new"}})
    r = await http.put(
        "/v2/customer_profiles/p1",
        json={"attributes": {"Tier": "gold"}, "responseContent": ["customerProfile"]},
    )
    assert r.status_code == 200
    assert r.json()["customerProfile"]["attributes"] == {"Name": "Ada", "Tier": "gold"}
    assert r.json()["effects"] == []


async def test_profile_dry_run_persists_nothing(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """With the rule engine on, a dry profile update answers with the would-be profile and stores nothing."""
    r = await http.put(
        "/v2/customer_profiles/p1",
        params={"dry": "true", "runRuleEngine": "true"},
        json={"attributes": {"Name": "Ada"}, "responseContent": ["customerProfile"]},
    )
    assert r.json()["customerProfile"]["attributes"] == {"Name": "Ada"}
    assert fake.profile("p1") is None


async def test_dry_without_rule_engine_is_stored(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Talon.One honours `dry` on a profile update only when the rule engine runs: without
    `runRuleEngine` the update is stored as if `dry` were absent."""
    r = await http.put(
        "/v2/customer_profiles/p1", params={"dry": "true"}, json={"attributes": {"Name": "Ada"}}
    )
    assert r.status_code == 200
    assert fake.profile("p1")["attributes"] == {"Name": "Ada"}  # type: ignore[index]


async def test_profile_audience_changes(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """audiencesChanges adds and removes memberships; an unknown audience answers 400."""
    keep = fake.add_audience("keep")
    drop = fake.add_audience("drop", members=["p1"])
    r = await http.put(
        "/v2/customer_profiles/p1",
        json={
            "audiencesChanges": {"adds": [keep], "deletes": [drop]},
            "responseContent": ["customerProfile"],
        },
    )
    assert r.json()["customerProfile"]["audienceMemberships"] == [{"id": keep, "name": "keep"}]
    r = await http.put("/v2/customer_profiles/p1", json={"audiencesChanges": {"adds": [999], "deletes": []}})
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/audiencesChanges/adds"}


async def test_run_rule_engine_runs_custom_rules() -> None:
    """runRuleEngine=true evaluates the rules against the profile; without it none run."""
    seen: list[str] = []

    def greet(ctx: object) -> list[dict[str, object]]:
        seen.append("called")
        return [
            {
                "effectType": "showNotification",
                "props": {"notificationType": "info", "title": "Hi", "body": "!"},
            }
        ]

    fake = FakeTalon(rules=[greet])
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=fake.auth_headers
    ) as http:
        r = await http.put("/v2/customer_profiles/p1", json={})
        assert r.json()["effects"] == []
        r = await http.put("/v2/customer_profiles/p1", params={"runRuleEngine": "true"}, json={})
    assert [e["effectType"] for e in r.json()["effects"]] == ["showNotification"]
    assert seen == ["called"]


async def test_bulk_profiles_silent_and_loud(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """The bulk update answers 204 by default and the updated profiles with silent=no."""
    items = [{"integrationId": f"p{i}", "attributes": {"n": i}} for i in range(3)]
    r = await http.put("/v2/customer_profiles", json={"customerProfiles": items})
    assert (r.status_code, r.content) == (204, b"")
    r = await http.put("/v2/customer_profiles", params={"silent": "no"}, json={"customerProfiles": items[:1]})
    assert r.status_code == 200
    assert [s["customerProfile"]["integrationId"] for s in r.json()["integrationStates"]] == ["p0"]
    assert fake.profile("p2")["attributes"] == {"n": 2}  # type: ignore[index]


async def test_bulk_profiles_over_1000_answer_400(http: httpx.AsyncClient) -> None:
    """More than 1000 profiles in one request answers 400."""
    items = [{"integrationId": f"p{i}"} for i in range(1001)]
    r = await http.put("/v2/customer_profiles", json={"customerProfiles": items})
    assert r.status_code == 400


async def test_three_thousand_profiles_in_chunks_of_1000(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """A batch of 3,000 profiles in three requests of 1000 all land (timing lives in bench/)."""
    for chunk in range(3):
        items = [{"integrationId": f"c{chunk}-{i}", "attributes": {"n": i}} for i in range(1000)]
        r = await http.put("/v2/customer_profiles", json={"customerProfiles": items})
        assert r.status_code == 204
    assert len(fake.store.profiles) == 3000


async def test_track_event_silent_loud_and_dry(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Events answer 204 by default, the response with silent=no, and are not stored when dry."""
    event = {"profileId": "p1", "type": "viewed", "attributes": {"page": "home"}}
    r = await http.post("/v2/events", json=event)
    assert r.status_code == 204
    r = await http.post("/v2/events", params={"silent": "no"}, json={**event, "responseContent": ["event"]})
    assert r.status_code == 200
    assert r.json()["event"]["type"] == "viewed"
    await http.post("/v2/events", params={"silent": "no", "dry": "true"}, json=event)
    assert [e["type"] for e in fake.events()] == ["viewed", "viewed"]


async def test_track_event_needs_a_profile(http: httpx.AsyncClient) -> None:
    """The API requires profileId on events even though the schema does not, so the fake does too."""
    r = await http.post("/v2/events", json={"type": "viewed"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["source"] == {"pointer": "/profileId"}


async def test_concurrent_events_for_one_profile_answer_409(http: httpx.AsyncClient) -> None:
    """Two overlapping events for the same profile: one answers 409 with the profile conflict body."""
    statuses: list[int] = []
    messages: list[str] = []

    async def track() -> None:
        r = await http.post("/v2/events", json={"profileId": "p1", "type": "t"})
        statuses.append(r.status_code)
        if r.status_code == 409:
            messages.append(r.json()["message"])

    async with anyio.create_task_group() as tg:
        tg.start_soon(track)
        tg.start_soon(track)
    assert sorted(statuses) == [204, 409]
    assert messages == ["too many requests are updating this customer profile"]


async def test_audience_lifecycle(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Audiences can be created, renamed, emptied and deleted; unknown ones answer 404."""
    r = await http.post("/v2/audiences", json={"name": "VIP", "integrationId": "ext-1"})
    assert r.status_code == 201
    audience_id = r.json()["id"]
    r = await http.put(f"/v2/audiences/{audience_id}", json={"name": "VIPs"})
    assert r.json()["name"] == "VIPs"
    await http.post(
        "/v2/customer_audiences",
        json={"data": [{"action": "add", "profileIntegrationId": "p1", "audienceId": audience_id}]},
    )
    assert fake.profile("p1")["audienceMemberships"] == [{"id": audience_id, "name": "VIPs"}]  # type: ignore[index]
    assert (await http.delete(f"/v2/audiences/{audience_id}/memberships")).status_code == 204
    assert fake.profile("p1")["audienceMemberships"] == []  # type: ignore[index]
    assert (await http.delete(f"/v2/audiences/{audience_id}")).status_code == 204
    assert (await http.put(f"/v2/audiences/{audience_id}", json={"name": "x"})).status_code == 404
    assert (await http.delete(f"/v2/audiences/{audience_id}")).status_code == 404


async def test_audience_integration_id_is_unique_per_integration(http: httpx.AsyncClient) -> None:
    """Talon.One answers 409 when an audience with the same integrationId already exists for the
    same integration; another integration (or none) may use the same id."""
    await http.post("/v2/audiences", json={"name": "a", "integration": "mparticle", "integrationId": "ext"})
    r = await http.post(
        "/v2/audiences", json={"name": "b", "integration": "mparticle", "integrationId": "ext"}
    )
    assert r.status_code == 409
    for other in ({"integration": "segment"}, {}):
        r = await http.post("/v2/audiences", json={"name": "c", "integrationId": "ext", **other})
        assert r.status_code == 201
    r = await http.post("/v2/audiences", json={"name": "d", "integrationId": "ext"})
    assert r.status_code == 409


async def test_customer_audiences_add_and_delete(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """The bulk membership endpoint adds and removes; an unknown audience answers 404 and changes nothing."""
    a = fake.add_audience("a", members=["p2"])
    r = await http.post(
        "/v2/customer_audiences",
        json={
            "data": [
                {"action": "add", "profileIntegrationId": "p1", "audienceId": a},
                {"action": "delete", "profileIntegrationId": "p2", "audienceId": a},
            ]
        },
    )
    assert r.status_code == 204
    assert list(fake.store.audiences[a].members) == ["p1"]
    r = await http.post(
        "/v2/customer_audiences",
        json={
            "data": [
                {"action": "delete", "profileIntegrationId": "p1", "audienceId": a},
                {"action": "add", "profileIntegrationId": "p1", "audienceId": 404},
            ]
        },
    )
    assert r.status_code == 404
    assert list(fake.store.audiences[a].members) == ["p1"]


async def test_audience_attributes_update_every_member(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Updating an audience's customer attributes sets them on every member and nobody else."""
    a = fake.add_audience("a", members=["p1", "p2"])
    fake.add_profile("p3")
    r = await http.put(f"/v2/audience_customers/{a}/attributes", json={"Segment": "gold"})
    assert r.status_code == 204
    assert [fake.profile(p)["attributes"] for p in ("p1", "p2", "p3")] == [  # type: ignore[index]
        {"Segment": "gold"},
        {"Segment": "gold"},
        {},
    ]
    assert (await http.put("/v2/audience_customers/999/attributes", json={})).status_code == 404


async def test_delete_customer_data_clears_attributes(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """Deleting customer data empties the profile's attributes and those of its sessions and events."""
    fake.add_profile("p1", {"Email": "a@example.com"})
    await http.put(
        "/v2/customer_sessions/s1", json=session_body(profileId="p1", attributes={"ip": "1.2.3.4"})
    )
    await http.post("/v2/events", json={"profileId": "p1", "type": "t", "attributes": {"secret": 1}})
    r = await http.delete("/v1/customer_data/p1")
    assert r.status_code == 204
    assert fake.profile("p1")["attributes"] == {}  # type: ignore[index]
    assert fake.session("s1")["attributes"] == {}  # type: ignore[index]
    assert all(e["attributes"] == {} for e in fake.events())
    assert (await http.delete("/v1/customer_data/nobody")).status_code == 404


async def test_inventory_lists_what_the_customer_has(fake: FakeTalon, http: httpx.AsyncClient) -> None:
    """The inventory returns the profile, loyalty, reserved coupons and referrals that were asked for."""
    program = fake.add_loyalty_program(name="points")
    cards = fake.add_loyalty_program(name="cards", card_based=True)
    fake.add_loyalty_card(cards, "CARD-0001", profiles=["p1"])
    fake.add_coupon("MINE")
    await http.post("/v1/coupon_reservations/MINE", json={"integrationIDs": ["p1"]})
    await http.post("/v1/referrals", json={"campaignId": 7, "advocateProfileIntegrationId": "p1"})
    await http.put(
        "/v2/customer_sessions/s1",
        json=session_body(profileId="p1", cartItems=cart(("a", 1, 20.0)), state="closed"),
    )
    r = await http.get(
        "/v1/customer_profiles/p1/inventory",
        params={"profile": "true", "loyalty": "true", "coupons": "true", "referrals": "true"},
    )
    body = r.json()
    assert body["profile"]["integrationId"] == "p1"
    assert body["loyalty"]["programs"][str(program)]["ledger"]["currentBalance"] == 20
    assert [c["identifier"] for c in body["loyalty"]["cards"]] == ["CARD-0001"]
    assert [(c["value"], c["state"]) for c in body["coupons"]] == [("MINE", "active")]
    assert body["referrals"][0]["advocateProfileIntegrationId"] == "p1"
    r = await http.get("/v1/customer_profiles/p1/inventory")
    assert r.json() == {}
    assert (await http.get("/v1/customer_profiles/nobody/inventory")).status_code == 404
