"""The generator behind the differential suite draws only documents the prepared official schemas accept."""

from __future__ import annotations

import jsonschema
import pytest

from tests.differential.cases import ResponseCase, response_cases, sample
from tests.differential.lossless import instant
from tests.differential.requests import request_strategy
from tests.support.json_strategies import UnsupportedSchema, strategy
from tests.support.official_contract import (
    DATE_TIME_FORMAT,
    OfficialOperation,
    official_operations,
    prepare,
)

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks(DATE_TIME_FORMAT)
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or instant(value) is not None


@pytest.mark.parametrize("case", response_cases(), ids=lambda c: c.id)
def test_drawn_responses_validate_against_the_prepared_schema(case: ResponseCase) -> None:
    """Three drawn answers of each case validate against the schema they were drawn from."""
    validator = jsonschema.Draft202012Validator(case.schema, format_checker=FORMATS)
    for document in sample(case.documents(), 3):
        validator.validate(document)


@pytest.mark.parametrize("op", [o for o in official_operations() if o.body is not None], ids=str)
def test_drawn_request_bodies_validate_against_the_prepared_schema(op: OfficialOperation) -> None:
    """Three drawn request bodies of each operation validate against the official request schema."""
    assert op.body is not None
    validator = jsonschema.Draft202012Validator(prepare(op.body, for_request=True), format_checker=FORMATS)
    for request in sample(request_strategy(op), 3):
        validator.validate(request.body)


def test_prepare_merges_all_of_and_keeps_required_names_declared_in_siblings() -> None:
    """An allOf of objects becomes one closed object; required names survive when a sibling declares them."""
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["a", "ghost"], "properties": {"b": {"type": "integer"}}},
        ]
    }
    assert prepare(schema) == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"],
        "additionalProperties": False,
    }


def test_prepare_turns_one_of_into_any_of_and_always_null_into_a_type_list() -> None:
    """Identical oneOf branches stay satisfiable, and x-always-null admits null."""
    schema = {
        "type": "object",
        "properties": {
            "p": {"oneOf": [{"type": "string"}, {"type": "string"}]},
            "q": {"type": "array", "x-always-null": True, "items": {"type": "integer"}},
        },
    }
    prepared = prepare(schema)
    assert prepared["properties"]["p"] == {"anyOf": [{"type": "string"}, {"type": "string"}]}
    assert prepared["properties"]["q"] == {"type": ["array", "null"], "items": {"type": "integer"}}


def test_unknown_keywords_are_refused_not_ignored() -> None:
    """A keyword the generator does not implement raises instead of being silently ignored."""
    with pytest.raises(UnsupportedSchema):
        strategy({"type": "string", "contentEncoding": "base64"})
