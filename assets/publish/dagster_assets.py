"""published/warehouse (gated) and published/dashboards/<page>, one asset per page (from the published copy only)."""

from collections.abc import Callable, Sequence

import dagster as dg

from .dashboards import PAGES, build
from .gate import check_states, require_open_gate, upstream_check_keys
from .warehouse import publish, published_db

PUBLISHED_WAREHOUSE = dg.AssetKey(["published", "warehouse"])
# The asset key mirrors the file: <publish_dir>/dashboards/<page>.html
DASHBOARD_KEYS = {p.slug: dg.AssetKey(["published", "dashboards", p.slug]) for p in PAGES}
COMMUNITY_OVERVIEW = DASHBOARD_KEYS["community"]


def build_publish_assets(
    mart_keys: Sequence[dg.AssetKey], asset_graph: Callable[[], object]
) -> list[dg.AssetsDefinition]:
    """asset_graph: returns the code location's asset graph when called (at run time, once it exists)."""

    @dg.asset(
        key=PUBLISHED_WAREHOUSE,
        deps=list(mart_keys),
        group_name="publish",
        kinds={"duckdb", "parquet"},
        pool="warehouse_writer",
        description="Read-only DuckDB file + Parquet per mart for BI tools; replaced atomically, and only when "
        "the latest result of every upstream check passed, whichever run produced it. With the lake on S3, "
        "the Parquet files are published there too (<lake>/published/current.json names the version).",
        required_resource_keys={"settings", "lake"},
    )
    def published_warehouse(context: dg.AssetExecutionContext):
        settings = context.resources.settings
        lake = context.resources.lake
        blocking, advisory = upstream_check_keys(asset_graph(), PUBLISHED_WAREHOUSE)
        states = check_states(context.instance, blocking)
        require_open_gate(states)
        notes = [
            s for s in check_states(context.instance, advisory) if s.status not in ("passed", "never_ran")
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
