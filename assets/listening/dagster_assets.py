"""The alerts table as a Dagster asset, listening/alerts (its key mirrors <lake>/listening/alerts/).

The intraday_listening sensor writes the table (orchestration/listening.py reports each write as a
materialization of this key, without a run). The daily job only makes sure the file exists, so that dbt's
source over it (models/staging/listening/_listening.yml, meta.dagster.asset_key) is always readable:
DuckDB's read_parquet fails on a glob that matches no file. It never touches a file the sensor wrote.
"""

import datetime as dt

import dagster as dg
import pyarrow.parquet as pq

from assets.ingest.lake import Lake

from .alerts_table import ensure_alerts_table

ALERTS_KEY = dg.AssetKey(["listening", "alerts"])


def alerts_materialization(lake: Lake, rows: int, by: str) -> dg.AssetMaterialization:
    """What the sensor reports after rewriting the table (the UI then shows when it last changed)."""
    return dg.AssetMaterialization(
        asset_key=ALERTS_KEY,
        description=f"alerts table rewritten by {by}",
        metadata={
            "path": dg.MetadataValue.path(lake.uri("listening", "alerts", "part-0.parquet")),
            "alert_events": rows,
            "written_by": by,
        },
    )


@dg.asset(
    key=ALERTS_KEY,
    group_name="listening",
    kinds={"python", "parquet"},
    description="Every alert event of the intraday listening sensor (bad buzz, live care SLA), one Parquet "
    "file <lake>/listening/alerts/part-0.parquet written by the sensor (docs/listening.md). This step only "
    "writes the empty table when there is no file yet, so dbt's source is readable where listening never ran.",
    required_resource_keys={"lake"},
)
def listening_alerts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    lake: Lake = context.resources.lake
    path, written = ensure_alerts_table(lake)
    if written:
        context.log.info(f"no alerts table yet: wrote the empty table at {path}")
    with lake.fs.open(path, "rb") as fh:
        rows = pq.ParquetFile(fh).metadata.num_rows
    try:
        modified = lake.fs.modified(path).astimezone(dt.UTC)
    except (NotImplementedError, OSError):  # a filesystem that does not tell
        modified = None
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(lake.uri("listening", "alerts", "part-0.parquet")),
            "alert_events": rows,
            # this step runs every day; when the table last changed is the sensor's business
            "written_by": "social_daily: the empty table" if written else "unchanged (the sensor's file)",
            **({"file_modified_at": modified.isoformat(timespec="seconds")} if modified else {}),
        }
    )
