"""A Starlette shop backend that asks Talon.One for discounts: one ``TalonClient`` per app.

The client is opened when the app starts and closed when it stops (the ASGI lifespan), and every
request borrows it from the lifespan state, so all requests share one connection pool. Creating
a client per request would open a new pool, and a new TLS handshake, for every cart update.

Run it::

    python examples/starlette_app.py            # against the embedded fake Talon.One
    TALON_BASE_URL=... TALON_API_KEY=... python examples/starlette_app.py

then ``curl -X PUT localhost:8000/carts/order-1 -d '{"customerId": "alice", "coupons": ["WELCOME10"],
"items": [{"sku": "SKU-SHOE", "quantity": 2, "price": 80}]}'``. The app's test,
``tests/examples/test_starlette_app.py``, runs it against the fake with no server at all.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from talon_async import (
    APIConnectionError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    TalonClient,
    TalonError,
    effects_of,
)
from talon_async.models import (
    AcceptCouponEffectProps,
    AddLoyaltyPointsEffectProps,
    IntegrationStateV2,
    RejectCouponEffectProps,
    SetDiscountEffectProps,
)

__all__ = ["create_app"]


class State(TypedDict):
    talon: TalonClient


def create_app(client_factory: Callable[[], TalonClient] = TalonClient) -> Starlette:
    """The app; ``client_factory`` builds its one client (default: from ``TALON_*`` variables)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with client_factory() as talon:
            yield {"talon": talon}

    return Starlette(
        routes=[
            Route("/carts/{session_id}", update_cart, methods=["PUT"]),
            Route("/carts/{session_id}/checkout", checkout, methods=["POST"]),
            Route("/customers/{customer_id}/points/{program_id:int}", points, methods=["GET"]),
        ],
        lifespan=lifespan,
        exception_handlers={TalonError: talon_error},
    )


def talon(request: Request) -> TalonClient:
    client: TalonClient = request.state.talon
    return client


async def update_cart(request: Request) -> JSONResponse:
    """Send the cart to Talon.One and answer with what the shop shows: discounts, coupons, points."""
    try:
        cart: dict[str, Any] = await request.json()
        body = {
            "customerSession": {
                "profileId": cart["customerId"],
                "couponCodes": list(cart.get("coupons", [])),
                "cartItems": [
                    {"sku": item["sku"], "quantity": item["quantity"], "price": item["price"]}
                    for item in cart["items"]
                ],
            },
            "responseContent": ["customerSession"],
        }
    except (ValueError, KeyError, TypeError) as exc:
        return JSONResponse({"error": f"a cart needs customerId and items[sku, quantity, price]: {exc}"}, 400)
    state = await talon(request).update_customer_session(request.path_params["session_id"], body=body)
    return JSONResponse(summary(state))


async def checkout(request: Request) -> JSONResponse:
    """Close the session: Talon.One redeems the coupons and credits the points."""
    session_id = request.path_params["session_id"]
    client = talon(request)
    try:
        current = await client.get_customer_session(session_id)
    except BadRequestError:
        # Talon.One answers an unknown session with 400, not 404.
        return JSONResponse({"error": "not found"}, 404)
    stored = current.customer_session
    if not stored:
        return JSONResponse({"error": f"no cart {session_id}"}, 404)
    # Resend what the cart holds with the new state, so the session closes exactly as priced.
    session = stored.to_dict()
    keep = ("profileId", "couponCodes", "cartItems")
    body = {
        "customerSession": {**{k: session[k] for k in keep if k in session}, "state": "closed"},
        "responseContent": ["customerSession"],
    }
    state = await client.update_customer_session(session_id, body=body)
    return JSONResponse({"state": "closed", **summary(state)})


async def points(request: Request) -> JSONResponse:
    """A customer's active loyalty points in one program."""
    balances = await talon(request).get_loyalty_balances(
        request.path_params["program_id"], request.path_params["customer_id"]
    )
    active = balances.balance.active_points if balances.balance else 0.0
    return JSONResponse({"activePoints": active or 0.0})


def summary(state: IntegrationStateV2) -> dict[str, Any]:
    """The effects a shop front end cares about, as plain JSON."""
    discounts = effects_of(state, SetDiscountEffectProps)
    session = state.customer_session
    return {
        "total": session.cart_item_total if session else None,
        "discounts": [{"name": d.name, "value": d.value} for d in discounts],
        "discountTotal": round(sum(d.value for d in discounts), 2),
        "acceptedCoupons": [c.value for c in effects_of(state, AcceptCouponEffectProps)],
        "rejectedCoupons": {c.value: c.rejection_reason for c in effects_of(state, RejectCouponEffectProps)},
        "points": sum(p.value for p in effects_of(state, AddLoyaltyPointsEffectProps)),
    }


async def talon_error(request: Request, exc: Exception) -> JSONResponse:
    """Map Talon.One failures to answers for the shop's front end, without leaking internals."""
    if isinstance(exc, NotFoundError):
        return JSONResponse({"error": "not found"}, 404)
    if isinstance(exc, BadRequestError):
        return JSONResponse({"error": exc.message, "fields": [e.title for e in exc.errors]}, 422)
    if isinstance(exc, InvalidRequestError):
        # Refused by the SDK before sending (a quantity below 1, say): the message names the field.
        return JSONResponse({"error": "the cart is not valid", "fields": [str(exc)]}, 422)
    if isinstance(exc, ConflictError):
        return JSONResponse({"error": "this cart is being updated, try again"}, 409)
    if isinstance(exc, RateLimitError | InternalServerError | APIConnectionError):
        # Already retried by the client: tell the caller to come back later, not that it erred.
        return JSONResponse({"error": "promotions are unavailable, try again shortly"}, 503)
    return JSONResponse({"error": "promotions failed"}, 502)


def main(argv: Sequence[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the example shop backend on loopback.")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    factory: Callable[[], TalonClient] = TalonClient
    if not (os.environ.get("TALON_BASE_URL") and os.environ.get("TALON_API_KEY")):
        from talon_async.testing import FakeTalon

        fake = FakeTalon()
        for line in fake.add_example_data():
            print(f"fake Talon.One: {line}")
        factory = fake.client
    uvicorn.run(create_app(factory), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
