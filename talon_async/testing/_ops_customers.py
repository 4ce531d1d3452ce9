"""Customer profiles, events, audiences and customer data.

Strictly private.
"""

from __future__ import annotations

from typing import Any

from . import _effects, _render
from ._call import Call, Handler, Reply
from ._errors import TalonHTTPError, bad_request, not_found
from ._state import Audience, Event, Profile

__all__ = ["HANDLERS"]

# The bulk endpoints take at most this many entries per request, as the API documents.
_BULK_LIMIT = 1000


def _integration_response(
    call: Call, profile: Profile, effects: list[dict[str, Any]], event: Event | None
) -> dict[str, Any]:
    wanted = set(call.body.get("responseContent") or [])
    out: dict[str, Any] = {"effects": effects, "createdCoupons": [], "createdReferrals": []}
    if "customerProfile" in wanted:
        out["customerProfile"] = _render.profile(call.store, profile)
    if "loyalty" in wanted:
        out["loyalty"] = _render.loyalty(call.store, profile, call.now)
    if "event" in wanted and event is not None:
        out["event"] = _render.event(call.store, event)
    for name in ("triggeredCampaigns", "awardedGiveaways", "ruleFailureReasons"):
        if name in wanted:
            out[name] = []
    return out


def _audience(call: Call, audience_id: int, *, pointer: str | None = None) -> Audience:
    audience = call.store.audiences.get(audience_id)
    if audience is None:
        if pointer is not None:
            raise bad_request(f"audience {audience_id} does not exist", pointer=pointer)
        raise not_found("audience", audience_id)
    return audience


async def update_customer_profile(call: Call) -> Reply:
    integration_id = call.path["integrationId"]
    async with call.fake.updating("profile", integration_id):
        changes = call.body.get("audiencesChanges") or {}
        adds = [_audience(call, a, pointer="/audiencesChanges/adds") for a in changes.get("adds", [])]
        deletes = [
            _audience(call, a, pointer="/audiencesChanges/deletes") for a in changes.get("deletes", [])
        ]
        profile = call.store.profile(integration_id, call.now)
        profile.attributes.update(call.body.get("attributes") or {})
        profile.last_activity = call.now
        for audience in adds:
            audience.members[integration_id] = None
        for audience in deletes:
            audience.members.pop(integration_id, None)
        effects: list[dict[str, Any]] = []
        if call.query.get("runRuleEngine"):
            effects = call.fake.evaluate(now=call.now, profile=_render.profile(call.store, profile))
            _effects.apply_now(call.store, effects, now=call.now, profile_id=integration_id)
            # Outside a session there is nothing to close: points count at once.
            _effects.apply(call.store, effects, now=call.now, profile_id=integration_id)
        return Reply(200, _integration_response(call, profile, effects, None))


async def update_customer_profiles(call: Call) -> Reply:
    items = call.body.get("customerProfiles") or []
    if len(items) > _BULK_LIMIT:
        raise bad_request(
            f"at most {_BULK_LIMIT} profiles per request, got {len(items)}", pointer="/customerProfiles"
        )
    states = []
    for item in items:
        profile = call.store.profile(item["integrationId"], call.now)
        profile.attributes.update(item.get("attributes") or {})
        profile.last_activity = call.now
        states.append(profile)
    if call.silent:
        return Reply(204)
    return Reply(
        200, {"integrationStates": [{"customerProfile": _render.profile(call.store, p)} for p in states]}
    )


async def track_event(call: Call) -> Reply:
    body = call.body
    # The API requires a profile even though the schema does not say so.
    integration_id = body.get("profileId")
    if not integration_id:
        raise bad_request("profileId is required", pointer="/profileId")
    async with call.fake.updating("profile", integration_id):
        profile = call.store.profile(integration_id, call.now)
        profile.last_activity = call.now
        event_view = {"type": body["type"], "attributes": dict(body.get("attributes") or {})}
        effects = call.fake.evaluate(
            now=call.now, profile=_render.profile(call.store, profile), event=event_view
        )
        _effects.apply_now(call.store, effects, now=call.now, profile_id=integration_id)
        _effects.apply(call.store, effects, now=call.now, profile_id=integration_id)
        event = Event(
            id=call.store.next_id("event"),
            created=call.now,
            type=body["type"],
            profile_id=integration_id,
            attributes=dict(body.get("attributes") or {}),
            store_integration_id=body.get("storeIntegrationId"),
            effects=effects,
        )
        call.store.events.append(event)
        if call.silent:
            return Reply(204)
        return Reply(200, _integration_response(call, profile, effects, event))


async def create_audience(call: Call) -> Reply:
    body = call.body
    integration_id = body.get("integrationId")
    integration = body.get("integration")
    # An audience's integrationId is unique within its third-party integration, not across them.
    if integration_id and any(
        a.integration_id == integration_id and a.integration == integration
        for a in call.store.audiences.values()
    ):
        raise TalonHTTPError(
            409, f"an audience with integrationId {integration_id!r} already exists for this integration"
        )
    audience = Audience(
        id=call.store.next_id("audience"),
        created=call.now,
        name=body["name"],
        description=body.get("description"),
        integration=body.get("integration"),
        integration_id=integration_id,
        created_in_3rd_party=body.get("createdIn3rdParty"),
        sandbox=bool(body.get("sandbox", False)),
        last_update=call.now,
    )
    call.store.audiences[audience.id] = audience
    return Reply(201, _render.audience(call.store, audience))


async def update_audience(call: Call) -> Reply:
    audience = _audience(call, int(call.path["audienceId"]))
    audience.name = call.body["name"]
    audience.last_update = call.now
    return Reply(200, _render.audience(call.store, audience))


async def delete_audience(call: Call) -> Reply:
    audience = _audience(call, int(call.path["audienceId"]))
    del call.store.audiences[audience.id]
    return Reply(204)


async def delete_audience_memberships(call: Call) -> Reply:
    _audience(call, int(call.path["audienceId"])).members.clear()
    return Reply(204)


async def update_customer_profile_audiences(call: Call) -> Reply:
    items = call.body.get("data") or []
    if len(items) > _BULK_LIMIT:
        raise bad_request(
            f"at most {_BULK_LIMIT} audience actions per request, got {len(items)}", pointer="/data"
        )
    # Check everything first, so a bad entry changes nothing.
    audiences = [_audience(call, item["audienceId"]) for item in items]
    for item, audience in zip(items, audiences, strict=True):
        if item["action"] == "add":
            call.store.profile(item["profileIntegrationId"], call.now)
            audience.members[item["profileIntegrationId"]] = None
        else:
            audience.members.pop(item["profileIntegrationId"], None)
    return Reply(204)


async def update_audience_customers_attributes(call: Call) -> Reply:
    audience = _audience(call, int(call.path["audienceId"]))
    for member in audience.members:
        profile = call.store.profile(member, call.now)
        profile.attributes.update(call.body)
    return Reply(204)


async def delete_customer_data(call: Call) -> Reply:
    integration_id = call.path["integrationId"]
    profile = call.store.profiles.get(integration_id)
    if profile is None:
        raise not_found("customer profile", integration_id)
    profile.attributes.clear()
    for session in call.store.sessions.values():
        if session.profile_id == integration_id:
            session.attributes.clear()
    for event in call.store.events:
        if event.profile_id == integration_id:
            event.attributes.clear()
    for referral in call.store.referrals.values():
        if integration_id in (referral.advocate, referral.friend):
            referral.attributes.clear()
    return Reply(204)


async def get_customer_inventory(call: Call) -> Reply:
    integration_id = call.path["integrationId"]
    store = call.store
    profile = store.profiles.get(integration_id)
    if profile is None:
        raise not_found("customer profile", integration_id)
    q = call.query
    out: dict[str, Any] = {}
    if q.get("profile"):
        out["profile"] = _render.profile(store, profile)
    if q.get("loyalty"):
        out["loyalty"] = _render.loyalty(store, profile, call.now)
    if q.get("referrals"):
        out["referrals"] = [
            _render.referral(r, inventory=True)
            for r in store.referrals.values()
            if r.advocate == integration_id
        ]
    if q.get("coupons"):
        out["coupons"] = [
            _render.coupon(
                c, state="active" if not c.usage_limit or c.usage_counter < c.usage_limit else "used"
            )
            for c in store.coupons.values()
            if integration_id in c.reserved_by or c.recipient_integration_id == integration_id
        ]
    if q.get("giveaways"):
        out["giveaways"] = []
    if q.get("achievements"):
        out["achievements"] = []
    return Reply(200, out)


HANDLERS: dict[str, Handler] = {
    "updateCustomerProfileV2": update_customer_profile,
    "updateCustomerProfilesV2": update_customer_profiles,
    "trackEventV2": track_event,
    "createAudienceV2": create_audience,
    "updateAudienceV2": update_audience,
    "deleteAudienceV2": delete_audience,
    "deleteAudienceMembershipsV2": delete_audience_memberships,
    "updateCustomerProfileAudiences": update_customer_profile_audiences,
    "updateAudienceCustomersAttributes": update_audience_customers_attributes,
    "deleteCustomerData": delete_customer_data,
    "getCustomerInventory": get_customer_inventory,
}
