"""One entity of one platform over a range of days: fetch (or re-read the landing zone), land, parse, write.

A day already in the landing zone is re-derived from it without calling the API, unless a re-fetch is
forced. Every day goes through the same parser either way.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from .lake import Lake
from .landing import LandedPage, has_pages, read_pages, write_pages
from .raw_writer import WriteResult, write_partition
from .records import OutOfReach

log = logging.getLogger(__name__)
ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


@dataclass
class DayResult:
    day: dt.date
    source: str  # "api", "landing", or "out_of_reach" (the platform no longer serves the day)
    pages: int
    write: WriteResult | None  # None for a day out of reach: nothing written, nothing claimed


def _fetch(
    connector, entity: str, days: list[dt.date]
) -> tuple[dict[dt.date, list[LandedPage]], list[dt.date]]:
    """Pages per day, and the days the platform can no longer serve."""
    try:
        if entity == "comments":
            return connector.fetch_comments(days), []
        fetch = getattr(connector, f"fetch_{entity}")
        return {d: fetch(d) for d in days}, []
    except OutOfReach:
        if len(days) == 1:
            return {}, days
    fetched, unreachable = {}, []
    for d in days:  # the batch reached too far back: take the days one by one
        pages, missed = _fetch(connector, entity, [d])
        fetched.update(pages)
        unreachable += missed
    return fetched, unreachable


def ingest_range(
    connector, lake: Lake, entity: str, days: list[dt.date], force_refetch: bool = False
) -> list[DayResult]:
    platform = connector.platform
    to_fetch = [d for d in days if force_refetch or not has_pages(lake, platform, entity, d)]
    fetched, unreachable = _fetch(connector, entity, to_fetch) if to_fetch else ({}, [])
    for d in to_fetch:
        if d in fetched:
            write_pages(lake, platform, entity, d, fetched[d])
    parse = getattr(connector, f"parse_{entity}")
    results = []
    for d in days:
        if d in unreachable:
            log.warning(
                "%s/%s %s: out of the platform's reach and never landed: no partition", platform, entity, d
            )
            results.append(DayResult(d, "out_of_reach", 0, None))
            continue
        pages = fetched.get(d)
        source = "api"
        if pages is None:
            pages, source = list(read_pages(lake, platform, entity, d)), "landing"
        records, bad = parse(pages, d)
        result = write_partition(lake, platform, entity, d, records, bad)
        log.info(
            "%s/%s %s: %d pages from %s, %d written, %d quarantined",
            platform,
            entity,
            d,
            len(pages),
            source,
            result.written,
            result.quarantined,
        )
        results.append(DayResult(d, source, len(pages), result))
    return results
