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
from tests.differential.requests import check_wire, deliver, request_strategy
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond
from tests.support.official_contract import OfficialOperation, official_operations

pytestmark = pytest.mark.anyio


def _empty_answer(request: Recorded) -> Respond:
    # An error status: the facade raises it without parsing any model, so only the request matters.
    return Respond(418, {"message": "request recorded"})


@pytest.mark.parametrize("as_model", [False, True], ids=["dict-body", "model-body"])
@pytest.mark.parametrize("op", official_operations(), ids=str)
async def test_official_requests_are_expressible_and_arrive_intact(
    loopback: FaultyServer, op: OfficialOperation, as_model: bool
) -> None:
    """Every drawn official request is sent (not refused locally) and arrives valid and unchanged."""
    loopback.handler = _empty_answer
    problems = []
    async with TalonClient(loopback.url, API_KEY, max_retries=0, timeout=5.0) as talon:
        for index, request in enumerate(sample(request_strategy(op), REQUEST_EXAMPLES)):
            before = len(loopback.requests)
            refusal = await deliver(talon, op, request, as_model=as_model)
            if refusal is not None:
                problems.append(f"#{index}: {refusal}")
                continue
            assert len(loopback.requests) == before + 1
            problems += [f"#{index}: {p}" for p in check_wire(op, request, loopback.requests[-1])]
    assert not problems, "\n".join(problems[:12])
