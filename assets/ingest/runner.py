"""One entity of one platform over a range of days: fetch (or re-read the landing zone), land, parse, write.

A day already in the landing zone is re-derived from it without calling the API, unless a re-fetch is
forced. Every day goes through the same parser either way.

A day that cannot be fetched, read or written (an answer that is not UTF-8, a corrupt landing file, records
that break the canonical schema) fails alone: the other days land, and the failed one keeps its previous
partition and is reported with its cause (DayResult.error). When the cause may pass (the platform still
refusing or unreachable after the HTTP core's retries), or when every day failed, the error is raised once
the other days are landed and written: the step fails and Dagster's retry policy runs it again, re-deriving
those days from the landing zone and asking the API only for the missing one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from .http_core import RETRY_STATUSES, ApiError
from .lake import Lake
from .landing import LandedPage, has_pages, read_pages, write_pages
from .raw_writer import WriteResult, write_partition
from .records import OutOfReach

log = logging.getLogger(__name__)
ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


@dataclass
class DayResult:
    day: dt.date
    source: str  # "api", "landing", "out_of_reach" (the platform no longer serves the day) or "failed"
    pages: int
    write: WriteResult | None  # None for a day out of reach or failed: nothing written, nothing claimed
    error: str | None = None  # why the day failed: the previous partition, if any, stays as it was


def _fetch(
    connector, entity: str, days: list[dt.date], failed: dict[dt.date, str], transient: list[dt.date]
) -> tuple[dict[dt.date, list[LandedPage]], list[dt.date]]:
    """Pages per day, and the days the platform can no longer serve; days that failed go to `failed` (and
    to `transient` when trying again later may help)."""
    try:
        if entity == "comments":
            return connector.fetch_comments(days), []
        if len(days) > 1 and hasattr(connector, f"fetch_{entity}_range"):
            # One walk for the whole range where a platform pages newest first with no time filter.
            return getattr(connector, f"fetch_{entity}_range")(days), []
        if len(days) == 1:
            return {days[0]: getattr(connector, f"fetch_{entity}")(days[0])}, []
    except OutOfReach:
        if len(days) == 1:
            return {}, days
    except Exception as exc:
        if len(days) == 1:
            failed[days[0]] = _cause(exc)
            if _transient(exc):
                transient.append(days[0])
            return {}, []
    fetched, unreachable = {}, []
    for d in days:  # one by one: a day out of reach or failing does not take the others with it
        pages, missed = _fetch(connector, entity, [d], failed, transient)
        fetched.update(pages)
        unreachable += missed
    return fetched, unreachable


def _cause(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _transient(exc: Exception) -> bool:
    """Still refused (429, 5xx) or unreachable after the HTTP core's own retries: may pass later."""
    return isinstance(exc, ApiError) and (exc.status is None or exc.status in RETRY_STATUSES)


def ingest_range(
    connector, lake: Lake, entity: str, days: list[dt.date], force_refetch: bool = False
) -> list[DayResult]:
    platform = connector.platform
    to_fetch = [d for d in days if force_refetch or not has_pages(lake, platform, entity, d)]
    failed: dict[dt.date, str] = {}
    transient: list[dt.date] = []
    fetched, unreachable = _fetch(connector, entity, to_fetch, failed, transient) if to_fetch else ({}, [])
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
        try:
            if d in failed:
                raise _DayFailed(failed[d])
            if pages is None:
                pages, source = list(read_pages(lake, platform, entity, d)), "landing"
            records, bad = parse(pages, d)
            result = write_partition(lake, platform, entity, d, records, bad)
        except Exception as exc:
            error = str(exc) if isinstance(exc, _DayFailed) else _cause(exc)
            log.error("%s/%s %s: failed, its previous partition stays: %s", platform, entity, d, error)
            results.append(DayResult(d, "failed", len(pages or ()), None, error))
            continue
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
    failures = [r for r in results if r.error]
    if failures and (len(failures) == len(results) or transient):
        what = "every day failed" if len(failures) == len(results) else "failed for now, to be tried again"
        raise RuntimeError(
            f"{platform}/{entity}: {what}; " + "; ".join(f"{r.day}: {r.error}" for r in failures[:3])
        )
    return results


class _DayFailed(Exception):
    """A day whose fetch failed (the cause, already worded, is the message)."""
