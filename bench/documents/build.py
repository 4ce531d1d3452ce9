"""Write the canned documents the benchmark server answers with and the clients send.

The documents follow openapi/integration-api.yaml and look like a real shop's traffic: a
five-item cart with a coupon and a loyalty card (W1), a silent event (W2), a page of 1,000
loyalty card transactions (W3) and 1,000-profile chunks of a profile import (W4). They are
built from a fixed seed, so re-running this script rewrites identical files.

    python bench/documents/build.py
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RNG = random.Random(5)
APP_ID = 271
PROGRAM_ID = 48
CARD = "LC-7f3b9c21e4"
PROFILE = "customer-8f14e45f"
SESSION = "session-c9f0f895fb98"
NOW = "2026-11-02T14:31:07.518Z"
SKUS = [
    ("SKU-COFFEE-1KG", "Espresso beans 1 kg", "coffee", 24.9),
    ("SKU-MUG-CER", "Ceramic mug", "kitchen", 12.5),
    ("SKU-GRINDER-X", "Burr grinder X", "equipment", 129.0),
    ("SKU-FILTER-100", "Paper filters (100)", "coffee", 4.2),
    ("SKU-SYRUP-VAN", "Vanilla syrup", "coffee", 7.9),
]


def _uuid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def cart_items() -> list[dict[str, Any]]:
    items = []
    for position, (sku, name, category, price) in enumerate(SKUS):
        items.append(
            {
                "name": name,
                "sku": sku,
                "quantity": 1 + position % 3,
                "price": price,
                "category": category,
                "weight": 250 + 100 * position,
                "position": position,
                "attributes": {"brand": "Talon Roasters", "color": ["black", "white"][position % 2]},
                "catalogItemID": 90000 + position,
            }
        )
    return items


def w1_request() -> dict[str, Any]:
    return {
        "customerSession": {
            "profileId": PROFILE,
            "storeIntegrationId": "store-berlin-01",
            "couponCodes": ["WELCOME10"],
            "loyaltyCards": [CARD],
            "state": "open",
            "cartItems": cart_items(),
            "additionalCosts": {"shipping": {"price": 4.95}},
            "attributes": {"paymentMethod": "card", "channel": "web", "shippingCountry": "DE"},
        },
        "responseContent": ["customerSession", "customerProfile", "triggeredCampaigns", "loyalty", "event"],
    }


def campaign(campaign_id: int, name: str) -> dict[str, Any]:
    return {
        "id": campaign_id,
        "created": "2026-03-01T09:00:00Z",
        "applicationId": APP_ID,
        "userId": 12,
        "name": name,
        "description": f"{name}: shop-wide promotion for loyalty members.",
        "startTime": "2026-03-01T00:00:00Z",
        "endTime": "2027-03-01T00:00:00Z",
        "attributes": {"team": "growth", "priority": campaign_id % 5},
        "state": "enabled",
        "activeRulesetId": campaign_id * 10 + 1,
        "tags": ["loyalty", "coffee"],
        "features": ["coupons", "loyalty"],
        "limits": [
            {"action": "setDiscount", "limit": 10000, "entities": ["Coupon"]},
            {"action": "redeemCoupon", "limit": 1, "period": "daily", "entities": ["Profile"]},
        ],
        "campaignGroups": [3],
        "type": "advanced",
        "budgets": [{"action": "setDiscount", "limit": 10000, "counter": 5312.5}],
        "couponRedemptionCount": 421,
        "referralRedemptionCount": 0,
        "discountCount": 5312.5,
        "discountEffectCount": 730,
        "couponCreationCount": 0,
        "customEffectCount": 12,
        "referralCreationCount": 0,
        "addFreeItemEffectCount": 88,
        "awardedGiveawaysCount": 0,
        "createdLoyaltyPointsCount": 120450.0,
        "createdLoyaltyPointsEffectCount": 9902,
        "redeemedLoyaltyPointsCount": 30100.0,
        "redeemedLoyaltyPointsEffectCount": 2011,
        "callApiEffectCount": 0,
        "reservecouponEffectCount": 0,
        "lastActivity": "2026-11-02T14:30:59Z",
        "updated": "2026-10-01T08:00:00Z",
        "createdBy": "Jane Doe",
        "updatedBy": "Jane Doe",
        "frontendState": "running",
        "storesImported": False,
        "reevaluateOnReturn": False,
        "revisionFrontendState": "revised",
        "activeRevisionId": campaign_id * 7,
        "activeRevisionVersionId": campaign_id * 7 + 1,
        "version": 3,
        "currentRevisionId": campaign_id * 7,
        "currentRevisionVersionId": campaign_id * 7 + 1,
        "stageRevision": False,
    }


def effect(campaign_id: int, rule_index: int, effect_type: str, props: Any, **extra: Any) -> dict[str, Any]:
    return {
        "campaignId": campaign_id,
        "rulesetId": campaign_id * 10 + 1,
        "ruleIndex": rule_index,
        "ruleName": f"{effect_type} rule {rule_index}",
        "effectType": effect_type,
        "conditionIndex": 0,
        "evaluationGroupID": 3,
        "evaluationGroupMode": "stackable",
        "campaignRevisionId": campaign_id * 7,
        "campaignRevisionVersionId": campaign_id * 7 + 1,
        "props": props,
        **extra,
    }


def effects() -> list[dict[str, Any]]:
    out = [
        effect(101, 0, "acceptCoupon", {"value": "WELCOME10"}, triggeredByCoupon=5501),
        effect(101, 1, "setDiscount", {"name": "10% welcome", "value": 22.77, "scope": "cartItems"}),
    ]
    for position, (sku, _name, _category, price) in enumerate(SKUS):
        out.append(
            effect(
                102,
                position,
                "setDiscountPerItem",
                {
                    "name": f"5% on {sku}",
                    "value": round(price * 0.05, 2),
                    "position": position,
                    "subPosition": 0,
                    "desiredValue": round(price * 0.05, 2),
                    "scope": "price",
                    "totalDiscount": round(price * 0.05, 2),
                    "desiredTotalDiscount": round(price * 0.05, 2),
                },
                triggeredForCatalogItem=90000 + position,
                selectedPriceType="base",
                selectedPrice=price,
            )
        )
    for subledger, value in (("", 228.0), ("coffee", 50.0)):
        out.append(
            effect(
                103,
                len(out),
                "addLoyaltyPoints",
                {
                    "name": "1 point per euro",
                    "programId": PROGRAM_ID,
                    "subLedgerId": subledger,
                    "value": value,
                    "desiredValue": value,
                    "recipientIntegrationId": PROFILE,
                    "startDate": NOW,
                    "expiryDate": "2027-11-02T14:31:07Z",
                    "transactionUUID": _uuid(),
                    "cardIdentifier": CARD,
                    "awaitsActivation": False,
                },
            )
        )
    out += [
        effect(104, 0, "rejectCoupon", {"value": "SUMMER25", "rejectionReason": "CouponExpired"}),
        effect(
            104,
            1,
            "showNotification",
            {"notificationType": "info", "title": "Free mug", "body": "Add a mug to your order: it's on us."},
        ),
        effect(104, 2, "addFreeItem", {"sku": "SKU-MUG-CER", "name": "Ceramic mug", "desiredQuantity": 1}),
        effect(104, 3, "updateAttribute", {"path": "Session.Attributes.giftWrap", "value": True}),
        effect(
            105,
            0,
            "customEffect",
            {
                "effectId": 7,
                "name": "shippingBanner",
                "payload": {"text": "Free shipping over 50 EUR", "threshold": 50, "currency": "EUR"},
            },
        ),
        effect(105, 1, "triggerWebhook", {"webhookId": 31, "webhookName": "crm-sync"}),
        effect(
            105,
            2,
            "willAwardGiveaway",
            {"poolId": 4, "poolName": "coffee-samples", "recipientIntegrationId": PROFILE},
        ),
    ]
    return out


def w1_response() -> dict[str, Any]:
    items = cart_items()
    total = round(sum(i["price"] * i["quantity"] for i in items), 2)
    return {
        "customerSession": {
            "id": 733012,
            "created": "2026-11-02T14:28:41.002Z",
            "integrationId": SESSION,
            "applicationId": APP_ID,
            "profileId": PROFILE,
            "storeIntegrationId": "store-berlin-01",
            "evaluableCampaignIds": [101, 102, 103, 104, 105],
            "couponCodes": ["WELCOME10"],
            "referralCode": "",
            "loyaltyCards": [CARD],
            "state": "open",
            "cartItems": items,
            "additionalCosts": {"shipping": {"price": 4.95}},
            "identifiers": ["device-4a1c"],
            "attributes": {
                "paymentMethod": "card",
                "channel": "web",
                "shippingCountry": "DE",
                "giftWrap": True,
            },
            "firstSession": False,
            "updateCount": 4,
            "total": round(total + 4.95, 2),
            "cartItemTotal": total,
            "additionalCostTotal": 4.95,
            "cartItemAdditionalCostTotal": 0.0,
            "updated": NOW,
        },
        "customerProfile": {
            "id": 99213,
            "created": "2025-06-14T10:11:12Z",
            "integrationId": PROFILE,
            "attributes": {
                "Name": "Alex Example",
                "Email": "alex@example.com",
                "BirthDate": "1990-04-01T00:00:00Z",
                "Tier": "gold",
                "Newsletter": True,
            },
            "accountId": 3,
            "closedSessions": 41,
            "totalSales": 2380.4,
            "loyaltyMemberships": [{"joined": "2025-06-14T10:11:12Z", "loyaltyProgramId": PROGRAM_ID}],
            "audienceMemberships": [{"id": 8, "name": "Coffee lovers"}, {"id": 9, "name": "Berlin"}],
            "lastActivity": NOW,
            "sandbox": False,
        },
        "event": {
            "id": 55012345,
            "created": NOW,
            "applicationId": APP_ID,
            "profileId": PROFILE,
            "storeIntegrationId": "store-berlin-01",
            "type": "talon_session_updated",
            "attributes": {},
            "sessionId": SESSION,
            "effects": [
                {
                    "campaignId": 101,
                    "rulesetId": 1011,
                    "ruleIndex": 1,
                    "effectType": "setDiscount",
                    "props": {"name": "10% welcome", "value": 22.77},
                }
            ],
            "meta": {
                "campaigns": {},
                "coupons": {"SUMMER25": "CouponExpired"},
                "couponRejectionReason": {"campaignId": 104, "couponId": 5502, "reason": "CouponExpired"},
                "warnings": {},
            },
        },
        "loyalty": {
            "cards": [
                {
                    "id": 611,
                    "created": "2025-06-14T10:11:12Z",
                    "programID": PROGRAM_ID,
                    "programName": "coffee-club",
                    "programTitle": "Coffee Club",
                    "status": "active",
                    "identifier": CARD,
                    "usersPerCardLimit": 1,
                    "profiles": [{"integrationId": PROFILE, "timestamp": "2025-06-14T10:11:12Z"}],
                    "ledger": {
                        "currentBalance": 1290.0,
                        "pendingBalance": 0.0,
                        "expiredBalance": 40.0,
                        "spentBalance": 500.0,
                        "tentativeCurrentBalance": 1568.0,
                    },
                    "modified": NOW,
                }
            ],
            "programs": {
                "coffee-club": {
                    "id": PROGRAM_ID,
                    "title": "Coffee Club",
                    "name": "coffee-club",
                    "joinDate": "2025-06-14T10:11:12Z",
                    "ledger": {
                        "currentBalance": 1290.0,
                        "pendingBalance": 0.0,
                        "expiredBalance": 40.0,
                        "spentBalance": 500.0,
                        "tentativeCurrentBalance": 1568.0,
                        "pointsToNextTier": 210.0,
                    },
                    "subLedgers": {
                        "coffee": {
                            "currentBalance": 300.0,
                            "pendingBalance": 0.0,
                            "expiredBalance": 0.0,
                            "spentBalance": 20.0,
                            "tentativeCurrentBalance": 350.0,
                        }
                    },
                }
            },
        },
        "triggeredCampaigns": [
            campaign(101, "Welcome coupon"),
            campaign(102, "Coffee week"),
            campaign(103, "Coffee Club points"),
            campaign(104, "Free mug"),
            campaign(105, "Shipping banner"),
            campaign(107, "Weekend double points"),
        ],
        "effects": effects(),
        "ruleFailureReasons": [
            {
                "campaignID": 106,
                "campaignName": "Grinder bundle",
                "rulesetID": 1061,
                "ruleIndex": 0,
                "ruleName": "Bundle grinder + beans",
                "conditionIndex": 1,
                "details": "cart does not contain SKU-BEANS-DECAF",
                "evaluationGroupID": 3,
                "evaluationGroupMode": "stackable",
            },
            {
                "campaignID": 108,
                "campaignName": "Referral reward",
                "rulesetID": 1081,
                "ruleIndex": 0,
                "ruleName": "Friend's first order",
                "conditionIndex": 0,
                "referralValue": "",
                "details": "no referral code in session",
            },
            {
                "campaignID": 109,
                "campaignName": "Store opening",
                "rulesetID": 1091,
                "ruleIndex": 1,
                "ruleName": "Hamburg store only",
                "conditionIndex": 0,
                "effectIndex": 0,
                "details": "storeIntegrationId is not store-hamburg-01",
            },
        ],
        "createdCoupons": [],
        "createdReferrals": [],
    }


def w2_request() -> dict[str, Any]:
    return {
        "profileId": PROFILE,
        "storeIntegrationId": "store-berlin-01",
        "type": "pageViewed",
        "attributes": {"page": "/products/espresso-beans", "referrer": "newsletter", "durationMs": 5312},
        "loyaltyCards": [CARD],
    }


def transaction(index: int) -> dict[str, Any]:
    addition = index % 4 != 3
    return {
        "transactionUUID": _uuid(),
        "created": f"2026-{1 + index % 10:02d}-{1 + index % 28:02d}T{index % 24:02d}:{index % 60:02d}:07Z",
        "programId": PROGRAM_ID,
        "cardIdentifier": CARD,
        "customerSessionId": f"session-{index:08d}",
        "type": "addition" if addition else "subtraction",
        "name": "1 point per euro" if addition else "Redeemed for discount",
        "startDate": "immediate",
        "expiryDate": "unlimited" if index % 2 else "2027-11-02T14:31:07Z",
        "subledgerId": "" if index % 3 else "coffee",
        "amount": float(RNG.randint(1, 400)) if addition else -float(RNG.randint(1, 200)),
        "id": 1_000_000 + index,
        "rulesetId": 1031,
        "ruleName": "Coffee Club points",
    }


def w3_page() -> dict[str, Any]:
    return {"hasMore": True, "data": [transaction(i) for i in range(1000)]}


def w4_chunk() -> dict[str, Any]:
    return {
        "customerProfiles": [
            {
                "integrationId": f"import-{i:06d}",
                "attributes": {
                    "Email": f"user{i}@example.com",
                    "Name": f"Customer {i}",
                    "Tier": ["bronze", "silver", "gold"][i % 3],
                    "Newsletter": bool(i % 2),
                },
            }
            for i in range(1000)
        ]
    }


def main() -> None:
    documents = {
        "w1_request.json": w1_request(),
        "w1_response.json": w1_response(),
        "w2_request.json": w2_request(),
        "w3_page.json": w3_page(),
        "w4_chunk.json": w4_chunk(),
    }
    for name, document in documents.items():
        (HERE / name).write_text(json.dumps(document, separators=(",", ":")) + "\n")
        print(f"{name}: {(HERE / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
