"""When things happen: weekly and daily rhythms in a brand's own timezone, and business-hours delays."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from assets.brand_config import WEEKDAYS, BusinessHours

from .ids import MS_PER_DAY, day_start_ms, from_ms, unix_ms

HOUR_MS = 3_600_000

# Relative activity by local weekday, Monday first.
POSTING_WEEK = (0.9, 1.25, 1.3, 1.2, 0.9, 0.5, 0.35)
TALKING_WEEK = (0.95, 1.05, 1.1, 1.05, 1.0, 0.9, 0.85)

# Relative activity by local hour: brands post in office hours, people talk most in the evening.
# fmt: off
OFFICE_HOURS = (
    0, 0, 0, 0, 0, 0, 0, 0.2, 0.8, 1.0, 1.0, 0.9,
    0.6, 0.7, 0.9, 1.0, 0.8, 0.6, 0.3, 0.1, 0, 0, 0, 0,
)
EVENING_PEAK = (
    0.25, 0.12, 0.06, 0.04, 0.04, 0.08, 0.2, 0.45, 0.6, 0.55, 0.5, 0.55,
    0.7, 0.65, 0.55, 0.55, 0.6, 0.7, 0.85, 0.95, 1.0, 0.95, 0.75, 0.45,
)
# fmt: on

DEFAULT_BUSINESS_HOURS = BusinessHours(days=WEEKDAYS[:5], start=dt.time(9), end=dt.time(18))


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_noon(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The brand-local moment at noon UTC of a UTC day: its weekday and date stand for the whole day."""
    return dt.datetime.combine(day, dt.time(12), dt.UTC).astimezone(tz)


def sample_times(
    rng: random.Random, day: dt.date, tz: ZoneInfo, hour_weights: tuple[float, ...], n: int
) -> list[int]:
    """n moments (unix ms) within the UTC day, distributed by the local-hour weights (rejection sampling)."""
    start = day_start_ms(day)
    offset = int(local_noon(day, tz).utcoffset().total_seconds() * 1000)
    top = max(hour_weights)
    out = []
    while len(out) < n:
        ms = start + rng.randrange(MS_PER_DAY)
        if rng.random() * top < hour_weights[((ms + offset) // HOUR_MS) % 24]:
            out.append(ms)
    out.sort()
    return out


def burst_times(rng: random.Random, day: dt.date, peak_ms: int, spread_hours: float, n: int) -> list[int]:
    """n moments clustered around a peak (normal), kept inside the UTC day."""
    start = day_start_ms(day)
    out = []
    while len(out) < n:
        ms = int(rng.gauss(peak_ms, spread_hours * HOUR_MS))
        if start <= ms < start + MS_PER_DAY:
            out.append(ms)
    out.sort()
    return out


def add_business_hours(start_ms: int, hours: float, bh: BusinessHours, tz: ZoneInfo) -> int:
    """The moment `hours` of business time after start_ms (work paused outside business hours)."""
    remaining = int(hours * HOUR_MS)
    t = from_ms(start_ms).astimezone(tz)
    for _ in range(400):
        d = t.date()
        if WEEKDAYS[d.weekday()] in bh.days:
            opens, closes = dt.datetime.combine(d, bh.start, tz), dt.datetime.combine(d, bh.end, tz)
            t = max(t, opens)
            if t < closes:
                available = unix_ms(closes) - unix_ms(t)
                if remaining <= available:
                    return unix_ms(t) + remaining
                remaining -= available
        t = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0), tz)
    raise ValueError("business hours never open")
