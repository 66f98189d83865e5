"""The per-platform Dagster assets raw/<platform>/<entity>, and raw/reference/* from the brand configuration.

A run over a range of days is one step per entity (single-run backfill policy): Dagster's start-up is paid
once, not per day. Each raw asset carries two blocking checks: its Great Expectations suite over the days
just written, and the share of records quarantined.
"""

import datetime as dt

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from assets.brand_config import BrandConfig
from assets.quality.gx_runner import load_suite_json, validate_dataframe

from .lake import Lake
from .raw_writer import quarantine_partition_dir, raw_partition_dir, write_reference
from .runner import ENTITIES, ingest_range
from .schemas import ENTITY_TIME

# "true": call the API again for every entity, even for days already in the landing zone; or a comma list of
# entities ("posts": refresh the metrics of recent posts, which keep growing after their day).
REFETCH_TAG = "social/refetch"


def refetches(tags, entity: str) -> bool:
    value = (tags.get(REFETCH_TAG) or "").lower()
    return value == "true" or entity in {v.strip() for v in value.split(",")}


def partition_days(context: dg.AssetExecutionContext) -> list[dt.date]:
    window = context.partition_time_window
    start, end = window.start.date(), window.end.date()
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def read_days(lake: Lake, folder_of, days: list[dt.date]) -> pa.Table | None:
    tables = []
    for d in days:
        path = f"{folder_of(d)}/part-0.parquet"
        if lake.exists(path):
            with lake.fs.open(path, "rb") as fh:
                tables.append(pq.read_table(fh))
    return pa.concat_tables(tables) if tables else None


def build_raw_asset(
    platform: str, entity: str, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", platform, entity])

    @dg.asset(
        key=key,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=f"{platform}_api",
        # The HTTP core already retries each request; this is for the platform being down for minutes.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
        group_name="raw",
        kinds={"python", "parquet"},
        description=f"{platform} {entity}: canonical raw Parquet, one Hive partition per UTC day "
        f"(lake/raw/{platform}/{entity}/dt=YYYY-MM-DD), derived from the landing zone.",
        check_specs=[
            dg.AssetCheckSpec(
                "gx_suite",
                asset=key,
                blocking=True,
                description=f"Great Expectations suite expectations/raw_{entity}.json on the run's days",
            ),
            dg.AssetCheckSpec(
                "quarantine_share",
                asset=key,
                blocking=True,
                description="in every day, records quarantined ÷ received stays under the configured share, "
                "and received = written + quarantined + duplicates",
            ),
        ],
        required_resource_keys={"platform_apis", "lake", "settings"},
    )
    def raw_entity(context: dg.AssetExecutionContext):
        lake: Lake = context.resources.lake
        settings = context.resources.settings
        days = partition_days(context)
        force = refetches(context.run.tags, entity)
        connector = context.resources.platform_apis.connector(platform)
        results = ingest_range(connector, lake, entity, days, force_refetch=force)

        out_of_reach = [r.day.isoformat() for r in results if r.source == "out_of_reach"]
        failed = {r.day.isoformat(): r.error for r in results if r.error}
        results = [r for r in results if r.write is not None]
        yield dg.MaterializeResult(
            metadata={
                "days": len(days),
                "days_out_of_reach": out_of_reach,
                "days_failed": failed,
                "records_received": sum(r.write.received for r in results),
                "records_written": sum(r.write.written for r in results),
                "records_quarantined": sum(r.write.quarantined for r in results),
                "duplicates_collapsed": sum(r.write.duplicates for r in results),
                "pages_from_api": sum(r.pages for r in results if r.source == "api"),
                "days_rederived_from_landing": sum(r.source == "landing" for r in results),
                "http_requests": connector.http.requests_made,
                "http_retries": connector.http.retries_made,
                "path": dg.MetadataValue.path(lake.uri("raw", platform, entity)),
            }
        )

        table = read_days(lake, lambda d: raw_partition_dir(lake, platform, entity, d), days)
        suite = load_suite_json(settings.expectations_dir, f"raw_{entity}")
        range_start, range_end = _time_range(entity, days)
        df = table.to_pandas() if table is not None else None
        if df is None or df.empty:
            yield dg.AssetCheckResult(
                check_name="gx_suite", passed=True, metadata={"rows": 0, "note": "no records in these days"}
            )
        else:
            res = validate_dataframe(suite, df, {"range_start": range_start, "range_end": range_end})
            yield dg.AssetCheckResult(
                check_name="gx_suite",
                passed=res.success,
                metadata={"rows": len(df), **res.metadata()},
                description=None if res.success else f"{res.failed} of {res.evaluated} expectations failed",
            )

        yield quarantine_check(
            results,
            settings.quarantine_max_share,
            read_days(lake, lambda d: quarantine_partition_dir(lake, platform, entity, d), days),
            failed,
        )

    return raw_entity


def quarantine_check(
    results: list, max_share: float, quarantine: pa.Table | None, failed: dict[str, str] | None = None
) -> dg.AssetCheckResult:
    """Blocks when any day's quarantined share exceeds max_share, when a day's counts do not add up
    (received = written + quarantined + duplicates collapsed), or when a day failed (named, with its cause:
    the other days landed; that one keeps its previous partition)."""
    per_day, reasons, unreconciled = {}, {}, []
    for r in results:
        w = r.write
        per_day[r.day.isoformat()] = w.quarantined / w.received if w.received else 0.0
        for reason, n in w.reasons.items():
            reasons[reason] = reasons.get(reason, 0) + n
        if w.received != w.written + w.quarantined + w.duplicates:
            unreconciled.append(r.day.isoformat())
    over = {d: round(v, 6) for d, v in per_day.items() if v > max_share}
    received = sum(r.write.received for r in results)
    quarantined = sum(r.write.quarantined for r in results)
    problems = [f"{d}: {v:.1%} quarantined" for d, v in over.items()]
    problems += [f"{d}: counts do not add up" for d in unreconciled]
    problems += [f"{d}: failed: {cause}" for d, cause in (failed or {}).items()]
    return dg.AssetCheckResult(
        check_name="quarantine_share",
        passed=not problems,
        description="; ".join(problems) or None,
        metadata={
            "received": received,
            "written": sum(r.write.written for r in results),
            "quarantined": quarantined,
            "duplicates_collapsed": sum(r.write.duplicates for r in results),
            "reconciles": not unreconciled,
            "max_share_per_day": max_share,
            "worst_day_share": round(max(per_day.values(), default=0.0), 6),
            "days_over": over,
            "days_failed": dict(failed or {}),
            "reasons": reasons,
            "examples": []
            if quarantine is None
            else quarantine.select(["record_id", "reason"]).slice(0, 5).to_pylist(),
        },
    )


def _time_range(entity: str, days: list[dt.date]):
    import pandas as pd

    if ENTITY_TIME[entity] == "snapshot_date":
        return min(days), max(days)
    start = pd.Timestamp(dt.datetime.combine(min(days), dt.time(), tzinfo=dt.UTC))
    end = pd.Timestamp(dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
    return start, end - pd.Timedelta(microseconds=1)


def build_platform_assets(
    platform: str, partitions_def: dg.PartitionsDefinition
) -> list[dg.AssetsDefinition]:
    return [build_raw_asset(platform, entity, partitions_def) for entity in ENTITIES]


# ---- reference tables from brands.yaml ---------------------------------------------------------------

REFERENCE_SCHEMAS = {
    "brands": pa.schema(
        [
            ("brand_id", pa.string()),
            ("brand_name", pa.string()),
            ("role", pa.string()),
            ("timezone", pa.string()),
            ("sla_hours", pa.float64()),
            ("business_days", pa.list_(pa.string())),
            ("business_start", pa.string()),
            ("business_end", pa.string()),
        ]
    ),
    "brand_accounts": pa.schema(
        [("brand_id", pa.string()), ("platform", pa.string()), ("account_handle", pa.string())]
    ),
    "competitive_groups": pa.schema(
        [("group_id", pa.string()), ("brand_id", pa.string()), ("is_client", pa.bool_())]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_name", pa.string()),
            ("brand_id", pa.string()),
            ("hashtags", pa.list_(pa.string())),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
        ]
    ),
}


def reference_rows(config: BrandConfig) -> dict[str, list[dict]]:
    brands = []
    for b in config.brands.values():
        bh = b.business_hours
        brands.append(
            {
                "brand_id": b.brand_id,
                "brand_name": b.name,
                "role": b.role,
                "timezone": b.timezone,
                "sla_hours": b.sla_hours,
                "business_days": list(bh.days) if bh else None,
                "business_start": bh.start.strftime("%H:%M") if bh else None,
                "business_end": bh.end.strftime("%H:%M") if bh else None,
            }
        )
    return {
        "brands": brands,
        "brand_accounts": [
            {"brand_id": b.brand_id, "platform": p, "account_handle": h}
            for b in config.brands.values()
            for p, h in b.accounts.items()
        ],
        "competitive_groups": [
            {"group_id": g, "brand_id": m, "is_client": m == g}
            for g, members in config.competitive_groups().items()
            for m in members
        ],
        "campaigns": [
            {
                "campaign_name": c.name,
                "brand_id": c.brand_id,
                "hashtags": list(c.hashtags),
                "start_date": c.start,
                "end_date": c.end,
            }
            for c in config.campaigns
        ],
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", "reference", name],
            group_name="raw",
            kinds={"python", "parquet"},
            description=f"{name} from the brand configuration file (brands.yaml)",
        )
        for name in REFERENCE_SCHEMAS
    ],
    required_resource_keys={"brand_config", "lake"},
)
def reference_tables(context: dg.AssetExecutionContext):
    rows = reference_rows(context.resources.brand_config)
    for name, schema in REFERENCE_SCHEMAS.items():
        path = write_reference(context.resources.lake, name, rows[name], schema)
        yield dg.MaterializeResult(
            asset_key=["raw", "reference", name], metadata={"rows": len(rows[name]), "path": path}
        )
