"""Mastodon snowflake ids: (unix milliseconds << 16) | sequence, so ids sort with creation time."""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MS_PER_DAY = 86_400_000


def unix_ms(ts: dt.datetime) -> int:
    return (ts - EPOCH) // dt.timedelta(milliseconds=1)


def from_ms(ms: int) -> dt.datetime:
    return EPOCH + dt.timedelta(milliseconds=ms)


def snowflake(ms: int, seq: int = 0) -> int:
    if not 0 <= seq < 1 << 16:
        raise ValueError(f"sequence {seq} does not fit in 16 bits")
    return (ms << 16) | seq


def id_for(ts: dt.datetime) -> int:
    """The smallest id a status created at ts can have: a max_id bound for 'before ts'."""
    return snowflake(unix_ms(ts))


def ms_of(status_id: int) -> int:
    return status_id >> 16


def day_of_ms(ms: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=ms // MS_PER_DAY)


def day_start_ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * MS_PER_DAY


def epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def iso_ms(ms: int) -> str:
    """Mastodon's created_at format: 2026-11-01T10:20:30.123Z."""
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
