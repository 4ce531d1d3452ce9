"""Generated official answers travel through TalonClient over real loopback HTTP on both transports.

Per operation, ``END_TO_END_SAMPLES`` generated success documents (the same ones on every run) and one
generated document per error status are served by a loopback server; under asyncio the client
reads them through aiohttp, under trio through httpcore. A success body must come back as the
model, losslessly; an error body must raise the status error, not a validation error.
"""

from __future__ import annotations

from typing import Any

import pytest

from talon_async import APIResponseValidationError, APIStatusError, TalonClient
from tests.differential.budget import END_TO_END_SAMPLES
from tests.differential.calls import minimal_call
from tests.differential.cases import ResponseCase, response_cases, sample
from tests.differential.conftest import API_KEY
from tests.differential.lossless import first_difference, normal
from tests.reliability.faulty_server import FaultyServer, Recorded, Respond

pytestmark = pytest.mark.anyio

SUCCESS = [c for c in response_cases() if c.status < 300]
ERRORS = [c for c in response_cases() if c.status >= 400]


def answer(server: FaultyServer, status: int, document: Any) -> None:
    def respond(request: Recorded) -> Respond:
        return Respond(status, document)

    server.handler = respond


def client(server: FaultyServer) -> TalonClient:
    return TalonClient(server.url, API_KEY, max_retries=0, timeout=5.0)


@pytest.mark.parametrize("case", SUCCESS, ids=lambda c: c.id)
async def test_generated_success_answer_comes_back_as_the_model(
    loopback: FaultyServer, case: ResponseCase
) -> None:
    """Each sampled official success document is returned as our model and writes back unchanged."""
    call = minimal_call(case.operation.operation_id)
    async with client(loopback) as talon:
        for document in sample(case.documents(), END_TO_END_SAMPLES):
            answer(loopback, case.status, document)
            result = await call.send(talon)
            written = result.to_dict()
            assert normal(written) == normal(document), first_difference(written, document)
    assert len(loopback.requests) == END_TO_END_SAMPLES


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c.id)
async def test_generated_error_answer_raises_the_status_error(
    loopback: FaultyServer, case: ResponseCase
) -> None:
    """A sampled official error document raises the status's APIStatusError carrying the body as sent."""
    call = minimal_call(case.operation.operation_id)
    (document,) = sample(case.documents(), 1)
    answer(loopback, case.status, document)
    async with client(loopback) as talon:
        with pytest.raises(APIStatusError) as raised:
            await call.send(talon)
    assert not isinstance(raised.value, APIResponseValidationError)
    assert raised.value.status_code == case.status
    assert raised.value.body == document
