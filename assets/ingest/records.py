"""What every connector's parser needs: the UTC day window, timestamps, the server's clock, quarantine entries."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from html.parser import HTMLParser

from .landing import LandedPage


class OutOfReach(Exception):
    """The platform can no longer serve this day (X's recent search reaches 7 days back, for instance).

    Such a day is not "nothing happened": it is left without a partition, and said so, unless the landing
    zone already holds it.
    """

    def __init__(self, message: str, days: list[dt.date] | None = None):
        super().__init__(message)
        self.days = days or []


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a UTC day: the window of one daily partition (from `since` inside fetch_since)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    since = _SINCE.get()
    return (start, end) if since is None else (min(max(start, since), end), end)


# Intraday polling asks a connector for a day "from `since` on" through the same fetch_<entity>(day) code:
# every connector takes its window from day_bounds, so narrowing it here reaches each platform's own
# window parameters (since/until, start_time, min ids, page walks that stop before the start).
_SINCE: ContextVar[dt.datetime | None] = ContextVar("fetch_since", default=None)


@contextmanager
def fetch_since(since: dt.datetime) -> Iterator[None]:
    """Within this block, day windows start no earlier than `since` (a UTC time)."""
    token = _SINCE.set(since.astimezone(dt.UTC))
    try:
        yield
    finally:
        _SINCE.reset(token)


# A thread read by a time-windowed search (X's conversation search) normally starts at the day it serves:
# the daily run wants that day's replies only. An intraday comments poll needs every reply since the posts
# of the lookback were made (yesterday's comment still unanswered today), so it asks for whole threads.
_WHOLE_THREADS: ContextVar[bool] = ContextVar("whole_threads", default=False)


@contextmanager
def whole_threads() -> Iterator[None]:
    """Within this block, time-windowed thread reads start at the lookback's first post, not the day."""
    token = _WHOLE_THREADS.set(True)
    try:
        yield
    finally:
        _WHOLE_THREADS.reset(token)


def whole_threads_wanted() -> bool:
    return _WHOLE_THREADS.get()


# No social post predates this, and none is dated a year past this machine's clock: a timestamp outside is
# corrupt. Said so (quarantined), rather than silently left out by every day's window.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE_LIMIT = dt.timedelta(days=366)


def parse_time(value: object) -> dt.datetime:
    """An ISO 8601 timestamp with its offset (or Z), as UTC; anything else is an error worth quarantining."""
    if not isinstance(value, str):
        raise ValueError(f"timestamp is not a string: {value!r}")
    t = dt.datetime.fromisoformat(value)
    if t.tzinfo is None:
        raise ValueError(f"timestamp has no timezone: {value!r}")
    t = t.astimezone(dt.UTC)
    if not EARLIEST <= t <= dt.datetime.now(dt.UTC) + FUTURE_LIMIT:
        raise ValueError(f"timestamp out of range: {value!r}")
    return t


def time_or_none(value: object, parse=None) -> dt.datetime | None:
    """A timestamp for choosing what to fetch next; None when unreadable (the parser quarantines that record)."""
    try:
        return (parse or parse_time)(value)
    except (TypeError, ValueError):
        return None


def observed_at(page: LandedPage) -> dt.datetime:
    """When the server answered: its Date header (the platform's clock), else our fetch time.

    Follower counts are only ever "as of now": this is the time a snapshot stands for.
    """
    date = next((v for k, v in page.headers.items() if k.lower() == "date"), None)
    if date:
        return email.utils.parsedate_to_datetime(date).astimezone(dt.UTC)
    return parse_time(page.fetched_at)


def snapshot_counts_for(day: dt.date, page: LandedPage) -> bool:
    """A count observed during the day or the day after stands for that day; older days get none."""
    return observed_at(page).date() in (day, day + dt.timedelta(days=1))


def quarantined(record: object, page: LandedPage, exc: Exception) -> dict:
    """A quarantine entry: the record as received, why it could not be mapped, and the page it came from."""
    rid = record.get("id") if isinstance(record, dict) else None
    what = f"missing field {exc}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
    return {
        "record_id": None if rid is None else str(rid),
        "reason": what,
        "record": record,
        "source_url": page.url,
    }


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """Mastodon serves status text as HTML; marts want what a reader sees."""
    if "<" not in content:
        return html.unescape(content)
    p = _TextExtractor()
    p.feed(content)
    p.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(p.parts)).strip()
