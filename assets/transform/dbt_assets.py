"""dbt models as Dagster assets; dbt tests as their asset checks.

Asset keys mirror storage (warehouse/<schema>/<model>), the group of a model is its folder, and a
partition range reaches dbt as the vars start_date/end_date of ONE `dbt build`, never one run per day.
"""

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
WAREHOUSE_POOL = "warehouse_writer"  # DuckDB takes one writer at a time


def dbt_vars_for_range(start: dt.date, end_inclusive: dt.date) -> dict[str, str]:
    """The dbt vars for a partition range: the marts rebuild exactly these days."""
    if end_inclusive < start:
        raise ValueError(f"partition range ends ({end_inclusive}) before it starts ({start})")
    return {"start_date": start.isoformat(), "end_date": end_inclusive.isoformat()}


def dbt_build_args(start: dt.date, end_inclusive: dt.date) -> list[str]:
    # dbt unit tests check the SQL, not the data: they run in the test suite (tests/end_to_end), not in
    # every production run, where each would cost a round of fixture tables.
    return [
        "build",
        "--vars",
        json.dumps(dbt_vars_for_range(start, end_inclusive)),
        "--exclude-resource-type",
        "unit_test",
    ]


class SocialDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(
                dbt_resource_props
            )  # meta.dagster.asset_key: raw/<platform>/<entity>
        return dg.AssetKey(["warehouse", dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        # fqn: [project, folder, sub-folder, ..., model]; marts/<area>/x -> area, staging/<p>/x -> staging
        folders = fqn[1:-1]
        if not folders:
            return "warehouse"
        return folders[1] if folders[0] == "marts" and len(folders) > 1 else folders[0]


def build_dbt_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=SocialDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
        pool=WAREHOUSE_POOL,
    )
    def social_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        window = context.partition_time_window
        start, end = window.start.date(), window.end.date() - dt.timedelta(days=1)
        yield from dbt.cli(dbt_build_args(start, end), context=context).stream()

    return social_dbt_models
