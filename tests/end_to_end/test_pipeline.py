"""The whole flow on the sandbox: ingest over HTTP -> raw Parquet -> dbt marts -> gate -> publication -> dashboard."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest

from assets.ingest.landing import landing_path
from sandbox import ground_truth
from tests.end_to_end.conftest import FIRST, LAST

pytestmark = pytest.mark.e2e
MARTS = (
    "community.fct_channel_daily",
    "audience.fct_followers_daily",
    "competitors.fct_share_of_voice_daily",
)


def truth(pipeline, metric: str) -> dict[tuple, float]:
    return {
        (r["group_id"], r["brand_id"], r["day"]) if r["group_id"] else (r["brand_id"], r["day"]): r["value"]
        for r in ground_truth(pipeline.world, FIRST, LAST)
        if r["metric"] == metric
    }


def test_posts_per_brand_and_day_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    got = {
        (b, d.isoformat()): n
        for b, d, n in con.execute(
            "select brand_id, date, sum(posts) from community.fct_channel_daily group by all"
        ).fetchall()
    }
    expected = truth(pipeline, "posts")
    assert sum(expected.values()) > 20
    assert got == {k: expected.get(k, 0) for k in got}
    assert set(expected) <= set(got)


def test_comments_under_brand_posts_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    got = {
        (b, d.isoformat()): (m, r)
        for b, d, m, r in con.execute(
            "select brand_id, date, sum(comments_received), sum(brand_replies) "
            "from community.fct_channel_daily group by all"
        ).fetchall()
    }
    members, brand = truth(pipeline, "comments_from_members"), truth(pipeline, "comments_from_brand")
    assert sum(members.values()) > 100
    for key, (m, r) in got.items():
        assert (m, r) == (members.get(key, 0), brand.get(key, 0)), key


def test_mentions_and_share_of_voice_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    rows = con.execute(
        "select group_id, brand_id, date, mentions, group_mentions, share_of_voice_pct "
        "from competitors.fct_share_of_voice_daily"
    ).fetchall()
    mentions, sov = truth(pipeline, "mentions"), truth(pipeline, "share_of_voice")
    groups = pipeline.world.config.competitive_groups()
    assert len(rows) == sum(len(m) for m in groups.values()) * 3  # every member, every day
    per_group_day = defaultdict(int)
    for g, b, d, n, total, pct in rows:
        assert n == mentions.get((b, d.isoformat()), 0), (g, b, d)
        assert pct == pytest.approx(sov[(g, b, d.isoformat())], abs=1e-9), (g, b, d)
        per_group_day[(g, d)] += n
        assert total == per_group_day[(g, d)] or total >= n
    for (g, d), n in per_group_day.items():
        assert n == sum(mentions.get((b, d.isoformat()), 0) for b in groups[g])


def test_the_published_warehouse_holds_the_three_marts_and_the_gate_status(pipeline, first_run):
    con = pipeline.published()
    for mart in MARTS[::2]:
        assert con.execute(f"select count(*) from {mart}").fetchone()[0] > 0, mart
    con.execute(f"select count(*) from {MARTS[1]}")  # followers: present (rows only once snapshots exist)
    status, checks = con.execute("select gate_status, checks_passed from _publication").fetchone()
    assert status == "passed" and checks > 20
    parquet = sorted(p.name for p in (pipeline.settings.publish_dir / "current" / "parquet").iterdir())
    assert parquet == sorted(m.replace(".", "__") + ".parquet" for m in MARTS)


def test_the_dashboard_shows_the_published_headline_numbers(pipeline, first_run):
    page = (pipeline.settings.publish_dir / "dashboards" / "community_overview.html").read_text()
    # opens offline: plotly.js is embedded, no script or stylesheet is fetched from elsewhere
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?://""", page)
    assert page.count("Plotly.newPlot") >= 3 and len(page) > 1_000_000
    con = pipeline.published()
    version = con.execute("select version from _publication").fetchone()[0]
    assert version in page
    for brand, posts in con.execute(
        "select brand_id, sum(posts) from community.fct_channel_daily group by 1"
    ).fetchall():
        row = re.search(rf'<tr data-brand="{brand}"><td>{brand}</td><td>([\d,]+)</td>', page)
        assert row and int(row.group(1).replace(",", "")) == posts, brand


def test_days_in_the_landing_zone_are_rederived_without_calling_the_api(pipeline, first_run):
    def snapshot():
        con = pipeline.published()
        return {m: sorted(con.execute(f"select * from {m}").fetchall(), key=repr) for m in MARTS}

    before = snapshot()
    result = pipeline.run(FIRST, LAST)
    assert result.success
    for mat in result.asset_materializations_for_node("raw__mastodon__posts"):
        assert mat.metadata["pages_from_api"].value == 0
        assert mat.metadata["days_rederived_from_landing"].value == 3
    assert snapshot() == before  # the same range twice: identical marts


def test_a_failed_check_keeps_the_previous_publication_even_in_a_later_run(pipeline, first_run):
    import gzip
    import json

    from assets.ingest.lake import Lake
    from assets.publish.dagster_assets import COMMUNITY_OVERVIEW, PUBLISHED_WAREHOUSE

    settings = pipeline.settings
    current = (settings.publish_dir / "current").resolve()
    lake = Lake(settings.lake_url)
    day = dt.date(2026, 11, 17)
    path = landing_path(lake, "mastodon", "posts", day)
    with open(path, "rb") as fh:
        original = fh.read()
    pages = [json.loads(line) for line in gzip.decompress(original).splitlines()]
    statuses_page = next(p for p in pages if p["kind"] == "statuses" and json.loads(p["body"]))
    body = json.loads(statuses_page["body"])
    body[0]["favourites_count"] = -5  # a record no platform can send: it must be quarantined
    statuses_page["body"] = json.dumps(body)
    with open(path, "wb") as fh:
        fh.write(gzip.compress(b"".join(json.dumps(p).encode() + b"\n" for p in pages)))

    # 1. the day is re-derived from the tampered landing: the quarantine check blocks in that run
    bad = pipeline.run(day, day, selection=[__import__("dagster").AssetKey(["raw", "mastodon", "posts"])])
    checks = {e.check_name: e for e in bad.get_asset_check_evaluations()}
    assert checks["quarantine_share"].passed is False
    assert checks["quarantine_share"].metadata["quarantined"].value == 1
    assert "like_count is negative" in str(checks["quarantine_share"].metadata["examples"].value)

    # 2. a later run that only publishes must look back and refuse
    later = pipeline.run_unpartitioned([PUBLISHED_WAREHOUSE, COMMUNITY_OVERVIEW])
    assert not later.success
    failure = next(e for e in later.all_events if e.is_step_failure)
    message = str(failure.event_specific_data.error)
    assert "quality gate closed" in message and "raw/mastodon/posts:quarantine_share failed" in message
    assert (settings.publish_dir / "current").resolve() == current  # the previous publication stays

    # 3. the fixed day (re-fetched from the API) opens the gate again
    fixed = pipeline.run(day, day, tags={"social/refetch": "true"})
    assert fixed.success
    assert (settings.publish_dir / "current").resolve() != current


def test_a_partition_range_is_one_dbt_build_and_one_step_per_raw_entity(pipeline, first_run):
    steps = [e.step_key for e in first_run.all_events if e.is_step_success]
    assert steps.count("social_dbt_models") == 1
    assert steps.count("raw__mastodon__posts") == 1  # three days, one step: Dagster's start-up paid once
    commands = [
        e.message
        for e in pipeline.instance.all_logs(first_run.run_id)
        if e.message and e.message.startswith("Running dbt command")
    ]
    assert len(commands) == 1
    assert '--vars {"start_date": "2026-11-16", "end_date": "2026-11-18"}' in commands[0]
    marts = first_run.asset_materializations_for_node("social_dbt_models")
    partitions = {m.partition for m in marts if m.asset_key.path[-1] == "fct_share_of_voice_daily"}
    assert partitions == {"2026-11-16", "2026-11-17", "2026-11-18"}
