"""Freshness: a warning when a platform's newest data is older than expected.

It reads the newest day partition of the platform's mentions (the stream that never stops for a brand
people talk about) and compares its newest record with the clock. It warns rather than blocks: stale data
is worth a look, not a reason to withhold numbers that passed their checks.
"""

import datetime as dt

import dagster as dg
import pyarrow.parquet as pq

from assets.ingest.lake import Lake


def newest_record(lake: Lake, platform: str, entity: str) -> dt.datetime | None:
    folder = lake.path("raw", platform, entity)
    if not lake.exists(folder):
        return None
    days = sorted((p for p in lake.fs.ls(folder, detail=False) if "dt=" in p), reverse=True)
    for day in days:  # the newest partition with any record
        path = f"{day}/part-0.parquet"
        if not lake.exists(path):
            continue
        with lake.fs.open(path, "rb") as fh:
            column = pq.read_table(fh, columns=["created_at"]).column("created_at")
        if len(column):
            return max(column.to_pylist())
    return None


def build_freshness_check(platform: str, entity: str = "mentions") -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", platform, entity]),
        name="freshness",
        blocking=False,
        description=f"warns when the newest {platform} {entity} record is older than SOCIAL_FRESHNESS_HOURS",
        required_resource_keys={"settings", "lake"},
    )
    def freshness(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        settings = context.resources.settings
        now = settings.clock()
        newest = newest_record(context.resources.lake, platform, entity)
        age_hours = None if newest is None else (now - newest).total_seconds() / 3600
        fresh = age_hours is not None and age_hours <= settings.freshness_hours
        return dg.AssetCheckResult(
            passed=fresh,
            severity=dg.AssetCheckSeverity.WARN,
            description=None
            if fresh
            else f"newest {platform} {entity} record "
            + (
                "missing"
                if newest is None
                else f"is {age_hours:.0f} h old (expected ≤ {settings.freshness_hours} h)"
            ),
            metadata={
                "newest_record_at": None if newest is None else newest.isoformat(),
                "age_hours": None if age_hours is None else round(age_hours, 1),
                "max_age_hours": settings.freshness_hours,
                "as_of": now.isoformat(),
            },
        )

    return freshness
