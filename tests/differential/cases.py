"""The response cases of the differential suite: an official response schema and the model that reads it.

Our model for an (operation, status) is found through our own spec's operation with the same
operationId: the component its response for that status refers to. The two silent 204 answers
whose official schema is a bare JSON string (``updateCustomerProfilesV2`` and ``trackEventV2``) are
a known defect of the original (the API sends no body there) and are not response cases.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.differential.budget import BOUNDS, bounded
from tests.differential.lossless import first_difference, normal
from tests.support.generated import model_class
from tests.support.json_strategies import strategy
from tests.support.official_contract import OfficialOperation, official_operations, prepare
from tests.support.spec import operations, referenced_name

JSON = Any


@dataclass(frozen=True)
class ResponseCase:
    """One documented (operation, status) with a JSON object body."""

    operation: OfficialOperation
    status: int
    schema: dict[str, Any]
    """The prepared official schema (``tests.support.official_contract.prepare``)."""
    model_name: str | None
    """Our spec's component for this status, or None when our spec documents no body for it."""

    @property
    def id(self) -> str:
        return f"{self.operation.operation_id}-{self.status}"

    @property
    def model(self) -> type[Any]:
        assert self.model_name is not None, f"{self.id}: our spec documents no body for this status"
        return model_class(self.model_name)

    def documents(self) -> st.SearchStrategy[JSON]:
        return strategy(self.schema, BOUNDS)


def _is_silent_string_body(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string"


@functools.cache
def response_cases() -> tuple[ResponseCase, ...]:
    """Every in-scope (operation, status) whose official answer is a JSON object."""
    ours = {op.operation_id: op for op in operations()}
    found = []
    for op in official_operations():
        mine = ours[op.operation_id]
        for status, schema in sorted(op.responses.items()):
            if status == 204 and _is_silent_string_body(dict(schema)):
                continue
            our_schema = mine.responses.get(status)
            name = referenced_name(our_schema) if our_schema is not None else None
            found.append(ResponseCase(op, status, prepare(schema), name))
    return tuple(found)


def success_cases() -> tuple[ResponseCase, ...]:
    return tuple(c for c in response_cases() if 200 <= c.status < 300)


def sample(documents: st.SearchStrategy[JSON], count: int) -> list[JSON]:
    """The first ``count`` documents a derandomized run draws (the same ones on every run)."""
    drawn: list[JSON] = []

    @bounded(count)
    @given(documents)
    def collect(document: JSON) -> None:
        drawn.append(document)

    collect()
    return drawn


def parse(model: type[Any], document: JSON, *, strict: bool | None = None) -> Any:
    """``model.from_dict(document)``, with ``strict=`` passed only when asked for."""
    from_dict: Callable[..., Any] = model.from_dict
    if strict is None:
        return from_dict(document)
    return from_dict(document, strict=strict)


@functools.cache
def model_cases() -> tuple[ResponseCase, ...]:
    """``response_cases`` with one case per (model, official schema): the error bodies repeat a lot."""
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for case in response_cases():
        key = (case.model_name, json.dumps(case.schema, sort_keys=True))
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return tuple(unique)


DECODING_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def round_trip_problem(model: type[Any], document: Any, *, strict: bool | None = None) -> str | None:
    """None when ``model`` reads ``document`` and writes it back without loss; else what went wrong."""
    try:
        written = parse(model, document, strict=strict).to_dict()
    except DECODING_ERRORS as error:
        return f"refused: {error!r}"
    if normal(written) != normal(document):
        return f"not lossless at {first_difference(written, document)}"
    return None
