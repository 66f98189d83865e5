"""Audit a configured campaign: backfill what its pre-period, campaign and post-period need as ONE run, then
show its rows of the published campaigns.fct_campaign_audit.

    python -m orchestration.campaign_audit autumn_blend_2026 [--refetch]

In the Dagster UI the job `campaign_audit` does the same (Launchpad: `ops.audit_campaign.config.campaign`).

The periods are the mart's: pre (as many days as the campaign, ending the day before its start), during,
post (as many days, from the day after its end), in the campaign brand's local calendar. The UTC days to
backfill are those those local days touch (a local day in Europe/Paris starts at 22:00 or 23:00 UTC the
day before), capped at the last complete UTC day by the platforms' clock (the sandbox's frozen clock when
one is set): a campaign that is still running, or whose post-period is not over, is audited as far as the
data goes, and the mart says so (days_with_data < days_in_period). Days already in the landing zone are
re-derived from it without calling the APIs; --refetch calls them again.
"""

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

ONE_DAY = dt.timedelta(days=1)
AUDIT_MART = "campaigns.fct_campaign_audit"
SHOWN_COLUMNS = (
    "brand_id",
    "platform",
    "period",
    "period_start",
    "period_end",
    "days_in_period",
    "days_with_data",
    "mentions",
    "mentions_per_day",
    "share_of_voice_pct",
    "mentions_per_day_uplift_pct",
    "engagements_per_post_uplift_pct",
    "net_sentiment_uplift",
    "follower_growth_uplift_pts",
)


class UnknownCampaignError(ValueError):
    """The campaign is not in the brand configuration; the message lists the configured ones."""


class NothingToAuditError(ValueError):
    """The campaign's pre-period has not started yet by the platforms' clock: no day to backfill."""


@dataclass(frozen=True)
class AuditRange:
    campaign: str
    brand_id: str
    timezone: str
    periods: dict[str, tuple[dt.date, dt.date]]  # pre / during / post -> local first and last day
    start: dt.date  # first UTC day to backfill
    end: dt.date  # last UTC day to backfill: wanted_end capped at the last complete day
    wanted_end: dt.date  # the last UTC day the post-period touches

    @property
    def capped(self) -> bool:
        return self.end < self.wanted_end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def find_campaign(config, name: str):
    for c in config.campaigns:
        if c.name == name:
            return c
    configured = ", ".join(c.name for c in config.campaigns) or "none"
    raise UnknownCampaignError(
        f"unknown campaign {name!r}: the campaigns configured in {config.source or 'brands.yaml'} are {configured}"
    )


def campaign_range(config, name: str, today: dt.date) -> AuditRange:
    """The UTC days that campaign `name`'s pre-period, campaign and post-period need, up to the day before
    `today` (UTC, the platforms' clock)."""
    c = find_campaign(config, name)
    tz_name = config.brands[c.brand_id].timezone
    tz = ZoneInfo(tz_name)
    length = c.end - c.start + ONE_DAY
    periods = {
        "pre": (c.start - length, c.start - ONE_DAY),
        "during": (c.start, c.end),
        "post": (c.end + ONE_DAY, c.end + length),
    }
    first_local, last_local = periods["pre"][0], periods["post"][1]
    start = dt.datetime.combine(first_local, dt.time(), tz).astimezone(dt.UTC).date()
    after = dt.datetime.combine(last_local + ONE_DAY, dt.time(), tz).astimezone(dt.UTC)
    wanted_end = (after - dt.timedelta(microseconds=1)).date()
    last_complete = today - ONE_DAY
    if start > last_complete:
        raise NothingToAuditError(
            f"campaign {name!r}: its pre-period starts on {first_local} ({tz_name}), after the last complete "
            f"day {last_complete}: nothing to audit yet"
        )
    return AuditRange(
        campaign=name,
        brand_id=c.brand_id,
        timezone=tz_name,
        periods=periods,
        start=start,
        end=min(wanted_end, last_complete),
        wanted_end=wanted_end,
    )


@dataclass
class AuditResult:
    range: AuditRange
    run_id: str
    success: bool
    columns: list[str]
    rows: list[tuple]  # the campaign's rows of the published audit mart (empty if the run failed)
    dashboards: list[str]


def published_audit_rows(publish_dir, campaign: str) -> tuple[list[str], list[tuple]]:
    import duckdb

    from assets.publish.warehouse import published_db

    db = published_db(publish_dir)
    if not db.exists():
        return list(SHOWN_COLUMNS), []
    with duckdb.connect(str(db), read_only=True) as con:
        present = {r[0] for r in con.execute(f"describe {AUDIT_MART}").fetchall()}
        cols = [c for c in SHOWN_COLUMNS if c in present]
        rows = con.execute(
            f"select {', '.join(cols)} from {AUDIT_MART} where campaign_name = ? "
            "order by is_campaign_brand desc, brand_id, platform, period_order",
            [campaign],
        ).fetchall()
    return cols, rows


def dashboards(publish_dir, campaign: str) -> list[str]:
    """The dashboard to open: the campaign audit page (pick the campaign there), once it is built."""
    from assets.publish.dashboards import page_path

    page = page_path(publish_dir, "campaigns")
    return [str(page)] if page.exists() else []


def audit(
    name: str,
    refetch: bool = False,
    today: dt.date | None = None,
    instance=None,
    definitions=None,
    log=print,
) -> AuditResult:
    """Backfill campaign `name`'s range as one run of the main job; return the run and the audit rows."""
    from . import run as run_module

    if definitions is None:
        from . import definitions
    settings = definitions.settings
    rng = campaign_range(definitions.brand_config, name, today or settings.clock().date())
    log(
        f"campaign {name} ({rng.brand_id}, {rng.timezone}): pre {_span(rng.periods['pre'])}, "
        f"during {_span(rng.periods['during'])}, post {_span(rng.periods['post'])}; "
        f"backfilling UTC days {rng.start}..{rng.end} ({rng.days} days) as one run"
        + (
            f", capped at the last complete day (the post-period needs up to {rng.wanted_end})"
            if rng.capped
            else ""
        )
    )
    result = run_module.run_range(
        rng.start,
        rng.end,
        refetch=refetch,
        instance=instance,
        defs=definitions.defs,
        extra_tags={"social/campaign_audit": name},
    )
    cols, rows = (
        published_audit_rows(settings.publish_dir, name) if result.success else (list(SHOWN_COLUMNS), [])
    )
    return AuditResult(rng, result.run_id, result.success, cols, rows, dashboards(settings.publish_dir, name))


def _span(period: tuple[dt.date, dt.date]) -> str:
    return f"{period[0]}..{period[1]}"


def _cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)


def format_rows(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v.rjust(w) for v, w in zip(vals, widths, strict=True))  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("campaign", help="a campaign name from brands.yaml")
    p.add_argument("--refetch", action="store_true", help="call the APIs again even for days already landed")
    args = p.parse_args(argv)

    from .run import ensure_dagster_home, print_locations

    ensure_dagster_home()
    from . import definitions

    try:
        res = audit(args.campaign, refetch=args.refetch, definitions=definitions)
    except (UnknownCampaignError, NothingToAuditError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    status = "succeeded" if res.success else "FAILED"
    print(f"\nrun {res.run_id} {status} ({res.range.start}..{res.range.end})")
    if res.success:
        print(f"\n{AUDIT_MART} where campaign_name = '{args.campaign}':\n")
        print(format_rows(res.columns, res.rows))
    print()
    for page in res.dashboards:  # the audit page, opened on this campaign
        print(f"  campaign dashboard:  {Path(page).as_uri()}#{urlencode({'campaign': args.campaign})}")
    print_locations(definitions.settings)
    return 0 if res.success else 1


# ---- the same in the Dagster UI -------------------------------------------------------------------------


def build_campaign_audit_job(campaign_names: list[str]) -> dg.JobDefinition:
    """Job `campaign_audit`: config `campaign` (one of campaign_names), `refetch`. Its one op runs the main
    job over the campaign's range as ONE run on the same instance (shown in the UI with the tag
    social/campaign_audit) and records the audit rows and the dashboard paths as metadata."""

    class CampaignAuditConfig(dg.Config):
        campaign: str = Field(description=f"one of: {', '.join(campaign_names) or 'none configured'}")
        refetch: bool = Field(default=False, description="call the APIs again for days already landed")

    @dg.op(
        name="audit_campaign",
        description="Backfill the campaign's pre-period, campaign and post-period as one run of social_daily, "
        "then read its rows of the published campaigns.fct_campaign_audit.",
    )
    def audit_campaign(context: dg.OpExecutionContext, config: CampaignAuditConfig) -> dg.Output:
        from . import definitions  # the code location this job belongs to, already loaded

        res = audit(
            config.campaign,
            refetch=config.refetch,
            instance=context.instance,
            definitions=definitions,
            log=context.log.info,
        )
        if not res.success:
            raise dg.Failure(
                f"the backfill run {res.run_id} of {res.range.start}..{res.range.end} failed",
                metadata={"backfill_run_id": res.run_id},
            )
        return dg.Output(
            None,
            metadata={
                "backfill_run_id": res.run_id,
                "utc_days": f"{res.range.start}..{res.range.end}",
                "capped_at_last_complete_day": res.range.capped,
                "rows": len(res.rows),
                "audit": dg.MetadataValue.md(_markdown(res.columns, res.rows)),
                **{f"dashboard_{i}": dg.MetadataValue.path(p) for i, p in enumerate(res.dashboards)},
            },
        )

    default = (
        {"ops": {"audit_campaign": {"config": {"campaign": campaign_names[0]}}}} if campaign_names else None
    )

    @dg.job(
        name="campaign_audit",
        executor_def=dg.in_process_executor,
        config=default,
        description="Audit a campaign from brands.yaml: backfill its pre-period, campaign and post-period as one "
        "run of social_daily, then show its rows of campaigns.fct_campaign_audit.",
    )
    def campaign_audit():
        audit_campaign()

    return campaign_audit


def _markdown(columns: list[str], rows: list[tuple]) -> str:
    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)
    return "\n".join([head, *("| " + " | ".join(_cell(v) for v in r) + " |" for r in rows)])


if __name__ == "__main__":
    sys.exit(main())
