"""The daily schedule: after midnight in the agency's timezone, yesterday's UTC day and a few before it.

The days before yesterday are already in the landing zone, so they cost no API call, except their posts,
fetched again so that likes and shares counted after the post's day reach the marts (the refresh window).
"""

import datetime as dt

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.ingest.dagster_assets import REFETCH_TAG


def daily_range(scheduled: dt.datetime, refresh_days: int) -> tuple[dt.date, dt.date]:
    """The last complete UTC day at the scheduled time, and the days of the refresh window before it."""
    end = scheduled.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    return end - dt.timedelta(days=max(refresh_days, 1) - 1), end


def build_daily_schedule(job, timezone: str, refresh_days: int) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="social_daily_schedule",
        job=job,
        cron_schedule="30 1 * * *",
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"01:30 {timezone}: yesterday (UTC) and the {refresh_days - 1} days before it, posts re-fetched",
    )
    def social_daily_schedule(context: dg.ScheduleEvaluationContext):
        start, end = daily_range(context.scheduled_execution_time, refresh_days)
        return dg.RunRequest(
            run_key=end.isoformat(),
            tags={
                ASSET_PARTITION_RANGE_START_TAG: start.isoformat(),
                ASSET_PARTITION_RANGE_END_TAG: end.isoformat(),
                REFETCH_TAG: "posts",
            },
        )

    return social_daily_schedule
