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

log = logging.getLogger(__name__)
ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


@dataclass
class DayResult:
    day: dt.date
    source: str  # "api" or "landing"
    pages: int
    write: WriteResult


def ingest_range(
    connector, lake: Lake, entity: str, days: list[dt.date], force_refetch: bool = False
) -> list[DayResult]:
    platform = connector.platform
    to_fetch = [d for d in days if force_refetch or not has_pages(lake, platform, entity, d)]
    fetched: dict[dt.date, list[LandedPage]] = {}
    if to_fetch:
        if entity == "comments":
            fetched = connector.fetch_comments(to_fetch)
        else:
            fetch = getattr(connector, f"fetch_{entity}")
            fetched = {d: fetch(d) for d in to_fetch}
        for d in to_fetch:
            write_pages(lake, platform, entity, d, fetched[d])
    parse = getattr(connector, f"parse_{entity}")
    results = []
    for d in days:
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
