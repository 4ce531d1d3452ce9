"""Every generated model survives the wire, and hostile JSON only ever raises the typed error."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talon_async._generated.errors import UnparsableResponse
from tests.properties.strategies import (
    JSON,
    enum_classes,
    instances,
    model_classes,
    model_settings,
    mutations,
)

MODELS = model_classes()
GENERATED_DECODE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)
"""What a generated ``from_dict`` may raise; the endpoint template wraps exactly these."""


def test_every_model_is_covered() -> None:
    """The parametrized tests below reach every model class the generator wrote."""
    from talon_async._generated import models

    enums = enum_classes()
    assert len(MODELS) + len(enums) == len(models.__all__)
    assert len(MODELS) > 100


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
@model_settings
@given(data=st.data())
def test_round_trip_through_json(cls: type[Any], data: st.DataObject) -> None:
    """``from_dict(json(to_dict(x)))`` equals ``x`` and writes the same document back."""
    instance = data.draw(instances(cls))
    document = instance.to_dict()
    wire = json.loads(json.dumps(document))
    again = cls.from_dict(wire)
    assert again == instance
    assert again.to_dict() == document


def decode(cls: type[Any], body: Any) -> Any:
    """``from_dict`` wrapped the way the endpoint template wraps it (``_build_response``)."""
    response = httpx.Response(200, json=body, request=httpx.Request("GET", "http://127.0.0.1/v1/x"))
    try:
        return cls.from_dict(response.json())
    except GENERATED_DECODE_ERRORS as exc:
        raise UnparsableResponse(response, exc) from exc


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
@model_settings
@given(data=st.data())
def test_hostile_json_raises_only_the_typed_error(cls: type[Any], data: st.DataObject) -> None:
    """Arbitrary JSON, or a valid document with one hostile spot, raises nothing but UnparsableResponse."""
    valid = json.loads(json.dumps(data.draw(instances(cls)).to_dict()))
    hostile = data.draw(JSON | mutations(valid))
    with contextlib.suppress(UnparsableResponse):
        decode(cls, hostile)
