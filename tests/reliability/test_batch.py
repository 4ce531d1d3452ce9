"""A batch of 50,000 profiles with three chunks failing, checked against the server's own record.

The server fails every request whose first profile opens chunk 7 (400), 23 (500) or 41 (503 on
every attempt) and records every body it receives, so the test can prove that the result names
exactly the failed items and that every other item arrived exactly once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import anyio
import pytest

import talon_async
from talon_async import ChunkResult
from tests.reliability.conftest import client_for
from tests.reliability.faulty_server import Action, FaultyServer, Recorded, Respond

pytestmark = pytest.mark.anyio

PROFILES = 50_000
CHUNK = 1000
FAILURES: dict[int, tuple[Respond, type[talon_async.APIStatusError]]] = {
    7: (Respond(400, {"message": "invalid attribute", "errors": []}), talon_async.BadRequestError),
    23: (Respond(500, {"message": "boom"}), talon_async.InternalServerError),
    41: (Respond(503, {"message": "unavailable"}), talon_async.InternalServerError),
}


def integration_id(n: int) -> str:
    return f"p-{n:05d}"


def chunk_of(request: Recorded) -> int:
    first = request.json()["customerProfiles"][0]["integrationId"]
    return int(first.removeprefix("p-")) // CHUNK


def profiles_endpoint(request: Recorded) -> Action:
    failure = FAILURES.get(chunk_of(request))
    if failure is not None:
        return failure[0]
    return Respond(204, b"", content_type=None)


async def test_fifty_thousand_profiles_with_three_failed_chunks(
    anyio_backend: str, server: FaultyServer
) -> None:
    """The result names exactly the 3,000 failed items; the other 47,000 reached the server exactly once."""
    server.handler = profiles_endpoint
    items: list[dict[str, Any]] = [
        {"integrationId": integration_id(n), "attributes": {"n": n}} for n in range(PROFILES)
    ]
    progress: list[ChunkResult[Any]] = []
    with anyio.fail_after(120):
        async with client_for(server, max_retries=2) as talon:
            result = await talon.batch_update_customer_profiles(
                items, concurrency=4, on_progress=progress.append
            )

    assert not result.ok
    assert result.item_count == PROFILES
    assert [c.index for c in result.chunks] == list(range(PROFILES // CHUNK))
    assert [c.index for c in result.failed_chunks] == sorted(FAILURES)
    for chunk in result.failed_chunks:
        assert isinstance(chunk.error, FAILURES[chunk.index][1])
        assert chunk.error.status_code == FAILURES[chunk.index][0].status
    failed_ids = [item["integrationId"] for item in result.failed_items]
    assert failed_ids == [
        integration_id(n) for k in sorted(FAILURES) for n in range(k * CHUNK, (k + 1) * CHUNK)
    ]
    assert len(progress) == PROFILES // CHUNK

    # The server's own record: what each request carried, and how it was answered.
    delivered: Counter[str] = Counter()
    attempts_on_failed: Counter[int] = Counter()
    for request in server.requests:
        body = request.json()
        assert request.method == "PUT"
        assert request.target == "/v2/customer_profiles?silent=yes"
        assert len(body["customerProfiles"]) <= CHUNK
        chunk = chunk_of(request)
        if chunk in FAILURES:
            attempts_on_failed[chunk] += 1
            continue
        for profile in body["customerProfiles"]:
            assert profile["attributes"] == {"n": int(profile["integrationId"].removeprefix("p-"))}
            delivered[profile["integrationId"]] += 1
    expected_ok = {integration_id(n) for n in range(PROFILES)} - set(failed_ids)
    assert set(delivered) == expected_ok
    assert set(delivered.values()) == {1}
    # 400 and 500 are final; 503 is retried until max_retries runs out.
    assert attempts_on_failed == {7: 1, 23: 1, 41: 3}
    assert server.request_count == len(server.requests) == 47 + 1 + 1 + 3
