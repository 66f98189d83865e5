"""published/warehouse (gated) and published/dashboards/<page>, one asset per page (from the published copy only)."""

from collections.abc import Callable, Sequence

import dagster as dg

from assets.transform.dbt_assets import WAREHOUSE_POOL

from .dashboards import PAGES, build
from .gate import check_states, require_open_gate, upstream_check_keys, waiting_only
from .warehouse import publish, published_db

PUBLISHED_WAREHOUSE = dg.AssetKey(["published", "warehouse"])
# The asset key mirrors the file: <publish_dir>/dashboards/<page>.html
DASHBOARD_KEYS = {p.slug: dg.AssetKey(["published", "dashboards", p.slug]) for p in PAGES}
COMMUNITY_OVERVIEW = DASHBOARD_KEYS["community"]
# An overlapping run's checks still to come: look again every 20 s for up to an hour before failing.
GATE_WAIT_SECONDS, GATE_WAIT_RETRIES = 20, 180


def build_publish_assets(
    mart_keys: Sequence[dg.AssetKey], asset_graph: Callable[[], object]
) -> list[dg.AssetsDefinition]:
    """asset_graph: returns the code location's asset graph when called (at run time, once it exists)."""

    @dg.asset(
        key=PUBLISHED_WAREHOUSE,
        deps=list(mart_keys),
        group_name="publish",
        kinds={"duckdb", "parquet"},
        pool=WAREHOUSE_POOL,
        description="Read-only DuckDB file + Parquet per mart for BI tools; replaced atomically, and only when "
        "the latest result of every upstream check passed, whichever run produced it. With the lake on S3, "
        "the Parquet files are published there too (<lake>/published/current.json names the version).",
        required_resource_keys={"settings", "lake"},
    )
    def published_warehouse(context: dg.AssetExecutionContext):
        settings = context.resources.settings
        lake = context.resources.lake
        blocking, advisory = upstream_check_keys(asset_graph(), PUBLISHED_WAREHOUSE)
        # the other steps that write the warehouse: another run that has started one has changed the data
        writers = frozenset(
            n.name
            for n in context.job_def.graph.node_dict.values()
            if getattr(n.definition, "pool", None) == WAREHOUSE_POOL and n.name != context.op.name
        )
        states = check_states(context.instance, blocking, context.run.run_id, writers)
        if waiting_only(states) and context.retry_number < GATE_WAIT_RETRIES:
            # another run rebuilt the warehouse and its checks are still running: step out of the pool
            # (so that run can go on) and look again, rather than fail an overlapping run
            pending = sorted({s.run_id for s in states if s.status == "pending"})
            context.log.info(f"waiting for the checks of run(s) {pending} to finish")
            raise dg.RetryRequested(max_retries=GATE_WAIT_RETRIES, seconds_to_wait=GATE_WAIT_SECONDS)
        require_open_gate(states)
        notes = [
            s
            for s in check_states(context.instance, advisory, context.run.run_id, writers)
            if s.status not in ("passed", "never_ran")
        ]
        pub = publish(
            settings.warehouse_path,
            settings.publish_dir,
            {
                "gate_status": "passed",
                "checks_passed": len(states),
                "checks_warned": [s.describe() for s in notes],
                "run_id": context.run.run_id,
            },
            remote=None if lake.is_local else lake,
        )
        remote = {"parquet_url": pub.remote_parquet} if pub.remote_parquet else {}
        return dg.MaterializeResult(
            metadata={
                "version": pub.version,
                "tables": pub.tables,
                "blocking_checks_passed": len(states),
                "advisory_checks_not_passing": [s.describe() for s in notes],
                "duckdb_path": dg.MetadataValue.path(str(published_db(settings.publish_dir))),
                "parquet_dir": dg.MetadataValue.path(str(settings.publish_dir / "current" / "parquet")),
                **remote,
            }
        )

    return [published_warehouse, *(_dashboard_asset(p) for p in PAGES)]


def _dashboard_asset(page) -> dg.AssetsDefinition:
    @dg.asset(
        key=DASHBOARD_KEYS[page.slug],
        deps=[PUBLISHED_WAREHOUSE],
        group_name="publish",
        kinds={"html"},
        description=f"{page.title} dashboard: static HTML with its charts (opens offline, no CDN), built from "
        f"the published warehouse only. {page.summary}",
        required_resource_keys={"settings"},
    )
    def dashboard(context: dg.AssetExecutionContext):
        info = build(context.resources.settings.publish_dir, page.slug)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(info["path"]),
                "published_version": info["version"],
                "rows_embedded": info["rows_embedded"],
                "bytes": info["bytes"],
            }
        )

    return dashboard
