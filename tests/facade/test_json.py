"""``decode_json`` and ``encode_json`` agree with the standard library, with or without orjson."""

from __future__ import annotations

import datetime
import enum
import json
import math
import uuid

import pytest

from talon_async import _json
from talon_async._json import decode_json, encode_json


class Kind(enum.Enum):
    CLICK = "click"


class Level(enum.IntEnum):
    HIGH = 3


# Documents orjson alone would refuse, and numbers at the edges of the 64-bit range.
EDGES = [
    b'{"a": 1, "a": 2}',
    b'{"max": 18446744073709551615, "min": -9223372036854775808}',
    b'"\\ud800"',
    b"\xef\xbb\xbf{}",
    b"[NaN, Infinity, -Infinity]",
    b"[1E400, -1E400, 1e-400]",
    b'{"s": "1234567890123456789012", "x": 0.1, "y": -0.0}',
    b'{"nested": [[[{"k": null, "t": true, "f": false}]]]}',
]
REFUSED = [b"[1,]", b'"\xff"', b"", b"{"]


@pytest.fixture(params=["orjson", "stdlib"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stdlib":
        monkeypatch.setattr(_json, "_orjson", None)
    else:
        assert _json._orjson is not None, "the dev environment installs the orjson extra"
    return str(request.param)


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or repr(left) == repr(right)
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


@pytest.mark.parametrize("document", EDGES)
def test_decodes_like_json_loads(parser: str, document: bytes) -> None:
    """Each edge document decodes to the values and types of ``json.loads`` (64-bit integers stay exact)."""
    assert _same(decode_json(document), json.loads(document))


@pytest.mark.parametrize(
    "literal", [b"18446744073709552000", b"-9223372036854775809", b"123456789012345678901234567890"]
)
def test_integer_literals_beyond_64_bits_are_the_servers_double_with_orjson(
    parser: str, literal: bytes
) -> None:
    """Beyond 64 bits, orjson gives the double such a literal writes out; ``json.loads`` alone an int."""
    value = decode_json(b'{"attributes": {"big": ' + literal + b"}}")["attributes"]["big"]
    if parser == "orjson":
        assert type(value) is float
        assert value == float(literal)
    else:
        assert type(value) is int
        assert value == int(literal)


@pytest.mark.parametrize("document", REFUSED)
def test_refuses_like_json_loads(parser: str, document: bytes) -> None:
    """A document ``json.loads`` refuses is refused with the same exception class."""
    try:
        json.loads(document)
    except ValueError as exc:
        expected: type[ValueError] = type(exc)
    else:
        pytest.fail("json.loads accepted a document listed as refused")
    with pytest.raises(expected):
        decode_json(document)


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


# Bodies where orjson alone would write something json refuses, or refuse what json writes.
ENCODABLE = [
    {"attributes": {"big": 2**70, "neg": -(2**64)}},
    {1: "int key", None: "null key"},
    {"deep": _nested(300)},
    {"s": "é ✓ \u2028", "n": None, "f": 0.1, "e": 1e16, "small": 1.5e-7, "t": (1, 2)},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "kind": Kind.CLICK, "num": Level.HIGH},
]
UNENCODABLE = [
    {"x": float("nan")},
    {"x": [float("inf")]},
    {"when": datetime.datetime(2026, 1, 1)},
    {"what": {1, 2}},
    {"raw": b"bytes"},
    {"lone": "\ud800"},
]


@pytest.mark.parametrize("document", ENCODABLE)
def test_encodes_to_the_same_document_as_json(parser: str, document: object) -> None:
    """Each body encodes to JSON that reads back as the standard library's own encoding of it."""
    reference = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_json.as_json_value)
    assert json.loads(encode_json(document)) == json.loads(reference)


@pytest.mark.parametrize("document", UNENCODABLE)
def test_refuses_what_json_refuses(parser: str, document: object) -> None:
    """NaN, infinities, datetimes, sets, bytes and lone surrogates are refused with or without orjson."""
    with pytest.raises((ValueError, TypeError)):
        encode_json(document)
