"""What every platform's simulated API keeps: its world, URL and token, the rate limiter, the faults, the
platform's clock (its Date header) and the request count that fault injection draws from."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

from .faults import FaultConfig
from .limits import RateLimit, RateLimiter
from .world import World


class PlatformApi:
    default_rate_limit = RateLimit()

    def __init__(
        self,
        world: World,
        base_url: str,
        access_token: str | None = None,
        rate_limit: RateLimit | None = None,
        faults: FaultConfig | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.world, self.base = world, base_url.rstrip("/")
        self.access_token = access_token
        self.rule = rate_limit or self.default_rate_limit
        self.limiter = RateLimiter(self.rule, clock)
        self._clock = clock
        self.faults = faults or FaultConfig()
        self._started = (time.monotonic(), world.now.timestamp())
        self._requests = itertools.count(1)
        self._count_lock = threading.Lock()
        self.requests_seen = (
            0  # the last request number drawn: fault injection's figures are counted up to it
        )
        self._setup()

    def _setup(self) -> None:
        """A platform's own indexes and routes, built once the common state is there."""

    def server_time(self) -> float:
        """The platform's clock (its Date header): the world's `now`, moving on from when serving began.
        Rate-limit windows stay on the wall clock, since clients sleep on them."""
        if self.world.now.timestamp() != self._started[1]:
            # the world's clock was moved (World.set_now): the platform's clock moves on from there
            self._started = (time.monotonic(), self.world.now.timestamp())
        return self._started[1] + time.monotonic() - self._started[0]

    def next_request_number(self) -> int:
        with self._count_lock:
            self.requests_seen = next(self._requests)
            return self.requests_seen
