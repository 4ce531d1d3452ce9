"""Requests the official contract accepts can be expressed through the facade and arrive as the contract says.

Per operation, ``REQUEST_EXAMPLES`` requests drawn from the official schemas (the same ones on every
run) are sent through TalonClient to a loopback server, with the body as a dict and as our request
model; ``tests.differential.requests`` says what is drawn and what is checked on the wire.
"""

from __future__ import annotations

import pytest

from talon_async import TalonClient
from tests.differential.budget import REQUEST_EXAMPLES
from tests.differential.cases import sample
from tests.differential.conftest import API_KEY
from tests.differential.requests import GeneratedRequest, check_wire, deliver, request_strategy
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond
from tests.support.official_contract import OfficialOperation, official_operations

pytestmark = pytest.mark.anyio
MODES = pytest.mark.parametrize("as_model", [False, True], ids=["dict-body", "model-body"])
OPERATIONS = pytest.mark.parametrize("op", official_operations(), ids=str)


def _recorded(request: Recorded) -> Respond:
    # An error status: the facade raises it without parsing any model, so only the request matters.
    return Respond(418, {"message": "request recorded"})


async def _send_all(
    loopback: FaultyServer, op: OfficialOperation, as_model: bool
) -> list[tuple[int, GeneratedRequest, str | None, Recorded | None]]:
    """(index, request, local refusal or None, what the server received or None) for each drawn request."""
    loopback.handler = _recorded
    outcomes = []
    async with TalonClient(loopback.url, API_KEY, max_retries=0, timeout=5.0) as talon:
        for index, request in enumerate(sample(request_strategy(op), REQUEST_EXAMPLES)):
            before = len(loopback.requests)
            refusal = await deliver(talon, op, request, as_model=as_model)
            sent = loopback.requests[-1] if len(loopback.requests) > before else None
            outcomes.append((index, request, refusal, sent))
    return outcomes


@MODES
@OPERATIONS
async def test_official_requests_are_expressible(
    loopback: FaultyServer, op: OfficialOperation, as_model: bool
) -> None:
    """Every drawn official request is sent: neither from_dict nor the facade refuses it locally."""
    outcomes = await _send_all(loopback, op, as_model)
    refusals = [f"#{index}: {refusal}" for index, _, refusal, _ in outcomes if refusal is not None]
    assert not refusals, "\n".join(refusals)


@MODES
@OPERATIONS
async def test_sent_requests_arrive_valid_and_intact(
    loopback: FaultyServer, op: OfficialOperation, as_model: bool
) -> None:
    """What the facade sends for a drawn official request is valid for the contract and carries its values."""
    outcomes = await _send_all(loopback, op, as_model)
    problems = []
    for index, request, refusal, sent in outcomes:
        if refusal is None:
            assert sent is not None, f"#{index}: the facade returned without sending anything"
            problems += [f"#{index}: {p}" for p in check_wire(op, request, sent)]
    assert any(sent is not None for *_, sent in outcomes), "no drawn request could be sent"
    assert not problems, "\n".join(problems[:12])
