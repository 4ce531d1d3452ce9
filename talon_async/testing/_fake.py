"""``FakeTalon``: the stateful fake of the 30 Integration API operations."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import random
import re
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import anyio
import attrs
import httpx

from . import _effects, _ledger, _render
from ._app import FakeTalonApp
from ._call import Call, Handler, Reply
from ._errors import RuleError, SpecViolation, TalonHTTPError
from ._faults import Faults
from ._rules import CouponView, ProgramView, Rule, RuleContext, example_rules
from ._spec import Operation, Spec, load_spec
from ._state import Audience, Catalog, CatalogItem, Coupon, LoyaltyCard, LoyaltyProgram, Store, Tier

if TYPE_CHECKING:
    from .._client import TalonClient

__all__ = ["BASE_URL", "FakeTalon", "RecordedRequest"]

# Any URL works in-process; a loopback one lets TalonClient use plain http without opting in.
BASE_URL = "http://127.0.0.1"

logger = logging.getLogger("talon_async.testing")

_AUTH_SCHEME = "ApiKey-v1"
_CARD_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{4,108}")
_CONFLICT = {
    "session": "too many requests are updating this customer session",
    "profile": "too many requests are updating this customer profile",
}


@attrs.frozen
class RecordedRequest:
    """What the fake answered, for assertions: operation (None if unrouted) and status."""

    method: str
    path: str
    operation: str | None
    status: int


def _handlers() -> dict[str, Handler]:
    from . import _ops_catalogs, _ops_coupons, _ops_customers, _ops_loyalty, _ops_sessions

    table: dict[str, Handler] = {}
    for module in (_ops_catalogs, _ops_coupons, _ops_customers, _ops_loyalty, _ops_sessions):
        table.update(module.HANDLERS)
    return table


class FakeTalon:
    """An in-memory, stateful Talon.One Integration API for tests and demos.

    Use it as an httpx transport (``fake.transport()``), as an ASGI app (``fake.app``) or as a
    loopback server (``python -m talon_async.testing``). Every request is checked against the
    OpenAPI document (a broken one answers 400 with Talon's error body) and so is every response:
    with ``strict=True`` a response that breaks the document raises ``SpecViolation``.

    ``validate=False`` skips both checks (requests the document forbids may then fail in odd ways);
    keep it on unless a benchmark of your own code needs the last microseconds.

    ``rules`` are plain callables that produce effects (default: ``example_rules()``);
    ``processing_delay`` is how long an update of one session or profile holds it, so concurrent
    updates of the same one answer 409; ``seed`` makes generated codes and UUIDs reproducible.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        rules: Iterable[Rule] | None = None,
        strict: bool = True,
        validate: bool = True,
        processing_delay: float = 0.0,
        seed: int | None = 0,
        clock: Callable[[], datetime] | None = None,
        account_id: int = 1,
        application_id: int = 1,
    ) -> None:
        self.api_key = api_key if api_key is not None else secrets.token_urlsafe(24)
        self.rules: list[Rule] = list(example_rules() if rules is None else rules)
        self.strict = strict
        self.validate = validate
        self.processing_delay = processing_delay
        self.store = Store(
            clock=clock or (lambda: datetime.now(UTC)),
            rng=random.Random(seed),  # noqa: S311 - codes and UUIDs only need to be reproducible
            account_id=account_id,
            application_id=application_id,
        )
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.spec: Spec = load_spec()
        self._handlers = _handlers()
        self._in_flight: set[tuple[str, str]] = set()
        self.app = FakeTalonApp(self)

    def __repr__(self) -> str:
        # The API key stays out of the repr on purpose, like every secret in this package.
        s = self.store
        return (
            f"<FakeTalon profiles={len(s.profiles)} sessions={len(s.sessions)} "
            f"programs={len(s.programs)} rules={len(self.rules)} strict={self.strict}>"
        )

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that sends requests straight into this fake, in-process."""
        return httpx.ASGITransport(app=self.app)

    def client(self, **kwargs: Any) -> TalonClient:
        """A ``TalonClient`` wired to this fake in-process; ``kwargs`` go to ``TalonClient``.

        Its answers are decoded strictly unless ``strict_responses=False`` is passed, so a test
        notices a fake (or a recorded answer) that drifts from the spec.
        """
        from .._client import TalonClient

        kwargs.setdefault("strict_responses", True)
        return TalonClient(BASE_URL, self.api_key, transport=self.transport(), **kwargs)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The ``Authorization`` header the fake accepts."""
        return {"Authorization": f"{_AUTH_SCHEME} {self.api_key}"}

    def now(self) -> datetime:
        return self.store.clock()

    # -- seeding ---------------------------------------------------------------------------

    def add_profile(self, integration_id: str, attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Create (or update) a customer profile; returns it as the API would."""
        profile = self.store.profile(integration_id)
        profile.attributes.update(attributes or {})
        return _render.profile(self.store, profile)

    def add_audience(
        self, name: str, *, members: Iterable[str] = (), integration_id: str | None = None
    ) -> int:
        """Create an audience with these profile integration ids as members; returns its id."""
        now = self.now()
        audience = Audience(self.store.next_id("audience"), now, name, integration_id=integration_id)
        for member in members:
            self.store.profile(member, now)
            audience.members[member] = None
        self.store.audiences[audience.id] = audience
        return audience.id

    def add_loyalty_program(
        self,
        program_id: int | None = None,
        *,
        name: str = "loyalty",
        title: str | None = None,
        card_based: bool = False,
        users_per_card_limit: int = 1,
        tiers: Mapping[str, float] | None = None,
    ) -> int:
        """Create a loyalty program; ``tiers`` maps tier names to the points they start at."""
        pid = program_id if program_id is not None else self.store.next_id("program")
        self.store.programs[pid] = LoyaltyProgram(
            pid,
            name=name,
            title=title or name.title(),
            card_based=card_based,
            users_per_card_limit=users_per_card_limit,
            tiers=tuple(Tier(n, float(p)) for n, p in (tiers or {}).items()),
        )
        return pid

    def _program(self, program_id: int) -> LoyaltyProgram:
        try:
            return self.store.programs[program_id]
        except KeyError:
            raise KeyError(f"no loyalty program {program_id}; add it with add_loyalty_program()") from None

    def add_loyalty_card(
        self,
        program_id: int,
        identifier: str | None = None,
        *,
        profiles: Iterable[str] = (),
        status: str = "active",
    ) -> str:
        """Create a card in a card-based program, linked to ``profiles``; returns its identifier."""
        program = self._program(program_id)
        now = self.now()
        identifier = identifier or program.card_code_prefix + self.store.code(10)
        if not _CARD_IDENTIFIER.fullmatch(identifier):
            raise ValueError(f"card identifiers are 4-108 of A-Z a-z 0-9 _ -, not {identifier!r}")
        card = LoyaltyCard(self.store.next_id("card"), now, program_id, identifier, status)
        for pid in profiles:
            self.store.profile(pid, now)
            card.profiles[pid] = now
        self.store.cards[(program_id, identifier)] = card
        return identifier

    def add_points(
        self,
        program_id: int,
        amount: float,
        *,
        integration_id: str | None = None,
        card_identifier: str | None = None,
        subledger_id: str = "",
        name: str = "Manual points",
        start_date: datetime | None = None,
        expiry_date: datetime | None = None,
        source: Literal["manual", "session", "import"] = "manual",
        session_id: str | None = None,
        created: datetime | None = None,
        deduct: bool = False,
    ) -> str:
        """Write one ledger transaction for a profile or a card; returns its transaction UUID."""
        self._program(program_id)
        if (integration_id is None) == (card_identifier is None):
            raise ValueError("give exactly one of integration_id and card_identifier")
        tx = _effects.write_points(
            self.store,
            program_id=program_id,
            amount=amount,
            now=created or self.now(),
            kind="subtraction" if deduct else "addition",
            name=name,
            integration_id=integration_id,
            card_identifier=card_identifier,
            subledger_id=subledger_id,
            session_id=session_id,
            source=source,
            start_date=start_date,
            expiry_date=expiry_date,
        )
        return tx.uuid

    def seed_transactions(
        self,
        program_id: int,
        count: int,
        *,
        integration_id: str | None = None,
        card_identifier: str | None = None,
        amount: float = 10.0,
        subledger_id: str = "",
        every: timedelta = timedelta(minutes=1),
        deduct_every: int | None = None,
    ) -> list[str]:
        """Write ``count`` transactions a minute apart, ending now; every ``deduct_every``-th is a
        subtraction of ``amount``. Returns their UUIDs, oldest first."""
        start = self.now() - every * count
        return [
            self.add_points(
                program_id,
                amount,
                integration_id=integration_id,
                card_identifier=card_identifier,
                subledger_id=subledger_id,
                name=f"Seeded transaction {i + 1}",
                created=start + every * (i + 1),
                deduct=deduct_every is not None and (i + 1) % deduct_every == 0,
            )
            for i in range(count)
        ]

    def add_coupon(
        self,
        value: str,
        *,
        campaign_id: int = 3,
        usage_limit: int = 0,
        reservation_limit: int = 0,
        reservation_mandatory: bool = False,
        discount_percent: float | None = None,
        start_date: datetime | None = None,
        expiry_date: datetime | None = None,
        recipient_integration_id: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create a coupon code; ``reservation_mandatory`` makes reservations hard ones."""
        if len(value) < 4:
            raise ValueError(f"coupon codes have at least 4 characters, not {value!r}")
        coupon = Coupon(
            self.store.next_id("coupon"),
            self.now(),
            value,
            campaign_id,
            usage_limit=usage_limit,
            reservation_limit=reservation_limit,
            is_reservation_mandatory=reservation_mandatory,
            discount_percent=discount_percent,
            start_date=start_date,
            expiry_date=expiry_date,
            recipient_integration_id=recipient_integration_id,
            attributes=dict(attributes or {}),
        )
        self.store.coupons[value] = coupon
        return _render.coupon(coupon)

    def add_catalog(
        self, catalog_id: int | None = None, *, name: str = "catalog", items: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Create a cart item catalog with ``items`` (``sku``, ``price``, ``attributes``)."""
        now = self.now()
        cid = catalog_id if catalog_id is not None else self.store.next_id("catalog")
        catalog = Catalog(cid, now, now, name)
        for item in items:
            catalog.items[item["sku"]] = CatalogItem(
                self.store.next_id("catalog_item"),
                item["sku"],
                item.get("price"),
                dict(item.get("attributes") or {}),
                item.get("product"),
            )
        self.store.catalogs[cid] = catalog
        return cid

    def add_example_data(self) -> list[str]:
        """Seed a small shop: two loyalty programs, coupons and a catalog. Returns what it added."""
        points = self.add_loyalty_program(
            name="points", title="Shop points", tiers={"Silver": 0, "Gold": 500}
        )
        cards = self.add_loyalty_program(
            name="cards", title="Shop cards", card_based=True, users_per_card_limit=2
        )
        self.add_coupon("WELCOME10", discount_percent=10)
        self.add_coupon("VIP-ONLY", discount_percent=20, reservation_mandatory=True)
        catalog = self.add_catalog(
            name="shop",
            items=[
                {"sku": "SKU-SHOE", "price": 80.0, "attributes": {"color": "blue", "size": 42}},
                {"sku": "SKU-SOCK", "price": 5.0, "attributes": {"color": "red", "size": 40}},
                {"sku": "SKU-HAT", "price": 25.0, "attributes": {"color": "blue", "size": 58}},
            ],
        )
        return [
            f"loyalty program {points}: profile-based 'points' (tiers Silver, Gold at 500)",
            f"loyalty program {cards}: card-based 'cards'",
            "coupons: WELCOME10 (10% off), VIP-ONLY (20% off, reservation required)",
            f"catalog {catalog}: SKU-SHOE, SKU-SOCK, SKU-HAT",
        ]

    # -- inspection ------------------------------------------------------------------------

    def profile(self, integration_id: str) -> dict[str, Any] | None:
        """A profile as the API renders it, or None."""
        found = self.store.profiles.get(integration_id)
        return None if found is None else _render.profile(self.store, found)

    def session(self, session_id: str) -> dict[str, Any] | None:
        """A customer session as the API renders it, or None."""
        found = self.store.sessions.get(session_id)
        return None if found is None else _render.session(self.store, found)

    def catalog_items(self, catalog_id: int) -> list[dict[str, Any]]:
        """The items of a catalog, in insertion order."""
        return [
            {"sku": i.sku, "price": i.price, "attributes": dict(i.attributes), "product": i.product}
            for i in self.store.catalogs[catalog_id].items.values()
        ]

    def events(self) -> list[dict[str, Any]]:
        """Every event the fake recorded (tracked events and session lifecycle events)."""
        return [_render.event(self.store, e) for e in self.store.events]

    def points(
        self,
        program_id: int,
        *,
        integration_id: str | None = None,
        card_identifier: str | None = None,
        subledger_id: str = "",
    ) -> float:
        """The active points balance of a profile or a card."""
        kind: Literal["profile", "card"] = "card" if card_identifier else "profile"
        owner = card_identifier or integration_id or ""
        txs = _ledger.ledger(self.store, program_id, kind, owner, subledgers=[subledger_id])
        return _ledger.balance(txs, self.now()).active

    # -- rules -----------------------------------------------------------------------------

    def _coupon_view(self, code: str) -> CouponView | None:
        c = self.store.coupons.get(code)
        if c is None:
            return None
        return CouponView(
            id=c.id,
            value=c.value,
            campaign_id=c.campaign_id,
            usage_limit=c.usage_limit,
            usage_counter=c.usage_counter,
            is_reservation_mandatory=c.is_reservation_mandatory,
            reserved_by=frozenset(c.reserved_by),
            recipient_integration_id=c.recipient_integration_id,
            start_date=c.start_date,
            expiry_date=c.expiry_date,
            discount_percent=c.discount_percent,
        )

    def evaluate(
        self,
        *,
        now: datetime,
        session: Mapping[str, Any] | None = None,
        profile: Mapping[str, Any] | None = None,
        event: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Run every rule and return their effects, completed and checked against the document."""
        ctx = RuleContext(
            session=session,
            profile=profile,
            event=event,
            now=now,
            programs=tuple(ProgramView(p.id, p.name, p.card_based) for p in self.store.programs.values()),
            coupons=self._coupon_view,
            uuid=self.store.uuid,
        )
        effects: list[dict[str, Any]] = []
        for rule in self.rules:
            for raw in rule(ctx):
                effects.append(self._complete_effect(rule, raw))
        return effects

    def _complete_effect(self, rule: Rule, raw: Mapping[str, Any]) -> dict[str, Any]:
        campaign_id = raw.get("campaignId", getattr(rule, "campaign_id", 1))
        effect: dict[str, Any] = {
            "campaignId": campaign_id,
            "rulesetId": campaign_id,
            "ruleIndex": 0,
            "ruleName": getattr(rule, "__name__", type(rule).__name__),
            **raw,
        }
        problems = self.spec.schema_errors("Effect", effect)
        props_schema = self.spec.effect_props_schema.get(str(effect.get("effectType")))
        if props_schema is not None:
            problems += [f"props{p}" for p in self.spec.schema_errors(props_schema, effect.get("props"))]
        if problems:
            raise RuleError(f"rule {rule!r} returned an invalid effect: {'; '.join(problems)}")
        return effect

    # -- concurrency -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def updating(self, kind: Literal["session", "profile"], key: str) -> AsyncIterator[None]:
        """Hold one session or profile for the length of an update; a second update answers 409."""
        marker = (kind, key)
        if marker in self._in_flight:
            raise TalonHTTPError(409, _CONFLICT[kind])
        self._in_flight.add(marker)
        try:
            # Yield even with no delay, so overlapping requests really overlap.
            await anyio.sleep(self.processing_delay)
            yield
        finally:
            self._in_flight.discard(marker)

    # -- the request pipeline --------------------------------------------------------------

    async def handle(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: (status, headers, body). ``headers`` keys are lowercase."""
        status, out_headers, content, operation = await self._handle(method, raw_path, query, headers, body)
        self.requests.append(RecordedRequest(method.upper(), raw_path, operation, status))
        return status, out_headers, content

    async def _handle(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        routed = self.spec.match(method, raw_path)
        if not isinstance(routed, tuple):
            if routed is None:
                return 404, _JSON, _dump(TalonHTTPError(404, "not found").body()), None
            # RFC 9110: a 405 names the methods the resource does allow.
            allow = {**_JSON, "Allow": ", ".join(routed)}
            return 405, allow, _dump(TalonHTTPError(405, "method not allowed").body()), None
        op, path_params = routed
        fault = self.faults.take(op.operation_id)
        if fault is not None:
            if fault.kind == "delay":
                await anyio.sleep(fault.delay)
            else:
                fault_headers = {"Content-Type": "application/json", **fault.headers}
                return fault.status, fault_headers, fault.body, op.operation_id
        reply = await self._reply(op, path_params, query, headers, body)
        content = b"" if reply.body is None else _dump(reply.body)
        if self.validate:
            problems = self.spec.response_errors(op, reply.status, content, reply.body)
            if problems:
                text = f"{op.operation_id} answered {reply.status} against the spec: {'; '.join(problems)}"
                if self.strict:
                    raise SpecViolation(text)
                logger.warning("%s", text)
        out_headers = {**reply.headers, **(_JSON if content else {})}
        return reply.status, out_headers, content, op.operation_id

    async def _reply(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        try:
            self._authenticate(headers)
            parsed = _parse_json(body)
            if self.validate:
                errors = self.spec.request_errors(op, path_params, query, headers, parsed, body)
                if errors:
                    raise TalonHTTPError(400, "Request validation failed", errors)
            try:
                typed_query = self.spec.cast_query(op, query)
            except ValueError as exc:
                raise TalonHTTPError(400, f"invalid query value: {exc}") from None
            call = Call(
                fake=self,
                store=copy.deepcopy(self.store) if _is_dry(op, typed_query) else self.store,
                operation_id=op.operation_id,
                path=path_params,
                query=typed_query,
                body=parsed,
                now=self.now(),
            )
            return await self._handlers[op.operation_id](call)
        except TalonHTTPError as err:
            err.status = _documented_error_status(op, err.status)
            return Reply(err.status, err.body())

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        scheme, _, key = headers.get("authorization", "").partition(" ")
        if scheme != _AUTH_SCHEME or not secrets.compare_digest(key.strip().encode(), self.api_key.encode()):
            raise TalonHTTPError(
                401,
                "unauthorized",
                [
                    {
                        "title": "Unauthorized",
                        "details": "missing or invalid API key",
                        "source": {"parameter": "Authorization"},
                    }
                ],
            )


_JSON = {"Content-Type": "application/json"}


def _is_dry(op: Operation, query: Mapping[str, Any]) -> bool:
    """Whether the request must leave the store untouched.

    ``dry`` on a profile update only matters together with ``runRuleEngine``: without the rule
    engine the update is stored whatever ``dry`` says.
    """
    if not query.get("dry"):
        return False
    if op.operation_id == "updateCustomerProfileV2":
        return bool(query.get("runRuleEngine"))
    return True


def _documented_error_status(op: Operation, status: int) -> int:
    """The status to answer an error with, among those the operation documents.

    The official contract lists a fixed set of error statuses per operation; an error the fake
    detects under another status is answered with the closest one it does list (see
    ``CONTRACT_STATUS_FALLBACKS``).
    """
    if status in op.statuses or status in (401, 429) or status >= 500:
        return status
    for fallback in CONTRACT_STATUS_FALLBACKS.get(status, ()):
        if fallback in op.statuses:
            return fallback
    return status


# An error status an operation does not document -> the documented ones to use instead, in order.
# Talon.One's contract lists no 404 on getting a session, reopening it or returning its items, and
# no 409 on reopening or returns: such errors are answered 400, the operation's documented error.
# It lists no 400 on the inventory and on three audience updates: a bad request there is answered
# 404, the one error they document besides 401.
CONTRACT_STATUS_FALLBACKS: dict[int, tuple[int, ...]] = {404: (400,), 409: (400,), 400: (404,)}


def _parse_json(body: bytes) -> Any:
    """The request body as JSON (None if empty), or a 400 for bytes that are not UTF-8 JSON."""
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        details = f"the request body is not valid JSON: {exc}"
        raise TalonHTTPError(
            400, details, [{"title": "Invalid request body", "details": details, "source": {"pointer": "/"}}]
        ) from None


def _dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()
