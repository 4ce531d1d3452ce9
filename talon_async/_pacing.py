"""Client-side pacing: a token bucket that slows down when the server answers 429 and recovers slowly."""

from __future__ import annotations

import anyio

from ._errors import InvalidRequestError

__all__ = ["RateLimit"]


class RateLimit:
    """At most ``rate`` requests per second, shared by every request of the client that owns it.

    ``burst`` requests may go at once after a quiet spell. With ``adaptive=True`` (the default)
    each 429 answer cuts the rate by ``decrease`` (at most once per ``1 / rate`` seconds, so a
    burst of 429s from requests already in flight counts once), down to ``min_rate``, and each
    success adds back ``recovery`` requests/s per second of successes, up to ``rate``: additive
    increase, multiplicative decrease, so a long job settles just under what the server accepts.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        adaptive: bool = True,
        min_rate: float | None = None,
        decrease: float = 0.5,
        recovery: float | None = None,
    ) -> None:
        if not rate > 0:
            raise InvalidRequestError(f"rate: {rate} is not a positive number of requests per second")
        if burst < 1:
            raise InvalidRequestError(f"burst: {burst} is less than 1")
        if not 0 < decrease < 1:
            raise InvalidRequestError(f"decrease: {decrease} is outside (0, 1)")
        self.ceiling = float(rate)
        self.burst = float(burst)
        self.adaptive = adaptive
        self.min_rate = min_rate if min_rate is not None else max(self.ceiling / 100, 0.1)
        self.decrease = decrease
        self.recovery = recovery if recovery is not None else self.ceiling / 50
        self.rate = self.ceiling
        self.throttled_count = 0
        self._next = 0.0
        self._calm_after = 0.0

    def __repr__(self) -> str:
        return f"RateLimit(rate={self.ceiling:g}, current={self.rate:.3g}, burst={self.burst:g})"

    async def acquire(self) -> None:
        """Wait for this request's turn."""
        now = anyio.current_time()
        # Reserving a slot before sleeping keeps waiters in arrival order without a lock.
        start = max(self._next, now - (self.burst - 1) / self.rate)
        self._next = start + 1 / self.rate
        if start > now:
            await anyio.sleep(start - now)

    def observe(self, status: int) -> None:
        """Learn from one answer: 429 slows down, a success speeds back up."""
        if not self.adaptive:
            return
        if status == 429:
            self.throttled_count += 1
            now = anyio.current_time()
            if now >= self._calm_after:
                self.rate = max(self.min_rate, self.rate * self.decrease)
                self._calm_after = now + 1 / self.rate
                # Requests already reserved at the old pace would keep hammering: push them out.
                self._next = max(self._next, now + 1 / self.rate)
        elif status < 400 and self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self.recovery / self.rate)
