"""dlt's rest_api source over the sandbox's Mastodon endpoints, into Parquet: the reference ingest of figure 4.

The same endpoints our Mastodon connector calls for posts and mentions over the same days: each brand
account's statuses (no replies), each brand hashtag's timeline, each keyword and @handle search. dlt follows
the Link headers (search: offset paging) and stops at the range's first day with an incremental cursor on
created_at (row_order "desc": the API is newest first), writing Parquet through the filesystem destination.
"""

import datetime as dt
import time
from pathlib import Path

import requests


def _mastodon_id(moment: dt.datetime) -> str:
    return str(int(moment.timestamp() * 1000) << 16)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def run_dlt(config, base_url: str, first: dt.date, last: dt.date, work: Path) -> dict:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    window = {"max_id": _mastodon_id(end), "limit": 40}

    def incremental() -> dict:
        return {
            "cursor_path": "created_at",
            "initial_value": _iso(start),
            "end_value": _iso(end),
            "row_order": "desc",
        }

    resources = []
    t0 = time.monotonic()
    for bid, handle in config.accounts_on("mastodon").items():
        account = requests.get(
            f"{base_url}/api/v1/accounts/lookup", params={"acct": handle}, timeout=30
        ).json()
        resources.append(
            {
                "name": f"posts_{bid}",
                "table_name": "posts",
                "endpoint": {
                    "path": f"api/v1/accounts/{account['id']}/statuses",
                    "params": {**window, "exclude_replies": "true"},
                    "paginator": {"type": "header_link"},
                    "incremental": incremental(),
                },
            }
        )
    lookups_s = time.monotonic() - t0
    for brand in config.brands.values():
        for tag in brand.hashtags:
            resources.append(
                {
                    "name": f"tag_{tag.lower()}",
                    "table_name": "mentions",
                    "endpoint": {
                        "path": f"api/v1/timelines/tag/{tag}",
                        "params": dict(window),
                        "paginator": {"type": "header_link"},
                        "incremental": incremental(),
                    },
                }
            )
        terms = list(brand.keywords)
        if "mastodon" in brand.accounts:
            terms.append("@" + brand.accounts["mastodon"])
        for i, term in enumerate(terms):
            resources.append(
                {
                    "name": f"search_{brand.brand_id}_{i}",
                    "table_name": "mentions",
                    "endpoint": {
                        "path": "api/v2/search",
                        "params": {"q": term, "type": "statuses", "max_id": window["max_id"]},
                        "data_selector": "statuses",
                        "paginator": {
                            "type": "offset",
                            "limit": 40,
                            "offset_param": "offset",
                            "limit_param": "limit",
                            "total_path": None,
                            "stop_after_empty_page": True,
                        },
                        "incremental": incremental(),
                    },
                }
            )
    source = rest_api_source(
        {
            "client": {"base_url": base_url.rstrip("/") + "/"},
            "resource_defaults": {"write_disposition": "append"},
            "resources": resources,
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="bench_mastodon",
        destination=dlt.destinations.filesystem(bucket_url=(work / "data").resolve().as_uri()),
        dataset_name="mastodon",
        pipelines_dir=str(work / "pipelines"),
        progress="log" if False else None,
    )
    t0 = time.monotonic()
    pipeline.run(source, loader_file_format="parquet")
    seconds = time.monotonic() - t0 + lookups_s
    counts = dict(pipeline.last_trace.last_normalize_info.row_counts)
    top = sum(n for table, n in counts.items() if table in ("posts", "mentions"))
    steps = {
        s.step: round((s.finished_at - s.started_at).total_seconds(), 2) for s in pipeline.last_trace.steps
    }
    return {
        "records": top,
        "rows_all_tables": sum(n for t, n in counts.items() if not t.startswith("_dlt")),
        "row_counts": counts,
        "seconds": round(seconds, 2),
        "steps_seconds": steps,
        "records_per_second": round(top / seconds, 1) if seconds else None,
        "version": dlt.__version__,
        "parquet_files": len(list((work / "data").rglob("*.parquet"))),
    }
