"""The bad-buzz detector on a rolling window, and the life of an incident (open, update, close).

Pure functions over negative mentions and what is known of the trailing days, so they are unit-tested
without a platform; service.py feeds them from the store.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import ListeningConfig

DAY_MS = 86_400_000
MINUTE_MS = 60_000


@dataclass
class Window:
    """One brand's rolling window at one moment."""

    at_ms: int
    volume: int  # negative mentions in [at - window, at), every watched platform together
    per_platform: dict[str, int]
    baseline: float | None  # mean of the same window on the known trailing days; None: no day known
    baseline_days: int  # how many trailing days were known
    threshold: float  # max(min_negative, k x baseline)

    @property
    def above(self) -> bool:
        return self.volume >= self.threshold


@dataclass
class Negatives:
    """Negative mentions of one brand, by platform: sorted creation times (ms)."""

    by_platform: dict[str, list[int]] = field(default_factory=dict)

    def count(self, start_ms: int, end_ms: int) -> dict[str, int]:
        out = {}
        for platform, times in self.by_platform.items():
            n = bisect_left(times, end_ms) - bisect_left(times, start_ms)
            if n:
                out[platform] = n
        return out


def grid_points(last_ms: int | None, now_ms: int, step_minutes: int, max_back_ms: int) -> list[int]:
    """The evaluation moments (multiples of the step) after the last one evaluated, up to now."""
    step = step_minutes * MINUTE_MS
    last_point = now_ms - now_ms % step
    first = last_point if last_ms is None else max(last_ms + step, last_point - max_back_ms)
    first -= first % step
    return list(range(first, last_point + 1, step))


def window_at(
    negatives: Negatives,
    at_ms: int,
    cfg: ListeningConfig,
    known: Callable[[int, int], bool],
) -> Window:
    """The window ending at `at_ms`; `known(start, end)` says whether every watched platform's mentions
    of [start, end) are known (ingested by the daily run, or covered by intraday polls)."""
    width = cfg.window_minutes * MINUTE_MS
    per_platform = negatives.count(at_ms - width, at_ms)
    past = []
    for d in range(1, cfg.baseline_days + 1):
        start, end = at_ms - width - d * DAY_MS, at_ms - d * DAY_MS
        if known(start, end):
            past.append(sum(negatives.count(start, end).values()))
    baseline = sum(past) / len(past) if past else None
    threshold = max(float(cfg.min_negative), cfg.k * baseline if baseline is not None else 0.0)
    return Window(at_ms, sum(per_platform.values()), per_platform, baseline, len(past), threshold)


def step_incident(incident: dict | None, w: Window, cfg: ListeningConfig) -> tuple[dict | None, str | None]:
    """The incident after this window, and what to tell ("open", "update", "close" or None).

    One incident per crisis: it opens when the volume reaches the threshold, is updated each time the
    volume reaches growth_factor x the volume last sent, and closes once the volume has stayed below the
    threshold for close_after_minutes (a dip of a few minutes does not close and re-open it).
    """
    if incident is None:
        if not w.above:
            return None, None
        return {
            "opened_ms": w.at_ms,
            "updated_ms": w.at_ms,
            "peak_volume": w.volume,
            "notified_volume": w.volume,
            "below_since_ms": None,
            "status": "open",
            "closed_ms": None,
        }, "open"
    inc = dict(incident)
    inc["peak_volume"] = max(inc["peak_volume"], w.volume)
    if w.above:
        inc["below_since_ms"] = None
        if w.volume >= cfg.growth_factor * inc["notified_volume"]:
            inc["notified_volume"], inc["updated_ms"] = w.volume, w.at_ms
            return inc, "update"
        return inc, None
    if inc["below_since_ms"] is None:
        inc["below_since_ms"] = w.at_ms
    if w.at_ms - inc["below_since_ms"] >= cfg.close_after_minutes * MINUTE_MS:
        inc["status"], inc["closed_ms"], inc["updated_ms"] = "closed", w.at_ms, w.at_ms
        return inc, "close"
    return inc, None


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")
