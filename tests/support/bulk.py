"""A loopback fake Talon.One that counts every profile and referral it applies, and can hold requests.

Bulk-job tests need the server's own record of what was applied, and a way to have chunks in
flight at a known moment: after ``hold_after`` batch requests, further ones are held (applied
first when ``apply_held`` is set, so the answer is what gets lost) until ``release()``, then
answered 503.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import anyio

from talon_async.testing import FakeTalon, FakeTalonServer

API_KEY = "tk_bulk_test_key"
PROFILES_PATH = "/v2/customer_profiles"
REFERRALS_PATH = "/v1/referrals_for_multiple_advocates"


class RecordingFake:
    """A ``FakeTalon`` whose batch requests are counted per item and optionally held."""

    def __init__(self, delay: float = 0.0) -> None:
        self.fake = FakeTalon(api_key=API_KEY, seed=1)
        self.delay = delay
        self.profiles: Counter[str] = Counter()
        self.hold_after: int | None = None
        self.apply_held = False
        self.batch_requests = 0
        self.held: list[list[str]] = []
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._handle = self.fake.handle
        self.fake.handle = self._recording_handle  # type: ignore[method-assign]

    def referrals(self) -> Counter[str]:
        """How many referral codes each advocate got: the fake's own store."""
        return Counter(referral.advocate for referral in self.fake.store.referrals.values())

    def release(self) -> None:
        self._released.set()

    def wait_held(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.held) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.held)} requests held, expected {count}")
            time.sleep(0.02)

    async def _recording_handle(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        if raw_path not in (PROFILES_PATH, REFERRALS_PATH):
            return await self._handle(method, raw_path, query, headers, body)
        with self._lock:
            self.batch_requests += 1
            hold = self.hold_after is not None and self.batch_requests > self.hold_after
        await anyio.sleep(self.delay)
        if hold:
            keys = _keys(raw_path, body)
            if self.apply_held:
                await self._apply(method, raw_path, query, headers, body)
            self.held.append(keys)
            # Released from the test's thread, which an anyio.Event (bound to this loop) cannot be.
            while not self._released.is_set():  # noqa: ASYNC110
                await anyio.sleep(0.02)
            return (
                503,
                {"Content-Type": "application/json"},
                b'{"message":"held","errors":[],"StatusCode":503}',
            )
        return await self._apply(method, raw_path, query, headers, body)

    async def _apply(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        status, out_headers, content = await self._handle(method, raw_path, query, headers, body)
        if status < 300 and raw_path == PROFILES_PATH:
            self.profiles.update(_keys(raw_path, body))
        return status, out_headers, content


def _keys(raw_path: str, body: bytes) -> list[str]:
    data: Any = json.loads(body)
    if raw_path == PROFILES_PATH:
        return [profile["integrationId"] for profile in data["customerProfiles"]]
    return list(data["advocateProfileIntegrationIds"])


@contextmanager
def recording_server(delay: float = 0.0) -> Iterator[tuple[RecordingFake, str]]:
    """Serve a ``RecordingFake`` on 127.0.0.1; yield it and its base URL. Held requests end on exit."""
    recording = RecordingFake(delay)
    with FakeTalonServer(recording.fake) as server:
        try:
            yield recording, server.base_url
        finally:
            recording.release()
