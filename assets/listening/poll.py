"""Intraday polls through the daily connectors: mentions since the cursor, comment threads in full.

Mentions: each connector's fetch_mentions(day), with its day window narrowed to start at the cursor (minus
a small overlap for posts indexed late), so only what is new is asked for; the pages land in the landing
zone beside the day's own pages (landing/<platform>/mentions/intraday/dt=<day>/<time>.ndjson.gz), never in
their place: the daily run still fetches, or re-derives, the whole day as before, so the daily partitions
and marts are unchanged. Comments: threads have no "since" on any platform, so a comments poll re-reads
the threads of the posts in the comment lookback (as the daily run does), at its own, slower cadence.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from assets.ingest.lake import Lake
from assets.ingest.landing import LandedPage, write_pages
from assets.ingest.records import fetch_since, whole_threads
from assets.ingest.sentiment import enrich

from .store import Store

log = logging.getLogger(__name__)


def intraday_landing_path(
    lake: Lake, platform: str, entity: str, day: dt.date, polled_at: dt.datetime
) -> str:
    return lake.path(
        "landing",
        platform,
        entity,
        "intraday",
        f"dt={day.isoformat()}",
        f"{polled_at.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}.ndjson.gz",
    )


def _days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    day, out = start.date(), []
    while day <= end.date():
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def _ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


@dataclass
class PollResult:
    platform: str
    entity: str
    pages: int
    records: int
    new: int


def poll_mentions(
    connector, lake: Lake, store: Store, now: dt.datetime, first_lookback: dt.timedelta, overlap, catchup
) -> PollResult:
    """Mentions created in [cursor - overlap, now) on every tracked brand; the cursor moves to now."""
    platform = connector.platform
    cursor = store.cursor(platform, "mentions")
    if cursor is None:
        since = now - first_lookback
    else:
        since = max(dt.datetime.fromtimestamp(cursor[1] / 1000, dt.UTC) - overlap, now - catchup)
    pages_total = records_total = new_total = 0
    for day in _days(since, now):
        with fetch_since(since):
            pages: list[LandedPage] = connector.fetch_mentions(day)
        write_pages(
            lake,
            platform,
            "mentions",
            day,
            pages,
            path=intraday_landing_path(lake, platform, "mentions", day, now),
        )
        records, _bad = connector.parse_mentions(pages, day)  # the daily parser; the daily run quarantines
        records = [r for r in records if since <= r["created_at"] < now]
        enrich(records)  # the raw writer's scorer, so intraday and daily agree on what is negative
        rows = [
            (
                platform,
                str(r["mention_id"]),
                r["matched_brand"],
                _ms(r["created_at"]),
                r.get("sentiment"),
                r.get("author_id"),
                r.get("text"),
                r.get("url"),
                (r.get("like_count") or 0) + (r.get("share_count") or 0),
                "intraday",
            )
            for r in records
        ]
        new_total += store.add_mentions(rows)
        pages_total += len(pages)
        records_total += len(records)
    store.advance(platform, "mentions", _ms(since), _ms(now))
    return PollResult(platform, "mentions", pages_total, records_total, new_total)


def poll_comments(connector, lake: Lake, store: Store, now: dt.datetime) -> PollResult:
    """Member comments (direct replies to a brand's post from an account that is not tracked) on the posts
    of the comment lookback, and the moment of the brand's first answer, as of now."""
    platform = connector.platform
    today = now.date()
    with whole_threads():  # X searches a thread by time: from the lookback's posts on, not from today
        pages = connector.fetch_comments([today])[today]
    write_pages(
        lake,
        platform,
        "comments",
        today,
        pages,
        path=intraday_landing_path(lake, platform, "comments", today, now),
    )
    # The brand's own account id answers; read from the account look-ups, as the daily marts do.
    snapshot_pages = connector.fetch_account_snapshots(today)
    snapshots, _ = connector.parse_account_snapshots(snapshot_pages, today)
    own = {(s["brand_id"], str(s["account_id"])) for s in snapshots}
    records = []
    for back in range(connector.lookback_days + 1):
        found, _bad = connector.parse_comments(pages, today - dt.timedelta(days=back))
        records += [r for r in found if r["created_at"] < now]
    first_reply: dict[str, int] = {}
    for r in records:
        if r.get("is_from_tracked_account") and (r["brand_id"], str(r["author_id"])) in own:
            parent, ms = str(r["parent_id"]), _ms(r["created_at"])
            first_reply[parent] = min(ms, first_reply.get(parent, ms))
    rows = {}
    for r in records:
        if r.get("is_from_tracked_account") or str(r["parent_id"]) != str(r["post_id"]):
            continue
        cid, created = str(r["comment_id"]), _ms(r["created_at"])
        reply = first_reply.get(cid)
        rows[cid] = (
            platform,
            cid,
            r["brand_id"],
            str(r["post_id"]),
            created,
            r.get("author_id"),
            r.get("text"),
            reply if reply is not None and reply >= created else None,
        )
    store.replace_comments(platform, list(rows.values()))
    store.put(f"comments_polled_ms/{platform}", _ms(now))
    return PollResult(platform, "comments", len(pages), len(records), len(rows))
