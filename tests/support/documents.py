"""Full JSON documents for any schema of our OpenAPI document.

``DocumentFactory().document("CartItem")`` returns a JSON-ready value in which EVERY property,
optional ones included, holds a realistic value of the right type, format, enum and constraints.
Such a document is what proves a round trip: if a model drops, renames or coerces any field,
``Model.from_dict(doc).to_dict() != doc``.

Values are deterministic (the same call gives the same document) and distinct from one another (a
counter feeds every scalar), so two swapped fields cannot go unnoticed. Date-times come out in the
form ``datetime.isoformat()`` writes (RFC 3339, numeric offset, microseconds only when non-zero), so
that equality after a round trip is exact.

Polymorphic payloads follow the spec's extensions: an ``Effect`` gets a real ``effectType`` token and
``props`` built from the ``*EffectProps`` schema whose ``x-effect-type`` is that token (cycling through
all of them across successive effects); a ``CatalogAction`` gets the ``payload`` schema its ``type``
maps to in ``x-payload-by-type``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.spec import Schema, load_spec, ref_name, schemas

_BASE_TIME = dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)
_BASE_DATE = dt.date(2024, 5, 14)

# Substring of the lower-cased property name -> a realistic value template ({n} is the counter).
# The first match wins, so the more specific keys come first.
_STRING_HINTS: tuple[tuple[str, str], ...] = (
    ("email", "customer{n}@example.com"),
    ("createdby", "jane.doe+{n}@example.com"),
    ("updatedby", "john.roe+{n}@example.com"),
    ("sku", "SKU-{n:04d}"),
    ("cardidentifier", "CARD-{n:04d}-7Q"),
    ("cardid", "CARD-{n:04d}-7Q"),
    ("pattern", "SUMMER-###-{n}"),
    ("sessionintegrationid", "session-{n:04d}"),
    ("sessionid", "session-{n:04d}"),
    ("subledgerid", "subledger-{n}"),
    ("uuid", "3f2a9c1e-0b7d-4e8a-9c6f-{n:012x}"),
    ("integrationid", "customer-{n:04d}"),
    ("integration", "mparticle-{n}"),
    ("couponvalue", "SUMMER-{n:04d}"),
    ("referralvalue", "FRIEND-{n:04d}"),
    ("referralcode", "FRIEND-{n:04d}"),
    ("code", "WELCOME-{n:04d}"),
    ("identifier", "store-{n:04d}"),
    ("duration", "{n}D"),
    ("date", "2024-06-{day:02d}T00:00:00+00:00"),
    ("path", "/cartItems/{n}/sku"),
    ("pointer", "/cartItems/{n}/quantity"),
    ("url", "https://shop.example.com/hooks/{n}"),
    ("webhookname", "Order webhook {n}"),
    ("tiername", "Gold {n}"),
    ("name", "Summer sale {n}"),
    ("title", "Summer sale {n}"),
    ("description", "Ten percent off everything, case {n}."),
    ("details", "The request was not valid, case {n}."),
    ("message", "Coupon already redeemed, case {n}."),
    ("reason", "Limit reached, case {n}."),
    ("body", "Order {n} shipped."),
    ("category", "shoes-{n}"),
    ("line", "{n}"),
)

# Keys for map-shaped objects (``additionalProperties: {schema}``), by the property name.
_MAP_KEYS = {
    "additionalcosts": "shipping",
    "prices": "member-price",
    "subledgerbalances": "subledger-eu",
    "subledgers": "subledger-eu",
    "loyaltyprograms": "7",
    "campaigns": "4711",
    "coupons": "SUMMER-0001",
}


def _free_form(n: int) -> dict[str, Any]:
    """A custom-attribute object mixing every JSON type, to prove nothing in it gets coerced."""
    return {
        "color": "navy",
        "giftMessage": f"Happy birthday #{n}!",
        "tags": ["gift", "sale"],
        "weightKg": 1.25,
        "fragile": True,
        "loyaltyLevel": n,
        "note": None,
        "origin": {"country": "DE", "warehouse": 3},
    }


@dataclass
class _State:
    required_only: bool
    nulls: bool
    counter: int = 0
    effect_index: int = 0
    stack: list[str] = field(default_factory=list)

    def next(self) -> int:
        self.counter += 1
        return self.counter


class DocumentFactory:
    """Builds JSON documents for the schemas of an OpenAPI document (ours by default)."""

    def __init__(self, spec: Mapping[str, Any] | None = None, *, array_length: int = 1) -> None:
        self._spec = spec if spec is not None else load_spec()
        self._schemas = schemas(self._spec)
        self._array_length = array_length
        self.effect_types: dict[str, str] = {
            s["x-effect-type"]: name for name, s in self._schemas.items() if s.get("x-effect-type")
        }

    def document(
        self,
        schema: str | Schema,
        *,
        hint: str = "",
        required_only: bool = False,
        nulls: bool = False,
        effect_type: str | None = None,
    ) -> Any:
        """A document for ``schema`` (a component name or a schema).

        ``required_only`` leaves every optional property out; ``nulls`` puts ``null`` in every
        nullable property; ``hint`` (a property or parameter name) picks realistic strings and keys;
        ``effect_type`` makes the first ``Effect`` built carry that type and its props.
        """
        state = _State(required_only=required_only, nulls=nulls)
        if effect_type is not None:
            types = list(self.effect_types)
            state.effect_index = types.index(effect_type)
        if isinstance(schema, str):
            schema = {"$ref": f"#/components/schemas/{schema}"}
        return self._build(schema, hint, state)

    def _build(self, schema: Schema, hint: str, state: _State) -> Any:
        if "$ref" in schema:
            name = ref_name(schema["$ref"])
            if name in state.stack:
                raise RecursionError(f"schema cycle {[*state.stack, name]}: give the factory a depth limit")
            state.stack.append(name)
            try:
                return self._build(self._schemas[name], hint, state)
            finally:
                state.stack.pop()
        if "allOf" in schema:
            if len(schema["allOf"]) != 1:
                raise NotImplementedError(f"allOf with several members: {schema}")
            if state.nulls and schema.get("nullable"):
                return None
            return self._build(schema["allOf"][0], hint, state)
        if state.nulls and schema.get("nullable"):
            return None
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return values[state.next() % len(values)]
        kind = schema.get("type")
        if kind is None and "properties" in schema:
            kind = "object"
        if kind == "object":
            return self._object(schema, hint, state)
        if kind == "array":
            return self._array(schema, hint, state)
        if kind == "string":
            return self._string(schema, hint, state.next())
        if kind == "integer":
            return self._integer(schema, hint, state.next())
        if kind == "number":
            return self._number(schema, state.next())
        if kind == "boolean":
            default = schema.get("default")
            if isinstance(default, bool):
                return not default
            return state.next() % 2 == 0
        if kind is None:
            # Untyped (any JSON value): a structured value proves it survives untouched.
            return _free_form(state.next())
        raise NotImplementedError(f"schema type {kind!r}")

    def _object(self, schema: Schema, hint: str, state: _State) -> dict[str, Any]:
        properties: Mapping[str, Schema] = schema.get("properties", {})
        if not properties:
            extra = schema.get("additionalProperties", True)
            if extra is True or extra == {}:
                return _free_form(state.next())
            key = _MAP_KEYS.get(hint.lower(), f"{hint or 'key'}-{state.next()}")
            return {key: self._build(extra, hint, state)}
        required = set(schema.get("required", ()))
        doc: dict[str, Any] = {}
        for name, prop in properties.items():
            if name in required or not state.required_only:
                doc[name] = self._build(prop, name, state)
        if "effectType" in properties and "props" in properties and self.effect_types:
            types = list(self.effect_types)
            effect_type = types[state.effect_index % len(types)]
            state.effect_index += 1
            doc["effectType"] = effect_type
            if doc.get("props") is not None:
                doc["props"] = self._build(
                    {"$ref": f"#/components/schemas/{self.effect_types[effect_type]}"}, "props", state
                )
        by_type = schema.get("x-payload-by-type")
        if by_type and "type" in doc and "payload" in doc:
            doc["payload"] = self._build(
                {"$ref": f"#/components/schemas/{by_type[doc['type']]}"}, "payload", state
            )
        return doc

    def _array(self, schema: Schema, hint: str, state: _State) -> list[Any]:
        length = max(schema.get("minItems", 0), min(self._array_length, schema.get("maxItems", 10**9)))
        if state.required_only:
            length = schema.get("minItems", 0) or min(1, length)
        return [self._build(schema["items"], hint, state) for _ in range(length)]

    def _string(self, schema: Schema, hint: str, n: int) -> str:
        fmt = schema.get("format")
        if fmt == "date-time":
            offset = dt.timezone(dt.timedelta(hours=n % 3))
            moment = (_BASE_TIME + dt.timedelta(hours=n)).astimezone(offset)
            return moment.replace(microsecond=(n % 2) * 250_000).isoformat()
        if fmt == "date":
            return (_BASE_DATE + dt.timedelta(days=n)).isoformat()
        if fmt == "uuid":
            return str(uuid.UUID(int=(0x3F2A9C1E0B7D4E8A9C6F << 48) + n, version=4))
        lowered = hint.lower()
        template = next((t for key, t in _STRING_HINTS if key in lowered), None)
        value = template.format(n=n, day=1 + n % 28) if template else f"{hint or 'text'}-{n}"
        return _fit(value, schema)

    @staticmethod
    def _integer(schema: Schema, hint: str, n: int) -> int:
        lowered = hint.lower()
        value = 1000 + n if lowered.endswith(("id", "ids")) else n + 1
        return int(_clamp(value, schema, step=1))

    @staticmethod
    def _number(schema: Schema, n: int) -> float:
        # Quarter fractions are exact in binary (and in float32), so no value rounds on the way.
        return float(_clamp(n + 0.25 * (1 + n % 3), schema, step=0.25))


def _clamp(value: float, schema: Schema, *, step: float) -> float:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None:
        value = max(value, low + step if schema.get("exclusiveMinimum") else low)
    if high is not None:
        value = min(value, high - step if schema.get("exclusiveMaximum") else high)
    return value


def _fit(value: str, schema: Schema) -> str:
    """Bend a realistic string into the schema's pattern and length limits, or refuse loudly."""
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, value):
        value = re.sub(r"[^A-Za-z0-9_]", "_", value)
    min_length, max_length = schema.get("minLength", 0), schema.get("maxLength")
    if len(value) < min_length:
        value = value + "0" * (min_length - len(value))
    if max_length is not None:
        value = value[:max_length]
    if pattern and not re.search(pattern, value):
        raise ValueError(f"no realistic value for pattern {pattern!r}: teach tests/support/documents.py")
    return value


UNKNOWN_FIELDS: dict[str, Any] = {
    "futureFlag": True,
    "futureShape": {"level": 2, "ratio": 0.5, "labels": ["a", "b"], "nothing": None},
}


def with_unknown_fields(
    document: Any,
    schema: Schema,
    spec: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """A copy of ``document`` with ``extra`` keys (``UNKNOWN_FIELDS``) added to EVERY typed object in it.

    Objects with declared properties get the keys at any depth (properties, array items, map values);
    free-form and untyped values are left as they are, since any key is already theirs.
    """
    extra = UNKNOWN_FIELDS if extra is None else extra
    components = schemas(spec or load_spec())

    def walk(value: Any, schema: Schema) -> Any:
        while "$ref" in schema or ("allOf" in schema and len(schema["allOf"]) == 1):
            schema = components[ref_name(schema["$ref"])] if "$ref" in schema else schema["allOf"][0]
        if isinstance(value, list) and "items" in schema:
            return [walk(item, schema["items"]) for item in value]
        if not isinstance(value, dict):
            return value
        properties = schema.get("properties")
        if properties:
            clash = set(extra) & set(properties)
            if clash:
                raise ValueError(f"unknown-field names {clash} are declared properties")
            walked = {k: walk(v, properties[k]) if k in properties else v for k, v in value.items()}
            return {**walked, **extra}
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping) and additional:
            return {k: walk(v, additional) for k, v in value.items()}
        return value

    return walk(document, schema)
