"""The intraday_listening sensor: every few minutes, poll mentions (and comment threads) since the cursors,
detect bad buzz and live SLA breaches, deliver their alerts. Wiring only: the work is assets/listening.

The tick does its work inside the sensor evaluation instead of launching a run: a poll is a few requests
per brand and platform, and a run per tick would cost more in start-up than the poll itself. The daily
partitions are left to the daily job; the one asset it writes is the alerts table, listening/alerts, and a
tick that rewrote it reports a materialization of that key (no run: the daemon records the sensor's asset
events), so the asset's page shows when the table last changed.
"""

import datetime as dt
from collections.abc import Callable

import dagster as dg

from assets.brand_config import BrandConfig
from assets.ingest.lake import Lake
from assets.listening.dagster_assets import alerts_materialization
from assets.listening.service import run_tick

from .resources import platform_apis_from
from .settings import Settings


def build_listening_sensor(
    settings: Settings, config: BrandConfig, clock: Callable[[], dt.datetime] | None = None
) -> dg.SensorDefinition:
    """`clock`: the platforms' present (default settings.clock(); a test passes the sandbox's)."""
    cfg = settings.listening
    clock = clock or settings.clock

    @dg.sensor(
        name="intraday_listening",
        minimum_interval_seconds=cfg.interval_minutes * 60,
        default_status=dg.DefaultSensorStatus.RUNNING if cfg.enabled else dg.DefaultSensorStatus.STOPPED,
        description="Polls mentions and comments through the day; posts bad-buzz and customer-care SLA "
        "alerts to SOCIAL_LISTENING_WEBHOOK_URL and keeps them in lake/listening/alerts (docs/listening.md).",
    )
    def intraday_listening(context: dg.SensorEvaluationContext):
        apis = platform_apis_from(settings, config)
        try:
            apis.check_live_credentials()
            platforms = [p for p in apis.platforms() if not cfg.platforms or p in cfg.platforms]
            lake = Lake(settings.lake_url)
            summary = run_tick(config, cfg, apis.connector, platforms, lake, settings.state_dir, clock())
        finally:
            apis.close()
        for platform, error in summary.errors.items():
            context.log.error(f"intraday poll of {platform} failed: {error}")
        context.update_cursor(summary.now.isoformat())
        # No run is requested: the tick itself did the work, and says what it did.
        written = summary.alerts_table is not None
        return dg.SensorResult(
            skip_reason=summary.text(),
            asset_events=[alerts_materialization(lake, summary.alerts_rows, "intraday_listening")]
            if written
            else [],
        )

    return intraday_listening
