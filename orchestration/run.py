"""Run the main job over a range of days from the command line, as ONE Dagster run on the local instance.

    python -m orchestration.run --last-days 30
    python -m orchestration.run --start 2026-10-01 --end 2026-10-31 [--refetch | --refetch posts,comments]

However long the range, it is one run: every partitioned asset runs once over the whole range (the run carries
Dagster's partition-range tags), ingest takes the days in one step per platform and entity, and dbt builds
the range in one `dbt build`. Days already in the landing zone are re-derived from it without calling the
APIs; --refetch calls them again (all entities, or the ones named).

The run is recorded in DAGSTER_HOME, so `make ui` shows it. Prints where the results are. Two of these may
run at once (a backfill while the daily run runs): the steps that write the DuckDB warehouse share the pool
warehouse_writer (limit 1, orchestration/dagster.yaml), so one waits for the other instead of failing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

from .settings import REPO_ROOT

JOB_NAME = "social_daily"


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


def range_tags(start: dt.date, end: dt.date, refetch: bool | str = False) -> dict[str, str]:
    """The tags that make one run cover start..end (inclusive) for every partitioned asset.

    refetch: True for every entity, or a comma list of entities ("posts"), as the daily schedule does."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from assets.ingest.dagster_assets import REFETCH_TAG

    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    tags = {
        ASSET_PARTITION_RANGE_START_TAG: start.isoformat(),
        ASSET_PARTITION_RANGE_END_TAG: end.isoformat(),
    }
    if refetch:
        tags[REFETCH_TAG] = "true" if refetch is True else str(refetch)
    return tags


# Dagster writes one "materialization planned" event per asset and per day of a range run before its first step
# (89 assets x 365 days: 32,609 events, 17 minutes on SQLite). With this variable it writes one per asset, naming
# the range. The trade-off (Dagster's): if such a run fails, its days show as not materialized rather than failed
# in the asset view (the run itself shows the failure and its steps). One-day runs gain nothing from it, so they
# keep Dagster's per-partition events. `make ui` sets it for runs the UI and its daemon create (backfills).
SUBSET_PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


@contextlib.contextmanager
def planned_events_for(start: dt.date, end: dt.date):
    """While a run over start..end is created: one planned event per asset if the range spans several days."""
    previous = os.environ.get(SUBSET_PLANNED_EVENTS_ENV)
    if end > start:
        os.environ[SUBSET_PLANNED_EVENTS_ENV] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SUBSET_PLANNED_EVENTS_ENV, None)
        else:
            os.environ[SUBSET_PLANNED_EVENTS_ENV] = previous


def execute_range(job, instance, start: dt.date, end: dt.date, tags=None, asset_selection=None):
    """Execute `job` over start..end as one run in this process (in-process executor); Dagster's result."""
    with planned_events_for(start, end):
        return job.execute_in_process(
            instance=instance,
            tags={**range_tags(start, end), **(tags or {})},
            asset_selection=asset_selection,
            raise_on_error=False,
        )


# A run of this many days or more puts its steps in PARALLEL_STEPS processes of their own (multiprocess
# executor): the ingest steps of different platforms then run side by side (one per platform at a time: the
# <platform>_api pools). Each step process first imports the code location (~4 s of CPU), which a long
# backfill's ingest steps (minutes each) repay and a daily run's (seconds) would not.
PARALLEL_FROM_DAYS = int(os.environ.get("SOCIAL_PARALLEL_FROM_DAYS", "60"))
PARALLEL_STEPS = int(os.environ.get("SOCIAL_PARALLEL_STEPS", "2"))


def social_job():
    """The main job of orchestration.definitions, for dagster.reconstructable (step processes load it)."""
    from .definitions import defs

    return defs.resolve_job_def(JOB_NAME)


def execute_range_in_processes(instance, start: dt.date, end: dt.date, tags=None, processes=PARALLEL_STEPS):
    """Execute the main job over start..end as one run whose steps run in `processes` processes at a time."""
    import dagster as dg

    from .executor import multiprocess_run_config

    with planned_events_for(start, end):
        return dg.execute_job(
            # by module name: under `python -m orchestration.run` this module is __main__, not importable
            dg.build_reconstructable_job(
                "orchestration.run", "social_job", reconstructor_working_directory=str(REPO_ROOT)
            ),
            instance=instance,
            run_config=multiprocess_run_config(processes),
            tags={**range_tags(start, end), **(tags or {})},
            raise_on_error=False,
        )


def run_range(
    start: dt.date,
    end: dt.date,
    refetch: bool | str = False,
    instance=None,
    defs=None,
    extra_tags: dict[str, str] | None = None,
):
    """Execute the main job over start..end as one run and return Dagster's result: in this process, or for
    PARALLEL_FROM_DAYS days and more with its steps in processes of their own. instance: the Dagster
    instance to record the run in (default: DAGSTER_HOME's). defs: the loaded orchestration.definitions'
    (the step processes load that module again, under the same environment)."""
    import dagster as dg

    from .executor import executor_name

    if defs is None:
        from .definitions import defs
    tags = {**range_tags(start, end, refetch), **(extra_tags or {})}
    job = defs.resolve_job_def(JOB_NAME)
    parallel = (end - start).days + 1 >= PARALLEL_FROM_DAYS and executor_name() == "in_process"
    with contextlib.ExitStack() as stack:
        if instance is None:
            instance = stack.enter_context(dg.DagsterInstance.get())
        if parallel:
            return execute_range_in_processes(instance, start, end, tags)
        return execute_range(job, instance, start, end, tags)


def print_locations(settings) -> None:
    """Where people find the results; the dashboards last (what `make demo` ends with)."""
    from assets.publish.dashboards import PAGES, dashboards_dir

    print(f"  published warehouse: {settings.publish_dir / 'current' / 'warehouse.duckdb'} (open read-only)")
    print(f"  published Parquet:   {settings.publish_dir / 'current' / 'parquet'}")
    print(f"  lake:                {settings.lake_url}")
    folder = dashboards_dir(settings.publish_dir)
    print(f"  dashboards:          {folder} (static pages, open in a browser, offline)")
    for page in PAGES:
        print(f"    {page.title + ':':<21}{folder / (page.slug + '.html')}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--last-days", type=int, default=30)
    p.add_argument("--start")
    p.add_argument("--end")
    p.add_argument(
        "--refetch",
        nargs="?",
        const=True,
        default=False,
        metavar="ENTITIES",
        help="call the APIs again even for days already landed: every entity, or a comma list (posts)",
    )
    args = p.parse_args(argv)
    ensure_dagster_home()

    from .definitions import settings

    # "yesterday" is the platforms' yesterday: the sandbox's frozen clock when one is set
    start, end = day_range(args, settings.clock().date())
    t0 = time.monotonic()
    result = run_range(start, end, refetch=args.refetch)
    took = time.monotonic() - t0
    status = "succeeded" if result.success else "FAILED"
    print(f"\n{JOB_NAME} {start}..{end}: run {result.run_id} {status} in {took:.0f} s")
    print_locations(settings)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
