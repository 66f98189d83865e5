"""The one Dagster Definitions of the project (workspace.yaml points here). Wiring only."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.brand_config import load_brand_config
from assets.ingest.dagster_assets import build_platform_assets, reference_tables
from assets.ingest.lake import Lake
from assets.ingest.platform_apis import SUPPORTED
from assets.listening.dagster_assets import listening_alerts
from assets.publish.dagster_assets import build_publish_assets
from assets.publish.warehouse import MART_SCHEMAS
from assets.quality.freshness import build_freshness_check
from assets.quality.mart_checks import build_mart_checks
from assets.transform.dbt_assets import build_dbt_assets, dbt_project

from .campaign_audit import build_campaign_audit_job
from .executor import job_executor
from .listening import build_listening_sensor
from .resources import platform_apis_resource
from .schedules import build_daily_schedule
from .sensors import build_alert_sensors
from .settings import load_settings


def _dbt_executable() -> str:
    """The dbt of this interpreter's environment, even when the virtualenv is not activated."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


settings = load_settings()
brand_config = load_brand_config(settings.brands_file)

# dbt runs as a subprocess and reads these from its environment (profiles.yml, sources).
os.environ["SOCIAL_LAKE_URL"] = settings.lake_url
os.environ["SOCIAL_WAREHOUSE_PATH"] = str(settings.warehouse_path)
settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)

daily = dg.DailyPartitionsDefinition(start_date=settings.partitions_start.isoformat(), timezone="UTC")

platforms = [p for p in SUPPORTED if brand_config.accounts_on(p)]
raw_assets = [a for p in platforms for a in build_platform_assets(p, daily)]
dbt_models = build_dbt_assets(daily)
mart_keys = [k for k in dbt_models.keys if k.path[0] == "warehouse" and k.path[1] in MART_SCHEMAS]
# The gate reads the whole graph to find every check upstream of the publication; resolved at run time.
publish_assets = build_publish_assets(mart_keys, lambda: defs.resolve_asset_graph())

social_daily = dg.define_asset_job(
    "social_daily",
    selection=dg.AssetSelection.all(),
    # one process, no per-step re-import of the code location; SOCIAL_EXECUTOR=k8s: a pod per step (cluster)
    executor_def=job_executor(),
    description="Ingest every platform, build the dbt marts, gate, publish and build the dashboards.",
)

checks = [*build_mart_checks(mart_keys), *(build_freshness_check(p) for p in platforms)]

defs = dg.Definitions(
    assets=[reference_tables, listening_alerts, *raw_assets, dbt_models, *publish_assets],
    asset_checks=checks,
    sensors=[
        *build_alert_sensors(settings.alert_webhook_url),
        build_listening_sensor(settings, brand_config),
    ],
    jobs=[social_daily, build_campaign_audit_job([c.name for c in brand_config.campaigns])],
    schedules=[
        build_daily_schedule(social_daily, brand_config.default_timezone, settings.metrics_refresh_days)
    ],
    resources={
        "settings": dg.ResourceDefinition.hardcoded_resource(settings),
        "brand_config": dg.ResourceDefinition.hardcoded_resource(brand_config),
        "lake": dg.ResourceDefinition.hardcoded_resource(Lake(settings.lake_url)),
        "platform_apis": platform_apis_resource(settings, brand_config),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=_dbt_executable()),
    },
)
