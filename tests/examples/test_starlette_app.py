"""examples/starlette_app.py: one client per app lifespan, tested against the fake with no server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
import starlette_app
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talon_async import TalonClient
from talon_async.testing import FakeTalon

pytestmark = pytest.mark.anyio

CART = {
    "customerId": "alice",
    "coupons": ["WELCOME10", "NOPE"],
    "items": [{"sku": "SKU-SHOE", "quantity": 2, "price": 80.0}],
}


class RecordingClient(TalonClient):
    """A TalonClient that remembers being closed, so the lifespan's cleanup can be checked."""

    closed = False

    async def aclose(self) -> None:
        await super().aclose()
        self.closed = True


@asynccontextmanager
async def running(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """Drive the ASGI lifespan as a server does (startup, requests with its state, shutdown)."""
    state: dict[str, Any] = {}
    to_app, app_inbox = anyio.create_memory_object_stream[Message](4)
    app_outbox, from_app = anyio.create_memory_object_stream[Message](4)

    async def serve_requests(scope: Scope, receive: Receive, send: Send) -> None:
        # Servers give each request a shallow copy of what the lifespan yielded.
        await app({**scope, "state": dict(state)}, receive, send)

    async with anyio.create_task_group() as tg, to_app, from_app:
        lifespan: Scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}

        async def run_lifespan() -> None:
            await app(lifespan, app_inbox.receive, app_outbox.send)

        tg.start_soon(run_lifespan)
        await to_app.send({"type": "lifespan.startup"})
        assert (await from_app.receive())["type"] == "lifespan.startup.complete"
        transport = httpx.ASGITransport(app=serve_requests)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            yield client
        await to_app.send({"type": "lifespan.shutdown"})
        assert (await from_app.receive())["type"] == "lifespan.shutdown.complete"


@pytest.fixture
def shop(fake_talon: FakeTalon) -> FakeTalon:
    """The fake with the example shop: WELCOME10, VIP-ONLY and loyalty program 1."""
    fake_talon.add_example_data()
    return fake_talon


def factory_for(fake: FakeTalon, made: list[RecordingClient]) -> Callable[[], TalonClient]:
    def make() -> TalonClient:
        client = RecordingClient("http://127.0.0.1", fake.api_key, transport=fake.transport(), max_retries=2)
        made.append(client)
        return client

    return make


async def test_one_client_per_lifespan(shop: FakeTalon, anyio_backend: str) -> None:
    """The app builds one client at startup, shares it across requests and closes it at shutdown."""
    made: list[RecordingClient] = []
    async with running(starlette_app.create_app(factory_for(shop, made))) as http:
        assert len(made) == 1
        for n in range(3):
            assert (await http.put(f"/carts/o{n}", json=CART)).status_code == 200
        assert len(made) == 1
        assert not made[0].closed
    assert made[0].closed


async def test_cart_answer_has_typed_effects_as_json(shop: FakeTalon, anyio_backend: str) -> None:
    """A cart update answers discounts, coupon verdicts and points computed by the fake's rules."""
    async with running(starlette_app.create_app(shop.client)) as http:
        response = await http.put("/carts/o1", json=CART)
    assert response.status_code == 200
    assert response.json() == {
        "total": 160.0,
        "discounts": [
            {"name": "Coupon WELCOME10", "value": 16.0},
            {"name": "10% off carts over 100", "value": 16.0},
        ],
        "discountTotal": 32.0,
        "acceptedCoupons": ["WELCOME10"],
        "rejectedCoupons": {"NOPE": "CouponNotFound"},
        "points": 160.0,
    }


async def test_checkout_closes_the_session_and_credits_points(shop: FakeTalon, anyio_backend: str) -> None:
    """Checkout closes the stored session as priced, and the points endpoint then shows the credit."""
    async with running(starlette_app.create_app(shop.client)) as http:
        await http.put("/carts/o1", json=CART)
        closed = await http.post("/carts/o1/checkout")
        points = await http.get("/customers/alice/points/1")
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert closed.json()["discountTotal"] == 32.0
    session = shop.session("o1")
    assert session is not None
    assert session["state"] == "closed"
    assert points.json() == {"activePoints": 160.0}
    assert shop.points(1, integration_id="alice") == 160.0


@pytest.mark.parametrize(
    ("request_args", "status", "error"),
    [
        (("POST", "/carts/unknown/checkout"), 404, "not found"),
        (("PUT", "/carts/o1", b"not json"), 400, "a cart needs customerId"),
        (("PUT", "/carts/o1", b'{"customerId": "alice"}'), 400, "a cart needs customerId"),
    ],
)
async def test_bad_requests_get_clear_answers(
    shop: FakeTalon, anyio_backend: str, request_args: tuple[Any, ...], status: int, error: str
) -> None:
    """Unknown carts answer 404 and malformed carts 400, each with a message for the front end."""
    method, path, *content = request_args
    async with running(starlette_app.create_app(shop.client)) as http:
        response = await http.request(method, path, content=content[0] if content else None)
    assert response.status_code == status
    assert response.json()["error"].startswith(error)


async def test_invalid_cart_items_are_rejected_as_422(shop: FakeTalon, anyio_backend: str) -> None:
    """A cart with a quantity below 1 becomes 422 naming the field, without a request to Talon.One."""
    bad = {**CART, "items": [{"sku": "SKU-SHOE", "quantity": 0, "price": 80.0}]}
    async with running(starlette_app.create_app(shop.client)) as http:
        response = await http.put("/carts/o1", json=bad)
    assert response.status_code == 422
    assert response.json()["fields"] == [
        "body.customerSession.cartItems[0].quantity: 0 is below the minimum 1"
    ]
    assert shop.requests == []


async def test_an_outage_answers_503_after_the_client_retried(shop: FakeTalon, anyio_backend: str) -> None:
    """When Talon.One answers 503 past the client's retries, the shop answers 503 "try again shortly"."""
    async with running(starlette_app.create_app(lambda: shop.client(max_retries=2))) as http:
        shop.faults.unavailable(times=3, operation="updateCustomerSessionV2")
        response = await http.put("/carts/o1", json=CART)
    assert response.status_code == 503
    assert [r.status for r in shop.requests] == [503, 503, 503]


async def test_a_busy_session_answers_409(shop: FakeTalon, anyio_backend: str) -> None:
    """A session busy past the retries answers 409 so the front end can resend."""
    async with running(starlette_app.create_app(lambda: shop.client(max_retries=0))) as http:
        shop.faults.conflict(operation="updateCustomerSessionV2")
        response = await http.put("/carts/o1", json=CART)
    assert response.status_code == 409
