"""Run the main job over a range of days from the command line, as one Dagster run on the local instance.

    python -m orchestration.run --last-days 30
    python -m orchestration.run --start 2026-10-01 --end 2026-10-31 [--refetch]

The run is recorded in DAGSTER_HOME, so `make ui` shows it. Prints where the results are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

from .settings import REPO_ROOT


def ensure_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".data" / "dagster_home"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return home


def day_range(args: argparse.Namespace, today: dt.date) -> tuple[dt.date, dt.date]:
    if args.start:
        start = dt.date.fromisoformat(args.start)
        end = dt.date.fromisoformat(args.end) if args.end else today - dt.timedelta(days=1)
    else:
        end = today - dt.timedelta(days=1)  # the last complete UTC day
        start = end - dt.timedelta(days=args.last_days - 1)
    if end < start:
        raise SystemExit(f"--end {end} is before --start {start}")
    return start, end


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--last-days", type=int, default=30)
    p.add_argument("--start")
    p.add_argument("--end")
    p.add_argument("--refetch", action="store_true", help="call the APIs again even for days already landed")
    args = p.parse_args(argv)
    ensure_dagster_home()

    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from assets.ingest.dagster_assets import REFETCH_TAG

    from .definitions import defs, settings

    start, end = day_range(args, dt.datetime.now(dt.UTC).date())
    tags = {
        ASSET_PARTITION_RANGE_START_TAG: start.isoformat(),
        ASSET_PARTITION_RANGE_END_TAG: end.isoformat(),
    }
    if args.refetch:
        tags[REFETCH_TAG] = "true"
    t0 = time.monotonic()
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("social_daily").execute_in_process(
            instance=instance, tags=tags, raise_on_error=False
        )
    took = time.monotonic() - t0
    status = "succeeded" if result.success else "FAILED"
    print(f"\nsocial_daily {start}..{end}: run {result.run_id} {status} in {took:.0f} s")
    print(f"  published warehouse: {settings.publish_dir / 'current' / 'warehouse.duckdb'} (open read-only)")
    print(f"  published Parquet:   {settings.publish_dir / 'current' / 'parquet'}")
    print(f"  dashboard:           {settings.publish_dir / 'dashboards' / 'community_overview.html'}")
    print(f"  lake:                {settings.lake_url}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
