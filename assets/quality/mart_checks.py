"""Great Expectations suites on the key marts, as blocking asset checks that read dbt's warehouse.

Each checked dataset is a query over a mart (the mart's rows for the run's days, or a derivation of them such
as share-of-voice totals per group and day), validated by the suite of the same name in expectations/.
"""

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import duckdb

from .gx_runner import SuiteResult, load_suite_json, validate_dataframe

# Rows of the run's days ($start..$end, inclusive).
_IN_RANGE = "where date between $start and $end"

DATASETS = {
    "mart_channel_daily": f"select * from community.fct_channel_daily {_IN_RANGE}",
    "mart_followers_daily": f"select * from audience.fct_followers_daily {_IN_RANGE}",
    "mart_share_of_voice_daily": f"select * from competitors.fct_share_of_voice_daily {_IN_RANGE}",
    "mart_customer_care_daily": f"select * from customer_care.fct_customer_care_daily {_IN_RANGE}",
    # Shares of a group's members must make 100 on every day the group was mentioned at all.
    "mart_share_of_voice_totals": f"""
        select group_id, platform, date, sum(share_of_voice_pct) as share_of_voice_total
        from competitors.fct_share_of_voice_daily
        {_IN_RANGE} and group_mentions > 0
        group by all""",
    # A day's mentions against the median of the 7 days before (robust to a bad-buzz spike): a collapse
    # means lost data, not a quiet day. Only where the median is 30 or more: below, a fall under a fifth happens
    # by chance over a year of brand-days (the benchmark's year: 1 mention against a median of 10, twice in
    # 21,900 brand-platform-days); from 30, 5 or fewer is beyond chance (Poisson: p < 10^-7).
    "mart_mention_volume": """
        with daily as (
            select distinct brand_id, platform, date, mentions
            from competitors.fct_share_of_voice_daily
            where date between $start - interval 7 day and $end
        ), windowed as (
            select *,
                median(mentions) over w as baseline,
                count(*) over w as baseline_days
            from daily
            window w as (partition by brand_id, platform order by date rows between 7 preceding and 1 preceding)
        )
        select brand_id, platform, date, mentions, baseline, mentions / baseline as ratio_to_baseline
        from windowed
        where date between $start and $end and baseline_days >= 3 and baseline >= 30""",
}

MART_SUITES = {
    ("community", "fct_channel_daily"): ("mart_channel_daily",),
    ("audience", "fct_followers_daily"): ("mart_followers_daily",),
    ("customer_care", "fct_customer_care_daily"): ("mart_customer_care_daily",),
    ("competitors", "fct_share_of_voice_daily"): (
        "mart_share_of_voice_daily",
        "mart_share_of_voice_totals",
        "mart_mention_volume",
    ),
}


@dataclass
class MartCheck:
    passed: bool
    results: list[SuiteResult]
    rows: dict[str, int]


def run_mart_suites(warehouse_path, expectations_dir, suites, start: dt.date, end: dt.date) -> MartCheck:
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        frames = {name: con.execute(DATASETS[name], {"start": start, "end": end}).df() for name in suites}
    finally:
        con.close()
    results = []
    for name, df in frames.items():
        if df.empty:  # nothing to say about no rows; an empty mart is the volume suite's business
            results.append(SuiteResult(name, True, 0, 0, []))
            continue
        results.append(validate_dataframe(load_suite_json(expectations_dir, name), df))
    return MartCheck(all(r.success for r in results), results, {n: len(f) for n, f in frames.items()})


def build_mart_checks(mart_keys) -> list[dg.AssetChecksDefinition]:
    checks = []
    for key in mart_keys:
        suites = MART_SUITES.get(tuple(key.path[1:]))
        if suites:
            checks.append(_mart_check(key, suites))
    return checks


def _mart_check(key: dg.AssetKey, suites: tuple[str, ...]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=key,
        name="gx_suite",
        blocking=True,
        pool="warehouse_writer",  # reads dbt's DuckDB file: not while another step writes it
        description=f"Great Expectations suites {', '.join(suites)} on the days of the run",
        required_resource_keys={"settings"},
    )
    def mart_gx_suite(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        settings = context.resources.settings
        if context.has_partition_key_range:
            window = context.partition_time_window
            start, end = window.start.date(), window.end.date() - dt.timedelta(days=1)
        else:
            start, end = dt.date.min, dt.date.max
        check = run_mart_suites(settings.warehouse_path, settings.expectations_dir, suites, start, end)
        failed = [r for r in check.results if not r.success]
        return dg.AssetCheckResult(
            passed=check.passed,
            description="; ".join(
                f"{r.suite}: {r.failed} of {r.evaluated} expectations failed" for r in failed
            )
            or None,
            metadata={
                "range": f"{start}..{end}",
                "rows": check.rows,
                "expectations_evaluated": sum(r.evaluated for r in check.results),
                "expectations_failed": sum(r.failed for r in check.results),
                "failures": [dict(f, suite=r.suite) for r in failed for f in r.failures],
            },
        )

    return mart_gx_suite
