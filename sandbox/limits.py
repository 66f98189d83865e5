"""Mastodon-style rate limiting: a fixed window aligned on the clock, reported on every response."""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    limit: int = 100_000  # generous: a normal pipeline run is never throttled
    period_seconds: int = 300  # Mastodon's API window is 5 minutes


@dataclass(frozen=True)
class Quota:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # epoch seconds when the window resets
    now: float

    def headers(self) -> list[tuple[str, str]]:
        reset = dt.datetime.fromtimestamp(self.reset_at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", reset),
        ]

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - self.now))


class RateLimiter:
    def __init__(self, rule: RateLimit | None = None, clock: Callable[[], float] = time.time):
        rule = rule or RateLimit()
        if rule.limit < 1 or rule.period_seconds < 1:
            raise ValueError(f"rate limit needs a positive limit and period, got {rule}")
        self.rule, self._clock = rule, clock
        self._lock = threading.Lock()
        self._window = -1.0
        self._count = 0

    def hit(self) -> Quota:
        """Count one request and say whether it is within the limit."""
        with self._lock:
            now = self._clock()
            window = math.floor(now / self.rule.period_seconds) * self.rule.period_seconds
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            return Quota(
                self._count <= self.rule.limit,
                self.rule.limit,
                max(0, self.rule.limit - self._count),
                window + self.rule.period_seconds,
                now,
            )
