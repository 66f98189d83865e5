"""Business time in a brand's own timezone, as the customer-care marts measure it (macros/customer_care):
the minutes of business hours between two moments, counted on the local wall clock day by day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from assets.brand_config import WEEKDAYS, BusinessHours


def _minute_of_day(t: dt.datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6


def business_minutes_between(start: dt.datetime, end: dt.datetime, hours: BusinessHours, tz: str) -> float:
    """Minutes of business hours in [start, end] (UTC-aware moments); 0 when end <= start."""
    if end <= start:
        return 0.0
    zone = ZoneInfo(tz)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    opens = hours.start.hour * 60 + hours.start.minute
    closes = hours.end.hour * 60 + hours.end.minute
    total, day = 0.0, local_start.date()
    while day <= local_end.date():
        if WEEKDAYS[day.weekday()] in hours.days:
            upper = min(_minute_of_day(local_end) if day == local_end.date() else 1440, closes)
            lower = max(_minute_of_day(local_start) if day == local_start.date() else 0, opens)
            total += max(0.0, upper - lower)
        day += dt.timedelta(days=1)
    return total


def in_business_hours(t: dt.datetime, hours: BusinessHours, tz: str) -> bool:
    local = t.astimezone(ZoneInfo(tz))
    if WEEKDAYS[local.weekday()] not in hours.days:
        return False
    return hours.start <= local.time().replace(tzinfo=None) < hours.end


def past_sla(created: dt.datetime, now: dt.datetime, sla_hours: float, hours: BusinessHours, tz: str) -> bool:
    """Whether an unanswered comment has passed its SLA deadline by `now` (fct_comment_responses'
    cutoff_past_deadline): more business time than the SLA, or exactly that much with `now` outside hours."""
    elapsed = business_minutes_between(created, now, hours, tz)
    return elapsed > sla_hours * 60 or (elapsed >= sla_hours * 60 and not in_business_hours(now, hours, tz))
